// The Stories screens and the stories Admin API on the demo wire (issue 12, section 3): the day's
// ranking with its spread, a story with its items by side, the week's blindspots, and an editor's
// rename and pin, over HTTP as the newsroom and an API client use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { seedDemoWire } from '../src/demo/wire.ts';
import { clusterPending } from '../src/newswire/stories/live.ts';
import { createApiKey } from '../src/staff/api-keys.ts';

const t = await startTestApp({});
const { db } = t.deps;
await seedDemoWire(db, t.clock.now(), 'UTC');
await clusterPending(t.deps);
const { secret } = await createApiKey(db, { name: 'editor key', kind: 'admin', role: 'editor' });
const api = async (method: string, path: string, body?: unknown) => {
  const res = await t.get(path, { method, headers: { authorization: `Bearer ${secret}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: (await res.json()) as any };
};

test('the API ranks today\'s stories with their spread, and gives one story with its items', { timeout: 60_000 }, async () => {
  const list = await api('GET', '/api/admin/stories');
  assert.equal(list.status, 200);
  const stories = list.json.data as any[];
  assert.ok(stories.length >= 1, 'the demo wire has stories today');
  assert.deepEqual(stories.map((s) => s.rank), stories.map((_, i) => i + 1), 'ranked 1, 2, 3, ...');
  const top = stories[0];
  for (const k of ['id', 'title', 'item_count', 'outlets', 'left', 'center', 'right', 'blindspot']) assert.ok(k in top || k in (top.counts ?? {}), `${k} in ${JSON.stringify(Object.keys(top))}`);
  const one = await api('GET', `/api/admin/stories/${top.id}`);
  assert.equal(one.status, 200);
  assert.ok(Array.isArray(one.json.data.items) && one.json.data.items.length === top.item_count);
  // The ranking's outlets (kept with the story's counts) are the distinct outlets of its items.
  const fromItems = [...new Set((one.json.data.items as any[]).map((i) => i.outlet))].sort();
  assert.deepEqual((top.outlets as any[]).map((o) => o.slug).sort(), fromItems);
  assert.equal(top.outlets.length, top.outlet_count);
  assert.equal((await api('GET', '/api/admin/stories/999999')).status, 404);
  assert.equal((await api('GET', '/api/admin/stories?date=not-a-date')).status, 400);
  // An empty date is today, as on the Stories screen (whose Day field may be left empty).
  const empty = await api('GET', '/api/admin/stories?date=');
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.json.data.map((s: any) => s.id), stories.map((s) => s.id));
  assert.equal((await api('GET', '/api/admin/stories/blindspots?date=')).status, 200);
});

test('the Stories screens answer, escaped, and an editor renames and pins a story', { timeout: 60_000 }, async () => {
  const { c } = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');
  const list = await c.page('/admin/stories');
  const id = Number(/href="\/admin\/stories\/(\d+)"/.exec(list)![1]);
  const page = await c.page(`/admin/stories/${id}`);
  assert.match(page, /<h1/);
  assert.equal((await c.request('/admin/stories/blindspots')).status, 200);
  const renamed = await c.post(`/admin/stories/${id}/rename`, { title: 'Bridge <reopens>' });
  assert.ok(renamed.status === 303, `rename answered ${renamed.status}`);
  assert.match(await c.page(`/admin/stories/${id}`), /Bridge &lt;reopens&gt;/);
  assert.equal((await db.one<{ title: string }>(`SELECT title FROM wire_stories WHERE id = $1`, [id]))!.title, 'Bridge <reopens>');
  assert.equal((await c.post(`/admin/stories/${id}/pin`, {})).status, 400, 'no pinned field: refused');
  assert.equal((await c.post(`/admin/stories/${id}/pin`, { pinned: 'true' })).status, 303);
  assert.equal((await db.one<{ pinned: boolean }>(`SELECT pinned FROM wire_stories WHERE id = $1`, [id]))!.pinned, true);
  const ranked = (await api('GET', '/api/admin/stories')).json.data as any[];
  assert.equal(ranked[0].id, id, 'a pinned story leads the ranking');
});

test('"Draft a brief" is on the Stories screen and on a story\'s page (for any writer, beside pin and hide for editors), and it drafts', { timeout: 60_000 }, async () => {
  const { c } = await signedIn(t, 'contributor@example.com', 'contributor', 'Connie Tributor');
  const list = await c.page('/admin/stories');
  const ids = [...list.matchAll(/<h2 class="story-row__title"><a href="\/admin\/stories\/(\d+)">/g)].map((m) => Number(m[1]));
  assert.ok(ids.length >= 1);
  for (const id of ids) assert.ok(list.includes(`action="/admin/stories/${id}/brief"`), `story ${id} has its "Draft a brief" on the list`);
  assert.match(list, /<button type="submit">Draft a brief<span class="visually-hidden">: /);
  assert.doesNotMatch(list, /\/pin"/, 'a contributor may not pin');
  const id = ids[0]!;
  const page = await c.page(`/admin/stories/${id}`);
  assert.ok(page.includes(`action="/admin/stories/${id}/brief"`), 'the story page has "Draft a brief"');
  const res = await c.post(`/admin/stories/${id}/brief`);
  assert.equal(res.status, 303);
  const m = /^\/admin\/articles\/(\d+)\?notice=brief_drafted$/.exec(res.headers.get('location') ?? '');
  assert.ok(m, res.headers.get('location') ?? '(no location)');
  const draft = await db.one<{ status: string; story_key: string }>(`SELECT status, story_key FROM articles WHERE id = $1`, [Number(m[1])]);
  assert.equal(draft!.status, 'draft');
  assert.equal(draft!.story_key, (await db.one<{ slug: string }>(`SELECT slug FROM wire_stories WHERE id = $1`, [id]))!.slug);
  // An editor has it beside pin and hide.
  const { c: ed } = await signedIn(t, 'editor2@example.com', 'editor', 'Edna Tor');
  const edPage = await ed.page(`/admin/stories/${id}`);
  assert.ok(edPage.includes(`action="/admin/stories/${id}/brief"`) && edPage.includes(`action="/admin/stories/${id}/pin"`));
});
