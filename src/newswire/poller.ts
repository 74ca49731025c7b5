// The feed poller and page fetcher (issue #11, part 2). One poll run: the feeds that are due (or all
// of them, or one outlet's, when asked now), each asked with ETag / Last-Modified; new entries stored
// (deduplicated by the feed's GUID and by canonical URL) in the same transaction that records the
// feed's new validators, so a run killed at any point loses nothing and stores nothing twice; then
// every item whose page is still pending is fetched (robots.txt permitting) and its article
// extracted. All state is in the tables: a run that died is finished by the next one.
import type { Db } from '../db/index.ts';
import type { Log } from '../platform/log.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../config.ts';
import { enqueue } from '../platform/jobs.ts';
import { createExtractPool, ExtractFailedError, type ExtractPool } from './extract/pool.ts';
import type { GuardedResponse } from '../platform/guarded-fetch.ts';
import { FeedParseError, parseFeedDocument, type FeedEntry } from './feeds.ts';
import { HostBackoffError, HostGate, MAX_RETRY_AFTER_WAIT_MS, RobotsCache, describeFetchError, retryAfterMs, wireFetch, wireGet } from './fetcher.ts';
import { hostOf } from './urls.ts';
import { maintainWebsub } from './websub.ts';
import { itemRestamped, scheduleWireCluster } from './stories/live.ts';

export const WIRE_POLL_JOB = 'newswire.poll';

interface WireDeps {
  db: Db;
  config: Config;
  log: Log;
  clock: Clock;
}

/** The fewest characters of article text that count as an article found on the page. */
const MIN_ARTICLE_CHARS = 200;
/** Attempts at a page that fails for a passing reason (timeouts, 5xx) before it is given up. */
const PAGE_ATTEMPTS = 3;
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1';
const PAGE_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1';

export interface OutletRunSummary {
  slug: string;
  name: string;
  feeds: number;
  newItems: number;
  extracted: number;
  errors: string[];
}

export interface PollSummary {
  feeds: number;
  newItems: number;
  pages: number;
  extracted: number;
  errors: number;
  outlets: OutletRunSummary[];
  /** Work left for a later run (the time budget ran out). */
  leftOver: number;
}

export interface PollOptions {
  /** One outlet, by slug. */
  outlet?: string;
  /** Poll every selected feed now, whatever its next poll time (Retry-After still honoured). */
  force?: boolean;
  /** Stop starting new requests after this time (epoch ms); what is left stays for the next run. */
  deadline?: number;
  onProgress?: (done: number, total: number) => void;
}

interface FeedRow {
  id: number;
  url: string;
  etag: string | null;
  last_modified: string | null;
  consecutive_errors: number;
  outlet_id: number;
  slug: string;
  name: string;
  fetch_allowed: boolean;
}

interface PageRow {
  id: number;
  url: string;
  outlet_id: number;
  summary: string | null;
  extract_attempts: number;
  /** 'seen' when the feed gave no date: the page's date replaces it. */
  published_source: string;
}

const PAGE_COLS = 'i.id, i.url, i.outlet_id, i.summary, i.extract_attempts, i.published_source';

/**
 * A feed's entries are looked up and inserted in batches of at most this many entries and characters.
 * PGlite's WebAssembly memory keeps the pages the largest statement touched (it never shrinks): a
 * 10 MB feed of 5,000 entries in one statement left the process ~100 MB larger for good (decision 0044).
 */
const ENTRY_BATCH = 100;
const ENTRY_BATCH_CHARS = 256 * 1024;

/** Store a feed's entries: returns the ids of items new to the wire. Call it in a transaction: the batches commit together. */
export async function storeEntries(db: Db, feed: { id: number; outlet_id: number; fetch_allowed: boolean }, entries: FeedEntry[], now: Date): Promise<number[]> {
  const fresh: number[] = [];
  const seenNow = new Set<string>();
  for (let i = 0; i < entries.length; ) {
    let j = i;
    let chars = 0;
    while (j < entries.length && j - i < ENTRY_BATCH) {
      const e = entries[j]!;
      chars += e.url.length + e.title.length + (e.guid?.length ?? 0) + (e.summary?.length ?? 0) + (e.author?.length ?? 0);
      if (chars > ENTRY_BATCH_CHARS && j > i) break;
      j++;
    }
    fresh.push(...(await storeBatch(db, feed, entries.slice(i, j), now, seenNow)));
    i = j;
  }
  fresh.sort((a, b) => a - b);
  return fresh;
}

