// Revisions of an article: a snapshot of its content at each save, create, autosave and restore,
// kept in article_revisions; field-by-field diffs between two snapshots; restoring one (its content,
// not its status or publish time). Used by the editor (src/articles/editor.ts), the newsroom's
// revision screens and the Admin API.
import type { Change } from 'diff';
import { lazyPackage } from '../platform/lazy.ts';

const diff = lazyPackage<typeof import('diff')>('diff');
import type { Db } from '../db/index.ts';
import type { Article, ArticleStatus } from './types.ts';
import { getArticleById } from './queries.ts';
import { updateArticle } from './write.ts';
import { NotFoundError } from '../platform/errors.ts';
import { assertCanEdit, getOwnership } from '../staff/permissions.ts';
import type { Staff } from '../staff/staff.ts';

/** Who acts, when, and in which zone (the editor's publish times are local). */
export interface SaveContext {
  db: Db;
  staff: Staff;
  now: Date;
  timeZone: string;
}

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
    `SELECT r.id, r.article_id, r.staff_id, COALESCE(NULLIF(btrim(st.name), ''), st.email) AS staff_name, r.kind, r.applied, r.snapshot, r.created_at
       FROM article_revisions r LEFT JOIN staff st ON st.id = r.staff_id
      WHERE r.article_id = $1 ORDER BY r.id DESC LIMIT $2`,
    [articleId, limit],
  );
}

export async function getRevision(db: Db, articleId: number, revisionId: number): Promise<Revision> {
  const r = await db.one<Revision>(
    `SELECT r.id, r.article_id, r.staff_id, COALESCE(NULLIF(btrim(st.name), ''), st.email) AS staff_name, r.kind, r.applied, r.snapshot, r.created_at
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
    out.push({ field, label, changes: mode === 'lines' ? diff().diffLines(a, b) : diff().diffWords(a, b) });
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
