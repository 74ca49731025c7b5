// Creating, editing, publishing and scheduling articles. Every write sanitises the body and keeps the
// taxonomy consistent. A write that changes what readers see (an article that was or becomes
// published) announces itself on CONTENT_CHANNEL so that cached pages are dropped at once; one that
// sets, moves or clears a schedule, on SCHEDULE_CHANNEL. Drafts and autosaves announce nothing: an
// editor typing must not empty the page cache (src/platform/channels.ts).
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { htmlToText, markdownToHtml, sanitizeHtml, slugify } from '../platform/sanitize.ts';
import { parseInput } from '../platform/validate.ts';
import { getArticleById } from './queries.ts';
import type { Article, ArticleStatus } from './types.ts';
import { emitArticleChange } from '../webhooks/emit.ts';
import { CONTENT_CHANNEL, SCHEDULE_CHANNEL } from '../platform/channels.ts';
import { ACCESS_LEVELS, sourceBeforeMarker, stripMarker } from '../members/access.ts';

/** Paths the public site owns; no article may take them as its slug. */
export const RESERVED_SLUGS = new Set([
  'account', 'admin', 'api', 'assets', 'author', 'authors', 'editions', 'feed', 'feed.xml', 'feed.atom', 'feed.json', 'format',
  'formats', 'ghost', 'healthz', 'members', 'news-sitemap.xml', 'newsletters', 'newsletter', 'page', 'robots.txt', 'rss',
  'search', 'section', 'sections', 'sitemap.xml', 'static', 'story', 'stories', 'subscribe', 'tag', 'tags', 'unsubscribe', 'favicon.ico', 'uploads',
]);

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return s.startsWith('/') && !s.startsWith('//');
    }
  }, 'must be an http(s) URL or a path starting with /');

const slugSchema = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens');

export const articleInputSchema = z.object({
  headline: z.string().trim().min(1, 'a headline is required').max(300),
  slug: slugSchema.optional(),
  dek: z.string().trim().max(1000).default(''),
  body: z.string().max(2_000_000).default(''),
  bodyFormat: z.enum(['markdown', 'html']).default('markdown'),
  format: slugSchema.nullish(),
  section: slugSchema.nullish(),
  tags: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  /** Author slugs (or names, with createMissingAuthors). */
  authors: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
  status: z.enum(['draft', 'scheduled', 'published']).default('draft'),
  publishedAt: z.coerce.date().refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'a date between the years 1 and 9999').nullish(),
  editorsPick: z.boolean().default(false),
  featureImageUrl: httpUrl.nullish(),
  featureImageAlt: z.string().trim().max(500).default(''),
  featureImageCaption: z.string().trim().max(1000).default(''),
  canonicalUrl: httpUrl.nullish(),
  storyKey: z.string().trim().max(200).nullish(),
  /** Who may read it (src/members/access.ts); absent on create: the section's default, the format's, or metered. */
  access: z.enum(ACCESS_LEVELS).optional(),
});

export type ArticleInput = z.input<typeof articleInputSchema>;
type ParsedInput = z.output<typeof articleInputSchema>;

export function parseArticleInput(input: unknown, partial = false): Partial<ParsedInput> {
  const data: Partial<ParsedInput> = parseInput(partial ? articleInputSchema.partial() : articleInputSchema, input, { what: 'article' });
  if (partial) {
    // Zod applies defaults even to optional fields: a patch must only carry what it names.
    const given = input && typeof input === 'object' ? input : {};
    for (const k of Object.keys(data)) if (!(k in given)) delete (data as Record<string, unknown>)[k];
  }
  return data;
}

/** The status an article really gets: "published" in the future is "scheduled", and vice versa. */
export function resolveStatus(status: ArticleStatus, publishedAt: Date | null | undefined, now: Date): { status: ArticleStatus; publishedAt: Date | null } {
  if (status === 'draft') return { status, publishedAt: publishedAt ?? null };
  if (status === 'scheduled' && !publishedAt) throw new ValidationError('A scheduled article needs a publish time', { publishedAt: 'required when scheduling' });
  const at = publishedAt ?? now;
  return { status: at.getTime() > now.getTime() ? 'scheduled' : 'published', publishedAt: at };
}

/**
 * The body's HTML and text, and the lead-in before a paywall marker (`<!--paywall-->`), rendered on
 * its own; null when there is no marker (the lead-in is then the first two paragraphs).
 */
