// Webhooks: events are queued in the writer's transaction, delivered signed to a real local HTTP
// receiver, retried after a failure, logged; private addresses are refused unless allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { after } from 'node:test';
import { openTestDb } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Deps } from '../src/deps.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';
import { createArticle, deleteArticle, publishDueArticles, updateArticle } from '../src/articles/write.ts';
import { emitWebhookEvent, articleEventFor } from '../src/webhooks/emit.ts';
import { createWebhook, listDeliveries, updateWebhook } from '../src/webhooks/webhooks.ts';
import { verifySignature } from '../src/webhooks/deliver.ts';
import { isPrivateAddress } from '../src/platform/guarded-fetch.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const db = await openTestDb();
const clock = fixedClock('2026-03-02T09:00:00Z');
const deps: Deps = { db, config: testConfig({ WEBHOOKS_ALLOW_PRIVATE: 'true' }), log: createLog('silent'), clock, runtime: createRuntime() };

// A receiver that answers with the next status in `plan` (default 200) and records what it got.
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
const plan: number[] = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.writeHead(plan.shift() ?? 200).end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
after(() => receiver.close());
const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

/** Make every queued job due now (the queue's backoff is in real minutes) and run them. */
async function runJobsNow(): Promise<number> {
  await db.query(`UPDATE jobs SET run_at = now() WHERE status = 'queued' AND run_at > now()`);
  return runDueJobs(deps, jobRegistry);
}

test('status changes map to events', () => {
  assert.equal(articleEventFor(null, 'published'), 'article.published');
  assert.equal(articleEventFor(null, 'draft'), null);
  assert.equal(articleEventFor('draft', 'published'), 'article.published');
  assert.equal(articleEventFor('published', 'published'), 'article.updated');
  assert.equal(articleEventFor('published', 'draft'), 'article.unpublished');
  assert.equal(articleEventFor('published', 'scheduled'), 'article.unpublished');
  assert.equal(articleEventFor('draft', 'draft'), null);
  assert.equal(articleEventFor('draft', null), 'article.deleted');
});

test('bad webhook input is refused with field errors', async () => {
  await assert.rejects(createWebhook(db, { url: 'ftp://x', events: ['article.published'] }), (e: any) => e.status === 400 && !!e.fields.url);
  await assert.rejects(createWebhook(db, { url: 'https://example.com', events: ['article.exploded'] }), (e: any) => e.status === 400 && !!e.fields['events.0']);
  await assert.rejects(createWebhook(db, { url: 'https://example.com', events: [] }), (e: any) => e.status === 400 && !!e.fields.events);
});

test('a published article is delivered signed to a subscribed receiver, a failure is retried and logged', async () => {
  const { webhook, secret } = await createWebhook(db, { name: 'site rebuild', url: receiverUrl, events: ['article.published', 'article.updated', 'article.unpublished', 'article.deleted'] });
  assert.match(secret, /^whsec_/);
  plan.push(500); // first attempt fails
  const a = await createArticle(db, { headline: 'Tram line approved', status: 'published', body: 'Yes.' }, { now: clock.now() });
  const draft = await createArticle(db, { headline: 'Quiet draft', body: 'No one hears.' }, { now: clock.now() });
  const deliveries = await listDeliveries(db, webhook.id);
  assert.equal(deliveries.length, 1, 'one delivery: drafts make no event');
  assert.equal(deliveries[0]!.event, 'article.published');

  assert.equal(await runJobsNow(), 1);
  assert.equal(received.length, 1);
  let log = (await listDeliveries(db, webhook.id))[0]!;
  assert.equal(log.status, 'pending');
  assert.equal(log.attempts, 1);
  assert.equal(log.response_code, 500);
  assert.match(log.error!, /HTTP 500/);
  const job = await db.one(`SELECT status, attempts, run_at > now() AS later FROM jobs WHERE name = 'webhooks.deliver'`);
  assert.equal(job!.status, 'queued');
  assert.equal(job!.later, true, 'the retry waits (backoff)');

  assert.equal(await runJobsNow(), 1);
  assert.equal(received.length, 2);
  log = (await listDeliveries(db, webhook.id))[0]!;
  assert.equal(log.status, 'succeeded');
  assert.equal(log.attempts, 2);
  assert.equal(log.response_code, 200);
  assert.ok(log.delivered_at);
  assert.deepEqual(log.attempt_log.map((x) => x.response_code), [500, 200]);

  const got = received[1]!;
  assert.equal(got.headers['x-newsdesk-event'], 'article.published');
  assert.equal(got.headers['content-type'], 'application/json');
  const sig = String(got.headers['x-newsdesk-signature']);
  assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
  const t = Number(/t=(\d+)/.exec(sig)![1]);
  assert.ok(verifySignature(secret, got.body, sig, t), 'the signature verifies with the secret');
  assert.ok(!verifySignature('whsec_wrong', got.body, sig, t), 'and not with another secret');
  assert.ok(!verifySignature(secret, got.body.replace('Tram', 'Bus'), sig, t), 'and not for a changed body');
  assert.ok(!verifySignature(secret, got.body, sig, t + 3600), 'and not an hour later (replay)');
  const body = JSON.parse(got.body);
  assert.equal(body.event, 'article.published');
  assert.equal(body.data.article.id, a.id);
  assert.equal(body.data.article.slug, a.slug);
  assert.equal(body.site_url, 'https://news.example');

  // Update, unpublish, delete: one event each, in order.
  await updateArticle(db, a.id, { dek: 'Now with a dek' }, { now: clock.now() });
  await updateArticle(db, draft.id, { dek: 'draft edits stay quiet' }, { now: clock.now() });
  await updateArticle(db, a.id, { status: 'draft' }, { now: clock.now() });
  await deleteArticle(db, a.id);
  await runJobsNow();
  // The queue does not promise order between jobs; each body says when its event happened.
  const events = received.slice(2).map((r) => JSON.parse(r.body)).sort((x, y) => x.id - y.id);
  assert.deepEqual(events.map((e) => e.event), ['article.updated', 'article.unpublished', 'article.deleted']);
  assert.equal(events[2].data.article.slug, a.slug);
  assert.equal(events[2].data.article.status, 'deleted');
  await updateWebhook(db, webhook.id, { active: false });
});

