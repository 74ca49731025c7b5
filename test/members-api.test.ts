// The Admin API's members, plans and paywall: list with search and filters, one member, complimentary
// access, CSV import with the command's report, plans, paywall settings, and who may call what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { getMember } from '../src/members/accounts.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
const editor = (await createApiKey(db, { name: 'ed', kind: 'admin', role: 'editor' })).secret;
const admin = (await createApiKey(db, { name: 'ad', kind: 'admin', role: 'administrator' })).secret;
const contributor = (await createApiKey(db, { name: 'co', kind: 'admin', role: 'contributor' })).secret;

async function call(key: string, method: string, path: string, body?: unknown) {
  const r = await t.get(path, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, json: await r.json() };
}

test('import through the API, then list, filter, read and change members', { timeout: 20_000 }, async () => {
  const csv = 'email,name,plan,status,expires_at\nann@example.org,Ann,Print,active,2027-01-31\nbob@example.org,Bob,Print,expired,2026-01-31\nbad-row,,Print,active,\n';
  const imp = await call(editor, 'POST', '/api/admin/members/import', { csv });
  assert.equal(imp.status, 200);
  assert.equal(imp.json.data.created, 2);
  assert.deepEqual(imp.json.data.errors.map((e: any) => e.line), [4]);
  await db.query(`INSERT INTO people (email, email_normalized, name, account_at) VALUES ('cat@example.org', 'cat@example.org', 'Cat', now())`);
  await db.query(`INSERT INTO people (email, email_normalized, name) VALUES ('newsletter-only@example.org', 'newsletter-only@example.org', 'N')`);
  const all = await call(editor, 'GET', '/api/admin/members');
  assert.equal(all.status, 200);
  assert.deepEqual(all.json.data.map((m: any) => m.email).sort(), ['ann@example.org', 'bob@example.org', 'cat@example.org'], 'newsletter-only people are not members');
  const ann = all.json.data.find((m: any) => m.email === 'ann@example.org');
  assert.deepEqual([ann.plan, ann.status, ann.source, ann.name], ['print', 'active', 'import', 'Ann']);
  assert.ok(ann.expires_at);
  assert.equal(all.json.meta.pagination.total, 3);
  assert.deepEqual((await call(editor, 'GET', '/api/admin/members?status=expired')).json.data.map((m: any) => m.email), ['bob@example.org']);
  assert.deepEqual((await call(editor, 'GET', '/api/admin/members?status=free')).json.data.map((m: any) => m.email), ['cat@example.org']);
  assert.deepEqual((await call(editor, 'GET', '/api/admin/members?q=ANN')).json.data.map((m: any) => m.email), ['ann@example.org']);
  assert.equal((await call(editor, 'GET', '/api/admin/members?plan=print')).json.data.length, 2);
  assert.equal((await call(editor, 'GET', '/api/admin/members?status=paused')).status, 400);

  const cat = all.json.data.find((m: any) => m.email === 'cat@example.org');
  assert.equal((await getMember(db, cat.id, new Date(NOW), 7))!.paid, false);
  const patched = await call(editor, 'PATCH', `/api/admin/members/${cat.id}`, { note: 'press pass', complimentary_until: '2027-01-01T00:00:00Z' });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.data.note, 'press pass');
  assert.equal(patched.json.data.subscriptions[0].source, 'comp');
  assert.equal((await getMember(db, cat.id, new Date(NOW), 7))!.paid, true);
  assert.equal((await call(editor, 'PATCH', `/api/admin/members/${cat.id}`, { complimentary_until: '2020-01-01' })).status, 400);
  await call(editor, 'PATCH', `/api/admin/members/${cat.id}`, { complimentary_until: null });
  assert.equal((await getMember(db, cat.id, new Date(NOW), 7))!.paid, false);
  assert.equal((await call(editor, 'GET', '/api/admin/members/999999')).status, 404);
  // A malformed id names no member: the same 404 (not a hexadecimal or exponent reading of it).
  for (const bad of ['abc', '0x1', '1e0', '01', `${cat.id}.0`]) {
    const r = await call(editor, 'GET', `/api/admin/members/${bad}`);
    assert.equal(r.status, 404, bad);
    assert.equal(r.json.error.message, 'No such member', bad);
  }
});

test('plans and the paywall: editors read, administrators change; contributors see nothing', { timeout: 20_000 }, async () => {
  assert.equal((await call(contributor, 'GET', '/api/admin/members')).status, 403);
  assert.equal((await call(editor, 'POST', '/api/admin/plans', { name: 'Digital' })).status, 403);
  const created = await call(admin, 'POST', '/api/admin/plans', { name: 'Digital', currency: 'eur', monthly_amount: 900, yearly_amount: 9000, stripe_price_monthly: 'price_123', features: ['Every article'] });
  assert.equal(created.status, 201);
  assert.equal(created.json.data.slug, 'digital');
  assert.ok((await call(editor, 'GET', '/api/admin/plans')).json.data.some((p: any) => p.slug === 'digital'));
  const pw = await call(editor, 'GET', '/api/admin/paywall');
  assert.deepEqual([pw.json.data.anonymous_limit, pw.json.data.member_limit, pw.json.data.period, pw.json.data.meter_enabled, pw.json.data.grace_days], [3, 10, 'month', true, 7]);
  assert.equal((await call(editor, 'PUT', '/api/admin/paywall', { anonymous_limit: 5 })).status, 403);
  const put = await call(admin, 'PUT', '/api/admin/paywall', { anonymous_limit: 5, period: 'week', exempt_formats: ['speed-read'] });
  assert.equal(put.status, 200);
  assert.equal(put.json.data.anonymous_limit, 5);
  assert.equal(put.json.data.member_limit, 10);
  assert.equal((await call(admin, 'PUT', '/api/admin/paywall', { anonymous_limit: -1 })).status, 400);
  assert.equal((await call(admin, 'PUT', '/api/admin/paywall', { unknown: 1 })).status, 400);
});
