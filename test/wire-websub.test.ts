// WebSub for the wire's feeds, against real HTTP servers on loopback: a feed that advertises a hub, a
// hub that takes the subscription and verifies it by a GET to our callback (which must echo
// hub.challenge), signed content pushes (X-Hub-Signature checked against the secret; a bad or missing
// signature is ignored and answered 2xx), pushes stored once, lease renewal, a denial, and requests
// for subscriptions nobody asked for.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp } from './helpers/app.ts';
import { rss, send, startFeedServer } from './helpers/feed-server.ts';
import { createOutlet, getOutlet, updateOutlet } from '../src/newswire/outlets.ts';
import { pollWire } from '../src/newswire/poller.ts';
import { maintainWebsub, validHubSignature } from '../src/newswire/websub.ts';
import { activeHandles, leftRunning } from './helpers/handles.ts';

// What keeps the event loop alive before this file starts anything (the last test compares).
const atStart = activeHandles();
/** Every hub and feed server the tests start, closed by the last test (each close runs once more in after(): harmless). */
const servers: Array<{ close(): Promise<void> }> = [];

const T = { timeout: 60_000 };

interface SubRequest {
  form: URLSearchParams;
  /** The verification GET's answer. */
  verified: Promise<{ status: number; body: string; challenge: string }>;
}

