// The stored fields of the live wire's stories (issue #12, decision 0063) are what a recount from
// scratch gives, after every kind of write: a live batch updates the stories it touches from their
// stored row and the new items alone (no re-aggregation of their earlier items), so the fields must
// never drift. A stream of items arrives out of published order, with ties in time (feeds round
// their times to the hour) and outlets filing twice on one story, clustered one at a time and in
// batches of several; then editors merge and split, more items join, an outlet changes its lean, an
// outlet is deleted, and more items join again; last, a bridge item makes the clusterer merge two
// stories inside a live batch. After each step every story's counts (items,
// outlets, by lean group), outlet ids, span, blindspot and stored items (times and outlets in
// (time, outlet) order) are compared with the same figures computed here from wire_items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { createOutlet, deleteOutlet, updateOutlet } from '../src/newswire/outlets.ts';
import { clusterPending, ITEM_COLS, liveWire, storyConstraints, toWireItem, type ItemRow, type LiveDeps } from '../src/newswire/stories/live.ts';
import { StoryClusterer } from '../src/newswire/cluster/index.ts';
import { mergeStories, splitStory } from '../src/newswire/stories/decisions.ts';
import { blindspotOf, defaultStorySettings } from '../src/newswire/stories/store.ts';

const db = await openTestDb();
const T = { timeout: 120_000 };
const live: LiveDeps = { db, log: createLog('silent'), clock: systemClock, runtime: createRuntime() };

const LEANS = ['left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated', 'left', 'center', 'right', 'lean-left', 'lean-right'] as const;
const outlets: number[] = [];
for (const [i, lean] of LEANS.entries()) outlets.push((await createOutlet(db, { name: `Count Outlet ${i}`, url: `https://count-${i}.example/`, feeds: [], lean })).id);

// Six stories' worth of headlines, each with names of its own.
const TOPICS = [
  { lead: 'The Brannock tunnel under the Vellis river will close for repairs after water leaked into its eastern bore, the transport ministry said.', heads: ['Brannock tunnel to close for repairs after leak', 'Vellis river tunnel at Brannock shut over water leak', 'Brannock tunnel repairs: eastern bore closed', 'Water leak closes Brannock tunnel under the Vellis', 'Transport ministry shuts Brannock tunnel for repairs', 'Brannock tunnel leak: repairs to take months', 'Drivers face detours as Brannock tunnel closes', 'Brannock tunnel closure after Vellis river leak'] },
  { lead: 'Orchestra musicians in Tamsford went on strike over pay on Friday, cancelling the opening night of the Halvern festival.', heads: ['Tamsford orchestra strikes over pay', 'Halvern festival opening cancelled by Tamsford orchestra strike', 'Tamsford musicians walk out before Halvern festival', 'Pay strike silences Tamsford orchestra', 'Tamsford orchestra strike cancels Halvern opening night', 'Halvern festival hit by Tamsford musicians strike', 'Tamsford orchestra pay dispute: strike goes ahead', 'Musicians strike in Tamsford over pay'] },
  { lead: 'A meteorite fragment weighing four kilograms was found in a field near Ostrava Fen by a farmer, the Kessler observatory confirmed.', heads: ['Meteorite fragment found near Ostrava Fen', 'Farmer finds 4kg meteorite in Ostrava Fen field', 'Kessler observatory confirms Ostrava Fen meteorite', 'Ostrava Fen meteorite weighs four kilograms', 'Meteorite lands in Ostrava Fen farm field', 'Kessler astronomers study Ostrava Fen meteorite', 'Ostrava Fen farmer discovers meteorite fragment', 'Four-kilogram meteorite found at Ostrava Fen'] },
  { lead: 'The Quorra city council approved a ban on diesel buses from 2028 after a long debate over air quality in the Lindqvist district.', heads: ['Quorra council bans diesel buses from 2028', 'Diesel bus ban approved in Quorra', 'Quorra votes to end diesel buses by 2028', 'Lindqvist air quality drives Quorra diesel bus ban', 'Quorra diesel bus ban passes council vote', 'Quorra to phase out diesel buses', 'Council in Quorra backs diesel bus ban', 'Quorra diesel ban: buses to go electric by 2028'] },
  { lead: 'Wildfire crews in the Maretti hills contained a blaze that had burned 3,000 hectares near the village of Sorrento Alta.', heads: ['Maretti hills wildfire contained', 'Crews contain 3,000-hectare Maretti wildfire', 'Sorrento Alta spared as Maretti fire is contained', 'Maretti hills blaze under control', 'Wildfire near Sorrento Alta contained after 3,000 hectares burn', 'Maretti wildfire: crews hold the line', 'Maretti hills fire contained near Sorrento Alta', 'Firefighters contain Maretti hills wildfire'] },
  { lead: 'The Pelham shipyard will build two research icebreakers for the Norland polar institute under a contract signed on Monday.', heads: ['Pelham shipyard wins icebreaker contract', 'Norland polar institute orders two icebreakers from Pelham', 'Pelham to build research icebreakers for Norland', 'Icebreaker deal for Pelham shipyard', 'Pelham shipyard signs Norland icebreaker contract', 'Two research icebreakers to be built at Pelham', 'Norland institute picks Pelham for icebreakers', 'Pelham shipyard icebreaker order from Norland'] },
];

