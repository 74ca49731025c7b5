// Readers' pages: the gate on article pages (the meter and the walls, decided by src/members/access.ts
// through viewArticle), and the account: register, sign in by magic link, the account page and its
// forms. Thin handlers: parse, call the members domain, render. URLs in src/web/routes.ts.
//
// Forms: the anonymous ones (register, sign in, the link's button) are same-origin posts (Origin or
// Referer checked, as the newsletter sign-up) and rate-limited per client address and per email
// address; the account's forms carry the session's CSRF token as well.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Article } from '../articles/types.ts';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../platform/errors.ts';
import { WindowLimiter } from '../platform/rate-limit.ts';
import { parseSlugs, setPreferences, subscriptionsOf } from '../newsletters/signup.ts';
import {
  confirmEmailChange, consumeMemberLink, createMemberSession, csrfOk, deleteMember, endAllMemberSessions, endMemberSession, exportMemberData,
  MEMBER_COOKIE, MEMBER_SESSION_MAX_MS, hasFeedToken, issueFeedToken, memberByFeedToken, revokeFeedToken, peekEmailChange, peekMemberLink, renameMember, requestEmailChange, requestMemberLink, type MemberSession,
} from '../members/accounts.ts';
import { carryOverMeter, memberMeterSummary, resolveReader, viewArticle, viewAsMember } from '../members/meter.ts';
import { getPaywall, isMeterExempt } from '../members/paywall.ts';
import { listPlans, subscriptionsOfMember } from '../members/subscriptions.ts';
import { cancelStripeSubscriptions, paymentsEnabled, startCheckout, startPortal } from '../members/stripe.ts';
import { checkSameOrigin } from './newsletters.ts';
import { loadSite, type Site, type WebDeps } from './site.ts';
import { paywallBanner, type ArticleGate } from './pages/paywall.ts';
import { articlePage } from './pages/public.ts';
import type { SafeHtml } from '../platform/html.ts';
import type { ArticleSummary } from '../articles/types.ts';
import { listPublishedFull } from '../articles/queries.ts';
import { FEED_TYPES, renderFeed } from './feeds.ts';
import { BANNER_SLOT, type Gate, type GatedEntry, type MemberGate } from './page-cache.ts';
import { ANONYMOUS, decideAccess, type GatedArticle } from '../members/access.ts';
import { cookieValue, METER_COOKIE, meterPeriod, meterSetCookie, readMeterCookie, writeMeterCookie, type PaywallSettings } from '../members/paywall.ts';
import { getPublishedArticle, relatedArticles } from '../articles/queries.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { channelCache } from '../platform/channel-cache.ts';
import { accountPage, plansPage, checkInboxPage, emailConfirmPage, linkButtonPage, registerPage, signInPage, simplePage } from './pages/account.ts';

const HTML = 'text/html; charset=utf-8';
type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** The gate of a non-public article page for this request: decides, counts, and sets the meter cookie. */
export async function articleGate(deps: WebDeps, req: FastifyRequest, reply: FastifyReply, site: Site, a: Article): Promise<ArticleGate> {
  const cookie = req.headers.cookie;
  const paywall = await getPaywall(deps.db);
  const reader = await resolveReader(deps, cookie, paywall);
  const view = await viewArticle(deps, reader, a, cookie, { paywall, timeZone: site.publication.timeZone });
  if (view.setCookie) reply.header('set-cookie', view.setCookie);
  const needPlans = !view.decision.full && view.decision.wall === 'plans';
  if (!view.decision.full) deps.walls?.hit(deps.clock.now(), site.publication.timeZone);
  return {
    decision: view.decision,
    limit: view.limit,
    period: paywall.period,
    signedIn: reader.viewer.kind !== 'anonymous',
    memberLimit: paywall.member_limit,
    freeForAll: a.access === 'metered' && (!paywall.meter_enabled || isMeterExempt(paywall, a)),
    plans: needPlans ? (await listPlans(deps.db, { activeOnly: true })).filter((p) => p.kind === 'stripe') : [],
    paymentsEnabled: paymentsEnabled(deps.config),
  };
}

