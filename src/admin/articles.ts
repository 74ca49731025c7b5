// The newsroom's view of articles: the admin list (every status, filters, search, pagination), saving
// from the editor with permissions applied, and revisions (snapshots, diffs, restore).
import { diffLines, diffWords, type Change } from 'diff';
import type { Db } from '../db/index.ts';
import type { Article, ArticleStatus } from '../articles/types.ts';
import { getArticleById } from '../articles/queries.ts';
import { createArticle, parseArticleInput, updateArticle } from '../articles/write.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { zonedTimeToUtc } from '../web/time.ts';
import { assertCanEdit, assertCanPublish, getOwnership, type Ownership } from '../staff/permissions.ts';
import type { Staff } from '../staff/staff.ts';

export const LIST_PAGE_SIZE = 25;

export interface AdminListFilter {
  status?: ArticleStatus;
  format?: string;
  section?: string;
  author?: string;
  q?: string;
}

export interface AdminListRow {
  id: number;
  slug: string;
  headline: string;
  status: ArticleStatus;
  published_at: Date | null;
  updated_at: Date;
  format_name: string | null;
  section_name: string | null;
  authors: string;
  created_by: number | null;
}

/** One page of the admin list, most recently edited first; `more` says whether another page follows. */
export async function listAdminArticles(db: Db, f: AdminListFilter, page: number): Promise<{ rows: AdminListRow[]; more: boolean }> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (f.status) where.push(`a.status = ${p(f.status)}`);
  if (f.format) where.push(`a.format_id = (SELECT id FROM formats WHERE slug = ${p(f.format)})`);
  if (f.section) where.push(`a.section_id = (SELECT id FROM sections WHERE slug = ${p(f.section)})`);
  if (f.author) where.push(`EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id AND aa.author_id = (SELECT id FROM authors WHERE slug = ${p(f.author)}))`);
  if (f.q) where.push(`a.search_vector @@ websearch_to_tsquery('english', ${p(f.q)})`);
  const limit = p(LIST_PAGE_SIZE + 1);
  const offset = p((page - 1) * LIST_PAGE_SIZE);
  // The page's ids first, then their details: rows skipped by OFFSET are only walked in the index,
  // not joined and given their bylines (page 40 took 38 ms p50 when every skipped row was).
  const rows = await db.query<AdminListRow>(
    `WITH page AS (
       SELECT a.id FROM articles a ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY a.updated_at DESC, a.id DESC LIMIT ${limit} OFFSET ${offset})
     SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.updated_at, f.name AS format_name, s.name AS section_name,
            coalesce((SELECT string_agg(au.name, ', ' ORDER BY aa.position) FROM article_authors aa JOIN authors au ON au.id = aa.author_id
                       WHERE aa.article_id = a.id), '') AS authors, a.created_by
       FROM page JOIN articles a ON a.id = page.id LEFT JOIN formats f ON f.id = a.format_id LEFT JOIN sections s ON s.id = a.section_id
      ORDER BY a.updated_at DESC, a.id DESC`,
    params,
  );
  return { rows: rows.slice(0, LIST_PAGE_SIZE), more: rows.length > LIST_PAGE_SIZE };
}

