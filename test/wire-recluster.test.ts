// `newsdesk wire recluster [--since DATE]` (issue #12, reliability: "Merges and splits are recorded so
// a later re-cluster keeps the editors' decisions"): on the demo wire, an editor's merge, split, rename,
// pin and hide survive a full re-cluster; stories keep their ids and slugs; a story the clusterer
// absorbs redirects its public address to the story that took its items, and our article follows;
// a second run changes nothing; bad --since values are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { seedDemoWire } from '../src/demo/wire.ts';
import { clusterPending, createStoryRow, recountStories } from '../src/newswire/stories/live.ts';
import { hideStory, mergeStories, pinStory, renameStory, splitStory } from '../src/newswire/stories/decisions.ts';
import { defaultStorySettings } from '../src/newswire/stories/store.ts';
import { createArticle } from '../src/articles/write.ts';
import { runCommand } from '../src/cli/run.ts';
import { memoryIO } from '../src/cli/io.ts';

const T = { timeout: 120_000 };
const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const db = t.deps.db;
await seedFixtures(db, new Date(NOW));
await seedDemoWire(db, new Date(NOW), 'UTC');
await clusterPending(t.deps);

async function recluster(args: string[] = []) {
  const io = memoryIO();
  const code = await runCommand(['wire', 'recluster', ...args], process.cwd(), io, t.deps);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
}
const storyOf = async (item: number) => Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [item]))!.story_id);
const itemsOf = async (story: number) => (await db.query<{ id: string }>('SELECT id FROM wire_items WHERE story_id = $1 ORDER BY id', [story])).map((r) => Number(r.id));
const row = async (id: number) => (await db.one<any>('SELECT * FROM wire_stories WHERE id = $1', [id]))!;
const assignments = async () => (await db.query<{ id: string; story_id: string }>('SELECT id, story_id FROM wire_items ORDER BY id')).map((r) => `${r.id}:${r.story_id}`);

test('a merge, a split, a rename, a pin and a hide survive a re-cluster; ids and slugs stay; a second run moves nothing', T, async () => {
  const big = await db.query<{ id: string; slug: string }>(`SELECT id, slug FROM wire_stories WHERE merged_into IS NULL AND item_count >= 3 ORDER BY item_count DESC, id LIMIT 3`);
  assert.equal(big.length, 3, 'the demo wire has three stories of three items or more');
  const [a, b, c] = big.map((s) => Number(s.id)) as [number, number, number];
  const slugs = new Map(big.map((s) => [Number(s.id), s.slug]));
  // The editors: b goes into a (the clusterer kept them apart), two items of c go off on their own.
  const itemsB = await itemsOf(b);
  await mergeStories(t.deps, { into: a, from: b, staffId: null });
  const merged = await itemsOf(a);
  const cItems = await itemsOf(c);
  const off = cItems.slice(0, 2);
  const f = (await splitStory(t.deps, { story: c, items: off, staffId: null })).id;
  const fSlug = (await row(f)).slug;
  await renameStory(t.deps, { story: a, title: 'Two stories, one event', staffId: null });
  await pinStory(t.deps, { story: c, pinned: true, staffId: null });
  await hideStory(t.deps, { story: f, hidden: true, staffId: null });
  const before = await assignments();

  const r = await recluster();
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Re-clustered \d+ item\(s\) published since .* into \d+ stories/);
  assert.match(r.out, /Editors’ decisions kept: 1 merge\(s\), 1 split\(s\), 1 rename\(s\)\./);

  // The merge: every item of both in story a, under a's slug, with the editor's title.
  for (const i of merged) assert.equal(await storyOf(i), a, `item ${i} of the merged story stays in story ${a}`);
  assert.ok(itemsB.length > 0 && itemsB.every((i) => merged.includes(i)));
  const ra = await row(a);
  assert.equal(ra.slug, slugs.get(a));
  assert.deepEqual([ra.title, ra.title_by_editor, ra.merged_into], ['Two stories, one event', true, null]);
  assert.equal(Number((await row(b)).merged_into), a, 'the merged story still points at the one it went into');
  // The split: the items split off are in f, and only they; the rest of c stays in c.
  assert.deepEqual(await itemsOf(f), [...off].sort((x, y) => x - y));
  for (const i of cItems.slice(2)) assert.equal(await storyOf(i), c);
  assert.equal((await row(f)).slug, fSlug);
  assert.equal((await row(c)).slug, slugs.get(c));
  // Pins and hides stay with their stories; counts are right.
  assert.equal((await row(c)).pinned, true);
  assert.equal((await row(f)).hidden, true);
  assert.equal((await row(a)).item_count, merged.length);
  assert.equal((await row(f)).item_count, 2);
  // Every item has a story; a second run is a no-op.
  assert.equal(Number((await db.one<{ n: string }>('SELECT count(*) AS n FROM wire_items WHERE story_id IS NULL'))!.n), 0);
  const after1 = await assignments();
  const again = await recluster();
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, / 0 item\(s\) changed story\./);
  assert.deepEqual(await assignments(), after1);
  // Nothing the editors did was undone: the items that moved in the first run are only ones the
  // clusterer itself had placed (none of the merged or split items).
  const moved = after1.filter((x, i) => x !== before[i]).map((x) => Number(x.split(':')[0]));
  for (const i of [...merged, ...cItems]) assert.ok(!moved.includes(i), `item ${i} was moved by the re-cluster`);
});