// ---------------------------------------------------------------------------------------------
// Signed-in readers' article pages are rendered per request (never stored), but what they are rendered
// from (the site, the article, its related stories) is the same for everyone: kept here for a moment
// and dropped on any content change (the page cache's own signal), so a signed-in reader's view costs a
// render and their session and meter look-ups (themselves kept briefly in src/members).

const INPUTS_TTL_MS = 2000;
type PageInputs = { site: Site; a: Article; related: ArticleSummary[] } | null;
const inputsByDeps = channelCache<string, PageInputs>({ channels: [CONTENT_CHANNEL], ttlMs: INPUTS_TTL_MS, maxEntries: 2000 });

/** The inputs of a published article's page, by slug (null: no such published article). */
export function personalPageInputs(deps: WebDeps, slug: string): Promise<PageInputs> {
  return inputsByDeps.of(deps.db).get(slug, async () => {
    const a = await getPublishedArticle(deps.db, slug);
    if (!a) return null;
    const [site, related] = await Promise.all([loadSite(deps), a.type === 'page' ? Promise.resolve([]) : relatedArticles(deps.db, a.id, 5)]);
    return { site, a, related };
  });
}

interface AnonymousRule {
  article: GatedArticle;
  paywall: PaywallSettings;
  timeZone: string;
}

/**
 * The variants of a gated article for the page cache: the full text with the banner's slot (for
 * anonymous and signed-in readers alike: the banner is the only difference), the lead-in with its wall
 * for anonymous readers (the register form; the plans for a paid article), and the lead-in with the
 * plans wall for signed-in readers without access.
 */
export async function anonymousEntry(deps: WebDeps, site: Site, a: Article, related: ArticleSummary[], coverage: SafeHtml | null = null): Promise<GatedEntry> {
  const paywall = await getPaywall(deps.db);
  const exempt = isMeterExempt(paywall, a);
  const base = {
    limit: paywall.anonymous_limit, period: paywall.period, signedIn: false, memberLimit: paywall.member_limit,
    freeForAll: a.access === 'metered' && (!paywall.meter_enabled || exempt), paymentsEnabled: paymentsEnabled(deps.config),
  };
  const plans = a.access === 'paid' ? (await listPlans(deps.db, { activeOnly: true })).filter((p) => p.kind === 'stripe') : [];
  const full = articlePage(site, a, related, { ...base, plans: [], bannerSlot: true, decision: { full: true, wall: null, count: false, remaining: 0 } }, { coverage });
  const lead = articlePage(site, a, related, { ...base, plans, decision: { full: false, wall: a.access === 'paid' ? 'plans' : 'register', count: false, remaining: null } }, { coverage });
  // A signed-in reader without access has used their meter (metered) or does not pay (paid): the plans.
  // (A members article is full for every signed-in reader; its plans lead-in is kept all the same.)
  const memberPlans = a.access === 'paid' ? plans : (await listPlans(deps.db, { activeOnly: true })).filter((p) => p.kind === 'stripe');
  const memberLead = articlePage(site, a, related, { ...base, signedIn: true, plans: memberPlans, decision: { full: false, wall: 'plans', count: false, remaining: 0 } }, { coverage });
  const at = full.indexOf(BANNER_SLOT);
  const rule: AnonymousRule = { article: { id: a.id, access: a.access, meterExempt: exempt }, paywall, timeZone: site.publication.timeZone };
  return {
    articleId: a.id,
    rule,
    fullHead: Buffer.from(at === -1 ? full : full.slice(0, at)),
    fullTail: Buffer.from(at === -1 ? '' : full.slice(at + BANNER_SLOT.length)),
    lead: Buffer.from(lead),
    memberLead: Buffer.from(memberLead),
    contentType: HTML,
  };
}

