// The delivery engine: runs an edition's send until every delivery row is sent, failed or skipped.
//
//   - One runner per edition (editions.runner, with a heartbeat): the runner owns the send. A runner
//     whose process is gone (same host, dead pid) or silent for MAIL_LEASE_SECONDS is taken over at
//     once. Rows are 'queued' until their result is recorded, so whatever a dead runner had not
//     recorded is simply sent by the next one; of those, only the messages the server had accepted
//     go twice: at most MAIL_INFLIGHT per connection (the in-flight window, below).
//   - Inside the runner, MAIL_CONNECTIONS workers each own a pooled SMTP connection. The runner hands
//     them batches of rows read in id order from a cursor (a read, no per-row write at claim time),
//     skipping anyone who unsubscribed or was suppressed since the send started. A worker gets its
//     next batch while the current one is on the wire (double buffering), builds each message just
//     before it goes out (the edition's fixed pieces shared, the recipient's values spliced in), and
//     records results in bulk as the server answers: one UPDATE per half batch for the sent rows;
//     temporary failures (4xx, dropped connections) back to the queue with exponential backoff;
//     permanent failures (5xx) recorded as failed. A row is written once per attempt.
//   - In-flight window: a worker never has more than MAIL_INFLIGHT messages that the server may
//     have accepted and that are not yet committed as sent; at the limit it waits for its record.
//   - Rates: MAIL_RATE_PER_SECOND over all connections, MAIL_RATE_PER_WINDOW per
//     MAIL_RATE_WINDOW_SECONDS (counted in the database, so restarts respect it too).
//   - More than MAIL_ERROR_THRESHOLD failures among the last 200 attempts (at least 100) pauses the
//     send with the reason. Pause and cancel (editions.ts notifies SENDS_CHANNEL; other processes on
//     PostgreSQL hear it through LISTEN) stop every worker before its next message; rows not sent
//     stay queued and cost no attempt.
import os from 'node:os';
import crypto from 'node:crypto';
import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/index.ts';
import { ValidationError } from '../../platform/errors.ts';
import { getNewsletter } from '../newsletters.ts';
import { editionContent, getEditionRow, SENDS_CHANNEL, sendStatus, type EditionStatus, type SendStatus } from '../editions.ts';
import { renderEditionEmail } from '../render.ts';
import { createMessageFactory, type MessageFactory } from './message.ts';
import { transportFor, type Channel, type Transport } from './transport.ts';
import type { SendResult } from './smtp.ts';

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (s: SendStatus) => void;
  /** Defaults to SMTP_URL's server, or the outbox. */
  transport?: Transport;
}

export interface RunResult extends SendStatus {
  /** Another live process runs this send; nothing was done here. */
  runningElsewhere: boolean;
  /** Rows an earlier version's runner had left leased ('sending'), put back in the queue. */
  requeuedInFlight: number;
}

interface ActiveRun {
  promise: Promise<RunResult>;
  listeners: Set<(s: SendStatus) => void>;
}

const active = new Map<number, ActiveRun>();
/**
 * What every run in this process shares for the rate limits: the MAIL_RATE_PER_SECOND schedule, the
 * rows in flight (they count against MAIL_RATE_PER_WINDOW before they are recorded), and a lock that
 * makes "count the window, then hand out rows" one step across runs. Runs in other processes are
 * not seen: several servers sending at once each get the whole allowance (docs/decisions/0011).
 */
const shared = { nextSlot: 0, inFlight: new Set<Set<number>>(), windowLock: Promise.resolve() as Promise<unknown> };
const runnerBase = `${os.hostname()}:${process.pid}`;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

/** Sends running in this process (the scheduler skips them; the CLI joins them). */
export function activeSends(): number[] {
  return [...active.keys()];
}

/**
 * Run (or resume) the send of an edition in status 'sending' until it is done, paused, cancelled or
 * aborted. Joining a send already running in this process waits for it and shares its progress.
 */
export function runSend(deps: Deps, editionId: number, opts: RunOptions = {}): Promise<RunResult> {
  const existing = active.get(editionId);
  if (existing) {
    const l = opts.onProgress;
    if (l) existing.listeners.add(l);
    return existing.promise.finally(() => l && existing.listeners.delete(l));
  }
  const listeners = new Set<(s: SendStatus) => void>();
  if (opts.onProgress) listeners.add(opts.onProgress);
  const promise = execute(deps, editionId, opts, listeners).finally(() => active.delete(editionId));
  active.set(editionId, { promise, listeners });
  return promise;
}