function renderBody(body: string, format: 'markdown' | 'html'): { html: string; text: string; lead: string | null } {
  const render = (src: string) => (format === 'markdown' ? markdownToHtml(src) : sanitizeHtml(src));
  const before = sourceBeforeMarker(body);
  const html = render(before === null ? body : stripMarker(body));
  return { html, text: htmlToText(html), lead: before === null ? null : render(before) };
}

async function idBySlug(db: Db, table: 'formats' | 'sections', slug: string | null | undefined, field: string): Promise<number | null> {
  if (!slug) return null;
  const row = await db.one<{ id: number }>(`SELECT id FROM ${table} WHERE slug = $1`, [slug]);
  if (!row) throw new ValidationError(`Unknown ${field} "${slug}"`, { [field]: `no ${field} with slug "${slug}"` });
  return row.id;
}

/**
 * A slug that is another article's old address (it redirects there) is not free: taking it would
 * delete that redirect and break the other article's old links (issue 9: a contributor could do it
 * by renaming a draft). An article may take back an old address of its own.
 */
async function assertNotAnotherArticlesOldAddress(db: Db, slug: string, articleId: number | null): Promise<void> {
  const r = await db.one<{ headline: string }>(
    `SELECT a.headline FROM article_redirects r JOIN articles a ON a.id = r.article_id WHERE r.from_path = $1 AND r.article_id IS DISTINCT FROM $2`,
    [`/${slug}`, articleId],
  );
  if (r) throw new ConflictError(`The address /${slug} is the old address of “${r.headline.slice(0, 120)}” and still leads there. Choose another slug.`);
}

async function uniqueSlug(db: Db, wanted: string, exceptId?: number): Promise<string> {
  const base = wanted || 'article';
  for (let i = 1; i < 1000; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (RESERVED_SLUGS.has(candidate)) continue;
    const taken = await db.one(
      `SELECT 1 FROM articles WHERE slug = $1 AND id IS DISTINCT FROM $2
       UNION ALL SELECT 1 FROM article_redirects WHERE from_path = '/' || $1 AND article_id IS DISTINCT FROM $2 LIMIT 1`,
      [candidate, exceptId ?? null],
    );
    if (!taken) return candidate;
  }
  throw new ConflictError(`No free slug near "${base}"`);
}

async function setTags(db: Db, articleId: number, names: string[]): Promise<void> {
  await db.query(`DELETE FROM article_tags WHERE article_id = $1`, [articleId]);
  const seen = new Set<string>();
  let position = 0;
  for (const name of names) {
    const slug = slugify(name);
    if (!slug || seen.has(slug)) continue;
    seen.add(slug);
    const tag = await db.one<{ id: number }>(
      `INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id`,
      [slug, name],
    );
    await db.query(`INSERT INTO article_tags (article_id, tag_id, position) VALUES ($1, $2, $3)`, [articleId, tag!.id, position++]);
  }
}

async function setAuthors(db: Db, articleId: number, refs: string[], createMissing: boolean): Promise<void> {
  await db.query(`DELETE FROM article_authors WHERE article_id = $1`, [articleId]);
  let position = 0;
  const seen = new Set<number>();
  for (const ref of refs) {
    let author = await db.one<{ id: number }>(`SELECT id FROM authors WHERE slug = $1 OR lower(name) = lower($2) ORDER BY (slug = $1) DESC LIMIT 1`, [slugify(ref), ref]);
    if (!author) {
      if (!createMissing) throw new ValidationError(`Unknown author "${ref}"`, { authors: `no author "${ref}"` });
      author = await db.one<{ id: number }>(
        `INSERT INTO authors (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id`,
        [slugify(ref), ref],
      );
    }
    if (seen.has(author!.id)) continue;
    seen.add(author!.id);
    await db.query(`INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3)`, [articleId, author!.id, position++]);
  }
}

/**
 * Tell the page caches and the scheduler about an article's change from `before` to `after` (null:
 * not there). Public pages list published articles only, so only a change into, out of or within
 * published is one the caches need to hear; a schedule (into, out of or within scheduled) is one the
 * scheduler needs to hear. A draft saved as a draft is neither.
 */
async function announceChange(db: Db, payload: string, before: ArticleStatus | null, after: ArticleStatus | null): Promise<void> {
  if (before === 'published' || after === 'published') await db.notify(CONTENT_CHANNEL, payload);
  if (before === 'scheduled' || after === 'scheduled') await db.notify(SCHEDULE_CHANNEL, payload);
}