/** What the dashboard shows: published since the start of the local day, and what is scheduled. */
export async function dashboardArticles(db: Db, since: Date) {
  const [today, scheduled, drafts] = await Promise.all([
    db.query<AdminListRow>(
      `SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.updated_at, NULL AS format_name, NULL AS section_name, '' AS authors, a.created_by
         FROM articles a WHERE a.status = 'published' AND a.published_at >= $1 ORDER BY a.published_at DESC LIMIT 50`,
      [since],
    ),
    db.query<AdminListRow>(
      `SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.updated_at, NULL AS format_name, NULL AS section_name, '' AS authors, a.created_by
         FROM articles a WHERE a.status = 'scheduled' ORDER BY a.published_at LIMIT 50`,
    ),
    db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles WHERE status = 'draft'`),
  ]);
  return { today, scheduled, drafts: drafts!.n };
}

// ---- Editor input ---------------------------------------------------------------------------------

/** The article as the editor form holds it: every field a string (or list of strings). */
export interface EditorFields {
  headline: string;
  slug: string;
  dek: string;
  body: string;
  format: string;
  section: string;
  tags: string;
  authors: string[];
  editors_pick: boolean;
  feature_image_url: string;
  feature_image_alt: string;
  feature_image_caption: string;
  publish_at: string;
}

const str = (v: unknown, max = 2_000_000): string => (typeof v === 'string' ? v.slice(0, max) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].slice(0, max) : '');

export function fieldsFromBody(body: Record<string, unknown>): EditorFields {
  const authors = body.authors;
  return {
    headline: str(body.headline, 1000),
    slug: str(body.slug, 200).trim(),
    dek: str(body.dek, 5000),
    body: str(body.body).replace(/\r\n/g, '\n'),
    format: str(body.format, 200),
    section: str(body.section, 200),
    tags: str(body.tags, 5000),
    authors: (Array.isArray(authors) ? authors : authors === undefined ? [] : [authors]).filter((a): a is string => typeof a === 'string' && a !== '').slice(0, 20),
    editors_pick: body.editors_pick === true || body.editors_pick === 'on' || body.editors_pick === 'true',
    feature_image_url: str(body.feature_image_url, 2000).trim(),
    feature_image_alt: str(body.feature_image_alt, 1000),
    feature_image_caption: str(body.feature_image_caption, 2000),
    publish_at: str(body.publish_at, 40).trim(),
  };
}

export function fieldsFromArticle(a: Article, timeZone: string): EditorFields {
  return {
    headline: a.headline,
    slug: a.slug,
    dek: a.dek,
    body: a.body_source,
    format: a.format?.slug ?? '',
    section: a.section?.slug ?? '',
    tags: a.tags.map((t) => t.name).join(', '),
    authors: a.authors.map((x) => x.slug),
    editors_pick: a.editors_pick,
    feature_image_url: a.feature_image_url ?? '',
    feature_image_alt: a.feature_image_alt,
    feature_image_caption: a.feature_image_caption,
    publish_at: a.published_at ? toLocalInput(a.published_at, timeZone) : '',
  };
}

/** "2026-11-25T09:30" in the publication's zone, for <input type="datetime-local">. */
export function toLocalInput(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const g = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${g('year')}-${g('month')}-${g('day')}T${g('hour')}:${g('minute')}`;
}

export function fromLocalInput(v: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(v);
  if (!m) throw new ValidationError('Give the publish time as a date and time, e.g. 2026-11-25T09:30.', { publish_at: 'Give a date and time.' });
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) throw new ValidationError('That publish time is not a real date and time.', { publish_at: 'Not a real date and time.' });
  return zonedTimeToUtc(y, mo, d, h, mi, timeZone);
}

function contentPatch(f: EditorFields): Record<string, unknown> {
  const patch: Record<string, unknown> = {
    headline: f.headline,
    dek: f.dek,
    body: f.body,
    bodyFormat: 'markdown',
    format: f.format || null,
    section: f.section || null,
    tags: f.tags.split(',').map((t) => t.trim()).filter(Boolean),
    authors: f.authors,
    editorsPick: f.editors_pick,
    featureImageUrl: f.feature_image_url || null,
    featureImageAlt: f.feature_image_alt,
    featureImageCaption: f.feature_image_caption,
  };
  if (f.slug) patch.slug = f.slug;
  return patch;
}

export type EditorAction = 'save' | 'publish' | 'schedule' | 'unpublish';

export interface SaveContext {
  db: Db;
  staff: Staff;
  now: Date;
  timeZone: string;
}

/**
 * Save the editor's form: create or update, with the status change the button asked for, checking the
 * staff member's rights first. Records a revision. Returns the saved article.
 */
export async function saveFromEditor(ctx: SaveContext, id: number | null, f: EditorFields, action: EditorAction): Promise<Article> {
  const { db, staff, now } = ctx;
  return db.tx(async (tx) => {
    let own: Ownership | null = null;
    let current: Article | undefined;
    if (id !== null) {
      own = (await getOwnership(tx, id)) ?? null;
      current = await getArticleById(tx, id);
      if (!own || !current) throw new NotFoundError('There is no such article. It may have been deleted.');
      assertCanEdit(staff, own);
    }
    const patch = contentPatch(f);
    if (id === null && !f.authors.length && staff.author_slug) patch.authors = [staff.author_slug];
    const at = f.publish_at ? fromLocalInput(f.publish_at, ctx.timeZone) : null;
    const status = current?.status ?? 'draft';
    if (action === 'publish') {
      patch.status = 'published';
      // Publishing now, unless the article already went out (keep its time) or a past time was given.
      patch.publishedAt = status === 'published' ? current!.published_at : at && at.getTime() <= now.getTime() ? at : now;
    } else if (action === 'schedule') {
      if (!at) throw new ValidationError('Choose when to publish: fill in the publish time.', { publish_at: 'Required to schedule.' });
      if (at.getTime() <= now.getTime()) throw new ValidationError('The publish time is in the past: choose a later time, or publish now.', { publish_at: 'Must be in the future.' });
      patch.status = 'scheduled';
      patch.publishedAt = at;
    } else if (action === 'unpublish') {
      patch.status = 'draft';
    } else if (status === 'scheduled' && at && at.getTime() !== current!.published_at?.getTime()) {
      if (at.getTime() <= now.getTime()) throw new ValidationError('The publish time is in the past: choose a later time, or publish now.', { publish_at: 'Must be in the future.' });
      patch.publishedAt = at;
    }
    // Any change of status, or of the time a scheduled article goes out, is publishing.
    if (action !== 'save' || patch.publishedAt !== undefined) assertCanPublish(staff, own);
    let saved: Article;
    if (id === null) {
      saved = await createArticle(tx, patch, { now });
      await tx.query(`UPDATE articles SET created_by = $2 WHERE id = $1`, [saved.id, staff.id]);
    } else {
      saved = await updateArticle(tx, id, patch, { now });
    }
    await recordRevision(tx, saved.id, staff.id, id === null ? 'create' : 'save', snapshotOf(saved), true, now);
    return saved;
  });
}

/**
 * Autosave: a draft is saved in place; a scheduled or published article is not changed (half-written
 * text must not go live) and the text is kept as an unapplied revision the editor can restore.
 */
export async function autosave(ctx: SaveContext, id: number, f: EditorFields): Promise<{ article: Article; applied: boolean; revisionId: number }> {
  const { db, staff, now } = ctx;
  return db.tx(async (tx) => {
    const own = await getOwnership(tx, id);
    if (!own) throw new NotFoundError('There is no such article. It may have been deleted.');
    assertCanEdit(staff, own);
    const patch = contentPatch(f);
    if (own.status === 'draft') {
      const article = await updateArticle(tx, id, patch, { now });
      const revisionId = await recordRevision(tx, id, staff.id, 'autosave', snapshotOf(article), true, now);
      return { article, applied: true, revisionId };
    }
    const current = (await getArticleById(tx, id))!;
    // Validate as a save would, so that an autosave never keeps what could not be saved.
    parseArticleInput(patch, true);
    const snap: Snapshot = { ...snapshotOf(current), ...snapshotPatch(f) };
    const revisionId = await recordRevision(tx, id, staff.id, 'autosave', snap, false, now);
    return { article: current, applied: false, revisionId };
  });
}

// ---- Revisions ------------------------------------------------------------------------------------

export interface Snapshot {
  headline: string;
  slug: string;
  dek: string;
  body: string;
  format: string | null;
  section: string | null;
  tags: string[];
  authors: string[];
  editorsPick: boolean;
  featureImageUrl: string | null;
  featureImageAlt: string;
  featureImageCaption: string;
  status: ArticleStatus;
  publishedAt: string | null;
}

export function snapshotOf(a: Article): Snapshot {
  return {
    headline: a.headline,
    slug: a.slug,
    dek: a.dek,
    body: a.body_source,
    format: a.format?.slug ?? null,
    section: a.section?.slug ?? null,
    tags: a.tags.map((t) => t.name),
    authors: a.authors.map((x) => x.slug),
    editorsPick: a.editors_pick,
    featureImageUrl: a.feature_image_url,
    featureImageAlt: a.feature_image_alt,
    featureImageCaption: a.feature_image_caption,
    status: a.status,
    publishedAt: a.published_at ? new Date(a.published_at).toISOString() : null,
  };
}

function snapshotPatch(f: EditorFields): Partial<Snapshot> {
  const p = contentPatch(f);
  return {
    headline: f.headline.trim(),
    dek: f.dek.trim(),
    body: f.body,
    format: (p.format as string | null) ?? null,
    section: (p.section as string | null) ?? null,
    tags: p.tags as string[],
    authors: f.authors,
    editorsPick: f.editors_pick,
    featureImageUrl: f.feature_image_url || null,
    featureImageAlt: f.feature_image_alt.trim(),
    featureImageCaption: f.feature_image_caption.trim(),
    ...(f.slug ? { slug: f.slug } : {}),
  };
}

export interface Revision {
  id: number;
  article_id: number;
  staff_id: number | null;
  staff_name: string | null;
  kind: 'create' | 'save' | 'autosave' | 'restore';
  applied: boolean;
  snapshot: Snapshot;
  created_at: Date;
}

/** Keep a snapshot. Consecutive autosaves by one person within ten minutes share one revision. */
export async function recordRevision(db: Db, articleId: number, staffId: number | null, kind: Revision['kind'], snap: Snapshot, applied: boolean, now: Date): Promise<number> {
  if (kind === 'autosave') {
    const last = await db.one<{ id: number; kind: string; staff_id: number | null; created_at: Date; applied: boolean }>(
      `SELECT id, kind, staff_id, created_at, applied FROM article_revisions WHERE article_id = $1 ORDER BY id DESC LIMIT 1`,
      [articleId],
    );
    if (last && last.kind === 'autosave' && last.staff_id === staffId && last.applied === applied && now.getTime() - last.created_at.getTime() < 10 * 60_000) {
      await db.query(`UPDATE article_revisions SET snapshot = $2::jsonb, created_at = $3 WHERE id = $1`, [last.id, JSON.stringify(snap), now]);
      return last.id;
    }
  }
  const row = await db.one<{ id: number }>(
    `INSERT INTO article_revisions (article_id, staff_id, kind, applied, snapshot, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id`,
    [articleId, staffId, kind, applied, JSON.stringify(snap), now],
  );
  return row!.id;
}

export async function listRevisions(db: Db, articleId: number, limit = 100): Promise<Revision[]> {
  return db.query<Revision>(
    `SELECT r.id, r.article_id, r.staff_id, st.name AS staff_name, r.kind, r.applied, r.snapshot, r.created_at
       FROM article_revisions r LEFT JOIN staff st ON st.id = r.staff_id
      WHERE r.article_id = $1 ORDER BY r.id DESC LIMIT $2`,
    [articleId, limit],
  );
}

export async function getRevision(db: Db, articleId: number, revisionId: number): Promise<Revision> {
  const r = await db.one<Revision>(
    `SELECT r.id, r.article_id, r.staff_id, st.name AS staff_name, r.kind, r.applied, r.snapshot, r.created_at
       FROM article_revisions r LEFT JOIN staff st ON st.id = r.staff_id WHERE r.article_id = $1 AND r.id = $2`,
    [articleId, revisionId],
  );
  if (!r) throw new NotFoundError('There is no such revision of this article.');
  return r;
}

export interface FieldDiff {
  field: keyof Snapshot;
  label: string;
  changes: Change[];
}

const LABELS: Array<[keyof Snapshot, string, 'words' | 'lines']> = [
  ['headline', 'Headline', 'words'],
  ['slug', 'Address', 'words'],
  ['dek', 'Dek', 'words'],
  ['body', 'Body', 'lines'],
  ['format', 'Format', 'words'],
  ['section', 'Section', 'words'],
  ['tags', 'Tags', 'words'],
  ['authors', 'Authors', 'words'],
  ['editorsPick', "Editor's pick", 'words'],
  ['featureImageUrl', 'Feature image', 'words'],
  ['featureImageAlt', 'Image alt text', 'words'],
  ['featureImageCaption', 'Image caption', 'words'],
];

const asText = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : v === null || v === undefined ? '' : String(v));