async function acquire(db: Db, editionId: number, me: string, leaseSeconds: number): Promise<{ ok: boolean; requeued: number; interrupted: string | null; status: EditionStatus }> {
  const e = await db.one<{ status: EditionStatus; runner: string | null; stale: boolean }>(
    `SELECT status, runner, (runner_seen_at IS NULL OR runner_seen_at < now() - make_interval(secs => $2)) AS stale FROM editions WHERE id = $1`,
    [editionId, leaseSeconds],
  );
  if (!e || e.status !== 'sending') return { ok: false, requeued: 0, interrupted: null, status: e?.status ?? 'cancelled' };
  if (e.runner) {
    const [host, pidText] = e.runner.split(':');
    const pid = Number(pidText);
    const gone = host === os.hostname() && (pid === process.pid || !pidAlive(pid));
    if (!gone && !e.stale) return { ok: false, requeued: 0, interrupted: null, status: e.status };
  }
  const won = await db.one(
    `UPDATE editions SET runner = $2, runner_seen_at = now() WHERE id = $1 AND status = 'sending' AND runner IS NOT DISTINCT FROM $3 RETURNING id`,
    [editionId, me, e.runner],
  );
  if (!won) return { ok: false, requeued: 0, interrupted: null, status: e.status };
  // Rows left 'sending' (leased) by a runner of an earlier version go back in the queue; this
  // version never leaves a row 'sending': unrecorded rows are still 'queued'.
  const back = await db.query(
    `UPDATE deliveries SET status = 'queued', locked_until = NULL, next_attempt_at = '-infinity'
      WHERE edition_id = $1 AND status = 'sending' RETURNING id`,
    [editionId],
  );
  // Rate-window buckets older than the longest window (MAIL_RATE_WINDOW_SECONDS <= 31 days).
  await db.query(`DELETE FROM delivery_counts WHERE bucket < now() - interval '32 days'`);
  return { ok: true, requeued: back.length, interrupted: e.runner, status: e.status };
}

interface Claimed {
  id: number;
  person_id: number;
  attempts: number;
  email: string;
  name: string;
  ok: boolean;
}

/**
 * Up to `limit` sendable rows of the edition, in id order, with what is needed to build their
 * messages: the next ones after the cursor (`after`), the given `ids`, or the retries that are due
 * (`retries`, from deliveries_retry_idx). A read, not a write: the runner owns the edition
 * (editions.runner) and hands rows to its workers from memory (see the claimer in execute), so a row
 * is written once, when its result is recorded. Anyone who unsubscribed or was suppressed since the
 * send was queued comes back with ok = false and is recorded as skipped.
 */
async function selectSendable(
  db: Db,
  editionId: number,
  newsletterId: number,
  limit: number,
  which: { after: number } | { ids: number[] } | { retries: true; exclude: number[]; upTo: number },
): Promise<Claimed[]> {
  const params: unknown[] = [editionId, limit, newsletterId];
  let where: string;
  if ('after' in which) {
    params.push(which.after);
    where = `d.id > $4 AND d.next_attempt_at <= now()`;
  } else if ('ids' in which) {
    params.push(which.ids);
    where = `d.id = ANY($4::bigint[])`;
  } else {
    // Only below the cursor: rows above it are the cursor read's (which takes due retries too), so a
    // row can never come back from both reads.
    params.push(which.exclude, which.upTo);
    where = `d.next_attempt_at > '-infinity' AND d.next_attempt_at <= now() AND d.id <= $5 AND NOT (d.id = ANY($4::bigint[]))`;
  }
  // The batch comes back as one JSON array rather than `limit` rows: PGlite spends about 3 us per
  // field of every row it returns (a 500-row, 6-column batch took 13 ms as rows and 3.5 ms as one
  // value), and node-postgres likewise parses one value faster than 500 rows.
  // The plan must not depend on statistics (PGlite never analyses by itself): the edition's rows
  // are picked first (LIMIT inside), then each person and subscription is looked up by primary key
  // (LATERAL ... LIMIT 1 keeps these lookups per row; otherwise a planner that believes the tables
  // small hash-joins all of people and subscriptions for every batch).
  const r = await db.one<{ batch: Array<[number, number, number, string, string, boolean]> }>(
    `SELECT coalesce(json_agg(json_build_array(d.id, d.person_id, d.attempts, p.email, p.name,
                     p.suppressed_at IS NULL AND s.status IS NOT DISTINCT FROM 'confirmed') ORDER BY d.id), '[]'::json) AS batch
       FROM (SELECT d.id, d.person_id, d.attempts FROM deliveries d
              WHERE d.edition_id = $1 AND d.status = 'queued' AND ${where}
                AND EXISTS (SELECT 1 FROM editions WHERE id = $1 AND status = 'sending')
              ORDER BY d.id LIMIT $2) d
       CROSS JOIN LATERAL (SELECT email, name, suppressed_at FROM people WHERE id = d.person_id LIMIT 1) p
       LEFT JOIN LATERAL (SELECT status FROM subscriptions WHERE person_id = d.person_id AND newsletter_id = $3 LIMIT 1) s ON true`,
    params,
  );
  // Both drivers parse json values.
  return (r?.batch ?? []).map(([id, person_id, attempts, email, name, ok]) => ({ id, person_id, attempts, email, name, ok }));
}

