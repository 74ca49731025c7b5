// The public, read-only Content API in Newsdesk's own shapes: published articles, sections, formats,
// tags and authors, with pagination and a URL on everything. The content key, CORS and the rate limit
// are the area's (src/api/routes.ts); answers are kept in the ResponseCache until content changes.
// Ghost's shapes of the same content are in src/api/ghost.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { NotFoundError } from '../platform/errors.ts';
import { parseInput } from '../platform/validate.ts';
import {
  countPublished, getPublishedArticle, listFormats, listPublicAuthors, listPublicTags, listPublished, listSections, type ListFilter,
} from '../articles/queries.ts';
import { ResponseCache } from './response-cache.ts';
import { absoluteUrls } from '../platform/absolute-urls.ts';
import { ANONYMOUS, decideAccess, leadInHtml, leadInText } from '../members/access.ts';

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

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function contentApi(deps: Deps, cache: ResponseCache) {
  const { db } = deps;
  const site = deps.config.siteUrl;
  const cached = (compute: (req: FastifyRequest) => Promise<unknown>): Handler => async (req, reply) => {
    const body = await cache.get(`content:${ResponseCache.keyOf(req.url)}`, async () => JSON.stringify(await compute(req)));
    return reply.header('cache-control', 'public, max-age=0').type('application/json; charset=utf-8').send(body);
  };
  const abs = (u: string | null) => (u && u.startsWith('/') && !u.startsWith('//') ? site + u : u);
  const withUrl = <T extends { slug: string; feature_image_url?: string | null }>(a: T) =>
    ({ ...a, ...('feature_image_url' in a ? { feature_image_url: abs(a.feature_image_url ?? null) } : {}), url: `${site}/${a.slug}` });

  return {
    articles: cached(async (req) => {
      const q = parseInput(listQuery, req.query, { what: 'query' });
      const filter: ListFilter = { sectionSlug: q.section, formatSlug: q.format, tagSlug: q.tag, authorSlug: q.author, editorsPick: q.picks ? q.picks === 'true' : undefined };
      const total = await countPublished(db, filter);
      const items = total ? await listPublished(db, filter, q.limit, (q.page - 1) * q.limit) : [];
      return { data: items.map(withUrl), meta: { pagination: { page: q.page, limit: q.limit, total, pages: Math.max(1, Math.ceil(total / q.limit)) } } };
    }),
    article: cached(async (req) => {
      const { slug: s } = req.params as { slug: string };
      const a = await getPublishedArticle(db, s);
      if (!a) throw new NotFoundError(`No published article "${s}"`);
      const { body_source: _s, body_format: _f, lead_html: _l, ...rest } = a;
      // A content key is no member: a gated article's text is its lead-in (src/members/access.ts decides).
      // Every URL absolute, as in the feeds: the body's links and images, the feature image.
      const base = `${site}/${a.slug}`;
      const full = decideAccess(a, ANONYMOUS, 'api').full;
      if (full) return { data: { ...withUrl({ ...rest, body_html: absoluteUrls(rest.body_html, base) }), gated: false } };
      const lead = absoluteUrls(leadInHtml(a), base);
      return { data: { ...withUrl(rest), body_html: lead, body_text: leadInText(lead), gated: true } };
    }),
    sections: cached(async () => ({ data: (await listSections(db)).map((s) => ({ ...s, url: `${site}/section/${s.slug}` })) })),
    formats: cached(async () => ({ data: (await listFormats(db)).map((f) => ({ ...f, url: `${site}/format/${f.slug}` })) })),
    tags: cached(async () => ({ data: (await listPublicTags(db)).map((t) => ({ ...t, url: `${site}/tag/${t.slug}` })) })),
    authors: cached(async () => ({ data: (await listPublicAuthors(db)).map((a) => ({ ...a, photo_url: abs(a.photo_url), url: `${site}/author/${a.slug}` })) })),
  };
}
