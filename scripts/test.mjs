#!/usr/bin/env node
// The test command. `npm test` runs every test/**/*.test.ts (what CI runs); `npm run test:fast` runs
// the fast tier only (see below); arguments narrow the run: `npm test -- test/feeds.test.ts`.
//
// Processes (decision 0008). Fast-tier files (below) run in shared test processes, one per slot of
// TEST_CONCURRENCY: scripts/test-worker.mjs loads tsx, the app and the embedded databases once and runs
// the files it is given one after another, each as a node:test test of its own with the file's tests
// inside; a file that fails, or leaves a timer running, ends its process and the next file gets a new
// one. Slow-tier files run each as its own `node --test` process, as does every file with `--isolate`
// (or TEST_ISOLATE=1). `node scripts/test.mjs test/X.test.ts` runs X alone in a new process, as it would
// be first in the queue: a file must pass that way. Files with their own process start first, then the
// shared ones, each group longest first by this machine's last run (node_modules/.cache/newsdesk/test-times.json).
//
// Database: each test file opens a fresh, migrated database (test/helpers/db.ts).
//   - default: PGlite. The template is the dump of src/db/template.ts, built at `npm install` (or here,
//     once, when missing). A process loads it into an in-memory database when it first needs one, and
//     keeps the databases its files close, emptied back to the template for the next file.
//   - TEST_DATABASE_URL (or DATABASE_URL) set: that PostgreSQL server. The template is a database
//     created there; each file gets `CREATE DATABASE ... TEMPLATE ...` and drops it afterwards.
//
// Time limits, so that a regression fails instead of hanging:
//   - every test: TEST_TIMEOUT ms (default 120000) unless the test sets its own `{ timeout }`
//     (scripts/test-timeouts.mjs, preloaded into each file);
//   - every file: TEST_FILE_TIMEOUT s (default 600) for all its tests (`--test-timeout`, which Node 20
//     applies to the file as a whole; in a shared process, the file's own test); a file still running
//     TEST_KILL_GRACE s (15) after that (stuck in a synchronous loop, or kept alive by a leaked handle) is killed with
//     its whole process group. Both fail it. In a shared process a file also fails when it leaves a
//     server or a socket open after its after() cleanups (alone, that would keep its process alive).
// TEST_CONCURRENCY files run at a time (default 2, one per core); a file's output is printed in one
// piece when it ends, followed by a summary of every file (with its CPU time in a shared process).
//
// Tiers. The fast tier is every file that runs in this process's children alone: a file is slow when
// it, or a test/ helper it imports, imports node:child_process (it spawns processes: the CLI, benches,
// crash tests) or playwright-core (Chromium). A file can state its tier instead, with a comment line
// `// test-tier: slow` (for an in-process file that is slow anyway, or one that cannot share a
// process) or `// test-tier: fast`.
//
// Looking into it: TEST_SHUFFLE=N runs the shared files in an order drawn from N (no file may depend on
// what ran before it in its process); TEST_POOL_DEBUG=1 prints what the database pool does, TEST_LEAK_DEBUG=1 where a timer
// a file left running was started (=all: also one the process waited for that then ended), TEST_CPU_PROF=DIR writes the
// shared processes' CPU profiles there; `--report` (TEST_REPORT=1) ends with the slowest files and tests (decision 0077).
// Temporary files (each file's DATA_DIRs) go on /dev/shm when it is a tmpfs with room, or TEST_TMPDIR.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { tierOf } from './test-tiers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIMEOUTS = pathToFileURL(path.join(root, 'scripts', 'test-timeouts.mjs')).href;
const WORKER = path.join(root, 'scripts', 'test-worker.mjs');
const REPORTER = pathToFileURL(path.join(root, 'scripts', 'test-worker-reporter.mjs')).href;
process.chdir(root);
register();

/**
 * Where the files' temporary directories go (their DATA_DIRs, embedded databases, uploads): TEST_TMPDIR
 * when set; else /dev/shm when it is a writable tmpfs with 2 GB free; else the system's. On this
 * machine's disk (ext4 mounted with discard) deleting a directory an embedded database had written to
 * took 2.5-3 s (its files synced, then trimmed: 1,261 files, 41 MB), against 0.1 s on tmpfs; a test's
 * DATA_DIR is thrown away when its file ends, so nothing is kept that a disk would keep better.
 */
function tmpBase() {
  if (process.env.TEST_TMPDIR) return process.env.TEST_TMPDIR;
  try {
    const shm = '/dev/shm';
    const st = fs.statfsSync(shm);
    const TMPFS_MAGIC = 0x01021994;
    fs.accessSync(shm, fs.constants.W_OK);
    if (st.type === TMPFS_MAGIC && st.bavail * st.bsize >= 2 * 1024 ** 3) return shm;
  } catch {
    /* no tmpfs there */
  }
  return os.tmpdir();
}

