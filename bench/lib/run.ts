// `npm run bench`: every benchmark in bench/ (each bench/*.ts, in name order), one at a time, then one
// table of their rows: benchmark, figure, reference measured in the same run, ratio, target, pass or
// fail, peak memory. How a benchmark reports its rows: bench/lib/harness.ts.
//
//   npm run bench [-- --quick] [-- NAME ...]     e.g. npm run bench -- --quick serve signups
//     --quick      shorter runs (each bench gets BENCH_QUICK=1 and picks its own shorter settings)
//     NAME ...     only these benchmarks (file names without .ts)
//     --list       list the benchmarks and exit
//     --json FILE  also write every row as JSON to FILE
//     --dir DIR    benchmarks from DIR instead of bench/ (the tests use it)
//   BENCH_TIME_LIMIT=S sets every bench's time limit to S seconds.
//
// Each bench runs as `node --import tsx FILE` in a process group of its own, with its rows going to a
// file named by BENCH_RESULTS, its TMPDIR a directory of its own under the runner's, and a marker in
// its environment (BENCH_RUN_ID) that every process it starts inherits. When it ends the runner
// checks that none of those processes is left and that nothing is left in its TMPDIR, and says so in
// the table (killing and removing what is left). The bench's own time limit (its guard) stops a bench
// that runs too long; the runner stops one that outlives that limit by a minute (a bench that does not
// use the harness: 30 minutes, 10 with --quick). Ctrl+C stops the running bench, cleans up and prints
// the table of what has run. Exit code: 0 when every row with a target passes, 1 otherwise.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { processesWithEnv, type BenchRow } from './harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values, positionals } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, list: { type: 'boolean', default: false }, json: { type: 'string' }, dir: { type: 'string' } },
  allowPositionals: true,
});
const quick = values.quick!;
const dir = path.resolve(values.dir ?? path.join(ROOT, 'bench'));
const DEFAULT_LIMIT_S = quick ? 600 : 1800;
const BACKSTOP_EXTRA_S = 60;
const KILL_GRACE_MS = 10_000;

type Row = BenchRow & { bench: string };

const all = fs
  .readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
  .map((e) => e.name.slice(0, -3))
  .sort();
