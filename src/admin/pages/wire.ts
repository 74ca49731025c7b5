// The newswire's screens: the Outlets screen (each outlet's lean, feeds and health: last poll, last
// new item, errors, items per day; add, pause, resume, delete) and the wire (the river of items with
// filters by outlet, lean, language and search; an item's extracted text beside a link to the
// original). Outlet text is escaped by the html templates; extracted HTML is never shown here.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { formatNumber } from '../../platform/numbers.ts';
import type { Feed, Outlet, OutletDeletionImpact } from '../../newswire/outlets.ts';
import { LEANS } from '../../newswire/outlets.ts';
import type { WireItem } from '../../newswire/items.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import { when } from './articles.ts';

export const WIRE_PATH = '/admin/wire';
export const OUTLETS_PATH = '/admin/outlets';
export const WIRE_PER_PAGE = 50;

const LEAN_LABEL: Record<string, string> = { left: 'Left', 'lean-left': 'Lean left', center: 'Center', 'lean-right': 'Lean right', right: 'Right', mixed: 'Mixed', unrated: 'Unrated' };

function lean(l: string): SafeHtml {
  return html`<span class="lean lean--${l}">${LEAN_LABEL[l] ?? l}</span>`;
}

function d(v: string | null, tz: string, locale: string | undefined): string {
  return v ? when(new Date(v), tz, locale) : 'never';
}

export interface OutletForm {
  name?: string;
  url?: string;
  feeds?: string;
  lean?: string;
  country?: string;
  language?: string;
  fetch?: boolean;
}

const WEBSUB_STATE: Record<string, string> = {
  requested: 'pending: asked the hub, waiting for it to verify',
  subscribed: 'verified',
  denied: 'refused by the hub',
  unsubscribing: 'ending: asked the hub to unsubscribe',
};

/** A feed's WebSub state (decision 0043): whether it advertises a hub, and our subscription to it. */
export function websubState(f: Feed, websubOn: boolean, tz: string, locale: string | undefined): SafeHtml {
  if (!f.websub_hub) return html`<small class="websub">Push: no WebSub hub advertised</small>`;
  let host = f.websub_hub;
  try {
    host = new URL(f.websub_hub).host;
  } catch {
    /* shown as given */
  }
  const state =
    f.websub_state === 'none'
      ? websubOn
        ? 'not subscribed yet (the next poll run asks the hub)'
        : 'not subscribed (push is off: WIRE_WEBSUB)'
      : WEBSUB_STATE[f.websub_state] ?? f.websub_state;
  const parts: SafeHtml[] = [];
  if (f.websub_state === 'requested' || f.websub_state === 'denied' || f.websub_state === 'unsubscribing') parts.push(html`asked ${d(f.websub_requested_at, tz, locale)}`);
  if (f.websub_lease_until) parts.push(html`lease until ${d(f.websub_lease_until, tz, locale)}`);
  if (f.websub_state === 'subscribed' || f.websub_last_push_at) parts.push(html`last push ${d(f.websub_last_push_at, tz, locale)}`);
  return html`<small class="websub">Push: hub <span title="${f.websub_hub}">${host}</span>, <span class="websub__state websub__state--${f.websub_state}">${state}</span>${parts.map((p) => html`; ${p}`)}${
    f.websub_error ? html`<br><span class="error-text">${f.websub_error}</span>` : ''
  }</small>`;
}

/** The confirmation before an outlet is deleted: what goes with it. */
export function outletDeletePage(ctx: AdminContext, o: Outlet, impact: OutletDeletionImpact): string {
  const n = (x: number, one: string, many: string) => `${formatNumber(x, ctx.locale)} ${x === 1 ? one : many}`;
  return adminLayout(
    ctx,
    `Delete the outlet ${o.name}`,
    html`<p class="crumbs"><a href="${OUTLETS_PATH}">← Outlets</a></p>
<h1>Delete the outlet “${o.name}”?</h1>
<section class="card">
<p>${impact.items
      ? html`Its feeds and its ${n(impact.items, 'item', 'items')} go with it. ${impact.stories
          ? html`${n(impact.stories, 'story holds', 'stories hold')} its items: their coverage is recounted without it${impact.storiesRemoved
              ? html`, and ${n(impact.storiesRemoved, 'story', 'stories')} covered by it alone ${impact.storiesRemoved === 1 ? 'is deleted (its page will answer “not found”)' : 'are deleted (their pages will answer “not found”)'}`
              : ''}.`
          : ''}`
      : html`It has no items; its feeds go with it.`}
This cannot be undone. To stop reading it and keep what it brought, pause it instead.</p>
<form method="post" action="${OUTLETS_PATH}/${o.id}/delete" class="buttons">${csrfField(ctx)}<button type="submit" class="danger">Delete the outlet</button> <a href="${OUTLETS_PATH}">Keep</a></form>
</section>`,
  );
}