function findTests(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

let args = process.argv.slice(2);
const fast = args.includes('--fast');
const isolate = args.includes('--isolate') || process.env.TEST_ISOLATE === '1';
const report = args.includes('--report') || process.env.TEST_REPORT === '1';
args = args.filter((a) => a !== '--fast' && a !== '--isolate' && a !== '--report');
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node scripts/test.mjs [--fast] [--isolate] [--report] [test/FILE.test.ts ...]\n(npm test, npm run test:fast; see the comment at the top of scripts/test.mjs)');
  process.exit(0);
}
const unknownFlag = args.find((a) => a.startsWith('-'));
if (unknownFlag) {
  console.error(`unknown option ${unknownFlag} (known: --fast, --isolate, --report, --help)`);
  process.exit(2);
}
const missing = args.filter((f) => !fs.existsSync(f));
if (missing.length) {
  console.error(`no such test file: ${missing.join(', ')}`);
  process.exit(2);
}
let files = args.length ? args : findTests('test');
const tiers = new Map(files.map((f) => [f, tierOf(f)]));
if (fast) files = files.filter((f) => tiers.get(f) === 'fast');
if (!files.length) {
  console.error('no test files found');
  process.exit(1);
}

const perTest = Number(process.env.TEST_TIMEOUT ?? 120_000);
const perFile = Number(process.env.TEST_FILE_TIMEOUT ?? 600) * 1000;
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY ?? Math.min(2, os.cpus().length)));
// How long after its limit a file still running is killed (its own limit, inside, fails it first).
const killGrace = Number(process.env.TEST_KILL_GRACE ?? 15) * 1000;
for (const [name, v] of [['TEST_TIMEOUT', perTest], ['TEST_FILE_TIMEOUT', perFile], ['TEST_CONCURRENCY', concurrency], ['TEST_KILL_GRACE', killGrace]]) {
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`${name} must be a positive number`);
    process.exit(2);
  }
}

const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';
const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', TEST_TIMEOUT: String(perTest) };
delete env.DATABASE_URL;
delete env.NODE_TEST_CONTEXT; // set when this runner itself runs inside a test: the files must still run
const tmp = fs.mkdtempSync(path.join(tmpBase(), 'newsdesk-test-'));
env.NEWSDESK_TEST_TMP = tmp;
const started = Date.now();

// Tests that run bin/newsdesk.mjs find the compiled sources ready instead of each compiling them.
try {
  const { build } = await import('./build.mjs');
  await build();
} catch (e) {
  console.log(`# could not compile the sources (${e.message}); the CLI runs through tsx`);
}

let cleanup = async () => {};
if (pgUrl) {
  const { openDb } = await import(pathToFileURL(path.join(root, 'src/db/index.ts')).href);
  const { migrate } = await import(pathToFileURL(path.join(root, 'src/db/migrate.ts')).href);
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
  const { buildTemplate } = await import(pathToFileURL(path.join(root, 'src/db/template-build.ts')).href);
  const { findTemplate } = await import(pathToFileURL(path.join(root, 'src/db/template.ts')).href);
  const had = !!findTemplate();
  const t = await buildTemplate((line) => console.log(`#${line}`));
  env.NEWSDESK_TEST_PGLITE_DUMP = t.dump;
  console.log(`# database: PGlite (embedded), ${had ? 'template from the install cache' : 'template built'} (${Date.now() - started} ms)`);
}
env.NEWSDESK_TEST_PARENT_PID = String(process.pid);
const sharedFiles = isolate ? [] : files.filter((f) => tiers.get(f) === 'fast');
console.log(
  `# ${files.length} file(s)${fast ? ' (fast tier)' : ''}, ${concurrency} at a time, temporary files in ${path.dirname(tmp)}` +
    (sharedFiles.length ? ` (${sharedFiles.length} in shared processes, ${files.length - sharedFiles.length} in a process each)` : ', each in its own process') +
    `; limits: ${perTest / 1000} s a test, ${perFile / 1000} s a file`,
);

