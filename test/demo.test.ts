import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDb, tmpDir } from './helpers/db.ts';
import { seedDemo, demoPublishedAt } from '../src/demo/seed.ts';
import { DEMO_IMAGES_JOB, demoHasImage, demoImageSvg, demoImagesJob, demoPortraitSvg, storeDemoImage } from '../src/demo/images.ts';
import crypto from 'node:crypto';
import type { Deps } from '../src/deps.ts';
import fs from 'node:fs';
import path from 'node:path';
import { demo } from '../src/demo/content.ts';
import { publishDueArticles } from '../src/articles/write.ts';

const DAY = 24 * 60 * 60 * 1000;

test('the demo content is well formed', () => {
  const slugs = demo.articles.map((a) => a.slug);
  assert.equal(new Set(slugs).size, slugs.length, 'article slugs are unique');
  const formats = new Set(demo.formats.map((f) => f.slug));
  const sections = new Set(demo.sections.map((s) => s.slug));
  const authors = new Set(demo.authors.map((a) => a.slug));
  for (const a of demo.articles) {
    assert.match(a.slug, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, a.slug);
    assert.ok(formats.has(a.format), `${a.slug}: format ${a.format}`);
    assert.ok(sections.has(a.section), `${a.slug}: section ${a.section}`);
    for (const au of a.authors) assert.ok(authors.has(au), `${a.slug}: author ${au}`);
    assert.ok(a.tags.length >= 1 && a.tags.length <= 4, `${a.slug}: tags`);
    assert.ok(a.hour >= 0 && a.hour <= 23, `${a.slug}: hour`);
    assert.ok(a.daysAgo <= 27, `${a.slug}: daysAgo`);
    assert.equal(a.featureImageUrl, undefined, `${a.slug}: no external images`);
  }
  const stories = new Map<string, number>();
  for (const a of demo.articles) if (a.storyKey) stories.set(a.storyKey, (stories.get(a.storyKey) ?? 0) + 1);
  assert.ok([...stories.values()].filter((n) => n >= 2).length >= 3, 'at least three stories covered more than once');
  assert.ok(demo.articles.filter((a) => a.section === 'good-news' && (a.status ?? 'published') === 'published' && a.daysAgo >= 0).length >= 4);
});

test('demo publish times: today is never in the future, scheduled always is', () => {
  for (const tz of ['UTC', 'Europe/London', 'America/Los_Angeles', 'Pacific/Auckland']) {
    for (const iso of ['2025-03-30T00:20:00Z', '2025-03-30T23:50:00Z', '2025-10-26T01:30:00Z', '2025-07-01T12:00:00Z']) {
      const now = new Date(iso);
      for (const hour of [0, 6, 12, 23]) {
        assert.ok(demoPublishedAt({ daysAgo: 0, hour }, 3, now, tz) < now, `${tz} ${iso} today ${hour}h`);
        const past = demoPublishedAt({ daysAgo: 5, hour }, 3, now, tz);
        assert.ok(past < now && now.getTime() - past.getTime() < 7 * DAY, `${tz} ${iso} 5 days ago ${hour}h`);
        assert.ok(demoPublishedAt({ daysAgo: -1, hour }, 3, now, tz) > now, `${tz} ${iso} tomorrow ${hour}h`);
      }
    }
  }
  // The local hour is honoured.
  const at = demoPublishedAt({ daysAgo: 3, hour: 7 }, 0, new Date('2025-06-15T12:00:00Z'), 'Europe/London');
  assert.equal(at.toISOString(), '2025-06-12T06:00:00.000Z');
});

