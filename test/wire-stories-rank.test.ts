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
import { createOutlet, deleteOutlet, getOutlet, updateOutlet } from '../src/newswire/outlets.ts';
import { clusterPending, itemRestamped, mergeStoryRows, recountStories, type LiveDeps } from '../src/newswire/stories/live.ts';
import { hideStory, mergeStories, pinStory, renameStory } from '../src/newswire/stories/decisions.ts';
import { dayRange, defaultStorySettings, forgetRankings, lastRankingRead, listStories, rankingCacheClock, setStorySettings, storyOutlets, type RankedStory } from '../src/newswire/stories/store.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createRuntime } from '../src/platform/runtime.ts';
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

// The ranking keeps each candidate's day figures keyed by its story row's version (decision 0076) and
// applies the clock and the outlets' leans at every request. After each kind of write, through the
// paths that make it (the live wire, an editor's pin, hide, rename and merge, the blindspot settings,
// a lean change, a recount, a write by SQL that no code of this process hears of) and as the clock
// moves, the ranking is still the straightforward statement's (bench/lib/ranking-reference.ts), and it
// read in full exactly the candidates whose row the write changed.
test('the cached ranking is the straightforward one after a new item, a pin, a hide, a rename, a merge, a settings change, a lean change, an unannounced write, in a transaction, and as the clock moves', T, async () => {
  const deps: LiveDeps = { db, log: createLog('silent'), clock: systemClock, runtime: createRuntime() };
  const date = '2026-11-22';
  const timeZone = 'Asia/Kolkata';
  const { start } = dayRange(date, timeZone);
  let now = new Date(start.getTime() + 14 * HOUR);
  /** Compares the ranking with the reference (hidden stories in and out); returns how many candidates the first read in full. */
  let candidates = 0;
  const same = async (what: string, on = db): Promise<number> => {
    let read = -1;
    for (const includeHidden of [true, false]) {
      for (const limit of [500, 7]) {
        const opts = { date, timeZone, now, includeHidden, limit };
        const got = await listStories(on, opts);
        if (read < 0) ({ read, candidates } = lastRankingRead(on)!);
        assert.deepEqual(got, await referenceRanking(on, opts), `${what} (hidden ${includeHidden}, limit ${limit})`);
      }
    }
    // With the outlets (the API list): the same ranking, and each story's outlets as storyOutlets gives them.
    const withOutlets = await listStories(on, { date, timeZone, now, limit: 60, outlets: true });
    const outletsOf = await storyOutlets(on, withOutlets.map((s) => s.id));
    assert.deepEqual(withOutlets.map((s) => s.outlets), withOutlets.map((s) => outletsOf.get(s.id)), `${what}: the outlets`);
    assert.deepEqual(withOutlets.map(({ outlets: _, ...s }) => s), await referenceRanking(on, { date, timeZone, now, limit: 60 }), `${what}: the ranking with the outlets`);
    return read;
  };
  const ranked = () => listStories(db, { date, timeZone, now, includeHidden: true, limit: 500 });

  forgetRankings(db);
  const first = await same('cold');
  assert.ok(candidates > 50 && first === candidates, `a cold ranking reads every candidate (${first} of ${candidates})`);
  assert.equal(await same('warm'), 0, 'then none');
  // The clock moves: recency decays, outlets stop being new after 6 hours; no row changed, nothing is read again.
  for (const h of [1, 4, 6.5, 11]) {
    now = new Date(start.getTime() + (14 + h) * HOUR);
    assert.equal(await same(`${h} h later`), 0, `${h} h later: nothing read in full`);
  }
  now = new Date(start.getTime() + 16 * HOUR);
  await same('back at 16:00');
  const pick = async (k: number) => (await ranked()).filter((s) => !s.pinned && !s.hidden)[k]!;

  // An editor pins, hides, renames: one row changes each time, one story is read again.
  const p = await pick(5);
  await pinStory(deps, { story: p.id, pinned: 'true', staffId: null });
  assert.equal(await same('after a pin'), 1, 'a pin: the pinned story read again');
  assert.equal((await ranked()).find((s) => s.id === p.id)!.rank, 1 + (await ranked()).filter((s) => s.pinned && !s.hidden && s.id !== p.id && s.score > p.score).length);
  const h = await pick(0);
  await hideStory(deps, { story: h.id, hidden: 'true', staffId: null });
  assert.equal(await same('after a hide'), 1, 'a hide: the hidden story read again');
  assert.ok((await listStories(db, { date, timeZone, now, limit: 500 })).every((s) => s.id !== h.id), 'the hidden story is out of the ranking');
  const r = await pick(3);
  await renameStory(deps, { story: r.id, title: 'Renamed by an editor', staffId: null });
  assert.equal(await same('after a rename'), 1, 'a rename: the renamed story read again');
  assert.equal((await ranked()).find((s) => s.id === r.id)!.title, 'Renamed by an editor');

  // A merge: the story merged away leaves the candidates, the survivor is read again.
  const [into, from] = [await pick(8), await pick(9)];
  await mergeStories(deps, { into: into.id, from: from.id, staffId: null });
  assert.equal(await same('after a merge'), 1, 'a merge: the surviving story read again');
  const merged = (await ranked()).find((s) => s.id === into.id)!;
  assert.ok(merged.day.items >= into.day.items + from.day.items - 0 && !(await ranked()).some((s) => s.id === from.id), 'the survivor has both stories\' items that day');

  // A new item on a story, stored and recounted (a writer outside the live batch).
  const grows = await pick(20);
  const outletOf = (await db.one<{ o: number }>(`SELECT item_outlet_ids[1] AS o FROM wire_stories WHERE id = $1`, [grows.id]))!.o;
  await db.query(`INSERT INTO wire_items (outlet_id, url, title, published_at, extract_status, story_id) VALUES ($1, $2, 'A new item', $3, 'done', $4)`, [outletOf, `https://rank.example/new/${grows.id}`, new Date(now.getTime() - 10 * 60_000), grows.id]);
  await recountStories(db, [grows.id], defaultStorySettings);
  assert.equal(await same('after a new item (recounted)'), 1, 'a new item: its story read again');
  assert.equal((await ranked()).find((s) => s.id === grows.id)!.day.last, new Date(now.getTime() - 10 * 60_000).toISOString());

  // A write no code of this process announces (another server, or SQL by hand): a story's pin flips.
  const u = await pick(12);
  await db.query(`UPDATE wire_stories SET pinned = true WHERE id = $1`, [u.id]);
  assert.equal(await same('after an unannounced write'), 1, 'a write by SQL: that story read again');
  assert.ok((await ranked()).find((s) => s.id === u.id)!.pinned);

  // The blindspot settings: every story whose flag changes is rewritten, and read again.
  const flagged = (await ranked()).filter((s) => s.blindspot !== null).length;
  await setStorySettings(db, { blindspotMinOutlets: 3, blindspotShare: 0.6 });
  const readAfterSettings = await same('after the blindspot settings changed');
  const flaggedNow = (await ranked()).filter((s) => s.blindspot !== null).length;
  assert.ok(flaggedNow > flagged && readAfterSettings > 0, `more blindspots (${flagged} to ${flaggedNow}), their stories read again (${readAfterSettings})`);
  await setStorySettings(db, { blindspotMinOutlets: defaultStorySettings.blindspotMinOutlets, blindspotShare: defaultStorySettings.blindspotShare });
  await same('the settings back');

  // A lean change: the leans are read at every request, and the outlet's stories are recounted.
  const o = await getOutlet(db, outlets[0]!);
  await updateOutlet(db, o.id, { name: o.name, url: o.home_url, feeds: [], lean: 'right' });
  await same('after a lean change');
  assert.equal((await getOutlet(db, o.id)).lean, 'right');

  // Inside a transaction that writes a story twice (one row version, xmin, for both): nothing read
  // after its first write may be kept, or the second read would take the first write's figures.
  await db.tx(async (tx) => {
    await same('in a transaction, before it writes', tx);
    const t = (await listStories(tx, { date, timeZone, now, includeHidden: true, limit: 500 })).filter((s) => !s.pinned && !s.hidden)[2]!;
    await tx.query(`UPDATE wire_stories SET pinned = true WHERE id = $1`, [t.id]);
    await same('in a transaction, after its first write', tx);
    await tx.query(`UPDATE wire_stories SET pinned = false, title = 'Twice in one transaction' WHERE id = $1`, [t.id]);
    await same('in a transaction, after its second write to the same row', tx);
    assert.equal((await listStories(tx, { date, timeZone, now, includeHidden: true, limit: 500 })).find((s) => s.id === t.id)!.title, 'Twice in one transaction');
  });
  await same('after the transaction');

  // A new item through the live wire (the clusterer places it; it may join a story, start one, or bridge two).
  await db.query(`INSERT INTO wire_items (outlet_id, guid, url, title, published_at, first_seen_at, extract_status) VALUES ($1, 'rank:live:1', 'https://rank.example/live/1', $2, $3, $3, 'done')`, [
    outlets[5]!,
    `${grows.title}, item 2`,
    new Date(now.getTime() - 5 * 60_000),
  ]);
  const run = await clusterPending(deps);
  assert.equal(run.clustered, 1);
  const liveRead = await same('after an item through the live wire');
  const story = (await db.one<{ story_id: string }>(`SELECT story_id FROM wire_items WHERE guid = 'rank:live:1'`))!.story_id;
  assert.ok(liveRead >= 1 && (await ranked()).some((s) => s.id === Number(story)), `the item's story is ranked and was read again (${liveRead})`);
  assert.ok(candidates > 3 * Math.max(liveRead, readAfterSettings), 'each write read a few stories, not the whole candidate list');

  // Entries are renewed after 5 minutes, 40 a request, and never used after 10 (xmin wraps).
  const wall = rankingCacheClock.now;
  const once = async (what: string): Promise<number> => {
    const opts = { date, timeZone, now, includeHidden: true, limit: 500 };
    assert.deepEqual(await listStories(db, opts), await referenceRanking(db, opts), what);
    return lastRankingRead(db)!.read;
  };
  try {
    const at = Date.now();
    rankingCacheClock.now = () => at + 6 * 60_000;
    // (Up to 40: the oldest entries include stories that are no longer candidates, the one merged away.)
    const renewed = await once('6 minutes on');
    assert.ok(renewed >= 30 && renewed <= 40, `6 minutes on: up to 40 of the oldest entries read again (${renewed})`);
    rankingCacheClock.now = () => at + 11 * 60_000;
    const stale = await once('11 minutes on');
    assert.ok(stale >= candidates - 40 && stale < candidates, `the entries not renewed are read again (${stale} of ${candidates})`);
    assert.equal(await once('11 minutes on, again'), 0);
  } finally {
    rankingCacheClock.now = wall;
  }
});

