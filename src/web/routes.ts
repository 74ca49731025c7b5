// Public routes: thin handlers that parse the request, call the article queries and send a page
// through the page cache. Paths are the site's public interface; see docs/ARCHITECTURE.md.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  countPublished, findRedirect, getAuthor, getFormat, getPublishedArticle, getSection, getTag, listPublished,
  listPublishedForSitemap, listPublishedFull, relatedArticles, searchPublished, type ListFilter,
} from '../articles/queries.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { sendCached } from './page-cache.ts';
import { loadSite, type WebDeps } from './site.ts';
import { articlePage, homePage, listPage, searchPage } from './pages/public.ts';
import { FEED_TYPES, renderFeed, type FeedKind } from './feeds.ts';
import { ARTICLES_PER_SITEMAP, newsSitemap, robotsTxt, sitemapIndex, urlset } from './sitemaps.ts';
import { loadAssets } from './assets.ts';

const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FEED_KINDS: FeedKind[] = ['xml', 'atom', 'json'];
const FEED_SIZE = 20;
const HTML = 'text/html; charset=utf-8';

/** `?page=N`: absent is 1; anything but a positive whole number is a 400. */
export function parsePage(query: unknown): number {
  const v = (query as Record<string, unknown> | undefined)?.page;
  if (v === undefined) return 1;
  if (typeof v !== 'string' || !/^[1-9]\d{0,5}$/.test(v)) throw new ValidationError('The page number must be a whole number from 1 upwards.', { page: 'invalid' });
  return Number(v);
}

function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

type ListKind = 'section' | 'format' | 'tag' | 'author';

