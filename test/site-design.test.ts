// The public site's design over real HTTP (issue 14): the front page's hierarchy (lead, pin, second
// tier, river, sections) and its pagination reaching every published story; images at their sizes with
// srcset; the brand colour and the self-hosted fonts as long-cached static files; the sign-up box after
// the article, pre-ticked on a newsletter's pages, gone once a reader signs up, and the thank-you page
// naming the address; /newsletters; author pages; search snippets; the site's 404 for a missing image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { createArticle, upsertAuthor } from '../src/articles/write.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { setPublicationSetting } from '../src/publication/settings.ts';
import { storeUpload, RENDITION_WIDTHS } from '../src/media/images.ts';
import { loadSharp } from '../src/media/images.ts';
import { accentProblem, contrastRatio } from '../src/publication/brand.ts';
import { snippetHtml, SNIPPET_END, SNIPPET_START } from '../src/web/pages/public.ts';
import { frequencyOf } from '../src/web/site.ts';
import { withoutSignupBoxes } from '../src/web/layout.ts';
import { HtmlValidate } from 'html-validate';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London', SIGNUP_LIMIT_PER_IP: '0', SIGNUP_LIMIT_PER_ADDRESS: '0' } });
const { db } = t.deps;
const fx = await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
const hours = (h: number) => new Date(new Date(NOW).getTime() - h * 3600_000);

// A real picture (a gradient, made by sharp) uploaded through the upload path: 1600 px wide.
const sharp = await loadSharp();
const jpeg = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#3366aa' } }).jpeg().toBuffer();
const image = await storeUpload(db, t.deps.config.dataDir, jpeg);
const portrait = await storeUpload(db, t.deps.config.dataDir, await sharp({ create: { width: 400, height: 400, channels: 3, background: '#aa6633' } }).png().toBuffer());
await upsertAuthor(db, { slug: 'ada-quill', name: 'Ada Quill', bio: 'Politics editor.', photoUrl: portrait.path });

// Forty more stories, so the front page has more than one page; every third with the picture.
for (let i = 0; i < 40; i++) {
  await createArticle(db, {
    headline: `Filler story number ${i}`, slug: `filler-${i}`, dek: `Story ${i} of the filler.`, body: `Body of filler ${i}.`,
    format: 'speed-read', section: i % 2 ? 'politics' : 'science', authors: ['ben-marsh'], access: 'public', status: 'published',
    publishedAt: hours(100 + i * 3), editorsPick: i === 5,
    ...(i % 3 === 0 ? { featureImageUrl: image.path, featureImageAlt: 'A blue gradient' } : {}),
  }, { now: new Date(NOW) });
}
await createArticle(db, {
  headline: 'A pick with a picture', slug: 'pick-with-picture', dek: 'The newest pick.', body: 'The long opening paragraph of this story talks about the weather, the council, the price of bread, the trains that were late again on Monday, the school that closed for a day, the new road that nobody wanted and the old one that everyone misses, before it gets to the point at all.\n\n## A heading here\n\nMore text about the harbour and the boats in it, which goes on for a while so that the snippet is cut.\n\nAnd another paragraph about nothing in particular.',
  format: 'the-explainer', section: 'politics', authors: ['ada-quill'], access: 'public', status: 'published', publishedAt: hours(1), editorsPick: true,
  featureImageUrl: image.path, featureImageAlt: 'A blue gradient',
}, { now: new Date(NOW) });

async function page(path: string, status = 200, init?: RequestInit): Promise<string> {
  const res = await t.get(path, init);
  const text = await res.text();
  assert.equal(res.status, status, `${path} answered ${res.status}`);
  return text;
}
const doc = (body: string) => parseHTML(body).document;
const links = (body: string) => [...doc(body).querySelectorAll('main .story-headline a')].map((a) => a.getAttribute('href')!);

