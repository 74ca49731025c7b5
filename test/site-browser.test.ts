// The public site in headless Chromium (Debian's chromium via playwright-core): accessibility of every
// page kind with axe-core (no serious or critical violations, WCAG 2.x A/AA rules), keyboard skip link,
// and the newsletter sign-up box both with JavaScript (message in the aria-live region, in place) and
// without it (the form posts and the server answers with a page). One browser launch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { assertAxeClean } from './helpers/axe.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const run = present ? test : test.skip;
if (!present) console.log(`# ${CHROMIUM} is absent: the browser tests are skipped (apt-get install chromium)`);

const NOW = '2026-11-20T12:00:00Z';
// SITE_URL is the loopback origin the browser uses, so the sign-up's origin check sees a same-site post.
const t = await startTestApp({ now: NOW, env: { SIGNUP_LIMIT_PER_IP: '0', SIGNUP_LIMIT_PER_ADDRESS: '0' } });
await seedFixtures(t.deps.db, new Date(NOW));
await seedNewsletters(t.deps.db);
const origin = t.url;
// The app's absolute URLs come from SITE_URL; point it at the test server for the browser.
(t.deps.config as { siteUrl: string }).siteUrl = origin;

const { chromium } = await import('playwright-core');
const browser = present ? await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] }) : null;
after(() => browser?.close());

run('every public page kind passes axe-core without serious or critical violations', async () => {
  // bypassCSP only so the test can inject axe; the pages themselves are served with the strict CSP.
  const context = await browser!.newContext({ bypassCSP: true });
  const page = await context.newPage();
  for (const path of ['/', '/riverside-tram', '/section/politics', '/format/speed-read', '/tag/transport', '/author/ada-quill', '/search?q=tram', '/search?q=nothing-matches', '/no-such-page', '/newsletters/daily']) {
    const res = await page.goto(origin + path);
    assert.ok(res, path);
    await assertAxeClean(page, path);
  }
  await context.close();
});

run('keyboard: the first Tab reaches the skip link, which moves focus to the main content', async () => {
  const context = await browser!.newContext();
  const page = await context.newPage();
  await page.goto(origin + '/riverside-tram');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  await context.close();
});

run('sign-up box with JavaScript: the server’s message appears in place in the aria-live region', async () => {
  const context = await browser!.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // (The browser logs the 400 answer to the bad address below as a console error; that is expected.)
  await page.goto(origin + '/riverside-tram');
  const form = page.locator('form.signup-form');
  await form.getByLabel('Email address').fill('reader@example.com');
  await form.getByRole('button', { name: 'Sign up' }).click();
  const status = form.locator('.signup-status');
  await status.filter({ hasText: 'Thank you' }).waitFor();
  assert.equal(await status.textContent(), 'Thank you for signing up. You will receive a verification email shortly.');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  assert.equal(page.url(), origin + '/riverside-tram', 'no navigation');
  const row = await t.deps.db.one(`SELECT s.status FROM subscriptions s JOIN people p ON p.id = s.person_id WHERE p.email_normalized = 'reader@example.com'`);
  assert.equal(row?.status, 'pending');
  // A bad address gets a clear message from the server (the browser's own check is bypassed).
  await page.evaluate(() => document.querySelector<HTMLInputElement>('form.signup-form input[type=email]')!.setAttribute('type', 'text'));
  await form.getByLabel('Email address').fill('not-an-address');
  await form.getByRole('button', { name: 'Sign up' }).click();
  await status.filter({ hasNotText: /Thank you|Signing you up/ }).waitFor();
  const message = (await status.textContent())!;
  assert.match(message, /email/i);
  assert.doesNotMatch(message, /Thank you/);
  assert.deepEqual(errors, [], 'no script errors');
  await context.close();
});

run('sign-up box without JavaScript: the form posts and the server answers with a page', async () => {
  const context = await browser!.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(origin + '/');
  const form = page.locator('form.signup-form');
  await form.getByLabel('Email address').fill('nojs@example.com');
  await Promise.all([page.waitForLoadState('load'), form.getByRole('button', { name: 'Sign up' }).click()]);
  await page.waitForURL((u) => u.pathname !== '/');
  const main = (await page.textContent('main'))!;
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Thank you for signing up');
  assert.match(main, /We have sent an email to nojs@example\.com\. Press the button in it to start receiving:/);
  assert.equal(main.split('Thank you for signing up').length - 1, 1, 'the thanks once, in the heading');
  await context.close();
});
