// Editions on the web: /newsletters/:slug (the archive of a newsletter's sent editions) and
// /newsletters/:slug/:number (one edition). An edition is public from the moment its send starts.
// The fixed paths under /newsletters/ (subscribe, confirm, unsubscribe, preferences, embed) belong to
// the sign-up pages and are never a newsletter's archive. URLs in src/web/routes.ts.
//
// An edition's page carries its stories' text as the reader may read it (THE access rule, channel
// 'edition', no meter): public stories in full; members and metered ones in full to readers with an
// account; paid ones to paying members and staff; otherwise the lead-in and the way on. The page for
// anonymous readers is the cached one; a signed-in reader's (or staff's) is rendered for them, private.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../platform/errors.ts';
import { getNewsletterBySlug, RESERVED_NEWSLETTER_SLUGS, type Newsletter } from '../newsletters/newsletters.ts';
import { countPublishedEditions, editionItems, getEditionByNumber, listEditions, withBodies } from '../newsletters/editions.ts';
import { resolveReader } from '../members/meter.ts';
import { hasPersonalCookie } from './page-cache.ts';
import { adjacentEditions } from '../newsletters/archive.ts';
import { sendCached } from './page-cache.ts';
import { ANONYMOUS } from '../members/access.ts';
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
    const personal = !!req.headers.authorization || hasPersonalCookie(req.headers.cookie);
    const viewer = personal ? (await resolveReader(deps, req.headers.cookie)).viewer : ANONYMOUS;
    const [site, listed, around] = await Promise.all([loadSite(deps), editionItems(deps.db, e.id, true), adjacentEditions(deps.db, n.id, e.number)]);
    const items = await withBodies(deps.db, listed);
    const page = editionPage(site, n, e, items, around, viewer);
    if (personal) return reply.header('cache-control', 'private, no-cache').header('vary', 'Cookie').type(HTML).send(page);
    return sendCached(req, reply, deps.cache, HTML, page);
  };

  return { archive, edition };
}
