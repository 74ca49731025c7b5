// The newsroom's members screens over real HTTP: permissions by role, the list with search and
// filters, a member's page (notes, complimentary access until a date), CSV import with the command's
// report and CSV export, the SVG charts, plans and paywall settings; CSRF on every form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn, Client } from './helpers/newsroom.ts';
import { importMembersCsv, getPlan } from '../src/members/subscriptions.ts';
import { getMember } from '../src/members/accounts.ts';
import { getPaywall } from '../src/members/paywall.ts';
import { countDaily } from '../src/members/stats.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London' } });
const db = t.deps.db;
const admin = await signedIn(t, 'admin@example.com', 'administrator', 'Ada Min');
const editor = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');
const author = await signedIn(t, 'author@example.com', 'author', 'Arthur Thor');
const M = '/admin/members';

await db.query(`INSERT INTO people (email, email_normalized, name, account_at, created_at) VALUES ('free.reader@example.org', 'free.reader@example.org', 'Free Reader', $1, $1)`, [new Date('2026-10-01T10:00:00Z')]);
const seeded = await importMembersCsv(t.deps, 'email,name,plan,status,expires_at,external_id,note\nprint.one@example.org,Print One,Print,active,2027-06-30,P-1,from the print list\nlapsed@example.org,"=HYPERLINK(""x"")",Print,expired,2026-01-31,P-2,\n');
assert.equal(seeded.created, 2);
const idOf = async (email: string) => (await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [email]))!.id;

function upload(c: Client, text: string, csrf = c.csrf): Promise<Response> {
  const fd = new FormData();
  if (csrf) fd.append('_csrf', csrf);
  fd.append('file', new Blob([text], { type: 'text/csv' }), 'members.csv');
  return c.request(`${M}/import`, { method: 'POST', body: fd });
}

test('editors see members; authors may not; the list searches and filters by plan and status', async () => {
  assert.equal((await author.c.request(M)).status, 403);
  const page = await editor.c.page(M);
  assert.match(page, /href="\/admin\/members" aria-current="page"/);
  assert.match(page, /3 members/);
  assert.ok(page.includes('print.one@example.org') && page.includes('free.reader@example.org'));
  const active = await editor.c.page(`${M}?status=active`);
  assert.match(active, /1 member match/);
  assert.ok(active.includes('print.one@example.org') && !active.includes('lapsed@example.org'));
  const free = await editor.c.page(`${M}?status=free`);
  assert.ok(free.includes('free.reader@example.org') && !free.includes('print.one@example.org'));
  const byPlan = await editor.c.page(`${M}?plan=print&q=lapsed`);
  assert.ok(byPlan.includes('lapsed@example.org') && !byPlan.includes('print.one@example.org'));
  assert.equal((await editor.c.request(`${M}?status=bogus`)).status, 400);
  // Names are escaped.
  assert.ok(!page.includes('<script') && !page.includes('="x")</td>') || page.includes('=HYPERLINK(&quot;x&quot;)'));
});

test('a member’s page: notes and complimentary access until a date, each form with its CSRF token', async () => {
  const id = await idOf('free.reader@example.org');
  const page = await editor.c.page(`${M}/${id}`);
  assert.match(page, /No subscription: a free member/);
  assert.match(page, /id="member-reading">0 metered articles of 10 free/);
  assert.equal((await editor.c.request(`${M}/${id}/note`, { form: { note: 'no token' } })).status, 403);
  const saved = await editor.c.post(`${M}/${id}/note`, { note: 'Called about a delivery.' });
  assert.equal(saved.status, 303);
  assert.match(await editor.c.page(`${M}/${id}?notice=note`), /Called about a delivery\./);

  assert.equal((await editor.c.post(`${M}/${id}/complimentary`, { until: '2026-11-01' })).status, 400, 'a day in the past is refused');
  assert.equal((await editor.c.post(`${M}/${id}/complimentary`, { until: 'soon' })).status, 400);
  assert.equal((await editor.c.post(`${M}/${id}/complimentary`, { until: '2026-12-31', note: 'press pass' })).status, 303);
  assert.equal((await getMember(db, id, t.clock.now(), 7))!.paid, true);
  const row = await db.one<{ expires_at: Date; note: string }>(`SELECT expires_at, note FROM member_subscriptions WHERE person_id = $1 AND source = 'comp'`, [id]);
  assert.equal(row!.expires_at.toISOString(), '2027-01-01T00:00:00.000Z', 'the end of 31 December in London');
  assert.equal(row!.note, 'press pass');
  assert.match(await editor.c.page(`${M}/${id}`), /Revoke complimentary access/);
  assert.equal((await editor.c.post(`${M}/${id}/complimentary/revoke`)).status, 303);
  assert.equal((await getMember(db, id, t.clock.now(), 7))!.paid, false);
  assert.equal((await editor.c.request(`${M}/999999`)).status, 404);
});

