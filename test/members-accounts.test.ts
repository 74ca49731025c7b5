// Reader accounts over real HTTP with a real SMTP server on loopback: register and sign in answer
// alike for any address, the emailed link opens a button page and works once, the account page and its
// forms (CSRF), email change confirmed by mail, newsletters, sign out everywhere, data export, deletion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { startMailSink, type ReceivedMail } from './helpers/mail-sink.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { memberLinkToken } from '../src/members/accounts.ts';

const NOW = '2026-11-20T12:00:00Z';
const sink = await startMailSink();
const t = await startTestApp({ now: NOW, env: { SMTP_URL: sink.url, MAIL_FROM: 'The Ledger <news@news.example>', MEMBER_LINK_LIMIT_PER_ADDRESS: '3' } });
const { db } = t.deps;
await seedNewsletters(db);
const ORIGIN = { origin: 'https://news.example' };

function post(path: string, fields: Array<[string, string]>, headers: Record<string, string> = {}) {
  return t.get(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN, ...headers }, body: new URLSearchParams(fields).toString() });
}
const runJobs = () => runDueJobs(t.deps, jobRegistry);
const linkIn = (m: ReceivedMail, path: string) => {
  const re = new RegExp(`https://news\\.example${path.replace(/\//g, '\\/')}\\?token=[^\\s"<]+`);
  return (m.parsed.text ?? '').match(re)![0]!.replace('https://news.example', '');
};

async function signInAs(email: string, extra: Array<[string, string]> = []): Promise<string> {
  const before = sink.messages.length;
  const r = await post('/account/register', [['email', email], ...extra]);
  assert.equal(r.status, 200);
  await runJobs();
  const mail = await sink.waitFor((m) => sink.messages.indexOf(m) >= before && m.to.includes(email.toLowerCase()));
  const link = linkIn(mail, '/account/signin/link');
  const token = decodeURIComponent(link.split('token=')[1]!);
  const used = await post('/account/signin/link', [['token', token]]);
  assert.equal(used.status, 303);
  const cookie = used.headers.get('set-cookie')!;
  assert.match(cookie, /^nd_member=[A-Za-z0-9_-]{40,}; Path=\/; .*HttpOnly; SameSite=Lax; Secure/);
  return cookie.split(';')[0]!;
}

async function csrfOf(cookie: string): Promise<string> {
  const page = await (await t.get('/account', { headers: { cookie } })).text();
  return page.match(/name="_csrf" value="([^"]+)"/)![1]!;
}

test('register and sign in answer the same page for a known and an unknown address', { timeout: 30_000 }, async () => {
  await db.query(`INSERT INTO people (email, email_normalized, name, account_at) VALUES ('known@example.org', 'known@example.org', 'Known', now())`);
  for (const path of ['/account/register', '/account/signin']) {
    const a = await post(path, [['email', 'known@example.org']]);
    const b = await post(path, [['email', 'nobody-here@example.org']]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const norm = (s: string) => s.replace(/known@example\.org|nobody-here@example\.org/g, 'X');
    assert.equal(norm(await a.text()), norm(await b.text()));
  }
  // Only jobs were queued, one per address (deduplicated), and nothing about the unknown address was stored.
  const jobs = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE name = 'members.send_signin_link' AND status = 'queued'`);
  assert.equal(jobs[0]!.n, 2);
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'nobody-here@example.org'`), undefined);
});

test('a cross-site post is refused', { timeout: 10_000 }, async () => {
  const r = await post('/account/signin', [['email', 'x@example.org']], { origin: 'https://evil.example' });
  assert.equal(r.status, 403);
});

