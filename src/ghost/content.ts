// Ghost's Content API on Newsdesk: the paths (/ghost/api/content/posts/ ...), the parameters
// (key, include, filter, limit, page, fields, formats, order) and the response shapes
// ({posts: [...], meta: {pagination}}, and {errors: [...]} on failure) that Ghost documents, so that
// @tryghost/content-api and the front ends built on it work unchanged. Content keys are ours (26 hex).
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Deps } from '../deps.ts';
import type { Db } from '../db/index.ts';
import { DomainError, NotFoundError, UnauthorizedError, ValidationError, ForbiddenError, asRequestError } from '../platform/errors.ts';
import { getPublication } from '../publication/settings.ts';
import { listSections } from '../articles/queries.ts';
import type { KeyVerifier } from '../api/keys.ts';
import { ResponseCache } from '../api/response-cache.ts';
import { column, compileNql, parseNql, related, type FieldCompiler } from './nql.ts';
import { ghostAuthor, ghostPost, ghostTag, pickFields, type GhostPostRow, type PostShape } from './serialize.ts';

/** Ghost's Content API prefixes: v5+ has none; older clients put the version in the path. */
export const GHOST_PREFIXES = ['/ghost/api/content', '/ghost/api/v4/content', '/ghost/api/v3/content', '/ghost/api/v2/content', '/ghost/api/canary/content'];

// ---- parameters --------------------------------------------------------------------------------

export interface BrowseParams {
  filter: string | null;
  limit: number | 'all';
  page: number;
  order: string | null;
  fields: string[] | null;
  include: Set<string>;
  formats: Set<string>;
}

