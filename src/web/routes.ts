// The public site's route table: every URL readers, their feed readers, crawlers and mail clients
// reach, one line each: METHOD, path, who may call it, handler, and for pages kept in the page cache
// the query parameters the page reads (src/web/page-cache.ts builds its keys from them). Handlers live
// in reading.ts, syndication.ts, files.ts, newsletters.ts, editions.ts and stories.ts; the JSON APIs and the mail
// webhooks are src/api/routes.ts, the newsroom src/admin/routes.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { PageParam } from './page-cache.ts';
import type { WebDeps } from './site.ts';
import { readingPages } from './reading.ts';
import { syndication } from './syndication.ts';
import { files } from './files.ts';
import { multipartAsText, newsletterPages } from './newsletters.ts';
import { editionPages } from './editions.ts';
import { memberPages } from './members.ts';
import { hasSignedUp, withoutSignupBoxes } from './layout.ts';
import { storyPages } from './stories.ts';

/**
 * Who may call a public URL. Everything here is public; the qualifications say what the handler
 * checks instead of a session: a same-origin browser post (and the sign-up rate limits), or the
 * signed, expiring token in the link from an email.
 */
type Access =
  | 'public'
  | 'public, same-origin, rate-limited'
  | 'public, rate-limited (any origin)'
  | 'public, signed link'
  | 'public, same-origin, signed link'
  | 'member session'
  | 'member session, same-origin, CSRF token';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface WebRoute {
  method: HTTPMethods;
  url: string;
  access: Access;
  handler: Handler;
  /** A page kept in the page cache, with the query parameters it reads. */
  page?: { query?: readonly PageParam[] };
  /** Routes that need their own body parsers are registered in a child scope that adds them. */
  scope?: (scope: FastifyInstance) => void;
}

const PAGE = { page: {} };
const LIST = { page: { query: ['page'] as const } };
const get = (url: string, access: Access, handler: Handler, opts: Partial<WebRoute> = {}): WebRoute => ({ method: 'GET', url, access, handler, ...opts });
const post = (url: string, access: Access, handler: Handler, opts: Partial<WebRoute> = {}): WebRoute => ({ method: 'POST', url, access, handler, ...opts });

