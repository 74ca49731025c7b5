// Call these at module top level (not in before()): their after() cleanups then run when the file ends.
// A fresh, migrated database for one test file: a copy of the template that scripts/test.mjs built
// (PGlite dump or PostgreSQL template database). Closed and dropped when the file's tests end.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { after } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { openDb, pgliteDb, pgliteOf, type Db } from '../../src/db/index.ts';
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
  const db = await pooledPglite();
  after(() => db.close());
  return db;
}

// The embedded databases of this process, kept between test files. In a shared test process
// (scripts/test-worker.mjs, decision 0008) file after file opens a test database; starting a PGlite
// costs about a second of CPU, emptying one a few milliseconds. So a database a file closes goes back
// to the pool, and the next openTestDb() empties it back to the template's contents: every table
// truncated (schema_migrations aside) and the template's few seeded rows put back. The handle a file
// got refuses queries once closed, so nothing of a finished file reaches the next one. A database
// whose schema a test changed (a table of its own) is not reused.
interface Pooled {
  pg: PGlite;
  /** The schema's fingerprint when it entered the pool. */
  schema: string;
}
interface TemplateContents {
  tables: string[];
  seeds: Array<{ table: string; columns: string[]; rows: string }>;
}
const idle: Pooled[] = [];
// How many PGlite instances this process holds open: each keeps one timer of its own running (its
// Postgres' timeouts), which scripts/test-worker.mjs must not count as a timer a file left behind.
const LIVE = Symbol.for('newsdesk.test.pgliteInstances');
const live = (d: number) => ((globalThis as any)[LIVE] = ((globalThis as any)[LIVE] ?? 0) + d);
let contents: TemplateContents | null = null;

const SCHEMA_FINGERPRINT = `SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) AS h FROM (
  SELECT c.relkind::text || ':' || c.relname || ':' || coalesce(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), '') AS x
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  UNION ALL SELECT 'f:' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  UNION ALL SELECT 't:' || tgname FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT 'n:' || nspname FROM pg_namespace) s`;

async function fingerprint(pg: PGlite): Promise<string> {
  return ((await pg.query<{ h: string }>(SCHEMA_FINGERPRINT)).rows[0]!).h;
}

/** What a fresh copy of the template holds: its tables, and the rows it comes with. */
async function readContents(pg: PGlite): Promise<TemplateContents> {
  const tables = (await pg.query<{ t: string }>(`SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> 'schema_migrations' ORDER BY 1`)).rows.map((r) => r.t);
  const seeds: TemplateContents['seeds'] = [];
  for (const table of tables) {
    const rows = (await pg.query<{ j: string | null }>(`SELECT json_agg(t)::text AS j FROM ${table} t`)).rows[0]!.j;
    if (!rows) continue;
    const columns = (await pg.query<{ c: string }>(`SELECT quote_ident(attname) AS c FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`, [table])).rows.map((r) => r.c);
    seeds.push({ table, columns, rows });
  }
  return { tables, seeds };
}

async function empty(pg: PGlite, c: TemplateContents): Promise<void> {
  await pg.query('SELECT pg_advisory_unlock_all()');
  await pg.exec('RESET ALL');
  await pg.transaction(async (tx) => {
    if (c.tables.length) await tx.exec(`TRUNCATE ${c.tables.join(', ')} RESTART IDENTITY CASCADE`);
    for (const s of c.seeds) {
      const cols = s.columns.join(', ');
      await tx.query(`INSERT INTO ${s.table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${s.table}, $1::json)`, [s.rows]);
    }
  });
}

async function pooledPglite(): Promise<Db> {
  let p: Pooled | undefined;
  while ((p = idle.pop())) {
    try {
      if ((await fingerprint(p.pg)) === p.schema) {
        await empty(p.pg, contents!);
        break;
      }
      if (process.env.TEST_POOL_DEBUG) console.log('# pool: schema changed, discarding');
    } catch (e) {
      if (process.env.TEST_POOL_DEBUG) console.log('# pool: unusable, discarding', e);
    }
    await p.pg.close().catch(() => {});
    live(-1);
  }
  if (!p) {
    const dump = process.env.NEWSDESK_TEST_PGLITE_DUMP;
    const fresh = await openDb({ databaseUrl: null, dataDir: tmpDir(), inMemory: true, pgliteLoad: dump ? new Blob([fs.readFileSync(dump)]) : undefined });
    if (!dump) await migrate(fresh); // a file run directly with `node --test`, outside scripts/test.mjs
    const pg = pgliteOf(fresh)!;
    live(1);
    if (process.env.TEST_POOL_DEBUG) console.log(`# pool: new PGlite (${(globalThis as any)[LIVE]} open)`);
    p = { pg, schema: await fingerprint(pg) };
    contents ??= await readContents(pg);
  }
  const mine = p;
  return pgliteDb(mine.pg, async () => {
    idle.push(mine);
  });
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
