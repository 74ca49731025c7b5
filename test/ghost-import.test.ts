// `newsdesk import ghost`: the sample export from ../shared/datasets (skipped when absent) and
// hand-made edge cases; a second run updates instead of duplicating; old URLs keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp } from './helpers/app.ts';
import { tmpDir } from './helpers/db.ts';
import { importGhost } from '../src/ghost/import.ts';
import { lexicalToHtml, mobiledocToHtml } from '../src/ghost/convert.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';

const t = await startTestApp({ now: '2026-03-02T09:00:00Z' });
const { db } = t.deps;
const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/datasets/ghost-export-sample/ghost-export-20.json');
const hasSample = fs.existsSync(SAMPLE);

const counts = async () => db.one<{ articles: number; authors: number; tags: number; links: number }>(
  `SELECT (SELECT count(*)::int FROM articles) AS articles, (SELECT count(*)::int FROM authors) AS authors,
          (SELECT count(*)::int FROM tags) AS tags, (SELECT count(*)::int FROM article_tags) AS links`,
);

test('the sample Ghost export imports, twice, without duplicates', { skip: hasSample ? false : `no sample at ${SAMPLE} (../shared/datasets is absent)` }, async () => {
  const ghost = JSON.parse(fs.readFileSync(SAMPLE, 'utf8')).db[0].data;
  const io = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', SAMPLE], process.cwd(), io, t.deps), 0, io.errors.join('\n'));
  const out = io.lines.join('\n');
  const nPosts = ghost.posts.filter((p: any) => p.type === 'post').length;
  const nPages = ghost.posts.filter((p: any) => p.type === 'page').length;
  assert.match(out, new RegExp(`posts: +${nPosts} created, 0 updated, 0 skipped`));
  assert.match(out, new RegExp(`pages: +${nPages} created`));
  assert.match(out, new RegExp(`authors: ${ghost.users.length} created`));
  assert.ok(io.progressEvents.length >= 2);
  assert.deepEqual(io.progressEvents.at(-1)![0], io.progressEvents.at(-1)![1], 'the progress bar ends full');
  const first = await counts();
  assert.equal(first!.articles, ghost.posts.length);

  // Every post: title, slug, status, times, featured, excerpt, primary author and tag in Ghost's order.
  for (const p of ghost.posts) {
    const a = await db.one(
      `SELECT a.*, (SELECT array_agg(au.slug ORDER BY aa.position) FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id) AS authors,
              (SELECT array_agg(t.slug ORDER BY at.position) FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id) AS tags
         FROM articles a WHERE a.slug = $1`,
      [p.slug],
    );
    assert.ok(a, `imported ${p.slug}`);
    assert.equal(a!.headline, p.title);
    assert.equal(a!.type, p.type);
    assert.equal(a!.status, p.status);
    assert.equal(a!.uuid, p.uuid);
    assert.equal(a!.published_at.toISOString(), new Date(p.published_at.replace(' ', 'T') + 'Z').toISOString());
    assert.equal(a!.editors_pick, !!Number(p.featured));
    assert.equal(a!.dek, p.custom_excerpt ?? '');
    assert.equal(a!.feature_image_url, p.feature_image ?? null);
    const authorIds = ghost.posts_authors.filter((x: any) => x.post_id === p.id).sort((x: any, y: any) => x.sort_order - y.sort_order).map((x: any) => x.author_id);
    assert.deepEqual(a!.authors, authorIds.map((id: string) => ghost.users.find((u: any) => u.id === id).slug));
    const tagIds = ghost.posts_tags.filter((x: any) => x.post_id === p.id).sort((x: any, y: any) => x.sort_order - y.sort_order).map((x: any) => x.tag_id);
    const tagSlugs = tagIds.map((id: string) => ghost.tags.find((x: any) => x.id === id)).filter((x: any) => !x.name.startsWith('#')).map((x: any) => x.slug);
    assert.deepEqual(a!.tags ?? [], tagSlugs);
    assert.ok(a!.body_html.length > 0 && !/<script/i.test(a!.body_html));
  }
  // Old Ghost URLs (/slug/) land on the article.
  const post = ghost.posts.find((p: any) => p.type === 'post' && p.status === 'published');
  const old = await t.get(`/${post.slug}/`);
  assert.equal(old.status, 301);
  assert.equal(old.headers.get('location'), `/${post.slug}`);
  assert.equal((await t.get(`/${post.slug}`)).status, 200);

  const again = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', SAMPLE], process.cwd(), again, t.deps), 0);
  assert.match(again.lines.join('\n'), new RegExp(`posts: +0 created, ${nPosts} updated, 0 skipped`));
  assert.deepEqual(await counts(), first, 'the second run changed no counts');
});

