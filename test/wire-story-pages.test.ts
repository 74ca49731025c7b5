// Readers see the perspectives (issue 12, part 5): "How it was covered" on an article linked to a wire
// story, outside the <article> (Readability and our own extractor take the article only); the page
// stays cached and is dropped (alone) when the story's coverage changes; /story/{slug} with our
// articles and the coverage by side, and its feeds, which never carry gated text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { Readability } from '@mozilla/readability';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { addStoryItem, bridgeItems, seedStory } from './helpers/wire-stories.ts';
import { createArticle } from '../src/articles/write.ts';
import { extractArticle } from '../src/newswire/extract/index.ts';
import { announceStoryChanges } from '../src/newswire/coverage/coverage.ts';
import { clusterPending } from '../src/newswire/stories/live.ts';
import Parser from 'rss-parser';
import { CONTENT_CHANNEL } from '../src/platform/channels.ts';

const NOW = '2026-03-10T12:00:00Z';
const t = await startTestApp({ now: NOW });
const db = t.deps.db;
await seedFixtures(db, new Date(NOW));
const T = { timeout: 60_000 };

const story = await seedStory(db, { slug: 'harbour-bridge-closed', title: 'Harbour Bridge closed after crack found' }, bridgeItems());
const paragraphs = [
  'Portwell woke to gridlock on Wednesday after the Harbour Bridge was closed when engineers found a crack in one of its main girders.',
  'The bridge carries about sixty thousand vehicles a day, and the detour through the old town adds forty minutes to a crossing at rush hour.',
  'The council says a temporary steel frame could reopen one lane within a month, but the full repair will take most of the year and cost millions.',
];
const ours = await createArticle(db, {
  headline: 'What the bridge closure means for Portwell',
  slug: 'bridge-closure-portwell',
  dek: 'A month of detours at least.',
  body: paragraphs.join('\n\n'),
  format: 'speed-read',
  status: 'published',
  access: 'public',
  storyKey: story.slug,
  publishedAt: new Date(Date.parse(NOW) - 3600_000),
}, { now: new Date(NOW) });
const gatedSecret = 'The engineers’ confidential report blames a welding fault from 1987.';
const gated = await createArticle(db, {
  headline: 'Inside the bridge inspection',
  slug: 'inside-the-bridge-inspection',
  body: 'The inspection began at dawn.\n\nIt ended at dusk.\n\n<!--paywall-->\n\n' + gatedSecret,
  status: 'published',
  access: 'paid',
  storyKey: story.slug,
  publishedAt: new Date(Date.parse(NOW) - 1800_000),
}, { now: new Date(NOW) });

test('"How it was covered" sits outside the article: reader modes and our extractor take the article only', T, async () => {
  const res = await t.get('/' + ours.slug);
  assert.equal(res.status, 200);
  const page = await res.text();
  const end = page.indexOf('</article>');
  const block = page.indexOf('How it was covered');
  assert.ok(block > end && end > 0, 'the block comes after the article element');
  assert.match(page, /aria-label="Coverage by outlets’ lean: 2 left, 1 center, 0 right"/);
  assert.match(page, /<a href="https:\/\/progress\.example\/bridge-closure" rel="nofollow noopener" class="coverage-link">Harbour Bridge closed after crack found<\/a>/);
  assert.match(page, /No coverage from the right yet\./);
  assert.match(page, /href="\/story\/harbour-bridge-closed"/);

  const dom = new JSDOM(page, { url: t.url + '/' + ours.slug });
  const parsed = new Readability(dom.window.document).parse();
  assert.ok(parsed);
  const text = parsed.textContent!.replace(/\s+/g, ' ');
  for (const p of paragraphs) assert.ok(text.includes(p), 'article text kept');
  for (const outside of ['How it was covered', 'Daily Progress', 'Middle Times', 'No coverage from the right', 'All the coverage of this story']) {
    assert.ok(!text.includes(outside), `Readability took "${outside}" from outside the article`);
  }
  const ex = extractArticle(page, { url: t.url + '/' + ours.slug });
  for (const p of paragraphs) assert.ok(ex.text.replace(/\s+/g, ' ').includes(p), 'our extractor keeps the article');
  for (const outside of ['How it was covered', 'Daily Progress', 'Lean Left Ledger']) assert.ok(!ex.text.includes(outside), `our extractor took "${outside}"`);

  // A paid article on the story: the block is there for anonymous readers too (the gated variants are
  // cached with it), and the gated text is not.
  const g = await t.get('/' + gated.slug);
  const gp = await g.text();
  assert.equal(g.status, 200);
  assert.ok(gp.indexOf('How it was covered') > gp.indexOf('</article>'));
  assert.ok(!gp.includes(gatedSecret));
});

