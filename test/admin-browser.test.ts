// The newsroom in headless Chromium (Debian's chromium driven by playwright-core): sign in with the link
// printed by `newsdesk staff create`, write and publish an article in the editor (live preview,
// autosave) and find it on the home page, compose and schedule a newsletter edition, and check the
// main screens with axe-core for serious or critical accessibility violations. One browser launch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { assertAxeClean, axeViolations } from './helpers/axe.ts';
import { bridgeItems, seedStory } from './helpers/wire-stories.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { runCommand } from '../src/cli/run.ts';
import { memoryIO } from '../src/cli/io.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { importSubscribersCsv } from '../src/newsletters/subscribers.ts';
import { writeToOutbox } from '../src/mail/outbox.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const NOW = '2026-11-20T12:00:00Z';

const run = present ? test : test.skip;
if (!present) console.log(`# ${CHROMIUM} is absent: the browser tests are skipped (apt-get install chromium)`);

const t = await startTestApp({ now: NOW, env: { SITE_URL: 'http://127.0.0.1', TIME_ZONE: 'Europe/London' } });
await seedFixtures(t.deps.db, new Date(NOW));
await seedNewsletters(t.deps.db);

const { chromium } = await import('playwright-core');
const browser = present ? await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] }) : null;
after(() => browser?.close());
// axe is injected as a script; bypassCSP lets the test inject it despite the app's strict CSP.
const context = browser ? await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } }) : null;
const page = context ? await context.newPage() : null;

async function axe(path: string): Promise<void> {
  await page!.goto(t.url + path);
  await assertAxeClean(page!, path);
}

run('sign in with the link printed by `staff create`', async () => {
  const io = memoryIO();
  assert.equal(await runCommand(['staff', 'create', '--email', 'chief@example.com', '--role', 'administrator', '--name', 'Chief Editor'], process.cwd(), io, t.deps), 0);
  const link = io.lines.find((l) => l.includes('/admin/signin/link?token='))!;
  await page!.goto(link.replace('http://127.0.0.1', t.url));
  await page!.getByRole('button', { name: /Sign in as chief@example.com/ }).click();
  await page!.waitForURL(t.url + '/admin');
  assert.equal(await page!.getByRole('heading', { level: 1 }).textContent(), 'Dashboard');
  const cookies = await context!.cookies();
  const session = cookies.find((c) => c.name === 'nd_session')!;
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
});

