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

/** ISO 8601 date-time with a time zone (Z or ±hh:mm), or a plain date (taken as midnight UTC). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * Parses one line; returns null for a blank line. Unknown fields are ignored (other tools may add some).
 * `rawId` is the id as written (a number stays a number when it is written back).
 */
export function parseItemLine(raw: string, line: number): { item: WireItem; rawId: string | number } | null {
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
  const p = r.published.trim();
  const t = ISO.test(p) ? Date.parse(p.length === 10 ? `${p}T00:00:00Z` : p) : NaN;
  if (Number.isNaN(t)) throw new ItemLineError(line, `item "${sid}": "published" is not an ISO 8601 date-time with a time zone: ${JSON.stringify(r.published)}`);
  const item: WireItem = {
    id: sid,
    title: r.title,
    text: (r.text as string | undefined) ?? null,
    outlet: (r.outlet as string | undefined) ?? null,
    url: (r.url as string | undefined) ?? null,
    published: t,
  };
  return { item, rawId: id };
}
