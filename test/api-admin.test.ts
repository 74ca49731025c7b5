// The Admin API against a running Newsdesk: authentication, every route, what each role may do, field
// errors, 404s; the OpenAPI document covers every registered route; API keys store only hashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createApiKey, hashSecret, listApiKeys, revokeApiKey } from '../src/staff/api-keys.ts';
import { apiRoutes } from '../src/api/routes.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';
import type { Role } from '../src/staff/roles.ts';

const t = await startTestApp({ now: '2026-03-02T09:00:00Z' });
const { db } = t.deps;
const fx = await seedFixtures(db, t.clock.now());

const keys = {} as Record<Role, string>;
for (const role of ['contributor', 'author', 'editor', 'administrator'] as Role[]) keys[role] = (await createApiKey(db, { name: `${role} key`, kind: 'admin', role })).secret;
const contentKey = (await createApiKey(db, { name: 'site', kind: 'content' })).secret;

async function call(role: Role | null, method: string, path: string, body?: unknown, auth?: string) {
  const headers: Record<string, string> = {};
  if (auth !== undefined) headers.authorization = auth;
  else if (role) headers.authorization = `Bearer ${keys[role]}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(t.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

test('keys: only a hash is stored; the secret is shown once; revoked keys stop working at once', async () => {
  const { key, secret } = await createApiKey(db, { name: 'temp', kind: 'admin', role: 'editor' });
  const row = await db.one(`SELECT * FROM api_keys WHERE id = $1`, [key.id]);
  assert.equal(row!.secret_hash, hashSecret(secret));
  assert.ok(!JSON.stringify(row).includes(secret), 'the secret is nowhere in the row');
  assert.ok(secret.startsWith(row!.prefix));
  assert.ok(!('secret_hash' in (await listApiKeys(db))[0]!));
  assert.equal((await call(null, 'GET', '/api/admin/me', undefined, `Bearer ${secret}`)).status, 200);
  assert.ok((await db.one(`SELECT last_used_at FROM api_keys WHERE id = $1`, [key.id]))!.last_used_at, 'last use recorded');
  await revokeApiKey(db, key.id);
  const after = await call(null, 'GET', '/api/admin/me', undefined, `Bearer ${secret}`);
  assert.equal(after.status, 401);
  assert.match(after.json.error.message, /revoked/);
  // Content keys have Ghost's shape (26 lower-case hex) and are not admin keys.
  assert.match(contentKey, /^[0-9a-f]{26}$/);
  assert.equal((await call(null, 'GET', '/api/admin/articles', undefined, `Bearer ${contentKey}`)).status, 401);
  await assert.rejects(createApiKey(db, { name: 'x', kind: 'admin' }), (e: any) => e.status === 400 && !!e.fields.role);
  await assert.rejects(createApiKey(db, { name: 'x', kind: 'content', role: 'editor' }), (e: any) => e.status === 400 && !!e.fields.role);
  await assert.rejects(createApiKey(db, { name: '', kind: 'admin', role: 'owner' as any }), (e: any) => e.status === 400 && !!e.fields.name && !!e.fields.role);
});

test('401 without a key, with a bad key or a bad scheme; errors are JSON with a code', async () => {
  for (const auth of ['', 'Bearer nope', 'Basic abc', `Ghost ${keys.editor}`]) {
    const r = await call(null, 'GET', '/api/admin/articles', undefined, auth);
    assert.equal(r.status, 401, auth);
    assert.equal(r.json.error.status, 401);
    assert.equal(typeof r.json.error.message, 'string');
  }
  const me = await call('author', 'GET', '/api/admin/me');
  assert.equal(me.json.key.role, 'author');
  assert.equal(me.headers.get('cache-control'), 'no-store');
});

test('articles: list with filters, search and pagination; get; 404s', async () => {
  const all = await call('editor', 'GET', '/api/admin/articles?limit=2');
  assert.equal(all.status, 200);
  assert.equal(all.json.data.length, 2);
  assert.deepEqual(all.json.meta.pagination, { page: 1, limit: 2, total: 5, pages: 3 });
  // A contributor's key lists its own articles and the published ones: not someone else's draft.
  const theirs = await call('contributor', 'GET', '/api/admin/articles?limit=100');
  assert.deepEqual(theirs.json.meta.pagination.total, 4);
  assert.ok(!theirs.json.data.some((a: any) => a.slug === 'secret-draft'));
  const drafts = await call('editor', 'GET', '/api/admin/articles?status=draft');
  assert.deepEqual(drafts.json.data.map((a: any) => a.slug), ['secret-draft']);
  const science = await call('editor', 'GET', '/api/admin/articles?section=science&format=recommends');
  assert.deepEqual(science.json.data.map((a: any) => a.slug), ['night-sky-podcasts']);
  const byAuthor = await call('editor', 'GET', '/api/admin/articles?author=ada-quill&status=published');
  assert.deepEqual(byAuthor.json.data.map((a: any) => a.slug).sort(), ['riverside-tram', 'why-trams']);
  const byTag = await call('editor', 'GET', '/api/admin/articles?tag=space');
  assert.equal(byTag.json.meta.pagination.total, 2);
  const search = await call('editor', 'GET', '/api/admin/articles?search=comet');
  assert.equal(search.json.data[0].slug, 'comet-weekend');
  const page3 = await call('editor', 'GET', '/api/admin/articles?limit=2&page=3');
  assert.equal(page3.json.data.length, 1);
  const bad = await call('editor', 'GET', '/api/admin/articles?status=gone&limit=500');
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.status && bad.json.error.fields.limit);

  const denied = await call('contributor', 'GET', `/api/admin/articles/${fx.draft.id}`);
  assert.equal(denied.status, 403, 'someone else\'s draft (issue 9)');
  assert.doesNotMatch(JSON.stringify(denied.json), /Secret draft/);
  assert.equal((await call('author', 'GET', `/api/admin/articles/${fx.draft.id}/revisions`)).status, 403);
  const one = await call('editor', 'GET', `/api/admin/articles/${fx.draft.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.data.headline, 'Secret draft');
  assert.equal(one.json.data.type, 'post');
  assert.match(one.json.data.uuid, /^[0-9a-f-]{36}$/);
  assert.equal((await call('editor', 'GET', '/api/admin/articles/99999')).status, 404);
  assert.equal((await call('editor', 'GET', '/api/admin/articles/abc')).status, 404);
  const revisions = await call('editor', 'GET', `/api/admin/articles/${fx.a1.id}/revisions`);
  assert.equal(revisions.status, 200);
  assert.ok(Array.isArray(revisions.json.data));
});

