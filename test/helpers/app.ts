// A running Newsdesk on a fresh test database: the real HTTP server on a loopback port (so the page
// cache in front of Fastify is exercised too), with a fixed clock and a throwaway DATA_DIR.
import { after } from 'node:test';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLog } from '../../src/platform/log.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import type { Deps } from '../../src/deps.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { openTestDb, tmpDir, type TestScope } from './db.ts';
import { createRuntime } from '../../src/platform/runtime.ts';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    { DATA_DIR: tmpDir(), SITE_URL: 'https://news.example', SECRET_KEY: 'test-secret-key-test-secret-key-0123456789', LOG_LEVEL: 'silent', ...env },
    { loadDotEnv: false },
  );
}

export interface TestApp {
  deps: Deps;
  server: RunningServer;
  url: string;
  clock: ReturnType<typeof fixedClock>;
  get(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Started on a fresh test database; stopped when the file's tests end, or with `scope` (a test's
 * context) when that test ends, so that the test after it gets the same pooled database back.
 */
export async function startTestApp(opts: { now?: string; env?: Record<string, string>; background?: boolean; scope?: TestScope } = {}): Promise<TestApp> {
  const db = await openTestDb(opts.scope);
  const config = testConfig(opts.env);
  const clock = fixedClock(opts.now ?? new Date().toISOString());
  const deps: Deps = { db, config, log: createLog('silent'), clock, runtime: createRuntime() };
  const server = await startServer(deps, { port: 0, host: '127.0.0.1', background: opts.background ?? false });
  (opts.scope ? (fn: () => unknown) => opts.scope!.after(fn) : after)(() => server.close());
  return { deps, server, url: server.url, clock, get: (path, init) => fetch(server.url + path, { redirect: 'manual', ...init }) };
}
