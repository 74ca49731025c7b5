// Reader modes and scrapers: Mozilla Readability over a real article page returns the article text
// and nothing from the sign-up box, the related list, navigation or footer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { Readability, isProbablyReaderable } from '@mozilla/readability';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
await seedFixtures(t.deps.db, new Date(NOW));

const paragraphs = [
  'The harbour authority confirmed on Monday that the old grain terminal will close at the end of the season, ending ninety years of continuous operation on the north quay.',
  'Dock workers said they had expected the decision for months, but the timing surprised local businesses that depend on the seasonal traffic of lorries and barges.',
  'The authority says the site will be cleaned and offered for light industry, while campaigners want part of it kept as a public waterfront with a museum of the port.',
  'Supporters of the closure point out that the terminal has lost money for six of the last eight years, and that its cranes would need replacing within a decade.',
  'Opponents argue that the port still handles a fifth of the region’s grain exports, and that moving the trade to the estuary will add forty miles to every journey.',
];

const article = await createArticle(
  t.deps.db,
  {
    headline: 'Grain terminal on the north quay to close',
    slug: 'grain-terminal-closes',
    dek: 'Ninety years of trade end with a vote of the harbour board.',
    body: paragraphs.join('\n\n') + '\n\n## What happens next\n\nA public consultation on the site’s future opens in January and runs for twelve weeks.',
    format: 'speed-read',
    section: 'politics',
    tags: ['Transport'],
    authors: ['ada-quill'],
    status: 'published',
    publishedAt: new Date(Date.parse(NOW) - 3600_000),
  },
  { now: new Date(NOW) },
);

test('Readability extracts the article and nothing else', async () => {
  const res = await t.get('/' + article.slug);
  assert.equal(res.status, 200);
  const page = await res.text();
  // The page around the article really does hold the other things we expect Readability to drop.
  assert.match(page, /Enjoyed this\? Get the next one in your inbox/);
  assert.match(page, /Related stories/);
  assert.match(page, /Council approves the riverside tram line/);

  const dom = new JSDOM(page, { url: t.url + '/' + article.slug });
  assert.ok(isProbablyReaderable(dom.window.document));
  const parsed = new Readability(dom.window.document).parse();
  assert.ok(parsed, 'Readability found an article');
  const text = parsed.textContent!.replace(/\s+/g, ' ');
  for (const p of paragraphs) assert.ok(text.includes(p), `article text kept: ${p.slice(0, 40)}…`);
  assert.ok(text.includes('A public consultation on the site’s future opens in January'));
  for (const outside of ['Get the next one in your inbox', 'Sign up', 'Email address', 'Related stories', 'Council approves the riverside tram line', 'Why trams are back in fashion', 'Skip to content', 'JSON Feed', 'Search']) {
    assert.ok(!text.includes(outside), `nothing from outside the article: found "${outside}"`);
  }
  assert.equal(parsed.title, 'Grain terminal on the north quay to close');
  assert.match(parsed.byline ?? '', /Ada Quill/);
  assert.equal(parsed.siteName, 'The Ledger');
  assert.equal(parsed.excerpt, 'Ninety years of trade end with a vote of the harbour board.');
});
