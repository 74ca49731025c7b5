// Reader accounts. A reader account is the `people` row of the newsletter subscriber with that address
// (one person, one email), with `account_at` set once the address has been proven by a sign-in link.
// Accounts start and sessions begin only through one-time, signed, expiring links sent by mail;
// asking for one queues a job for any address alike, so no answer (nor its timing) says whether an
// address is known. Sessions: a random id in the `nd_member` cookie, its SHA-256 in member_sessions.
import crypto from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, UnauthorizedError, ValidationError } from '../platform/errors.ts';
import { escapeHtml } from '../platform/html.ts';
import { enqueue } from '../platform/jobs.ts';
import { signToken, verifyToken } from '../platform/tokens.ts';
import { sendTransactional } from '../mail/transactional.ts';
import { getPublication } from '../publication/settings.ts';
import { parseEmail, parseName, resolveNewsletters, setPreferences, subscriptionsOf } from '../newsletters/signup.ts';
import { deleteSubscriber } from '../newsletters/subscribers.ts';
import { countDaily } from './stats.ts';
import { paidSql } from './subscriptions.ts';
import { CONTENT_CHANNEL, MEMBERS_CHANNEL } from '../platform/channels.ts';
import { channelCache } from '../platform/channel-cache.ts';

export const MEMBER_COOKIE = 'nd_member';
export const MEMBER_SESSION_IDLE_MS = 30 * 86400_000;
export const MEMBER_SESSION_MAX_MS = 365 * 86400_000;

const SIGNIN_PURPOSE = 'member-signin';
const EMAIL_CHANGE_PURPOSE = 'member-email-change';
export const MEMBER_LINK_JOB = 'members.send_signin_link';
export const EMAIL_CHANGE_JOB = 'members.send_email_change';

export interface Member {
  id: number;
  email: string;
  name: string;
  account_at: Date | null;
  created_at: Date;
  stripe_customer_id: string | null;
  member_note: string;
  paid: boolean;
}

const MEMBER_COLUMNS = (now: string, grace: string) =>
  `p.id, p.email, p.name, p.account_at, p.created_at, p.stripe_customer_id, p.member_note, ${paidSql('p.id', now, grace)} AS paid`;

// ---------------------------------------------------------------------------------------------
// Sign-in links

interface LinkData {
  e: string; // normalised address
  n?: string; // name given at registration
  l?: string[]; // newsletters chosen at registration
  j: string; // single-use id
  [k: string]: unknown;
}

/** Ask for a sign-in (or registration) link. Only a job is queued, whatever the address. */
export async function requestMemberLink(db: Db, input: { email: unknown; name?: unknown; newsletters?: string[] }): Promise<void> {
  const { normalized } = parseEmail(input.email);
  const name = parseName(input.name);
  const newsletters = input.newsletters?.length ? (await resolveNewsletters(db, input.newsletters)).map((n) => n.slug) : [];
  await enqueue(db, MEMBER_LINK_JOB, { email: normalized, name, newsletters }, { dedupeKey: `${MEMBER_LINK_JOB}:${normalized}`, maxAttempts: 4 });
}

export function memberLinkToken(secret: string, data: Omit<LinkData, 'j'>, ttlSeconds: number, now: Date): string {
  return signToken(secret, SIGNIN_PURPOSE, { ...data, j: crypto.randomBytes(12).toString('base64url') }, { ttl: ttlSeconds, now });
}

const LINK_FAILED = 'This sign-in link has expired or has already been used. Ask for a new one below.';

/** Check a link without using it (the page with the button). */
export async function peekMemberLink(db: Db, secret: string, token: unknown, now: Date): Promise<LinkData> {
  const r = verifyToken<LinkData>(secret, SIGNIN_PURPOSE, token, now);
  if (!r.ok || typeof r.data.e !== 'string' || typeof r.data.j !== 'string') throw new UnauthorizedError(LINK_FAILED);
  if (await db.one(`SELECT 1 FROM member_tokens_used WHERE jti = $1`, [r.data.j])) throw new UnauthorizedError(LINK_FAILED);
  return r.data;
}

