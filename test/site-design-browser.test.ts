// The redesigned public site in headless Chromium (Debian's chromium via playwright-core) at desktop
// (1280 px) and phone (390 px) widths: the front page, an article, an author page and /newsletters pass
// axe-core with no serious or critical violations; the phone header is compact; the subheads are
// smaller than the headline on a phone; figures have no browser margins; the fonts are the self-hosted
// ones; nothing is fetched from another origin. One browser launch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { assertAxeClean } from './helpers/axe.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { createArticle, upsertAuthor, upsertSection } from '../src/articles/write.ts';
import { loadSharp, storeUpload } from '../src/media/images.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const run = present ? test : test.skip;
if (!present) console.log(`# ${CHROMIUM} is absent: the browser tests are skipped (apt-get install chromium)`);

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
(t.deps.config as { siteUrl: string }).siteUrl = t.url;
const sharp = await loadSharp();
const picture = await storeUpload(db, t.deps.config.dataDir, await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#557799' } }).jpeg().toBuffer());
const photo = await storeUpload(db, t.deps.config.dataDir, await sharp({ create: { width: 400, height: 400, channels: 3, background: '#997755' } }).jpeg().toBuffer());
await upsertAuthor(db, { slug: 'ada-quill', name: 'Ada Quill', bio: 'Politics editor.', photoUrl: photo.path });
await createArticle(db, {
  headline: 'Harbour wall to be rebuilt after the winter storms', slug: 'harbour-wall', dek: 'The council has found the money at last.',
  body: 'The wall will be rebuilt in stone.\n\n## What it will cost\n\nAbout four million.\n\n> “It is about time,” said one fisherman.\n\n## When\n\nNext spring.',
  format: 'the-explainer', section: 'politics', authors: ['ada-quill'], access: 'public', status: 'published',
  publishedAt: new Date(new Date(NOW).getTime() - 3600_000), editorsPick: true, featureImageUrl: picture.path, featureImageAlt: 'A grey-blue picture', featureImageCaption: 'The harbour wall.',
}, { now: new Date(NOW) });

// Enough sections that the phone's section list scrolls sideways.
for (const [i, name] of ['Transport', 'Weather', 'Education', 'Health', 'Environment', 'Technology', 'Letters'].entries()) await upsertSection(db, { slug: name.toLowerCase(), name, position: 50 + i });

const { chromium } = await import('playwright-core');
const browser = present
  ? await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] })
  : null;
after(() => browser?.close());
const PAGES = ['/', '/harbour-wall', '/author/ada-quill', '/newsletters'];

for (const width of [1280, 390]) {
  run(`at ${width} px: front page, article, author page and /newsletters pass axe-core, load nothing from elsewhere`, async () => {
    const context = await browser!.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
    const page = await context.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(t.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
    for (const path of PAGES) {
      const res = await page.goto(t.url + path, { waitUntil: 'load' });
      assert.equal(res?.status(), 200, path);
      await assertAxeClean(page, path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} at ${width}px scrolls sideways by ${overflow}px`);
    }
    assert.deepEqual(foreign, []);
    await context.close();
  });
}

run('on a phone: a compact header, subheads smaller than the headline, figures without default margins, the self-hosted fonts', async () => {
  const context = await browser!.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(t.url + '/harbour-wall', { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  // A string, so that the compiler's helpers (esbuild's __name) are not sent into the page.
  const m = (await page.evaluate(`(() => {
    const size = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
    const fig = getComputedStyle(document.querySelector('.article-image'));
    return {
      header: document.querySelector('.site-header').getBoundingClientRect().height,
      h1: size('.article h1'),
      h2: size('.article-body h2'),
      figLeft: parseFloat(fig.marginLeft),
      figRight: parseFloat(fig.marginRight),
      quoteBorder: getComputedStyle(document.querySelector('.article-body blockquote')).borderLeftWidth,
      fonts: [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, '')),
      avatar: !!document.querySelector('.article-meta img.avatar'),
    };
  })()`)) as { header: number; h1: number; h2: number; figLeft: number; figRight: number; quoteBorder: string; fonts: string[]; avatar: boolean };
  assert.ok(m.header <= 110, `the phone header is ${m.header}px tall`);
  assert.ok(m.h2 < m.h1 * 0.75, `subhead ${m.h2}px against headline ${m.h1}px`);
  assert.equal(m.figLeft, 0);
  assert.equal(m.figRight, 0);
  assert.notEqual(m.quoteBorder, '0px', 'quotes are styled');
  assert.ok(m.fonts.includes('Source Serif 4'), `fonts loaded: ${m.fonts.join(', ')}`);
  assert.ok(m.avatar);
  await context.close();
});

run('on a phone the section list never offers "Home", and the current section is scrolled into view, highlighted', async () => {
  const context = await browser!.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(t.url + '/section/letters', { waitUntil: 'load' });
  const m = (await page.evaluate(`(() => {
    const nav = document.querySelector('.site-nav ul');
    const cur = nav.querySelector('a[aria-current=page]');
    const n = nav.getBoundingClientRect(), c = cur.getBoundingClientRect();
    return { overflows: nav.scrollWidth > nav.clientWidth, left: c.left - n.left, right: n.right - c.right, border: getComputedStyle(cur).borderBottomColor,
      labels: [...nav.querySelectorAll('a')].map((a) => a.textContent.trim()), current: cur.textContent.trim() };
  })()`)) as { overflows: boolean; left: number; right: number; border: string; labels: string[]; current: string };
  assert.ok(m.overflows, 'the list is longer than the phone is wide');
  assert.equal(m.current, 'Letters');
  assert.ok(m.left >= 0 && m.right >= 0, `the current section is inside the visible list (left ${m.left}, right ${m.right})`);
  assert.notEqual(m.border, 'rgba(0, 0, 0, 0)', 'and underlined');
  assert.ok(!m.labels.some((l) => /^home$/i.test(l)), m.labels.join(', '));
  await context.close();
});
