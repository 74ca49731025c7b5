// Routine upkeep for the embedded database. PGlite runs Postgres in single-user mode, which has no
// autovacuum: left alone, its planner statistics would stay as they were when each table was empty
// (plans chosen for empty tables: hash joins over every subscriber, sorts of whole tables), and the
// row versions that updates leave behind would never be reclaimed. `serve` therefore analyses the
// embedded database shortly after it starts and then every hour, and vacuums it every six hours.
// A PostgreSQL server's autovacuum does both there; this does nothing on a server.
//
// PGlite runs on the serving thread, so a pass stops every request for its length (an ANALYZE of the
// demo publication: about 100-400 ms). Given a count of requests served (`activity`), a pass that is
// due waits for a quiet second, one in which no request came, for at most MAX_DEFER_MS; then it runs
// anyway (statistics matter more than one slow second). Readers in a burst of traffic are not stalled
// by upkeep that could as well run a moment later (the serving benchmark's p99 tail was this pass).
import type { Deps } from '../deps.ts';
import type { Db } from './index.ts';

const FIRST_MS = 60_000;
const ANALYZE_EVERY_MS = 3_600_000;
const VACUUM_EVERY = 6; // analyses
/** How long a quiet moment is looked for before a pass runs anyway. */
export const MAX_DEFER_MS = 600_000;
/** A quiet moment: this long without a request. */
const QUIET_MS = 1_000;

/** One pass: ANALYZE (planner statistics), or VACUUM (ANALYZE) to also reclaim dead rows. */
export async function maintainDb(db: Db, opts: { vacuum?: boolean } = {}): Promise<void> {
  await db.exec(opts.vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE');
}

export interface MaintenanceOptions {
  firstMs?: number;
  everyMs?: number;
  /** A count that grows with every request served: a due pass waits for a quiet moment (see above). */
  activity?: () => number;
  quietMs?: number;
  maxDeferMs?: number;
}

export function startDbMaintenance(deps: Pick<Deps, 'db' | 'log'>, opts: MaintenanceOptions = {}): { stop(): Promise<void> } {
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
  const quietMs = opts.quietMs ?? QUIET_MS;
  const maxDeferMs = opts.maxDeferMs ?? MAX_DEFER_MS;
  /** The pass is due: run it in the first quiet moment, or once it has waited maxDeferMs. */
  const whenQuiet = (dueAt: number, seen: number | null) => {
    if (stopped) return;
    const now = opts.activity ? opts.activity() : 0;
    if (!opts.activity || (seen !== null && now === seen) || performance.now() - dueAt >= maxDeferMs) {
      running = run().finally(() => arm(opts.everyMs ?? ANALYZE_EVERY_MS));
      return;
    }
    timer = setTimeout(() => whenQuiet(dueAt, now), quietMs);
    timer.unref();
  };
  const arm = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => whenQuiet(performance.now(), null), ms);
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
