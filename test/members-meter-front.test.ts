// Anonymous metered views answered in front of the framework (the page cache's gate, decision 0054):
// the cookie chain counts each article once per period, the wall follows the allowance, a tampered
// cookie is a fresh meter, and the kept header lists never carry one reader's Set-Cookie to another
// (identity, gzip and br alike, GET and HEAD).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import http from 'node:http';
import { startTestApp } from './helpers/app.ts';
import { createArticle } from '../src/articles/write.ts';
import { meterPeriod, readMeterCookie } from '../src/members/paywall.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
const SECRET_TEXT = 'Saffron ferries outpace the evening tide';
const ids: number[] = [];
for (let i = 1; i <= 4; i++) {
  const a = await createArticle(db, { headline: `Front story ${i}`, slug: `front-${i}`, body: `Lead ${i}.\n\nSecond ${i}.\n\n${SECRET_TEXT} ${i}. ${'More reporting. '.repeat(120)}`, status: 'published', publishedAt: new Date(Date.parse(NOW) - i * 3600_000) }, { now: new Date(NOW) });
  ids.push(a.id);
}
const period = meterPeriod(new Date(NOW), t.deps.config.timeZone ?? 'UTC', 'month');

/** A raw request (no client-side decoding), so the answer's own bytes and headers are seen. */
function raw(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(t.url + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}

const decode = (r: { headers: http.IncomingHttpHeaders; body: Buffer }) =>
  (r.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body).toString('utf8');
const meterOf = (setCookie: string[] | undefined) => {
  assert.equal(setCookie?.length, 1, 'one Set-Cookie');
  assert.match(setCookie![0]!, /^nd_meter=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; Max-Age=3456000; HttpOnly; SameSite=Lax(; Secure)?$/);
  return setCookie![0]!.split(';')[0]!;
};

// Every page once, so that each is kept in the page cache and the views below are answered in front.
for (let i = 1; i <= 4; i++) await raw(`/front-${i}`, {});

for (const encoding of ['identity', 'gzip', 'br']) {
  test(`the meter from the front (${encoding}): counted once each, the wall after three, no Set-Cookie carried over`, { timeout: 20_000 }, async () => {
    const ae = { 'accept-encoding': encoding };
    let cookie = '';
    const view = async (n: number) => {
      const r = await raw(`/front-${n}`, { ...ae, ...(cookie ? { cookie: `theme=dark; ${cookie}` } : {}) });
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-cache'], 'HIT', 'answered from the page cache');
      assert.equal(r.headers['cache-control'], 'private, no-cache');
      assert.equal(r.headers.vary, 'Cookie, Accept-Encoding');
      assert.equal(r.headers['content-encoding'], encoding === 'identity' ? undefined : encoding);
      assert.equal(Number(r.headers['content-length']), r.body.length);
      return { page: decode(r), setCookie: r.headers['set-cookie'] };
    };
    const first = await view(1);
    assert.ok(first.page.includes(`${SECRET_TEXT} 1`));
    assert.match(first.page, /2 free articles left this month/);
    cookie = meterOf(first.setCookie);
    assert.deepEqual(readMeterCookie(t.deps.config.secretKey, cookie.slice(9), period, new Date(NOW)), [ids[0]]);
    // The same page again, the same bytes (same banner), but nothing to count: no Set-Cookie at all.
    const again = await view(1);
    assert.equal(again.page, first.page);
    assert.equal(again.setCookie, undefined, 'a view that counts nothing sets no cookie');
    const second = await view(2);
    assert.match(second.page, /1 free article left this month/);
    cookie = meterOf(second.setCookie);
    const third = await view(3);
    assert.match(third.page, /This is your last free article this month\./);
    cookie = meterOf(third.setCookie);
    assert.deepEqual(readMeterCookie(t.deps.config.secretKey, cookie.slice(9), period, new Date(NOW)), ids.slice(0, 3), 'the articles in the order read');
    const walled = await view(4);
    assert.ok(!walled.page.includes(`${SECRET_TEXT} 4`), 'the fourth is walled');
    assert.match(walled.page, /Continue reading for free/);
    assert.equal(walled.setCookie, undefined);
    assert.ok((await view(2)).page.includes(`${SECRET_TEXT} 2`), 'already counted: still free');
    // Altered anywhere in the value: a fresh meter, counting only this view.
    for (const at of [12, cookie.length - 3]) {
      const altered = cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1);
      const r = await raw('/front-4', { ...ae, cookie: altered });
      assert.ok(decode(r).includes(`${SECRET_TEXT} 4`), `altered at ${at}: no cookie`);
      assert.deepEqual(readMeterCookie(t.deps.config.secretKey, meterOf(r.headers['set-cookie']).slice(9), period, new Date(NOW)), [ids[3]]);
    }
    // Next month the meter starts again.
    t.clock.set('2026-12-01T00:30:00Z');
    try {
      const r = await raw('/front-4', { ...ae, cookie });
      assert.ok(decode(r).includes(`${SECRET_TEXT} 4`));
      assert.deepEqual(readMeterCookie(t.deps.config.secretKey, meterOf(r.headers['set-cookie']).slice(9), '2026-12', new Date('2026-12-01T00:30:00Z')), [ids[3]]);
    } finally {
      t.clock.set(NOW);
    }
  });
}

test('HEAD from the front: the same headers as GET (a counted view sets its cookie), no body', { timeout: 20_000 }, async () => {
  const get = await raw('/front-1', { 'accept-encoding': 'gzip' });
  const head = await raw('/front-1', { 'accept-encoding': 'gzip' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  for (const h of ['content-type', 'content-length', 'content-encoding', 'cache-control', 'vary', 'x-cache']) assert.equal(head.headers[h], get.headers[h], h);
  meterOf(head.headers['set-cookie']);
});

test('anonymous metered views write nothing to the database', { timeout: 20_000 }, async () => {
  const before = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_reads`))!.n;
  let cookie = '';
  for (let i = 1; i <= 4; i++) {
    const r = await raw(`/front-${i}`, cookie ? { cookie } : {});
    if (r.headers['set-cookie']) cookie = r.headers['set-cookie'][0]!.split(';')[0]!;
  }
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_reads`))!.n, before);
  assert.equal(before, 0);
});
