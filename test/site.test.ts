// The public site over real HTTP: every page kind, feeds, sitemaps, structured data, error handling,
// security headers and the page cache's invalidation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { updateArticle, createArticle, publishDueArticles } from '../src/articles/write.ts';

const NOW = '2026-11-20T12:00:00Z';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

// Set up at module top level: cleanups registered with after() then run when the whole file ends.
const t: TestApp = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London' } });
const fx = await seedFixtures(t.deps.db, new Date(NOW));

async function page(path: string, status = 200): Promise<string> {
  const res = await t.get(path);
  assert.equal(res.status, status, `${path} answered ${res.status}`);
  return res.text();
}

function jsonLd(body: string): any[] {
  return [...body.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!));
}

test('home page lists top and latest stories with format, dek, byline and machine-readable time', async () => {
  const body = await page('/');
  assert.match(body, /<h2 id="top-title"[^>]*>Top stories<\/h2>/);
  assert.match(body, /Council approves the riverside tram line/);
  assert.match(body, /A comet will be visible this weekend/);
  assert.match(body, /class="story-format" href="\/format\/speed-read">Speed Read</);
  assert.match(body, /A decade of argument ends with a narrow vote\./);
  assert.match(body, /<a href="\/author\/ada-quill" rel="author">Ada Quill<\/a>/);
  assert.match(body, /<time datetime="2026-11-20T07:00:00\+00:00">20 November 2026/);
  assert.doesNotMatch(body, /Secret draft/);
  assert.match(body, /<form class="signup-form" method="post" action="\/newsletters\/subscribe"/);
  assert.match(body, /<link rel="alternate" type="application\/rss\+xml"[^>]+href="https:\/\/news\.example\/feed\.xml">/);
});

