// The walls and the account pages in headless Chromium (Debian's chromium via playwright-core): axe-core
// finds no serious or critical violations on the registration wall, the plans wall, the meter banner,
// register, sign in, "check your inbox", the plans page and the account page; and the registration
// wall is reachable and usable by keyboard alone (Tab to its form, type, Enter: the reader is asked to
// check their inbox). One browser launch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { assertAxeClean } from './helpers/axe.ts';
import { startFakeStripe, WEBHOOK_SECRET } from './helpers/stripe-server.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { createArticle } from '../src/articles/write.ts';
import { upsertPlan } from '../src/members/subscriptions.ts';
import { createMemberSession } from '../src/members/accounts.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const run = present ? test : test.skip;
if (!present) console.log(`# ${CHROMIUM} is absent: the browser tests are skipped (apt-get install chromium)`);

const NOW = '2026-11-20T12:00:00Z';
const fake = await startFakeStripe();
const t = await startTestApp({ now: NOW, env: { STRIPE_SECRET_KEY: 'sk_test_browser1', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url, MEMBER_LINK_LIMIT_PER_IP: '0', MEMBER_LINK_LIMIT_PER_ADDRESS: '0' } });
const { db } = t.deps;
const origin = t.url;
(t.deps.config as { siteUrl: string }).siteUrl = origin;
await seedNewsletters(db);
await upsertPlan(db, { slug: 'digital', name: 'Digital', currency: 'gbp', monthly_amount: 900, yearly_amount: 9000, stripe_price_monthly: 'price_m', stripe_price_yearly: 'price_y', features: ['Every article'] });
const now = new Date(NOW);
const at = (h: number) => new Date(now.getTime() - h * 3600_000);
const body = 'The first paragraph.\n\nThe second paragraph.\n\n<!--paywall-->\n\nThe rest of the story.';
for (let i = 1; i <= 4; i++) await createArticle(db, { headline: `Metered story ${i}`, slug: `metered-${i}`, body, status: 'published', publishedAt: at(i) }, { now });
await createArticle(db, { headline: 'A story for subscribers', slug: 'for-subscribers', body, access: 'paid', status: 'published', publishedAt: at(6) }, { now });
const reader = await db.one<{ id: number }>(`INSERT INTO people (email, email_normalized, name, account_at) VALUES ('reader@example.org', 'reader@example.org', 'Rea Der', $1) RETURNING id`, [now]);

const { chromium } = await import('playwright-core');
const browser = present
  ? await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] })
  : null;
after(() => browser?.close());

const axe = assertAxeClean;

run('the walls, the banner and the account pages pass axe-core without serious or critical violations', { timeout: 120_000 }, async () => {
  const context = await browser!.newContext({ bypassCSP: true });
  const page = await context.newPage();
  // The meter's banner on the first metered article, then the registration wall on the fourth.
  await page.goto(origin + '/metered-1');
  assert.match((await page.locator('.meter-banner').textContent()) ?? '', /2 free articles left this month/);
  await axe(page, 'metered article with the banner');
  await page.goto(origin + '/metered-2');
  await page.goto(origin + '/metered-3');
  await page.goto(origin + '/metered-4');
  assert.equal(await page.locator('#paywall-title').textContent(), 'Continue reading for free');
  assert.equal(await page.getByText('The rest of the story.').count(), 0, 'the gated text is not in the page');
  await axe(page, 'registration wall');
  await page.goto(origin + '/for-subscribers');
  assert.equal(await page.locator('#paywall-title').textContent(), 'This story is for subscribers');
  await axe(page, 'plans wall');
  for (const path of ['/account/register', '/account/signin', '/subscribe']) {
    await page.goto(origin + path);
    await axe(page, path);
  }
  // Signed in: the account page and the plans page with its buy buttons.
  const s = await createMemberSession(db, reader!.id, t.clock.now());
  await context.addCookies([{ name: 'nd_member', value: s.id, url: origin, httpOnly: true }]);
  await page.goto(origin + '/account');
  assert.equal(await page.locator('h1').textContent(), 'Your account');
  await axe(page, '/account');
  await page.goto(origin + '/subscribe');
  assert.equal(await page.getByRole('button', { name: /Subscribe monthly/ }).count(), 1);
  await axe(page, '/subscribe signed in');
  await context.close();
});

run('the registration wall is reachable and usable by keyboard alone', { timeout: 120_000 }, async () => {
  const context = await browser!.newContext();
  const page = await context.newPage();
  for (let i = 1; i <= 4; i++) await page.goto(origin + `/metered-${i}`);
  assert.equal(await page.locator('#paywall-title').textContent(), 'Continue reading for free');
  // Tab from the top of the page until the wall's email field has focus.
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'register-email-wall');
  }
  assert.ok(reached, 'Tab reaches the wall’s email field');
  // Its label says what it is.
  assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement).labels?.[0]?.textContent), 'Email address');
  await page.keyboard.type('keyboard.reader@example.org');
  // On to the submit button (name field, then any newsletter choices), and Enter.
  let onButton = false;
  for (let i = 0; i < 10 && !onButton; i++) {
    await page.keyboard.press('Tab');
    onButton = await page.evaluate(() => document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent === 'Register for free');
  }
  assert.ok(onButton, 'Tab reaches the register button');
  await Promise.all([page.waitForURL(origin + '/account/register'), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('h1').textContent(), 'Check your inbox');
  const job = await db.one(`SELECT 1 FROM jobs WHERE name = 'members.send_signin_link' AND payload->>'email' = 'keyboard.reader@example.org'`);
  assert.ok(job, 'a sign-in link is on its way');
  await context.close();
});