test('contributors write drafts only, and only their own', async () => {
  const created = await call('contributor', 'POST', '/api/admin/articles', { headline: 'From the field', body: 'Notes.', authors: ['ben-marsh'] });
  assert.equal(created.status, 201);
  assert.equal(created.json.data.status, 'draft');
  const id = created.json.data.id;
  assert.equal((await call('contributor', 'PATCH', `/api/admin/articles/${id}`, { dek: 'Better' })).json.data.dek, 'Better');
  const publish = await call('contributor', 'POST', `/api/admin/articles/${id}/publish`);
  assert.equal(publish.status, 403);
  assert.match(publish.json.error.message, /drafts/);
  assert.equal((await call('contributor', 'PATCH', `/api/admin/articles/${id}`, { status: 'published' })).status, 403);
  assert.equal((await call('contributor', 'POST', '/api/admin/articles', { headline: 'Straight out', status: 'published' })).status, 403);
  assert.equal((await call('contributor', 'PATCH', `/api/admin/articles/${fx.draft.id}`, { dek: 'not mine' })).status, 403);
  assert.equal((await call('contributor', 'DELETE', `/api/admin/articles/${fx.a1.id}`)).status, 403);
  // Field errors before anything is written.
  const invalid = await call('contributor', 'POST', '/api/admin/articles', { headline: '', slug: 'Bad Slug', type: 'memo' });
  assert.equal(invalid.status, 400);
  assert.ok(invalid.json.error.fields.type);
  const invalid2 = await call('contributor', 'POST', '/api/admin/articles', { headline: '', slug: 'Bad Slug' });
  assert.ok(invalid2.json.error.fields.headline && invalid2.json.error.fields.slug);
  assert.equal((await call('contributor', 'POST', '/api/admin/articles', { headline: 'x', section: 'nowhere' })).json.error.fields.section, 'no section with slug "nowhere"');
  assert.equal((await call('contributor', 'DELETE', `/api/admin/articles/${id}`)).status, 204);
  assert.equal((await call('editor', 'GET', `/api/admin/articles/${id}`)).status, 404);
});