test('article page: headline, dek, bylines, times, body, tags, related stories, metadata', async () => {
  const body = await page('/riverside-tram');
  assert.match(body, /<h1 id="article-headline">Council approves the riverside tram line<\/h1>/);
  assert.match(body, /<p class="article-dek">A decade of argument ends with a narrow vote\.<\/p>/);
  assert.match(body, /<strong>27 to 25<\/strong>/);
  assert.match(body, /<a href="\/tag\/transport" rel="tag">Transport<\/a>/);
  const related = body.slice(body.indexOf('<aside class="related"'));
  assert.ok(related.indexOf('Why trams are back in fashion') > -1, 'same story is related');
  assert.ok(related.indexOf('Why trams are back in fashion') < related.indexOf('Five podcasts') || related.indexOf('Five podcasts') === -1, 'same story first');
  assert.match(body, /<link rel="canonical" href="https:\/\/news\.example\/riverside-tram">/);
  assert.match(body, /<meta property="og:type" content="article">/);
  assert.match(body, /<meta property="article:published_time" content="2026-11-20T07:00:00\+00:00">/);
  assert.match(body, /<meta name="twitter:card" content="summary">/);
  const [ld] = jsonLd(body);
  assert.equal(ld['@type'], 'NewsArticle');
  assert.equal(ld.headline, 'Council approves the riverside tram line');
  assert.equal(ld.description, 'A decade of argument ends with a narrow vote.');
  assert.equal(ld.datePublished, '2026-11-20T07:00:00+00:00');
  assert.match(ld.dateModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  assert.deepEqual(ld.author, [{ '@type': 'Person', name: 'Ada Quill', url: 'https://news.example/author/ada-quill' }]);
  assert.equal(ld.publisher['@type'], 'Organization');
  assert.equal(ld.publisher.logo.url, 'https://news.example/assets/logo.png');
  assert.ok(Array.isArray(ld.image) && ld.image.length === 1);
  assert.equal(ld.articleSection, 'Politics');
});

test('time zone offsets follow daylight saving in JSON-LD', async () => {
  const summer = await createArticle(t.deps.db, { headline: 'A summer story', slug: 'summer-story', body: 'Sun.', status: 'published', publishedAt: '2026-07-01T09:00:00Z' }, { now: new Date(NOW) });
  const [ld] = jsonLd(await page('/' + summer.slug));
  assert.equal(ld.datePublished, '2026-07-01T10:00:00+01:00');
});

test('section, format, tag and author pages list their stories with pagination', async () => {
  assert.match(await page('/section/politics'), /Council approves[\s\S]*Why trams/);
  const fmt = await page('/format/speed-read');
  assert.match(fmt, /riverside tram/);
  assert.doesNotMatch(fmt, /Five podcasts/);
  assert.match(await page('/tag/space'), /Five podcasts about the night sky/);
  const author = await page('/author/ben-marsh');
  assert.match(author, /Science writer\./);
  assert.match(author, /Why trams are back in fashion/);
  assert.match(author, /"@type":"ProfilePage"/);
  // 25 more science stories make two pages at 20 per page.
  for (let i = 0; i < 25; i++) {
    await createArticle(t.deps.db, { headline: `Lab note ${i}`, slug: `lab-note-${i}`, body: 'x', section: 'science', status: 'published', publishedAt: new Date(Date.parse(NOW) - (100 + i) * 3600_000) }, { now: new Date(NOW) });
  }
  const p1 = await page('/section/science');
  assert.match(p1, /<a rel="next" href="\/section\/science\?page=2">/);
  const p2 = await page('/section/science?page=2');
  assert.match(p2, /Page 2 of 2/);
  assert.match(p2, /<a rel="prev" href="\/section\/science">/);
  await page('/section/science?page=3', 404);
  await page('/section/science?page=0', 400);
  await page('/section/science?page=abc', 400);
  await page('/section/science?page=1&page=2', 400);
  await page('/section/nope', 404);
  await page('/author/NOT_A_SLUG', 404);
});

test('search finds published stories with highlighted snippets and escapes the query', async () => {
  const body = await page('/search?q=tram');
  assert.match(body, /result(s)? for “tram”/);
  assert.match(body, /Council approves the riverside tram line/);
  assert.match(body, /<mark>tram<\/mark>/i);
  const evil = await page('/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  assert.doesNotMatch(evil, /<script>alert/);
  assert.match(evil, /&lt;script&gt;/);
  assert.match(await page('/search?q=secret'), /No results for “secret”/);
  await page('/search?q=' + 'a'.repeat(201), 400);
  await page('/search?q=a&q=b', 400);
  assert.match(await page('/search'), /<h1>Search<\/h1>/);
});

test('feeds: RSS 2.0, Atom and JSON Feed 1.1 for the site and for each section, format, tag and author', async () => {
  const rssRes = await t.get('/feed.xml');
  assert.match(rssRes.headers.get('content-type')!, /application\/rss\+xml/);
  const rss = xml.parse(await rssRes.text());
  assert.equal(rss.rss['@version'], '2.0');
  const items = [rss.rss.channel.item].flat();
  assert.equal(items[0].title, 'Council approves the riverside tram line');
  assert.equal(items[0].link, 'https://news.example/riverside-tram');
  assert.ok(!items.some((i: any) => i.title === 'Secret draft'));
  const atom = xml.parse(await (await t.get('/feed.atom')).text());
  const entries = [atom.feed.entry].flat();
  assert.equal(entries[0].title['#text'] ?? entries[0].title, 'Council approves the riverside tram line');
  assert.ok(entries[0].author);
  const jres = await t.get('/feed.json');
  assert.match(jres.headers.get('content-type')!, /application\/feed\+json/);
  const json = await jres.json();
  assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
  assert.equal(json.feed_url, 'https://news.example/feed.json');
  assert.equal(json.items[0].id, 'https://news.example/riverside-tram');
  assert.deepEqual(json.items[0].authors, [{ name: 'Ada Quill', url: 'https://news.example/author/ada-quill' }]);
  assert.match(json.items[0].content_html, /<strong>27 to 25<\/strong>/);
  for (const base of ['/section/politics/feed', '/format/speed-read/feed', '/tag/transport/feed', '/author/ada-quill/feed']) {
    const r = xml.parse(await page(base + '.xml'));
    assert.ok([r.rss.channel.item].flat().some((i: any) => i.title === 'Council approves the riverside tram line'), base);
    assert.ok(xml.parse(await page(base + '.atom')).feed.entry, base);
    assert.ok((JSON.parse(await page(base + '.json')) as any).items.length > 0, base);
  }
  const science = JSON.parse(await page('/section/science/feed.json'));
  assert.ok(!science.items.some((i: any) => i.title.includes('tram')));
  await page('/section/nope/feed.xml', 404);
  const list = await page('/section/politics');
  assert.match(list, /type="application\/feed\+json"[^>]+href="https:\/\/news\.example\/section\/politics\/feed\.json"/);
});

test('sitemaps, Google News sitemap and robots.txt', async () => {
  const index = xml.parse(await page('/sitemap.xml'));
  const locs = [index.sitemapindex.sitemap].flat().map((s: any) => s.loc);
  assert.deepEqual(locs, ['https://news.example/sitemaps/pages.xml', 'https://news.example/sitemaps/articles-1.xml']);
  const articles = xml.parse(await page('/sitemaps/articles-1.xml'));
  const urls = [articles.urlset.url].flat().map((u: any) => u.loc);
  assert.ok(urls.includes('https://news.example/riverside-tram'));
  assert.ok(!urls.includes('https://news.example/secret-draft'));
  const pages = xml.parse(await page('/sitemaps/pages.xml'));
  const pageUrls = [pages.urlset.url].flat().map((u: any) => u.loc);
  for (const p of ['/', '/section/politics', '/format/speed-read', '/tag/transport', '/author/ada-quill']) assert.ok(pageUrls.includes('https://news.example' + p), p);
  await page('/sitemaps/articles-9.xml', 404);
  await page('/sitemaps/other.xml', 404);
  const news = xml.parse(await page('/news-sitemap.xml'));
  const newsUrls = [news.urlset.url].flat();
  const newsLocs = newsUrls.map((u: any) => u.loc);
  assert.ok(newsLocs.includes('https://news.example/riverside-tram'), 'published 5 hours ago');
  assert.ok(newsLocs.includes('https://news.example/why-trams'), 'published 30 hours ago');
  assert.ok(!newsLocs.includes('https://news.example/comet-weekend'), 'published 3 days ago: too old');
  const item = newsUrls.find((u: any) => u.loc.endsWith('/riverside-tram'));
  assert.equal(item['news:news']['news:publication']['news:name'], 'The Ledger');
  assert.equal(item['news:news']['news:publication']['news:language'], 'en');
  assert.equal(item['news:news']['news:title'], 'Council approves the riverside tram line');
  const robots = await page('/robots.txt');
  assert.match(robots, /^Sitemap: https:\/\/news\.example\/sitemap\.xml$/m);
  assert.match(robots, /^Sitemap: https:\/\/news\.example\/news-sitemap\.xml$/m);
});

test('health check, assets, security headers and no inline scripts', async () => {
  const h = await t.get('/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(await h.json(), { status: 'ok' });
  const res = await t.get('/riverside-tram');
  const csp = res.headers.get('content-security-policy')!;
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const body = await res.text();
  for (const m of body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.ok(/src=|application\/ld\+json/.test(m[1]!), 'only external scripts and JSON-LD data blocks');
  }
  assert.doesNotMatch(body, /<[a-z]+[^>]*\son[a-z]+=/i, 'no inline event handlers');
  assert.doesNotMatch(body, /style="/, 'no inline styles');
  const css = await t.get('/assets/site.css');
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type')!, /text\/css/);
  assert.equal((await t.get('/assets/logo.png')).headers.get('content-type'), 'image/png');
  assert.equal((await t.get('/assets/..%2Fsite.ts')).status, 404);
});

test('unknown and malformed addresses get 4xx pages in the site look, never a 500', async () => {
  const nf = await page('/no-such-story', 404);
  assert.match(nf, /Page not found/);
  assert.match(nf, /class="brand"/, 'the 404 page looks like the site');
  await page('/secret-draft', 404);
  await page('/%E0%A4%A', 400);
  await page('/a/b/c/d', 404);
  await page('/section', 404);
  const slash = await t.get('/section/politics/?x=1');
  assert.equal(slash.status, 301);
  assert.equal(slash.headers.get('location'), '/section/politics?x=1');
  assert.equal((await t.get('//evil.example/')).status, 404);
  const json = await t.get('/api/nothing');
  assert.equal(json.status, 404);
  assert.equal((await json.json()).error.status, 404);
  // Text PostgreSQL cannot store is refused at the door with a 400, wherever it appears.
  await page('/riverside%00tram', 400);
  await page('/search?q=a%00b', 400);
  await page('/section/politics?page=1%00', 400);
  const nul = await t.get('/newsletters/subscribe', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email: 'a@example.com', newsletters: ['x\u0000'] }) });
  assert.equal(nul.status, 400);
  const post = await t.get('/riverside-tram', { method: 'POST' });
  assert.ok(post.status >= 400 && post.status < 500);
});

test('renaming a slug redirects the old address', async () => {
  const a = await createArticle(t.deps.db, { headline: 'Old name', slug: 'old-name', body: 'x', status: 'published', publishedAt: NOW }, { now: new Date(NOW) });
  await updateArticle(t.deps.db, a.id, { slug: 'new-name' }, { now: new Date(NOW) });
  const r = await t.get('/old-name');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/new-name');
});

test('the page cache serves repeat requests and drops pages at once when content changes', async () => {
  await page('/');
  const hit = await t.get('/');
  assert.equal(hit.headers.get('x-cache'), 'HIT');
  const etag = hit.headers.get('etag')!;
  assert.equal((await t.get('/', { headers: { 'if-none-match': etag } })).status, 304);
  await page('/section/politics');
  await page('/tag/transport');
  await page('/feed.json');
  // Edit a headline: every page that lists the article shows the new one on the very next request.
  await updateArticle(t.deps.db, fx.a1.id, { headline: 'Council approves the riverside tram, at last' }, { now: new Date(NOW) });
  for (const p of ['/', '/section/politics', '/tag/transport', '/riverside-tram']) {
    assert.match(await page(p), /Council approves the riverside tram, at last/, p);
  }
  assert.match(await page('/feed.json'), /at last/);
  // Publishing a new article shows it at once too.
  await createArticle(t.deps.db, { headline: 'Breaking: bridge reopens', slug: 'bridge-reopens', body: 'x', section: 'politics', status: 'published', publishedAt: NOW }, { now: new Date(NOW) });
  assert.match(await page('/'), /Breaking: bridge reopens/);
  assert.match(await page('/section/politics'), /Breaking: bridge reopens/);
  // Keys are canonical: a tracking parameter is answered from the list's own entry (test/page-cache.test.ts).
  await page('/section/politics?utm_source=x');
  assert.equal((await t.get('/section/politics?utm_source=y')).headers.get('x-cache'), 'HIT');
  await page('/section/politics?page=1');
  assert.equal((await t.get('/section/politics?page=1')).headers.get('x-cache'), 'HIT');
  // Signed-in requests bypass the shared cache.
  const personal = await t.get('/', { headers: { cookie: 'nd_session=abc' } });
  assert.notEqual(personal.headers.get('x-cache'), 'HIT');
});

test('scheduled articles go live on time and not before', async () => {
  const at = new Date(Date.parse(NOW) + 3600_000);
  await createArticle(t.deps.db, { headline: 'Scheduled story', slug: 'scheduled-story', body: 'x', status: 'published', publishedAt: at }, { now: new Date(NOW) });
  await page('/scheduled-story', 404);
  assert.deepEqual(await publishDueArticles(t.deps.db, new Date(NOW)), []);
  const ids = await publishDueArticles(t.deps.db, at);
  assert.equal(ids.length, 1);
  assert.match(await page('/scheduled-story'), /Scheduled story/);
});

test('stored HTML is sanitised: no scripts, event handlers or javascript: URLs', async () => {
  const a = await createArticle(
    t.deps.db,
    {
      headline: 'Sanitised <b>headline</b>',
      slug: 'sanitised',
      bodyFormat: 'html',
      body: '<p onclick="steal()">Hello</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><img src="x.png" onerror="bad()"><iframe src="https://evil.example/"></iframe><p style="color:red">styled</p>',
      status: 'published',
      publishedAt: NOW,
    },
    { now: new Date(NOW) },
  );
  assert.doesNotMatch(a.body_html, /script|onclick|onerror|javascript:|iframe|style=/i);
  const body = await page('/sanitised');
  assert.match(body, /Sanitised &lt;b&gt;headline&lt;\/b&gt;/);
  assert.doesNotMatch(body, /alert\(1\)/);
});
