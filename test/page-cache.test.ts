// The page cache under real traffic: drafts and autosaves leave it alone (only changes the public
// sees drop it), shared links with tracking parameters are answered from the canonical page's bytes,
// the cache holds canonical keys only, and only our own cookies make a request personal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { createArticle, updateArticle, deleteArticle } from '../src/articles/write.ts';
import { CONTENT_CHANNEL, SCHEDULE_CHANNEL } from '../src/platform/channels.ts';
import { cacheKey, hasOwnCookie } from '../src/web/page-cache.ts';
import type { Db } from '../src/db/index.ts';

const NOW = '2026-11-20T12:00:00Z';
const t: TestApp = await startTestApp({ now: NOW });
const fx = await seedFixtures(t.deps.db, new Date(NOW));
const cache = t.server.cache;

const heard = { content: 0, schedule: 0 };
await t.deps.db.listen(CONTENT_CHANNEL, () => heard.content++);
await t.deps.db.listen(SCHEDULE_CHANNEL, () => heard.schedule++);

/**
 * On PostgreSQL this process also hears its own notifications back through LISTEN, a moment after
 * commit. Wait until a marker sent now has come back: every earlier notification has been delivered.
 */
async function settle(db: Db): Promise<void> {
  if (db.kind !== 'postgres') return;
  const marker = crypto.randomBytes(6).toString('hex');
  let seen = 0;
  let done!: () => void;
  const back = new Promise<void>((resolve) => (done = resolve));
  const unlisten = await db.listen('test_settle', (p) => {
    if (p === marker && ++seen === 2) done();
  });
  await db.notify('test_settle', marker);
  await back;
  await unlisten();
}

async function xcache(path: string, headers: Record<string, string> = {}): Promise<string | null> {
  const res = await t.get(path, { headers });
  await res.arrayBuffer();
  assert.equal(res.status, 200, path);
  return res.headers.get('x-cache');
}

/** Render `path` into the cache and check that the next request is a hit. */
async function warm(path: string): Promise<void> {
  await xcache(path);
  assert.equal(await xcache(path), 'HIT', `${path} is cached`);
}

async function counts<T>(fn: () => Promise<T>): Promise<{ content: number; schedule: number; result: T }> {
  await settle(t.deps.db);
  const before = { ...heard };
  const result = await fn();
  return { content: heard.content - before.content, schedule: heard.schedule - before.schedule, result };
}

test('cache keys keep only the parameters a page reads, in canonical form', () => {
  assert.equal(cacheKey('/riverside-tram', 'utm_source=newsletter&utm_medium=email&fbclid=abc&gclid=x'), '/riverside-tram');
  assert.equal(cacheKey('/section/politics', 'utm_source=x&page=2'), '/section/politics?page=2');
  assert.equal(cacheKey('/section/politics', 'page=2&utm_source=x'), '/section/politics?page=2');
  assert.equal(cacheKey('/section/politics', 'page=1'), '/section/politics', 'page 1 is the list itself');
  assert.equal(cacheKey('/section/politics', 'anything=else&x'), '/section/politics');
  // A page that reads no parameter is the same page with ?page= too.
  assert.equal(cacheKey('/riverside-tram', 'page=2', []), '/riverside-tram');
  // Values the page refuses (a 400) and repeated parameters are never answered from the cache.
  assert.equal(cacheKey('/section/politics', 'page=abc'), null);
  assert.equal(cacheKey('/section/politics', 'page=0'), null);
  assert.equal(cacheKey('/section/politics', 'page=2&page=3'), null);
  assert.equal(cacheKey('/', ''), '/');
});

test('only our own cookies, by name, make a request personal', () => {
  assert.equal(hasOwnCookie('nd_session=abc'), true);
  assert.equal(hasOwnCookie('theme=dark; nd_member=xyz'), true);
  assert.equal(hasOwnCookie('  nd_session=abc  '), true);
  assert.equal(hasOwnCookie('background_color=1'), false, 'a name that merely contains nd_');
  assert.equal(hasOwnCookie('_ga=GA1.2.3; brand_new=1; x=and_more'), false);
  assert.equal(hasOwnCookie('pref=nd_session=1'), false, 'nd_ in a value');
  assert.equal(hasOwnCookie(''), false);
  assert.equal(hasOwnCookie(undefined), false);
});

