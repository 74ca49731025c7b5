#!/usr/bin/env node
// The test command (`npm test`). Builds one migrated database template, then runs every
// test/**/*.test.ts with Node's test runner; each test file opens its own fresh copy of the template.
//   - default: PGlite. The template is a dump of a migrated in-memory PGlite, loaded by each file (~1 s).
//   - TEST_DATABASE_URL (or DATABASE_URL) set: that PostgreSQL server. The template is a database
//     created there; each file gets `CREATE DATABASE ... TEMPLATE ...` and drops it afterwards.
// Arguments narrow the run: `npm test -- test/feeds.test.ts`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
register();

function findTests(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const args = process.argv.slice(2);
const files = args.length ? args : findTests('test');
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}

const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';
const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };
delete env.DATABASE_URL;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-test-'));
env.NEWSDESK_TEST_TMP = tmp;
const { migrate } = await import(pathToFileURL(path.join(root, 'src/db/migrate.ts')).href);
const { openDb, pgliteOf } = await import(pathToFileURL(path.join(root, 'src/db/index.ts')).href);

let cleanup = async () => {};
const started = Date.now();
if (pgUrl) {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  const template = `newsdesk_tmpl_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const u = new URL(pgUrl);
  u.pathname = '/' + template;
  const db = await openDb({ databaseUrl: u.toString(), dataDir: tmp });
  await migrate(db);
  await db.close();
  env.NEWSDESK_TEST_PG_URL = pgUrl;
  env.NEWSDESK_TEST_PG_TEMPLATE = template;
  cleanup = async () => {
    // Drop the template and any per-file database a crashed test left behind.
    const left = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`newsdesk_t_${process.pid}_%`]);
    for (const r of left.rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
  console.log(`# database: PostgreSQL (${u.host}), template ${template} migrated in ${Date.now() - started} ms`);
} else {
  const db = await openDb({ databaseUrl: null, dataDir: tmp, inMemory: true });
  await migrate(db);
  const dump = await pgliteOf(db).dumpDataDir('none');
  fs.writeFileSync(path.join(tmp, 'template.tar'), Buffer.from(await dump.arrayBuffer()));
  await db.close();
  env.NEWSDESK_TEST_PGLITE_DUMP = path.join(tmp, 'template.tar');
  console.log(`# database: PGlite (embedded), template migrated in ${Date.now() - started} ms`);
}
env.NEWSDESK_TEST_PARENT_PID = String(process.pid);

const concurrency = process.env.TEST_CONCURRENCY ?? String(Math.max(1, Math.min(2, os.cpus().length)));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env,
});
await cleanup();
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`# total ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
