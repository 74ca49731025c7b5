// The guard of one benchmark process (started by startBench in bench/lib/harness.ts; see there).
// It runs beside the bench, in its process group, and holds the read end of a pipe that closes when
// the bench ends. It reads the bench's state file (what it waits for, its child process groups, its
// temporary directories) when it needs it:
//   - at the time limit: says what the bench was waiting for, appends a failed row to the results
//     file, sends the bench SIGALRM (it stops its children and removes its directories, exit 124) and
//     SIGKILLs it if it has not ended within a few seconds (its thread can be stuck in a long
//     synchronous call, where no handler of its own runs);
//   - on SIGINT/SIGTERM/SIGHUP (Ctrl+C reaches the whole foreground process group; the runner signals
//     the bench's group): gives the bench a few seconds to stop by itself, then SIGKILLs it;
//   - when the bench has ended: kills what is left of its child process groups (SIGTERM, then
//     SIGKILL) and removes its temporary directories and the state file. Then it exits.
// Plain JavaScript so it starts in a few milliseconds, without tsx.
import fs from 'node:fs';

const cfg = JSON.parse(process.argv[2]);
// How long a signalled bench gets to stop by itself. Stopping means stopping a server child and removing
// a database; on a loaded machine (two test suites at once) that took more than 5 s and the bench was killed.
const GRACE_MS = Number(process.env.BENCH_GRACE_MS) || 15_000;
// How long the children it stops get after SIGTERM before SIGKILL (BENCH_CHILD_GRACE_MS: tests of the stop set less).
const CHILD_GRACE_MS = Number(process.env.BENCH_CHILD_GRACE_MS) || 3_000;
const startedAt = Date.now();

function readState() {
  try {
    return JSON.parse(fs.readFileSync(cfg.stateFile, 'utf8'));
  } catch {
    return { waiting: 'unknown', since: startedAt, children: [], dirs: [] };
  }
}
let last = readState();
const state = () => {
  const s = readState();
  if (fs.existsSync(cfg.stateFile)) last = s;
  return last;
};

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
/** A process group with a live member (zombies, which PID 1 in a container may never reap, do not count). */
function groupAlive(pgid) {
  if (!alive(-pgid)) return false;
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
const kill = (pid, sig) => {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(cond, ms) {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await sleep(50);
  return cond();
}
const say = (msg) => process.stderr.write(`bench ${cfg.name}: ${msg}\n`);

let benchEnded = false;
const benchGone = () => benchEnded || !alive(cfg.pid);

let finishing = false;
async function finish() {
  if (finishing) return;
  finishing = true;
  const s = state();
  const groups = (s.children ?? []).filter(groupAlive);
  if (groups.length) {
    for (const g of groups) kill(-g, 'SIGTERM');
    await waitUntil(() => groups.every((g) => !groupAlive(g)), CHILD_GRACE_MS);
    const stubborn = groups.filter(groupAlive);
    for (const g of stubborn) kill(-g, 'SIGKILL');
    say(`stopped ${groups.length} child process group(s) it left running${stubborn.length ? ` (${stubborn.length} with SIGKILL)` : ''}`);
  }
  const dirs = (s.dirs ?? []).filter((d) => fs.existsSync(d));
  for (const d of dirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch (err) {
      say(`could not remove ${d}: ${err.message}`);
    }
  }
  if (dirs.length) say(`removed ${dirs.length} temporary director${dirs.length === 1 ? 'y' : 'ies'} it left behind: ${dirs.join(', ')}`);
  fs.rmSync(cfg.stateFile, { force: true });
  fs.rmSync(cfg.stateFile + '.tmp', { force: true });
  if (cfg.readyFile) fs.rmSync(cfg.readyFile, { force: true });
  process.exit(0);
}

/** Wait for the bench to end (after `signal`, if one is given); SIGKILL it if it has not within the grace time. */
async function endBench(signal) {
  if (signal) kill(cfg.pid, signal);
  if (!(await waitUntil(benchGone, GRACE_MS))) {
    say(`did not stop within ${GRACE_MS / 1000} s (its thread is busy; it was waiting for ${state().waiting}): killing it`);
    kill(cfg.pid, 'SIGKILL');
    await waitUntil(benchGone, GRACE_MS);
  }
  await finish();
}

let limitHit = false;
const deadline = setTimeout(() => {
  limitHit = true;
  const s = state();
  const waited = Math.round((Date.now() - (s.since ?? startedAt)) / 1000);
  const error = `time limit of ${cfg.limitMs / 1000} s exceeded while waiting for ${s.waiting} (for ${waited} s)`;
  say(`${error}; stopping it, its ${(s.children ?? []).length} child process group(s) and ${(s.dirs ?? []).length} temporary director${(s.dirs ?? []).length === 1 ? 'y' : 'ies'}`);
  if (cfg.resultsFile) {
    try {
      fs.appendFileSync(cfg.resultsFile, JSON.stringify({ type: 'row', bench: cfg.name, quick: cfg.quick, name: 'time limit', figure: null, unit: '', target: `ends within ${cfg.limitMs / 1000} s`, pass: false, error }) + '\n');
    } catch {
      /* the runner reports the exit instead */
    }
  }
  void endBench('SIGALRM');
}, cfg.limitMs);

let signalled = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (signalled || limitHit) return;
    signalled = true;
    clearTimeout(deadline);
    // The bench got the same signal (same process group) or is about to; give it time to stop itself.
    void endBench(null);
  });
}

// The bench's end: the pipe closes (however it ended), or, as a fallback, its pid is gone.
process.stdin.on('data', () => {});
process.stdin.on('error', () => {});
process.stdin.on('close', () => {
  benchEnded = true;
  if (!limitHit && !signalled) {
    clearTimeout(deadline);
    void finish();
  }
});
process.stdin.on('end', () => {
  benchEnded = true;
});
setInterval(() => {
  if (!alive(cfg.pid) && !limitHit && !signalled) {
    benchEnded = true;
    clearTimeout(deadline);
    void finish();
  }
}, 500).unref();

// Ready: every handler is in place. The bench waits for this file before it goes on, so that a
// Ctrl+C that comes early cannot reach a guard that would still die of it (on a loaded machine a
// guard took over a second to start, and a busy bench was then left with nobody to kill it).
if (cfg.readyFile) fs.writeFileSync(cfg.readyFile, String(process.pid));