test('storyOutlets gives each story its outlets by name, as the join over its stored outlets does', T, async () => {
  const ids = (await db.query<{ id: string }>(`SELECT id FROM wire_stories WHERE merged_into IS NULL ORDER BY outlet_count DESC, id LIMIT 60`)).map((r) => Number(r.id));
  const want = new Map<number, unknown[]>(ids.map((id) => [id, []]));
  for (const r of await db.query(
    `SELECT s.id AS story_id, o.id, o.slug, o.name, o.lean FROM wire_stories s CROSS JOIN LATERAL unnest(s.outlet_ids) AS u(oid) JOIN wire_outlets o ON o.id = u.oid
      WHERE s.id = ANY($1::bigint[]) ORDER BY o.name, o.id`,
    [ids],
  )) {
    want.get(Number(r.story_id))!.push({ id: Number(r.id), slug: r.slug, name: r.name, lean: r.lean, side: r.lean === 'left' || r.lean === 'lean-left' ? 'left' : r.lean === 'center' ? 'center' : r.lean === 'lean-right' || r.lean === 'right' ? 'right' : null });
  }
  const got = await storyOutlets(db, [...ids, 999_999_999]);
  assert.deepEqual(got.get(999_999_999), [], 'no such story: no outlets');
  got.delete(999_999_999);
  assert.deepEqual(got, want);
  assert.ok([...got.values()].some((list) => list.length >= 5), 'stories with several outlets compared');
  // A story whose outlet ids were never stored (written without a recount): its outlets from its items,
  // with the ranking's outlets too.
  const opts = { date: '2026-11-22', timeZone: 'UTC', now: new Date(Date.parse('2026-11-22T18:00:00Z')), limit: 20, outlets: true };
  const top = (await listStories(db, opts))[0]!;
  await db.query(`UPDATE wire_stories SET outlet_ids = '{}' WHERE id = $1`, [top.id]);
  const again = (await listStories(db, opts)).find((s) => s.id === top.id)!;
  assert.ok(top.outlets!.length > 0);
  assert.deepEqual(again.outlets, top.outlets, 'the same outlets, read from the items');
  assert.deepEqual((await storyOutlets(db, [top.id])).get(top.id), top.outlets);
  await recountStories(db, [top.id], defaultStorySettings);
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

test('the ranking reads the stories\' outlet ids only when asked for them, and then once (decision 0079)', T, async () => {
  const opts = { date: '2026-11-22', timeZone: 'UTC', now: new Date(Date.parse('2026-11-22T18:00:00Z')), limit: 30 };
  forgetRankings(db);
  const plain = await listStories(db, opts);
  const cold = lastRankingRead(db)!;
  assert.ok(cold.candidates > 50 && cold.read === cold.candidates, `cold: every candidate read (${cold.read} of ${cold.candidates})`);
  assert.ok(plain.every((s) => s.outlets === undefined), 'no outlets unless asked for');
  // The API list asks for the outlets: the entries the screen kept have no outlet ids, so they are read again, once.
  const withOutlets = await listStories(db, { ...opts, outlets: true });
  assert.equal(lastRankingRead(db)!.read, cold.candidates, 'entries kept without outlet ids are read again');
  const outletsOf = await storyOutlets(db, withOutlets.map((s) => s.id));
  assert.deepEqual(withOutlets.map((s) => s.outlets), withOutlets.map((s) => outletsOf.get(s.id)));
  assert.deepEqual(withOutlets.map(({ outlets: _, ...s }) => s), plain);
  await listStories(db, { ...opts, outlets: true });
  assert.equal(lastRankingRead(db)!.read, 0, 'then kept with them');
  assert.deepEqual(await listStories(db, opts), plain);
  assert.equal(lastRankingRead(db)!.read, 0, 'and the screen uses those entries too');
});
