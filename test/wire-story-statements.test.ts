// A story's pages read the story in one statement (decision 0079): the public story page, the article's
// "How it was covered", the newsroom's story screen and GET /api/admin/stories/{id}, counted through a
// Db that notes every statement the app sends; and storyView gives what the separate reads it replaced
// give (storyItems, linkedArticles, storyDecisions, storyOutlets, mergeCandidates, the settings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../src/db/index.ts';
import { openTestDb } from './helpers/db.ts';
import { testConfig, type TestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { startServer } from '../src/server.ts';
import type { Deps } from '../src/deps.ts';
import { seedDemoWire } from '../src/demo/wire.ts';
import { clusterPending } from '../src/newswire/stories/live.ts';
import { mergeStories, pinStory, renameStory, storyDecisions } from '../src/newswire/stories/decisions.ts';
import { getStory, getStorySettings, linkedArticles, mergeCandidates, storyItems, storyOutlets, storyView } from '../src/newswire/stories/store.ts';
import { createArticle } from '../src/articles/write.ts';
import { createApiKey } from '../src/staff/api-keys.ts';

const NOW = '2026-11-20T15:00:00Z';
let sent: string[] | null = null;
const counting = (d: Db): Db => ({
  kind: d.kind,
  query: (sql, params) => (sent?.push(sql), d.query(sql, params)),
  one: (sql, params) => (sent?.push(sql), d.one(sql, params)),
  prepared: (name, types, sql, params) => (sent?.push(sql), d.prepared(name, types, sql, params)),
  exec: (sql) => (sent?.push(sql), d.exec(sql)),
  tx: (fn) => d.tx((t) => fn(counting(t))),
  notify: (channel, payload) => d.notify(channel, payload),
  listen: (channel, onMessage) => d.listen(channel, onMessage),
  close: () => d.close(),
});

const raw = await openTestDb();
const db = counting(raw);
const clock = fixedClock(NOW);
// No page cache: every request renders, so its statements are all counted.
const deps: Deps = { db, config: testConfig({ PAGE_CACHE_ENTRIES: '0' }), log: createLog('silent'), clock, runtime: createRuntime() };
const server = await startServer(deps, { port: 0, host: '127.0.0.1', background: false });
const { after } = await import('node:test');
after(() => server.close());
const t: TestApp = { deps, server, url: server.url, clock, get: (path, init) => fetch(server.url + path, { redirect: 'manual', ...init }) };

await seedDemoWire(raw, clock.now(), 'UTC');
await clusterPending(deps);
const [top, second] = await raw.query<{ id: number; slug: string }>(`SELECT id, slug FROM wire_stories WHERE merged_into IS NULL AND item_count > 0 ORDER BY item_count DESC, id LIMIT 2`);
assert.ok(top && second, 'the demo wire has two stories');
await createArticle(raw, { headline: 'Our piece on it', slug: 'our-piece-on-it', body: 'One paragraph.', status: 'published', access: 'public', storyKey: top.slug, publishedAt: new Date(Date.parse(NOW) - 3600_000) }, { now: new Date(NOW) });
await createArticle(raw, { headline: 'A draft on it', slug: 'a-draft-on-it', body: 'Draft.', status: 'draft', storyKey: top.slug }, { now: new Date(NOW) });
await renameStory(deps, { story: top.id, title: 'Renamed <by> an editor', staffId: null });
await pinStory(deps, { story: top.id, pinned: 'true', staffId: null });

/** The statements sent while `fn` runs: all of them, and those that read the wire's tables. */
async function statements(fn: () => Promise<unknown>): Promise<{ all: string[]; wire: string[] }> {
  sent = [];
  try {
    await fn();
    return { all: sent, wire: sent.filter((s) => /\bwire_/.test(s)) };
  } finally {
    sent = null;
  }
}
const show = (xs: string[]) => xs.map((s) => s.replace(/\s+/g, ' ').slice(0, 90)).join('\n');

test('each of a story\'s pages reads the story in one statement', { timeout: 60_000 }, async () => {
  const { secret } = await createApiKey(raw, { name: 'k', kind: 'admin', role: 'editor' });
  const { c } = await signedIn(t, 'editor@example.com', 'editor', 'Eddie');
  let body = '';
  // The public story page: the story with its coverage, slugs and public flag (one), our articles (one);
  // the rest is the site's layout (the publication, sections, formats, newsletters).
  let n = await statements(async () => {
    const res = await t.get(`/story/${top.slug}`);
    assert.equal(res.status, 200);
    body = await res.text();
  });
  assert.match(body, /Renamed &lt;by&gt; an editor/);
  assert.match(body, /Our piece on it/);
  assert.doesNotMatch(body, /A draft on it/);
  assert.equal(n.wire.length, 1, show(n.wire));
  assert.ok(n.all.length <= 6, `the story page sent ${n.all.length} statements (it sent 10 before decision 0079):\n${show(n.all)}`);
  // The article with "How it was covered": its story read in one statement.
  n = await statements(async () => {
    const res = await t.get('/our-piece-on-it');
    assert.equal(res.status, 200);
    body = await res.text();
  });
  assert.match(body, /How it was covered/);
  assert.equal(n.wire.length, 1, show(n.wire));
  // A story nobody wrote about has no page; asking reads it once too (then the not-found page's layout).
  n = await statements(async () => assert.equal((await t.get(`/story/${second.slug}`)).status, 404));
  assert.equal(n.wire.length, 1, show(n.wire));
  // The newsroom's story screen: the session and the publication, then the story in one statement.
  n = await statements(async () => {
    body = await c.page(`/admin/stories/${top.id}`);
  });
  assert.match(body, /Renamed &lt;by&gt; an editor/);
  assert.equal(n.wire.length, 1, show(n.wire));
  assert.ok(n.all.length <= 3, `the story screen sent ${n.all.length} statements (8 before decision 0079):\n${show(n.all)}`);
  // The Admin API's story: one statement (six before), besides the key's (its lookup and last use).
  let json: any = null;
  n = await statements(async () => {
    const res = await t.get(`/api/admin/stories/${top.id}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(res.status, 200);
    json = await res.json();
  });
  assert.equal(json.data.title, 'Renamed <by> an editor');
  assert.ok(json.data.items.length > 0 && json.data.outlets.length > 0 && json.data.decisions.length === 2 && json.data.articles.length === 2);
  assert.equal(n.wire.length, 1, show(n.wire));
  const notKey = n.all.filter((s) => !/\bapi_keys\b/.test(s));
  assert.ok(notKey.length <= 1, `the API's story sent ${notKey.length} statements besides the key's (6 before decision 0079):\n${show(notKey)}`);
});

test('storyView gives what the separate reads give, for a live story, a merged one and a missing one', { timeout: 60_000 }, async () => {
  await mergeStories(deps, { into: top.id, from: second.id, staffId: null });
  const now = new Date(NOW);
  for (const id of [top.id, second.id]) {
    const v = await storyView(raw, id, { others: { now, limit: 40 }, outlets: true });
    const story = await getStory(raw, id);
    assert.deepEqual(v.story, story);
    assert.deepEqual(v.items, await storyItems(raw, id));
    assert.deepEqual(v.articles, await linkedArticles(raw, story));
    assert.deepEqual(v.decisions, await storyDecisions(raw, id));
    assert.deepEqual(v.settings, await getStorySettings(raw));
    assert.deepEqual(v.others, await mergeCandidates(raw, { now, limit: 40, exclude: id }));
    assert.deepEqual(v.outlets, (await storyOutlets(raw, [id])).get(id));
    const bare = await storyView(raw, id);
    assert.equal(bare.others, undefined);
    assert.equal(bare.outlets, undefined);
  }
  const merged = await storyView(raw, top.id);
  assert.ok(merged.items.length > 0 && merged.decisions.some((d) => d.kind === 'merge'), 'the merge is on the surviving story');
  await assert.rejects(storyView(raw, 999_999), /No such story/);
  await assert.rejects(storyView(raw, 'x'), /No such story/);
});

test("the site's layout (publication, sections, formats, newsletters) is read once, then again only after something a reader sees changed", { timeout: 60_000 }, async () => {
  const { setPublicationSetting } = await import('../src/publication/settings.ts');
  const layoutReads = (xs: string[]) => xs.filter((s) => /\bFROM (settings|sections|formats|newsletters)\b/i.test(s) && !/\bwire_/.test(s));
  // No such story: a 404, never cached, rendered in the site's layout.
  const missing = async () => {
    const res = await t.get('/story/no-such-story-anywhere');
    assert.equal(res.status, 404);
    return res.text();
  };
  await missing();
  let body = '';
  let n = await statements(async () => {
    body = await missing();
  });
  assert.deepEqual(layoutReads(n.all), [], `the layout was read again:\n${show(n.all)}`);
  assert.doesNotMatch(body, /Renamed Gazette/);
  // A change announced on the content channel (as every writer of these does) makes the next page read them.
  await setPublicationSetting(raw, 'name', 'Renamed Gazette');
  for (let i = 0; i < 200 && !/Renamed Gazette/.test(body); i++) {
    await new Promise((r) => setTimeout(r, 10));
    n = await statements(async () => {
      body = await missing();
    });
  }
  assert.match(body, /Renamed Gazette/);
  assert.ok(layoutReads(n.all).length >= 1, show(n.all));
});
