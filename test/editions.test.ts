// Editions: the digest's story selection (ranking rule, window since the last edition, rules per
// newsletter), editor changes, the web archive and edition pages, and the schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createArticle, upsertSection } from '../src/articles/write.ts';
import { seedNewsletters, getNewsletterBySlug, upsertNewsletter } from '../src/newsletters/newsletters.ts';
import { parseRules, rankCandidates, scoreCandidate } from '../src/newsletters/selection.ts';
import {
  addItem, buildEdition, cancelSend, getEdition, listEditions, removeItem, reorderItems, scheduleEdition, setIntro, setSubject, startSend,
} from '../src/newsletters/editions.ts';
import { latestSlot, scheduleTick } from '../src/newsletters/delivery/scheduler.ts';

const NOW = '2026-11-20T12:00:00Z'; // a Friday
const t = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London', MAIL_FROM: 'The Ledger <news@ledger.example>' } });
const { db } = t.deps;
const fx = await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
const h = (hours: number) => new Date(new Date(NOW).getTime() - hours * 3600_000);
const art = (slug: string, o: Record<string, unknown>) =>
  createArticle(db, { headline: `Headline ${slug}`, slug, body: 'Text.', authors: ['ada-quill'], status: 'published', ...o }, { now: t.clock.now() });
// Inside the first 24 h window: a1 (fixtures: speed-read, pick, 5 h, tram story with a2).
const explainer = await art('big-explainer', { format: 'the-explainer', section: 'science', publishedAt: h(8) });
const recommend = await art('fresh-recommends', { format: 'recommends', section: 'science', publishedAt: h(1) });
const plain = await art('plain-news', { format: 'speed-read', section: 'politics', publishedAt: h(2) });

test('the ranking rule: format weight x pick x prominence x recency', () => {
  const end = new Date(NOW);
  const rules = parseRules({ rules: {}, schedule_days: [1, 2, 3, 4, 5] });
  assert.equal(rules.limit, 10);
  assert.equal(rules.windowHours, 24);
  assert.equal(parseRules({ rules: {}, schedule_days: [6] }).windowHours, 168, 'weekly newsletters look back a week');
  const base = { id: 1, published_at: end, editors_pick: false, weight: 1, siblings: 0 };
  assert.equal(scoreCandidate(base, end, rules), 1);
  assert.equal(scoreCandidate({ ...base, weight: 1.3 }, end, rules), 1.3);
  assert.equal(scoreCandidate({ ...base, editors_pick: true }, end, rules), 1.5);
  assert.equal(scoreCandidate({ ...base, siblings: 2 }, end, rules), 1.5);
  assert.equal(scoreCandidate({ ...base, siblings: 9 }, end, rules), 2, 'prominence is capped at four sibling pieces');
  assert.equal(scoreCandidate({ ...base, published_at: h(24) }, end, rules), 0.5, 'half the score after one half-life');
  const ranked = rankCandidates(
    [
      { ...base, id: 1, published_at: h(1) },
      { ...base, id: 2, published_at: h(10), editors_pick: true, weight: 1.3 },
      { ...base, id: 3, published_at: h(1) },
    ],
    end,
    rules,
  );
  // id 2: 1.3 x 1.5 x 0.5^(10/24) = 1.46 beats two fresh plain pieces (0.97); equal scores: higher id first.
  assert.deepEqual(ranked.map((r) => r.id), [2, 3, 1]);
  assert.deepEqual(rankCandidates(ranked, end, { ...rules, rank: 'recency' }).map((r) => r.id), [3, 1, 2]);
});