test('the front page: the newest editor\'s pick leads with its picture, a second tier of two or four, the river, each section', async () => {
  const body = await page('/');
  const d = doc(body);
  const lead = d.querySelector('.story--lead')!;
  assert.equal(lead.querySelector('.story-headline a')!.getAttribute('href'), '/pick-with-picture');
  const img = lead.querySelector('img')!;
  assert.equal(img.getAttribute('fetchpriority'), 'high', 'the lead image loads first');
  assert.ok([0, 2, 4].includes(d.querySelectorAll('.front-top .story--card').length), 'no card alone on its row');
  assert.ok(d.querySelectorAll('.latest .story--row').length > 0);
  assert.ok(d.querySelector('.front-section h2 a[href="/section/politics"]'));
  assert.doesNotMatch(body, /★/, 'no star on every top story');
  assert.ok(d.querySelector('.latest .story--row .story-image img[loading="lazy"]'), 'river thumbnails load lazily');
});

test('"More stories": /?page=2 is not page 1, and every published story is reachable from the front page', async () => {
  const first = await page('/');
  const second = await page('/?page=2');
  assert.notDeepEqual(links(second), links(first).slice(0, links(second).length));
  assert.match(first, /<a rel="next" href="\/\?page=2">More stories<\/a>/);
  const seen = new Set<string>();
  let p = 1;
  for (;;) {
    const body = await page(p === 1 ? '/' : `/?page=${p}`);
    for (const l of links(body)) seen.add(l.slice(1));
    if (!/rel="next"/.test(body)) break;
    p++;
    assert.ok(p < 20, 'pagination ends');
  }
  const published = await db.query<{ slug: string }>(`SELECT slug FROM articles WHERE status = 'published' AND type = 'post'`);
  const missing = published.map((r) => r.slug).filter((s) => !seen.has(s));
  assert.deepEqual(missing, [], `unreachable from the front page: ${missing.join(', ')}`);
  await page(`/?page=${p + 1}`, 404);
  await page('/?page=0', 400);
});

test('an editor pins another lead in the newsroom; unpinning gives the lead back to the newest pick', async () => {
  const { c } = await signedIn(t, 'editor@example.com', 'editor', 'Eve Editor');
  await c.page('/admin/front');
  assert.equal((await c.post('/admin/front/lead', { article: String(fx.a3.id) })).status, 303);
  assert.equal(doc(await page('/')).querySelector('.story--lead .story-headline a')!.getAttribute('href'), '/comet-weekend');
  assert.match(await c.page('/admin/front'), /is pinned by an editor/);
  assert.equal((await c.post('/admin/front/lead', { article: String(fx.draft.id) })).status, 404, 'a draft cannot lead');
  assert.equal((await c.post('/admin/front/lead', { action: 'unpin' })).status, 303);
  assert.equal(doc(await page('/')).querySelector('.story--lead .story-headline a')!.getAttribute('href'), '/pick-with-picture');
  const { c: author } = await signedIn(t, 'author@example.com', 'author', 'Al Author');
  assert.equal((await author.post('/admin/front/lead', { article: String(fx.a3.id) })).status, 403, 'authors do not choose the lead');
});

test('images: sizes made on upload, offered as a srcset with dimensions; each size is a long-cached file; a missing one is the site\'s 404', async () => {
  assert.deepEqual(image.widths, RENDITION_WIDTHS.filter((w) => w < 1600));
  assert.deepEqual([image.width, image.height], [1600, 900]);
  const body = await page('/pick-with-picture');
  const img = doc(body).querySelector('.article-image img')!;
  const srcset = img.getAttribute('srcset')!;
  for (const w of [320, 640, 960, 1280]) assert.match(srcset, new RegExp(`-${w}\\.webp ${w}w`));
  assert.match(srcset, /\.jpg 1600w/);
  assert.equal(img.getAttribute('width'), '1600');
  assert.equal(img.getAttribute('height'), '900');
  assert.ok(img.getAttribute('sizes'));
  const size = await t.get(image.path.replace('.jpg', '-640.webp'));
  assert.equal(size.status, 200);
  assert.equal(size.headers.get('content-type'), 'image/webp');
  assert.match(size.headers.get('cache-control')!, /max-age=31536000, immutable/);
  const meta = await sharp(Buffer.from(await size.arrayBuffer())).metadata();
  assert.equal(meta.width, 640);
  // A river thumbnail offers small sizes only.
  const home = doc(await page('/?page=2'));
  const thumb = [...home.querySelectorAll('.story--row img')][0]!;
  assert.doesNotMatch(thumb.getAttribute('srcset')!, /1280w/);
  // Missing pictures, with or without a newsroom session, get the public site's 404.
  for (const cookie of [undefined, 'nd_session=whatever']) {
    const nf = await t.get('/uploads/0123456789abcdef0123456789abcdef-640.webp', cookie ? { headers: { cookie } } : undefined);
    assert.equal(nf.status, 404);
    const text = await nf.text();
    assert.match(text, /class="brand"/);
    assert.match(text, /Page not found/);
  }
});

