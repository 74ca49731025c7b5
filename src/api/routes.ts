// The APIs' route table: every JSON URL (the Admin API, the Content API, Ghost's Content API, the
// OpenAPI document) and the mail providers' webhooks, one line each: METHOD, path, who may call it,
// handler. The table is mounted area by area, and each area enforces its `access`: the Admin API
// checks the bearer key and then the route's permission (src/staff/roles.ts) before the handler
// runs; the Content APIs check the content key, send CORS headers and rate-limit per client address (one
// count over all their prefixes);
// the mail webhooks check MAIL_WEBHOOK_SECRET. Handlers live in admin.ts, newsletters.ts, content.ts,
// ghost.ts and mail-webhooks.ts. See docs/decisions/0030-api-and-ghost-compat.md.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Deps } from '../deps.ts';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../platform/errors.ts';
import { sharedLimiter, type SharedLimiter } from '../platform/rate-limit.ts';
import { can, type Permission } from '../staff/roles.ts';
import { KeyVerifier } from '../staff/api-keys.ts';
import { ResponseCache } from './response-cache.ts';
import { adminApi } from './admin.ts';
import { newsletterApi } from './newsletters.ts';
import { contentApi } from './content.ts';
import { GHOST_ALIASES, GHOST_PREFIX, ghostApi, setGhostErrors } from './ghost.ts';
import { membersApi } from './members.ts';
import { mailWebhooks, rawMessages } from './mail-webhooks.ts';
import { rawJson, stripeWebhooks } from './stripe-webhooks.ts';
import { openApiDocument } from './openapi.ts';
import { wireApi } from './wire.ts';
import { rawPushBodies, websubApi } from './websub.ts';
import { briefsApi } from './briefs.ts';
import { storiesApi } from './stories.ts';

/** Who may call a URL. `admin key: P` is an admin key whose role has permission P. */
type Access = 'public' | 'content key' | 'mail webhook secret' | 'stripe signature' | 'admin key' | `admin key: ${Permission}`;
type Area = 'admin' | 'content' | 'ghost' | 'mail' | 'stripe' | 'public' | 'websub';
type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface ApiRoute {
  area: Area;
  method: HTTPMethods;
  url: string;
  access: Access;
  handler: Handler;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': 'Accept-Version, Content-Type, Authorization',
  'access-control-max-age': '86400',
};