test('authors publish, schedule and unpublish their own articles but not others', async () => {
  const created = await call('author', 'POST', '/api/admin/articles', { headline: 'Author piece', body: 'Words.', type: 'page' });
  const id = created.json.data.id;
  assert.equal(created.json.data.type, 'page');
  const pub = await call('author', 'POST', `/api/admin/articles/${id}/publish`);
  assert.equal(pub.status, 200);
  assert.equal(pub.json.data.status, 'published');
  assert.equal((await t.get('/author-piece')).status, 200, 'a page renders at /{slug}');
  const sched = await call('author', 'POST', `/api/admin/articles/${id}/schedule`, { publishedAt: '2026-03-05T08:00:00Z' });
  assert.equal(sched.json.data.status, 'scheduled');
  assert.equal(sched.json.data.published_at, '2026-03-05T08:00:00.000Z');
  const past = await call('author', 'POST', `/api/admin/articles/${id}/schedule`, { publishedAt: '2020-01-01T00:00:00Z' });
  assert.equal(past.status, 400);
  assert.ok(past.json.error.fields.publishedAt);
  assert.equal((await call('author', 'POST', `/api/admin/articles/${id}/schedule`, {})).json.error.fields.publishedAt, 'required');
  assert.equal((await call('author', 'POST', `/api/admin/articles/${id}/unpublish`)).json.data.status, 'draft');
  assert.equal((await call('author', 'POST', `/api/admin/articles/${id}/unpublish`)).status, 400);
  assert.equal((await call('author', 'POST', `/api/admin/articles/${fx.a2.id}/unpublish`)).status, 403);
  assert.equal((await call('author', 'PATCH', `/api/admin/articles/${fx.a2.id}`, { dek: 'x' })).status, 403);
  assert.equal((await call('author', 'POST', '/api/admin/formats', { name: 'Op-ed' })).status, 403);
  assert.equal((await call('author', 'DELETE', `/api/admin/articles/${id}`)).status, 204);
  assert.equal((await call('author', 'POST', `/api/admin/articles/99999/publish`)).status, 404);
});

test('editors change any article and the taxonomy, but not settings, webhooks or keys', async () => {
  const patched = await call('editor', 'PATCH', `/api/admin/articles/${fx.a2.id}`, { dek: 'Edited by the desk', tags: ['Transport', 'Cities'] });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.data.dek, 'Edited by the desk');
  assert.deepEqual(patched.json.data.tags.map((x: any) => x.slug), ['transport', 'cities']);
  assert.equal((await call('editor', 'POST', `/api/admin/articles/${fx.draft.id}/publish`)).json.data.status, 'published');
  assert.equal((await t.get('/secret-draft')).status, 200);
  assert.equal((await call('editor', 'POST', `/api/admin/articles/${fx.draft.id}/unpublish`)).json.data.status, 'draft');

  for (const kind of ['formats', 'sections', 'tags', 'authors']) {
    const list = await call('contributor', 'GET', `/api/admin/${kind}`);
    assert.equal(list.status, 200, kind);
    assert.ok(list.json.data.length >= 1, kind);
    assert.equal(typeof list.json.data[0].article_count, 'number');
    const made = await call('editor', 'POST', `/api/admin/${kind}`, { name: `New ${kind}` });
    assert.equal(made.status, 201, kind);
    const slug = made.json.data.slug;
    assert.equal(slug, `new-${kind}`);
    assert.equal((await call('editor', 'POST', `/api/admin/${kind}`, { name: `New ${kind}` })).status, 409, kind);
    assert.equal((await call('editor', 'POST', `/api/admin/${kind}`, { name: '' })).json.error.fields.name, 'a name is required');
    assert.equal((await call('contributor', 'GET', `/api/admin/${kind}/${slug}`)).json.data.name, `New ${kind}`);
    assert.equal((await call('editor', 'PATCH', `/api/admin/${kind}/${slug}`, { name: 'Renamed' })).json.data.name, 'Renamed');
    assert.equal((await call('contributor', 'PATCH', `/api/admin/${kind}/${slug}`, { name: 'No' })).status, 403);
    assert.equal((await call('contributor', 'DELETE', `/api/admin/${kind}/${slug}`)).status, 403);
    assert.equal((await call('editor', 'DELETE', `/api/admin/${kind}/${slug}`)).status, 204);
    assert.equal((await call('editor', 'GET', `/api/admin/${kind}/${slug}`)).status, 404);
    assert.equal((await call('editor', 'DELETE', `/api/admin/${kind}/${slug}`)).status, 404);
  }
  assert.equal((await call('editor', 'GET', '/api/admin/settings')).json.data.name, 'The Ledger');
  assert.equal((await call('editor', 'PATCH', '/api/admin/settings', { name: 'X' })).status, 403);
  assert.equal((await call('editor', 'GET', '/api/admin/webhooks')).status, 403);
  assert.equal((await call('editor', 'POST', '/api/admin/webhooks', { url: 'https://example.com', events: ['*'] })).status, 403);
  assert.equal((await call('editor', 'GET', '/api/admin/api-keys')).status, 403);
  const nl = await call('editor', 'PUT', '/api/admin/newsletters/weekend', { name: 'The Weekend', scheduleDays: [6] });
  assert.equal(nl.status, 200);
  assert.deepEqual(nl.json.data.schedule_days, [6]);
  assert.equal((await call('editor', 'GET', '/api/admin/newsletters/weekend')).json.data.name, 'The Weekend');
  assert.ok((await call('editor', 'GET', '/api/admin/newsletters')).json.data.some((n: any) => n.slug === 'weekend'));
  assert.equal((await call('editor', 'PUT', '/api/admin/newsletters/weekend', { name: '', scheduleTime: '25:00' })).status, 400);
  assert.equal((await call('editor', 'GET', '/api/admin/newsletters/none')).status, 404);
  assert.equal((await call('author', 'GET', '/api/admin/newsletters')).status, 403);
});

