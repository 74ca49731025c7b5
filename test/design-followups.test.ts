// Issue 14 follow-ups: the register and sign-in pages offer the newsletters once (no site sign-up box
// under them, nor under a register wall); the newsroom's date and time fields are in the
// publication's format and time zone, never the browser's pickers (the Stories day, the blindspots'
// week, complimentary access, a newsletter's send time, the autosave's "saved at").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { seedNewsletters, listNewsletters } from '../src/newsletters/newsletters.ts';
import { createArticle } from '../src/articles/write.ts';
import { setPublicationSetting } from '../src/publication/settings.ts';
import { clockTimeInZone, humanDateTime, humanDay, parseClockTime, parseDay } from '../src/platform/time.ts';
import { demo } from '../src/demo/content.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
await setPublicationSetting(db, 'timeZone', 'America/New_York');
await createArticle(db, { headline: 'For members: the council papers', slug: 'council-papers', body: 'Inside.', section: 'politics', access: 'members', status: 'published', publishedAt: '2026-11-20T10:00:00Z' }, { now: new Date(NOW) });
const admin = await signedIn(t, 'admin@example.com', 'administrator', 'Ada Min');
await db.query(`INSERT INTO people (email, email_normalized, name, account_at, created_at) VALUES ('comp.reader@example.org', 'comp.reader@example.org', 'Comp Reader', $1, $1)`, [new Date('2026-10-01T10:00:00Z')]);
const memberId = (await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = 'comp.reader@example.org'`))!.id;

async function doc(path: string) {
  const res = await t.get(path);
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return parseHTML(await res.text()).document;
}

test('the register page offers each newsletter once, with its frequency and description; no sign-up box below', { timeout: 30_000 }, async () => {
  const active = (await listNewsletters(db)).filter((n) => n.active);
  assert.ok(active.length >= 2, 'the seeded newsletters are on offer');
  const d = await doc('/account/register');
  assert.equal(d.querySelectorAll('.signup').length, 0, 'no site sign-up box');
  for (const n of active) {
    const boxes = d.querySelectorAll(`input[name="newsletters"][value="${n.slug}"]`);
    assert.equal(boxes.length, 1, `${n.slug} is offered once`);
    const label = boxes[0]!.closest('label')!;
    assert.equal(label.querySelector('strong')?.textContent, n.name);
    assert.ok(label.querySelector('.choice-when')?.textContent?.trim(), `${n.slug} says when it comes`);
    assert.equal(boxes[0]!.hasAttribute('checked'), false, 'nothing is ticked for the reader');
  }
});

test('the sign-in steps show no sign-up box; other pages still do', { timeout: 30_000 }, async () => {
  for (const path of ['/account/signin']) assert.equal((await doc(path)).querySelectorAll('.signup').length, 0, path);
  const res = await t.get('/account/signin', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url }, body: 'email=someone%40example.org' });
  const inbox = res.status === 303 ? await doc(res.headers.get('location')!) : parseHTML(await res.text()).document;
  assert.match(inbox.querySelector('h1')?.textContent ?? '', /Check your inbox/);
  assert.equal(inbox.querySelectorAll('.signup').length, 0, 'check your inbox');
  assert.equal((await doc('/section/politics')).querySelectorAll('.signup').length, 1, 'a section page keeps its box');
});

test('an article behind the register wall offers the newsletters in the wall only, not again below it', { timeout: 30_000 }, async () => {
  const d = await doc('/council-papers');
  assert.ok(d.querySelector('.paywall-register'), 'the register wall');
  assert.equal(d.querySelectorAll('.signup').length, 0);
  const slug = (await listNewsletters(db)).find((n) => n.active)!.slug;
  assert.equal(d.querySelectorAll(`input[name="newsletters"][value="${slug}"]`).length, 1);
  assert.equal((await doc('/' + (await db.one<{ slug: string }>(`SELECT slug FROM articles WHERE access = 'public' AND status = 'published' AND type = 'post' ORDER BY id LIMIT 1`))!.slug)).querySelectorAll('.signup').length, 1, 'a public article keeps its box');
});

test('days and clock times are read in the newsroom\'s format; anything else is refused', { timeout: 5_000 }, () => {
  assert.equal(parseDay('2026-11-05'), '2026-11-05');
  assert.equal(parseDay(' 2026-11-5 '), '2026-11-05');
  for (const bad of ['2026-02-30', '11/05/2026', '05/11/2026', '2026-13-01', '', 'soon', '0999-01-01']) assert.equal(parseDay(bad), null, bad);
  assert.match(humanDay('2026-11-05', 'en-GB'), /^Thursday,? 5 November 2026$/);
  assert.equal(parseClockTime('7:05'), '07:05');
  assert.equal(parseClockTime('18.30'), '18:30');
  for (const bad of ['24:00', '7', '07:60', '7pm', '']) assert.equal(parseClockTime(bad), null, bad);
  assert.equal(clockTimeInZone(new Date('2026-07-01T12:00:05Z'), 'America/New_York'), '08:00:05');
});

test('no newsroom screen uses the browser\'s date or time picker', { timeout: 60_000 }, async () => {
  const article = (await db.one<{ id: number }>(`SELECT id FROM articles ORDER BY id LIMIT 1`))!.id;
  const screens = ['/admin', '/admin/account', '/admin/articles', '/admin/articles/new', `/admin/articles/${article}`, '/admin/authors', '/admin/authors/new', '/admin/front',
    '/admin/newsletters', '/admin/newsletters/subscribers', '/admin/newsletters/bounces', '/admin/wire', '/admin/outlets', '/admin/stories', '/admin/stories/blindspots',
    '/admin/members', '/admin/members/insights', '/admin/members/plans', '/admin/members/paywall', `/admin/members/${memberId}`, '/admin/outbox',
    ...['publication', 'formats', 'sections', 'newsletters', 'mail', 'staff', 'api-keys'].map((p) => `/admin/settings/${p}`)];
  for (const path of screens) {
    const html = await admin.c.page(path);
    assert.doesNotMatch(html, /type="(date|time|datetime-local|month|week)"/, path);
  }
});

test('the Stories day: a text field in year-month-day with the day in words; a day typed loosely is read, a wrong one refused', { timeout: 60_000 }, async () => {
  // 12:00 UTC on 20 November is 07:00 in New York: the publication's today.
  let d = parseHTML(await admin.c.page('/admin/stories')).document;
  const field = d.querySelector('#stories-day')!;
  assert.equal(field.getAttribute('type'), 'text');
  assert.equal(field.getAttribute('value'), '2026-11-20');
  assert.match(d.querySelector(`#${field.getAttribute('aria-describedby')}`)?.textContent ?? '', /^Friday,? 20 November 2026\./);
  d = parseHTML(await admin.c.page('/admin/stories?date=2026-11-3')).document;
  assert.equal(d.querySelector('#stories-day')?.getAttribute('value'), '2026-11-03');
  assert.match(d.querySelector('a[rel=next]')?.getAttribute('href') ?? '', /date=2026-11-04$/);
  for (const bad of ['11/03/2026', '2026-02-30']) {
    const res = await admin.c.request('/admin/stories?date=' + encodeURIComponent(bad));
    assert.equal(res.status, 400, bad);
    assert.match(await res.text(), /year-month-day/);
  }
  d = parseHTML(await admin.c.page('/admin/stories/blindspots?date=2026-11-19')).document;
  assert.equal(d.querySelector('#blindspots-day')?.getAttribute('value'), '2026-11-19');
  assert.match(d.querySelector('main')?.textContent ?? '', /to Thursday,? 19 November 2026/);
});

