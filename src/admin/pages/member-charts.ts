// Charts for the members screens (src/admin/pages/members.ts), drawn on the server as SVG: no script,
// each panel is labelled), with a title and description for screen readers and the numbers in a
// table beside each chart. Every value is escaped like any other HTML.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { formatNumber } from '../../platform/numbers.ts';

const W = 640;
const PAD = { left: 48, right: 16, top: 16, bottom: 28 };
const COLORS = ['#1d4f91', '#b3361e', '#2f6b2f'];

/** A round axis maximum at or above `max`: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

const fmt = (n: number, locale: string | undefined) => formatNumber(Number.isInteger(n) ? n : Math.round(n * 10) / 10, locale);

function axisTicks(max: number, y: (v: number) => number, x0: number, x1: number, locale: string | undefined): SafeHtml {
  const ticks = [0, max / 2, max];
  return html`${ticks.map(
    (v) => html`<line x1="${x0}" x2="${x1}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd" stroke-width="1"/><text x="${x0 - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#444">${fmt(v, locale)}</text>`,
  )}`;
}

function labelsEvery(labels: string[], x: (i: number) => number, y: number): SafeHtml {
  const step = Math.max(1, Math.ceil(labels.length / 6));
  return html`${labels.map((l, i) => (i % step === 0 || i === labels.length - 1 ? html`<text x="${x(i).toFixed(1)}" y="${y}" text-anchor="middle" font-size="11" fill="#444">${l.slice(5)}</text>` : ''))}`;
}

function dataTable(caption: string, labels: string[], series: Array<{ name: string; values: number[] }>, firstColumn: string, locale: string | undefined): SafeHtml {
  return html`<details class="chart-data"><summary>${caption}: the numbers</summary>
<table class="list"><caption class="visually-hidden">${caption}</caption>
<thead><tr><th scope="col">${firstColumn}</th>${series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
<tbody>${labels.map((l, i) => html`<tr><th scope="row">${l}</th>${series.map((s) => html`<td data-label="${s.name}">${fmt(s.values[i] ?? 0, locale)}</td>`)}</tr>`)}</tbody>
</table></details>`;
}

export interface Series {
  name: string;
  values: number[];
}

/** Lines over time (one value per label), on one linear scale from zero. */
export function lineChart(id: string, title: string, desc: string, labels: string[], series: Series[], locale?: string): SafeHtml {
  const H = 220;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const n = Math.max(1, labels.length - 1);
  const x = (i: number) => PAD.left + (i / n) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const lines = series.map((s, k) => {
    const d = s.values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return html`<path class="chart__line chart__s${k % 6}" d="${d}" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="2.5"${k ? raw(' stroke-dasharray="6 4"') : ''}/>`;
  });
  return html`<figure class="chart" id="${id}">
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${title}</title><desc id="${id}-desc">${desc}</desc>
${axisTicks(max, y, PAD.left, W - PAD.right, locale)}
${lines}
${labelsEvery(labels, x, H - 8)}
</svg>
<figcaption>${title}. <span class="chart__legend">${series.map((s, k) => html`<span class="chart__key chart__s${k % 6}">${s.name}${k ? ' (dashed)' : ''}</span>`)}</span></figcaption>
${dataTable(title, labels, series, 'Week ending', locale)}
</figure>`;
}

/** Bars per label in one panel per series, each on its own scale (the series differ by orders of magnitude). */
export function panelBarChart(id: string, title: string, desc: string, labels: string[], series: Series[], locale?: string): SafeHtml {
  const panelH = 90;
  const H = PAD.top + series.length * (panelH + 18) + PAD.bottom;
  const n = Math.max(1, labels.length);
  const slot = (W - PAD.left - PAD.right) / n;
  const x = (i: number) => PAD.left + i * slot + slot / 2;
  const panels = series.map((s, k) => {
    const top = PAD.top + k * (panelH + 18) + 14;
    const max = niceMax(Math.max(0, ...s.values));
    const y = (v: number) => top + panelH - (v / max) * panelH;
    return html`<text x="${PAD.left}" y="${top - 4}" font-size="12" font-weight="bold" fill="#222">${s.name} (up to ${fmt(max, locale)})</text>
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${top + panelH}" y2="${top + panelH}" stroke="#999"/>
${s.values.map((v, i) => html`<rect x="${(x(i) - slot * 0.35).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(top + panelH - y(v)).toFixed(1)}" class="chart__s${k % 6}" fill="${COLORS[k % COLORS.length]}"><title>${labels[i]}: ${fmt(v, locale)}</title></rect>`)}`;
  });
  return html`<figure class="chart" id="${id}">
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">${title}</title><desc id="${id}-desc">${desc}</desc>
${panels}
${labelsEvery(labels, x, H - 8)}
</svg>
<figcaption>${title}</figcaption>
${dataTable(title, labels, series, 'Week starting', locale)}
</figure>`;
}
