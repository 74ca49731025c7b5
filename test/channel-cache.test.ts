// The one helper for values kept until a change channel speaks (src/platform/channel-cache.ts): kept,
// dropped by this process's NOTIFY (after commit) and, on PostgreSQL, by another connection's, the TTL
// on an injected clock, the size bound, reads in flight and failed reads, and a listen that fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb } from './helpers/db.ts';
import type { Db } from '../src/db/index.ts';
import { ChannelCache, channelCache } from '../src/platform/channel-cache.ts';
import { API_KEYS_CHANNEL, CONTENT_CHANNEL, MEMBERS_CHANNEL } from '../src/platform/channels.ts';

const T = { timeout: 30_000 };

/** A read that counts how often it ran and gives its count. */
function counter() {
  let n = 0;
  const read = async () => ++n;
  return { read, get count() { return n; } };
}

/** A database handle whose listen is refused `failures` times, then the real one's; counts listens. */
function flakyListen(db: Db, failures: number): Db & { listens: number } {
  let left = failures;
  const wrapped = Object.create(db) as Db & { listens: number };
  wrapped.listens = 0;
  wrapped.listen = async (channel, fn) => {
    wrapped.listens++;
    if (left-- > 0) throw new Error('connection refused');
    return db.listen(channel, fn);
  };
  return wrapped;
}

test('a value is kept until one of its channels speaks: a NOTIFY of this process (after commit) and, on PostgreSQL, of another', T, async (ctx) => {
  const db = await openTestDb(ctx);
  const cache = new ChannelCache<string, number>(db, { channels: [CONTENT_CHANNEL, API_KEYS_CHANNEL], maxEntries: 10 });
  ctx.after(() => cache.close());
  const c = counter();
  await cache.listen();
  // On PostgreSQL this process hears its own NOTIFY twice: at once, and again through its LISTEN
  // connection. Each step waits for both before it looks, so that a late echo does not drop a value
  // the step has just read.
  const heard: string[] = [];
  for (const ch of [CONTENT_CHANNEL, API_KEYS_CHANNEL, MEMBERS_CHANNEL]) await db.listen(ch, (p) => heard.push(p));
  const copies = db.kind === 'postgres' ? 2 : 1;
  const settled = async (payload: string) => {
    while (heard.filter((p) => p === payload).length < copies) await new Promise((r) => setTimeout(r, 10));
  };
  const notify = async (channel: string, payload: string) => {
    await db.notify(channel, payload);
    await settled(payload);
  };
  assert.equal(await cache.get('k', c.read), 1);
  assert.equal(await cache.get('k', c.read), 1, 'kept');
  assert.equal(c.count, 1);

  await notify(CONTENT_CHANNEL, 'one');
  assert.equal(await cache.get('k', c.read), 2, 'dropped by this process’s notify on the first channel');
  await notify(API_KEYS_CHANNEL, 'two');
  assert.equal(await cache.get('k', c.read), 3, 'and on the second');
  await notify(MEMBERS_CHANNEL, 'three');
  assert.equal(await cache.get('k', c.read), 3, 'another channel leaves it');

  await db.tx(async (tx) => {
    await tx.notify(CONTENT_CHANNEL, 'four');
    assert.equal(await cache.get('k', c.read), 3, 'inside the transaction: not yet');
  });
  await settled('four');
  assert.equal(await cache.get('k', c.read), 4, 'after commit: dropped');

  if (db.kind !== 'postgres') return;
  // Another process on the same server: a connection of its own sends the NOTIFY.
  const pg = (await import('pg')).default;
  const u = new URL(process.env.NEWSDESK_TEST_PG_URL!);
  u.pathname = '/' + (await db.one<{ d: string }>('SELECT current_database() AS d'))!.d;
  const other = new pg.Client({ connectionString: u.toString() });
  await other.connect();
  await other.query(`NOTIFY ${CONTENT_CHANNEL}, 'elsewhere'`);
  await other.end();
  while (!heard.includes('elsewhere')) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await cache.get('k', c.read), 5, 'dropped by another process’s notify');
});

test('a read in flight when a channel speaks is not kept after it, a failed read is not kept, concurrent gets share one read', T, async (ctx) => {
  const db = await openTestDb(ctx);
  const cache = new ChannelCache<string, number>(db, { channels: [CONTENT_CHANNEL], maxEntries: 10 });
  ctx.after(() => cache.close());
  await cache.listen();
  let release!: (n: number) => void;
  const slow = cache.get('k', () => new Promise<number>((r) => (release = r)));
  const shared = cache.get('k', async () => 99);
  await db.notify(CONTENT_CHANNEL);
  release(1);
  assert.equal(await slow, 1);
  assert.equal(await shared, 1, 'the second get shared the first one’s read');
  assert.equal(await cache.get('k', async () => 2), 2, 'the read begun before the change was dropped');

  await assert.rejects(cache.get('bad', async () => Promise.reject(new Error('down'))), /down/);
  assert.equal(await cache.get('bad', async () => 3), 3, 'a failed read is read again');
  await assert.rejects(cache.get('sync', () => { throw new Error('at once'); }), /at once/);
  assert.equal(cache.size, 2);
});

