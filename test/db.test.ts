import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { migrate, pendingMigrations } from '../src/db/migrate.ts';

test('the test database is migrated and transactions roll back on error', async () => {
  const db = await openTestDb();
  assert.deepEqual(await pendingMigrations(db), []);
  assert.deepEqual(await migrate(db), []);
  await assert.rejects(
    db.tx(async (tx) => {
      await tx.query(`INSERT INTO settings (key, value) VALUES ('x', '1')`);
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await db.one(`SELECT 1 FROM settings WHERE key = 'x'`), undefined);
  const heard: string[] = [];
  await db.listen('content_changed', (p) => heard.push(p));
  await db.tx(async (tx) => {
    await tx.notify('content_changed', 'a');
    assert.deepEqual(heard, [], 'a notification inside a transaction waits for commit');
  });
  assert.ok(heard.includes('a'));
  const big = await db.one<{ n: number }>(`SELECT 9007199254740991::bigint AS n`);
  assert.equal(big!.n, 9007199254740991);
});
