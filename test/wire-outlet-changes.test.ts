// An outlet re-rated or deleted (issue #11 and #12, decision 0068): the stories it covers are recounted
// at once, in the same transaction, so their stored counts by lean group, outlets and blindspot flag
// (what the spread bar, the blindspot list and the API read) follow; a deleted outlet's items go with
// it (the foreign key's cascade), a story left with no item is deleted rather than kept as an empty
// row, and the live clusterer forgets the items without a rebuild. Over HTTP, as the Admin API and the
// newsroom use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import { clusterPending, liveWire } from '../src/newswire/stories/live.ts';
import { createApiKey } from '../src/staff/api-keys.ts';

const T = { timeout: 90_000 };
const NOW = '2026-03-10T15:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
const { secret } = await createApiKey(db, { name: 'editor key', kind: 'admin', role: 'editor' });
const api = async (method: string, path: string, body?: unknown) => {
  const res = await t.get(path, { method, headers: { authorization: `Bearer ${secret}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as any) };
};

// Six outlets on the dam story: five of the left group and one of the right (5/6 >= 80%: a blindspot
// for the right under the default settings), and "Solo Wire", the only outlet of two other stories.
const LEANS = ['left', 'left', 'lean-left', 'lean-left', 'left', 'right', 'center', 'center'] as const;
const outlets: Array<{ id: number; slug: string }> = [];
for (const [i, lean] of LEANS.entries()) {
  const o = await createOutlet(db, { name: `Outlet ${i}`, url: `https://outlet-${i}.example/`, lean });
  outlets.push({ id: o.id, slug: o.slug });
}
const solo = await createOutlet(db, { name: 'Solo Wire', url: 'https://solo.example/', lean: 'center' });
const solo2 = await createOutlet(db, { name: 'Solo Two', url: 'https://solo-two.example/', lean: 'right' });

const HOUR = 3_600_000;
let seq = 0;
async function store(outlet: number, title: string, text: string, hoursAgo: number): Promise<number> {
  seq++;
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, 'done') RETURNING id`,
    [outlet, `https://items.example/${seq}`, title, text, new Date(Date.parse(NOW) - hoursAgo * HOUR - seq * 1000)],
  );
  return Number(r!.id);
}
const storyOf = async (item: number) => Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [item]))!.story_id);

const DAM = 'The Ravensworth dam on the Oder river will be demolished next year after engineers found cracks in its concrete wall, the regional water authority said.';
const ORCHID = 'Botanists at Kelmscott University described a new species of ghost orchid found in a peat bog near Alderney Moor.';
const FARE = 'Metro fares in Calderbridge rise by 12 percent from January, the transit board decided on Wednesday after a vote on its budget gap.';
const damTitles = [
  'Ravensworth dam on the Oder to be demolished after cracks found',
  'Cracked Ravensworth dam will come down, water authority says',
  'Ravensworth dam to be demolished next year',
  'Ravensworth dam demolition set for next year',
  'Oder river: Ravensworth dam faces demolition over cracks',
  'Water authority: Ravensworth dam must go after cracks in wall',
];
const dam: number[] = [];
for (const [i, title] of damTitles.entries()) dam.push(await store(outlets[i]!.id, title, DAM, 6 - i * 0.3));
const damSolo = await store(solo.id, 'Ravensworth dam cracks: demolition next year', DAM, 3);
const orchid = [await store(solo.id, 'New ghost orchid species found near Alderney Moor', ORCHID, 5), await store(solo.id, 'Kelmscott botanists describe new ghost orchid', ORCHID, 4)];
const fare = [await store(solo.id, 'Calderbridge metro fares to rise 12 percent', FARE, 5), await store(solo.id, 'Metro fare rise of 12% approved in Calderbridge', FARE, 4.5)];
// Solo Two's only item, on a story of its own: deleted from the newsroom below.
const lone = await store(solo2.id, 'Last keeper leaves the Skerrow lighthouse after 140 years', 'The last keeper of the Skerrow lighthouse handed over its keys on Monday; the light has been automated.', 1);
await clusterPending(t.deps);

