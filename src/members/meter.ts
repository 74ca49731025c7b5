// Who is reading, and the meter of an article page. The web surface calls `viewArticle` for every
// article page; it applies THE access rule (decideAccess) with this viewer's meter and counts the view
// where the rule says so: in the signed cookie for anonymous readers (nothing written to the database),
// in member_reads for registered readers (one row, the first time in a period).
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { loadSession, SESSION_COOKIE } from '../staff/sessions.ts';
import { getPublication } from '../publication/settings.ts';
import { decideAccess, type AccessDecision, type AccessLevel, type GatedArticle, type Viewer } from './access.ts';
import { loadMemberSession, MEMBER_COOKIE, type MemberSession } from './accounts.ts';
import { cookieValue, getPaywall, isMeterExempt, METER_COOKIE, meterPeriod, meterSetCookie, readMeterCookie, writeMeterCookie, type PaywallSettings } from './paywall.ts';

export interface ReaderContext {
  viewer: Viewer;
  member: MemberSession | null;
}

/** The viewer a request's cookies name: staff (newsroom session), a member (reader session), or anonymous. */
export async function resolveReader(deps: Pick<Deps, 'db' | 'clock'>, cookieHeader: string | undefined, paywall?: PaywallSettings): Promise<ReaderContext> {
  const now = deps.clock.now();
  const staffId = cookieValue(cookieHeader, SESSION_COOKIE);
  if (staffId) {
    const s = await loadSession(deps.db, staffId, now);
    if (s) return { viewer: { kind: 'staff' }, member: null };
  }
  const memberId = cookieValue(cookieHeader, MEMBER_COOKIE);
  if (memberId) {
    const grace = (paywall ?? (await getPaywall(deps.db))).grace_days;
    const m = await loadMemberSession(deps.db, memberId, now, grace);
    if (m) return { viewer: { kind: 'member', personId: m.member.id, paid: m.member.paid }, member: m };
  }
  return { viewer: { kind: 'anonymous' }, member: null };
}

export interface ArticleForMeter {
  id: number;
  access: AccessLevel;
  format: { slug: string } | null;
  section: { slug: string } | null;
  tags?: Array<{ slug: string }>;
}

export interface ArticleView {
  decision: AccessDecision;
  /** The meter cookie to set (anonymous readers whose meter changed). */
  setCookie: string | null;
  period: string;
  limit: number;
  used: number;
}

/** Apply the rule to an article page view and count it if it must be counted. */
export async function viewArticle(deps: Pick<Deps, 'db' | 'clock' | 'config'>, reader: ReaderContext, article: ArticleForMeter, cookieHeader: string | undefined, opts: { paywall?: PaywallSettings; timeZone?: string } = {}): Promise<ArticleView> {
  const now = deps.clock.now();
  const paywall = opts.paywall ?? (await getPaywall(deps.db));
  const tz = opts.timeZone ?? (await getPublication(deps.db, deps.config)).timeZone;
  const period = meterPeriod(now, tz, paywall.period);
  const gated = { id: article.id, access: article.access, meterExempt: isMeterExempt(paywall, article) };
  const v = reader.viewer;
  const needsMeter = article.access === 'metered' && paywall.meter_enabled && !gated.meterExempt && v.kind !== 'staff' && !(v.kind === 'member' && v.paid);
  if (!needsMeter) return { decision: decideAccess(gated, v, 'page'), setCookie: null, period, limit: 0, used: 0 };
  if (v.kind === 'member') return { ...(await viewAsMember(deps, v, gated, paywall, period, now)), setCookie: null, period };
  const counted = readMeterCookie(deps.config.secretKey, cookieValue(cookieHeader, METER_COOKIE), period, now);
  const meter = { enabled: true, limit: paywall.anonymous_limit, counted };
  const decision = decideAccess(gated, v, 'page', meter);
  const setCookie = decision.count
    ? meterSetCookie(writeMeterCookie(deps.config.secretKey, period, [...counted, article.id], now), deps.config.siteUrl.startsWith('https:'))
    : null;
  return { decision, setCookie, period, limit: meter.limit, used: counted.length + (decision.count ? 1 : 0) };
}

