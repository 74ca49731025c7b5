// Newsletter sign-up over real HTTP with a real SMTP server on loopback: double opt-in end to end,
// the exact reader messages, JSON and no-JavaScript paths, nothing half-written on a database failure,
// identical answers on re-signup, the bot trap, rate limits, one-click unsubscribe and preferences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { startMailSink } from './helpers/mail-sink.ts';
import { embedSnippet } from '../src/web/pages/newsletters.ts';
import { loadSite, type WebDeps } from '../src/web/site.ts';
import { seedNewsletters, getNewsletterBySlug } from '../src/newsletters/newsletters.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';
import { unsubscribeToken, unsubscribeUrl, preferencesToken } from '../src/newsletters/links.ts';
import { SIGNUP_PROBLEM, SIGNUP_SUCCESS, confirmationToken } from '../src/newsletters/signup.ts';

const NOW = '2026-11-20T12:00:00Z';
const sink = await startMailSink();
const t = await startTestApp({ now: NOW, env: { SMTP_URL: sink.url, MAIL_FROM: 'The Ledger <news@news.example>', SIGNUP_LIMIT_PER_IP: '1000', SIGNUP_LIMIT_PER_ADDRESS: '4' } });
const { db } = t.deps;
await seedNewsletters(db);
const daily = (await getNewsletterBySlug(db, 'daily'))!;
const morning = (await getNewsletterBySlug(db, 'morning'))!;
const ORIGIN = { origin: 'https://news.example' };

function form(fields: Array<[string, string]>, headers: Record<string, string> = {}) {
  return t.get('/newsletters/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}
function json(body: unknown, headers: Record<string, string> = {}) {
  return t.get('/newsletters/subscribe', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) });
}
async function rows(email: string) {
  const person: any = await db.one(`SELECT id, email, suppressed_at FROM people WHERE email_normalized = $1`, [email.toLowerCase()]);
  const subs = person ? await db.query(`SELECT n.slug, s.status FROM subscriptions s JOIN newsletters n ON n.id = s.newsletter_id WHERE s.person_id = $1 ORDER BY n.slug`, [person.id]) : [];
  const jobs = person ? await db.query(`SELECT name, status FROM jobs WHERE payload->>'personId' = $1`, [String(person.id)]) : [];
  return { person, subs, jobs };
}
const runJobs = () => runDueJobs(t.deps, jobRegistry);

test('the sign-up box offers the newsletters, the default one ticked', async () => {
  const body = await (await t.get('/')).text();
  assert.match(body, /<input type="checkbox" name="newsletters" value="daily" checked> <span class="choice-text"><strong>The Daily Digest<\/strong>/);
  assert.match(body, /<input type="checkbox" name="newsletters" value="morning"> <span class="choice-text"><strong>Morning Briefing<\/strong>/);
  assert.match(body, /value="good-news"> <span class="choice-text"><strong>The Good News<\/strong>/);
});