// The banner's few texts ("2 free articles left this month"), each rendered once: by period and
// signed in or not, then by what is left (a small whole number; null and others rendered each time
// they are asked, which THE access rule does not answer for a full view).
const banners = new Map<string, string[]>();
function bannerHtml(remaining: number | null, period: 'month' | 'week', signedIn: boolean): string {
  const render = () => paywallBanner({ decision: { full: true, wall: null, count: false, remaining }, period, signedIn }).value;
  if (remaining === null || !Number.isInteger(remaining) || remaining < 0 || remaining > 1000) return render();
  const key = period === 'week' ? (signedIn ? 'week|member' : 'week') : signedIn ? 'month|member' : 'month';
  let list = banners.get(key);
  if (!list) banners.set(key, (list = []));
  return (list[remaining] ??= render());
}

/**
 * The page cache's gate for anonymous readers: THE access rule with the meter from the signed cookie,
 * without the database. Counting a view only rewrites the cookie (read and written with the least
 * work: src/members/paywall.ts, decision 0054).
 */
export function anonymousGate(deps: WebDeps): Gate {
  const secure = deps.config.siteUrl.startsWith('https:');
  const secret = deps.config.secretKey;
  return (cookieHeader, entry) => {
    const { article, paywall, timeZone } = entry.rule as AnonymousRule;
    const now = deps.clock.now();
    const period = meterPeriod(now, timeZone, paywall.period);
    const counted = article.access === 'metered' && paywall.meter_enabled && !article.meterExempt
      ? readMeterCookie(secret, cookieValue(cookieHeader, METER_COOKIE), period, now)
      : [];
    const d = decideAccess(article, ANONYMOUS, 'page', { enabled: paywall.meter_enabled, limit: paywall.anonymous_limit, counted });
    if (!d.full) deps.walls?.hit(now, timeZone);
    let setCookie: string | null = null;
    if (d.count) {
      counted.push(article.id);
      setCookie = meterSetCookie(writeMeterCookie(secret, period, counted, now), secure);
    }
    return { full: d.full, banner: d.full ? bannerHtml(d.remaining, paywall.period, false) : '', setCookie };
  };
}

/**
 * The page cache's gate for signed-in readers: their session (kept briefly, dropped on sign-out, account
 * changes and subscription changes in every process) and THE access rule with their meter. A counted
 * view writes its one member_reads row, the first time in the period. Null when the cookie names no live
 * session: the app answers such a request.
 */
export function memberGate(deps: WebDeps): MemberGate {
  return async (cookieHeader, entry) => {
    const { article, paywall, timeZone } = entry.rule as AnonymousRule;
    const reader = await resolveReader(deps, cookieHeader, paywall);
    if (reader.viewer.kind !== 'member') return null;
    const viewer = reader.viewer;
    const now = deps.clock.now();
    const metered = article.access === 'metered' && paywall.meter_enabled && !article.meterExempt && !viewer.paid;
    const d = metered
      ? (await viewAsMember(deps, viewer, article, paywall, meterPeriod(now, timeZone, paywall.period), now)).decision
      : decideAccess(article, viewer, 'page');
    if (!d.full) deps.walls?.hit(now, timeZone);
    return { full: d.full, banner: d.full ? bannerHtml(d.remaining, paywall.period, true) : '', setCookie: null };
  };
}

function noStore(reply: FastifyReply) {
  return reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').type(HTML);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Only paths on this site, never another origin. */
function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[^\s]*$/.test(v) && v.length < 500 ? v : '/account';
}

