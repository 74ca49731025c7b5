// The newsroom's newsletter screens over real HTTP: subscribers (permissions by role, add with and
// without double opt-in, search, filters, counts, pages, unsubscribe, delete with a confirmation step,
// CSV import with its report and CSV export), pause / resume / cancel of a running send in the edition
// composer, and the outbox viewer (list, pages, one message, the HTML part served sandboxed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn, Client } from './helpers/newsroom.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { importSubscribersCsv } from '../src/newsletters/subscribers.ts';
import { addItem, buildEdition, startSend } from '../src/newsletters/editions.ts';
import { writeToOutbox } from '../src/mail/outbox.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London' } });
const db = t.deps.db;
await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
const admin = await signedIn(t, 'admin@example.com', 'administrator', 'Ada Min');
const editor = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');
const author = await signedIn(t, 'author@example.com', 'author', 'Arthur Thor');
const contributor = await signedIn(t, 'contrib@example.com', 'contributor', 'Connie Tribb');

// A second newsroom with SMTP configured (nothing connects to it: no background work).
const smtpApp = await startTestApp({ now: NOW, env: { SMTP_URL: 'smtp://127.0.0.1:2', MAIL_FROM: 'News <news@example.com>' } });
const smtpEditor = await signedIn(smtpApp, 'editor@example.com', 'editor');

const S = '/admin/newsletters/subscribers';

function upload(c: Client, fields: Record<string, string>, file: { text: string; name?: string } | null, csrf = c.csrf): Promise<Response> {
  const fd = new FormData();
  if (csrf) fd.append('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append('file', new Blob([file.text], { type: 'text/csv' }), file.name ?? 'people.csv');
  return c.request(`${S}/import`, { method: 'POST', body: fd });
}

async function statusOf(email: string, slug: string): Promise<string | undefined> {
  const r = await db.one<{ status: string }>(
    `SELECT s.status FROM subscriptions s JOIN people p ON p.id = s.person_id JOIN newsletters n ON n.id = s.newsletter_id WHERE p.email_normalized = $1 AND n.slug = $2`,
    [email, slug],
  );
  return r?.status;
}

async function personId(email: string): Promise<number | undefined> {
  return (await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [email]))?.id;
}

/** Rows of the subscribers table (their email cells). */
function emails(page: string): string[] {
  return [...page.matchAll(/<td data-label="Email">([^<\s]+)/g)].map((m) => m[1]!);
}

test('subscribers and the outbox are for editors and administrators only', async () => {
  const name = writeToOutbox(t.deps.config.dataDir, 'From: a@example.com\r\nTo: b@example.com\r\nSubject: Hi\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n', new Date('2019-01-01T00:00:00Z')).split('/').pop()!;
  for (const who of [author, contributor]) {
    const c = who.c;
    const home = await c.page('/admin');
    assert.doesNotMatch(home, /href="\/admin\/outbox"/, 'no outbox link for writers');
    for (const path of [S, `${S}?q=x`, `${S}/export`, `${S}/1/delete`, '/admin/outbox', `/admin/outbox/${name}`, `/admin/outbox/${name}/html`, `/admin/outbox/${name}/raw`]) {
      assert.equal((await c.request(path)).status, 403, `${who.staff.role} GET ${path}`);
    }
    assert.equal((await c.post(S, { email: 'x@example.com', newsletters: 'daily', confirmed: 'on' })).status, 403);
    assert.equal((await c.post(`${S}/1/unsubscribe`, {})).status, 403);
    assert.equal((await c.post(`${S}/1/delete`, {})).status, 403);
    assert.equal((await upload(c, { newsletter: 'daily', confirmed: 'on' }, { text: 'email\nx@example.com\n' })).status, 403);
  }
  assert.equal(await personId('x@example.com'), undefined, 'nothing was written');
  for (const who of [editor, admin]) {
    const home = await who.c.page('/admin');
    assert.match(home, /<a href="\/admin\/outbox"/, 'the navigation links to the outbox');
    for (const path of [S, `${S}/export`, '/admin/outbox', `/admin/outbox/${name}`, `/admin/outbox/${name}/html`]) {
      assert.equal((await who.c.request(path)).status, 200, `${who.staff.role} GET ${path}`);
    }
  }
  // Signed out: sent to sign in, and changes refused.
  const anon = new Client(t);
  const res = await anon.request(S);
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location')!, /^\/admin\/signin\?next=/);
  assert.equal((await anon.request(`/admin/outbox/${name}/html`)).status, 303);
  assert.equal((await anon.request(S, { form: { email: 'y@example.com', newsletters: 'daily' } })).status, 401);
});

