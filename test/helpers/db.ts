// Call these at module top level (not in before()): their after() cleanups then run when the file ends.
// A fresh, migrated database for one test file: a copy of the template that scripts/test.mjs built
// (PGlite dump or PostgreSQL template database). Closed and dropped when the file's tests end.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { after } from 'node:test';
import { openDb, type Db } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';

/**
 * On the PostgreSQL pass: a database of this file's own, copied from the run's template, that other
 * processes (a spawned `serve`, the CLI) can reach by URL. The caller drops it when done (in the
 * after() that first stops what uses it). Null on PGlite.
 */
export async function createTestDatabase(tag: string): Promise<{ url: string; drop(): Promise<void> } | null> {
  const pgUrl = process.env.NEWSDESK_TEST_PG_URL;
  if (!pgUrl) return null;
  const pg = (await import('pg')).default;
  const name = `newsdesk_t_${process.env.NEWSDESK_TEST_PARENT_PID ?? process.pid}_${tag}${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.NEWSDESK_TEST_PG_TEMPLATE}`);
  await admin.end();
  const u = new URL(pgUrl);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export async function openTestDb(): Promise<Db> {
  const created = await createTestDatabase('');
  if (created) {
    const db = await openDb({ databaseUrl: created.url, dataDir: tmpDir() });
    after(async () => {
      await db.close();
      await created.drop();
    });
    return db;
  }
  const dump = process.env.NEWSDESK_TEST_PGLITE_DUMP;
  const db = await openDb({
    databaseUrl: null,
    dataDir: tmpDir(),
    inMemory: true,
    pgliteLoad: dump ? new Blob([fs.readFileSync(dump)]) : undefined,
  });
  if (!dump) await migrate(db); // a file run directly with `node --test`, outside scripts/test.mjs
  after(() => db.close());
  return db;
}

/** A private temporary directory for this test file. */
export function tmpDir(): string {
  const base = process.env.NEWSDESK_TEST_TMP ?? fs.realpathSync(require_tmp());
  const dir = fs.mkdtempSync(`${base}/t-`);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function require_tmp(): string {
  return process.env.TMPDIR ?? '/tmp';
}
