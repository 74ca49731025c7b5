// The claimer: which rows of an edition go to a worker next. Rows go out in id order from a cursor
// (the highest id handed out), so each read starts where the last one ended instead of walking past
// every row already sent. Below the cursor only two kinds of row can still be queued:
//   - retries: a temporary failure set their next_attempt_at; read when the cursor's read comes up
//     short, and at least every RETRY_READ_EVERY_MS;
//   - rows handed out but never attempted (the connection broke first, or the run stopped): given
//     back, and handed out again first, read by id.
// `inFlight` holds the rows handed to a worker and not yet recorded. They are still 'queued' in the
// store, so a crash leaves them to the next runner, whose cursor starts again at 0.
//
// MAIL_RATE_PER_WINDOW: before handing out rows the claimer counts what was sent in the window plus
// what is in flight in every run of this process (`WindowShared`, kept in deps.runtime), under a lock
// so no other run hands out rows between the count and this one.
//
// The claimer knows the database only through `ClaimStore` (below); store.ts is the SQL one, and
// test/delivery-claimer.test.ts drives it over one in memory.

/** A row handed to a worker, with what its message needs. `ok` false: unsubscribed or suppressed since. */
export interface Claimed {
  id: number;
  person_id: number;
  attempts: number;
  email: string;
  name: string;
  ok: boolean;
  /** The recipient's access for the version of the email they get: 0 no account, 1 an account, 2 paying (absent: 0). */
  tier?: 0 | 1 | 2;
}

/** What the claimer reads. Every read returns nothing once the edition is no longer sending. */
export interface ClaimStore {
  /** Queued rows with id > `after` that are due (next_attempt_at <= now), in id order. */
  after(after: number, limit: number): Promise<Claimed[]>;
  /** The queued rows among `ids`, in id order. */
  byIds(ids: number[], limit: number): Promise<Claimed[]>;
  /** Due retries (next_attempt_at set and <= now) with id <= `upTo`, not in `exclude`, in id order. */
  dueRetries(upTo: number, exclude: number[], limit: number): Promise<Claimed[]>;
  /** Messages recorded as sent in the last `seconds`. */
  sentInWindow(seconds: number): Promise<number>;
  /**
   * Whether the edition is still sending, and its queued rows not in `exclude`: all of them
   * (`retriesOnly` false), or only those waiting for a retry, with the wait until the earliest is due.
   */
  left(exclude: number[], retriesOnly: boolean): Promise<{ sending: boolean; queued: number; waitMs: number }>;
}

/** Shared by every run in one process: the rows in flight, and the window lock. */
export interface WindowShared {
  inFlight: Set<Set<number>>;
  lock: Promise<unknown>;
}

export const newWindowShared = (): WindowShared => ({ inFlight: new Set(), lock: Promise.resolve() });

export interface ClaimerOptions {
  batchSize: number;
  connections: number;
  /** 0 = no window. */
  ratePerWindow: number;
  windowSeconds: number;
  now?: () => number;
  /** Waits (cut short when the run stops). */
  sleep: (ms: number) => Promise<void>;
  /** Waits until something is recorded, at most `ms`. */
  waitProgress: (ms: number) => Promise<void>;
  /** True once the run stops. */
  stopped: () => boolean;
  /** The edition is no longer sending (paused or cancelled elsewhere): stop the run. */
  halt: () => void;
  /** Told when the window is full and the claimer waits. */
  onWindowFull?: () => void;
}

/** The worker's own batch is in flight and nothing else is queued: ask again once it is recorded. */
export const LATER = Symbol('later');
const WINDOW_FULL = Symbol('window full');
export const RETRY_READ_EVERY_MS = 10_000;

export class Claimer {
  /** Handed out, not yet recorded. */
  readonly inFlight = new Set<number>();
  /** Handed out, never attempted: to hand out again. */
  private readonly givenBack = new Set<number>();
  private cursor = 0;
  /** A resumed or taken-over send looks at its due retries first. */
  private lastRetryRead = -Infinity;
  private claiming: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(
    private readonly store: ClaimStore,
    private readonly opts: ClaimerOptions,
    private readonly shared: WindowShared,
  ) {
    this.now = opts.now ?? Date.now;
    shared.inFlight.add(this.inFlight);
  }

  /** The run is over: its rows no longer count against the window. */
  close() {
    this.shared.inFlight.delete(this.inFlight);
  }

  /** A row's result is recorded. */
  settled(id: number) {
    this.inFlight.delete(id);
  }

