// WebSub pings for wire story feeds (issue #12 with issue 13's WebSub): with WEBSUB_HUB set, a public
// story that gains items on the live wire queues one story ping through the job queue (batches
// coalesce), and the job posts hub.mode=publish for the story's three feeds, only for public stories
// (one of our articles on it, not hidden), each topic once, retried on a refusal without moving its
// cursor; the next change pings only what changed since. Our article on a story changing pings the
// story's feeds with the list feeds. Without WEBSUB_HUB nothing is queued. The hub is a real HTTP
// server on loopback.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { bridgeItems, seedStory, type SeedItem } from './helpers/wire-stories.ts';
import { createArticle } from '../src/articles/write.ts';
import { clusterPending } from '../src/newswire/stories/live.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';

const T = { timeout: 60_000 };
const pings: string[] = [];
let answer = 204;
const hub = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = new URLSearchParams(Buffer.concat(chunks).toString());
    if (String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') && body.get('hub.mode') === 'publish') pings.push(body.get('hub.url')!);
    res.writeHead(answer).end();
  });
});
await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
after(() => new Promise<void>((r) => hub.close(() => r())));
const HUB = `http://127.0.0.1:${(hub.address() as { port: number }).port}/hub`;

const NOW = '2026-03-10T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { WEBSUB_HUB: HUB, WEBHOOKS_ALLOW_PRIVATE: 'true' } });
const plain = await startTestApp({ now: NOW });
const feeds = (slug: string) => ['xml', 'atom', 'json'].map((k) => `https://news.example/story/${slug}/feed.${k}`);

async function setUp(app: TestApp) {
  const db = app.deps.db;
  await seedFixtures(db, new Date(NOW));
  const all = bridgeItems();
  const bridge = await seedStory(db, { slug: 'harbour-bridge-closed', title: 'Harbour Bridge closed after crack found' }, all.slice(0, 3));
  await createArticle(db, { headline: 'What the bridge closure means', slug: 'bridge-closure-means', body: 'Detours.', status: 'published', access: 'public', storyKey: bridge.slug, publishedAt: new Date(Date.parse(NOW) - 3_600_000) }, { now: new Date(NOW) });
  // A story nobody here wrote about (no public page), and a hidden one we did write about.
  const quiet = await seedStory(db, { slug: 'comet-seen', title: 'Comet seen over the bay' }, [
    { outlet: 'Middle Times', lean: 'center', url: 'https://middle.example/comet', title: 'Comet Ardent seen over Portwell bay', published: '2026-03-10T07:00:00Z' },
  ]);
  const hidden = await seedStory(db, { slug: 'tram-fares', title: 'Tram fares frozen', hidden: true }, [
    { outlet: 'Daily Progress', lean: 'left', url: 'https://progress.example/trams', title: 'Portwell tram fares frozen for a year', published: '2026-03-10T06:00:00Z' },
  ]);
  await createArticle(db, { headline: 'Fares stay put', slug: 'fares-stay-put', body: 'Frozen.', status: 'published', access: 'public', storyKey: hidden.slug, publishedAt: new Date(Date.parse(NOW) - 7_200_000) }, { now: new Date(NOW) });
  return { bridge, quiet, hidden, next: all[3]! };
}

/** An item arrives on the wire (not yet in a story), as the poller stores it. */
async function arrive(app: TestApp, it: SeedItem, guid: string) {
  const db = app.deps.db;
  const o = (await db.one<{ id: number }>(`SELECT id FROM wire_outlets WHERE name = $1`, [it.outlet]))
    ?? (await db.one<{ id: number }>(`INSERT INTO wire_outlets (name, slug, home_url, lean) VALUES ($1, $2, $3, $4) RETURNING id`, [it.outlet, guid, `https://${guid}.example/`, it.lean]));
  const r = await db.one<{ id: string }>(
    `INSERT INTO wire_items (outlet_id, guid, url, title, text, summary, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'done') RETURNING id`,
    [o!.id, guid, it.url, it.title, it.text ?? null, it.summary ?? null, new Date(it.published)],
  );
  return Number(r!.id);
}

