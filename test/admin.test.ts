// The editors' UI over real HTTP: role permissions on the server for every role, the article list,
// the editor (save, publish, schedule in the publication's time zone, mistakes that lose nothing),
// autosave, previews, revisions with diff and restore, image uploads, settings and staff management.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { signedIn, type Client } from './helpers/newsroom.ts';
import { getArticleById, getArticleBySlug } from '../src/articles/queries.ts';
import { getPublication } from '../src/publication/settings.ts';
import { findStaffByEmail } from '../src/staff/staff.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { TIME_ZONE: 'Europe/London' } });
const db = t.deps.db;
const fx = await seedFixtures(db, new Date(NOW));
const admin = await signedIn(t, 'admin@example.com', 'administrator', 'Ada Min');
const editor = await signedIn(t, 'editor@example.com', 'editor', 'Eddie Tor');
const author = await signedIn(t, 'author@example.com', 'author', 'Arthur Thor');
const contributor = await signedIn(t, 'contrib@example.com', 'contributor', 'Connie Tribb');
const PNG = fs.readFileSync(new URL('../src/web/assets/logo.png', import.meta.url));

const articleForm = (over: Record<string, string | string[]> = {}) => ({
  headline: 'A test headline',
  dek: 'A dek.',
  body: 'Some **body** text.',
  format: 'speed-read',
  section: 'politics',
  tags: 'Transport, Buses',
  action: 'save',
  ...over,
});

/** Create an article as `c` through the editor; returns its id. */
async function create(c: Client, over: Record<string, string | string[]> = {}): Promise<number> {
  await c.page('/admin/articles/new');
  const res = await c.post('/admin/articles', articleForm(over));
  assert.equal(res.status, 303, await res.text());
  return Number(/\/admin\/articles\/(\d+)/.exec(res.headers.get('location')!)![1]);
}

async function status(c: Client, path: string, form: Record<string, string | string[]>): Promise<number> {
  return (await c.post(path, form)).status;
}

test('contributors write drafts but cannot publish, schedule, or touch others’ articles', async () => {
  const c = contributor.c;
  const id = await create(c, { headline: 'Contributor draft' });
  const a = (await getArticleById(db, id))!;
  assert.equal(a.status, 'draft');
  assert.deepEqual(a.authors.map((x) => x.name), ['Connie Tribb'], 'the byline defaults to the writer');
  assert.equal((await db.one(`SELECT created_by FROM articles WHERE id = $1`, [id]))!.created_by, contributor.staff.id);
  // Own draft: editable.
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm({ headline: 'Contributor draft, revised' })), 303);
  // Publishing is refused, and nothing changes.
  const pub = await c.post(`/admin/articles/${id}`, articleForm({ action: 'publish' }));
  assert.equal(pub.status, 403);
  assert.match(await pub.text(), /Contributors write drafts/);
  assert.equal((await getArticleById(db, id))!.status, 'draft');
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm({ action: 'schedule', publish_at: '2026-12-01T09:00' })), 403);
  assert.equal(await status(c, '/admin/articles', articleForm({ action: 'publish' })), 403);
  // Someone else's article.
  assert.equal((await c.request(`/admin/articles/${fx.a1.id}`)).status, 403);
  assert.equal(await status(c, `/admin/articles/${fx.a1.id}`, articleForm()), 403);
  assert.equal((await c.json(`/admin/articles/${fx.a1.id}/autosave`, { headline: 'x' })).status, 403);
  // Settings and staff.
  assert.equal((await c.request('/admin/settings')).status, 403);
  assert.equal(await status(c, '/admin/settings/publication', { name: 'Hijacked', time_zone: 'UTC' }), 403);
  assert.equal(await status(c, '/admin/staff', { email: 'x@example.com', role: 'administrator' }), 403);
  assert.equal((await c.request('/admin/newsletters')).status, 403);
  // Once an editor publishes it, the contributor can no longer change it.
  assert.equal(await status(editor.c, `/admin/articles/${id}`, articleForm({ action: 'publish' })), 303);
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm()), 403);
});

