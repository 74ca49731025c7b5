// The benchmarks' harness and runner (bench/lib/): a benchmark stopped by its time limit, by Ctrl+C
// (SIGINT to its process group, as a terminal sends it) or by SIGTERM leaves no process and no
// temporary file behind, also when its own thread is stuck in a synchronous loop; the runner's table
// says what happened to each. The fixtures are in test/fixtures/bench/; the real bench/signups.ts is
// interrupted once its server child is up, and stopped by a tiny time limit.
//
// Every process a bench starts inherits a marker in its environment; after the bench has ended, no
// live process may carry it. Each bench runs with a TMPDIR of its own, which must be left empty
// (tsx's compile cache, tsx-UID, aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpDir } from './helpers/db.ts';
import { processesWithEnv } from '../bench/lib/harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test/fixtures/bench');
const MARK = 'NEWSDESK_BENCH_TEST_MARK';

interface Run {
  child: ChildProcess;
  mark: string;
  tmp: string;
  stdout: string;
  stderr: string;
  /** Resolves with the first stdout line matching re. */
  line(re: RegExp): Promise<string>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start a script with tsx in a process group of its own (like a terminal job), with a marker and a private TMPDIR. */
function start(script: string, args: string[], extraEnv: Record<string, string> = {}): Run {
  const mark = crypto.randomUUID();
  const tmp = tmpDir();
  const env: NodeJS.ProcessEnv = { ...process.env, [MARK]: mark, TMPDIR: tmp, ...extraEnv };
  for (const k of ['BENCH_QUICK', 'BENCH_RESULTS', 'BENCH_TIME_LIMIT', 'BENCH_RUN_ID', 'BENCH_CPU_PROF', 'BENCH_HARNESS_PID']) if (!(k in extraEnv)) delete env[k];
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = {
    child,
    mark,
    tmp,
    stdout: '',
    stderr: '',
    line: (re) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const hit = run.stdout.split('\n').find((l) => re.test(l));
          if (hit) {
            child.stdout!.off('data', look);
            resolve(hit);
          }
        };
        child.stdout!.on('data', look);
        child.once('exit', () => reject(new Error(`exited before printing ${re}:\n${run.stdout}\n${run.stderr}`)));
        look();
      }),
    done: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (run.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (run.stderr += d));
  return run;
}

/** After the run: no process with its marker (its guard may take a few seconds to finish) and an empty TMPDIR. */
async function assertNothingLeft(run: Run) {
  const until = Date.now() + 20_000;
  let left = processesWithEnv(MARK, run.mark);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    left = processesWithEnv(MARK, run.mark);
  }
  const describe = (pid: number) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ');
    } catch {
      return String(pid);
    }
  };
  for (const pid of left) process.kill(pid, 'SIGKILL'); // do not leave them to the machine
  assert.deepEqual(left.map(describe), [], 'no process of the run is left');
  assert.deepEqual(fs.readdirSync(run.tmp).filter((f) => !/^tsx-\d+$/.test(f)), [], 'nothing is left in its TMPDIR');
}

const results = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

test('a bench stuck in a synchronous loop is stopped at its time limit, says what it waited for, and leaves nothing behind', { timeout: 60_000 }, async () => {
  const file = path.join(tmpDir(), 'rows.jsonl');
  // The guard's grace before it kills a stuck bench: 2 s (BENCH_GRACE_MS; 15 s unless set), the same kill sooner.
  const run = start(path.join(FIXTURES, 'hang.ts'), ['busy'], { BENCH_TIME_LIMIT: '2', BENCH_RESULTS: file, BENCH_GRACE_MS: '2000' });
  const ready = JSON.parse((await run.line(/^ready /)).slice(6));
  assert.ok(fs.existsSync(ready.dir), 'the bench made its temporary directory');
  const { signal } = await run.done;
  assert.equal(signal, 'SIGKILL', 'a bench whose thread is stuck is killed by its guard');
  assert.match(run.stderr, /time limit of 2 s exceeded while waiting for a loop that never ends/);
  await assertNothingLeft(run);
  assert.equal(fs.existsSync(ready.dir), false);
  const row = results(file).find((r) => r.type === 'row');
  assert.equal(row?.name, 'time limit');
  assert.equal(row?.pass, false);
  assert.match(row?.error, /waiting for a loop that never ends/);
});

test('a bench waiting on its event loop stops itself at its time limit (exit 124)', { timeout: 60_000 }, async () => {
  const run = start(path.join(FIXTURES, 'hang.ts'), ['idle'], { BENCH_TIME_LIMIT: '2' });
  const ready = JSON.parse((await run.line(/^ready /)).slice(6));
  const { code } = await run.done;
  assert.equal(code, 124);
  assert.match(run.stderr, /time limit of 2 s exceeded/);
  await assertNothingLeft(run);
  assert.equal(fs.existsSync(ready.dir), false);
});

test('Ctrl+C (SIGINT to the process group) stops a bench, its children and its grandchildren, and removes its directory', { timeout: 60_000 }, async () => {
  const run = start(path.join(FIXTURES, 'hang.ts'), ['idle']);
  const ready = JSON.parse((await run.line(/^ready /)).slice(6));
  process.kill(-run.child.pid!, 'SIGINT');
  const { code } = await run.done;
  assert.equal(code, 130);
  assert.match(run.stderr, /interrupted \(SIGINT\) .* while waiting for a loop that never ends/);
  await assertNothingLeft(run);
  assert.equal(fs.existsSync(ready.dir), false);
});