function str(q: Record<string, unknown>, name: string): string | null {
  const v = q[name];
  if (v === undefined || v === '') return null;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

const list = (s: string | null) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

export function parseBrowse(query: unknown, opts: { includes: string[]; defaultLimit?: number }): BrowseParams {
  const q = (query ?? {}) as Record<string, unknown>;
  const limitRaw = str(q, 'limit');
  let limit: number | 'all' = opts.defaultLimit ?? 15;
  if (limitRaw !== null) {
    if (limitRaw === 'all') limit = 'all';
    else if (/^\d{1,5}$/.test(limitRaw) && Number(limitRaw) >= 1) limit = Number(limitRaw);
    else throw new ValidationError(`Validation error, cannot list: limit must be a positive whole number or "all" (got "${limitRaw}").`, { limit: 'invalid' });
  }
  const pageRaw = str(q, 'page');
  let page = 1;
  if (pageRaw !== null) {
    if (!/^\d{1,6}$/.test(pageRaw) || Number(pageRaw) < 1) throw new ValidationError(`Validation error, cannot list: page must be a whole number from 1 (got "${pageRaw}").`, { page: 'invalid' });
    page = Number(pageRaw);
  }
  const include = new Set(list(str(q, 'include')));
  for (const i of include) {
    if (!opts.includes.includes(i)) throw new ValidationError(`Cannot include "${i}". Possible: ${opts.includes.join(', ') || 'nothing'}.`, { include: `unknown ${i}` });
  }
  const formats = new Set(list(str(q, 'formats')));
  for (const f of formats) {
    if (!['html', 'plaintext', 'mobiledoc', 'lexical'].includes(f)) throw new ValidationError(`Unknown format "${f}". Possible: html, plaintext.`, { formats: `unknown ${f}` });
  }
  const fields = str(q, 'fields') ? list(str(q, 'fields')) : null;
  if (!formats.size) formats.add('html');
  if (fields?.includes('plaintext')) formats.add('plaintext');
  return { filter: str(q, 'filter'), limit, page, order: str(q, 'order'), fields, include, formats };
}

function orderBy(order: string | null, allowed: Record<string, string>, fallback: string): string {
  if (!order) return fallback;
  const parts = order.split(',').map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  for (const part of parts) {
    const m = /^([a-z_]+)(?:\s+(asc|desc))?$/i.exec(part);
    const col = m && allowed[m[1]!.toLowerCase()];
    if (!m || !col) throw new ValidationError(`Cannot order by "${part}". Possible: ${Object.keys(allowed).join(', ')}, each with asc or desc.`, { order: 'invalid' });
    out.push(`${col} ${(m[2] ?? 'asc').toUpperCase()}`);
  }
  return out.join(', ') + ', ' + fallback;
}

function pagination(p: BrowseParams, total: number) {
  if (p.limit === 'all') return { page: 1, limit: 'all', pages: 1, total, next: null, prev: null };
  const pages = Math.max(1, Math.ceil(total / p.limit));
  return { page: p.page, limit: p.limit, pages, total, next: p.page < pages ? p.page + 1 : null, prev: p.page > 1 ? p.page - 1 : null };
}

function limitSql(p: BrowseParams, params: unknown[]): string {
  if (p.limit === 'all') return '';
  params.push(p.limit, (p.page - 1) * p.limit);
  return ` LIMIT $${params.length - 1} OFFSET $${params.length}`;
}

// ---- posts and pages ---------------------------------------------------------------------------

const TAGS_OF = (cond: string) => `EXISTS (SELECT 1 FROM article_tags at JOIN tags x ON x.id = at.tag_id WHERE at.article_id = a.id AND ${cond})`;
const AUTHORS_OF = (cond: string) => `EXISTS (SELECT 1 FROM article_authors aa JOIN authors x ON x.id = aa.author_id WHERE aa.article_id = a.id AND ${cond})`;
const PRIMARY_TAG = `(SELECT x.slug FROM article_tags at JOIN tags x ON x.id = at.tag_id WHERE at.article_id = a.id ORDER BY at.position, x.name LIMIT 1)`;
const PRIMARY_AUTHOR = `(SELECT x.slug FROM article_authors aa JOIN authors x ON x.id = aa.author_id WHERE aa.article_id = a.id ORDER BY aa.position, x.name LIMIT 1)`;

const always = (result: boolean, accepted: string): FieldCompiler => (op, values) => {
  const match = op === '=' && values.some((v) => String(v) === accepted);
  return result && match ? 'true' : 'false';
};

export const POST_FILTER_FIELDS: Record<string, FieldCompiler> = {
  id: column('a.id', 'int'),
  uuid: column('a.uuid::text', 'text'),
  slug: column('a.slug', 'text'),
  title: column('a.headline', 'text'),
  featured: column('a.editors_pick', 'bool'),
  published_at: column('a.published_at', 'time'),
  updated_at: column('a.updated_at', 'time'),
  created_at: column('a.created_at', 'time'),
  custom_excerpt: column('a.dek', 'text'),
  tag: related(TAGS_OF),
  tags: related(TAGS_OF),
  author: related(AUTHORS_OF),
  authors: related(AUTHORS_OF),
  primary_tag: column(PRIMARY_TAG, 'text'),
  primary_author: column(PRIMARY_AUTHOR, 'text'),
  visibility: always(true, 'public'),
  status: always(true, 'published'),
};

const POST_ORDER: Record<string, string> = {
  published_at: 'a.published_at', updated_at: 'a.updated_at', created_at: 'a.created_at', title: 'a.headline', slug: 'a.slug', id: 'a.id', featured: 'a.editors_pick',
};

function postColumns(p: { include: Set<string>; formats: Set<string> }): string {
  const cols = [
    'a.id', 'a.uuid', 'a.type', 'a.slug', 'a.headline', 'a.dek', 'a.body_text', 'a.feature_image_url', 'a.feature_image_alt', 'a.feature_image_caption',
    'a.editors_pick', 'a.published_at', 'a.updated_at', 'a.created_at', 'a.canonical_url',
  ];
  if (p.formats.has('html')) cols.push('a.body_html');
  if (p.include.has('authors')) {
    cols.push(`coalesce((SELECT json_agg(json_build_object('id', x.id, 'slug', x.slug, 'name', x.name, 'bio', x.bio, 'photo_url', x.photo_url) ORDER BY aa.position, x.name)
                 FROM article_authors aa JOIN authors x ON x.id = aa.author_id WHERE aa.article_id = a.id), '[]'::json) AS authors`);
  }
  if (p.include.has('tags')) {
    cols.push(`coalesce((SELECT json_agg(json_build_object('id', x.id, 'slug', x.slug, 'name', x.name) ORDER BY at.position, x.name)
                 FROM article_tags at JOIN tags x ON x.id = at.tag_id WHERE at.article_id = a.id), '[]'::json) AS tags`);
  }
  return cols.join(', ');
}

const shapeOf = (p: BrowseParams): PostShape => ({ formats: p.formats, includeAuthors: p.include.has('authors'), includeTags: p.include.has('tags'), fields: p.fields });

export async function browsePosts(db: Db, site: string, type: 'post' | 'page', p: BrowseParams) {
  const params: unknown[] = [type];
  let where = `a.status = 'published' AND a.type = $1`;
  if (p.filter) where += ` AND ${compileNql(parseNql(p.filter), POST_FILTER_FIELDS, params, p.filter)}`;
  const total = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles a WHERE ${where}`, params))!.n;
  const listParams = [...params];
  const rows = total
    ? await db.query<GhostPostRow>(
        `SELECT ${postColumns(p)} FROM articles a WHERE ${where} ORDER BY ${orderBy(p.order, POST_ORDER, 'a.published_at DESC, a.id DESC')}${limitSql(p, listParams)}`,
        listParams,
      )
    : [];
  const shape = shapeOf(p);
  return { items: rows.map((r) => ghostPost(site, r, shape)), meta: { pagination: pagination(p, total) } };
}

export async function readPost(db: Db, site: string, type: 'post' | 'page', by: { id?: string; slug?: string }, p: BrowseParams) {
  const noun = type === 'post' ? 'Post' : 'Page';
  let cond: string;
  let v: unknown;
  if (by.id !== undefined) {
    if (!/^\d{1,10}$/.test(by.id)) throw new NotFoundError(`${noun} not found.`);
    cond = 'a.id = $2';
    v = Number(by.id);
  } else {
    cond = 'a.slug = $2';
    v = by.slug;
  }
  const row = await db.one<GhostPostRow>(`SELECT ${postColumns(p)} FROM articles a WHERE a.status = 'published' AND a.type = $1 AND ${cond}`, [type, v]);
  if (!row) throw new NotFoundError(`${noun} not found.`);
  return ghostPost(site, row, shapeOf(p));
}

// ---- tags and authors --------------------------------------------------------------------------

const PUBLISHED_POST = `a.status = 'published' AND a.type = 'post'`;

const TAG_FIELDS: Record<string, FieldCompiler> = {
  id: column('x.id', 'int'), slug: column('x.slug', 'text'), name: column('x.name', 'text'), visibility: always(true, 'public'),
};
const AUTHOR_FIELDS: Record<string, FieldCompiler> = { id: column('x.id', 'int'), slug: column('x.slug', 'text'), name: column('x.name', 'text') };

interface Resource {
  table: 'tags' | 'authors';
  noun: string;
  columns: string;
  count: string;
  visible: string;
  fields: Record<string, FieldCompiler>;
  order: Record<string, string>;
  serialize: (site: string, row: any, withCount: boolean) => Record<string, unknown>;
}

const TAGS: Resource = {
  table: 'tags',
  noun: 'Tag',
  columns: 'x.id, x.slug, x.name',
  count: `(SELECT count(*)::int FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE at.tag_id = x.id AND ${PUBLISHED_POST})`,
  visible: `EXISTS (SELECT 1 FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE at.tag_id = x.id AND a.status = 'published')`,
  fields: TAG_FIELDS,
  order: { name: 'x.name', slug: 'x.slug', id: 'x.id' },
  serialize: ghostTag,
};

const AUTHORS: Resource = {
  table: 'authors',
  noun: 'Author',
  columns: 'x.id, x.slug, x.name, x.bio, x.photo_url',
  count: `(SELECT count(*)::int FROM article_authors aa JOIN articles a ON a.id = aa.article_id WHERE aa.author_id = x.id AND ${PUBLISHED_POST})`,
  // Like Ghost, only people with published work are public.
  visible: `EXISTS (SELECT 1 FROM article_authors aa JOIN articles a ON a.id = aa.article_id WHERE aa.author_id = x.id AND a.status = 'published')`,
  fields: AUTHOR_FIELDS,
  order: { name: 'x.name', slug: 'x.slug', id: 'x.id' },
  serialize: ghostAuthor,
};

async function browseResource(db: Db, site: string, r: Resource, p: BrowseParams) {
  const params: unknown[] = [];
  let where = r.visible;
  if (p.filter) where += ` AND ${compileNql(parseNql(p.filter), r.fields, params, p.filter)}`;
  const total = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${r.table} x WHERE ${where}`, params))!.n;
  const withCount = p.include.has('count.posts');
  const listParams = [...params];
  const rows = total
    ? await db.query(
        `SELECT ${r.columns}${withCount ? `, ${r.count} AS post_count` : ''} FROM ${r.table} x WHERE ${where}
          ORDER BY ${orderBy(p.order, r.order, 'x.name ASC, x.id ASC')}${limitSql(p, listParams)}`,
        listParams,
      )
    : [];
  return { items: rows.map((row) => pickFields(r.serialize(site, row, withCount), p.fields)), meta: { pagination: pagination(p, total) } };
}

