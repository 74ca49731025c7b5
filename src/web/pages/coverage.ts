// The spread of a story's coverage for readers (issue 12, part 5): the coverage bar (left, center and
// right: outlets counted once per side) and the headlines on each side, linking to the outlets' own
// pages. Pure functions from data to HTML. The bar is an SVG whose widths are attributes, since the
// site's CSP allows no inline style; its colours come from site.css, its numbers are also text.
import { html, type SafeHtml } from '../../platform/html.ts';
import { formatNumber } from '../../platform/numbers.ts';

export type Side = 'left' | 'center' | 'right';
export const SIDES: readonly Side[] = ['left', 'center', 'right'];
const SIDE_NAME: Record<Side, string> = { left: 'Left', center: 'Center', right: 'Right' };
const LEAN_NAME: Record<string, string> = { left: 'Left', 'lean-left': 'Lean left', center: 'Center', 'lean-right': 'Lean right', right: 'Right' };

export interface CoverageCounts {
  left: number;
  center: number;
  right: number;
}

/** One outlet's piece on a side: its headline, linking to its own page. */
export interface CoverageLink {
  outlet: string;
  lean: string | null;
  title: string;
  /** http(s) only (anything else is rendered unlinked). */
  url: string | null;
}

/**
 * Whole percentages of each side that add up to 100 (largest remainder), or all zero when there is no
 * rated coverage. Widths of the bar's parts.
 */
export function coverageShares(c: CoverageCounts): Record<Side, number> {
  const total = c.left + c.center + c.right;
  if (total <= 0) return { left: 0, center: 0, right: 0 };
  const exact = SIDES.map((s) => ({ s, v: (Math.max(0, c[s]) / total) * 100 }));
  const out = { left: 0, center: 0, right: 0 } as Record<Side, number>;
  let given = 0;
  for (const e of exact) given += out[e.s] = Math.floor(e.v);
  const order = [...exact].sort((a, b) => b.v - Math.floor(b.v) - (a.v - Math.floor(a.v)) || SIDES.indexOf(a.s) - SIDES.indexOf(b.s));
  for (let i = 0; given < 100; i++, given++) out[order[i % 3]!.s]++;
  return out;
}

/** "3 left, 2 center, 1 right": what the bar says, for its label and for screen readers (numbers in `locale`). */
export function coverageSummary(c: CoverageCounts, locale?: string): string {
  const n = (k: number, s: string) => `${formatNumber(k, locale)} ${s}`;
  return `${n(c.left, 'left')}, ${n(c.center, 'center')}, ${n(c.right, 'right')}`;
}

/** The bar itself, with its counts as text beside it (in the publication's `locale`). */
export function coverageBar(c: CoverageCounts, locale?: string): SafeHtml {
  const shares = coverageShares(c);
  const total = c.left + c.center + c.right;
  let x = 0;
  const rects = SIDES.filter((s) => shares[s] > 0).map((s) => {
    const r = html`<rect class="coverage-${s}" x="${x}" y="0" width="${shares[s]}" height="10"></rect>`;
    x += shares[s];
    return r;
  });
  const label = total ? `Coverage by outlets’ lean: ${coverageSummary(c, locale)}` : 'No outlet with a rated lean has covered this story yet';
  return html`<div class="coverage-bar">
  <svg class="coverage-svg" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${label}" focusable="false">${total ? rects : html`<rect class="coverage-none" x="0" y="0" width="100" height="10"></rect>`}</svg>
  <ul class="coverage-counts">${SIDES.map((s) => html`<li class="coverage-count coverage-count-${s}"><span class="coverage-side">${SIDE_NAME[s]}</span> <strong>${formatNumber(c[s], locale)}</strong></li>`)}</ul>
</div>`;
}

function safeHttp(u: string | null): string | null {
  if (!u) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The headlines of one side, each linking out to its outlet's page. */
export function coverageLinks(side: Side, links: CoverageLink[], headingLevel: 3 | 2 = 3): SafeHtml {
  const id = `coverage-side-${side}`;
  const heading = headingLevel === 2 ? html`<h2 id="${id}">${SIDE_NAME[side]}</h2>` : html`<h3 id="${id}">${SIDE_NAME[side]}</h3>`;
  const items = links.map((l) => {
    const url = safeHttp(l.url);
    const lean = l.lean && LEAN_NAME[l.lean] ? html` <span class="coverage-lean">${LEAN_NAME[l.lean]}</span>` : '';
    return html`<li><span class="coverage-outlet">${l.outlet}</span>${lean}: ${url ? html`<a href="${url}" rel="nofollow noopener" class="coverage-link">${l.title}</a>` : l.title}</li>`;
  });
  return html`<section class="coverage-side coverage-side--${side}" aria-labelledby="${id}">${heading}${links.length ? html`<ul>${items}</ul>` : html`<p class="coverage-empty">No coverage from the ${side} yet.</p>`}</section>`;
}

export interface HowItWasCovered {
  /** The story's public page ('' when it has none). */
  storyPath: string;
  counts: CoverageCounts;
  outlets: number;
  blindspot: Side | null;
  sides: Record<Side, CoverageLink[]>;
  /** The publication's locale, for the numbers. */
  locale?: string;
}

/** "How it was covered" beside an article: outside its <article>, so reader modes never take it in. */
export function howItWasCovered(h: HowItWasCovered): SafeHtml {
  return html`<aside class="coverage" aria-labelledby="coverage-title">
  <h2 id="coverage-title">How it was covered</h2>
  <p class="coverage-intro">${formatNumber(h.outlets, h.locale)} outlet${h.outlets === 1 ? '' : 's'} covered this story.${h.blindspot ? html` <strong class="coverage-blindspot">A blindspot for the ${h.blindspot}</strong>: few outlets there have covered it.` : ''}</p>
  ${coverageBar(h.counts, h.locale)}
  <div class="coverage-sides">${SIDES.map((s) => coverageLinks(s, h.sides[s].slice(0, 3)))}</div>
  ${h.storyPath ? html`<p class="coverage-more"><a href="${h.storyPath}">All the coverage of this story</a></p>` : ''}
</aside>`;
}
