// The runner: runs an edition's send until every delivery row is sent, failed or skipped.
//
//   - acquire: one runner per edition (editions.runner, with a heartbeat). A runner whose process is
//     gone (same host, dead pid) or silent for MAIL_LEASE_SECONDS is taken over at once. Rows stay
//     'queued' until their result is recorded, so whatever a dead runner had not recorded is simply
//     sent by the next one; of those, only the messages the server had accepted go twice: at most
//     MAIL_INFLIGHT per connection (worker.ts).
//   - run: MAIL_CONNECTIONS workers (worker.ts), each with a pooled SMTP connection and its lane of
//     the run's recorder (recorder.ts), fed by one claimer (claimer.ts over store.ts). Rates: MAIL_RATE_PER_SECOND over
//     all connections of the process, MAIL_RATE_PER_WINDOW per MAIL_RATE_WINDOW_SECONDS (counted in
//     the database, so restarts respect it too).
//   - stop: pause and cancel (editions.ts notifies SENDS_CHANNEL; other processes on PostgreSQL hear
//     it through LISTEN), the caller's signal, and the process shutting down (deps.runtime.stopping)
//     stop every worker before its next message; results already in are written; rows not sent stay
//     queued and cost no attempt. More than MAIL_ERROR_THRESHOLD failures among the last 200
//     attempts (at least 100) pauses the send with the reason.
//   - finish: the edition becomes 'sent' once nothing is queued (editions.ts writes every edition
//     status); the runner lets go of the edition.
//
// What the runs of one process share (the running sends, the per-second schedule, the window's
// in-flight rows) lives in deps.runtime, made at start-up, not in this module.
import os from 'node:os';
import crypto from 'node:crypto';
import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/index.ts';
import { getNewsletter } from '../newsletters.ts';
import { finishSend, pauseSend, SENDS_CHANNEL, sendStatus, type EditionStatus, type SendStatus } from '../editions.ts';
import { createMessageFactory, tieredFactory } from './message.ts';
import { getPaywall } from '../../members/paywall.ts';
import { transportFor, type Transport } from './transport.ts';
import { Claimer, newWindowShared, type WindowShared } from './claimer.ts';
import { sqlClaimStore } from './store.ts';
import { Recorder } from './recorder.ts';
import { runWorker } from './worker.ts';

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (s: SendStatus) => void;
  /** Defaults to SMTP_URL's server, or the outbox. */
  transport?: Transport;
}

export interface RunResult extends SendStatus {
  /** Another live process runs this send; nothing was done here. */
  runningElsewhere: boolean;
  /** The process is shutting down: the send stopped after the messages on the wire and resumes on the next start. */
  shutdown: boolean;
}

interface ActiveRun {
  promise: Promise<RunResult>;
  listeners: Set<(s: SendStatus) => void>;
}

/** This process's sends (kept in deps.runtime). */
interface DeliveryState {
  active: Map<number, ActiveRun>;
  /** MAIL_RATE_PER_SECOND: the time the next message may start, over every run in the process. */
  rate: { nextSlot: number };
  window: WindowShared;
}

const stateOf = (deps: Pick<Deps, 'runtime'>): DeliveryState =>
  deps.runtime.local('newsletters.delivery', () => ({ active: new Map(), rate: { nextSlot: 0 }, window: newWindowShared() }));

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
export function activeSends(deps: Pick<Deps, 'runtime'>): number[] {
  return [...stateOf(deps).active.keys()];
}

/**
 * Run (or resume) the send of an edition in status 'sending' until it is done, paused, cancelled,
 * aborted or the process shuts down. Joining a send already running in this process waits for it and
 * shares its progress.
 */
export function runSend(deps: Deps, editionId: number, opts: RunOptions = {}): Promise<RunResult> {
  const { active } = stateOf(deps);
  const existing = active.get(editionId);
  if (existing) {
    const l = opts.onProgress;
    if (l) existing.listeners.add(l);
    return existing.promise.finally(() => l && existing.listeners.delete(l));
  }
  if (deps.runtime.stopping.aborted) return sendStatus(deps.db, editionId).then((s) => ({ ...s, runningElsewhere: false, shutdown: true }));
  const listeners = new Set<(s: SendStatus) => void>();
  if (opts.onProgress) listeners.add(opts.onProgress);
  const promise = deps.runtime.track(execute(deps, editionId, opts, listeners).finally(() => active.delete(editionId)));
  active.set(editionId, { promise, listeners });
  return promise;
}

