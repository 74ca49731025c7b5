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

/** What a token's body always is: base64url without padding (what signToken and the meter's codec make). */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The MAC of one secret and purpose with its buffers made once, for tokens checked and made on every
 * request (the anonymous meter): the same signature as mac() (signToken's, verifyToken's), with no
 * allocation but the two digests' strings for a base64url body (every token's) of up to `maxBody`
 * characters; any other body takes mac() itself. A caller may also write a body's bytes straight into
 * `body` and sign them there (signWritten). Synchronous throughout, so one instance per secret and
 * purpose can be shared.
 */
export class TokenMac {
  /** ipad | purpose | 0 | body */
  private readonly inner: Buffer;
  /** opad | inner digest */
  private readonly outer: Buffer;
  private readonly at: number;
  /** Where a body's bytes go (a view of the message buffer, maxBody long). */
  readonly body: Buffer;
  /** Views of the message by length (bodies of a kind have a handful of lengths): hashed without a new view. */
  private readonly views = new Map<number, Buffer>();

  constructor(private readonly secret: string, private readonly purpose: TokenPurpose, readonly maxBody = 4096) {
    const { inner, outer } = padsOf(secret);
    const p = Buffer.from(purpose, 'utf8');
    this.at = BLOCK + p.length + 1;
    this.inner = Buffer.alloc(this.at + maxBody);
    inner.copy(this.inner, 0);
    p.copy(this.inner, BLOCK);
    this.inner[BLOCK + p.length] = 0;
    this.body = this.inner.subarray(this.at);
    this.outer = Buffer.alloc(BLOCK + 32);
    outer.copy(this.outer, 0);
  }

  /** The base64url signature of a body (the same as signToken's). */
  sign(body: string): string {
    return this.signInPlace(body) ?? mac(this.secret, this.purpose, body);
  }

  /**
   * The signature of a base64url body of up to maxBody characters, its bytes left in `body`; null for
   * any other body (sign() then takes mac()).
   */
  signInPlace(body: string): string | null {
    if (body.length > this.maxBody || !BASE64URL.test(body)) return null;
    return this.signWritten(this.body.write(body, 0, 'latin1'));
  }

  /** The signature of the first `n` bytes of `body` (which the caller wrote there as ASCII). */
  signWritten(n: number): string {
    const len = this.at + n;
    let view = this.views.get(len);
    if (!view) this.views.set(len, (view = this.inner.subarray(0, len)));
    // The inner digest as a latin1 ('binary') string written into place: cheaper than a new Buffer and a copy.
    this.outer.write(crypto.hash('sha256', view, 'binary'), BLOCK, 'latin1');
    return crypto.hash('sha256', this.outer, 'base64url');
  }

  /** Whether `sig` is the body's signature, compared in constant time. */
  verify(body: string, sig: string): boolean {
    return sameSignature(sig, this.sign(body));
  }
}

/** Two signatures compared in constant time (for their length, which is public). */
export function sameSignature(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
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
