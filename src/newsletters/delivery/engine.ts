// The delivery engine: runs an edition's send until every delivery row is sent, failed or skipped.
//
//   - One runner per edition (editions.runner, with a heartbeat). A runner whose process is gone
//     (same host, dead pid) or silent for a lease is taken over at once: its claimed-but-unfinished
//     rows go back to the queue. Those rows are the only messages that can go twice after a crash:
//     at most MAIL_CONNECTIONS x MAIL_BATCH_SIZE.
//   - Inside the runner, MAIL_CONNECTIONS workers each own a pooled SMTP connection and claim their
//     own batches (UPDATE ... FOR UPDATE SKIP LOCKED, leased), skip at claim time anyone who
//     unsubscribed or was suppressed since the send started, splice each recipient's values into
//     the edition's message (rendered once), send the batch pipelined, and record the results in
//     bulk: sent; temporary failures (4xx, dropped connections) back to the queue with exponential
//     backoff; permanent failures (5xx) recorded as failed.
//   - Rates: MAIL_RATE_PER_SECOND over all connections, MAIL_RATE_PER_WINDOW per
//     MAIL_RATE_WINDOW_SECONDS (counted in the database, so restarts respect it too).
//   - More than MAIL_ERROR_THRESHOLD failures among the last 200 attempts (at least 100) pauses the
//     send with the reason; pause, resume and cancel act within one batch.
import os from 'node:os';
import crypto from 'node:crypto';
import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/index.ts';
import { ValidationError } from '../../platform/errors.ts';
import { getNewsletter } from '../newsletters.ts';
import { editionContent, getEditionRow, sendStatus, type EditionStatus, type SendStatus } from '../editions.ts';
import { renderEditionEmail } from '../render.ts';
import { createMessageFactory, type MessageFactory, type Recipient } from './message.ts';
import { transportFor, type Channel, type Transport } from './transport.ts';
import type { OutgoingMessage, SendResult } from './smtp.ts';

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (s: SendStatus) => void;
  /** Defaults to SMTP_URL's server, or the outbox. */
  transport?: Transport;
}

export interface RunResult extends SendStatus {
  /** Another live process runs this send; nothing was done here. */
  runningElsewhere: boolean;
  /** Rows a dead runner had claimed and not finished, put back in the queue (possible duplicates). */
  requeuedInFlight: number;
}

interface ActiveRun {
  promise: Promise<RunResult>;
  listeners: Set<(s: SendStatus) => void>;
}

const active = new Map<number, ActiveRun>();
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

async function acquire(db: Db, editionId: number, me: string, leaseSeconds: number): Promise<{ ok: boolean; requeued: number; status: EditionStatus }> {
  const e = await db.one<{ status: EditionStatus; runner: string | null; stale: boolean }>(
    `SELECT status, runner, (runner_seen_at IS NULL OR runner_seen_at < now() - make_interval(secs => $2)) AS stale FROM editions WHERE id = $1`,
    [editionId, leaseSeconds],
  );
  if (!e || e.status !== 'sending') return { ok: false, requeued: 0, status: e?.status ?? 'cancelled' };
  if (e.runner) {
    const [host, pidText] = e.runner.split(':');
    const pid = Number(pidText);
    const gone = host === os.hostname() && (pid === process.pid || !pidAlive(pid));
    if (!gone && !e.stale) return { ok: false, requeued: 0, status: e.status };
  }
  const won = await db.one(
    `UPDATE editions SET runner = $2, runner_seen_at = now() WHERE id = $1 AND status = 'sending' AND runner IS NOT DISTINCT FROM $3 RETURNING id`,
    [editionId, me, e.runner],
  );
  if (!won) return { ok: false, requeued: 0, status: e.status };
  // Whatever a previous runner had claimed and not recorded goes back in the queue.
  const back = await db.query(
    `UPDATE deliveries SET status = 'queued', locked_until = NULL, next_attempt_at = '-infinity'
      WHERE edition_id = $1 AND status = 'sending' RETURNING id`,
    [editionId],
  );
  return { ok: true, requeued: back.length, status: e.status };
}

interface Claimed {
  id: number;
  person_id: number;
  attempts: number;
  email: string;
  name: string;
  ok: boolean;
}