async function storyPingJobs(app: TestApp, status = 'queued') {
  return app.deps.db.query<{ id: string }>(`SELECT id FROM jobs WHERE name = 'websub.story_ping' AND status = $1`, [status]);
}
async function waitQueued(app: TestApp) {
  for (let i = 0; i < 100; i++) {
    if ((await storyPingJobs(app)).length) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail('no story ping was queued');
}
async function runPing(app: TestApp) {
  await app.deps.db.query(`UPDATE jobs SET run_at = now() WHERE name LIKE 'websub.%' AND status = 'queued'`);
  await runDueJobs(app.deps, jobRegistry);
}

const s = await setUp(t);

test('a public story gaining items on the live wire pings its feeds through the job queue; batches coalesce; a refusal is retried', T, async () => {
  const db = t.deps.db;
  // The fixtures' own content changes queued the list ping; send it now so that it stays out of the way.
  await runPing(t);
  pings.length = 0;
  // Two cluster runs (two batches, two announcements) before the ping runs: one ping job.
  const first = await arrive(t, s.next, 'bridge-4');
  await clusterPending(t.deps);
  assert.equal(Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [first]))!.story_id), s.bridge.id, 'the item joined the bridge story');
  const second = await arrive(t, { outlet: 'Right Review', lean: 'right', url: 'https://right.example/bridge', title: 'Harbour Bridge crack: Portwell council blamed for closure', text: 'The Harbour Bridge in Portwell stays closed after engineers found a 40-centimetre crack in a main girder.', published: '2026-03-10T10:00:00Z' }, 'bridge-5');
  await clusterPending(t.deps);
  assert.equal(Number((await db.one<{ story_id: string }>('SELECT story_id FROM wire_items WHERE id = $1', [second]))!.story_id), s.bridge.id);
  await waitQueued(t);
  assert.equal((await storyPingJobs(t)).length, 1, 'one ping waiting for two batches');

  answer = 503;
  await runPing(t);
  assert.equal((await storyPingJobs(t)).length, 1, 'a refused ping stays queued for a retry');
  answer = 204;
  pings.length = 0;
  await runPing(t);
  assert.deepEqual(pings, feeds(s.bridge.slug), 'the story\'s three feeds, each once; not the quiet or the hidden story');
  assert.equal((await storyPingJobs(t)).length, 0);
  for (const url of pings) {
    const res = await t.get(new URL(url).pathname);
    assert.equal(res.status, 200, url);
    assert.match(res.headers.get('link') ?? '', /rel="hub"/);
  }
  // Nothing changed since: the next run pings nothing.
  pings.length = 0;
  await db.query(`SELECT 1`);
  await runPing(t);
  assert.deepEqual(pings, []);
});

test('the next ping carries only the stories changed since; the quiet story gets a page and is pinged once we write on it', T, async () => {
  const db = t.deps.db;
  pings.length = 0;
  await createArticle(db, { headline: 'A comet for the bay', slug: 'a-comet-for-the-bay', body: 'Look up.', status: 'published', access: 'public', storyKey: s.quiet.slug, publishedAt: new Date(Date.parse(NOW) - 600_000) }, { now: new Date(Date.parse(NOW) + 60_000) });
  // The article itself pings the list feeds and its story's feeds.
  for (let i = 0; i < 100 && !(await db.query(`SELECT 1 FROM jobs WHERE name = 'websub.ping' AND status = 'queued'`)).length; i++) await new Promise((r) => setTimeout(r, 20));
  await runPing(t);
  for (const f of feeds(s.quiet.slug)) assert.ok(pings.includes(f), `${f} pinged after our article on the story`);
  assert.ok(!pings.some((p) => p.includes(s.bridge.slug)), 'the bridge story did not change');
  // Then the comet story gains an item: only its feeds.
  pings.length = 0;
  await arrive(t, { outlet: 'Lean Left Ledger', lean: 'lean-left', url: 'https://ledger.example/comet', title: 'Comet Ardent lights up Portwell bay', published: '2026-03-10T08:00:00Z' }, 'comet-2');
  t.clock.set(new Date(Date.parse(NOW) + 120_000));
  await clusterPending(t.deps);
  await waitQueued(t);
  await runPing(t);
  assert.deepEqual(pings.filter((p) => p.includes('/story/')), feeds(s.quiet.slug));
});

test('without WEBSUB_HUB a story change queues no ping', T, async () => {
  const p = await setUp(plain);
  await arrive(plain, p.next, 'bridge-4');
  await clusterPending(plain.deps);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await plain.deps.db.query(`SELECT 1 FROM jobs WHERE name LIKE 'websub.%'`)).length, 0);
  assert.doesNotMatch(await (await plain.get(`/story/${p.bridge.slug}/feed.xml`)).text(), /rel="hub"/);
});