  /** A row was not attempted (it is still queued as it was): hand it out again. */
  giveBack(id: number) {
    this.inFlight.delete(id);
    this.givenBack.add(id);
  }

  /** Rows handed out that this run will not send: nothing to write, they are still queued. */
  release(rows: Claimed[]) {
    for (const r of rows) this.inFlight.delete(r.id);
  }

  /**
   * The next batch for a worker; null when there is nothing more for it (or the run stops). LATER
   * when the worker's own batch is in flight and nothing else is queued now: a temporary failure in
   * that batch may put rows back, so it asks again once its batch is recorded. A worker with nothing
   * in flight leaves once nothing is queued; the others finish their own rows, retries included.
   */
  async next(ownInFlight: boolean): Promise<Claimed[] | null | typeof LATER> {
    const { store, opts } = this;
    while (!opts.stopped()) {
      const rows = await this.take(opts.batchSize);
      if (rows === WINDOW_FULL) {
        if (ownInFlight) return LATER;
        // Leave if nothing more is queued (a walk of the edition's rows, only while the window is
        // full); else wait for the window to move on.
        const left = await store.left([...this.inFlight], false);
        if (!left.sending) {
          opts.halt();
          return null;
        }
        if (left.queued === 0) return null;
        opts.onWindowFull?.();
        await opts.sleep(Math.min(5000, opts.windowSeconds * 1000));
        continue;
      }
      if (rows.length) return rows;
      // Nothing to hand out now. What is still queued and not in flight is a retry not yet due (take
      // just read the cursor to its end and the due retries), or a row given back since.
      const left = await store.left([...this.inFlight], true);
      if (!left.sending) {
        opts.halt();
        return null;
      }
      if (this.givenBack.size) continue;
      if (left.queued === 0) return ownInFlight ? LATER : null;
      if (ownInFlight) return LATER;
      // Rows waiting for a retry: wait until the earliest is due (at most a second).
      await opts.waitProgress(Math.max(20, Math.min(1000, left.waitMs)));
    }
    return null;
  }

  /** One claim at a time per run: each starts from where the last one left the cursor. */
  private take(batchSize: number): Promise<Claimed[] | typeof WINDOW_FULL> {
    const p = this.claiming.then(() => (this.opts.ratePerWindow > 0 ? this.windowed(() => this.handOut(batchSize, true)) : this.handOut(batchSize, false)));
    this.claiming = p.catch(() => {});
    return p;
  }

  private windowed<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.shared.lock.then(fn);
    this.shared.lock = p.catch(() => {});
    return p;
  }

  private async handOut(batchSize: number, window: boolean): Promise<Claimed[] | typeof WINDOW_FULL> {
    const { store, opts } = this;
    let limit = batchSize;
    if (window) {
      // The in-flight count is taken before the read, so a batch recorded in between counts twice
      // (never zero times).
      let flying = 0;
      for (const set of this.shared.inFlight) flying += set.size;
      const left = opts.ratePerWindow - (await store.sentInWindow(opts.windowSeconds)) - flying;
      if (left <= 0) return WINDOW_FULL;
      limit = Math.max(1, Math.min(limit, Math.ceil(left / opts.connections)));
    }
    let rows: Claimed[] = [];
    if (this.givenBack.size) {
      const ids = [...this.givenBack].slice(0, limit);
      for (const id of ids) this.givenBack.delete(id);
      rows = await store.byIds(ids, limit);
    }
    // Retries first when they are due for a look, else only once the cursor has nothing more.
    const retriesDue = this.now() - this.lastRetryRead >= RETRY_READ_EVERY_MS;
    if (!retriesDue && rows.length < limit) rows = rows.concat(await this.fromCursor(limit - rows.length));
    if (rows.length < limit) {
      this.lastRetryRead = this.now();
      const exclude = [...this.inFlight, ...this.givenBack, ...rows.map((r) => r.id)];
      // Only at or below the cursor: rows above it are the cursor read's (which takes due retries
      // too), so a row never comes back from both reads.
      rows = rows.concat(await store.dueRetries(this.cursor, exclude, limit - rows.length));
    }
    if (retriesDue && rows.length < limit) rows = rows.concat(await this.fromCursor(limit - rows.length));
    for (const r of rows) this.inFlight.add(r.id);
    return rows;
  }

  private async fromCursor(limit: number): Promise<Claimed[]> {
    const rows = await this.store.after(this.cursor, limit);
    if (rows.length) this.cursor = rows[rows.length - 1]!.id;
    return rows;
  }
}
