// The edition scheduler, run by `serve`: every half minute (and at once when a send is started,
// resumed or scheduled: the newsletter_sends channel) it
//   1. fills each active newsletter's latest schedule slot (days + local time in the publication's
//      time zone) that is due and not yet filled (within an hour of it, never before the newsletter
//      existed): the waiting draft is sent, or a new edition is built and sent; a slot is filled once
//      (editions.slot_at is unique per newsletter), also with several servers on PostgreSQL;
//   2. starts editions an editor scheduled, when their time comes;
//   3. runs every send in progress that has no live runner: sends started from the app, resumed
//      ones, and sends interrupted by a crash or restart.
import type { Deps } from '../../deps.ts';
import { ConflictError, ValidationError } from '../../platform/errors.ts';
import { getPublication } from '../../publication/settings.ts';
import { localDate, zonedTimeToUtc } from '../../platform/time.ts';
import { listNewsletters, type Newsletter } from '../newsletters.ts';
import { buildEdition, SENDS_CHANNEL, startSend, unscheduleEdition } from '../editions.ts';
import { activeSends, runSend } from './runner.ts';

const TICK_MS = 30_000;
const SLOT_GRACE_MS = 3_600_000;

/** The latest slot of a newsletter's schedule at or before `now`, if within the last 8 days. */
export function latestSlot(n: Pick<Newsletter, 'schedule_days' | 'schedule_time'>, now: Date, timeZone: string): Date | null {
  const [hh, mm] = n.schedule_time.split(':').map(Number) as [number, number];
  for (let back = 0; back <= 8; back++) {
    const [y, mo, d] = localDate(new Date(now.getTime() - back * 86_400_000), timeZone).split('-').map(Number) as [number, number, number];
    const dow = new Date(Date.UTC(y, mo - 1, d)).getUTCDay() || 7;
    if (!n.schedule_days.includes(dow)) continue;
    const at = zonedTimeToUtc(y, mo, d, hh, mm, timeZone);
    if (at.getTime() <= now.getTime()) return at;
  }
  return null;
}

/** One pass of the scheduler (tests call it directly). Returns the edition ids it started. */
export async function scheduleTick(deps: Deps, opts: { signal?: AbortSignal; run?: boolean } = {}): Promise<number[]> {
  const { db, log } = deps;
  const now = deps.clock.now();
  const started: number[] = [];
  const tz = (await getPublication(db, deps.config)).timeZone;
  for (const n of await listNewsletters(db, { activeOnly: true })) {
    const slot = latestSlot(n, now, tz);
    if (!slot || now.getTime() - slot.getTime() > SLOT_GRACE_MS || slot < n.created_at) continue;
    const filled = await db.one(`SELECT 1 FROM editions WHERE newsletter_id = $1 AND slot_at = $2`, [n.id, slot]);
    if (filled) continue;
    try {
      const pending = await db.one<{ id: number; status: string }>(
        `SELECT id, status FROM editions WHERE newsletter_id = $1 AND status IN ('draft', 'scheduled') ORDER BY number DESC LIMIT 1`,
        [n.id],
      );
      if (pending) {
        // Claim the slot for the waiting edition; a scheduled one keeps the time its editor chose.
        const claimed = await db.one(`UPDATE editions SET slot_at = $2 WHERE id = $1 AND slot_at IS DISTINCT FROM $2 RETURNING id`, [pending.id, slot]);
        if (claimed && pending.status === 'draft') {
          await startSend(deps, pending.id);
          started.push(pending.id);
        }
        continue;
      }
      const e = await buildEdition(deps, n.id, { slotAt: slot });
      if (!e.items.length) {
        log.warn('no stories for the scheduled edition; the empty draft waits for an editor', { newsletter: n.slug, edition_id: e.id });
        continue;
      }
      await startSend(deps, e.id);
      started.push(e.id);
    } catch (err) {
      // Another server filled the slot first (unique slot_at), or the edition cannot be sent yet.
      if (err instanceof ConflictError || (err as { code?: string }).code === '23505') continue;
      log.error('scheduled edition failed', { newsletter: n.slug, err });
    }
  }
  const due = await db.query<{ id: number }>(`SELECT id FROM editions WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at`, [now]);
  for (const { id } of due) {
    try {
      await startSend(deps, id);
      started.push(id);
    } catch (err) {
      if (err instanceof ValidationError) {
        // It cannot go (no stories left, say): back to draft with the reason for its editor, instead
        // of failing again on every tick.
        await unscheduleEdition(db, id, `Not sent at its scheduled time: ${err.message}`);
        log.warn('scheduled edition could not start; back to draft', { edition_id: id, reason: err.message });
      } else if (!(err instanceof ConflictError)) log.error('scheduled edition failed to start', { edition_id: id, err });
    }
  }
  if (opts.run !== false) {
    const running = new Set(activeSends(deps));
    const sending = await db.query<{ id: number }>(`SELECT id FROM editions WHERE status = 'sending' ORDER BY id`);
    for (const { id } of sending) {
      if (running.has(id)) continue;
      void runSend(deps, id, { signal: opts.signal }).catch((err) => log.error('send failed', { edition_id: id, err }));
    }
  }
  return started;
}

export function startEditionScheduler(deps: Deps, intervalMs = TICK_MS): { stop(): Promise<void> } {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let unlisten: (() => Promise<void>) | null = null;
  let again = false;
  const tick = async () => {
    if (abort.signal.aborted) return;
    try {
      await scheduleTick(deps, { signal: abort.signal });
    } catch (err) {
      deps.log.error('edition scheduler tick failed', { err });
    }
    arm(again ? 50 : intervalMs);
    again = false;
  };
  const arm = (ms: number) => {
    if (abort.signal.aborted) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => (running = tick()), ms);
  };
  void deps.db.listen(SENDS_CHANNEL, () => arm(50)).then((u) => (unlisten = u));
  arm(1000);
  return {
    async stop() {
      abort.abort();
      if (timer) clearTimeout(timer);
      await running;
      await unlisten?.();
      // Sends in this process stop before their next message (the server's close raises
      // deps.runtime.stopping first); they resume on the next start.
      await Promise.all(activeSends(deps).map((id) => runSend(deps, id).catch(() => {})));
    },
  };
}
