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

test('a malformed story id is the same 404 as a missing one, with one wording, in the API and the newsroom', { timeout: 60_000 }, async () => {
  const missing = await api('GET', '/api/admin/stories/999999');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json, { error: { status: 404, code: 'page_not_found', message: 'No such story.' } });
  // `0x1`, `1e0` and ` 1` are not ids (story 1 exists: they must not answer it), nor is `01`.
  for (const id of ['abc', '0x1', '1e0', '%201', '01', '-1', '0', '1.0', '9'.repeat(16)]) {
    const r = await api('GET', `/api/admin/stories/${id}`);
    assert.equal(r.status, 404, id);
    assert.deepEqual(r.json, missing.json, `/api/admin/stories/${id}`);
    assert.deepEqual((await api('PATCH', `/api/admin/stories/${id}`, { pinned: true })).json, missing.json, `PATCH ${id}`);
    assert.deepEqual((await api('POST', `/api/admin/stories/${id}/brief`)).json, missing.json, `brief ${id}`);
  }
  assert.deepEqual((await api('POST', '/api/admin/stories/999999/brief')).json, missing.json);
  const { c } = await signedIn(t, 'reader-of-404s@example.com', 'editor', 'Ed Four');
  for (const id of ['abc', '0x1', '999999']) {
    const page = await c.page(`/admin/stories/${id}`, 404);
    assert.match(page, /No such story\./, `/admin/stories/${id}`);
    assert.doesNotMatch(page, /There is no such story/);
    const brief = await c.post(`/admin/stories/${id}/brief`);
    assert.equal(brief.status, 404);
    assert.match(await brief.text(), /No such story\./);
  }
});

test('a bad ?date= keeps the Stories screen with the message beside the field (400); the API names the parameter and the format', { timeout: 60_000 }, async () => {
  const { c } = await signedIn(t, 'dater@example.com', 'editor', 'Dee Ter');
  const typed = '25/11/2026"><b>x';
  const res = await c.request(`/admin/stories?date=${encodeURIComponent(typed)}`);
  assert.equal(res.status, 400);
  const page = await res.text();
  assert.match(page, /<h1>Stories<\/h1>/, 'the Stories screen, not the error page');
  assert.ok(page.includes('value="25/11/2026&quot;&gt;&lt;b&gt;x"'), 'the field keeps what was typed, escaped');
  assert.doesNotMatch(page, /<b>x/);
  assert.match(page, /aria-invalid="true"/);
  assert.match(page, /aria-describedby="stories-day-hint stories-day-error"/);
  assert.match(page, /<p class="field-error" id="stories-day-error">Give the day as a date written year-month-day, such as 2026-11-25\.<\/p>/);
  assert.match(page, /class="story-row__title"/, 'today\'s ranking below');
  assert.doesNotMatch(page, /data-live-refresh/, 'no live refresh of a refused address');
  for (const bad of ['2026-02-30', 'bad']) {
    const b = await c.request(`/admin/stories/blindspots?date=${bad}`);
    assert.equal(b.status, 400, bad);
    const text = await b.text();
    assert.match(text, /<h1>Blindspots this week<\/h1>/);
    assert.ok(text.includes(`value="${bad}"`) && text.includes('id="blindspots-day-error"'), bad);
  }
  // An empty date is still today, with no error.
  const empty = await c.request('/admin/stories?date=');
  assert.equal(empty.status, 200);
  assert.doesNotMatch(await empty.text(), /field-error/);
  for (const bad of ['bad', '2026-02-30', '2026-1-5', '2026-11-25&date=2026-11-26']) {
    for (const path of ['/api/admin/stories', '/api/admin/stories/blindspots']) {
      const r = await api('GET', `${path}?date=${bad}`);
      assert.equal(r.status, 400, `${path}?date=${bad}`);
      assert.deepEqual(r.json.error, {
        status: 400,
        code: 'bad_request',
        message: 'Invalid query: date: Expected a day written YYYY-MM-DD, such as 2026-11-25.',
        fields: { date: 'Expected a day written YYYY-MM-DD, such as 2026-11-25.' },
      }, `${path}?date=${bad}`);
    }
  }
});
