// The dependencies a domain function may reach for, built once at start and passed down.
import type { Config } from './config.ts';
import type { Db } from './db/index.ts';
import type { Log } from './platform/log.ts';
import type { Clock } from './platform/clock.ts';
import { openDb } from './db/index.ts';
import { createLog } from './platform/log.ts';
import { systemClock } from './platform/clock.ts';
import { createRuntime, type Runtime } from './platform/runtime.ts';

export interface Deps {
  db: Db;
  config: Config;
  log: Log;
  clock: Clock;
  /** Per-process state and the shutdown signal (src/platform/runtime.ts): one per start-up. */
  runtime: Runtime;
}

export async function buildDeps(config: Config, overrides: Partial<Deps> = {}): Promise<Deps> {
  const log = overrides.log ?? createLog(config.logLevel);
  const db = overrides.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  return { db, config, log, clock: overrides.clock ?? systemClock, runtime: overrides.runtime ?? createRuntime() };
}
