// One permission table (src/staff/roles.ts) decides for the newsroom and the Admin API alike. Every
// route of both tables is called by every role, and the answer must be 403 exactly when the table
// says the role lacks the route's permission. Then every role meets its own and someone else's
// article in each status, through both surfaces, for each article action: 403 exactly when
// mayOnArticle says no, and lists show exactly the articles the role may read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn, type Client } from './helpers/newsroom.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { createStaff } from '../src/staff/staff.ts';
import { apiTable } from '../src/api/routes.ts';
import { ResponseCache } from '../src/api/response-cache.ts';
import { adminRoutes } from '../src/admin/routes.ts';
import { adminHelpers } from '../src/admin/newsroom.ts';
import { ARTICLE_ACTIONS, PERMISSIONS as ROLE_PERMISSIONS, ROLES, can, mayOnArticle, type ArticleAction, type ArticleStatus, type Permission, type Role } from '../src/staff/roles.ts';
import { createArticle } from '../src/articles/write.ts';
import { PageCache } from '../src/web/page-cache.ts';

const NOW = '2026-03-02T09:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
const PERMISSIONS = ROLE_PERMISSIONS as ReadonlySet<string>;

const keys = {} as Record<Role, { id: number; secret: string }>;
const staff = {} as Record<Role, { c: Client; id: number }>;
for (const role of ROLES) {
  const k = await createApiKey(db, { name: `${role} key`, kind: 'admin', role });
  keys[role] = { id: k.key.id, secret: k.secret };
  const s = await signedIn(t, `${role}@perm.example`, role);
  staff[role] = { c: s.c, id: s.staff.id };
}

/** A URL of the table with its parameters filled by values that name nothing. */
function concrete(url: string): string {
  return url
    .replace(':email', 'nobody%40example.org')
    .replace(':provider', 'ses')
    .replace(':file', '2026-01-01T00-00-00-000Z-000000000000.eml')
    .replace(/:(id|rev)\b/g, '999999')
    .replace(/:slug\b/g, 'no-such-thing');
}

