// The links and addresses that go into every newsletter and verification email: signed unsubscribe
// and preference links (src/platform/tokens.ts, purposes 'unsubscribe' and 'preferences'), the mailto
// List-Unsubscribe address, and VERP return paths that name the delivery a bounce belongs to.
//
// The mailto: List-Unsubscribe and the VERP return path both go to the bounce mailbox
// `bounces@<domain of MAIL_FROM>` (with a +tag). That mailbox must be delivered to
// `newsdesk bounces process` (a pipe in the MTA's aliases, or a fetch of the mailbox into a folder
// that the command reads); it handles DSNs and "unsubscribe" mails alike (src/newsletters/bounces.ts).
import crypto from 'node:crypto';
import { signToken, verifyToken } from '../platform/tokens.ts';

const DAY = 86_400;
/** Unsubscribe links must keep working in old emails for a long while (a year and a month). */
export const UNSUBSCRIBE_TTL = 400 * DAY;
export const PREFERENCES_TTL = 400 * DAY;

export function unsubscribeToken(secret: string, personId: number, newsletterId: number, now?: Date): string {
  return signToken(secret, 'unsubscribe', { p: personId, n: newsletterId }, { ttl: UNSUBSCRIBE_TTL, now });
}

export function verifyUnsubscribeToken(secret: string, token: unknown, now?: Date) {
  const r = verifyToken<{ p: number; n: number }>(secret, 'unsubscribe', token, now);
  if (!r.ok) return r;
  if (!Number.isSafeInteger(r.data.p) || !Number.isSafeInteger(r.data.n)) return { ok: false as const, reason: 'malformed' as const };
  return { ok: true as const, data: { personId: r.data.p, newsletterId: r.data.n } };
}

/** The https List-Unsubscribe URL: also the RFC 8058 one-click target (POST List-Unsubscribe=One-Click). */
export function unsubscribeUrl(siteUrl: string, token: string): string {
  return `${siteUrl}/newsletters/unsubscribe?t=${token}`;
}

export function preferencesToken(secret: string, personId: number, now?: Date): string {
  return signToken(secret, 'preferences', { p: personId }, { ttl: PREFERENCES_TTL, now });
}

/**
 * A preferences token, or an unsubscribe token. Newsletter emails link both pages with the one
 * unsubscribe token (one HMAC per recipient less matters at a hundred thousand recipients), so that
 * token now opens the preferences page too. It grants no more than the message already did: the
 * preferences link sits in the same message as the unsubscribe link and the List-Unsubscribe header,
 * so whoever holds one (a mail provider doing one-click, someone the message was forwarded to) holds
 * the other.
 */
export function verifyPreferencesToken(secret: string, token: unknown, now?: Date) {
  let r = verifyToken<{ p: number }>(secret, 'preferences', token, now);
  if (!r.ok && r.reason === 'bad_signature') r = verifyToken<{ p: number }>(secret, 'unsubscribe', token, now);
  if (!r.ok) return r;
  if (!Number.isSafeInteger(r.data.p)) return { ok: false as const, reason: 'malformed' as const };
  return { ok: true as const, data: { personId: r.data.p } };
}

export function preferencesUrl(siteUrl: string, token: string): string {
  return `${siteUrl}/newsletters/preferences?t=${token}`;
}

/** The bare address inside a From value: "The Ledger <news@example.com>" -> news@example.com. */
export function bareAddress(mailFrom: string): string {
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(mailFrom);
  return (m ? m[1]! : mailFrom.trim()).replace(/^<|>$/g, '');
}

export function mailDomain(mailFrom: string): string {
  const addr = bareAddress(mailFrom);
  const at = addr.lastIndexOf('@');
  if (at < 1) throw new Error(`not an email address: ${JSON.stringify(mailFrom)}`);
  return addr.slice(at + 1).toLowerCase();
}

function verpMac(deliveryId: number, secret: string | crypto.KeyObject): string {
  return crypto.createHmac('sha256', secret).update(`verp\0${deliveryId}`).digest('hex').slice(0, 10);
}

/** verpAddress for many deliveries of one sender: the domain and the key prepared once. */
export function verpAddresser(mailFrom: string, secret: string): (deliveryId: number) => string {
  const domain = mailDomain(mailFrom);
  const key = crypto.createSecretKey(Buffer.from(secret, 'utf8'));
  return (deliveryId) => {
    if (!Number.isSafeInteger(deliveryId) || deliveryId < 0) throw new Error(`bad delivery id ${deliveryId}`);
    return `bounces+${deliveryId}-${verpMac(deliveryId, key)}@${domain}`;
  };
}

/**
 * VERP return path for one delivery: bounces+<deliveryId>-<hmac>@<domain of MAIL_FROM>. The short
 * HMAC stops anyone forging bounces for deliveries they did not receive. Lower-case hex only, so
 * MTAs that fold the case of local parts do no harm.
 */
export function verpAddress(mailFrom: string, deliveryId: number, secret: string): string {
  return verpAddresser(mailFrom, secret)(deliveryId);
}

/** The delivery a VERP address names, if it is one of ours with a valid signature. */
export function parseVerp(address: string, secret: string): { deliveryId: number } | null {
  const m = /^<?bounces\+(\d{1,15})-([0-9a-f]{10})@[^@\s>]+>?$/i.exec(address.trim());
  if (!m) return null;
  const deliveryId = Number(m[1]);
  const given = Buffer.from(m[2]!.toLowerCase());
  const expected = Buffer.from(verpMac(deliveryId, secret));
  return crypto.timingSafeEqual(given, expected) ? { deliveryId } : null;
}

/** The bounce mailbox's address for unsubscribe requests by email. */
export function unsubscribeMailbox(mailFrom: string): string {
  return `bounces+unsubscribe@${mailDomain(mailFrom)}`;
}

/**
 * The mailto: List-Unsubscribe. The token goes in the subject (a local part is limited to 64
 * characters); `newsdesk bounces process` finds it there and unsubscribes (parseUnsubscribeSubject).
 */
export function unsubscribeMailto(mailFrom: string, token: string): string {
  return unsubscribeMailtoPrefix(mailFrom) + encodeURIComponent(token);
}

/** unsubscribeMailto without its token, for senders that append many (tokens are base64url: no escaping). */
export function unsubscribeMailtoPrefix(mailFrom: string): string {
  return `mailto:${unsubscribeMailbox(mailFrom)}?subject=unsubscribe%20`;
}

/** The token in the subject of a mail sent through unsubscribeMailto ("Re:" and the like tolerated). */
export function parseUnsubscribeSubject(subject: string): string | null {
  const m = /\bunsubscribe\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/i.exec(subject);
  return m ? m[1]! : null;
}

/** MAIL_FROM, or "<publication name> <newsletters@<host of SITE_URL>>" when it is not set. */
export function effectiveMailFrom(config: { mailFrom: string; siteUrl: string; publicationName: string }): string {
  if (config.mailFrom) return config.mailFrom;
  const host = new URL(config.siteUrl).hostname;
  const domain = /^[\d.]+$/.test(host) || host.includes(':') ? 'localhost' : host.replace(/^www\./, '');
  const name = config.publicationName.replace(/["<>\\]/g, '');
  return `"${name}" <newsletters@${domain}>`;
}