test('scheduled articles fire article.published when they go live; wildcard webhooks get everything', async () => {
  const { webhook } = await createWebhook(db, { url: receiverUrl, events: ['*'] });
  const a = await createArticle(db, { headline: 'Tomorrow', status: 'scheduled', publishedAt: '2026-03-03T06:00:00Z' }, { now: clock.now() });
  assert.equal((await listDeliveries(db, webhook.id)).length, 0);
  const published = await publishDueArticles(db, new Date('2026-03-03T06:00:01Z'));
  assert.deepEqual(published, [a.id]);
  const d = await listDeliveries(db, webhook.id);
  assert.equal(d.length, 1);
  assert.equal(d[0]!.event, 'article.published');
  assert.equal((d[0]!.payload as any).previous_status, 'scheduled');
});

test('emitWebhookEvent rolls back with the transaction that emitted it', async () => {
  const { webhook } = await createWebhook(db, { url: receiverUrl, events: ['subscriber.created'] });
  await assert.rejects(
    db.tx(async (tx) => {
      await emitWebhookEvent(tx, 'subscriber.created', { email: 'a@example.com' });
      throw new Error('the sign-up failed');
    }),
  );
  assert.equal((await listDeliveries(db, webhook.id)).length, 0);
  await db.tx((tx) => emitWebhookEvent(tx, 'subscriber.created', { email: 'b@example.com' }));
  const d = await listDeliveries(db, webhook.id);
  assert.equal(d.length, 1);
  assert.deepEqual(d[0]!.payload, { email: 'b@example.com' });
});

test('private and loopback addresses are refused unless allowed', async () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '172.16.5.5', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1', '0.0.0.0']) {
    assert.equal(isPrivateAddress(ip), true, ip);
  }
  for (const ip of ['93.184.216.34', '2606:4700::1111', '8.8.8.8']) assert.equal(isPrivateAddress(ip), false, ip);

  const strict: Deps = { ...deps, config: testConfig() };
  assert.equal(strict.config.webhooksAllowPrivate, false);
  const { webhook } = await createWebhook(db, { url: receiverUrl, events: ['subscriber.confirmed'] });
  await db.tx((tx) => emitWebhookEvent(tx, 'subscriber.confirmed', { email: 'c@example.com' }));
  const before = received.length;
  await db.query(`UPDATE jobs SET run_at = now() WHERE status = 'queued'`);
  await runDueJobs(strict, jobRegistry);
  assert.equal(received.length, before, 'nothing reached the loopback receiver');
  const d = (await listDeliveries(db, webhook.id))[0]!;
  assert.equal(d.status, 'pending');
  assert.match(d.error!, /refused: 127\.0\.0\.1 is a private address/);
});

test('every way of writing a private address is refused: IPv4-mapped, -compatible and -translated IPv6, NAT64, 6to4, Teredo', () => {
  for (const ip of [
    '::ffff:7f00:1', '[::ffff:7f00:1]', '::ffff:127.0.0.1', '::7f00:1', '::127.0.0.1', '::ffff:a9fe:a9fe', '::ffff:0:7f00:1', '::ffff:0a00:0001',
    '::', '::1', '0:0:0:0:0:0:0:1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', '64:ff9b::7f00:1', '64:ff9b::808:808',
    '2002:7f00:1::1', '2002:c0a8:0101::', '2002:a9fe:a9fe::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:db8::1',
    '0.1.2.3', '100.127.255.255', '172.31.0.1', '192.0.0.8', '198.19.0.1', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    'localhost', 'not-an-ip', '',
  ]) {
    assert.equal(isPrivateAddress(ip), true, ip);
  }
  for (const ip of ['1.1.1.1', '172.32.0.1', '100.128.0.1', '::ffff:808:808', '::ffff:8.8.8.8', '2002:808:808::1', '2a00:1450:4001::200e', '2606:4700:4700::1111']) {
    assert.equal(isPrivateAddress(ip), false, ip);
  }
});

test('a webhook URL with a mapped or compatible IPv6 literal, or a name that resolves to loopback, never connects', async () => {
  const strict: Deps = { ...deps, config: testConfig() };
  const port = (receiver.address() as { port: number }).port;
  const urls = [`http://[::ffff:127.0.0.1]:${port}/hook`, `http://[::ffff:7f00:1]:${port}/hook`, `http://[::7f00:1]:${port}/hook`, `http://[::ffff:0:7f00:1]:${port}/hook`, `http://localhost:${port}/hook`];
  const hooks = [];
  for (const url of urls) hooks.push((await createWebhook(db, { url, events: ['subscriber.unsubscribed'] })).webhook);
  await db.tx((tx) => emitWebhookEvent(tx, 'subscriber.unsubscribed', { email: 'd@example.com' }));
  const before = received.length;
  await db.query(`UPDATE jobs SET run_at = now() WHERE status = 'queued'`);
  await runDueJobs(strict, jobRegistry);
  assert.equal(received.length, before, 'nothing reached the loopback receiver');
  for (const [i, hook] of hooks.entries()) {
    const d = (await listDeliveries(db, hook.id))[0]!;
    assert.equal(d.status, 'pending', urls[i]);
    assert.match(d.error!, /^refused: /, urls[i]);
  }
});
