// `newsdesk editions send` when there is nothing to send (issue 13, item 10): it must not leave an
// empty draft behind that blocks every later send, and an empty draft left earlier must not block it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb, tmpDir } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';
import { createArticle } from '../src/articles/write.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { buildEdition, setIntro } from '../src/newsletters/editions.ts';
import type { Deps } from '../src/deps.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const NOW = '2026-11-20T12:00:00Z';
const db = await openTestDb();
const clock = fixedClock(NOW);
const deps: Deps = { db, config: testConfig(), log: createLog('silent'), clock, runtime: createRuntime() };
const dir = tmpDir();
await seedNewsletters(db);

async function send(slug: string) {
  const io = memoryIO();
  const code = await runCommand(['editions', 'send', slug], dir, io, deps);
  return { code, io };
}
const editions = async () => (await db.query<{ number: number; status: string }>(
  `SELECT e.number, e.status FROM editions e JOIN newsletters n ON n.id = e.newsletter_id WHERE n.slug = 'daily' ORDER BY e.number`));

test('a send with no stories fails clearly, keeps no draft, and a later send works once stories are published', { timeout: 60_000 }, async () => {
  const first = await send('daily');
  assert.equal(first.code, 1);
  assert.match(first.io.errors.join('\n'), /no stories for .*no draft was kept/);
  assert.deepEqual(await editions(), [], 'no empty draft left behind');
  const again = await send('daily');
  assert.equal(again.code, 1, 'still nothing to send');
  assert.doesNotMatch(again.io.errors.join('\n'), /still waiting to be sent/);
  await createArticle(db, { headline: 'Now there is news', slug: 'now-news', body: 'News.', status: 'published', publishedAt: new Date(Date.parse(NOW) - 3600_000) }, { now: clock.now() });
  const ok = await send('daily');
  assert.equal(ok.code, 0, ok.io.errors.join('\n'));
  assert.deepEqual((await editions()).map((e) => e.status), ['sent']);
});

test('an empty draft left by an earlier build does not block the command; one with an editor\'s intro does', { timeout: 60_000 }, async () => {
  clock.set(new Date(Date.parse(NOW) + 86400_000));
  const empty = await buildEdition(deps, 'daily');
  assert.equal(empty.items.length, 0);
  await createArticle(db, { headline: 'Next day news', slug: 'next-day', body: 'More.', status: 'published', publishedAt: new Date(clock.now().getTime() - 600_000) }, { now: clock.now() });
  const ok = await send('daily');
  assert.equal(ok.code, 0, ok.io.errors.join('\n'));
  assert.equal((await editions()).filter((e) => e.status === 'draft').length, 0);
  clock.set(new Date(Date.parse(NOW) + 2 * 86400_000));
  const draft = await buildEdition(deps, 'daily');
  await setIntro(db, draft.id, 'A note from the editor.');
  const blocked = await send('daily');
  assert.equal(blocked.code, 1);
  assert.ok((await editions()).some((e) => e.number === draft.number && e.status === 'draft'), 'the editor\'s draft is kept');
});