if (values.list) {
  for (const n of all) console.log(n);
  process.exit(0);
}
const unknown = positionals.filter((p) => !all.includes(p.replace(/\.ts$/, '').replace(/^bench\//, '')));
if (unknown.length) {
  console.error(`no such benchmark: ${unknown.join(', ')} (there are: ${all.join(', ')})`);
  process.exit(2);
}
const chosen = positionals.length ? all.filter((n) => positionals.some((p) => p.replace(/\.ts$/, '').replace(/^bench\//, '') === n)) : all;
if (!chosen.length) {
  console.error(`no benchmarks in ${dir}`);
  process.exit(2);
}

const runRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-run-'));
const rows: Row[] = [];
let current: { pid: number; name: string } | null = null;
let interrupted: NodeJS.Signals | null = null;

const marked = (runId: string) => processesWithEnv('BENCH_RUN_ID', runId);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const describe = (pid: number) => {
  try {
    return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim().slice(0, 100)}`;
  } catch {
    return String(pid);
  }
};
const kill = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
};

function readResults(file: string): { limitSeconds: number | null; rows: Row[]; error: string | null } {
  let limitSeconds: number | null = null;
  let error: string | null = null;
  const out: Row[] = [];
  if (!fs.existsSync(file)) return { limitSeconds, rows: out, error };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const o = JSON.parse(line);
      if (o.type === 'start') limitSeconds = o.limitSeconds;
      else if (o.type === 'error') error = o.message;
      else if (o.type === 'row') {
        const { type: _t, quick: _q, ...r } = o;
        out.push(r as Row);
      }
    } catch {
      out.push({ bench: '?', name: 'results', figure: null, unit: '', pass: false, error: `unreadable result line: ${line.slice(0, 80)}` });
    }
  }
  return { limitSeconds, rows: out, error };
}

async function runOne(name: string): Promise<void> {
  const file = path.join(dir, name + '.ts');
  const runId = crypto.randomUUID();
  const tmp = path.join(runRoot, name);
  const results = path.join(runRoot, name + '.jsonl');
  fs.mkdirSync(tmp);
  // tsx keeps its compile cache in TMPDIR/tsx-UID: share the usual one rather than compile afresh.
  const tsxCache = path.join(os.tmpdir(), `tsx-${process.getuid?.() ?? 0}`);
  if (fs.existsSync(tsxCache)) fs.symlinkSync(tsxCache, path.join(tmp, path.basename(tsxCache)));
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_RUN_ID: runId, BENCH_RESULTS: results, TMPDIR: tmp };
  delete env.BENCH_HARNESS_PID;
  if (quick) env.BENCH_QUICK = '1';
  else delete env.BENCH_QUICK;
  console.log(`\n=== bench/${name}.ts${quick ? ' (quick)' : ''}   load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env, stdio: 'inherit', detached: true });
  current = { pid: child.pid!, name };
  let backstop: string | null = null;
  const watch = setInterval(() => {
    const limit = (readResults(results).limitSeconds ?? DEFAULT_LIMIT_S) + BACKSTOP_EXTRA_S;
    if (!backstop && Date.now() - started > limit * 1000) {
      backstop = `still running after ${limit} s (its own time limit did not stop it): stopped by the runner`;
      console.error(`\nbench ${name}: ${backstop}`);
      kill(-child.pid!, 'SIGTERM');
      setTimeout(() => kill(-child.pid!, 'SIGKILL'), KILL_GRACE_MS).unref();
    }
  }, 1000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('exit', (c, s) => resolve([c, s]));
    child.once('error', (err) => {
      console.error(`bench ${name}: could not start: ${err.message}`);
      resolve([null, null]);
    });
  });
  clearInterval(watch);
  current = null;
  const seconds = (Date.now() - started) / 1000;

  // Its guard may still be finishing its cleanup: give it the time it allows itself, then kill.
  const until = Date.now() + KILL_GRACE_MS + 5_000;
  while (marked(runId).length && Date.now() < until) await sleep(200);
  const left = marked(runId);
  const leftDescr = left.map(describe);
  for (const pid of left) kill(pid, 'SIGKILL');
  const leftFiles = fs.readdirSync(tmp).filter((f) => !/^tsx-\d+$/.test(f)); // tsx's compile cache is not the bench's
  fs.rmSync(tmp, { recursive: true, force: true });

  const res = readResults(results);
  const got = res.rows.map((r) => ({ ...r, bench: name }));
  const timedOut = got.some((r) => r.name === 'time limit' && r.error);
  if (backstop) got.push({ bench: name, name: 'time limit', figure: null, unit: '', pass: false, error: backstop });
  else if (interrupted && !timedOut) got.push({ bench: name, name: 'interrupted', figure: null, unit: '', pass: false, error: `interrupted (${interrupted}) after ${seconds.toFixed(0)} s` });
  // A bench that exits 1 after a failed row (serve.ts does) has said why; a crash says it with its error.
  else if ((code !== 0 || signal) && !timedOut && (signal || res.error || code !== 1 || !got.some((r) => r.pass === false))) got.push({ bench: name, name: 'exit', figure: null, unit: '', pass: false, error: (signal ? `killed by ${signal}` : `exited with code ${code}`) + (res.error ? `: ${res.error}` : '') });
  else if (!got.length) got.push({ bench: name, name: '(no rows reported)', figure: null, unit: '', pass: null, error: 'ran to its end without reporting a row (see its output above)' });
  if (left.length || leftFiles.length) {
    const what = [left.length ? `${left.length} process(es) left running, killed: ${leftDescr.join('; ')}` : '', leftFiles.length ? `left in its TMPDIR, removed: ${leftFiles.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    console.error(`bench ${name}: ${what}`);
    got.push({ bench: name, name: 'cleanup', figure: null, unit: '', pass: false, error: what });
  }
  rows.push(...got);
  console.log(`=== bench/${name}.ts: ${seconds.toFixed(0)} s, ${signal ? `killed by ${signal}` : `exit code ${code}`}`);
}

function onSignal(sig: NodeJS.Signals) {
  if (interrupted) {
    if (current) kill(-current.pid, 'SIGKILL');
    return;
  }
  interrupted = sig;
  if (current) {
    console.error(`\nbench runner: ${sig}: stopping bench/${current.name}.ts (again to kill it at once)`);
    kill(-current.pid, 'SIGINT');
    const pid = current.pid;
    setTimeout(() => kill(-pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  }
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGHUP', () => onSignal('SIGHUP'));

const t0 = Date.now();
let ran = 0;
try {
  console.log(`# benchmarks: ${chosen.join(', ')}${quick ? ' (--quick: shorter runs; figures less steady)' : ''}; ${os.cpus().length} CPU(s), Node ${process.version}`);
  for (const name of chosen) {
    if (interrupted) break;
    await runOne(name);
    ran++;
  }
} finally {
  fs.rmSync(runRoot, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// The table.

const num = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-GB') : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
const cells = rows.map((r) => [
  `${r.bench}: ${r.name}`,
  r.figure === null ? (r.error ?? '—') : `${num(r.figure)} ${r.unit}${r.detail ? ` (${r.detail})` : ''}`,
  r.reference ? `${num(r.reference.figure)} ${r.reference.unit ?? r.unit} ${r.reference.what}` : '—',
  r.ratio === null || r.ratio === undefined ? '—' : r.ratio.toFixed(2),
  r.target ?? '—',
  r.pass === true ? 'pass' : r.pass === false ? 'FAIL' : '—',
  r.peakMemoryMb === null || r.peakMemoryMb === undefined ? '—' : `${r.peakMemoryMb} MB${r.memoryOf ? ` (${r.memoryOf})` : ''}`,
]);
const head = ['benchmark', 'figure', 'reference (same run)', 'ratio', 'target', 'result', 'peak memory'];
const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\n# ${quick ? 'Quick runs' : 'Benchmarks'}: ${ran === chosen.length ? `${ran} benchmark(s)` : `${ran} of ${chosen.length} benchmarks run`} in ${((Date.now() - t0) / 60000).toFixed(1)} min${interrupted ? `, interrupted (${interrupted}) during bench/${rows.at(-1)?.bench}.ts` : ''}; load average now ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(line(head));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const c of cells) console.log(line(c));
const failed = rows.filter((r) => r.pass === false).length;
console.log(`\n${rows.filter((r) => r.pass === true).length} passed, ${failed} failed, ${rows.filter((r) => r.pass !== true && r.pass !== false).length} without a target`);
if (values.json) fs.writeFileSync(values.json, JSON.stringify({ quick, cpus: os.cpus().length, node: process.version, rows }, null, 2) + '\n');
process.exitCode = interrupted ? 130 : failed ? 1 : 0;
