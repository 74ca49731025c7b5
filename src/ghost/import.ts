// Importing a Ghost JSON export (Settings → Advanced → Export; db[0].data.<table>): users become
// authors, public tags become tags (internal "#" tags are skipped), posts and pages become articles
// with their sanitised HTML, bylines and tags in Ghost's order (the first is the primary one), times,
// feature image with alt text and caption, excerpt (→ dek), featured (→ editor's pick), canonical URL,
// uuid, slug and status (drafts stay drafts, scheduled stay scheduled).
//
// Idempotent: ghost_import_map remembers Ghost id → our id, so a second run updates what the first
// created instead of duplicating it. Old URLs keep working: Ghost serves /{slug}/, which our
// trailing-slash redirect sends to /{slug}; a slug that is one of our reserved paths gets a new slug
// and an article_redirects row from the old path. Writes are plain SQL in batches (an import is not
// an edit: no webhooks fire; one content_changed at the end clears the page cache).
import type { Db } from '../db/index.ts';
import { ValidationError } from '../platform/errors.ts';
import { htmlToText, sanitizeHtml, slugify } from '../platform/sanitize.ts';
import { CONTENT_CHANNEL, RESERVED_SLUGS } from '../articles/write.ts';
import { lexicalToHtml, mobiledocToHtml } from './convert.ts';

export interface ImportReport {
  ghostVersion: string | null;
  authors: { created: number; updated: number };
  tags: { created: number; updated: number; skipped: number };
  posts: { created: number; updated: number; skipped: number };
  pages: { created: number; updated: number; skipped: number };
  /** Ghost slug (or id) and why it was skipped. */
  skipped: Array<{ kind: 'post' | 'page' | 'tag' | 'user'; slug: string; reason: string }>;
  /** Imported, with a remark (new slug, converted body, lost cards, members-only as draft...). */
  notes: Array<{ slug: string; note: string }>;
}

export interface ImportOptions {
  now?: Date;
  onProgress?: (done: number, total: number) => void;
  /** Posts per transaction. */
  batchSize?: number;
}

type GhostRow = Record<string, any>;

interface GhostData {
  version: string | null;
  posts: GhostRow[];
  users: GhostRow[];
  tags: GhostRow[];
  posts_authors: GhostRow[];
  posts_tags: GhostRow[];
  posts_meta: GhostRow[];
}

/** Find the data in the shapes Ghost has used: {db: [{meta, data}]}, {meta, data}, or {data}. */
export function readGhostExport(json: unknown): GhostData {
  const root = json as any;
  const db = Array.isArray(root?.db) ? root.db[0] : root?.db ?? root;
  const data = db?.data;
  if (!data || typeof data !== 'object' || !Array.isArray(data.posts)) {
    throw new ValidationError('This is not a Ghost JSON export: expected db[0].data.posts (Ghost Admin → Settings → Advanced → Export).', { file: 'not a Ghost export' });
  }
  const arr = (k: string) => (Array.isArray(data[k]) ? data[k] : []);
  return {
    version: typeof db?.meta?.version === 'string' ? db.meta.version : null,
    posts: arr('posts'),
    users: arr('users'),
    tags: arr('tags'),
    posts_authors: arr('posts_authors'),
    posts_tags: arr('posts_tags'),
    posts_meta: arr('posts_meta'),
  };
}

/** Ghost exports write the site's own address as __GHOST_URL__; ours becomes a site-relative path. */
function localUrls(s: string): string {
  return s.replace(/__GHOST_URL__/g, '');
}

function url(v: unknown): string | null {
  if (typeof v !== 'string' || !v.trim()) return null;
  const s = localUrls(v.trim());
  if (s.startsWith('/') && !s.startsWith('//')) return s.slice(0, 2000);
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s.slice(0, 2000) : null;
  } catch {
    return null;
  }
}

/** Ghost writes UTC times as "2024-05-01 10:00:00" (or ISO); numbers are epoch milliseconds. */
function time(v: unknown): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(/^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d(\.\d+)?)?$/.test(String(v)) ? String(v).replace(' ', 'T') + 'Z' : String(v));
  return Number.isNaN(d.getTime()) ? null : d;
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';
const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function loadMap(db: Db, kind: 'post' | 'user' | 'tag', table: string): Promise<Map<string, number>> {
  // Only mappings whose row still exists: a deleted article is imported again.
  const rows = await db.query<{ ghost_id: string; local_id: number }>(
    `SELECT m.ghost_id, m.local_id FROM ghost_import_map m JOIN ${table} t ON t.id = m.local_id WHERE m.kind = $1`,
    [kind],
  );
  return new Map(rows.map((r) => [r.ghost_id, r.local_id]));
}

