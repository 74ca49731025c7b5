// The public, read-only Content API in Newsdesk's own shapes: published articles, sections, formats,
// tags and authors, with a content key (?key=), pagination, CORS for browsers and a rate limit per
// client address. Ghost's shapes of the same content are in src/ghost/content.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { NotFoundError, UnauthorizedError } from '../platform/errors.ts';
import { countPublished, getPublishedArticle, listFormats, listPublished, listSections, type ListFilter } from '../articles/queries.ts';
import { parseInput } from '../platform/validate.ts';
import type { KeyVerifier } from './keys.ts';
import { ResponseCache } from './response-cache.ts';
import { CORS_HEADERS } from '../ghost/content.ts';

const slug = z.string().max(120).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a slug: lower-case letters, digits and hyphens');
const listQuery = z.object({
  key: z.string().optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  section: slug.optional(),
  format: slug.optional(),
  tag: slug.optional(),
  author: slug.optional(),
  picks: z.enum(['true', 'false']).optional(),
});

export async function registerContentApi(app: FastifyInstance, deps: Deps, verifier: KeyVerifier, cache: ResponseCache): Promise<void> {
  const { db, config, clock } = deps;
  const site = config.siteUrl;
  await app.register(
    async (api) => {
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
      api.addHook('preHandler', async (req) => {
        if (req.method === 'OPTIONS') return;
        const k = (req.query as Record<string, unknown>)?.key;
        if (typeof k !== 'string' || !k) throw new UnauthorizedError('A content API key is required: add ?key=<content key>.');
        if (!(await verifier.verify(k, 'content', clock.now()))) throw new UnauthorizedError('Unknown or revoked content API key.');
      });
      const send = async (req: FastifyRequest, reply: FastifyReply, compute: () => Promise<unknown>) => {
        const body = await cache.get(`content:${ResponseCache.keyOf(req.url)}`, async () => JSON.stringify(await compute()));
        return reply.header('cache-control', 'public, max-age=0').type('application/json; charset=utf-8').send(body);
      };
      const withUrl = <T extends { slug: string }>(a: T) => ({ ...a, url: `${site}/${a.slug}` });

      api.get('/articles', (req, reply) =>
        send(req, reply, async () => {
          const q = parseInput(listQuery, req.query, { what: 'query' });
          const filter: ListFilter = { sectionSlug: q.section, formatSlug: q.format, tagSlug: q.tag, authorSlug: q.author, editorsPick: q.picks ? q.picks === 'true' : undefined };
          const total = await countPublished(db, filter);
          const items = total ? await listPublished(db, filter, q.limit, (q.page - 1) * q.limit) : [];
          return { data: items.map(withUrl), meta: { pagination: { page: q.page, limit: q.limit, total, pages: Math.max(1, Math.ceil(total / q.limit)) } } };
        }),
      );
      api.get('/articles/:slug', (req, reply) =>
        send(req, reply, async () => {
          const { slug: s } = req.params as { slug: string };
          const a = await getPublishedArticle(db, s);
          if (!a) throw new NotFoundError(`No published article "${s}"`);
          const { body_source: _s, body_format: _f, ...rest } = a;
          return { data: withUrl(rest) };
        }),
      );
      api.get('/sections', (req, reply) => send(req, reply, async () => ({ data: (await listSections(db)).map((s) => ({ ...s, url: `${site}/section/${s.slug}` })) })));
      api.get('/formats', (req, reply) => send(req, reply, async () => ({ data: (await listFormats(db)).map((f) => ({ ...f, url: `${site}/format/${f.slug}` })) })));
      api.get('/tags', (req, reply) =>
        send(req, reply, async () => ({
          data: (
            await db.query<{ slug: string; name: string; article_count: number }>(
              `SELECT t.slug, t.name, count(*)::int AS article_count FROM tags t JOIN article_tags at ON at.tag_id = t.id
                 JOIN articles a ON a.id = at.article_id AND a.status = 'published' AND a.type = 'post'
                GROUP BY t.id ORDER BY t.name`,
            )
          ).map((t) => ({ ...t, url: `${site}/tag/${t.slug}` })),
        })),
      );
      api.get('/authors', (req, reply) =>
        send(req, reply, async () => ({
          data: (
            await db.query<{ slug: string; name: string; bio: string; photo_url: string | null; article_count: number }>(
              `SELECT au.slug, au.name, au.bio, au.photo_url, count(*)::int AS article_count FROM authors au JOIN article_authors aa ON aa.author_id = au.id
                 JOIN articles a ON a.id = aa.article_id AND a.status = 'published' AND a.type = 'post'
                GROUP BY au.id ORDER BY au.name`,
            )
          ).map((a) => ({ ...a, url: `${site}/author/${a.slug}` })),
        })),
      );
    },
    { prefix: '/api/content' },
  );
}