async function readResource(db: Db, site: string, r: Resource, by: { id?: string; slug?: string }, p: BrowseParams) {
  const withCount = p.include.has('count.posts');
  if (by.id !== undefined && !/^\d{1,10}$/.test(by.id)) throw new NotFoundError(`${r.noun} not found.`);
  const row = await db.one(
    `SELECT ${r.columns}${withCount ? `, ${r.count} AS post_count` : ''} FROM ${r.table} x WHERE ${r.visible} AND ${by.id !== undefined ? 'x.id = $1' : 'x.slug = $1'}`,
    [by.id !== undefined ? Number(by.id) : by.slug],
  );
  if (!row) throw new NotFoundError(`${r.noun} not found.`);
  return pickFields(r.serialize(site, row, withCount), p.fields);
}

async function settings(deps: Deps) {
  const pub = await getPublication(deps.db, deps.config);
  const sections = await listSections(deps.db);
  const site = deps.config.siteUrl;
  return {
    title: pub.name,
    description: pub.description,
    logo: pub.logoUrl ? (pub.logoUrl.startsWith('/') ? site + pub.logoUrl : pub.logoUrl) : `${site}/assets/logo.png`,
    icon: `${site}/assets/logo.png`,
    accent_color: null,
    cover_image: null,
    facebook: null,
    twitter: null,
    lang: pub.locale.split('-')[0],
    locale: pub.locale,
    timezone: pub.timeZone,
    codeinjection_head: null,
    codeinjection_foot: null,
    navigation: [{ label: 'Home', url: '/' }, ...sections.map((s) => ({ label: s.name, url: `/section/${s.slug}` }))],
    secondary_navigation: [],
    meta_title: null,
    meta_description: null,
    og_image: null,
    og_title: null,
    og_description: null,
    twitter_image: null,
    twitter_title: null,
    twitter_description: null,
    members_support_address: null,
    url: site + '/',
  };
}

