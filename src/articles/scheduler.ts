// Scheduled articles go live on time: a timer set to the next due article (re-armed whenever a
// schedule is set, moved or cleared: SCHEDULE_CHANNEL) plus a one-minute safety poll for schedules made by another process.
import type { Deps } from '../deps.ts';
import { nextScheduledAt } from './queries.ts';
import { publishDueArticles } from './write.ts';
import { SCHEDULE_CHANNEL } from '../platform/channels.ts';

const MAX_SLEEP_MS = 60_000;

export function startScheduler(deps: Deps): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let unlisten: (() => Promise<void>) | null = null;

  const tick = async () => {
    if (stopped) return;
    try {
      const ids = await publishDueArticles(deps.db, deps.clock.now());
      if (ids.length) deps.log.info('published scheduled articles', { article_ids: ids });
      const next = await nextScheduledAt(deps.db);
      arm(next ? next.getTime() - deps.clock.now().getTime() : MAX_SLEEP_MS);
    } catch (err) {
      deps.log.error('scheduler tick failed', { err });
      arm(MAX_SLEEP_MS);
    }
  };
  const arm = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => (running = tick()), Math.max(50, Math.min(ms, MAX_SLEEP_MS)));
  };

  void deps.db.listen(SCHEDULE_CHANNEL, () => arm(100)).then((u) => (unlisten = u));
  running = tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await unlisten?.();
    },
  };
}