const user = (id: string, slug: string, name: string) => ({ id, slug, name, bio: `${name} writes.`, profile_image: '__GHOST_URL__/content/images/me.jpg' });
const post = (id: string, over: Record<string, unknown>) => ({
  id, uuid: null, title: `Post ${id}`, slug: `post-${id}`, html: `<p>Body of ${id}</p>`, type: 'post', status: 'published', visibility: 'public', featured: 0,
  published_at: '2025-06-01 10:00:00', created_at: '2025-06-01 09:00:00', updated_at: '2025-06-02 08:00:00', custom_excerpt: null, feature_image: null, ...over,
});

function edgeExport(posts: unknown[]) {
  return {
    db: [{
      meta: { version: '5.80.0' },
      data: {
        users: [user('u1', 'jo', 'Jo Reporter'), user('u2', 'sam', 'Sam Editor')],
        tags: [{ id: 't1', slug: 'city', name: 'City' }, { id: 't2', slug: 'hash-feature', name: '#feature', visibility: 'internal' }, { id: 't3', slug: 'courts', name: 'Courts' }],
        posts,
        posts_authors: [{ post_id: 'p1', author_id: 'u2', sort_order: 1 }, { post_id: 'p1', author_id: 'u1', sort_order: 0 }, { post_id: 'p2', author_id: 'u2', sort_order: 0 }],
        posts_tags: [{ post_id: 'p1', tag_id: 't3', sort_order: 0 }, { post_id: 'p1', tag_id: 't2', sort_order: 1 }, { post_id: 'p1', tag_id: 't1', sort_order: 2 }],
        posts_meta: [{ post_id: 'p1', feature_image_alt: 'The courthouse steps', feature_image_caption: 'Photo: <b>Jo</b>' }],
      },
    }],
  };
}