test('add a subscriber with or without double opt-in; mistakes come back with what was typed', async () => {
  const c = editor.c;
  await c.page(S);
  const ok = await c.post(S, { email: 'ann@example.com', name: 'Ann Reader', newsletters: 'daily', confirmed: 'on' });
  assert.equal(ok.status, 303, await ok.text());
  assert.match(ok.headers.get('location')!, /q=ann%40example\.com&notice=subscriber_added/);
  assert.equal(await statusOf('ann@example.com', 'daily'), 'confirmed');
  assert.equal((await db.one(`SELECT count(*)::int AS n FROM jobs WHERE name = 'newsletters.send_verification'`))!.n, 0, 'no verification email for a confirmed add');
  const page = await c.page(ok.headers.get('location')!);
  assert.match(page, /Subscriber added and confirmed/);
  assert.deepEqual(emails(page), ['ann@example.com']);

  const dbl = await c.post(S, { email: 'bob@example.com', name: 'Bob Builder', newsletters: ['daily', 'morning'] });
  assert.equal(dbl.status, 303);
  assert.match(dbl.headers.get('location')!, /notice=subscriber_invited/);
  assert.equal(await statusOf('bob@example.com', 'daily'), 'pending');
  assert.equal(await statusOf('bob@example.com', 'morning'), 'pending');
  const job = await db.one<{ payload: { personId: number } }>(`SELECT payload FROM jobs WHERE name = 'newsletters.send_verification'`);
  assert.equal(job!.payload.personId, await personId('bob@example.com'), 'the verification email is queued');

  const bad = await c.post(S, { email: 'not-an-email', name: 'Typed <name>', newsletters: 'morning' });
  assert.equal(bad.status, 400);
  const badPage = await bad.text();
  assert.match(badPage, /role="alert">“not-an-email” is not a valid email address/);
  assert.match(badPage, /name="email" required maxlength="254" autocomplete="off" value="not-an-email"/);
  assert.match(badPage, /value="Typed &lt;name&gt;"/, 'typed values are kept, escaped');
  assert.match(badPage, /value="morning" checked/);
  const none = await c.post(S, { email: 'carol@example.com' });
  assert.equal(none.status, 400);
  assert.match(await none.text(), /Choose at least one newsletter/);
  assert.equal(await personId('carol@example.com'), undefined);
  // No CSRF token.
  assert.equal((await c.request(S, { form: { email: 'dave@example.com', newsletters: 'daily', confirmed: 'on' } })).status, 403);
  assert.equal(await personId('dave@example.com'), undefined);
});

