// The pages readers read: the front page, an article, the section/format/tag/author lists and search.
// Thin handlers: parse the request, call the article queries, render, send through the page cache.
// Their URLs are in src/web/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  countPublished, findRedirect, getAuthor, getFormat, getPublishedArticle, getSection, getTag, listPublished, relatedArticles,
  searchPublished, type ListFilter,
} from '../articles/queries.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { sendCached } from './page-cache.ts';
import { loadSite, type WebDeps } from './site.ts';
import { articlePage, homePage, listPage, searchPage } from './pages/public.ts';
import { anonymousEntry, articleGate, personalPageInputs } from './members.ts';
import { resolveReader } from '../members/meter.ts';
import { fullAccessLevels } from '../members/access.ts';
import { hasPersonalCookie, sendGated } from './page-cache.ts';
import { coverageForArticle } from './stories.ts';

export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const HTML = 'text/html; charset=utf-8';

/** `?page=N`: absent is 1; anything but a positive whole number is a 400. */
export function parsePage(query: unknown): number {
  const v = (query as Record<string, unknown> | undefined)?.page;
  if (v === undefined) return 1;
  if (typeof v !== 'string' || !/^[1-9]\d{0,5}$/.test(v)) throw new ValidationError('The page number must be a whole number from 1 upwards.', { page: 'invalid' });
  return Number(v);
}

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

export type ListKind = 'section' | 'format' | 'tag' | 'author';

/** The section, format, tag or author a list page is about (undefined: a 404). */
export async function findEntity(deps: WebDeps, kind: ListKind, slug: string) {
  if (!SLUG_RE.test(slug)) return undefined;
  switch (kind) {
    case 'section':
      return getSection(deps.db, slug);
    case 'format':
      return getFormat(deps.db, slug);
    case 'tag':
      return getTag(deps.db, slug);
    case 'author':
      return getAuthor(deps.db, slug);
  }
}

export function filterFor(kind: ListKind, slug: string): ListFilter {
  return kind === 'section' ? { sectionSlug: slug } : kind === 'format' ? { formatSlug: slug } : kind === 'tag' ? { tagSlug: slug } : { authorSlug: slug };
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function readingPages(deps: WebDeps) {
  const { db, cache } = deps;

  const home: Handler = async (req, reply) => {
    const site = await loadSite(deps);
    const since = new Date(deps.clock.now().getTime() - 7 * 86400_000);
    let top = await listPublished(db, { editorsPick: true, since }, 4);
    if (!top.length) top = await listPublished(db, {}, 3);
    const latest = await listPublished(db, { excludeIds: top.map((a) => a.id) }, 20);
    return sendCached(req, reply, cache, HTML, homePage(site, top, latest));
  };

  /** Articles live at the root: /{slug}. Renamed and imported slugs redirect permanently. */
  const article: Handler = async (req, reply) => {
    const { slug } = req.params as { slug: string };
    // A signed-in reader (or staff) on a gated article: a page rendered for them from briefly kept inputs.
    if (SLUG_RE.test(slug) && !req.headers.authorization && hasPersonalCookie(req.headers.cookie)) {
      const inputs = await personalPageInputs(deps, slug);
      if (inputs && inputs.a.access !== 'public') {
        const gate = await articleGate(deps, req, reply, inputs.site, inputs.a);
        return reply.header('cache-control', 'private, no-cache').header('vary', 'Cookie').type(HTML).send(articlePage(inputs.site, inputs.a, inputs.related, gate));
      }
    }
    const a = SLUG_RE.test(slug) ? await getPublishedArticle(db, slug) : undefined;
    if (!a) {
      const to = await findRedirect(db, '/' + slug);
      if (to) return reply.redirect('/' + to, 301);
      throw new NotFoundError('There is no story at this address. It may have moved, or the link may be mistyped.');
    }
    const site = await loadSite(deps);
    const related = a.type === 'page' ? [] : await relatedArticles(db, a.id, 5);
    // "How it was covered", outside the <article>: the story's spread on the wire, when it is linked to one.
    const coverage = await coverageForArticle(db, a);
    if (a.access === 'public') return sendCached(req, reply, cache, HTML, articlePage(site, a, related, undefined, { coverage }));
    // Not public: what this reader sees depends on who they are (src/members/access.ts decides). Anonymous
    // readers are answered from the page cache's two variants, chosen per request from the meter cookie;
    // signed-in readers get a page rendered for them, private, never stored.
    if (cache && !req.headers.authorization && !hasPersonalCookie(req.headers.cookie)) {
      if (sendGated(req, reply, cache, await anonymousEntry(deps, site, a, related, coverage))) return reply;
    }
    const gate = await articleGate(deps, req, reply, site, a);
    return reply.header('cache-control', 'private, no-cache').header('vary', 'Cookie').type(HTML).send(articlePage(site, a, related, gate, { coverage }));
  };

  const list = (kind: ListKind): Handler => async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const entity = await findEntity(deps, kind, slug);
    if (!entity) throw new NotFoundError(`There is no ${kind} called “${slug}”.`);
    const page = parsePage(req.query);
    const site = await loadSite(deps);
    const size = site.publication.pageSize;
    const filter = filterFor(kind, slug);
    const total = await countPublished(db, filter);
    const pages = pageCount(total, size);
    if (page > pages) throw new NotFoundError(`This ${kind} has ${pages} page${pages === 1 ? '' : 's'}.`);
    const items = await listPublished(db, filter, size, (page - 1) * size);
    return sendCached(req, reply, cache, HTML, listPage(site, { kind, entity, items, page, pages, total }));
  };

  /** Search is never cached: every query is different, and `no-store` keeps it out of shared caches. */
  const search: Handler = async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const q = query.q ?? '';
    if (typeof q !== 'string') throw new ValidationError('Search for one thing at a time.', { q: 'repeated' });
    if (q.length > 200) throw new ValidationError('Search terms are limited to 200 characters.', { q: 'too long' });
    const page = parsePage(query);
    const site = await loadSite(deps);
    const size = site.publication.pageSize;
    // Search has no meter: gated articles match and show a snippet only of what this reader may read.
    const reader = await resolveReader(deps, req.headers.cookie);
    const full = fullAccessLevels(reader.viewer, 'search');
    const { hits, total } = q.trim() ? await searchPublished(db, q.trim(), size, (page - 1) * size, full) : { hits: [], total: 0 };
    if (page > 1 && page > pageCount(total, size)) throw new NotFoundError('There are not that many pages of results.');
    return reply.header('cache-control', 'no-store').type(HTML).send(searchPage(site, q.trim(), hits, total, page, pageCount(total, size)));
  };

  return { home, article, list, search };
}
