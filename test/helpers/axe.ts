// axe-core in the browser tests: inject it into a Playwright page (the context needs bypassCSP: the
// app's strict CSP forbids injected scripts, and the pages are otherwise served as they are), run the
// WCAG 2.0-2.2 A/AA rules and the best practices, and fail on serious or critical violations.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Every WCAG A/AA level up to 2.2 and axe's best practices (a superset of axe's default rules, less AAA). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  /** Up to three of the elements concerned, as CSS selectors. */
  targets: string[];
}

/** The serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const all: AxeViolation[] = await page.evaluate(async (tags) => {
    const r = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  }, AXE_TAGS);
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with the violations listed when the page as it is now has a serious or critical one. */
export async function assertAxeClean(page: Page, what: string): Promise<void> {
  const bad = await axeViolations(page);
  assert.deepEqual(bad, [], `${what} (${page.viewportSize()?.width ?? '?'} px): ${JSON.stringify(bad, null, 1)}`);
}