/**
 * A registered reader's view of a metered article (the meter applies to them): THE access rule with
 * their counted articles for the period (kept briefly in memory), and the view counted, one
 * member_reads row, the first time in the period.
 */
export async function viewAsMember(
  deps: Pick<Deps, 'db'>, viewer: Extract<Viewer, { kind: 'member' }>, gated: GatedArticle, paywall: PaywallSettings, period: string, now: Date,
): Promise<{ decision: AccessDecision; limit: number; used: number }> {
  const counted = await memberCounted(deps.db, viewer.personId, period);
  const meter = { enabled: true, limit: paywall.member_limit, counted };
  const decision = decideAccess(gated, viewer, 'page', meter);
  if (decision.count) {
    await deps.db.query(`INSERT INTO member_reads (person_id, period, article_id, read_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [viewer.personId, period, gated.id, now]);
    noteCounted(deps.db, viewer.personId, period, gated.id);
  }
  return { decision, limit: meter.limit, used: counted.length + (decision.count ? 1 : 0) };
}

// A registered reader's counted articles, looked up on every metered page they open: kept in this
// process for a few seconds (and added to as this process counts). Another process's count shows
// within that time; the row itself is written once either way (ON CONFLICT DO NOTHING).
const COUNTED_CACHE_MS = 5000;
const countedCache = new WeakMap<Db, Map<string, { at: number; ids: Promise<number[]> }>>();

export async function memberCounted(db: Db, personId: number, period: string): Promise<number[]> {
  let m = countedCache.get(db);
  if (!m) countedCache.set(db, (m = new Map()));
  const key = `${personId}|${period}`;
  const hit = m.get(key);
  if (hit && Date.now() - hit.at < COUNTED_CACHE_MS) return [...(await hit.ids)];
  const ids = db.query<{ article_id: number }>(`SELECT article_id FROM member_reads WHERE person_id = $1 AND period = $2`, [personId, period]).then((rows) => rows.map((r) => r.article_id));
  if (m.size > 10_000) m.clear();
  const entry = { at: Date.now(), ids };
  m.set(key, entry);
  ids.catch(() => m!.get(key) === entry && m!.delete(key));
  return [...(await ids)];
}

function noteCounted(db: Db, personId: number, period: string, articleId: number): void {
  const hit = countedCache.get(db)?.get(`${personId}|${period}`);
  if (hit) hit.ids = hit.ids.then((ids) => (ids.includes(articleId) ? ids : [...ids, articleId]));
}

/** Forget a person's kept counts (their reads changed another way: carried over, deleted). */
export function forgetCounted(db: Db): void {
  countedCache.get(db)?.clear();
}

/** At sign-in, the anonymous reader's already-counted articles carry over to the account's meter. */
export async function carryOverMeter(deps: Pick<Deps, 'db' | 'clock' | 'config'>, personId: number, cookieHeader: string | undefined): Promise<void> {
  const now = deps.clock.now();
  const paywall = await getPaywall(deps.db);
  const tz = (await getPublication(deps.db, deps.config)).timeZone;
  const period = meterPeriod(now, tz, paywall.period);
  const ids = readMeterCookie(deps.config.secretKey, cookieValue(cookieHeader, METER_COOKIE), period, now);
  if (!ids.length) return;
  await deps.db.query(
    `INSERT INTO member_reads (person_id, period, article_id, read_at)
     SELECT $1, $2, a.id, $4 FROM articles a WHERE a.id = ANY($3::int[]) ON CONFLICT DO NOTHING`,
    [personId, period, ids, now],
  );
  forgetCounted(deps.db);
}

/** This period's free-article count for the account page. */
export async function memberMeterSummary(deps: Pick<Deps, 'db' | 'clock' | 'config'>, personId: number): Promise<{ used: number; limit: number; period: 'month' | 'week'; enabled: boolean }> {
  const paywall = await getPaywall(deps.db);
  const tz = (await getPublication(deps.db, deps.config)).timeZone;
  const used = (await memberCounted(deps.db, personId, meterPeriod(deps.clock.now(), tz, paywall.period))).length;
  return { used, limit: paywall.member_limit, period: paywall.period, enabled: paywall.meter_enabled };
}
