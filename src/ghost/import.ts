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
import fs from 'node:fs';
import { accessFromGhost, sourceBeforeMarker, stripMarker } from '../members/access.ts';
import path from 'node:path';
import type { Db } from '../db/index.ts';
import { ValidationError, asRequestError } from '../platform/errors.ts';
import { htmlToText, sanitizeHtml, slugify } from '../platform/sanitize.ts';
import { RESERVED_SLUGS } from '../articles/write.ts';
import { CONTENT_CHANNEL, SCHEDULE_CHANNEL } from '../platform/channels.ts';
import { lexicalToHtml, mobiledocToHtml } from './convert.ts';
import { makeSizes, storeImage } from '../media/images.ts';

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
  /**
   * Ghost's own images (/content/images/...): an export names them but does not hold them. With
   * `images` given they are copied into the uploads and the references rewritten.
   */
  images: { referenced: number; copied: number; missing: string[]; refused: string[]; copiedFrom: string | null };
}

export interface ImportOptions {
  now?: Date;
  onProgress?: (done: number, total: number) => void;
  /** Posts per transaction. */
  batchSize?: number;
  /** Ghost's content/images folder and where uploads live: copy the images the export refers to. */
  images?: { from: string; dataDir: string };
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

/** An image of Ghost's own, as the export writes it (also inside srcset lists). */
const GHOST_IMAGE = /__GHOST_URL__(\/content\/images\/[^"'\s<>()?#,]+)/g;

/**
 * Ghost's images: every `__GHOST_URL__/content/images/...` reference is looked up in Ghost's
 * content/images folder (when given), stored like an upload (by content hash, type checked) and the
 * reference rewritten to /uploads/...; what cannot be copied keeps its old path and is reported.
 */
function ghostImages(opts: ImportOptions['images'], report: ImportReport['images']) {
  /** The copies made, whose sizes for the site's srcset are made once the import has written its rows. */
  const stored: string[] = [];
  const done = new Map<string, string | null>();
  // Real paths on both sides: neither `..` nor a symbolic link leads out of the folder.
  const base = opts ? fs.realpathSync(path.resolve(opts.from)) : null;
  const one = (rel: string): string | null => {
    if (done.has(rel)) return done.get(rel)!;
    report.referenced++;
    let out: string | null = null;
    if (base && opts) {
      let file: string | null = null;
      try {
        file = fs.realpathSync(path.resolve(base, decodeURIComponent(rel.slice('/content/images/'.length))));
      } catch {
        file = null; // not there (or not a decodable path)
      }
      if (!file || !file.startsWith(base + path.sep) || !fs.statSync(file).isFile()) report.missing.push(rel);
      else {
        try {
          out = storeImage(opts.dataDir, fs.readFileSync(file));
          stored.push(out);
          report.copied++;
        } catch (e) {
          if (e instanceof ValidationError) report.refused.push(rel); // not a JPEG, PNG, GIF or WebP (an SVG, say)
          else throw e; // the disk, not the file: stop the import with the real reason
        }
      }
    }
    done.set(rel, out);
    return out;
  };
  return {
    stored,
    /** HTML or a URL with Ghost's images rewritten, and __GHOST_URL__ made site-relative. */
    rewrite(s: string): string {
      return localUrls(s.replace(GHOST_IMAGE, (m, rel: string) => one(rel) ?? m));
    },
  };
}

function url(v: unknown, rewrite: (s: string) => string = localUrls): string | null {
  if (typeof v !== 'string' || !v.trim()) return null;
  const s = rewrite(v.trim());
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

/** A date PostgreSQL's timestamptz can hold and a reader would believe: years 1 to 9999. */
const storableTime = (d: Date | null) => d === null || (d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999);
/** Text PostgreSQL cannot store: a NUL character, or half of a UTF-16 surrogate pair. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What in a post the database would refuse, in words, or null. */
function unstorable(p: unknown): string | null {
  for (const f of ['title', 'slug', 'html', 'custom_excerpt', 'lexical', 'mobiledoc', 'feature_image', 'canonical_url'] as const) {
    const v = (p as Record<string, unknown>)[f];
    if (typeof v === 'string' && UNSTORABLE.test(v)) return `its ${f} contains a NUL character or broken text, which cannot be stored`;
  }
  for (const f of ['published_at', 'updated_at', 'created_at'] as const) {
    const v = (p as Record<string, unknown>)[f];
    if (!storableTime(time(v))) return `its ${f} "${String(v).slice(0, 40)}" is not a date between the years 1 and 9999`;
  }
  return null;
}

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';
// Names and titles lose what PostgreSQL cannot store (NUL, broken surrogates) rather than failing the import.
const text = (v: unknown, max: number) => (typeof v === 'string' ? v.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '').trim().slice(0, max) : '');
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

interface PreparedPost {
  gid: string;
  gslug: string;
  kind: 'post' | 'page';
  notes: string[];
  /** The article an earlier import made of this post (updated in place); for a new one, set once inserted. */
  mapped: number | null;
  isNew: boolean;
  slug: string;
  redirectFrom: string | null;
  uuid: string | null;
  authors: number[];
  tags: number[];
  values: {
    headline: string; dek: string; body_html: string; body_text: string; status: string; published_at: string | null;
    updated_at: string; created_at: string; editors_pick: boolean; feature_image_url: string | null; feature_image_alt: string;
    feature_image_caption: string; canonical_url: string | null; type: string; access: string; lead_html: string | null;
  };
}

const POST_COLUMNS: Array<[keyof PreparedPost['values'], string]> = [
  ['headline', 'text'], ['dek', 'text'], ['body_html', 'text'], ['body_text', 'text'], ['status', 'text'], ['published_at', 'timestamptz'],
  ['updated_at', 'timestamptz'], ['created_at', 'timestamptz'], ['editors_pick', 'boolean'], ['feature_image_url', 'text'],
  ['feature_image_alt', 'text'], ['feature_image_caption', 'text'], ['canonical_url', 'text'], ['type', 'text'],
  ['access', 'text'], ['lead_html', 'text'],
];

/** One batch of prepared posts, in a handful of statements (inside the caller's transaction). */
async function writePosts(tx: Db, rows: PreparedPost[], slugOwner: Map<string, number>): Promise<void> {
  const column = (list: PreparedPost[], k: keyof PreparedPost['values']) => list.map((r) => r.values[k]);
  const unnestCols = POST_COLUMNS.map(([c, t], i) => `$${i + 2}::${t}[]`).join(', ');
  const names = POST_COLUMNS.map(([c]) => c);
  const updates = rows.filter((r) => !r.isNew);
  if (updates.length) {
    await tx.query(
      `UPDATE articles a SET ${names.map((c) => `${c} = u.${c}`).join(', ')}, body_source = u.body_html, body_format = 'html'
         FROM unnest($1::int[], ${unnestCols}) AS u(id, ${names.join(', ')})
        WHERE a.id = u.id`,
      [updates.map((r) => r.mapped), ...POST_COLUMNS.map(([c]) => column(updates, c))],
    );
  }
  const inserts = rows.filter((r) => r.isNew);
  if (inserts.length) {
    const n = POST_COLUMNS.length;
    const created = await tx.query<{ id: number; slug: string; uuid: string }>(
      `INSERT INTO articles (slug, uuid, body_source, body_format, ${names.join(', ')})
       SELECT u.slug, coalesce(u.uuid, gen_random_uuid()), u.body_html, 'html', ${names.map((c) => `u.${c}`).join(', ')}
         FROM unnest($1::text[], ${unnestCols}, $${n + 2}::uuid[]) AS u(slug, ${names.join(', ')}, uuid)
       RETURNING id, slug, uuid::text AS uuid`,
      [inserts.map((r) => r.slug), ...POST_COLUMNS.map(([c]) => column(inserts, c)), inserts.map((r) => r.uuid)],
    );
    const idOf = new Map(created.map((c) => [c.slug, c.id]));
    for (const r of inserts) {
      r.mapped = idOf.get(r.slug)!;
      slugOwner.set(r.slug, r.mapped);
    }
    // One row per old path (two new posts wanting one reserved path: the later one gets it).
    const redirects = [...new Map(inserts.filter((r) => r.redirectFrom).map((r) => [r.redirectFrom!, r])).values()];
    if (redirects.length) {
      await tx.query(
        `INSERT INTO article_redirects (from_path, article_id) SELECT * FROM unnest($1::text[], $2::int[])
         ON CONFLICT (from_path) DO UPDATE SET article_id = EXCLUDED.article_id`,
        [redirects.map((r) => r.redirectFrom), redirects.map((r) => r.mapped)],
      );
    }
    await tx.query(
      `INSERT INTO ghost_import_map (kind, ghost_id, local_id) SELECT 'post', * FROM unnest($1::text[], $2::int[])
       ON CONFLICT (kind, ghost_id) DO UPDATE SET local_id = EXCLUDED.local_id, imported_at = now()`,
      [inserts.map((r) => r.gid), inserts.map((r) => r.mapped)],
    );
  }
  // ---- bylines and tags, primary first ----
  const ids = rows.map((r) => r.mapped!);
  await tx.query(`DELETE FROM article_authors WHERE article_id = ANY($1::int[])`, [ids]);
  await tx.query(`DELETE FROM article_tags WHERE article_id = ANY($1::int[])`, [ids]);
  const pairs = (key: 'authors' | 'tags') => {
    const a: number[] = [];
    const b: number[] = [];
    const pos: number[] = [];
    for (const r of rows) r[key].forEach((x, i) => (a.push(r.mapped!), b.push(x), pos.push(i)));
    return [a, b, pos];
  };
  const authors = pairs('authors');
  if (authors[0]!.length) await tx.query(`INSERT INTO article_authors (article_id, author_id, position) SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`, authors);
  const tags = pairs('tags');
  if (tags[0]!.length) await tx.query(`INSERT INTO article_tags (article_id, tag_id, position) SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`, tags);
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
    images: { referenced: 0, copied: 0, missing: [], refused: [], copiedFrom: opts.images ? path.resolve(opts.images.from) : null },
  };
  const images = ghostImages(opts.images, report.images);
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
      const fields = [name, text(u.bio, 5000), url(u.profile_image, images.rewrite)];
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

  // Each batch is prepared in memory (status, body, slug), then written in a few statements: one
  // UPDATE and one INSERT for all its articles, one each for bylines, tags and the import map. On
  // PGlite every statement costs a parse, a plan and a round trip through the WASM boundary; six
  // statements per post made those most of the import's time.
  const seen = new Set<string>();
  for (let start = 0; start < data.posts.length; start += batchSize) {
    const batch = data.posts.slice(start, start + batchSize);
    const rows: PreparedPost[] = [];
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
      if (seen.has(gid)) {
        skip(`the export has another post with the id "${gid}"; the first was imported`);
        continue;
      }
      if (!title) {
        skip('no title');
        continue;
      }
      const refused = unstorable(p);
      if (refused) {
        skip(refused);
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
      // Ghost's visibility becomes the article's access level (src/members/access.ts), so members-only
      // and paid posts are imported as they were, published, behind the same wall.
      const access = accessFromGhost(p.visibility ?? 'public');
      if (access !== 'public') notes.push(`visible to ${p.visibility === 'paid' ? 'paying members' : p.visibility === 'tiers' ? 'some tiers (imported as paid)' : 'members'} only in Ghost: access ${access}`);
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
      // Ghost's paywall card is a <!--members-only--> comment in the HTML: the lead-in is what comes before it.
      const before = sourceBeforeMarker(source);
      const bodyHtml = sanitizeHtml(images.rewrite(before === null ? source : stripMarker(source)));
      const leadHtml = before === null ? null : sanitizeHtml(images.rewrite(before));
      const m = meta.get(gid) ?? {};
      const feature = url(p.feature_image, images.rewrite);
      if (p.feature_image && !feature) notes.push(`feature image "${String(p.feature_image).slice(0, 80)}" is not an http(s) URL: left out`);
      const row: PreparedPost = {
        gid,
        gslug,
        kind,
        notes,
        mapped: postMap.get(gid) ?? null,
        isNew: !postMap.has(gid),
        slug: '',
        redirectFrom: null,
        uuid: null,
        authors: (postAuthors.get(gid) ?? []).map((a) => a.id),
        tags: (postTags.get(gid) ?? []).map((t) => t.id),
        values: {
          headline: title,
          dek: text(p.custom_excerpt, 1000),
          body_html: bodyHtml,
          body_text: htmlToText(bodyHtml),
          access,
          lead_html: leadHtml,
          status,
          published_at: publishedAt?.toISOString() ?? null,
          updated_at: (time(p.updated_at) ?? publishedAt ?? now).toISOString(),
          created_at: (time(p.created_at) ?? publishedAt ?? now).toISOString(),
          editors_pick: truthy(p.featured),
          feature_image_url: feature,
          feature_image_alt: text(m.feature_image_alt ?? p.feature_image_alt, 500),
          feature_image_caption: htmlToText(text(m.feature_image_caption ?? p.feature_image_caption, 1000)),
          canonical_url: url(p.canonical_url),
          type: kind,
        },
      };
      // ---- slug (new articles only; an update keeps the address it has) ----
      if (row.isNew) {
        const wanted = slugify(String(p.slug ?? '')) || slugify(title);
        let slug = wanted;
        if (RESERVED_SLUGS.has(slug) || slugOwner.has(slug)) {
          const reserved = RESERVED_SLUGS.has(slug);
          slug = freeSlug(wanted, new Set(slugOwner.keys()));
          notes.push(reserved ? `"/${wanted}" is one of our own paths: now at /${slug}` : `the slug "${wanted}" was taken by another article: now at /${slug}`);
          // Only a reserved path can redirect: another article's slug is that article's address.
          if (reserved) row.redirectFrom = `/${wanted}`;
        }
        row.slug = slug;
        slugOwner.set(slug, -1); // taken; the id comes back from the INSERT
        const uuid = typeof p.uuid === 'string' && UUID.test(p.uuid) && !uuidOwner.has(p.uuid.toLowerCase()) ? p.uuid.toLowerCase() : null;
        if (uuid) uuidOwner.set(uuid, -1);
        row.uuid = uuid;
      }
      seen.add(gid);
      rows.push(row);
    }
    let written = rows;
    if (rows.length) {
      try {
        await db.tx((tx) => writePosts(tx, rows, slugOwner));
      } catch (e) {
        // Something the checks above did not foresee: write the batch post by post, so that one bad
        // post is reported as skipped and the rest are imported.
        if (!(asRequestError(e) instanceof ValidationError)) throw e;
        written = [];
        for (const r of rows) {
          try {
            await db.tx((tx) => writePosts(tx, [r], slugOwner));
            written.push(r);
          } catch (err) {
            if (!(asRequestError(err) instanceof ValidationError)) throw err;
            if (slugOwner.get(r.slug) === -1) slugOwner.delete(r.slug);
            const counts = r.kind === 'page' ? report.pages : report.posts;
            counts.skipped++;
            report.skipped.push({ kind: r.kind, slug: r.gslug, reason: 'a value in it cannot be stored (a number out of range, a malformed date or text)' });
          }
        }
      }
    }
    for (const r of written) {
      const counts = r.kind === 'page' ? report.pages : report.posts;
      if (r.isNew) counts.created++;
      else counts.updated++;
      for (const note of r.notes) report.notes.push({ slug: r.gslug, note });
    }
    progress();
  }
  // The copied images' sizes (src/media/images.ts); one sharp cannot read stays full size only.
  if (opts.images) {
    for (const p of new Set(images.stored)) {
      try {
        await makeSizes(db, opts.images.dataDir, p);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        report.notes.push({ slug: p, note: 'image kept at full size only: it could not be resized' });
      }
    }
  }
  // Thousands of rows may just have arrived: fresh planner statistics (PGlite never gathers them).
  if (data.posts.length > 500) await db.exec('ANALYZE articles; ANALYZE article_authors; ANALYZE article_tags');
  await db.notify(CONTENT_CHANNEL, 'import');
  await db.notify(SCHEDULE_CHANNEL, 'import');
  return report;
}
