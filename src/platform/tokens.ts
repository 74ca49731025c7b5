// Signed, expiring tokens for links in emails and forms (verification, unsubscribe, preferences,
// magic sign-in links). HMAC-SHA256 with the instance's SECRET_KEY; every token names its purpose, so
// a token made for one thing is useless for another, and carries its expiry.
import crypto from 'node:crypto';

export type TokenPurpose = string;

export interface TokenOptions {
  /** Lifetime in seconds. */
  ttl: number;
  now?: Date;
}

function mac(secret: string, purpose: string, body: string): string {
  return crypto.createHmac('sha256', secret).update(purpose).update('\0').update(body).digest('base64url');
}

/** A compact token: base64url(JSON{...data, exp}).signature */
export function signToken(secret: string, purpose: TokenPurpose, data: Record<string, unknown>, opts: TokenOptions): string {
  const now = (opts.now ?? new Date()).getTime();
  const body = Buffer.from(JSON.stringify({ ...data, exp: Math.floor(now / 1000) + opts.ttl })).toString('base64url');
  return `${body}.${mac(secret, purpose, body)}`;
}

export type TokenResult<T> = { ok: true; data: T } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyToken<T extends Record<string, unknown>>(secret: string, purpose: TokenPurpose, token: unknown, now: Date = new Date()): TokenResult<T> {
  if (typeof token !== 'string' || token.length > 4096) return { ok: false, reason: 'malformed' };
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return { ok: false, reason: 'malformed' };
  const body = token.slice(0, dot);
  const sig = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(secret, purpose, body));
  if (sig.length !== expected.length || !crypto.timingSafeEqual(sig, expected)) return { ok: false, reason: 'bad_signature' };
  let data: any;
  try {
    data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof data?.exp !== 'number') return { ok: false, reason: 'malformed' };
  if (data.exp * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, data };
}