export function apiTable(deps: Deps, cache: ResponseCache): ApiRoute[] {
  const a = adminApi(deps);
  const n = newsletterApi(deps);
  const c = contentApi(deps, cache);
  const g = ghostApi(deps, cache);
  const m = mailWebhooks(deps);
  const w = wireApi(deps);
  const ws = websubApi(deps);
  const br = briefsApi(deps);
  const sto = storiesApi(deps);
  const mb = membersApi(deps);
  const st = stripeWebhooks(deps);
  const doc = JSON.stringify(openApiDocument(deps.config.siteUrl));
  const openapi: Handler = async (_req, reply) =>
    reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(doc);
  const r = (area: Area, method: HTTPMethods, url: string, access: Access, handler: Handler): ApiRoute => ({ area, method, url, access, handler });
  const admin = (method: HTTPMethods, url: string, access: 'admin key' | `admin key: ${Permission}`, handler: Handler) => r('admin', method, url, access, handler);
  return [
    r('public', 'GET', '/api/openapi.json', 'public', openapi),

    // ---- Admin API: the key itself
    admin('GET', '/api/admin/me', 'admin key', a.me),
    // articles (writes also check the key's role against the article: own drafts, own articles, any)
    admin('GET', '/api/admin/articles', 'admin key', a.listArticles),
    admin('POST', '/api/admin/articles', 'admin key', a.createArticle),
    admin('GET', '/api/admin/articles/:id', 'admin key', a.getArticle),
    admin('PATCH', '/api/admin/articles/:id', 'admin key', a.updateArticle),
    admin('DELETE', '/api/admin/articles/:id', 'admin key', a.deleteArticle),
    admin('POST', '/api/admin/articles/:id/publish', 'admin key', a.setStatus('publish')),
    admin('POST', '/api/admin/articles/:id/schedule', 'admin key', a.setStatus('schedule')),
    admin('POST', '/api/admin/articles/:id/unpublish', 'admin key', a.setStatus('unpublish')),
    admin('GET', '/api/admin/articles/:id/revisions', 'admin key', a.articleRevisions),
    // formats, sections, tags, authors
    admin('GET', '/api/admin/formats', 'admin key', a.formats.list),
    admin('GET', '/api/admin/formats/:slug', 'admin key', a.formats.get),
    admin('POST', '/api/admin/formats', 'admin key: taxonomy.manage', a.formats.create),
    admin('PATCH', '/api/admin/formats/:slug', 'admin key: taxonomy.manage', a.formats.update),
    admin('DELETE', '/api/admin/formats/:slug', 'admin key: taxonomy.manage', a.formats.remove),
    admin('GET', '/api/admin/sections', 'admin key', a.sections.list),
    admin('GET', '/api/admin/sections/:slug', 'admin key', a.sections.get),
    admin('POST', '/api/admin/sections', 'admin key: taxonomy.manage', a.sections.create),
    admin('PATCH', '/api/admin/sections/:slug', 'admin key: taxonomy.manage', a.sections.update),
    admin('DELETE', '/api/admin/sections/:slug', 'admin key: taxonomy.manage', a.sections.remove),
    admin('GET', '/api/admin/tags', 'admin key', a.tags.list),
    admin('GET', '/api/admin/tags/:slug', 'admin key', a.tags.get),
    admin('POST', '/api/admin/tags', 'admin key: taxonomy.manage', a.tags.create),
    admin('PATCH', '/api/admin/tags/:slug', 'admin key: taxonomy.manage', a.tags.update),
    admin('DELETE', '/api/admin/tags/:slug', 'admin key: taxonomy.manage', a.tags.remove),
    admin('GET', '/api/admin/authors', 'admin key', a.authors.list),
    admin('GET', '/api/admin/authors/:slug', 'admin key', a.authors.get),
    admin('POST', '/api/admin/authors', 'admin key: taxonomy.manage', a.authors.create),
    admin('PATCH', '/api/admin/authors/:slug', 'admin key: taxonomy.manage', a.authors.update),
    admin('DELETE', '/api/admin/authors/:slug', 'admin key: taxonomy.manage', a.authors.remove),
    // settings
    admin('GET', '/api/admin/settings', 'admin key', a.getSettings),
    admin('PATCH', '/api/admin/settings', 'admin key: settings.manage', a.updateSettings),
    // webhooks
    admin('GET', '/api/admin/webhooks', 'admin key: webhooks.manage', a.listWebhooks),
    admin('POST', '/api/admin/webhooks', 'admin key: webhooks.manage', a.createWebhook),
    admin('GET', '/api/admin/webhooks/:id', 'admin key: webhooks.manage', a.getWebhook),
    admin('PATCH', '/api/admin/webhooks/:id', 'admin key: webhooks.manage', a.updateWebhook),
    admin('DELETE', '/api/admin/webhooks/:id', 'admin key: webhooks.manage', a.deleteWebhook),
    admin('POST', '/api/admin/webhooks/:id/rotate-secret', 'admin key: webhooks.manage', a.rotateWebhookSecret),
    admin('GET', '/api/admin/webhooks/:id/deliveries', 'admin key: webhooks.manage', a.webhookDeliveries),
    // API keys
    admin('GET', '/api/admin/api-keys', 'admin key: apikeys.manage', a.listKeys),
    admin('POST', '/api/admin/api-keys', 'admin key: apikeys.manage', a.createKey),
    admin('DELETE', '/api/admin/api-keys/:id', 'admin key: apikeys.manage', a.revokeKey),
    // newsletters, subscribers, editions
    admin('GET', '/api/admin/newsletters', 'admin key: newsletters.manage', a.listNewsletters),
    admin('GET', '/api/admin/newsletters/:slug', 'admin key: newsletters.manage', a.getNewsletter),
    admin('PUT', '/api/admin/newsletters/:slug', 'admin key: newsletters.manage', a.putNewsletter),
    admin('POST', '/api/admin/newsletters/:slug/editions', 'admin key: newsletters.manage', n.buildEdition),
    admin('GET', '/api/admin/subscribers', 'admin key: newsletters.manage', n.listSubscribers),
    admin('POST', '/api/admin/subscribers', 'admin key: newsletters.manage', n.addSubscriber),
    admin('POST', '/api/admin/subscribers/unsubscribe', 'admin key: newsletters.manage', n.unsubscribe),
    admin('DELETE', '/api/admin/subscribers/:email', 'admin key: newsletters.manage', n.deleteSubscriber),
    admin('POST', '/api/admin/subscribers/import', 'admin key: newsletters.manage', n.importSubscribers),
    admin('GET', '/api/admin/subscribers/export', 'admin key: newsletters.manage', n.exportSubscribers),
    // members, plans, the paywall (src/api/members.ts): editors see members; plans and the paywall are settings
    admin('GET', '/api/admin/members', 'admin key: newsletters.manage', mb.listMembers),
    admin('POST', '/api/admin/members/import', 'admin key: newsletters.manage', mb.importMembers),
    admin('GET', '/api/admin/members/:id', 'admin key: newsletters.manage', mb.getMember),
    admin('PATCH', '/api/admin/members/:id', 'admin key: newsletters.manage', mb.patchMember),
    admin('GET', '/api/admin/plans', 'admin key: newsletters.manage', mb.listPlans),
    admin('POST', '/api/admin/plans', 'admin key: settings.manage', mb.createPlan),
    admin('GET', '/api/admin/paywall', 'admin key: newsletters.manage', mb.getPaywall),
    admin('PUT', '/api/admin/paywall', 'admin key: settings.manage', mb.putPaywall),
    admin('GET', '/api/admin/editions', 'admin key: newsletters.manage', n.listEditions),
    admin('GET', '/api/admin/editions/:id', 'admin key: newsletters.manage', n.getEdition),
    admin('PATCH', '/api/admin/editions/:id', 'admin key: newsletters.manage', n.updateEdition),
    admin('PUT', '/api/admin/editions/:id/items', 'admin key: newsletters.manage', n.reorderItems),
    admin('POST', '/api/admin/editions/:id/schedule', 'admin key: newsletters.manage', n.scheduleEdition),
    admin('POST', '/api/admin/editions/:id/send', 'admin key: newsletters.manage', n.startSend),
    admin('GET', '/api/admin/editions/:id/status', 'admin key: newsletters.manage', n.sendStatus),
    // the newswire (issue #11): outlets with their health, and the wire's items
    admin('GET', '/api/admin/outlets', 'admin key', w.listOutlets),
    admin('POST', '/api/admin/outlets', 'admin key: wire.manage', w.createOutlet),
    admin('GET', '/api/admin/outlets/:id', 'admin key', w.getOutlet),
    admin('PATCH', '/api/admin/outlets/:id', 'admin key: wire.manage', w.updateOutlet),
    admin('DELETE', '/api/admin/outlets/:id', 'admin key: wire.manage', w.deleteOutlet),
    admin('GET', '/api/admin/wire/items', 'admin key', w.listItems),
    admin('GET', '/api/admin/wire/items/:id', 'admin key', w.getItem),
    // briefs from the wire (issue #12): a draft Speed Read from a story's coverage (201; 200: its existing draft)
    admin('POST', '/api/admin/stories/:id/brief', 'admin key: articles.write_own_drafts', br.draft),
    // the wire's stories (issue #12): the day's ranking, a story, the week's blindspots, editors' decisions
    admin('GET', '/api/admin/stories', 'admin key', sto.list),
    admin('GET', '/api/admin/stories/blindspots', 'admin key', sto.blindspots),
    admin('GET', '/api/admin/stories/settings', 'admin key', sto.getSettings),
    admin('PUT', '/api/admin/stories/settings', 'admin key: wire.manage', sto.putSettings),
    admin('GET', '/api/admin/stories/:id', 'admin key', sto.get),
    admin('PATCH', '/api/admin/stories/:id', 'admin key: wire.manage', sto.update),
    admin('POST', '/api/admin/stories/:id/merge', 'admin key: wire.manage', sto.merge),
    admin('POST', '/api/admin/stories/:id/split', 'admin key: wire.manage', sto.split),

    // ---- Content API (Newsdesk's shapes)
    r('content', 'GET', '/api/content/articles', 'content key', c.articles),
    r('content', 'GET', '/api/content/articles/:slug', 'content key', c.article),
    r('content', 'GET', '/api/content/sections', 'content key', c.sections),
    r('content', 'GET', '/api/content/formats', 'content key', c.formats),
    r('content', 'GET', '/api/content/tags', 'content key', c.tags),
    r('content', 'GET', '/api/content/authors', 'content key', c.authors),

    // ---- Ghost's Content API: also under /ghost/api/{v4,v3,v2,canary}/content, and without the trailing slash
    r('ghost', 'GET', '/ghost/api/content/posts/', 'content key', g.posts.browse),
    r('ghost', 'GET', '/ghost/api/content/posts/slug/:slug/', 'content key', g.posts.bySlug),
    r('ghost', 'GET', '/ghost/api/content/posts/:id/', 'content key', g.posts.byId),
    r('ghost', 'GET', '/ghost/api/content/pages/', 'content key', g.pages.browse),
    r('ghost', 'GET', '/ghost/api/content/pages/slug/:slug/', 'content key', g.pages.bySlug),
    r('ghost', 'GET', '/ghost/api/content/pages/:id/', 'content key', g.pages.byId),
    r('ghost', 'GET', '/ghost/api/content/tags/', 'content key', g.tags.browse),
    r('ghost', 'GET', '/ghost/api/content/tags/slug/:slug/', 'content key', g.tags.bySlug),
    r('ghost', 'GET', '/ghost/api/content/tags/:id/', 'content key', g.tags.byId),
    r('ghost', 'GET', '/ghost/api/content/authors/', 'content key', g.authors.browse),
    r('ghost', 'GET', '/ghost/api/content/authors/slug/:slug/', 'content key', g.authors.bySlug),
    r('ghost', 'GET', '/ghost/api/content/authors/:id/', 'content key', g.authors.byId),
    r('ghost', 'GET', '/ghost/api/content/settings/', 'content key', g.settings),
    r('ghost', 'GET', '/ghost/api/content/tiers/', 'content key', g.tiers), // the plans, free and paid (src/members)
    r('ghost', 'GET', '/ghost/api/content/newsletters/', 'content key', g.newsletters),
    r('ghost', 'GET', '/ghost/api/content/offers/:id/', 'content key', g.offer),

    // ---- bounce and complaint webhooks of mail providers (and a raw DSN from a mail server's pipe)
    r('mail', 'POST', '/webhooks/mail/dsn', 'mail webhook secret', m.dsn),
    r('mail', 'POST', '/webhooks/mail/:provider', 'mail webhook secret', m.provider), // ses, postmark, mailgun, sendgrid

    // ---- WebSub callback of the wire's feeds: a hub verifies (GET, echoing hub.challenge) and pushes (POST, X-Hub-Signature)
    r('websub', 'GET', '/api/wire/websub/:token', 'public', ws.verify),
    r('websub', 'POST', '/api/wire/websub/:token', 'public', ws.push),
    // Stripe (src/api/stripe-webhooks.ts): signed with STRIPE_WEBHOOK_SECRET, checked on the raw body
    r('stripe', 'POST', '/webhooks/stripe', 'stripe signature', st.receive),
  ];
}

