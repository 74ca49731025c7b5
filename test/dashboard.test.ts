// The newsroom's dashboard (issue 14, item 10): subscribers per newsletter with their growth drawn on the
// server as SVG, the last editions with sent, failed, bounced and unsubscribed counts, today's articles,
// and one click to build today's edition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { upsertNewsletter } from '../src/newsletters/newsletters.ts';
import { newsletterGrowth, recentEditionReports } from '../src/newsletters/stats.ts';
import { lineChart, niceMax } from '../src/admin/pages/charts.ts';

const NOW = '2026-11-20T12:00:00Z';
const DAY = 86_400_000;
const t = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London' } });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
const daily = await upsertNewsletter(db, { slug: 'daily', name: 'The Daily Digest', rules: { windowHours: 24, maxStories: 5 } as any, position: 1 });
const weekly = await upsertNewsletter(db, { slug: 'weekly', name: 'The Weekly', rules: {} as any, position: 2 });
const ago = (days: number) => new Date(Date.parse(NOW) - days * DAY);

/** A person subscribed to a newsletter: confirmed `confirmedDaysAgo` days ago, left `leftDaysAgo` days ago. */
async function subscriber(email: string, newsletterId: number, confirmedDaysAgo: number | null, leftDaysAgo: number | null = null): Promise<number> {
  const p = await db.one<{ id: number }>(`INSERT INTO people (email, email_normalized) VALUES ($1, $1) ON CONFLICT (email_normalized) DO UPDATE SET email = EXCLUDED.email RETURNING id`, [email]);
  await db.query(
    `INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at, unsubscribed_at) VALUES ($1, $2, $3, $4, $5)`,
    [p!.id, newsletterId, leftDaysAgo !== null ? 'unsubscribed' : confirmedDaysAgo === null ? 'pending' : 'confirmed', confirmedDaysAgo === null ? null : ago(confirmedDaysAgo), leftDaysAgo === null ? null : ago(leftDaysAgo)],
  );
  return p!.id;
}

// Daily: 3 long-standing (100 days), 2 joined in the last 30 days (10 and 3 days ago), 1 left 2 days ago
// (joined 60 days ago), 1 pending. Weekly: 1 joined 20 days ago.
const ids: number[] = [];
for (let i = 0; i < 3; i++) ids.push(await subscriber(`old${i}@example.com`, daily.id, 100));
ids.push(await subscriber('new1@example.com', daily.id, 10));
ids.push(await subscriber('new2@example.com', daily.id, 3));
const leaver = await subscriber('leaver@example.com', daily.id, 60, 2);
await subscriber('pending@example.com', daily.id, null);
await subscriber('w1@example.com', weekly.id, 20);

// Edition 1 of the daily went out 5 days ago: 5 sent, 1 failed, one of the sent bounced; the leaver left
// after it (2 days ago) and no later edition went out.
const e1 = await db.one<{ id: number }>(
  `INSERT INTO editions (newsletter_id, number, subject, status, window_start, window_end, send_started_at, sent_at)
   VALUES ($1, 1, 'Daily: trams return', 'sent', $2, $3, $3, $3) RETURNING id`,
  [daily.id, ago(6), ago(5)],
);
const recipients = [...ids, leaver];
for (const [i, pid] of recipients.entries()) {
  await db.query(`INSERT INTO deliveries (edition_id, person_id, status, sent_at) VALUES ($1, $2, $3, $4)`, [e1!.id, pid, i === 0 ? 'failed' : 'sent', i === 0 ? null : ago(5)]);
}
const bouncedDelivery = await db.one<{ id: number }>(`SELECT id FROM deliveries WHERE edition_id = $1 AND status = 'sent' ORDER BY id LIMIT 1`, [e1!.id]);
await db.query(`INSERT INTO mail_events (email_normalized, kind, source, delivery_id) VALUES ('x', 'hard_bounce', 'dsn', $1), ('x', 'hard_bounce', 'dsn', $1)`, [bouncedDelivery!.id]);

test('growth: confirmed subscribers now and week by week, with the last 30 days in and out', { timeout: 30_000 }, async () => {
  const g = await newsletterGrowth(db, new Date(NOW), 12);
  const d = g.find((x) => x.slug === 'daily')!;
  assert.equal(d.confirmed, 5, 'three old, two new; not the pending one nor the leaver');
  assert.equal(d.joined30, 2);
  assert.equal(d.left30, 1);
  assert.equal(d.weekly.length, 12);
  assert.equal(d.weekly[11], 5, 'the last point is now');
  // A week ago (before the 3-days-ago join, before the leaver left 2 days ago): 3 old + new1 + leaver = 5.
  assert.equal(d.weekly[10], 5);
  // Two weeks ago: 3 old + leaver = 4 (new1 joined 10 days ago).
  assert.equal(d.weekly[9], 4);
  // Eleven weeks ago (77 days): only the three old ones; the leaver joined 60 days ago.
  assert.equal(d.weekly[0], 3);
  const w = g.find((x) => x.slug === 'weekly')!;
  assert.deepEqual([w.confirmed, w.joined30, w.left30, w.weekly[11], w.weekly[8]], [1, 1, 0, 1, 0]);
});

