// One input line of `newsdesk wire cluster`: {"id","title","text"?,"outlet"?,"url"?,"published"}.
// Every mistake is reported with the line it is on; nothing is guessed.
import type { WireItem } from './clusterer.ts';

export class ItemLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ItemLineError';
  }
}

/**
 * An ISO 8601 date or date-time, extended (2026-03-10T14:05:00Z) or basic (20260310T140500Z): seconds
 * and their fraction (after "." or ",") optional, "T", "t" or a space between date and time, a zone of
 * Z, ±hh, ±hhmm or ±hh:mm. A time with no zone is a local time in ISO 8601, whose place the line does
 * not say: it is read as UTC and `zoned` is false, so the caller can say so. A bare date is midnight
 * UTC (zoned: it names a day, not a moment). Null for anything else, including an impossible date
 * (2026-02-30) or time (25:00).
 */
export function parseIsoDateTime(raw: string): { ms: number; zoned: boolean } | null {
  const s = raw.trim();
  const ext = s.match(/^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/);
  const basic = ext ? null : s.match(/^(\d{4})(\d{2})(\d{2})(?:[Tt](\d{2})(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?:\d{2})?)?)?$/);
  const m = ext ?? basic;
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = h === undefined ? 0 : Number(h), minute = mi === undefined ? 0 : Number(mi), second = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 60 || hour > 24 || (hour === 24 && (minute || second || Number(frac ?? 0)))) return null;
  const dayStart = Date.UTC(year, month - 1, day);
  if (new Date(dayStart).getUTCDate() !== day) return null;
  let ms = dayStart + ((hour * 60 + minute) * 60 + Math.min(second, 59)) * 1000 + (frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  if (h !== undefined && zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2)), om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return null;
    ms -= (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return { ms, zoned: h === undefined || Boolean(zone) };
}

/**
 * Parses one line; returns null for a blank line. Unknown fields are ignored (other tools may add some).
 * `rawId` is the id as written (a number stays a number when it is written back); `zoned` is false when
 * "published" is a time with no zone (read as UTC).
 */
export function parseItemLine(raw: string, line: number): { item: WireItem; rawId: string | number; zoned: boolean } | null {
  const s = raw.trim();
  if (!s) return null;
  let o: unknown;
  try {
    o = JSON.parse(s);
  } catch (e) {
    throw new ItemLineError(line, `not valid JSON (${(e as Error).message})`);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new ItemLineError(line, 'expected a JSON object with "id", "title" and "published"');
  const r = o as Record<string, unknown>;
  const id = r.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw new ItemLineError(line, '"id" is missing (a string or number)');
  const sid = String(id);
  if (!sid.trim()) throw new ItemLineError(line, '"id" is empty');
  if (typeof r.title !== 'string' || !r.title.trim()) throw new ItemLineError(line, `item "${sid}": "title" is missing or empty`);
  for (const k of ['text', 'outlet', 'url'] as const) {
    if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'string') throw new ItemLineError(line, `item "${sid}": "${k}" must be a string`);
  }
  if (typeof r.published !== 'string') throw new ItemLineError(line, `item "${sid}": "published" is missing (an ISO 8601 date-time such as 2026-03-10T14:05:00Z)`);
  const t = parseIsoDateTime(r.published);
  if (!t) throw new ItemLineError(line, `item "${sid}": "published" is not an ISO 8601 date-time or date (such as 2026-03-10T14:05:00Z): ${JSON.stringify(r.published)}`);
  const item: WireItem = {
    id: sid,
    title: r.title,
    text: (r.text as string | undefined) ?? null,
    outlet: (r.outlet as string | undefined) ?? null,
    url: (r.url as string | undefined) ?? null,
    published: t.ms,
  };
  return { item, rawId: id, zoned: t.zoned };
}
