#!/usr/bin/env node
// `npm run fuzz`: the fuzz suite (test/fuzz.test.ts) for longer than the test suite runs it, with a
// new seed each time unless FUZZ_SEED is given. FUZZ_RUNS scales the number of inputs (default 10:
// about 15,000 requests, 30,000 HTML inputs and 3,000 tokens). A failure prints the seed and the
// shrunk input; `FUZZ_SEED=<seed> npm run fuzz` replays it. Other arguments go to the test runner
// (TEST_DATABASE_URL=... runs it on PostgreSQL).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = process.env.FUZZ_RUNS ?? '10';
console.log(`# fuzz: seed ${seed}, scale ${runs} (replay with FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run fuzz)`);
const r = spawnSync(process.execPath, [path.join(root, 'scripts/test.mjs'), 'test/fuzz.test.ts'], { stdio: 'inherit', env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs } });
process.exit(r.status ?? 1);