test('complimentary access until a day typed in year-month-day, the end of that day in the publication\'s zone', { timeout: 60_000 }, async () => {
  const path = `/admin/members/${memberId}`;
  await admin.c.page(path);
  const refused = await admin.c.post(`${path}/complimentary`, { until: '12/31/2026' });
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /year-month-day/);
  assert.equal((await admin.c.post(`${path}/complimentary`, { until: '2026-12-5' })).status, 303);
  const row = await db.one<{ expires_at: Date }>(`SELECT expires_at FROM member_subscriptions WHERE person_id = $1 AND source = 'comp'`, [memberId]);
  assert.equal(row?.expires_at.toISOString(), '2026-12-06T05:00:00.000Z', 'midnight after 5 December in New York');
  const d = parseHTML(await admin.c.page(path)).document;
  assert.equal(d.querySelector('#comp-until')?.getAttribute('value'), '2026-12-05');
  assert.match(d.querySelector('#comp-until-hint')?.textContent ?? '', /^Saturday,? 5 December 2026\./);
});

test('a newsletter\'s send time is a 24-hour field in the publication\'s zone; "7:05" is 07:05, "7pm" is refused', { timeout: 60_000 }, async () => {
  let html = await admin.c.page('/admin/settings/newsletters?edit=daily');
  const d = parseHTML(html).document;
  assert.equal(d.querySelector('#nl-time')?.getAttribute('type'), 'text');
  assert.match(d.querySelector('#nl-time-hint')?.textContent ?? '', /24-hour clock, in America\/New_York/);
  const n = (await listNewsletters(db)).find((x) => x.slug === 'daily') ?? (await listNewsletters(db))[0]!;
  const form = { slug: n.slug, name: n.name, description: n.description, days: n.schedule_days.map(String), active: 'on' };
  assert.equal((await admin.c.post('/admin/settings/newsletters', { ...form, time: '7:05' })).status, 303);
  assert.equal((await listNewsletters(db)).find((x) => x.slug === n.slug)!.schedule_time, '07:05');
  html = await admin.c.page('/admin/settings/newsletters');
  const res = await admin.c.post('/admin/settings/newsletters', { ...form, time: '7pm' });
  assert.equal(res.status, 400);
  assert.equal((await listNewsletters(db)).find((x) => x.slug === n.slug)!.schedule_time, '07:05', 'nothing changed');
});

