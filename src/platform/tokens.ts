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

// HMAC-SHA256 (RFC 2104) built from two one-shot hashes over the key's precomputed pads: the same
// bytes as crypto.createHmac, at about half its cost (tokens are checked and made on every metered view).
const BLOCK = 64;
const pads = new Map<string, { inner: Buffer; outer: Buffer }>();

function padsOf(secret: string) {
  let p = pads.get(secret);
  if (!p) {
    let key = Buffer.from(secret, 'utf8');
    if (key.length > BLOCK) key = crypto.createHash('sha256').update(key).digest();
    const inner = Buffer.alloc(BLOCK, 0x36);
    const outer = Buffer.alloc(BLOCK, 0x5c);
    for (let i = 0; i < key.length; i++) {
      inner[i]! ^= key[i]!;
      outer[i]! ^= key[i]!;
    }
    if (pads.size > 16) pads.clear();
    pads.set(secret, (p = { inner, outer }));
  }
  return p;
}

function mac(secret: string, purpose: string, body: string): string {
  const { inner, outer } = padsOf(secret);
  const msg = Buffer.allocUnsafe(BLOCK + Buffer.byteLength(purpose) + 1 + Buffer.byteLength(body));
  inner.copy(msg, 0);
  const n = msg.write(purpose, BLOCK, 'utf8');
  msg[BLOCK + n] = 0;
  msg.write(body, BLOCK + n + 1, 'utf8');
  const outerMsg = Buffer.allocUnsafe(BLOCK + 32);
  outer.copy(outerMsg, 0);
  crypto.hash('sha256', msg, 'buffer').copy(outerMsg, BLOCK);
  return crypto.hash('sha256', outerMsg, 'base64url');
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
