// Defects left from issue 14: a "Recommends: …" headline under the "Recommends" label (the prefix is
// dropped in display, never in the stored headline), and the Admin API's front page pin
// (`leadArticleId`) refusing what cannot lead the front page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { startTestApp } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { labelledHeadline } from '../src/web/components.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
const fx = await seedFixtures(db, new Date(NOW));
const rec = await createArticle(db, { headline: 'Recommends: four dark-sky spots for comet watching', slug: 'dark-sky-spots', dek: 'Where to look up.', body: 'Go north.', format: 'recommends', section: 'science', access: 'public', status: 'published', publishedAt: '2026-11-20T11:00:00Z' }, { now: new Date(NOW) });
const admin = (await createApiKey(db, { name: 'admin key', kind: 'admin', role: 'administrator' })).secret;

async function page(path: string): Promise<string> {
  const res = await t.get(path);
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.text();
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(t.url + path, { method, headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() as any };
}

test('the display rule: the format\'s name and a separator are dropped under its label, nothing else', { timeout: 10_000 }, () => {
  const R = { name: 'Recommends' };
  assert.equal(labelledHeadline('Recommends: four dark-sky spots', R), 'Four dark-sky spots');
  assert.equal(labelledHeadline('recommends — a film about a river', R), 'A film about a river');
  assert.equal(labelledHeadline('Recommends', R), 'Recommends', 'nothing left: kept');
  assert.equal(labelledHeadline('Recommends:', R), 'Recommends:');
  assert.equal(labelledHeadline('Recommended: a book', R), 'Recommended: a book', 'another word');
  assert.equal(labelledHeadline('Recommendsx: a', R), 'Recommendsx: a');
  assert.equal(labelledHeadline('Recommends: x', null), 'Recommends: x', 'no label, no change');
  assert.equal(labelledHeadline('Speed Read: the tram vote', { name: 'Speed Read' }), 'The tram vote');
});

test('"Recommends: …" under the Recommends label reads without the prefix on the site; the headline is stored whole', { timeout: 30_000 }, async () => {
  for (const path of ['/', '/format/recommends', '/section/science']) {
    const { document } = parseHTML(await page(path));
    const link = [...document.querySelectorAll('.story-headline a')].find((a) => a.getAttribute('href') === '/dark-sky-spots');
    assert.ok(link, `${path} lists the story`);
    assert.equal(link.textContent, 'Four dark-sky spots for comet watching', path);
    assert.equal(link.closest('li')?.querySelector('.story-format')?.textContent, 'Recommends', `${path}: under the label`);
  }
  const body = await page('/dark-sky-spots');
  const { document } = parseHTML(body);
  assert.equal(document.querySelector('h1')?.textContent, 'Four dark-sky spots for comet watching');
  assert.equal(document.querySelector('.article-kicker a')?.textContent, 'Recommends');
  // Where no label stands before it, the headline is whole: the title, the cards for sharing, the feeds, the API.
  assert.match(document.querySelector('title')?.textContent ?? '', /^Recommends: four dark-sky spots for comet watching/);
  assert.equal(document.querySelector('meta[property="og:title"]')?.getAttribute('content'), 'Recommends: four dark-sky spots for comet watching');
  assert.match(await page('/feed.xml'), /<title><!\[CDATA\[Recommends: four dark-sky spots for comet watching\]\]><\/title>|<title>Recommends: four dark-sky spots for comet watching<\/title>/);
  assert.equal((await db.one<{ headline: string }>(`SELECT headline FROM articles WHERE id = $1`, [rec.id]))!.headline, 'Recommends: four dark-sky spots for comet watching');
  // A headline that does not start with its format's name is untouched.
  const { document: d2 } = parseHTML(await page('/format/recommends'));
  assert.ok([...d2.querySelectorAll('.story-headline a')].some((a) => a.textContent === 'Five podcasts about the night sky'));
});

test('the Admin API refuses a leadArticleId that cannot lead the front page, with a field message, and changes nothing', { timeout: 30_000 }, async () => {
  const draft = fx.draft.id;
  const staticPage = await createArticle(db, { headline: 'About us', slug: 'about', body: 'Us.', access: 'public', status: 'published', publishedAt: '2026-11-20T10:00:00Z' }, { now: new Date(NOW) });
  await db.query(`UPDATE articles SET type = 'page' WHERE id = $1`, [staticPage.id]);
  const ok = await api('PATCH', '/api/admin/settings', { leadArticleId: fx.a3.id });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.data.leadArticleId, fx.a3.id);
  const cases: Array<[unknown, RegExp]> = [
    [999_999, /no article has the id 999999/],
    [draft, /is not published \(it is draft\)/],
    [staticPage.id, /is a page, not a story/],
    ['12', /./],
    [1.5, /./],
    [-3, /./],
    [0, /./],
    [true, /./],
    [{ id: 1 }, /./],
    [2 ** 31, /./],
    [Number.MAX_SAFE_INTEGER, /./],
  ];
  for (const [value, message] of cases) {
    // Another field in the same request is not applied either.
    const res = await api('PATCH', '/api/admin/settings', { name: 'Renamed', leadArticleId: value });
    assert.equal(res.status, 400, `${JSON.stringify(value)} is refused (${res.status})`);
    assert.equal(res.json.error.code, 'bad_request');
    assert.match(res.json.error.fields.leadArticleId ?? '', message, JSON.stringify(value));
    const now = (await api('GET', '/api/admin/settings')).json.data;
    assert.equal(now.leadArticleId, fx.a3.id, 'the pin is unchanged');
    assert.notEqual(now.name, 'Renamed', 'nothing else changed');
  }
  // The front page still leads with the pinned story; null unpins.
  const { document } = parseHTML(await page('/'));
  assert.equal(document.querySelector('.story--lead .story-headline a')?.getAttribute('href'), '/comet-weekend');
  const unpin = await api('PATCH', '/api/admin/settings', { leadArticleId: null });
  assert.equal(unpin.status, 200);
  assert.equal(unpin.json.data.leadArticleId, null);
});
