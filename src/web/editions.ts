// Editions on the web: /newsletters/:slug (the archive of a newsletter's sent editions) and
// /newsletters/:slug/:number (one edition). An edition is public from the moment its send starts.
// The fixed paths under /newsletters/ (subscribe, confirm, unsubscribe, preferences, embed) belong to
// the sign-up pages and are never a newsletter's archive. URLs in src/web/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../platform/errors.ts';
import { getNewsletterBySlug, RESERVED_NEWSLETTER_SLUGS, type Newsletter } from '../newsletters/newsletters.ts';
import { countPublishedEditions, editionItems, getEditionByNumber, listEditions } from '../newsletters/editions.ts';
import { adjacentEditions } from '../newsletters/archive.ts';
import { sendCached } from './page-cache.ts';
import { loadSite, type WebDeps } from './site.ts';
import { HTML, SLUG_RE, parsePage } from './reading.ts';
import { archivePage, editionPage } from './pages/editions.ts';

const PER_PAGE = 30;

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function editionPages(deps: WebDeps) {
  async function publicNewsletter(slug: string): Promise<Newsletter> {
    const n = SLUG_RE.test(slug) && !RESERVED_NEWSLETTER_SLUGS.has(slug) ? await getNewsletterBySlug(deps.db, slug) : undefined;
    if (!n) throw new NotFoundError(`There is no newsletter called “${slug}”.`);
    return n;
  }

  const archive: Handler = async (req, reply) => {
    const n = await publicNewsletter((req.params as { slug: string }).slug);
    const page = parsePage(req.query);
    const total = await countPublishedEditions(deps.db, n.id);
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    if (page > pages) throw new NotFoundError(`${n.name} has ${pages} page${pages === 1 ? '' : 's'} of editions.`);
    const editions = await listEditions(deps.db, { newsletter: n.id, publishedOnly: true, limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    const site = await loadSite(deps);
    return sendCached(req, reply, deps.cache, HTML, archivePage(site, n, editions, page, pages));
  };

  const edition: Handler = async (req, reply) => {
    const { slug, number } = req.params as { slug: string; number: string };
    const n = await publicNewsletter(slug);
    const e = /^[1-9]\d{0,8}$/.test(number) ? await getEditionByNumber(deps.db, n.slug, Number(number)) : undefined;
    if (!e || !e.published_at) throw new NotFoundError(`${n.name} has no edition No. ${number}.`);
    const [site, items, around] = await Promise.all([loadSite(deps), editionItems(deps.db, e.id, true), adjacentEditions(deps.db, n.id, e.number)]);
    return sendCached(req, reply, deps.cache, HTML, editionPage(site, n, e, items, around));
  };

  return { archive, edition };
}