test('double opt-in end to end: sign up, email over SMTP, GET shows a button and does not confirm, POST confirms', async () => {
  const res = await form([['email', 'Reader.One@Example.org'], ['newsletters', 'daily'], ['newsletters', 'morning'], ['website', '']], { accept: 'application/json' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { message: SIGNUP_SUCCESS });
  const before = await rows('reader.one@example.org');
  assert.equal(before.person.email, 'Reader.One@Example.org');
  assert.deepEqual(before.subs, [{ slug: 'daily', status: 'pending' }, { slug: 'morning', status: 'pending' }]);
  assert.deepEqual(before.jobs, [{ name: 'newsletters.send_verification', status: 'queued' }]);

  await runJobs();
  assert.deepEqual(await db.query(`SELECT status, last_error FROM jobs WHERE name = 'newsletters.send_verification'`), [{ status: 'done', last_error: null }]);
  const mail = await sink.waitFor((m) => m.to.some((a) => a.toLowerCase() === 'reader.one@example.org'));
  assert.match(mail.parsed.subject ?? '', /^Please confirm your subscription/);
  assert.equal(mail.parsed.from?.value[0]?.address, 'news@news.example');
  assert.ok(mail.parsed.html, 'has an HTML part');
  const link = /https:\/\/news\.example(\/newsletters\/confirm\?t=[A-Za-z0-9_.-]+)/.exec(mail.parsed.text ?? '')?.[1];
  assert.ok(link, 'the text part links to the confirm page');
  assert.ok((mail.parsed.html as string).includes(link!.replace(/&/g, '&amp;')), 'the HTML part has the same link');

  const page = await t.get(link!);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<form method="post" action="\/newsletters\/confirm">/);
  assert.match(html, /<button type="submit">Confirm my subscription<\/button>/);
  assert.match(html, /The Daily Digest and Morning Briefing/);
  assert.deepEqual((await rows('reader.one@example.org')).subs.map((s) => s.status), ['pending', 'pending'], 'GET does not confirm');

  const token = new URL('https://x' + link!).searchParams.get('t')!;
  const done = await t.get('/newsletters/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `t=${token}` });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /You are subscribed/);
  assert.deepEqual((await rows('reader.one@example.org')).subs.map((s) => s.status), ['confirmed', 'confirmed']);
  const consent = await db.one(`SELECT consent_at, confirmed_at FROM subscriptions s JOIN people p ON p.id = s.person_id WHERE p.email_normalized = 'reader.one@example.org' LIMIT 1`);
  assert.equal(consent!.confirmed_at.toISOString(), NOW.replace('Z', '.000Z'));
});

test('confirmation links are signed and expire with a page offering to sign up again', async () => {
  const person = (await rows('reader.one@example.org')).person;
  const old = confirmationToken(t.deps.config.secretKey, person.id, [daily.id], new Date('2026-11-01T00:00:00Z'));
  const expired = await t.get(`/newsletters/confirm?t=${old}`);
  assert.equal(expired.status, 410);
  const body = await expired.text();
  assert.match(body, /This confirmation link has expired/);
  assert.match(body, /sign up again/);
  assert.match(body, /action="\/newsletters\/subscribe"/);
  const forged = await t.get(`/newsletters/confirm?t=${old.slice(0, -3)}abc`);
  assert.equal(forged.status, 400);
  assert.match(await forged.text(), /This confirmation link does not work/);
});

test('without JavaScript the form posts and redirects to a result page with the message', async () => {
  const res = await form([['email', 'nojs@example.org'], ['newsletters', 'daily']]);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/newsletters/subscribed');
  const result = await t.get('/newsletters/subscribed');
  const body = await result.text();
  assert.match(body, /<h1>Thank you for signing up<\/h1>/);
  const main = body.slice(body.indexOf('<main'), body.indexOf('</main>'));
  assert.equal(main.split('Thank you for signing up').length - 1, 1, 'the thanks once, in the heading, not again below it');
  assert.match(body, /role="status">You will receive a verification email shortly: press the button in it to confirm\.</);
  assert.equal((await rows('nojs@example.org')).subs.length, 1);
});

test('a bad address and no newsletter get clear messages, JSON and HTML, and keep what was typed', async () => {
  const bad = await json({ email: 'not-an-address', newsletters: ['daily'] });
  assert.equal(bad.status, 400);
  const err = (await bad.json()).error;
  assert.equal(err.message, '“not-an-address” is not a valid email address. Please check it and try again (for example name@example.com).');
  assert.deepEqual(err.fields, { email: 'invalid' });

  const none = await json({ email: 'ok@example.org', newsletters: [] });
  assert.equal(none.status, 400);
  assert.equal((await none.json()).error.message, 'Please choose at least one newsletter.');

  const unknown = await json({ email: 'ok@example.org', newsletters: ['nope'] });
  assert.equal((await unknown.json()).error.message, 'There is no newsletter called “nope”. Please refresh the page and choose again.');

  const page = await form([['email', 'typo@example'], ['newsletters', 'morning']]);
  assert.equal(page.status, 400);
  const html = await page.text();
  assert.match(html, /is not a valid email address/);
  assert.match(html, /value="typo@example"/, 'the address typed is kept');
  assert.match(html, /value="morning" checked/, 'the choice is kept');
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email_normalized IN ('ok@example.org', 'typo@example')`), undefined);
});

test('a name with NUL, control characters or a lone surrogate gets a clear message, not a 500, and nothing is stored', async () => {
  // NUL and broken UTF-16 are refused at the door for every request (src/platform/http.ts); other
  // control characters reach the sign-up, which names the field.
  const cases: Array<[string, RegExp, Record<string, string> | undefined]> = [
    ['Bad\u0000Name', /cannot store \(a NUL character or a broken Unicode sequence\)/, {}],
    ['Bell\u0007', /The name contains control characters/, { name: 'invalid' }],
    ['Esc\u001b[31m', /The name contains control characters/, { name: 'invalid' }],
    ['\ud800', /cannot store/, {}],
    ['Half \udc00 pair', /cannot store/, {}],
  ];
  for (const [name, message, fields] of cases) {
    const res = await json({ email: 'named@example.org', newsletters: ['daily'], name });
    assert.equal(res.status, 400, JSON.stringify(name));
    const err = (await res.json()).error;
    assert.match(err.message, message);
    assert.deepEqual(err.fields, fields);
  }
  const page = await form([['email', 'named@example.org'], ['newsletters', 'daily'], ['name', 'Bell\u0007']]);
  assert.equal(page.status, 400);
  assert.match(await page.text(), /The name contains control characters/);
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'named@example.org'`), undefined);
  // Tabs and new lines are only spaces, and a whole surrogate pair (an emoji) is text.
  const ok = await json({ email: 'named@example.org', newsletters: ['daily'], name: ' Ann\tReader \ud83d\ude00\n' });
  assert.equal(ok.status, 200);
  assert.equal((await db.one<{ name: string }>(`SELECT name FROM people WHERE email_normalized = 'named@example.org'`))!.name, 'Ann Reader \u{1F600}');
});

