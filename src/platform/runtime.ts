// What one process keeps between calls, made once at start-up (buildDeps, or a test's own) and passed
// down in deps, instead of state at module level: a signal that shutdown raises, work that shutdown
// waits for, and named slots a domain keeps its per-process state in (the delivery engine's running
// sends and rate schedule). Two Runtimes in one process (two test apps) share nothing.

export interface Runtime {
  /** Aborted when the process starts shutting down: long work stops at its next safe point. */
  readonly stopping: AbortSignal;
  /** This process's value for `key`, made by `init` on first use. */
  local<T>(key: string, init: () => T): T;
  /** Shutdown waits for `work` (its failure is the worker's to report). */
  track<T>(work: Promise<T>): Promise<T>;
  /**
   * Raise `stopping` and wait for all tracked work; idempotent. `reason` (the first one given) is
   * what a stopped command tells its caller, e.g. "the server stopped" or "stopped by SIGTERM".
   */
  shutdown(reason?: string): Promise<void>;
  /** The reason given to the first shutdown() (null while running, or when none was given). */
  readonly stopReason: string | null;
}

export function createRuntime(): Runtime {
  const abort = new AbortController();
  const slots = new Map<string, unknown>();
  const work = new Set<Promise<unknown>>();
  let done: Promise<void> | null = null;
  let reason: string | null = null;
  return {
    stopping: abort.signal,
    get stopReason() {
      return reason;
    },
    local<T>(key: string, init: () => T): T {
      if (!slots.has(key)) slots.set(key, init());
      return slots.get(key) as T;
    },
    track<T>(p: Promise<T>): Promise<T> {
      const settled = p.then(
        () => {},
        () => {},
      );
      work.add(settled);
      void settled.then(() => work.delete(settled));
      return p;
    },
    shutdown(why?: string) {
      if (!done && why) reason = why;
      done ??= (async () => {
        abort.abort();
        // Work tracked while waiting (a send joined at the last moment) is waited for too.
        while (work.size) await Promise.all([...work]);
      })();
      return done;
    },
  };
}

/**
 * One turn of the event loop. PGlite answers queries in microtasks, so a loop of statements on the
 * embedded database never lets timers, I/O or signal handlers run; long loops (imports) await this
 * every few rows, so that SIGTERM is heard and, in the server, other requests are answered.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