export function outletsPage(ctx: AdminContext & { timeZone: string }, outlets: Outlet[], canManage: boolean, notice: Notice | null, form: OutletForm = {}, websubOn = false): string {
  const tz = ctx.timeZone;
  const rows = outlets.map(
    (o) => html`<tr>
  <td data-label="Outlet"><a href="${WIRE_PATH}?outlet=${o.slug}">${o.name}</a><br><small><a href="${o.home_url}" rel="noopener noreferrer nofollow" target="_blank">${o.home_url}</a></small>${o.demo ? html` <small>(demo)</small>` : ''}</td>
  <td data-label="Lean">${lean(o.lean)}${o.rating_source ? html`<br><small>${o.rating_source}${o.rating_confidence ? `, ${o.rating_confidence} confidence` : ''}</small>` : ''}</td>
  <td data-label="Feeds and push">${o.feeds.length ? o.feeds.map((f) => html`<div class="feed"><small>${f.url}${f.format ? ` (${f.format})` : ''}</small><br>${websubState(f, websubOn, tz, ctx.locale)}</div>`) : html`<small>no feed</small>`}</td>
  <td data-label="State">${o.active ? 'Active' : 'Paused'}${o.fetch_allowed ? '' : html`<br><small>feeds only</small>`}</td>
  <td data-label="Last poll">${d(o.last_polled_at, tz, ctx.locale)}</td>
  <td data-label="Last new item">${d(o.last_new_item_at, tz, ctx.locale)}</td>
  <td data-label="Items per day">${o.items_per_day}</td>
  <td data-label="Errors">${o.last_error ? html`<span class="error-text">${o.last_error}</span>` : 'None'}${o.page_errors ? html`<br><small>${o.page_errors} page(s) not extracted this week</small>` : ''}</td>
  <td data-label="Actions">${
    canManage
      ? html`<form method="post" action="${OUTLETS_PATH}/${o.id}/${o.active ? 'pause' : 'resume'}">${csrfField(ctx)}<button type="submit">${o.active ? 'Pause' : 'Resume'}</button></form>
  <a class="button button--danger" href="${OUTLETS_PATH}/${o.id}/delete" aria-label="Delete ${o.name}">Delete</a>`
      : ''
  }</td>
</tr>`,
  );
  const main = html`<h1>Outlets</h1>
<p>The outlets the wire reads, with their lean and the health of their feeds. <a href="${WIRE_PATH}">See the wire</a>.</p>
${
  outlets.length
    ? html`<div class="table-wrap"><table class="list">
<thead><tr><th scope="col">Outlet</th><th scope="col">Lean</th><th scope="col">Feeds and push</th><th scope="col">State</th><th scope="col">Last poll</th><th scope="col">Last new item</th><th scope="col">Items per day</th><th scope="col">Errors</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p>No outlets yet.</p>`
}
${
  canManage
    ? html`<h2>Add an outlet</h2>
<form method="post" action="${OUTLETS_PATH}" class="stack">${csrfField(ctx)}
<label>Name <input name="name" required maxlength="200" value="${form.name ?? ''}"></label>
<label>Home page <input name="url" type="url" required value="${form.url ?? ''}"></label>
<label>Feeds, one per line (empty: found from the home page) <textarea name="feeds" rows="3">${form.feeds ?? ''}</textarea></label>
<label>Lean <select name="lean">${LEANS.map((l) => html`<option value="${l}"${(form.lean ?? 'unrated') === l ? raw(' selected') : ''}>${LEAN_LABEL[l]}</option>`)}</select></label>
<label>Country (two letters) <input name="country" maxlength="2" value="${form.country ?? ''}"></label>
<label>Language <input name="language" maxlength="20" value="${form.language ?? ''}"></label>
<label><input type="checkbox" name="fetch" value="on"${form.fetch === false ? '' : raw(' checked')}> Fetch and extract the article pages</label>
<button type="submit">Add outlet</button>
</form>`
    : ''
}`;
  return adminLayout(ctx, 'Outlets', main, { notice });
}

