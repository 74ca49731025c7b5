// Stories of the newswire (issue #12), the store: the schema of migration 050 (stories, the key from
// items, the decisions), the spread and blindspot by lean group, the blindspot settings, a story's
// items, linked articles by story_key, the day's ranking in the publication's time zone (pinned
// first, hidden out) and the week's blindspots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import {
  blindspotOf, dayRange, defaultStorySettings, getStory, getStoryBySlug, getStorySettings, linkedArticles, listBlindspots, listStories, rankScore, setStorySettings, sideOf, spreadOf, storyItems,
} from '../src/newswire/stories/store.ts';
import { recountStories } from '../src/newswire/stories/live.ts';
import { NotFoundError, ValidationError } from '../src/platform/errors.ts';

const db = await openTestDb();
const T = { timeout: 60_000 };

const leans = ['left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated'] as const;
const outlets: Array<{ id: number; lean: string }> = [];
for (let i = 0; i < 14; i++) {
  const lean = leans[i % leans.length]!;
  const o = await createOutlet(db, { name: `Store Outlet ${i}`, url: `https://store-${i}.example/`, feeds: [], lean });
  outlets.push({ id: o.id, lean });
}

async function story(slug: string, title: string, first: string, last: string, extra: Record<string, unknown> = {}): Promise<number> {
  const cols = ['slug', 'title', 'first_seen_at', 'last_updated_at', ...Object.keys(extra)];
  const vals = [slug, title, first, last, ...Object.values(extra)];
  const r = await db.one<{ id: string }>(`INSERT INTO wire_stories (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, vals);
  return Number(r!.id);
}
let n = 0;
async function item(storyId: number | null, outletIdx: number, title: string, published: string): Promise<number> {
  n++;
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, url, title, published_at, story_id, text) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [outlets[outletIdx]!.id, `https://store-${outletIdx}.example/n/${n}`, title, published, storyId, `Text of ${title}.`],
  );
  return Number(r!.id);
}

test('lean groups, the spread and the blindspot rule (at least 6 rated outlets, at least 80% from one group)', T, () => {
  assert.equal(sideOf('lean-left'), 'left');
  assert.equal(sideOf('left'), 'left');
  assert.equal(sideOf('center'), 'center');
  assert.equal(sideOf('lean-right'), 'right');
  assert.equal(sideOf('right'), 'right');
  assert.equal(sideOf('mixed'), null);
  assert.equal(sideOf('unrated'), null);
  assert.equal(blindspotOf({ left: 5, center: 0, right: 0 }), null, 'five outlets are too few');
  assert.equal(blindspotOf({ left: 6, center: 0, right: 0 }), 'right', 'all left: a blindspot for the right');
  assert.equal(blindspotOf({ left: 8, center: 1, right: 1 }), 'right', '80% exactly counts');
  assert.equal(blindspotOf({ left: 7, center: 1, right: 2 }), null, '70% is not enough');
  assert.equal(blindspotOf({ left: 0, center: 1, right: 9 }), 'left');
  assert.equal(blindspotOf({ left: 0, center: 9, right: 1 }), 'left', 'center-dominated: the wing with fewer outlets');
  assert.equal(blindspotOf({ left: 1, center: 8, right: 1 }), null, 'center-dominated with equal wings: none');
  assert.equal(blindspotOf({ left: 3, center: 0, right: 0 }, { blindspotMinOutlets: 3, blindspotShare: 0.9 }), 'right');
  const s = spreadOf({ left_count: 2, center_count: 1, right_count: 1, outlet_count: 6 });
  assert.equal(s.rated, 4);
  assert.equal(s.outlets, 6);
  assert.equal(s.shares.left, 0.5);
  assert.equal(s.blindspot, null);
});