/** One batch of storeEntries; `seenNow` holds the keys of the feed's entries in earlier batches. */
async function storeBatch(db: Db, feed: { id: number; outlet_id: number; fetch_allowed: boolean }, entries: FeedEntry[], now: Date, seenNow: Set<string>): Promise<number[]> {
  if (!entries.length) return [];
  const guids = entries.map((e) => e.guid).filter((g): g is string => g !== null);
  const urls = entries.map((e) => e.url);
  const existing = await db.query<{ id: number; guid: string | null; url: string; outlet_id: number }>(
    'SELECT id, guid, url, outlet_id FROM wire_items WHERE (outlet_id = $1 AND guid = ANY($2::text[])) OR url = ANY($3::text[])',
    [feed.outlet_id, guids, urls],
  );
  const byGuid = new Map(existing.filter((r) => r.outlet_id === feed.outlet_id && r.guid !== null).map((r) => [r.guid!, r]));
  const byUrl = new Map(existing.map((r) => [r.url, r]));
  const fresh: number[] = [];
  const toInsert: Array<{ guid: string | null; url: string; title: string; summary: string | null; author: string | null; published: string; source: 'feed' | 'seen' }> = [];
  for (const e of entries) {
    const key = e.guid !== null ? `g:${e.guid}` : `u:${e.url}`;
    if (seenNow.has(key) || seenNow.has(`u:${e.url}`)) continue; // the same entry twice in one feed
    seenNow.add(key);
    seenNow.add(`u:${e.url}`);
    const known = e.guid !== null ? byGuid.get(e.guid) : undefined;
    if (known) {
      // The item moved: the outlet changed its URL (and the new one is not another item's).
      if (known.url !== e.url && !byUrl.has(e.url)) {
        await db.query(
          `UPDATE wire_items SET url = $2, title = $3, summary = coalesce($4, summary)
            WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM wire_items WHERE url = $2)`,
          [known.id, e.url, e.title, e.summary],
        );
        byUrl.set(e.url, known);
      }
      continue;
    }
    if (byUrl.has(e.url)) continue;
    // A time in the future (a feed's time zone gone wrong) is taken as now; so is none, until the page says.
    const fromFeed = e.published !== null && Date.parse(e.published) <= now.getTime() + 5 * 60_000;
    const published = fromFeed ? e.published! : now.toISOString();
    toInsert.push({ guid: e.guid, url: e.url, title: e.title, summary: e.summary, author: e.author, published, source: fromFeed ? 'feed' : 'seen' });
    byUrl.set(e.url, { id: 0, guid: e.guid, url: e.url, outlet_id: feed.outlet_id });
  }
  if (!toInsert.length) return fresh;
  // One statement for the batch's new items; a row another run inserted meanwhile is skipped.
  const status = feed.fetch_allowed ? 'pending' : 'skipped';
  const rows = await db.query<{ id: number }>(
    `INSERT INTO wire_items (outlet_id, feed_id, guid, url, title, summary, author, published_at, published_source, first_seen_at, extract_status, text, extract_error)
     SELECT $1, $2, r.guid, r.url, r.title, r.summary, r.author, r.published, r.source, $3, $4, CASE WHEN $4 = 'skipped' THEN r.summary END,
            CASE WHEN $4 = 'skipped' THEN 'this outlet''s pages are not fetched' END
       FROM json_to_recordset($5::json) AS r(guid text, url text, title text, summary text, author text, published timestamptz, source text)
     ON CONFLICT DO NOTHING RETURNING id`,
    [feed.outlet_id, feed.id, now, status, JSON.stringify(toInsert)],
  );
  for (const r of rows) fresh.push(Number(r.id));
  return fresh;
}

function nextPoll(now: Date, cfg: Config['wire'], errors: number, notBefore?: number): Date {
  // Backoff on failures: the interval doubled per consecutive error, at most a day.
  const base = cfg.pollMinutes * 60_000 * Math.min(2 ** Math.max(0, errors), 144);
  return new Date(Math.max(now.getTime() + Math.min(base, 24 * 3600_000), notBefore ?? 0));
}

