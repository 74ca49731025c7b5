// The recorder: one worker's results, written in bulk as the server answers, one recorder for all of a run's workers. Sent rows are one
// UPDATE (a HOT update: no index mentions the columns it changes, migration 007) that also counts
// them in delivery_counts for MAIL_RATE_PER_WINDOW; skipped, failed and retried rows are one UPDATE
// from unnest(). Temporary failures go back to the queue with exponential backoff until
// MAIL_MAX_ATTEMPTS; a row never attempted (the connection broke first, the run stopped) costs no
// attempt and is given back to the claimer. A worker's lane counts its in-flight messages (`unrecorded`): messages
// the server accepted that are not yet committed as sent (bounded by MAIL_INFLIGHT, worker.ts).
import type { Db } from '../../db/index.ts';
import type { DeliveryConfig } from '../../config.ts';
import type { SendStatus } from '../editions.ts';
import type { Claimed, Claimer } from './claimer.ts';
import type { SendResult } from './smtp.ts';

/** One worker's view of the run's recorder: its own counts, the shared writes. */
export interface Lane {
  /** Results of this worker not yet handed to a write. */
  readonly pending: number;
  /** Messages of this worker the server accepted that are not yet committed as sent. */
  readonly unrecorded: number;
  skip(r: Claimed): void;
  fail(r: Claimed, error: string): void;
  result(r: Claimed, res: SendResult): void;
  flush(): Promise<void>;
  check(): void;
}

interface LaneCounts {
  pending: number;
  unrecorded: number;
}

/**
 * A run's results, written in bulk for all its workers together: every `flush` is one UPDATE for the
 * sent rows and one for the rest (skipped, failed, retried), run one after the other. Each worker
 * counts its own (`lane()`): a flush asked for by one worker writes every worker's results, so four
 * connections cost one statement where they would cost four, and each keeps its own in-flight window.
 */
export class Recorder {
  private sent: number[] = [];
  private sentLanes: LaneCounts[] = [];
  private readonly lanes = new Set<LaneCounts>();
  private ids: number[] = [];
  private sts: string[] = [];
  private errs: string[] = [];
  private delays: number[] = [];
  private failures: boolean[] = [];
  private pending = 0;
  private chain: Promise<void> = Promise.resolve();
  private error: unknown = null;

  constructor(
    private readonly db: Db,
    private readonly cfg: Pick<DeliveryConfig, 'maxAttempts' | 'retryBaseSeconds'>,
    private readonly status: SendStatus,
    private readonly claimer: Pick<Claimer, 'settled' | 'giveBack'>,
    private readonly after: (r: { failures: boolean[]; error: unknown }) => Promise<void>,
  ) {}

  /** A worker's lane. */
  lane(): Lane {
    const c: LaneCounts = { pending: 0, unrecorded: 0 };
    this.lanes.add(c);
    return {
      get pending() {
        return c.pending;
      },
      get unrecorded() {
        return c.unrecorded;
      },
      skip: (r) => this.skip(r, c),
      fail: (r, error) => this.fail(r, error, c),
      result: (r, res) => this.result(r, res, c),
      flush: () => this.flush(),
      check: () => this.check(),
    };
  }

  private other(c: LaneCounts, id: number, st: string, err: string, delay = 0) {
    this.ids.push(id);
    this.sts.push(st);
    this.errs.push(err.slice(0, 500));
    this.delays.push(delay);
    this.pending++;
    c.pending++;
  }

  private skip(r: Claimed, c: LaneCounts) {
    this.other(c, r.id, 'skipped', 'unsubscribed or suppressed before sending');
  }

  private fail(r: Claimed, error: string, c: LaneCounts) {
    this.other(c, r.id, 'failed', error);
    this.failures.push(true);
  }

  private result(r: Claimed, res: SendResult, c: LaneCounts) {
    if (res.ok) {
      this.sent.push(r.id);
      this.sentLanes.push(c);
      this.pending++;
      c.pending++;
      c.unrecorded++;
      this.failures.push(false);
      return;
    }
    // `attempts` counts the attempts recorded before this one.
    const attempt = r.attempts + 1;
    if (res.notAttempted) {
      // Never started (the connection broke first, or the run stopped): still queued as it was;
      // handed out again by this run (or, if it stops, read by the next one from its cursor).
      this.claimer.giveBack(r.id);
    } else if (res.temporary && attempt < this.cfg.maxAttempts) {
      this.other(c, r.id, 'queued', res.error, this.cfg.retryBaseSeconds * 2 ** (attempt - 1) * (1 + Math.random() * 0.1));
      this.failures.push(true);
    } else {
      this.other(c, r.id, 'failed', res.temporary ? `gave up after ${attempt} attempts: ${res.error}` : res.error);
      this.failures.push(true);
    }
  }

  /** Write what is pending (after whatever is being written); resolves when all of it is committed. */
  flush(): Promise<void> {
    if (!this.pending) return this.chain;
    const sent = this.sent;
    const ids = this.ids;
    const sts = this.sts;
    const errs = this.errs;
    const delays = this.delays;
    const failures = this.failures;
    const sentLanes = this.sentLanes;
    this.sentLanes = [];
    for (const c of this.lanes) c.pending = 0;
    this.sent = [];
    this.ids = [];
    this.sts = [];
    this.errs = [];
    this.delays = [];
    this.failures = [];
    this.pending = 0;
    this.chain = this.chain.then(async () => {
      if (!this.error) {
        try {
          await this.write(sent, ids, sts, errs, delays);
        } catch (e) {
          this.error = e;
        }
      }
      for (const c of sentLanes) c.unrecorded--;
      for (const id of sent) this.claimer.settled(id);
      for (const id of ids) this.claimer.settled(id);
      await this.after({ failures, error: this.error }).catch(() => {});
    });
    return this.chain;
  }

  /** Throws the error of a failed write, if any. */
  check() {
    if (this.error) throw this.error;
  }

  private async write(sent: number[], ids: number[], sts: string[], errs: string[], delays: number[]) {
    const { db, status } = this;
    if (sent.length) {
      // One statement: the rows (a HOT update: no index mentions these columns, migration 007) and
      // the count of this 10-second bucket for MAIL_RATE_PER_WINDOW.
      await db.query(
        `WITH done AS (
           UPDATE deliveries SET status = 'sent', sent_at = now(), attempts = attempts + 1
            WHERE id = ANY($1::bigint[]) RETURNING 1)
         INSERT INTO delivery_counts (bucket, sent)
         SELECT date_bin('10 seconds', now(), timestamptz '2000-01-01'), count(*) FROM done HAVING count(*) > 0
         ON CONFLICT (bucket) DO UPDATE SET sent = delivery_counts.sent + EXCLUDED.sent`,
        [sent],
      );
      status.sent += sent.length;
      status.queued -= sent.length;
    }
    if (ids.length) {
      await db.query(
        `UPDATE deliveries d SET status = x.st, last_error = x.err,
                attempts = CASE WHEN x.st = 'skipped' THEN d.attempts ELSE d.attempts + 1 END,
                next_attempt_at = CASE WHEN x.st = 'queued' THEN now() + make_interval(secs => x.delay) ELSE d.next_attempt_at END
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[]) AS x(id, st, err, delay)
          WHERE d.id = x.id`,
        [ids, sts, errs, delays],
      );
      const failed = sts.filter((s) => s === 'failed').length;
      const skipped = sts.filter((s) => s === 'skipped').length;
      status.failed += failed;
      status.skipped += skipped;
      status.queued -= failed + skipped;
    }
  }
}
