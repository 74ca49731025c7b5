// WebSub (issue 13, item 8): with WEBSUB_HUB set the feeds name the hub (rel="hub" in RSS and Atom,
// JSON Feed `hubs`, the Link header), and a content change pings it through the job queue. The hub
// is a real HTTP server on loopback; the feeds are read with rss-parser.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Parser from 'rss-parser';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';
import { activeHandles, leftRunning } from './helpers/handles.ts';

// What keeps the event loop alive before this file starts anything (the last test compares).
const atStart = activeHandles();

const pings: Array<{ contentType: string; body: URLSearchParams }> = [];
let answer = 204;
const hub = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    pings.push({ contentType: String(req.headers['content-type']), body: new URLSearchParams(Buffer.concat(chunks).toString()) });
    res.writeHead(answer).end();
  });
});
await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
let hubClosed: Promise<void> | null = null;
const closeHub = () => (hubClosed ??= new Promise<void>((r) => hub.close(() => r())));
after(closeHub);
const HUB = `http://127.0.0.1:${(hub.address() as { port: number }).port}/hub`;

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { WEBSUB_HUB: HUB, WEBHOOKS_ALLOW_PRIVATE: 'true' } });
await seedFixtures(t.deps.db, new Date(NOW));
const plain = await startTestApp({ now: NOW });

test('feeds name the hub: RSS and Atom rel="hub", JSON Feed hubs, and a Link header', { timeout: 30_000 }, async () => {
  const rssRes = await t.get('/feed.xml');
  assert.equal(rssRes.headers.get('link'), `<${HUB}>; rel="hub", <https://news.example/feed.xml>; rel="self"`);
  const rssText = await rssRes.text();
  const parser = new Parser({ customFields: { feed: [['atom:link', 'atomLinks', { keepArray: true }]] } as any });
  const rss = (await parser.parseString(rssText)) as any;
  const links = rss.atomLinks.map((l: any) => l.$);
  assert.ok(links.some((l: any) => l.rel === 'hub' && l.href === HUB), JSON.stringify(links));
  assert.ok(links.some((l: any) => l.rel === 'self' && l.href === 'https://news.example/feed.xml'));
  const atom = await (await t.get('/feed.atom')).text();
  assert.match(atom, new RegExp(`<link rel="hub" href="${HUB.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\s*/>`));
  const json = await (await t.get('/section/politics/feed.json')).json() as any;
  assert.deepEqual(json.hubs, [{ type: 'WebSub', url: HUB }]);
  const sectionAtom = await t.get('/section/politics/feed.atom');
  assert.match(sectionAtom.headers.get('link') ?? '', /rel="hub"/);
  await sectionAtom.body?.cancel();
});

test('without WEBSUB_HUB no hub is named', { timeout: 30_000 }, async () => {
  const res = await plain.get('/feed.xml');
  assert.equal(res.headers.get('link'), null);
  assert.doesNotMatch(await res.text(), /rel="hub"/);
  assert.ok(!('hubs' in ((await (await plain.get('/feed.json')).json()) as any)));
});

test('publishing queues one ping (bursts coalesce); the job posts hub.mode=publish for each site feed, and retries a refusal', { timeout: 30_000 }, async () => {
  const { db } = t.deps;
  await createArticle(db, { headline: 'Hub news', slug: 'hub-news', body: 'Ping.', status: 'published', publishedAt: '2026-11-20T11:00:00Z', section: 'science', format: 'speed-read', tags: ['Space'], authors: ['ben-marsh'] }, { now: new Date(NOW) });
  await createArticle(db, { headline: 'More hub news', slug: 'hub-news-2', body: 'Ping.', status: 'published', publishedAt: '2026-11-20T11:05:00Z' }, { now: new Date(NOW) });
  await new Promise((r) => setImmediate(r));
  let queued: Array<{ status: string }> = [];
  for (let i = 0; i < 50 && !queued.length; i++) {
    queued = await db.query(`SELECT status FROM jobs WHERE name = 'websub.ping'`);
    if (!queued.length) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(queued.length, 1, 'one ping waiting for two changes');
  answer = 503;
  await runDueJobs(t.deps, jobRegistry);
  assert.equal((await db.one<{ status: string }>(`SELECT status FROM jobs WHERE name = 'websub.ping'`))!.status, 'queued', 'a refused ping is retried');
  answer = 204;
  pings.length = 0;
  await db.query(`UPDATE jobs SET run_at = now() WHERE name = 'websub.ping'`);
  await runDueJobs(t.deps, jobRegistry);
  const feeds = (l: string) => ['xml', 'atom', 'json'].map((k) => ['publish', `https://news.example${l}/feed.${k}`]);
  // The first ping looks back a day, so the seeded fixtures' lists come too; the site feeds lead.
  const sent = pings.map((p) => [p.body.get('hub.mode'), p.body.get('hub.url')]);
  assert.deepEqual(sent.slice(0, 3), feeds(''));
  for (const f of [...feeds('/author/ben-marsh'), ...feeds('/format/speed-read'), ...feeds('/section/science'), ...feeds('/tag/space')]) {
    assert.ok(sent.some((x) => x[1] === f[1]), `${f[1]} pinged: the changed article is in that list`);
  }
  assert.equal(new Set(sent.map((x) => x[1])).size, sent.length, 'each topic once');
  assert.ok(pings.every((p) => p.contentType.startsWith('application/x-www-form-urlencoded')));
  assert.equal((await db.one<{ status: string }>(`SELECT status FROM jobs WHERE name = 'websub.ping'`))!.status, 'done');
  // Every pinged list feed exists and names the hub.
  for (const [, url] of pings.map((p) => [p.body.get('hub.mode'), p.body.get('hub.url')!])) {
    const res = await t.get(new URL(url!).pathname);
    assert.equal(res.status, 200, url!);
    await res.body?.cancel();
  }

  // The next change pings only its own lists: the cursor moved past the first two articles.
  await createArticle(db, { headline: 'Politics hub news', slug: 'hub-news-3', body: 'Ping.', status: 'published', publishedAt: '2026-11-20T11:10:00Z', section: 'politics' }, { now: new Date(Date.parse(NOW) + 60_000) });
  await new Promise((r) => setImmediate(r));
  pings.length = 0;
  for (let i = 0; i < 50; i++) {
    const q = await db.query(`SELECT 1 FROM jobs WHERE name = 'websub.ping' AND status = 'queued'`);
    if (q.length) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await db.query(`UPDATE jobs SET run_at = now() WHERE name = 'websub.ping'`);
  await runDueJobs(t.deps, jobRegistry);
  assert.deepEqual(pings.map((p) => p.body.get('hub.url')), [...feeds(''), ...feeds('/section/politics')].map((x) => x[1]));
});

test("once the hub and both apps are closed, nothing is left running: no server, no socket, no timer (such as a ping's time limit)", { timeout: 30_000 }, async () => {
  // The same closes as the after() cleanups (each runs once), so that this can look at what remains:
  // the servers, then the databases (PostgreSQL's pool holds sockets and idle timers until then).
  await Promise.all([closeHub(), t.server.close(), plain.server.close()]);
  await Promise.all([t.deps.db.close(), plain.deps.db.close()]);
  assert.deepEqual(await leftRunning(atStart), []);
});
