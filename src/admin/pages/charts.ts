// Charts drawn on the server as SVG, for newsroom screens (the dashboard's subscribers, the members'
// growth and funnel): no script, no library, a few hundred bytes each. Every chart is an image with a
// title and a description, followed by the same numbers as a table for screen readers (and for anyone
// who wants the figures), so nothing is only in the picture. Colours come from the newsroom's CSS
// (classes `chart__s0`…), so the brand colour reaches them.
import { escapeHtml as esc, html, raw, type SafeHtml } from '../../platform/html.ts';
import { formatNumber } from '../../platform/numbers.ts';

export interface Series {
  name: string;
  values: number[];
}

export interface ChartInput {
  /** Accessible name: what the chart shows ("Confirmed subscribers per newsletter, last 12 weeks"). */
  title: string;
  /** One label per point (week or day), shown at the ends of the x axis and in the table. */
  labels: string[];
  series: Series[];
  /** Unique on the page: ties the image to its table. */
  id: string;
  /** The publication's locale, for the numbers. */
  locale?: string;
}

const W = 560;
const H = 180;
const PAD = { left: 44, right: 12, top: 10, bottom: 26 };

function fmt(n: number, locale: string | undefined): string {
  return Math.abs(n) >= 10_000 ? `${formatNumber(Math.round(n / 1000), locale)}k` : formatNumber(Math.round(n), locale);
}

/** A round upper bound for the y axis (1, 2, 5 × 10^k), at least 1. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** A line chart of one or more series over the same labels. */
export function lineChart(c: ChartInput): SafeHtml {
  const n = c.labels.length;
  const top = niceMax(Math.max(0, ...c.series.flatMap((s) => s.values)));
  const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / top);
  // Counts are whole numbers: no half-way line whose label would be rounded (0, 1, 1 on an axis to 1; 3 at 2.5).
  const grid = [0, 0.5, 1].filter((f) => Number.isInteger(top * f)).map((f) => {
    const v = top * f;
    return `<line class="chart__grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text class="chart__tick" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v, c.locale)}</text>`;
  });
  const lines = c.series.map((s, k) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const last = s.values.length - 1;
    return `<polyline class="chart__line chart__s${k % 6}" fill="none" points="${pts}"/>` +
      (last >= 0 ? `<circle class="chart__dot chart__s${k % 6}" cx="${x(last).toFixed(1)}" cy="${y(s.values[last]!).toFixed(1)}" r="3"/>` : '');
  });
  const xlabels = n
    ? `<text class="chart__tick" x="${x(0)}" y="${H - 8}" text-anchor="start">${esc(c.labels[0]!)}</text><text class="chart__tick" x="${x(n - 1)}" y="${H - 8}" text-anchor="end">${esc(c.labels[n - 1]!)}</text>`
    : '';
  const desc = c.series.map((s) => `${s.name}: ${fmt(s.values[0] ?? 0, c.locale)} to ${fmt(s.values[s.values.length - 1] ?? 0, c.locale)}`).join('; ');
  return html`<figure class="chart" aria-labelledby="${c.id}-cap">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${c.id}-t ${c.id}-d" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title id="${c.id}-t">${c.title}</title><desc id="${c.id}-d">${desc}</desc>${raw(grid.join('') + lines.join('') + xlabels)}</svg>
<figcaption id="${c.id}-cap">${c.title}${c.series.length > 1 ? html` <span class="chart__legend">${c.series.map((s, k) => html`<span class="chart__key chart__s${k % 6}">${s.name}</span>`)}</span>` : ''}</figcaption>
${dataTable(c)}
</figure>`;
}

/** Horizontal bars: one value per label (a funnel, counts by kind). */
export function barChart(c: { title: string; id: string; bars: Array<{ label: string; value: number }>; locale?: string }): SafeHtml {
  const top = niceMax(Math.max(0, ...c.bars.map((b) => b.value)));
  const rowH = 26;
  const h = c.bars.length * rowH + 4;
  const labelW = 150;
  const bars = c.bars.map((b, i) => {
    const w = ((W - labelW - 60) * b.value) / top;
    const yy = i * rowH + 4;
    return `<text class="chart__label" x="${labelW - 8}" y="${yy + 15}" text-anchor="end">${esc(b.label)}</text><rect class="chart__bar chart__s0" x="${labelW}" y="${yy}" width="${Math.max(0, w).toFixed(1)}" height="${rowH - 8}" rx="2"/><text class="chart__tick" x="${(labelW + w + 6).toFixed(1)}" y="${yy + 15}">${fmt(b.value, c.locale)}</text>`;
  });
  return html`<figure class="chart" aria-labelledby="${c.id}-cap">
<svg viewBox="0 0 ${W} ${h}" role="img" aria-labelledby="${c.id}-t" xmlns="http://www.w3.org/2000/svg"><title id="${c.id}-t">${c.title}: ${c.bars.map((b) => `${b.label} ${fmt(b.value, c.locale)}`).join(', ')}</title>${raw(bars.join(''))}</svg>
<figcaption id="${c.id}-cap">${c.title}</figcaption>
<div class="visually-hidden"><table><caption>${c.title}</caption><tbody>${c.bars.map((b) => html`<tr><th scope="row">${b.label}</th><td>${formatNumber(b.value, c.locale)}</td></tr>`)}</tbody></table></div>
</figure>`;
}

function dataTable(c: ChartInput): SafeHtml {
  // In a hidden div, not a hidden table: a table ignores width: 1px and widened the page on a phone.
  return html`<div class="visually-hidden"><table><caption>${c.title}</caption>
<thead><tr><th scope="col">Period</th>${c.series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
<tbody>${c.labels.map((l, i) => html`<tr><th scope="row">${l}</th>${c.series.map((s) => html`<td>${formatNumber(s.values[i] ?? 0, c.locale)}</td>`)}</tr>`)}</tbody></table></div>`;
}
