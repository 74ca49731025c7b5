// `newsdesk` run as a real child process on an embedded database of its own, for the tests of what a
// signal does to a command or a server (SIGTERM during a send, an import, a forwarded command): the
// data directory set up in this process first, the command's environment, and the children killed
// at the end of the file if a test left one running. Files that import this are in the slow tier
// (they spawn processes: scripts/test-tiers.mjs).
import { after } from 'node:test';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';
import { tmpDir } from './db.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'newsdesk.mjs');

/** These tests run the embedded database (PGlite) in the child: skipped on a PostgreSQL run. */
export const onPg = !!process.env.NEWSDESK_TEST_PG_URL;

/** Open the embedded database in `dataDir` (the child must not be running), run fn, close it. */
export async function withDataDir<T>(dataDir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ databaseUrl: null, dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** A new DATA_DIR with a migrated embedded database, seeded by `seed`; on PostgreSQL runs, an empty folder. */
export async function preparedDataDir(seed?: (db: Db) => Promise<void>): Promise<string> {
  const dataDir = tmpDir();
  if (!onPg) {
    await withDataDir(dataDir, async (db) => {
      await migrate(db);
      await seed?.(db);
    });
  }
  return dataDir;
}

/** `count` people named `${prefix}N@example.net`, each confirmed on the newsletter `slug` (seeded already). */
export async function seedConfirmedReaders(db: Db, count: number, prefix = 'term', slug = 'daily'): Promise<void> {
  await db.query(
    `INSERT INTO people (email, email_normalized, name) SELECT $2 || i || '@example.net', $2 || i || '@example.net', 'Reader ' || i FROM generate_series(1, $1) i`,
    [count, prefix],
  );
  await db.query(
    `INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at)
     SELECT p.id, n.id, 'confirmed', now() FROM people p, newsletters n WHERE n.slug = $1 AND p.email LIKE $2 || '%'`,
    [slug, prefix],
  );
}

/** The environment of a command on `dataDir`: quiet, no demo, never a DATABASE_URL; `extra` added. */
export function commandEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const e: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    SITE_URL: 'https://news.example',
    SECRET_KEY: 'child-secret-key-child-secret-key-0123456789',
    LOG_LEVEL: 'silent',
    DEMO_CONTENT: 'false',
    ...extra,
  };
  delete e.DATABASE_URL;
  return e;
}

export interface RunningCommand {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both streams, in the order they arrived. */
  output(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

const children = new Set<ChildProcess>();
let cleanup = false;

/** Start `newsdesk ...args`; `onStdout` hears the whole stdout so far after each chunk. */
export function runNewsdesk(args: string[], env: Record<string, string>, onStdout?: (stdout: string, cmd: RunningCommand) => void): RunningCommand {
  if (!cleanup) {
    cleanup = true;
    after(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
  }
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  let both = '';
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const cmd: RunningCommand = { child, stdout: () => out, stderr: () => err, output: () => both, exited };
  child.stdout!.on('data', (c) => {
    out += c;
    both += c;
    onStdout?.(out, cmd);
  });
  child.stderr!.on('data', (c) => {
    err += c;
    both += c;
  });
  return cmd;
}

/** Run `newsdesk serve` and wait for its "serving" line (rejects if it exits first). */
export async function startServe(env: Record<string, string>): Promise<RunningCommand> {
  const s = runNewsdesk(['serve'], env);
  await new Promise<void>((resolve, reject) => {
    const check = () => (/Newsdesk is serving/.test(s.stdout()) ? resolve() : undefined);
    s.child.stdout!.on('data', check);
    void s.exited.then(() => reject(new Error(`the server exited before serving: ${s.output()}`)));
  });
  return s;
}
