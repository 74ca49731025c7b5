// The paywall's newsroom settings (limits, period, exemptions, the meter's switch, the grace period
// for past-due payments) kept under the settings key `members.paywall`, with the defaults on a
// fresh install; the meter's period key; and the anonymous meter's signed cookie.
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { TokenMac, verifyToken } from '../platform/tokens.ts';
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
// buffers made once per secret (TokenMac), the body decoded into a kept buffer and, in our own
// canonical form, parsed there by hand once the signature holds; the new body written by hand. The
// token is the same one signToken(…, { p, a }, …) makes and verifyToken checks; a correctly signed
// body in any other form goes through verifyToken itself.
const EXP_KEY = '],"exp":';
const EXP_BYTES = Buffer.from(EXP_KEY);

class MeterCodec {
  readonly mac: TokenMac;
  /** Bodies decoded and encoded here (synchronously: one codec per secret is shared). */
  private readonly buf = Buffer.alloc(4096);
  private period = '';
  /** '{"p":"2026-12","a":[' for the last period asked (one period at a time). */
  private prefix = '';
  private prefixBytes = Buffer.alloc(0);

  constructor(secret: string) {
    this.mac = new TokenMac(secret, METER_PURPOSE);
  }

  private prefixOf(period: string): string {
    if (period !== this.period || !this.prefix) {
      this.prefix = `{"p":${JSON.stringify(period)},"a":[`;
      this.prefixBytes = Buffer.from(this.prefix);
      this.period = period;
    }
    return this.prefix;
  }

  /**
   * The counted ids of a verified body in our canonical form for this period
   * (`{"p":"2026-12","a":[1,2],"exp":1767225600}`, ids and exp without sign or leading zero); [] when
   * it has expired; undefined for a body in any other form (the general check decides).
   */
  parse(body: string, period: string, nowMs: number): number[] | undefined {
    const b = this.buf;
    if (body.length > b.length) return undefined;
    const n = b.write(body, 0, 'base64url');
    this.prefixOf(period);
    const pre = this.prefixBytes;
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
    let json = this.prefixOf(period);
    for (let i = 0; i < counted.length; i++) json += (i ? ',' : '') + String(Math.trunc(counted[i]!));
    json += EXP_KEY + String(Math.floor(now.getTime() / 1000) + METER_TTL) + '}';
    const body = json.length * 3 <= this.buf.length ? this.buf.toString('base64url', 0, this.buf.write(json, 0, 'utf8')) : Buffer.from(json, 'utf8').toString('base64url');
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

export function readMeterCookie(secret: string, value: string | undefined, period: string, now: Date): number[] {
  if (!value || value.length > 4096) return [];
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return [];
  const codec = codecOf(secret);
  const body = value.slice(0, dot);
  if (!codec.mac.verify(body, value.slice(dot + 1))) return [];
  const fast = codec.parse(body, period, now.getTime());
  if (fast !== undefined) return fast;
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
