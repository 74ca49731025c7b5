// The one fixed-window limiter: at most `limit` hits per key per window (the first hit opens the
// window). Used per client address and per email address by the newsletter sign-up and the
// newsroom's sign-in, and per client by the Content APIs. One process serves the embedded database,
// so WindowLimiter keeps its counts in memory (a restart starts the windows again; expired windows
// are swept every thousand hits, so memory follows the keys seen within one window). On PostgreSQL,
// where several `serve` processes may share the database, sharedLimiter() gives a PgLimiter that
// keeps the count in the database, so the limit holds across the processes.
export class WindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private calls = 0;

  /** `limit` hits per `windowMs` per key; a limit of 0 allows everything. */
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Count a hit; false when the key is over its limit for the current window. */
  hit(key: string, now: Date | number = Date.now()): boolean {
    return this.count(key, now).ok;
  }

  /** Count a hit and say where the key stands: within the limit, hits left, when its window ends. */
  count(key: string, now: Date | number = Date.now()): LimitState {
    const t = typeof now === 'number' ? now : now.getTime();
    if (this.limit <= 0) return { ok: true, remaining: Infinity, resetAt: t };
    if (++this.calls % 1000 === 0) this.sweep(t);
    const w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      this.windows.set(key, { count: 1, resetAt: t + this.windowMs });
      return { ok: true, remaining: this.limit - 1, resetAt: t + this.windowMs };
    }
    w.count++;
    return { ok: w.count <= this.limit, remaining: Math.max(0, this.limit - w.count), resetAt: w.resetAt };
  }

  /** Whether the key is over its limit in the current window, without counting a hit. */
  over(key: string, now: Date | number = Date.now()): boolean {
    if (this.limit <= 0) return false;
    const t = typeof now === 'number' ? now : now.getTime();
    const w = this.windows.get(key);
    return Boolean(w && w.resetAt > t && w.count >= this.limit);
  }

  /** The same count behind the shared interface. */
  async take(key: string, now: Date | number = Date.now()): Promise<LimitState> {
    return this.count(key, now);
  }

  /** How many keys have an open window (tests). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
  }
}

export interface LimitState {
  ok: boolean;
  remaining: number;
  /** When the key's window ends (ms since the epoch). */
  resetAt: number;
}

/** A limiter several processes may share (PgLimiter), or one process alone (WindowLimiter). */
export interface SharedLimiter {
  readonly limit: number;
  readonly windowMs: number;
  take(key: string, now?: Date | number): Promise<LimitState>;
}

/** The part of the Db interface this needs (platform/ does not import db/). */
interface Queryable {
  one(sql: string, params?: unknown[]): Promise<any>;
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

/**
 * The fixed window kept in PostgreSQL (table rate_limits, UNLOGGED: counts need no crash safety),
 * for several `serve` processes on one server: one upsert per hit, so every process sees one count
 * per key. `scope` keeps limiters apart ("content", "signup-ip", ...). Expired rows are deleted
 * every thousand hits. If the database cannot be reached the hit is allowed (the request will fail
 * on its own query anyway; a limiter must not turn an outage into 429s).
 */
export class PgLimiter implements SharedLimiter {
  private calls = 0;
  constructor(private readonly db: Queryable, readonly scope: string, readonly limit: number, readonly windowMs: number) {}

  async take(key: string, now: Date | number = Date.now()): Promise<LimitState> {
    const t = typeof now === 'number' ? now : now.getTime();
    if (this.limit <= 0) return { ok: true, remaining: Infinity, resetAt: t };
    const k = `${this.scope}:${key}`.slice(0, 500);
    try {
      if (++this.calls % 1000 === 0) await this.db.query(`DELETE FROM rate_limits WHERE reset_at <= $1`, [new Date(t)]);
      const row: { count: number; reset_at: Date } | undefined = await this.db.one(
        `INSERT INTO rate_limits (key, count, reset_at) VALUES ($1, 1, $2::timestamptz + make_interval(secs => $3::float8 / 1000))
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.count + 1 END,
           reset_at = CASE WHEN rate_limits.reset_at <= $2 THEN EXCLUDED.reset_at ELSE rate_limits.reset_at END
         RETURNING count, reset_at`,
        [k, new Date(t), this.windowMs],
      );
      const count = row!.count;
      return { ok: count <= this.limit, remaining: Math.max(0, this.limit - count), resetAt: new Date(row!.reset_at).getTime() };
    } catch {
      return { ok: true, remaining: this.limit, resetAt: t + this.windowMs };
    }
  }
}

/** The limiter for a deployment: in PostgreSQL when several processes may serve (a server), else in memory. */
export function sharedLimiter(db: Queryable & { kind: string }, scope: string, limit: number, windowMs: number): SharedLimiter {
  return db.kind === 'postgres' ? new PgLimiter(db, scope, limit, windowMs) : new WindowLimiter(limit, windowMs);
}