export function webRoutes(deps: WebDeps): WebRoute[] {
  const r = readingPages(deps);
  const s = syndication(deps);
  const f = files(deps);
  const n = newsletterPages(deps);
  const e = editionPages(deps);
  const m = memberPages(deps);
  const st = storyPages(deps);
  return [
    // ---- reading
    get('/', 'public', r.home, LIST), // ?page=2 … continues the river ("More stories")
    get('/:slug', 'public', r.article, PAGE), // an article; renamed and imported slugs redirect
    get('/section/:slug', 'public', r.list('section'), LIST),
    get('/format/:slug', 'public', r.list('format'), LIST),
    get('/tag/:slug', 'public', r.list('tag'), LIST),
    get('/author/:slug', 'public', r.list('author'), LIST),
    get('/search', 'public', r.search), // never cached

    // ---- wire stories we have covered: our articles and the coverage by side (src/web/stories.ts)
    get('/story/:slug', 'public', st.page, PAGE), // a merged story's address redirects to the story it went into
    get('/story/:slug/feed.xml', 'public', st.feed('xml'), PAGE),
    get('/story/:slug/feed.atom', 'public', st.feed('atom'), PAGE),
    get('/story/:slug/feed.json', 'public', st.feed('json'), PAGE),

    // ---- feeds, sitemaps, robots
    get('/feed.xml', 'public', s.siteFeed('xml'), PAGE),
    get('/feed.atom', 'public', s.siteFeed('atom'), PAGE),
    get('/feed.json', 'public', s.siteFeed('json'), PAGE),
    get('/section/:slug/feed.xml', 'public', s.listFeed('section', 'xml'), PAGE),
    get('/section/:slug/feed.atom', 'public', s.listFeed('section', 'atom'), PAGE),
    get('/section/:slug/feed.json', 'public', s.listFeed('section', 'json'), PAGE),
    get('/format/:slug/feed.xml', 'public', s.listFeed('format', 'xml'), PAGE),
    get('/format/:slug/feed.atom', 'public', s.listFeed('format', 'atom'), PAGE),
    get('/format/:slug/feed.json', 'public', s.listFeed('format', 'json'), PAGE),
    get('/tag/:slug/feed.xml', 'public', s.listFeed('tag', 'xml'), PAGE),
    get('/tag/:slug/feed.atom', 'public', s.listFeed('tag', 'atom'), PAGE),
    get('/tag/:slug/feed.json', 'public', s.listFeed('tag', 'json'), PAGE),
    get('/author/:slug/feed.xml', 'public', s.listFeed('author', 'xml'), PAGE),
    get('/author/:slug/feed.atom', 'public', s.listFeed('author', 'atom'), PAGE),
    get('/author/:slug/feed.json', 'public', s.listFeed('author', 'json'), PAGE),
    get('/sitemap.xml', 'public', s.sitemap, PAGE),
    get('/sitemaps/:file', 'public', s.sitemapFile, PAGE), // pages.xml, articles-N.xml
    get('/news-sitemap.xml', 'public', s.newsSitemap, PAGE),
    get('/robots.txt', 'public', s.robots, PAGE),

    // ---- files and probes
    get('/assets/brand.css', 'public', f.brand), // the publication's accent colour (src/publication/brand.ts)
    get('/assets/:name', 'public', f.asset),
    get('/favicon.ico', 'public', f.favicon),
    get('/uploads/:name', 'public', f.upload),
    get('/healthz', 'public', f.healthz),

    // ---- newsletters: sign-up, confirm, unsubscribe, preferences (docs/decisions/0010-newsletter-signup.md)
    get('/newsletters', 'public', n.index, PAGE), // every newsletter, its schedule and latest editions, one form
    post('/newsletters/subscribe', 'public, same-origin, rate-limited', n.subscribe), // the box on every page; JSON too
    get('/newsletters/subscribe', 'public', n.subscribeForm), // the no-JavaScript form
    get('/newsletters/subscribed', 'public', n.subscribed),
    // the form other sites paste is shown in the newsroom (/admin/newsletters/embed); this posts it
    post('/newsletters/embed/subscribe', 'public, rate-limited (any origin)', n.embedSubscribe),
    get('/newsletters/confirm', 'public, signed link', n.confirmForm), // a button: mail scanners follow links
    post('/newsletters/confirm', 'public, signed link', n.confirm),
    get('/newsletters/unsubscribe', 'public, signed link', n.unsubscribeForm),
    post('/newsletters/unsubscribe', 'public, signed link', n.unsubscribeNow, { scope: multipartAsText }), // RFC 8058 one-click too
    get('/newsletters/preferences', 'public, signed link', n.preferencesForm),
    post('/newsletters/preferences', 'public, signed link', n.savePreferences),

    // ---- reader accounts (src/web/members.ts; docs/decisions/0050-members-access-and-meter.md)
    get('/subscribe', 'public', m.plans), // the plans; says so when payments are not set up
    post('/subscribe/checkout', 'member session, same-origin, CSRF token', m.checkout), // a Stripe Checkout session; signed out: register first
    post('/account/billing', 'member session, same-origin, CSRF token', m.billing), // Stripe's customer portal
    get('/account/register', 'public', m.registerForm),
    post('/account/register', 'public, same-origin, rate-limited', m.register), // the same answer for any address
    get('/account/signin', 'public', m.signInForm),
    post('/account/signin', 'public, same-origin, rate-limited', m.signIn), // the same answer for any address
    get('/account/signin/link', 'public, signed link', m.linkForm), // a button: mail scanners follow links
    post('/account/signin/link', 'public, same-origin, signed link', m.useLink),
    get('/account', 'member session', m.account),
    post('/account/name', 'member session, same-origin, CSRF token', m.saveName),
    post('/account/email', 'member session, same-origin, CSRF token', m.changeEmail),
    get('/account/email/confirm', 'public, signed link', m.emailConfirmForm),
    post('/account/email/confirm', 'public, same-origin, signed link', m.emailConfirm),
    post('/account/newsletters', 'member session, same-origin, CSRF token', m.saveNewsletters),
    post('/account/signout', 'member session, same-origin, CSRF token', m.signOut),
    post('/account/signout-everywhere', 'member session, same-origin, CSRF token', m.signOutEverywhere),
    get('/account/data.json', 'member session', m.downloadData),
    post('/account/feed', 'member session, same-origin, CSRF token', m.privateFeedToken), // issue anew, or revoke
    get('/account/feed/:token', 'public, signed link', m.privateFeed), // the secret URL is the credential
    post('/account/delete', 'member session, same-origin, CSRF token', m.deleteAccount),

    // ---- a newsletter's public archive
    get('/newsletters/:slug', 'public', e.archive, LIST),
    get('/newsletters/:slug/:number', 'public', e.edition, PAGE),
  ];
}

/** Register the table on the app (routes with a scope in one child scope per scope). */
export function registerWebRoutes(app: FastifyInstance, deps: WebDeps): void {
  const routes = webRoutes(deps);
  // A reader who has just signed up sees no sign-up box again. Their cookie is a personal one, so their
  // pages are rendered for them (never from or into the page cache), and the boxes are taken out here.
  app.addHook('onSend', async (req, reply, payload) => {
    if (typeof payload !== 'string' || !hasSignedUp(req.headers.cookie)) return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    return withoutSignupBoxes(payload);
  });
  const add = (into: FastifyInstance, r: WebRoute) => into.route({ method: r.method, url: r.url, handler: r.handler, config: r.page ? { pageCache: r.page } : {} });
  const scopes = new Map<(s: FastifyInstance) => void, WebRoute[]>();
  for (const r of routes) {
    if (r.scope) scopes.set(r.scope, [...(scopes.get(r.scope) ?? []), r]);
    else add(app, r);
  }
  for (const [scope, list] of scopes) {
    void app.register(async (child) => {
      scope(child);
      for (const r of list) add(child, r);
    });
  }
}
