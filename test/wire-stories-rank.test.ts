// The day's ranking of wire stories (issue #12, decision 0062) reads each candidate's items from its
// own row (item_published, item_outlet_ids: migration 055) instead of looking them up in wire_items.
// This file checks that the ranking is the one the previous algorithm gave (decision 0061's statement
// over wire_items by (story_id, published_at), kept in bench/lib/ranking-reference.ts): the same
// stories in the same order, the same ranks, scores, counts and day figures, pins first and hidden
// ones out (or last), over a few hundred stories across three days, in three time zones, at several times of day,
// after the writes that move items between stories (a merge, a split), change an item's time (the
// page's date for an entry without one) or take items away (an outlet deleted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { createOutlet, deleteOutlet } from '../src/newswire/outlets.ts';
import { itemRestamped, mergeStoryRows, recountStories } from '../src/newswire/stories/live.ts';
import { dayRange, defaultStorySettings, listStories, type RankedStory } from '../src/newswire/stories/store.ts';
import { referenceRanking } from '../bench/lib/ranking-reference.ts';

const db = await openTestDb();
const T = { timeout: 120_000 };
const HOUR = 3_600_000;
const iso = (v: unknown) => new Date(v as string).toISOString();

// ---- a wire of three days -------------------------------------------------------------------------

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(1212);
const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)]!;

const LEANS = ['left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated'] as const;
const outlets: number[] = [];
for (let i = 0; i < 21; i++) outlets.push((await createOutlet(db, { name: `Rank Outlet ${i}`, url: `https://rank-${i}.example/`, feeds: [], lean: LEANS[i % LEANS.length]! })).id);

const DAY0 = Date.parse('2026-11-21T00:00:00Z');
const STORIES = 460; // more than the 400 candidates the ranking scores, so the cut is compared too
const storyIds: number[] = [];
{
  const stories: Array<{ slug: string; title: string; at: string; pinned: boolean; hidden: boolean }> = [];
  for (let k = 0; k < STORIES; k++) {
    const at = new Date(DAY0 + Math.floor(rnd() * 3 * 24 * HOUR)).toISOString();
    stories.push({ slug: `rank-story-${k}`, title: `Rank story ${k}`, at, pinned: rnd() < 0.03, hidden: rnd() < 0.05 });
  }
  const ids = await db.query<{ id: string }>(
    `INSERT INTO wire_stories (slug, title, first_seen_at, last_updated_at, pinned, hidden)
     SELECT s.slug, s.title, s.at::timestamptz, s.at::timestamptz, s.pinned, s.hidden FROM json_to_recordset($1::json) AS s(slug text, title text, at text, pinned boolean, hidden boolean)
     RETURNING id`,
    [JSON.stringify(stories)],
  );
  storyIds.push(...ids.map((r) => Number(r.id)).sort((a, b) => a - b));
  const items: Array<{ o: number; u: string; t: string; p: string; s: number }> = [];
  for (const [k, id] of storyIds.entries()) {
    const first = Date.parse(stories[k]!.at);
    // A heavy tail of sizes; coverage over up to 40 hours, so many stories run over a midnight.
    const n = rnd() < 0.7 ? 1 + Math.floor(rnd() * 4) : 5 + Math.floor(rnd() * 30);
    const span = rnd() * 40 * HOUR;
    for (let j = 0; j < n; j++) {
      // Some items share a time to the microsecond; some outlets publish a story several times.
      const ms = j === 0 ? first : first + Math.floor(rnd() * span);
      const micros = rnd() < 0.2 ? '' : String(Math.floor(rnd() * 1000)).padStart(3, '0');
      const p = new Date(ms).toISOString().replace('Z', `${micros}Z`);
      items.push({ o: pick(outlets), u: `https://rank.example/${id}/${j}`, t: `Rank story ${k}, item ${j}`, p, s: id });
      if (rnd() < 0.1) items.push({ o: items[items.length - 1]!.o, u: `https://rank.example/${id}/${j}/same`, t: `Rank story ${k}, again`, p, s: id });
    }
  }
  for (let i = 0; i < items.length; i += 2000) {
    await db.query(
      `INSERT INTO wire_items (outlet_id, url, title, published_at, extract_status, story_id)
       SELECT r.o, r.u, r.t, r.p::timestamptz, 'done', r.s FROM json_to_recordset($1::json) AS r(o int, u text, t text, p text, s bigint)`,
      [JSON.stringify(items.slice(i, i + 2000))],
    );
  }
  await recountStories(db, storyIds, defaultStorySettings);
  // As serve leaves a database (src/db/maintenance.ts): the reference's plan is slow without statistics.
  await db.exec('ANALYZE wire_stories; ANALYZE wire_items');
}