// ---- mounting -----------------------------------------------------------------------------------

export interface RegisteredRoute {
  method: string;
  url: string;
}

const routesByApp = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every /api and /ghost/api route registered, aliases included (the OpenAPI test compares them with the document). */
export function apiRoutes(app: FastifyInstance): RegisteredRoute[] {
  return routesByApp.get(app) ?? [];
}

/**
 * The Content APIs' limit: one count per client address, whichever prefix it calls (ours, Ghost's
 * and its older version prefixes, with or without the trailing slash), shared by every process on a
 * PostgreSQL server (src/platform/rate-limit.ts).
 */
function contentRateLimit(scope: FastifyInstance, limiter: SharedLimiter | null): void {
  if (!limiter) return;
  scope.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS') return;
    const now = Date.now();
    const r = await limiter.take(req.ip, now);
    const reset = Math.max(1, Math.ceil((r.resetAt - now) / 1000));
    reply.header('x-ratelimit-limit', limiter.limit).header('x-ratelimit-remaining', r.remaining).header('x-ratelimit-reset', reset);
    if (!r.ok) {
      reply.header('retry-after', reset);
      throw new RateLimitedError(`Too many requests: the Content API allows ${limiter.limit} requests a minute; try again in ${reset} s.`);
    }
  });
}

