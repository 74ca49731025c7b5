// The live wire applies the clusterer's automatic splits (decision 0042, seventh round: seams): a
// same-day "twin" story whose first item joined another story under the threshold, and whose second
// followed it there, is split off into a story of its own, with both stories recounted; the seam is
// stored and given back to the clusterer by a restart, which then splits as the uninterrupted process
// would have; the offline command and a re-cluster give the same stories; and a process that opened
// the seam itself splits in a later batch, as a rebuild of its state finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import { clusterPending, liveWire, toWireItem, ITEM_COLS, type ItemRow, type LiveDeps } from '../src/newswire/stories/live.ts';
import { reclusterWire } from '../src/newswire/stories/recluster.ts';
import { getStory } from '../src/newswire/stories/store.ts';
import { clusterItems } from '../src/newswire/cluster/index.ts';

const db = await openTestDb();
const T = { timeout: 90_000 };
const log = createLog('silent');
const proc = (): LiveDeps => ({ db, log, clock: systemClock, runtime: createRuntime() });

const outlets: number[] = [];
for (const [i, lean] of (['left', 'center', 'right', 'lean-left'] as const).entries()) outlets.push((await createOutlet(db, { name: `Seam Outlet ${i}`, url: `https://seam-${i}.example/`, feeds: [], lean })).id);

const MIN = 60_000;
// The four items span about seven and a half hours, ending a little before now.
const t0 = Date.now() - 9 * 60 * MIN;
const twins = [
  { key: 'a1', outlet: 0, at: 0, title: 'Spotify welcomes EU decision against Apple', text: 'Spotify said the European Commission had sent a powerful message in its decision on App Store rules.' },
  { key: 'm1', outlet: 1, at: 10, title: 'Meta fined 1.2 billion euros by EU privacy regulator', text: "Ireland's Data Protection Commission fined Meta a record 1.2 billion euros for transferring European users' data to the United States." },
  { key: 'm2', outlet: 2, at: 310, title: 'Record EU fine for Meta over Facebook data transfers', text: 'Privacy groups said the penalty showed that Facebook had ignored European law for years.' },
  { key: 'a2', outlet: 3, at: 447, title: 'Europe hits Apple with $2 billion fine for squeezing Spotify', text: 'EU regulators said Apple abused its dominance of the App Store to the detriment of music streaming rivals.' },
];
const id: Record<string, number> = {};
async function store(key: string): Promise<number> {
  const t = twins.find((x) => x.key === key)!;
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, 'done') RETURNING id`,
    [outlets[t.outlet], `https://seam-${t.outlet}.example/${key}`, t.title, t.text, new Date(t0 + t.at * MIN)],
  );
  return (id[key] = Number(r!.id));
}
const storyOf = async (key: string) => Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [id[key]]))!.story_id);