test('the daily digest picks the window’s stories in rank order; editors reorder, add, remove and write an intro', async () => {
  const e = await buildEdition(t.deps, 'daily');
  assert.equal(e.number, 1);
  assert.equal(e.status, 'draft');
  assert.equal(e.window_end.toISOString(), new Date(NOW).toISOString());
  assert.equal(e.window_start.toISOString(), h(24).toISOString());
  // a1: 1 x 1.5 (pick) x 1.25 (one sibling) x 0.5^(5/24) = 1.62; explainer 1.3 x 0.5^(8/24) = 1.03;
  // plain 0.5^(2/24) = 0.94; recommends 0.8 x 0.5^(1/24) = 0.78. a2 (30 h) is outside the window.
  assert.deepEqual(e.items.map((i) => i.slug), ['riverside-tram', 'big-explainer', 'plain-news', 'fresh-recommends']);
  assert.equal(e.subject, 'The Daily Digest: Council approves the riverside tram line');
  assert.ok(Math.abs(e.items[0]!.score! - 1.5 * 1.25 * Math.pow(0.5, 5 / 24)) < 1e-4);

  await reorderItems(db, e.id, [plain.id, fx.a1.id, recommend.id, explainer.id]);
  assert.deepEqual((await getEdition(db, e.id)).items.map((i) => i.slug), ['plain-news', 'riverside-tram', 'fresh-recommends', 'big-explainer']);
  await assert.rejects(reorderItems(db, e.id, [plain.id, fx.a1.id]), /every story of the edition once/);
  const items = await addItem(db, e.id, fx.a3.id, 2);
  assert.deepEqual(items.map((i) => i.slug), ['plain-news', 'comet-weekend', 'riverside-tram', 'fresh-recommends', 'big-explainer']);
  assert.equal(items[1]!.added_by, 'editor');
  await assert.rejects(addItem(db, e.id, fx.a3.id), /already in this edition/);
  await assert.rejects(addItem(db, e.id, fx.draft.id), /not published/);
  assert.deepEqual((await removeItem(db, e.id, recommend.id)).map((i) => i.slug), ['plain-news', 'comet-weekend', 'riverside-tram', 'big-explainer']);
  await setIntro(db, e.id, 'Good morning. **Three** things today.');
  await setSubject(db, e.id, 'Your Friday digest');
  await assert.rejects(setSubject(db, e.id, '  '), /subject line/);
  await assert.rejects(buildEdition(t.deps, 'daily'), /still waiting to be sent/);
  await assert.rejects(scheduleEdition(t.deps, e.id, h(1)), /in the future/);

  const started = await startSend(t.deps, e.id);
  assert.equal(started.edition.status, 'sending');
  await assert.rejects(setIntro(db, e.id, 'too late'), /only a draft or scheduled edition can be changed/);
  await assert.rejects(startSend(t.deps, e.id), /already sending/);

  // On the web at once: the edition page and the archive.
  const page = await (await t.get('/newsletters/daily/1')).text();
  assert.match(page, /<h1 id="edition-title">Your Friday digest<\/h1>/);
  assert.match(page, /<strong>Three<\/strong> things today\./);
  assert.ok(page.indexOf('Headline plain-news') < page.indexOf('A comet will be visible'), 'the editor’s order');
  assert.ok(!page.includes('Headline fresh-recommends'), 'removed story absent');
  const archive = await t.get('/newsletters/daily');
  assert.equal(archive.status, 200);
  assert.match(await archive.text(), /<a href="\/newsletters\/daily\/1">Your Friday digest<\/a>/);
  assert.equal((await t.get('/newsletters/daily/2')).status, 404);
  assert.equal((await t.get('/newsletters/nope')).status, 404);
  assert.equal((await t.get('/newsletters/daily/abc')).status, 404);
});

test('the next edition starts where the last one ended: nothing missed, nothing repeated', async () => {
  await db.query(`UPDATE editions SET status = 'sent', sent_at = now() WHERE number = 1`);
  t.clock.set('2026-11-23T06:30:00Z'); // Monday
  const late = await art('friday-evening', { format: 'speed-read', section: 'politics', publishedAt: '2026-11-20T18:00:00Z' });
  const monday = await art('monday-early', { format: 'speed-read', section: 'politics', publishedAt: '2026-11-23T05:00:00Z' });
  const e2 = await buildEdition(t.deps, 'daily');
  assert.equal(e2.number, 2);
  assert.equal(e2.window_start.toISOString(), new Date(NOW).toISOString(), 'since the end of edition 1');
  assert.deepEqual(e2.items.map((i) => i.id).sort(), [late.id, monday.id].sort());
  assert.equal(e2.items[0]!.id, monday.id, 'the fresher story first');
  await cancelSend(db, e2.id);
  // A cancelled edition does not count: the next build covers its window again.
  const e3 = await buildEdition(t.deps, 'daily');
  assert.equal(e3.window_start.toISOString(), new Date(NOW).toISOString());
  assert.equal(e3.number, 3);
  await cancelSend(db, e3.id);
});

test('the good-news letter picks only its section, over a week, newest first', async () => {
  await upsertSection(db, { slug: 'good-news', name: 'Good News', position: 9 });
  const g1 = await art('good-1', { section: 'good-news', publishedAt: '2026-11-18T10:00:00Z' });
  const g2 = await art('good-2', { section: 'good-news', publishedAt: '2026-11-22T10:00:00Z' });
  await art('old-good', { section: 'good-news', publishedAt: '2026-11-01T10:00:00Z' });
  const e = await buildEdition(t.deps, 'good-news');
  assert.deepEqual(e.items.map((i) => i.id), [g2.id, g1.id]);
  await cancelSend(db, e.id);
});

