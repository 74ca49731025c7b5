// Feeds and APIs read by real clients (issue 13): rss-parser and @extractus/feed-extractor on RSS,
// Atom and JSON Feed; Ghost's own @tryghost/content-api client; the edition email's HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Parser from 'rss-parser';
import { extractFromXml, extractFromJson } from '@extractus/feed-extractor';
import GhostContentAPI from '@tryghost/content-api';
import { parseHTML } from 'linkedom';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { renderEditionEmail } from '../src/newsletters/render.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
await createArticle(db, {
  headline: 'Links inside', slug: 'links-inside', authors: ['ada-quill', 'ben-marsh'],
  body: 'See [the explainer](/why-trams) and [the list](../section/politics).\n\n![A tram](/uploads/2026/11/tram.jpg)\n\n[Elsewhere](https://other.example/x) and [a note](#note).',
  featureImageUrl: '/uploads/2026/11/lead.jpg', access: 'public', status: 'published', publishedAt: '2026-11-20T11:30:00Z',
}, { now: new Date(NOW) });
const { secret } = await createApiKey(db, { name: 'front end', kind: 'content' });

async function body(path: string): Promise<string> {
  const res = await t.get(path);
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.text();
}

/** Every href and src in a fragment of HTML, through a real DOM. */
function urlsIn(fragment: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${fragment}</body></html>`);
  return [...document.querySelectorAll('[href],[src]')].map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? '');
}

function assertAbsolute(fragment: string, where: string) {
  const urls = urlsIn(fragment);
  assert.ok(urls.includes('https://news.example/why-trams'), `${where}: ${urls.join(' ')}`);
  assert.ok(urls.includes('https://news.example/section/politics'), `${where}: ../ resolved against the story`);
  assert.ok(urls.includes('https://news.example/uploads/2026/11/tram.jpg'), `${where}: image`);
  assert.ok(urls.includes('https://other.example/x'), `${where}: external link kept`);
  for (const u of urls) assert.ok(/^https:\/\//.test(u) || u.startsWith('#'), `${where}: ${u} is absolute`);
}

test('RSS content read by rss-parser has only absolute links and images', { timeout: 30_000 }, async () => {
  const feed = await new Parser().parseString(await body('/feed.xml'));
  const item = feed.items.find((i) => i.link === 'https://news.example/links-inside');
  assert.ok(item, 'the item is in the feed');
  assertAbsolute(item!['content:encoded'] ?? item!.content ?? '', 'RSS');
  assert.equal(item!.enclosure?.url, 'https://news.example/uploads/2026/11/lead.jpg');
});

test('Atom content read by feed-extractor and JSON Feed content_html are absolute', { timeout: 30_000 }, async () => {
  const atom = extractFromXml(await body('/feed.atom'), { descriptionMaxLen: 0, getExtraEntryFields: (e: any) => ({ html: e.content?.['#text'] ?? e.content }) }) as any;
  const entry = atom.entries.find((e: any) => e.link === 'https://news.example/links-inside');
  assert.ok(entry, 'the entry is in the Atom feed');
  assertAbsolute(String(entry.html), 'Atom');
  const json = JSON.parse(await body('/feed.json'));
  const extracted = extractFromJson(json, { descriptionMaxLen: 0 }) as any;
  assert.ok(extracted.entries.some((e: any) => e.link === 'https://news.example/links-inside'));
  const item = json.items.find((i: any) => i.url === 'https://news.example/links-inside');
  assertAbsolute(item.content_html, 'JSON Feed');
  assert.equal(item.image, 'https://news.example/uploads/2026/11/lead.jpg');
});

test('Ghost Content API html read by @tryghost/content-api is absolute, as Ghost writes it', { timeout: 30_000 }, async () => {
  const api = new (GhostContentAPI as any)({ url: t.url, key: secret, version: 'v5.0' });
  const post = await api.posts.read({ slug: 'links-inside' });
  assertAbsolute(post.html, 'Ghost html');
  assert.equal(post.feature_image, 'https://news.example/uploads/2026/11/lead.jpg');
});

test('the Content API\'s article body and feature image are absolute', { timeout: 30_000 }, async () => {
  const res = await fetch(`${t.url}/api/content/articles/links-inside?key=${secret}`);
  assert.equal(res.status, 200);
  const { data } = (await res.json()) as any;
  assertAbsolute(data.body_html, 'Content API');
  assert.equal(data.feature_image_url, 'https://news.example/uploads/2026/11/lead.jpg');
  const list = (await (await fetch(`${t.url}/api/content/articles?key=${secret}`)).json()) as any;
  assert.equal(list.data.find((a: any) => a.slug === 'links-inside').feature_image_url, 'https://news.example/uploads/2026/11/lead.jpg');
});

test('an edition email\'s intro links are absolute', { timeout: 10_000 }, () => {
  const { html } = renderEditionEmail({
    publication: { name: 'The Daily', siteUrl: 'https://news.example', timeZone: 'UTC', locale: 'en-GB' },
    newsletter: { slug: 'daily', name: 'Daily', description: 'Every day.' },
    edition: { number: 3, subject: 'Today', intro: 'Read [our explainer](/why-trams) first.', date: new Date(NOW) },
    items: [],
  });
  const urls = urlsIn(html);
  assert.ok(urls.includes('https://news.example/why-trams'), urls.join(' '));
  for (const u of urls) assert.ok(/^(https:\/\/|\{\{|\u0000)/.test(u) || !u.startsWith('/'), `${u} is absolute`);
});

test('RSS names each author in its own dc:creator (no <author> with names); Atom and JSON Feed keep every author', { timeout: 30_000 }, async () => {
  const xml = await body('/feed.xml');
  assert.doesNotMatch(xml, /<author>/, 'no RSS <author> (it must be an email address)');
  const parser = new Parser({ customFields: { item: [['dc:creator', 'creators', { keepArray: true }]] } as any });
  const feed = await parser.parseString(xml);
  const item = feed.items.find((i) => i.link === 'https://news.example/links-inside') as any;
  assert.deepEqual(item.creators, ['Ada Quill', 'Ben Marsh']);
  const single = feed.items.find((i) => i.link === 'https://news.example/riverside-tram') as any;
  assert.deepEqual(single.creators, ['Ada Quill']);
  assert.equal(single.creator, 'Ada Quill', 'rss-parser\'s own creator field');
  const atom = await new Parser({ customFields: { item: [['author', 'authors', { keepArray: true }]] } as any }).parseString(await body('/feed.atom'));
  const entry = atom.items.find((i) => i.link === 'https://news.example/links-inside') as any;
  assert.deepEqual(entry.authors.map((a: any) => a.name?.[0] ?? a.name), ['Ada Quill', 'Ben Marsh']);
  const json = JSON.parse(await body('/feed.json'));
  assert.deepEqual(json.items.find((i: any) => i.url === 'https://news.example/links-inside').authors.map((a: any) => a.name), ['Ada Quill', 'Ben Marsh']);
  // A section's feed too.
  const politics = await parser.parseString(await body('/section/politics/feed.xml'));
  assert.deepEqual((politics.items.find((i) => i.link === 'https://news.example/why-trams') as any).creators, ['Ada Quill', 'Ben Marsh']);
});
