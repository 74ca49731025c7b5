// The one fixed-window limiter, in memory: at most `limit` hits per key per window (the first hit
// opens the window). Used per client address and per email address by the newsletter sign-up and
// the newsroom's sign-in. One process serves the embedded database; on PostgreSQL with several
// processes each keeps its own counts (each then allows the whole limit; for sign-ups the
// verification job's dedupe key still allows one queued email per person), and a restart simply
// starts the windows again. Expired windows are swept every
// thousand hits, so memory follows the keys seen within one window.
export class WindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private calls = 0;

  /** `limit` hits per `windowMs` per key; a limit of 0 allows everything. */
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Count a hit; false when the key is over its limit for the current window. */
  hit(key: string, now: Date | number = Date.now()): boolean {
    if (this.limit <= 0) return true;
    const t = typeof now === 'number' ? now : now.getTime();
    if (++this.calls % 1000 === 0) this.sweep(t);
    const w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      this.windows.set(key, { count: 1, resetAt: t + this.windowMs });
      return true;
    }
    w.count++;
    return w.count <= this.limit;
  }

  /** How many keys have an open window (tests). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
  }
}
