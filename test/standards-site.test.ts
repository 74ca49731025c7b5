// The public site checked with real validators and parsers (issue 13): social cards, static pages as
// WebPage and out of the news sitemaps, robots.txt, headings and landmarks, the sign-up page's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HtmlValidate } from 'html-validate';
import { XMLParser } from 'fast-xml-parser';
import { parseHTML } from 'linkedom';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { buildEdition, startSend } from '../src/newsletters/editions.ts';
import { configWarnings } from '../src/config.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
const about = await createArticle(db, { headline: 'About us', slug: 'about', dek: 'Who we are.', body: 'We report on the city.', tags: ['Transport'], access: 'public', status: 'published', publishedAt: '2026-11-20T10:00:00Z' }, { now: new Date(NOW) });
await db.query(`UPDATE articles SET type = 'page' WHERE id = $1`, [about.id]);
const withImage = await createArticle(db, { headline: 'A picture story', slug: 'picture-story', body: 'Look.', featureImageUrl: '/uploads/2026/11/tram.jpg', featureImageAlt: 'A tram on the bridge', status: 'published', publishedAt: '2026-11-20T11:00:00Z' }, { now: new Date(NOW) });
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y', 'html-validate:document'], rules: { 'long-title': 'off', 'require-sri': ['error', { target: 'crossorigin' }] } });

async function page(path: string): Promise<string> {
  const res = await t.get(path);
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.text();
}

function metaOf(body: string): Map<string, string[]> {
  const { document } = parseHTML(body);
  const out = new Map<string, string[]>();
  for (const m of document.querySelectorAll('meta')) {
    const k = m.getAttribute('property') ?? m.getAttribute('name');
    if (!k) continue;
    out.set(k, [...(out.get(k) ?? []), m.getAttribute('content') ?? '']);
  }
  return out;
}

function jsonLd(body: string): any[] {
  const { document } = parseHTML(body);
  return [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => JSON.parse(s.textContent ?? ''));
}