test('seeding an empty database creates a living demo publication, once', async (ctx) => {
  const db = await openTestDb(ctx);
  const now = new Date();
  const result = await seedDemo(db, { now, timeZone: 'Europe/London' });
  assert.equal(result.seeded, true);
  assert.equal(result.articles, demo.articles.length);

  const published = await db.query<{ id: number; slug: string; dek: string; body_source: string; body_html: string; published_at: Date; format: string; section: string; authors: number }>(
    `SELECT a.id, a.slug, a.dek, a.body_source, a.body_html, a.published_at, f.slug AS format, s.slug AS section,
            (SELECT count(*)::int FROM article_authors aa WHERE aa.article_id = a.id) AS authors
       FROM articles a LEFT JOIN formats f ON f.id = a.format_id LEFT JOIN sections s ON s.id = a.section_id
      WHERE a.status = 'published' AND a.type = 'post'`,
  );
  assert.ok(published.length >= 30, `${published.length} published articles`);
  assert.deepEqual(new Set(published.map((a) => a.format)), new Set(['speed-read', 'the-explainer', 'recommends']));
  assert.ok(new Set(published.map((a) => a.section)).size >= 5);
  for (const a of published) {
    assert.ok(a.dek.trim().length > 0, `${a.slug}: dek`);
    assert.ok(a.body_source.trim().length > 200, `${a.slug}: body`);
    assert.ok(a.body_html.includes('<p>'), `${a.slug}: rendered body`);
    assert.ok(a.authors >= 1, `${a.slug}: author`);
    assert.ok(a.published_at.getTime() <= now.getTime(), `${a.slug}: not in the future`);
    assert.ok(now.getTime() - a.published_at.getTime() < 29 * DAY, `${a.slug}: within the last four weeks`);
  }
  assert.ok(published.some((a) => now.getTime() - a.published_at.getTime() < 2 * DAY), 'something from the last two days');

  const counts = await db.one<{ sections: number; authors: number; formats: number; tags: number; picks: number }>(
    `SELECT (SELECT count(*)::int FROM sections) AS sections, (SELECT count(*)::int FROM authors) AS authors,
            (SELECT count(*)::int FROM formats) AS formats, (SELECT count(*)::int FROM tags) AS tags,
            (SELECT count(*)::int FROM articles WHERE editors_pick AND status = 'published') AS picks`,
  );
  assert.ok(counts!.sections >= 5);
  assert.ok(counts!.authors >= 5);
  assert.equal(counts!.formats, 3);
  assert.ok(counts!.picks >= 4);
  const sharedTags = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT tag_id FROM article_tags GROUP BY tag_id HAVING count(*) >= 3) t`);
  assert.ok(sharedTags!.n >= 5, 'several tags have a few articles each');
  const goodNews = await db.one<{ n: number }>(
    `SELECT count(*)::int AS n FROM articles a JOIN sections s ON s.id = a.section_id WHERE s.slug = 'good-news' AND a.status = 'published'`,
  );
  assert.ok(goodNews!.n >= 4);

  const scheduled = await db.query<{ published_at: Date }>(`SELECT published_at FROM articles WHERE status = 'scheduled'`);
  assert.equal(scheduled.length, 2);
  for (const s of scheduled) assert.ok(s.published_at.getTime() > now.getTime());
  const drafts = await db.query(`SELECT 1 FROM articles WHERE status = 'draft'`);
  assert.equal(drafts.length, 1);

  const all = await db.query<{ slug: string; body_source: string; body_html: string }>(`SELECT slug, body_source, body_html FROM articles`);
  assert.equal(new Set(all.map((a) => a.slug)).size, all.length, 'no two articles share a slug');
  for (const a of all) {
    assert.ok(!a.body_source.toLowerCase().includes('<script'), `${a.slug}: no script in the source`);
    assert.ok(!a.body_html.toLowerCase().includes('<script'), `${a.slug}: no script in the html`);
  }
  const description = await db.one<{ value: string }>(`SELECT value FROM settings WHERE key = 'publication.description'`);
  assert.ok(description && description.value.length > 0);

  // Nothing is due yet; two days on, the scheduler publishes both scheduled articles.
  assert.deepEqual(await publishDueArticles(db, now), []);
  assert.equal((await publishDueArticles(db, new Date(now.getTime() + 3 * DAY))).length, 2);

  // A second start seeds nothing.
  assert.deepEqual(await seedDemo(db, { now, timeZone: 'Europe/London' }), { seeded: false, articles: 0 });
  const total = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles WHERE type = 'post'`);
  assert.equal(total!.n, demo.articles.length);
  // The pages every footer links to: About, Contact, Privacy.
  const pages = await db.query<{ slug: string; access: string }>(`SELECT slug, access FROM articles WHERE type = 'page' AND status = 'published' ORDER BY slug`);
  assert.deepEqual(pages.map((p) => p.slug), ['about', 'contact', 'privacy']);
  assert.deepEqual(pages.map((p) => p.access), ['public', 'public', 'public'], 'pages are never behind the meter');
});

test('the demo has plans, metered, members-only and paid articles, public Speed Reads, and two members (one paying)', async (ctx) => {
  const { openTestDb } = await import('./helpers/db.ts');
  const { getMember } = await import('../src/members/accounts.ts');
  const { DEMO_MEMBERS } = await import('../src/demo/seed.ts');
  const db2 = await openTestDb(ctx);
  const now = new Date('2026-11-20T12:00:00Z');
  await seedDemo(db2, { now, timeZone: 'Europe/London' });
  const levels = await db2.query<{ access: string; n: number }>(`SELECT access, count(*)::int AS n FROM articles WHERE status = 'published' GROUP BY access`);
  const by = Object.fromEntries(levels.map((l) => [l.access, l.n]));
  assert.ok(by.metered >= 10 && by.members >= 2 && by.paid >= 3 && by.public >= 5, JSON.stringify(by));
  const speed = await db2.query<{ access: string }>(`SELECT DISTINCT a.access FROM articles a JOIN formats f ON f.id = a.format_id WHERE f.slug = 'speed-read'`);
  assert.deepEqual(speed.map((r) => r.access), ['public']);
  assert.deepEqual((await db2.query<{ slug: string }>(`SELECT slug FROM plans ORDER BY position`)).map((p) => p.slug), ['digital', 'print-digital']);
  const member = async (email: string) => getMember(db2, (await db2.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [email]))!.id, now, 7);
  assert.equal((await member(DEMO_MEMBERS.paying))!.paid, true);
  assert.equal((await member(DEMO_MEMBERS.free))!.paid, false);
  assert.ok((await member(DEMO_MEMBERS.free))!.account_at);
});

