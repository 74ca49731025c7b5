// Article reads and writes for the Admin API: every status, filters, pagination, and who may change
// what. An admin key acts with its role (src/staff/roles.ts): contributors write drafts, authors also
// publish their own, editors and administrators anything: the rule is roles.ts's mayOnArticle, the
// one the newsroom asks too. An article is a key's own when it was created through that key
// (articles.api_key_id); a key whose role may not touch every article sees only its own and the
// published ones, in lists and by id.
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { articleListScope, can, mayOnArticle, type ArticleAction } from '../staff/roles.ts';
import { getArticleById } from '../articles/queries.ts';
import { createArticle, deleteArticle, parseArticleInput, updateArticle } from '../articles/write.ts';
import type { Article, ArticleSummary } from '../articles/types.ts';
import type { ApiKey } from '../staff/api-keys.ts';
import { parseInput } from '../platform/validate.ts';

export type AdminArticle = Article & { type: 'post' | 'page'; uuid: string; api_key_id: number | null };

export const listQuerySchema = z.object({
  status: z.enum(['draft', 'scheduled', 'published']).optional(),
  type: z.enum(['post', 'page']).optional(),
  format: z.string().max(120).optional(),
  section: z.string().max(120).optional(),
  author: z.string().max(120).optional(),
  tag: z.string().max(120).optional(),
  search: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListQuery = z.output<typeof listQuerySchema>;

const SUMMARY = `a.id, a.uuid, a.type, a.slug, a.headline, a.dek, a.status, a.published_at, a.updated_at, a.created_at, a.editors_pick,
  a.feature_image_url, a.feature_image_alt, a.api_key_id,
  CASE WHEN f.id IS NULL THEN NULL ELSE json_build_object('slug', f.slug, 'name', f.name) END AS format,
  CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('slug', s.slug, 'name', s.name) END AS section,
  coalesce((SELECT json_agg(json_build_object('slug', au.slug, 'name', au.name) ORDER BY aa.position) FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id), '[]'::json) AS authors,
  coalesce((SELECT json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY at.position) FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id), '[]'::json) AS tags`;

/** Every article matching the filters, most recently edited first (best match first when searching). */
export async function listArticles(db: Db, q: ListQuery, key?: ApiKey): Promise<{ items: Array<ArticleSummary & { type: string; uuid: string }>; total: number }> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (key && articleListScope(key.role!) !== 'all') where.push(`(a.api_key_id = ${p(key.id)} OR a.status = 'published')`);
  if (q.status) where.push(`a.status = ${p(q.status)}`);
  if (q.type) where.push(`a.type = ${p(q.type)}`);
  if (q.format) where.push(`f.slug = ${p(q.format)}`);
  if (q.section) where.push(`s.slug = ${p(q.section)}`);
  if (q.author) where.push(`EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id AND au.slug = ${p(q.author)})`);
  if (q.tag) where.push(`EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id AND t.slug = ${p(q.tag)})`);
  let order = 'a.updated_at DESC, a.id DESC';
  if (q.search) {
    const s = p(q.search);
    where.push(`a.search_vector @@ websearch_to_tsquery('english', ${s})`);
    order = `ts_rank_cd(a.search_vector, websearch_to_tsquery('english', ${s})) DESC, a.updated_at DESC, a.id DESC`;
  }
  const from = `FROM articles a LEFT JOIN formats f ON f.id = a.format_id LEFT JOIN sections s ON s.id = a.section_id ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`;
  const total = (await db.one<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params))!.n;
  const items = total ? await db.query<any>(`SELECT ${SUMMARY} ${from} ORDER BY ${order} LIMIT ${p(q.limit)} OFFSET ${p((q.page - 1) * q.limit)}`, params) : [];
  return { items, total };
}

export async function getAdminArticle(db: Db, id: number): Promise<AdminArticle> {
  const a = await getArticleById(db, id);
  if (!a) throw new NotFoundError(`No article ${id}`);
  const extra = await db.one<{ type: 'post' | 'page'; uuid: string; api_key_id: number | null }>(`SELECT type, uuid, api_key_id FROM articles WHERE id = $1`, [id]);
  return { ...a, ...extra! };
}

// ---- permissions -------------------------------------------------------------------------------

function owns(key: ApiKey, a: { api_key_id: number | null }): boolean {
  return a.api_key_id === key.id;
}

function may(key: ApiKey, action: ArticleAction, a: AdminArticle | null): boolean {
  return mayOnArticle(key.role!, action, a === null ? null : { own: owns(key, a), status: a.status });
}

/** Reading an article as stored, or its revisions: the key's own, or a published one, unless the role may read every article. */
export function assertCanRead(key: ApiKey, a: AdminArticle, action: 'view' | 'revisions' = 'view'): void {
  if (may(key, action, a)) return;
  throw new ForbiddenError(
    action === 'revisions'
      ? `A ${key.role} key may only read the revisions of articles it may change.`
      : `A ${key.role} key may only read articles created with it, and published ones.`,
  );
}