const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata'];
const DATES = ['2026-11-21', '2026-11-22', '2026-11-23'];

/**
 * Each date in each zone at times of day (early, mid-afternoon, after the day), with and without
 * hidden stories; the whole ranking (limit 500) and its top (limit 7).
 */
async function compareAll(what: string, zones = ZONES, hours = [3, 15.5, 30]): Promise<number> {
  let compared = 0;
  for (const timeZone of zones) {
    for (const date of DATES) {
      const { start } = dayRange(date, timeZone);
      for (const h of hours) {
        const now = new Date(start.getTime() + h * HOUR);
        for (const includeHidden of [false, true]) {
          const opts = { date, timeZone, now, includeHidden, limit: 500 };
          const got = await listStories(db, opts);
          const want = await referenceRanking(db, opts);
          assert.deepEqual(got, want, `${what}: ${date} in ${timeZone} at +${h} h, hidden ${includeHidden}`);
          assert.deepEqual(await listStories(db, { ...opts, limit: 7 }), want.slice(0, 7), `${what}: the top 7`);
          compared += got.length;
        }
      }
    }
  }
  return compared;
}

function checkOrder(list: RankedStory[], includeHidden: boolean): void {
  assert.deepEqual(list.map((s) => s.rank), list.map((_, i) => i + 1), 'ranks run 1, 2, 3, ...');
  const hiddenAt = list.findIndex((s) => s.hidden);
  if (!includeHidden) assert.equal(hiddenAt, -1, 'no hidden story without includeHidden');
  else if (hiddenAt >= 0) assert.ok(list.slice(hiddenAt).every((s) => s.hidden), 'hidden stories come last');
  const shown = list.filter((s) => !s.hidden);
  const pinnedEnd = shown.findIndex((s) => !s.pinned);
  if (pinnedEnd >= 0) assert.ok(shown.slice(pinnedEnd).every((s) => !s.pinned), 'pinned stories come first');
  for (const group of [shown.filter((s) => s.pinned), shown.filter((s) => !s.pinned)]) {
    for (let i = 1; i < group.length; i++) assert.ok(group[i - 1]!.score >= group[i]!.score, 'by score within pinned and unpinned');
  }
  for (const s of list) {
    assert.ok(s.day.outlets >= 1 && s.day.items >= s.day.outlets, 'a ranked story has items that day');
    assert.ok(s.day.left + s.day.center + s.day.right <= s.day.outlets);
    assert.ok(s.day.new_outlets_6h <= s.day.outlets);
  }
}

test('the ranking is the previous algorithm\'s, story for story, over three days in three time zones', T, async () => {
  const compared = await compareAll('as stored');
  assert.ok(compared > 2000, `many ranked stories compared (${compared})`);
  const { start } = dayRange('2026-11-22', 'UTC');
  const opts = { date: '2026-11-22', timeZone: 'UTC', now: new Date(start.getTime() + 20 * HOUR), limit: 500 };
  const all = await listStories(db, opts);
  checkOrder(all, false);
  checkOrder(await listStories(db, { ...opts, includeHidden: true }), true);
  assert.ok(all.some((s) => s.pinned) && all.some((s) => !s.pinned), 'pinned and unpinned stories both ranked');
  assert.ok(all.some((s) => s.day.new_outlets_6h > 0) && all.some((s) => s.day.new_outlets_6h < s.day.outlets), 'growth varies');
  assert.ok(all.some((s) => s.day.items < s.item_count), 'some stories ranked on part of their items (they ran over a midnight)');
  assert.equal((await listStories(db, { ...opts, includeHidden: true })).filter((s) => s.hidden).length > 0, true, 'hidden stories listed when asked for');
});

