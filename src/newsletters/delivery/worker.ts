// One worker of a send: owns one pooled connection (transport.ts), asks the claimer for batches, and
// hands every result to its recorder. It claims its next batch while the current one is on the wire
// (double buffering), builds each message just before it goes out (message.ts: the edition's fixed
// pieces shared, the recipient's values spliced in), and never has more than MAIL_INFLIGHT messages
// that the server may have accepted and that are not yet committed as sent: at the limit it waits
// for its recorder. Those are the only messages a crash can send twice.
import type { Claimed, Claimer } from './claimer.ts';
import { LATER } from './claimer.ts';
import type { Lane } from './recorder.ts';
import type { MessageFactory } from './message.ts';
import type { Channel, Transport } from './transport.ts';

/** What the mail server can be given at all; anything else is recorded as failed without a try. */
export const SAFE_ADDRESS = /^[^\s<>()\[\]\\,;:"@]+@[^\s<>()\[\]\\,;:"@]+$/;

export interface WorkerParts {
  claimer: Claimer;
  /** This worker's lane of the run's recorder. */
  recorder: Lane;
  factory: MessageFactory;
  transport: Transport;
  /** MAIL_INFLIGHT. */
  inflight: number;
  /** The process-wide MAIL_RATE_PER_SECOND schedule: a promise only when the caller must wait. */
  rateGate?: () => Promise<void> | undefined;
  stopped: () => boolean;
}

export async function runWorker(p: WorkerParts): Promise<void> {
  const { claimer, recorder: rec, factory, transport } = p;
  const window = Math.max(1, p.inflight);
  const flushEvery = Math.max(1, Math.ceil(window / 2));
  let chan: Channel | null = null;

  const gate = () => {
    const rate = p.rateGate?.();
    if (rec.unrecorded + 1 < window) return rate;
    const flushed = rec.flush();
    return rate ? Promise.all([rate, flushed]).then(() => {}) : flushed;
  };

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
        const sources = go.map((r) => () => factory.build({ deliveryId: r.id, personId: r.person_id, email: r.email, name: r.name, tier: r.tier }, now));
        await chan.sendAll(sources, {
          gate,
          halted: p.stopped,
          onResult: (i, res) => {
            rec.result(go[i]!, res);
            if (rec.pending >= flushEvery) void rec.flush();
          },
        });
      }
    }
    void rec.flush();
  };

  let next: Promise<Claimed[] | null | typeof LATER> | null = claimer.next(false);
  try {
    for (;;) {
      let rows = await next;
      next = null;
      if (rows === LATER) {
        await rec.flush();
        rec.check();
        rows = await claimer.next(false);
      }
      if (!rows || rows === LATER) break;
      if (p.stopped()) {
        claimer.release(rows);
        break;
      }
      next = claimer.next(true);
      next.catch(() => {});
      await sendBatch(rows);
      rec.check();
    }
  } finally {
    const unsent = next ? await next.catch(() => null) : null;
    if (Array.isArray(unsent)) claimer.release(unsent);
    await rec.flush();
    await (chan as Channel | null)?.close().catch(() => {});
  }
  rec.check();
}