/** Run one file in its own process group; resolve with its outcome once it exits or is killed. */
function runFile(file) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', TIMEOUTS, '--test', `--test-timeout=${perFile}`, '--test-reporter=spec', file], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, perFile + killGrace);
    running.add(child);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const count = (label) => Number(new RegExp(`^\\S+ ${label} (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
      resolve({ file, ok: code === 0 && !timedOut, code, signal, timedOut, out, ms: Date.now() - t0, tests: count('tests'), fail: count('fail'), skipped: count('skipped') });
    });
  });
}

const { RESULT_MARK } = await import(REPORTER);

/**
 * A shared test process (scripts/test-worker.mjs, decision 0008): runs fast-tier files one at a time,
 * loading tsx, the app and its embedded databases once. Each file has the same limits as a file of its
 * own: the per-test and per-file limits inside the process, and a kill of the whole process group 15 s
 * after the file's limit (a synchronous loop). A file that fails ends the process: the next file gets a
 * fresh one, so nothing a failing file left behind reaches another.
 */
class SharedProcess {
  constructor() {
    this.child = spawn(process.execPath, [...(process.env.TEST_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TEST_CPU_PROF}`] : []), '--import', 'tsx', `--test-reporter=${REPORTER}`, '--test-reporter-destination=stdout', WORKER], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    running.add(this.child);
    this.out = '';
    this.current = null;
    this.gone = null;
    this.ready = new Promise((resolve) => {
      this.child.on('message', (m) => m?.type === 'ready' && resolve(true));
      this.child.on('exit', () => resolve(false));
    });
    const take = (d) => {
      this.out += d;
      this.settle();
    };
    this.child.stdout.setEncoding('utf8').on('data', take);
    this.child.stderr.setEncoding('utf8').on('data', take);
    this.child.on('error', () => {});
    // 'close' (the output read to its end) does not always follow 'exit' once the IPC channel has been
    // disconnected: whichever comes, with a moment for the output after 'exit'.
    const gone = (code, signal) => {
      if (this.gone) return;
      running.delete(this.child);
      this.gone = { code, signal };
      this.settle();
      this.onGone?.();
    };
    this.child.on('close', gone);
    this.child.on('exit', (code, signal) => setTimeout(() => gone(code, signal), 500));
  }

  /** Run one file here; resolves with its outcome (the same shape as runFile's). */
  run(file) {
    return new Promise((resolve) => {
      const t0 = Date.now();
      this.current = { file, resolve, t0, timedOut: false };
      this.current.timer = setTimeout(() => {
        if (this.current) this.current.timedOut = true;
        this.kill();
      }, perFile + killGrace);
      this.ready.then((ok) => {
        if (ok && this.current?.file === file) this.child.send({ type: 'run', file, perFileMs: perFile }, () => {});
      });
    });
  }

  /** Finish the current file when its result line has arrived, or when the process has gone. */
  settle() {
    const c = this.current;
    if (!c) return;
    const i = this.out.indexOf(RESULT_MARK);
    const j = i === -1 ? -1 : this.out.indexOf('\n', i);
    let r;
    if (j !== -1) {
      const res = JSON.parse(this.out.slice(i + RESULT_MARK.length, j));
      r = { ok: res.ok, recycle: res.recycle, cpuMs: res.cpuMs, phases: res.phases, code: res.ok ? 0 : 1, signal: null, tests: res.tests, fail: res.fail, skipped: res.skipped, out: this.out.slice(0, i) };
      this.out = this.out.slice(j + 1);
    } else if (this.gone) {
      const why = c.timedOut ? '' : `# the shared test process exited (${this.gone.signal ?? `code ${this.gone.code}`}) while this file ran\n`;
      r = { ok: false, code: this.gone.code, signal: this.gone.signal, tests: 0, fail: 0, skipped: 0, out: this.out + why };
      this.out = '';
    } else return;
    clearTimeout(c.timer);
    this.current = null;
    c.resolve({ file: c.file, timedOut: c.timedOut, ms: Date.now() - c.t0, shared: true, ...r, ok: r.ok && !c.timedOut });
  }

  kill() {
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }

  /** Let the process exit once its files are done (it exits when the IPC channel closes). */
  async end() {
    if (this.gone) return;
    const closed = new Promise((r) => (this.onGone = r));
    try {
      this.child.disconnect();
    } catch {
      /* gone */
    }
    const t = setTimeout(() => this.kill(), 10_000);
    await closed;
    clearTimeout(t);
    if (this.out.trim()) process.stdout.write(this.out.endsWith('\n') ? this.out : this.out + '\n');
  }
}

const running = new Set();
const stopAll = () => {
  for (const c of running) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
};
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(143);
});

const results = [];
const ending = [];
// Files with a process of their own first (the long ones: benches, crash tests, browsers), then the shared.
// Among each, the longest last time first (node_modules/.cache/newsdesk/test-times.json, this machine's
// own record), so that no long file starts last while the other processes sit idle; new files first.
const TIMES = path.join(root, 'node_modules', '.cache', 'newsdesk', 'test-times.json');
let lastTimes = {};
try {
  lastTimes = JSON.parse(fs.readFileSync(TIMES, 'utf8'));
} catch {
  /* first run */
}
// Files named on the command line run in the order given.
const longestFirst = (list) => (args.length ? list : [...list].sort((a, b) => (lastTimes[b] ?? Infinity) - (lastTimes[a] ?? Infinity) || a.localeCompare(b)));
// TEST_SHUFFLE=N: the shared files in an order drawn from seed N instead, to show that no file depends
// on what ran before it in its process.
const shuffleSeed = process.env.TEST_SHUFFLE;
function shuffled(list, seed) {
  let a = (Number(seed) >>> 0) || 1;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list].sort();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