test('the brand: the accent colour is a setting, served as a versioned stylesheet; fonts are self-hosted static files kept a year', async () => {
  assert.ok(contrastRatio('#b3261e', '#ffffff') >= 4.5);
  assert.match(accentProblem('#ffdd00')!, /too light/);
  assert.match(accentProblem('red')!, /hex code/);
  assert.equal(accentProblem('#036'), null);
  await setPublicationSetting(db, 'accentColor', '#0b5394');
  const body = await page('/');
  const href = /<link rel="stylesheet" href="(\/assets\/brand\.css\?v=[^"]+)">/.exec(body)![1]!;
  const css = await t.get(href);
  assert.match(await css.text(), /--accent:#0b5394/);
  assert.match(css.headers.get('cache-control')!, /immutable/);
  const siteCss = /<link rel="stylesheet" href="(\/assets\/site\.css\?v=[^"]+)">/.exec(body)![1]!;
  const sheet = await t.get(siteCss);
  assert.match(sheet.headers.get('cache-control')!, /max-age=31536000, immutable/);
  const fontUrl = /url\((\/assets\/source-serif-4-latin-wght-normal\.woff2\?v=[^)]+)\)/.exec(await sheet.text())![1]!;
  const font = await t.get(fontUrl);
  assert.equal(font.status, 200);
  assert.equal(font.headers.get('content-type'), 'font/woff2');
  assert.match(font.headers.get('cache-control')!, /immutable/);
  assert.equal(Buffer.from(await font.arrayBuffer()).subarray(0, 4).toString('latin1'), 'wOF2');
  assert.doesNotMatch(body, /https?:\/\/(?!news\.example)[a-z0-9.-]+\/[^"]*\.(css|js|woff2)/, 'no third-party assets');
  // An unversioned request is not kept for a year.
  assert.match((await t.get('/assets/site.css')).headers.get('cache-control')!, /max-age=3600/);
  // The newsroom's publication settings set it, and refuse a colour too light to read.
  const { c } = await signedIn(t, 'admin@example.com', 'administrator', 'Ann Admin');
  await c.page('/admin/settings');
  const base = { name: 'The Ledger', description: 'News.', time_zone: 'Europe/London' };
  const light = await c.post('/admin/settings/publication', { ...base, accent_color: '#ffee00' });
  assert.equal(light.status, 400);
  assert.match(await light.text(), /too light to read on white/);
  assert.equal((await c.post('/admin/settings/publication', { ...base, accent_color: '#1A5E20' })).status, 303);
  assert.match(await (await t.get('/assets/brand.css')).text(), /--accent:#1a5e20/);
  await setPublicationSetting(db, 'accentColor', '#b3261e');
});

test('the section being read is highlighted; the footer links About, Contact, Privacy, Newsletters and the feeds', async () => {
  const d = doc(await page('/section/politics'));
  assert.equal(d.querySelector('.site-nav a[aria-current="page"]')!.getAttribute('href'), '/section/politics');
  const a = doc(await page('/riverside-tram'));
  assert.equal(a.querySelector('.site-nav a[aria-current="true"]')!.getAttribute('href'), '/section/politics', 'an article: its section, as the current one of a set');
  assert.equal(a.querySelectorAll('.site-nav a[aria-current="page"]').length, 0, 'the article is not the section\'s page');
  const footer = [...a.querySelectorAll('.site-footer a')].map((x) => x.getAttribute('href'));
  for (const href of ['/about', '/contact', '/privacy', '/newsletters', '/feed.xml', '/feed.atom', '/feed.json']) assert.ok(footer.includes(href), href);
  assert.ok(a.querySelector('article.format-speed-read'), 'the format has its own treatment');
});

test('the sign-up box follows the article body outside <article>; a newsletter\'s own pages pre-tick it', async () => {
  const body = await page('/riverside-tram');
  const d = doc(body);
  assert.equal(d.querySelectorAll('form[data-signup]').length, 1, 'one sign-up form on an article page');
  assert.equal(d.querySelector('article .signup'), null, 'not inside the article');
  const box = d.querySelector('section.signup')!;
  assert.equal(box.previousElementSibling!.tagName, 'ARTICLE', 'right after the article');
  const choices = [...box.querySelectorAll('.choice')];
  assert.equal(choices.length, 3);
  for (const c of choices) {
    assert.ok(c.querySelector('.choice-when')!.textContent!.trim(), 'each with its frequency');
    assert.ok(c.querySelector('.choice-desc')!.textContent!.trim(), 'and its description');
  }
  assert.equal(d.querySelector('input[aria-invalid]'), null);
  const archive = doc(await page('/newsletters/good-news'));
  const ticked = [...archive.querySelectorAll('form[data-signup] input[name=newsletters]:checked')].map((i) => i.getAttribute('value'));
  assert.deepEqual(ticked, ['good-news']);
  assert.equal(frequencyOf([1, 2, 3, 4, 5], '06:30'), 'Every weekday at 06:30');
  assert.equal(frequencyOf([6], '09:00'), 'Saturdays at 09:00');
  assert.equal(frequencyOf([1, 2, 3, 4, 5, 6], '07:00'), 'Monday to Saturday at 07:00');
  assert.equal(frequencyOf([1, 3], '07:00'), 'Mondays and Wednesdays at 07:00');
});

test('/newsletters lists every newsletter with its schedule, description, archive and one form', async () => {
  const d = doc(await page('/newsletters'));
  const cards = [...d.querySelectorAll('.newsletter-card')];
  assert.equal(cards.length, 3);
  for (const c of cards) assert.ok(c.querySelector('.newsletter-when')!.textContent!.trim());
  assert.equal(d.querySelectorAll('form[data-signup]').length, 1);
  assert.equal((await t.get('/newsletters/embed')).status, 404, 'the developer page is in the newsroom');
  const { c } = await signedIn(t, 'nl-editor@example.com', 'editor', 'Nell Editor');
  assert.match(await c.page('/admin/newsletters/embed'), /newsletters\/embed\/subscribe/);
});

test('signing up: the thank-you page names the address and the newsletters; no sign-up box after that, pages still cached for others', async () => {
  const res = await t.get('/newsletters/subscribe', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url },
    body: 'email=thanks%40example.org&newsletters=daily&newsletters=good-news&website=',
  });
  assert.equal(res.status, 303);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  assert.ok(cookies.some((c) => c.startsWith('nd_signed_up=')));
  const cookie = cookies.join('; ');
  const thanks = await page('/newsletters/subscribed', 200, { headers: { cookie } });
  assert.match(thanks, /<strong>thanks@example\.org<\/strong>/);
  assert.match(thanks, /<li>The Daily Digest<\/li>/);
  assert.match(thanks, /<li>The Good News<\/li>/);
  const main = doc(thanks).querySelector('main')!;
  assert.equal(main.textContent!.split('Thank you for signing up').length - 1, 1, 'the heading\'s thanks is not repeated below it');
  assert.match(main.querySelector('[role=status]')!.textContent!, /^We have sent an email to thanks@example\.org\./);
  // Without the cookie, the page names nobody.
  assert.doesNotMatch(await page('/newsletters/subscribed'), /thanks@example\.org/);
  const after = await t.get('/riverside-tram', { headers: { cookie } });
  const afterBody = await after.text();
  assert.equal(doc(afterBody).querySelector('.signup'), null, 'no sign-up box for someone who just signed up');
  assert.notEqual(after.headers.get('x-cache'), 'HIT', 'their page is their own');
  const anon1 = await t.get('/riverside-tram');
  await anon1.text();
  const anon2 = await t.get('/riverside-tram');
  assert.equal(anon2.headers.get('x-cache'), 'HIT', 'everyone else is still served from the page cache');
  assert.ok(doc(await anon2.text()).querySelector('.signup'));
  assert.equal(withoutSignupBoxes('a<!--signup-->box<!--/signup-->b<!--signup-->c<!--/signup-->d'), 'abd');
});

