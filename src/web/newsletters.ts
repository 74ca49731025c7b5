// Newsletter pages readers use: the sign-up endpoint (site box, JSON, embeddable form), confirm,
// unsubscribe (with RFC 8058 one-click) and preferences. Thin: parse, call the newsletters domain,
// render. URLs in src/web/routes.ts; see docs/decisions/0010-newsletter-signup.md for the choices.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from '../platform/errors.ts';
import { wantsJson } from '../platform/http.ts';
import { loadSite, type WebDeps } from './site.ts';
import { preferencesToken, preferencesUrl, verifyPreferencesToken, verifyUnsubscribeToken } from '../newsletters/links.ts';
import {
  SIGNUP_PROBLEM, SIGNUP_SUCCESS, checkConfirmationToken, confirmSubscriptions, getPerson, parseEmail, setPreferences, signup,
  subscriptionsOf, unsubscribe,
} from '../newsletters/signup.ts';
import {
  confirmPage, confirmedPage, linkProblemPage, newslettersIndexPage, preferencesPage, signupFormPage, signupResultPage, unsubscribePage, unsubscribedPage,
} from './pages/newsletters.ts';
import { sharedLimiter } from '../platform/rate-limit.ts';
import { signToken, verifyToken } from '../platform/tokens.ts';
import { SIGNED_UP_COOKIE } from './layout.ts';
import { frequencyOf } from './site.ts';
import { listNewsletters } from '../newsletters/newsletters.ts';
import { listEditions } from '../newsletters/editions.ts';
import { sendCached } from './page-cache.ts';

const THANKS_COOKIE = 'nd_signup_thanks';
const THANKS_PURPOSE = 'signup-thanks';

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}


const HTML = 'text/html; charset=utf-8';
const HOUR = 3600_000;
export const RATE_LIMITED_MESSAGE = 'Too many sign-up attempts. Please wait a few minutes and try again.';

/**
 * Browser posts must come from this site: Origin (or Referer) must name SITE_URL's origin or the
 * request's own host, and Sec-Fetch-Site must not say cross-site. Clients that send none of these
 * (servers calling the JSON endpoint) are not browsers, and a forged request gains them nothing.
 */
export function checkSameOrigin(req: FastifyRequest, siteUrl: string): void {
  const allowed = new Set([new URL(siteUrl).host]);
  if (req.headers.host) allowed.add(req.headers.host);
  const from = req.headers.origin ?? req.headers.referer;
  const refuse = () => new ForbiddenError('This form can only be sent from our own pages. Please sign up on our site.');
  if (typeof from === 'string' && from !== 'null') {
    let host: string;
    try {
      host = new URL(from).host;
    } catch {
      throw refuse();
    }
    if (!allowed.has(host)) throw refuse();
    return;
  }
  if (from === 'null') throw refuse();
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') throw refuse();
}

