// The live wire notices a restore (decision 0082): its in-memory clusterer is in step with the stored
// stories only while wire_cluster_state's version and epoch are both the ones it last read or wrote.
// A backup taken at the very version the process is at, from a history that went another way (here:
// the database is restored to an older backup, the process clusters on from it, and then a backup
// taken at that same version before the first restore is restored), has the same version with other
// stories: the version alone would let the process cluster into stories that are not there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import { clusterPending, liveWire, type LiveDeps } from '../src/newswire/stories/live.ts';
import { renameStory } from '../src/newswire/stories/decisions.ts';

const db = await openTestDb();
const T = { timeout: 90_000 };
const p: LiveDeps = { db, log: createLog('silent'), clock: systemClock, runtime: createRuntime() };
const outlets: number[] = [];
for (const [i, lean] of (['left', 'center', 'right', 'lean-left'] as const).entries()) outlets.push((await createOutlet(db, { name: `Restore Outlet ${i}`, url: `https://restore-${i}.example/`, feeds: [], lean })).id);

const now = Date.now();
let seq = 0;
async function store(outlet: number, title: string, text: string): Promise<number> {
  seq++;
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, 'done') RETURNING id`,
    [outlets[outlet], `https://restore-${outlet}.example/${seq}`, title, text, new Date(now - 3 * 3_600_000 + seq * 60_000)],
  );
  return Number(r!.id);
}
const DAM = 'The Ravensworth dam on the Oder river will be demolished next year after engineers found cracks in its concrete wall, the regional water authority said.';
const FARE = 'Metro fares in Calderbridge rise by 12 percent from January, the transit board decided on Wednesday after a vote on its budget gap.';
const ORCHID = 'Botanists at Kelmscott University described a new species of ghost orchid found in a peat bog near Alderney Moor.';
const storeStory = async (titles: string[], text: string) => Promise.all(titles.map((t, i) => store(i % outlets.length, t, text))).then((ids) => ids.sort((a, b) => a - b));

type Backup = { state: unknown; stories: unknown[]; items: Array<{ id: number; story_id: number | null }>; seams: unknown[] };
/** A backup of what the live wire's state is built from (every column, whatever the schema). */
async function backup(): Promise<Backup> {
  const j = async (sql: string) => (await db.one<{ j: any }>(sql))!.j;
  return {
    state: await j('SELECT row_to_json(c) AS j FROM wire_cluster_state c'),
    stories: await j(`SELECT coalesce(json_agg(s), '[]') AS j FROM wire_stories s`),
    items: await j(`SELECT coalesce(json_agg(i), '[]') AS j FROM wire_items i`),
    seams: await j(`SELECT coalesce(json_agg(x), '[]') AS j FROM wire_item_seams x`),
  };
}
/** Restores it, as a restore of the database would: the items, stories and seams are the backup's. */
async function restore(b: Backup): Promise<void> {
  await db.tx(async (tx) => {
    await tx.query('DELETE FROM wire_items WHERE NOT (id = ANY($1::bigint[]))', [b.items.map((i) => i.id)]);
    await tx.query('UPDATE wire_items SET story_id = NULL WHERE story_id IS NOT NULL');
    await tx.query(
      `INSERT INTO wire_items OVERRIDING SYSTEM VALUE SELECT x.* FROM json_populate_recordset(NULL::wire_items, $1::json) x WHERE NOT EXISTS (SELECT 1 FROM wire_items i WHERE i.id = x.id)`,
      [JSON.stringify(b.items.map((i) => ({ ...i, story_id: null })))],
    );
    await tx.query('DELETE FROM wire_item_seams');
    await tx.query('DELETE FROM wire_stories');
    await tx.query('INSERT INTO wire_stories OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::wire_stories, $1::json)', [JSON.stringify(b.stories)]);
    await tx.query('UPDATE wire_items i SET story_id = x.story_id FROM json_populate_recordset(NULL::wire_items, $1::json) x WHERE i.id = x.id', [JSON.stringify(b.items)]);
    await tx.query('INSERT INTO wire_item_seams SELECT * FROM json_populate_recordset(NULL::wire_item_seams, $1::json)', [JSON.stringify(b.seams)]);
    await tx.query('DELETE FROM wire_cluster_state');
    await tx.query('INSERT INTO wire_cluster_state SELECT * FROM json_populate_record(NULL::wire_cluster_state, $1::json)', [JSON.stringify(b.state)]);
  });
}
const version = async () => Number((await db.one<{ version: string }>('SELECT version FROM wire_cluster_state'))!.version);
const storyOf = async (item: number) => ((s) => (s === null ? null : Number(s)))((await db.one<{ story_id: string | null }>('SELECT story_id FROM wire_items WHERE id = $1', [item]))!.story_id);