test('search by email or name, filter by newsletter and status, counts per newsletter, pages', async () => {
  const c = editor.c;
  assert.deepEqual(emails(await c.page(`${S}?q=ANN@`)), ['ann@example.com'], 'email, any case');
  assert.deepEqual(emails(await c.page(`${S}?q=builder`)), ['bob@example.com'], 'name');
  assert.deepEqual(emails(await c.page(`${S}?newsletter=morning`)), ['bob@example.com']);
  assert.deepEqual(emails(await c.page(`${S}?newsletter=daily&status=confirmed`)), ['ann@example.com']);
  assert.deepEqual(emails(await c.page(`${S}?status=pending`)), ['bob@example.com']);
  assert.match(await c.page(`${S}?q=nobody-at-all`), /Nobody matches this search/);
  assert.equal((await c.request(`${S}?status=weird`)).status, 400);

  // 60 people in the good-news letter: 50 on the first page, 10 on the second.
  const csv = ['email,name', ...Array.from({ length: 60 }, (_, i) => `reader${String(i).padStart(2, '0')}@example.org,Reader ${i}`)].join('\n');
  await importSubscribersCsv(t.deps, csv, { newsletter: 'good-news', confirmed: true });
  const p1 = await c.page(`${S}?newsletter=good-news`);
  assert.equal(emails(p1).length, 50);
  assert.match(p1, /60 people match, page 1 of 2/);
  assert.match(p1, /<a rel="next" href="\/admin\/newsletters\/subscribers\?newsletter=good-news&amp;page=2">/);
  const p2 = await c.page(`${S}?newsletter=good-news&page=2`);
  assert.equal(emails(p2).length, 10);
  assert.equal(new Set([...emails(p1), ...emails(p2)]).size, 60, 'no one on both pages');
  assert.match(p2, /rel="prev"/);

  // Counts per newsletter.
  const all = await c.page(S);
  const count = (name: string, col: string) => new RegExp(`>${name}</a></td>\\s*(?:<td[^>]*>\\d+</td>\\s*)*?<td data-label="${col}">(\\d+)</td>`).exec(all)?.[1];
  assert.equal(count('The Daily Digest', 'Confirmed'), '1');
  assert.equal(count('The Daily Digest', 'Pending'), '1');
  assert.equal(count('Morning Briefing', 'Pending'), '1');
  assert.equal(count('The Good News', 'Confirmed'), '60');
  assert.match(all, /62 people, page 1 of 2\./);
});

test('unsubscribe from one newsletter or all, and delete a person for good after a confirmation', async () => {
  const c = editor.c;
  await c.page(S);
  const ann = (await personId('ann@example.com'))!;
  const bob = (await personId('bob@example.com'))!;
  const one = await c.post(`${S}/${ann}/unsubscribe`, { newsletter: 'daily', back: `${S}?q=ann` });
  assert.equal(one.status, 303);
  assert.equal(one.headers.get('location'), `${S}?q=ann&notice=unsubscribed`);
  assert.equal(await statusOf('ann@example.com', 'daily'), 'unsubscribed');
  // Only the subscribers screen is a place to go back to.
  const all = await c.post(`${S}/${bob}/unsubscribe`, { newsletter: '', back: 'https://evil.example/' });
  assert.equal(all.headers.get('location'), `${S}?notice=unsubscribed`);
  assert.equal(await statusOf('bob@example.com', 'daily'), 'unsubscribed');
  assert.equal(await statusOf('bob@example.com', 'morning'), 'unsubscribed');
  assert.equal((await c.post(`${S}/999999/unsubscribe`, {})).status, 404);

  // Delete: a confirmation page, then the POST removes the person and everything about them.
  const confirm = await c.page(`${S}/${bob}/delete`);
  assert.match(confirm, /<h1>Delete bob@example.com\?<\/h1>/);
  assert.match(confirm, /The Daily Digest \(unsubscribed\)/);
  assert.match(confirm, /<button type="submit" class="danger">Delete bob@example.com for good<\/button>/);
  assert.equal(await personId('bob@example.com'), bob, 'opening the page deletes nothing');
  assert.equal((await c.request(`${S}/${bob}/delete`, { method: 'POST', form: {} })).status, 403, 'no CSRF token');
  assert.equal(await personId('bob@example.com'), bob);
  const del = await c.post(`${S}/${bob}/delete`);
  assert.equal(del.status, 303);
  assert.equal(del.headers.get('location'), `${S}?notice=subscriber_deleted`);
  assert.equal(await personId('bob@example.com'), undefined);
  assert.equal((await db.one(`SELECT count(*)::int AS n FROM subscriptions WHERE person_id = $1`, [bob]))!.n, 0);
  assert.match(await c.page(del.headers.get('location')!), /The subscriber was deleted for good/);
  assert.equal((await c.request(`${S}/${bob}/delete`)).status, 404);
  assert.equal((await c.post(`${S}/${bob}/delete`)).status, 404);
});