async function recordFeedError(db: Db, feed: FeedRow, cfg: Config['wire'], message: string, notBefore?: number): Promise<void> {
  const now = new Date();
  await db.query(
    `UPDATE wire_feeds SET last_polled_at = $2, last_error = $3, last_error_at = $2, errors_total = errors_total + 1,
            consecutive_errors = consecutive_errors + 1, next_poll_at = $4 WHERE id = $1`,
    [feed.id, now, message.slice(0, 1000), nextPoll(now, cfg, feed.consecutive_errors + 1, notBefore)],
  );
}

function statusMessage(status: number, what: string): string {
  const words: Record<number, string> = { 401: 'needs a login', 403: 'refused (forbidden)', 404: 'not found', 410: 'gone', 429: 'too many requests', 500: 'server error', 502: 'bad gateway', 503: 'unavailable', 504: 'gateway timeout' };
  return `the ${what} answered HTTP ${status}${words[status] ? ` (${words[status]})` : ''}`;
}

/** Poll one feed; returns the new items' ids (throws nothing: failures are recorded on the feed). */
async function pollFeed(d: WireDeps, gate: HostGate, feed: FeedRow): Promise<{ fresh: number[]; error: string | null }> {
  const cfg = d.config.wire;
  const headers: Record<string, string> = {};
  if (feed.etag) headers['if-none-match'] = feed.etag;
  if (feed.last_modified) headers['if-modified-since'] = feed.last_modified;
  let res;
  try {
    res = await wireGet(gate, cfg, feed.url, { accept: FEED_ACCEPT, headers });
  } catch (e) {
    const message = describeFetchError(e);
    await recordFeedError(d.db, feed, cfg, message, e instanceof HostBackoffError ? e.until.getTime() : undefined);
    return { fresh: [], error: message };
  }
  const now = new Date();
  if (res.status === 304) {
    await d.db.query(
      `UPDATE wire_feeds SET last_polled_at = $2, last_success_at = $2, last_error = NULL, consecutive_errors = 0, next_poll_at = $3 WHERE id = $1`,
      [feed.id, now, nextPoll(now, cfg, 0)],
    );
    return { fresh: [], error: null };
  }
  if (res.status < 200 || res.status >= 300) {
    const ra = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers['retry-after']) : null;
    const message = statusMessage(res.status, 'feed') + (ra !== null ? `; Retry-After ${Math.round(ra / 1000)} s` : '');
    await recordFeedError(d.db, feed, cfg, message, ra !== null ? Date.now() + ra : undefined);
    return { fresh: [], error: message };
  }
  let parsed;
  try {
    parsed = parseFeedDocument(res.body, res.url, String(res.headers['content-type'] ?? ''));
  } catch (e) {
    const message = e instanceof FeedParseError ? `the feed cannot be read: ${e.message}` : `the feed cannot be read: ${(e as Error).message}`;
    await recordFeedError(d.db, feed, cfg, message);
    return { fresh: [], error: message };
  }
  const etag = typeof res.headers.etag === 'string' ? res.headers.etag : null;
  const lastModified = typeof res.headers['last-modified'] === 'string' ? res.headers['last-modified'] : null;
  const fresh = await d.db.tx(async (tx) => {
    const ids = await storeEntries(tx, feed, parsed.entries, now);
    await tx.query(
      `UPDATE wire_feeds SET format = $2, title = coalesce($3, title), etag = $4, last_modified = $5, last_polled_at = $6,
              last_success_at = $6, last_error = NULL, consecutive_errors = 0, next_poll_at = $7,
              last_new_item_at = CASE WHEN $8 THEN $6 ELSE last_new_item_at END,
              websub_hub = $9, websub_self = $10
        WHERE id = $1`,
      [feed.id, parsed.format, parsed.title, etag, lastModified, now, nextPoll(now, cfg, 0), ids.length > 0, parsed.hub, parsed.self],
    );
    return ids;
  });
  return { fresh, error: null };
}