/** Field-by-field differences from `from` to `to`; unchanged fields are left out. */
export function diffSnapshots(from: Snapshot, to: Snapshot): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const [field, label, mode] of LABELS) {
    const a = asText(from[field]);
    const b = asText(to[field]);
    if (a === b) continue;
    out.push({ field, label, changes: mode === 'lines' ? diffLines(a, b) : diffWords(a, b) });
  }
  return out;
}

/** Put a revision's content back (not its status or publish time), recording the restore as a revision. */
export async function restoreRevision(ctx: SaveContext, articleId: number, revisionId: number): Promise<Article> {
  const { db, staff, now } = ctx;
  return db.tx(async (tx) => {
    const own = await getOwnership(tx, articleId);
    if (!own) throw new NotFoundError('There is no such article. It may have been deleted.');
    assertCanEdit(staff, own);
    const rev = await getRevision(tx, articleId, revisionId);
    const s = rev.snapshot;
    const current = (await getArticleById(tx, articleId))!;
    const patch: Record<string, unknown> = {
      headline: s.headline,
      dek: s.dek,
      body: s.body,
      bodyFormat: current.body_format,
      format: s.format,
      section: s.section,
      tags: s.tags,
      authors: s.authors,
      editorsPick: s.editorsPick,
      featureImageUrl: s.featureImageUrl,
      featureImageAlt: s.featureImageAlt,
      featureImageCaption: s.featureImageCaption,
    };
    if (s.slug !== current.slug && !(await tx.one(`SELECT 1 FROM articles WHERE slug = $1 AND id <> $2`, [s.slug, articleId]))) patch.slug = s.slug;
    const saved = await updateArticle(tx, articleId, patch, { now });
    await recordRevision(tx, articleId, staff.id, 'restore', snapshotOf(saved), true, now);
    return saved;
  });
}
