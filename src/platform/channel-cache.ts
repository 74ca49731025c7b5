// Values kept in memory until the database says they changed: a keyed map (a single value is a map of
// one key) whose every entry is dropped when one of the given change channels speaks
// (src/platform/channels.ts), from this process (at once, after commit) or another one on the same
// PostgreSQL server (LISTEN), with an optional time to live and a size bound. Every cache that a
// channel clears is one of these; the page cache (src/web/page-cache.ts) is the exception, since it
// drops by payload (STORY_CHANNEL's slugs), stores by generation and its listeners do more (src/server.ts).
//
// Rules it keeps so that its users need not:
// - It listens once per cache (and `channelCache(...).of(db)` makes one cache per database handle),
//   on every channel with one handler, so a retried listen never adds a second one.
// - Nothing is kept until every listen has succeeded: a change announced before the listener is in
//   place would be missed. If a listen fails, nothing is kept and everything kept is dropped (NO
//   caching, not the TTL: without the channel a kept value could be stale for as long as it lives);
//   a later use tries again, at most once a second.
// - What is kept is the promise of the value, from the moment its read starts: concurrent users share
//   one read, a channel message drops a read still in flight (so a value read before a change is never
//   kept after it), and a read that fails is not kept.
// - Entries older than `ttlMs` are read again; past `maxEntries` the oldest goes first (0: nothing kept).
import type { Db } from '../db/index.ts';

export interface ChannelCacheOptions {
  /** Any message on any of these drops everything kept. */
  channels: readonly string[];
  /** Entries older than this (ms) are read again; unset: kept until a channel speaks. */
  ttlMs?: number;
  /** At most this many entries, the oldest dropped first; 0 keeps nothing (every get reads). */
  maxEntries: number;
  /** The TTL's clock in ms (Date.now; tests give their own). */
  now?: () => number;
}

/** How long after a failed listen the next use tries again (ms). */
const RETRY_MS = 1000;

interface Entry<V> {
  at: number;
  value: Promise<V>;
}

export class ChannelCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private state: 'idle' | 'pending' | 'listening' | 'failed' = 'idle';
  private attempt: Promise<void> | null = null;
  private failedAt = 0;
  /** Moved on by close(): a listen attempt begun before it does not take effect. */
  private epoch = 0;
  private unlisten: Array<() => Promise<void>> = [];
  private readonly now: () => number;
  /** The one handler on every channel (the same function each time: the database's bus keeps a set). */
  private readonly drop = () => this.clear();

  constructor(private readonly db: Db, private readonly opts: ChannelCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** True once every channel is listened to (and entries may be kept). */
  get listening(): boolean {
    return this.state === 'listening';
  }

  /** How many entries are kept (reads in flight included). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Listen on the channels (once; a failed attempt is tried again on a later call). Rejects when a
   * listen fails: callers that must not start without it (the Content API) await it, others need not
   * call it at all (`get` does, and reads uncached until it has succeeded).
   */
  listen(): Promise<void> {
    if (this.state === 'listening') return Promise.resolve();
    if (this.attempt) return this.attempt;
    this.state = 'pending';
    const epoch = this.epoch;
    const attempt = Promise.all(this.opts.channels.map((c) => this.db.listen(c, this.drop))).then(
      (unlisten) => {
        if (epoch !== this.epoch) {
          // Closed meanwhile: let go of what this attempt listened to.
          void Promise.all(unlisten.map((u) => u())).catch(() => undefined);
          return;
        }
        this.unlisten = unlisten;
        this.state = 'listening';
        this.attempt = null;
      },
      (err) => {
        if (epoch !== this.epoch) throw err;
        this.state = 'failed';
        this.failedAt = this.now();
        this.attempt = null;
        this.clear();
        throw err;
      },
    );
    this.attempt = attempt;
    return attempt;
  }

  /** The kept value of `key`, or `read()`'s, kept unless a channel speaks before it is given up. */
  get(key: K, read: () => Promise<V>): Promise<V> {
    if (this.state !== 'listening') {
      if (this.state === 'idle' || (this.state === 'failed' && this.now() - this.failedAt >= RETRY_MS)) this.listen().catch(() => undefined);
      return read();
    }
    if (this.opts.maxEntries <= 0) return read();
    const t = this.now();
    const hit = this.entries.get(key);
    if (hit) {
      if (this.opts.ttlMs === undefined || t - hit.at < this.opts.ttlMs) return hit.value;
      this.entries.delete(key);
    }
    let value: Promise<V>;
    try {
      value = read();
    } catch (err) {
      return Promise.reject(err);
    }
    while (this.entries.size >= this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
    const entry: Entry<V> = { at: t, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Forget one key (its next get reads again). */
  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forget everything (what a channel message does). */
  clear(): void {
    this.entries.clear();
  }

  /** Stop listening and forget everything (a later get listens again). */
  async close(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = [];
    this.epoch++;
    this.attempt = null;
    this.state = 'idle';
    this.clear();
    await Promise.all(unlisten.map((u) => u()));
  }
}

/**
 * A cache per database handle, made on first use: `const SITE = channelCache<K, V>({...})` at module
 * level, then `SITE.of(deps.db).get(key, read)`. Each handle's cache listens once.
 */
export function channelCache<K, V>(opts: ChannelCacheOptions): { of(db: Db): ChannelCache<K, V> } {
  const byDb = new WeakMap<Db, ChannelCache<K, V>>();
  return {
    of(db) {
      let c = byDb.get(db);
      if (!c) byDb.set(db, (c = new ChannelCache<K, V>(db, opts)));
      return c;
    },
  };
}
