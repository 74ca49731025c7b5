// Fixed-window counters in memory, for the sign-up endpoints: per client address and per email
// address. One process serves the embedded database; on PostgreSQL with several processes each keeps
// its own counts (the per-address limit then multiplies by the number of processes; the verification
// job's dedupe key still allows at most one queued verification email per person at a time).
export class WindowLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  private calls = 0;

  /** `limit` hits per `windowMs` per key; a limit of 0 allows everything. */
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Count a hit; false when the key is over its limit for the current window. */
  hit(key: string, now: number = Date.now()): boolean {
    if (this.limit <= 0) return true;
    if (++this.calls % 1000 === 0) this.sweep(now);
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
      return true;
    }
    entry.count++;
    return entry.count <= this.limit;
  }

  private sweep(now: number): void {
    for (const [k, e] of this.hits) if (e.resetAt <= now) this.hits.delete(k);
  }
}