test('the article page stays cached; a change to its story drops it (and its story page) and nothing else', T, async () => {
  const cache = t.server.cache;
  await t.get('/' + ours.slug).then((r) => r.text());
  await t.get('/story/' + story.slug).then((r) => r.text());
  await t.get('/').then((r) => r.text());
  const hit = await t.get('/' + ours.slug);
  assert.equal(hit.headers.get('x-cache'), 'HIT');
  await hit.text();
  assert.ok(cache.has('/') && cache.has('/' + ours.slug) && cache.has('/story/' + story.slug));

  // A right-leaning outlet joins the story (what the live wire does), and the change is announced.
  await db.tx(async (tx) => {
    await addStoryItem(tx, story.id, { outlet: 'Right Review', lean: 'right', url: 'https://right.example/bridge', title: 'Bridge fiasco: who signed off the last inspection?', text: 'The Harbour Bridge was closed on Tuesday.', published: '2026-03-10T10:00:00Z' });
    assert.deepEqual(await announceStoryChanges(tx, [story.id]), [story.slug]);
  });
  // The drop follows a lookup of the story's articles: wait for it (no timing assumed).
  for (let i = 0; i < 200 && cache.has('/' + ours.slug); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(!cache.has('/' + ours.slug), 'the article page was dropped');
  assert.ok(!cache.has('/story/' + story.slug), 'the story page was dropped');
  assert.ok(cache.has('/'), 'the front page was kept');
  const fresh = await (await t.get('/' + ours.slug)).text();
  assert.match(fresh, /2 left, 1 center, 1 right/);
  assert.match(fresh, /Bridge fiasco: who signed off the last inspection\?/);
  // A story none of our published articles is on announces nothing.
  const other = await seedStory(db, { slug: 'unrelated-story', title: 'Unrelated' }, [{ outlet: 'Middle Times', lean: 'center', url: 'https://middle.example/u', title: 'Unrelated', published: '2026-03-10T09:00:00Z' }]);
  assert.deepEqual(await announceStoryChanges(db, [other.id]), []);
});

test('/story/{slug}: our articles and the coverage by side, never gated text; feeds too', T, async () => {
  const res = await t.get('/story/' + story.slug);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('cache-control') ?? '', /public/);
  const page = await res.text();
  assert.match(page, /<h1>Harbour Bridge closed after crack found<\/h1>/);
  assert.match(page, /What the bridge closure means for Portwell/);
  assert.match(page, /Inside the bridge inspection/);
  assert.ok(!page.includes(gatedSecret), 'no gated text on the story page');
  for (const side of ['Left', 'Center', 'Right']) assert.match(page, new RegExp(`<h3 id="coverage-side-${side.toLowerCase()}">${side}</h3>`));
  assert.match(page, /Outlets without a rated lean[\s\S]*Unrated Wire/);
  assert.match(page, /<link rel="alternate" type="application\/rss\+xml"[^>]*href="https:\/\/news\.example\/story\/harbour-bridge-closed\/feed\.xml"/);

  for (const kind of ['xml', 'atom', 'json']) {
    const f = await t.get(`/story/${story.slug}/feed.${kind}`);
    assert.equal(f.status, 200, kind);
    const body = await f.text();
    assert.ok(body.includes('What the bridge closure means for Portwell'), `${kind} has our article`);
    assert.ok(body.includes('Inside the bridge inspection'), `${kind} has the gated article's headline`);
    assert.ok(!body.includes('welding fault'), `${kind} carries no gated text`);
    assert.ok(body.includes('The inspection began at dawn.'), `${kind} carries the lead-in`);
  }
  // Real feed readers read them: our two articles, newest first, linking to our pages.
  const parser = new Parser();
  for (const kind of ['xml', 'atom']) {
    const parsed = await parser.parseString(await (await t.get(`/story/${story.slug}/feed.${kind}`)).text());
    assert.equal(parsed.title, 'The Ledger: Harbour Bridge closed after crack found', kind);
    assert.deepEqual(parsed.items.map((i) => i.link), ['https://news.example/inside-the-bridge-inspection', 'https://news.example/bridge-closure-portwell'], kind);
  }
  assert.equal((await t.get('/story/unrelated-story')).status, 404, 'no article of ours: no public page');
  assert.equal((await t.get('/story/no-such-story')).status, 404);
  assert.equal((await t.get('/story/Bad%20Slug')).status, 404);
  // Hidden by an editor: gone from the public site.
  const hidden = await seedStory(db, { slug: 'hidden-story', title: 'Hidden', hidden: true }, [{ outlet: 'Middle Times', lean: 'center', url: 'https://middle.example/h', title: 'Hidden', published: '2026-03-10T09:00:00Z' }]);
  await createArticle(db, { headline: 'On the hidden story', status: 'published', storyKey: 'hidden-story', publishedAt: new Date(NOW) }, { now: new Date(NOW) });
  assert.equal((await t.get('/story/hidden-story')).status, 404);
  // Merged into our story: the old address redirects, and its articles count as the story's.
  const merged = await seedStory(db, { slug: 'bridge-crack-older', title: 'Bridge crack' }, [{ outlet: 'Middle Times', lean: 'center', url: 'https://middle.example/m', title: 'Crack', published: '2026-03-10T07:00:00Z' }]);
  await db.query(`UPDATE wire_stories SET merged_into = $1 WHERE id = $2`, [story.id, merged.id]);
  await db.query(`UPDATE wire_items SET story_id = $1 WHERE story_id = $2`, [story.id, merged.id]);
  const r = await t.get('/story/bridge-crack-older');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/story/harbour-bridge-closed');
  const rf = await t.get('/story/bridge-crack-older/feed.atom');
  assert.equal(rf.headers.get('location'), '/story/harbour-bridge-closed/feed.atom');
  void hidden;
  // Public stories are in the sitemap of pages; hidden, merged and uncovered ones are not.
  const sitemap = await (await t.get('/sitemaps/pages.xml')).text();
  assert.ok(sitemap.includes('<loc>https://news.example/story/harbour-bridge-closed</loc>'));
  for (const s of ['hidden-story', 'bridge-crack-older', 'unrelated-story']) assert.ok(!sitemap.includes(`/story/${s}<`), s);
});