/**
 * Messages sent in the last `seconds` (MAIL_RATE_PER_WINDOW), from the 10-second buckets the
 * recorder keeps. The bucket the window starts in counts whole: the count errs on the safe side.
 */
async function sentInWindow(db: Db, seconds: number): Promise<number> {
  const r = await db.one<{ n: number }>(
    `SELECT coalesce(sum(sent), 0)::int AS n FROM delivery_counts WHERE bucket > now() - make_interval(secs => $1 + 10)`,
    [seconds],
  );
  return r?.n ?? 0;
}

const LATER = Symbol('later');
const WINDOW_FULL = Symbol('window full');
const RETRY_READ_EVERY_MS = 10_000;

const SAFE_ADDRESS = /^[^\s<>()\[\]\\,;:"@]+@[^\s<>()\[\]\\,;:"@]+$/;

async function execute(deps: Deps, editionId: number, opts: RunOptions, listeners: Set<(s: SendStatus) => void>): Promise<RunResult> {
  const { db, log } = deps;
  const cfg = deps.config.delivery;
  const me = `${runnerBase}:${crypto.randomBytes(4).toString('hex')}`;
  const got = await acquire(db, editionId, me, cfg.leaseSeconds);
  if (!got.ok) return { ...(await sendStatus(db, editionId)), runningElsewhere: got.status === 'sending', requeuedInFlight: 0 };
  const elog = log.child({ edition_id: editionId });
  if (got.interrupted) elog.warn('took over an interrupted send; messages in flight at the interruption (at most MAIL_INFLIGHT per connection) are sent again', { previous: got.interrupted, requeued: got.requeued });

  let stopped = false;
  let lost = false;
  let forget = () => false;
  let unlisten: (() => Promise<void>) | null = null;
  const stop = () => (stopped = true);
  opts.signal?.addEventListener('abort', stop, { once: true });
  const heartbeat = setInterval(() => {
    db.one(`UPDATE editions SET runner_seen_at = now() WHERE id = $1 AND runner = $2 RETURNING id`, [editionId, me])
      .then((r) => {
        if (!r) {
          lost = stopped = true;
        }
      })
      .catch((err) => elog.warn('send heartbeat failed', { err }));
  }, Math.max(500, (cfg.leaseSeconds * 1000) / 3));
  heartbeat.unref();

  let status = await sendStatus(db, editionId);
  let lastEmit = 0;
  const emit = (force = false) => {
    const now = Date.now();
    if (!force && now - lastEmit < 200) return;
    lastEmit = now;
    for (const l of listeners) {
      try {
        l({ ...status });
      } catch {
        /* a listener's failure is its own */
      }
    }
  };
  emit(true);

  try {
    const e = await db.one<{ newsletter_id: number; subject: string; rendered_html: string | null; rendered_text: string | null }>(
      `SELECT newsletter_id, subject, rendered_html, rendered_text FROM editions WHERE id = $1`,
      [editionId],
    );
    const nl = await getNewsletter(db, e!.newsletter_id);
    if (!nl || e!.rendered_html === null || e!.rendered_text === null) throw new Error(`edition ${editionId} has no frozen rendering; start the send with startSend`);
    const factory = createMessageFactory(deps.config, { editionId, newsletter: nl, subject: e!.subject, html: e!.rendered_html, text: e!.rendered_text });
    const transport = opts.transport ?? transportFor(deps.config);

    // Rate limit shared by all workers of every run in this process: returns a promise only when the
    // caller must wait.
    const perSecond = cfg.ratePerSecond;
    const rateGate = perSecond > 0
      ? () => {
          const now = Date.now();
          const at = Math.max(now, shared.nextSlot);
          shared.nextSlot = at + 1000 / perSecond;
          return at > now ? sleep(at - now) : undefined;
        }
      : undefined;

    // Anything recorded wakes workers that wait for in-flight rows of other workers to settle.
    const progressWaiters: Array<() => void> = [];
    const progressed = () => {
      for (const w of progressWaiters.splice(0)) w();
    };
    const waitProgress = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(done, ms);
        progressWaiters.push(done);
        opts.signal?.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(t);
          opts.signal?.removeEventListener('abort', done);
          resolve();
        }
      });
    // Pause and cancel (here or in another process) stop the workers before their next message.
    const halt = () => {
      stopped = true;
      progressed();
    };
    unlisten = await db.listen(SENDS_CHANNEL, (payload) => {
      if (payload !== String(editionId) || stopped) return;
      db.one<{ status: EditionStatus }>(`SELECT status FROM editions WHERE id = $1`, [editionId])
        .then((r) => r?.status !== 'sending' && halt())
        .catch(() => {});
    });

    const outcomes: boolean[] = [];
    let pausing = false;
    const noteOutcomes = async (failures: boolean[]) => {
      for (const f of failures) {
        outcomes.push(f);
        if (outcomes.length > 200) outcomes.shift();
      }
      if (!cfg.errorThreshold || pausing || outcomes.length < 100) return;
      const failed = outcomes.filter(Boolean).length;
      if (failed / outcomes.length > cfg.errorThreshold) {
        pausing = true;
        const reason = `Paused automatically: ${failed} of the last ${outcomes.length} messages failed (threshold ${Math.round(cfg.errorThreshold * 100)}%). Check the mail server, then resume.`;
        await db.query(`UPDATE editions SET status = 'paused', paused_reason = $2, updated_at = now() WHERE id = $1 AND status = 'sending'`, [editionId, reason]);
        halt();
        elog.error('send paused by the error threshold', { failed, of: outcomes.length });
      }
    };

    // The claimer: rows go to workers in id order from a cursor (the highest id handed out), so each
    // read starts where the last one ended instead of walking past every row already sent. Below the
    // cursor, only two kinds of row can still be queued: retries (a temporary failure set their
    // next_attempt_at; found through deliveries_retry_idx when the cursor's read comes up short, and
    // every few seconds) and rows this run handed out but never attempted (the connection broke
    // first: `givenBack`, read again by id). `inFlight`: rows handed to a worker and not yet
    // recorded; they are still 'queued' in the database, so a crash leaves them to the next runner,
    // whose cursor starts again at 0.
    const inFlight = new Set<number>();
    shared.inFlight.add(inFlight);
    forget = () => shared.inFlight.delete(inFlight);
    const givenBack = new Set<number>();
    let cursor = 0;
    let lastRetryRead = 0; // a resumed or taken-over send looks at its due retries first
    let claiming: Promise<unknown> = Promise.resolve();
    const fromCursor = async (limit: number) => {
      const rows = await selectSendable(db, editionId, nl.id, limit, { after: cursor });
      if (rows.length) cursor = rows[rows.length - 1]!.id;
      return rows;
    };
    const take = (batchSize: number): Promise<Claimed[] | typeof WINDOW_FULL> => {
      const p = claiming.then(() => (cfg.ratePerWindow > 0 ? windowed(() => handOut(batchSize, true)) : handOut(batchSize, false)));
      claiming = p.catch(() => {});
      return p;
    };
    /** Under the process-wide window lock: no other run hands out rows between the count and ours. */
    const windowed = <T>(fn: () => Promise<T>): Promise<T> => {
      const p = shared.windowLock.then(fn);
      shared.windowLock = p.catch(() => {});
      return p;
    };
    const handOut = async (batchSize: number, window: boolean): Promise<Claimed[] | typeof WINDOW_FULL> => {
      let limit = batchSize;
      if (window) {
        // The in-flight count is taken before the query, so a batch recorded in between counts
        // twice (never zero times).
        let flying = 0;
        for (const set of shared.inFlight) flying += set.size;
        const left = cfg.ratePerWindow - (await sentInWindow(db, cfg.windowSeconds)) - flying;
        if (left <= 0) return WINDOW_FULL;
        limit = Math.max(1, Math.min(limit, Math.ceil(left / cfg.connections)));
      }
      let rows: Claimed[] = [];
      if (givenBack.size) {
        const ids = [...givenBack].slice(0, limit);
        for (const id of ids) givenBack.delete(id);
        rows = await selectSendable(db, editionId, nl.id, limit, { ids });
      }
      // Retries first when they are due for a look (every few seconds), else only once the cursor
      // has nothing more.
      const retriesDue = Date.now() - lastRetryRead >= RETRY_READ_EVERY_MS;
      if (!retriesDue && rows.length < limit) rows = rows.concat(await fromCursor(limit - rows.length));
      if (rows.length < limit) {
        lastRetryRead = Date.now();
        const exclude = [...inFlight, ...givenBack, ...rows.map((r) => r.id)];
        rows = rows.concat(await selectSendable(db, editionId, nl.id, limit - rows.length, { retries: true, exclude, upTo: cursor }));
      }
      if (retriesDue && rows.length < limit) rows = rows.concat(await fromCursor(limit - rows.length));
      for (const r of rows) inFlight.add(r.id);
      return rows;
    };

    /**
     * The next batch of rows for a worker; null when there is nothing more for it (or the run
     * stops). `LATER` when called while the worker's own batch is in flight and nothing else is
     * queued: the worker asks again once its batch is recorded (a temporary failure in it may put
     * rows back in the queue). A worker with nothing in flight leaves once nothing is queued; the
     * others finish their own rows, retries included.
     */
    const claimNext = async (ownInFlight: boolean): Promise<Claimed[] | null | typeof LATER> => {
      while (!stopped) {
        const rows = await take(cfg.batchSize);
        if (rows === WINDOW_FULL) {
          if (ownInFlight) return LATER;
          // Leave if there is nothing more to send (a walk of the edition's rows, only while the
          // window is full); else wait for the window to move on.
          const queued = await db.one<{ st: EditionStatus; n: number }>(
            `SELECT (SELECT status FROM editions WHERE id = $1) AS st, count(*)::int AS n
               FROM deliveries WHERE edition_id = $1 AND status = 'queued' AND NOT (id = ANY($2::bigint[]))`,
            [editionId, [...inFlight]],
          );
          if (!queued || queued.st !== 'sending') {
            halt();
            return null;
          }
          if (queued.n === 0) return null;
          elog.info('MAIL_RATE_PER_WINDOW reached; waiting for the window to move on', { per_window: cfg.ratePerWindow, window_seconds: cfg.windowSeconds });
          await sleep(Math.min(5000, cfg.windowSeconds * 1000), opts.signal);
          continue;
        }
        if (rows.length) return rows;
        // Nothing to hand out now. What is still queued and not in flight is a retry that is not yet
        // due (take() just read the cursor to its end and the due retries), or a row given back
        // since.
        const left = await db.one<{ st: EditionStatus; queued: number; wait_ms: number | null }>(
          `SELECT (SELECT status FROM editions WHERE id = $1) AS st,
                  count(*)::int AS queued,
                  extract(epoch FROM greatest(min(next_attempt_at), now()) - now()) * 1000 AS wait_ms
             FROM deliveries WHERE edition_id = $1 AND next_attempt_at > '-infinity' AND status = 'queued' AND NOT (id = ANY($2::bigint[]))`,
          [editionId, [...inFlight]],
        );
        if (!left || left.st !== 'sending') {
          halt();
          return null;
        }
        if (givenBack.size) continue;
        if (left.queued === 0) return ownInFlight ? LATER : null;
        if (ownInFlight) return LATER;
        // Rows waiting for a retry: wait until the earliest is due (at most a second).
        await waitProgress(Math.max(20, Math.min(1000, Number(left.wait_ms ?? 1000))));
      }
      return null;
    };

    /** Rows handed out that this run will not send: nothing to write, they are still queued. */
    const release = async (rows: Claimed[]) => {
      for (const r of rows) inFlight.delete(r.id);
    };

    // Each worker keeps at most `window` messages that the server may have accepted and that are not
    // yet recorded as sent: these are the only ones a crash can send twice.
    const window = Math.max(1, cfg.inflight);
    const flushEvery = Math.max(1, Math.ceil(window / 2));

    const worker = async () => {
      let chan = null as Channel | null;
      const rec = new Recorder(db, cfg, status, inFlight, givenBack, async (r) => {
        await noteOutcomes(r.failures);
        if (r.error) halt();
        emit();
      });
      const gate = () => {
        const rate = rateGate?.();
        if (rec.unrecorded + 1 < window) return rate;
        const flushed = rec.flush();
        return rate ? Promise.all([rate, flushed]).then(() => {}) : flushed;
      };
      const halted = () => stopped;
      const sendBatch = async (rows: Claimed[]) => {
        const go: Claimed[] = [];
        for (const r of rows) {
          if (!r.ok) rec.skip(r);
          else if (!SAFE_ADDRESS.test(r.email)) rec.fail(r, `not a deliverable address: ${JSON.stringify(r.email).slice(0, 200)}`);
          else go.push(r);
        }
        if (go.length) {
          if (!chan || chan.broken) {
            await chan?.close().catch(() => {});
            chan = null;
            try {
              chan = await transport.open();
            } catch (err) {
              const error = (err as Error).message;
              for (const r of go) rec.result(r, { ok: false, temporary: true, error });
            }
          }
          if (chan) {
            const now = new Date();
            // Each message is built when its turn comes: a batch never holds its messages at once.
            const sources = go.map((r) => () => factory.build({ deliveryId: r.id, personId: r.person_id, email: r.email, name: r.name }, now));
            await chan.sendAll(sources, {
              gate,
              halted,
              onResult: (i, res) => {
                rec.result(go[i]!, res);
                if (rec.pending >= flushEvery) void rec.flush();
              },
            });
          }
        }
        void rec.flush();
      };
      // Double buffering: the next batch is claimed while this one is on the wire.
      let next: Promise<Claimed[] | null | typeof LATER> | null = claimNext(false);
      try {
        for (;;) {
          let rows = await next;
          next = null;
          if (rows === LATER) {
            await rec.flush();
            rec.check();
            rows = await claimNext(false);
          }
          if (!rows || rows === LATER) break;
          if (stopped) {
            await release(rows);
            break;
          }
          next = claimNext(true);
          next.catch(() => {});
          await sendBatch(rows);
          rec.check();
        }
      } finally {
        const unsent = next ? await (next as Promise<Claimed[] | null | typeof LATER>).catch(() => null) : null;
        if (Array.isArray(unsent) && unsent.length) await release(unsent).catch((err) => elog.warn('could not release claimed rows; their lease will expire', { err }));
        await rec.flush();
        await chan?.close().catch(() => {});
      }
      rec.check();
    };
    const workers = Math.max(1, Math.min(cfg.connections, Math.ceil(Math.max(1, status.queued + status.sending) / cfg.batchSize)));
    const settled = await Promise.allSettled(Array.from({ length: workers }, () => worker().catch((e) => (halt(), Promise.reject(e)))));
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    if (!lost) {
      await db.query(
        `UPDATE editions SET status = 'sent', sent_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'sending'
            AND NOT EXISTS (SELECT 1 FROM deliveries WHERE edition_id = $1 AND status IN ('queued', 'sending'))`,
        [editionId],
      );
    }
  } finally {
    forget();
    clearInterval(heartbeat);
    opts.signal?.removeEventListener('abort', stop);
    await unlisten?.().catch(() => {});
    await db.query(`UPDATE editions SET runner = NULL, runner_seen_at = NULL WHERE id = $1 AND runner = $2`, [editionId, me]).catch(() => {});
  }
  status = await sendStatus(db, editionId);
  emit(true);
  elog.info('send run ended', { status: status.status, sent: status.sent, failed: status.failed, skipped: status.skipped, queued: status.queued });
  return { ...status, runningElsewhere: false, requeuedInFlight: got.requeued };
}

