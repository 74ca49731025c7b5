// The guarded HTTP client (src/platform/guarded-fetch.ts) against real servers on loopback: the
// private-address guard (and its allow switch), redirects followed and each target re-checked, one
// deadline for the whole exchange, the response size limit (decompressed bodies included).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { FetchError, guardedFetch } from '../src/platform/guarded-fetch.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  after(() => {
    s.closeAllConnections();
    s.close();
  });
  return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, seen };
}

const loopbackOnly = (a: string) => a === '127.0.0.1';
const fails = (code: FetchError['code'], message?: RegExp) => (e: unknown) => e instanceof FetchError && e.code === code && (!message || message.test(e.message));

const target = await server((req, res, body) => {
  if (req.url === '/hello') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  if (req.url === '/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null }));
  if (req.url === '/big') return void res.writeHead(200).end(Buffer.alloc(300_000, 'x'));
  if (req.url === '/gzip') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('squeezed'));
  if (req.url === '/bomb') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(20_000_000)));
  if (req.url === '/silent') return; // never answers
  if (req.url === '/trickle') {
    res.writeHead(200);
    const t = setInterval(() => res.write('.'), 50);
    res.on('close', () => clearInterval(t));
    return;
  }
  res.writeHead(404).end();
});
const other = await server((req, res) => {
  const to = new URL(req.url!, 'http://x').searchParams.get('to');
  const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 302);
  if (req.url!.startsWith('/loop')) return void res.writeHead(302, { location: '/loop' }).end();
  if (to) return void res.writeHead(status, { location: to }).end();
  res.writeHead(404).end();
});

test('loopback and private addresses are refused by default, before any connection', async () => {
  const before = target.seen.length;
  const port = new URL(target.url).port;
  await assert.rejects(guardedFetch(`${target.url}/hello`), fails('private_address', /^refused: 127\.0\.0\.1 is a private address/));
  await assert.rejects(guardedFetch(`http://localhost:${port}/hello`), fails('private_address', /^refused: localhost resolves to the private address/));
  await assert.rejects(guardedFetch(`http://[::ffff:127.0.0.1]:${port}/hello`), fails('private_address'));
  assert.equal(target.seen.length, before, 'nothing reached the server');
  // The switch: everything, or only what a predicate accepts.
  assert.equal((await guardedFetch(`${target.url}/hello`, { allowPrivate: true })).body.toString(), 'hello');
  assert.equal((await guardedFetch(`${target.url}/hello`, { allowPrivate: loopbackOnly })).status, 200);
  await assert.rejects(guardedFetch(`http://127.0.0.2:${port}/hello`, { allowPrivate: loopbackOnly }), fails('private_address'));
});

test('only http and https, and no credentials in the URL', async () => {
  await assert.rejects(guardedFetch('file:///etc/passwd', { allowPrivate: true }), fails('bad_url'));
  await assert.rejects(guardedFetch('ftp://example.com/x', { allowPrivate: true }), fails('bad_url'));
  await assert.rejects(guardedFetch(`http://user:pw@127.0.0.1/`, { allowPrivate: true }), fails('bad_url'));
  await assert.rejects(guardedFetch('not a url'), fails('bad_url'));
});

test('redirects are followed, and every target is checked again before it is requested', async () => {
  const ok = await guardedFetch(`${other.url}/r?to=${encodeURIComponent(target.url + '/hello')}`, { allowPrivate: true });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.toString(), 'hello');
  assert.equal(ok.url, `${target.url}/hello`);
  assert.deepEqual(ok.redirects, [`${target.url}/hello`]);
  // A redirect to an address the first hop was allowed to reach but the target is not.
  const before = target.seen.length;
  const port = new URL(target.url).port;
  await assert.rejects(guardedFetch(`${other.url}/r?to=${encodeURIComponent(`http://127.0.0.2:${port}/hello`)}`, { allowPrivate: loopbackOnly }), fails('private_address'));
  await assert.rejects(guardedFetch(`${other.url}/r?to=${encodeURIComponent('file:///etc/passwd')}`, { allowPrivate: true }), fails('bad_url'));
  assert.equal(target.seen.length, before);
  // Bounded.
  await assert.rejects(guardedFetch(`${other.url}/loop`, { allowPrivate: true, maxRedirects: 3 }), fails('too_many_redirects'));
  // Not followed at all when asked: the 3xx is the answer.
  const raw = await guardedFetch(`${other.url}/r?to=/x`, { allowPrivate: true, maxRedirects: 0 });
  assert.equal(raw.status, 302);
  assert.equal(raw.headers.location, '/x');
});

test('a 303 turns a POST into a GET without its body; a 307 keeps both; credentials stay with their origin', async () => {
  const post = (status: number) =>
    guardedFetch(`${other.url}/r?status=${status}&to=${encodeURIComponent(target.url + '/echo')}`, {
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain', authorization: 'Bearer secret' },
      allowPrivate: true,
    });
  const after303 = JSON.parse((await post(303)).body.toString());
  assert.deepEqual(after303, { method: 'GET', body: '', auth: null });
  const after307 = JSON.parse((await post(307)).body.toString());
  assert.deepEqual(after307, { method: 'POST', body: 'payload', auth: null }, 'another origin does not get the Authorization header');
  const direct = JSON.parse((await guardedFetch(`${target.url}/echo`, { headers: { authorization: 'Bearer secret' }, allowPrivate: true })).body.toString());
  assert.equal(direct.auth, 'Bearer secret');
});

test('one deadline for the whole exchange: a silent server and a trickling one are both cut off', async () => {
  await assert.rejects(guardedFetch(`${target.url}/silent`, { allowPrivate: true, timeoutMs: 300 }), fails('timeout', /timed out after 0\.3 s/));
  await assert.rejects(guardedFetch(`${target.url}/trickle`, { allowPrivate: true, timeoutMs: 400 }), fails('timeout'));
});

test('the response size limit holds, for compressed answers too', async () => {
  await assert.rejects(guardedFetch(`${target.url}/big`, { allowPrivate: true, maxBytes: 100_000 }), fails('too_large'));
  assert.equal((await guardedFetch(`${target.url}/big`, { allowPrivate: true, maxBytes: 300_000 })).body.length, 300_000);
  assert.equal((await guardedFetch(`${target.url}/gzip`, { allowPrivate: true })).body.toString(), 'squeezed');
  await assert.rejects(guardedFetch(`${target.url}/bomb`, { allowPrivate: true, maxBytes: 1_000_000 }), fails('too_large'));
  // A body nobody wants is read and dropped, whatever its size.
  const dropped = await guardedFetch(`${target.url}/big`, { allowPrivate: true, maxBytes: 10, discardBody: true });
  assert.equal(dropped.status, 200);
  assert.equal(dropped.body.length, 0);
});
