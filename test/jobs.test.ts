import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { claimJobs, enqueue, failJob, finishJob, runDueJobs } from '../src/platform/jobs.ts';
import { createLog } from '../src/platform/log.ts';

const db = await openTestDb();

test('a job is claimed once; dedupe keys hold while it is queued', async () => {
  const id = await enqueue(db, 'x', { a: 1 }, { dedupeKey: 'k1' });
  assert.ok(id);
  assert.equal(await enqueue(db, 'x', { a: 2 }, { dedupeKey: 'k1' }), null);
  const [job] = await claimJobs(db, 10);
  assert.equal(job!.id, id);
  assert.deepEqual(await claimJobs(db, 10), [], 'claimed jobs are not claimed again while leased');
  await finishJob(db, job!.id, job!.attempts);
  assert.equal((await db.one(`SELECT status FROM jobs WHERE id = $1`, [id]))!.status, 'done');
});

test('an expired lease is taken over, and the old claim cannot overwrite the new one', async () => {
  const id = (await enqueue(db, 'slow', {}))!;
  const [first] = await claimJobs(db, 10);
  await db.query(`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = $1`, [id]);
  const [second] = await claimJobs(db, 10);
  assert.equal(second!.id, id);
  assert.equal(second!.attempts, first!.attempts + 1);
  // The first worker wakes up late and reports: ignored.
  await finishJob(db, id, first!.attempts);
  await failJob(db, first!, new Error('late'));
  assert.equal((await db.one(`SELECT status FROM jobs WHERE id = $1`, [id]))!.status, 'running');
  await finishJob(db, id, second!.attempts);
  assert.equal((await db.one(`SELECT status FROM jobs WHERE id = $1`, [id]))!.status, 'done');
});

test('a job whose lease expires on its last attempt is failed, not run again', async () => {
  const id = (await enqueue(db, 'dies', {}, { maxAttempts: 1 }))!;
  await claimJobs(db, 10);
  await db.query(`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = $1`, [id]);
  assert.deepEqual((await claimJobs(db, 10)).map((j) => j.id), []);
  const row = await db.one(`SELECT status, last_error FROM jobs WHERE id = $1`, [id]);
  assert.equal(row!.status, 'failed');
  assert.match(row!.last_error, /lease expired/);
});

test('runDueJobs runs handlers, retries failures with backoff, and gives up after max attempts', async () => {
  await db.query(`DELETE FROM jobs`);
  let calls = 0;
  const registry = {
    flaky: async () => {
      calls++;
      throw new Error('nope');
    },
  };
  const deps = { db, log: createLog('silent') };
  const id = (await enqueue(db, 'flaky', {}, { maxAttempts: 2 }))!;
  assert.equal(await runDueJobs(deps, registry), 1);
  let row = await db.one(`SELECT status, attempts, run_at > now() AS later FROM jobs WHERE id = $1`, [id]);
  assert.deepEqual([row!.status, row!.attempts, row!.later], ['queued', 1, true]);
  await db.query(`UPDATE jobs SET run_at = now() WHERE id = $1`, [id]);
  await runDueJobs(deps, registry);
  row = await db.one(`SELECT status, attempts FROM jobs WHERE id = $1`, [id]);
  assert.deepEqual([row!.status, row!.attempts], ['failed', 2]);
  assert.equal(calls, 2);
  const unknown = (await enqueue(db, 'no-such-job', {}, { maxAttempts: 1 }))!;
  await runDueJobs(deps, registry);
  assert.match((await db.one(`SELECT last_error FROM jobs WHERE id = $1`, [unknown]))!.last_error, /no job named no-such-job/);
});