test('administrators manage settings, webhooks and API keys', async () => {
  const s = await call('administrator', 'PATCH', '/api/admin/settings', { name: 'The Daily Ledger', pageSize: 12 });
  assert.equal(s.status, 200);
  assert.equal(s.json.data.name, 'The Daily Ledger');
  assert.equal(s.json.data.pageSize, 12);
  const badS = await call('administrator', 'PATCH', '/api/admin/settings', { timeZone: 'Mars/Olympus', pageSize: 1, colour: 'red' });
  assert.equal(badS.status, 400);

  const hook = await call('administrator', 'POST', '/api/admin/webhooks', { name: 'rebuild', url: 'https://hooks.example/x', events: ['article.published'] });
  assert.equal(hook.status, 201);
  assert.match(hook.json.data.secret, /^whsec_/);
  const hid = hook.json.data.id;
  const listed = await call('administrator', 'GET', '/api/admin/webhooks');
  assert.equal(listed.json.data.length, 1);
  assert.ok(!('secret' in listed.json.data[0]), 'secrets are not listed');
  assert.equal((await call('administrator', 'GET', `/api/admin/webhooks/${hid}`)).json.data.url, 'https://hooks.example/x');
  assert.deepEqual((await call('administrator', 'PATCH', `/api/admin/webhooks/${hid}`, { events: ['article.published', 'article.updated'] })).json.data.events, ['article.published', 'article.updated']);
  assert.equal((await call('administrator', 'PATCH', `/api/admin/webhooks/${hid}`, { url: 'javascript:alert(1)' })).status, 400);
  const rotated = await call('administrator', 'POST', `/api/admin/webhooks/${hid}/rotate-secret`);
  assert.notEqual(rotated.json.data.secret, hook.json.data.secret);
  await call('editor', 'POST', `/api/admin/articles/${fx.draft.id}/publish`);
  const deliveries = await call('administrator', 'GET', `/api/admin/webhooks/${hid}/deliveries`);
  assert.equal(deliveries.json.data.length, 1);
  assert.equal(deliveries.json.data[0].event, 'article.published');
  assert.equal(deliveries.json.data[0].status, 'pending');
  assert.equal((await call('administrator', 'DELETE', `/api/admin/webhooks/${hid}`)).status, 204);
  assert.equal((await call('administrator', 'GET', `/api/admin/webhooks/${hid}/deliveries`)).status, 404);

  const made = await call('administrator', 'POST', '/api/admin/api-keys', { name: 'front end', kind: 'content' });
  assert.equal(made.status, 201);
  assert.match(made.json.data.secret, /^[0-9a-f]{26}$/);
  assert.equal((await call('administrator', 'POST', '/api/admin/api-keys', { name: 'x', kind: 'admin' })).json.error.fields.role.includes('role'), true);
  const all = await call('administrator', 'GET', '/api/admin/api-keys');
  assert.ok(all.json.data.some((k: any) => k.id === made.json.data.id));
  assert.ok(all.json.data.every((k: any) => !('secret' in k) && !('secret_hash' in k)));
  assert.equal((await call('administrator', 'DELETE', `/api/admin/api-keys/${made.json.data.id}`)).status, 204);
  assert.equal((await fetch(`${t.url}/api/content/articles?key=${made.json.data.secret}`)).status, 401);
  assert.equal((await call('administrator', 'DELETE', '/api/admin/api-keys/99999')).status, 404);
});

