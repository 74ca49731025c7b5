// Editions on the web: /newsletters/:slug (the archive of a newsletter's sent editions) and
// /newsletters/:slug/:number (one edition). An edition is public from the moment its send starts.
// The fixed paths under /newsletters/ (subscribe, confirm, unsubscribe, preferences, embed) belong to
// the sign-up pages and are never a newsletter's archive.
import type { FastifyInstance } from 'fastify';
import { html, raw } from '../platform/html.ts';
import { NotFoundError } from '../platform/errors.ts';
import { sendCached } from '../web/page-cache.ts';
import { markdownToHtml } from '../platform/sanitize.ts';
import { loadSite, type Site, type WebDeps } from '../web/site.ts';
import { layout } from '../web/layout.ts';
import { pagination, storyItem } from '../web/components.ts';
import { humanDate, isoInZone } from '../platform/time.ts';
import { parsePage } from '../web/routes.ts';
import { getNewsletterBySlug, RESERVED_NEWSLETTER_SLUGS, type Newsletter } from './newsletters.ts';
import { countPublishedEditions, editionItems, getEditionByNumber, listEditions, type Edition } from './editions.ts';
import { editionPath } from './render.ts';


const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PER_PAGE = 30;
const HTML = 'text/html; charset=utf-8';

async function publicNewsletter(deps: WebDeps, slug: string): Promise<Newsletter> {
  const n = SLUG.test(slug) && !RESERVED_NEWSLETTER_SLUGS.has(slug) ? await getNewsletterBySlug(deps.db, slug) : undefined;
  if (!n) throw new NotFoundError(`There is no newsletter called “${slug}”.`);
  return n;
}

function archivePage(site: Site, n: Newsletter, editions: Edition[], page: number, pages: number): string {
  const tz = site.publication.timeZone;
  return layout(
    site,
    { title: `${n.name}: past editions`, description: n.description, path: `/newsletters/${n.slug}`, kind: 'newsletter-archive' },
    html`<header class="list-header"><h1>${n.name}</h1>${n.description ? html`<p class="list-description">${n.description}</p>` : ''}</header>
<section aria-labelledby="archive-title"><h2 id="archive-title">Past editions</h2>
${editions.length
  ? html`<ol class="story-list edition-list">${editions.map(
      (e) => html`<li class="story"><h3 class="story-headline"><a href="${editionPath(n.slug, e.number)}">${e.subject}</a></h3>
  <p class="story-meta">No. ${e.number} · <time datetime="${isoInZone(e.published_at!, tz)}">${humanDate(e.published_at!, tz, site.publication.locale)}</time></p></li>`,
    )}</ol>`
  : html`<p>No edition has been sent yet.</p>`}
${pagination(`/newsletters/${n.slug}`, page, pages)}
</section>`,
  );
}

async function editionPage(deps: WebDeps, site: Site, n: Newsletter, e: Edition): Promise<string> {
  const items = await editionItems(deps.db, e.id, true);
  const tz = site.publication.timeZone;
  const date = e.published_at!;
  const [prev, next] = await Promise.all([
    deps.db.one<{ number: number }>(`SELECT number FROM editions WHERE newsletter_id = $1 AND number < $2 AND published_at IS NOT NULL ORDER BY number DESC LIMIT 1`, [n.id, e.number]),
    deps.db.one<{ number: number }>(`SELECT number FROM editions WHERE newsletter_id = $1 AND number > $2 AND published_at IS NOT NULL ORDER BY number LIMIT 1`, [n.id, e.number]),
  ]);
  return layout(
    site,
    { title: e.subject, description: n.description, path: editionPath(n.slug, e.number), kind: 'newsletter-edition' },
    html`<article class="edition" aria-labelledby="edition-title">
<header class="article-header">
  <p class="story-format"><a href="/newsletters/${n.slug}">${n.name}</a> · No. ${e.number}</p>
  <h1 id="edition-title">${e.subject}</h1>
  <p class="story-meta"><time datetime="${isoInZone(date, tz)}">${humanDate(date, tz, site.publication.locale)}</time></p>
</header>
${e.intro ? html`<div class="article-body">${raw(markdownToHtml(e.intro))}</div>` : ''}
<ol class="story-list">${items.map((a) => storyItem(site, a))}</ol>
<nav class="pagination" aria-label="Editions">
  ${next ? html`<a rel="next" href="${editionPath(n.slug, next.number)}">Next edition</a>` : ''}
  <a href="/newsletters/${n.slug}">All editions</a>
  ${prev ? html`<a rel="prev" href="${editionPath(n.slug, prev.number)}">Previous edition</a>` : ''}
</nav>
</article>`,
  );
}

export function registerEditionRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/newsletters/:slug', { config: { pageCache: { query: ['page'] as const } } }, async (req, reply) => {
    const n = await publicNewsletter(deps, (req.params as { slug: string }).slug);
    const page = parsePage(req.query);
    const total = await countPublishedEditions(deps.db, n.id);
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    if (page > pages) throw new NotFoundError(`${n.name} has ${pages} page${pages === 1 ? '' : 's'} of editions.`);
    const editions = (await listEditions(deps.db, { newsletter: n.id, publishedOnly: true, limit: PER_PAGE, offset: (page - 1) * PER_PAGE }));
    const site = await loadSite(deps);
    return sendCached(req, reply, deps.cache, HTML, archivePage(site, n, editions, page, pages));
  });

  app.get('/newsletters/:slug/:number', { config: { pageCache: {} } }, async (req, reply) => {
    const { slug, number } = req.params as { slug: string; number: string };
    const n = await publicNewsletter(deps, slug);
    const e = /^[1-9]\d{0,8}$/.test(number) ? await getEditionByNumber(deps.db, n.slug, Number(number)) : undefined;
    if (!e || !e.published_at) throw new NotFoundError(`${n.name} has no edition No. ${number}.`);
    const site = await loadSite(deps);
    return sendCached(req, reply, deps.cache, HTML, await editionPage(deps, site, n, e));
  });
}