test('authors publish their own articles but cannot edit others’ or change settings', async () => {
  const c = author.c;
  const id = await create(c, { headline: 'Author story', action: 'publish' });
  const a = (await getArticleById(db, id))!;
  assert.equal(a.status, 'published');
  assert.equal(a.published_at!.toISOString(), new Date(NOW).toISOString());
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm({ headline: 'Author story', action: 'unpublish' })), 303);
  assert.equal((await getArticleById(db, id))!.status, 'draft');
  assert.equal((await c.request(`/admin/articles/${fx.a1.id}`)).status, 403);
  assert.equal(await status(c, `/admin/articles/${fx.a1.id}`, articleForm({ action: 'unpublish' })), 403);
  assert.equal((await getArticleById(db, fx.a1.id))!.status, 'published');
  assert.equal(await status(c, `/admin/articles/${fx.draft.id}/revisions/1/restore`, {}), 403);
  assert.equal(await status(c, '/admin/settings/formats', { slug: 'opinion', name: 'Opinion' }), 403);
  assert.equal(await status(c, '/admin/settings/publication', { name: 'Hijacked', time_zone: 'UTC' }), 403);
  assert.equal(await status(c, '/admin/staff', { email: 'y@example.com', role: 'editor' }), 403);
});

test('editors manage every article, taxonomy and newsletters, but not settings, staff or API keys', async () => {
  const c = editor.c;
  assert.equal(await status(c, `/admin/articles/${fx.a1.id}`, { ...articleForm({ headline: 'Council approves the riverside tram line', action: 'save' }), authors: ['ada-quill'] }), 303);
  assert.equal(await status(c, `/admin/articles/${fx.draft.id}`, articleForm({ headline: 'Secret draft', action: 'publish' })), 303);
  assert.equal((await getArticleById(db, fx.draft.id))!.status, 'published');
  assert.equal(await status(c, `/admin/articles/${fx.draft.id}`, articleForm({ headline: 'Secret draft', action: 'unpublish' })), 303);
  assert.equal(await status(c, '/admin/settings/sections', { slug: 'culture', name: 'Culture', description: 'Arts.', position: '3' }), 303);
  assert.ok(await db.one(`SELECT 1 FROM sections WHERE slug = 'culture'`));
  const page = await c.page('/admin/settings');
  assert.doesNotMatch(page, /id="publication"/, 'editors do not see publication settings');
  assert.doesNotMatch(page, /id="staff"/);
  assert.equal(await status(c, '/admin/settings/publication', { name: 'Hijacked', time_zone: 'UTC' }), 403);
  assert.equal(await status(c, '/admin/staff', { email: 'z@example.com', role: 'administrator' }), 403);
  assert.equal(await status(c, `/admin/staff/${author.staff.id}/role`, { role: 'administrator' }), 403);
  assert.equal(await status(c, '/admin/api-keys', { name: 'k', kind: 'content' }), 403);
  assert.equal((await getPublication(db, t.deps.config)).name, 'The Ledger');
  await c.page('/admin/newsletters');
});

test('administrators change settings and manage staff; mistakes come back with what was typed', async () => {
  const c = admin.c;
  await c.page('/admin/settings');
  assert.equal(await status(c, '/admin/settings/publication', { name: 'The Daily Ledger', description: 'News.', time_zone: 'America/New_York' }), 303);
  const pub = await getPublication(db, t.deps.config);
  assert.equal(pub.name, 'The Daily Ledger');
  assert.equal(pub.timeZone, 'America/New_York');
  const bad = await c.post('/admin/settings/publication', { name: 'Another name', time_zone: 'Mars/Olympus' });
  assert.equal(bad.status, 400);
  const badText = await bad.text();
  assert.match(badText, /Choose a time zone from the list/);
  assert.match(badText, /value="Another name"/);
  assert.equal(await status(c, '/admin/settings/publication', { name: 'The Ledger', description: 'News.', time_zone: 'Europe/London' }), 303);
  // Invite, change role, disable.
  assert.equal(await status(c, '/admin/staff', { email: 'new@example.com', name: 'New Person', role: 'author' }), 303);
  const invited = (await findStaffByEmail(db, 'new@example.com'))!;
  assert.equal(invited.role, 'author');
  const dup = await c.post('/admin/staff', { email: 'NEW@example.com', name: 'Again', role: 'editor' });
  assert.equal(dup.status, 409);
  assert.match(await dup.text(), /already a staff account/);
  const badEmail = await c.post('/admin/staff', { email: 'not-an-address', name: 'Kept Name', role: 'editor' });
  assert.equal(badEmail.status, 400);
  assert.match(await badEmail.text(), /value="Kept Name"/);
  assert.equal(await status(c, `/admin/staff/${invited.id}/role`, { role: 'editor' }), 303);
  assert.equal((await findStaffByEmail(db, 'new@example.com'))!.role, 'editor');
  assert.equal(await status(c, `/admin/staff/${invited.id}/disable`, {}), 303);
  assert.ok((await findStaffByEmail(db, 'new@example.com'))!.disabled_at);
  // The last administrator cannot demote themselves.
  const self = await c.post(`/admin/staff/${admin.staff.id}/role`, { role: 'editor' });
  assert.equal(self.status, 403);
  assert.equal((await findStaffByEmail(db, 'admin@example.com'))!.role, 'administrator');
  // Formats.
  assert.equal(await status(c, '/admin/settings/formats', { slug: 'briefing', name: 'Briefing', position: '4' }), 303);
  const badFormat = await c.post('/admin/settings/formats', { slug: 'Bad Slug', name: 'Bad' });
  assert.equal(badFormat.status, 400);
  // API keys: the secret is shown once.
  const key = await c.post('/admin/api-keys', { name: 'Front end', kind: 'content', role: '' });
  assert.equal(key.status, 200);
  assert.match(await key.text(), /shown now and never again/);
});