test('entries older than the TTL are read again (an injected clock, no waiting)', T, async (ctx) => {
  const db = await openTestDb(ctx);
  let now = 1_000_000;
  const cache = new ChannelCache<string, number>(db, { channels: [CONTENT_CHANNEL], ttlMs: 5000, maxEntries: 10, now: () => now });
  ctx.after(() => cache.close());
  await cache.listen();
  const c = counter();
  assert.equal(await cache.get('k', c.read), 1);
  now += 4999;
  assert.equal(await cache.get('k', c.read), 1, 'still fresh one millisecond before the TTL');
  now += 1;
  assert.equal(await cache.get('k', c.read), 2, 'read again at the TTL');
  now += 4999;
  assert.equal(await cache.get('k', c.read), 2, 'the TTL counts from the new read');
});

test('the size bound drops the oldest entry first; 0 keeps nothing', T, async (ctx) => {
  const db = await openTestDb(ctx);
  const cache = new ChannelCache<number, string>(db, { channels: [CONTENT_CHANNEL], maxEntries: 3 });
  ctx.after(() => cache.close());
  await cache.listen();
  const reads: number[] = [];
  const read = (k: number) => async () => (reads.push(k), `v${k}`);
  for (const k of [1, 2, 3, 4]) await cache.get(k, read(k));
  assert.equal(cache.size, 3);
  await cache.get(2, read(2));
  await cache.get(3, read(3));
  await cache.get(4, read(4));
  assert.deepEqual(reads, [1, 2, 3, 4], '2, 3 and 4 kept');
  await cache.get(1, read(1));
  assert.deepEqual(reads, [1, 2, 3, 4, 1], 'the oldest, 1, had gone');

  const none = new ChannelCache<string, number>(db, { channels: [CONTENT_CHANNEL], maxEntries: 0 });
  ctx.after(() => none.close());
  await none.listen();
  const c = counter();
  await none.get('k', c.read);
  await none.get('k', c.read);
  assert.equal(c.count, 2);
  assert.equal(none.size, 0);
});

test('nothing is kept until the listen succeeds; a failed listen keeps nothing and is tried again later', T, async (ctx) => {
  const db = await openTestDb(ctx);
  let now = 0;
  const flaky = flakyListen(db, 1);
  const cache = new ChannelCache<string, number>(flaky, { channels: [CONTENT_CHANNEL], ttlMs: 60_000, maxEntries: 10, now: () => now });
  ctx.after(() => cache.close());
  const c = counter();
  await assert.rejects(cache.listen(), /connection refused/, 'a failed listen is reported to who awaits it');
  assert.equal(cache.listening, false);
  assert.equal(await cache.get('k', c.read), 1);
  assert.equal(await cache.get('k', c.read), 2, 'not kept: no caching without the channel, not even for the TTL');
  assert.equal(cache.size, 0);
  const listens = flaky.listens;
  now += 999;
  await cache.get('k', c.read);
  assert.equal(flaky.listens, listens, 'not tried again within a second');
  now += 1;
  await cache.get('k', c.read); // tries again (succeeds now), reads uncached meanwhile
  assert.equal(flaky.listens, listens + 1);
  await cache.listen();
  assert.equal(cache.listening, true);
  const before = c.count;
  await cache.get('k', c.read);
  await cache.get('k', c.read);
  assert.equal(c.count, before + 1, 'kept once listening');
  await db.notify(CONTENT_CHANNEL);
  await cache.get('k', c.read);
  assert.equal(c.count, before + 2, 'and dropped when the channel speaks');
});

test('channelCache(...).of(db) is one cache per database handle, listening once', T, async (ctx) => {
  const db = await openTestDb(ctx);
  const counted = flakyListen(db, 0);
  const caches = channelCache<string, number>({ channels: [CONTENT_CHANNEL, MEMBERS_CHANNEL], maxEntries: 10 });
  const a = caches.of(counted);
  ctx.after(() => a.close());
  assert.equal(caches.of(counted), a);
  const c = counter();
  for (let i = 0; i < 5; i++) await a.get(`k${i % 2}`, c.read);
  await a.listen();
  for (let i = 0; i < 5; i++) await a.get(`k${i % 2}`, c.read);
  assert.equal(counted.listens, 2, 'one listen a channel');
  const other = flakyListen(db, 0);
  assert.notEqual(caches.of(other), a, 'another handle has its own');
});