run('write and publish an article in the editor, with live preview and autosave, and see it on the home page', async () => {
  await page!.goto(t.url + '/admin/articles/new');
  // An image before the article is saved: chosen, uploaded at once, its address filled in.
  await page!.locator('#ed-image-file').setInputFiles({ name: 'harbour.png', mimeType: 'image/png', buffer: fs.readFileSync(new URL('../src/web/assets/logo.png', import.meta.url)) });
  await page!.waitForFunction(() => /^\/uploads\//.test((document.getElementById('ed-image-url') as HTMLInputElement).value));
  // The thumbnail shows once the browser has loaded the stored image (its sizes are made first).
  await page!.locator('#ed-image-thumb').waitFor({ state: 'visible' });
  assert.equal(await page!.locator('#ed-image-thumb').isVisible(), true);
  // An image dropped into the body goes in where the cursor is, as Markdown.
  await page!.evaluate(async () => {
    const png = await (await fetch('/assets/logo.png')).blob();
    const dt = new DataTransfer();
    dt.items.add(new File([png], 'drop.png', { type: 'image/png' }));
    const body = document.getElementById('ed-body')!;
    body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page!.waitForFunction(() => /!\[Describe the image\]\(\/uploads\//.test((document.getElementById('ed-body') as HTMLTextAreaElement).value));
  // The headline is a wrapping field: Enter moves on instead of breaking it.
  await page!.getByLabel('Headline', { exact: true }).fill('Lanterns light up the old harbour');
  await page!.getByLabel('Headline', { exact: true }).press('Enter');
  assert.equal(await page!.evaluate(() => document.activeElement?.id), 'ed-dek');
  await page!.getByLabel(/^Body/).fill('The festival drew **thousands** to the quay.\n\n## Next year\n\nOrganisers plan a longer route.');
  // Live preview, converted by the server.
  await page!.locator('#live-preview strong', { hasText: 'thousands' }).waitFor();
  // Autosave creates the draft and says so.
  await page!.locator('#save-state', { hasText: 'All changes saved' }).waitFor({ timeout: 15_000 });
  assert.match(page!.url(), /\/admin\/articles\/\d+$/);
  await page!.getByLabel('Format', { exact: true }).selectOption('speed-read');
  await page!.getByLabel('Section', { exact: true }).selectOption('politics');
  await page!.getByLabel(/^Tags/).fill('Harbour, Festivals');
  // Publishing asks first; "Not yet" keeps it a draft.
  await page!.getByRole('button', { name: 'Publish now' }).click();
  const ask = page!.getByRole('dialog', { name: 'Publish now?' });
  await ask.waitFor();
  assert.match((await ask.textContent()) ?? '', /Lanterns light up the old harbour/);
  await ask.getByRole('button', { name: 'Not yet' }).click();
  assert.equal(await ask.isVisible(), false);
  await page!.getByRole('button', { name: 'Publish now' }).click();
  await ask.getByRole('button', { name: 'Publish', exact: true }).click();
  await page!.waitForURL(/notice=published/);
  await page!.getByText('Published.').waitFor();
  await page!.goto(t.url + '/');
  await page!.getByRole('link', { name: 'Lanterns light up the old harbour' }).first().click();
  await page!.getByRole('heading', { level: 1, name: 'Lanterns light up the old harbour' }).waitFor();
  assert.match((await page!.locator('.article-body').textContent()) ?? '', /Organisers plan a longer route/);
  // The preview carries a banner and the site's own stylesheet.
  const id = (await t.deps.db.one<{ id: number }>(`SELECT id FROM articles WHERE headline = 'Lanterns light up the old harbour'`))!.id;
  await page!.goto(t.url + `/admin/articles/${id}/preview`);
  assert.match((await page!.locator('.preview-banner').textContent()) ?? '', /Preview/);
  assert.equal(await page!.locator('link[href^="/assets/site.css"]').count(), 1);
});

run('compose and schedule an edition', async () => {
  await page!.goto(t.url + '/admin/newsletters');
  await page!.getByRole('button', { name: 'Build the next edition' }).first().click();
  await page!.waitForURL(/\/admin\/newsletters\/editions\/\d+/);
  await page!.getByLabel('Subject', { exact: true }).fill('Lanterns, trams and a comet');
  await page!.getByLabel(/^Intro/).fill('Good morning. Here is what happened.');
  await page!.getByRole('button', { name: 'Save subject and intro' }).click();
  await page!.getByText('Subject and intro saved.').waitFor();
  assert.equal(await page!.getByLabel('Subject', { exact: true }).inputValue(), 'Lanterns, trams and a comet');
  const items = page!.locator('.edition-items > li');
  const before = await items.count();
  if (before > 1) {
    const second = (await items.nth(1).locator('span').first().textContent())!;
    await items.nth(1).getByRole('button', { name: /up$/ }).click();
    await page!.getByText('Story moved.').waitFor();
    assert.equal(await page!.locator('.edition-items > li').first().locator('span').first().textContent(), second);
  }
  await page!.getByLabel(/^Send at/).fill('2026-11-21T07:00');
  await page!.getByRole('button', { name: 'Schedule' }).click();
  await page!.getByText('Scheduled: the edition goes out at the time shown.').waitFor();
  assert.equal(await page!.locator('#edition-state').textContent(), 'Scheduled');
  const row = await t.deps.db.one(`SELECT status, scheduled_at FROM editions ORDER BY id DESC LIMIT 1`);
  assert.equal(row!.status, 'scheduled');
  assert.equal(new Date(row!.scheduled_at).toISOString(), '2026-11-21T07:00:00.000Z');
  const composer = new URL(page!.url()).pathname;
  await axe(composer);
  // The preview frames load the email; on a phone the composer does not scroll sideways.
  await page!.locator('iframe.preview-frame--desktop').waitFor();
  const frame = page!.frameLocator('iframe.preview-frame--desktop');
  assert.equal(await frame.locator('body').count(), 1);
  await page!.setViewportSize({ width: 390, height: 800 });
  await page!.goto(t.url + composer);
  const overflow = await page!.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the composer scrolls sideways by ${overflow}px on a phone`);
  await axe(composer);
  await axe(composer + '/send');
  await page!.setViewportSize({ width: 1280, height: 900 });
});

run('every newsroom screen has no serious or critical accessibility violations, at 1280 and at 390 px', async () => {
  const id = (await t.deps.db.one(`SELECT id FROM articles WHERE slug = 'riverside-tram'`))!.id;
  // Newsletter screens: subscribers (with someone to list), the delete confirmation, the outbox and one message.
  await importSubscribersCsv(t.deps, 'email,name\nreader@example.org,Rea Der\n', { newsletter: 'daily', confirmed: true });
  const person = (await t.deps.db.one(`SELECT id FROM people WHERE email_normalized = 'reader@example.org'`))!.id;
  const mail = writeToOutbox(t.deps.config.dataDir, 'From: news@example.com\r\nTo: reader@example.org\r\nSubject: Hello\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p>\r\n--b--\r\n').split('/').pop();
  // A story on the wire (its screen and an item's), a revision, an edition with a scheduled send.
  const story = await seedStory(t.deps.db, { slug: 'harbour-bridge-closed', title: 'Harbour bridge closed' }, bridgeItems());
  const item = (await t.deps.db.one(`SELECT id FROM wire_items WHERE story_id = $1 ORDER BY id LIMIT 1`, [story.id]))!.id;
  const outletOf = (await t.deps.db.one(`SELECT outlet_id FROM wire_items WHERE id = $1`, [item]))!.outlet_id;
  const rev = (await t.deps.db.one<{ id: number; article_id: number }>(`SELECT id, article_id FROM article_revisions ORDER BY id DESC LIMIT 1`))!; // the article written above
  const edition = (await t.deps.db.one(`SELECT id FROM editions ORDER BY id DESC LIMIT 1`))!.id;
  const screens = ['/admin', '/admin/articles', '/admin/articles?status=published&q=tram', `/admin/articles/${id}`, '/admin/articles/new', `/admin/articles/${id}/revisions`, '/admin/settings', '/admin/settings/publication', '/admin/settings/formats?edit=speed-read', '/admin/settings/newsletters', '/admin/settings/mail', '/admin/settings/staff', '/admin/settings/api-keys', '/admin/authors', '/admin/authors/ada-quill', '/admin/stories', '/admin/stories/blindspots', '/admin/newsletters', '/admin/account',
    '/admin/newsletters/subscribers', '/admin/newsletters/subscribers?newsletter=daily&status=confirmed', `/admin/newsletters/subscribers/${person}/delete`, '/admin/outbox', `/admin/outbox/${mail}`, '/admin/front', '/admin/newsletters/embed',
    `/admin/articles/${rev.article_id}/revisions/${rev.id}`, `/admin/articles/${id}/preview`, '/admin/authors/new', '/admin/authors/ada-quill/delete', '/admin/settings/sections', '/admin/settings/sections/politics/delete',
    '/admin/settings/formats/speed-read/delete', '/admin/settings/newsletters/daily/delete', '/admin/newsletters/bounces', `/admin/newsletters/editions/${edition}`, `/admin/newsletters/editions/${edition}/send`,
    `/admin/newsletters/editions/${edition}/cancel`, '/admin/members', `/admin/members/${person}`, '/admin/members/insights', '/admin/members/paywall', '/admin/members/plans',
    '/admin/wire', `/admin/wire/items/${item}`, '/admin/outlets', `/admin/outlets/${outletOf}/delete`, `/admin/stories/${story.id}`];
  const found: string[] = []; // every screen's violations, reported together
  for (const width of [1280, 390]) {
    await page!.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    for (const path of screens) {
      await page!.goto(t.url + path);
      const bad = await axeViolations(page!);
      if (bad.length) found.push(`${path} at ${width} px: ${JSON.stringify(bad)}`);
      // On a phone, list tables stack: each cell says which column it is (data-label), or it reads ": 0".
      const unlabelled = await page!.evaluate(() => [...document.querySelectorAll('table.list td:not([data-label])')].filter((td) => td.textContent!.trim()).map((td) => td.textContent!.trim().slice(0, 40)));
      if (width === 390 && unlabelled.length) found.push(`${path} at 390 px: cells without a column name: ${JSON.stringify(unlabelled.slice(0, 5))}`);
    }
  }
  assert.deepEqual(found, []);
  await page!.setViewportSize({ width: 1280, height: 900 });
  // The CSV import from the browser (multipart upload) and its report.
  await page!.goto(t.url + '/admin/newsletters/subscribers');
  await page!.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('email\nnew@example.org\nnot-an-address\n') });
  await page!.getByRole('button', { name: 'Import' }).click();
  await page!.getByRole('heading', { level: 1, name: 'Import report' }).waitFor();
  assert.equal(await page!.locator('#import-added').textContent(), '1');
  await assertAxeClean(page!, 'import report');
  await page!.setViewportSize({ width: 390, height: 844 });
  await assertAxeClean(page!, 'import report');
  // A phone-sized screen: the same pages stay usable (no horizontal scrolling of the page).
  await page!.setViewportSize({ width: 375, height: 740 });
  for (const path of ['/admin/articles', `/admin/articles/${id}`, '/admin/articles/new', '/admin/newsletters/subscribers', `/admin/outbox/${mail}`, '/admin/newsletters/embed', '/admin', '/admin/outlets', '/admin/front']) {
    await page!.goto(t.url + path);
    const overflow = await page!.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${path} scrolls sideways by ${overflow}px on a phone`);
  }
  // The brand colour's well shows the colour (it was a 2 px line).
  await page!.goto(t.url + '/admin/settings/publication');
  const well = await page!.locator('#pub-accent').boundingBox();
  assert.ok(well && well.width >= 40 && well.height >= 32, `the colour well is ${JSON.stringify(well)}`);
  // The editor on a phone: one column, the publishing panel below the writing area, never over it.
  for (const path of [`/admin/articles/${id}`, '/admin/articles/new']) {
    await page!.goto(t.url + path);
    const [main, side] = await Promise.all(['.editor-main', '.editor-side'].map((sel) => page!.locator(sel).boundingBox()));
    assert.ok(main && side && side.y >= main.y + main.height - 1, `${path}: the side panel starts below the writing area on a phone (${JSON.stringify({ main, side })})`);
    assert.ok(main.width > 300, `${path}: the writing area is ${main.width}px wide on a phone`);
  }
  // The sign-in page, signed out.
  const fresh = await browser!.newContext({ bypassCSP: true });
  const p = await fresh.newPage();
  for (const width of [1280, 390]) {
    await p.setViewportSize({ width, height: 844 });
    await p.goto(t.url + '/admin/signin');
    await assertAxeClean(p, '/admin/signin');
  }
  await fresh.close();
});