test('CSV import: upload, choose the newsletter, confirmed or double opt-in, and a report of bad rows by line', async () => {
  const c = admin.c;
  await c.page(S);
  const csv = [
    'Email,Name,Consent time',
    'erin@example.com,Erin Early,2025-03-01T09:30:00Z',
    'not an address,Nobody,',
    'ERIN@example.com,Erin Again,',
    'frank@example.com,Frank,yesterday-ish',
    'gina@example.com,Gina <b>Bold</b>,',
  ].join('\r\n');
  const res = await upload(c, { newsletter: 'morning', confirmed: 'on' }, { text: csv, name: 'list <1>.csv' });
  const report = await res.text();
  assert.equal(res.status, 200, report.slice(0, 500));
  assert.match(report, /<h1>Import report<\/h1>/);
  assert.match(report, /list &lt;1&gt;.csv: 5 rows read into Morning Briefing as confirmed; 3 could not be imported/);
  assert.match(report, /<dd id="import-added">2<\/dd>/);
  const lines = [...report.matchAll(/<td data-label="Line">(\d+)<\/td><td data-label="Problem">([^<]*)<\/td>/g)].map((m) => [Number(m[1]), m[2]!] as const);
  assert.deepEqual(lines.map((l) => l[0]), [3, 4, 5]);
  assert.match(lines[0]![1], /not a valid email address/);
  assert.match(lines[1]![1], /appears earlier in the file/);
  assert.match(lines[2]![1], /consent time &quot;yesterday-ish&quot; is not a date/);
  assert.equal(await statusOf('erin@example.com', 'morning'), 'confirmed');
  assert.equal(await statusOf('gina@example.com', 'morning'), 'confirmed');
  const consent = await db.one<{ consent_at: Date }>(`SELECT s.consent_at FROM subscriptions s JOIN people p ON p.id = s.person_id WHERE p.email_normalized = 'erin@example.com'`);
  assert.equal(new Date(consent!.consent_at).toISOString(), '2025-03-01T09:30:00.000Z', 'the consent time from the file is kept');

  // The same file again changes nothing.
  const again = await upload(c, { newsletter: 'morning', confirmed: 'on' }, { text: csv });
  assert.match(await again.text(), /<dd id="import-added">0<\/dd>/);

  // Without "confirmed": pending, with a verification email each.
  const before = (await db.one(`SELECT count(*)::int AS n FROM jobs WHERE name = 'newsletters.send_verification'`))!.n;
  const dbl = await upload(c, { newsletter: 'daily' }, { text: 'email\nhal@example.com\nivy@example.com\n' });
  const dblText = await dbl.text();
  assert.equal(dbl.status, 200);
  assert.match(dblText, /with double opt-in; 0 could not be imported/);
  assert.equal(await statusOf('hal@example.com', 'daily'), 'pending');
  assert.equal((await db.one(`SELECT count(*)::int AS n FROM jobs WHERE name = 'newsletters.send_verification'`))!.n, before + 2);

  // Refused: no CSRF token, no newsletter, no file, an empty file, a file without an email column, binary.
  assert.equal((await upload(c, { newsletter: 'daily', confirmed: 'on' }, { text: 'email\nmallory@example.com\n' }, '')).status, 403);
  assert.equal(await personId('mallory@example.com'), undefined);
  const noNl = await upload(c, { newsletter: 'nope', confirmed: 'on' }, { text: 'email\nx1@example.com\n' });
  assert.equal(noNl.status, 400);
  assert.match(await noNl.text(), /Choose the newsletter to import into/);
  assert.equal((await upload(c, { newsletter: 'daily' }, null)).status, 400);
  const empty = await upload(c, { newsletter: 'daily' }, { text: '' });
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /The file is empty/);
  const noEmail = await upload(c, { newsletter: 'daily' }, { text: 'who,when\nx,y\n' });
  assert.equal(noEmail.status, 400);
  assert.match(await noEmail.text(), /The first line must name the columns/);
  const binary = await upload(c, { newsletter: 'daily' }, { text: 'email\u0000\u0001' });
  assert.equal(binary.status, 400);
  // A plain form post is not an upload.
  assert.equal((await c.post(`${S}/import`, { newsletter: 'daily' })).status, 400);
});

