// The sitemaps validated as a search engine's tooling would (issue 13): xmllint (Debian's libxml2-utils)
// against the sitemaps.org schema that the npm package `sitemap` ships (schema/sitemap.xsd), with the
// index and Google News schemas in test/fixtures/xsd (no package ships them; see the files). The
// sitemap index, every sitemap it names and the Google News sitemap must validate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';
import { setPublicationSetting } from '../src/publication/settings.ts';

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const skip = hasXmllint ? false : 'xmllint is not installed (Debian: apt-get install libxml2-utils); the sitemap XSD checks need it';

// The schemas side by side in one folder, so their relative includes and imports resolve offline.
const schemas = mkdtempSync(join(tmpdir(), 'nd-xsd-'));
after(() => rmSync(schemas, { recursive: true, force: true }));
const sitemapPackage = dirname(createRequire(import.meta.url).resolve('sitemap/package.json'));
copyFileSync(join(sitemapPackage, 'schema', 'sitemap.xsd'), join(schemas, 'sitemap.xsd'));
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'xsd');
for (const f of ['siteindex.xsd', 'sitemap-news.xsd', 'news-sitemap.xsd']) copyFileSync(join(fixtures, f), join(schemas, f));

/** xmllint's verdict on a document: ok, and what it said (file names and line numbers). */
function xmllint(schema: string, doc: string): { ok: boolean; out: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(schemas, schema), '-'], { input: doc, encoding: 'utf8', timeout: 20_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

function assertValid(schema: string, doc: string, what: string) {
  const r = xmllint(schema, doc);
  assert.ok(r.ok, `${what} does not validate against ${schema}:\n${r.out}`);
}

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
// Characters that must be escaped, in a headline, tags and the publication's name.
await createArticle(db, { headline: 'Fish & chips <and> "tram" tickets', slug: 'fish-chips', body: 'Text.', tags: ['Food & drink', '<Local>'], status: 'published', publishedAt: '2026-11-20T09:30:00Z' }, { now: new Date(NOW) });
const about = await createArticle(db, { headline: 'About us', slug: 'about', body: 'We report on the city.', status: 'published', publishedAt: '2026-11-20T10:00:00Z' }, { now: new Date(NOW) });
await db.query(`UPDATE articles SET type = 'page' WHERE id = $1`, [about.id]);
await setPublicationSetting(db, 'name', 'The Daily & <Evening> Post');
const xml = new XMLParser();

async function get(path: string): Promise<string> {
  const res = await t.get(path);
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /xml/, `${path} is XML`);
  return res.text();
}

test('the validator is real: documents that break the schemas are refused', { timeout: 30_000, skip }, () => {
  const bad = [
    ['siteindex.xsd', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><lastmod>2026-11-20</lastmod></sitemap></sitemapindex>'],
    ['sitemap.xsd', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/a</loc><lastmod>yesterday</lastmod></url></urlset>'],
    ['news-sitemap.xsd', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://news.example/a</loc><news:news><news:publication><news:name>P</news:name><news:language>en-GB</news:language></news:publication><news:publication_date>2026-11-20T10:00:00Z</news:publication_date><news:title>T</news:title></news:news></url></urlset>'],
    ['news-sitemap.xsd', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://news.example/a</loc><news:news><news:publication><news:name>P</news:name><news:language>en</news:language></news:publication><news:title>T</news:title></news:news></url></urlset>'],
    ['news-sitemap.xsd', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://news.example/a</loc><news:story/></url></urlset>'],
  ] as const;
  for (const [schema, doc] of bad) assert.equal(xmllint(schema, doc).ok, false, `${schema} refuses ${doc}`);
  assertValid('news-sitemap.xsd', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://news.example/a</loc><news:news><news:publication><news:name>P</news:name><news:language>zh-tw</news:language></news:publication><news:publication_date>2026-11-20T10:00:00.000Z</news:publication_date><news:title>T</news:title></news:news></url></urlset>', 'a minimal news sitemap');
});

test('/sitemap.xml and every sitemap it names validate against the sitemaps.org schema', { timeout: 60_000, skip }, async () => {
  const index = await get('/sitemap.xml');
  assertValid('siteindex.xsd', index, '/sitemap.xml');
  assert.ok('sitemapindex' in xml.parse(index), '/sitemap.xml is a sitemap index');
  const locs = [xml.parse(index).sitemapindex.sitemap].flat().map((s: { loc: string }) => s.loc);
  assert.deepEqual(locs, ['https://news.example/sitemaps/pages.xml', 'https://news.example/sitemaps/articles-1.xml']);
  for (const loc of locs) {
    const path = new URL(loc).pathname;
    const body = await get(path);
    assertValid('sitemap.xsd', body, path);
    const urls = [xml.parse(body).urlset.url].flat().map((u: { loc: string }) => u.loc);
    assert.ok(urls.length > 0, `${path} lists URLs`);
    for (const u of urls) assert.ok(u.startsWith('https://news.example/'), `${path}: ${u} is absolute`);
  }
});

test('the Google News sitemap validates, with its publication name and headlines escaped', { timeout: 30_000, skip }, async () => {
  const body = await get('/news-sitemap.xml');
  assertValid('news-sitemap.xsd', body, '/news-sitemap.xml');
  const urls = [xml.parse(body).urlset.url].flat();
  const fish = urls.find((u: { loc: string }) => u.loc === 'https://news.example/fish-chips');
  assert.ok(fish, 'the new story is in the news sitemap');
  assert.equal(fish['news:news']['news:title'], 'Fish & chips <and> "tram" tickets');
  assert.equal(fish['news:news']['news:publication']['news:name'], 'The Daily & <Evening> Post');
  assert.equal(fish['news:news']['news:publication']['news:language'], 'en');
});

test('the news sitemap\'s language is what Google accepts for every locale: zh-cn / zh-tw for Chinese, else the bare language', { timeout: 60_000, skip }, async () => {
  const cases: Array<[string, string]> = [['zh-TW', 'zh-tw'], ['zh-Hant-HK', 'zh-tw'], ['zh-CN', 'zh-cn'], ['zh-Hans', 'zh-cn'], ['zh', 'zh-cn'], ['pt-BR', 'pt'], ['fil-PH', 'fil'], ['EN-gb', 'en']];
  try {
    for (const [locale, expected] of cases) {
      await setPublicationSetting(db, 'locale', locale);
      const body = await get('/news-sitemap.xml');
      assertValid('news-sitemap.xsd', body, `/news-sitemap.xml with the locale ${locale}`);
      const [first] = [xml.parse(body).urlset.url].flat();
      assert.equal(first['news:news']['news:publication']['news:language'], expected, locale);
    }
  } finally {
    await db.query(`DELETE FROM settings WHERE key = 'publication.locale'`);
  }
});
