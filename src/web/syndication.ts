// What machines read: the site's and each list's feeds (RSS 2.0, Atom, JSON Feed), the sitemaps,
// the Google News sitemap and robots.txt. All are cached pages; their URLs are in src/web/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { countPublished, listPublished, listPublishedForSitemap, listPublishedFull, listSlugsForSitemap } from '../articles/queries.ts';
import { NotFoundError } from '../platform/errors.ts';
import { sendCached } from './page-cache.ts';
import { loadSite, type WebDeps } from './site.ts';
import { FEED_TYPES, renderFeed, type FeedKind } from './feeds.ts';
import { ARTICLES_PER_SITEMAP, newsSitemap, robotsTxt, sitemapIndex, urlset } from './sitemaps.ts';
import { filterFor, findEntity, type ListKind } from './reading.ts';
import { publicStorySlugs } from '../newswire/coverage/coverage.ts';

const FEED_SIZE = 20;
const XML = 'application/xml; charset=utf-8';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Last-Modified of a feed (its newest item's change: readers poll with it); with a hub, WebSub's Link header. */
function feedHeaders(items: Array<{ updated_at: Date }>, hub: string | null, self: string): Record<string, string> {
  const newest = items.reduce<Date | null>((m, a) => (!m || a.updated_at > m ? a.updated_at : m), null);
  return {
    ...(newest ? { 'last-modified': newest.toUTCString() } : {}),
    ...(hub ? { link: `<${hub}>; rel="hub", <${self}>; rel="self"` } : {}),
  };
}

export function syndication(deps: WebDeps) {
  const { db, cache } = deps;

  const siteFeed = (kind: FeedKind): Handler => async (req, reply) => {
    const site = await loadSite(deps);
    const items = await listPublishedFull(db, {}, FEED_SIZE);
    const hub = deps.config.websubHub;
    const body = renderFeed(site, kind, { title: site.publication.name, description: site.publication.description, path: '/', base: '/feed', items, hub });
    return sendCached(req, reply, cache, FEED_TYPES[kind], body, 200, feedHeaders(items, hub, site.url(`/feed.${kind}`)));
  };

  const listFeed = (list: ListKind, kind: FeedKind): Handler => async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const entity = await findEntity(deps, list, slug);
    if (!entity) throw new NotFoundError(`There is no ${list} called “${slug}”.`);
    const site = await loadSite(deps);
    const items = await listPublishedFull(db, filterFor(list, slug), FEED_SIZE);
    const path = `/${list}/${slug}`;
    const body = renderFeed(site, kind, {
      title: `${site.publication.name}: ${entity.name}`,
      description: String(('description' in entity && entity.description) || ('bio' in entity && entity.bio) || `${entity.name} at ${site.publication.name}`),
      path,
      base: `${path}/feed`,
      items,
      hub: deps.config.websubHub,
    });
    return sendCached(req, reply, cache, FEED_TYPES[kind], body, 200, feedHeaders(items, deps.config.websubHub, site.url(`${path}/feed.${kind}`)));
  };

  const robots: Handler = async (req, reply) => sendCached(req, reply, cache, 'text/plain; charset=utf-8', robotsTxt(await loadSite(deps)));

  const sitemap: Handler = async (req, reply) => {
    const site = await loadSite(deps);
    const total = await countPublished(db, {});
    const latest = await listPublished(db, {}, 1);
    return sendCached(req, reply, cache, XML, sitemapIndex(site, Math.ceil(total / ARTICLES_PER_SITEMAP), latest[0]?.updated_at ?? null));
  };

  /** /sitemaps/pages.xml (front page, sections, formats, tags, authors, public wire stories) and /sitemaps/articles-N.xml. */
  const sitemapFile: Handler = async (req, reply) => {
    const { file } = req.params as { file: string };
    const site = await loadSite(deps);
    if (file === 'pages.xml') {
      const { tags, authors } = await listSlugsForSitemap(db);
      const staticPages = await listPublishedForSitemap(db, ARTICLES_PER_SITEMAP, 0, undefined, 'page');
      const stories = await publicStorySlugs(db);
      const urls = [
        { path: '/' },
        ...staticPages.map((r) => ({ path: '/' + r.slug, lastmod: r.updated_at })),
        ...site.sections.map((s) => ({ path: `/section/${s.slug}` })),
        ...site.formats.map((f) => ({ path: `/format/${f.slug}` })),
        ...tags.map((t) => ({ path: `/tag/${t.slug}` })),
        ...authors.map((a) => ({ path: `/author/${a.slug}` })),
        ...stories.map((slug) => ({ path: `/story/${slug}` })),
      ];
      return sendCached(req, reply, cache, XML, urlset(site, urls));
    }
    const m = /^articles-([1-9]\d{0,4})\.xml$/.exec(file);
    if (!m) throw new NotFoundError('No such sitemap.');
    const n = Number(m[1]);
    const rows = await listPublishedForSitemap(db, ARTICLES_PER_SITEMAP, (n - 1) * ARTICLES_PER_SITEMAP);
    if (!rows.length) throw new NotFoundError('No such sitemap.');
    return sendCached(req, reply, cache, XML, urlset(site, rows.map((r) => ({ path: '/' + r.slug, lastmod: r.updated_at }))));
  };

  const newsSitemapXml: Handler = async (req, reply) => {
    const site = await loadSite(deps);
    const since = new Date(deps.clock.now().getTime() - 2 * 86400_000);
    const rows = await listPublishedForSitemap(db, 1000, 0, since);
    return sendCached(req, reply, cache, XML, newsSitemap(site, rows));
  };

  return { siteFeed, listFeed, robots, sitemap, sitemapFile, newsSitemap: newsSitemapXml };
}
