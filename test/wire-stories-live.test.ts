// The live wire (issue #12): items stored by the ingest are put into stories by the cluster job, in
// batches, incrementally; counts, spread, blindspot and a neutral working title kept current; the
// clusterer's state rebuilt from the tables by a new process (a restart), which also clusters what a
// crash left with no story; a second process that clustered meanwhile makes the first rebuild; and
// editors' merges, splits, renames, pins and hides recorded, applied live, kept over a restart and
// mapped to the clusterer's constraints so that a re-cluster keeps them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';
import { testConfig } from './helpers/app.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import { clusterPending, liveWire, scheduleWireCluster, storyConstraints, WIRE_CLUSTER_JOB, type LiveDeps } from '../src/newswire/stories/live.ts';
import { hideStory, mergeStories, pinStory, renameStory, splitStory, storyDecisions } from '../src/newswire/stories/decisions.ts';
import { getStory, linkedArticles, listStories, storyItems } from '../src/newswire/stories/store.ts';
import { clusterItems } from '../src/newswire/cluster/index.ts';
import { ConflictError, ValidationError } from '../src/platform/errors.ts';
import type { Deps } from '../src/deps.ts';

const db = await openTestDb();
const T = { timeout: 90_000 };
const log = createLog('silent');
const proc = (): LiveDeps => ({ db, log, clock: systemClock, runtime: createRuntime() });

// Thirteen outlets: 5 left group, 3 center, 4 right group, 1 mixed.
const LEANS = ['left', 'left', 'lean-left', 'lean-left', 'center', 'center', 'center', 'lean-right', 'lean-right', 'right', 'right', 'mixed', 'lean-left'] as const;
const outlets: number[] = [];
for (const [i, lean] of LEANS.entries()) outlets.push((await createOutlet(db, { name: `Live Outlet ${i}`, url: `https://live-${i}.example/`, feeds: [], lean })).id);

const HOUR = 3_600_000;
// The items are a few hours old; in the first hours of a UTC day they would fall on the day before,
// which the day's ranking (below) does not show: then "now" is the end of the day before.
const now = ((t) => (t % (24 * HOUR) < 6 * HOUR ? t - (t % (24 * HOUR)) - 60_000 : t))(Date.now());
let seq = 0;
async function store(outlet: number, title: string, text: string, hoursAgo: number): Promise<number> {
  seq++;
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, 'done') RETURNING id`,
    [outlets[outlet], `https://live-${outlet}.example/${seq}`, title, text, new Date(now - hoursAgo * HOUR - seq * 1000)],
  );
  return Number(r!.id);
}
const storyOf = async (item: number) => Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [item]))!.story_id);

const DAM = 'The Ravensworth dam on the Oder river will be demolished next year after engineers found cracks in its concrete wall, the regional water authority said.';
const FARE = 'Metro fares in Calderbridge rise by 12 percent from January, the transit board decided on Wednesday after a vote on its budget gap.';
const ORCHID = 'Botanists at Kelmscott University described a new species of ghost orchid found in a peat bog near Alderney Moor.';

const first = proc();
const ids: Record<string, number[]> = { dam: [], fare: [], orchid: [] };

