// The paywall's newsroom settings (limits, period, exemptions, the meter's switch, the grace period
// for past-due payments) kept under the settings key `members.paywall`, with the defaults on a
// fresh install; the meter's period key; and the anonymous meter's signed cookie.
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { sameSignature, TokenMac, verifyToken } from '../platform/tokens.ts';
import { parseInput } from '../platform/validate.ts';
import { localDate } from '../platform/time.ts';

export const paywallSchema = z.object({
  meter_enabled: z.boolean(),
  anonymous_limit: z.number().int().min(0).max(1000),
  member_limit: z.number().int().min(0).max(1000),
  period: z.enum(['month', 'week']),
  exempt_formats: z.array(z.string().trim().min(1).max(120)).max(100),
  exempt_sections: z.array(z.string().trim().min(1).max(120)).max(100),
  exempt_tags: z.array(z.string().trim().min(1).max(120)).max(500),
  grace_days: z.number().int().min(0).max(90),
});

export type PaywallSettings = z.output<typeof paywallSchema>;

export const DEFAULT_PAYWALL: PaywallSettings = {
  meter_enabled: true,
  anonymous_limit: 3,
  member_limit: 10,
  period: 'month',
  exempt_formats: [],
  exempt_sections: [],
  exempt_tags: [],
  grace_days: 7,
};

const KEY = 'members.paywall';

// Read on every article view: kept for a moment per database (settings writes in this process forget it).
const cache = new WeakMap<Db, { at: number; value: PaywallSettings }>();
const CACHE_MS = 2000;

export async function getPaywall(db: Db): Promise<PaywallSettings> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const row = await db.one<{ value: unknown }>(`SELECT value FROM settings WHERE key = $1`, [KEY]);
  const merged = { ...DEFAULT_PAYWALL, ...(row?.value && typeof row.value === 'object' ? (row.value as object) : {}) };
  const parsed = paywallSchema.safeParse(merged);
  const value = parsed.success ? parsed.data : DEFAULT_PAYWALL;
  cache.set(db, { at: Date.now(), value });
  return value;
}