// A small deterministic generator (no Math.random: the stream is the same every run).
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const HOUR = 3_600_000;
const base = Math.floor(Date.now() / HOUR) * HOUR - 30 * HOUR;
let seq = 0;
const used = new Map<number, number>();
const deleted = new Set<number>();

/** Stores the next headline of a topic from some outlet; its time is on the hour now and then (ties). */
async function store(topic: number, opts: { outlet?: number; hoursAgo?: number } = {}): Promise<number> {
  const t = TOPICS[topic]!;
  const k = used.get(topic) ?? 0;
  used.set(topic, k + 1);
  const open = outlets.filter((x) => !deleted.has(x));
  const outlet = opts.outlet ?? open[Math.floor(rnd() * open.length)]!;
  const hoursAgo = opts.hoursAgo ?? 1 + rnd() * 20;
  let at = base + 30 * HOUR - hoursAgo * HOUR;
  if (rnd() < 0.4) at = Math.floor(at / HOUR) * HOUR;
  seq++;
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, 'done') RETURNING id`,
    [outlet, `https://count.example/${seq}`, t.heads[k % t.heads.length]!, t.lead, new Date(at)],
  );
  return Number(r!.id);
}

const iso = (v: unknown) => new Date(v as string).toISOString();

/** Every story's stored fields against a recount from wire_items; returns how many stories hold items. */
async function assertStoredFieldsExact(step: string): Promise<number> {
  const rows = await db.query<any>(
    `SELECT s.id, s.merged_into, s.item_count, s.outlet_count, s.outlet_ids, s.left_count, s.center_count, s.right_count, s.blindspot,
            s.first_seen_at, s.last_updated_at, s.item_published, s.item_outlet_ids, r.n, r.outlets, r.oids, r.l, r.c, r.r, r.first, r.last, r.ts, r.os
       FROM wire_stories s
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS n, count(DISTINCT i.outlet_id)::int AS outlets, coalesce(array_agg(DISTINCT i.outlet_id ORDER BY i.outlet_id), '{}') AS oids,
                count(DISTINCT i.outlet_id) FILTER (WHERE o.lean IN ('left', 'lean-left'))::int AS l,
                count(DISTINCT i.outlet_id) FILTER (WHERE o.lean = 'center')::int AS c,
                count(DISTINCT i.outlet_id) FILTER (WHERE o.lean IN ('lean-right', 'right'))::int AS r,
                min(i.published_at) AS first, max(i.published_at) AS last,
                coalesce(array_agg(i.published_at ORDER BY i.published_at, i.outlet_id), '{}') AS ts, coalesce(array_agg(i.outlet_id ORDER BY i.published_at, i.outlet_id), '{}') AS os
           FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id WHERE i.story_id = s.id) r
      ORDER BY s.id`,
  );
  let withItems = 0;
  for (const s of rows) {
    const at = `${step}: story ${s.id}`;
    if (s.merged_into !== null) assert.equal(s.n, 0, `${at} was merged away and holds no items`);
    const stored = {
      items: s.item_count, outlets: s.outlet_count, outlet_ids: s.outlet_ids.map(Number), sides: [s.left_count, s.center_count, s.right_count], blindspot: s.blindspot,
      published: s.item_published.map(iso), item_outlets: s.item_outlet_ids.map(Number),
    };
    const recounted = {
      items: s.n, outlets: s.outlets, outlet_ids: s.oids.map(Number), sides: [s.l, s.c, s.r], blindspot: blindspotOf({ left: s.l, center: s.c, right: s.r }, defaultStorySettings),
      published: s.ts.map(iso), item_outlets: s.os.map(Number),
    };
    assert.deepEqual(stored, recounted, at);
    if (s.n > 0) {
      withItems++;
      assert.equal(iso(s.first_seen_at), iso(s.first), `${at}: first seen`);
      assert.equal(iso(s.last_updated_at), iso(s.last), `${at}: last updated`);
    }
  }
  return withItems;
}