export interface WireFilter {
  outlet?: string;
  lean?: string;
  language?: string;
  q?: string;
}

export function wireQuery(f: WireFilter, page = 1): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${WIRE_PATH}?${s}` : WIRE_PATH;
}

export function wirePage(ctx: AdminContext & { timeZone: string }, v: { filter: WireFilter; page: number; items: WireItem[]; total: number; outlets: Outlet[] }, notice: Notice | null): string {
  const f = v.filter;
  const pages = Math.max(1, Math.ceil(v.total / WIRE_PER_PAGE));
  const items = v.items.map(
    (i) => html`<li class="wire-item">
  <h2 class="wire-item__title"><a href="${WIRE_PATH}/items/${i.id}">${i.title}</a></h2>
  <p class="wire-item__meta">${i.outlet.name} · ${lean(i.lean)} · <time datetime="${i.published}">${when(new Date(i.published), ctx.timeZone, ctx.locale)}</time>${i.extract_status === 'pending' ? ' · page not fetched yet' : ''}</p>
  ${i.text || i.summary ? html`<p class="wire-item__lead">${lead(i.text ?? i.summary ?? '')}</p>` : ''}
</li>`,
  );
  const main = html`<h1>Wire</h1>
<p>What outlets across the spectrum publish, newest first. <a href="${OUTLETS_PATH}">Outlets and their health</a>.</p>
<form method="get" action="${WIRE_PATH}" class="filters" role="search">
<label>Search <input type="search" name="q" value="${f.q ?? ''}" maxlength="200"></label>
<label>Outlet <select name="outlet"><option value="">All outlets</option>${v.outlets.map((o) => html`<option value="${o.slug}"${o.slug === f.outlet ? raw(' selected') : ''}>${o.name}</option>`)}</select></label>
<label>Lean <select name="lean"><option value="">Any lean</option>${LEANS.map((l) => html`<option value="${l}"${l === f.lean ? raw(' selected') : ''}>${LEAN_LABEL[l]}</option>`)}</select></label>
<label>Language <input name="language" value="${f.language ?? ''}" maxlength="20" size="4"></label>
<button type="submit">Filter</button>
</form>
<p>${formatNumber(v.total, ctx.locale)} item(s).</p>
${v.items.length ? html`<ol class="wire-river">${items}</ol>` : html`<p>No items${f.q || f.outlet || f.lean || f.language ? ' match these filters' : ' yet: add an outlet, and the poller brings in its feeds'}.</p>`}
${
  pages > 1
    ? html`<nav class="pagination" aria-label="Pages">${v.page > 1 ? html`<a href="${wireQuery(f, v.page - 1)}" rel="prev">Newer</a>` : ''} Page ${v.page} of ${pages} ${v.page < pages ? html`<a href="${wireQuery(f, v.page + 1)}" rel="next">Older</a>` : ''}</nav>`
    : ''
}`;
  return adminLayout(ctx, 'Wire', main, { notice });
}

function lead(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 280 ? t.slice(0, 279).replace(/\s+\S*$/, '') + '…' : t;
}

export function wireItemPage(ctx: AdminContext & { timeZone: string }, i: WireItem): string {
  const paragraphs = (i.text ?? '').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const main = html`<p><a href="${WIRE_PATH}">← The wire</a></p>
<article class="wire-article">
<h1>${i.title}</h1>
<p class="wire-item__meta">${i.outlet.name} · ${lean(i.lean)} · <time datetime="${i.published}">${when(new Date(i.published), ctx.timeZone, ctx.locale)}</time>${i.byline ? html` · ${i.byline}` : ''}</p>
<p><a href="${i.url}" rel="noopener noreferrer nofollow" target="_blank">Read the original at ${new URL(i.url).host}</a></p>
${i.extract_status !== 'done' ? html`<p class="notice">${i.extract_status === 'pending' ? 'The page has not been fetched yet; this is the feed\u2019s summary.' : `The page could not be extracted (${i.extract_error ?? 'unknown reason'}); this is the feed\u2019s summary.`}</p>` : ''}
<div class="wire-article__text">${paragraphs.length ? paragraphs.map((p) => html`<p>${p}</p>`) : html`<p>${i.summary ?? 'No text.'}</p>`}</div>
</article>`;
  return adminLayout(ctx, i.title, main);
}