async function claim(db: Db, editionId: number, newsletterId: number, limit: number, leaseSeconds: number): Promise<Claimed[]> {
  return db.query<Claimed>(
    `WITH c AS (
       UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, locked_until = now() + make_interval(secs => $3)
        WHERE d.id IN (
          SELECT id FROM deliveries
           WHERE edition_id = $1 AND status IN ('queued', 'sending')
             AND CASE WHEN status = 'queued' THEN next_attempt_at <= now() ELSE locked_until < now() END
             AND EXISTS (SELECT 1 FROM editions WHERE id = $1 AND status = 'sending')
           ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.person_id, d.attempts)
     SELECT c.id, c.person_id, c.attempts, p.email, p.name,
            (p.suppressed_at IS NULL AND s.status IS NOT DISTINCT FROM 'confirmed') AS ok
       FROM c JOIN people p ON p.id = c.person_id
       LEFT JOIN subscriptions s ON s.person_id = c.person_id AND s.newsletter_id = $4
      ORDER BY c.id`,
    [editionId, limit, leaseSeconds, newsletterId],
  );
}

const SAFE_ADDRESS = /^[^\s<>()\[\]\\,;:"@]+@[^\s<>()\[\]\\,;:"@]+$/;

async function execute(deps: Deps, editionId: number, opts: RunOptions, listeners: Set<(s: SendStatus) => void>): Promise<RunResult> {
  const { db, log } = deps;
  const cfg = deps.config.delivery;
  const me = `${runnerBase}:${crypto.randomBytes(4).toString('hex')}`;
  const got = await acquire(db, editionId, me, cfg.leaseSeconds);
  if (!got.ok) return { ...(await sendStatus(db, editionId)), runningElsewhere: got.status === 'sending', requeuedInFlight: 0 };
  const elog = log.child({ edition_id: editionId });
  if (got.requeued) elog.warn('took over an interrupted send; messages in flight at the interruption are sent again', { requeued: got.requeued });

  let stopped = false;
  let lost = false;
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

    // Rate limits shared by all workers of this run.
    let nextSlot = 0;
    const perSecond = cfg.ratePerSecond;
    const gate = perSecond > 0
      ? async () => {
          const now = Date.now();
          const at = Math.max(now, nextSlot);
          nextSlot = at + 1000 / perSecond;
          if (at > now) await sleep(at - now);
        }
      : undefined;
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
        elog.error('send paused by the error threshold', { failed, of: outcomes.length });
      }
    };

    const worker = async () => {
      let chan: Channel | null = null;
      try {
        while (!stopped) {
          let limit = cfg.batchSize;
          if (cfg.ratePerWindow > 0) {
            const used = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE sent_at > now() - make_interval(secs => $1)`, [cfg.windowSeconds]);
            const left = cfg.ratePerWindow - (used?.n ?? 0);
            if (left <= 0) {
              await sleep(Math.min(5000, cfg.windowSeconds * 1000), opts.signal);
              continue;
            }
            limit = Math.max(1, Math.min(limit, Math.ceil(left / cfg.connections)));
          }
          const rows = await claim(db, editionId, nl.id, limit, cfg.leaseSeconds);
          if (!rows.length) {
            const left = await db.one<{ st: EditionStatus; queued: number; sending: number; wait_ms: number | null }>(
              `SELECT (SELECT status FROM editions WHERE id = $1) AS st,
                      count(*) FILTER (WHERE status = 'queued')::int AS queued,
                      count(*) FILTER (WHERE status = 'sending')::int AS sending,
                      extract(epoch FROM greatest(min(CASE WHEN status = 'queued' THEN next_attempt_at END), now()) - now()) * 1000 AS wait_ms
                 FROM deliveries WHERE edition_id = $1 AND status IN ('queued', 'sending')`,
              [editionId],
            );
            if (!left || left.st !== 'sending' || (left.queued === 0 && left.sending === 0)) return;
            await sleep(Math.max(20, Math.min(1000, Number(left.wait_ms ?? 1000))), opts.signal);
            continue;
          }
          const skip = rows.filter((r) => !r.ok).map((r) => r.id);
          const go = rows.filter((r) => r.ok);
          if (skip.length) {
            await db.query(`UPDATE deliveries SET status = 'skipped', locked_until = NULL, last_error = 'unsubscribed or suppressed before sending' WHERE id = ANY($1::bigint[])`, [skip]);
            status.skipped += skip.length;
            status.queued -= skip.length;
          }
          const now = new Date();
          const msgs: OutgoingMessage[] = [];
          const sendRows: Claimed[] = [];
          const bad: Claimed[] = [];
          for (const r of go) {
            if (!SAFE_ADDRESS.test(r.email)) {
              bad.push(r);
              continue;
            }
            const rec: Recipient = { deliveryId: r.id, personId: r.person_id, email: r.email, name: r.name };
            msgs.push(factory.build(rec, now));
            sendRows.push(r);
          }
          let results: SendResult[] | undefined;
          if (!chan || chan.broken) {
            await chan?.close().catch(() => {});
            chan = null;
            try {
              chan = await transport.open();
            } catch (err) {
              const error = (err as Error).message;
              results = msgs.map(() => ({ ok: false, temporary: true, error }));
            }
          }
          results ??= await chan!.sendAll(msgs, gate);
          await record(db, sendRows, results, bad, cfg, status);
          await noteOutcomes([...results.map((r) => !r.ok), ...bad.map(() => true)]);
          emit();
        }
      } finally {
        await chan?.close().catch(() => {});
      }
    };
    const workers = Math.max(1, Math.min(cfg.connections, Math.ceil(Math.max(1, status.queued + status.sending) / cfg.batchSize)));
    await Promise.all(Array.from({ length: workers }, worker));

    if (!lost) {
      await db.query(
        `UPDATE editions SET status = 'sent', sent_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'sending'
            AND NOT EXISTS (SELECT 1 FROM deliveries WHERE edition_id = $1 AND status IN ('queued', 'sending'))`,
        [editionId],
      );
    }
  } finally {
    clearInterval(heartbeat);
    opts.signal?.removeEventListener('abort', stop);
    await db.query(`UPDATE editions SET runner = NULL, runner_seen_at = NULL WHERE id = $1 AND runner = $2`, [editionId, me]).catch(() => {});
  }
  status = await sendStatus(db, editionId);
  emit(true);
  elog.info('send run ended', { status: status.status, sent: status.sent, failed: status.failed, skipped: status.skipped, queued: status.queued });
  return { ...status, runningElsewhere: false, requeuedInFlight: got.requeued };
}

async function record(db: Db, rows: Claimed[], results: SendResult[], bad: Claimed[], cfg: Deps['config']['delivery'], status: SendStatus) {
  const sent: number[] = [];
  const ids: number[] = [];
  const sts: string[] = [];
  const errs: string[] = [];
  const delays: number[] = [];
  rows.forEach((r, i) => {
    const res = results[i]!;
    if (res.ok) return void sent.push(r.id);
    ids.push(r.id);
    errs.push(res.error.slice(0, 500));
    if (res.notAttempted) {
      sts.push('requeue');
      delays.push(0);
    } else if (res.temporary && r.attempts < cfg.maxAttempts) {
      sts.push('queued');
      delays.push(cfg.retryBaseSeconds * 2 ** (r.attempts - 1) * (1 + Math.random() * 0.1));
    } else {
      sts.push('failed');
      delays.push(0);
      if (res.temporary) errs[errs.length - 1] = `gave up after ${r.attempts} attempts: ${errs[errs.length - 1]}`;
    }
  });
  for (const r of bad) {
    ids.push(r.id);
    sts.push('failed');
    errs.push(`not a deliverable address: ${JSON.stringify(r.email).slice(0, 200)}`);
    delays.push(0);
  }
  if (sent.length) {
    await db.query(`UPDATE deliveries SET status = 'sent', sent_at = now(), locked_until = NULL WHERE id = ANY($1::bigint[])`, [sent]);
  }
  if (ids.length) {
    await db.query(
      `UPDATE deliveries d SET status = CASE WHEN x.st = 'requeue' THEN 'queued' ELSE x.st END, last_error = x.err, locked_until = NULL,
              attempts = CASE WHEN x.st = 'requeue' THEN d.attempts - 1 ELSE d.attempts END,
              next_attempt_at = CASE WHEN x.st = 'queued' THEN now() + make_interval(secs => x.delay)
                                     WHEN x.st = 'requeue' THEN now() ELSE d.next_attempt_at END
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[]) AS x(id, st, err, delay)
        WHERE d.id = x.id`,
      [ids, sts, errs, delays],
    );
  }
  const failed = sts.filter((s) => s === 'failed').length;
  status.sent += sent.length;
  status.failed += failed;
  status.queued -= sent.length + failed;
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