test('the article list filters by status, format, section and author, searches, and pages', async () => {
  const c = editor.c;
  const all = await c.page('/admin/articles');
  assert.match(all, /Council approves the riverside tram line/);
  assert.match(all, /Secret draft/);
  const drafts = await c.page('/admin/articles?status=draft');
  assert.match(drafts, /Secret draft/);
  assert.doesNotMatch(drafts, /A comet will be visible/);
  const science = await c.page('/admin/articles?section=science');
  assert.match(science, /A comet will be visible/);
  assert.doesNotMatch(science, /riverside tram/);
  const recommends = await c.page('/admin/articles?format=recommends');
  assert.match(recommends, /Five podcasts/);
  assert.doesNotMatch(recommends, /A comet/);
  const ben = await c.page('/admin/articles?author=ben-marsh');
  assert.match(ben, /A comet/);
  assert.doesNotMatch(ben, /riverside tram/);
  const search = await c.page('/admin/articles?q=comet');
  assert.match(search, /A comet will be visible/);
  assert.doesNotMatch(search, /Five podcasts/);
  assert.equal((await c.request('/admin/articles?status=bogus')).status, 400);
  for (let i = 0; i < 26; i++) await db.query(`INSERT INTO articles (slug, headline) VALUES ($1, $2)`, [`filler-${i}`, `Filler ${i}`]);
  const p1 = await c.page('/admin/articles');
  assert.match(p1, /rel="next" href="\/admin\/articles\?page=2"/);
  const p2 = await c.page('/admin/articles?page=2');
  assert.match(p2, /rel="prev"/);
});

test('editing: schedule in the publication’s time zone, and a mistake keeps everything typed', async () => {
  const c = editor.c;
  const id = await create(c, { headline: 'To be scheduled' });
  // 09:30 in London on 1 December is 09:30 UTC; in July it would be 08:30 UTC.
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm({ headline: 'To be scheduled', action: 'schedule', publish_at: '2026-12-01T09:30' })), 303);
  let a = (await getArticleById(db, id))!;
  assert.equal(a.status, 'scheduled');
  assert.equal(a.published_at!.toISOString(), '2026-12-01T09:30:00.000Z');
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm({ headline: 'To be scheduled', action: 'schedule', publish_at: '2027-07-01T09:30' })), 303);
  a = (await getArticleById(db, id))!;
  assert.equal(a.published_at!.toISOString(), '2027-07-01T08:30:00.000Z');
  const editorHtml = await c.page(`/admin/articles/${id}`);
  assert.match(editorHtml, /name="publish_at"[^>]*value="2027-07-01 09:30"/, 'the publication\'s zone, as "YYYY-MM-DD HH:MM"');
  // The same time written with a space is understood too.
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm({ headline: 'To be scheduled', action: 'schedule', publish_at: '2027-07-02 9:30' })), 303);
  assert.equal((await getArticleById(db, id))!.published_at!.toISOString(), '2027-07-02T08:30:00.000Z');
  // A past time cannot be scheduled; an unknown section is explained; nothing typed is lost.
  const past = await c.post(`/admin/articles/${id}`, articleForm({ headline: 'Kept headline', body: 'Kept body text', action: 'schedule', publish_at: '2020-01-01T09:00' }));
  assert.equal(past.status, 400);
  const pastText = await past.text();
  assert.match(pastText, /The publish time is in the past/);
  assert.match(pastText, /name="headline"[^>]*>Kept headline<\/textarea>/);
  assert.match(pastText, /Kept body text<\/textarea>/);
  const unknown = await c.post('/admin/articles', articleForm({ headline: 'New one', section: 'no-such-section' }));
  assert.equal(unknown.status, 400);
  assert.match(await unknown.text(), /Unknown section/);
  const empty = await c.post('/admin/articles', articleForm({ headline: '  ' }));
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /headline is required/);
});