test('CSV export: everyone, or one newsletter, as a download', async () => {
  const c = editor.c;
  const res = await c.request(`${S}/export`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/csv/);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="subscribers-all-2026-11-20.csv"');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const text = await res.text();
  const lines = text.trim().split('\n');
  assert.match(lines[0]!, /^email,name,newsletters,pending,unsubscribed,consent_at,created_at,suppressed_at/);
  assert.ok(text.includes('erin@example.com,Erin Early,morning,'));
  assert.ok(text.includes('gina@example.com,Gina <b>Bold</b>,morning'), 'CSV is data, not HTML');
  assert.equal(Number(res.headers.get('x-total-count')), lines.length - 1);
  const one = await c.request(`${S}/export?newsletter=morning`);
  const oneText = await one.text();
  assert.equal(one.headers.get('content-disposition'), 'attachment; filename="subscribers-morning-2026-11-20.csv"');
  assert.match(oneText.split('\n')[0]!, /,status$/);
  assert.ok(oneText.includes('erin@example.com'));
  assert.ok(!oneText.includes('reader00@example.org'), 'only people with a morning subscription');
  assert.equal((await c.request(`${S}/export?newsletter=nope`)).status, 404);
  // The screen links to both.
  const page = await c.page(S);
  assert.match(page, /href="\/admin\/newsletters\/subscribers\/export\?newsletter=morning" download/);
  assert.match(page, /href="\/admin\/newsletters\/subscribers\/export" download>Export everyone as CSV/);
});

test('pause, resume and cancel a running send, shown according to its state', async () => {
  const c = editor.c;
  const e = await buildEdition(t.deps, 'good-news');
  if (!e.items.length) await addItem(db, e.id, (await db.one<{ id: number }>(`SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1`))!.id);
  await startSend(t.deps, e.id); // no background workers here: it stays "sending"
  const base = `/admin/newsletters/editions/${e.id}`;
  const visible = (page: string, action: string) => new RegExp(`action="${base}/${action}" data-when="[a-z ]+">`).test(page);
  const cancelVisible = (page: string) => new RegExp(`href="${base}/cancel" data-when="sending paused">`).test(page);

  let page = await c.page(base);
  assert.match(page, /id="edition-state" data-state="sending">Sending now</);
  assert.ok(visible(page, 'pause'), 'pause is offered while sending');
  assert.ok(!visible(page, 'resume'), 'resume is not');
  assert.ok(cancelVisible(page));
  assert.match(page, /data-progress="\/admin\/newsletters\/editions\/\d+\/status"/, 'with the live progress');
  assert.match(page, /id="send-paused-reason" class="notice notice--warn" hidden/);

  assert.equal((await author.c.post(`${base}/pause`)).status, 403, 'authors cannot');
  const pause = await c.post(`${base}/pause`);
  assert.equal(pause.status, 303);
  assert.match(pause.headers.get('location')!, /notice=paused/);
  page = await c.page(pause.headers.get('location')!);
  assert.match(page, /Sending paused\./);
  assert.match(page, /id="edition-state" data-state="paused">Paused</);
  assert.ok(!visible(page, 'pause'));
  assert.ok(visible(page, 'resume'));
  assert.ok(cancelVisible(page));
  assert.match(page, /id="send-paused-reason" class="notice notice--warn">Paused: Paused by an editor\.</);
  const st = await (await c.request(`${base}/status`, { headers: { accept: 'application/json' } })).json();
  assert.equal(st.status, 'paused');
  assert.equal(st.total, 60);

  const twice = await c.post(`${base}/pause`);
  assert.equal(twice.status, 409, 'a paused send cannot be paused again');
  assert.match(await twice.text(), /only a send in progress can be paused/);

  const resume = await c.post(`${base}/resume`);
  assert.equal(resume.status, 303);
  assert.match(resume.headers.get('location')!, /notice=resumed/);
  assert.equal((await db.one(`SELECT status FROM editions WHERE id = $1`, [e.id]))!.status, 'sending');

  // Cancel: a confirmation page first.
  const confirm = await c.page(`${base}/cancel`);
  assert.match(confirm, /0 of 60 sent so far; 60 still to go/);
  assert.match(confirm, /Cancel the send for good/);
  assert.equal((await db.one(`SELECT status FROM editions WHERE id = $1`, [e.id]))!.status, 'sending', 'opening it changes nothing');
  assert.equal((await c.request(`${base}/cancel`, { method: 'POST', form: {} })).status, 403, 'no CSRF token');
  const cancel = await c.post(`${base}/cancel`);
  assert.equal(cancel.status, 303);
  page = await c.page(cancel.headers.get('location')!);
  assert.match(page, /The send was cancelled/);
  assert.match(page, /id="edition-state" data-state="cancelled">Cancelled</);
  assert.ok(!visible(page, 'pause') && !visible(page, 'resume') && !cancelVisible(page), 'no controls once cancelled');
  assert.equal((await c.post(`${base}/resume`)).status, 409);
  assert.match(await c.page(`${base}/cancel`), /there is no send in progress to cancel/);
});

