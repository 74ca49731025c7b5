// The editor (issue 14, item 8): images uploaded before the article is saved, a headline that wraps
// (its line breaks are spaces), a preview that says it is one, and publish times written the way
// people write them, in the publication's zone, with plain-language errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { getArticleById } from '../src/articles/queries.ts';
import { fromLocalInput } from '../src/platform/time.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London' } });
await seedFixtures(t.deps.db, new Date(NOW));
const { c } = await signedIn(t, 'writer@example.com', 'author', 'Wren Writer');
const PNG = fs.readFileSync(new URL('../src/web/assets/logo.png', import.meta.url));

function imageForm(csrf: string | null, type = 'image/png', bytes: Buffer = PNG): FormData {
  const fd = new FormData();
  if (csrf !== null) fd.append('_csrf', csrf);
  fd.append('image', new Blob([new Uint8Array(bytes)], { type }), 'picture.png');
  return fd;
}

test('an image is uploaded before the article exists: stored, its address answered, nothing else changed', { timeout: 60_000 }, async () => {
  await c.page('/admin/articles/new');
  const before = (await t.deps.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles`))!.n;
  const res = await c.request('/admin/uploads/image', { method: 'POST', body: imageForm(c.csrf), headers: { accept: 'application/json' } });
  assert.equal(res.status, 200);
  const { url } = (await res.json()) as { url: string };
  assert.match(url, /^\/uploads\/[\w-]+\.png$/);
  assert.equal((await t.get(url)).status, 200);
  assert.equal((await t.deps.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles`))!.n, before, 'no article was created');
  // Without JavaScript the answer is a page with the address.
  const page = await c.request('/admin/uploads/image', { method: 'POST', body: imageForm(c.csrf) });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Image uploaded[\s\S]*<code>\/uploads\//);
  // Forged (no CSRF field), not an image, or from a reader: refused.
  assert.equal((await c.request('/admin/uploads/image', { method: 'POST', body: imageForm(null) })).status, 403);
  assert.equal((await c.request('/admin/uploads/image', { method: 'POST', body: imageForm(c.csrf, 'text/plain', Buffer.from('not an image')), headers: { accept: 'application/json' } })).status, 400, 'not an image');
  assert.equal((await t.get('/admin/uploads/image', { method: 'POST', body: imageForm('x') })).status, 401, 'signed out');
});

test('a line break typed into the headline is a space; the preview says it is one', { timeout: 60_000 }, async () => {
  await c.page('/admin/articles/new');
  const res = await c.post('/admin/articles', { headline: 'Trams return\n  to the high street', body: 'Text.', action: 'save' });
  assert.equal(res.status, 303);
  const id = Number(/\/admin\/articles\/(\d+)/.exec(res.headers.get('location')!)![1]);
  assert.equal((await getArticleById(t.deps.db, id))!.headline, 'Trams return to the high street');
  const preview = await c.page(`/admin/articles/${id}/preview`);
  assert.match(preview, /<div class="preview-banner" role="note"><strong>Preview<\/strong> Not published: this is how the draft article will look\.<\/div>/);
  assert.match(preview, /<link rel="stylesheet" href="\/assets\/preview\.css">/);
  assert.match(preview, /<link rel="stylesheet" href="\/assets\/site\.css(?:\?[^"]*)?">/, "the site's own type");
  assert.equal((await t.get('/assets/preview.css')).status, 200);
});

test('publish times: "2026-11-25 09:30" and the datetime-local form, in the zone; mistakes in plain words', { timeout: 5_000 }, () => {
  assert.equal(fromLocalInput('2026-11-25 09:30', 'Europe/London').toISOString(), '2026-11-25T09:30:00.000Z');
  assert.equal(fromLocalInput('2026-07-01T09:30', 'Europe/London').toISOString(), '2026-07-01T08:30:00.000Z');
  assert.equal(fromLocalInput(' 2026-07-01 9:05 ', 'Europe/London').toISOString(), '2026-07-01T08:05:00.000Z');
  assert.throws(() => fromLocalInput('25/11/2026 09:30', 'Europe/London'), /like 2026-11-25 09:30/);
  assert.throws(() => fromLocalInput('2026-13-01 09:30', 'Europe/London'), /not a real date and time/);
});

test('the story key is a field of the editor: set, shown, kept when a client leaves it out, and cleared when emptied', { timeout: 60_000 }, async () => {
  await c.page('/admin/articles/new');
  const res = await c.post('/admin/articles', { headline: 'Council backs the bridge', body: 'Text.', story_key: '  council-backs-the-bridge-6  ', action: 'save' });
  assert.equal(res.status, 303);
  const id = Number(/\/admin\/articles\/(\d+)/.exec(res.headers.get('location')!)![1]);
  const key = async () => (await getArticleById(t.deps.db, id))!.story_key;
  assert.equal(await key(), 'council-backs-the-bridge-6');
  // No image yet: its thumbnail has no address at all (an empty src is invalid HTML), until admin.js sets one.
  assert.match(await c.page('/admin/articles/new'), /<img class="thumb" id="ed-image-thumb" hidden alt="">/);
  const form = await c.page(`/admin/articles/${id}`);
  assert.match(form, /<label for="ed-story">Story key<\/label>\s*<input id="ed-story" name="story_key" value="council-backs-the-bridge-6"/);
  // A save without the field (an older form, a script) leaves the key as it is.
  assert.equal((await c.post(`/admin/articles/${id}`, { headline: 'Council backs the bridge', body: 'More text.', action: 'save' })).status, 303);
  assert.equal(await key(), 'council-backs-the-bridge-6');
  // Emptied in the form: the article is on no story.
  assert.equal((await c.post(`/admin/articles/${id}`, { headline: 'Council backs the bridge', body: 'More text.', story_key: '', action: 'save' })).status, 303);
  assert.equal(await key(), null);
});