test('stored items become stories, with counts by lean group, a neutral title, and the blindspot', T, async () => {
  const damTitles = ['Ravensworth dam on the Oder to be demolished after cracks found', 'Cracked Ravensworth dam will come down, water authority says', 'RAVENSWORTH DAM TO BE DEMOLISHED', 'Ravensworth dam demolition set for next year - Live Outlet 3', 'Oder river: Ravensworth dam faces demolition over cracks'];
  for (const [i, t] of damTitles.entries()) ids.dam!.push(await store([0, 4, 7, 3, 9][i]!, t, DAM, 5 - i * 0.3));
  // Fares: covered by the left group, one center outlet and a mixed one (6 rated outlets, 5 of them
  // left): a blindspot for the right. The mixed outlet counts only among all outlets.
  const fareTitles = ['Calderbridge metro fares to rise 12 percent', 'Metro fare rise of 12% approved in Calderbridge', 'Calderbridge transit board backs 12 percent fare increase', 'Riders face 12 percent metro fare hike in Calderbridge', 'Calderbridge fares up 12% from January', 'Transit board votes for Calderbridge metro fare rise', 'Calderbridge metro: a 12 percent fare rise from January'];
  for (const [i, t] of fareTitles.entries()) ids.fare!.push(await store([0, 1, 2, 3, 12, 11, 4][i]!, t, FARE, 3 - i * 0.2));
  ids.orchid!.push(await store(6, 'New ghost orchid species found near Alderney Moor', ORCHID, 2));
  const r = await clusterPending(first);
  assert.equal(r.clustered, 13);
  assert.equal(r.rebuilt, true, 'the first run builds the state');
  assert.equal((await db.one<{ n: number }>('SELECT count(*)::int AS n FROM wire_items WHERE story_id IS NULL'))!.n, 0, 'every item has a story');
  const dam = new Set(await Promise.all(ids.dam!.map(storyOf)));
  const fare = new Set(await Promise.all(ids.fare!.map(storyOf)));
  assert.equal(dam.size, 1, 'the dam items are one story');
  assert.equal(fare.size, 1, 'the fare items are one story');
  const damStory = await getStory(db, [...dam][0]!);
  const fareStory = await getStory(db, [...fare][0]!);
  assert.notEqual(damStory.id, fareStory.id);
  assert.equal(await storyOf(ids.orchid![0]!) !== damStory.id && (await storyOf(ids.orchid![0]!)) !== fareStory.id, true);
  assert.equal(damStory.item_count, 5);
  assert.equal(damStory.outlet_count, 5);
  assert.deepEqual([damStory.left_count, damStory.center_count, damStory.right_count], [2, 1, 2]);
  assert.equal(damStory.blindspot, null);
  assert.doesNotMatch(damStory.title, /^[^a-z]*$/, 'not the all-caps headline');
  assert.doesNotMatch(damStory.title, /Live Outlet/, 'no outlet suffix');
  assert.match(damStory.title, /Ravensworth/);
  assert.match(damStory.slug, /^[a-z0-9-]+-\d+$/);
  assert.equal(new Date(damStory.first_seen_at).getTime(), Math.min(...(await storyItems(db, damStory.id)).map((i) => Date.parse(i.published))));
  assert.deepEqual([fareStory.left_count, fareStory.center_count, fareStory.right_count, fareStory.outlet_count], [5, 1, 0, 7]);
  assert.equal(fareStory.blindspot, 'right', 'covered by the left: a blindspot for the right');
  const ranked = await listStories(db, { timeZone: 'UTC', now: new Date(now) });
  assert.ok(ranked.length >= 2, `the day's ranking has the dam and the fare stories (${ranked.length} stories)`);
});

test('later items join their stories incrementally: no rebuild, counts move, the blindspot goes when the right covers it', T, async () => {
  const slug = (await getStory(db, await storyOf(ids.fare![0]!))).slug;
  ids.fare!.push(await store(9, 'Calderbridge metro fare rise of 12 percent criticised', FARE, 0.5));
  ids.fare!.push(await store(10, 'Calderbridge transit board fare increase: 12 percent from January', FARE, 0.4));
  const r = await clusterPending(first);
  assert.equal(r.clustered, 2);
  assert.equal(r.rebuilt, false, 'the state in memory is used');
  const s = await getStory(db, await storyOf(ids.fare![0]!));
  assert.equal(await storyOf(ids.fare!.at(-1)!), s.id);
  assert.equal(s.slug, slug, 'the slug never changes');
  assert.deepEqual([s.left_count, s.center_count, s.right_count, s.outlet_count, s.item_count], [5, 1, 2, 9, 9]);
  assert.equal(s.blindspot, null, '5 of 8 is not 80%');
});