test('schedule: the latest slot in the publication’s zone, built and started once; scheduled editions start on time', async () => {
  const daily = (await getNewsletterBySlug(db, 'daily'))!;
  // 06:30 Europe/London on Monday 23 Nov is 06:30 UTC (GMT); on Sunday the last slot is Friday's.
  assert.equal(latestSlot(daily, new Date('2026-11-23T06:30:00Z'), 'Europe/London')!.toISOString(), '2026-11-23T06:30:00.000Z');
  assert.equal(latestSlot(daily, new Date('2026-11-22T12:00:00Z'), 'Europe/London')!.toISOString(), '2026-11-20T06:30:00.000Z');
  assert.equal(latestSlot(daily, new Date('2026-07-01T06:00:00Z'), 'Europe/London')!.toISOString(), '2026-07-01T05:30:00.000Z', 'summer time');

  await upsertNewsletter(db, { slug: 'daily', name: 'The Daily Digest', scheduleDays: [1, 2, 3, 4, 5], scheduleTime: '06:30', rules: daily.rules, signupDefault: true, position: 1 });
  await db.query(`UPDATE newsletters SET created_at = '2026-01-01'`);
  await db.query(`UPDATE newsletters SET active = false WHERE slug <> 'daily'`);
  await art('tuesday-news', { format: 'speed-read', section: 'politics', publishedAt: '2026-11-24T05:00:00Z' });
  t.clock.set('2026-11-24T06:40:00Z');
  const first = await scheduleTick(t.deps, { run: false });
  assert.equal(first.length, 1);
  const sending = await getEdition(db, first[0]!);
  assert.equal(sending.status, 'sending');
  assert.equal(sending.slot_at!.toISOString(), '2026-11-24T06:30:00.000Z');
  assert.deepEqual(await scheduleTick(t.deps, { run: false }), [], 'a slot is filled once');
  await db.query(`UPDATE editions SET status = 'sent' WHERE id = $1`, [first[0]]);

  // An edition an editor scheduled goes at its time, not before.
  t.clock.set('2026-11-24T09:00:00Z');
  await art('wednesday-news', { format: 'speed-read', section: 'politics', publishedAt: '2026-11-24T08:00:00Z' });
  const draft = await buildEdition(t.deps, 'daily');
  await scheduleEdition(t.deps, draft.id, new Date('2026-11-24T15:00:00Z'));
  t.clock.set('2026-11-24T14:59:00Z');
  assert.deepEqual(await scheduleTick(t.deps, { run: false }), []);
  t.clock.set('2026-11-24T15:00:30Z');
  assert.deepEqual(await scheduleTick(t.deps, { run: false }), [draft.id]);
  const statuses = (await listEditions(db, { newsletter: 'daily' })).map((e) => [e.number, e.status]);
  assert.ok(statuses.some(([n, s]) => n === draft.number && s === 'sending'));
});

test('a scheduled edition with no stories left goes back to draft with the reason, once', async () => {
  t.clock.set('2026-11-25T09:00:00Z');
  const e = await buildEdition(t.deps, 'morning');
  for (const item of e.items) await removeItem(db, e.id, item.id);
  await scheduleEdition(t.deps, e.id, new Date('2026-11-25T10:00:00Z'));
  t.clock.set('2026-11-25T10:00:30Z');
  assert.deepEqual(await scheduleTick(t.deps, { run: false }), []);
  const after = await getEdition(db, e.id);
  assert.equal(after.status, 'draft');
  assert.equal(after.scheduled_at, null);
  assert.match(after.paused_reason ?? '', /^Not sent at its scheduled time: .*no stories/);
  assert.deepEqual(await scheduleTick(t.deps, { run: false }), [], 'not tried again');
  // Scheduling it again clears the reason.
  await addItem(db, e.id, plain.id);
  await scheduleEdition(t.deps, e.id, new Date('2026-11-25T11:00:00Z'));
  assert.equal((await getEdition(db, e.id)).paused_reason, null);
  await cancelSend(db, e.id);
});

test('a newsletter cannot take the address of a newsletter page', async () => {
  for (const slug of ['subscribe', 'preferences', 'confirm']) {
    await assert.rejects(upsertNewsletter(db, { slug, name: 'Clash' }), (err: any) => err.status === 400 && /belongs to one of the newsletter pages/.test(err.fields?.slug ?? ''));
  }
  assert.equal(await getNewsletterBySlug(db, 'subscribe'), undefined);
});