/** A WebSub hub on loopback: takes subscribe requests (202) and then verifies each at its callback. */
async function startHub(opts: { verifyFirst?: boolean } = {}) {
  const requests: SubRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      // verifyFirst: a hub that verifies before it answers the request (its 202 comes after).
      if (!opts.verifyFirst) res.writeHead(202).end();
      const challenge = crypto.randomBytes(12).toString('hex');
      const u = new URL(form.get('hub.callback')!);
      u.searchParams.set('hub.mode', form.get('hub.mode')!);
      u.searchParams.set('hub.topic', form.get('hub.topic')!);
      u.searchParams.set('hub.challenge', challenge);
      u.searchParams.set('hub.lease_seconds', '3600');
      const verified = fetch(u).then(async (r) => ({ status: r.status, body: await r.text(), challenge }));
      requests.push({ form, verified });
      if (opts.verifyFirst) void verified.finally(() => res.writeHead(202).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  const close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  // Closed after the file even when a test fails midway (a listening hub would keep the file alive).
  after(close);
  servers.push({ close });
  return { url, requests, close };
}

const sign = (secret: string, body: string, algo = 'sha256') => `${algo}=${crypto.createHmac(algo, secret).update(body).digest('hex')}`;

test('a feed with a hub is subscribed to; the hub verifies, pushes signed content, and the lease is renewed', T, async (ctx) => {
  const t = await startTestApp({ scope: ctx, env: { WIRE_ALLOW_PRIVATE: 'true', WIRE_WEBSUB: 'true', WIRE_HOST_GAP_MS: '0' } });
  // The hub must reach this server: the callback base is where it listens.
  t.deps.config.wire.websubCallbackBase = t.url;
  const { db } = t.deps;
  const hub = await startHub();
  const feeds = await startFeedServer();
  servers.push(feeds);
  const self = `${feeds.url}/feed.xml`;
  const channel = `<atom:link rel="hub" href="${hub.url}"/><atom:link rel="self" href="${self}"/>`;
  feeds.routes.set('/feed.xml', send(rss([{ guid: 'p-1', link: `${feeds.url}/a/1`, title: 'The first story' }], channel), 'application/rss+xml'));
  feeds.routes.set('/robots.txt', send('User-agent: *\nDisallow: /\n', 'text/plain'));
  const o = await createOutlet(db, { name: 'Pushing Outlet', url: feeds.url + '/', feeds: [self] });

  await pollWire(t.deps, { force: true });
  assert.equal(hub.requests.length, 1, 'one subscribe request');
  const sub = hub.requests[0]!;
  assert.equal(sub.form.get('hub.mode'), 'subscribe');
  assert.equal(sub.form.get('hub.topic'), self);
  assert.equal(sub.form.get('hub.lease_seconds'), String(10 * 24 * 3600));
  const secret = sub.form.get('hub.secret')!;
  assert.ok(secret.length >= 32);
  const callback = sub.form.get('hub.callback')!;
  assert.match(callback, new RegExp(`^${t.url}/api/wire/websub/[A-Za-z0-9_-]{16,64}$`));
  // Verification: the challenge comes back as the body, and the lease is recorded.
  const v = await sub.verified;
  assert.equal(v.status, 200);
  assert.equal(v.body, v.challenge);
  const row = await db.one<any>(`SELECT websub_state, websub_error, extract(epoch FROM websub_lease_until - now()) AS left_s FROM wire_feeds WHERE outlet_id = $1`, [o.id]);
  assert.equal(row.websub_state, 'subscribed');
  assert.equal(row.websub_error, null);
  assert.ok(Number(row.left_s) > 3500 && Number(row.left_s) <= 3600, String(row.left_s));
  // The outlet's feed says so (the Admin API and the Outlets screen read this).
  const shown = (await getOutlet(db, o.id)).feeds[0]!;
  assert.equal(shown.websub_state, 'subscribed');
  assert.ok(shown.websub_lease_until);
  assert.equal(shown.websub_error, null);

  // Verifications nobody asked for: another topic, an unknown token, a malformed one.
  const wrong = new URL(callback);
  wrong.search = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': 'https://elsewhere.example/feed', 'hub.challenge': 'x' }).toString();
  assert.equal((await fetch(wrong)).status, 404);
  assert.equal((await fetch(`${t.url}/api/wire/websub/${'A'.repeat(32)}?hub.mode=subscribe&hub.topic=${encodeURIComponent(self)}&hub.challenge=x`)).status, 404);
  assert.equal((await fetch(`${t.url}/api/wire/websub/..%2f?hub.challenge=x`)).status, 404);

  const items = () => db.query<any>('SELECT guid, title, extract_status FROM wire_items WHERE outlet_id = $1 ORDER BY id', [o.id]);
  const pushed = rss(
    [
      { guid: 'p-1', link: `${feeds.url}/a/1`, title: 'The first story' },
      { guid: 'p-2', link: `${feeds.url}/a/2`, title: 'Pushed: the second story' },
    ],
    channel,
  );
  const push = (body: string, headers: Record<string, string>) => fetch(callback, { method: 'POST', headers: { 'content-type': 'application/rss+xml', ...headers }, body });
  // A bad signature, and none at all: answered 2xx, ignored, and the reason kept on the feed.
  assert.equal((await push(pushed, { 'x-hub-signature': sign('not-the-secret', pushed) })).status, 202);
  assert.equal((await push(pushed, {})).status, 202);
  assert.deepEqual((await items()).map((i) => i.guid), ['p-1']);
  assert.match((await db.one<any>('SELECT websub_error FROM wire_feeds WHERE outlet_id = $1', [o.id])).websub_error, /ignored: it carries no X-Hub-Signature/);
  // Signed with the secret (sha256, then sha1 for the same content again): stored once.
  assert.equal((await push(pushed, { 'x-hub-signature': sign(secret, pushed) })).status, 202);
  assert.equal((await push(pushed, { 'x-hub-signature': sign(secret, pushed, 'sha1') })).status, 202);
  const after = await items();
  assert.deepEqual(after.map((i) => i.guid), ['p-1', 'p-2']);
  assert.equal(after[1].title, 'Pushed: the second story');
  const fed = await db.one<any>('SELECT websub_error, websub_last_push_at FROM wire_feeds WHERE outlet_id = $1', [o.id]);
  assert.equal(fed.websub_error, null);
  assert.ok(fed.websub_last_push_at);
  // Its page is fetched by a poll run, and its story found by a cluster run, both queued now.
  assert.ok(await db.one(`SELECT 1 FROM jobs WHERE name = 'newswire.poll' AND status = 'queued'`));
  assert.ok(await db.one(`SELECT 1 FROM jobs WHERE name = 'newswire.cluster' AND status = 'queued'`));
  // A push whose content is not a feed is ignored too.
  const junk = '<html>not a feed</html>';
  assert.equal((await push(junk, { 'x-hub-signature': sign(secret, junk) })).status, 202);
  assert.equal((await items()).length, 2);

  // Renewal: nothing to do while the lease is long; near its end, the same callback and secret are asked for again.
  assert.equal((await maintainWebsub(t.deps)).asked, 0);
  await db.query(`UPDATE wire_feeds SET websub_lease_until = now() + interval '10 minutes' WHERE outlet_id = $1`, [o.id]);
  const renewed = await maintainWebsub(t.deps);
  assert.deepEqual(renewed, { asked: 1, failed: 0, ended: 0 });
  assert.equal(hub.requests.length, 2);
  assert.equal(hub.requests[1]!.form.get('hub.callback'), callback);
  assert.equal(hub.requests[1]!.form.get('hub.secret'), secret);
  assert.equal((await hub.requests[1]!.verified).status, 200);
  const left = await db.one<any>(`SELECT websub_state, extract(epoch FROM websub_lease_until - now()) AS left_s FROM wire_feeds WHERE outlet_id = $1`, [o.id]);
  assert.equal(left.websub_state, 'subscribed');
  assert.ok(Number(left.left_s) > 3500);

  // The outlet is paused: the subscription is ended (the hub verifies the unsubscription), pushes are no longer taken.
  await updateOutlet(db, o.id, { active: false });
  assert.deepEqual(await maintainWebsub(t.deps), { asked: 0, failed: 0, ended: 1 });
  assert.equal(hub.requests[2]!.form.get('hub.mode'), 'unsubscribe');
  assert.equal(hub.requests[2]!.form.get('hub.topic'), self);
  const unsub = await hub.requests[2]!.verified;
  assert.equal(unsub.status, 200);
  assert.equal(unsub.body, unsub.challenge);
  assert.equal((await db.one<any>('SELECT websub_state FROM wire_feeds WHERE outlet_id = $1', [o.id])).websub_state, 'none');
  // Resumed: subscribed again on the next maintenance.
  await updateOutlet(db, o.id, { active: true });
  assert.deepEqual(await maintainWebsub(t.deps), { asked: 1, failed: 0, ended: 0 });
  assert.equal((await hub.requests[3]!.verified).status, 200);
  assert.equal((await db.one<any>('SELECT websub_state FROM wire_feeds WHERE outlet_id = $1', [o.id])).websub_state, 'subscribed');

  // The hub denies the subscription later: recorded, and pushes are no longer taken.
  const denied = new URL(callback);
  denied.search = new URLSearchParams({ 'hub.mode': 'denied', 'hub.topic': self, 'hub.reason': 'topic moved' }).toString();
  assert.equal((await fetch(denied)).status, 200);
  const d = await db.one<any>('SELECT websub_state, websub_error FROM wire_feeds WHERE outlet_id = $1', [o.id]);
  assert.equal(d.websub_state, 'denied');
  assert.match(d.websub_error, /topic moved/);
  await hub.close();
});

test('a hub that refuses or cannot be reached is recorded on the feed; WIRE_WEBSUB off asks nothing', T, async (ctx) => {
  const t = await startTestApp({ scope: ctx, env: { WIRE_ALLOW_PRIVATE: 'true', WIRE_WEBSUB: 'true', WIRE_HOST_GAP_MS: '0' } });
  const { db } = t.deps;
  const feeds = await startFeedServer();
  servers.push(feeds);
  feeds.routes.set('/hub', (_req, res) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('hub.topic is not allowed here');
  });
  const self = `${feeds.url}/f.xml`;
  feeds.routes.set('/f.xml', send(rss([{ guid: 'r-1', link: `${feeds.url}/r/1`, title: 'Refused' }], `<atom:link rel="hub" href="${feeds.url}/hub"/><atom:link rel="self" href="${self}"/>`), 'application/rss+xml'));
  feeds.routes.set('/robots.txt', send('User-agent: *\nDisallow: /\n', 'text/plain'));
  const o = await createOutlet(db, { name: 'Refusing Hub Outlet', url: feeds.url + '/', feeds: [self] });
  await pollWire(t.deps, { force: true });
  const row = await db.one<any>('SELECT websub_state, websub_error, last_error FROM wire_feeds WHERE outlet_id = $1', [o.id]);
  assert.equal(row.websub_state, 'requested');
  assert.match(row.websub_error, /refused the subscription: HTTP 400 \(hub\.topic is not allowed here\)/);
  assert.equal(row.last_error, null, 'the feed itself polled cleanly');
  // Not asked again within the hour.
  assert.equal((await maintainWebsub(t.deps)).asked, 0);
  // Off: nothing is asked even when due.
  await db.query(`UPDATE wire_feeds SET websub_state = 'none' WHERE outlet_id = $1`, [o.id]);
  t.deps.config.wire.websub = false;
  assert.equal((await maintainWebsub(t.deps)).asked, 0);
  assert.equal(feeds.log.filter((l) => l.path === '/hub').length, 1);
});

