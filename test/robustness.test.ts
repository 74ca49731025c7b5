// Malformed input found by probing the running server: each must get a 4xx, never a 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';

const t = await startTestApp();
t.server.setInternalToken('x'.repeat(43));

test('tokens with multi-byte characters are refused, not crashed on', async () => {
  const token = 'a'.repeat(42) + 'é';
  const internal = await t.get('/_internal/cli', { method: 'POST', headers: { 'content-type': 'application/json', 'x-newsdesk-internal': token }, body: '{"argv":[],"cwd":"/"}' });
  assert.equal(internal.status, 404);
  // A signed-in staff member sending a CSRF token with a multi-byte character.
  const { c } = await signedIn(t, 'ed@example.com', 'editor');
  const out = await c.request('/admin/signout', { method: 'POST', headers: { origin: t.deps.config.siteUrl, 'x-csrf-token': token } });
  assert.ok(out.status >= 400 && out.status < 500, `status ${out.status}`);
});

test('numbers too large for the database are a 4xx', async () => {
  const { c } = await signedIn(t, 'chief@example.com', 'administrator');
  for (const path of ['/newsletters/daily/99999999999', '/admin/articles/9999999999', '/admin/newsletters/99999999999', '/api/admin/articles/9999999999']) {
    const r = await c.request(path);
    assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
  }
  // An id over its column's range, or over what a number holds exactly, names nothing: the screen's 404
  // (src/platform/errors.ts pathId), never a database error.
  for (const path of ['/admin/outlets/3000000000/delete', '/admin/articles/3000000000', '/admin/wire/items/99999999999999999', '/admin/stories/99999999999999999', '/admin/members/99999999999999999']) {
    const r = await c.request(path);
    assert.equal(r.status, 404, path);
  }
});
