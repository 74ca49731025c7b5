// What every benchmark under bench/ uses: a time limit of its own, child processes in process groups
// that are killed with it, temporary directories removed with it, and one way to report a result row.
//
// How a benchmark joins `npm run bench` (bench/lib/run.ts):
//   1. Put it directly in bench/ as NAME.ts; the runner runs every bench/*.ts in turn, in name order.
//      Helpers that are not benchmarks live in bench/lib/.
//   2. At the top:  const bench = startBench({ name: 'NAME', limit: { full: 600, quick: 180 } });
//      (seconds; BENCH_TIME_LIMIT=S overrides both). `bench.quick` is true for `--quick` (or
//      BENCH_QUICK=1, which is how the runner asks): shorten the run then. `bench.argv` is the command
//      line without `--quick`.
//   3. Use bench.tempDir(prefix) instead of fs.mkdtempSync, and bench.spawn / bench.fork / bench.exec
//      instead of node:child_process. Before each long wait say what it is: bench.waiting('…').
//   4. Report each figure with bench.row({ name, figure, unit, reference, ratio, target, pass,
//      peakMemoryMb }) and keep printing the human output as before. A row is a JSON line appended to
//      the file named by BENCH_RESULTS (set by the runner; without it rows are only checked).
//      The runner's table shows: benchmark, figure, reference, ratio, target, pass/fail, peak memory.
//   A bench that throws, exits non-zero or reports no row still shows in the table (as failed, or
//   with no figure); a bench that does not use this module still runs, under the runner's own limit.
//
// How the limit and the cleanup hold even when the bench's own thread is stuck (a long synchronous
// PGlite query blocks its event loop, so no timer or signal handler of its own can run): startBench
// starts a guard process (bench/lib/guard.mjs) in the bench's process group. The bench keeps a small
// state file (what it waits for, its children's process groups, its temporary directories) that the
// guard reads. At the limit the guard says what the bench was waiting for, reports a failed row, asks
// the bench to stop (SIGALRM) and kills it if it does not within a few seconds; whenever the bench
// ends (normally, by an error, Ctrl+C, SIGTERM or SIGKILL) the guard kills what is left of its child
// process groups and removes its temporary directories. In the bench itself, SIGINT/SIGTERM/SIGALRM
// stop the children (SIGTERM, then SIGKILL) and remove the directories before it exits.
import { spawn as cpSpawn, fork as cpFork, type ChildProcess, type ForkOptions, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GUARD = fileURLToPath(new URL('./guard.mjs', import.meta.url));
const STOP_GRACE_MS = 3_000;
/** How long the bench's children get after SIGTERM before SIGKILL (the guard's BENCH_CHILD_GRACE_MS too). */
const CHILD_GRACE_MS = Number(process.env.BENCH_CHILD_GRACE_MS) || STOP_GRACE_MS;

export interface BenchRow {
  /** What is measured, e.g. 'article page'. */
  name: string;
  /** The figure (null only on a row that reports a failure to measure, with `error`). */
  figure: number | null;
  /** Its unit, e.g. 'req/s', 'ms p99', 'msg/s'. */
  unit: string;
  /** A few words more, e.g. 'p99 6.1 ms'. */
  detail?: string;
  /** The reference measured in the same run. */
  reference?: { figure: number; unit?: string; what: string } | null;
  /** The figure against the reference, as the bench defines it (the bench's own output says how). */
  ratio?: number | null;
  /** The target as quoted in its issue, e.g. '≥ 0.60 × plain, p99 < 10 ms'; null when there is none. */
  target?: string | null;
  /** Whether the target is met; null when there is no target. */
  pass?: boolean | null;
  /** Peak resident memory of the process under test, in MB (default: this process's peak). */
  peakMemoryMb?: number | null;
  /** Whose memory that is, e.g. 'serving process'. */
  memoryOf?: string;
  /** Why there is no figure (time limit, crash). */
  error?: string;
}

export interface Bench {
  readonly name: string;
  readonly quick: boolean;
  /** The command line after the script, without --quick. */
  readonly argv: string[];
  /** The time limit in seconds. */
  readonly limitSeconds: number;
  /** Say what the bench waits for next (reported if the time limit is hit or it is interrupted). */
  waiting(what: string): void;
  /** A new temporary directory, removed when the bench ends in any way. */
  tempDir(prefix?: string): string;
  /** Remove a temporary directory now (it is no longer tracked). */
  removeDir(dir: string): void;
  /** child_process.spawn, in a process group of its own that is killed with the bench. */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** child_process.fork, likewise. */
  fork(modulePath: string, args: readonly string[], options?: ForkOptions): ChildProcess;
  /** Run a command to its end (tracked like spawn), collecting its output. */
  exec(command: string, args: readonly string[], options?: SpawnOptions): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Run fn when the bench is stopped early (SIGINT, SIGTERM, time limit), before children are killed: e.g. drop a database. */
  onStop(fn: () => Promise<void> | void): void;
  /** Report one result row. */
  row(row: BenchRow): void;
  /** The rows reported so far. */
  readonly rows: readonly BenchRow[];
}

/** Peak resident memory (VmHWM) of a running process, in MB; null once it is gone. */
export function peakRssMb(pid: number): number | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(s)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

/** Live processes (not zombies) whose environment has NAME=VALUE: a marker every descendant inherits. */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (!fs.readFileSync(`/proc/${e}/environ`, 'latin1').split('\0').includes(needle)) continue;
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(e));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