test('X-Hub-Signature: the HMAC of the body with the secret, in each method WebSub allows', T, () => {
  const body = Buffer.from('<rss/>');
  for (const algo of ['sha1', 'sha256', 'sha384', 'sha512']) {
    assert.ok(validHubSignature(sign('s3cret', '<rss/>', algo), body, 's3cret'), algo);
    assert.ok(validHubSignature(sign('s3cret', '<rss/>', algo).toUpperCase().replace(/^SHA/, 'sha'), body, 's3cret'), `${algo}, hex in capitals`);
    assert.ok(!validHubSignature(sign('other', '<rss/>', algo), body, 's3cret'), `${algo}, another secret`);
  }
  assert.ok(!validHubSignature(sign('s3cret', '<rss />'), body, 's3cret'), 'another body');
  for (const bad of [undefined, '', 'md5=00', 'sha256=', 'sha256=zz', 'sha256']) assert.ok(!validHubSignature(bad, body, 's3cret'), String(bad));
});

test('the callback answers nonsense without a server error: odd tokens, repeated parameters, any body', T, async (ctx) => {
  const t = await startTestApp({ scope: ctx, env: { WIRE_WEBSUB: 'true' } });
  const tokens = ['%00', 'a'.repeat(5000), 'A'.repeat(32), '..%2f..%2fetc', '%ff%fe', encodeURIComponent('\u202e😀'), 'x'];
  const queries = ['', '?hub.mode=subscribe&hub.mode=denied&hub.challenge=a&hub.challenge=b', '?hub.mode=denied&hub.reason=%00%01', `?hub.mode=subscribe&hub.topic=%00&hub.challenge=${'c'.repeat(2000)}&hub.lease_seconds=-1e309`];
  for (const tok of tokens) {
    for (const q of queries) {
      const g = await fetch(`${t.url}/api/wire/websub/${tok}${q}`);
      assert.ok(g.status < 500 && g.status !== 200, `GET ${tok.slice(0, 20)}${q}: ${g.status}`);
    }
    for (const [type, body] of [['application/json', '{"a":'], ['application/rss+xml', '<rss>'], ['text/plain; charset=nope', '\u0000'], ['multipart/form-data; boundary=x', '--x--']]) {
      const p = await fetch(`${t.url}/api/wire/websub/${tok}`, { method: 'POST', headers: { 'content-type': type!, 'x-hub-signature': 'sha256=00' }, body });
      assert.ok(p.status < 500, `POST ${tok.slice(0, 20)} ${type}: ${p.status}`);
    }
  }
});