test('the live wire: an item clustered into a story we published on drops that story\'s pages', T, async () => {
  const cache = t.server.cache;
  // A story of its own, clustered live from stored items, with an article of ours on it.
  const ins = async (outlet: string, lean: string, url: string, title: string, published: string) => {
    const o = await db.one<{ id: number }>(`INSERT INTO wire_outlets (name, slug, home_url, lean) VALUES ($1, $2, $3, $4) ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id`, [outlet, outlet.toLowerCase().replace(/\W+/g, '-'), `https://${outlet.toLowerCase().replace(/\W+/g, '')}.example/`, lean]);
    await db.query(`INSERT INTO wire_items (outlet_id, url, title, text, published_at, extract_status) VALUES ($1, $2, $3, $4, $5, 'done')`, [o!.id, url, title, `${title}. Volcanologists on Mount Kessel in Arvania raised the alert level to red on Tuesday after a series of tremors.`, new Date(published)]);
  };
  await ins('Left Lantern', 'left', 'https://lantern.example/kessel', 'Mount Kessel eruption alert raised to red in Arvania', '2026-03-10T06:00:00Z');
  await ins('Centre Courier', 'center', 'https://courier.example/kessel', 'Arvania raises Mount Kessel volcano alert to red', '2026-03-10T06:20:00Z');
  const live = { db, log: t.deps.log, clock: t.deps.clock, runtime: t.deps.runtime };
  await clusterPending(live);
  const row = await db.one<{ slug: string; id: number }>(`SELECT s.slug, s.id FROM wire_items i JOIN wire_stories s ON s.id = i.story_id WHERE i.url = 'https://lantern.example/kessel'`);
  assert.ok(row, 'clustered');
  const a = await createArticle(db, { headline: 'Kessel: what an eruption would mean', slug: 'kessel-eruption', body: 'Evacuation plans are ready.', status: 'published', access: 'public', storyKey: row!.slug, publishedAt: new Date(NOW) }, { now: new Date(NOW) });
  // Its announcement drops every cached page; on PostgreSQL this process hears it at once and again when
  // the server's NOTIFY comes back, whenever that is. A marker sent after it comes back after it (one
  // queue, in commit order), so once the marker is heard as often as the driver repeats it, no late
  // echo of the article's is left to drop the pages cached below.
  const marker = `kessel-${process.pid}`;
  let heard = 0;
  let echoed!: () => void;
  const back = new Promise<void>((resolve) => (echoed = resolve));
  const unlisten = await db.listen(CONTENT_CHANNEL, (p) => {
    if (p === marker && ++heard === (db.kind === 'postgres' ? 2 : 1)) echoed();
  });
  await db.notify(CONTENT_CHANNEL, marker);
  await back;
  await unlisten();
  const first = await (await t.get('/' + a.slug)).text();
  assert.match(first, /1 left, 1 center, 0 right/);
  assert.ok(cache.has('/' + a.slug));
  await t.get('/').then((r) => r.text());
  await ins('Right Ridge', 'lean-right', 'https://ridge.example/kessel', 'Mount Kessel volcano alert goes to red, Arvania says', '2026-03-10T07:00:00Z');
  await clusterPending(live);
  const joined = await db.one<{ story_id: number }>(`SELECT story_id FROM wire_items WHERE url = 'https://ridge.example/kessel'`);
  assert.equal(Number(joined!.story_id), Number(row!.id), 'the third item joined the story');
  for (let i = 0; i < 200 && cache.has('/' + a.slug); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(!cache.has('/' + a.slug), 'the article page was dropped');
  assert.ok(cache.has('/'), 'the front page was kept');
  assert.match(await (await t.get('/' + a.slug)).text(), /1 left, 1 center, 1 right/);
});

test('hostile story titles, outlet names and URLs are escaped or dropped on the story page and the article', T, async () => {
  const s = await seedStory(db, { slug: 'hostile-story', title: '<script>alert(1)</script> “Bridge” & co' }, [
    { outlet: '<img src=x onerror=alert(2)>', lean: 'left', url: 'https://evil.example/a?x="><script>alert(3)</script>', title: '</a><script>alert(4)</script>', published: '2026-03-10T08:00:00Z' },
    { outlet: 'Javascript Wire', lean: 'center', url: 'javascript:alert(5)', title: 'A javascript: link', published: '2026-03-10T08:10:00Z' },
  ]);
  const a = await createArticle(db, { headline: 'On the hostile story', slug: 'on-the-hostile-story', body: 'Text.', status: 'published', access: 'public', storyKey: s.slug, publishedAt: new Date(NOW) }, { now: new Date(NOW) });
  for (const path of ['/story/' + s.slug, '/' + a.slug]) {
    const page = await (await t.get(path)).text();
    assert.doesNotMatch(page, /<script>alert|<img src=x|javascript:alert/, path);
    assert.match(page, /&lt;img src=x onerror=alert\(2\)&gt;/, path);
  }
  const sp = await (await t.get('/story/' + s.slug)).text();
  assert.match(sp, /<h1>&lt;script&gt;alert\(1\)&lt;\/script&gt; “Bridge” &amp; co<\/h1>/);
  const feed = await (await t.get(`/story/${s.slug}/feed.xml`)).text();
  assert.doesNotMatch(feed, /<script>alert/);
});