function sessionCookie(id: string, secure: boolean): string {
  return `${MEMBER_COOKIE}=${id}; Path=/; Max-Age=${Math.floor(MEMBER_SESSION_MAX_MS / 1000)}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
const CLEAR_SESSION = `${MEMBER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;

export function memberPages(deps: WebDeps) {
  const { db, config } = deps;
  const now = () => deps.clock.now();
  const secure = config.siteUrl.startsWith('https:');
  const perIp = new WindowLimiter(config.members.linkLimitPerIp, 15 * 60_000);
  const perAddress = new WindowLimiter(config.members.linkLimitPerAddress, 15 * 60_000);

  async function session(req: FastifyRequest): Promise<MemberSession | null> {
    const r = await resolveReader(deps, req.headers.cookie);
    return r.member;
  }

  async function requireSession(req: FastifyRequest, reply: FastifyReply): Promise<MemberSession | null> {
    const s = await session(req);
    if (!s) {
      reply.redirect('/account/signin?next=' + encodeURIComponent(req.url.split('?')[0]!), 303);
      return null;
    }
    return s;
  }

  /** An account form: same origin, and the session's CSRF token. */
  async function requireForm(req: FastifyRequest, reply: FastifyReply): Promise<MemberSession | null> {
    checkSameOrigin(req, config.siteUrl);
    const s = await requireSession(req, reply);
    if (!s) return null;
    if (!csrfOk(s, (req.body as Record<string, unknown> | undefined)?._csrf)) throw new ForbiddenError('This form had expired. Reload the page and try again.');
    return s;
  }

  /** Register and sign in answer alike for any address: the same page, the same status, one queued job. */
  async function askForLink(req: FastifyRequest, reply: FastifyReply, kind: 'register' | 'signin') {
    checkSameOrigin(req, config.siteUrl);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = str(body.email).trim().slice(0, 254);
    const site = await loadSite(deps);
    const render = (status: number, error: string) =>
      noStore(reply).code(status).send(kind === 'register' ? registerPage(site, { email, name: str(body.name), error, next: safeNext(body.next) }) : signInPage(site, { email, error, next: safeNext(body.next) }));
    if (str(body.website)) return noStore(reply).send(checkInboxPage(site, email)); // the bots' trap field: answered alike, nothing sent
    const t = now();
    const ipOk = perIp.hit(req.ip, t);
    const addrOk = perAddress.hit(email.toLowerCase(), t);
    if (!ipOk || !addrOk) return render(429, 'Too many attempts. Please wait a few minutes and try again.');
    try {
      const newsletters = kind === 'register' && body.newsletters !== undefined && body.newsletters !== '' ? parseSlugs(body.newsletters) : [];
      await requestMemberLink(db, { email, name: kind === 'register' ? body.name : undefined, newsletters });
    } catch (e) {
      if (e instanceof ValidationError) return render(400, e.message);
      throw e;
    }
    return noStore(reply).send(checkInboxPage(site, email));
  }

  const registerForm: Handler = async (req, reply) => {
    if (await session(req)) return reply.redirect('/account', 303);
    const q = req.query as Record<string, unknown>;
    return noStore(reply).send(registerPage(await loadSite(deps), { next: safeNext(q.next) }));
  };
  const register: Handler = (req, reply) => askForLink(req, reply, 'register');
  const signInForm: Handler = async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    if (await session(req)) return reply.redirect(safeNext(q.next), 303);
    return noStore(reply).send(signInPage(await loadSite(deps), { next: safeNext(q.next) }));
  };
  const signIn: Handler = (req, reply) => askForLink(req, reply, 'signin');

  // The emailed link opens a page with a button: mail scanners that fetch links do not use it up.
  const linkForm: Handler = async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const site = await loadSite(deps);
    try {
      const data = await peekMemberLink(db, config.secretKey, q.token, now());
      return noStore(reply).send(linkButtonPage(site, String(q.token), data.e, safeNext(q.next)));
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      return noStore(reply).code(401).send(signInPage(site, { error: e.message }));
    }
  };

  const useLink: Handler = async (req, reply) => {
    checkSameOrigin(req, config.siteUrl);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { personId } = await consumeMemberLink(db, config.secretKey, body.token, now());
      const old = await session(req);
      if (old) await endMemberSession(db, old.idHash); // a fresh id on every sign-in
      const s = await createMemberSession(db, personId, now());
      await carryOverMeter(deps, personId, req.headers.cookie);
      reply.header('set-cookie', sessionCookie(s.id, secure));
      return reply.redirect(safeNext(body.next), 303);
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      return noStore(reply).code(401).send(signInPage(await loadSite(deps), { error: e.message }));
    }
  };

  const account: Handler = async (req, reply) => {
    const s = await requireSession(req, reply);
    if (!s) return reply;
    const paywall = await getPaywall(db);
    const [site, newsletters, subscriptions, meter, feed] = await Promise.all([
      loadSite(deps),
      subscriptionsOf(db, s.member.id),
      subscriptionsOfMember(db, s.member.id, now(), paywall.grace_days),
      memberMeterSummary(deps, s.member.id),
      hasFeedToken(db, s.member.id),
    ]);
    const q = req.query as Record<string, unknown>;
    return noStore(reply).header('cache-control', 'private, no-store').send(
      accountPage(site, { member: s.member, csrf: s.csrf, newsletters, subscriptions, meter, notice: str(q.notice), feed, billing: paymentsEnabled(config) && !!s.member.stripe_customer_id }),
    );
  };

  const done = (reply: FastifyReply, notice: string) => reply.redirect('/account?notice=' + encodeURIComponent(notice), 303);

  const saveName: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    await renameMember(db, s.member.id, (req.body as Record<string, unknown> | undefined)?.name);
    return done(reply, 'name');
  };

  const changeEmail: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    await requestEmailChange(deps, s.member.id, (req.body as Record<string, unknown> | undefined)?.email);
    return done(reply, 'email');
  };

  const emailConfirmForm: Handler = async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const site = await loadSite(deps);
    try {
      const c = peekEmailChange(config.secretKey, q.token, now());
      return noStore(reply).send(emailConfirmPage(site, String(q.token), c.email));
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      return noStore(reply).code(401).send(simplePage(site, 'This link does not work', e.message));
    }
  };

  const emailConfirm: Handler = async (req, reply) => {
    checkSameOrigin(req, config.siteUrl);
    const site = await loadSite(deps);
    try {
      const c = await confirmEmailChange(db, config.secretKey, (req.body as Record<string, unknown> | undefined)?.token, now());
      return noStore(reply).send(simplePage(site, 'Your address is changed', `Your account now uses ${c.email}.`, '/account'));
    } catch (e) {
      if (!(e instanceof UnauthorizedError) && !(e instanceof ConflictError)) throw e;
      return noStore(reply).code(e instanceof DomainError ? e.status : 400).send(simplePage(site, 'The address was not changed', e.message));
    }
  };

  const saveNewsletters: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    const v = (req.body as Record<string, unknown> | undefined)?.newsletters;
    const slugs = v === undefined || v === '' ? [] : parseSlugs(v);
    await setPreferences(db, s.member.id, slugs, now());
    return done(reply, 'newsletters');
  };

  const signOut: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    await endMemberSession(db, s.idHash);
    reply.header('set-cookie', CLEAR_SESSION);
    return reply.redirect('/', 303);
  };

  const signOutEverywhere: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    await endAllMemberSessions(db, s.member.id);
    reply.header('set-cookie', CLEAR_SESSION);
    return noStore(reply).send(simplePage(await loadSite(deps), 'Signed out everywhere', 'Every browser and device signed in to your account is now signed out.', '/account/signin'));
  };

  const downloadData: Handler = async (req, reply) => {
    const s = await requireSession(req, reply);
    if (!s) return reply;
    const data = await exportMemberData(db, s.member.id);
    return reply
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'attachment; filename="my-data.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  };

  const deleteAccount: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    if ((req.body as Record<string, unknown> | undefined)?.confirm !== 'delete') throw new ValidationError('Tick the box to confirm that you want your account deleted.', { confirm: 'required' });
    // A subscription bought here is cancelled at Stripe first (immediately); one Stripe could not be
    // asked about now is recorded and retried, and the page says so.
    const billing = await cancelStripeSubscriptions(deps, s.member.id);
    await deleteMember(db, s.member.id, now());
    reply.header('set-cookie', CLEAR_SESSION);
    const paid = billing.queued
      ? ' We could not reach our payment provider just now to cancel your subscription. The cancellation is recorded and we keep trying automatically until it goes through; you do not need to do anything.'
      : billing.cancelled
        ? ' Your subscription is cancelled: you will not be charged again.'
        : '';
    return noStore(reply).send(simplePage(await loadSite(deps), 'Your account is deleted', `Your account, your newsletter subscriptions and everything personal we kept about you are gone.${paid}`, '/'));
  };

  /** A new private feed URL (shown once on the page that answers), or revoke it. */
  const privateFeedToken: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    const site = await loadSite(deps);
    if ((req.body as Record<string, unknown> | undefined)?.action === 'revoke') {
      await revokeFeedToken(db, s.member.id);
      return noStore(reply).send(simplePage(site, 'Private feed revoked', 'Your private feed address no longer works.', '/account'));
    }
    if (!s.member.paid) throw new ForbiddenError('The private full-text feed is for subscribers.');
    const secret = await issueFeedToken(db, s.member.id);
    const url = site.url(`/account/feed/${secret}`);
    return noStore(reply).send(simplePage(site, 'Your private feed', `Add this address to your feed reader: ${url} — keep it to yourself; anyone with it can read the feed. Any earlier address no longer works.`, '/account'));
  };

  /** The private full-text feed (RSS): full text while the member pays, the lead-ins otherwise. */
  const privateFeed: Handler = async (req, reply) => {
    const { token } = req.params as { token: string };
    const member = await memberByFeedToken(db, token, now(), (await getPaywall(db)).grace_days);
    if (!member) throw new NotFoundError('There is no feed at this address. It may have been revoked; get a new one on your account page.');
    const site = await loadSite(deps);
    const items = await listPublishedFull(db, {}, 50);
    const body = renderFeed(site, 'xml', { title: `${site.publication.name} (full text for ${member.name || member.email})`, description: site.publication.description, path: '/', base: '/feed', items, viewer: { kind: 'member', personId: member.id, paid: member.paid } });
    return reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex').type(FEED_TYPES.xml).send(body);
  };

  const plans: Handler = async (req, reply) => {
    const site = await loadSite(deps);
    const list = (await listPlans(db, { activeOnly: true })).filter((p) => p.kind === 'stripe');
    const s = await session(req);
    const q = req.query as Record<string, unknown>;
    return reply
      .header('cache-control', 'private, no-cache')
      .type(HTML)
      .send(plansPage(site, list, { paymentsEnabled: paymentsEnabled(config), signedIn: !!s, paid: !!s?.member.paid, csrf: s?.csrf ?? null, chosen: str(q.plan) }));
  };

  /** A plan chosen on /subscribe: a Stripe Checkout session for this member, and off to Stripe. */
  const checkout: Handler = async (req, reply) => {
    checkSameOrigin(req, config.siteUrl);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const s = await session(req);
    if (!s) return reply.redirect('/account/register?next=' + encodeURIComponent('/subscribe?plan=' + str(body.plan).slice(0, 80)), 303);
    if (!csrfOk(s, body._csrf)) throw new ForbiddenError('This form had expired. Reload the page and try again.');
    const url = await startCheckout(deps, s.member, body.plan, body.interval || undefined);
    return reply.header('cache-control', 'no-store').redirect(url, 303);
  };

  /** Stripe's customer portal for this member (update card, change or cancel the plan, invoices). */
  const billing: Handler = async (req, reply) => {
    const s = await requireForm(req, reply);
    if (!s) return reply;
    const url = await startPortal(deps, s.member);
    return reply.header('cache-control', 'no-store').redirect(url, 303);
  };

  return {
    plans, checkout, billing, privateFeedToken, privateFeed, registerForm, register, signInForm, signIn, linkForm, useLink, account, saveName, changeEmail, emailConfirmForm, emailConfirm,
    saveNewsletters, signOut, signOutEverywhere, downloadData, deleteAccount,
  };
}
