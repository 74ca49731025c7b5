// Ghost's official JavaScript client, @tryghost/content-api, against a running Newsdesk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GhostContentAPI from '@tryghost/content-api';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { apiCreateArticle } from '../src/api/articles.ts';

const t = await startTestApp({ now: '2026-03-02T09:00:00Z' });
const { db } = t.deps;
const fx = await seedFixtures(db, t.clock.now());
const { key: adminKey } = await createApiKey(db, { name: 'setup', kind: 'admin', role: 'administrator' });
await apiCreateArticle(db, adminKey, { headline: 'About us', slug: 'about', body: 'We report.', type: 'page', status: 'published', publishedAt: '2026-01-01T00:00:00Z' }, t.clock.now());
const { secret } = await createApiKey(db, { name: 'front end', kind: 'content' });
const api = new (GhostContentAPI as any)({ url: t.url, key: secret, version: 'v5.0' });

test('posts.browse: newest first, Ghost pagination meta, no drafts, no pages', async () => {
  const posts = await api.posts.browse({ limit: 2 });
  assert.equal(posts.length, 2);
  assert.deepEqual(posts.map((p: any) => p.slug), ['riverside-tram', 'why-trams']);
  assert.deepEqual(posts.meta.pagination, { page: 1, limit: 2, pages: 2, total: 4, next: 2, prev: null });
  const page2 = await api.posts.browse({ limit: 2, page: 2 });
  assert.deepEqual(page2.map((p: any) => p.slug), ['comet-weekend', 'night-sky-podcasts']);
  assert.deepEqual(page2.meta.pagination, { page: 2, limit: 2, pages: 2, total: 4, next: null, prev: 1 });
  const all = await api.posts.browse({ limit: 'all' });
  assert.equal(all.length, 4);
  assert.equal(all.meta.pagination.limit, 'all');
  assert.ok(!all.some((p: any) => p.slug === 'secret-draft' || p.slug === 'about'));
});