test('author pages: name, bio, photo, their stories and feeds; the article byline shows the photo', async () => {
  const d = doc(await page('/author/ada-quill'));
  assert.equal(d.querySelector('h1')!.textContent, 'Ada Quill');
  assert.match(d.querySelector('.list-blurb')!.textContent!, /Politics editor/);
  const photo = d.querySelector('.author-photo')!;
  assert.equal(photo.getAttribute('alt'), 'Ada Quill');
  assert.ok(photo.getAttribute('src')!.startsWith('/uploads/'));
  assert.ok(d.querySelector('a[href="/author/ada-quill/feed.xml"]'));
  assert.ok(links(d.documentElement.outerHTML).includes('/riverside-tram'));
  const article = doc(await page('/riverside-tram'));
  assert.ok(article.querySelector('.article-meta .byline img.avatar'), 'the byline shows the photo');
});

test('search snippets: an ellipsis where the text was cut, and a heading never glued to the next paragraph', async () => {
  const s = snippetHtml({ snippet: `What happens next\n\nConstruction ${SNIPPET_START}begins${SNIPPET_END} in the spring`, source_head: 'The council voted on Tuesday night.', source_tail: 'the first trams run in three years.' }).value;
  assert.equal(s, '… What happens next. Construction <mark>begins</mark> in the spring …');
  const whole = snippetHtml({ snippet: `The ${SNIPPET_START}comet${SNIPPET_END} is bright.`, source_head: 'The comet is bright.', source_tail: 'The comet is bright.' }).value;
  assert.equal(whole, 'The <mark>comet</mark> is bright.');
  const body = await page('/search?q=harbour');
  const snippet = doc(body).querySelector('.story-snippet')!.innerHTML;
  assert.match(snippet, /^… /);
  assert.match(snippet, /A heading here\. /);
  assert.match(snippet, /<mark>harbour<\/mark>/);
});