if (shuffleSeed) console.log(`# shared files in the order of TEST_SHUFFLE=${shuffleSeed}`);
const queue = [...longestFirst(files.filter((f) => !sharedFiles.includes(f))), ...(shuffleSeed ? shuffled(sharedFiles, shuffleSeed) : longestFirst(sharedFiles))];
async function worker() {
  let shared = null;
  while (queue.length) {
    const file = queue.shift();
    let r;
    if (sharedFiles.includes(file)) {
      shared ??= new SharedProcess();
      r = await shared.run(file);
      if (!r.ok) shared.kill();
      else if (r.recycle) ending.push(shared.end());
      if (!r.ok || r.recycle) shared = null;
    } else {
      if (shared) await shared.end();
      shared = null;
      r = await runFile(file);
    }
    results.push(r);
    process.stdout.write(r.out.endsWith('\n') || !r.out ? r.out : r.out + '\n');
    const what = r.timedOut ? `KILLED: still running after the file time limit of ${perFile / 1000} s (TEST_FILE_TIMEOUT) and ${killGrace / 1000} s more` : r.ok ? 'ok' : `FAILED (exit ${r.code ?? r.signal})`;
    console.log(`# ${r.file}: ${what}, ${r.tests} test(s), ${(r.ms / 1000).toFixed(1)} s${r.shared ? ` (shared process${r.cpuMs !== undefined ? `, ${(r.cpuMs / 1000).toFixed(1)} s CPU` : ''})` : ''}\n`);
  }
  if (shared) await shared.end();
}
await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
await Promise.all(ending);
try {
  for (const r of results) if (!path.isAbsolute(r.file)) lastTimes[r.file] = r.ms;
  fs.mkdirSync(path.dirname(TIMES), { recursive: true });
  fs.writeFileSync(TIMES, JSON.stringify(lastTimes, null, 1) + '\n');
} catch {
  /* only an ordering hint */
}

await cleanup();
fs.rmSync(tmp, { recursive: true, force: true });
if (report) printReport(results);
const failed = results.filter((r) => !r.ok);
const total = results.reduce((n, r) => n + r.tests, 0);
console.log(`# ${results.length} file(s), ${total} test(s), ${failed.length} file(s) failed; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const r of failed) console.log(`#   failed: ${r.file}${r.timedOut ? ' (time limit)' : ''}`);
process.exit(failed.length ? 1 : 0);

/**
 * `--report` (TEST_REPORT=1): the slowest files, with where a shared file's time went (its module and
 * top-level set-up, its tests, its after() cleanups, the wait for what it left running, and what that
 * was), and the slowest tests, read from each file's spec output. Run it on a quiet machine.
 */
function printReport(results) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  console.log('# report: the slowest files (wall; a shared file\'s CPU and phases: set-up / tests / cleanups / wait)');
  for (const r of [...results].sort((a, b) => b.ms - a.ms).slice(0, 25)) {
    const p = r.phases;
    const detail = r.shared
      ? ` shared, ${s(r.cpuMs ?? 0)} CPU${p ? `; ${s(p.setUpMs)} / ${s(p.testsMs)} / ${s(p.cleanupMs)} / ${s(p.waitMs)}${p.waitedFor ? ` (waited for ${p.waitedFor})` : ''}` : ''}`
      : ' own process';
    console.log(`#   ${s(r.ms).padStart(7)} ${r.file}:${detail}`);
  }
  const tests = [];
  for (const r of results) {
    for (const line of r.out.split('\n')) {
      const m = /^[✔✖] (.*) \(([\d.]+)ms\)$/.exec(line);
      if (m) tests.push({ file: r.file, name: m[1], ms: Number(m[2]) });
    }
  }
  console.log('# report: the slowest tests');
  for (const t of tests.sort((a, b) => b.ms - a.ms).slice(0, 25)) console.log(`#   ${s(t.ms).padStart(7)} ${t.file}: ${t.name.slice(0, 110)}`);
  const waited = results.filter((r) => r.phases?.waitMs > 100);
  if (waited.length) console.log(`# report: ${waited.length} shared file(s) kept their process waiting after their cleanups, ${s(waited.reduce((n, r) => n + r.phases.waitMs, 0))} in all`);
}