/** Fetch one item's page and store its article (or why not, keeping the feed's summary). */
async function fetchPage(d: WireDeps, gate: HostGate, robots: RobotsCache, pool: ExtractPool, item: PageRow): Promise<{ ok: boolean; error: string | null }> {
  const cfg = d.config.wire;
  const fail = async (message: string, final: boolean) => {
    const giveUp = final || item.extract_attempts + 1 >= PAGE_ATTEMPTS;
    await d.db.query(
      `UPDATE wire_items SET extract_attempts = extract_attempts + 1, extract_error = $2,
              extract_status = CASE WHEN $3 THEN 'failed' ELSE 'pending' END,
              text = CASE WHEN $3 THEN coalesce(text, summary) ELSE text END
        WHERE id = $1 AND extract_status = 'pending'`,
      [item.id, message.slice(0, 1000), giveUp],
    );
    return { ok: false, error: message };
  };
  let allowed: 'allowed' | 'disallowed' | 'unreachable';
  try {
    allowed = await robots.check(item.url);
  } catch (e) {
    return fail(`robots.txt could not be read: ${describeFetchError(e)}`, false);
  }
  if (allowed === 'disallowed') {
    await d.db.query(
      `UPDATE wire_items SET extract_status = 'skipped', extract_error = 'robots.txt does not allow fetching this page', text = coalesce(text, summary)
        WHERE id = $1 AND extract_status = 'pending'`,
      [item.id],
    );
    return { ok: false, error: null };
  }
  if (allowed === 'unreachable') return fail('robots.txt could not be read (the server failed); trying later', false);
  // The page is extracted and stored while its request still holds its place among the requests in
  // flight (wireFetch): fetched pages never wait in memory for a busy extractor or database.
  let fetched = false;
  try {
    return await wireFetch(gate, cfg, item.url, { accept: PAGE_ACCEPT }, async (res) => {
      fetched = true;
      return usePage(d, pool, item, res, fail);
    });
  } catch (e) {
    if (fetched) throw e;
    return fail(`the page could not be fetched: ${describeFetchError(e)}`, false);
  }
}

/** What a fetched page gives: its article stored, or why not. */
async function usePage(d: WireDeps, pool: ExtractPool, item: PageRow, res: GuardedResponse, fail: (message: string, final: boolean) => Promise<{ ok: boolean; error: string | null }>): Promise<{ ok: boolean; error: string | null }> {
  if (res.status < 200 || res.status >= 300) {
    const passing = res.status >= 500 || res.status === 429 || res.status === 408;
    return fail(statusMessage(res.status, 'page'), !passing);
  }
  const type = String(res.headers['content-type'] ?? '');
  if (type && !/html|xml/i.test(type)) return fail(`the page is not HTML (${type.split(';')[0]})`, true);
  let a;
  try {
    a = await pool.extract(res.body, { url: res.url, contentType: type || null });
  } catch (e) {
    // A page that broke the extractor (too slow, too big) is given up; a closed pool (the run ends) is not the page's fault.
    return fail(`the page could not be parsed: ${(e as Error).message}`, !(e instanceof ExtractFailedError && e.passing));
  }
  // The page's own date for an entry whose feed gave none (not one in the future: a wrong zone, a bad page).
  const pageMs = a.published ? Date.parse(a.published) : NaN;
  const pageDate = Number.isFinite(pageMs) && pageMs <= Date.now() + 5 * 60_000 ? new Date(pageMs) : null;
  if (a.text.length < MIN_ARTICLE_CHARS) {
    if (pageDate) await usePageDate(d.db, item.id, pageDate);
    return fail('no article text found on the page; the feed\u2019s summary is kept', true);
  }
  // In the same statement: the page's date for an entry without one (see usePageDate).
  await d.db.query(
    `UPDATE wire_items SET extract_status = 'done', extract_error = NULL, extract_attempts = extract_attempts + 1, fetched_at = now(),
            text = $2, html = $3, byline = $4, lang = $5, image_url = $6,
            published_at = CASE WHEN published_source = 'seen' AND $7::timestamptz IS NOT NULL THEN $7::timestamptz ELSE published_at END,
            published_source = CASE WHEN published_source = 'seen' AND $7::timestamptz IS NOT NULL THEN 'page' ELSE published_source END
      WHERE id = $1`,
    [item.id, a.text, a.html, a.byline, a.lang, a.image, pageDate],
  );
  if (pageDate && item.published_source === 'seen') await itemRestamped(d.db, item.id);
  return { ok: true, error: null };
}

