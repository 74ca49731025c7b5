// Polite requests for the wire: every one through guardedFetch (private-address guard, deadline,
// size limit after decompression, bounded redirects), at most one at a time per host with a
// minimum gap between them, a bounded number of hosts at once, Retry-After honoured, and robots.txt
// read (and kept for a day) before an article page is fetched.
import { lazyPackage } from '../platform/lazy.ts';
import type { Db } from '../db/index.ts';
import type { WireConfig } from '../config.ts';
import { FetchError, guardedFetch, type GuardedResponse } from '../platform/guarded-fetch.ts';
import { hostOf } from './urls.ts';

/** The longest Retry-After a poll run waits out; a longer one is left to the next poll. */
export const MAX_RETRY_AFTER_WAIT_MS = 60_000;
const ROBOTS_TTL_MS = 24 * 3600 * 1000;

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/** A host that asked us to come back later than this poll run will wait. */
export class HostBackoffError extends Error {
  constructor(readonly host: string, readonly until: Date, why: string) {
    super(`${host} asked us to wait until ${until.toISOString()} (${why}); left to a later poll`);
    this.name = 'HostBackoffError';
  }
}

interface HostState {
  tail: Promise<unknown>;
  /** Epoch ms before which no request to the host starts. */
  next: number;
}

/** The longest a request holds its host in wire_hosts before another process may go ahead anyway (a process that died mid-request). */
const HOST_LEASE_MAX_MS = 30_000;

/**
 * One per poll run (or per serving process): queues per host, a gap after each request, and a limit
 * on requests in flight over all hosts. The host's Retry-After is also written to wire_hosts, so the
 * next run (or another process) honours it. With a gap (WIRE_HOST_GAP_MS > 0) each request also
 * claims its host in wire_hosts first, so two processes (two poll runs, a `wire poll` beside `serve`)
 * keep one request at a time per host and the gap between them: the claim sets next_allowed_at to a
 * lease (the request's timeout, at most 30 s) only if it has passed, and the request's end sets it to
 * now + gap. Times are the database's, the one clock all processes share.
 */
export class HostGate {
  private hosts = new Map<string, HostState>();
  private inFlight = 0;
  private waiting: Array<() => void> = [];