test('post objects have Ghost keys; include adds authors, tags and the primary ones', async () => {
  const [p] = await api.posts.browse({ limit: 1, include: 'tags,authors' });
  for (const k of ['id', 'uuid', 'title', 'slug', 'html', 'feature_image', 'feature_image_alt', 'feature_image_caption', 'featured', 'custom_excerpt', 'excerpt', 'published_at', 'updated_at', 'created_at', 'url', 'canonical_url', 'reading_time', 'visibility', 'og_image', 'twitter_title', 'meta_description']) {
    assert.ok(k in p, `post has ${k}`);
  }
  assert.equal(p.title, 'Council approves the riverside tram line');
  assert.equal(p.featured, true);
  assert.equal(p.visibility, 'public');
  assert.equal(p.custom_excerpt, 'A decade of argument ends with a narrow vote.');
  assert.equal(p.url, 'https://news.example/riverside-tram');
  assert.match(p.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
  assert.match(p.html, /<strong>27 to 25<\/strong>/);
  assert.ok(!('plaintext' in p));
  assert.equal(p.primary_tag.slug, 'transport');
  assert.deepEqual(p.tags.map((x: any) => x.slug), ['transport', 'local-government']);
  assert.equal(p.primary_author.slug, 'ada-quill');
  assert.equal(p.primary_author.name, 'Ada Quill');
  assert.equal(p.authors[0].url, 'https://news.example/author/ada-quill');
  const [bare] = await api.posts.browse({ limit: 1 });
  assert.ok(!('tags' in bare) && !('authors' in bare) && !('primary_author' in bare));
});

test('filter: the NQL front ends use', async () => {
  const slugs = async (filter: string, extra: Record<string, unknown> = {}) => (await api.posts.browse({ filter, limit: 'all', ...extra })).map((p: any) => p.slug);
  assert.deepEqual(await slugs('tag:space'), ['comet-weekend', 'night-sky-podcasts']);
  assert.deepEqual(await slugs('tag:-space'), ['riverside-tram', 'why-trams']);
  assert.deepEqual(await slugs('tags:[podcasts,local-government]'), ['riverside-tram', 'night-sky-podcasts']);
  assert.deepEqual(await slugs('author:ben-marsh+tag:space'), ['comet-weekend', 'night-sky-podcasts']);
  assert.deepEqual(await slugs('authors:ada-quill,tag:podcasts'), ['riverside-tram', 'why-trams', 'night-sky-podcasts']);
  assert.deepEqual(await slugs('featured:true'), ['riverside-tram']);
  assert.deepEqual(await slugs('featured:false+primary_tag:space'), ['comet-weekend', 'night-sky-podcasts']);
  assert.deepEqual(await slugs('primary_author:ben-marsh'), ['comet-weekend', 'night-sky-podcasts']);
  assert.deepEqual(await slugs('slug:why-trams'), ['why-trams']);
  assert.deepEqual(await slugs(`id:${fx.a3.id}`), ['comet-weekend']);
  assert.deepEqual(await slugs(`id:-${fx.a3.id}+tag:space`), ['night-sky-podcasts']);
  assert.deepEqual(await slugs("published_at:>'2026-03-01 00:00:00'"), ['riverside-tram', 'why-trams']);
  assert.deepEqual(await slugs("published_at:<='2026-02-27T09:00:00Z'"), ['comet-weekend', 'night-sky-podcasts']);
  assert.deepEqual(await slugs("published_at:>='2026-02-21'+published_at:<'2026-03-01'"), ['comet-weekend']);
  assert.deepEqual(await slugs('visibility:public+tag:transport'), ['riverside-tram', 'why-trams']);
  assert.deepEqual(await slugs('(tag:space,tag:transport)+featured:true'), ['riverside-tram']);
  assert.deepEqual(await slugs('tag:space', { order: 'published_at asc' }), ['night-sky-podcasts', 'comet-weekend']);
  assert.deepEqual(await slugs('tag:space', { order: 'title asc' }), ['comet-weekend', 'night-sky-podcasts']);
});

test('fields and formats', async () => {
  const [p] = await api.posts.browse({ limit: 1, fields: 'title,url' });
  assert.deepEqual(Object.keys(p).sort(), ['title', 'url']);
  const [q] = await api.posts.browse({ limit: 1, formats: 'plaintext' });
  assert.ok(!('html' in q));
  assert.match(q.plaintext, /The council voted 27 to 25/);
  const [both] = await api.posts.browse({ limit: 1, formats: 'html,plaintext', fields: 'slug,html,plaintext', include: 'tags' });
  assert.deepEqual(Object.keys(both).sort(), ['html', 'plaintext', 'primary_tag', 'slug', 'tags']);
});

test('posts.read by id and by slug; pages; tags with counts; authors; settings', async () => {
  const byId = await api.posts.read({ id: String(fx.a2.id) }, { include: 'authors' });
  assert.equal(byId.slug, 'why-trams');
  assert.deepEqual(byId.authors.map((a: any) => a.slug), ['ada-quill', 'ben-marsh']);
  const bySlug = await api.posts.read({ slug: 'comet-weekend' }, { formats: 'plaintext' });
  assert.equal(bySlug.id, String(fx.a3.id));
  assert.equal(bySlug.reading_time, 1);

  const pages = await api.pages.browse();
  assert.deepEqual(pages.map((p: any) => p.slug), ['about']);
  assert.equal((await api.pages.read({ slug: 'about' })).title, 'About us');

  const tags = await api.tags.browse({ include: 'count.posts', limit: 'all' });
  const space = tags.find((x: any) => x.slug === 'space');
  assert.deepEqual(space.count, { posts: 2 });
  assert.equal(space.url, 'https://news.example/tag/space');
  assert.equal((await api.tags.read({ slug: 'transport' }, { include: 'count.posts' })).count.posts, 2);
  const filtered = await api.tags.browse({ filter: 'slug:[space,podcasts]' });
  assert.deepEqual(filtered.map((x: any) => x.slug), ['podcasts', 'space']);

  const ada = await api.authors.read({ slug: 'ada-quill' }, { include: 'count.posts' });
  assert.equal(ada.name, 'Ada Quill');
  assert.equal(ada.bio, 'Politics editor.');
  assert.deepEqual(ada.count, { posts: 2 });
  const authors = await api.authors.browse();
  assert.deepEqual(authors.map((a: any) => a.slug), ['ada-quill', 'ben-marsh']);
  assert.equal((await api.authors.read({ id: authors[1].id })).slug, 'ben-marsh');

  const settings = await api.settings.browse();
  assert.equal(settings.title, 'The Ledger');
  assert.equal(settings.url, 'https://news.example/');
  assert.ok(Array.isArray(settings.navigation));
});

test('errors in Ghost shape: bad key, missing post, bad filter', async () => {
  const bad = new (GhostContentAPI as any)({ url: t.url, key: '0123456789abcdef0123456789', version: 'v5.0' });
  await assert.rejects(bad.posts.browse(), (e: any) => e.name === 'UnauthorizedError' && e.message === 'Unknown Content API Key' && e.response.status === 401);
  await assert.rejects(api.posts.read({ slug: 'secret-draft' }), (e: any) => e.name === 'NotFoundError' && e.response.status === 404 && e.message === 'Post not found.');
  await assert.rejects(api.posts.read({ id: 'not-an-id' }), (e: any) => e.name === 'NotFoundError');
  await assert.rejects(api.posts.browse({ filter: 'tag:[space' }), (e: any) => e.response.status === 400 && /expected/.test(e.message));
  await assert.rejects(api.posts.browse({ filter: 'password:x' }), (e: any) => e.response.status === 400 && /Cannot filter on "password"/.test(e.message));
  await assert.rejects(api.posts.browse({ limit: 'lots' }), (e: any) => e.response.status === 400);
  assert.equal((await api.posts.browse({ include: 'secrets', limit: 1 })).length, 1, 'an unknown include is ignored, as Ghost does');
  const noKey = await fetch(`${t.url}/ghost/api/content/posts/`);
  assert.equal(noKey.status, 403);
  assert.equal((await noKey.json()).errors[0].type, 'NoPermissionError');
});

test('older clients using versioned paths (v3) work too', async () => {
  const v3 = new (GhostContentAPI as any)({ url: t.url, key: secret, version: 'v3' });
  const posts = await v3.posts.browse({ limit: 1 });
  assert.equal(posts[0].slug, 'riverside-tram');
});