test('the outbox viewer: newest first, pages, one message with its parts, HTML only in a sandbox', async () => {
  const c = editor.c;
  const dir = t.deps.config.dataDir;
  // 55 older messages, then one with an HTML part that tries to run script.
  for (let i = 0; i < 55; i++) {
    writeToOutbox(dir, `From: News <news@example.com>\r\nTo: r${i}@example.com\r\nSubject: Old message ${i}\r\n\r\nText ${i}\r\n`, new Date(Date.UTC(2020, 0, 1, 0, i)));
  }
  const evil = [
    'Return-Path: <bounce@example.com>',
    'From: =?utf-8?B?' + Buffer.from('Café Desk').toString('base64') + '?= <news@example.com>',
    'To: Reader <reader@example.com>',
    'Subject: =?utf-8?Q?Caf=C3=A9_=E2=98=95_news?=',
    'List-Unsubscribe: <https://news.example/u/abc>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Hello <script>alert(1)</script> caf=C3=A9',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<p style=3D"color:red">Hello</p><script>alert(1)</script><img src=3Dx onerror=3D"alert(2)">',
    '--b1--',
    '',
  ].join('\r\n');
  const file = writeToOutbox(dir, evil, new Date('2021-06-01T00:00:00Z')).split('/').pop()!;

  const list = await c.page('/admin/outbox');
  const subjects = [...list.matchAll(/<td data-label="Subject"><a href="\/admin\/outbox\/([^"]+)">([^<]*)<\/a>/g)].map((m) => m[2]);
  assert.equal(subjects.length, 50);
  assert.equal(subjects[0], 'Café ☕ news', 'newest first, subject decoded');
  assert.equal(subjects[1], 'Old message 54');
  assert.match(list, /57 messages, page 1 of 2/);
  assert.match(list, /<a rel="next" href="\/admin\/outbox\?page=2">/);
  const p2 = await c.page('/admin/outbox?page=2');
  const subjects2 = [...p2.matchAll(/<td data-label="Subject"><a href="[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]);
  assert.equal(subjects2.length, 7);
  assert.equal(subjects2.at(-1), 'Hi', 'the oldest last');

  const res = await c.request(`/admin/outbox/${file}`);
  const page = await res.text();
  assert.equal(res.status, 200);
  assert.match(page, /<h1>Café ☕ news<\/h1>/);
  assert.match(page, /<dt>From<\/dt><dd>Café Desk &lt;news@example.com&gt;<\/dd>/);
  assert.match(page, /<dt>To<\/dt><dd>Reader &lt;reader@example.com&gt;<\/dd>/);
  assert.match(page, /<dt>List-Unsubscribe<\/dt><dd>&lt;https:\/\/news.example\/u\/abc&gt;<\/dd>/);
  assert.match(page, /Hello &lt;script&gt;alert\(1\)&lt;\/script&gt; café/, 'the text part, escaped');
  assert.match(page, new RegExp(`<iframe class="mail-frame" src="/admin/outbox/${file}/html" sandbox="" `), 'the HTML part in a sandboxed frame');
  assert.doesNotMatch(page, /<script>alert|onerror=/, 'the HTML part is never put into the page');
  assert.match(res.headers.get('content-security-policy')!, /frame-src 'self'/);
  assert.match(res.headers.get('content-security-policy')!, /script-src 'self'/);

  const frame = await c.request(`/admin/outbox/${file}/html`);
  const csp = frame.headers.get('content-security-policy')!;
  assert.equal(frame.status, 200);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /(^|; )sandbox($|;)/);
  assert.doesNotMatch(csp, /script-src|unsafe-eval/, 'no script source is allowed');
  assert.equal(frame.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(frame.headers.get('cache-control'), 'no-store');
  assert.match(await frame.text(), /^<p style="color:red">Hello<\/p>/);

  const raw = await c.request(`/admin/outbox/${file}/raw`);
  assert.equal(raw.headers.get('content-disposition'), `attachment; filename="${file}"`);
  assert.equal(Buffer.from(await raw.arrayBuffer()).toString(), evil);

  // Only outbox file names: no paths, nothing else.
  for (const bad of ['..%2F..%2Fetc%2Fpasswd', '..%2Foutbox.eml', 'missing.eml', `${file.replace('.eml', '.tmp')}`]) {
    assert.equal((await c.request(`/admin/outbox/${bad}`)).status, 404, bad);
  }
  const textOnly = /href="\/admin\/outbox\/([^"?]+\.eml)"/.exec(p2)![1];
  assert.equal((await c.request(`/admin/outbox/${textOnly}/html`)).status, 404, 'a message without an HTML part has no frame');

  // The dashboard points there while no SMTP is configured.
  const dash = await c.page('/admin');
  assert.match(dash, /SMTP_URL is not set, so every email is written to the outbox instead\. <a href="\/admin\/outbox">Open the outbox<\/a> \(57 messages\)/);
});