test('the schema: slugs are unique, items point at stories, decisions check their kind', T, async () => {
  const a = await story('schema-a', 'Schema A', '2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z');
  await assert.rejects(story('schema-a', 'Again', '2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z'), /unique|duplicate/i);
  await assert.rejects(item(999_999_999, 0, 'Dangling', '2026-11-20T10:00:00Z'), /foreign key|violates/i);
  await assert.rejects(db.query(`INSERT INTO wire_stories (slug, title, first_seen_at, last_updated_at, blindspot) VALUES ('bad-b', 'B', now(), now(), 'up')`), /check/i);
  await assert.rejects(db.query(`INSERT INTO wire_story_decisions (kind, story_id) VALUES ('explode', $1)`, [a]), /check/i);
  await assert.rejects(db.query(`INSERT INTO wire_story_decisions (kind, story_id) VALUES ('rename', $1)`, [a]), /check/i, 'a rename needs its title');
  const i1 = await item(a, 0, 'Schema item', '2026-11-20T10:00:00Z');
  await db.query(`INSERT INTO wire_story_decisions (kind, story_id, item_ids, title) VALUES ('rename', $1, $2, 'New')`, [a, [i1]]);
  const d = await db.one(`SELECT item_ids FROM wire_story_decisions WHERE story_id = $1`, [a]);
  assert.deepEqual(d!.item_ids.map(Number), [i1]);
  const un = await item(null, 1, 'Unclustered', '2026-11-20T10:00:00Z');
  const row = await db.one(`SELECT story_id FROM wire_items WHERE id = $1`, [un]);
  assert.equal(row!.story_id, null);
});