test('the items are in the stories the test is about', T, async () => {
  const s = await storyOf(dam[0]!);
  for (const i of [...dam, damSolo]) assert.equal(await storyOf(i), s, `item ${i} is on the dam story`);
  assert.equal(await storyOf(orchid[1]!), await storyOf(orchid[0]!));
  assert.equal(await storyOf(fare[1]!), await storyOf(fare[0]!));
  assert.notEqual(await storyOf(orchid[0]!), s);
  assert.notEqual(await storyOf(fare[0]!), await storyOf(orchid[0]!));
});

test('an outlet re-rated from left to right: the story\'s counts and blindspot flag follow at once, in the story and in the list', T, async () => {
  const id = await storyOf(dam[0]!);
  const before = (await api('GET', `/api/admin/stories/${id}`)).json.data;
  assert.deepEqual(before.counts, { left: 5, center: 1, right: 1 }, 'five left, Solo Wire in the center, one right');
  // 7 rated outlets, 5 on the left: 71% < 80%. Make the blindspot need 70% to start from one.
  assert.equal((await api('PUT', '/api/admin/stories/settings', { blindspot_share: 0.7 })).status, 200);
  const flagged = (await api('GET', `/api/admin/stories/${id}`)).json.data;
  assert.equal(flagged.blindspot, true);
  assert.equal(flagged.blindspot_for, 'right');
  assert.ok(((await api('GET', '/api/admin/stories/blindspots')).json.data as any[]).some((s) => s.id === id), 'in the week\'s blindspots');

  const patched = await api('PATCH', `/api/admin/outlets/${outlets[0]!.id}`, { lean: 'right' });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.data.lean, 'right');
  const after = (await api('GET', `/api/admin/stories/${id}`)).json.data;
  assert.deepEqual(after.counts, { left: 4, center: 1, right: 2 });
  assert.equal(after.blindspot, false, '4 of 7 on the left is no blindspot');
  assert.equal(after.blindspot_for, null);
  assert.equal(after.spread.left, 4);
  assert.equal(after.spread.right, 2);
  assert.equal(after.spread.blindspot, null);
  assert.equal(after.items.find((i: any) => i.outlet === outlets[0]!.slug).side, 'right');
  const listed = ((await api('GET', '/api/admin/stories')).json.data as any[]).find((s) => s.id === id);
  assert.ok(listed, 'the story is in today\'s list');
  assert.deepEqual(listed.counts, { left: 4, center: 1, right: 2 });
  assert.equal(listed.blindspot, false);
  assert.equal(listed.outlets.find((o: any) => o.slug === outlets[0]!.slug).lean, 'right');
  assert.ok(!((await api('GET', '/api/admin/stories/blindspots')).json.data as any[]).some((s) => s.id === id), 'no longer among the blindspots');
  // The same lean again changes nothing, and a bad lean is refused with nothing changed.
  assert.equal((await api('PATCH', `/api/admin/outlets/${outlets[0]!.id}`, { lean: 'sideways' })).status, 400);
  assert.deepEqual((await api('GET', `/api/admin/stories/${id}`)).json.data.counts, { left: 4, center: 1, right: 2 });
  // Back to the left: flagged again.
  await api('PATCH', `/api/admin/outlets/${outlets[0]!.id}`, { lean: 'lean-left' });
  const back = (await api('GET', `/api/admin/stories/${id}`)).json.data;
  assert.deepEqual(back.counts, { left: 5, center: 1, right: 1 });
  assert.equal(back.blindspot_for, 'right');
});

