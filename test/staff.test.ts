// Staff and signing in, over real HTTP: the `staff create` link, magic links by email, passwords,
// identical answers for unknown addresses, rate limits, CSRF and Origin checks, session expiry and
// sign-out, disabled accounts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { startTestApp } from './helpers/app.ts';
import { Client, formToken, signedIn, useLink } from './helpers/newsroom.ts';
import { runCommand } from '../src/cli/run.ts';
import { memoryIO } from '../src/cli/io.ts';
import { createStaff, disableStaff, findStaffByEmail, setPassword } from '../src/staff/staff.ts';
import { hashSessionId } from '../src/staff/sessions.ts';
import { listOutbox, outboxDir, staffOutboxDir } from '../src/mail/outbox.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';

const t = await startTestApp({ now: '2026-11-20T12:00:00Z' });
const db = t.deps.db;

/** Staff mail written without SMTP_URL (DATA_DIR/outbox-staff, which the newsroom never shows). */
async function outboxMessages() {
  await runDueJobs(t.deps, jobRegistry);
  const dir = staffOutboxDir(t.deps.config.dataDir);
  return Promise.all(listOutbox(t.deps.config.dataDir, 'outbox-staff').map(async (f) => simpleParser(fs.readFileSync(path.join(dir, f)))));
}

async function signInForm(c: Client): Promise<string> {
  const res = await c.request('/admin/signin');
  assert.equal(res.status, 200);
  return formToken(await res.text());
}

test('staff create prints a one-time link that signs the first administrator in', async () => {
  const io = memoryIO();
  const code = await runCommand(['staff', 'create', '--email', 'First@Example.com', '--role', 'administrator', '--name', 'First Admin'], process.cwd(), io, t.deps);
  assert.equal(code, 0, io.errors.join('\n'));
  const link = io.lines.find((l) => l.includes('/admin/signin/link?token='));
  assert.ok(link, io.lines.join('\n'));
  assert.ok(link.startsWith('https://news.example/admin/signin/link?token='));
  const staff = await findStaffByEmail(db, 'first@example.com');
  assert.equal(staff?.role, 'administrator');
  assert.equal(staff?.email, 'First@Example.com');
  assert.ok(staff?.author_id, 'a byline is linked');

  const c = new Client(t);
  const res = await useLink(c, link);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin');
  const cookie = res.headers.getSetCookie().find((s) => s.startsWith('nd_session='))!;
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Lax/i);
  assert.match(cookie, /Secure/i, 'SITE_URL is https, so the cookie is Secure');
  assert.match(cookie, /Path=\//);
  // Only a hash of the session id is stored.
  const id = c.cookies.get('nd_session')!;
  assert.equal((await db.query(`SELECT 1 FROM staff_sessions WHERE id_hash = $1`, [hashSessionId(id)])).length, 1);
  assert.equal((await db.query(`SELECT 1 FROM staff_sessions WHERE id_hash = $1`, [id])).length, 0);
  const dash = await c.page('/admin');
  assert.match(dash, /<h1>Dashboard<\/h1>/);
  assert.match(dash, /First Admin \(administrator\)/);

  // The same link a second time does nothing.
  const again = new Client(t);
  const second = await again.request(link.replace('https://news.example', ''));
  assert.equal(second.status, 401);
  assert.match(await second.text(), /expired or has already been used/);

  // Wrong usage is explained.
  const bad = memoryIO();
  assert.equal(await runCommand(['staff', 'create', '--email', 'x@example.com', '--name', 'X', '--role', 'boss'], process.cwd(), bad, t.deps), 2);
  assert.match(bad.errors.join('\n'), /one of contributor, author, editor, administrator/);
  const dup = memoryIO();
  assert.equal(await runCommand(['staff', 'create', '--email', 'first@example.com', '--name', 'Dup', '--role', 'editor'], process.cwd(), dup, t.deps), 1);
  assert.match(dup.errors.join('\n'), /already a staff account/);
  // A name is asked for: it is how the person appears in the newsroom and in bylines ("By you" otherwise).
  const nameless = memoryIO();
  assert.equal(await runCommand(['staff', 'create', '--email', 'noname@example.com', '--role', 'editor'], process.cwd(), nameless, t.deps), 2);
  assert.match(nameless.errors.join('\n'), /--name/);
  assert.equal(await findStaffByEmail(db, 'noname@example.com'), undefined, 'nothing created');
  const blank = memoryIO();
  assert.equal(await runCommand(['staff', 'create', '--email', 'noname@example.com', '--name', '  ', '--role', 'editor'], process.cwd(), blank, t.deps), 2);
});

