// Routine upkeep for the embedded database. PGlite runs Postgres in single-user mode, which has no
// autovacuum: left alone, its planner statistics would stay as they were when each table was empty
// (plans chosen for empty tables: hash joins over every subscriber, sorts of whole tables), and the
// row versions that updates leave behind would never be reclaimed. `serve` therefore analyses the
// embedded database shortly after it starts and then every hour, and vacuums it every six hours.
// A PostgreSQL server's autovacuum does both there; this does nothing on a server.
import type { Deps } from '../deps.ts';
import type { Db } from './index.ts';

const FIRST_MS = 60_000;
const ANALYZE_EVERY_MS = 3_600_000;
const VACUUM_EVERY = 6; // analyses

/** One pass: ANALYZE (planner statistics), or VACUUM (ANALYZE) to also reclaim dead rows. */
export async function maintainDb(db: Db, opts: { vacuum?: boolean } = {}): Promise<void> {
  await db.exec(opts.vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE');
}

export function startDbMaintenance(deps: Pick<Deps, 'db' | 'log'>, opts: { firstMs?: number; everyMs?: number } = {}): { stop(): Promise<void> } {
  if (deps.db.kind !== 'pglite') return { stop: async () => {} };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let passes = 0;
  let stopped = false;
  const run = async () => {
    const vacuum = passes++ % VACUUM_EVERY === VACUUM_EVERY - 1;
    const t = performance.now();
    try {
      await maintainDb(deps.db, { vacuum });
      deps.log.info('database maintenance done', { what: vacuum ? 'vacuum analyze' : 'analyze', ms: Math.round(performance.now() - t) });
    } catch (err) {
      deps.log.warn('database maintenance failed; it will be tried again', { err });
    }
  };
  const arm = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => arm(opts.everyMs ?? ANALYZE_EVERY_MS));
    }, ms);
    timer.unref();
  };
  arm(opts.firstMs ?? FIRST_MS);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
