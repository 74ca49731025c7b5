// The ranking's kept figures after the database behind a server changes (decision 0079): a dump restored
// onto another cluster at the same address, a promoted standby, a backup restored to an earlier point.
// Such a server hands out transaction ids this one already handed out, so a story can come back with the
// same (id, xmin) and other content. On PGlite two instances are two such servers: their transaction
// counters are brought level and each writes the same story at the same xid with another title; the
// ranking read through one handle, first from one server and then the other, must give the second's own
// ranking. On PostgreSQL both databases are in one cluster (transaction ids are the cluster's): the
// switch must still give the second database's ranking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/index.ts';
import { openTestDb } from './helpers/db.ts';
import { bridgeItems, seedStory } from './helpers/wire-stories.ts';
import { forgetRankings, lastRankingRead, listStories } from '../src/newswire/stories/store.ts';

const a = await openTestDb();
const b = await openTestDb();
const DAY = '2026-03-10';
const opts = { date: DAY, timeZone: 'UTC', now: new Date(`${DAY}T18:00:00Z`), includeHidden: true, limit: 20 };

/** One handle whose database is `a`, then `b` (what a server sees when its DATABASE_URL's host now serves a restored copy). */
let current: Db = a;
const behind: Db = {
  kind: a.kind,
  query: (sql, params) => current.query(sql, params),
  one: (sql, params) => current.one(sql, params),
  prepared: (name, types, sql, params) => current.prepared(name, types, sql, params),
  exec: (sql) => current.exec(sql),
  tx: (fn) => current.tx(fn),
  notify: (channel, payload) => current.notify(channel, payload),
  listen: (channel, onMessage) => current.listen(channel, onMessage),
  close: async () => undefined,
};

/** The transaction id the next statement sent on its own gets (this one takes one). */
const nextXid = async (db: Db) => Number((await db.one<{ x: string }>(`SELECT pg_current_xact_id()::text AS x`))!.x) + 1;

for (const db of [a, b]) {
  for (let k = 0; k < 3; k++) {
    const items = bridgeItems(DAY).map((it, j) => ({ ...it, url: `${it.url}?s=${k}&j=${j}` }));
    await seedStory(db, { slug: `story-${k}`, title: `Story ${k}` }, items.slice(0, 2 + k));
  }
}
const storyId = Number((await a.one<{ id: string }>(`SELECT id FROM wire_stories WHERE slug = 'story-1'`))!.id);
assert.equal(Number((await b.one<{ id: string }>(`SELECT id FROM wire_stories WHERE slug = 'story-1'`))!.id), storyId, 'the same story ids in both');

test('kept ranking figures are not used on another database server with the same (story id, xmin)', { timeout: 60_000 }, async () => {
  const rename = (db: Db, title: string) => db.one<{ v: string }>(`UPDATE wire_stories SET title = $1 WHERE id = $2 RETURNING xmin::text AS v`, [title, storyId]);
  let va: string;
  let vb: string;
  if (a.kind === 'pglite') {
    // Two servers whose transaction counters stand level: bring the one behind up (a DO block's
    // subtransactions take one id each), then step them one at a time until the next ids agree.
    await b.exec('CREATE TEMP TABLE burn (x int)');
    await a.exec('CREATE TEMP TABLE burn (x int)');
    let [xa, xb] = [await nextXid(a), await nextXid(b)];
    const behindOf = () => (xa < xb ? a : b);
    if (Math.abs(xa - xb) > 10) await behindOf().exec(`DO $$ BEGIN FOR i IN 1..${Math.abs(xa - xb) - 5} LOOP BEGIN INSERT INTO burn VALUES (1); EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END $$`);
    [xa, xb] = [await nextXid(a), await nextXid(b)];
    for (let i = 0; xa !== xb && i < 100; i++) {
      if (xa < xb) xa = await nextXid(a);
      else xb = await nextXid(b);
    }
    assert.equal(xa, xb, 'the two servers hand out the same next transaction id');
    va = (await rename(a, 'The story as server A has it'))!.v;
    vb = (await rename(b, 'The story as server B has it'))!.v;
    assert.equal(va, vb, 'the same story, the same xmin, another title');
  } else {
    va = (await rename(a, 'The story as server A has it'))!.v;
    vb = (await rename(b, 'The story as server B has it'))!.v;
    assert.notEqual(va, vb, 'one cluster: transaction ids are never handed out twice');
  }

  forgetRankings(behind);
  current = a;
  const onA = await listStories(behind, opts);
  assert.equal(onA.find((s) => s.id === storyId)?.title, 'The story as server A has it');
  await listStories(behind, opts);
  assert.equal(lastRankingRead(behind)!.read, 0, 'kept: nothing read again on the same server');

  current = b;
  const onB = await listStories(behind, opts);
  assert.equal(onB.find((s) => s.id === storyId)?.title, 'The story as server B has it', 'the second server\'s row, not the figures kept from the first');
  assert.deepEqual(onB, await listStories(b, opts), 'the second database\'s own ranking');
  if (a.kind === 'pglite') assert.equal(lastRankingRead(behind)!.read, lastRankingRead(behind)!.candidates, 'another server: every candidate read again');
  await listStories(behind, opts);
  assert.equal(lastRankingRead(behind)!.read, 0, 'then kept for that server');
});