// ---- HTTP --------------------------------------------------------------------------------------

const GHOST_TYPES: Record<number, string> = {
  400: 'BadRequestError', 401: 'UnauthorizedError', 403: 'NoPermissionError', 404: 'NotFoundError', 405: 'MethodNotAllowedError',
  409: 'ConflictError', 413: 'RequestEntityTooLargeError', 422: 'ValidationError', 429: 'TooManyRequestsError', 500: 'InternalServerError',
};

function ghostError(reply: FastifyReply, status: number, message: string, context: string | null = null) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message, context, type: GHOST_TYPES[status] ?? 'InternalServerError', details: null, property: null, help: null, code: null, id: crypto.randomUUID(), ghostErrorCode: null }] });
}

export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': 'Accept-Version, Content-Type, Authorization',
  'access-control-max-age': '86400',
};

export async function registerGhostContentApi(app: FastifyInstance, deps: Deps, verifier: KeyVerifier, cache: ResponseCache): Promise<void> {
  const { db, config, clock } = deps;
  const site = config.siteUrl;

  for (const prefix of GHOST_PREFIXES) {
    await app.register(
      async (api) => {
        api.setErrorHandler((original: any, req, reply) => {
          const err: any = asRequestError(original);
          if (err instanceof ValidationError) {
            return ghostError(reply, 400, err.message, Object.entries(err.fields).map(([k, v]) => `${k}: ${v}`).join('; ') || null);
          }
          if (err instanceof DomainError) return ghostError(reply, err.status, err.message);
          const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
          if (status === 500) {
            deps.log.error('ghost content api failed', { err, url: req.url });
            return ghostError(reply, 500, 'An unexpected error occurred, please try again.');
          }
          return ghostError(reply, status, err.message);
        });
        api.setNotFoundHandler((req, reply) => ghostError(reply, 404, 'Resource not found'));
        api.addHook('onRequest', async (_req, reply) => {
          reply.headers(CORS_HEADERS);
        });
        api.options('/*', async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
        if (config.contentApiRateLimit > 0) {
          await api.register(rateLimit, {
            max: config.contentApiRateLimit,
            timeWindow: 60_000,
            errorResponseBuilder: (_req, ctx) => {
              const e: any = new Error(`Too many requests: the Content API allows ${ctx.max} requests a minute; try again in ${Math.ceil(ctx.ttl / 1000)} s.`);
              e.statusCode = 429;
              return e;
            },
          });
        }
        // Ghost: no key is "Authorization failed" (403), a wrong one "Unknown Content API Key" (401).
        api.addHook('preHandler', async (req) => {
          if (req.method === 'OPTIONS') return;
          const k = (req.query as Record<string, unknown>)?.key;
          if (typeof k !== 'string' || !k) {
            throw new ForbiddenError('Authorization failed: Unable to determine the authenticated member or integration. Check the supplied Content API Key.');
          }
          if (!(await verifier.verify(k, 'content', clock.now()))) throw new UnauthorizedError('Unknown Content API Key');
        });

        const send = async (req: FastifyRequest, reply: FastifyReply, compute: () => Promise<unknown>) => {
          const body = await cache.get(`ghost:${ResponseCache.keyOf(req.url.slice(prefix.length))}`, async () => JSON.stringify(await compute()));
          return reply.header('cache-control', 'public, max-age=0').type('application/json; charset=utf-8').send(body);
        };
        // Ghost's paths end in a slash; answer without one as well.
        const get = (path: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
          api.get(path, handler);
          api.get(path.replace(/\/$/, ''), handler);
        };

        for (const [resource, type] of [['posts', 'post'], ['pages', 'page']] as const) {
          const includes = ['authors', 'tags'];
          get(`/${resource}/`, (req, reply) =>
            send(req, reply, async () => {
              const r = await browsePosts(db, site, type, parseBrowse(req.query, { includes }));
              return { [resource]: r.items, meta: r.meta };
            }),
          );
          get(`/${resource}/slug/:slug/`, (req, reply) =>
            send(req, reply, async () => ({ [resource]: [await readPost(db, site, type, { slug: (req.params as { slug: string }).slug }, parseBrowse(req.query, { includes }))] })),
          );
          get(`/${resource}/:id/`, (req, reply) =>
            send(req, reply, async () => ({ [resource]: [await readPost(db, site, type, { id: (req.params as { id: string }).id }, parseBrowse(req.query, { includes }))] })),
          );
        }
        for (const [resource, r] of [['tags', TAGS], ['authors', AUTHORS]] as const) {
          const includes = ['count.posts'];
          get(`/${resource}/`, (req, reply) =>
            send(req, reply, async () => {
              const out = await browseResource(db, site, r, parseBrowse(req.query, { includes }));
              return { [resource]: out.items, meta: out.meta };
            }),
          );
          get(`/${resource}/slug/:slug/`, (req, reply) =>
            send(req, reply, async () => ({ [resource]: [await readResource(db, site, r, { slug: (req.params as { slug: string }).slug }, parseBrowse(req.query, { includes }))] })),
          );
          get(`/${resource}/:id/`, (req, reply) =>
            send(req, reply, async () => ({ [resource]: [await readResource(db, site, r, { id: (req.params as { id: string }).id }, parseBrowse(req.query, { includes }))] })),
          );
        }
        get('/settings/', (req, reply) => send(req, reply, async () => ({ settings: await settings(deps), meta: {} })));
      },
      { prefix },
    );
  }
}
