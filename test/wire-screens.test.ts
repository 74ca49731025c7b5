// The newswire's surfaces: the Admin API (outlets with health, wire items; in the OpenAPI document),
// the newsroom's Outlets and Wire screens (escaped outlet text, permissions), and the demo's wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { seedDemoWire, DEMO_OUTLETS } from '../src/demo/wire.ts';
import { pollWire } from '../src/newswire/poller.ts';
import { listItems } from '../src/newswire/items.ts';
import { articlePage, paragraphs, rss, send, startFeedServer } from './helpers/feed-server.ts';

const t = await startTestApp({ env: { WIRE_ALLOW_PRIVATE: 'true', WIRE_HOST_GAP_MS: '0' } });
const db = t.deps.db;
const editorKey = (await createApiKey(db, { name: 'ed', kind: 'admin', role: 'editor' })).secret;
const contribKey = (await createApiKey(db, { name: 'co', kind: 'admin', role: 'contributor' })).secret;
const T = { timeout: 60_000 };

async function api(path: string, init: { method?: string; json?: unknown; key?: string } = {}) {
  const res = await fetch(t.url + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? editorKey}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

test('the Admin API: outlets with health, and the wire items', T, async () => {
  const s = await startFeedServer();
  s.routes.set('/feed', send(rss([{ guid: 'api-1', link: `${s.url}/story`, title: 'Harbour <b>reopens</b> after storm' }]), 'application/rss+xml'));
  s.routes.set('/story', send(articlePage('Harbour reopens after storm', paragraphs('the harbour')), 'text/html'));
  const created = await api('/api/admin/outlets', { method: 'POST', json: { name: 'API Outlet', url: s.url + '/', feeds: [s.url + '/feed'], lean: 'lean-left', country: 'US', language: 'en' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.data.id;
  for (const k of ['last_polled_at', 'last_new_item_at', 'last_error', 'items_per_day']) assert.ok(k in created.body.data, k);
  assert.equal(created.body.data.last_polled_at, null);
  const refused = await api('/api/admin/outlets', { method: 'POST', json: { name: 'X', url: 'https://x.example/' }, key: contribKey });
  assert.equal(refused.status, 403);
  const bad = await api('/api/admin/outlets', { method: 'POST', json: { name: 'X', url: 'nope', lean: 'far' } });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.error.fields.url && bad.body.error.fields.lean);

  await pollWire(t.deps, { outlet: created.body.data.slug, force: true });
  const one = await api(`/api/admin/outlets/${id}`);
  assert.ok(one.body.data.last_polled_at);
  assert.equal(one.body.data.last_error, null);
  const list = await api('/api/admin/wire/items?lean=lean-left&q=harbour');
  assert.equal(list.status, 200);
  assert.equal(list.body.meta.pagination.total, 1);
  const item = list.body.data[0];
  assert.equal(item.outlet, created.body.data.slug);
  assert.equal(item.lean, 'lean-left');
  assert.equal(item.title, 'Harbour reopens after storm');
  for (const k of ['url', 'published', 'summary', 'text']) assert.ok(k in item, k);
  assert.match(item.text, /officials said on Monday/);
  const got = await api(`/api/admin/wire/items/${item.id}`);
  assert.equal(got.body.data.id, item.id);
  assert.doesNotMatch(got.body.data.html, /<script|onerror/i);
  assert.equal((await api('/api/admin/wire/items?since=2999-01-01T00:00:00Z')).body.data.length, 0);
  assert.equal((await api('/api/admin/wire/items?since=yesterday')).status, 400);

  const patched = await api(`/api/admin/outlets/${id}`, { method: 'PATCH', json: { active: false, lean: 'center' } });
  assert.equal(patched.body.data.active, false);
  assert.equal(patched.body.data.lean, 'center');
  assert.equal((await api(`/api/admin/outlets/${id}`, { method: 'PATCH', json: { nonsense: 1 } })).status, 400);
  assert.equal((await api(`/api/admin/outlets/${id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await api(`/api/admin/outlets/${id}`)).status, 404);
  assert.equal((await api('/api/admin/wire/items/999999')).status, 404);
  // A malformed id is the same not-found, not item 1 read as 0x1 or 1e0.
  for (const bad of ['abc', '0x1', '1e0', '01']) assert.equal((await api(`/api/admin/wire/items/${bad}`)).status, 404, bad);

  const doc = await (await fetch(t.url + '/api/openapi.json')).json();
  for (const p of ['/api/admin/outlets', '/api/admin/outlets/{id}', '/api/admin/wire/items', '/api/admin/wire/items/{id}']) assert.ok(doc.paths[p], p);
  assert.ok(doc.paths['/api/admin/outlets/{id}'].patch && doc.paths['/api/admin/outlets/{id}'].delete);
});

test('the newsroom: the Outlets screen with health, the wire, an item; outlet text is escaped', T, async () => {
  const r = await seedDemoWire(db, new Date());
  assert.equal(r.outlets, 12);
  assert.equal((await seedDemoWire(db, new Date())).outlets, 0, 'seeded once');
  const leans = new Set(DEMO_OUTLETS.map((o) => o.lean));
  for (const l of ['left', 'lean-left', 'center', 'lean-right', 'right']) assert.ok(leans.has(l as never));
  // An outlet whose feed carries markup in its text.
  const { id } = (await db.one<{ id: number }>(`INSERT INTO wire_outlets (name, slug, home_url) VALUES ('<script>alert(1)</script> News', 'evil-news', 'https://evil.example/') RETURNING id`))!;
  await db.query(`INSERT INTO wire_items (outlet_id, url, title, published_at, extract_status, text) VALUES ($1, 'https://evil.example/a', '<img src=x onerror=alert(1)>', now(), 'done', 'Para <b>one</b>')`, [id]);
  const { c } = await signedIn(t, 'wire-editor@example.com', 'editor', 'Wire Editor');
  const outlets = await c.page('/admin/outlets');
  assert.match(outlets, /The Harbour Herald/);
  assert.match(outlets, /Items per day/);
  assert.match(outlets, /Last new item/);
  assert.doesNotMatch(outlets, /<script>alert/);
  assert.match(outlets, /&lt;script&gt;alert\(1\)&lt;\/script&gt; News/);
  const wire = await c.page('/admin/wire?lean=right');
  assert.match(wire, /Heartland Standard|The Liberty Post/);
  assert.doesNotMatch(wire, /The Harbour Herald<\/a>|Progress Daily ·/);
  const evil = await c.page('/admin/wire?outlet=evil-news');
  assert.doesNotMatch(evil, /<img src=x/);
  assert.match(evil, /&lt;img src=x onerror=alert\(1\)&gt;/);
  const { items } = await listItems(db, { outlet: 'evil-news' });
  const page = await c.page(`/admin/wire/items/${items[0]!.id}`);
  assert.match(page, /Para &lt;b&gt;one&lt;\/b&gt;/);
  assert.match(page, /href="https:\/\/evil\.example\/a" rel="noopener noreferrer nofollow"/);
  const search = await c.page('/admin/wire?q=bridge');
  assert.match(search, /bridge/i);
  // Pause and add through the screen.
  const res = await c.post(`/admin/outlets/${id}/pause`, {});
  assert.equal(res.status, 303);
  assert.equal((await db.one(`SELECT active FROM wire_outlets WHERE id = $1`, [id]))!.active, false);
  const added = await c.post('/admin/outlets', { name: 'Screen Outlet', url: 'https://screen.example/', feeds: 'https://screen.example/rss.xml', lean: 'right', country: 'US', language: 'en', fetch: 'on' });
  assert.equal(added.status, 303);
  const badAdd = await c.post('/admin/outlets', { name: 'Broken', url: 'not a url', feeds: '', lean: 'right' });
  assert.equal(badAdd.status, 400);
  assert.match(await badAdd.text(), /Broken/, 'what was typed is kept');
  // A contributor reads the wire but may not change outlets.
  const { c: contributor } = await signedIn(t, 'wire-contrib@example.com', 'contributor');
  await contributor.page('/admin/wire');
  assert.doesNotMatch(await contributor.page('/admin/outlets'), /Add an outlet/);
  assert.equal((await contributor.post(`/admin/outlets/${id}/resume`, {})).status, 403);
});

test('demo outlets are never fetched', T, async () => {
  const r = await pollWire(t.deps, { force: true });
  const demoSlugs = new Set(DEMO_OUTLETS.map((o) => o.slug));
  assert.ok(r.outlets.every((o) => !demoSlugs.has(o.slug)));
});

test('the Outlets screen shows each feed\u2019s WebSub state: hub, pending, verified with lease and last push, refused, errors escaped', T, async () => {
  const created = await api('/api/admin/outlets', {
    method: 'POST',
    json: { name: 'Push Outlet', url: 'https://push.example/', feeds: ['https://push.example/none.xml', 'https://push.example/pending.xml', 'https://push.example/verified.xml', 'https://push.example/refused.xml'] },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.data.id;
  const feed = (suffix: string) => `https://push.example/${suffix}.xml`;
  await db.query(`UPDATE wire_feeds SET websub_hub = 'https://hub.example/', websub_state = 'requested', websub_requested_at = '2026-11-20T08:00:00Z' WHERE outlet_id = $1 AND url = $2`, [id, feed('pending')]);
  await db.query(
    `UPDATE wire_feeds SET websub_hub = 'https://hub.example/', websub_state = 'subscribed', websub_requested_at = '2026-11-20T08:00:00Z',
            websub_lease_until = '2026-11-30T08:00:00Z', websub_last_push_at = '2026-11-21T10:15:00Z' WHERE outlet_id = $1 AND url = $2`,
    [id, feed('verified')],
  );
  await db.query(
    `UPDATE wire_feeds SET websub_hub = 'https://evil-hub.example/?a="><script>alert(2)</script>', websub_state = 'denied', websub_requested_at = '2026-11-20T08:00:00Z',
            websub_error = 'the hub denied the subscription: <img src=x onerror=alert(3)>' WHERE outlet_id = $1 AND url = $2`,
    [id, feed('refused')],
  );
  const { c } = await signedIn(t, 'push-editor@example.com', 'editor', 'Push Editor');
  const page = await c.page('/admin/outlets');
  const row = page.slice(page.indexOf('Push Outlet'), page.indexOf('</tr>', page.indexOf('Push Outlet')));
  const feedHtml = (suffix: string) => {
    const at = row.indexOf(feed(suffix));
    assert.ok(at > 0, `${suffix} is listed`);
    return row.slice(at, row.indexOf('</div>', at));
  };
  assert.match(feedHtml('none'), /no WebSub hub advertised/);
  assert.match(feedHtml('pending'), /hub <span title="https:\/\/hub\.example\/">hub\.example<\/span>, <span[^>]*>pending: asked the hub, waiting for it to verify<\/span>; asked 20 November 2026/);
  const verified = feedHtml('verified');
  assert.match(verified, /verified<\/span>/);
  assert.match(verified, /lease until 30 November 2026/);
  assert.match(verified, /last push 21 November 2026/);
  const refused = feedHtml('refused');
  assert.match(refused, /refused by the hub/);
  assert.match(refused, /the hub denied the subscription: &lt;img src=x onerror=alert\(3\)&gt;/);
  assert.match(refused, /title="https:\/\/evil-hub\.example\/\?a=&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;"/);
  assert.doesNotMatch(page, /<script>alert\(2\)|<img src=x onerror=alert\(3\)/);
  // The Admin API carries the same state.
  const one = await api(`/api/admin/outlets/${id}`);
  const v = one.body.data.feeds.find((f: { url: string }) => f.url === feed('verified'));
  assert.equal(v.websub_state, 'subscribed');
  assert.equal(v.websub_lease_until, '2026-11-30T08:00:00.000Z');
  assert.equal(v.websub_last_push_at, '2026-11-21T10:15:00.000Z');
  assert.equal(v.websub_requested_at, '2026-11-20T08:00:00.000Z');
  assert.equal((await api(`/api/admin/outlets/${id}`, { method: 'DELETE' })).status, 204);
});