export interface WriteOptions {
  now?: Date;
  /** Create authors named in the input that do not exist yet (CLI and imports). */
  createMissingAuthors?: boolean;
}

export async function createArticle(db: Db, input: unknown, opts: WriteOptions = {}): Promise<Article> {
  const data = parseArticleInput(input) as ParsedInput;
  const now = opts.now ?? new Date();
  const { status, publishedAt } = resolveStatus(data.status, data.publishedAt, now);
  const body = renderBody(data.body, data.bodyFormat);
  if (data.slug && RESERVED_SLUGS.has(data.slug)) throw new ValidationError(`"${data.slug}" is a reserved path`, { slug: 'reserved' });
  const id = await db.tx(async (tx) => {
    if (data.slug && (await tx.one(`SELECT 1 FROM articles WHERE slug = $1`, [data.slug]))) {
      throw new ConflictError(`An article with slug "${data.slug}" already exists`);
    }
    if (data.slug) await assertNotAnotherArticlesOldAddress(tx, data.slug, null);
    const slug = data.slug ?? (await uniqueSlug(tx, slugify(data.headline)));
    const row = await tx.one<{ id: number }>(
      `INSERT INTO articles (slug, headline, dek, body_source, body_format, body_html, body_text, format_id, section_id,
                             status, published_at, updated_at, created_at, editors_pick, feature_image_url, feature_image_alt,
                             feature_image_caption, canonical_url, story_key, lead_html, access)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12,$13,$14,$15,$16,$17,$18,$19,
               coalesce($20, (SELECT default_access FROM sections WHERE id = $9), (SELECT default_access FROM formats WHERE id = $8), 'metered')) RETURNING id`,
      [
        slug, data.headline, data.dek, data.body, data.bodyFormat, body.html, body.text,
        await idBySlug(tx, 'formats', data.format, 'format'), await idBySlug(tx, 'sections', data.section, 'section'),
        status, publishedAt, status === 'published' && publishedAt && publishedAt < now ? publishedAt : now,
        data.editorsPick, data.featureImageUrl ?? null, data.featureImageAlt, data.featureImageCaption, data.canonicalUrl ?? null, data.storyKey ?? null,
        body.lead, data.access ?? null,
      ],
    );
    await setTags(tx, row!.id, data.tags);
    await setAuthors(tx, row!.id, data.authors, opts.createMissingAuthors ?? false);
    await emitArticleChange(tx, row!.id, null, status);
    await announceChange(tx, String(row!.id), null, status);
    return row!.id;
  });
  return (await getArticleById(db, id))!;
}