function cors(scope: FastifyInstance): void {
  scope.addHook('onRequest', async (_req, reply) => {
    reply.headers(CORS_HEADERS);
  });
  scope.options('/*', async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
}

export async function registerApi(app: FastifyInstance, deps: Deps): Promise<void> {
  const { config, clock } = deps;
  const registered: RegisteredRoute[] = [];
  routesByApp.set(app, registered);
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/') && !r.url.startsWith('/ghost/api/')) return;
    for (const method of [r.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') registered.push({ method, url: r.url });
  });
  const verifier = new KeyVerifier(deps.db);
  await verifier.start();
  // PAGE_CACHE_ENTRIES=0 turns this cache off too (benchmarks measure the uncached path that way).
  const cache = new ResponseCache(config.pageCacheEntries);
  await cache.start(deps.db);
  const table = apiTable(deps, cache);
  const limiter = config.contentApiRateLimit > 0 ? sharedLimiter(deps.db, 'content', config.contentApiRateLimit, 60_000) : null;
  const area = (name: Area) => table.filter((t) => t.area === name);

  for (const t of area('public')) app.route({ method: t.method, url: t.url, handler: t.handler });

  // Admin API: a bearer admin key on every request, then the route's permission.
  await app.register(async (api) => {
    api.decorateRequest('apiKey', null);
    api.addHook('onRequest', async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const h = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)$/i.exec(h);
      if (!m) throw new UnauthorizedError(h ? 'Use Authorization: Bearer <admin key>.' : 'An admin API key is required: Authorization: Bearer <key>.');
      const k = await verifier.verify(m[1]!, 'admin', clock.now());
      if (!k) throw new UnauthorizedError('Unknown or revoked admin API key.');
      req.apiKey = k;
    });
    for (const t of area('admin')) {
      const permission = t.access.startsWith('admin key: ') ? (t.access.slice('admin key: '.length) as Permission) : null;
      api.route({
        method: t.method,
        url: t.url,
        handler: (req, reply) => {
          const k = req.apiKey;
          if (!k) throw new UnauthorizedError('An admin API key is required: Authorization: Bearer <key>.');
          if (permission && !can(k.role!, permission)) throw new ForbiddenError(`A ${k.role} key may not do this (needs ${permission}).`);
          return t.handler(req, reply);
        },
      });
    }
  });

  // Content API: CORS, a rate limit per client address, a content key in ?key=.
  await app.register(
    async (api) => {
      cors(api);
      contentRateLimit(api, limiter);
      api.addHook('preHandler', async (req) => {
        if (req.method === 'OPTIONS') return;
        const k = (req.query as Record<string, unknown>)?.key;
        if (typeof k !== 'string' || !k) throw new UnauthorizedError('A content API key is required: add ?key=<content key>.');
        if (!(await verifier.verify(k, 'content', clock.now()))) throw new UnauthorizedError('Unknown or revoked content API key.');
      });
      for (const t of area('content')) api.route({ method: t.method, url: t.url.slice('/api/content'.length), handler: t.handler });
    },
    { prefix: '/api/content' },
  );

  // Ghost's Content API, under each of Ghost's prefixes, each path with and without its trailing slash.
  for (const prefix of [GHOST_PREFIX, ...GHOST_ALIASES]) {
    await app.register(
      async (api) => {
        setGhostErrors(api, deps);
        cors(api);
        contentRateLimit(api, limiter);
        // Ghost: no key is "Authorization failed" (403), a wrong one "Unknown Content API Key" (401).
        api.addHook('preHandler', async (req) => {
          if (req.method === 'OPTIONS') return;
          const k = (req.query as Record<string, unknown>)?.key;
          if (typeof k !== 'string' || !k) {
            throw new ForbiddenError('Authorization failed: Unable to determine the authenticated member or integration. Check the supplied Content API Key.');
          }
          if (!(await verifier.verify(k, 'content', clock.now()))) throw new UnauthorizedError('Unknown Content API Key');
        });
        for (const t of area('ghost')) {
          const path = t.url.slice(GHOST_PREFIX.length);
          api.route({ method: t.method, url: path, handler: t.handler });
          api.route({ method: t.method, url: path.replace(/\/$/, ''), handler: t.handler });
        }
      },
      { prefix },
    );
  }

  // WebSub callbacks: raw bodies of any type in this scope only, a rate limit per client address (a
  // hub pushes a feed's changes, not hundreds a minute); the subscription's secret is checked by the handler.
  const websubLimiter = sharedLimiter(deps.db, 'websub', 300, 60_000);
  await app.register(async (scope) => {
    rawPushBodies(scope, config.wire.maxBytes);
    scope.addHook('onRequest', async (req, reply) => {
      const r = await websubLimiter.take(req.ip, Date.now());
      if (!r.ok) {
        reply.header('retry-after', Math.max(1, Math.ceil((r.resetAt - Date.now()) / 1000)));
        throw new RateLimitedError('Too many requests to the WebSub callback; try again later.');
      }
    });
    for (const t of area('websub')) scope.route({ method: t.method, url: t.url, handler: t.handler });
  });

  // Mail providers' webhooks: raw messages accepted in this scope only; the secret is checked by the handlers.
  await app.register(async (scope) => {
    rawMessages(scope);
    for (const t of area('mail')) scope.route({ method: t.method, url: t.url, handler: t.handler });
  });

  // Stripe's webhooks: JSON read as raw bytes in this scope only (the signature covers them exactly).
  await app.register(async (scope) => {
    rawJson(scope);
    for (const t of area('stripe')) scope.route({ method: t.method, url: t.url, handler: t.handler });
  });
}
