// The public Content API: content key, published content only, pagination, CORS, the rate limit, and
// cached answers dropped when content changes or a key is revoked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createApiKey, revokeApiKey } from '../src/staff/api-keys.ts';
import { updateArticle } from '../src/articles/write.ts';
import { parseNql } from '../src/ghost/nql.ts';

const t = await startTestApp({ now: '2026-03-02T09:00:00Z', env: { CONTENT_API_RATE_LIMIT: '40' } });
const { db } = t.deps;
const fx = await seedFixtures(db, t.clock.now());
const { key, secret } = await createApiKey(db, { name: 'site', kind: 'content' });
const get = async (path: string, init?: RequestInit) => {
  const res = await t.get(path, init);
  return { status: res.status, headers: res.headers, json: await res.json() };
};

test('articles: published only, newest first, paginated, filtered', async () => {
  const r = await get(`/api/content/articles?key=${secret}&limit=3`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.data.map((a: any) => a.slug), ['riverside-tram', 'why-trams', 'comet-weekend']);
  assert.deepEqual(r.json.meta.pagination, { page: 1, limit: 3, total: 4, pages: 2 });
  assert.equal(r.json.data[0].url, 'https://news.example/riverside-tram');
  const p2 = await get(`/api/content/articles?key=${secret}&limit=3&page=2`);
  assert.deepEqual(p2.json.data.map((a: any) => a.slug), ['night-sky-podcasts']);
  assert.deepEqual((await get(`/api/content/articles?key=${secret}&section=science&tag=podcasts`)).json.data.map((a: any) => a.slug), ['night-sky-podcasts']);
  assert.deepEqual((await get(`/api/content/articles?key=${secret}&picks=true`)).json.data.map((a: any) => a.slug), ['riverside-tram']);
  const bad = await get(`/api/content/articles?key=${secret}&limit=0&section=Not%20A%20Slug`);
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.limit && bad.json.error.fields.section);
});

test('one article, sections, formats, tags, authors; drafts are not found', async () => {
  const a = await get(`/api/content/articles/why-trams?key=${secret}`);
  assert.equal(a.json.data.headline, 'Why trams are back in fashion');
  assert.match(a.json.data.body_html, /<p>Trams were ripped out/);
  assert.ok(!('body_source' in a.json.data));
  assert.equal((await get(`/api/content/articles/secret-draft?key=${secret}`)).status, 404);
  assert.deepEqual((await get(`/api/content/sections?key=${secret}`)).json.data.map((s: any) => s.slug), ['politics', 'science']);
  assert.deepEqual((await get(`/api/content/formats?key=${secret}`)).json.data.map((s: any) => s.slug), ['speed-read', 'the-explainer', 'recommends']);
  const tags = (await get(`/api/content/tags?key=${secret}`)).json.data;
  assert.deepEqual(tags.find((x: any) => x.slug === 'space'), { slug: 'space', name: 'Space', article_count: 2, url: 'https://news.example/tag/space' });
  const authors = (await get(`/api/content/authors?key=${secret}`)).json.data;
  assert.deepEqual(authors.map((x: any) => [x.slug, x.article_count]), [['ada-quill', 2], ['ben-marsh', 3]]);
});

test('a key is required, and must be a content key', async () => {
  assert.equal((await get('/api/content/articles')).status, 401);
  assert.equal((await get('/api/content/articles?key=00000000000000000000000000')).status, 401);
  const admin = await createApiKey(db, { name: 'admin', kind: 'admin', role: 'administrator' });
  assert.equal((await get(`/api/content/articles?key=${admin.secret}`)).status, 401);
});

test('CORS: any origin may read; preflight answered', async () => {
  const r = await t.get(`/api/content/sections?key=${secret}`, { headers: { origin: 'https://front.example' } });
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  const pre = await t.get('/ghost/api/content/posts/', { method: 'OPTIONS', headers: { origin: 'https://front.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept-version' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  assert.match(pre.headers.get('access-control-allow-headers')!, /Accept-Version/);
  const g = await t.get(`/ghost/api/content/posts/?key=${secret}`);
  assert.equal(g.headers.get('access-control-allow-origin'), '*');
});

test('cached answers follow content changes and key revocation', async () => {
  const path = `/ghost/api/content/posts/slug/why-trams/?key=${secret}`;
  assert.equal((await get(path)).json.posts[0].title, 'Why trams are back in fashion');
  await updateArticle(db, fx.a2.id, { headline: 'Why trams are back' }, { now: t.clock.now() });
  assert.equal((await get(path)).json.posts[0].title, 'Why trams are back');
  await updateArticle(db, fx.a2.id, { status: 'draft' }, { now: t.clock.now() });
  assert.equal((await get(path)).status, 404);
  const second = await createApiKey(db, { name: 'second', kind: 'content' });
  const p2 = `/api/content/sections?key=${second.secret}`;
  assert.equal((await get(p2)).status, 200);
  await revokeApiKey(db, second.key.id);
  assert.equal((await get(p2)).status, 401, 'a revoked key stops working at once, cache or not');
  assert.equal((await get(`/api/content/sections?key=${secret}`)).status, 200);
  void key;
});

test('the NQL parser reports where a filter is wrong', () => {
  assert.throws(() => parseNql('tag:'), /expected a value at position 5/);
  assert.throws(() => parseNql("title:'open"), /unclosed quote/);
  assert.throws(() => parseNql('tag:a)'), /unexpected "\)"/);
  assert.throws(() => parseNql('published_at:>[a,b]'), /list can only be matched for equality/);
  assert.deepEqual(parseNql('tag:a tag:b'), parseNql('tag:a+tag:b'), 'a space (a decoded "+") is AND');
});

test('the rate limit answers 429 with a clear message once spent (last: it uses up the allowance)', async () => {
  let last: Response | null = null;
  for (let i = 0; i < 60; i++) {
    last = await t.get(`/api/content/formats?key=${secret}`);
    if (last.status === 429) break;
  }
  assert.equal(last!.status, 429);
  const body = await last!.json();
  assert.match(body.error.message, /allows 40 requests a minute/);
  assert.ok(last!.headers.get('retry-after'));
});
