// Ghost's Content API over HTTP: Ghost's paths (/ghost/api/content/posts/ ...; older clients put the
// version in the path, and every path answers with or without its trailing slash), content keys in
// ?key= with Ghost's answers when one is missing (403) or unknown (401), and Ghost's error shape
// {errors: [{message, context, type, ...}]}. The reads are src/ghost/content.ts; the URLs are listed
// once, under /ghost/api/content, in src/api/routes.ts.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { DomainError, NotFoundError, ValidationError, asRequestError } from '../platform/errors.ts';
import {
  AUTHORS, GHOST_API_VERSION, TAGS, browsePosts, browseResource, ghostNewsletters, ghostSettings, parseBrowse, readPost, readResource,
} from '../ghost/content.ts';
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
  /**
   * Cached by the path after whichever prefix the client used, so every alias shares one entry; a
   * filter with a relative date (now-7d) is computed afresh, its answer moves with the clock. As
   * Ghost: an ETag (304 for If-None-Match), Content-Version, and Vary: Accept-Version.
   */
  const cached = (compute: (req: FastifyRequest) => Promise<unknown>): Handler => async (req, reply) => {
    const rest = req.url.replace(/^\/ghost\/api\/(?:v\d+\/|canary\/)?content/, '');
    const relative = /now(?:[+-]|%2[bd]|\b)/i.test(decodeURIComponent(rest.split('?')[1] ?? '').replace(/\+/g, ' '));
    const body = relative ? JSON.stringify(await compute(req)) : await cache.get(`ghost:${ResponseCache.keyOf(rest)}`, async () => JSON.stringify(await compute(req)));
    const etag = `W/"${crypto.createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`;
    reply.headers({ 'cache-control': 'public, max-age=0', etag, 'content-version': `v${GHOST_API_VERSION}`, vary: 'Accept-Version, Accept-Encoding' });
    const inm = req.headers['if-none-match'];
    if (typeof inm === 'string' && inm.split(',').some((t) => t.trim() === etag || t.trim() === etag.slice(2))) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  };
  const now = () => deps.clock.now();
  const slug = (req: FastifyRequest) => ({ slug: (req.params as { slug: string }).slug });
  const id = (req: FastifyRequest) => ({ id: (req.params as { id: string }).id });
  const posts = (resource: 'posts' | 'pages', type: 'post' | 'page') => {
    const includes = ['authors', 'tags'];
    return {
      browse: cached(async (req) => {
        const r = await browsePosts(db, site, type, parseBrowse(req.query, { includes, now: now() }));
        return { [resource]: r.items, meta: r.meta };
      }),
      bySlug: cached(async (req) => ({ [resource]: [await readPost(db, site, type, slug(req), parseBrowse(req.query, { includes, now: now() }))] })),
      byId: cached(async (req) => ({ [resource]: [await readPost(db, site, type, id(req), parseBrowse(req.query, { includes, now: now() }))] })),
    };
  };
  const resources = (resource: 'tags' | 'authors') => {
    const r = resource === 'tags' ? TAGS : AUTHORS;
    const includes = ['count.posts'];
    return {
      browse: cached(async (req) => {
        const out = await browseResource(db, site, r, parseBrowse(req.query, { includes, now: now() }));
        return { [resource]: out.items, meta: out.meta };
      }),
      bySlug: cached(async (req) => ({ [resource]: [await readResource(db, site, r, slug(req), parseBrowse(req.query, { includes, now: now() }))] })),
      byId: cached(async (req) => ({ [resource]: [await readResource(db, site, r, id(req), parseBrowse(req.query, { includes, now: now() }))] })),
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
    newsletters: cached(async (req) => ghostNewsletters(deps, parseBrowse(req.query, { includes: [], defaultLimit: 15, now: now() }))),
    /** Offers exist only with paid membership through Stripe: every offer id is Ghost's 404. */
    offer: cached(async () => {
      throw new NotFoundError('Offer not found.');
    }),
  };
}