test('a story the re-cluster absorbs redirects to the story that took its items, and our article follows', T, async () => {
  // A story wrongly cut in two by the live wire (no editor did it): one item moved into a story of its own.
  const host = await db.one<{ id: string; slug: string }>(
    `SELECT s.id, s.slug FROM wire_stories s WHERE s.merged_into IS NULL AND s.item_count >= 3 AND NOT EXISTS (SELECT 1 FROM wire_story_decisions d WHERE d.story_id = s.id OR d.other_story_id = s.id) ORDER BY s.item_count DESC, s.id LIMIT 1`,
  );
  assert.ok(host, 'a story no editor touched');
  const hostId = Number(host!.id);
  const stray = (await itemsOf(hostId)).at(-1)!;
  const item = (await db.one<{ title: string; published_at: string }>('SELECT title, published_at FROM wire_items WHERE id = $1', [stray]))!;
  const lone = await db.tx(async (tx) => {
    const id = await createStoryRow(tx, item.title, new Date(item.published_at));
    await tx.query('UPDATE wire_items SET story_id = $1 WHERE id = $2', [id, stray]);
    await tx.query('UPDATE wire_cluster_state SET version = version + 1');
    await recountStories(tx, [id, hostId], defaultStorySettings);
    return id;
  });
  const loneSlug = (await row(lone)).slug;
  await createArticle(db, { headline: 'Our take on the lone story', slug: 'our-take-on-the-lone-story', body: 'Words.', status: 'published', access: 'public', storyKey: loneSlug, publishedAt: new Date(Date.parse(NOW) - 3_600_000) }, { now: new Date(NOW) });
  assert.equal((await t.get('/story/' + loneSlug)).status, 200, 'the lone story has a public page before');

  const r = await recluster(['--since', '2026-11-01']);
  assert.equal(r.code, 0, r.err);
  assert.equal(await storyOf(stray), hostId, 'the stray item is back with its story');
  assert.equal(Number((await row(lone)).merged_into), hostId);
  assert.ok(r.out.includes(`/story/${loneSlug} now redirects to /story/${host!.slug}`), r.out);
  assert.equal((await db.one<{ story_key: string }>(`SELECT story_key FROM articles WHERE slug = 'our-take-on-the-lone-story'`))!.story_key, host!.slug);
  const res = await t.get('/story/' + loneSlug);
  assert.equal(res.status, 301);
  assert.equal(new URL(res.headers.get('location')!, t.url).pathname, '/story/' + host!.slug);
  assert.equal((await t.get('/story/' + host!.slug)).status, 200);
});

test('--since: a bad or future date is refused and nothing changes; items before it keep their story', T, async () => {
  const before = await assignments();
  for (const bad of ['yesterday', '2026-02-30', '2027-01-01']) {
    const r = await recluster(['--since', bad]);
    assert.equal(r.code, 2, `--since ${bad}: ${r.out} ${r.err}`);
  }
  assert.match((await recluster(['--since', '2026-13-01'])).err, /not a date/);
  assert.deepEqual(await assignments(), before);
  const old = (await db.query<{ id: string; story_id: string }>(`SELECT id, story_id FROM wire_items WHERE published_at < '2026-11-20T11:00:00Z' ORDER BY id`)).map((x) => `${x.id}:${x.story_id}`);
  const r = await recluster(['--since', '2026-11-20T11:00:00Z']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /since 2026-11-20T11:00:00\.000Z/);
  const n = Number(/Re-clustered (\d+) item/.exec(r.out)![1]);
  assert.equal(n, Number((await db.one<{ n: string }>(`SELECT count(*) AS n FROM wire_items WHERE published_at >= '2026-11-20T11:00:00Z'`))!.n));
  assert.deepEqual((await db.query<{ id: string; story_id: string }>(`SELECT id, story_id FROM wire_items WHERE published_at < '2026-11-20T11:00:00Z' ORDER BY id`)).map((x) => `${x.id}:${x.story_id}`), old);
  const none = await recluster(['--since', '2026-11-20T11:59:59Z']);
  assert.equal(none.code, 0);
});

test('`wire recluster` is in --help', T, () => {
  const bin = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^ {2}wire recluster +Re-cluster the wire’s items into stories/m);
  const u = spawnSync(process.execPath, [bin, 'wire', 'recluster', '--help'], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  assert.match(u.stdout, /newsdesk wire recluster \[--since DATE\]/);
});
