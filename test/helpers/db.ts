// Call these at module top level (not in before()): their after() cleanups then run when the file ends.
// A fresh, migrated database for one test file: a copy of the template that scripts/test.mjs built
// (PGlite dump or PostgreSQL template database), or on PGlite a pooled one emptied back to it (below).
// Closed (and dropped, or given back to the pool) when the file's tests end.
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

/** Where a cleanup goes: a test's own context (`async (t) => ...`: when that test ends), or the file's. */
export interface TestScope {
  after(fn: () => unknown): void;
}

/**
 * A fresh database, closed when the file's tests end, or when the test ends with `scope` (the test's
 * context): a test that needs a database of its own then hands it back for the next test's (in a
 * shared process the same embedded database, emptied) instead of holding it to the end of the file,
 * which would make the next one start another (a second of CPU).
 */
export async function openTestDb(scope?: TestScope): Promise<Db> {
  const later = scope ? (fn: () => unknown) => scope.after(fn) : after;
  const created = await createTestDatabase('');
  if (created) {
    const db = await openDb({ databaseUrl: created.url, dataDir: tmpDir() });
    later(async () => {
      await db.close();
      await created.drop();
    });
    return db;
  }
  const db = await pooledPglite();
  later(() => db.close());
  return db;
}

// The embedded databases of this process, kept between test files. In a shared test process
// (scripts/test-worker.mjs, decision 0008) file after file opens a test database; starting a PGlite
// costs about a second of CPU, emptying one a few milliseconds. So a database a file closes goes back
// to the pool, and the next openTestDb() empties it back to the template's contents: the rows of every
// table deleted (schema_migrations aside, foreign keys set aside meanwhile; a table that held many rows
// is truncated instead, so dead rows do not pile up), and the template's few seeded rows put back. The
// handle a file got refuses queries once closed, so nothing of a finished file reaches the next one.
// A database whose schema a test changed (a table of its own, a temporary one) is not reused.
interface Pooled {
  pg: PGlite;
  /** The schema's fingerprint when it entered the pool. */
  schema: string;
  /** Rows deleted from each table since it was last truncated. */
  deleted: Map<string, number>;
}
interface TemplateContents {
  tables: string[];
  seeds: Array<{ table: string; columns: string[]; rows: string }>;
  sequences: Array<{ name: string; value: number; called: boolean }>;
  /** One statement: each table with its row count, up to BIG + 1. */
  probe: string;
}
const idle: Pooled[] = [];
let contents: TemplateContents | null = null;
/** Kept for the next files; more are closed (each holds 100-200 MB; few files open two at once). */
const MAX_IDLE = 2;
const BIG = 1000;
const TRUNCATE_AFTER = 5000;
// How many PGlite instances this process holds open: each keeps one timer of its own running (its
// Postgres' timeouts), which scripts/test-worker.mjs must not count as a timer a file left behind.
const LIVE = Symbol.for('newsdesk.test.pgliteInstances');
const live = (d: number) => ((globalThis as any)[LIVE] = ((globalThis as any)[LIVE] ?? 0) + d);

// Changes with any object created (new OIDs are higher), dropped (counts), or column added, dropped,
// retyped or given another default. Objects below 16384 are Postgres' own.
const SCHEMA_FINGERPRINT = `SELECT concat_ws(':', (SELECT max(oid)::text FROM pg_class), (SELECT count(*) FROM pg_class),
  (SELECT sum(hashtext(a.attrelid::text || ' ' || a.attname || ' ' || a.atttypid::text || ' ' || a.atttypmod::text || ' ' || a.attnotnull::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')))
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE NOT a.attisdropped AND a.attrelid >= 16384),
  (SELECT max(oid)::text FROM pg_proc), (SELECT count(*) FROM pg_proc), (SELECT max(oid)::text FROM pg_type), (SELECT count(*) FROM pg_type),
  (SELECT max(oid)::text FROM pg_constraint), (SELECT count(*) FROM pg_constraint), (SELECT count(*) FROM pg_trigger), (SELECT count(*) FROM pg_namespace)) AS h`;