test('a tampered or expired link is refused', async () => {
  const io = memoryIO();
  await runCommand(['staff', 'create', '--email', 'late@example.com', '--name', 'Late Comer', '--role', 'editor'], process.cwd(), io, t.deps);
  const link = io.lines.find((l) => l.includes('token='))!;
  const c = new Client(t);
  const tampered = await c.request(link.replace('https://news.example', '').replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')));
  assert.equal(tampered.status, 401);
  t.clock.advance(4 * 86400_000);
  try {
    const expired = await c.request(link.replace('https://news.example', ''));
    assert.equal(expired.status, 401);
  } finally {
    t.clock.advance(-4 * 86400_000);
  }
});

test('magic link by email: sent to an account, never to an unknown address, and the answers are the same', async () => {
  const staff = await createStaff(db, { email: 'writer@example.com', role: 'author', name: 'Wendy Writer' });
  const c = new Client(t);
  const before = (await outboxMessages()).length;
  const known = await c.request('/admin/signin/link', { form: { _signin: await signInForm(c), email: 'Writer@Example.com' } });
  const knownText = await known.text();
  const unknown = await c.request('/admin/signin/link', { form: { _signin: await signInForm(c), email: 'nobody@example.com' } });
  const unknownText = await unknown.text();
  assert.equal(known.status, 200);
  assert.equal(unknown.status, 200);
  assert.equal(knownText.replace('Writer@Example.com', 'X'), unknownText.replace('nobody@example.com', 'X'));
  // The request itself sends nothing: the same single job is queued for either address, and the job
  // sends the mail (only to the account).
  assert.equal(listOutbox(t.deps.config.dataDir, 'outbox-staff').length, before, 'no mail written while answering');
  const queued = await db.query<{ name: string; payload: { email: string } }>(`SELECT name, payload FROM jobs WHERE status = 'queued' AND name = 'staff.send_signin_link' ORDER BY id`);
  assert.deepEqual(queued.map((j) => j.payload.email), ['writer@example.com', 'nobody@example.com']);
  const messages = await outboxMessages();
  assert.equal(messages.length, before + 1, 'one message, to the account only');
  const mail = messages.at(-1)!;
  assert.equal((mail.to as any).value[0].address, 'writer@example.com');
  const link = /https:\/\/news\.example\/admin\/signin\/link\?token=\S+/.exec(mail.text ?? '')![0];
  const res = await useLink(c, link);
  assert.equal(res.status, 303);
  assert.match(await c.page('/admin'), new RegExp(`${staff.name} \\(author\\)`));
});

test('password sign-in; a wrong password and an unknown address get the same answer', async () => {
  const staff = await createStaff(db, { email: 'pw@example.com', role: 'editor', name: 'Pat Word' });
  await setPassword(db, staff.id, 'correct horse battery staple');
  const row = await db.one(`SELECT password_hash FROM staff WHERE id = $1`, [staff.id]);
  // argon2id at the library's default cost (19 MiB, two passes, one lane): tests that check a password
  // many times store a cheaper one (test/helpers/passwords.ts), this is what production stores.
  assert.match(row!.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

  const c = new Client(t);
  const strip = (s: string) => s.replace(/value="[^"]*"/g, 'value=""');
  const wrong = await c.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'pw@example.com', password: 'not the password' } });
  const wrongText = await wrong.text();
  const unknown = await c.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'ghost@example.com', password: 'not the password' } });
  const unknownText = await unknown.text();
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.equal(strip(wrongText), strip(unknownText));
  assert.match(wrongText, /do not match/);
  assert.equal(c.cookies.get('nd_session'), undefined);

  const ok = await c.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'PW@example.com', password: 'correct horse battery staple', next: '/admin/articles' } });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/admin/articles');
  assert.ok(c.cookies.get('nd_session'));
  await c.page('/admin/articles');

  // An open redirect is not possible through `next`.
  const c2 = new Client(t);
  const evil = await c2.request('/admin/signin', { form: { _signin: await signInForm(c2), email: 'pw@example.com', password: 'correct horse battery staple', next: 'https://evil.example/' } });
  assert.equal(evil.headers.get('location'), '/admin');
});