test('the new and changed pages pass html-validate (the same rules as the standards tests)', { timeout: 60_000 }, async () => {
  const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:a11y', 'html-validate:document'], rules: { 'long-title': 'off', 'require-sri': ['error', { target: 'crossorigin' }] } });
  for (const path of ['/', '/?page=2', '/pick-with-picture', '/author/ada-quill', '/newsletters', '/newsletters/good-news', '/newsletters/subscribed', '/search?q=harbour']) {
    const report = await validator.validateString(await page(path));
    assert.equal(report.valid, true, `${path}: ${JSON.stringify(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`)))}`);
  }
});

test('the brand colour reaches the newsletter email and the newsroom', async () => {
  const { renderEditionEmail } = await import('../src/newsletters/render.ts');
  const base = { newsletter: { slug: 'daily', name: 'The Daily Digest' }, edition: { number: 1, subject: 'Hello', intro: '', date: new Date(NOW) }, items: [fx.a1] } as any;
  const mail = renderEditionEmail({ ...base, publication: { name: 'The Ledger', siteUrl: 'https://news.example', timeZone: 'Europe/London', locale: 'en-GB', accentColor: '#0b5394' } });
  assert.match(mail.html, /color:#0b5394/);
  const { c } = await signedIn(t, 'brand-editor@example.com', 'editor', 'Bea Editor');
  assert.match(await c.page('/admin'), /<link rel="stylesheet" href="\/assets\/brand.css">/);
});