test('write and publish through the editor: the article is on the home page', async () => {
  const c = author.c;
  const id = await create(c, { headline: 'Trams return to the high street', body: 'The first tram ran at dawn.', action: 'publish' });
  const a = (await getArticleById(db, id))!;
  const home = await (await t.get('/')).text();
  assert.match(home, /Trams return to the high street/);
  const page = await (await t.get('/' + a.slug)).text();
  assert.match(page, /The first tram ran at dawn\./);
});

test('autosave: drafts are saved in place; live articles keep changes aside; new articles are created once', async () => {
  const c = editor.c;
  await c.page('/admin/articles/new');
  const first = await c.json('/admin/articles/autosave', { headline: 'Autosaved draft', body: 'Draft one', authors: ['ada-quill'] });
  assert.equal(first.status, 200);
  const r1 = await first.json();
  assert.equal(r1.applied, true);
  assert.equal(r1.status, 'draft');
  const id = r1.id as number;
  const second = await c.json(`/admin/articles/${id}/autosave`, { headline: 'Autosaved draft', body: 'Draft two', authors: ['ada-quill'] });
  assert.equal(second.status, 200);
  assert.equal((await getArticleById(db, id))!.body_source, 'Draft two');
  const third = await c.json(`/admin/articles/${id}/autosave`, { headline: 'Autosaved draft', body: 'Draft three', authors: ['ada-quill'] });
  assert.equal((await third.json()).revisionId, (await second.json()).revisionId, 'autosaves within minutes share a revision');
  // A bad autosave is refused with a message, and nothing is lost.
  const bad = await c.json(`/admin/articles/${id}/autosave`, { headline: '', body: 'Draft four' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /headline/);
  assert.equal((await getArticleById(db, id))!.body_source, 'Draft three');
  // A published article does not change: the text is kept as an unapplied revision.
  const live = await c.json(`/admin/articles/${fx.a3.id}/autosave`, { headline: 'Half-written headline', body: 'Half-written', format: 'speed-read', section: 'science', authors: ['ben-marsh'] });
  const rl = await live.json();
  assert.equal(rl.applied, false);
  assert.equal((await getArticleById(db, fx.a3.id))!.headline, 'A comet will be visible this weekend');
  const editorHtml = await c.page(`/admin/articles/${fx.a3.id}`);
  assert.match(editorHtml, /are not live yet/);
});

test('previews: live Markdown preview is sanitised; the page preview is the public page, saved or unsaved', async () => {
  const c = contributor.c;
  const md = await c.json('/admin/preview', { body: '# Title\n\n**bold** <script>alert(1)</script> <img src="x" onerror="alert(1)">' });
  assert.equal(md.status, 200);
  const { html } = await md.json();
  assert.match(html, /<strong>bold<\/strong>/);
  assert.doesNotMatch(html, /<script|onerror/);
  const id = await create(c, { headline: 'Preview me', body: 'Saved body.' });
  const saved = await c.request(`/admin/articles/${id}/preview`);
  assert.equal(saved.status, 200);
  assert.equal(saved.headers.get('cache-control'), 'no-store');
  const savedText = await saved.text();
  assert.match(savedText, /<h1 id="article-headline">Preview me<\/h1>/);
  assert.match(savedText, /<link rel="stylesheet" href="\/assets\/site.css\?v=[^"]+">/, 'rendered with the public layout');
  assert.match(savedText, /Saved body\./);
  const unsaved = await c.post(`/admin/articles/${id}/preview`, articleForm({ headline: 'Unsaved headline', body: 'Unsaved body.' }));
  assert.equal(unsaved.status, 200);
  const unsavedText = await unsaved.text();
  assert.match(unsavedText, /<h1 id="article-headline">Unsaved headline<\/h1>/);
  assert.match(unsavedText, /Unsaved body\./);
  assert.equal((await getArticleById(db, id))!.headline, 'Preview me', 'previewing saves nothing');
  // Nobody else's draft.
  assert.equal((await author.c.request(`/admin/articles/${id}/preview`)).status, 403);
});

test('revisions: each save is kept, the diff shows what changed, and restore brings it back', async () => {
  const c = editor.c;
  const id = await create(c, { headline: 'First headline', body: 'Line one\nLine two' });
  assert.equal(await status(c, `/admin/articles/${id}`, articleForm({ headline: 'Second headline', body: 'Line one\nLine 2, changed' })), 303);
  const list = await c.page(`/admin/articles/${id}/revisions`);
  const revIds = [...list.matchAll(new RegExp(`/admin/articles/${id}/revisions/(\\d+)`, 'g'))].map((m) => Number(m[1]));
  assert.equal(revIds.length, 2);
  const oldest = Math.min(...revIds);
  const diff = await c.page(`/admin/articles/${id}/revisions/${oldest}`);
  assert.match(diff, /<del>First<\/del>/);
  assert.match(diff, /<ins>Second<\/ins>/);
  assert.match(diff, /<del>Line two\n<\/del>|<del>Line two<\/del>/);
  assert.match(diff, /<ins>Line 2, changed/);
  const restore = await c.post(`/admin/articles/${id}/revisions/${oldest}/restore`);
  assert.equal(restore.status, 303);
  const a = (await getArticleById(db, id))!;
  assert.equal(a.headline, 'First headline');
  assert.equal(a.body_source, 'Line one\nLine two');
  const after = await c.page(`/admin/articles/${id}/revisions`);
  assert.match(after, /restore/);
});

test('feature image upload: images are stored and served; other files, oversized files and forged forms are refused', async () => {
  const c = author.c;
  const id = await create(c, { headline: 'With a picture' });
  await c.page(`/admin/articles/${id}`);
  const upload = (content: Blob, name: string, csrf = c.csrf, accept = 'text/html') => {
    const fd = new FormData();
    if (csrf) fd.append('_csrf', csrf);
    fd.append('image', content, name);
    return c.request(`/admin/articles/${id}/image`, { body: fd, method: 'POST', headers: { accept } });
  };
  const ok = await upload(new Blob([PNG], { type: 'image/png' }), 'logo.png');
  assert.equal(ok.status, 303, await ok.text());
  const a = (await getArticleById(db, id))!;
  assert.match(a.feature_image_url!, /^\/uploads\/[a-f0-9]{32}\.png$/);
  const served = await t.get(a.feature_image_url!);
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG);
  // JSON answer for the editor's script.
  const viaJs = await upload(new Blob([PNG], { type: 'image/png' }), 'again.png', c.csrf, 'application/json');
  assert.equal(viaJs.status, 200);
  assert.equal((await viaJs.json()).url, a.feature_image_url);
  // A text file claiming to be an image.
  const fake = await upload(new Blob(['<script>alert(1)</script>'], { type: 'image/png' }), 'evil.png');
  assert.equal(fake.status, 400);
  assert.match(await fake.text(), /not a JPEG, PNG, GIF or WebP image/);
  // Too large.
  const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024 + 10)]);
  const large = await upload(new Blob([big], { type: 'image/png' }), 'big.png');
  assert.equal(large.status, 413);
  assert.match(await large.text(), /larger than 5 MB/);
  // No CSRF token.
  const forged = await upload(new Blob([PNG], { type: 'image/png' }), 'logo.png', '');
  assert.equal(forged.status, 403);
  // Not someone else's article.
  const other = new FormData();
  other.append('_csrf', contributor.c.csrf);
  other.append('image', new Blob([PNG], { type: 'image/png' }), 'x.png');
  assert.equal((await contributor.c.request(`/admin/articles/${id}/image`, { body: other, method: 'POST' })).status, 403);
  // Bad names are not served.
  assert.equal((await t.get('/uploads/..%2Fsecrets.json')).status, 404);
});

test('the dashboard shows today’s articles, the scheduled ones and the newsletters', async () => {
  const c = editor.c;
  const page = await c.page('/admin');
  assert.match(page, /Published today/);
  assert.match(page, /Council approves the riverside tram line/, 'published at 07:00 today');
  assert.match(page, /To be scheduled/);
  assert.match(page, /<main id="main"/);
  const slug = (await getArticleBySlug(db, 'riverside-tram'))!;
  assert.ok(slug);
});