async function claimJti(db: Db, jti: string, exp: number, now: Date): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO member_tokens_used (jti, used_at, expires_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT (jti) DO NOTHING RETURNING jti`,
    [jti, now, exp],
  );
  return rows.length > 0;
}

/**
 * Use a link: once. The person with that address gets an account if they had none (a newsletter
 * subscriber, or the holder of an imported subscription, becomes a member at once); newsletters chosen
 * at registration are joined (the link proved the address, so they are confirmed).
 */
export async function consumeMemberLink(db: Db, secret: string, token: unknown, now: Date): Promise<{ personId: number; created: boolean }> {
  const data = await peekMemberLink(db, secret, token, now);
  const exp = (data as unknown as { exp: number }).exp;
  const result = await db.tx(async (tx) => {
    if (!(await claimJti(tx, data.j, exp, now))) throw new UnauthorizedError(LINK_FAILED);
    const row = await tx.one<{ id: number }>(
      `INSERT INTO people (email, email_normalized, name, account_at) VALUES ($1, $1, $2, $3)
       ON CONFLICT (email_normalized) DO UPDATE
         SET account_at = coalesce(people.account_at, EXCLUDED.account_at),
             name = CASE WHEN people.name = '' THEN EXCLUDED.name ELSE people.name END
       RETURNING id`,
      [data.e, typeof data.n === 'string' ? data.n : '', now],
    );
    const before = await tx.one<{ account_at: Date }>(`SELECT account_at FROM people WHERE id = $1`, [row!.id]);
    const newAccount = before!.account_at.getTime() === now.getTime();
    if (newAccount) await countDaily(tx, now, 'registered');
    return { personId: row!.id, created: newAccount };
  });
  if (Array.isArray(data.l) && data.l.length) {
    const current = (await subscriptionsOf(db, result.personId)).filter((s) => s.status === 'confirmed').map((s) => s.slug);
    await setPreferences(db, result.personId, [...new Set([...current, ...data.l])], now);
  }
  return result;
}

/** The job: mail the link. Known or not, the address gets one (using it creates the account). */
export async function sendMemberLinkJob(deps: Deps, payload: { email: string; name?: string; newsletters?: string[] }): Promise<void> {
  if (typeof payload.email !== 'string') return;
  const now = deps.clock.now();
  const person = await deps.db.one<{ email: string; name: string; account_at: Date | null; suppressed_at: Date | null }>(
    `SELECT email, name, account_at, suppressed_at FROM people WHERE email_normalized = $1`,
    [payload.email],
  );
  if (person?.suppressed_at) return; // never mail an address that bounced hard or complained
  const ttl = deps.config.members.linkTtlMinutes * 60;
  const token = memberLinkToken(deps.config.secretKey, { e: payload.email, n: payload.name ?? '', l: payload.newsletters ?? [] }, ttl, now);
  const link = `${deps.config.siteUrl}/account/signin/link?token=${encodeURIComponent(token)}`;
  const pub = await getPublication(deps.db, deps.config);
  const name = person?.name || payload.name || '';
  const subject = person?.account_at ? `Sign in to ${pub.name}` : `Finish creating your ${pub.name} account`;
  const text =
    `Hello${name ? ' ' + name : ''},\n\n` +
    (person?.account_at ? 'Use this link to sign in.' : 'Use this link to finish creating your account.') +
    ` It works once, for the next ${deps.config.members.linkTtlMinutes} minutes:\n\n${link}\n\nIf you did not ask for it, you can ignore this message.\n`;
  await sendMemberMail(deps, payload.email, subject, text);
}

async function sendMemberMail(deps: Deps, to: string, subject: string, text: string): Promise<void> {
  const htmlBody = escapeHtml(text)
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>').replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  // Without SMTP_URL: DATA_DIR/outbox like every other message to readers, so a reader of the
  // embedded default (the demo, a trial install) finds their link in the newsroom's outbox viewer.
  // Editors who can open that viewer could use such a link; a site with real readers sets SMTP_URL,
  // and then nothing is written anywhere. See docs/decisions/0052-reader-mail-without-smtp.md.
  await sendTransactional(deps.config, { to, subject, text, html: htmlBody, outbox: 'outbox' }, deps.clock.now());
}

// ---------------------------------------------------------------------------------------------
// Sessions

export function hashId(id: string): string {
  return crypto.createHash('sha256').update(id).digest('base64url');
}

export async function createMemberSession(db: Db, personId: number, now: Date): Promise<{ id: string; csrf: string }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const csrf = crypto.randomBytes(24).toString('base64url');
  await db.query(
    `INSERT INTO member_sessions (id_hash, person_id, csrf_secret, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)`,
    [hashId(id), personId, csrf, now, new Date(now.getTime() + MEMBER_SESSION_IDLE_MS)],
  );
  await db.query(`DELETE FROM member_sessions WHERE expires_at < $1`, [now]);
  await db.query(`DELETE FROM member_tokens_used WHERE expires_at < $1`, [now]);
  return { id, csrf };
}

export interface MemberSession {
  member: Member;
  csrf: string;
  idHash: string;
  /** When the session ends unless used (ms since the epoch). */
  expiresAt: number;
}

/** The live session for a cookie value, with the member and whether they pay (one query). */
// Sessions are looked up on every page a signed-in reader opens: each is kept in this process for a few
// seconds (SESSION_CACHE_MS). Ending sessions, renaming, changing the address or deleting the account
// announces itself on MEMBERS_CHANNEL and subscription changes on CONTENT_CHANNEL: every process
// (this one at once, others through PostgreSQL NOTIFY) drops what it kept. Only if a notification is
// lost (another process's listener reconnecting) does a kept session outlive its end, by 5 s at most.
export const SESSION_CACHE_MS = 5000;
// (Subscriptions that change, through Stripe, imports or complimentary access, are content changes:
// what was kept of whether a reader pays is dropped too.) Nothing is kept while the listen has not
// succeeded (src/platform/channel-cache.ts).
const sessionCache = channelCache<string, MemberSession | null>({ channels: [CONTENT_CHANNEL, MEMBERS_CHANNEL], ttlMs: SESSION_CACHE_MS, maxEntries: 10_000 });
/** Forget what this process keeps of sessions (after a change to a person: all of them, it is cheap). */
export function forgetMemberSessions(db: Db, _personId?: number): void {
  sessionCache.of(db).clear();
}

/** Forget kept sessions here and tell every other process to (a person's sessions or account changed). */
async function announceMemberChange(db: Db, personId: number): Promise<void> {
  forgetMemberSessions(db, personId);
  await db.notify(MEMBERS_CHANNEL, String(personId));
}

export async function loadMemberSession(db: Db, id: string | undefined, now: Date, graceDays: number): Promise<MemberSession | null> {
  if (!id || id.length > 100) return null;
  const idHash = hashId(id);
  const cache = sessionCache.of(db);
  const key = `${idHash}|${graceDays}`;
  // One look-up at a time per session: concurrent requests share it.
  const s = await cache.get(key, () => loadMemberSessionFromDb(db, idHash, now, graceDays));
  if (!s || now.getTime() < s.expiresAt) return s;
  // Kept, but it has ended since (by the request's clock): looked up again.
  cache.delete(key);
  return cache.get(key, () => loadMemberSessionFromDb(db, idHash, now, graceDays));
}

async function loadMemberSessionFromDb(db: Db, idHash: string, now: Date, graceDays: number): Promise<MemberSession | null> {
  const row = await db.one<Member & { csrf_secret: string; expires_at: Date; last_seen_at: Date; session_created_at: Date }>(
    `SELECT ${MEMBER_COLUMNS('$2', '$3')}, s.csrf_secret, s.expires_at, s.last_seen_at, s.created_at AS session_created_at
       FROM member_sessions s JOIN people p ON p.id = s.person_id
      WHERE s.id_hash = $1 AND p.account_at IS NOT NULL`,
    [idHash, now, graceDays],
  );
  if (!row || row.expires_at.getTime() <= now.getTime()) return null;
  if (now.getTime() - row.last_seen_at.getTime() > 3600_000) {
    const expiresAt = new Date(Math.min(now.getTime() + MEMBER_SESSION_IDLE_MS, row.session_created_at.getTime() + MEMBER_SESSION_MAX_MS));
    await db.query(`UPDATE member_sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1`, [idHash, now, expiresAt]);
  }
  const { csrf_secret, expires_at, last_seen_at: _l, session_created_at: _c, ...member } = row;
  return { member, csrf: csrf_secret, idHash, expiresAt: expires_at.getTime() };
}

export async function endMemberSession(db: Db, idHash: string): Promise<void> {
  const rows = await db.query<{ person_id: number }>(`DELETE FROM member_sessions WHERE id_hash = $1 RETURNING person_id`, [idHash]);
  await announceMemberChange(db, rows[0]?.person_id ?? 0);
}

/** Sign out everywhere: every session of this person ends. */
export async function endAllMemberSessions(db: Db, personId: number): Promise<number> {
  const rows = await db.query(`DELETE FROM member_sessions WHERE person_id = $1 RETURNING 1`, [personId]);
  await announceMemberChange(db, personId);
  return rows.length;
}

export function csrfOk(session: MemberSession, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// The account's own changes

export async function getMember(db: Db, personId: number, now: Date, graceDays: number): Promise<Member | undefined> {
  return db.one<Member>(`SELECT ${MEMBER_COLUMNS('$2', '$3')} FROM people p WHERE p.id = $1`, [personId, now, graceDays]);
}

export async function renameMember(db: Db, personId: number, name: unknown): Promise<void> {
  await db.query(`UPDATE people SET name = $2 WHERE id = $1`, [personId, parseName(name)]);
  await announceMemberChange(db, personId);
}

/** Ask to change the address: a confirmation link goes to the new one; nothing changes until it is used. */
export async function requestEmailChange(deps: Deps, personId: number, newEmail: unknown): Promise<string> {
  const { normalized } = parseEmail(newEmail);
  await enqueue(deps.db, EMAIL_CHANGE_JOB, { personId, email: normalized }, { dedupeKey: `${EMAIL_CHANGE_JOB}:${personId}`, maxAttempts: 4 });
  return normalized;
}

export async function sendEmailChangeJob(deps: Deps, payload: { personId: number; email: string }): Promise<void> {
  const now = deps.clock.now();
  const person = await deps.db.one<{ name: string }>(`SELECT name FROM people WHERE id = $1 AND account_at IS NOT NULL`, [payload.personId]);
  if (!person) return;
  const ttl = deps.config.members.linkTtlMinutes * 60 * 4;
  const token = signToken(deps.config.secretKey, EMAIL_CHANGE_PURPOSE, { p: payload.personId, e: payload.email, j: crypto.randomBytes(12).toString('base64url') }, { ttl, now });
  const pub = await getPublication(deps.db, deps.config);
  const link = `${deps.config.siteUrl}/account/email/confirm?token=${encodeURIComponent(token)}`;
  await sendMemberMail(
    deps,
    payload.email,
    `Confirm your new address for ${pub.name}`,
    `Hello${person.name ? ' ' + person.name : ''},\n\nSomeone (we hope you) asked to use this address for a ${pub.name} account. Confirm it with this link, within ${ttl / 60} minutes:\n\n${link}\n\nIf you did not ask for it, ignore this message and nothing changes.\n`,
  );
}

const EMAIL_LINK_FAILED = 'This confirmation link has expired or has already been used.';

export function peekEmailChange(secret: string, token: unknown, now: Date): { personId: number; email: string } {
  const r = verifyToken<{ p: number; e: string; j: string }>(secret, EMAIL_CHANGE_PURPOSE, token, now);
  if (!r.ok || typeof r.data.p !== 'number' || typeof r.data.e !== 'string') throw new UnauthorizedError(EMAIL_LINK_FAILED);
  return { personId: r.data.p, email: r.data.e };
}

export async function confirmEmailChange(db: Db, secret: string, token: unknown, now: Date): Promise<{ personId: number; email: string }> {
  const r = verifyToken<{ p: number; e: string; j: string; exp: number }>(secret, EMAIL_CHANGE_PURPOSE, token, now);
  if (!r.ok || typeof r.data.j !== 'string') throw new UnauthorizedError(EMAIL_LINK_FAILED);
  return db.tx(async (tx) => {
    if (!(await claimJti(tx, r.data.j, r.data.exp, now))) throw new UnauthorizedError(EMAIL_LINK_FAILED);
    const taken = await tx.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [r.data.e]);
    if (taken && taken.id !== r.data.p) throw new ConflictError('That address already belongs to another account or subscription, so it cannot be moved to this one.');
    const rows = await tx.query(`UPDATE people SET email = $2, email_normalized = $2 WHERE id = $1 AND account_at IS NOT NULL RETURNING id`, [r.data.p, r.data.e]);
    if (!rows.length) throw new UnauthorizedError(EMAIL_LINK_FAILED);
    forgetMemberSessions(db, r.data.p);
    await tx.notify(MEMBERS_CHANNEL, String(r.data.p));
    return { personId: r.data.p, email: r.data.e };
  });
}

/** Everything kept about a person, as one JSON document (the account's "download my data"). */
export async function exportMemberData(db: Db, personId: number): Promise<Record<string, unknown>> {
  const person = await db.one(`SELECT id, email, name, created_at, account_at, stripe_customer_id FROM people WHERE id = $1`, [personId]);
  if (!person) throw new ValidationError('There is no such account.');
  const [newsletters, subscriptions, reads, sessions] = await Promise.all([
    db.query(
      `SELECT n.slug, n.name, s.status, s.source, s.consent_at, s.confirmed_at, s.unsubscribed_at, s.created_at
         FROM subscriptions s JOIN newsletters n ON n.id = s.newsletter_id WHERE s.person_id = $1 ORDER BY n.position, n.id`,
      [personId],
    ),
    db.query(
      `SELECT pl.slug AS plan, pl.name AS plan_name, ms.status, ms.expires_at, ms.source, ms.external_id, ms.created_at, ms.updated_at
         FROM member_subscriptions ms LEFT JOIN plans pl ON pl.id = ms.plan_id WHERE ms.person_id = $1 ORDER BY ms.id`,
      [personId],
    ),
    db.query(
      `SELECT r.period, a.slug AS article, r.read_at FROM member_reads r LEFT JOIN articles a ON a.id = r.article_id
        WHERE r.person_id = $1 ORDER BY r.read_at`,
      [personId],
    ),
    db.query(`SELECT created_at, last_seen_at, expires_at FROM member_sessions WHERE person_id = $1 ORDER BY created_at`, [personId]),
  ]);
  return { person, newsletters, subscriptions, reads, sessions };
}

/**
 * Delete an account: the person and everything personal (sessions, reads, subscriptions of both
 * kinds, deliveries, bounce records) go; the daily aggregate counts stay.
 */
export async function deleteMember(db: Db, personId: number, now: Date): Promise<void> {
  const p = await db.one<{ email: string; stripe_customer_id: string | null }>(`SELECT email, stripe_customer_id FROM people WHERE id = $1`, [personId]);
  if (!p) return;
  await countDaily(db, now, 'deleted');
  // Stripe's events carry the customer's address: they go with the account.
  if (p.stripe_customer_id) {
    await db.query(`DELETE FROM stripe_events WHERE customer_id = $1`, [p.stripe_customer_id]);
    // Stripe keeps sending this customer's events (the cancellation, a last invoice): they are
    // recorded without their payload from now on (receiveStripeWebhook).
    await db.query(`INSERT INTO stripe_forgotten_customers (customer_hash, forgotten_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [hashId(p.stripe_customer_id), now]);
  }
  await deleteSubscriber(db, p.email);
  await announceMemberChange(db, personId);
}