test('a database failure mid-signup gives the problem message and leaves no rows', async () => {
  await db.exec(`CREATE FUNCTION fail_verify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$;
    CREATE TRIGGER fail_verify BEFORE INSERT ON jobs FOR EACH ROW WHEN (NEW.name = 'newsletters.send_verification') EXECUTE FUNCTION fail_verify();`);
  try {
    const res = await json({ email: 'unlucky@example.org', newsletters: ['daily', 'morning'] });
    assert.equal(res.status, 500);
    assert.equal((await res.json()).error.message, SIGNUP_PROBLEM);
    const page = await form([['email', 'unlucky@example.org'], ['newsletters', 'daily']]);
    assert.equal(page.status, 500);
    const html = await page.text();
    assert.match(html, new RegExp(SIGNUP_PROBLEM.replace(/\./g, '\\.')));
    assert.match(html, /value="unlucky@example.org"/);
    const left = await rows('unlucky@example.org');
    assert.equal(left.person, undefined, 'no person');
    assert.equal((await db.one(`SELECT count(*)::int AS n FROM subscriptions s JOIN people p ON p.id = s.person_id WHERE p.email_normalized = 'unlucky@example.org'`))!.n, 0);
  } finally {
    await db.exec(`DROP TRIGGER fail_verify ON jobs; DROP FUNCTION fail_verify();`);
  }
});

test('signing up again answers exactly the same and never reveals the address is known', async () => {
  const first = await json({ email: 'again@example.org', newsletters: ['daily'] });
  const firstBody = await first.text();
  const second = await json({ email: 'AGAIN@example.org', newsletters: ['daily'] });
  assert.equal(second.status, first.status);
  assert.equal(await second.text(), firstBody);
  assert.equal((await rows('again@example.org')).jobs.length, 1, 'one verification email queued, not two');
  await runJobs();
  // Confirmed now; a third sign-up still answers the same, and only the mailbox hears about it.
  const person = (await rows('again@example.org')).person;
  await db.query(`UPDATE subscriptions SET status = 'confirmed' WHERE person_id = $1`, [person.id]);
  const third = await form([['email', 'again@example.org'], ['newsletters', 'daily']], { accept: 'application/json' });
  assert.equal(await third.text(), firstBody);
  const noJs = await form([['email', 'again@example.org'], ['newsletters', 'daily']]);
  assert.equal(noJs.status, 303);
  assert.equal(noJs.headers.get('location'), '/newsletters/subscribed');
  await runJobs();
  const note = await sink.waitFor((m) => m.to.includes('again@example.org') && /already subscribed/.test(m.parsed.subject ?? ''));
  assert.match(note.parsed.text ?? '', /\/newsletters\/preferences\?t=/);
});