test('the link: GET shows a button and uses nothing, POST signs in once, a second use fails', { timeout: 30_000 }, async () => {
  const before = sink.messages.length;
  await post('/account/register', [['email', 'Reader@Example.org'], ['name', 'Rea Der'], ['newsletters', 'daily']]);
  await runJobs();
  const mail = await sink.waitFor((m) => sink.messages.indexOf(m) >= before && m.to.includes('reader@example.org'));
  assert.match(mail.parsed.subject ?? '', /Finish creating your .* account/);
  assert.match(mail.parsed.text ?? '', /next 15 minutes/);
  const link = linkIn(mail, '/account/signin/link');
  const page = await t.get(link);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<button type="submit">Sign in<\/button>/);
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'reader@example.org' AND account_at IS NOT NULL`), undefined);
  const token = decodeURIComponent(link.split('token=')[1]!);
  const used = await post('/account/signin/link', [['token', token]]);
  assert.equal(used.status, 303);
  assert.equal(used.headers.get('location'), '/account');
  const cookie = used.headers.get('set-cookie')!.split(';')[0]!;
  const account = await (await t.get('/account', { headers: { cookie } })).text();
  assert.match(account, /reader@example\.org/);
  assert.match(account, /value="Rea Der"/);
  assert.match(account, /value="daily" checked/);
  const again = await post('/account/signin/link', [['token', token]]);
  assert.equal(again.status, 401);
  assert.match(await again.text(), /expired or has already been used/);
});

test('an expired, altered or forged link does not sign in', { timeout: 10_000 }, async () => {
  const secret = t.deps.config.secretKey;
  const expired = memberLinkToken(secret, { e: 'reader@example.org' }, 60, new Date(Date.parse(NOW) - 3600_000));
  assert.equal((await post('/account/signin/link', [['token', expired]])).status, 401);
  const forged = memberLinkToken('another-secret-another-secret-another-secret', { e: 'reader@example.org' }, 900, new Date(NOW));
  assert.equal((await post('/account/signin/link', [['token', forged]])).status, 401);
  const good = memberLinkToken(secret, { e: 'reader@example.org' }, 900, new Date(NOW));
  const altered = good.slice(0, 5) + (good[5] === 'A' ? 'B' : 'A') + good.slice(6);
  assert.equal((await post('/account/signin/link', [['token', altered]])).status, 401);
});

test('sign-in link requests are rate-limited per address', { timeout: 10_000 }, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await post('/account/signin', [['email', 'limited@example.org']])).status);
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
});

test('the account page needs a session; its forms need the CSRF token', { timeout: 30_000 }, async () => {
  const anon = await t.get('/account');
  assert.equal(anon.status, 303);
  assert.match(anon.headers.get('location')!, /^\/account\/signin/);
  const cookie = await signInAs('forms@example.org');
  const noToken = await post('/account/name', [['name', 'Mallory']], { cookie });
  assert.equal(noToken.status, 403);
  const csrf = await csrfOf(cookie);
  const ok = await post('/account/name', [['name', 'Fran Forms'], ['_csrf', csrf]], { cookie });
  assert.equal(ok.status, 303);
  assert.equal((await db.one<{ name: string }>(`SELECT name FROM people WHERE email_normalized = 'forms@example.org'`))!.name, 'Fran Forms');
  // Newsletters: join one, then leave it.
  await post('/account/newsletters', [['newsletters', 'morning'], ['_csrf', csrf]], { cookie });
  assert.match(await (await t.get('/account', { headers: { cookie } })).text(), /value="morning" checked/);
  await post('/account/newsletters', [['_csrf', csrf]], { cookie });
  assert.doesNotMatch(await (await t.get('/account', { headers: { cookie } })).text(), /value="morning" checked/);
});

test('changing the address takes effect only when the new address confirms it', { timeout: 30_000 }, async () => {
  const cookie = await signInAs('old@example.org');
  const csrf = await csrfOf(cookie);
  const before = sink.messages.length;
  assert.equal((await post('/account/email', [['email', 'new@example.org'], ['_csrf', csrf]], { cookie })).status, 303);
  await runJobs();
  const mail = await sink.waitFor((m) => sink.messages.indexOf(m) >= before && m.to.includes('new@example.org'));
  assert.ok(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'old@example.org'`), 'unchanged until confirmed');
  const link = linkIn(mail, '/account/email/confirm');
  assert.equal((await t.get(link)).status, 200);
  const token = decodeURIComponent(link.split('token=')[1]!);
  const r = await post('/account/email/confirm', [['token', token]]);
  assert.equal(r.status, 200);
  assert.ok(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'new@example.org'`));
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'old@example.org'`), undefined);
  assert.equal((await post('/account/email/confirm', [['token', token]])).status, 401);
});

test('sign out everywhere ends every session', { timeout: 30_000 }, async () => {
  const one = await signInAs('twice@example.org');
  const two = await signInAs('twice@example.org');
  assert.equal((await t.get('/account', { headers: { cookie: two } })).status, 200);
  const r = await post('/account/signout-everywhere', [['_csrf', await csrfOf(one)]], { cookie: one });
  assert.equal(r.status, 200);
  assert.equal((await t.get('/account', { headers: { cookie: one } })).status, 303);
  assert.equal((await t.get('/account', { headers: { cookie: two } })).status, 303);
});

test('download my data, then delete the account: personal data gone, counts kept', { timeout: 30_000 }, async () => {
  const cookie = await signInAs('leaving@example.org', [['name', 'Lee Ving']]);
  const data = await t.get('/account/data.json', { headers: { cookie } });
  assert.equal(data.status, 200);
  assert.match(data.headers.get('cache-control')!, /private/);
  const json = await data.json();
  assert.equal(json.person.email, 'leaving@example.org');
  assert.equal(json.person.name, 'Lee Ving');
  const registered = (await db.one<{ n: number }>(`SELECT coalesce(sum(n), 0)::int AS n FROM member_daily WHERE kind = 'registered'`))!.n;
  assert.ok(registered >= 1);
  const noConfirm = await post('/account/delete', [['_csrf', await csrfOf(cookie)]], { cookie });
  assert.equal(noConfirm.status, 400);
  const r = await post('/account/delete', [['_csrf', await csrfOf(cookie)], ['confirm', 'delete']], { cookie });
  assert.equal(r.status, 200);
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'leaving@example.org'`), undefined);
  assert.equal((await t.get('/account', { headers: { cookie } })).status, 303);
  assert.equal((await db.one<{ n: number }>(`SELECT coalesce(sum(n), 0)::int AS n FROM member_daily WHERE kind = 'registered'`))!.n, registered);
});