test('malformed JSON is a 400, unknown API paths a JSON 404', async () => {
  const res = await fetch(`${t.url}/api/admin/articles`, { method: 'POST', headers: { authorization: `Bearer ${keys.editor}`, 'content-type': 'application/json' }, body: '{"headline":' });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.status, 400);
  const missing = await call('editor', 'GET', '/api/admin/nothing-here');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.status, 404);
});

test('the OpenAPI document describes every registered API route', async () => {
  const res = await t.get('/api/openapi.json');
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.openapi, '3.1.0');
  const routes = apiRoutes(t.server.app);
  assert.ok(routes.length > 50, `found ${routes.length} routes`);
  const missing: string[] = [];
  for (const r of routes) {
    // Ghost's older versioned prefixes and slash-less twins are aliases of the documented paths.
    if (/^\/ghost\/api\/(v\d|canary)\//.test(r.url)) continue;
    let p = r.url.replace(/:([a-z]+)/g, '{$1}');
    if (p.startsWith('/ghost/') && !p.endsWith('/')) p += '/';
    if (p.endsWith('/*')) continue; // CORS preflight
    if (!doc.paths[p]?.[r.method.toLowerCase()]) missing.push(`${r.method} ${p}`);
  }
  assert.deepEqual(missing, []);
  for (const [p, ops] of Object.entries<any>(doc.paths)) {
    for (const [m, op] of Object.entries<any>(ops)) assert.ok(op.responses && op.summary, `${m} ${p}`);
  }
});

test('newsdesk apikeys create, list and revoke', async () => {
  const io = memoryIO();
  assert.equal(await runCommand(['apikeys', 'create', '--name', 'CLI key', '--kind', 'admin', '--role', 'editor'], process.cwd(), io, t.deps), 0);
  const secret = /Secret .*: (\S+)/.exec(io.lines.join('\n'))![1]!;
  assert.equal((await call(null, 'GET', '/api/admin/me', undefined, `Bearer ${secret}`)).json.key.name, 'CLI key');
  const list = memoryIO();
  await runCommand(['apikeys', 'list'], process.cwd(), list, t.deps);
  const line = list.lines.find((l) => l.includes('CLI key'))!;
  assert.ok(line && !line.includes(secret));
  const id = line.trim().split(/\s+/)[0]!;
  assert.equal(await runCommand(['apikeys', 'revoke', id], process.cwd(), memoryIO(), t.deps), 0);
  assert.equal((await call(null, 'GET', '/api/admin/me', undefined, `Bearer ${secret}`)).status, 401);
  const bad = memoryIO();
  assert.equal(await runCommand(['apikeys', 'create', '--name', 'x', '--kind', 'admin'], process.cwd(), bad, t.deps), 1);
  assert.match(bad.errors.join('\n'), /role/);
  const bad2 = memoryIO();
  assert.equal(await runCommand(['apikeys', 'create', '--kind', 'root'], process.cwd(), bad2, t.deps), 2);
});

