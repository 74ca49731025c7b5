// Signing in: magic links (signed, expiring, single use) and passwords, with attempt limits per IP
// address and per email address. Nothing here ever tells a caller whether an address has an account.
import crypto from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { signToken, verifyToken } from '../platform/tokens.ts';
import { UnauthorizedError } from '../platform/errors.ts';
import { enqueue } from '../platform/jobs.ts';
import { WindowLimiter } from '../platform/rate-limit.ts';
import { findStaffByEmail, getStaff, normalizeEmail, type Staff } from './staff.ts';
import { sendStaffMail } from './mail.ts';

const PURPOSE = 'staff-signin';
/** A link asked for on the sign-in page. */
export const EMAILED_LINK_TTL = 20 * 60;
/** A link printed by `newsdesk staff create` or sent with an invitation. */
export const INVITE_LINK_TTL = 3 * 86400;

export function signInToken(secret: string, staffId: number, ttl: number, now: Date): string {
  return signToken(secret, PURPOSE, { sid: staffId, jti: crypto.randomBytes(12).toString('base64url') }, { ttl, now });
}

export function signInUrl(siteUrl: string, token: string): string {
  return `${siteUrl}/admin/signin/link?token=${encodeURIComponent(token)}`;
}

export function signInLink(deps: Deps, staffId: number, ttl: number): string {
  return signInUrl(deps.config.siteUrl, signInToken(deps.config.secretKey, staffId, ttl, deps.clock.now()));
}

const LINK_FAILED = 'This sign-in link has expired or has already been used. Ask for a new one below.';

/** Check a link's token without using it up (the confirmation page). */
export async function peekSignInToken(db: Db, secret: string, token: unknown, now: Date): Promise<Staff> {
  const r = verifyToken<{ sid: number; jti: string }>(secret, PURPOSE, token, now);
  if (!r.ok || typeof r.data.sid !== 'number' || typeof r.data.jti !== 'string') throw new UnauthorizedError(LINK_FAILED);
  if (await db.one(`SELECT 1 FROM staff_signin_tokens_used WHERE jti = $1`, [r.data.jti])) throw new UnauthorizedError(LINK_FAILED);
  const staff = await getStaff(db, r.data.sid);
  if (!staff || staff.disabled_at) throw new UnauthorizedError(LINK_FAILED);
  return staff;
}

/** Use a link: valid, unexpired, never used before, for an enabled account. Marks it used. */
export async function consumeSignInToken(db: Db, secret: string, token: unknown, now: Date): Promise<Staff> {
  const staff = await peekSignInToken(db, secret, token, now);
  const r = verifyToken<{ sid: number; jti: string; exp: number }>(secret, PURPOSE, token, now);
  if (!r.ok) throw new UnauthorizedError(LINK_FAILED);
  const claimed = await db.query(
    `INSERT INTO staff_signin_tokens_used (jti, staff_id, used_at, expires_at) VALUES ($1, $2, $3, to_timestamp($4))
     ON CONFLICT (jti) DO NOTHING RETURNING jti`,
    [r.data.jti, staff.id, now, r.data.exp],
  );
  if (!claimed.length) throw new UnauthorizedError(LINK_FAILED);
  return staff;
}

export const SIGNIN_LINK_JOB = 'staff.send_signin_link';

/**
 * Someone asked for a sign-in link for this address. Whatever the address, the same work happens
 * here: one job is queued (at most one queued per address), and nothing else, so neither the answer
 * nor its timing tells whether the address has an account. The job decides (sendSignInLinkJob).
 */
export async function requestSignInLink(deps: Pick<Deps, 'db'>, email: string): Promise<void> {
  const key = normalizeEmail(email).slice(0, 254);
  // Nothing with control characters or broken UTF-16 can be an account's address (nor be stored as JSON).
  if (!key || /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(key)) return;
  await enqueue(deps.db, SIGNIN_LINK_JOB, { email: key }, { dedupeKey: `${SIGNIN_LINK_JOB}:${key}`, maxAttempts: 4 });
}

/** The job: email a sign-in link if the address belongs to an enabled account; silently nothing otherwise. */
export async function sendSignInLinkJob(deps: Deps, payload: { email: string }): Promise<void> {
  const staff = typeof payload.email === 'string' ? await findStaffByEmail(deps.db, payload.email) : null;
  if (!staff || staff.disabled_at) return;
  const link = signInLink(deps, staff.id, EMAILED_LINK_TTL);
  await sendStaffMail(deps, {
    to: staff.email,
    subject: `Sign in to ${deps.config.publicationName}`,
    text: `Hello${staff.name ? ' ' + staff.name : ''},\n\nUse this link to sign in to the newsroom. It works once, for the next ${EMAILED_LINK_TTL / 60} minutes:\n\n${link}\n\nIf you did not ask for it, you can ignore this message.\n`,
  });
}

export async function sendInvitation(deps: Deps, staff: Staff, invitedBy: string): Promise<void> {
  const link = signInLink(deps, staff.id, INVITE_LINK_TTL);
  await sendStaffMail(deps, {
    to: staff.email,
    subject: `You have been invited to the ${deps.config.publicationName} newsroom`,
    text: `Hello${staff.name ? ' ' + staff.name : ''},\n\n${invitedBy} has given you a ${staff.role} account in the ${deps.config.publicationName} newsroom. Sign in with this link (it works once, within ${INVITE_LINK_TTL / 86400} days):\n\n${link}\n\nAfterwards you can ask for a new link on the sign-in page at any time, or set a password.\n`,
  });
}

/**
 * Limits on sign-in attempts, per 15 minutes. Per source address (all attempts, password tries and
 * link requests together) and per source and staff address together: whoever tries an address from
 * one place locks only themselves out, not the person whose address it is (issue 9: six requests
 * from anyone used to lock a staff member out, renewably). Across all sources, wrong passwords for
 * one address are limited too, but the right password still gets through, and so do sign-in links.
 */
export function signInLimiters() {
  return {
    perIp: new WindowLimiter(20, 15 * 60_000),
    perSourceAndAddress: new WindowLimiter(6, 15 * 60_000),
    wrongPerAddress: new WindowLimiter(30, 15 * 60_000),
  };
}

export function addressKey(email: unknown): string {
  return typeof email === 'string' ? normalizeEmail(email).slice(0, 254) : '';
}
