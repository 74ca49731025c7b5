// Account security (issue 9): changing a password asks for the current one and signs every other
// session out; the password form answers 4xx to bodies that are not a form; a disabled staff
// member's API keys stop working at once, and a key acts with no more than its maker's current role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestApp } from './helpers/app.ts';
import { Client, formToken, signedIn } from './helpers/newsroom.ts';
import { setCheapPassword } from './helpers/passwords.ts';
import { changeRole, disableStaff, enableStaff, setPassword } from '../src/staff/staff.ts';
import { createApiKey } from '../src/staff/api-keys.ts';

const t = await startTestApp({ now: '2026-11-20T12:00:00Z' });
const { db } = t.deps;

async function signInWithPassword(email: string, password: string): Promise<Client> {
  const c = new Client(t);
  const form = await (await c.request('/admin/signin')).text();
  const res = await c.request('/admin/signin', { form: { _signin: formToken(form), email, password } });
  assert.equal(res.status, 303, 'signed in');
  await c.page('/admin/account');
  return c;
}

test('a password change needs the current password, and ends every other session', { timeout: 60_000 }, async () => {
  const { c: first, staff } = await signedIn(t, 'pw.change@example.com', 'author');
  await setPassword(db, staff.id, 'the first long password');
  const second = await signInWithPassword('pw.change@example.com', 'the first long password');
  await first.page('/admin/account');
  const page = await first.page('/admin/account');
  assert.match(page, /name="current"/, 'the form asks for the current password');

  const missing = await first.post('/admin/account/password', { password: 'a brand new password', confirm: 'a brand new password' });
  assert.equal(missing.status, 400);
  assert.match(await missing.text(), /Type your current password as well/);
  const wrong = await first.post('/admin/account/password', { current: 'not my password', password: 'a brand new password', confirm: 'a brand new password' });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /not your current password/);
  assert.equal((await second.request('/admin')).status, 200, 'failed attempts change nothing');

  const ok = await first.post('/admin/account/password', { current: 'the first long password', password: 'a brand new password', confirm: 'a brand new password' });
  assert.equal(ok.status, 303);
  assert.equal((await first.request('/admin')).status, 200, 'this session goes on');
  const other = await second.request('/admin');
  assert.equal(other.status, 303, 'the other session was signed out');
  assert.match(other.headers.get('location') ?? '', /\/admin\/signin/);
  await signInWithPassword('pw.change@example.com', 'a brand new password');
});

test('without a password yet (link sign-in), setting one needs no current password', { timeout: 30_000 }, async () => {
  const { c } = await signedIn(t, 'no.pw@example.com', 'contributor');
  assert.doesNotMatch(await c.page('/admin/account'), /name="current"/);
  const ok = await c.post('/admin/account/password', { password: 'my very first password', confirm: 'my very first password' });
  assert.equal(ok.status, 303);
});

test('wrong current passwords are limited per account', { timeout: 60_000 }, async () => {
  const { c, staff } = await signedIn(t, 'pw.guess@example.com', 'editor');
  await setCheapPassword(db, staff.id, 'the real long password');
  await c.page('/admin/account');
  let last = 0;
  for (let i = 0; i < 8; i++) last = (await c.post('/admin/account/password', { current: `guess number ${i}`, password: 'a brand new password', confirm: 'a brand new password' })).status;
  assert.equal(last, 429);
});

test('the password form answers 4xx, never 5xx, to JSON null, a JSON array or a multipart body', { timeout: 30_000 }, async () => {
  const { c } = await signedIn(t, 'pw.odd@example.com', 'editor');
  await c.page('/admin/account');
  for (const body of ['null', '[]', '"x"', '{"password": null}']) {
    const r = await c.request('/admin/account/password', { body, headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf } });
    assert.ok(r.status >= 400 && r.status < 500, `${body}: ${r.status}`);
  }
  const fd = new FormData();
  fd.append('_csrf', c.csrf);
  fd.append('password', 'a brand new password');
  fd.append('confirm', 'a brand new password');
  const multi = await c.request('/admin/account/password', { body: fd, headers: { 'x-csrf-token': c.csrf } });
  assert.ok(multi.status >= 400 && multi.status < 500, `multipart: ${multi.status}`);
});

