// The Content API rate limit is one count per client, whatever prefix it calls: ours, Ghost's and
// its versioned twins, with or without the trailing slash (issue 9: it was counted per prefix, so a
// client got six times the limit). On PostgreSQL the count lives in the database, so two servers on
// one database share it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { startServer } from '../src/server.ts';
import { createLog } from '../src/platform/log.ts';
import { PgLimiter, WindowLimiter } from '../src/platform/rate-limit.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const LIMIT = 12;
const t = await startTestApp({ now: '2026-03-02T09:00:00Z', env: { CONTENT_API_RATE_LIMIT: String(LIMIT) } });
const key = (await createApiKey(t.deps.db, { name: 'site', kind: 'content' })).secret;
const PATHS = [
  '/api/content/tags', '/ghost/api/content/tags/', '/ghost/api/content/tags', '/ghost/api/v4/content/tags/',
  '/ghost/api/v3/content/tags/', '/ghost/api/v2/content/tags/', '/ghost/api/canary/content/tags/',
];

test('one allowance per client across every Content API prefix', { timeout: 30_000 }, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT; i++) {
    const res = await t.get(`${PATHS[i % PATHS.length]}?key=${key}`);
    await res.arrayBuffer();
    statuses.push(res.status);
    assert.equal(res.headers.get('x-ratelimit-remaining'), String(LIMIT - i - 1));
  }
  assert.deepEqual(statuses, Array(LIMIT).fill(200));
  // Spent: every prefix now refuses, not just the one used most.
  for (const p of PATHS) {
    const res = await t.get(`${p}?key=${key}`);
    assert.equal(res.status, 429, p);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    const body = await res.json();
    assert.match(JSON.stringify(body), /allows 12 requests a minute/);
  }
  // CORS preflights are not counted and still answered.
  assert.equal((await t.get('/api/content/tags', { method: 'OPTIONS' })).status, 204);
});

test('the in-memory and the PostgreSQL limiter count the same way', { timeout: 30_000 }, async () => {
  const limiters = [new WindowLimiter(3, 60_000)];
  if (t.deps.db.kind === 'postgres') limiters.push(new PgLimiter(t.deps.db, 'test', 3, 60_000) as any);
  const t0 = Date.parse('2026-03-02T09:00:00Z');
  for (const l of limiters) {
    const got = [];
    for (let i = 0; i < 4; i++) got.push((await l.take('client-a', t0 + i)).ok);
    assert.deepEqual(got, [true, true, true, false], l.constructor.name);
    assert.equal((await l.take('client-b', t0 + 5)).ok, true, 'keys apart');
    assert.equal((await l.take('client-a', t0 + 60_001)).ok, true, 'a new window');
  }
});

test('two servers on one PostgreSQL share one count per client', { timeout: 30_000, skip: t.deps.db.kind !== 'postgres' ? 'several servers share a PostgreSQL server: runs in the PostgreSQL pass' : false }, async () => {
  const { db, config } = t.deps;
  await db.query(`DELETE FROM rate_limits`);
  const second = await startServer({ db, config, log: createLog('silent'), clock: t.deps.clock, runtime: createRuntime() }, { port: 0, host: '127.0.0.1', background: false });
  try {
    const urls = [t.url, second.url];
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await fetch(`${urls[i % 2]}/api/content/tags?key=${key}`);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [...Array(LIMIT).fill(200), 429, 429]);
  } finally {
    await second.close();
  }
});