/**
 * One worker's results, written in bulk: every `flush` is one UPDATE for the sent rows and one for
 * the rest (skipped, failed, retried), run one after the other. `unrecorded` counts the messages the
 * server accepted that are not yet committed as sent.
 */
class Recorder {
  private sent: number[] = [];
  private ids: number[] = [];
  private sts: string[] = [];
  private errs: string[] = [];
  private delays: number[] = [];
  private failures: boolean[] = [];
  pending = 0;
  unrecorded = 0;
  private chain: Promise<void> = Promise.resolve();
  private error: unknown = null;

  constructor(
    private readonly db: Db,
    private readonly cfg: Deps['config']['delivery'],
    private readonly status: SendStatus,
    private readonly inFlight: Set<number>,
    private readonly givenBack: Set<number>,
    private readonly after: (r: { failures: boolean[]; error: unknown }) => Promise<void>,
  ) {}

  private other(id: number, st: string, err: string, delay = 0) {
    this.ids.push(id);
    this.sts.push(st);
    this.errs.push(err.slice(0, 500));
    this.delays.push(delay);
    this.pending++;
  }

  skip(r: Claimed) {
    this.other(r.id, 'skipped', 'unsubscribed or suppressed before sending');
  }

  fail(r: Claimed, error: string) {
    this.other(r.id, 'failed', error);
    this.failures.push(true);
  }