function noStore(reply: FastifyReply) {
  return reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * RFC 8058 allows the one-click unsubscribe POST as multipart/form-data too: in its scope only,
 * such a body is read as text (the newsroom's multipart parser is its own).
 */
export function multipartAsText(scope: FastifyInstance): void {
  if (!scope.hasContentTypeParser('multipart/form-data')) {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => done(null, body));
  }
}

export function newsletterPages(deps: WebDeps) {
  const { db, config } = deps;
  // In PostgreSQL when the database is a server, so the limits hold across several processes.
  const perIp = sharedLimiter(db, 'signup-ip', config.signupLimitPerIp, HOUR);
  const perAddress = sharedLimiter(db, 'signup-address', config.signupLimitPerAddress, HOUR);

  async function handleSignup(req: FastifyRequest, reply: FastifyReply, embed: boolean) {
    const isJsonBody = String(req.headers['content-type'] ?? '').includes('application/json');
    const json = !embed && (wantsJson(req) || isJsonBody);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const state = { email: str(body.email)?.slice(0, 254), newsletters: list(body.newsletters) };

    const fail = async (status: number, message: string, code: string, fields?: Record<string, string>) => {
      noStore(reply).code(status);
      if (json) return reply.type('application/json; charset=utf-8').send({ error: { status, code, message, fields } });
      const site = await loadSite(deps);
      return reply.type(HTML).send(signupResultPage(site, { ...state, message, isError: true }));
    };
    // Signed up: this browser sees no more sign-up boxes (nd_signed_up, src/web/layout.ts), and the
    // thank-you page names the address and the newsletters from a short-lived signed cookie (never the
    // URL, which would put the address in logs and referrers). It names what was typed, so it says
    // nothing about whether the address was known.
    const succeed = async () => {
      noStore(reply);
      const site = await loadSite(deps);
      const names = site.newsletters.filter((n) => state.newsletters.includes(n.slug)).map((n) => n.name);
      const email = state.email?.trim() ?? '';
      const secure = config.siteUrl.startsWith('https:') ? '; Secure' : '';
      const thanks = signToken(config.secretKey, THANKS_PURPOSE, { e: email, n: names }, { ttl: 600, now: deps.clock.now() });
      reply.header('set-cookie', [
        `${SIGNED_UP_COOKIE}=1; Path=/; Max-Age=${180 * 86400}; HttpOnly; SameSite=Lax${secure}`,
        `${THANKS_COOKIE}=${thanks}; Path=/newsletters/subscribed; Max-Age=600; HttpOnly; SameSite=Lax${secure}`,
      ]);
      if (json) return reply.code(200).send({ message: SIGNUP_SUCCESS });
      return reply.redirect('/newsletters/subscribed', 303);
    };

    try {
      if (!embed) checkSameOrigin(req, config.siteUrl);
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
        throw new ValidationError('Send the email address and the newsletters wanted, e.g. {"email": "…", "newsletters": ["daily"]}.');
      }
      const now = deps.clock.now().getTime();
      if (!(await perIp.take(req.ip, now)).ok) throw new RateLimitedError(RATE_LIMITED_MESSAGE);
      // The bot trap: a filled hidden field gets the usual answer and nothing is stored or sent.
      if (typeof body.website === 'string' && body.website.trim() !== '') {
        deps.log.info('sign-up bot trap', { ip: req.ip });
        return succeed();
      }
      const { normalized } = parseEmail(body.email);
      if (!(await perAddress.take(normalized, now)).ok) throw new RateLimitedError(RATE_LIMITED_MESSAGE);
      await signup(deps, { email: body.email, newsletters: body.newsletters, name: body.name, source: embed ? 'embed' : json && isJsonBody ? 'api' : 'signup' });
      return succeed();
    } catch (e) {
      if (e instanceof DomainError && e.status < 500) return fail(e.status, e.message, e.code, e instanceof ValidationError ? e.fields : undefined);
      deps.log.error('sign-up failed', { err: e });
      return fail(500, SIGNUP_PROBLEM, 'internal');
    }
  }

  const subscribe: Handler = (req, reply) => handleSignup(req, reply, false);
  const embedSubscribe: Handler = (req, reply) => handleSignup(req, reply, true);

  const subscribed: Handler = async (req, reply) => {
    const site = await loadSite(deps);
    const raw = cookieValue(req.headers.cookie, THANKS_COOKIE);
    const t = verifyToken<{ e?: unknown; n?: unknown }>(config.secretKey, THANKS_PURPOSE, raw, deps.clock.now());
    const email = t.ok && typeof t.data.e === 'string' ? t.data.e.slice(0, 254) : undefined;
    const names = t.ok && Array.isArray(t.data.n) ? t.data.n.filter((x): x is string => typeof x === 'string').slice(0, 20) : [];
    return noStore(reply).type(HTML).send(signupResultPage(site, { message: SIGNUP_SUCCESS, email, chosenNames: names }));
  };
  const index: Handler = async (req, reply) => {
    const site = await loadSite(deps);
    const rows = await listNewsletters(db, { activeOnly: true });
    const editions = await Promise.all(rows.map((n) => listEditions(db, { newsletter: n.id, publishedOnly: true, limit: 3, offset: 0 })));
    const list = rows.map((n, i) => ({ newsletter: n, frequency: frequencyOf(n.schedule_days, n.schedule_time), editions: editions[i]! }));
    return sendCached(req, reply, deps.cache, HTML, newslettersIndexPage(site, list));
  };
  const subscribeForm: Handler = async (_req, reply) => {
    const site = await loadSite(deps);
    return noStore(reply).type(HTML).send(signupFormPage(site));
  };

  // Confirm: the link shows a button; only the button's POST confirms (mail scanners follow links).
  const confirmView = async (req: FastifyRequest, reply: FastifyReply, token: unknown, doConfirm: boolean) => {
    const site = await loadSite(deps);
    const now = deps.clock.now();
    const check = checkConfirmationToken(config.secretKey, token, now);
    noStore(reply);
    if (!check.ok) return reply.code(check.reason === 'expired' ? 410 : 400).type(HTML).send(linkProblemPage(site, 'confirm', check.reason === 'expired' ? 'expired' : 'invalid'));
    const person = await getPerson(db, check.personId);
    if (!person) return reply.code(410).type(HTML).send(linkProblemPage(site, 'confirm', 'expired'));
    if (doConfirm) {
      const confirmed = await confirmSubscriptions(db, check.personId, check.newsletterIds, now, check.name);
      return reply.type(HTML).send(confirmedPage(site, confirmed, preferencesUrl('', preferencesToken(config.secretKey, person.id, now))));
    }
    const subs = await subscriptionsOf(db, check.personId, check.newsletterIds);
    return reply.type(HTML).send(confirmPage(site, String(token), subs.filter((s) => s.status === 'pending'), subs.filter((s) => s.status === 'confirmed')));
  };
  const confirmForm: Handler = (req, reply) => confirmView(req, reply, (req.query as any)?.t, false);
  const confirm: Handler = (req, reply) => confirmView(req, reply, (req.body as any)?.t ?? (req.query as any)?.t, true);

  // Unsubscribe. POST is RFC 8058 one-click (body List-Unsubscribe=One-Click) or the page's button:
  // either way 200, no redirect, no login; the signed token in the URL is the authority.
  const unsubscribeForm: Handler = async (req, reply) => {
    const site = await loadSite(deps);
    const token = (req.query as any)?.t;
    const now = deps.clock.now();
    const check = verifyUnsubscribeToken(config.secretKey, token, now);
    noStore(reply);
    if (!check.ok) return reply.code(check.reason === 'expired' ? 410 : 400).type(HTML).send(linkProblemPage(site, 'unsubscribe', check.reason === 'expired' ? 'expired' : 'invalid'));
    const [sub] = await subscriptionsOf(db, check.data.personId, [check.data.newsletterId]);
    if (!sub || !(await getPerson(db, check.data.personId))) throw new NotFoundError('This subscription no longer exists: there is nothing to unsubscribe from.');
    const prefs = preferencesUrl('', preferencesToken(config.secretKey, check.data.personId, now));
    return reply.type(HTML).send(unsubscribePage(site, String(token), sub.name, sub.status === 'unsubscribed' || sub.status === null, prefs));
  };
  const unsubscribeNow: Handler = async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const oneClick = body['List-Unsubscribe'] === 'One-Click' || (typeof req.body === 'string' && /List-Unsubscribe"?\s*(=|\r?\n\r?\n)\s*One-Click/.test(req.body));
    const token = (req.query as any)?.t ?? body.t;
    const now = deps.clock.now();
    const check = verifyUnsubscribeToken(config.secretKey, token, now);
    noStore(reply);
    if (!check.ok) {
      const message = check.reason === 'expired' ? 'This unsubscribe link has expired.' : 'This unsubscribe link is not valid.';
      if (oneClick) return reply.code(400).type('text/plain; charset=utf-8').send(message);
      return reply.code(check.reason === 'expired' ? 410 : 400).type(HTML).send(linkProblemPage(await loadSite(deps), 'unsubscribe', check.reason === 'expired' ? 'expired' : 'invalid'));
    }
    await unsubscribe(db, check.data.personId, check.data.newsletterId, now);
    if (oneClick) return reply.code(200).type('text/plain; charset=utf-8').send('You have been unsubscribed.');
    const [sub] = await subscriptionsOf(db, check.data.personId, [check.data.newsletterId]);
    const prefs = preferencesUrl('', preferencesToken(config.secretKey, check.data.personId, now));
    return reply.code(200).type(HTML).send(unsubscribedPage(await loadSite(deps), sub?.name ?? 'this newsletter', prefs));
  };

  // Preferences: change newsletters or leave all.
  const prefsCheck = async (reply: FastifyReply, token: unknown) => {
    const check = verifyPreferencesToken(config.secretKey, token, deps.clock.now());
    if (!check.ok) {
      noStore(reply).code(check.reason === 'expired' ? 410 : 400).type(HTML).send(linkProblemPage(await loadSite(deps), 'preferences', check.reason === 'expired' ? 'expired' : 'invalid'));
      return null;
    }
    const person = await getPerson(db, check.data.personId);
    if (!person) throw new NotFoundError('There are no newsletter subscriptions for this link any more.');
    return person;
  };
  const preferencesForm: Handler = async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const person = await prefsCheck(reply, q.t);
    if (!person) return reply;
    const subs = await subscriptionsOf(db, person.id);
    return noStore(reply).type(HTML).send(preferencesPage(await loadSite(deps), String(q.t), person.email, subs, q.saved === '1'));
  };
  const savePreferences: Handler = async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const person = await prefsCheck(reply, body.t);
    if (!person) return reply;
    const slugs = body.action === 'leave' ? [] : list(body.newsletters);
    await setPreferences(db, person.id, slugs, deps.clock.now());
    return noStore(reply).redirect(`/newsletters/preferences?t=${encodeURIComponent(String(body.t))}&saved=1`, 303);
  };

  return {
    subscribe, embedSubscribe, subscribed, subscribeForm, index, confirmForm, confirm, unsubscribeForm, unsubscribeNow, preferencesForm, savePreferences,
  };
}
