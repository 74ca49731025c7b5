// The live add's writes (issue #12, decision 0075): the wire items' full-text index is a table of its
// own (wire_item_search, migration 071) kept by a trigger, which a change of story never writes; and
// the live batch's statement for a batch with bridge merges (BATCH_MERGE_SQL) writes them with the
// batch, a chain too (a loser whose survivor is itself merged on in the same batch): the merged
// stories end emptied and marked merged into the story their items went to, the stories merged into
// them follow, our articles follow, a pin carries over, and the survivor's stored fields are a recount.
// And a prepared statement on PGlite runs its generic plan from the first execution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { createOutlet, deleteOutlet } from '../src/newswire/outlets.ts';
import { listItems } from '../src/newswire/items.ts';
import { BATCH_MERGE_SQL, recountStories } from '../src/newswire/stories/live.ts';
import { defaultStorySettings } from '../src/newswire/stories/store.ts';

const db = await openTestDb();
const T = { timeout: 60_000 };

const LEANS = ['left', 'center', 'right', 'lean-left', 'lean-right', 'mixed'] as const;
const outlets: number[] = [];
for (const [i, lean] of LEANS.entries()) outlets.push((await createOutlet(db, { name: `Batch Outlet ${i}`, url: `https://batch-${i}.example/`, feeds: [], lean })).id);