test('edge cases: reserved slugs, drafts, schedules, members-only, internal tags, scripts, no HTML, emails', async () => {
  const lexical = JSON.stringify({ root: { type: 'root', children: [
    { type: 'heading', tag: 'h2', children: [{ type: 'text', text: 'From Lexical', format: 0 }] },
    { type: 'paragraph', children: [{ type: 'text', text: 'bold', format: 1 }, { type: 'link', url: 'https://example.com', children: [{ type: 'text', text: ' link', format: 0 }] }] },
  ] } });
  const mobiledoc = JSON.stringify({ version: '0.3.1', atoms: [], markups: [['em']], cards: [['markdown', { markdown: '**md card**' }]], sections: [[1, 'p', [[0, [0], 1, 'from mobiledoc']]], [10, 0]] });
  const data = edgeExport([
    post('p1', { slug: 'sections', title: 'Court rules on the search', featured: 1, custom_excerpt: 'A ruling.', feature_image: '__GHOST_URL__/content/images/court.jpg', html: '<p>Hi<script>alert(1)</script> <a href="__GHOST_URL__/other/">other</a></p>', uuid: '11111111-2222-4333-8444-555555555555' }),
    post('p2', { status: 'draft', published_at: null, title: 'Unfinished' }),
    post('p3', { status: 'scheduled', published_at: '2026-04-01 06:00:00', title: 'Due in April' }),
    post('p4', { visibility: 'paid', title: 'For subscribers' }),
    post('p5', { html: null, lexical, title: 'Lexical only' }),
    post('p6', { html: '', mobiledoc, title: 'Mobiledoc only' }),
    post('p7', { html: null, lexical: JSON.stringify({ root: { type: 'root', children: [{ type: 'paywall-widget' }] } }), title: 'Unconvertible' }),
    post('p8', { status: 'sent', title: 'Newsletter only' }),
    post('p9', { title: '', slug: 'untitled' }),
    post('p10', { type: 'page', slug: 'contact', title: 'Contact' }),
  ]);
  const r = await importGhost(db, data, { now: t.clock.now() });
  assert.deepEqual(r.posts, { created: 6, updated: 0, skipped: 3 });
  assert.deepEqual(r.pages, { created: 1, updated: 0, skipped: 0 });
  assert.deepEqual(r.tags, { created: 2, updated: 0, skipped: 1 });
  assert.deepEqual(r.skipped.map((s) => s.slug).sort(), ['hash-feature', 'post-p7', 'post-p8', 'untitled']);
  assert.match(r.skipped.find((s) => s.slug === 'post-p8')!.reason, /email/);
  assert.match(r.skipped.find((s) => s.slug === 'post-p7')!.reason, /paywall-widget/);
  assert.match(r.skipped.find((s) => s.slug === 'hash-feature')!.reason, /internal/);

  // A reserved path gets a new slug, and the old path redirects to it.
  const p1 = await db.one(`SELECT * FROM articles WHERE headline = 'Court rules on the search'`);
  assert.equal(p1!.slug, 'sections-2');
  assert.match(r.notes.find((n) => n.slug === 'sections')!.note, /one of our own paths: now at \/sections-2/);
  assert.equal((await db.one(`SELECT a.slug FROM article_redirects r JOIN articles a ON a.id = r.article_id WHERE r.from_path = '/sections'`))!.slug, 'sections-2');
  assert.equal(p1!.uuid, '11111111-2222-4333-8444-555555555555');
  assert.equal(p1!.editors_pick, true);
  assert.equal(p1!.dek, 'A ruling.');
  assert.equal(p1!.feature_image_url, '/content/images/court.jpg');
  assert.equal(p1!.feature_image_alt, 'The courthouse steps');
  assert.equal(p1!.feature_image_caption, 'Photo: Jo');
  assert.ok(!p1!.body_html.includes('<script'));
  assert.match(p1!.body_html, /href="\/other\/"/);
  assert.equal(p1!.updated_at.toISOString(), '2025-06-02T08:00:00.000Z');
  const bylines = await db.query(`SELECT au.slug, au.photo_url FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = $1 ORDER BY aa.position`, [p1!.id]);
  assert.deepEqual(bylines.map((b) => b.slug), ['jo', 'sam'], 'primary author first (sort_order)');
  assert.equal(bylines[0]!.photo_url, '/content/images/me.jpg');
  const tags = await db.query(`SELECT t.slug FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1 ORDER BY at.position`, [p1!.id]);
  assert.deepEqual(tags.map((x) => x.slug), ['courts', 'city'], 'primary tag first; internal tags dropped');

  const status = async (title: string) => (await db.one(`SELECT status, published_at, type, body_html, access FROM articles WHERE headline = $1`, [title]))!;
  assert.equal((await status('Unfinished')).status, 'draft');
  assert.equal((await status('Due in April')).status, 'scheduled');
  assert.equal((await status('Due in April')).published_at.toISOString(), '2026-04-01T06:00:00.000Z');
  assert.equal((await status('For subscribers')).status, 'published', 'paid posts are imported published, behind the paywall');
  assert.equal((await status('For subscribers')).access, 'paid');
  assert.match(r.notes.find((n) => n.slug === 'post-p4')!.note, /paying members only in Ghost: access paid/);
  assert.match((await status('Lexical only')).body_html, /<h2>From Lexical<\/h2><p><strong>bold<\/strong><a href="https:\/\/example.com"> link<\/a><\/p>/);
  assert.match((await status('Mobiledoc only')).body_html, /<p><em>from mobiledoc<\/em><\/p><p><strong>md card<\/strong><\/p>/);
  assert.equal((await status('Contact')).type, 'page');
  assert.equal((await t.get('/sections')).status, 301);
  assert.equal((await t.get('/sections')).headers.get('location'), '/sections-2');
  assert.equal((await t.get('/sections/')).status, 301, "Ghost's /slug/ form goes the same way");

  // Twice: updates, same counts; an edit in Ghost comes through.
  const before = await counts();
  (data.db[0]!.data.posts[0] as any).title = 'Court rules on the search, again';
  const r2 = await importGhost(db, data, { now: t.clock.now() });
  assert.deepEqual(r2.posts, { created: 0, updated: 6, skipped: 3 });
  assert.deepEqual(await counts(), before);
  assert.equal((await db.one(`SELECT headline FROM articles WHERE id = $1`, [p1!.id]))!.headline, 'Court rules on the search, again');
});