  result(r: Claimed, res: SendResult) {
    if (res.ok) {
      this.sent.push(r.id);
      this.pending++;
      this.unrecorded++;
      this.failures.push(false);
      return;
    }
    // `attempts` counts the attempts recorded before this one.
    const attempt = r.attempts + 1;
    if (res.notAttempted) {
      // Never started (the connection broke first, or the run stopped): still queued as it was;
      // handed out again by this run (or, if it stops, read by the next one from its cursor).
      this.inFlight.delete(r.id);
      this.givenBack.add(r.id);
    } else if (res.temporary && attempt < this.cfg.maxAttempts) {
      this.other(r.id, 'queued', res.error, this.cfg.retryBaseSeconds * 2 ** (attempt - 1) * (1 + Math.random() * 0.1));
      this.failures.push(true);
    } else {
      this.other(r.id, 'failed', res.temporary ? `gave up after ${attempt} attempts: ${res.error}` : res.error);
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
      this.unrecorded -= sent.length;
      for (const id of sent) this.inFlight.delete(id);
      for (const id of ids) this.inFlight.delete(id);
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
           UPDATE deliveries SET status = 'sent', sent_at = now(), attempts = attempts + 1, locked_until = NULL
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
        `UPDATE deliveries d SET status = x.st, last_error = x.err, locked_until = NULL,
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


/**
 * Send the edition as it stands to one address, marked [Test] (an editor's proof). Uses the same
 * renderer and transport as the real send; the links in it are not any subscriber's.
 */
export async function sendTest(deps: Deps, editionId: number, to: string, opts: { transport?: Transport } = {}): Promise<{ to: string; reply: string }> {
  const addr = typeof to === 'string' ? to.trim() : '';
  if (!SAFE_ADDRESS.test(addr) || addr.length > 254) throw new ValidationError('Give one valid email address to send the test to.', { to: 'invalid' });
  const e = await getEditionRow(deps.db, editionId);
  const { newsletter, content } = await editionContent(deps, e);
  const rendered = e.status === 'draft' || e.status === 'scheduled' ? renderEditionEmail(content) : null;
  const row = rendered ? null : await deps.db.one<{ rendered_html: string; rendered_text: string }>(`SELECT rendered_html, rendered_text FROM editions WHERE id = $1`, [editionId]);
  const factory: MessageFactory = createMessageFactory(
    deps.config,
    { editionId, newsletter, subject: e.subject, html: rendered?.html ?? row!.rendered_html, text: rendered?.text ?? row!.rendered_text },
    { subjectPrefix: '[Test] ' },
  );
  const msg = factory.build({ deliveryId: 0, personId: 0, email: addr, name: '' });
  const chan = await (opts.transport ?? transportFor(deps.config)).open();
  try {
    const [r] = await chan.sendAll([msg]);
    if (!r!.ok) throw new ValidationError(`The mail server refused the test message: ${r!.error}`, { to: 'refused' });
    return { to: addr, reply: `${r!.reply.code} ${r!.reply.text}` };
  } finally {
    await chan.close();
  }
}
