// 5xx found by fuzzing the running server (issue 9, item 11), each now a clear 4xx: dates PostgreSQL
// cannot store, Ghost filters nested too deep, redirect targets with characters a header cannot
// carry, slot characters entered as entities in an edition intro, bounce messages nested too deep,
// and ids written in hex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestApp } from './helpers/app.ts';
import { Client, formToken } from './helpers/newsroom.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { renderEditionEmail } from '../src/newsletters/render.ts';
import { SLOT_OPEN } from '../src/newsletters/delivery/mime.ts';
import { parseNql, MAX_NQL_DEPTH } from '../src/ghost/nql.ts';

const HOOK = 'malformed-hook-secret-0123456789';
const t = await startTestApp({ now: '2026-03-02T09:00:00Z', env: { MAIL_WEBHOOK_SECRET: HOOK } });
const { db } = t.deps;
const fx = await seedFixtures(db, t.clock.now());
const adminKey = (await createApiKey(db, { name: 'a', kind: 'admin', role: 'administrator' })).secret;
const contentKey = (await createApiKey(db, { name: 'c', kind: 'content' })).secret;
const api = (method: string, path: string, body?: unknown) =>
  fetch(t.url + path, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const is4xx = (s: number) => s >= 400 && s < 500;

test('dates PostgreSQL cannot store are a 400 in the Admin API and in Ghost filters (public content key)', { timeout: 30_000 }, async () => {
  for (const when of ['+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z']) {
    const patch = await api('PATCH', `/api/admin/articles/${fx.a1.id}`, { publishedAt: when });
    assert.ok(is4xx(patch.status), `PATCH publishedAt ${when}: ${patch.status}`);
    const sched = await api('POST', `/api/admin/articles/${fx.draft.id}/schedule`, { publishedAt: when });
    assert.ok(is4xx(sched.status), `schedule ${when}: ${sched.status}`);
  }
  for (const filter of ["published_at:>'10000-01-01'", 'published_at:>+010000-01-01']) {
    const r = await fetch(`${t.url}/ghost/api/content/posts/?key=${contentKey}&filter=${encodeURIComponent(filter)}`);
    assert.equal(r.status, 400, `${filter}: ${r.status}`);
    assert.ok((await r.json()).errors[0].message);
  }
});

test('Ghost filters nested deeper than the limit are a 400; the limit itself is accepted', { timeout: 30_000 }, async () => {
  const nested = (n: number) => '('.repeat(n) + 'tag:news' + ')'.repeat(n);
  assert.doesNotThrow(() => parseNql(nested(MAX_NQL_DEPTH)));
  assert.throws(() => parseNql(nested(MAX_NQL_DEPTH + 1)), /nested too deep/);
  const r = await fetch(`${t.url}/ghost/api/content/posts/?key=${contentKey}&filter=${encodeURIComponent(nested(280))}`);
  assert.equal(r.status, 400);
  assert.match((await r.json()).errors[0].message, /nested too deep/);
});

test('ids are decimal: 0x10, 1e1 and padded numbers name nothing', { timeout: 30_000 }, async () => {
  for (const id of ['0x10', '1e1', '+1', '%2016', '0010', '16.0']) {
    const r = await api('GET', `/api/admin/articles/${id}`);
    assert.equal(r.status, 404, `${id}: ${r.status}`);
  }
  assert.equal((await api('GET', `/api/admin/articles/${fx.a1.id}`)).status, 200);
});

test('redirect targets with characters a header cannot carry fall back to the newsroom', { timeout: 30_000 }, async () => {
  const c = new Client(t);
  for (const next of ['/admin/\u00e9t\u00e9', '/admin/x\u0001y', '/admin/a b', '/admin/' + 'x'.repeat(5000)]) {
    const page = await c.request(`/admin/signin?next=${encodeURIComponent(next)}`);
    const body = await page.text();
    assert.equal(page.status, 200, `${JSON.stringify(next)}: ${page.status}`);
    assert.match(body, /name="next" value="\/admin"/);
    const r = await c.request('/admin/signin', { form: { _signin: formToken(body), email: 'nobody@example.com', password: 'x', next } });
    assert.ok(is4xx(r.status), `POST next=${JSON.stringify(next).slice(0, 40)}: ${r.status}`);
  }
});

test('slot characters typed as entities in an edition intro stay text, not per-recipient slots', () => {
  const base = { publication: { name: 'The Ledger', siteUrl: 'https://news.example', timeZone: 'UTC', locale: 'en-GB' }, newsletter: { slug: 'daily', name: 'Daily', description: '' }, items: [] };
  const plain = renderEditionEmail({ ...base, edition: { number: 1, subject: 'S', intro: 'Hello there', date: new Date('2026-03-02T09:00:00Z') } });
  for (const intro of ['&#xE000;to&#xE001; and &#57344;unsubscribe_url&#57345;', '\uE000greeting\uE001', '&#xe000;']) {
    const r = renderEditionEmail({ ...base, edition: { number: 1, subject: 'S', intro, date: new Date('2026-03-02T09:00:00Z') } });
    const slots = (s: string) => s.split(SLOT_OPEN).length - 1;
    assert.equal(slots(r.html), slots(plain.html), `html: ${intro}`);
    assert.equal(slots(r.text), slots(plain.text), `text: ${intro}`);
  }
});

test('a bounce message with hundreds of nested MIME parts is a 400', { timeout: 30_000 }, async () => {
  let msg = 'From: a@example.org\r\nTo: bounces@news.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n';
  let inner = 'Content-Type: text/plain\r\n\r\nbottom\r\n';
  for (let i = 0; i < 300; i++) inner = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${inner}--b${i}--\r\n`;
  msg += inner;
  const r = await fetch(`${t.url}/webhooks/mail/dsn?key=${HOOK}`, { method: 'POST', headers: { 'content-type': 'message/rfc822', accept: 'application/json' }, body: msg });
  assert.equal(r.status, 400);
  assert.match(await r.text(), /nested multipart parts/);
});

test('malformed-URL 400 pages carry the security headers; 404s and pages past the end add nothing to the page cache', { timeout: 30_000 }, async () => {
  const { SECURITY_HEADERS } = await import('../src/platform/http.ts');
  const u = new URL(t.url);
  const raw = (path: string) => new Promise<http.IncomingMessage>((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, path }, (res) => { res.resume(); res.on('end', () => resolve(res)); });
    r.on('error', reject);
    r.end();
  });
  for (const path of ['/%E0%A4%A', '/section/%zz', '/ghost/api/content/posts/%c0']) {
    const res = await raw(path);
    assert.equal(res.statusCode, 400, path);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers[name.toLowerCase()], value, `${path}: ${name}`);
  }
  const cache = t.server.cache;
  const before = cache.size;
  for (let i = 0; i < 30; i++) {
    await (await fetch(`${t.url}/no-such-story-${i}`)).arrayBuffer();
    await (await fetch(`${t.url}/section/politics?page=${100 + i}`)).arrayBuffer();
    await (await fetch(`${t.url}/section/politics?page=1&utm_source=x${i}`)).arrayBuffer();
  }
  assert.ok(cache.size <= before + 1, `the cache grew from ${before} to ${cache.size}`);
});