/** This process's peak resident memory, in MB. */
export function ownPeakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * Whether a process group still has a live member. Zombies do not count: a dead child of a child
 * (tsx's esbuild service, say) is handed to PID 1, which in a container may never reap it.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      /* gone */
    }
  }
  return false;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

function removeTree(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    process.stderr.write(`bench: could not remove ${dir}: ${(err as Error).message}\n`);
  }
}

let current: Bench | null = null;

export function startBench(opts: { name: string; limit: { full: number; quick: number } }): Bench {
  if (current) throw new Error('startBench called twice');
  // Children inherit this: a child process of a bench (a server, a seeding process) must not start a
  // guard and a time limit of its own (call startBench only where the bench's main code runs).
  const parent = process.env.BENCH_HARNESS_PID;
  if (parent && parent !== String(process.pid)) throw new Error(`startBench in a child process of bench process ${parent}: call it only in the bench's main process`);
  process.env.BENCH_HARNESS_PID = String(process.pid);
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const override = process.env.BENCH_TIME_LIMIT;
  if (override !== undefined && !(Number(override) > 0)) throw new Error(`BENCH_TIME_LIMIT must be a number of seconds above 0, not "${override}"`);
  const limitSeconds = override ? Number(override) : quick ? opts.limit.quick : opts.limit.full;
  const resultsFile = process.env.BENCH_RESULTS || null;
  const startedAt = Date.now();

  const children = new Set<number>(); // process group ids (= the leader's pid)
  const dirs = new Set<string>();
  const stopHooks: Array<() => Promise<void> | void> = [];
  const rows: BenchRow[] = [];
  let waitingFor = 'start-up';
  let waitingSince = Date.now();
  let stopping = false;

  const stateFile = path.join(os.tmpdir(), `newsdesk-bench-guard-${process.pid}.json`);
  const writeState = () => {
    const tmp = stateFile + '.tmp';
    fs.writeFileSync(tmp, JSON.stringify({ waiting: waitingFor, since: waitingSince, children: [...children], dirs: [...dirs] }));
    fs.renameSync(tmp, stateFile);
  };
  const append = (o: object) => {
    if (resultsFile) fs.appendFileSync(resultsFile, JSON.stringify(o) + '\n');
  };
  writeState();
  append({ type: 'start', bench: opts.name, quick, limitSeconds, pid: process.pid });

  // The guard: in this process group (so Ctrl+C and the runner's signals reach it too), fed nothing
  // but holding the read end of a pipe whose write end closes when this process ends in any way.
  const readyFile = stateFile + '.ready';
  fs.rmSync(readyFile, { force: true });
  const guard = cpSpawn(process.execPath, [GUARD, JSON.stringify({ name: opts.name, pid: process.pid, limitMs: limitSeconds * 1000, stateFile, resultsFile, quick, readyFile })], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  guard.unref();
  (guard.stdin as unknown as { unref(): void }).unref();
  guard.stdin!.on('error', () => {});
  // Wait (blocking: startBench is synchronous, and nothing else runs yet) until the guard has its signal
  // handlers: a Ctrl+C before that would kill the guard and leave a busy bench with nobody to stop it.
  const tick = new Int32Array(new SharedArrayBuffer(4));
  for (const t0 = Date.now(); !fs.existsSync(readyFile) && Date.now() - t0 < 30_000; ) Atomics.wait(tick, 0, 0, 10);
  if (!fs.existsSync(readyFile)) process.stderr.write(`bench ${opts.name}: its guard did not start within 30 s; going on without waiting\n`);

  const track = (child: ChildProcess) => {
    if (child.pid === undefined) return child; // failed to start: its 'error' event says why
    const pgid = child.pid;
    children.add(pgid);
    writeState();
    child.once('exit', () => {
      // The group may outlive its leader (grandchildren): keep it tracked until it is empty.
      if (!groupAlive(pgid)) {
        children.delete(pgid);
        if (!stopping) writeState();
      }
    });
    return child;
  };

  const stopChildren = async () => {
    const live = () => [...children].filter(groupAlive);
    for (const g of live()) killGroup(g, 'SIGTERM');
    const until = Date.now() + CHILD_GRACE_MS;
    while (live().length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    for (const g of live()) killGroup(g, 'SIGKILL');
    const gone = Date.now() + 1_000;
    while (live().length && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
  };

  const removeDirs = () => {
    for (const d of dirs) removeTree(d);
    dirs.clear();
  };

  // Last resort on any exit (normal end, uncaught error, process.exit): nothing can be awaited here.
  process.on('exit', () => {
    for (const g of children) if (groupAlive(g)) killGroup(g, 'SIGTERM'); // the guard SIGKILLs what stays
    removeDirs();
    try {
      // Children still alive are left in the state for the guard; otherwise the state goes.
      if ([...children].some(groupAlive)) writeState();
      else fs.rmSync(stateFile, { force: true });
    } catch {
      /* the guard removes it */
    }
  });

  // Why it failed, for the runner's table (the error itself is printed as usual).
  process.on('uncaughtExceptionMonitor', (err) => !stopping && append({ type: 'error', bench: opts.name, message: String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 200) }));

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // The bench's own code runs on meanwhile and fails as its children die: those errors are the stop's
    // consequences, not the bench's result, and must not end the process before the cleanup does.
    process.exitCode = signal === 'SIGALRM' ? 124 : signal === 'SIGINT' ? 130 : 143;
    process.on('uncaughtException', () => {});
    process.on('unhandledRejection', () => {});
    const waited = Math.round((Date.now() - waitingSince) / 1000);
    if (signal !== 'SIGALRM') {
      // At the time limit the guard has said it already.
      process.stderr.write(
        `\nbench ${opts.name}: interrupted (${signal}) after ${Math.round((Date.now() - startedAt) / 1000)} s while waiting for ${waitingFor} (for ${waited} s); ` +
          `stopping ${children.size} child process group(s), removing ${dirs.size} temporary director${dirs.size === 1 ? 'y' : 'ies'}\n`,
      );
    }
    for (const fn of stopHooks.splice(0)) {
      try {
        await Promise.race([fn(), new Promise((r) => setTimeout(r, STOP_GRACE_MS))]);
      } catch (err) {
        process.stderr.write(`bench ${opts.name}: while stopping: ${(err as Error).message}\n`);
      }
    }
    await stopChildren();
    removeDirs();
    process.exit();
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGALRM'] as const) process.on(s, () => void stop(s));

  const spawnTracked = (command: string, args: readonly string[], options: SpawnOptions = {}) => track(cpSpawn(command, args, { ...options, detached: true }));

  const bench: Bench = {
    name: opts.name,
    quick,
    argv: argv.filter((a) => a !== '--quick'),
    limitSeconds,
    rows,
    waiting(what) {
      waitingFor = what;
      waitingSince = Date.now();
      writeState();
    },
    tempDir(prefix = `newsdesk-bench-${opts.name}-`) {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.add(d);
      writeState();
      return d;
    },
    removeDir(dir) {
      removeTree(dir);
      dirs.delete(dir);
      writeState();
    },
    spawn: spawnTracked,
    fork(modulePath, args, options = {}) {
      return track(cpFork(modulePath, args, { ...options, detached: true }));
    },
    exec(command, args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawnTracked(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
        child.once('error', reject);
        child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
      });
    },
    onStop(fn) {
      stopHooks.push(fn);
    },
    row(r) {
      if (!r.name || typeof r.unit !== 'string') throw new Error('a row needs a name and a unit');
      if (r.figure !== null && !Number.isFinite(r.figure)) throw new Error(`row "${r.name}": figure ${r.figure} is not a number`);
      const full: BenchRow = { ...r, peakMemoryMb: r.peakMemoryMb === undefined ? ownPeakRssMb() : r.peakMemoryMb, memoryOf: r.peakMemoryMb === undefined ? r.memoryOf ?? 'bench process' : r.memoryOf };
      rows.push(full);
      append({ type: 'row', bench: opts.name, quick, ...full });
    },
  };
  current = bench;
  return bench;
}

/** Wait until `url` answers 2xx, while `proc` (the server) is still running. */
export async function waitFor(url: string, proc: { exitCode: number | null }, timeoutMs = 180_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`process exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One load run of wrk or autocannon: requests a second, 99th percentile latency (ms), non-2xx answers. */
export interface LoadResult {
  rps: number;
  p99: number;
  bad: number;
}
