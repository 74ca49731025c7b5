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
import { emitWebhookEvent, emitWebhookEvents, articleEventFor } from '../src/webhooks/emit.ts';
import { createWebhook, listDeliveries, updateWebhook } from '../src/webhooks/webhooks.ts';
import { verifySignature } from '../src/webhooks/deliver.ts';
import { isPrivateAddress } from '../src/platform/guarded-fetch.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { signup } from '../src/newsletters/signup.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';

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

test('emitWebhookEvents (a bulk writer\'s) makes the deliveries and jobs of emitWebhookEvent one at a time, in the same order, and rolls back with its transaction', async () => {
  const hooks = [
    (await createWebhook(db, { url: receiverUrl, events: ['subscriber.created'] })).webhook,
    (await createWebhook(db, { url: receiverUrl, events: ['*'] })).webhook,
    (await createWebhook(db, { url: receiverUrl, events: ['subscriber.confirmed', 'subscriber.created'] })).webhook,
    (await createWebhook(db, { url: receiverUrl, events: ['subscriber.created'], active: false })).webhook,
  ];
  const events = [
    { event: 'subscriber.created', payload: { subscriber: { id: 1, email: 'one@example.com', newsletters: ['daily'] } } },
    { event: 'subscriber.confirmed', payload: { subscriber: { id: 1, email: 'one@example.com', at: new Date('2026-03-02T09:00:00Z') } } },
    { event: 'subscriber.unsubscribed', payload: { subscriber: { id: 2 } } },
    { event: 'subscriber.created', payload: { subscriber: { id: 3, email: 'three@example.com', name: 'Ünïcode "quoted"' } } },
  ];
  /** What the events left: deliveries in id order, and their jobs in id order (by the delivery's place). */
  const written = async (since: number) => {
    const d = await db.query<{ id: number; webhook_id: number; event: string; payload: unknown }>(`SELECT id, webhook_id, event, payload FROM webhook_deliveries WHERE id > $1 ORDER BY id`, [since]);
    const place = new Map(d.map((r, i) => [Number(r.id), i]));
    const jobs = await db.query<{ name: string; status: string; max_attempts: number; payload: { deliveryId: number }; dedupe_key: string; due: boolean }>(
      `SELECT name, status, max_attempts, payload, dedupe_key, run_at <= now() AS due FROM jobs WHERE name = 'webhooks.deliver' AND (payload->>'deliveryId')::bigint > $1 ORDER BY id`,
      [since],
    );
    await db.query(`DELETE FROM jobs WHERE name = 'webhooks.deliver' AND (payload->>'deliveryId')::bigint > $1`, [since]);
    return {
      deliveries: d.map(({ webhook_id, event, payload }) => ({ webhook_id, event, payload })),
      jobs: jobs.map((j) => ({ name: j.name, status: j.status, max_attempts: j.max_attempts, due: j.due, delivery: place.get(Number(j.payload.deliveryId)), key: j.dedupe_key === `webhook-delivery:${j.payload.deliveryId}` })),
    };
  };
  const last = async () => Number((await db.one<{ id: number | null }>(`SELECT max(id) AS id FROM webhook_deliveries`))!.id ?? 0);
  let since = await last();
  await db.tx(async (tx) => {
    for (const e of events) await emitWebhookEvent(tx, e.event, e.payload);
  });
  const one = await written(since);
  since = await last();
  await db.tx((tx) => emitWebhookEvents(tx, events));
  const many = await written(since);
  assert.deepEqual(many, one);
  const mine = (w: { webhook_id: number }) => hooks.some((h) => h.id === w.webhook_id);
  assert.deepEqual(
    many.deliveries.filter(mine).map((d) => [hooks.findIndex((h) => h.id === d.webhook_id), d.event]),
    [[0, 'subscriber.created'], [1, 'subscriber.created'], [2, 'subscriber.created'], [1, 'subscriber.confirmed'], [2, 'subscriber.confirmed'], [1, 'subscriber.unsubscribed'], [0, 'subscriber.created'], [1, 'subscriber.created'], [2, 'subscriber.created']],
  );
  assert.equal(many.jobs.length, many.deliveries.length);
  assert.deepEqual(many.jobs.map((j) => j.delivery), many.deliveries.map((_, i) => i), 'a job per delivery, in their order');
  assert.ok(many.jobs.every((j) => j.key && j.due && j.status === 'queued' && j.max_attempts === 8 && j.name === 'webhooks.deliver'));
  since = await last();
  await assert.rejects(
    db.tx(async (tx) => {
      await emitWebhookEvents(tx, events);
      throw new Error('the import failed');
    }),
  );
  assert.deepEqual(await written(since), { deliveries: [], jobs: [] });
  await db.tx((tx) => emitWebhookEvents(tx, []));
  assert.deepEqual(await written(since), { deliveries: [], jobs: [] }, 'nothing to emit writes nothing');
  for (const h of hooks) await db.query(`DELETE FROM webhooks WHERE id = $1`, [h.id]);
  await db.query(`DELETE FROM webhook_deliveries WHERE event LIKE 'subscriber.%'`);
});

test('sign-ups that commit together (one batch) each tell a subscriber.created webhook once, with their own newsletters', async () => {
  await seedNewsletters(db);
  const { webhook } = await createWebhook(db, { url: receiverUrl, events: ['subscriber.created'] });
  const asked = [
    { email: 'Group.One@example.com', newsletters: ['daily'], name: 'One' },
    { email: 'group.two@example.com', newsletters: ['daily', 'morning'] },
    { email: 'group.one@example.com', newsletters: ['daily'] }, // the same person again: nothing new
    { email: 'group.three@example.com', newsletters: ['morning'], source: 'api' as const },
  ];
  const results = await Promise.all(asked.map((a) => signup(deps, a)));
  assert.equal(results[0]!.personId, results[2]!.personId);
  const got = (await listDeliveries(db, webhook.id)).map((d) => d.payload as { subscriber: Record<string, unknown> });
  const byEmail = new Map(got.map((p) => [p.subscriber.email, p.subscriber]));
  assert.equal(got.length, 3, JSON.stringify(got));
  assert.deepEqual(byEmail.get('Group.One@example.com'), { id: results[0]!.personId, email: 'Group.One@example.com', name: 'One', status: 'pending', source: 'signup', newsletters: ['daily'] });
  assert.deepEqual(byEmail.get('group.two@example.com')!.newsletters, ['daily', 'morning']);
  assert.equal(byEmail.get('group.three@example.com')!.source, 'api');
  await db.query(`DELETE FROM webhooks WHERE id = $1`, [webhook.id]);
  await db.query(`DELETE FROM jobs WHERE name = 'webhooks.deliver' AND status = 'queued'`);
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