// ---------------------------------------------------------------------------------------------
// The private full-text feed: a secret URL shown on /account, revocable (a new one revokes the old).

/** Issue a new secret (the old URL stops working); returns the secret for the URL. */
export async function issueFeedToken(db: Db, personId: number): Promise<string> {
  const secret = crypto.randomBytes(24).toString('base64url');
  await db.query(`UPDATE people SET feed_token_hash = $2 WHERE id = $1`, [personId, hashId(secret)]);
  return secret;
}

export async function revokeFeedToken(db: Db, personId: number): Promise<void> {
  await db.query(`UPDATE people SET feed_token_hash = NULL WHERE id = $1`, [personId]);
}

export async function hasFeedToken(db: Db, personId: number): Promise<boolean> {
  return !!(await db.one(`SELECT 1 FROM people WHERE id = $1 AND feed_token_hash IS NOT NULL`, [personId]));
}

/** The member a feed secret belongs to (with whether they pay now), or undefined. */
export async function memberByFeedToken(db: Db, secret: string, now: Date, graceDays: number): Promise<Member | undefined> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(secret)) return undefined;
  return db.one<Member>(`SELECT ${MEMBER_COLUMNS('$2', '$3')} FROM people p WHERE p.feed_token_hash = $1 AND p.account_at IS NOT NULL`, [hashId(secret), now, graceDays]);
}