test('an outlet deleted: its items go, its stories are recounted, and a story left with no item is gone everywhere', T, async () => {
  const damId = await storyOf(dam[0]!);
  const orchidId = await storyOf(orchid[0]!);
  const fareId = await storyOf(fare[0]!);
  // Fares merged into the orchid story first: both are Solo Wire's only.
  assert.equal((await api('POST', `/api/admin/stories/${orchidId}/merge`, { from: fareId })).status, 200);
  const lw = liveWire(t.deps.runtime, db);
  assert.ok(lw.ready, 'the live clusterer is built');
  const rebuilds = lw.lastRebuild;

  assert.equal((await api('DELETE', `/api/admin/outlets/${solo.id}`)).status, 204);
  assert.equal((await api('DELETE', `/api/admin/outlets/${solo.id}`)).status, 404, 'gone');
  assert.equal(Number((await db.one<{ n: string }>('SELECT count(*) AS n FROM wire_items WHERE outlet_id = $1', [solo.id]))!.n), 0, 'its items went with it');

  const d = (await api('GET', `/api/admin/stories/${damId}`)).json.data;
  assert.equal(d.item_count, 6);
  assert.equal(d.outlet_count, 6);
  assert.deepEqual(d.counts, { left: 5, center: 0, right: 1 });
  assert.ok(!d.outlets.some((o: any) => o.slug === 'solo-wire'), 'Solo Wire is not among the story\'s outlets');
  assert.ok(!d.items.some((i: any) => i.outlet === 'solo-wire'));
  const stored = (await db.one<{ outlet_ids: number[]; item_outlet_ids: number[]; item_published: unknown[] }>('SELECT outlet_ids, item_outlet_ids, item_published FROM wire_stories WHERE id = $1', [damId]))!;
  assert.ok(!stored.outlet_ids.map(Number).includes(solo.id));
  assert.ok(!stored.item_outlet_ids.map(Number).includes(solo.id));
  assert.equal(stored.item_published.length, 6);
  const listed = ((await api('GET', '/api/admin/stories')).json.data as any[]).find((s) => s.id === damId);
  assert.deepEqual(listed.counts, { left: 5, center: 0, right: 1 });
  assert.equal(listed.outlets.length, 6);

  // The orchid story (and the fares merged into it) had only Solo Wire's items: deleted, not left empty.
  for (const id of [orchidId, fareId]) assert.equal((await api('GET', `/api/admin/stories/${id}`)).status, 404, `story ${id} is gone`);
  const ids = ((await api('GET', '/api/admin/stories?hidden=true')).json.data as any[]).map((s) => s.id);
  assert.ok(!ids.includes(orchidId) && !ids.includes(fareId));
  assert.deepEqual(await db.query('SELECT id FROM wire_stories WHERE item_count = 0 OR NOT EXISTS (SELECT 1 FROM wire_items i WHERE i.story_id = wire_stories.id)'), [], 'no story is left without items');

  // The live clusterer forgot the items without a rebuild: the next item clusters at once, the dam
  // story takes a new dam item, and a new orchid item starts a story of its own, not the deleted one.
  assert.equal(lw.lastRebuild, rebuilds);
  const version = Number((await db.one<{ version: string }>('SELECT version FROM wire_cluster_state WHERE id = 1'))!.version);
  assert.equal(lw.version, version, 'in step with the tables');
  const nextDam = await store(outlets[6]!.id, 'Ravensworth dam will be demolished, authority confirms', DAM, 0.5);
  const nextOrchid = await store(outlets[7]!.id, 'New ghost orchid species described near Alderney Moor', ORCHID, 0.5);
  const run = await clusterPending(t.deps);
  assert.equal(run.rebuilt, false);
  assert.equal(await storyOf(nextDam), damId);
  const fresh = await storyOf(nextOrchid);
  assert.ok(![orchidId, fareId].includes(fresh), 'a new story');
  assert.equal((await api('GET', `/api/admin/stories/${fresh}`)).json.data.item_count, 1);
});

test('an outlet deleted from the newsroom: its story goes from the Stories screen', T, async () => {
  const id = await storyOf(lone);
  const { c } = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');
  assert.match(await c.page('/admin/stories'), new RegExp(`href="/admin/stories/${id}"`));
  const res = await c.post(`/admin/outlets/${solo2.id}/delete`, {});
  assert.equal(res.status, 303);
  assert.doesNotMatch(await c.page('/admin/stories'), new RegExp(`href="/admin/stories/${id}"`));
  assert.equal((await c.request(`/admin/stories/${id}`)).status, 404);
  assert.equal(await db.one('SELECT id FROM wire_stories WHERE id = $1', [id]), undefined);
  assert.equal(liveWire(t.deps.runtime, db).ready, true, 'no rebuild needed');
});
