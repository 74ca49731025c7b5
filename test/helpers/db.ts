// Call these at module top level (not in before()): their after() cleanups then run when the file ends.
// A fresh, migrated database for one test file: a copy of the template that scripts/test.mjs built
// (PGlite dump or PostgreSQL template database). Closed and dropped when the file's tests end.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { after } from 'node:test';
import { openDb, type Db } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';

export async function openTestDb(): Promise<Db> {
  const pgUrl = process.env.NEWSDESK_TEST_PG_URL;
  if (pgUrl) {
    const pg = (await import('pg')).default;
    const name = `newsdesk_t_${process.env.NEWSDESK_TEST_PARENT_PID ?? process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.NEWSDESK_TEST_PG_TEMPLATE}`);
    await admin.end();
    const u = new URL(pgUrl);
    u.pathname = '/' + name;
    const db = await openDb({ databaseUrl: u.toString(), dataDir: tmpDir() });
    after(async () => {
      await db.close();
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
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