async function assertValidHtml(path: string) {
  const report = await validator.validateString(await page(path));
  const messages = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message} (line ${m.line})`));
  assert.deepEqual(messages, [], `${path} is valid HTML`);
}

test('social cards on an article without a feature image fall back to the logo, with alt text, never "undefined"', { timeout: 30_000 }, async () => {
  const body = await page('/riverside-tram');
  assert.doesNotMatch(body, /undefined/);
  const meta = metaOf(body);
  assert.deepEqual(meta.get('og:image'), ['https://news.example/assets/logo.png']);
  assert.deepEqual(meta.get('twitter:image'), ['https://news.example/assets/logo.png']);
  assert.ok(meta.get('og:image:alt')?.[0], 'og:image:alt');
  assert.ok(meta.get('twitter:image:alt')?.[0], 'twitter:image:alt');
  assert.deepEqual(meta.get('twitter:card'), ['summary']);
});

test('social cards on an article with a feature image: the image, absolute, with its own alt text', { timeout: 30_000 }, async () => {
  const meta = metaOf(await page('/' + withImage.slug));
  assert.deepEqual(meta.get('og:image'), ['https://news.example/uploads/2026/11/tram.jpg']);
  assert.deepEqual(meta.get('twitter:image'), ['https://news.example/uploads/2026/11/tram.jpg']);
  assert.deepEqual(meta.get('og:image:alt'), ['A tram on the bridge']);
  assert.deepEqual(meta.get('twitter:image:alt'), ['A tram on the bridge']);
  assert.deepEqual(meta.get('twitter:card'), ['summary_large_image']);
});

test('every page kind has an image card with alt text', { timeout: 30_000 }, async () => {
  for (const path of ['/', '/section/politics', '/author/ada-quill', '/search?q=tram', '/about']) {
    const body = await page(path);
    assert.doesNotMatch(body, /content="undefined"/, path);
    const meta = metaOf(body);
    assert.equal(meta.get('og:image')?.length, 1, `${path}: one og:image`);
    assert.ok(meta.get('og:image:alt')?.[0] && meta.get('twitter:image:alt')?.[0], `${path}: alt texts`);
  }
});

test('a static page is a WebPage with no byline and no "author": []; a story without authors is the publication\'s', { timeout: 30_000 }, async () => {
  const body = await page('/about');
  const [ld] = jsonLd(body);
  assert.equal(ld['@type'], 'WebPage');
  assert.equal(ld.url, 'https://news.example/about');
  assert.ok(!('author' in ld));
  assert.equal(metaOf(body).get('og:type')?.[0], 'website');
  assert.equal(metaOf(body).get('article:published_time'), undefined);
  assert.doesNotMatch(body, /class="related"/);
  const [story] = jsonLd(await page('/' + withImage.slug));
  assert.equal(story['@type'], 'NewsArticle');
  assert.deepEqual(story.author, [{ '@type': 'Organization', name: story.publisher.name, url: 'https://news.example/' }]);
});

test('static pages stay out of the news sitemap and the article sitemap, and are listed with the site\'s pages', { timeout: 30_000 }, async () => {
  const locs = (x: any) => [x.urlset.url].flat().filter(Boolean).map((u: any) => u.loc as string);
  const news = locs(xml.parse(await page('/news-sitemap.xml')));
  assert.ok(news.includes('https://news.example/riverside-tram'));
  assert.ok(!news.includes('https://news.example/about'), 'no page in the news sitemap');
  const articles = locs(xml.parse(await page('/sitemaps/articles-1.xml')));
  assert.ok(articles.includes('https://news.example/why-trams'));
  assert.ok(!articles.includes('https://news.example/about'), 'no page in the article sitemap');
  const pages = locs(xml.parse(await page('/sitemaps/pages.xml')));
  assert.ok(pages.includes('https://news.example/about'));
});

test('article, page, home, list and search pages pass html-validate', { timeout: 60_000 }, async () => {
  for (const path of ['/riverside-tram', '/' + withImage.slug, '/about', '/', '/section/politics', '/search?q=tram', '/search?q=report+city']) await assertValidHtml(path);
});

test('robots.txt also keeps crawlers out of Ghost\'s API', { timeout: 10_000 }, async () => {
  const robots = await page('/robots.txt');
  assert.match(robots, /^Disallow: \/ghost\/api\/$/m);
  assert.match(robots, /^Disallow: \/api\/$/m);
});

test('feeds carry Last-Modified: the newest item\'s change, also on a cache hit', { timeout: 10_000 }, async () => {
  const newest = await db.one<{ at: Date }>(`SELECT max(updated_at) AS at FROM articles WHERE status = 'published' AND type = 'post'`);
  for (const path of ['/feed.xml', '/feed.atom', '/feed.json', '/feed.xml']) {
    const res = await t.get(path);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('last-modified'), new Date(newest!.at).toUTCString(), path);
  }
  const section = await t.get('/section/science/feed.xml');
  assert.ok(section.headers.get('last-modified'), 'a section feed too');
});

test('the search page\'s two search landmarks have different names', { timeout: 10_000 }, async () => {
  const { document } = parseHTML(await page('/search?q=tram'));
  const names = [...document.querySelectorAll('[role="search"]')].map((f) => f.getAttribute('aria-label'));
  assert.equal(names.length, 2);
  assert.ok(names.every(Boolean), 'each is named');
  assert.equal(new Set(names).size, names.length, names.join(' / '));
});

const document_forms = (body: string) => body.match(/<form class="signup-form/g)?.length ?? 0;

test('/newsletters/subscribe before anything is submitted shows no error state', { timeout: 10_000 }, async () => {
  const body = await page('/newsletters/subscribe');
  assert.match(body, /<form class="signup-form[^"]*"[^>]*action="\/newsletters\/subscribe"/);
  assert.equal(document_forms(body), 1, 'one sign-up form on the sign-up page');
  const { document } = parseHTML(body);
  assert.equal(document.querySelectorAll('[aria-invalid]').length, 0);
  assert.equal(document.querySelectorAll('.is-error').length, 0);
  const report = await validator.validateString(body);
  assert.equal(report.valid, true, JSON.stringify(report.results.flatMap((r) => r.messages.map((m) => m.message))));
});

test('an edition page\'s headings go h1 then h2, skipping no level (html-validate heading-level)', { timeout: 30_000 }, async () => {
  await seedNewsletters(db);
  const e = await buildEdition(t.deps, 'daily');
  assert.ok(e.items.length > 0, 'the edition has stories');
  await startSend(t.deps, e.id);
  const body = await page(`/newsletters/daily/${e.number}`);
  const { document } = parseHTML(body);
  const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map((h) => Number(h.tagName[1]));
  levels.forEach((l, i) => assert.ok(i === 0 ? l === 1 : l <= levels[i - 1]! + 1, `h${levels[i - 1]} then h${l}`));
  assert.ok(levels.includes(2));
  await assertValidHtml(`/newsletters/daily/${e.number}`);
  await assertValidHtml('/newsletters/daily');
});

test('start-up warns when SITE_URL is plain http outside loopback', { timeout: 5_000 }, () => {
  assert.equal(configWarnings({ siteUrl: 'http://news.example' }).length, 1);
  assert.match(configWarnings({ siteUrl: 'http://news.example' })[0]!, /SITE_URL .* not https.*RFC 8058/);
  for (const ok of ['https://news.example', 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) assert.deepEqual(configWarnings({ siteUrl: ok }), [], ok);
});

test('a static page among search results is listed as a page: labelled "Page", with no byline, date or format', { timeout: 30_000 }, async () => {
  const { document } = parseHTML(await page('/search?q=' + encodeURIComponent('report city')));
  const items = [...document.querySelectorAll('ol.story-list > li')];
  const about = items.find((li) => li.querySelector('h2 a')?.getAttribute('href') === '/about');
  assert.ok(about, 'the About page is found');
  assert.equal(about.querySelector('.story-kind')?.textContent, 'Page');
  assert.equal(about.querySelector('time'), null, 'no date');
  assert.equal(about.querySelector('.byline, .story-meta'), null, 'no byline');
  assert.equal(about.querySelector('.story-format'), null, 'no format');
  assert.match(about.querySelector('.story-snippet')?.innerHTML ?? '', /<mark>report<\/mark>/);
  // A story in the same results keeps its date, and is not labelled a page.
  const { document: d2 } = parseHTML(await page('/search?q=tram'));
  const story = d2.querySelector('ol.story-list > li');
  assert.ok(story?.querySelector('time'), 'a story has its date');
  assert.equal(story?.querySelector('.story-kind'), null);
});