/** Change some settings (a partial object; unknown keys or bad values are a ValidationError). */
export async function updatePaywall(db: Db, patch: unknown): Promise<PaywallSettings> {
  const given = parseInput(paywallSchema.partial().strict(), patch, { what: 'paywall settings' });
  const next = { ...(await getPaywall(db)), ...given };
  await db.tx(async (tx) => {
    await tx.query(`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [KEY, JSON.stringify(next)]);
    await tx.notify(CONTENT_CHANNEL, 'paywall');
  });
  cache.delete(db);
  return next;
}

// Asked on every gated view: kept per zone and unit for the current minute (every zone's midnight falls
// on a whole minute, so a period never changes within one). The last answer is checked first (one zone
// and one unit per publication): no key is built on a hit.
const periodMemo = new Map<string, { minute: number; value: string }>();
let lastPeriod = { timeZone: '', period: '', minute: -1, value: '' };

/** The meter's current period in the publication's time zone: '2026-12' or '2026-W49' (ISO week). */
export function meterPeriod(now: Date, timeZone: string, period: 'month' | 'week'): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastPeriod;
  if (last.minute === minute && last.timeZone === timeZone && last.period === period) return last.value;
  const key = timeZone + '|' + period;
  const hit = periodMemo.get(key);
  let value: string;
  if (hit && hit.minute === minute) value = hit.value;
  else {
    value = computePeriod(now, timeZone, period);
    if (periodMemo.size > 100) periodMemo.clear();
    periodMemo.set(key, { minute, value });
  }
  lastPeriod = { timeZone, period, minute, value };
  return value;
}

function computePeriod(now: Date, timeZone: string, period: 'month' | 'week'): string {
  const day = localDate(now, timeZone);
  if (period === 'month') return day.slice(0, 7);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const dow = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - dow); // the Thursday of this ISO week
  const yearStart = new Date(Date.UTC(date.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((date.getTime() - yearStart.getTime()) / 86400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Whether an article's format, section or tags exempt it from the meter. */
export function isMeterExempt(p: PaywallSettings, a: { format: { slug: string } | null; section: { slug: string } | null; tags?: Array<{ slug: string }> }): boolean {
  if (a.format && p.exempt_formats.includes(a.format.slug)) return true;
  if (a.section && p.exempt_sections.includes(a.section.slug)) return true;
  return !!a.tags?.some((t) => p.exempt_tags.includes(t.slug));
}

// ---------------------------------------------------------------------------------------------
// The anonymous meter: a signed HttpOnly cookie naming the period and the articles counted in it.
// A forged, altered, expired or last-period cookie counts as no cookie.

export const METER_COOKIE = 'nd_meter';
const METER_PURPOSE = 'members-meter';
const METER_TTL = 40 * 86400;

// Read and made again on every counted view, so with the least work (docs/decisions/0054): the MAC's
// buffers made once per secret (TokenMac); once the signature holds, the body is decoded from the bytes
// the MAC was computed over and, in our own canonical form, parsed there by hand; the new body is
// written as bytes and encoded straight into the MAC's buffer. The token is the same one
// signToken(…, { p, a }, …) makes and verifyToken checks; a correctly signed body in any other form
// goes through verifyToken itself. (Every step here is plain JavaScript over kept buffers: each call
// into the runtime costs more than the work it would do on a hundred bytes.)
const EXP_KEY = '],"exp":';
const EXP_BYTES = Buffer.from(EXP_KEY);
const B64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
const B64_VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < 64; i++) B64_VALUE[B64[i]!] = i;

/** base64url (no padding) of src[0, n) into dst; the number of characters. */
function encodeBase64url(src: Uint8Array, n: number, dst: Uint8Array): number {
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    dst[o++] = B64[v >> 18]!;
    dst[o++] = B64[(v >> 12) & 63]!;
    dst[o++] = B64[(v >> 6) & 63]!;
    dst[o++] = B64[v & 63]!;
  }
  if (n - i === 1) {
    const v = src[i]! << 16;
    dst[o++] = B64[v >> 18]!;
    dst[o++] = B64[(v >> 12) & 63]!;
  } else if (n - i === 2) {
    const v = (src[i]! << 16) | (src[i + 1]! << 8);
    dst[o++] = B64[v >> 18]!;
    dst[o++] = B64[(v >> 12) & 63]!;
    dst[o++] = B64[(v >> 6) & 63]!;
  }
  return o;
}

/** The bytes of base64url src[0, m) into dst; -1 for anything but unpadded base64url. */
function decodeBase64url(src: Uint8Array, m: number, dst: Uint8Array): number {
  if (m % 4 === 1) return -1;
  let o = 0;
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const a = B64_VALUE[src[j]!]!, b = B64_VALUE[src[j + 1]!]!, c = B64_VALUE[src[j + 2]!]!, d = B64_VALUE[src[j + 3]!]!;
    if ((a | b | c | d) & 0x80) return -1;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    dst[o++] = v >> 16;
    dst[o++] = (v >> 8) & 255;
    dst[o++] = v & 255;
  }
  if (m - j >= 2) {
    const a = B64_VALUE[src[j]!]!, b = B64_VALUE[src[j + 1]!]!, c = m - j === 3 ? B64_VALUE[src[j + 2]!]! : 0;
    if ((a | b | c) & 0x80) return -1;
    const v = (a << 18) | (b << 12) | (c << 6);
    dst[o++] = v >> 16;
    if (m - j === 3) dst[o++] = (v >> 8) & 255;
  }
  return o;
}

/** The ASCII characters of a string into dst at o; the new offset. */
function putAscii(dst: Uint8Array, o: number, s: string): number {
  for (let i = 0; i < s.length; i++) dst[o++] = s.charCodeAt(i);
  return o;
}

/** A number as String(Math.trunc(n)) writes it, into dst at o (digits by hand for whole numbers up to 2^53); the new offset. */
function putInteger(dst: Uint8Array, o: number, n: number): number {
  let v = Math.trunc(n);
  if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER)) return putAscii(dst, o, String(v));
  if (v === 0) {
    dst[o] = 48;
    return o + 1;
  }
  let digits = 0;
  for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
  const end = o + digits;
  for (let i = end - 1; i >= o; i--) {
    const q = Math.floor(v / 10);
    dst[i] = 48 + (v - q * 10);
    v = q;
  }
  return end;
}

class MeterCodec {
  readonly mac: TokenMac;
  /** The JSON of a body, decoded or to be encoded (synchronously: one codec per secret is shared). */
  private readonly json = new Uint8Array(3072);
  private period = '';
  /** '{"p":"2026-12","a":[' for the last period asked (one period at a time), and its bytes. */
  private prefix = '';
  private prefixBytes = new Uint8Array(0);
  private prefixAscii = true;

  constructor(secret: string) {
    this.mac = new TokenMac(secret, METER_PURPOSE);
  }

  private prefixOf(period: string): Uint8Array {
    if (period !== this.period || !this.prefix) {
      this.prefix = `{"p":${JSON.stringify(period)},"a":[`;
      this.prefixBytes = Buffer.from(this.prefix);
      this.prefixAscii = this.prefixBytes.length === this.prefix.length;
      this.period = period;
    }
    return this.prefixBytes;
  }

  /**
   * The counted ids of a verified body whose bytes (`len` of them) are in the MAC's buffer, when it is
   * in our canonical form for this period (`{"p":"2026-12","a":[1,2],"exp":1767225600}`, ids and exp
   * without sign or leading zero); [] when it has expired; undefined for a body in any other form.
   */
  parse(len: number, period: string, nowMs: number): number[] | undefined {
    const b = this.json;
    if (len > (b.length / 3) * 4) return undefined;
    const n = decodeBase64url(this.mac.body, len, b);
    const pre = this.prefixOf(period);
    if (n < pre.length + EXP_BYTES.length + 2) return undefined;
    for (let k = 0; k < pre.length; k++) if (b[k] !== pre[k]) return undefined;
    let i = pre.length;
    const ids: number[] = [];
    let c = b[i]!;
    if (c !== 93 /* ] */) {
      for (;;) {
        if (!(c >= 49 && c <= 57)) return undefined; // 1-9
        let v = c - 48;
        let digits = 1;
        while (++i < n && (c = b[i]!) >= 48 && c <= 57) {
          if (++digits > 15) return undefined;
          v = v * 10 + (c - 48);
        }
        if (i >= n) return undefined;
        ids.push(v);
        if (c === 93) break;
        if (c !== 44 /* , */ || ++i >= n) return undefined;
        c = b[i]!;
      }
    }
    if (i + EXP_BYTES.length >= n) return undefined;
    for (let k = 0; k < EXP_BYTES.length; k++) if (b[i + k] !== EXP_BYTES[k]) return undefined;
    i += EXP_BYTES.length;
    c = b[i]!;
    if (!(c >= 49 && c <= 57)) return undefined;
    let exp = c - 48;
    let digits = 1;
    while (++i < n && (c = b[i]!) >= 48 && c <= 57) {
      if (++digits > 15) return undefined;
      exp = exp * 10 + (c - 48);
    }
    if (i !== n - 1 || c !== 125 /* } */) return undefined;
    if (exp * 1000 < nowMs) return [];
    return ids.length > 1000 ? ids.slice(0, 1000) : ids;
  }

  /** The token for these counted ids in this period, expiring METER_TTL from now. */
  write(period: string, counted: readonly number[], now: Date): string {
    const pre = this.prefixOf(period);
    const exp = Math.floor(now.getTime() / 1000) + METER_TTL;
    const b = this.json;
    // Numbers' strings are ASCII; 24 characters is the longest one (-1.2345678901234567e+308).
    if (!this.prefixAscii || pre.length + (counted.length + 1) * 25 + EXP_KEY.length + 1 > b.length) return this.writeSlowly(period, counted, String(exp));
    b.set(pre, 0);
    let o = pre.length;
    for (let i = 0; i < counted.length; i++) {
      if (i) b[o++] = 44;
      o = putInteger(b, o, counted[i]!);
    }
    b.set(EXP_BYTES, o);
    o = putInteger(b, o + EXP_BYTES.length, exp);
    b[o++] = 125;
    const body = this.mac.body;
    const m = encodeBase64url(b, o, body);
    const sig = this.mac.signWritten(m);
    return body.toString('latin1', 0, m) + '.' + sig;
  }

  private writeSlowly(period: string, counted: readonly number[], exp: string): string {
    const json = `{"p":${JSON.stringify(period)},"a":[${counted.map((n) => String(Math.trunc(n))).join(',')}${EXP_KEY}${exp}}`;
    const body = Buffer.from(json, 'utf8').toString('base64url');
    return body + '.' + this.mac.sign(body);
  }
}

const codecs = new Map<string, MeterCodec>();
function codecOf(secret: string): MeterCodec {
  let c = codecs.get(secret);
  if (!c) {
    if (codecs.size > 16) codecs.clear();
    codecs.set(secret, (c = new MeterCodec(secret)));
  }
  return c;
}

/** The articles counted in this period by a meter cookie's value (a new array each call; [] for no valid cookie). */
export function readMeterCookie(secret: string, value: string | undefined, period: string, now: Date): number[] {
  if (!value || value.length > 4096) return [];
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return [];
  const codec = codecOf(secret);
  const body = value.slice(0, dot);
  const expected = codec.mac.signInPlace(body);
  if (expected !== null) {
    if (!sameSignature(value.slice(dot + 1), expected)) return [];
    const fast = codec.parse(body.length, period, now.getTime());
    if (fast !== undefined) return fast;
  }
  const r = verifyToken<{ p: string; a: number[] }>(secret, METER_PURPOSE, value, now);
  if (!r.ok || r.data.p !== period || !Array.isArray(r.data.a)) return [];
  return r.data.a.filter((n) => Number.isInteger(n) && n > 0).slice(0, 1000);
}

/** The same token as signToken(secret, 'members-meter', { p: period, a: counted }, { ttl: 40 days, now }). */
export function writeMeterCookie(secret: string, period: string, counted: readonly number[], now: Date): string {
  return codecOf(secret).write(period, counted, now);
}

/** The Set-Cookie header value for the meter. */
export function meterSetCookie(value: string, secure: boolean): string {
  return `${METER_COOKIE}=${value}; Path=/; Max-Age=${METER_TTL}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** One cookie's value from a Cookie header (first occurrence), without a cookie library or splitting the header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let start = 0;
  const len = header.length;
  while (start <= len) {
    let end = header.indexOf(';', start);
    if (end === -1) end = len;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) return header.slice(eq + 1, end).trim();
    if (eq === -1) return undefined;
    start = end + 1;
  }
  return undefined;
}