test('a post id twice in one export: the first is imported, the second reported; batches keep slugs apart', async () => {
  const posts = [
    post('d1', { slug: 'twin', title: 'First twin' }),
    post('d1', { slug: 'twin-again', title: 'Second twin' }),
    // A first copy that is skipped does not stop a good second one.
    post('d2', { slug: 'nameless', title: '' }),
    post('d2', { slug: 'named-at-last', title: 'Named at last' }),
    // Two new posts wanting one reserved path in one batch: both get new slugs, the path redirects once.
    post('r1', { slug: 'search', title: 'Search one' }),
    post('r2', { slug: 'search', title: 'Search two' }),
  ];
  // 300 posts wanting one slug, across two batches (250 each): every one gets its own address.
  for (let i = 0; i < 300; i++) posts.push(post(`s${i}`, { slug: 'same-slug', title: `Same slug ${i}` }));
  const r = await importGhost(db, edgeExport(posts), { now: t.clock.now() });
  assert.equal(r.posts.created, 304);
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles WHERE slug = 'named-at-last'`))!.n, 1);
  const redirect = await db.one<{ headline: string }>(`SELECT a.headline FROM article_redirects r JOIN articles a ON a.id = r.article_id WHERE r.from_path = '/search'`);
  assert.equal(redirect!.headline, 'Search two');
  assert.deepEqual(r.skipped.filter((s) => s.slug === 'twin-again').map((s) => s.reason), ['the export has another post with the id "d1"; the first was imported']);
  assert.equal((await db.one(`SELECT headline FROM articles WHERE slug = 'twin'`))!.headline, 'First twin');
  const slugs = await db.query<{ slug: string }>(`SELECT slug FROM articles WHERE headline LIKE 'Same slug %'`);
  assert.equal(new Set(slugs.map((x) => x.slug)).size, 300);
  assert.ok(slugs.some((x) => x.slug === 'same-slug'));
});

test('Ghost\'s images: without --images the report says how to copy them; with it they are copied into the uploads and the links rewritten', async () => {
  const dir = tmpDir();
  const images = path.join(dir, 'content', 'images');
  fs.mkdirSync(path.join(images, '2025', '06'), { recursive: true });
  fs.mkdirSync(path.join(images, 'size', 'w600', '2025', '06'), { recursive: true });
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a tiny jpeg')]);
  fs.writeFileSync(path.join(images, '2025', '06', 'harbour.jpg'), jpeg);
  fs.writeFileSync(path.join(images, 'size', 'w600', '2025', '06', 'harbour.jpg'), Buffer.concat([jpeg, Buffer.from('small')]));
  fs.writeFileSync(path.join(images, '2025', '06', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // A link inside the folder to an image outside it is not followed out.
  fs.writeFileSync(path.join(dir, 'private.jpg'), Buffer.concat([jpeg, Buffer.from('private')]));
  fs.symlinkSync(path.join(dir, 'private.jpg'), path.join(images, '2025', '06', 'outside.jpg'));
  const data = edgeExport([
    post('i1', {
      slug: 'harbour-pictures',
      title: 'Harbour pictures',
      feature_image: '__GHOST_URL__/content/images/2025/06/harbour.jpg',
      html: '<p><img src="__GHOST_URL__/content/images/2025/06/harbour.jpg" srcset="__GHOST_URL__/content/images/size/w600/2025/06/harbour.jpg 600w, __GHOST_URL__/content/images/2025/06/harbour.jpg 1000w" alt="Boats"></p>' +
        '<p><img src="__GHOST_URL__/content/images/2025/06/logo.svg" alt="Logo"><img src="__GHOST_URL__/content/images/2025/06/gone.png" alt="Gone"><img src="__GHOST_URL__/content/images/../../../etc/passwd" alt="x"><img src="__GHOST_URL__/content/images/2025/06/outside.jpg" alt="y"></p>',
    }),
  ]);
  fs.writeFileSync(path.join(dir, 'export.json'), JSON.stringify(data));
  const io = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', 'export.json'], dir, io, t.deps), 0, io.errors.join('\n'));
  assert.match(io.lines.join('\n'), /images: {2}7 of Ghost's own images \(\/content\/images\/\.\.\.\) are referred to but not copied[\s\S]*--images PATH/);
  const before = (await db.one<{ body_html: string; feature_image_url: string }>(`SELECT body_html, feature_image_url FROM articles WHERE slug = 'harbour-pictures'`))!;
  assert.equal(before.feature_image_url, '/content/images/2025/06/harbour.jpg', 'left site-relative');

  const io2 = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', 'export.json', '--images', 'content/images'], dir, io2, t.deps), 0, io2.errors.join('\n'));
  const out = io2.lines.join('\n');
  assert.match(out, /images: {2}2 of 7 copied from .*content\/images/);
  assert.match(out, /4 not found in that folder \(left pointing to the old path\): \/content\/images\/me\.jpg, \/content\/images\/2025\/06\/gone\.png, \/content\/images\/\.\.\/\.\.\/\.\.\/etc\/passwd, \/content\/images\/2025\/06\/outside\.jpg/);
  assert.match(out, /1 not a JPEG, PNG, GIF or WebP image .*logo\.svg/);
  const a = (await db.one<{ body_html: string; feature_image_url: string }>(`SELECT body_html, feature_image_url FROM articles WHERE slug = 'harbour-pictures'`))!;
  assert.match(a.feature_image_url, /^\/uploads\/[0-9a-f]{32}\.jpg$/);
  assert.ok(a.body_html.includes(`src="${a.feature_image_url}"`), a.body_html);
  assert.match(a.body_html, /srcset="\/uploads\/[0-9a-f]{32}\.jpg 600w, \/uploads\/[0-9a-f]{32}\.jpg 1000w"/);
  assert.ok(a.body_html.includes('src="/content/images/2025/06/gone.png"'));
  const img = await t.get(a.feature_image_url);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), jpeg);
  const bad = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', 'export.json', '--images', 'nowhere'], dir, bad, t.deps), 2);
  assert.match(bad.errors.join('\n'), /--images: .*nowhere is not a folder/);
});

test('a file that is not a Ghost export is refused with a clear message', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'x.json'), '{"posts": []}');
  fs.writeFileSync(path.join(dir, 'broken.json'), '{"db": [');
  const io = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', path.join(dir, 'x.json')], process.cwd(), io, t.deps), 1);
  assert.match(io.errors.join('\n'), /not a Ghost JSON export/);
  const io2 = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', path.join(dir, 'broken.json')], process.cwd(), io2, t.deps), 2);
  assert.match(io2.errors.join('\n'), /not valid JSON/);
  const io3 = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', path.join(dir, 'missing.json')], process.cwd(), io3, t.deps), 2);
  assert.match(io3.errors.join('\n'), /no such file/);
});

test('converters report what they cannot render', () => {
  assert.deepEqual(lexicalToHtml('{"root":{"type":"root","children":[{"type":"signup"}]}}').unsupported, ['signup']);
  assert.deepEqual(mobiledocToHtml('{"cards":[["gallery",{}]],"sections":[[10,0]]}').unsupported, ['gallery']);
  assert.deepEqual(lexicalToHtml('nope').unsupported, ['lexical (not valid JSON)']);
});

test('one bad post (a NUL byte, a date the database cannot hold) is reported as skipped and the rest imported (issue 9)', { timeout: 60_000 }, async () => {
  const post = (id: string, extra: Record<string, unknown>) => ({ id, slug: `bad-${id}`, title: `Post ${id}`, html: '<p>Fine.</p>', status: 'published', published_at: '2025-01-01T00:00:00.000Z', ...extra });
  const data = edgeExport([
    post('n1', { title: 'Nul\u0000title' }),
    post('n2', { html: '<p>a\u0000b</p>' }),
    post('d1', { published_at: '+010000-01-01T00:00:00.000Z' }),
    post('d2', { updated_at: '-000100-01-01T00:00:00.000Z' }),
    post('ok1', {}),
    post('ok2', { slug: 'still-fine' }),
  ]);
  const r = await importGhost(db, data, { now: t.clock.now() });
  assert.equal(r.posts.created, 2);
  assert.equal(r.posts.skipped, 4);
  const why = Object.fromEntries(r.skipped.filter((s) => s.kind === 'post').map((s) => [s.slug, s.reason]));
  assert.match(why['bad-n1']!, /title contains a NUL character/);
  assert.match(why['bad-n2']!, /html contains a NUL character/);
  assert.match(why['bad-d1']!, /published_at .* not a date between the years 1 and 9999/);
  assert.match(why['bad-d2']!, /updated_at/);
  assert.ok(await db.one(`SELECT 1 FROM articles WHERE slug = 'still-fine'`));
  // The command says the same, with no database error in it.
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(edgeExport([post('n3', { title: 'Nul\u0000again' }), post('ok3', {})])));
  const io = memoryIO();
  assert.equal(await runCommand(['import', 'ghost', 'bad.json'], dir, io, t.deps), 0, io.errors.join('\n'));
  const out = io.lines.join('\n');
  assert.match(out, /post bad-n3: its title contains a NUL character/);
  assert.doesNotMatch(out + io.errors.join('\n'), /invalid byte sequence|SQLSTATE|22021|syntax/i);
});