async function findEntity(deps: WebDeps, kind: ListKind, slug: string) {
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

function filterFor(kind: ListKind, slug: string): ListFilter {
  return kind === 'section' ? { sectionSlug: slug } : kind === 'format' ? { formatSlug: slug } : kind === 'tag' ? { tagSlug: slug } : { authorSlug: slug };
}

const KIND_NOUN: Record<ListKind, string> = { section: 'section', format: 'format', tag: 'tag', author: 'author' };

export function registerPublicRoutes(app: FastifyInstance, deps: WebDeps): void {
  const { db, cache } = deps;
  const send = (req: FastifyRequest, reply: FastifyReply, type: string, body: string) => sendCached(req, reply, cache, type, body);

  const page = { config: { pageCache: {} } };
  const list = { config: { pageCache: { query: ['page'] as const } } };

  app.get('/', page, async (req, reply) => {
    const site = await loadSite(deps);
    const since = new Date(deps.clock.now().getTime() - 7 * 86400_000);
    let top = await listPublished(db, { editorsPick: true, since }, 4);
    if (!top.length) top = await listPublished(db, {}, 3);
    const latest = await listPublished(db, { excludeIds: top.map((a) => a.id) }, 20);
    return send(req, reply, HTML, homePage(site, top, latest));
  });

  app.get('/healthz', async (_req, reply) => {
    try {
      await db.query('SELECT 1');
      return reply.header('cache-control', 'no-store').send({ status: 'ok' });
    } catch {
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable', reason: 'database' });
    }
  });

  const assets = loadAssets();
  app.get('/assets/:name', async (req, reply) => {
    const asset = assets.get((req.params as { name: string }).name);
    if (!asset) throw new NotFoundError('No such asset');
    reply.header('cache-control', 'public, max-age=3600').header('etag', asset.etag);
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/assets/logo.png', 301));

  app.get('/search', async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const q = query.q ?? '';
    if (typeof q !== 'string') throw new ValidationError('Search for one thing at a time.', { q: 'repeated' });
    if (q.length > 200) throw new ValidationError('Search terms are limited to 200 characters.', { q: 'too long' });
    const page = parsePage(query);
    const site = await loadSite(deps);
    const size = site.publication.pageSize;
    const { hits, total } = q.trim() ? await searchPublished(db, q.trim(), size, (page - 1) * size) : { hits: [], total: 0 };
    if (page > 1 && page > pageCount(total, size)) throw new NotFoundError('There are not that many pages of results.');
    return reply.header('cache-control', 'no-store').type(HTML).send(searchPage(site, q.trim(), hits, total, page, pageCount(total, size)));
  });

  // Whole-site feeds.
  for (const kind of FEED_KINDS) {
    app.get(`/feed.${kind}`, page, async (req, reply) => {
      const site = await loadSite(deps);
      const items = await listPublishedFull(db, {}, FEED_SIZE);
      const body = renderFeed(site, kind, { title: site.publication.name, description: site.publication.description, path: '/', base: '/feed', items });
      return send(req, reply, FEED_TYPES[kind], body);
    });
  }

  for (const kind of ['section', 'format', 'tag', 'author'] as ListKind[]) {
    app.get(`/${kind}/:slug`, list, async (req, reply) => {
      const { slug } = req.params as { slug: string };
      const entity = await findEntity(deps, kind, slug);
      if (!entity) throw new NotFoundError(`There is no ${KIND_NOUN[kind]} called “${slug}”.`);
      const page = parsePage(req.query);
      const site = await loadSite(deps);
      const size = site.publication.pageSize;
      const filter = filterFor(kind, slug);
      const total = await countPublished(db, filter);
      const pages = pageCount(total, size);
      if (page > pages) throw new NotFoundError(`This ${KIND_NOUN[kind]} has ${pages} page${pages === 1 ? '' : 's'}.`);
      const items = await listPublished(db, filter, size, (page - 1) * size);
      return send(req, reply, HTML, listPage(site, { kind, entity, items, page, pages, total }));
    });
    for (const fk of FEED_KINDS) {
      app.get(`/${kind}/:slug/feed.${fk}`, page, async (req, reply) => {
        const { slug } = req.params as { slug: string };
        const entity = await findEntity(deps, kind, slug);
        if (!entity) throw new NotFoundError(`There is no ${KIND_NOUN[kind]} called “${slug}”.`);
        const site = await loadSite(deps);
        const items = await listPublishedFull(db, filterFor(kind, slug), FEED_SIZE);
        const path = `/${kind}/${slug}`;
        const body = renderFeed(site, fk, {
          title: `${site.publication.name}: ${entity.name}`,
          description: String(('description' in entity && entity.description) || ('bio' in entity && entity.bio) || `${entity.name} at ${site.publication.name}`),
          path,
          base: `${path}/feed`,
          items,
        });
        return send(req, reply, FEED_TYPES[fk], body);
      });
    }
  }

  app.get('/robots.txt', page, async (req, reply) => send(req, reply, 'text/plain; charset=utf-8', robotsTxt(await loadSite(deps))));

  app.get('/sitemap.xml', page, async (req, reply) => {
    const site = await loadSite(deps);
    const total = await countPublished(db, {});
    const latest = await listPublished(db, {}, 1);
    return send(req, reply, 'application/xml; charset=utf-8', sitemapIndex(site, Math.ceil(total / ARTICLES_PER_SITEMAP), latest[0]?.updated_at ?? null));
  });

  app.get('/sitemaps/:file', page, async (req, reply) => {
    const { file } = req.params as { file: string };
    const site = await loadSite(deps);
    if (file === 'pages.xml') {
      const [tags, authors] = await Promise.all([
        db.query<{ slug: string }>(`SELECT DISTINCT t.slug FROM tags t JOIN article_tags at ON at.tag_id = t.id JOIN articles a ON a.id = at.article_id AND a.status = 'published' ORDER BY t.slug`),
        db.query<{ slug: string }>(`SELECT DISTINCT au.slug FROM authors au JOIN article_authors aa ON aa.author_id = au.id JOIN articles a ON a.id = aa.article_id AND a.status = 'published' ORDER BY au.slug`),
      ]);
      const urls = [
        { path: '/' },
        ...site.sections.map((s) => ({ path: `/section/${s.slug}` })),
        ...site.formats.map((f) => ({ path: `/format/${f.slug}` })),
        ...tags.map((t) => ({ path: `/tag/${t.slug}` })),
        ...authors.map((a) => ({ path: `/author/${a.slug}` })),
      ];
      return send(req, reply, 'application/xml; charset=utf-8', urlset(site, urls));
    }
    const m = /^articles-([1-9]\d{0,4})\.xml$/.exec(file);
    if (!m) throw new NotFoundError('No such sitemap.');
    const n = Number(m[1]);
    const rows = await listPublishedForSitemap(db, ARTICLES_PER_SITEMAP, (n - 1) * ARTICLES_PER_SITEMAP);
    if (!rows.length) throw new NotFoundError('No such sitemap.');
    return send(req, reply, 'application/xml; charset=utf-8', urlset(site, rows.map((r) => ({ path: '/' + r.slug, lastmod: r.updated_at }))));
  });

  app.get('/news-sitemap.xml', page, async (req, reply) => {
    const site = await loadSite(deps);
    const since = new Date(deps.clock.now().getTime() - 2 * 86400_000);
    const rows = await listPublishedForSitemap(db, 1000, 0, since);
    return send(req, reply, 'application/xml; charset=utf-8', newsSitemap(site, rows));
  });

  // Articles live at the root: /{slug}. Renamed and imported slugs redirect permanently.
  app.get('/:slug', page, async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const article = SLUG_RE.test(slug) ? await getPublishedArticle(db, slug) : undefined;
    if (!article) {
      const to = await findRedirect(db, '/' + slug);
      if (to) return reply.redirect('/' + to, 301);
      throw new NotFoundError('There is no story at this address. It may have moved, or the link may be mistyped.');
    }
    const site = await loadSite(deps);
    const related = await relatedArticles(db, article.id, 5);
    return send(req, reply, HTML, articlePage(site, article, related));
  });
}