test('a test edition lands in the outbox and reads back with its headers and both parts', async () => {
  const c = editor.c;
  const e = await buildEdition(t.deps, 'daily');
  await c.page(`/admin/newsletters/editions/${e.id}`);
  assert.equal((await c.post(`/admin/newsletters/editions/${e.id}/text`, { subject: 'Trams & comets', intro: 'Good morning.' })).status, 303);
  assert.equal((await c.post(`/admin/newsletters/editions/${e.id}/test`)).status, 303);
  const list = await c.page('/admin/outbox');
  const first = /<td data-label="To">([^<]*)<\/td>\s*<td data-label="Subject"><a href="\/admin\/outbox\/([^"]+)">([^<]*)<\/a>/.exec(list)!;
  assert.match(first[1]!, /editor@example.com/);
  assert.match(first[3]!, /Trams &amp; comets/);
  const page = await c.page(`/admin/outbox/${first[2]}`);
  assert.match(page, /<dt>List-Unsubscribe-Post<\/dt><dd>List-Unsubscribe=One-Click<\/dd>/);
  assert.match(page, /<h2 id="text-title">Text part<\/h2><pre class="mail-text" tabindex="0">[^]*Good morning\./);
  assert.match(page, /<iframe class="mail-frame"/);
  const frame = await c.request(`/admin/outbox/${first[2]}/html`);
  assert.match(await frame.text(), /Good morning\./);
});

test('with SMTP configured the dashboard and navigation leave the outbox out', async () => {
  const c = smtpEditor.c;
  const dash = await c.page('/admin');
  assert.doesNotMatch(dash, /href="\/admin\/outbox"/);
  const page = await c.page('/admin/outbox');
  assert.match(page, /SMTP_URL is set, so mail goes out through your mail server/);
});
