// scripts/test.mjs: a test that never finishes fails at the default per-test limit, a file stuck in a
// synchronous loop is killed at the per-file limit, the rest still run, and the exit code says so;
// in the shared processes of the fast tier (decision 0008) a file that leaves a server running fails,
// and a failed file's process is not reused.
// scripts/test-tiers.mjs: which files are in the fast tier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpDir } from './helpers/db.ts';
import { tierOf } from '../scripts/test-tiers.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIX = path.join(ROOT, 'test', 'fixtures', 'runner');

function runner(files: string[], env: Record<string, string>) {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['NEWSDESK_TEST_PG_URL', 'NEWSDESK_TEST_PG_TEMPLATE', 'TEST_DATABASE_URL', 'DATABASE_URL']) delete e[k];
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'test.mjs'), ...files.map((f) => path.join(FIX, f))], { encoding: 'utf8', env: e, cwd: ROOT, timeout: 110_000 });
}

test('a test that never finishes fails at TEST_TIMEOUT; the others in the file still pass', { timeout: 120_000 }, () => {
  const r = runner(['hangs.fixture.mjs', 'passes.fixture.mjs'], { TEST_TIMEOUT: '1500', TEST_FILE_TIMEOUT: '8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /never finishes[^\n]*\n\s+'test timed out after 1500ms'/);
  assert.match(r.stdout, /✔ quick/);
  assert.match(r.stdout, /hangs\.fixture\.mjs: FAILED/);
  assert.match(r.stdout, /passes\.fixture\.mjs: ok, 1 test\(s\)/);
  assert.match(r.stdout, /2 file\(s\), \d+ test\(s\), 1 file\(s\) failed/);
});

test('a file stuck in a synchronous loop is killed at its time limit and named', { timeout: 120_000 }, () => {
  // Killed 1 s after its limit (TEST_KILL_GRACE; 15 s unless set), not 15 s: the same kill, sooner.
  const r = runner(['stuck.fixture.mjs'], { TEST_TIMEOUT: '1000', TEST_FILE_TIMEOUT: '2', TEST_KILL_GRACE: '1' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /stuck\.fixture\.mjs: (KILLED: still running after the file time limit of 2 s \(TEST_FILE_TIMEOUT\) and 1 s more|FAILED)/);
  assert.match(r.stdout, /failed: \S*stuck\.fixture\.mjs/);
});

test('shared processes: a file that leaves a server running fails and is named; a failed file’s process is not reused; --isolate gives each its own', { timeout: 150_000 }, () => {
  const r = runner(['leaks.fixture.mjs', 'fails.fixture.mjs', 'clean.fixture.mjs', 'passes.fixture.mjs'], { TEST_CONCURRENCY: '1' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /4 in shared processes/);
  assert.match(r.stdout, /✔ starts a server and forgets it/);
  assert.match(r.stdout, /left running after its tests and their after\(\) cleanups: TCPServerWrap/);
  assert.match(r.stdout, /leaks\.fixture\.mjs: FAILED[^\n]*\(shared process/);
  assert.match(r.stdout, /✖ fails[^\n]*\n[\s\S]*?Expected values to be strictly equal/);
  assert.match(r.stdout, /fails\.fixture\.mjs: FAILED \(exit 1\), 2 test\(s\)/);
  assert.match(r.stdout, /clean\.fixture\.mjs: ok, 1 test\(s\)/);
  assert.match(r.stdout, /passes\.fixture\.mjs: ok, 1 test\(s\)/);
  assert.match(r.stdout, /4 file\(s\), 5 test\(s\), 2 file\(s\) failed/);
  // In a process of its own a file's test database is closed with it, so the process ends with its tests.
  const alone = runner(['passes.fixture.mjs', 'db.fixture.mjs'], { TEST_CONCURRENCY: '1', TEST_ISOLATE: '1', TEST_FILE_TIMEOUT: '30' });
  assert.equal(alone.status, 0, alone.stdout + alone.stderr);
  assert.match(alone.stdout, /each in its own process/);
  assert.match(alone.stdout, /db\.fixture\.mjs: ok, 1 test\(s\)/);
  assert.doesNotMatch(alone.stdout, /shared process/);
});

test('the fast tier: files that spawn processes or a browser, directly or through a helper, are slow; a marker decides otherwise', () => {
  const dir = tmpDir();
  const t = path.join(dir, 'test');
  fs.mkdirSync(path.join(t, 'helpers'), { recursive: true });
  const write = (name: string, src: string) => fs.writeFileSync(path.join(t, name), src);
  write('helpers/spawner.ts', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n");
  write('helpers/plain.ts', "import fs from 'node:fs';\nexport const y = fs;\n");
  write('a.test.ts', "import { test } from 'node:test';\nimport { y } from './helpers/plain.ts';\n");
  write('b.test.ts', "import { x } from './helpers/spawner.ts';\n");
  write('c.test.ts', "import { chromium } from 'playwright-core';\n");
  write('d.test.ts', "// test-tier: fast\nimport { execFileSync } from 'child_process';\n");
  write('e.test.ts', "// test-tier: slow\nimport { test } from 'node:test';\n");
  write('f.test.ts', "const cp = await import('node:child_process');\n");
  const tiers = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [n, tierOf(path.join(t, `${n}.test.ts`), t)]));
  assert.deepEqual(tiers, { a: 'fast', b: 'slow', c: 'slow', d: 'fast', e: 'slow', f: 'slow' });
});