let n = 0;
async function item(outlet: number, title: string, published: string, story: number | null = null, text: string | null = null): Promise<number> {
  n++;
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status, story_id) VALUES ($1, $2, $3, $4, $5, 'done', $6) RETURNING id`,
    [outlets[outlet], `https://batch-${outlet}.example/n/${n}`, title, text, published, story],
  );
  return Number(r!.id);
}
async function story(slug: string, at: string, extra: Record<string, unknown> = {}): Promise<number> {
  const cols = ['slug', 'title', 'first_seen_at', 'last_updated_at', ...Object.keys(extra)];
  const vals = [slug, slug, at, at, ...Object.values(extra)];
  return Number((await db.one<{ id: string }>(`INSERT INTO wire_stories (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, vals))!.id);
}
const searchRow = (id: number) => db.one<{ xmin: string; search: string }>('SELECT xmin::text AS xmin, search::text AS search FROM wire_item_search WHERE item_id = $1', [id]);
const titles = async (q: string) => (await listItems(db, { q })).items.map((i) => i.title).sort();

test('the full-text index: written with the item and when its words change, never when its story does; gone with the item', T, async () => {
  const s1 = await story('fts-one', '2026-11-20T08:00:00Z');
  const s2 = await story('fts-two', '2026-11-20T08:00:00Z');
  const id = await item(0, 'Glacier retreat measured at Vostrand', '2026-11-20T09:00:00Z', null, 'Surveyors on the Hallen icefield found the ice 40 metres thinner.');
  assert.deepEqual(await titles('vostrand'), ['Glacier retreat measured at Vostrand'], 'the title is searchable');
  assert.deepEqual(await titles('hallen icefield'), ['Glacier retreat measured at Vostrand'], 'and the text');
  const before = await searchRow(id);
  assert.ok(before);
  // Given a story, moved to another (a merge), its row in the full-text table is not written again.
  await db.query('UPDATE wire_items SET story_id = $1 WHERE id = $2', [s1, id]);
  await db.query('UPDATE wire_items SET story_id = $1 WHERE story_id = $2', [s2, s1]);
  await db.query(`UPDATE wire_items SET extract_status = 'done', title = title WHERE id = $1`, [id]);
  assert.equal((await searchRow(id))!.xmin, before!.xmin, 'no new version of the search row');
  // Its text replaced (the page extracted): the words follow.
  await db.query(`UPDATE wire_items SET text = 'Meltwater lakes at Kestrel Point doubled in size.' WHERE id = $1`, [id]);
  assert.deepEqual(await titles('kestrel'), ['Glacier retreat measured at Vostrand']);
  assert.deepEqual(await titles('hallen'), [], 'the old text is no longer found');
  await db.query(`UPDATE wire_items SET text = NULL, summary = 'Summary words about Brisgard.' WHERE id = $1`, [id]);
  assert.deepEqual(await titles('brisgard'), ['Glacier retreat measured at Vostrand'], 'the summary when there is no text');
  // The outlet deleted: its items go, and their search rows with them.
  const other = (await createOutlet(db, { name: 'Batch Outlet Gone', url: 'https://batch-gone.example/', feeds: [], lean: 'center' })).id;
  const gone = Number((await db.one<{ id: string }>(`INSERT INTO wire_items (outlet_id, url, title, published_at) VALUES ($1, 'https://batch-gone.example/1', 'Zephyrine floods', now()) RETURNING id`, [other]))!.id);
  assert.deepEqual(await titles('zephyrine'), ['Zephyrine floods']);
  await deleteOutlet(db, other);
  assert.equal(await searchRow(gone), undefined);
  assert.deepEqual(await titles('zephyrine'), []);
});

/** The stored fields of a story, as compared with a recount. */
async function fields(id: number) {
  const r = await db.one<any>(
    `SELECT item_count, outlet_count, outlet_ids, left_count, center_count, right_count, blindspot, first_seen_at, last_updated_at, item_published, item_outlet_ids, pinned, merged_into
       FROM wire_stories WHERE id = $1`,
    [id],
  );
  return { ...r, outlet_ids: r.outlet_ids.map(Number), item_outlet_ids: r.item_outlet_ids.map(Number), item_published: r.item_published.map((t: unknown) => new Date(t as string).toISOString()), first_seen_at: new Date(r.first_seen_at).toISOString(), last_updated_at: new Date(r.last_updated_at).toISOString() };
}

test('the live batch statement writes a chain of bridge merges with the batch: the survivor a recount, the losers merged, articles and earlier merges follow', T, async () => {
  const s = defaultStorySettings;
  const a = await story('chain-a', '2026-11-20T08:00:00Z');
  const b = await story('chain-b', '2026-11-20T08:00:00Z');
  const c = await story('chain-c', '2026-11-20T08:00:00Z');
  const d = await story('chain-d', '2026-11-20T08:00:00Z');
  // A older story D was merged into B before (its items are in B).
  await item(0, 'A1', '2026-11-20T09:00:00Z', a);
  await item(1, 'A2', '2026-11-20T12:00:00Z', a);
  await item(2, 'B1', '2026-11-20T08:30:00Z', b);
  await item(3, 'B2', '2026-11-20T13:00:00Z', b);
  await item(1, 'C1', '2026-11-20T10:00:00Z', c);
  await item(4, 'C2', '2026-11-20T10:00:00Z', c);
  await recountStories(db, [a, b, c], s);
  await db.query(`UPDATE wire_stories SET merged_into = $1 WHERE id = $2`, [b, d]);
  await db.query(`UPDATE wire_stories SET pinned = true WHERE id = $1`, [c]);
  await db.query(`INSERT INTO articles (slug, headline, status, story_key, published_at) VALUES ('on-chain-b', 'Ours on B', 'published', 'chain-b', now())`);
  // The batch: one new item in A, and the clusterer merged C into B and then B into A (so both end in A).
  const x = await item(5, 'X', '2026-11-20T11:00:00Z');
  const run = (lost: Array<{ loser: number; survivor: number }>, into: number) =>
    db.tx(async (tx) => (await tx.query<any>(BATCH_MERGE_SQL, [JSON.stringify([{ id: x, key: 1 }]), JSON.stringify([{ key: 1, story: into, title: 'Chain A', words: null }]), s.blindspotMinOutlets, s.blindspotShare, JSON.stringify(lost)]))[0]);
  // A survivor that gets none of the batch's items is reported (clusterBatch then refuses the batch).
  await assert.rejects(
    db.tx(async (tx) => {
      const out = await tx.query<any>(BATCH_MERGE_SQL, [JSON.stringify([{ id: x, key: 1 }]), JSON.stringify([{ key: 1, story: a, title: 'Chain A', words: null }]), s.blindspotMinOutlets, s.blindspotShare, JSON.stringify([{ loser: c, survivor: b }])]);
      assert.equal(out[0].lost, 1, 'the survivor B was not written');
      throw new Error('rolled back');
    }),
    /rolled back/,
  );
  const out = await run([{ loser: c, survivor: a }, { loser: b, survivor: a }], a);
  assert.equal(out.losers, 2);
  assert.equal(out.lost, 0);
  assert.equal(out.merged_items, 4, "the losers' four items moved");
  assert.equal(out.moved, 1);
  assert.ok(out.slugs.includes('chain-a'), "the survivor's slug is announced (our article moved to it)");
  assert.ok(out.slugs.includes('chain-b'));
  // The stored fields of A are what a recount from its items gives.
  const stored = await fields(a);
  assert.equal(stored.item_count, 7);
  assert.equal(stored.pinned, true, "C's pin carried over");
  await recountStories(db, [a], s);
  const recounted = await fields(a);
  assert.deepEqual(stored, recounted);
  assert.deepEqual(
    (await db.query<{ title: string; story_id: string }>('SELECT title, story_id FROM wire_items WHERE story_id IS NOT NULL AND title IN ($1, $2, $3, $4, $5, $6, $7) ORDER BY title', ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'X'])).map((r) => Number(r.story_id)),
    [a, a, a, a, a, a, a],
  );
  for (const l of [b, c, d]) {
    const f = await fields(l);
    assert.equal(f.merged_into, a, `story ${l} points at the survivor`);
    if (l !== d) assert.deepEqual([f.item_count, f.outlet_count, f.item_published.length, f.pinned], [0, 0, 0, false], `story ${l} emptied`);
  }
  assert.equal((await db.one<{ story_key: string }>(`SELECT story_key FROM articles WHERE slug = 'on-chain-b'`))!.story_key, 'chain-a');
});

test('a prepared statement on PGlite runs its generic plan from the first execution (no planning with the values)', T, async () => {
  if (db.kind !== 'pglite') return; // PostgreSQL plans the first five with their values, then keeps the generic plan
  const sql = 'SELECT count(*)::int AS n FROM wire_items WHERE outlet_id = $1 AND published_at >= $2';
  for (let k = 0; k < 3; k++) {
    const [r] = await db.prepared<{ n: number }>('test_generic_plan', ['int', 'timestamptz'], sql, [outlets[0]!, '2026-01-01T00:00:00Z']);
    assert.equal(typeof r!.n, 'number');
  }
  const st = await db.one<{ generic_plans: number; custom_plans: number }>(`SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE name = 'nd_test_generic_plan'`);
  assert.deepEqual(st, { generic_plans: 3, custom_plans: 0 });
  assert.equal((await db.one<{ plan_cache_mode: string }>('SHOW plan_cache_mode'))!.plan_cache_mode, 'auto', 'the setting was the statement\'s only');
});