test('newsletters through the API: subscribers (add, list, unsubscribe, import, export, delete) and editions (build, edit, reorder, schedule, status)', async () => {
  await call('editor', 'PUT', '/api/admin/newsletters/briefing', { name: 'The Briefing', scheduleDays: [1, 2, 3, 4, 5] });
  const added = await call('editor', 'POST', '/api/admin/subscribers', { email: 'Reader@Example.com', name: 'Reader', newsletters: ['briefing'], confirmed: true });
  assert.equal(added.status, 201);
  assert.equal((await call('editor', 'POST', '/api/admin/subscribers', { email: 'not-an-address', newsletters: ['briefing'], confirmed: true })).status, 400);
  assert.equal((await call('editor', 'POST', '/api/admin/subscribers', { email: 'x@example.com', newsletters: [] })).json.error.fields.newsletters, 'name at least one newsletter');
  const list = await call('editor', 'GET', '/api/admin/subscribers?newsletter=briefing&status=confirmed');
  assert.equal(list.status, 200);
  assert.equal(list.json.meta.pagination.total, 1);
  assert.equal(list.json.data[0].subscriptions.briefing, 'confirmed');
  const imported = await call('editor', 'POST', '/api/admin/subscribers/import', { csv: 'email,name\nsecond@example.com,Second\nbroken,Bad\n', newsletter: 'briefing', confirmed: true });
  assert.equal(imported.status, 200);
  assert.equal(imported.json.data.added, 1);
  assert.equal(imported.json.data.errors.length, 1);
  const exported = await fetch(`${t.url}/api/admin/subscribers/export?newsletter=briefing`, { headers: { authorization: `Bearer ${keys.editor}` } });
  assert.match(exported.headers.get('content-type')!, /text\/csv/);
  const csv = await exported.text();
  assert.match(csv, /reader@example\.com/i);
  assert.match(csv, /second@example\.com/);
  const unsub = await call('editor', 'POST', '/api/admin/subscribers/unsubscribe', { email: 'second@example.com', newsletter: 'briefing' });
  assert.deepEqual(unsub.json.data.unsubscribed, ['briefing']);
  assert.equal((await call('editor', 'POST', '/api/admin/subscribers/unsubscribe', { email: 'nobody@example.com' })).status, 404);
  assert.equal((await call('editor', 'DELETE', '/api/admin/subscribers/second@example.com')).status, 204);
  assert.equal((await call('editor', 'DELETE', '/api/admin/subscribers/second@example.com')).status, 404);
  assert.equal((await call('author', 'GET', '/api/admin/subscribers')).status, 403);

  const built = await call('editor', 'POST', '/api/admin/newsletters/briefing/editions');
  assert.equal(built.status, 201, JSON.stringify(built.json));
  const eid = built.json.data.id;
  assert.equal((await call('editor', 'POST', '/api/admin/newsletters/briefing/editions')).status, 409, 'one pending edition at a time');
  assert.equal((await call('editor', 'POST', '/api/admin/newsletters/nope/editions')).status, 404);
  const edited = await call('editor', 'PATCH', `/api/admin/editions/${eid}`, { intro: 'Good morning.', subject: 'Monday briefing' });
  assert.equal(edited.json.data.subject, 'Monday briefing');
  const order = built.json.data.items.map((i: any) => i.id).reverse();
  assert.ok(order.length >= 2, "the edition has stories to reorder");
  const items = await call('editor', 'PUT', `/api/admin/editions/${eid}/items`, { articleIds: order });
  assert.equal(items.status, 200, JSON.stringify(items.json));
  assert.deepEqual(items.json.data.map((i: any) => i.id), order);
  assert.equal((await call('editor', 'POST', `/api/admin/editions/${eid}/schedule`, { at: '2020-01-01T00:00:00Z' })).status, 400);
  const sched = await call('editor', 'POST', `/api/admin/editions/${eid}/schedule`, { at: '2026-03-03T06:00:00Z' });
  assert.equal(sched.json.data.status, 'scheduled');
  assert.ok((await call('editor', 'GET', '/api/admin/editions?newsletter=briefing&status=scheduled')).json.data.some((e: any) => e.id === eid));
  assert.equal((await call('editor', 'GET', `/api/admin/editions/${eid}`)).json.data.id, eid);
  assert.equal((await call('editor', 'GET', `/api/admin/editions/${eid}/status`)).status, 200);
  assert.equal((await call('editor', 'GET', '/api/admin/editions/999999')).status, 404);
  // A malformed id is the same not-found, not edition 1 read as 0x1 or 1e0.
  for (const bad of ['abc', '0x1', '1e0', '01', '99999999999']) assert.equal((await call('editor', 'GET', `/api/admin/editions/${bad}`)).status, 404, bad);
  assert.equal((await call('contributor', 'POST', `/api/admin/editions/${eid}/send`)).status, 403);
});