test('drafts and autosaves leave the page cache and the Content API cache alone', async () => {
  const { c } = await signedIn(t, 'writer@news.example', 'author', 'Wendy Writer');
  await settle(t.deps.db);
  for (const p of ['/', '/section/politics', '/riverside-tram', '/feed.xml']) await warm(p);

  // A new draft, edits to it and autosaves (through the newsroom, as an editor's browser sends them).
  const draft = await counts(() => createArticle(t.deps.db, { headline: 'Work in progress', body: 'x', section: 'politics', tags: ['Drafty'] }, { now: new Date(NOW) }));
  assert.equal(draft.content, 0, 'creating a draft is not announced to the caches');
  assert.equal((await counts(() => updateArticle(t.deps.db, draft.result.id, { headline: 'Still in progress' }, { now: new Date(NOW) }))).content, 0);
  const autosaves = await counts(async () => {
    const first = await c.json('/admin/articles/autosave', { headline: 'Autosaved draft', body: 'One', authors: [] });
    assert.equal(first.status, 200);
    const { id } = await first.json();
    for (const body of ['Two', 'Three', 'Four']) assert.equal((await c.json(`/admin/articles/${id}/autosave`, { headline: 'Autosaved draft', body, authors: [] })).status, 200);
    return id as number;
  });
  assert.equal(autosaves.content, 0, 'autosaves are not announced');
  assert.equal(autosaves.schedule, 0);
  // An autosave of a live article is kept aside (not applied): nothing public changes either.
  const asideSave = await counts(() => c.json(`/admin/articles/${fx.a1.id}/autosave`, { headline: 'Half-typed', body: 'x', authors: ['ada-quill'] }));
  assert.equal(asideSave.result.status, 403, 'an author cannot touch another’s article'); // the refusal is also silent
  assert.equal(asideSave.content, 0);
  await settle(t.deps.db);
  for (const p of ['/', '/section/politics', '/riverside-tram', '/feed.xml']) assert.equal(await xcache(p), 'HIT', `${p} is still cached after draft saves`);

  // Deleting a draft is private too.
  assert.equal((await counts(() => deleteArticle(t.deps.db, draft.result.id))).content, 0);
  await settle(t.deps.db);
  assert.equal(await xcache('/'), 'HIT');
});

test('what the public sees is announced: publishing, editing, unpublishing and deleting a published article', async () => {
  const a = await createArticle(t.deps.db, { headline: 'Soon to be news', slug: 'soon-news', body: 'x', section: 'politics' }, { now: new Date(NOW) });
  await warm('/section/politics');
  const published = await counts(() => updateArticle(t.deps.db, a.id, { status: 'published', publishedAt: NOW }, { now: new Date(NOW) }));
  assert.ok(published.content >= 1, 'publishing a draft is announced');
  const list = await t.get('/section/politics');
  assert.match(await list.text(), /Soon to be news/);
  assert.notEqual(list.headers.get('x-cache'), 'HIT');
  assert.ok((await counts(() => updateArticle(t.deps.db, a.id, { dek: 'Now with a dek' }, { now: new Date(NOW) }))).content >= 1, 'editing a published article');
  assert.ok((await counts(() => updateArticle(t.deps.db, a.id, { status: 'draft' }, { now: new Date(NOW) }))).content >= 1, 'unpublishing');
  assert.equal((await counts(() => updateArticle(t.deps.db, a.id, { dek: 'Back to private' }, { now: new Date(NOW) }))).content, 0, 'editing it as a draft again');
  await updateArticle(t.deps.db, a.id, { status: 'published', publishedAt: NOW }, { now: new Date(NOW) });
  assert.ok((await counts(() => deleteArticle(t.deps.db, a.id))).content >= 1, 'deleting a published article');
});