const storyOf = async (item: number) => Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [item]))!.story_id);
const first: Record<number, number> = {};

test('a stream clustered one at a time and in batches, out of order and with ties: stored fields are a recount', T, async () => {
  // Out of published order: each topic's items come at random times within a day.
  for (let round = 0; round < 4; round++) {
    for (let topic = 0; topic < TOPICS.length; topic++) {
      const id = await store(topic);
      first[topic] ??= id;
      if (round % 2 === 0) assert.equal((await clusterPending(live)).clustered, 1, 'one at a time');
    }
    if (round % 2 === 1) assert.equal((await clusterPending(live)).clustered, TOPICS.length, 'a batch of several');
    await assertStoredFieldsExact(`round ${round}`);
  }
  // An outlet files twice on one story, at the same hour as another item of it (a tie in time).
  const tieAt = (await db.one<{ h: number }>(`SELECT extract(epoch FROM max(published_at)) * 1000 AS h FROM wire_items WHERE story_id = $1`, [await storyOf(first[0]!)]))!.h;
  const hoursAgo = (base + 30 * HOUR - Number(tieAt)) / HOUR;
  await store(0, { outlet: outlets[2], hoursAgo });
  await store(0, { outlet: outlets[2], hoursAgo });
  await store(0, { outlet: outlets[9], hoursAgo: hoursAgo + 5 });
  await clusterPending(live);
  const n = await assertStoredFieldsExact('ties and an outlet filing twice');
  assert.ok(n >= 4 && n <= 12, `the stream made a handful of stories (${n})`);
  const tunnel = await db.one<{ item_count: number; outlet_count: number }>('SELECT item_count, outlet_count FROM wire_stories WHERE id = $1', [await storyOf(first[0]!)]);
  assert.ok(tunnel!.item_count > tunnel!.outlet_count, 'the tunnel story has more items than outlets');
});

test('merges and splits by editors, then more items: stored fields are still a recount', T, async () => {
  const a = await storyOf(first[1]!);
  const b = await storyOf(first[2]!);
  assert.notEqual(a, b);
  await mergeStories(live, { into: a, from: b, staffId: null });
  await assertStoredFieldsExact('after a merge');
  const c = await storyOf(first[3]!);
  const items = (await db.query<{ id: string }>('SELECT id FROM wire_items WHERE story_id = $1 ORDER BY id', [c])).map((r) => Number(r.id));
  assert.ok(items.length >= 3);
  const split = await splitStory(live, { story: c, items: items.slice(0, 2), staffId: null });
  await assertStoredFieldsExact('after a split');
  // More items join the merged, the split and the other stories, in a batch and one at a time.
  for (const topic of [1, 2, 3, 4, 5, 0]) await store(topic);
  await clusterPending(live);
  for (const topic of [2, 3]) {
    await store(topic);
    await clusterPending(live);
  }
  await assertStoredFieldsExact('more items after the merge and the split');
  assert.equal((await db.one<{ item_count: number }>('SELECT item_count FROM wire_stories WHERE id = $1', [b]))!.item_count, 0, 'the merged-away story stays empty');
  assert.ok((await db.one<{ item_count: number }>('SELECT item_count FROM wire_stories WHERE id = $1', [split.id]))!.item_count >= 2);
});

test('an outlet changing its lean and an outlet deleted: stored fields are still a recount, and later items keep them so', T, async () => {
  // An outlet of the tunnel story goes from the left group to the right.
  const tunnel = await storyOf(first[0]!);
  const o = (await db.one<{ outlet_id: number }>(`SELECT i.outlet_id FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id WHERE i.story_id = $1 AND o.lean IN ('left', 'lean-left') LIMIT 1`, [tunnel]))!.outlet_id;
  const before = (await db.one<{ left_count: number; right_count: number }>('SELECT left_count, right_count FROM wire_stories WHERE id = $1', [tunnel]))!;
  await updateOutlet(db, o, { lean: 'right' });
  const after = (await db.one<{ left_count: number; right_count: number }>('SELECT left_count, right_count FROM wire_stories WHERE id = $1', [tunnel]))!;
  assert.deepEqual([after.left_count, after.right_count], [before.left_count - 1, before.right_count + 1], 'the counts moved with the lean');
  await assertStoredFieldsExact('after a lean change');
  // An outlet with items on several stories is deleted (its items go by cascade).
  const gone = (await db.one<{ outlet_id: number }>(`SELECT outlet_id FROM wire_items WHERE story_id IS NOT NULL GROUP BY outlet_id ORDER BY count(DISTINCT story_id) DESC, outlet_id LIMIT 1`))!.outlet_id;
  await deleteOutlet(db, gone);
  deleted.add(gone);
  await assertStoredFieldsExact('after an outlet was deleted');
  for (let topic = 0; topic < TOPICS.length; topic++) await store(topic, { outlet: outlets.find((x) => x !== gone && x !== o) });
  await clusterPending(live);
  for (let topic = 0; topic < 3; topic++) {
    await store(topic);
    await clusterPending(live);
  }
  await assertStoredFieldsExact('more items after the lean change and the deletion');
});