test('a restart rebuilds the state from the tables and clusters what a crash left without a story', T, async () => {
  // As if the process died after storing these and before clustering them.
  const late = await store(5, 'Ravensworth dam on the Oder will be demolished, engineers say', DAM, 0.2);
  const lone = await store(8, 'Ferry timetable changes for the winter', 'The island ferry runs twice a day from November.', 0.1);
  const second = proc();
  const r = await clusterPending(second);
  assert.equal(r.rebuilt, true);
  assert.equal(r.clustered, 2);
  assert.equal(liveWire(second.runtime, db).lastRebuild!.items, 15, 'every assigned item in the window');
  assert.equal(await storyOf(late), await storyOf(ids.dam![0]!), 'the late item found its story');
  assert.notEqual(await storyOf(lone), await storyOf(ids.dam![0]!));
  // The first process's state is now behind: its next batch notices and rebuilds.
  const more = await store(1, 'Ravensworth dam cracks: demolition next year on the Oder', DAM, 0.05);
  const again = await clusterPending(first);
  assert.equal(again.rebuilt, true, 'another process wrote: rebuilt');
  assert.equal(await storyOf(more), await storyOf(ids.dam![0]!));
  ids.dam!.push(late, more);
  const dam = await getStory(db, await storyOf(ids.dam![0]!));
  assert.equal(dam.item_count, 7);
});

test('the cluster job: queued once while waiting, run by the worker; a poll queues it', T, async () => {
  const deps: Deps = { db, config: testConfig(), log, clock: systemClock, runtime: first.runtime };
  assert.equal(await scheduleWireCluster(db), false, 'nothing waits');
  const x = await store(2, 'Ghost orchid species described by Kelmscott botanists', ORCHID, 0.01);
  assert.equal(await scheduleWireCluster(db), true);
  assert.equal(await scheduleWireCluster(db), false, 'one at a time');
  assert.ok((await runDueJobs(deps, jobRegistry, 5)) >= 1);
  const job = await db.one(`SELECT status FROM jobs WHERE name = $1 ORDER BY id DESC LIMIT 1`, [WIRE_CLUSTER_JOB]);
  assert.equal(job!.status, 'done');
  assert.equal(await storyOf(x), await storyOf(ids.orchid![0]!));
  ids.orchid!.push(x);
});