test('the demo\'s pictures: queued at seeding, drawn by the job into DATA_DIR with their sizes, set once, never over an editor\'s own', { timeout: 120_000 }, async (ctx) => {
  const db = await openTestDb(ctx);
  const now = new Date();
  await seedDemo(db, { now, timeZone: 'Europe/London' });
  const queued = await db.query<{ name: string }>(`SELECT name FROM jobs WHERE status = 'queued' AND name = $1`, [DEMO_IMAGES_JOB]);
  assert.equal(queued.length, 1, 'queued once, by the seeding');
  const dataDir = tmpDir();
  // An editor changed one author's photo before the job ran: it stays.
  await db.query(`UPDATE authors SET photo_url = '/uploads/own.jpg' WHERE slug = $1`, [demo.authors[0]!.slug]);
  await demoImagesJob({ db, config: { dataDir } as Deps['config'] });
  const pictured = await db.query<{ slug: string; feature_image_url: string; feature_image_alt: string; widths: number[] }>(
    `SELECT a.slug, a.feature_image_url, a.feature_image_alt, m.widths FROM articles a JOIN media_images m ON m.path = a.feature_image_url WHERE a.type = 'post'`,
  );
  const expected = demo.articles.filter((a, i) => demoHasImage(a, i)).map((a) => a.slug).sort();
  assert.deepEqual(pictured.map((p) => p.slug).sort(), expected);
  for (const p of pictured) {
    assert.match(p.feature_image_alt, /^Illustration: /, `${p.slug}: alt text`);
    assert.deepEqual(p.widths, [320, 640, 960]);
    assert.ok(fs.existsSync(path.join(dataDir, 'uploads', path.basename(p.feature_image_url))));
    assert.ok(fs.existsSync(path.join(dataDir, 'uploads', path.basename(p.feature_image_url).replace('.jpg', '-640.webp'))));
  }
  const photos = await db.query<{ slug: string; photo_url: string }>(`SELECT slug, photo_url FROM authors ORDER BY slug`);
  assert.equal(photos.find((a) => a.slug === demo.authors[0]!.slug)!.photo_url, '/uploads/own.jpg');
  assert.ok(photos.filter((a) => a.photo_url.startsWith('/uploads/') && a.photo_url !== '/uploads/own.jpg').length >= demo.authors.length - 1);
  // Deterministic: the same slug draws the same file; a second run changes nothing.
  const before = await db.query(`SELECT slug, feature_image_url FROM articles ORDER BY slug`);
  await demoImagesJob({ db, config: { dataDir } as Deps['config'] });
  assert.deepEqual(await db.query(`SELECT slug, feature_image_url FROM articles ORDER BY slug`), before);
});

test('a demo picture drawn once on an install is not drawn again: the same files, byte for byte, recorded the same; a broken cache entry is drawn anew', { timeout: 120_000 }, async (ctx) => {
  const db = await openTestDb(ctx);
  const cache = tmpDir();
  const files = (dataDir: string) => {
    const dir = path.join(dataDir, 'uploads');
    return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
  };
  const svgs: Array<[string, number]> = [[demoImageSvg('science', 'a-cached-picture'), 82], [demoPortraitSvg('a-cached-author'), 80]];
  const store = async (cacheDir: string | null) => {
    const dataDir = tmpDir();
    await db.query(`DELETE FROM media_images`);
    const urls = [];
    for (const [svg, q] of svgs) urls.push(await storeDemoImage(db, dataDir, svg, q, cacheDir));
    return { dataDir, urls, recorded: await db.query(`SELECT path, width, height, widths FROM media_images ORDER BY path`) };
  };
  const drawn = await store(null); // no cache: drawn, as before there was one
  const first = await store(cache); // drawn, and kept
  assert.equal(fs.readdirSync(cache).length, 2, 'an entry a picture');
  const second = await store(cache); // copied
  assert.deepEqual(first.urls, drawn.urls);
  assert.deepEqual(second.urls, drawn.urls);
  assert.deepEqual(files(first.dataDir), files(drawn.dataDir));
  assert.deepEqual(files(second.dataDir), files(drawn.dataDir));
  assert.deepEqual(Object.keys(files(second.dataDir)).length, 2 + 3 + 1, 'the picture with 320, 640 and 960, the portrait with 320');
  assert.deepEqual(second.recorded, drawn.recorded);
  const size = (url: string) => drawn.recorded.filter((r: any) => r.path === url).map((r: any) => [r.width, r.height, r.widths]);
  assert.deepEqual([size(drawn.urls[0]!), size(drawn.urls[1]!)], [[[1280, 720, [320, 640, 960]]], [[400, 400, [320]]]]);
  // An entry without its original (a broken copy, say) is not used: the picture is drawn again.
  for (const e of fs.readdirSync(cache)) fs.rmSync(path.join(cache, e, 'original.jpg'));
  const third = await store(cache);
  assert.deepEqual(files(third.dataDir), files(drawn.dataDir));
  assert.deepEqual(third.recorded, drawn.recorded);
});