/** An item whose feed entry had no date takes the page's (once: the feed's own time is never replaced). */
async function usePageDate(db: Db, id: number, at: Date): Promise<void> {
  const moved = await db.query(`UPDATE wire_items SET published_at = $2, published_source = 'page' WHERE id = $1 AND published_source = 'seen' RETURNING id`, [id, at]);
  if (moved.length) await itemRestamped(db, id);
}

/** One poll run: see the header comment. Returns a summary per outlet. */
export async function pollWire(d: WireDeps, opts: PollOptions = {}): Promise<PollSummary> {
  const gate = new HostGate(d.db, d.config.wire.hostGapMs, d.config.wire.concurrency, d.config.wire.timeoutMs);
  await gate.load();
  const robots = new RobotsCache(d.db, gate, d.config.wire);
  // Pages are extracted on worker threads (WIRE_EXTRACT_THREADS), started at the first page and ended with the run.
  const pool = createExtractPool({ size: d.config.wire.extractThreads });
  const pageTasks: Promise<void>[] = [];
  try {
    return await runPoll(d, opts, gate, robots, pool, pageTasks);
  } finally {
    await Promise.allSettled(pageTasks); // a run that failed midway still lets its pages finish (or fail) before the workers go
    await pool.close();
  }
}

async function runPoll(d: WireDeps, opts: PollOptions, gate: HostGate, robots: RobotsCache, pool: ExtractPool, pageTasks: Promise<void>[]): Promise<PollSummary> {
  const params: unknown[] = [];
  let where = 'o.active AND NOT o.demo';
  if (opts.outlet) where = `o.slug = $${params.push(opts.outlet)} AND o.active`;
  if (!opts.force) where += ' AND f.next_poll_at <= now()';
  const feeds = await d.db.query<FeedRow>(
    `SELECT f.id, f.url, f.etag, f.last_modified, f.consecutive_errors, f.outlet_id, o.slug, o.name, o.fetch_allowed
       FROM wire_feeds f JOIN wire_outlets o ON o.id = f.outlet_id WHERE ${where} ORDER BY f.next_poll_at, f.id`,
    params,
  );
  const outletWhere = opts.outlet ? 'o.slug = $1' : 'o.active AND NOT o.demo';
  const pending = await d.db.query<PageRow>(
    `SELECT ${PAGE_COLS} FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
      WHERE i.extract_status = 'pending' AND o.fetch_allowed AND ${outletWhere} ORDER BY i.id LIMIT 5000`,
    opts.outlet ? [opts.outlet] : [],
  );
  const outlets = new Map<number, OutletRunSummary>();
  const outletOf = (id: number, slug?: string, name?: string) => {
    let s = outlets.get(id);
    if (!s) outlets.set(id, (s = { slug: slug ?? '', name: name ?? '', feeds: 0, newItems: 0, extracted: 0, errors: [] }));
    return s;
  };
  const names = await d.db.query<{ id: number; slug: string; name: string }>('SELECT id, slug, name FROM wire_outlets WHERE id = ANY($1::int[])', [[...new Set([...feeds.map((f) => f.outlet_id), ...pending.map((p) => p.outlet_id)])]]);
  for (const n of names) outletOf(n.id, n.slug, n.name);

  let total = feeds.length + pending.length;
  let done = 0;
  let leftOver = 0;
  let pages = 0;
  let extracted = 0;
  let errors = 0;
  const tick = () => opts.onProgress?.(++done, total);
  const late = () => opts.deadline !== undefined && Date.now() > opts.deadline;
  const queuePage = (item: PageRow) => {
    pageTasks.push(
      (async () => {
        if (late()) {
          leftOver++;
          return tick();
        }
        const host = hostOf(item.url);
        if (gate.nextAllowed(host) - Date.now() > MAX_RETRY_AFTER_WAIT_MS) {
          leftOver++; // the host asked for a longer wait: left to a later run
          return tick();
        }
        pages++;
        const r = await fetchPage(d, gate, robots, pool, item).catch((e) => ({ ok: false, error: `unexpected: ${(e as Error).message}` }));
        const s = outletOf(item.outlet_id);
        if (r.ok) {
          extracted++;
          s.extracted++;
        } else if (r.error) {
          errors++;
          if (s.errors.length < 20) s.errors.push(`${item.url}: ${r.error}`);
        }
        tick();
      })(),
    );
  };
  for (const p of pending) queuePage(p);
  const feedTasks = feeds.map(async (feed) => {
    const s = outletOf(feed.outlet_id, feed.slug, feed.name);
    s.feeds++;
    if (late()) {
      leftOver++;
      return tick();
    }
    const r = await pollFeed(d, gate, feed).catch((e) => ({ fresh: [] as number[], error: `unexpected: ${(e as Error).message}` }));
    if (r.error) {
      errors++;
      s.errors.push(`${feed.url}: ${r.error}`);
    }
    s.newItems += r.fresh.length;
    // The new items get their stories while their pages are fetched (the text, when it comes, is not
    // needed: headline and summary are what most items carry).
    if (r.fresh.length) await scheduleWireCluster(d.db).catch((err) => d.log.warn('wire: cluster run not queued', { err }));
    if (r.fresh.length && feed.fetch_allowed) {
      const rows = await d.db.query<PageRow>(`SELECT ${PAGE_COLS} FROM wire_items i WHERE i.id = ANY($1::bigint[]) AND i.extract_status = 'pending' ORDER BY i.id`, [r.fresh]);
      total += rows.length;
      for (const row of rows) queuePage(row);
    }
    tick();
  });
  await Promise.all(feedTasks);
  // Page tasks are added while feeds finish; wait until no more come.
  for (let seen = 0; seen < pageTasks.length; ) {
    const batch = pageTasks.slice(seen);
    seen = pageTasks.length;
    await Promise.all(batch);
  }
  // WebSub: subscribe to the hubs feeds advertise and renew leases running out (WIRE_WEBSUB; failures are kept on the feed).
  if (!opts.outlet) await maintainWebsub(d).catch((err) => d.log.warn('websub maintenance failed', { err }));
  const list = [...outlets.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { feeds: feeds.length, newItems: list.reduce((n, s) => n + s.newItems, 0), pages, extracted, errors, outlets: list, leftOver };
}

/** How long one background poll run may keep starting requests (below the job queue's 5-minute lease). */
const RUN_BUDGET_MS = 4 * 60_000;

/** The job: one poll run over every due feed and pending page. */
export async function wirePollJob(d: WireDeps): Promise<void> {
  const r = await pollWire(d, { deadline: Date.now() + RUN_BUDGET_MS });
  if (r.feeds || r.pages) d.log.info('wire poll', { feeds: r.feeds, new_items: r.newItems, pages: r.pages, extracted: r.extracted, errors: r.errors, left_over: r.leftOver });
}

/** Queue a poll run when there is something to do (a feed due, a page pending); one at a time. */
export async function scheduleWirePoll(db: Db): Promise<boolean> {
  const due = await db.one(
    `SELECT 1 FROM wire_feeds f JOIN wire_outlets o ON o.id = f.outlet_id WHERE o.active AND NOT o.demo AND f.next_poll_at <= now()
     UNION ALL
     SELECT 1 FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
      WHERE i.extract_status = 'pending' AND o.active AND o.fetch_allowed AND NOT o.demo
     LIMIT 1`,
  );
  if (!due) return false;
  return (await enqueue(db, WIRE_POLL_JOB, {}, { dedupeKey: WIRE_POLL_JOB, maxAttempts: 3 })) !== null;
}

/** `serve`'s wire clock: once a minute, queue a poll run when something is due. */
export function startWireScheduler(d: WireDeps, intervalMs = 60_000): { stop(): Promise<void> } {
  let stopped = false;
  let warmed = false;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    const first = !warmed;
    warmed = true;
    running = scheduleWirePoll(d.db)
      // On start, a cluster run builds the stories' state and clusters what a crash left unclustered.
      .then(() => scheduleWireCluster(d.db, { warm: first }))
      .then(() => undefined)
      .catch((err) => d.log.warn('wire scheduler tick failed', { err }));
  };
  const first = setTimeout(tick, 5000);
  const timer = setInterval(tick, intervalMs);
  first.unref?.();
  timer.unref?.();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