test('schedules are announced to the scheduler, not to the page cache', async () => {
  const later = new Date(Date.parse(NOW) + 3 * 3600_000);
  const scheduled = await counts(() => createArticle(t.deps.db, { headline: 'Embargoed', body: 'x', status: 'scheduled', publishedAt: later }, { now: new Date(NOW) }));
  assert.equal(scheduled.content, 0, 'a scheduled article is not public yet');
  assert.ok(scheduled.schedule >= 1, 'the scheduler hears of the new schedule');
  const moved = await counts(() => updateArticle(t.deps.db, scheduled.result.id, { publishedAt: new Date(later.getTime() + 3600_000) }, { now: new Date(NOW) }));
  assert.equal(moved.content, 0);
  assert.ok(moved.schedule >= 1, 'moving a schedule');
  const cleared = await counts(() => updateArticle(t.deps.db, scheduled.result.id, { status: 'draft' }, { now: new Date(NOW) }));
  assert.equal(cleared.content, 0);
  assert.ok(cleared.schedule >= 1, 'clearing a schedule');
  const draftOnly = await counts(() => updateArticle(t.deps.db, scheduled.result.id, { headline: 'Embargoed, retitled' }, { now: new Date(NOW) }));
  assert.deepEqual([draftOnly.content, draftOnly.schedule], [0, 0]);
});

test('shared links with tracking parameters get the canonical page’s cached bytes, a 200', async () => {
  await settle(t.deps.db);
  const canonical = await t.get('/riverside-tram');
  const bytes = Buffer.from(await canonical.arrayBuffer());
  const hitsBefore = cache.hits;
  for (const q of ['?utm_source=newsletter&utm_medium=email&utm_campaign=daily', '?fbclid=IwAR0abc', '?gclid=Cj0KCQ', '?ref=homepage&utm_content=x']) {
    const res = await t.get('/riverside-tram' + q);
    assert.equal(res.status, 200, q);
    assert.equal(res.headers.get('x-cache'), 'HIT', q);
    assert.equal(res.headers.get('location'), null, 'no redirect');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes, `${q}: the canonical page's bytes`);
  }
  assert.equal(cache.hits - hitsBefore, 4);

  // The first click on a shared link renders once, under the canonical key: the next is a hit.
  await updateArticle(t.deps.db, fx.a2.id, { dek: 'Cities are rediscovering an old technology, again.' }, { now: new Date(NOW) });
  await settle(t.deps.db);
  const first = await t.get('/why-trams?utm_source=twitter');
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('x-cache'), 'MISS');
  assert.match(await first.text(), /again\./);
  assert.equal(await xcache('/why-trams'), 'HIT', 'stored under the canonical address');
  assert.equal(await xcache('/why-trams?fbclid=other'), 'HIT');

  // Lists keep the page number and drop the rest.
  await xcache('/section/politics?page=1&utm_source=x');
  assert.equal(await xcache('/section/politics'), 'HIT', '?page=1 is the list itself');
  const bad = await t.get('/section/politics?page=abc&utm_source=x');
  assert.equal(bad.status, 400, 'a refused page number is still refused, never served from the cache');
});

test('the cache holds canonical keys only: no spelling of an address adds an entry', async () => {
  await settle(t.deps.db);
  cache.clear();
  await xcache('/comet-weekend');
  await xcache('/section/science');
  const size = cache.size;
  for (let i = 0; i < 30; i++) {
    await xcache(`/comet-weekend?utm_source=s${i}&x=${i}`);
    await xcache(`/section/science?fbclid=${i}`);
  }
  // Percent-encoded spellings of the same page are answered, but stored under the canonical key.
  assert.equal((await t.get('/%63omet-weekend')).status, 200);
  assert.equal((await t.get('/comet-weekend?page=7')).status, 200);
  assert.equal(cache.size, size, 'still one entry per page');
  assert.ok(cache.has('/comet-weekend') && cache.has('/section/science'));
});

test('a cookie that merely contains nd_ does not bypass the cache; our own cookies do', async () => {
  await settle(t.deps.db);
  await warm('/');
  assert.equal(await xcache('/', { cookie: 'background_color=1' }), 'HIT');
  assert.equal(await xcache('/', { cookie: '_ga=GA1.2.3; consent=and_more' }), 'HIT');
  assert.notEqual(await xcache('/', { cookie: 'theme=dark; nd_session=abc' }), 'HIT');
  assert.notEqual(await xcache('/', { authorization: 'Bearer x' }), 'HIT');
  // And a personal request's render is not stored for everybody.
  cache.clear();
  await xcache('/', { cookie: 'nd_session=abc' });
  assert.equal(cache.size, 0);
});