test('the sign-in form needs its own token (no login CSRF)', async () => {
  const c = new Client(t);
  await signInForm(c);
  const res = await c.request('/admin/signin', { form: { email: 'pw@example.com', password: 'correct horse battery staple' } });
  assert.equal(res.status, 403);
  const other = new Client(t);
  const forged = await other.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'pw@example.com', password: 'correct horse battery staple' } });
  assert.equal(forged.status, 403, 'a token from another browser does not match this browser’s cookie');
});

test('state-changing requests need the CSRF token and a same-site Origin', async () => {
  const c = new Client(t);
  const staff = await createStaff(db, { email: 'csrf@example.com', role: 'editor' });
  await setPassword(db, staff.id, 'a long enough password');
  await c.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'csrf@example.com', password: 'a long enough password' } });
  await c.page('/admin/articles/new');
  const form = { headline: 'Forged', body: 'x', action: 'save' };
  const none = await c.request('/admin/articles', { form });
  assert.equal(none.status, 403);
  assert.match(await none.text(), /expired or did not come from the newsroom/);
  const wrong = await c.request('/admin/articles', { form: { ...form, _csrf: 'x'.repeat(43) } });
  assert.equal(wrong.status, 403);
  const json = await c.request('/admin/articles/autosave', { json: { headline: 'Forged' } });
  assert.equal(json.status, 403);
  const crossSite = await c.request('/admin/articles', { form: { ...form, _csrf: c.csrf }, headers: { origin: 'https://evil.example' } });
  assert.equal(crossSite.status, 403);
  assert.equal((await db.query(`SELECT 1 FROM articles WHERE headline = 'Forged'`)).length, 0);
  const sameSite = await c.request('/admin/articles', { form: { ...form, _csrf: c.csrf }, headers: { origin: 'https://news.example' } });
  assert.equal(sameSite.status, 303);
});

test('sessions expire when idle, end on sign-out, and end when the account is disabled', async () => {
  const staff = await createStaff(db, { email: 'sess@example.com', role: 'editor' });
  await setPassword(db, staff.id, 'a long enough password');
  const signIn = async () => {
    const c = new Client(t);
    const r = await c.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'sess@example.com', password: 'a long enough password' } });
    assert.equal(r.status, 303);
    await c.page('/admin');
    return c;
  };
  // Idle expiry.
  const c1 = await signIn();
  t.clock.advance(15 * 86400_000);
  try {
    const res = await c1.request('/admin');
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /^\/admin\/signin\?next=/);
    const api = await c1.request('/admin/articles', { headers: { accept: 'application/json' } });
    assert.equal(api.status, 401);
  } finally {
    t.clock.advance(-15 * 86400_000);
  }
  // Sign-out.
  const c2 = await signIn();
  const kept = c2.cookies.get('nd_session')!;
  const out = await c2.post('/admin/signout');
  assert.equal(out.status, 303);
  assert.equal(c2.cookies.get('nd_session'), undefined);
  c2.cookies.set('nd_session', kept);
  assert.equal((await c2.request('/admin')).status, 303, 'the old cookie no longer works');
  // Disabled account.
  const c3 = await signIn();
  await disableStaff(db, staff.id, t.clock.now());
  assert.equal((await c3.request('/admin')).status, 303);
  const again = new Client(t);
  const r = await again.request('/admin/signin', { form: { _signin: await signInForm(again), email: 'sess@example.com', password: 'a long enough password' } });
  assert.equal(r.status, 401);
});

test('admin pages are never cached, and signed-out visitors are sent to sign in', async () => {
  const c = new Client(t);
  const res = await c.request('/admin/articles?status=draft');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/signin?next=%2Fadmin%2Farticles%3Fstatus%3Ddraft');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const signin = await c.request('/admin/signin');
  assert.equal(signin.headers.get('cache-control'), 'no-store');
  assert.match(signin.headers.get('content-security-policy') ?? '', /script-src 'self'/);
});