/** Become the edition's runner, unless a live one has it. */
async function acquire(db: Db, editionId: number, me: string, leaseSeconds: number): Promise<{ ok: boolean; interrupted: string | null; status: EditionStatus }> {
  const e = await db.one<{ status: EditionStatus; runner: string | null; stale: boolean }>(
    `SELECT status, runner, (runner_seen_at IS NULL OR runner_seen_at < now() - make_interval(secs => $2)) AS stale FROM editions WHERE id = $1`,
    [editionId, leaseSeconds],
  );
  if (!e || e.status !== 'sending') return { ok: false, interrupted: null, status: e?.status ?? 'cancelled' };
  if (e.runner) {
    const [host, pidText] = e.runner.split(':');
    const pid = Number(pidText);
    const gone = host === os.hostname() && (pid === process.pid || !pidAlive(pid));
    if (!gone && !e.stale) return { ok: false, interrupted: null, status: e.status };
  }
  const won = await db.one(
    `UPDATE editions SET runner = $2, runner_seen_at = now() WHERE id = $1 AND status = 'sending' AND runner IS NOT DISTINCT FROM $3 RETURNING id`,
    [editionId, me, e.runner],
  );
  if (!won) return { ok: false, interrupted: null, status: e.status };
  // Rate-window buckets older than the longest window (MAIL_RATE_WINDOW_SECONDS <= 31 days).
  await db.query(`DELETE FROM delivery_counts WHERE bucket < now() - interval '32 days'`);
  return { ok: true, interrupted: e.runner, status: e.status };
}

/** Keep the lease while the run lives; `onLost` when another runner has taken the edition over. */
function heartbeat(db: Db, editionId: number, me: string, leaseSeconds: number, onLost: () => void, onError: (err: unknown) => void): () => void {
  const t = setInterval(() => {
    db.one(`UPDATE editions SET runner_seen_at = now() WHERE id = $1 AND runner = $2 RETURNING id`, [editionId, me])
      .then((r) => r || onLost())
      .catch(onError);
  }, Math.max(500, (leaseSeconds * 1000) / 3));
  t.unref();
  return () => clearInterval(t);
}

/** Let go of the edition (a no-op if another runner has it). */
async function letGo(db: Db, editionId: number, me: string) {
  await db.query(`UPDATE editions SET runner = NULL, runner_seen_at = NULL WHERE id = $1 AND runner = $2`, [editionId, me]);
}

/** Pauses the send when too many of the recent attempts failed (MAIL_ERROR_THRESHOLD). */
function errorThreshold(threshold: number, onPause: (failed: number, of: number) => Promise<void>) {
  const outcomes: boolean[] = [];
  let pausing = false;
  return async (failures: boolean[]) => {
    for (const f of failures) {
      outcomes.push(f);
      if (outcomes.length > 200) outcomes.shift();
    }
    if (!threshold || pausing || outcomes.length < 100) return;
    const failed = outcomes.filter(Boolean).length;
    if (failed / outcomes.length > threshold) {
      pausing = true;
      await onPause(failed, outcomes.length);
    }
  };
}