export function assertCanEdit(key: ApiKey, a: AdminArticle): void {
  const role = key.role!;
  if (may(key, 'edit', a)) return;
  throw new ForbiddenError(
    owns(key, a) ? `A ${role} key may only change drafts; this article is ${a.status}.` : `A ${role} key may only change articles created with it.`,
  );
}

export function assertCanPublish(key: ApiKey, a: AdminArticle | null): void {
  const role = key.role!;
  if (may(key, 'publish', a)) return;
  throw new ForbiddenError(
    can(role, 'articles.publish_own') ? `A ${role} key may only publish articles created with it.` : `A ${role} key writes drafts; publishing needs an author, editor or administrator key.`,
  );
}

// ---- writes ------------------------------------------------------------------------------------

const typeSchema = z.object({ type: z.enum(['post', 'page']).optional() });

function splitType(input: unknown): { type?: 'post' | 'page'; rest: Record<string, unknown> } {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError('The body must be a JSON object.', { input: 'expected an object' });
  const { type, ...rest } = input as Record<string, unknown>;
  const t = typeSchema.safeParse({ type });
  if (!t.success) throw new ValidationError('Invalid article: type: post or page', { type: 'post or page' });
  return { type: t.data.type, rest };
}

const changesStatus = (d: Record<string, unknown>) => 'status' in d || 'publishedAt' in d;

export async function apiCreateArticle(db: Db, key: ApiKey, input: unknown, now: Date): Promise<AdminArticle> {
  if (!can(key.role!, 'articles.write_own_drafts')) throw new ForbiddenError('This key may not write articles.');
  const { type, rest } = splitType(input);
  const parsed = parseArticleInput(rest);
  if (parsed.status && parsed.status !== 'draft') assertCanPublish(key, null);
  const id = await db.tx(async (tx) => {
    const a = await createArticle(tx, rest, { now, createMissingAuthors: can(key.role!, 'taxonomy.manage') });
    await tx.query(`UPDATE articles SET type = $2, api_key_id = $3 WHERE id = $1`, [a.id, type ?? 'post', key.id]);
    // A page (About, Contact) is for everyone unless the request says otherwise: no section or meter decides it.
    if (type === 'page' && parsed.access === undefined) await tx.query(`UPDATE articles SET access = 'public' WHERE id = $1`, [a.id]);
    return a.id;
  });
  return getAdminArticle(db, id);
}

export async function apiUpdateArticle(db: Db, key: ApiKey, id: number, patch: unknown, now: Date): Promise<AdminArticle> {
  const current = await getAdminArticle(db, id);
  assertCanEdit(key, current);
  const { type, rest } = splitType(patch);
  parseArticleInput(rest, true); // field errors before any permission question about status
  if (changesStatus(rest)) assertCanPublish(key, current);
  await db.tx(async (tx) => {
    await updateArticle(tx, id, rest, { now, createMissingAuthors: can(key.role!, 'taxonomy.manage') });
    if (type) await tx.query(`UPDATE articles SET type = $2 WHERE id = $1`, [id, type]);
  });
  return getAdminArticle(db, id);
}

export async function apiSetStatus(db: Db, key: ApiKey, id: number, action: 'publish' | 'schedule' | 'unpublish', body: unknown, now: Date): Promise<AdminArticle> {
  const current = await getAdminArticle(db, id);
  assertCanPublish(key, current);
  const b = parseInput(z.object({ publishedAt: z.coerce.date().refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'a date between the years 1 and 9999').optional() }), body ?? {}, { what: 'request' });
  if (action === 'unpublish') {
    if (current.status === 'draft') throw new ValidationError('The article is already a draft.', { status: 'already draft' });
    await updateArticle(db, id, { status: 'draft' }, { now });
  } else if (action === 'schedule') {
    if (!b.publishedAt) throw new ValidationError('Scheduling needs a publishedAt time.', { publishedAt: 'required' });
    if (b.publishedAt.getTime() <= now.getTime()) throw new ValidationError('A schedule must be in the future; publish it instead.', { publishedAt: 'must be in the future' });
    await updateArticle(db, id, { status: 'scheduled', publishedAt: b.publishedAt }, { now });
  } else {
    // Publishing now, or at the given time (a past time back-dates it; a future one schedules it).
    await updateArticle(db, id, { status: 'published', publishedAt: b.publishedAt ?? (current.status === 'published' ? current.published_at : now) }, { now });
  }
  return getAdminArticle(db, id);
}

export async function apiDeleteArticle(db: Db, key: ApiKey, id: number): Promise<void> {
  const current = await getAdminArticle(db, id);
  assertCanEdit(key, current);
  if (!may(key, 'delete', current)) assertCanPublish(key, current);
  await deleteArticle(db, id);
}