test('a restore of a backup taken at the version the live wire is at makes it rebuild, and it clusters into the restored stories', T, async () => {
  const dam = await storeStory(['Ravensworth dam to be demolished after cracks found', 'Cracked Ravensworth dam will come down', 'Ravensworth dam demolition set for next year'], DAM);
  assert.equal((await clusterPending(p)).rebuilt, true, 'the first run builds the state');
  const first = await backup();

  const fare = await storeStory(['Calderbridge metro fares rise 12 percent', 'Metro fares up by 12 percent in Calderbridge', 'Calderbridge transit board raises fares'], FARE);
  assert.equal((await clusterPending(p)).rebuilt, false, 'its own batch: in step');
  const fareStory = await storyOf(fare[0]!);
  const atFare = await backup();
  const v = await version();

  // Restored to the first backup (an older version: noticed by the version alone), then the wire goes on from there.
  await restore(first);
  const orchid = await storeStory(['New ghost orchid species found near Alderney Moor', 'Kelmscott botanists describe a new ghost orchid', 'A new ghost orchid in an Alderney Moor peat bog'], ORCHID);
  assert.equal((await clusterPending(p)).rebuilt, true, 'an older version: rebuilt');
  assert.equal(await version(), v, 'the wire is back at the version of the second backup, with other stories');
  const orchidStory = await storyOf(orchid[0]!);
  assert.ok(orchidStory !== null);

  // Now the second backup: the same version as the process's, other stories (the fares', not the orchid's).
  await restore(atFare);
  assert.equal(await version(), v);
  assert.equal(await db.one('SELECT 1 FROM wire_stories WHERE id = $1', [orchidStory]), undefined, 'the orchid story is not in the backup');
  const more = await store(3, 'Ghost orchid discovery thrills botanists', ORCHID);
  const late = await store(3, 'Calderbridge metro fares to rise by 12 percent', FARE);
  const r = await clusterPending(p);
  assert.equal(r.rebuilt, true, 'the same version with another epoch: the live wire rebuilds from the restored stories');
  assert.equal(r.clustered, 2);
  assert.equal(await storyOf(late), fareStory, 'a fares item joins the restored fares story');
  const orchidNow = await storyOf(more);
  assert.ok(orchidNow !== null && orchidNow !== orchidStory, 'the orchid item is in a new story, not the one the restore removed');
  for (const id of dam) assert.equal(await storyOf(id), await storyOf(dam[0]!));
  assert.equal((await db.one<{ n: number }>('SELECT count(*)::int AS n FROM wire_items i WHERE i.story_id IS NULL OR NOT EXISTS (SELECT 1 FROM wire_stories s WHERE s.id = i.story_id)'))!.n, 0, 'every item in a stored story');
  const lw = liveWire(p.runtime, db);
  const state = (await db.one<{ version: string; epoch: string }>('SELECT version, epoch FROM wire_cluster_state'))!;
  assert.equal(lw.version, Number(state.version));
  assert.equal(lw.epoch, state.epoch, 'in step again: version and epoch');
  assert.equal((await clusterPending(p)).rebuilt, false, 'nothing waits; no rebuild');
});

test('every bump draws a new epoch, and an editor\'s decision keeps this process in step', T, async () => {
  const lw = liveWire(p.runtime, db);
  const before = lw.epoch;
  await store(0, 'Ravensworth dam: demolition date set', DAM);
  assert.equal((await clusterPending(p)).rebuilt, false);
  assert.notEqual(lw.epoch, before);
  const row = (await db.one<{ epoch: string; prev_epoch: string }>('SELECT epoch, prev_epoch FROM wire_cluster_state'))!;
  assert.deepEqual([row.prev_epoch, row.epoch], [before, lw.epoch]);
  const story = (await db.one<{ id: string }>('SELECT id FROM wire_stories ORDER BY id LIMIT 1'))!;
  await renameStory(p, { story: Number(story.id), title: 'The Ravensworth dam', staffId: null });
  const after = (await db.one<{ epoch: string; prev_epoch: string }>('SELECT epoch, prev_epoch FROM wire_cluster_state'))!;
  assert.deepEqual([after.prev_epoch, after.epoch], [row.epoch, lw.epoch], 'the rename drew a new epoch, and this process took it');
  await store(1, 'Ravensworth dam demolition: the date is set', DAM);
  assert.equal((await clusterPending(p)).rebuilt, false, 'in step after its own decision: no rebuild');
});
