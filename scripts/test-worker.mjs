// A shared test process (scripts/test.mjs, decision 0008): runs the fast-tier files it is sent over IPC,
// one after another, in this one process, so tsx, the app's modules and the pooled embedded databases
// (test/helpers/db.ts) are loaded once instead of once a file.
//
// Each file runs as one top-level node:test test named after the file, with the per-file limit; the
// file's own `test()` calls become its subtests (with the per-test limit, scripts/test-timeouts.mjs) and
// its `after()` cleanups run when the file ends. Run with scripts/test-worker-reporter.mjs as the
// reporter, which prints each file's results when it ends followed by a line scripts/test.mjs reads.
// After a file's cleanups, the file fails if it left anything running (a server, a socket, a ref'd
// timer): in a process of its own that would have kept the process from exiting.
//
// Supported from node:test in a shared file: test/it (and .skip/.todo/.only), before, after,
// beforeEach, afterEach, mock (reset after each file). describe/suite are not: such a file says
// `// test-tier: slow`, or this runner learns them.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { insert, withTimeout } from './test-timeouts.mjs';

// test/helpers/db.ts keeps the embedded databases a file closes for the next file only in this process.
process.env.NEWSDESK_TEST_SHARED = '1';

const require = createRequire(import.meta.url);
const nodeTest = require('node:test');
const topLevel = nodeTest.test;

/** The file being run: its node:test context and the promises of the tests it declared. */
let current = null;

function fileContext(what) {
  if (!current) throw new Error(`${what}() was called when no test file is running (after its file ended?)`);
  return current;
}

function declared(...args) {
  const file = fileContext('test');
  withTimeout(args);
  // Started on the next turn, as node:test starts a file's tests after the code that declares them,
  // so a test may use what the file defines below it.
  const p = new Promise((resolve, reject) => setImmediate(() => file.t.test(...args).then(resolve, reject)));
  file.pending.push(p);
  return p;
}
for (const flag of ['skip', 'todo', 'only']) declared[flag] = (...a) => declared(...insert(a, flag));

const hook = (name) => (fn, options) => fileContext(name).t[name](fn, options);
const unsupported = (name) => () => {
  throw new Error(`${name}() is not supported in the shared test process (scripts/test-worker.mjs): mark the file \`// test-tier: slow\``);
};

nodeTest.test = declared;
nodeTest.it = declared;
nodeTest.before = hook('before');
nodeTest.after = hook('after');
nodeTest.beforeEach = hook('beforeEach');
nodeTest.afterEach = hook('afterEach');
nodeTest.describe = unsupported('describe');
nodeTest.suite = unsupported('suite');
syncBuiltinESMExports();

const timers = new Map();
if (process.env.TEST_LEAK_DEBUG) {
  const { createHook } = await import('node:async_hooks');
  createHook({
    init(id, type, _t, resource) {
      if (type === 'Timeout') timers.set(id, { t: resource, stack: new Error().stack.split('\n').slice(2, 12).join('\n') });
    },
    destroy(id) {
      timers.delete(id);
    },
  }).enable();
}
/** Set when the file leaves this process unfit for another (read by scripts/test-worker-reporter.mjs). */
const RECYCLE = Symbol.for('newsdesk.test.recycle');
/** process.cpuUsage() when the current file started (the reporter reports the file's CPU time). */
const CPU_START = Symbol.for('newsdesk.test.cpuStart');
/** Where the current file's time went, in ms (read by the reporter for `--report`): its module with its top-level set-up, its tests, its after() cleanups, the wait for what it left running. */
const PHASES = Symbol.for('newsdesk.test.phases');
const LEAK_GRACE_MS = Number(process.env.TEST_LEAK_GRACE_MS ?? 2000);

// The pooled embedded databases (test/helpers/db.ts) each keep one timer running while open.
const PGLITE = Symbol.for('newsdesk.test.pgliteInstances');

function resources() {
  const n = new Map();
  for (const r of process.getActiveResourcesInfo()) n.set(r, (n.get(r) ?? 0) + 1);
  n.set('Timeout', (n.get('Timeout') ?? 0) - (globalThis[PGLITE] ?? 0));
  return n;
}

/** What is running now that was not before, after a grace period for sockets and servers closing. */
async function leftRunning(before, phases) {
  const deadline = Date.now() + LEAK_GRACE_MS;
  let shown = false;
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const extra = [];
    for (const [k, v] of resources()) if (v > (before.get(k) ?? 0)) extra.push(v - (before.get(k) ?? 0) > 1 ? `${k} x${v - (before.get(k) ?? 0)}` : k);
    if (extra.length && !phases.waitedFor) phases.waitedFor = extra.join(', ');
    if (extra.length && process.env.TEST_LEAK_DEBUG === 'all' && !shown) {
      // What the file is being waited for, even when it ends within the grace period.
      shown = true;
      for (const [, v] of timers) if (v.t.hasRef?.() && !v.t._destroyed) console.log('timer', v.t._idleTimeout, v.stack);
    }
    if (!extra.length || Date.now() > deadline) {
      if (extra.length && process.env.TEST_LEAK_DEBUG) for (const [, v] of timers) if (v.t.hasRef?.() && !v.t._destroyed) console.log('timer', v.t._idleTimeout, v.stack);
      return extra;
    }
  }
}

async function runFile(file, perFileMs) {
  globalThis[CPU_START] = process.cpuUsage();
  const phases = (globalThis[PHASES] = { setUpMs: 0, testsMs: 0, cleanupMs: 0, waitMs: 0 });
  await topLevel(file, { timeout: perFileMs }, async (t) => {
    const before = resources();
    current = { t, pending: [] };
    const mine = current;
    let at = performance.now();
    const lap = (k) => {
      const now = performance.now();
      phases[k] = Math.round(now - at);
      at = now;
    };
    try {
      await import(pathToFileURL(path.resolve(file)).href);
    } finally {
      lap('setUpMs');
      for (let i = 0; i < mine.pending.length; i++) await mine.pending[i].catch(() => {});
      lap('testsMs');
      // Registered last, so it runs after the file's own after() cleanups.
      t.after(async () => {
        lap('cleanupMs');
        if (current === mine) current = null;
        nodeTest.mock.reset();
        const extra = await leftRunning(before, phases);
        lap('waitMs');
        const handles = extra.filter((r) => !/^Timeout\b/.test(r));
        if (handles.length) throw new Error(`the file left running after its tests and their after() cleanups: ${extra.join(', ')} (close servers, sockets and timers in after())`);
        if (extra.length) {
          // A timer may be a retry or a time limit about to end by itself (in a process of its own it
          // would only have delayed the exit), or an interval that never does: either way it must not
          // fire in the next file, so this process is replaced (TEST_LEAK_DEBUG=1 shows where it started).
          globalThis[RECYCLE] = `it left ${extra.join(', ')} running ${LEAK_GRACE_MS / 1000} s after its tests ended`;
        }
      });
    }
  });
}

const queue = [];
let busy = false;
process.on('message', async (msg) => {
  if (msg?.type !== 'run') return;
  queue.push(msg);
  if (busy) return;
  busy = true;
  while (queue.length) {
    const m = queue.shift();
    await runFile(m.file, m.perFileMs);
  }
  busy = false;
});
process.on('disconnect', () => process.exit(0));
// One stream, in the order written: scripts/test.mjs gives a file everything printed while it ran.
process.stderr.write = process.stdout.write.bind(process.stdout);
process.send({ type: 'ready' });
