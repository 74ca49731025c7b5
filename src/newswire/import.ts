// `newsdesk outlets import FILE.csv`: our columns (name,url,feed_url,lean,country,language), or the
// AllSides ratings export (first column the outlet's name, then bias, type, allsides_url, agree,
// disagree, url, confidence), recognised by its header. Outlets are matched by slug (from the name):
// an import run twice changes nothing; a row with a mistake is reported by line and skipped.
import { lazyPackage } from '../platform/lazy.ts';
import type { Db } from '../db/index.ts';
import { ValidationError } from '../platform/errors.ts';
import { slugify } from '../platform/sanitize.ts';
import { addFeed, addOutlet, changeOutlet, httpUrl, parseLean, type Lean } from './outlets.ts';
import { yieldToEventLoop } from '../platform/runtime.ts';

/** Rows between two turns of the event loop (yieldToEventLoop). */
const YIELD_EVERY = 20;

const csvSync = lazyPackage<typeof import('csv-parse/sync')>('csv-parse/sync');


export interface ImportResult {
  format: 'newsdesk' | 'allsides';
  total: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: Array<{ line: number; message: string }>;
  /** The import stopped early (the process is shutting down, `signal`): rows after `done` were not read. */
  stopped?: boolean;
  /** Rows read (and written) when it stopped. */
  done?: number;
}

/** AllSides' bias words to our lean values. */
export function allSidesLean(bias: string): Lean | null {
  const b = bias.trim().toLowerCase();
  const map: Record<string, Lean> = { left: 'left', 'lean left': 'lean-left', center: 'center', 'lean right': 'lean-right', right: 'right', mixed: 'mixed' };
  return map[b] ?? null;
}

interface Row {
  line: number;
  name: string;
  url: string;
  feed: string | null;
  lean: Lean | null;
  source: string | null;
  confidence: string | null;
  country: string | null;
  language: string | null;
}

/**
 * Import outlets from CSV text; matching outlets (by name) are updated, so running it twice changes
 * nothing. Each row is written in its own transaction; with `signal` raised (a shutdown, SIGTERM or
 * Ctrl+C: decision 0013) it stops before the next row and reports `stopped` and the rows done, every
 * one of them committed, so running it again continues where it stopped.
 */
export async function importOutletsCsv(db: Db, text: string, opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<ImportResult> {
  let records: string[][];
  try {
    records = csvSync().parse(text.replace(/^\ufeff/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new ValidationError(`The file is not valid CSV: ${(e as Error).message}`);
  }
  if (!records.length) throw new ValidationError('The file is empty: expected a header line (name,url,feed_url,lean,country,language).');
  const header = records[0]!.map((h) => h.trim().toLowerCase());
  const allsides = header[0] === '' && header.includes('bias') && header.includes('allsides_url');
  const col = (n: string) => header.indexOf(n);
  if (!allsides && (col('name') < 0 || col('url') < 0)) {
    throw new ValidationError(`Unknown columns (${header.join(',')}): expected name,url,feed_url,lean,country,language, or the AllSides ratings export.`);
  }
  const result: ImportResult = { format: allsides ? 'allsides' : 'newsdesk', total: records.length - 1, added: 0, updated: 0, unchanged: 0, skipped: [] };
  const rows: Row[] = [];
  for (let i = 1; i < records.length; i++) {
    const r = records[i]!;
    const line = i + 1;
    const get = (n: string) => {
      const c = col(n);
      return c >= 0 ? (r[c] ?? '').trim() : '';
    };
    if (allsides) {
      const name = (r[0] ?? '').trim();
      const type = get('type');
      if (type && type.toLowerCase() !== 'news') {
        result.skipped.push({ line, message: `${name || 'row'}: not a news outlet (AllSides type "${type}")` });
        continue;
      }
      const lean = allSidesLean(get('bias'));
      if (!lean) {
        result.skipped.push({ line, message: `${name || 'row'}: unknown AllSides bias "${get('bias')}"` });
        continue;
      }
      const conf = get('confidence').toLowerCase();
      rows.push({ line, name, url: get('url'), feed: null, lean, source: 'AllSides', confidence: ['high', 'medium', 'low'].includes(conf) ? conf : null, country: null, language: null });
    } else {
      const leanRaw = get('lean');
      const lean = leanRaw ? parseLean(leanRaw) : null;
      if (leanRaw && !lean) {
        result.skipped.push({ line, message: `unknown lean "${leanRaw}" (left, lean-left, center, lean-right, right, mixed, unrated)` });
        continue;
      }
      rows.push({ line, name: get('name'), url: get('url'), feed: get('feed_url') || null, lean, source: null, confidence: null, country: get('country') || null, language: get('language') || null });
    }
  }
  let done = 0;
  for (const row of rows) {
    // PGlite answers in microtasks: without a turn of the event loop now and then, a signal (and, in
    // the server, every other request) would wait for the whole file.
    if (done % YIELD_EVERY === 0) await yieldToEventLoop();
    if (opts.signal?.aborted) {
      // Only what was read: the lines after the stop are reported by the run that reads them.
      Object.assign(result, { stopped: true, done, skipped: result.skipped.filter((s) => s.line < row.line) });
      break;
    }
    try {
      await db.tx((tx) => importRow(tx, row, result));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      result.skipped.push({ line: row.line, message: e.message.replace(/^The outlet is not valid: /, `${row.name || 'row'}: `) });
    }
    opts.onProgress?.(++done, rows.length);
  }
  result.skipped.sort((a, b) => a.line - b.line);
  return result;
}

/** One row: the outlet added, or updated (its home page, rating, country, language; a new feed added). */
async function importRow(db: Db, row: Row, result: ImportResult): Promise<void> {
  if (!row.name) throw new ValidationError('the name is empty');
  if (!row.url) throw new ValidationError(`${row.name}: no home page URL`);
  const url = httpUrl(row.url, 'url');
  const slug = slugify(row.name);
  if (!slug) throw new ValidationError(`${row.name}: the name has no letters or digits`);
  const existing = await db.one<any>('SELECT * FROM wire_outlets WHERE slug = $1', [slug]);
  const fields = {
    ...(row.lean ? { lean: row.lean, rating_source: row.source ?? 'import', rating_confidence: row.confidence } : {}),
    ...(row.country ? { country: row.country } : {}),
    ...(row.language ? { language: row.language } : {}),
  };
  if (!existing) {
    // Not read back (createOutlet's getOutlet): its feeds and item counts are of no use here and cost
    // more than the insert.
    await addOutlet(db, { name: row.name, slug, url, feeds: row.feed ? [row.feed] : [], ...fields });
    result.added++;
  } else {
    const hadFeed = row.feed ? await db.one('SELECT 1 FROM wire_feeds WHERE outlet_id = $1 AND url = $2', [existing.id, httpUrl(row.feed, 'feed_url')]) : true;
    const changed =
      existing.home_url !== url ||
      Object.entries(fields).some(([k, v]) => {
        const cur = existing[k];
        return (v ?? null) !== (cur ?? null) && !(k === 'country' && String(v).toUpperCase() === cur) && !(k === 'language' && String(v).toLowerCase().split(/[-_]/)[0] === cur);
      });
    if (changed) await changeOutlet(db, existing.id, { url, ...fields });
    if (!hadFeed) await addFeed(db, existing.id, row.feed!);
    if (changed || !hadFeed) result.updated++;
    else result.unchanged++;
  }
}