async function execute(deps: Deps, editionId: number, opts: RunOptions, listeners: Set<(s: SendStatus) => void>): Promise<RunResult> {
  const { db, log } = deps;
  const cfg = deps.config.delivery;
  const state = stateOf(deps);
  const me = `${runnerBase}:${crypto.randomBytes(4).toString('hex')}`;
  const got = await acquire(db, editionId, me, cfg.leaseSeconds);
  if (!got.ok) return { ...(await sendStatus(db, editionId)), runningElsewhere: got.status === 'sending', shutdown: false };
  const elog = log.child({ edition_id: editionId });
  if (got.interrupted) elog.warn('took over an interrupted send; messages in flight at the interruption (at most MAIL_INFLIGHT per connection) are sent again', { previous: got.interrupted });

  // Every way a run stops ends here: the workers stop before their next message.
  const stop = new AbortController();
  let lost = false;
  const progressWaiters: Array<() => void> = [];
  const progressed = () => {
    for (const w of progressWaiters.splice(0)) w();
  };
  const halt = () => {
    stop.abort();
    progressed();
  };
  const stopped = () => stop.signal.aborted;
  const signals = [opts.signal, deps.runtime.stopping].filter((s): s is AbortSignal => !!s);
  for (const s of signals) s.aborted ? halt() : s.addEventListener('abort', halt, { once: true });
  const endHeartbeat = heartbeat(db, editionId, me, cfg.leaseSeconds, () => ((lost = true), halt()), (err) => elog.warn('send heartbeat failed', { err }));
  let unlisten: (() => Promise<void>) | null = null;
  let claimer: Claimer | null = null;

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
    const e = await db.one<{ newsletter_id: number; subject: string; rendered_html: string | null; rendered_text: string | null; rendered_tiers: Record<string, { html: string; text: string }> | null }>(
      `SELECT newsletter_id, subject, rendered_html, rendered_text, rendered_tiers FROM editions WHERE id = $1`,
      [editionId],
    );
    const nl = await getNewsletter(db, e!.newsletter_id);
    if (!nl || e!.rendered_html === null || e!.rendered_text === null) throw new Error(`edition ${editionId} has no frozen rendering; start the send with startSend`);
    // One template per access level, each compiled once; the recipient's tier picks (message.ts).
    const version = (v: { html: string; text: string } | undefined) =>
      v && typeof v.html === 'string' && typeof v.text === 'string' ? createMessageFactory(deps.config, { editionId, newsletter: nl, subject: e!.subject, html: v.html, text: v.text }) : null;
    const factory = tieredFactory(
      createMessageFactory(deps.config, { editionId, newsletter: nl, subject: e!.subject, html: e!.rendered_html, text: e!.rendered_text }),
      version(e!.rendered_tiers?.member),
      version(e!.rendered_tiers?.paid),
    );
    const graceDays = (await getPaywall(db)).grace_days;
    const transport = opts.transport ?? transportFor(deps.config);

    // Pause and cancel, here or in another process.
    unlisten = await db.listen(SENDS_CHANNEL, (payload) => {
      if (payload !== String(editionId) || stopped()) return;
      db.one<{ status: EditionStatus }>(`SELECT status FROM editions WHERE id = $1`, [editionId])
        .then((r) => r?.status !== 'sending' && halt())
        .catch(() => {});
    });

    const perSecond = cfg.ratePerSecond;
    const rateGate = perSecond > 0
      ? () => {
          const now = Date.now();
          const at = Math.max(now, state.rate.nextSlot);
          state.rate.nextSlot = at + 1000 / perSecond;
          return at > now ? sleep(at - now) : undefined;
        }
      : undefined;

    const waitProgress = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(done, ms);
        progressWaiters.push(done);
        function done() {
          clearTimeout(t);
          resolve();
        }
      });
    const c = (claimer = new Claimer(
      sqlClaimStore(db, editionId, nl.id, graceDays),
      {
        batchSize: cfg.batchSize,
        connections: cfg.connections,
        ratePerWindow: cfg.ratePerWindow,
        windowSeconds: cfg.windowSeconds,
        sleep: (ms) => sleep(ms, stop.signal),
        waitProgress,
        stopped,
        halt,
        onWindowFull: () => elog.info('MAIL_RATE_PER_WINDOW reached; waiting for the window to move on', { per_window: cfg.ratePerWindow, window_seconds: cfg.windowSeconds }),
      },
      state.window,
    ));

    const noteOutcomes = errorThreshold(cfg.errorThreshold, async (failed, of) => {
      const reason = `Paused automatically: ${failed} of the last ${of} messages failed (threshold ${Math.round(cfg.errorThreshold * 100)}%). Check the mail server, then resume.`;
      await pauseSend(db, editionId, reason).catch(() => {}); // already paused or cancelled: stopping anyway
      halt();
      elog.error('send paused by the error threshold', { failed, of });
    });

    const recorder = new Recorder(db, cfg, status, c, async (r) => {
      await noteOutcomes(r.failures);
      if (r.error) halt();
      emit();
    });
    const worker = () =>
      runWorker({
        claimer: c,
        recorder: recorder.lane(),
        factory,
        transport,
        inflight: cfg.inflight,
        rateGate,
        stopped,
      });
    const workers = Math.max(1, Math.min(cfg.connections, Math.ceil(Math.max(1, status.queued) / cfg.batchSize)));
    const settled = await Promise.allSettled(Array.from({ length: workers }, () => worker().catch((err) => (halt(), Promise.reject(err)))));
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    if (!lost) await finishSend(db, editionId);
  } finally {
    claimer?.close();
    endHeartbeat();
    for (const s of signals) s.removeEventListener('abort', halt);
    await unlisten?.().catch(() => {});
    await letGo(db, editionId, me).catch(() => {});
  }
  status = await sendStatus(db, editionId);
  emit(true);
  const shutdown = deps.runtime.stopping.aborted && status.status === 'sending';
  elog.info(shutdown ? 'send stopped for shutdown; it resumes on the next start' : 'send run ended', { status: status.status, sent: status.sent, failed: status.failed, skipped: status.skipped, queued: status.queued });
  return { ...status, runningElsewhere: false, shutdown };
}