test('editors merge, split, rename, pin and hide; decisions are recorded, applied live, kept by a restart and by a re-cluster', T, async () => {
  const dam = await storyOf(ids.dam![0]!);
  const orchid = await storyOf(ids.orchid![0]!);
  const orchidSlug = (await getStory(db, orchid)).slug;
  await db.query(`INSERT INTO articles (slug, headline, status, story_key) VALUES ('our-orchid-piece', 'Our orchid piece', 'draft', $1)`, [orchidSlug]);
  const staff = await db.one<{ id: number }>(`INSERT INTO staff (email, email_normalized, name, role) VALUES ('ed@example.com', 'ed@example.com', 'Ed Itor', 'editor') RETURNING id`);
  // Merge the orchid story into the dam story (an odd call, but the editor's to make).
  const merged = await mergeStories(first, { into: dam, from: orchid, staffId: staff!.id });
  assert.equal(merged.id, dam);
  assert.equal(merged.item_count, 9);
  const gone = await getStory(db, orchid);
  assert.equal(gone.merged_into, dam);
  assert.equal(await storyOf(ids.orchid![0]!), dam);
  assert.deepEqual((await linkedArticles(db, merged)).map((a) => a.slug), ['our-orchid-piece'], 'the article now points at the surviving story');
  await assert.rejects(mergeStories(first, { into: dam, from: orchid, staffId: null }), ConflictError);
  await assert.rejects(mergeStories(first, { into: dam, from: dam, staffId: null }), ValidationError);
  // A new orchid item joins the merged story live (no rebuild).
  const y = await store(7, 'Kelmscott ghost orchid species named after Alderney Moor bog', ORCHID, 0.005);
  const r = await clusterPending(first);
  assert.equal(r.rebuilt, false, 'the merge was applied to the state in memory');
  assert.equal(await storyOf(y), dam);
  ids.orchid!.push(y);
  // Split the orchid items back out.
  await assert.rejects(splitStory(first, { story: dam, items: [], staffId: null }), ValidationError);
  await assert.rejects(splitStory(first, { story: dam, items: [ids.fare![0]!], staffId: null }), /not in this story/);
  const all = (await storyItems(db, dam)).map((i) => i.id);
  await assert.rejects(splitStory(first, { story: dam, items: all, staffId: null }), /empty/);
  const split = await splitStory(first, { story: dam, items: ids.orchid!, staffId: staff!.id });
  assert.notEqual(split.id, dam);
  assert.equal(split.item_count, ids.orchid!.length);
  for (const i of ids.orchid!) assert.equal(await storyOf(i), split.id);
  assert.equal((await getStory(db, dam)).item_count, ids.dam!.length);
  assert.match(split.title, /orchid/i);
  // Rename, pin, hide.
  await assert.rejects(renameStory(first, { story: dam, title: '   ', staffId: null }), ValidationError);
  const renamed = await renameStory(first, { story: dam, title: 'Ravensworth dam to be demolished', staffId: staff!.id });
  assert.equal(renamed.title, 'Ravensworth dam to be demolished');
  assert.equal(renamed.title_by_editor, true);
  assert.equal(renamed.slug, (await getStory(db, dam)).slug);
  await assert.rejects(pinStory(first, { story: dam, pinned: 'maybe', staffId: null }), ValidationError);
  assert.equal((await pinStory(first, { story: dam, pinned: true, staffId: staff!.id })).pinned, true);
  assert.equal((await hideStory(first, { story: split.id, hidden: 'true', staffId: staff!.id })).hidden, true);
  // A later item keeps the editor's title.
  await store(6, 'Oder river dam at Ravensworth will be demolished after cracks', DAM, 0.001);
  await clusterPending(first);
  assert.equal((await getStory(db, dam)).title, 'Ravensworth dam to be demolished');
  // The decisions, newest first, with who made them.
  const decisions = await storyDecisions(db, dam);
  assert.deepEqual(decisions.map((d) => d.kind), ['pin', 'rename', 'split', 'merge']);
  assert.equal(decisions[0]!.staff!.name, 'Ed Itor');
  assert.deepEqual(decisions.find((d) => d.kind === 'split')!.item_ids, [...ids.orchid!].sort((a, b) => a - b));
  // A restart keeps every decision (the assignments are in the tables).
  const third = proc();
  const z = await store(3, 'Kelmscott University botanists describe ghost orchid', ORCHID, 0);
  await clusterPending(third);
  assert.equal(await storyOf(z), split.id, 'a new orchid item joins the split-off story');
  // A re-cluster of the same items from scratch with the recorded constraints keeps the split.
  const constraints = await storyConstraints(db);
  assert.deepEqual(constraints.map((c) => c.kind), ['merge', 'split', 'rename']);
  const rows = await db.query<any>(`SELECT i.id, i.title, i.text, o.name AS outlet, i.published_at, i.story_id FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id WHERE i.story_id IS NOT NULL`);
  const items = rows.map((x) => ({ id: String(x.id), title: x.title, text: x.text, outlet: x.outlet, published: new Date(x.published_at).getTime() }));
  const { assignments, clusterer } = clusterItems(items, {}, constraints);
  const orchidStories = new Set(ids.orchid!.map((i) => assignments.get(String(i))));
  assert.equal(orchidStories.size, 1);
  assert.ok(!orchidStories.has(assignments.get(String(ids.dam![0]!))), 'the split holds in a re-cluster');
  assert.equal(clusterer.story(assignments.get(String(ids.dam![0]!))!)!.title, 'Ravensworth dam to be demolished', 'and the rename');
});