test('edition reports: sent, failed, bounced (each delivery once) and unsubscribed before the next edition', { timeout: 30_000 }, async () => {
  const [r] = await recentEditionReports(db, 5);
  assert.ok(r);
  assert.deepEqual([r.newsletter, r.number, r.sent, r.failed, r.bounced, r.unsubscribed], ['The Daily Digest', 1, 5, 1, 1, 1]);
});

test('charts are images with a name, a description and the same numbers as a table; values are escaped', { timeout: 5_000 }, () => {
  assert.deepEqual([niceMax(0), niceMax(3), niceMax(11), niceMax(4999), niceMax(100)], [1, 5, 20, 5000, 100]);
  const svg = String(lineChart({ id: 'c1', title: 'Subscribers <script>', labels: ['1 Nov', '8 Nov'], series: [{ name: 'A & B', values: [1, 2] }] }));
  assert.match(svg, /<svg[^>]*role="img"[^>]*aria-labelledby="c1-t c1-d"/);
  assert.match(svg, /<title id="c1-t">Subscribers &lt;script&gt;<\/title>/);
  assert.match(svg, /<desc id="c1-d">A &amp; B: 1 to 2<\/desc>/);
  assert.match(svg, /<div class="visually-hidden"><table>[\s\S]*<th scope="row">8 Nov<\/th><td>2<\/td>/);
  assert.doesNotMatch(svg, /<script>/);
  // The y axis's labels are the numbers at their lines: no rounded half-way label (0, 1, 1 before).
  const ticks = (values: number[]) => [...String(lineChart({ id: 'c2', title: 'T', labels: values.map((_, i) => `week ${i}`), series: [{ name: 'S', values }] })).matchAll(/<text class="chart__tick"[^>]*text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1]).filter((v) => /^\d/.test(v!));
  assert.deepEqual(ticks([0, 0]), ['0', '1']);
  assert.deepEqual(ticks([0, 3]), ['0', '5']);
  assert.deepEqual(ticks([0, 7]), ['0', '5', '10']);
});

test('the dashboard shows the numbers and builds today\'s edition in one click', { timeout: 60_000 }, async () => {
  const { c } = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');
  const page = await c.page('/admin');
  assert.match(page, /<th scope="row">The Daily Digest<\/th><td class="num" data-label="Subscribers">5<\/td><td class="num" data-label="Joined \(30 days\)">2<\/td><td class="num" data-label="Left \(30 days\)">1<\/td><td class="num" data-label="Net">\+1<\/td>/);
  // On a phone the tables stack, each cell introduced by its column's name: every cell has one.
  const cells = [...page.matchAll(/<table class="list[^"]*">[\s\S]*?<\/table>/g)].flatMap((m) => [...m[0].matchAll(/<td(?=[\s>])[^>]*>/g)].map((c) => c[0]));
  assert.ok(cells.length >= 10, `${cells.length} cells`);
  assert.deepEqual(cells.filter((c) => !/data-label="[^"]+"/.test(c)), [], 'every dashboard cell is labelled for the phone layout');
  assert.match(page, /<svg[^>]*role="img"/);
  assert.match(page, /Confirmed subscribers, last 12 weeks/);
  assert.match(page, /The Daily Digest №1<\/a><br><span class="muted">Daily: trams return<\/span>/);
  assert.match(page, /Build today(?:'|&#39;)s Daily Digest</);
  const res = await c.post(`/admin/newsletters/${daily.id}/build`, {});
  assert.equal(res.status, 303);
  const loc = res.headers.get('location')!;
  assert.match(loc, /^\/admin\/newsletters\/editions\/\d+/);
  const after = await c.page('/admin');
  assert.match(after, /Open edition №2/, 'once built, the dashboard opens it instead of building another');
  // Writers see the numbers but no button (building is for those who manage newsletters).
  const { c: w } = await signedIn(t, 'writer@example.com', 'author', 'Arthur Thor');
  const wp = await w.page('/admin');
  assert.match(wp, /id="subs-title"/);
  assert.doesNotMatch(wp, /\/build"/);
});