test('CSV import gives the command’s report; export carries the import’s columns, spreadsheet-safe', async () => {
  await editor.c.page(M);
  const csv = 'email,name,plan,status,expires_at\nnew.one@example.org,New One,Digital Plus,active,\nnot-an-email,X,Print,active,\nnew.two@example.org,,Print,sometimes,\n';
  assert.equal((await upload(editor.c, csv, 'wrong')).status, 403);
  const r = await upload(editor.c, csv);
  const report = await r.text();
  assert.equal(r.status, 200, report.slice(0, 400));
  assert.match(report, /3 rows read; 2 could not be imported/);
  assert.match(report, /id="import-created">1</);
  assert.match(report, /Plans created \(offline\)<\/dt><dd>digital-plus/);
  assert.match(report, /<td data-label="Line">3<\/td>/);
  assert.match(report, /<td data-label="Line">4<\/td><td data-label="Problem">The status “sometimes”/);
  const again = await (await upload(editor.c, csv)).text();
  assert.match(again, /id="import-created">0</, 'a re-run never duplicates');

  const exp = await editor.c.request(`${M}/export?plan=print`);
  assert.equal(exp.status, 200);
  assert.match(exp.headers.get('content-type')!, /text\/csv/);
  const text = await exp.text();
  const lines = text.trim().split('\n');
  assert.equal(lines[0], 'email,name,plan,status,expires_at,external_id,note,source,registered_at,created_at,unknown_price');
  assert.ok(lines.some((l) => l.startsWith('print.one@example.org,Print One,print,active,2027-06-30,P-1,from the print list,import')));
  assert.ok(text.includes(`"'=HYPERLINK(""x"")"`), 'a formula-like name is written as text');
  assert.ok(!text.includes('free.reader@example.org'), 'the filter applies');
  // What was exported imports again unchanged.
  const back = await importMembersCsv(t.deps, text);
  assert.equal(back.created, 0);
  assert.equal(back.errors.length, 0, JSON.stringify(back.errors));
  assert.ok(back.unchanged >= 2);
  assert.equal((await db.one<{ name: string }>(`SELECT name FROM people WHERE email_normalized = 'lapsed@example.org'`))!.name, '=HYPERLINK("x")');
});

test('insights: members and paying members over time, and the funnel by week, as SVG with the numbers in a table', async () => {
  await countDaily(db, new Date('2026-11-16T10:00:00Z'), 'wall_shown', 40);
  await countDaily(db, new Date('2026-11-17T10:00:00Z'), 'registered', 4);
  await countDaily(db, new Date('2026-11-18T10:00:00Z'), 'paid', 1);
  const page = await editor.c.page(`${M}/insights`);
  assert.match(page, /<svg viewBox="0 0 640 220" width="100%" role="img" aria-labelledby="members-chart-title members-chart-desc"/);
  assert.match(page, /<title id="funnel-chart-title">Registration wall shown, registered, paid, by week<\/title>/);
  assert.match(page, /<path class="chart__line chart__s0" d="M[\d.]+,[\d.]+ L/);
  assert.match(page, /<th scope="row">2026-11-16<\/th><td[^>]*>40<\/td><td[^>]*>4<\/td><td[^>]*>1<\/td>/);
  const paying = Number(/id="paying-now">(\d+)</.exec(page)![1]);
  const members = Number(/id="members-now">(\d+)</.exec(page)![1]);
  const live = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM people WHERE account_at IS NOT NULL OR EXISTS (SELECT 1 FROM member_subscriptions ms WHERE ms.person_id = people.id)`);
  assert.equal(members, live!.n);
  assert.equal(paying, 2, 'the two active imported subscriptions (the expired one does not count)');
  for (const fig of page.match(/<figure[\s\S]*?<\/figure>/g)!) assert.doesNotMatch(fig, /<script|on\w+=/, 'charts need no script');
});

test('plans and the paywall are administrators’ settings', async () => {
  assert.equal((await editor.c.page(`${M}/plans`)).includes('Only administrators change plans'), true);
  assert.equal((await editor.c.post(`${M}/plans`, { name: 'Sneaky' })).status, 403);
  assert.equal((await editor.c.request(`${M}/paywall`)).status, 403);

  await admin.c.page(`${M}/plans`);
  const bad = await admin.c.post(`${M}/plans`, { name: 'Digital', monthly_amount: 'nine' });
  assert.equal(bad.status, 400);
  const ok = await admin.c.post(`${M}/plans`, { name: 'Digital', currency: 'GBP', monthly_amount: '9.5', yearly_amount: '90', stripe_price_monthly: 'price_abc', features: 'Everything\nThe archive', active: 'on', position: '1' });
  assert.equal(ok.status, 303);
  const p = await getPlan(db, 'digital');
  assert.equal(p!.monthly_amount, 950);
  assert.equal(p!.yearly_amount, 9000);
  assert.equal(p!.currency, 'gbp');
  assert.deepEqual(p!.features, ['Everything', 'The archive']);
  assert.match(await admin.c.page(`${M}/plans`), /Edit Digital/);

  const form = await admin.c.page(`${M}/paywall`);
  assert.match(form, /name="anonymous_limit" inputmode="numeric" pattern="\\d\{1,4\}" required value="3"/);
  assert.equal((await admin.c.post(`${M}/paywall`, { anonymous_limit: 'lots', member_limit: '10', period: 'month', grace_days: '7' })).status, 400);
  assert.equal((await admin.c.post(`${M}/paywall`, { anonymous_limit: '5', member_limit: '12', period: 'week', grace_days: '3', exempt_tags: 'obituaries, notices' })).status, 303);
  const pw = await getPaywall(db);
  assert.equal(pw.meter_enabled, false, 'an unticked box turns the meter off');
  assert.deepEqual([pw.anonymous_limit, pw.member_limit, pw.period, pw.grace_days], [5, 12, 'week', 3]);
  assert.deepEqual(pw.exempt_tags, ['obituaries', 'notices']);
});