test('the autosave says the time in the publication\'s zone', { timeout: 60_000 }, async () => {
  await admin.c.page('/admin/articles/new');
  const res = await admin.c.json('/admin/articles/autosave', { headline: 'Autosaved', body: 'Text.' });
  assert.equal(res.status, 200, await res.clone().text());
  const r = (await res.json()) as { savedAt: string; savedAtText: string };
  assert.equal(r.savedAtText, clockTimeInZone(new Date(r.savedAt), 'America/New_York'));
  assert.equal(r.savedAtText, '07:00:00', 'the fixed clock, 12:00 UTC, in New York');
});

test('the demo publication has no section called "Home": that is the masthead\'s link', { timeout: 5_000 }, () => {
  assert.ok(demo.sections.length > 3);
  for (const s of demo.sections) assert.notEqual(s.name.toLowerCase(), 'home', s.slug);
  for (const a of demo.articles) assert.ok(demo.sections.some((s) => s.slug === a.section), `${a.slug}: ${a.section} is a section`);
});

test('newsroom dates are worded in the publication\'s locale as well as its zone', { timeout: 30_000 }, async () => {
  const published = new Date('2026-11-20T10:00:00Z');
  const us = humanDateTime(published, 'America/New_York', 'en-US');
  const gb = humanDateTime(published, 'America/New_York', 'en-GB');
  assert.notEqual(us, gb, 'the two locales word the date differently');
  try {
    await setPublicationSetting(db, 'locale', 'en-US');
    for (const path of ['/admin/articles', '/admin/front']) {
      const page = await admin.c.page(path);
      assert.ok(page.includes(us), `${path} words the date as en-US does (${us})`);
      assert.ok(!page.includes(gb), `${path} does not word it as en-GB does`);
    }
    await setPublicationSetting(db, 'locale', 'en-GB');
    assert.ok((await admin.c.page('/admin/articles')).includes(gb), 'back to en-GB wording');
  } finally {
    await setPublicationSetting(db, 'locale', 'en-GB');
  }
});