test('sign-in attempts are limited per address and per IP, for known and unknown addresses alike', async () => {
  t.clock.advance(16 * 60_000); // fresh windows
  const c = new Client(t);
  const attempt = async (email: string) =>
    (await c.request('/admin/signin', { form: { _signin: await signInForm(c), email, password: 'wrong password!' } })).status;
  for (let i = 0; i < 6; i++) assert.equal(await attempt('pw@example.com'), 401);
  assert.equal(await attempt('pw@example.com'), 429);
  // Even the right password is refused while the address is limited.
  const right = await c.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'pw@example.com', password: 'correct horse battery staple' } });
  assert.equal(right.status, 429);
  assert.match(await right.text(), /Too many sign-in attempts/);
  for (let i = 0; i < 6; i++) assert.equal(await attempt('unknown@example.com'), 401);
  assert.equal(await attempt('unknown@example.com'), 429, 'unknown addresses are limited the same way');
  // Per IP: many addresses from one address run out too (20 per window).
  let last = 0;
  for (let i = 0; i < 10; i++) last = await attempt(`spray${i}@example.com`);
  assert.equal(last, 429);
  // The window passes.
  t.clock.advance(16 * 60_000);
  const ok = await c.request('/admin/signin', { form: { _signin: await signInForm(c), email: 'pw@example.com', password: 'correct horse battery staple' } });
  assert.equal(ok.status, 303);
});

test('an editor cannot read staff sign-in links or invitations in the outbox, nor sign in as the administrator', async () => {
  const boss = await signedIn(t, 'boss@example.com', 'administrator', 'Boss');
  const editor = await signedIn(t, 'sneaky@example.com', 'editor', 'Sneaky Editor');
  // The editor asks for a sign-in link for the administrator's address, and the administrator invites someone.
  const anon = new Client(t);
  const asked = await anon.request('/admin/signin/link', { form: { _signin: await signInForm(anon), email: 'boss@example.com' } });
  assert.equal(asked.status, 200);
  await boss.c.page('/admin/settings');
  assert.equal((await boss.c.post('/admin/staff', { email: 'invitee@example.com', name: 'Invitee', role: 'administrator' })).status, 303);
  await runDueJobs(t.deps, jobRegistry);

  // Both messages exist, in the staff folder on the server only.
  const staffMail = await outboxMessages();
  const toBoss = staffMail.filter((m) => (m.to as any).value[0].address === 'boss@example.com');
  assert.equal(toBoss.length, 1);
  assert.ok(staffMail.some((m) => (m.to as any).value[0].address === 'invitee@example.com'));
  const leaked = (s: string) => /signin\/link\?token=|signin\/link\?token=3D|invited you|sign in to the newsroom/i.test(s);
  for (const f of listOutbox(t.deps.config.dataDir)) assert.ok(!leaked(fs.readFileSync(path.join(outboxDir(t.deps.config.dataDir), f), 'latin1')), `${f} is in the readable outbox`);

  // The outbox viewer lists no staff mail, and no raw message holds a link.
  const list = await editor.c.page('/admin/outbox');
  assert.doesNotMatch(list, /boss@example\.com|invitee@example\.com/);
  assert.doesNotMatch(list, /id="staff-mail-note"/, 'the note about staff mail is for administrators');
  for (const [, file] of list.matchAll(/href="\/admin\/outbox\/([^"/?]+\.eml)"/g)) {
    const raw = await editor.c.request(`/admin/outbox/${file}/raw`);
    assert.equal(raw.status, 200);
    assert.ok(!leaked(await raw.text()), file);
  }
  // Nor can a staff message be reached by its name through the viewer.
  for (const f of listOutbox(t.deps.config.dataDir, 'outbox-staff')) {
    for (const p of [`/admin/outbox/${f}`, `/admin/outbox/${f}/raw`, `/admin/outbox/..%2Foutbox-staff%2F${f}/raw`]) {
      assert.equal((await editor.c.request(p)).status, 404, p);
    }
  }
  // So the editor's session stays the editor's, and the administrator is told where staff mail goes.
  assert.match(await editor.c.page('/admin'), /Sneaky Editor \(editor\)/);
  assert.match(await boss.c.page('/admin/outbox'), /id="staff-mail-note"[^>]*>Staff sign-in links and invitations are not shown here/);

  // The administrator's link itself still works for its recipient.
  const link = /https:\/\/news\.example\/admin\/signin\/link\?token=\S+/.exec(toBoss[0]!.text ?? '')![0];
  const own = new Client(t);
  assert.equal((await useLink(own, link)).status, 303);
  assert.match(await own.page('/admin'), /Boss \(administrator\)/);
});