test('Ctrl+C on a bench whose thread is stuck: its guard kills it and cleans up after it', { timeout: 60_000 }, async () => {
  const run = start(path.join(FIXTURES, 'hang.ts'), ['busy'], { BENCH_GRACE_MS: '2000' });
  const ready = JSON.parse((await run.line(/^ready /)).slice(6));
  process.kill(-run.child.pid!, 'SIGINT');
  const { signal } = await run.done;
  assert.equal(signal, 'SIGKILL');
  assert.match(run.stderr, /did not stop within 2 s \(its thread is busy; it was waiting for a loop that never ends\)/);
  await assertNothingLeft(run);
  assert.equal(fs.existsSync(ready.dir), false);
});

test('SIGTERM to the bench alone stops it the same way (exit 143)', { timeout: 60_000 }, async () => {
  const run = start(path.join(FIXTURES, 'hang.ts'), ['idle']);
  const ready = JSON.parse((await run.line(/^ready /)).slice(6));
  run.child.kill('SIGTERM');
  const { code } = await run.done;
  assert.equal(code, 143);
  await assertNothingLeft(run);
  assert.equal(fs.existsSync(ready.dir), false);
});

test('the runner runs every bench in a folder and ends with one table: rows, a time limit, a crash', { timeout: 90_000 }, async () => {
  const run = start(path.join(ROOT, 'bench/lib/run.ts'), ['--dir', FIXTURES, '--quick'], { BENCH_TIME_LIMIT: '3' });
  const { code } = await run.done;
  assert.equal(code, 1, 'a failed row fails the run');
  const table = run.stdout.slice(run.stdout.indexOf('| benchmark'));
  const rowOf = (name: string) => table.split('\n').find((l) => l.startsWith(`| ${name} `)) ?? '';
  assert.match(rowOf('ok: things'), /1,235 things\/s +\| 2,469 things\/s plain things +\| 0\.50 +\| ≥ 1,000 things\/s +\| pass +\| \d+ MB \(bench process\)/);
  assert.match(rowOf('ok: other things'), /3\.25 ms +\| — +\| — +\| — +\| — +\| 42 MB \(a child\)/);
  assert.match(rowOf('hang: time limit'), /time limit of 3 s exceeded while waiting for a loop that never ends.*FAIL/);
  assert.match(rowOf('crash: before the crash'), /FAIL/);
  assert.match(rowOf('crash: exit'), /exited with code 1: the check failed.*FAIL/);
  assert.match(run.stdout, /1 passed, 3 failed, 1 without a target/);
  assert.match(run.stdout, /ok: measured things in .* \(quick\)/, 'the bench got --quick as BENCH_QUICK=1');
  await assertNothingLeft(run);
});

test('Ctrl+C on the runner stops the running bench, skips the rest and prints the table so far', { timeout: 90_000 }, async () => {
  const run = start(path.join(ROOT, 'bench/lib/run.ts'), ['--dir', FIXTURES, 'hang', 'ok']);
  await run.line(/^ready /);
  process.kill(-run.child.pid!, 'SIGINT');
  const { code } = await run.done;
  assert.equal(code, 130);
  assert.match(run.stdout, /\| hang: interrupted +\| interrupted \(SIGINT\)/);
  assert.doesNotMatch(run.stdout, /ok: things/, 'the benches after it do not run');
  await assertNothingLeft(run);
});

test('the runner refuses an unknown benchmark name', { timeout: 60_000 }, async () => {
  const run = start(path.join(ROOT, 'bench/lib/run.ts'), ['--dir', FIXTURES, 'nope']);
  const { code } = await run.done;
  assert.equal(code, 2);
  assert.match(run.stderr, /no such benchmark: nope \(there are: crash, hang, ok\)/);
  await assertNothingLeft(run);
});

test('bench/signups.ts interrupted with its server child up leaves no process and no data directory', { timeout: 120_000 }, async () => {
  const run = start(path.join(ROOT, 'bench/signups.ts'), ['--duration', '30']);
  const header = await run.line(/^# .* server: PGlite in /);
  const dataDir = /PGlite in (\S+),/.exec(header)![1]!;
  assert.ok(fs.existsSync(dataDir));
  process.kill(-run.child.pid!, 'SIGINT');
  const { code } = await run.done;
  assert.equal(code, 130);
  assert.match(run.stderr, /interrupted \(SIGINT\) .* while waiting for the warm-up load/);
  await assertNothingLeft(run);
  assert.equal(fs.existsSync(dataDir), false);
});

test('bench/signups.ts stopped by a tiny time limit says what it waited for and leaves nothing behind', { timeout: 120_000 }, async () => {
  const run = start(path.join(ROOT, 'bench/signups.ts'), ['--duration', '30'], { BENCH_TIME_LIMIT: '1' });
  const { code, signal } = await run.done;
  assert.ok(code === 124 || signal === 'SIGKILL', `stopped by its limit (code ${code}, signal ${signal})`);
  assert.match(run.stderr, /bench signups: time limit of 1 s exceeded while waiting for \S/);
  await assertNothingLeft(run);
});
