// The Stories screens and a public story page in headless Chromium (Debian's chromium driven by
// playwright-core) with axe-core (issue 12, "done means"): today's ranking with its coverage bars, a
// story's page with the bar and the headlines per side, and an editor's rename, pin, hide, merge and
// split done with the keyboard through the real forms (CSRF and all); then the public /story/{slug}
// page. No serious or critical axe violations at 1280 and at 390 px wide. One browser launch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { startTestApp } from './helpers/app.ts';
import { assertAxeClean } from './helpers/axe.ts';
import { seedPublication } from '../src/publication/setup.ts';
import { createStaff } from '../src/staff/staff.ts';
import { INVITE_LINK_TTL, signInLink } from '../src/staff/signin.ts';

const T = { timeout: 180_000 };
const NOW = '2026-11-20T12:00:00Z';
const CHROMIUM = '/usr/bin/chromium';
const present = fs.existsSync(CHROMIUM);
const run = present ? test : test.skip;
if (!present) console.log(`# ${CHROMIUM} is absent: the browser tests are skipped (apt-get install chromium)`);

// The demo: articles, the demo wire clustered into stories, an article of ours on a wire story.
const t = await startTestApp({ now: NOW, env: { DEMO_CONTENT: 'true' } });
(t.deps.config as { siteUrl: string }).siteUrl = t.url;
await seedPublication(t.deps);
const db = t.deps.db;
const river = await db.one<{ slug: string; story_key: string }>(`SELECT slug, story_key FROM articles WHERE slug = 'the-river-bridge-gets-its-green-light'`);
const editor = await createStaff(db, { email: 'stories-editor@example.com', role: 'editor', name: 'Stella Editor' });

// Launched before any test is declared (a top-level await after a test lets the runner end the file).
const { chromium } = await import('playwright-core');
const browser = present
  ? await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] })
  : null;
after(() => browser?.close());
const axe = assertAxeClean;

