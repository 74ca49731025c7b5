// The digest from the wire (issue 12, part 6): the daily digest ranks our articles by the wire rank of
// their stories, so the day's biggest story leads; the edition composer shows the top stories we have
// not covered yet, with "Draft a brief" beside each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { seedStory, type SeedItem } from './helpers/wire-stories.ts';
import { createArticle } from '../src/articles/write.ts';
import { upsertNewsletter } from '../src/newsletters/newsletters.ts';
import { buildEdition, cancelSend, editionContent } from '../src/newsletters/editions.ts';
import { renderEditionEmail } from '../src/newsletters/render.ts';
import { topUncovered, wireRanks } from '../src/newswire/coverage/coverage.ts';

const NOW = '2026-03-10T12:00:00Z';
const t = await startTestApp({ now: NOW });
const db = t.deps.db;
await seedFixtures(db, new Date(NOW));
const T = { timeout: 60_000 };

const LEANS = ['left', 'lean-left', 'center', 'lean-right', 'right', 'center', 'left', 'right'] as const;
function coverage(tag: string, outlets: number, hour: number): SeedItem[] {
  return Array.from({ length: outlets }, (_, i) => ({
    outlet: `Outlet ${i + 1}`,
    lean: LEANS[i % LEANS.length]!,
    title: `${tag} headline ${i + 1}`,
    url: `https://o${i + 1}.example/${tag}`,
    text: `${tag} text from outlet ${i + 1}.`,
    published: `2026-03-10T${String(hour).padStart(2, '0')}:${String(i).padStart(2, '0')}:00Z`,
  }));
}
const big = await seedStory(db, { slug: 'big-story', title: 'The big story' }, coverage('big', 8, 9));
const small = await seedStory(db, { slug: 'small-story', title: 'The small story' }, coverage('small', 2, 10));
const uncovered = await seedStory(db, { slug: 'uncovered-story', title: 'The story nobody here wrote <yet>' }, coverage('uncovered', 5, 11));

// Yesterday's story, bigger than any of today's: ranked after today's (an early edition still has it).
const yesterday = await seedStory(db, { slug: 'yesterday-story', title: 'Yesterday' }, coverage('yesterday', 8, 9).map((i) => ({ ...i, published: i.published.replace('2026-03-10', '2026-03-09') })));
const at = (h: number) => new Date(Date.parse(NOW) - h * 3600_000);
const onSmall = await createArticle(db, { headline: 'Small story, our explainer', format: 'the-explainer', editorsPick: true, status: 'published', publishedAt: at(1), storyKey: 'small-story' });
const onBig = await createArticle(db, { headline: 'Big story, our take', status: 'published', publishedAt: at(5), storyKey: 'big-story' });
const feature = await createArticle(db, { headline: 'A feature with no story', format: 'the-explainer', editorsPick: true, status: 'published', publishedAt: at(0.5) });

test('the wire ranks the day: the big story first, by every slug our articles carry', T, async () => {
  const ranks = await wireRanks(db, { now: new Date(NOW), top: 10 });
  assert.equal(ranks.get('big-story'), 1);
  assert.ok(ranks.get('small-story')! > ranks.get('uncovered-story')!, 'five outlets outrank two');
  assert.equal(ranks.get('yesterday-story'), 4, 'yesterday\'s stories follow today\'s');
  void yesterday;
});

test('the digest leads with our articles on the biggest wire stories, then the rest by score', T, async () => {
  const n = await upsertNewsletter(db, { slug: 'wire-digest', name: 'Wire digest', rules: { limit: 10, rank: 'digest' } });
  const e = await buildEdition(t.deps, n.slug);
  assert.deepEqual(e.items.map((i) => i.id).slice(0, 3), [onBig.id, onSmall.id, feature.id], 'the wire\'s order first, then the rest by score');
  assert.match(e.subject, /Big story, our take/);
  // The email says how each story on the wire was covered, and links to its page.
  const { content } = await editionContent(t.deps, e);
  const mail = renderEditionEmail(content);
  assert.match(mail.html, /How it was covered: 8 outlets: 3 left, 2 center, 3 right &middot; <a href="https:\/\/news\.example\/story\/big-story"/);
  assert.match(mail.text, /How it was covered: 8 outlets: 3 left, 2 center, 3 right \(https:\/\/news\.example\/story\/big-story\)/);
  assert.equal((mail.text.match(/How it was covered/g) ?? []).length, 2, 'only the two articles on wire stories');
  await cancelSend(db, e.id);
  // Without the wire (wire_top: 0) the old score decides: the fresh editor's picks lead.
  const plain = await upsertNewsletter(db, { slug: 'plain-digest', name: 'Plain digest', rules: { limit: 10, rank: 'digest', wire_top: 0 } });
  const p = await buildEdition(t.deps, plain.slug);
  const ids = p.items.map((i) => i.id);
  assert.ok(ids.indexOf(feature.id) < ids.indexOf(onBig.id) && ids.indexOf(onSmall.id) < ids.indexOf(onBig.id), 'on score alone the fresh picks come before the older article');
  await cancelSend(db, p.id);
});

test('the composer shows the top stories we have not covered, with "Draft a brief"', T, async () => {
  const list = await topUncovered(db, { now: new Date(NOW) });
  assert.deepEqual(list.map((s) => s.slug), ['uncovered-story', 'yesterday-story']);
  const { c } = await signedIn(t, 'digest-editor@example.com', 'editor');
  const n = await upsertNewsletter(db, { slug: 'composer-digest', name: 'Composer digest', rules: {} });
  const e = await buildEdition(t.deps, n.slug);
  const page = await c.page(`/admin/newsletters/editions/${e.id}`);
  assert.match(page, /On the wire, not covered yet/);
  assert.match(page, /The story nobody here wrote &lt;yet&gt;/);
  assert.ok(page.includes(`action="/admin/stories/${uncovered.id}/brief"`));
  assert.ok(!page.includes(`action="/admin/stories/${big.id}/brief"`), 'a story we published on is not offered');
  assert.ok(!page.includes(`action="/admin/stories/${small.id}/brief"`));
  const drafted = await c.post(`/admin/stories/${uncovered.id}/brief`);
  assert.equal(drafted.status, 303);
  const draftId = Number(/articles\/(\d+)/.exec(drafted.headers.get('location')!)![1]);
  const again = await c.page(`/admin/newsletters/editions/${e.id}`);
  assert.ok(again.includes(`href="/admin/articles/${draftId}">Our draft: The story nobody here wrote &lt;yet&gt;</a>`), 'the draft is offered instead');
  assert.ok(!again.includes(`action="/admin/stories/${uncovered.id}/brief"`));
});
