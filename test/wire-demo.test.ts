// The demo draws on the wire (issue 12, part 6 and "done means"): the demo's articles on its wire
// stories show "How it was covered", have a public story page, and lead the daily digest; and a public
// story page in headless Chromium passes axe-core with the site's strict CSP intact.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestApp } from './helpers/app.ts';
import { assertAxeClean } from './helpers/axe.ts';
import { seedPublication } from '../src/publication/setup.ts';
import { buildEdition } from '../src/newsletters/editions.ts';
import { wireRanks } from '../src/newswire/coverage/coverage.ts';
import { upsertNewsletter } from '../src/newsletters/newsletters.ts';
import { createStaff } from '../src/staff/staff.ts';
import { INVITE_LINK_TTL, signInLink } from '../src/staff/signin.ts';

const T = { timeout: 120_000 };
const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW, env: { DEMO_CONTENT: 'true' } });
(t.deps.config as { siteUrl: string }).siteUrl = t.url;
await seedPublication(t.deps);
const db = t.deps.db;
const river = await db.one<{ slug: string; story_key: string; id: number }>(`SELECT id, slug, story_key FROM articles WHERE slug = 'the-river-bridge-gets-its-green-light'`);

// The browser is launched before any test is declared: a top-level await after a test lets the
// runner finish the file (and close the server) early.
const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const run = present ? test : test.skip;
const { chromium } = await import('playwright-core');
const browser = present
  ? await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] })
  : null;
after(() => browser?.close());

test('the demo: an article on a wire story shows how it was covered, and its story has a page', T, async () => {
  assert.ok(river?.story_key, 'the demo article is linked to a demo wire story');
  const story = await db.one<{ outlet_count: number; left_count: number; center_count: number; right_count: number }>(`SELECT * FROM wire_stories WHERE slug = $1`, [river!.story_key]);
  // How many outlets the demo story gathers is the clusterer's quality (bench/cluster-quality.ts); this
  // test checks that the article shows whatever the story has.
  assert.ok(story && story.outlet_count >= 1, 'the demo article is on a story with coverage');
  const page = await (await t.get('/' + river!.slug)).text();
  assert.ok(page.indexOf('How it was covered') > page.indexOf('</article>'));
  assert.ok(page.includes(`${story!.left_count} left, ${story!.center_count} center, ${story!.right_count} right`));
  assert.ok(page.includes(`href="/story/${river!.story_key}"`));
  const sp = await t.get('/story/' + river!.story_key);
  assert.equal(sp.status, 200);
  const html = await sp.text();
  assert.match(html, /The river bridge gets its green light, ten years on/);
  assert.ok(html.includes('class="coverage-outlet"'), 'the story page lists the coverage by outlet');
});

test('the demo digest draws on the wire: our article on the day’s biggest story leads', T, async () => {
  const e = await buildEdition(t.deps, 'daily');
  assert.ok(e.items.length >= 2);
  const ranks = await wireRanks(db, { now: new Date(NOW), top: 10 });
  const keys = await db.query<{ id: number; story_key: string | null }>(`SELECT id, story_key FROM articles WHERE id = ANY($1::int[])`, [e.items.map((i) => i.id)]);
  const rankOf = (id: number) => ranks.get(keys.find((k) => k.id === id)?.story_key ?? '') ?? Infinity;
  const lead = rankOf(e.items[0]!.id);
  assert.ok(Number.isFinite(lead), `led by an article on a top wire story (${e.items[0]!.headline})`);
  for (const it of e.items) assert.ok(rankOf(it.id) >= lead, `${it.headline} is on a bigger story than the lead`);
  assert.ok(e.items.some((i) => i.id === river!.id), 'the river bridge Speed Read is in the digest');
});


run('a public story page and "How it was covered" pass axe-core; the bar is drawn under the strict CSP', T, async () => {
  const paths = ['/story/' + river!.story_key, '/' + river!.slug];
  // Under the real CSP: nothing refused, and the bar has its width.
  const strict = await browser!.newContext();
  const sp = await strict.newPage();
  const refused: string[] = [];
  sp.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  for (const p of paths) {
    const res = await sp.goto(t.url + p);
    assert.equal(res?.status(), 200, p);
    const box = await sp.locator('.coverage-svg').first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 4, `${p}: the bar is drawn (${JSON.stringify(box)})`);
    const widths = await sp.locator('.coverage-svg rect').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
    assert.equal(widths.reduce((a, b) => a + b, 0), 100);
  }
  assert.deepEqual(refused, []);
  await strict.close();
  // axe needs its script injected: bypassCSP for that only.
  const context = await browser!.newContext({ bypassCSP: true });
  const page = await context.newPage();
  for (const p of paths) {
    await page.goto(t.url + p);
    await assertAxeClean(page, p);
  }
  // Keyboard: the links to the outlets are reachable and say where they go.
  const first = page.locator('.coverage-link').first();
  assert.match((await first.getAttribute('href')) ?? '', /^https:\/\/[a-z-]+\.example\//);
  await context.close();
});

run('the composer in the browser: "Draft a brief" beside a story we have not covered, accessible, and it drafts', T, async () => {
  const staff = await createStaff(db, { email: 'demo-editor@example.com', role: 'editor', name: 'Demo Editor' });
  const n = await upsertNewsletter(db, { slug: 'browser-digest', name: 'Browser digest', rules: {} });
  const e = await buildEdition(t.deps, n.slug);
  const context = await browser!.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(signInLink(t.deps, staff.id, INVITE_LINK_TTL).replace(/^https?:\/\/[^/]+/, t.url));
  await page.getByRole('button', { name: /Sign in/ }).click();
  await page.waitForURL(t.url + '/admin');
  await page.goto(`${t.url}/admin/newsletters/editions/${e.id}`);
  await page.getByRole('heading', { name: 'On the wire, not covered yet' }).waitFor();
  await assertAxeClean(page, 'the composer with "On the wire, not covered yet"');
  const button = page.getByRole('button', { name: /^Draft a brief: / }).first();
  const label = (await button.getAttribute('aria-label'))!.replace(/^Draft a brief: /, '');
  await button.click();
  await page.waitForURL(/\/admin\/articles\/\d+\?notice=brief_drafted/);
  await page.getByText('Brief drafted from the story’s coverage').waitFor();
  const id = Number(/articles\/(\d+)/.exec(page.url())![1]);
  const a = await db.one<{ headline: string; status: string; story_key: string }>(`SELECT headline, status, story_key FROM articles WHERE id = $1`, [id]);
  assert.equal(a!.status, 'draft');
  assert.equal(a!.headline, label);
  await context.close();
});