async function remember(db: Db, kind: 'post' | 'user' | 'tag', ghostId: string, localId: number): Promise<void> {
  await db.query(
    `INSERT INTO ghost_import_map (kind, ghost_id, local_id) VALUES ($1, $2, $3)
     ON CONFLICT (kind, ghost_id) DO UPDATE SET local_id = EXCLUDED.local_id, imported_at = now()`,
    [kind, ghostId, localId],
  );
}

function freeSlug(wanted: string, taken: Set<string>): string {
  const base = wanted || 'untitled';
  for (let i = 1; ; i++) {
    const s = i === 1 ? base : `${base.slice(0, 110)}-${i}`;
    if (!RESERVED_SLUGS.has(s) && !taken.has(s)) return s;
  }
}

export async function importGhost(db: Db, json: unknown, opts: ImportOptions = {}): Promise<ImportReport> {
  const data = readGhostExport(json);
  const now = opts.now ?? new Date();
  const report: ImportReport = {
    ghostVersion: data.version,
    authors: { created: 0, updated: 0 },
    tags: { created: 0, updated: 0, skipped: 0 },
    posts: { created: 0, updated: 0, skipped: 0 },
    pages: { created: 0, updated: 0, skipped: 0 },
    skipped: [],
    notes: [],
  };
  const total = data.users.length + data.tags.length + data.posts.length;
  let done = 0;
  const progress = () => opts.onProgress?.(done, total);
  progress();

  // ---- users → authors ----
  const userMap = await loadMap(db, 'user', 'authors');
  const authorIds = new Map<string, number>(); // ghost user id → author id
  await db.tx(async (tx) => {
    for (const u of data.users) {
      done++;
      const gid = String(u.id ?? '');
      const name = text(u.name, 200) || text(u.slug, 200);
      if (!gid || !name) {
        report.skipped.push({ kind: 'user', slug: String(u.slug ?? u.id ?? '?'), reason: 'no id or name' });
        continue;
      }
      const fields = [name, text(u.bio, 5000), url(u.profile_image)];
      const mapped = userMap.get(gid);
      let id: number;
      if (mapped) {
        await tx.query(`UPDATE authors SET name = $2, bio = $3, photo_url = $4 WHERE id = $1`, [mapped, ...fields]);
        id = mapped;
        report.authors.updated++;
      } else {
        // An author of ours with the same slug is the same person (a re-import after the map was lost, or a byline set up by hand).
        const slug = slugify(text(u.slug, 120) || name) || 'author';
        const row = await tx.one<{ id: number; inserted: boolean }>(
          `INSERT INTO authors (slug, name, bio, photo_url) VALUES ($1, $2, $3, $4)
           ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, bio = EXCLUDED.bio, photo_url = coalesce(EXCLUDED.photo_url, authors.photo_url)
           RETURNING id, (xmax = 0) AS inserted`,
          [slug, ...fields],
        );
        id = row!.id;
        if (row!.inserted) report.authors.created++;
        else report.authors.updated++;
        await remember(tx, 'user', gid, id);
      }
      authorIds.set(gid, id);
    }
  });
  progress();

  // ---- tags ----
  const tagMap = await loadMap(db, 'tag', 'tags');
  const tagIds = new Map<string, number>();
  await db.tx(async (tx) => {
    for (const t of data.tags) {
      done++;
      const gid = String(t.id ?? '');
      const name = text(t.name, 200);
      if (!gid || !name) {
        report.tags.skipped++;
        report.skipped.push({ kind: 'tag', slug: String(t.slug ?? t.id ?? '?'), reason: 'no id or name' });
        continue;
      }
      if (name.startsWith('#') || t.visibility === 'internal') {
        report.tags.skipped++;
        report.skipped.push({ kind: 'tag', slug: String(t.slug ?? name), reason: 'internal tag (#): used by Ghost themes, not shown to readers' });
        continue;
      }
      const mapped = tagMap.get(gid);
      if (mapped) {
        await tx.query(`UPDATE tags SET name = $2 WHERE id = $1`, [mapped, name]);
        tagIds.set(gid, mapped);
        report.tags.updated++;
        continue;
      }
      const slug = slugify(text(t.slug, 120) || name) || 'tag';
      const row = await tx.one<{ id: number; inserted: boolean }>(
        `INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id, (xmax = 0) AS inserted`,
        [slug, name],
      );
      tagIds.set(gid, row!.id);
      if (row!.inserted) report.tags.created++;
      else report.tags.updated++;
      await remember(tx, 'tag', gid, row!.id);
    }
  });
  progress();

  // ---- relations, in Ghost's order ----
  const byPost = (rows: GhostRow[], key: string, ids: Map<string, number>) => {
    const out = new Map<string, Array<{ id: number; order: number }>>();
    for (const r of rows) {
      const local = ids.get(String(r[key]));
      if (local === undefined) continue;
      const list = out.get(String(r.post_id)) ?? [];
      if (!list.some((x) => x.id === local)) list.push({ id: local, order: Number(r.sort_order ?? 0) });
      out.set(String(r.post_id), list);
    }
    for (const list of out.values()) list.sort((a, b) => a.order - b.order);
    return out;
  };
  const postAuthors = byPost(data.posts_authors, 'author_id', authorIds);
  const postTags = byPost(data.posts_tags, 'tag_id', tagIds);
  const meta = new Map(data.posts_meta.map((m) => [String(m.post_id), m]));

  // ---- posts and pages ----
  const postMap = await loadMap(db, 'post', 'articles');
  const existing = await db.query<{ id: number; slug: string; uuid: string }>(`SELECT id, slug, uuid::text AS uuid FROM articles`);
  const slugOwner = new Map(existing.map((r) => [r.slug, r.id]));
  const uuidOwner = new Map(existing.map((r) => [r.uuid, r.id]));
  const batchSize = opts.batchSize ?? 250;

  for (let start = 0; start < data.posts.length; start += batchSize) {
    const batch = data.posts.slice(start, start + batchSize);
    await db.tx(async (tx) => {
      for (const p of batch) {
        done++;
        const kind: 'post' | 'page' = p.type === 'page' ? 'page' : 'post';
        const counts = kind === 'page' ? report.pages : report.posts;
        const gslug = String(p.slug ?? p.id ?? '?');
        const skip = (reason: string) => {
          counts.skipped++;
          report.skipped.push({ kind, slug: gslug, reason });
        };
        const gid = String(p.id ?? '');
        const title = text(p.title, 300);
        if (!gid) {
          skip('no id');
          continue;
        }
        if (!title) {
          skip('no title');
          continue;
        }
        // ---- status ----
        let status: 'draft' | 'scheduled' | 'published';
        const publishedAt = time(p.published_at);
        if (p.status === 'published') status = 'published';
        else if (p.status === 'scheduled') status = 'scheduled';
        else if (p.status === 'draft') status = 'draft';
        else if (p.status === 'sent') {
          skip('sent as an email only (never published on the web)');
          continue;
        } else {
          skip(`unknown status "${p.status}"`);
          continue;
        }
        if (status !== 'draft' && !publishedAt) {
          skip(`${status} without a publish time`);
          continue;
        }
        const notes: string[] = [];
        if (p.visibility && p.visibility !== 'public' && status !== 'draft') {
          // No paywall here (yet): members-only or paid writing must not go public by accident.
          status = 'draft';
          notes.push(`visible to ${p.visibility === 'paid' ? 'paying members' : p.visibility === 'tiers' ? 'some tiers' : 'members'} only in Ghost: imported as a draft`);
        }
        // ---- body ----
        let source = typeof p.html === 'string' ? p.html : '';
        if (!source.trim() && (p.lexical || p.mobiledoc)) {
          const conv = p.lexical ? lexicalToHtml(String(p.lexical)) : mobiledocToHtml(String(p.mobiledoc));
          if (conv.unsupported.length) notes.push(`converted from ${p.lexical ? 'Lexical' : 'Mobiledoc'}; left out: ${conv.unsupported.join(', ')}`);
          else notes.push(`converted from ${p.lexical ? 'Lexical' : 'Mobiledoc'} (the export had no HTML)`);
          if (!conv.html.trim() && conv.unsupported.length) {
            skip(`no HTML, and its ${p.lexical ? 'Lexical' : 'Mobiledoc'} holds only content we cannot convert (${conv.unsupported.join(', ')})`);
            continue;
          }
          source = conv.html;
        }
        const bodyHtml = sanitizeHtml(localUrls(source));
        const bodyText = htmlToText(bodyHtml);
        const m = meta.get(gid) ?? {};
        const feature = url(p.feature_image);
        if (p.feature_image && !feature) notes.push(`feature image "${String(p.feature_image).slice(0, 80)}" is not an http(s) URL: left out`);
        const values = {
          headline: title,
          dek: text(p.custom_excerpt, 1000),
          body_html: bodyHtml,
          body_text: bodyText,
          status,
          published_at: publishedAt,
          updated_at: time(p.updated_at) ?? publishedAt ?? now,
          created_at: time(p.created_at) ?? publishedAt ?? now,
          editors_pick: truthy(p.featured),
          feature_image_url: feature,
          feature_image_alt: text(m.feature_image_alt ?? p.feature_image_alt, 500),
          feature_image_caption: htmlToText(text(m.feature_image_caption ?? p.feature_image_caption, 1000)),
          canonical_url: url(p.canonical_url),
          type: kind,
        };
        const cols = Object.keys(values);
        const vals = Object.values(values);
        // ---- slug ----
        const mapped = postMap.get(gid);
        const wanted = slugify(String(p.slug ?? '')) || slugify(title);
        let id: number;
        if (mapped) {
          await tx.query(`UPDATE articles SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, body_source = $${cols.length + 2}, body_format = 'html' WHERE id = $1`, [
            mapped, ...vals, bodyHtml,
          ]);
          id = mapped;
          counts.updated++;
        } else {
          let slug = wanted;
          if (RESERVED_SLUGS.has(slug) || (slugOwner.has(slug) && slugOwner.get(slug) !== undefined)) {
            const reserved = RESERVED_SLUGS.has(slug);
            slug = freeSlug(wanted, new Set(slugOwner.keys()));
            notes.push(reserved ? `"/${wanted}" is one of our own paths: now at /${slug}` : `the slug "${wanted}" was taken by another article: now at /${slug}`);
          }
          const uuid = typeof p.uuid === 'string' && UUID.test(p.uuid) && !uuidOwner.has(p.uuid.toLowerCase()) ? p.uuid.toLowerCase() : null;
          const row = await tx.one<{ id: number; uuid: string }>(
            `INSERT INTO articles (slug, body_source, body_format, uuid, ${cols.join(', ')})
             VALUES ($1, $2, 'html', coalesce($3::uuid, gen_random_uuid()), ${cols.map((_, i) => `$${i + 4}`).join(', ')}) RETURNING id, uuid::text AS uuid`,
            [slug, bodyHtml, uuid, ...vals],
          );
          id = row!.id;
          slugOwner.set(slug, id);
          uuidOwner.set(row!.uuid, id);
          if (slug !== wanted && RESERVED_SLUGS.has(wanted)) {
            // Only a reserved path can redirect: another article's slug is that article's address.
            await tx.query(`INSERT INTO article_redirects (from_path, article_id) VALUES ($1, $2) ON CONFLICT (from_path) DO UPDATE SET article_id = EXCLUDED.article_id`, [`/${wanted}`, id]);
          }
          await remember(tx, 'post', gid, id);
          counts.created++;
        }
        // ---- bylines and tags, primary first ----
        const authors = (postAuthors.get(gid) ?? []).map((a) => a.id);
        const tags = (postTags.get(gid) ?? []).map((t) => t.id);
        await tx.query(`DELETE FROM article_authors WHERE article_id = $1`, [id]);
        await tx.query(`DELETE FROM article_tags WHERE article_id = $1`, [id]);
        if (authors.length) {
          await tx.query(`INSERT INTO article_authors (article_id, author_id, position) SELECT $1, a, o - 1 FROM unnest($2::int[]) WITH ORDINALITY AS u(a, o)`, [id, authors]);
        }
        if (tags.length) {
          await tx.query(`INSERT INTO article_tags (article_id, tag_id, position) SELECT $1, t, o - 1 FROM unnest($2::int[]) WITH ORDINALITY AS u(t, o)`, [id, tags]);
        }
        for (const note of notes) report.notes.push({ slug: gslug, note });
      }
    });
    progress();
  }
  await db.notify(CONTENT_CHANNEL, 'import');
  return report;
}
