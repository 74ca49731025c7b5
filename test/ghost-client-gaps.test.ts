// What Ghost's official client, @tryghost/content-api, found missing or different from Ghost 5
// (issue 13, item 6): tiers and newsletters, relative-date and feature_image filters, unknown
// includes, limit=0, ETag / Content-Version / Vary, order=title, the members and portal settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GhostContentAPI from '@tryghost/content-api';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { createArticle } from '../src/articles/write.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';

const NOW = '2026-03-02T09:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, t.clock.now());
await seedNewsletters(db);
await createArticle(db, { headline: 'apple orchards reopen', slug: 'apple-orchards', body: 'Fruit.', featureImageUrl: '/uploads/2026/03/apple.jpg', status: 'published', publishedAt: '2026-01-01T00:00:00Z' }, { now: t.clock.now() });
const { secret } = await createApiKey(db, { name: 'front end', kind: 'content' });
const api = new (GhostContentAPI as any)({ url: t.url, key: secret, version: 'v5.0' });
const slugs = (xs: any[]) => xs.map((x) => x.slug);

test('tiers.browse(): the free tier; newsletters.browse(): the active newsletters in order', { timeout: 30_000 }, async () => {
  const tiers = await api.tiers.browse();
  assert.equal(tiers.length, 1);
  assert.equal(tiers[0].type, 'free');
  assert.equal(tiers[0].slug, 'free');
  assert.equal(tiers[0].active, true);
  assert.deepEqual(tiers.meta.pagination.total, 1);
  const newsletters = await api.newsletters.browse();
  assert.ok(newsletters.length >= 1);
  const rows = await db.query<{ slug: string }>(`SELECT slug FROM newsletters WHERE active ORDER BY position, name`);
  assert.deepEqual(slugs(newsletters), rows.map((r) => r.slug));
  for (const k of ['id', 'name', 'slug', 'description', 'subscribe_on_signup', 'visibility', 'sort_order']) assert.ok(k in newsletters[0], k);
  await assert.rejects(api.offers.read({ id: 'abc' }), (e: any) => /not found/i.test(e.message));
});

test('filters with relative dates and on feature_image', { timeout: 30_000 }, async () => {
  // Fixtures: 5 h, 30 h, 72 h and 10 days before NOW; the apple story two months before.
  assert.deepEqual(slugs(await api.posts.browse({ filter: 'published_at:>now-2d', limit: 'all' })), ['riverside-tram', 'why-trams']);
  assert.deepEqual(slugs(await api.posts.browse({ filter: 'published_at:>=now-1w', limit: 'all' })), ['riverside-tram', 'why-trams', 'comet-weekend']);
  assert.deepEqual(slugs(await api.posts.browse({ filter: 'published_at:<now-1M', limit: 'all' })), ['apple-orchards']);
  assert.equal((await api.posts.browse({ filter: 'published_at:>now+1d', limit: 'all' })).length, 0);
  assert.deepEqual(slugs(await api.posts.browse({ filter: 'feature_image:-null', limit: 'all' })), ['apple-orchards']);
  assert.equal((await api.posts.browse({ filter: 'feature_image:null', limit: 'all' })).length, 4);
  assert.deepEqual(slugs(await api.posts.browse({ filter: `feature_image:'${'https://news.example/uploads/2026/03/apple.jpg'}'`, limit: 'all' })), ['apple-orchards']);
  await assert.rejects(api.posts.browse({ filter: 'published_at:>now-7x' }), /not a date/);
});

test('an unknown include is ignored; limit=0 is the default page size', { timeout: 30_000 }, async () => {
  const posts = await api.posts.browse({ include: 'tags,count.posts,nonsense', limit: 2 });
  assert.equal(posts.length, 2);
  assert.ok(Array.isArray(posts[0].tags));
  const zero = await fetch(`${t.url}/ghost/api/content/posts/?key=${secret}&limit=0`);
  assert.equal(zero.status, 200);
  const body = (await zero.json()) as any;
  assert.equal(body.meta.pagination.limit, 15);
  assert.equal(body.posts.length, 5);
});

test('ETag with 304, Content-Version and Vary: Accept-Version, as Ghost sends', { timeout: 30_000 }, async () => {
  const url = `${t.url}/ghost/api/content/posts/?key=${secret}&limit=2`;
  const res = await fetch(url, { headers: { 'accept-version': 'v5.0' } });
  assert.equal(res.status, 200);
  const etag = res.headers.get('etag');
  assert.ok(etag, 'etag');
  assert.match(res.headers.get('content-version') ?? '', /^v5\.\d+$/);
  assert.match(res.headers.get('vary') ?? '', /Accept-Version/i);
  const again = await fetch(url, { headers: { 'if-none-match': etag! } });
  assert.equal(again.status, 304);
  const other = await fetch(`${t.url}/ghost/api/content/posts/?key=${secret}&limit=3`, { headers: { 'if-none-match': etag! } });
  assert.equal(other.status, 200, 'another answer, another tag');
});

test('order=title sorts without regard to case', { timeout: 30_000 }, async () => {
  const titles = (await api.posts.browse({ order: 'title asc', limit: 'all' })).map((p: any) => p.title);
  assert.deepEqual(titles, [...titles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  assert.equal(titles[1], 'apple orchards reopen', 'lower-case "apple" after "A comet", not after every capital');
});

test('settings carry members_enabled, the portal settings and version', { timeout: 30_000 }, async () => {
  const s = await api.settings.browse();
  assert.equal(s.members_enabled, false);
  assert.equal(s.paid_members_enabled, false);
  assert.equal(s.members_signup_access, 'none');
  for (const k of ['portal_button', 'portal_name', 'portal_plans', 'portal_button_style', 'portal_button_signup_text', 'portal_signup_terms_html']) assert.ok(k in s, k);
  assert.match(s.version, /^5\.\d+$/);
});