test('a bridge merge in a live batch, of two stored stories (one statement) and of a stored one and one made in the batch (the general path): stored fields are still a recount', T, async () => {
  // The state rebuilt as rebuildLiveWire does, but with a threshold no item reaches, so that only the
  // bridge joins the third item (as in test/wire-cluster.test.ts).
  const lw = liveWire(live.runtime, db);
  lw.invalidate();
  const version = Number((await db.one<{ version: string }>('SELECT version FROM wire_cluster_state WHERE id = 1'))!.version);
  const c = new StoryClusterer({ windowDays: 7, threshold: 0.9, lowThreshold: 0, loneThreshold: 0, lowModel: null }, await storyConstraints(db));
  const rows = await db.query<ItemRow>(`SELECT ${ITEM_COLS} FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id WHERE i.story_id IS NOT NULL ORDER BY i.published_at, i.id`);
  for (const r of rows) {
    c.restore(toWireItem(r), Number(r.story_id));
    lw.map(Number(r.story_id), Number(r.story_id));
  }
  lw.clusterer = c;
  lw.version = version;
  const at = Date.now() - 2 * HOUR;
  const put = async (title: string, outlet: number, t: number) =>
    Number((await db.one<{ id: string }>(`INSERT INTO wire_items (outlet_id, url, title, published_at, extract_status) VALUES ($1, $2, $3, $4, 'done') RETURNING id`, [outlet, `https://count.example/heat-${outlet}-${t}`, title, new Date(t)]))!.id);
  const a = await put('Phoenix swelters at 118 as climate change makes heat waves deadlier', outlets[0]!, at);
  await clusterPending(live);
  const b = await put('Heat wave bakes Southwest; officials urge residents to stay indoors', outlets[4]!, at + HOUR);
  await clusterPending(live);
  assert.notEqual(await storyOf(a), await storyOf(b), 'two stories first');
  const lost = [await storyOf(a), await storyOf(b)];
  // The bridge comes in a batch with an item of another story.
  const x = await put('Extreme heat grips the Southwest; Phoenix hits 118 degrees', outlets[9]!, at + 2 * HOUR);
  await store(5);
  const r = await clusterPending(live);
  assert.equal(r.clustered, 2);
  assert.equal(r.rebuilt, false);
  assert.equal(await storyOf(a), await storyOf(b), 'the bridge merged them');
  assert.equal(await storyOf(x), await storyOf(a));
  const merged = await db.one<{ n: number }>('SELECT count(*)::int AS n FROM wire_stories WHERE id = ANY($1::bigint[]) AND merged_into IS NOT NULL', [lost]);
  assert.equal(merged!.n, 1, 'one of the two stories was merged into the other');
  await assertStoredFieldsExact('after a bridge merged two stories in a batch');
  // The same with one of the two fragments made in the bridge's own batch: its row does not exist when
  // the merge is decided, so the batch takes the general path (rows one by one, then a recount).
  const d = await put('Heat wave bakes Arizona; officials urge residents of Tucson to stay indoors', outlets[1]!, at + 3 * HOUR);
  await clusterPending(live);
  const e = await put('Tucson swelters at 115 as climate change makes Arizona heat waves deadlier', outlets[3]!, at + 4 * HOUR);
  const f = await put('Extreme heat grips Arizona; Tucson hits 115 degrees', outlets[10]!, at + 5 * HOUR);
  assert.equal((await clusterPending(live)).clustered, 2);
  assert.equal(await storyOf(d), await storyOf(f), 'the bridge joined the stored fragment');
  assert.equal(await storyOf(e), await storyOf(f), 'and the fragment made in its batch');
  await assertStoredFieldsExact('after a bridge merged a stored story and one made in the same batch');
});