export async function updateArticle(db: Db, id: number, patch: unknown, opts: WriteOptions = {}): Promise<Article> {
  const data = parseArticleInput(patch, true);
  const now = opts.now ?? new Date();
  await db.tx(async (tx) => {
    const current = await tx.one<{ slug: string; status: ArticleStatus; published_at: Date | null; body_source: string; body_format: 'markdown' | 'html' }>(
      `SELECT slug, status, published_at, body_source, body_format FROM articles WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!current) throw new NotFoundError(`No article ${id}`);
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (col: string, v: unknown) => {
      params.push(v);
      sets.push(`${col} = $${params.length}`);
    };
    if (data.headline !== undefined) set('headline', data.headline);
    if (data.dek !== undefined) set('dek', data.dek);
    if (data.body !== undefined || data.bodyFormat !== undefined) {
      const source = data.body ?? current.body_source;
      const format = data.bodyFormat ?? current.body_format;
      const body = renderBody(source, format);
      set('body_source', source);
      set('body_format', format);
      set('body_html', body.html);
      set('body_text', body.text);
      set('lead_html', body.lead);
    }
    if (data.access !== undefined) set('access', data.access);
    if (data.slug !== undefined && data.slug !== current.slug) {
      if (RESERVED_SLUGS.has(data.slug)) throw new ValidationError(`"${data.slug}" is a reserved path`, { slug: 'reserved' });
      if (await tx.one(`SELECT 1 FROM articles WHERE slug = $1`, [data.slug])) throw new ConflictError(`An article with slug "${data.slug}" already exists`);
      await assertNotAnotherArticlesOldAddress(tx, data.slug, id);
      set('slug', data.slug);
      // The old URL keeps working: it redirects to the new one.
      await tx.query(
        `INSERT INTO article_redirects (from_path, article_id) VALUES ($1, $2) ON CONFLICT (from_path) DO UPDATE SET article_id = EXCLUDED.article_id`,
        [`/${current.slug}`, id],
      );
      await tx.query(`DELETE FROM article_redirects WHERE from_path = $1`, [`/${data.slug}`]);
    }
    if (data.format !== undefined) set('format_id', await idBySlug(tx, 'formats', data.format, 'format'));
    if (data.section !== undefined) set('section_id', await idBySlug(tx, 'sections', data.section, 'section'));
    if (data.status !== undefined || data.publishedAt !== undefined) {
      const resolved = resolveStatus(data.status ?? current.status, data.publishedAt !== undefined ? data.publishedAt : current.published_at, now);
      set('status', resolved.status);
      set('published_at', resolved.publishedAt);
    }
    if (data.editorsPick !== undefined) set('editors_pick', data.editorsPick);
    if (data.featureImageUrl !== undefined) set('feature_image_url', data.featureImageUrl);
    if (data.featureImageAlt !== undefined) set('feature_image_alt', data.featureImageAlt);
    if (data.featureImageCaption !== undefined) set('feature_image_caption', data.featureImageCaption);
    if (data.canonicalUrl !== undefined) set('canonical_url', data.canonicalUrl);
    if (data.storyKey !== undefined) set('story_key', data.storyKey);
    set('updated_at', now);
    await tx.query(`UPDATE articles SET ${sets.join(', ')} WHERE id = $1`, params);
    if (data.tags !== undefined) await setTags(tx, id, data.tags);
    if (data.authors !== undefined) await setAuthors(tx, id, data.authors, opts.createMissingAuthors ?? false);
    const after = await tx.one<{ status: ArticleStatus }>(`SELECT status FROM articles WHERE id = $1`, [id]);
    await emitArticleChange(tx, id, current.status, after!.status);
    await announceChange(tx, String(id), current.status, after!.status);
  });
  return (await getArticleById(db, id))!;
}

export async function deleteArticle(db: Db, id: number): Promise<void> {
  await db.tx(async (tx) => {
    const gone = await tx.query<{ slug: string; headline: string; status: ArticleStatus }>(`DELETE FROM articles WHERE id = $1 RETURNING slug, headline, status`, [id]);
    if (!gone.length) throw new NotFoundError(`No article ${id}`);
    await emitArticleChange(tx, id, gone[0]!.status, null, gone[0]);
    await announceChange(tx, String(id), gone[0]!.status, null);
  });
}

/**
 * Scheduled articles whose time has come go live. Idempotent; called by the scheduler in `serve`
 * (timed to the next due article) and safe to call from anywhere. Returns the ids published.
 */
export async function publishDueArticles(db: Db, now = new Date()): Promise<number[]> {
  return db.tx(async (tx) => {
    const rows = await tx.query<{ id: number }>(
      `UPDATE articles SET status = 'published', updated_at = published_at
        WHERE status = 'scheduled' AND published_at <= $1 RETURNING id`,
      [now],
    );
    for (const r of rows) await emitArticleChange(tx, r.id, 'scheduled', 'published');
    if (rows.length) await tx.notify(CONTENT_CHANNEL, rows.map((r) => r.id).join(','));
    return rows.map((r) => r.id);
  });
}

export async function upsertFormat(db: Db, f: { slug: string; name: string; description?: string; position?: number; weight?: number }) {
  await db.query(
    `INSERT INTO formats (slug, name, description, position, weight) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, position = EXCLUDED.position, weight = EXCLUDED.weight`,
    [f.slug, f.name, f.description ?? '', f.position ?? 0, f.weight ?? 1],
  );
  await db.notify(CONTENT_CHANNEL, 'formats');
}

export async function upsertSection(db: Db, s: { slug: string; name: string; description?: string; position?: number }) {
  await db.query(
    `INSERT INTO sections (slug, name, description, position) VALUES ($1, $2, $3, $4)
     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, position = EXCLUDED.position`,
    [s.slug, s.name, s.description ?? '', s.position ?? 0],
  );
  await db.notify(CONTENT_CHANNEL, 'sections');
}

export async function upsertAuthor(db: Db, a: { slug: string; name: string; bio?: string; photoUrl?: string | null }) {
  const row = await db.one<{ id: number }>(
    `INSERT INTO authors (slug, name, bio, photo_url) VALUES ($1, $2, $3, $4)
     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, bio = EXCLUDED.bio, photo_url = EXCLUDED.photo_url RETURNING id`,
    [a.slug, a.name, a.bio ?? '', a.photoUrl ?? null],
  );
  await db.notify(CONTENT_CHANNEL, 'authors');
  return row!.id;
}