test('a story, by id and slug, with its items and outlets, and the articles linked by story_key', T, async () => {
  const id = await story('budget-vote', 'Council approves the budget', '2026-11-21T08:00:00Z', '2026-11-21T12:00:00Z', { item_count: 2, outlet_count: 2, left_count: 1, center_count: 0, right_count: 1 });
  await item(id, 4, 'Budget passes after long night', '2026-11-21T12:00:00Z');
  await item(id, 0, 'Council approves the budget', '2026-11-21T08:00:00Z');
  const s = await getStory(db, id);
  assert.equal(s.slug, 'budget-vote');
  assert.equal((await getStoryBySlug(db, 'budget-vote')).id, id);
  await assert.rejects(getStory(db, 'nope'), NotFoundError);
  await assert.rejects(getStory(db, 987654321), NotFoundError);
  await assert.rejects(getStoryBySlug(db, 'no-such-slug'), NotFoundError);
  const items = await storyItems(db, id);
  assert.deepEqual(items.map((i) => i.title), ['Council approves the budget', 'Budget passes after long night'], 'oldest first');
  assert.equal(items[0]!.outlet.name, 'Store Outlet 0');
  assert.equal(items[0]!.side, 'left');
  assert.equal(items[1]!.outlet.lean, 'right');
  assert.equal(items[1]!.side, 'right');
  assert.match(items[0]!.url, /^https:\/\/store-0\.example\//);
  assert.match(items[0]!.text!, /Text of/);
  await db.query(`INSERT INTO articles (slug, headline, status, story_key) VALUES ('our-budget-piece', 'Our budget piece', 'draft', 'budget-vote')`);
  const linked = await linkedArticles(db, s);
  assert.deepEqual(linked.map((a) => a.slug), ['our-budget-piece']);
});

test('the day is the publication\'s local day', T, () => {
  const r = dayRange('2026-07-01', 'America/New_York');
  assert.equal(r.start.toISOString(), '2026-07-01T04:00:00.000Z');
  assert.equal(r.end.toISOString(), '2026-07-02T04:00:00.000Z');
  const dst = dayRange('2026-03-29', 'Europe/London');
  assert.equal(dst.end.getTime() - dst.start.getTime(), 23 * 3_600_000, 'the short day of the clock change');
  assert.throws(() => dayRange('2026-02-30', 'UTC'), ValidationError);
  assert.throws(() => dayRange('yesterday', 'UTC'), ValidationError);
});

test('ranking: more outlets, wider spread, faster growth and more recent rank higher', T, () => {
  const ref = Date.parse('2026-11-22T18:00:00Z');
  const base = { outlets: 6, left: 2, center: 2, right: 2, new_outlets_6h: 0, last: ref - 3_600_000 };
  assert.ok(rankScore({ ...base, outlets: 10 }, ref) > rankScore(base, ref));
  assert.ok(rankScore(base, ref) > rankScore({ ...base, left: 6, center: 0, right: 0 }, ref));
  assert.ok(rankScore({ ...base, new_outlets_6h: 4 }, ref) > rankScore(base, ref));
  assert.ok(rankScore(base, ref) > rankScore({ ...base, last: ref - 20 * 3_600_000 }, ref));
  assert.equal(rankScore({ ...base, outlets: 0 }, ref), 0);
});

test('the day\'s stories ranked, pinned first and hidden out, counted on the local day', T, async () => {
  const day = '2026-11-23';
  const at = (h: number) => new Date(Date.parse('2026-11-23T00:00:00Z') + h * 3_600_000).toISOString();
  // Big: 6 outlets on all sides. Small: 2 outlets. Pinned: 1 outlet. Hidden: 7 outlets. Old: yesterday only.
  const big = await story('rank-big', 'Big', at(1), at(10), { outlet_count: 6 });
  for (const o of [0, 1, 2, 3, 4, 5]) await item(big, o, 'Big story', at(1 + o));
  const small = await story('rank-small', 'Small', at(2), at(9), { outlet_count: 2 });
  await item(small, 0, 'Small story', at(2));
  await item(small, 2, 'Small story', at(9));
  const pinned = await story('rank-pinned', 'Pinned', at(3), at(3), { outlet_count: 1, pinned: true });
  await item(pinned, 6, 'Pinned story', at(3));
  const hidden = await story('rank-hidden', 'Hidden', at(1), at(8), { outlet_count: 7, hidden: true });
  for (const o of [0, 1, 2, 3, 4, 5, 6]) await item(hidden, o, 'Hidden story', at(1 + o));
  const old = await story('rank-old', 'Old', at(-8), at(-2), { outlet_count: 7 });
  for (const o of [0, 1, 2, 3, 4, 5, 6]) await item(old, o, 'Old story', at(-8 + o));
  // As the live wire leaves them: counts and the items' times and outlets on the story (migration 055).
  await recountStories(db, [big, small, pinned, hidden, old], defaultStorySettings);
  const now = new Date(at(12));
  const ranked = await listStories(db, { date: day, timeZone: 'UTC', now });
  assert.deepEqual(ranked.map((s) => s.slug), ['rank-pinned', 'rank-big', 'rank-small']);
  assert.deepEqual(ranked.map((s) => s.rank), [1, 2, 3]);
  assert.equal(ranked[1]!.day.outlets, 6);
  assert.deepEqual([ranked[1]!.day.left, ranked[1]!.day.center, ranked[1]!.day.right], [2, 1, 2]);
  const withHidden = await listStories(db, { date: day, timeZone: 'UTC', now, includeHidden: true });
  assert.equal(withHidden.at(-1)!.slug, 'rank-hidden', 'hidden ones last when asked for');
  // In Tokyo (UTC+9) the 23rd runs from 15:00 UTC on the 22nd: the old story's evening (UTC) items fall in it.
  const tokyo = await listStories(db, { date: day, timeZone: 'Asia/Tokyo', now });
  assert.ok(tokyo.some((s) => s.slug === 'rank-old'), 'the old story is on the Tokyo 23rd');
  const yesterday = await listStories(db, { date: '2026-11-22', timeZone: 'UTC', now });
  assert.deepEqual(yesterday.map((s) => s.slug), ['rank-old']);
  await assert.rejects(listStories(db, { date: '23/11/2026' }), ValidationError);
  const limited = await listStories(db, { date: day, timeZone: 'UTC', now, limit: 1 });
  assert.equal(limited.length, 1);
});

test('blindspot settings are validated, stored, and re-mark stored stories; the week\'s blindspots', T, async () => {
  assert.deepEqual(await getStorySettings(db), { blindspotMinOutlets: 6, blindspotShare: 0.8 });
  const id = await story('blind-a', 'Blind A', '2026-11-24T10:00:00Z', '2026-11-24T11:00:00Z', { outlet_count: 4, left_count: 4 });
  await assert.rejects(setStorySettings(db, { blindspotMinOutlets: 0 }), ValidationError);
  await assert.rejects(setStorySettings(db, { blindspotShare: 0.4 }), ValidationError);
  await assert.rejects(setStorySettings(db, { blindspotShare: 'lots' }), ValidationError);
  assert.deepEqual(await getStorySettings(db), { blindspotMinOutlets: 6, blindspotShare: 0.8 }, 'nothing stored on a bad input');
  assert.deepEqual(await setStorySettings(db, { blindspotMinOutlets: 4, blindspotShare: 90 }), { blindspotMinOutlets: 4, blindspotShare: 0.9 });
  assert.equal((await getStory(db, id)).blindspot, 'right');
  const week = await listBlindspots(db, { date: '2026-11-25', timeZone: 'UTC' });
  assert.equal(week.from, '2026-11-19');
  assert.ok(week.stories.some((s) => s.slug === 'blind-a'));
  await setStorySettings(db, { blindspotMinOutlets: 6 });
  assert.equal((await getStory(db, id)).blindspot, null);
  await setStorySettings(db, { blindspotMinOutlets: 6, blindspotShare: 0.8 });
});
