import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { pgliteOf } from '../src/db/index.ts';
import { migrate, pendingMigrations } from '../src/db/migrate.ts';
import { maintainDb, startDbMaintenance } from '../src/db/maintenance.ts';
import { createLog } from '../src/platform/log.ts';

test('the test database is migrated and transactions roll back on error', async (ctx) => {
  const db = await openTestDb(ctx);
  assert.deepEqual(await pendingMigrations(db), []);
  assert.deepEqual(await migrate(db), []);
  await assert.rejects(
    db.tx(async (tx) => {
      await tx.query(`INSERT INTO settings (key, value) VALUES ('x', '1')`);
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await db.one(`SELECT 1 FROM settings WHERE key = 'x'`), undefined);
  const heard: string[] = [];
  await db.listen('content_changed', (p) => heard.push(p));
  await db.tx(async (tx) => {
    await tx.notify('content_changed', 'a');
    assert.deepEqual(heard, [], 'a notification inside a transaction waits for commit');
  });
  assert.ok(heard.includes('a'));
  const big = await db.one<{ n: number }>(`SELECT 9007199254740991::bigint AS n`);
  assert.equal(big!.n, 9007199254740991);
});

test('PostgreSQL: a broken LISTEN connection reconnects and listeners hear about it', { skip: process.env.NEWSDESK_TEST_PG_URL ? false : 'PostgreSQL only (PGlite notifies in-process)' }, async (ctx) => {
  const db = await openTestDb(ctx);
  const heard: string[] = [];
  await db.listen('content_changed', (p) => heard.push(p));
  const other = await db.one<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%') t`,
  );
  assert.equal(other!.n, 1, 'the listening connection was terminated');
  while (!heard.includes('reconnected')) await new Promise((r) => setTimeout(r, 50));
  // A notification from another connection arrives through the new LISTEN connection.
  const pg = (await import('pg')).default;
  const u = new URL(process.env.NEWSDESK_TEST_PG_URL!);
  u.pathname = '/' + (await db.one<{ d: string }>('SELECT current_database() AS d'))!.d;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  await c.query(`NOTIFY content_changed, 'from-elsewhere'`);
  await c.end();
  while (!heard.includes('from-elsewhere')) await new Promise((r) => setTimeout(r, 50));
  assert.ok(heard.includes('from-elsewhere'));
});

test('maintenance gives the planner statistics and reclaims dead rows (PGlite has no autovacuum)', async (ctx) => {
  const db = await openTestDb(ctx);
  await db.exec(`CREATE TABLE upkeep (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false); INSERT INTO upkeep SELECT i, 'x' FROM generate_series(1, 5000) i`);
  const stats = () => db.one<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'upkeep'`);
  assert.equal((await stats())!.n, 0, 'no statistics before');
  await maintainDb(db);
  assert.equal((await stats())!.n, 2, 'statistics for both columns');
  await db.query(`UPDATE upkeep SET v = 'y'`);
  // Activity statistics reach the shared counters at most once a second: force the flush first.
  const dead = async () => {
    await db.query(`SELECT pg_stat_force_next_flush()`);
    return (await db.one<{ dead: number; vacuums: number }>(`SELECT n_dead_tup::int AS dead, vacuum_count::int AS vacuums FROM pg_stat_user_tables WHERE relname = 'upkeep'`))!;
  };
  assert.equal((await dead()).dead, 5000, 'the update left a dead version of every row');
  await maintainDb(db, { vacuum: true });
  assert.deepEqual(await dead(), { dead: 0, vacuums: 1 }, 'dead rows reclaimed');
  // The background loop runs it on the embedded database only, and stops cleanly.
  const lines: string[] = [];
  let done: () => void = () => {};
  const ran = new Promise<void>((r) => (done = r));
  const m = startDbMaintenance({ db, log: createLog('info', {}, (l) => (lines.push(l), /maintenance done/.test(l) && done())) }, { firstMs: 1 });
  if (db.kind === 'pglite') await ran;
  await m.stop();
  assert.equal(lines.some((l) => /database maintenance done/.test(l)), db.kind === 'pglite');
});

test('a due upkeep pass waits for a moment without requests, and runs anyway once it has waited long enough', { timeout: 60_000 }, async (t) => {
  const db = await openTestDb(t);
  if (db.kind !== 'pglite') return t.skip('upkeep runs on the embedded database only');
  // Busy until told otherwise: every look at the counter sees a new request.
  let requests = 0;
  let busy = true;
  let looks = 0;
  let passes = 0;
  let done: () => void = () => {};
  let ran = new Promise<void>((r) => (done = r));
  const log = createLog('info', {}, (l) => { if (/maintenance done/.test(l)) { passes++; done(); } });
  let sawFive: () => void = () => {};
  const fiveLooks = new Promise<void>((r) => (sawFive = r));
  const activity = () => {
    if (++looks === 5) sawFive();
    return busy ? ++requests : requests;
  };
  const m = startDbMaintenance({ db, log }, { firstMs: 1, quietMs: 5, activity });
  await fiveLooks;
  assert.equal(passes, 0, 'no pass while requests keep coming');
  busy = false;
  await ran;
  assert.equal(passes, 1, 'the pass ran in the first quiet moment');
  assert.ok(looks >= 6);
  await m.stop();
  // Never quiet: the pass runs once it has waited maxDeferMs.
  ran = new Promise<void>((r) => (done = r));
  busy = true;
  const before = looks;
  const m2 = startDbMaintenance({ db, log }, { firstMs: 1, quietMs: 5, maxDeferMs: 30, activity });
  await ran;
  assert.equal(passes, 2);
  assert.ok(looks > before, 'it looked for a quiet moment first');
  await m2.stop();
});

test('a closed test database refuses queries; the next one starts from the template, even when it reuses the same embedded database', async (ctx) => {
  const first = await openTestDb(ctx);
  await first.query(`INSERT INTO settings (key, value) VALUES ('pool-check', '"1"')`);
  const seeded = await first.query(`SELECT * FROM wire_cluster_state`);
  await first.query(`DELETE FROM wire_cluster_state`);
  await first.close();
  await assert.rejects(first.query('SELECT 1'), /closed/);
  const next = await openTestDb(ctx);
  // Kept for the next file in a shared test process only (scripts/test-worker.mjs); alone, closed.
  if (next.kind === 'pglite' && process.env.NEWSDESK_TEST_SHARED === '1') assert.equal(pgliteOf(next), pgliteOf(first), 'the embedded database was reused');
  assert.equal(await next.one(`SELECT 1 FROM settings WHERE key = 'pool-check'`), undefined, 'the last file’s rows are gone');
  assert.deepEqual(await next.query(`SELECT * FROM wire_cluster_state`), seeded, 'the template’s own rows are back');
  assert.deepEqual(await pendingMigrations(next), []);
});

test('a test database whose schema a test changed is not handed out again', async (ctx) => {
  const db = await openTestDb(ctx);
  await db.exec(`CREATE TABLE pool_scratch (id int)`);
  await db.close();
  const next = await openTestDb(ctx);
  if (next.kind === 'pglite') assert.notEqual(pgliteOf(next), pgliteOf(db));
  assert.equal(await next.one(`SELECT to_regclass('pool_scratch') AS t`).then((r) => r!.t), null);
});

test('a prepared statement returns the rows query() returns (types parsed; quotes, NULL and JSON in its parameters), in a transaction too, and is prepared again after a DEALLOCATE', { timeout: 60_000 }, async () => {
  const db = await openTestDb();
  const sql = `SELECT $1::text AS t, $2::bigint AS n, $3::json AS j, $4::float8 AS f, $5::text IS NULL AS missing, '2026-01-02'::date AS d, ARRAY[$2, $2 - 1]::bigint[] AS a FROM generate_series(1, 2) g`;
  const types = ['text', 'bigint', 'json', 'float8', 'text'];
  const params = ["it's a 'quote'); SELECT ('1", 9007199254740991, JSON.stringify({ a: [1, "x'y"] }), 0.25, null];
  const viaQuery = await db.query(sql, params);
  assert.equal(viaQuery.length, 2);
  assert.deepEqual(await db.prepared('test_roundtrip', types, sql, params), viaQuery);
  const [row] = await db.prepared<{ t: string; n: number; j: unknown; missing: boolean; d: string }>('test_roundtrip', types, sql, params);
  assert.equal(row!.t, params[0]);
  assert.equal(row!.n, 9007199254740991);
  assert.deepEqual(row!.j, { a: [1, "x'y"] });
  assert.equal(row!.missing, true);
  assert.equal(row!.d, '2026-01-02');
  assert.deepEqual(await db.tx((tx) => tx.prepared('test_roundtrip', types, sql, params)), viaQuery);
  assert.deepEqual(await db.prepared('test_empty', ['int'], 'SELECT g FROM generate_series(1, $1) g', [0]), []);
  if (db.kind === 'pglite') {
    // Deallocated behind its back (PGlite has one session): the next call fails, the one after prepares it again.
    await db.exec('DEALLOCATE nd_test_roundtrip');
    await assert.rejects(db.prepared('test_roundtrip', types, sql, params), /does not exist/);
    assert.deepEqual(await db.prepared('test_roundtrip', types, sql, params), viaQuery);
  }
});