  /** `leaseMs`: how long one request may take (the request timeout). */
  constructor(
    private readonly db: Db,
    private readonly gapMs: number,
    private readonly concurrency: number,
    private readonly leaseMs = 20_000,
  ) {}

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) this.hosts.set(host, (s = { tail: Promise.resolve(), next: 0 }));
    return s;
  }

  /** Load the hosts' stored waits (Retry-After from earlier runs). */
  async load(): Promise<void> {
    const rows = await this.db.query<{ host: string; next_allowed_at: Date }>('SELECT host, next_allowed_at FROM wire_hosts WHERE next_allowed_at > now()');
    for (const r of rows) this.state(r.host).next = Math.max(this.state(r.host).next, new Date(r.next_allowed_at).getTime());
  }

  /** When the host may next be asked (epoch ms). */
  nextAllowed(host: string): number {
    return this.hosts.get(host)?.next ?? 0;
  }

  async delay(host: string, until: number): Promise<void> {
    const s = this.state(host);
    s.next = Math.max(s.next, until);
    await this.db.query(
      `INSERT INTO wire_hosts (host, next_allowed_at) VALUES ($1, $2)
       ON CONFLICT (host) DO UPDATE SET next_allowed_at = greatest(wire_hosts.next_allowed_at, excluded.next_allowed_at)`,
      [host, new Date(until)],
    );
  }

  private async slot(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  /**
   * Claims the host in wire_hosts for one request, waiting while another process holds it or its gap
   * runs; returns the lease (as the database wrote it) to hand back to `releaseHost`.
   */
  private async claimHost(host: string, maxWaitMs: number, leaseMs: number): Promise<string> {
    for (;;) {
      const row = await this.db.one<{ lease: string }>(
        `INSERT INTO wire_hosts (host, next_allowed_at) VALUES ($1, now() + $2 * interval '1 millisecond')
         ON CONFLICT (host) DO UPDATE SET next_allowed_at = excluded.next_allowed_at WHERE wire_hosts.next_allowed_at <= now()
         RETURNING next_allowed_at::text AS lease`,
        [host, leaseMs],
      );
      if (row) return row.lease;
      const w = await this.db.one<{ wait_ms: number; until: Date }>(
        `SELECT greatest(0, extract(epoch FROM next_allowed_at - now()) * 1000)::float8 AS wait_ms, next_allowed_at AS until FROM wire_hosts WHERE host = $1`,
        [host],
      );
      if (!w) continue;
      const wait = Number(w.wait_ms);
      if (wait > maxWaitMs) {
        const until = new Date(w.until);
        const st = this.state(host);
        st.next = Math.max(st.next, until.getTime());
        throw new HostBackoffError(host, until, 'Retry-After, or another process');
      }
      // Another process's request ends its lease early: look again soon rather than sleeping it out.
      await sleep(Math.max(5, Math.min(wait, Math.max(25, this.gapMs / 2))));
    }
  }

  /** The request is over: the host is free again after the gap (unless someone stored a longer wait meanwhile). */
  private async releaseHost(host: string, lease: string): Promise<void> {
    await this.db.query(
      `UPDATE wire_hosts SET next_allowed_at = now() + $2 * interval '1 millisecond' WHERE host = $1 AND next_allowed_at = $3::timestamptz`,
      [host, this.gapMs, lease],
    );
  }

  /** Run `fn` when the host is free and its gap has passed; refuses when the host's wait is beyond `maxWaitMs`. */
  run<T>(url: string, fn: () => Promise<T>, maxWaitMs = MAX_RETRY_AFTER_WAIT_MS): Promise<T> {
    const host = hostOf(url);
    const s = this.state(host);
    const job = s.tail.then(async () => {
      const wait = s.next - Date.now();
      if (wait > maxWaitMs) throw new HostBackoffError(host, new Date(s.next), 'Retry-After');
      if (wait > 0) await sleep(wait);
      const lease = this.gapMs > 0 ? await this.claimHost(host, maxWaitMs, Math.min(this.leaseMs, HOST_LEASE_MAX_MS) + this.gapMs) : null;
      try {
        await this.slot();
        try {
          return await fn();
        } finally {
          this.release();
          s.next = Math.max(s.next, Date.now() + this.gapMs);
        }
      } finally {
        if (lease !== null) await this.releaseHost(host, lease).catch(() => undefined);
      }
    });
    s.tail = job.catch(() => undefined);
    return job;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

export interface WireFetchOptions {
  headers?: Record<string, string>;
  accept: string;
  maxBytes?: number;
}

/**
 * GET through the gate. A 429 or 503 with a Retry-After of up to a minute is waited out and asked
 * again (twice at most); a longer one (or none) is stored for the host and comes back as the response.
 */
export function wireGet(gate: HostGate, cfg: WireConfig, url: string, o: WireFetchOptions): Promise<GuardedResponse> {
  return wireFetch(gate, cfg, url, o, async (res) => res);
}

/**
 * wireGet, and `use` of the final response while the request still holds its host and its place
 * among the requests in flight: what is done with a body (a page extracted and stored) counts
 * against WIRE_CONCURRENCY, so bodies never pile up faster than they are used, and the host's gap
 * starts when its body has been dealt with.
 */
export async function wireFetch<T>(gate: HostGate, cfg: WireConfig, url: string, o: WireFetchOptions, use: (res: GuardedResponse) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const r = await gate.run(url, async (): Promise<{ retryIn: number } | { value: T; backoff: number | null }> => {
      const res = await guardedFetch(url, {
        headers: { 'user-agent': cfg.userAgent, accept: o.accept, ...o.headers },
        timeoutMs: cfg.timeoutMs,
        maxBytes: o.maxBytes ?? cfg.maxBytes,
        maxRedirects: cfg.maxRedirects,
        allowPrivate: cfg.allowPrivate,
      });
      if (res.status !== 429 && res.status !== 503) return { value: await use(res), backoff: null };
      const ra = retryAfterMs(res.headers['retry-after']);
      if (ra !== null && ra <= MAX_RETRY_AFTER_WAIT_MS && attempt < 3) return { retryIn: ra };
      // No Retry-After: back off from this host for a while anyway (a minute, doubling per attempt).
      return { value: await use(res), backoff: ra ?? 60_000 * attempt };
    });
    if ('retryIn' in r) {
      await gate.delay(hostOf(url), Date.now() + r.retryIn);
      continue;
    }
    if (r.backoff !== null) await gate.delay(hostOf(url), Date.now() + r.backoff);
    return r.value;
  }
}

/** Explain a failed request in words an editor can act on. */
export function describeFetchError(e: unknown): string {
  if (e instanceof HostBackoffError) return e.message;
  if (e instanceof FetchError) {
    switch (e.code) {
      case 'timeout':
        return `no complete answer in time (${e.message})`;
      case 'too_large':
        return `the answer is too large (${e.message})`;
      case 'too_many_redirects':
        return `too many redirects (${e.message}): a redirect loop?`;
      case 'private_address':
        return `${e.message} (set WIRE_ALLOW_PRIVATE=true to allow local feeds)`;
      case 'bad_url':
        return e.message;
      default:
        return `network error: ${e.message}`;
    }
  }
  return (e as Error)?.message ?? String(e);
}

interface Robots {
  isAllowed(url: string, ua?: string): boolean | undefined;
}
// The package's typings declare an ambient module that TypeScript's NodeNext resolution cannot call.
const robotsParserPackage = lazyPackage<(url: string, body: string) => Robots>('robots-parser');
const robotsParser = (url: string, body: string): Robots => robotsParserPackage()(url, body);

/** robots.txt per host: fetched through the gate, kept a day in wire_hosts. Missing (4xx) allows everything; unreachable (5xx, network) refuses for now. */
export class RobotsCache {
  private memo = new Map<string, Promise<Robots | 'unreachable'>>();
  constructor(private readonly db: Db, private readonly gate: HostGate, private readonly cfg: WireConfig) {}

  private load(origin: string): Promise<Robots | 'unreachable'> {
    const robotsUrl = origin + '/robots.txt';
    const host = hostOf(robotsUrl);
    return (async () => {
      const row = await this.db.one<{ robots_txt: string | null; robots_fetched_at: Date | null }>('SELECT robots_txt, robots_fetched_at FROM wire_hosts WHERE host = $1', [host]);
      if (row?.robots_fetched_at && Date.now() - new Date(row.robots_fetched_at).getTime() < ROBOTS_TTL_MS) return robotsParser(robotsUrl, row.robots_txt ?? '');
      let body: string;
      try {
        const res = await wireGet(this.gate, this.cfg, robotsUrl, { accept: 'text/plain,*/*;q=0.1', maxBytes: 512 * 1024 });
        if (res.status >= 500 || res.status === 429) return 'unreachable';
        body = res.status >= 200 && res.status < 300 ? res.body.toString('utf8') : '';
      } catch (e) {
        if (e instanceof FetchError && e.code === 'too_large') body = '';
        else return 'unreachable';
      }
      await this.db.query(
        `INSERT INTO wire_hosts (host, robots_txt, robots_fetched_at) VALUES ($1, $2, now())
         ON CONFLICT (host) DO UPDATE SET robots_txt = excluded.robots_txt, robots_fetched_at = excluded.robots_fetched_at`,
        [host, body],
      );
      return robotsParser(robotsUrl, body);
    })();
  }

  /** 'allowed', 'disallowed', or 'unreachable' (try again later). */
  async check(url: string): Promise<'allowed' | 'disallowed' | 'unreachable'> {
    const origin = new URL(url).origin;
    let p = this.memo.get(origin);
    if (!p) this.memo.set(origin, (p = this.load(origin)));
    const r = await p;
    if (r === 'unreachable') return 'unreachable';
    return r.isAllowed(url, this.cfg.userAgent) === false ? 'disallowed' : 'allowed';
  }
}
