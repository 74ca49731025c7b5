// Compression of cached pages (issue 13, item 7): each cached page is stored with br and gzip variants
// beside its plain bytes; a client gets the one it accepts, with Vary: Accept-Encoding and a tag of its
// own. Raw node:http requests (fetch would decompress silently) and node:zlib to decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { chooseEncoding } from '../src/web/page-cache.ts';
import { createApiKey } from '../src/staff/api-keys.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
await seedFixtures(t.deps.db, new Date(NOW));

function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(t.url + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('Accept-Encoding chooses br, then gzip; q=0 refuses', { timeout: 5_000 }, () => {
  assert.equal(chooseEncoding('br, gzip'), 'br');
  assert.equal(chooseEncoding('gzip, deflate'), 'gzip');
  assert.equal(chooseEncoding('br;q=0, gzip'), 'gzip');
  assert.equal(chooseEncoding('identity'), null);
  assert.equal(chooseEncoding('*'), 'br');
  assert.equal(chooseEncoding(undefined), null);
});

test('pages, feeds and sitemaps go out compressed when asked, on the first answer and from the cache', { timeout: 30_000 }, async () => {
  for (const path of ['/', '/riverside-tram', '/feed.xml', '/feed.json', '/sitemaps/pages.xml', '/section/politics']) {
    const plain = await raw(path);
    assert.equal(plain.status, 200, path);
    assert.equal(plain.headers['content-encoding'], undefined, `${path}: plain without Accept-Encoding`);
    assert.match(String(plain.headers.vary), /Accept-Encoding/i, `${path}: Vary`);
    for (let round = 0; round < 2; round++) {
      const br = await raw(path, { 'accept-encoding': 'br, gzip' });
      if (plain.body.length < 1024) continue;
      assert.equal(br.headers['content-encoding'], 'br', `${path}: br`);
      assert.equal(Number(br.headers['content-length']), br.body.length);
      assert.ok(br.body.length < plain.body.length, `${path}: smaller`);
      assert.deepEqual(zlib.brotliDecompressSync(br.body), plain.body, `${path}: the same bytes`);
      const gz = await raw(path, { 'accept-encoding': 'gzip' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
      assert.notEqual(br.headers.etag, plain.headers.etag, 'each variant has its own tag');
      const again = await raw(path, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
      assert.equal(again.status, 304);
    }
  }
});

test('answers the page cache does not hold are compressed too: Content API JSON, Ghost API, search, 404 pages', { timeout: 30_000 }, async () => {
  const { secret } = await createApiKey(t.deps.db, { name: 'compress', kind: 'content' });
  for (const path of [`/api/content/articles?key=${secret}&limit=20`, `/ghost/api/content/posts/?key=${secret}&limit=all`, '/search?q=tram', '/api/openapi.json']) {
    const plain = await raw(path);
    assert.equal(plain.status, 200, path);
    assert.equal(plain.headers['content-encoding'], undefined, `${path}: plain without Accept-Encoding`);
    assert.ok(plain.body.length >= 1024, `${path}: big enough to compress (${plain.body.length} bytes)`);
    const br = await raw(path, { 'accept-encoding': 'br, gzip' });
    assert.equal(br.headers['content-encoding'], 'br', `${path}: br`);
    assert.match(String(br.headers.vary), /Accept-Encoding/i, `${path}: Vary`);
    assert.ok(br.body.length < plain.body.length, `${path}: smaller`);
    const gz = await raw(path, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip', `${path}: gzip`);
    // Same content (JSON compared parsed: nothing in these answers changes between two requests).
    const a = zlib.brotliDecompressSync(br.body).toString(), b = zlib.gunzipSync(gz.body).toString();
    if (/json/.test(String(plain.headers['content-type']))) {
      assert.deepEqual(JSON.parse(a), JSON.parse(plain.body.toString()), path);
      assert.deepEqual(JSON.parse(b), JSON.parse(plain.body.toString()), path);
    } else {
      assert.match(a, /<html/i);
      assert.equal(a.length > 1000, true);
      assert.equal(b.replace(/nonce="[^"]*"/g, ''), a.replace(/nonce="[^"]*"/g, ''));
    }
  }
  // Images and other binary answers are not recompressed; small answers stay plain.
  const small = await raw('/robots.txt', { 'accept-encoding': 'br' });
  if (small.body.length < 1024) assert.equal(small.headers['content-encoding'], undefined);
});
