// Two servers on one PostgreSQL (the README's "Several servers"): a change to a story's coverage made
// through one is heard by the other (STORY_CHANNEL over LISTEN/NOTIFY), which drops that story's
// article page and keeps its other cached pages. PostgreSQL only: an embedded database has one process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, tmpDir } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { openDb } from '../src/db/index.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { startServer } from '../src/server.ts';
import { addStoryItem, bridgeItems, seedStory } from './helpers/wire-stories.ts';
import { createArticle } from '../src/articles/write.ts';
import { announceStoryChanges } from '../src/newswire/coverage/coverage.ts';

const created = await createTestDatabase('stories');
const run = created ? test : test.skip;
const NOW = '2026-03-10T12:00:00Z';

async function server() {
  const db = await openDb({ databaseUrl: created!.url, dataDir: tmpDir() });
  const deps = { db, config: testConfig(), log: createLog('silent'), clock: fixedClock(NOW), runtime: createRuntime() };
  const s = await startServer(deps, { port: 0, host: '127.0.0.1', background: false });
  return { db, s };
}

const a = created ? await server() : null;
const b = created ? await server() : null;
after(async () => {
  for (const x of [a, b]) if (x) {
    await x.s.close();
    await x.db.close();
  }
  await created?.drop();
});

run('a story change made through one server drops the story’s pages on the other, and only those', { timeout: 60_000 }, async () => {
  const db = a!.db;
  const story = await seedStory(db, { slug: 'two-servers-story', title: 'Two servers' }, bridgeItems());
  const art = await createArticle(db, { headline: 'On two servers', slug: 'on-two-servers', body: 'Text.', status: 'published', access: 'public', storyKey: story.slug, publishedAt: new Date(NOW) }, { now: new Date(NOW) });
  // The publish cleared both caches (CONTENT_CHANNEL); wait until b has heard it, then fill b's cache.
  const get = (p: string) => fetch(b!.s.url + p).then((r) => r.text());
  for (let i = 0; i < 300 && !(await get('/' + art.slug)).includes('On two servers'); i++) await new Promise((r) => setTimeout(r, 20));
  await get('/' + art.slug);
  await get('/');
  assert.ok(b!.s.cache.has('/' + art.slug) && b!.s.cache.has('/'));
  await db.tx(async (tx) => {
    await addStoryItem(tx, story.id, { outlet: 'Right Review', lean: 'right', url: 'https://right.example/two', title: 'Bridge row', published: '2026-03-10T10:00:00Z' });
    await announceStoryChanges(tx, [story.id]);
  });
  for (let i = 0; i < 300 && b!.s.cache.has('/' + art.slug); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!b!.s.cache.has('/' + art.slug), 'the other server dropped the article page');
  assert.ok(b!.s.cache.has('/'), 'and kept its front page');
  assert.match(await get('/' + art.slug), /2 left, 1 center, 1 right/);
});