const api = (role: Role, method: string, path: string, body?: unknown) =>
  fetch(t.url + path, {
    method,
    headers: { authorization: `Bearer ${keys[role].secret}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test('every Admin API route: 403 exactly when the role lacks the permission the table names', { timeout: 120_000 }, async () => {
  const routes = apiTable(t.deps, new ResponseCache(0)).filter((r) => r.area === 'admin');
  assert.ok(routes.length > 50, 'the whole table');
  let calls = 0;
  for (const r of routes) {
    const permission = r.access.startsWith('admin key: ') ? (r.access.slice('admin key: '.length) as Permission) : null;
    if (permission) assert.ok(PERMISSIONS.has(permission), `${r.url}: ${permission} is a permission of roles.ts`);
    for (const role of ROLES) {
      const res = await api(role, r.method, concrete(r.url), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      await res.arrayBuffer();
      calls++;
      assert.ok(res.status < 500, `${role} ${r.method} ${r.url}: ${res.status}`);
      const denied = permission ? !can(role, permission) : false;
      assert.equal(res.status === 403, denied, `${role} ${r.method} ${r.url} answered ${res.status}; the table says ${denied ? 'no' : 'yes'}`);
    }
  }
  assert.equal(calls, routes.length * ROLES.length);
});

test('every newsroom route: 403 exactly when the role lacks the permission the table names', { timeout: 120_000 }, async () => {
  const web = { ...t.deps, cache: new PageCache(0, {}) };
  const routes = adminRoutes(web, adminHelpers(web)).filter((r) => PERMISSIONS.has(r.access));
  assert.ok(routes.length > 40, 'the whole table');
  for (const r of routes) {
    for (const role of ROLES) {
      const { c } = staff[role];
      const path = concrete(r.url);
      const res = r.method === 'GET' ? await c.request(path) : await c.post(path, {});
      await res.arrayBuffer();
      assert.ok(res.status < 500, `${role} ${r.method} ${r.url}: ${res.status}`);
      const denied = !can(role, r.access as Permission);
      assert.equal(res.status === 403, denied, `${role} ${r.method} ${r.url} answered ${res.status}; the table says ${denied ? 'no' : 'yes'}`);
    }
  }
});

// ---- articles: each role × own / someone else's × status × action, on both surfaces

const STATUSES: ArticleStatus[] = ['draft', 'scheduled', 'published'];
interface Fixture { id: number; owner: Role | null; status: ArticleStatus; headline: string }
const articles: Fixture[] = [];
const stranger = await createStaff(db, { email: 'stranger@perm.example', role: 'author', name: '' });
let n = 0;
for (const owner of [...ROLES, null] as Array<Role | null>) {
  for (const status of STATUSES) {
    const headline = `Perm ${owner ?? 'other'} ${status} ${++n}`;
    const a = await createArticle(db, { headline, body: `Secret body ${n}.`, status, publishedAt: status === 'scheduled' ? '2026-04-01T09:00:00Z' : status === 'published' ? '2026-03-01T09:00:00Z' : undefined }, { now: new Date(NOW) });
    // Own on both surfaces: created by the staff member, and through their key.
    await db.query(`UPDATE articles SET created_by = $2, api_key_id = $3 WHERE id = $1`, [a.id, owner ? staff[owner].id : stranger.id, owner ? keys[owner].id : null]);
    articles.push({ id: a.id, owner, status, headline });
  }
}
const may = (role: Role, action: ArticleAction, a: Fixture) => mayOnArticle(role, action, { own: a.owner === role, status: a.status });

test('the rule itself: contributors and authors read only their own and published articles; editors everything', () => {
  const draftOfOther = { own: false, status: 'draft' as const };
  for (const role of ['contributor', 'author'] as Role[]) {
    assert.equal(mayOnArticle(role, 'view', draftOfOther), false);
    assert.equal(mayOnArticle(role, 'revisions', { own: false, status: 'published' }), false);
    assert.equal(mayOnArticle(role, 'view', { own: false, status: 'published' }), true);
    assert.equal(mayOnArticle(role, 'view', { own: true, status: 'scheduled' }), true);
  }
  assert.equal(mayOnArticle('contributor', 'edit', { own: true, status: 'published' }), false);
  assert.equal(mayOnArticle('author', 'edit', { own: true, status: 'published' }), true);
  for (const action of ARTICLE_ACTIONS) assert.equal(mayOnArticle('editor', action, draftOfOther), true);
});

test('Admin API: reading, revisions, editing and publishing each article as the table says', { timeout: 120_000 }, async () => {
  for (const role of ROLES) {
    for (const a of articles) {
      const view = await api(role, 'GET', `/api/admin/articles/${a.id}`);
      const body = await view.text();
      assert.equal(view.status === 403, !may(role, 'view', a), `${role} GET ${a.headline}: ${view.status}`);
      if (view.status === 403) assert.doesNotMatch(body, /Secret body/);
      const revs = await api(role, 'GET', `/api/admin/articles/${a.id}/revisions`);
      await revs.arrayBuffer();
      assert.equal(revs.status === 403, !may(role, 'revisions', a), `${role} revisions of ${a.headline}: ${revs.status}`);
      const edit = await api(role, 'PATCH', `/api/admin/articles/${a.id}`, { dek: `checked by ${role}` });
      await edit.arrayBuffer();
      assert.equal(edit.status === 403, !may(role, 'edit', a), `${role} PATCH ${a.headline}: ${edit.status}`);
      // A schedule in the past: refused (400) after the permission check (403), so nothing changes.
      const pub = await api(role, 'POST', `/api/admin/articles/${a.id}/schedule`, { publishedAt: '2020-01-01T00:00:00Z' });
      await pub.arrayBuffer();
      assert.equal(pub.status === 403, !may(role, 'publish', a), `${role} schedule ${a.headline}: ${pub.status}`);
    }
    const list = await (await api(role, 'GET', '/api/admin/articles?limit=100&search=perm')).json();
    const seen = new Set(list.data.map((x: any) => x.id));
    for (const a of articles) assert.equal(seen.has(a.id), may(role, 'view', a), `${role} list: ${a.headline}`);
  }
  const unchanged = await db.query<{ status: string }>(`SELECT status FROM articles WHERE id = ANY($1) ORDER BY id`, [articles.map((a) => a.id)]);
  assert.deepEqual(unchanged.map((r) => r.status), articles.map((a) => a.status));
});

test('Newsroom: preview, editor, revisions and the list for each article as the table says', { timeout: 120_000 }, async () => {
  for (const role of ROLES) {
    const { c } = staff[role];
    for (const a of articles) {
      const view = await c.request(`/admin/articles/${a.id}/preview`);
      await view.arrayBuffer();
      assert.equal(view.status === 403, !may(role, 'view', a), `${role} preview ${a.headline}: ${view.status}`);
      const edit = await c.request(`/admin/articles/${a.id}`);
      await edit.arrayBuffer();
      assert.equal(edit.status === 403, !may(role, 'edit', a), `${role} editor ${a.headline}: ${edit.status}`);
      const revs = await c.request(`/admin/articles/${a.id}/revisions`);
      await revs.arrayBuffer();
      assert.equal(revs.status === 403, !may(role, 'revisions', a), `${role} revisions ${a.headline}: ${revs.status}`);
    }
    const list = await c.page('/admin/articles?q=perm');
    for (const a of articles) assert.equal(list.includes(a.headline), may(role, 'view', a), `${role} list: ${a.headline}`);
  }
});

test('a contributor cannot take over another article\'s old address by renaming a draft (issue 9)', { timeout: 30_000 }, async () => {
  const { updateArticle } = await import('../src/articles/write.ts');
  const a = await createArticle(db, { headline: 'Bridge reopens', slug: 'bridge-reopens', body: 'x', status: 'published', publishedAt: '2026-03-01T09:00:00Z' }, { now: new Date(NOW) });
  await updateArticle(db, a.id, { slug: 'bridge-reopens-after-repairs' }, { now: new Date(NOW) });
  const redirect = async () => (await db.one<{ article_id: number }>(`SELECT article_id FROM article_redirects WHERE from_path = '/bridge-reopens'`))?.article_id;
  assert.equal(await redirect(), a.id);
  const draft = await (await api('contributor', 'POST', '/api/admin/articles', { headline: 'My draft', body: 'Notes.' })).json();
  const take = await api('contributor', 'PATCH', `/api/admin/articles/${draft.data.id}`, { slug: 'bridge-reopens' });
  assert.equal(take.status, 409);
  assert.match((await take.json()).error.message, /old address of “Bridge reopens”/);
  assert.equal(await redirect(), a.id, 'the redirect is still there');
  const old = await fetch(t.url + '/bridge-reopens', { redirect: 'manual' });
  assert.equal(old.status, 301);
  assert.equal(old.headers.get('location'), '/bridge-reopens-after-repairs');
  // Nor by creating an article with it; a headline that would make the slug gets another one.
  assert.equal((await api('contributor', 'POST', '/api/admin/articles', { headline: 'x', slug: 'bridge-reopens' })).status, 409);
  const auto = await (await api('contributor', 'POST', '/api/admin/articles', { headline: 'Bridge reopens' })).json();
  assert.equal(auto.data.slug, 'bridge-reopens-2');
  // The article itself may take its old address back.
  await updateArticle(db, a.id, { slug: 'bridge-reopens' }, { now: new Date(NOW) });
  assert.equal((await db.one<{ slug: string }>(`SELECT slug FROM articles WHERE id = $1`, [a.id]))!.slug, 'bridge-reopens');
});
