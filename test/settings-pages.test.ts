// Settings in pages (issue 14, item 11) with Edit and Delete per row, the Authors screen and one's own
// profile (item 7): name, bio and photo, on the byline and the author page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn } from './helpers/newsroom.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { getStaff } from '../src/staff/staff.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
const admin = await signedIn(t, 'admin@example.com', 'administrator', 'Ada Min');
const editor = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');
const PNG = fs.readFileSync(new URL('../src/web/assets/logo.png', import.meta.url));

async function upload(c: typeof admin.c, path: string, field: string): Promise<Response> {
  const fd = new FormData();
  fd.append('_csrf', c.csrf);
  fd.append(field, new Blob([PNG], { type: 'image/png' }), 'photo.png');
  return c.request(path, { method: 'POST', body: fd } as any);
}

test('the settings index lists only the parts a role may change; each part is its own page', { timeout: 60_000 }, async () => {
  const a = await admin.c.page('/admin/settings');
  for (const p of ['publication', 'formats', 'sections', 'newsletters', 'mail', 'staff', 'api-keys']) assert.match(a, new RegExp(`href="/admin/settings/${p}"`), p);
  assert.match(a, /href="\/admin\/authors"/);
  const e = await editor.c.page('/admin/settings');
  assert.doesNotMatch(e, /href="\/admin\/settings\/(publication|mail|staff|api-keys)"/);
  assert.match(e, /href="\/admin\/settings\/formats"/);
  assert.equal((await editor.c.request('/admin/settings/staff')).status, 403);
  assert.equal((await editor.c.request('/admin/settings/mail')).status, 403);
  const mail = await admin.c.page('/admin/settings/mail');
  assert.match(mail, /Not set up \(<code>SMTP_URL<\/code> is empty\)/);
  const pub = await admin.c.page('/admin/settings/publication');
  assert.match(pub, /<a href="\/admin\/settings\/publication" aria-current="page">Publication<\/a>/);
  assert.doesNotMatch(pub, /id="staff"/, 'one part per page');
});