test('the bot trap: a filled honeypot gets the usual answer and nothing is stored', async () => {
  const res = await form([['email', 'bot@example.org'], ['newsletters', 'daily'], ['website', 'http://spam.example']], { accept: 'application/json' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { message: SIGNUP_SUCCESS });
  assert.equal((await rows('bot@example.org')).person, undefined);
});

test('browser posts from other sites are refused; servers without Origin may post JSON', async () => {
  const res = await form([['email', 'csrf@example.org'], ['newsletters', 'daily']], { origin: 'https://evil.example', accept: 'application/json' });
  assert.equal(res.status, 403);
  assert.match((await res.json()).error.message, /only be sent from our own pages/);
  const cross = await json({ email: 'csrf@example.org', newsletters: ['daily'] }, { 'sec-fetch-site': 'cross-site' });
  assert.equal(cross.status, 403);
  assert.equal((await rows('csrf@example.org')).person, undefined);
  const server = await json({ email: 'api@example.org', newsletters: ['daily'] });
  assert.equal(server.status, 200);
  // The embeddable form posts from anywhere to its own endpoint and lands on our result page.
  const embed = await t.get('/newsletters/embed/subscribe', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://friend.example' }, body: 'email=embed%40example.org&newsletters=good-news' });
  assert.equal(embed.status, 303);
  assert.deepEqual((await rows('embed@example.org')).subs, [{ slug: 'good-news', status: 'pending' }]);
  // The snippet to paste is shown in the newsroom now (/admin/newsletters/embed), not to readers.
  assert.equal((await t.get('/newsletters/embed')).status, 404);
  assert.match(embedSnippet(await loadSite(t.deps as WebDeps)), /<form method="post" action="https:\/\/news\.example\/newsletters\/embed\/subscribe"/);
});

test('rate limit per address answers 429 with a clear message', async () => {
  for (let i = 0; i < 4; i++) assert.equal((await json({ email: 'limit@example.org', newsletters: ['daily'] })).status, 200);
  const res = await json({ email: 'limit@example.org', newsletters: ['daily'] });
  assert.equal(res.status, 429);
  assert.equal((await res.json()).error.message, 'Too many sign-up attempts. Please wait a few minutes and try again.');
  t.clock.advance(3600_000 + 1);
  assert.equal((await json({ email: 'limit@example.org', newsletters: ['daily'] })).status, 200, 'the window passes');
});

test('rate limit per IP', async (ctx) => {
  const tight = await startTestApp({ now: NOW, env: { SIGNUP_LIMIT_PER_IP: '2' }, scope: ctx });
  await seedNewsletters(tight.deps.db);
  const post = (email: string) => tight.get('/newsletters/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, newsletters: ['daily'] }) });
  assert.equal((await post('a@example.org')).status, 200);
  assert.equal((await post('b@example.org')).status, 200);
  const third = await post('c@example.org');
  assert.equal(third.status, 429);
  assert.match((await third.json()).error.message, /Too many sign-up attempts/);
});

test('one-click unsubscribe (RFC 8058): POST List-Unsubscribe=One-Click answers 200, no redirect, at once', async () => {
  const person = (await rows('reader.one@example.org')).person;
  const url = unsubscribeUrl(t.deps.config.siteUrl, unsubscribeToken(t.deps.config.secretKey, person.id, daily.id, new Date(NOW)));
  const path = url.replace('https://news.example', '');
  const page = await t.get(path);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<button type="submit">Unsubscribe<\/button>/);
  assert.deepEqual((await rows('reader.one@example.org')).subs.map((s) => s.status), ['confirmed', 'confirmed'], 'GET does not unsubscribe');

  const res = await t.get(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('location'), null);
  assert.deepEqual((await rows('reader.one@example.org')).subs, [{ slug: 'daily', status: 'unsubscribed' }, { slug: 'morning', status: 'confirmed' }]);
  // Again, and as multipart/form-data: still 200.
  const fd = new FormData();
  fd.set('List-Unsubscribe', 'One-Click');
  const again = await t.get(path, { method: 'POST', body: fd });
  assert.equal(again.status, 200);
  const bad = await t.get('/newsletters/unsubscribe?t=nonsense', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal(bad.status, 400);
});

test('preferences: change newsletters, then leave all', async () => {
  const person = (await rows('reader.one@example.org')).person;
  const token = preferencesToken(t.deps.config.secretKey, person.id, new Date(NOW));
  const page = await (await t.get(`/newsletters/preferences?t=${token}`)).text();
  assert.match(page, /value="morning" checked/);
  assert.match(page, /value="daily">/);
  const save = await t.get('/newsletters/preferences', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams([['t', token], ['newsletters', 'daily'], ['newsletters', 'good-news'], ['action', 'save']]).toString() });
  assert.equal(save.status, 303);
  assert.deepEqual((await rows('reader.one@example.org')).subs, [{ slug: 'daily', status: 'confirmed' }, { slug: 'good-news', status: 'confirmed' }, { slug: 'morning', status: 'unsubscribed' }]);
  assert.match(await (await t.get(save.headers.get('location')!)).text(), /Your choices have been saved/);
  const leave = await t.get('/newsletters/preferences', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams([['t', token], ['newsletters', 'daily'], ['action', 'leave']]).toString() });
  assert.equal(leave.status, 303);
  assert.ok((await rows('reader.one@example.org')).subs.every((s) => s.status === 'unsubscribed'));
  // Newsletter emails link the preferences page with the recipient's unsubscribe token: it opens the
  // same person's page. A token made for anything else (a confirmation link) does not.
  const viaUnsub = await t.get(`/newsletters/preferences?t=${unsubscribeToken(t.deps.config.secretKey, person.id, morning.id)}`);
  assert.equal(viaUnsub.status, 200);
  assert.match(await viaUnsub.text(), /value="daily">/);
  const wrong = await t.get(`/newsletters/preferences?t=${confirmationToken(t.deps.config.secretKey, person.id, [morning.id], new Date(NOW))}`);
  assert.equal(wrong.status, 400, 'a confirmation token is not a preferences token');
  const forged = await t.get(`/newsletters/preferences?t=${token.slice(0, -2)}xx`);
  assert.equal(forged.status, 400, 'a tampered token is refused');
});

test('a sign-up for a known address changes nothing about the person until the mailbox confirms (issue 9)', { timeout: 30_000 }, async () => {
  // Someone already on the list, with no name, confirmed.
  const first = await json({ email: 'known.person@example.org', newsletters: ['daily'] });
  assert.equal(first.status, 200);
  const id = (await rows('known.person@example.org')).person.id;
  await db.query(`UPDATE subscriptions SET status = 'confirmed', confirmed_at = now() WHERE person_id = $1`, [id]);
  await db.query(`DELETE FROM jobs WHERE payload->>'personId' = $1`, [String(id)]);
  // A stranger signs the address up again with a name of their choosing.
  const planted = await json({ email: 'known.person@example.org', newsletters: ['daily', 'morning'], name: 'Dear Idiot' });
  assert.equal(planted.status, 200);
  assert.deepEqual(await planted.json(), { message: SIGNUP_SUCCESS }, 'the same answer as any sign-up');
  const person = await db.one<{ name: string }>(`SELECT name FROM people WHERE id = $1`, [id]);
  assert.equal(person!.name, '', 'the name is not set by an unconfirmed sign-up');
  // The verification email tells the mailbox owner about the name; only their confirmation applies it.
  await runJobs();
  const mail = await sink.waitFor((m) => m.to.some((a) => a.toLowerCase() === 'known.person@example.org') && /Dear Idiot/.test(m.parsed.text ?? ''));
  assert.match(mail.parsed.text ?? '', /Confirming also sets your name to “Dear Idiot”/);
  assert.equal((await db.one<{ name: string }>(`SELECT name FROM people WHERE id = $1`, [id]))!.name, '');
  const link = /https:\/\/news\.example\/newsletters\/confirm\?t=([A-Za-z0-9_.-]+)/.exec(mail.parsed.text ?? '')![1]!;
  const done = await t.get('/newsletters/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN }, body: new URLSearchParams({ t: link }).toString() });
  assert.equal(done.status, 200);
  assert.equal((await db.one<{ name: string }>(`SELECT name FROM people WHERE id = $1`, [id]))!.name, 'Dear Idiot', 'applied by the owner’s confirmation');
  // A named person's name is never replaced by a sign-up, confirmed or not.
  const again = await json({ email: 'known.person@example.org', newsletters: ['good-news'], name: 'Someone Else' });
  assert.equal(again.status, 200);
  assert.equal((await db.one<{ name: string }>(`SELECT name FROM people WHERE id = $1`, [id]))!.name, 'Dear Idiot');
  // A link whose name was tampered with is refused.
  const forged = confirmationToken('another-secret-another-secret-0123456789', id, [daily.id], new Date(NOW), 'Evil');
  const bad = await t.get('/newsletters/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN }, body: new URLSearchParams({ t: forged }).toString() });
  assert.equal(bad.status, 400);
});