test('disabling a staff member stops their API keys at once; enabling brings them back', { timeout: 30_000 }, async () => {
  await signedIn(t, 'another.admin@example.com', 'administrator'); // the last administrator cannot be disabled
  const { staff: admin } = await signedIn(t, 'key.admin@example.com', 'administrator');
  const { secret } = await createApiKey(db, { name: 'their key', kind: 'admin', role: 'administrator', createdBy: admin.id });
  const call = (method: string, path: string, body?: unknown) =>
    fetch(t.url + path, { method, headers: { authorization: `Bearer ${secret}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  assert.equal((await call('GET', '/api/admin/me')).status, 200); // verified and cached
  await disableStaff(db, admin.id, t.clock.now());
  assert.equal((await call('GET', '/api/admin/me')).status, 401, 'refused at once, the cache notwithstanding');
  const mint = await call('POST', '/api/admin/api-keys', { name: 'backdoor', kind: 'admin', role: 'administrator' });
  assert.equal(mint.status, 401, 'a disabled administrator\'s key mints nothing');
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM api_keys WHERE name = 'backdoor'`))!.n, 0);
  await enableStaff(db, admin.id);
  assert.equal((await call('GET', '/api/admin/me')).status, 200);
});

test('a key acts with no more than its maker\'s current role', { timeout: 30_000 }, async () => {
  const { staff: maker } = await signedIn(t, 'key.demoted@example.com', 'administrator');
  const { secret } = await createApiKey(db, { name: 'old admin key', kind: 'admin', role: 'administrator', createdBy: maker.id });
  const me = async () => (await (await fetch(t.url + '/api/admin/me', { headers: { authorization: `Bearer ${secret}` } })).json()).key.role;
  assert.equal(await me(), 'administrator');
  await changeRole(db, maker.id, 'author');
  assert.equal(await me(), 'author');
  const r = await fetch(t.url + '/api/admin/api-keys', { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(r.status, 403);
});

// ---- sign-in limits by source and address (issue 9, item 9)

/** A sign-in attempt from another loopback address (Linux accepts any 127.x.y.z). */
async function attemptFrom(source: string, email: string, password: string): Promise<number> {
  const u = new URL(t.url);
  const req = (method: string, path: string, headers: Record<string, string>, body = '') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const r = http.request({ host: u.hostname, port: u.port, method, path, localAddress: source, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      });
      r.on('error', reject);
      r.end(body);
    });
  const form = await req('GET', '/admin/signin', {});
  const cookie = (form.headers['set-cookie'] ?? []).map((c: string) => c.split(';')[0]).join('; ');
  const body = new URLSearchParams({ _signin: formToken(form.text), email, password }).toString();
  return (await req('POST', '/admin/signin', { cookie, origin: t.deps.config.siteUrl, 'content-type': 'application/x-www-form-urlencoded' }, body)).status;
}

test('someone trying a staff address from elsewhere locks only themselves out; the right password and links still work', { timeout: 60_000, skip: process.platform !== 'linux' ? 'uses several loopback addresses' : false }, async () => {
  const { staff } = await signedIn(t, 'victim@example.com', 'editor');
  await setCheapPassword(db, staff.id, 'the victims long password'); // checked some forty times below
  t.clock.advance(16 * 60_000);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push(await attemptFrom('127.0.0.2', 'victim@example.com', `wrong guess ${i}`));
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429, 429], 'the attacker is limited');
  assert.equal(await attemptFrom('127.0.0.2', 'victim@example.com', 'the victims long password'), 429, 'from the attacker\'s source even the right one waits');
  // The victim, from their own address, is not locked out.
  assert.equal(await attemptFrom('127.0.0.3', 'victim@example.com', 'the victims long password'), 303);
  const c = new Client(t);
  const page = await (await c.request('/admin/signin')).text();
  assert.equal((await c.request('/admin/signin/link', { form: { _signin: formToken(page), email: 'victim@example.com' } })).status, 200, 'a sign-in link can be asked for');

  // Wrong passwords from many sources: over 30, wrong ones are refused everywhere, the right one still works.
  t.clock.advance(16 * 60_000);
  let n = 0;
  for (let s = 10; s < 16; s++) for (let i = 0; i < 5; i++) { await attemptFrom(`127.0.0.${s}`, 'victim@example.com', `spray ${n++}`); }
  assert.equal(await attemptFrom('127.0.0.20', 'victim@example.com', 'yet another guess'), 429);
  assert.equal(await attemptFrom('127.0.0.21', 'victim@example.com', 'the victims long password'), 303);
});