test('still the same after a merge, a split, an item given its page\'s date, and an outlet deleted', T, async () => {
  const live = await db.query<{ id: string; item_count: number }>(`SELECT id, item_count FROM wire_stories WHERE merged_into IS NULL AND item_count >= 6 ORDER BY id LIMIT 4`);
  assert.equal(live.length, 4);
  const [a, b, c, e] = live.map((r) => Number(r.id)) as [number, number, number, number];
  // A merge (as the live wire and an editor make it): b's items move into a, b is merged away.
  await db.tx(async (tx) => {
    await mergeStoryRows(tx, a, b);
    await recountStories(tx, [a], defaultStorySettings);
  });
  const merged = await db.one<{ item_published: unknown[]; item_outlet_ids: unknown[] }>('SELECT item_published, item_outlet_ids FROM wire_stories WHERE id = $1', [b]);
  assert.deepEqual([merged!.item_published.length, merged!.item_outlet_ids.length], [0, 0], 'the merged-away story keeps no items');
  // A split: half of c's items go to e.
  await db.tx(async (tx) => {
    await tx.query(`UPDATE wire_items SET story_id = $2 WHERE id IN (SELECT id FROM wire_items WHERE story_id = $1 ORDER BY id LIMIT 3)`, [c, e]);
    await recountStories(tx, [c, e], defaultStorySettings);
  });
  // An item clustered before its page gave its date (the poller's path: the time changes, then itemRestamped).
  const moved = (await db.one<{ id: string }>(`SELECT id FROM wire_items WHERE story_id = $1 ORDER BY published_at DESC, id LIMIT 1`, [e]))!;
  const before = (await db.one<{ item_published: string[] }>('SELECT item_published FROM wire_stories WHERE id = $1', [e]))!.item_published.map(iso);
  await db.query(`UPDATE wire_items SET published_at = published_at - interval '26 hours', published_source = 'page' WHERE id = $1`, [moved.id]);
  await itemRestamped(db, Number(moved.id));
  const after = (await db.one<{ item_published: string[] }>('SELECT item_published FROM wire_stories WHERE id = $1', [e]))!.item_published.map(iso);
  assert.notDeepEqual(after, before, 'the story\'s stored times followed the item');
  assert.deepEqual(after, [...after].sort(), 'in published order');
  await compareAll('after a merge, a split and a new date', ['UTC', 'Asia/Kolkata'], [15.5, 30]);
  // An outlet deleted takes its items (by cascade), and its stories are recounted: the ranking leaves them out too.
  const gone = outlets[3]!;
  const had = (await db.one<{ n: string }>(`SELECT count(*) AS n FROM wire_items WHERE outlet_id = $1`, [gone]))!.n;
  assert.ok(Number(had) > 0);
  await deleteOutlet(db, gone);
  await compareAll('after an outlet was deleted', ['America/New_York'], [15.5]);
});

test('a story\'s stored items are its items, in published order (ties by outlet), after every write', T, async () => {
  const bad = await db.query(
    `SELECT s.id FROM wire_stories s
       LEFT JOIN LATERAL (SELECT coalesce(array_agg(i.published_at ORDER BY i.published_at, i.outlet_id), '{}') AS ts, coalesce(array_agg(i.outlet_id ORDER BY i.published_at, i.outlet_id), '{}') AS os
                            FROM wire_items i WHERE i.story_id = s.id) a ON true
      WHERE s.merged_into IS NULL AND (s.item_published <> a.ts OR s.item_outlet_ids <> a.os)`,
  );
  assert.deepEqual(bad, [], 'every story, those that lost a deleted outlet\'s items too, holds exactly its items');
});