async function fingerprint(pg: PGlite): Promise<string> {
  return ((await pg.query<{ h: string }>(SCHEMA_FINGERPRINT)).rows[0]!).h;
}

/** What a fresh copy of the template holds: its tables, the rows it comes with, its sequences. */
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
  const sequences: TemplateContents['sequences'] = [];
  for (const { name } of (await pg.query<{ name: string }>(`SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_sequences`)).rows) {
    const r = (await pg.query<{ last_value: number; is_called: boolean }>(`SELECT last_value, is_called FROM ${name}`)).rows[0]!;
    sequences.push({ name, value: Number(r.last_value), called: r.is_called });
  }
  const probe = tables.map((t) => `SELECT ${pgString(t)} AS t, (SELECT count(*) FROM (SELECT 1 FROM ${t} LIMIT ${BIG + 1}) x)::int AS n`).join(' UNION ALL ');
  return { tables, seeds, sequences, probe };
}

const pgString = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function empty(p: Pooled, c: TemplateContents): Promise<void> {
  const pg = p.pg;
  await pg.query('SELECT pg_advisory_unlock_all()');
  await pg.exec('RESET ALL');
  const seeded = new Set(c.seeds.map((s) => s.table));
  const held = c.probe ? (await pg.query<{ t: string; n: number }>(c.probe)).rows.filter((r) => r.n > 0 || seeded.has(r.t)) : [];
  const truncate: string[] = [];
  const remove: string[] = [];
  for (const { t, n } of held) {
    const total = (p.deleted.get(t) ?? 0) + n;
    if (n > BIG || total > TRUNCATE_AFTER) {
      truncate.push(t);
      p.deleted.set(t, 0);
    } else {
      remove.push(t);
      p.deleted.set(t, total);
    }
  }
  await pg.transaction(async (tx) => {
    // Deleting in any order: foreign keys (and any trigger) are set aside for this transaction.
    await tx.exec('SET LOCAL session_replication_role = replica');
    if (truncate.length) await tx.exec(`TRUNCATE ${truncate.join(', ')} CASCADE`);
    for (const t of remove) await tx.exec(`DELETE FROM ${t}`);
    for (const s of c.seeds) {
      const cols = s.columns.join(', ');
      await tx.query(`INSERT INTO ${s.table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${s.table}, $1::json)`, [s.rows]);
    }
    for (const q of c.sequences) await tx.query(`SELECT setval($1, $2, $3)`, [q.name, q.value, q.called]);
  });
}

async function pooledPglite(): Promise<Db> {
  let p: Pooled | undefined;
  while ((p = idle.pop())) {
    try {
      const t0 = performance.now();
      if ((await fingerprint(p.pg)) === p.schema) {
        await empty(p, contents!);
        if (process.env.TEST_POOL_DEBUG) console.log(`# pool: emptied in ${(performance.now() - t0).toFixed(0)} ms`);
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
    const t0 = performance.now();
    const dump = process.env.NEWSDESK_TEST_PGLITE_DUMP;
    const fresh = await openDb({ databaseUrl: null, dataDir: tmpDir(), inMemory: true, pgliteLoad: dump ? new Blob([fs.readFileSync(dump)]) : undefined });
    if (!dump) await migrate(fresh); // a file run directly with `node --test`, outside scripts/test.mjs
    const pg = pgliteOf(fresh)!;
    live(1);
    if (process.env.TEST_POOL_DEBUG) console.log(`# pool: new PGlite (${(globalThis as any)[LIVE]} open) in ${(performance.now() - t0).toFixed(0)} ms`);
    p = { pg, schema: await fingerprint(pg), deleted: new Map() };
    contents ??= await readContents(pg);
  }
  const mine = p;
  return pgliteDb(mine.pg, async () => {
    // Only a shared test process keeps them: a PGlite left open keeps a process of its own alive.
    if (process.env.NEWSDESK_TEST_SHARED === '1' && idle.length < MAX_IDLE) return void idle.push(mine);
    await mine.pg.close().catch(() => {});
    live(-1);
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