test('a twin story is split off by the live wire, across a restart, and both stories are recounted', T, async () => {
  for (const k of ['a1', 'm1', 'm2']) await store(k);
  const first = proc();
  assert.equal((await clusterPending(first)).clustered, 3);
  const joined = await storyOf('a1');
  assert.equal(await storyOf('m1'), joined, 'the first Meta item joined the Apple story under the threshold');
  assert.equal(await storyOf('m2'), joined, 'and the second followed it');
  const seams = await db.query<{ item_id: string; pre_item_ids: string[] }>('SELECT item_id, pre_item_ids FROM wire_item_seams');
  assert.deepEqual(seams.map((r) => [Number(r.item_id), r.pre_item_ids.map(Number)]), [[id.m1, [id.a1]]], 'the seam is stored');
  assert.equal((await getStory(db, joined)).item_count, 3);

  // A restart: the new process restores the stories and the seam; the next Apple item splits the story.
  await store('a2');
  const second = proc();
  const r = await clusterPending(second);
  assert.equal(r.rebuilt, true);
  assert.equal(r.clustered, 1);
  assert.equal(await storyOf('a2'), joined, 'the Apple items keep their story');
  const split = await storyOf('m1');
  assert.notEqual(split, joined, 'the Meta items are a story of their own');
  assert.equal(await storyOf('m2'), split);
  const kept = await getStory(db, joined);
  const made = await getStory(db, split);
  assert.equal(kept.item_count, 2);
  assert.equal(made.item_count, 2);
  assert.deepEqual([kept.left_count, kept.center_count, kept.right_count], [2, 0, 0], 'left and lean-left');
  assert.deepEqual([made.left_count, made.center_count, made.right_count], [0, 1, 1]);
  assert.equal(kept.outlet_count, 2);
  assert.equal(made.outlet_count, 2);
  assert.match(made.title, /Meta/);
  assert.match(kept.title, /Apple/);
  assert.equal(new Date(made.first_seen_at).getTime(), t0 + 10 * MIN);
  assert.equal(new Date(made.last_updated_at).getTime(), t0 + 310 * MIN);
  assert.equal(new Date(kept.last_updated_at).getTime(), t0 + 447 * MIN);
  assert.equal(made.merged_into, null);

  // The process's state matches the tables: a Meta item now joins the split-off story, with no rebuild.
  const more = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, 'https://seam-2.example/m3', $2, $3, $4, 'done') RETURNING id`,
    [outlets[2], 'Meta to appeal record EU privacy fine over Facebook data transfers', 'Meta said the Irish regulator had singled it out.', new Date(t0 + 480 * MIN)],
  );
  const again = await clusterPending(second);
  assert.equal(again.rebuilt, false);
  assert.equal(Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [more!.id]))!.story_id), split);
  assert.equal((await getStory(db, split)).item_count, 3);
  assert.ok(liveWire(second.runtime, db).ready);
});

test('the offline command and a re-cluster give the stories the live wire made', T, async () => {
  const rows = await db.query<ItemRow>(`SELECT ${ITEM_COLS} FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id ORDER BY i.id`);
  const live = new Map(rows.map((r) => [String(r.id), Number(r.story_id)]));
  const { assignments } = clusterItems(rows.map(toWireItem), { windowDays: 7 });
  const same = (a: Map<string, number>, b: Map<string, number>) => [...a.keys()].every((x) => [...a.keys()].every((y) => (a.get(x) === a.get(y)) === (b.get(x) === b.get(y))));
  assert.ok(same(live, assignments), 'offline: the same partition');
  const before = await db.query<{ id: string; story_id: string }>('SELECT id, story_id FROM wire_items ORDER BY id');
  const summary = await reclusterWire(proc());
  assert.equal(summary.moved, 0, 'nothing moves');
  const after = await db.query<{ id: string; story_id: string }>('SELECT id, story_id FROM wire_items ORDER BY id');
  assert.deepEqual(after, before);
  const seams = await db.query<{ item_id: string }>('SELECT item_id FROM wire_item_seams');
  assert.deepEqual(seams.map((r) => Number(r.item_id)), [id.m1], "the re-cluster's seams are stored");
});

test('in one process, without a restart: the seam opened by one batch splits the story in a later one', T, async () => {
  const t1 = Date.now() - 12 * 60 * MIN;
  const add = async (outlet: number, key: string, at: number, title: string, text: string) => {
    const r = await db.one<{ id: string }>(
      `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, 'done') RETURNING id`,
      [outlets[outlet], `https://seam-${outlet}.example/${key}`, title, text, new Date(t1 + at * MIN)],
    );
    return (id[key] = Number(r!.id));
  };
  await add(0, 'n1', 0, 'Nvidia tops Microsoft as AI boom makes it the most valuable company', "The chipmaker's stock has risen more than 170% this year on demand for its AI processors.");
  await add(1, 'c1', 221, 'Microsoft says 8.5 million Windows devices hit by CrowdStrike bug', 'Microsoft said less than one percent of Windows machines were affected.');
  await add(2, 'n2', 277, "Nvidia's $3 trillion rise fuels fears of an AI bubble", "Nvidia overtook Microsoft as the world's most valuable company, concentrating market gains in a handful of tech giants.");
  const third = proc();
  assert.equal((await clusterPending(third)).clustered, 3);
  assert.equal(await storyOf('c1'), await storyOf('n1'), 'the CrowdStrike item joined the Nvidia story under the threshold');
  const seams = (await db.query<{ item_id: string }>('SELECT item_id FROM wire_item_seams WHERE item_id = $1', [id.c1])).length;
  assert.equal(seams, 1);
  await add(3, 'c2', 517, 'CrowdStrike update crashes millions of computers worldwide', 'Airlines, hospitals and broadcasters were knocked offline by the bug.');
  const r = await clusterPending(third);
  assert.equal(r.rebuilt, false, 'the same process, its own state');
  assert.equal(await storyOf('c2'), await storyOf('c1'));
  assert.notEqual(await storyOf('c1'), await storyOf('n1'), 'split');
  assert.equal(await storyOf('n2'), await storyOf('n1'));
  const nv = await getStory(db, await storyOf('n1'));
  const cs = await getStory(db, await storyOf('c1'));
  assert.equal(nv.item_count, 2);
  assert.equal(cs.item_count, 2);
  assert.match(cs.title, /CrowdStrike/);
  // What a rebuild finds is what this process holds.
  const fourth = proc();
  await clusterPending(fourth);
  const a = liveWire(third.runtime, db).clusterer!;
  const b = liveWire(fourth.runtime, db).clusterer;
  assert.ok(b, 'the new process rebuilt its state');
  for (const k of ['n1', 'n2', 'c1', 'c2']) assert.equal(liveWire(fourth.runtime, db).toDb.get(b.storyOf(String(id[k]))!), liveWire(third.runtime, db).toDb.get(a.storyOf(String(id[k]))!));
});
