// Ghost's Content API over HTTP: Ghost's paths (/ghost/api/content/posts/ ...; older clients put the
// version in the path, and every path answers with or without its trailing slash), content keys in
// ?key= with Ghost's answers when one is missing (403) or unknown (401), and Ghost's error shape
// {errors: [{message, context, type, ...}]}. The reads are src/ghost/content.ts; the URLs are listed
// once, under /ghost/api/content, in src/api/routes.ts.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { DomainError, ValidationError, asRequestError } from '../platform/errors.ts';
import { AUTHORS, TAGS, browsePosts, browseResource, ghostSettings, parseBrowse, readPost, readResource } from '../ghost/content.ts';
import { ResponseCache } from './response-cache.ts';
import { ghostTiers } from '../members/subscriptions.ts';

/** The prefix the route table uses, and the older ones that are aliases of it (v5+ has none). */
export const GHOST_PREFIX = '/ghost/api/content';
export const GHOST_ALIASES = ['/ghost/api/v4/content', '/ghost/api/v3/content', '/ghost/api/v2/content', '/ghost/api/canary/content'];

const GHOST_TYPES: Record<number, string> = {
  400: 'BadRequestError', 401: 'UnauthorizedError', 403: 'NoPermissionError', 404: 'NotFoundError', 405: 'MethodNotAllowedError',
  409: 'ConflictError', 413: 'RequestEntityTooLargeError', 422: 'ValidationError', 429: 'TooManyRequestsError', 500: 'InternalServerError',
};

export function ghostError(reply: FastifyReply, status: number, message: string, context: string | null = null) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message, context, type: GHOST_TYPES[status] ?? 'InternalServerError', details: null, property: null, help: null, code: null, id: crypto.randomUUID(), ghostErrorCode: null }] });
}

/** Errors inside a Ghost prefix, in Ghost's shape (a ValidationError is Ghost's 400 with its fields as context). */
export function setGhostErrors(api: FastifyInstance, deps: Deps): void {
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
  api.setNotFoundHandler((_req, reply) => ghostError(reply, 404, 'Resource not found'));
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function ghostApi(deps: Deps, cache: ResponseCache) {
  const { db } = deps;
  const site = deps.config.siteUrl;
  /** Cached by the path after whichever prefix the client used, so every alias shares one entry. */
  const cached = (compute: (req: FastifyRequest) => Promise<unknown>): Handler => async (req, reply) => {
    const rest = req.url.replace(/^\/ghost\/api\/(?:v\d+\/|canary\/)?content/, '');
    const body = await cache.get(`ghost:${ResponseCache.keyOf(rest)}`, async () => JSON.stringify(await compute(req)));
    return reply.header('cache-control', 'public, max-age=0').type('application/json; charset=utf-8').send(body);
  };
  const slug = (req: FastifyRequest) => ({ slug: (req.params as { slug: string }).slug });
  const id = (req: FastifyRequest) => ({ id: (req.params as { id: string }).id });
  const posts = (resource: 'posts' | 'pages', type: 'post' | 'page') => {
    const includes = ['authors', 'tags'];
    return {
      browse: cached(async (req) => {
        const r = await browsePosts(db, site, type, parseBrowse(req.query, { includes }));
        return { [resource]: r.items, meta: r.meta };
      }),
      bySlug: cached(async (req) => ({ [resource]: [await readPost(db, site, type, slug(req), parseBrowse(req.query, { includes }))] })),
      byId: cached(async (req) => ({ [resource]: [await readPost(db, site, type, id(req), parseBrowse(req.query, { includes }))] })),
    };
  };
  const resources = (resource: 'tags' | 'authors') => {
    const r = resource === 'tags' ? TAGS : AUTHORS;
    const includes = ['count.posts'];
    return {
      browse: cached(async (req) => {
        const out = await browseResource(db, site, r, parseBrowse(req.query, { includes }));
        return { [resource]: out.items, meta: out.meta };
      }),
      bySlug: cached(async (req) => ({ [resource]: [await readResource(db, site, r, slug(req), parseBrowse(req.query, { includes }))] })),
      byId: cached(async (req) => ({ [resource]: [await readResource(db, site, r, id(req), parseBrowse(req.query, { includes }))] })),
    };
  };
  return {
    posts: posts('posts', 'post'),
    pages: posts('pages', 'page'),
    tags: resources('tags'),
    authors: resources('authors'),
    settings: cached(async () => ({ settings: await ghostSettings(deps), meta: {} })),
    tiers: cached(async () => {
      const tiers = await ghostTiers(db, site);
      return { tiers, meta: { pagination: { page: 1, limit: 'all', pages: 1, total: tiers.length, next: null, prev: null } } };
    }),
  };
}