test('formats: Edit fills the form and keeps the address; Delete says what it does first', { timeout: 60_000 }, async () => {
  const c = admin.c;
  const page = await c.page('/admin/settings/formats');
  assert.match(page, /href="\/admin\/settings\/formats\?edit=speed-read#formats-form"/);
  assert.match(page, /href="\/admin\/settings\/formats\/speed-read\/delete"/);
  const edit = await c.page('/admin/settings/formats?edit=speed-read');
  assert.match(edit, /Edit the format “Speed Read”/);
  assert.match(edit, /id="formats-slug" name="slug"[^>]*value="speed-read" readonly/);
  const saved = await c.post('/admin/settings/formats', { slug: 'speed-read', name: 'Speed Read Daily', description: 'Quick.', position: '0' });
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.get('location'), '/admin/settings/formats?notice=settings');
  assert.equal((await db.one<{ name: string }>(`SELECT name FROM formats WHERE slug = 'speed-read'`))!.name, 'Speed Read Daily');
  // A mistake comes back on the formats page with what was typed.
  const bad = await c.post('/admin/settings/formats', { slug: 'Bad Slug', name: 'Kept' });
  assert.equal(bad.status, 400);
  const badText = await bad.text();
  assert.match(badText, /<h1>Formats<\/h1>/);
  assert.match(badText, /value="Kept"/);
  // Delete: the question names the articles that use it, then the format goes and they stay.
  const used = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles a JOIN formats f ON f.id = a.format_id WHERE f.slug = 'recommends'`))!.n;
  assert.ok(used > 0);
  const ask = await c.page('/admin/settings/formats/recommends/delete');
  assert.match(ask, new RegExp(`${used} article${used === 1 ? ' uses' : 's use'} it`));
  const articles = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles`))!.n;
  const del = await c.post('/admin/settings/formats/recommends/delete', {});
  assert.equal(del.status, 303);
  assert.equal(await db.one(`SELECT 1 FROM formats WHERE slug = 'recommends'`), undefined);
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles`))!.n, articles, 'no article was lost');
  assert.equal((await c.request('/admin/settings/formats/no-such/delete')).status, 404);
});

test('newsletters: one with subscribers cannot be deleted (pause it instead); an unused one can', { timeout: 60_000 }, async () => {
  const c = admin.c;
  const daily = (await db.one<{ id: number }>(`SELECT id FROM newsletters WHERE slug = 'daily'`))!;
  const p = await db.one<{ id: number }>(`INSERT INTO people (email, email_normalized) VALUES ('r@example.com', 'r@example.com') RETURNING id`);
  await db.query(`INSERT INTO subscriptions (person_id, newsletter_id, status) VALUES ($1, $2, 'confirmed')`, [p!.id, daily.id]);
  const ask = await c.page('/admin/settings/newsletters/daily/delete');
  assert.match(ask, /Pause it instead/);
  assert.doesNotMatch(ask, /action="\/admin\/settings\/newsletters\/daily\/delete"/);
  const refused = await c.post('/admin/settings/newsletters/daily/delete', {});
  assert.equal(refused.status, 409);
  assert.ok(await db.one(`SELECT 1 FROM newsletters WHERE slug = 'daily'`));
  const edit = await c.page('/admin/settings/newsletters?edit=daily');
  assert.match(edit, /id="nl-slug" name="slug"[^>]*value="daily" readonly/);
  assert.equal((await c.post('/admin/settings/newsletters', { slug: 'unused', name: 'Unused', time: '08:00', days: '1', active: 'on' })).status, 303);
  assert.match(await c.page('/admin/settings/newsletters/unused/delete'), /action="\/admin\/settings\/newsletters\/unused\/delete"/);
  assert.equal((await c.post('/admin/settings/newsletters/unused/delete', {})).status, 303);
  assert.equal(await db.one(`SELECT 1 FROM newsletters WHERE slug = 'unused'`), undefined);
});

test('authors: list with Edit and Delete; an author who signs articles is kept; edits reach the public author page', { timeout: 60_000 }, async () => {
  const c = editor.c;
  const list = await c.page('/admin/authors');
  assert.match(list, /href="\/admin\/authors\/ada-quill"/);
  assert.match(list, /href="\/admin\/authors\/ada-quill\/delete"/);
  assert.equal((await c.post('/admin/authors/ada-quill', { name: 'Ada Quill', bio: 'Covers transport & cities.' })).status, 303);
  assert.equal((await upload(c, '/admin/authors/ada-quill/photo', 'photo')).status, 303);
  const row = (await db.one<{ bio: string; photo_url: string }>(`SELECT bio, photo_url FROM authors WHERE slug = 'ada-quill'`))!;
  assert.equal(row.bio, 'Covers transport & cities.');
  assert.match(row.photo_url, /^\/uploads\//);
  assert.equal((await t.get(row.photo_url)).status, 200);
  const pubPage = await (await t.get('/author/ada-quill')).text();
  assert.match(pubPage, /Covers transport &amp; cities\./);
  // Ada signs articles: refused, with the reason.
  assert.match(await c.page('/admin/authors/ada-quill/delete'), /change their bylines first/);
  assert.equal((await c.post('/admin/authors/ada-quill/delete', {})).status, 409);
  // A new author with no articles can be added and deleted.
  const made = await c.post('/admin/authors', { slug: 'guest-writer', name: 'Guest Writer', bio: '' });
  assert.equal(made.status, 303);
  const dup = await c.post('/admin/authors', { slug: 'guest-writer', name: 'Again', bio: '' });
  assert.equal(dup.status, 409);
  assert.match(await dup.text(), /value="Again"/);
  assert.equal((await c.post('/admin/authors/guest-writer/delete', {})).status, 303);
  assert.equal(await db.one(`SELECT 1 FROM authors WHERE slug = 'guest-writer'`), undefined);
});

test('profile: staff set their name, bio and photo; the byline and the author page show them', { timeout: 60_000 }, async () => {
  const me = await signedIn(t, 'newcomer@example.com', 'author', 'you');
  const page = await me.c.page('/admin/account');
  assert.match(page, /id="profile-title">Your profile/);
  const saved = await me.c.post('/admin/account/profile', { name: 'Nina Newcomer', bio: 'Writes about science.' });
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.get('location'), '/admin/account?notice=profile');
  const st = (await getStaff(db, me.staff.id))!;
  assert.equal(st.name, 'Nina Newcomer');
  const au = (await db.one<{ name: string; bio: string; slug: string }>(`SELECT name, bio, slug FROM authors WHERE id = $1`, [st.author_id]))!;
  assert.deepEqual([au.name, au.bio], ['Nina Newcomer', 'Writes about science.']);
  assert.equal((await upload(me.c, '/admin/account/photo', 'photo')).status, 303);
  assert.match((await db.one<{ photo_url: string }>(`SELECT photo_url FROM authors WHERE id = $1`, [st.author_id]))!.photo_url, /^\/uploads\//);
  assert.match(await (await t.get(`/author/${au.slug}`)).text(), /Writes about science\./);
  const blank = await me.c.post('/admin/account/profile', { name: '  ', bio: 'x' });
  assert.equal(blank.status, 400);
  assert.match(await blank.text(), /Give your name/);
  assert.equal((await me.c.post('/admin/account/photo/remove', {})).status, 303);
  assert.equal((await db.one<{ photo_url: string | null }>(`SELECT photo_url FROM authors WHERE id = $1`, [st.author_id]))!.photo_url, null);
  // A forged photo upload (no CSRF field) is refused.
  const fd = new FormData();
  fd.append('photo', new Blob([PNG], { type: 'image/png' }), 'p.png');
  assert.equal((await me.c.request('/admin/account/photo', { method: 'POST', body: fd } as any)).status, 403);
});