/** axe at both widths (1280 and 390 px), then back to 1280. */
async function axeBothWidths(page: Page, path: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(t.url + path);
    await axe(page, `${path} at ${width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function storyRow(id: number) {
  return (await db.one<{ title: string; pinned: boolean; hidden: boolean; merged_into: string | null; item_count: number; title_by_editor: boolean }>(
    `SELECT title, pinned, hidden, merged_into, item_count, title_by_editor FROM wire_stories WHERE id = $1`,
    [id],
  ))!;
}

/** Focus an element by pressing Tab from the one before it in the page (what a keyboard user does). */
async function tabTo(page: Page, selector: string, maxTabs = 400): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  throw new Error(`${selector} is not reachable with Tab`);
}

run('the Stories screen ranks the day with coverage bars; a story shows its bar and headlines per side; axe at 1280 and 390 px', T, async () => {
  const context = await browser!.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(signInLink(t.deps, editor.id, INVITE_LINK_TTL).replace(/^https?:\/\/[^/]+/, t.url));
  await page.getByRole('button', { name: /Sign in/ }).click();
  await page.waitForURL(t.url + '/admin');

  await page.goto(t.url + '/admin/stories');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Stories');
  const rows = page.locator('#stories-live .story-list:not(.story-list--hidden) > .story-row');
  const n = await rows.count();
  assert.ok(n >= 3, `the demo wire ranks several stories today (${n})`);
  const ranks = await rows.locator('.story-row__rank').allTextContents();
  assert.deepEqual(ranks.map((r) => r.trim()), ranks.map((_, i) => String(i + 1)), 'ranked 1, 2, 3, ...');
  // Each row has a coverage bar whose parts sum to the whole, with the counts in its label.
  const bar = rows.first().locator('svg.coverage__bar');
  assert.match((await bar.getAttribute('aria-label')) ?? '', /^Coverage: \d+ left, \d+ center, \d+ right \(\d+ outlets? in all\)$/);
  const box = await bar.boundingBox();
  assert.ok(box && box.width > 100, `the bar is drawn (${JSON.stringify(box)})`);
  await axeBothWidths(page, '/admin/stories');
  // A refused day: the message beside the field, which says it is invalid and is described by it.
  await axeBothWidths(page, '/admin/stories?date=25%2F11%2F2026');
  assert.equal(await page.locator('#stories-day').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#stories-day').inputValue(), '25/11/2026');
  assert.ok(await page.locator('#stories-day-error').isVisible());

  // The top story's page: its bar and headlines in a column per side.
  const topTitle = (await rows.first().locator('.story-row__title a').textContent())!.trim();
  await rows.first().locator('.story-row__title a').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/stories\/\d+$/);
  assert.equal((await page.getByRole('heading', { level: 1 }).textContent())!.trim(), topTitle);
  const id = Number(/stories\/(\d+)$/.exec(page.url())![1]);
  const s = await db.one<{ left_count: number; center_count: number; right_count: number }>(`SELECT left_count, center_count, right_count FROM wire_stories WHERE id = $1`, [id]);
  assert.match((await page.locator('svg.coverage__bar').first().getAttribute('aria-label'))!, new RegExp(`^Coverage: ${s!.left_count} left, ${s!.center_count} center, ${s!.right_count} right`));
  for (const side of ['left', 'center', 'right'] as const) {
    const col = page.locator(`section.side--${side}`);
    assert.equal(await col.getByRole('heading', { level: 3 }).count(), 1, `a ${side} column`);
    const outlets = s![`${side}_count` as const];
    if (outlets > 0) assert.ok((await col.locator('ul.headlines > li').count()) >= outlets, `${side}: a headline per outlet at least`);
    else assert.match((await col.textContent()) ?? '', /No coverage from the/);
  }
  await axeBothWidths(page, `/admin/stories/${id}`);
  await axeBothWidths(page, '/admin/stories/blindspots');
  await context.close();
});

run('an editor renames, pins, hides, merges and splits a story with the keyboard, through the forms', T, async () => {
  const context = await browser!.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(signInLink(t.deps, editor.id, INVITE_LINK_TTL).replace(/^https?:\/\/[^/]+/, t.url));
  await page.getByRole('button', { name: /Sign in/ }).click();
  await page.waitForURL(t.url + '/admin');
  // Two stories of today with more than one item: one takes the other in, then gives items back.
  await page.goto(t.url + '/admin/stories');
  const today = (await page.locator('#stories-live .story-row__title a').evaluateAll((els) => els.map((e) => e.getAttribute('href')))).map((h) => Number(/(\d+)$/.exec(h!)![1]));
  const two = await db.query<{ id: string; title: string }>(
    `SELECT id, title FROM wire_stories WHERE id = ANY($1::bigint[]) AND merged_into IS NULL AND NOT hidden AND NOT pinned AND item_count >= 2 ORDER BY outlet_count DESC, id LIMIT 2`,
    [today],
  );
  assert.equal(two.length, 2, 'the demo wire has two stories of several items');
  const a = Number(two[0]!.id);
  const b = Number(two[1]!.id);

  // Rename: type the title and press Enter in the field.
  await page.goto(`${t.url}/admin/stories/${a}`);
  await tabTo(page, '#story-title');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Harbour <plan> "approved"');
  await page.keyboard.press('Enter');
  await page.waitForURL(/notice=story_renamed/);
  assert.equal((await page.getByRole('heading', { level: 1 }).textContent())!.trim(), 'Harbour <plan> "approved"', 'shown as text, escaped');
  assert.deepEqual([(await storyRow(a)).title, (await storyRow(a)).title_by_editor], ['Harbour <plan> "approved"', true]);
  // An empty title is refused with the reason, and nothing changes.
  await tabTo(page, '#story-title');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('   ');
  const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/admin/stories/${a}/rename`)), page.keyboard.press('Enter')]);
  assert.equal(refused.status(), 400);
  await page.getByText('Give the story a title.').waitFor();
  assert.equal((await storyRow(a)).title, 'Harbour <plan> "approved"');

  // Pin with Enter, hide with Space: both on the story's own buttons.
  await page.goto(`${t.url}/admin/stories/${a}`);
  await page.locator('.story-actions').getByRole('button', { name: /^Pin/ }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/notice=story_pinned/);
  assert.equal((await storyRow(a)).pinned, true);
  await page.goto(t.url + '/admin/stories');
  assert.equal((await page.locator('#stories-live .story-row').first().locator('.story-row__title a').textContent())!.trim(), 'Harbour <plan> "approved"', 'a pinned story leads the ranking');
  await page.locator('#stories-live .story-row').first().getByRole('button', { name: /^Unpin/ }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/notice=story_unpinned/);
  assert.equal((await storyRow(a)).pinned, false);

  await page.goto(`${t.url}/admin/stories/${b}`);
  await page.locator('.story-actions').getByRole('button', { name: /^Hide/ }).focus();
  await page.keyboard.press('Space');
  await page.waitForURL(/notice=story_hidden/);
  assert.equal((await storyRow(b)).hidden, true);
  await page.goto(t.url + '/admin/stories');
  assert.equal(await page.locator(`.story-list--hidden a[href="/admin/stories/${b}"]`).count(), 1, 'listed under "Hidden from the ranking"');
  await page.locator('.story-list--hidden .story-row').filter({ has: page.locator(`a[href="/admin/stories/${b}"]`) }).getByRole('button', { name: /^Show/ }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/notice=story_shown/);
  assert.equal((await storyRow(b)).hidden, false);

  // Merge b into a: type its number in the field, Tab to the button, Enter.
  const itemsA = (await storyRow(a)).item_count;
  const itemsB = (await storyRow(b)).item_count;
  await page.goto(`${t.url}/admin/stories/${a}`);
  await tabTo(page, '#merge-id');
  await page.keyboard.type(String(b));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Merge into this story');
  await page.keyboard.press('Enter');
  await page.waitForURL(/notice=story_merged/);
  assert.equal(Number((await storyRow(b)).merged_into), a);
  assert.equal((await storyRow(a)).item_count, itemsA + itemsB);
  // The merged story's address leads to the one it went into.
  await page.goto(`${t.url}/admin/stories/${b}`);
  assert.match(page.url(), new RegExp(`/admin/stories/${a}\\?notice=story_merged_away`));
  // Merging a story into itself is refused with the reason.
  await page.goto(`${t.url}/admin/stories/${a}`);
  await tabTo(page, '#merge-id');
  await page.keyboard.type(String(a));
  await page.keyboard.press('Enter');
  await page.getByText('A story cannot be merged with itself.').waitFor();

  // Split: tick two items with Space, then Enter on "Split off the ticked items".
  await page.goto(`${t.url}/admin/stories/${a}`);
  const boxes = page.locator('input[type=checkbox][form="split-form"]');
  assert.equal(await boxes.count(), itemsA + itemsB);
  const ids: number[] = [];
  for (const i of [0, 1]) {
    await boxes.nth(i).focus();
    await page.keyboard.press('Space');
    ids.push(Number(await boxes.nth(i).getAttribute('value')));
  }
  await page.getByRole('button', { name: 'Split off the ticked items' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/stories\/\d+\?notice=story_split/);
  const fresh = Number(/stories\/(\d+)\?/.exec(page.url())![1]);
  assert.notEqual(fresh, a);
  const moved = (await db.query<{ id: string }>(`SELECT id FROM wire_items WHERE story_id = $1 ORDER BY id`, [fresh])).map((r) => Number(r.id));
  assert.deepEqual(moved, ids.sort((x, y) => x - y));
  assert.equal((await storyRow(a)).item_count, itemsA + itemsB - 2);
  // Every decision is recorded with its editor, and listed on the story.
  const kinds = (await db.query<{ kind: string }>(`SELECT kind FROM wire_story_decisions WHERE staff_id = $1 ORDER BY id`, [editor.id])).map((r) => r.kind);
  assert.deepEqual(kinds, ['rename', 'pin', 'pin', 'hide', 'hide', 'merge', 'split']);
  await page.goto(`${t.url}/admin/stories/${a}`);
  assert.match((await page.locator('ul.decisions').textContent()) ?? '', /Stella Editor split 2 item\(s\) off/);
  await axe(page, `/admin/stories/${a} after the decisions`);
  await context.close();
});

run('a public story page (/story/{slug}) shows our article and the coverage by side; axe at 1280 and 390 px', T, async () => {
  assert.ok(river?.story_key, 'the demo article is on a wire story');
  const context = await browser!.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const path = '/story/' + river!.story_key;
  const res = await page.goto(t.url + path);
  assert.equal(res?.status(), 200);
  assert.ok((await page.getByRole('link', { name: /The river bridge gets its green light/ }).count()) >= 1, 'our article is listed');
  const widths = await page.locator('.coverage-svg rect').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
  assert.equal(widths.reduce((x, y) => x + y, 0), 100, 'the bar parts make the whole');
  assert.ok((await page.locator('.coverage-link').count()) >= 1, 'links to the coverage');
  await axeBothWidths(page, path);
  // At 390 px nothing runs off the side.
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(t.url + path);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 390 px (${overflow} px too wide)`);
  await context.close();
});