test('a hub that verifies before it answers the request: the subscription and its ending are both accepted', T, async (ctx) => {
  const t = await startTestApp({ scope: ctx, env: { WIRE_ALLOW_PRIVATE: 'true', WIRE_WEBSUB: 'true', WIRE_HOST_GAP_MS: '0' } });
  t.deps.config.wire.websubCallbackBase = t.url;
  const { db } = t.deps;
  const hub = await startHub({ verifyFirst: true });
  const feeds = await startFeedServer();
  servers.push(feeds);
  try {
    const self = `${feeds.url}/feed.xml`;
    const channel = `<atom:link rel="hub" href="${hub.url}"/><atom:link rel="self" href="${self}"/>`;
    feeds.routes.set('/feed.xml', send(rss([{ guid: 'q-1', link: `${feeds.url}/a/1`, title: 'A story' }], channel), 'application/rss+xml'));
    feeds.routes.set('/robots.txt', send('User-agent: *\nDisallow: /\n', 'text/plain'));
    const o = await createOutlet(db, { name: 'Eager Hub Outlet', url: feeds.url + '/', feeds: [self] });
    await pollWire(t.deps, { force: true });
    const v = await hub.requests[0]!.verified;
    assert.equal(v.status, 200, 'the verification that came before the 202 is accepted');
    assert.equal(v.body, v.challenge);
    const row = await db.one<any>('SELECT websub_state, websub_error FROM wire_feeds WHERE outlet_id = $1', [o.id]);
    assert.equal(row.websub_state, 'subscribed', 'and not overwritten by the request\u2019s own outcome');
    assert.equal(row.websub_error, null);
    await updateOutlet(db, o.id, { active: false });
    assert.deepEqual(await maintainWebsub(t.deps), { asked: 0, failed: 0, ended: 1 });
    assert.equal((await hub.requests[1]!.verified).status, 200);
    assert.equal((await db.one<any>('SELECT websub_state FROM wire_feeds WHERE outlet_id = $1', [o.id])).websub_state, 'none');
    await updateOutlet(db, o.id, { active: true });
    assert.deepEqual(await maintainWebsub(t.deps), { asked: 1, failed: 0, ended: 0 });
    assert.equal((await hub.requests[2]!.verified).status, 200);
    assert.equal((await db.one<any>('SELECT websub_state FROM wire_feeds WHERE outlet_id = $1', [o.id])).websub_state, 'subscribed');
  } finally {
    await hub.close();
  }
});

test('with the hubs and feed servers closed, nothing is left running: no server, socket or timer from a subscription, a push or a poll', T, async () => {
  // Each test's app (and its database) was closed when that test ended.
  await Promise.all(servers.map((x) => x.close()));
  assert.deepEqual(await leftRunning(atStart), []);
});
