// The newsroom's Stories screens (issue #12): today's ranking of the wire's stories (live: the list
// refreshes itself with admin.js, or with the Refresh link), each with its coverage bar by lean group,
// blindspot mark, "Draft a brief", pin and hide; a story's page (headlines per side, the timeline with our own articles,
// linked articles, rename / merge / split forms, the decisions so far); and the week's blindspots with
// the blindspot settings. Everything from outlets is escaped by the html templates.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import type { LinkedArticle, RankedStory, Side, Spread, StoryItem, StorySettings, WireStory } from '../../newswire/stories/store.ts';
import type { StoryDecision } from '../../newswire/stories/decisions.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import { when } from './articles.ts';
import { WIRE_PATH } from './wire.ts';
import { dayField } from './date-fields.ts';
import { humanDay } from '../../platform/time.ts';
import { formatNumber } from '../../platform/numbers.ts';

export const STORIES_PATH = '/admin/stories';
/** Seconds between refreshes of today's ranking (admin.js). */
export const STORIES_REFRESH_S = 60;

const SIDE_LABEL: Record<Side, string> = { left: 'Left', center: 'Center', right: 'Right' };
const LEAN_LABEL: Record<string, string> = { left: 'Left', 'lean-left': 'Lean left', center: 'Center', 'lean-right': 'Lean right', right: 'Right', mixed: 'Mixed', unrated: 'Unrated' };

type Ctx = AdminContext & { timeZone: string; locale: string };

/** The coverage bar: one segment per lean group, its width the group's share of rated outlets, with the counts in words. */
export function coverageBar(c: { left: number; center: number; right: number }, outlets: number, locale?: string): SafeHtml {
  const rated = c.left + c.center + c.right;
  const n = (x: number) => formatNumber(x, locale);
  const label = `Coverage: ${n(c.left)} left, ${n(c.center)} center, ${n(c.right)} right (${n(outlets)} outlet${outlets === 1 ? '' : 's'} in all)`;
  // An SVG, not inline styles: the newsroom's CSP allows no style attributes.
  let x = 0;
  const segs: SafeHtml[] = [];
  for (const side of ['left', 'center', 'right'] as const) {
    if (!c[side] || !rated) continue;
    const w = Math.round((c[side] / rated) * 10000) / 100;
    segs.push(html`<rect class="coverage__seg coverage__seg--${side}" x="${String(x)}" y="0" width="${String(w)}" height="10"></rect>`);
    x = Math.round((x + w) * 100) / 100;
  }
  return html`<div class="coverage">
  <svg class="coverage__bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${label}" focusable="false"><rect class="coverage__none" x="0" y="0" width="100" height="10"></rect>${segs}</svg>
  <p class="coverage__counts" aria-hidden="true"><span class="coverage__key coverage__key--left">L ${n(c.left)}</span> <span class="coverage__key coverage__key--center">C ${n(c.center)}</span> <span class="coverage__key coverage__key--right">R ${n(c.right)}</span> <span class="muted">· ${n(outlets)} outlet${outlets === 1 ? '' : 's'}</span></p>
</div>`;
}

export function blindspotMark(side: Side | null): SafeHtml {
  return side ? html`<span class="badge badge--blindspot">Blindspot for the ${side}</span>` : html``;
}

function flags(s: WireStory): SafeHtml {
  return html`${s.pinned ? html`<span class="badge badge--pinned">Pinned</span> ` : ''}${s.hidden ? html`<span class="badge badge--hidden">Hidden</span> ` : ''}${blindspotMark(s.blindspot)}`;
}

function flagForms(ctx: Ctx, s: WireStory, back: string): SafeHtml {
  return html`<form method="post" action="${STORIES_PATH}/${s.id}/pin" class="inline-form">${csrfField(ctx)}<input type="hidden" name="pinned" value="${s.pinned ? 'false' : 'true'}"><input type="hidden" name="back" value="${back}"><button type="submit">${s.pinned ? 'Unpin' : 'Pin'}<span class="visually-hidden">: ${s.title}</span></button></form>
<form method="post" action="${STORIES_PATH}/${s.id}/hide" class="inline-form">${csrfField(ctx)}<input type="hidden" name="hidden" value="${s.hidden ? 'false' : 'true'}"><input type="hidden" name="back" value="${back}"><button type="submit">${s.hidden ? 'Show' : 'Hide'}<span class="visually-hidden">: ${s.title}</span></button></form>`;
}

/** "Draft a brief" (src/admin/briefs.ts): a Speed Read draft from the story's coverage, or the story's draft brief when it has one. */
function briefForm(ctx: Ctx, s: WireStory): SafeHtml {
  return html`<form method="post" action="${STORIES_PATH}/${s.id}/brief" class="inline-form">${csrfField(ctx)}<button type="submit">Draft a brief<span class="visually-hidden">: ${s.title}</span></button></form>`;
}

function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A day field refused (`?date=bad`): what was typed, kept, and the message shown beside it. */
export interface DayFieldError {
  typed: string;
  error: string;
}

export function storiesPage(ctx: Ctx, v: { date: string; today: string; stories: RankedStory[]; canManage: boolean; canDraft: boolean; updated: Date; field?: DayFieldError }, notice: Notice | null): string {
  const isToday = v.date === v.today;
  const back = isToday ? STORIES_PATH : `${STORIES_PATH}?date=${v.date}`;
  const shown = v.stories.filter((s) => !s.hidden);
  const hidden = v.stories.filter((s) => s.hidden);
  const row = (s: RankedStory) => html`<li class="story-row">
  <p class="story-row__rank" aria-hidden="true">${s.hidden ? '–' : String(s.rank)}</p>
  <div class="story-row__body">
    <h2 class="story-row__title"><a href="${STORIES_PATH}/${s.id}">${s.title}</a></h2>
    <p class="story-row__meta">${flags(s)}<span>${formatNumber(s.day.outlets, ctx.locale)} outlet${s.day.outlets === 1 ? '' : 's'} and ${formatNumber(s.day.items, ctx.locale)} item${s.day.items === 1 ? '' : 's'} on this day</span>${s.day.new_outlets_6h ? html` · <span>${formatNumber(s.day.new_outlets_6h, ctx.locale)} new in the last 6 hours</span>` : ''} · last <time datetime="${s.day.last}">${when(new Date(s.day.last), ctx.timeZone, ctx.locale)}</time></p>
    ${coverageBar({ left: s.left_count, center: s.center_count, right: s.right_count }, s.outlet_count, ctx.locale)}
  </div>
  ${v.canManage || v.canDraft ? html`<div class="story-row__actions">${v.canDraft ? briefForm(ctx, s) : ''}${v.canManage ? flagForms(ctx, s, back) : ''}</div>` : ''}
</li>`;
  const main = html`<h1>Stories</h1>
<p>The wire's stories${isToday ? ' today' : ''}, ranked by how many outlets cover them, how widely across the spectrum, how fast coverage grows and how recent it is. Pinned stories come first. <a href="${STORIES_PATH}/blindspots">This week's blindspots</a> · <a href="${WIRE_PATH}">The wire</a></p>
<form method="get" action="${STORIES_PATH}" class="filters">
${dayField({ id: 'stories-day', name: 'date', label: 'Day', value: v.field ? v.field.typed : v.date, error: v.field?.error, locale: ctx.locale, inline: true })}
<button type="submit">Show</button>
<p><a href="${STORIES_PATH}?date=${shiftDate(v.date, -1)}" rel="prev">Previous day</a>${!isToday ? html` · <a href="${STORIES_PATH}?date=${shiftDate(v.date, 1)}" rel="next">Next day</a> · <a href="${STORIES_PATH}">Today</a>` : ''}</p>
</form>
<section id="stories-live" aria-labelledby="ranking-h"${isToday && !v.field ? raw(` data-live-refresh="${STORIES_REFRESH_S}"`) : ''}>
<h2 id="ranking-h" class="visually-hidden">Ranking</h2>
<p class="muted">Updated <time datetime="${v.updated.toISOString()}">${when(v.updated, ctx.timeZone, ctx.locale)}</time>${isToday ? html` · updates every minute · <a href="${back}">Refresh</a>` : ''}</p>
${shown.length ? html`<ol class="story-list">${shown.map(row)}</ol>` : html`<p>No stories on this day yet${isToday ? ': the wire clusters items into stories as they arrive' : ''}.</p>`}
${hidden.length ? html`<h2>Hidden from the ranking</h2><ol class="story-list story-list--hidden">${hidden.map(row)}</ol>` : ''}
</section>`;
  return adminLayout(ctx, 'Stories', main, { notice });
}

function itemLine(ctx: Ctx, i: StoryItem, splittable: boolean): SafeHtml {
  return html`<li class="timeline__item">
  ${splittable ? html`<input type="checkbox" name="items" value="${String(i.id)}" id="split-${String(i.id)}" form="split-form"> ` : ''}<time datetime="${i.published}">${when(new Date(i.published), ctx.timeZone, ctx.locale)}</time>
  ${splittable ? html`<label for="split-${String(i.id)}">` : ''}<strong>${i.outlet.name}</strong> <span class="lean lean--${i.outlet.lean}">${LEAN_LABEL[i.outlet.lean] ?? i.outlet.lean}</span>${splittable ? raw('</label>') : ''}:
  <a href="${WIRE_PATH}/items/${String(i.id)}">${i.title}</a> <small>(<a href="${i.url}" rel="noopener noreferrer nofollow" target="_blank">original<span class="visually-hidden"> at ${i.outlet.name}</span></a>)</small>
</li>`;
}

function decisionLine(ctx: Ctx, d: StoryDecision, storyId: number): SafeHtml {
  const who = d.staff ? d.staff.name : 'an API key or the command line';
  let what: SafeHtml;
  if (d.kind === 'merge') what = d.story_id === storyId ? html`merged story ${String(d.other_story_id ?? '?')} into this one` : html`merged this story into <a href="${STORIES_PATH}/${String(d.story_id)}">story ${String(d.story_id)}</a>`;
  else if (d.kind === 'split') what = d.story_id === storyId ? html`split ${String(d.item_ids.length)} item(s) off into <a href="${STORIES_PATH}/${String(d.other_story_id)}">story ${String(d.other_story_id)}</a>` : html`split these items off story <a href="${STORIES_PATH}/${String(d.story_id)}">${String(d.story_id)}</a>`;
  else if (d.kind === 'rename') what = html`renamed it “${d.title ?? ''}”`;
  else if (d.kind === 'pin') what = html`${d.value ? 'pinned' : 'unpinned'} it`;
  else what = html`${d.value ? 'hid' : 'showed'} it`;
  return html`<li><time datetime="${d.created_at}">${when(new Date(d.created_at), ctx.timeZone, ctx.locale)}</time>: ${who} ${what}</li>`;
}

export interface StoryPageView {
  story: WireStory;
  spread: Spread;
  items: StoryItem[];
  articles: LinkedArticle[];
  decisions: StoryDecision[];
  /** Other stories to merge with (today's ranking). */
  others: Array<{ id: number; title: string }>;
  canManage: boolean;
  /** May draft a brief (articles.write_own_drafts). */
  canDraft: boolean;
  form?: { title?: string; from?: string };
}

export function storyPage(ctx: Ctx, v: StoryPageView, notice: Notice | null): string {
  const s = v.story;
  const bySide = (side: Side | null) => v.items.filter((i) => i.side === side);
  const column = (side: Side) => {
    const list = bySide(side);
    return html`<section class="side side--${side}" aria-labelledby="side-${side}">
<h3 id="side-${side}">${SIDE_LABEL[side]} <span class="muted">(${String(new Set(list.map((i) => i.outlet.id)).size)} outlet${new Set(list.map((i) => i.outlet.id)).size === 1 ? '' : 's'})</span></h3>
${list.length ? html`<ul class="headlines">${list.map((i) => html`<li><a href="${i.url}" rel="noopener noreferrer nofollow" target="_blank">${i.title}</a> <small>${i.outlet.name}</small></li>`)}</ul>` : html`<p class="muted">No coverage from the ${side}.</p>`}
</section>`;
  };
  const other = bySide(null);
  // The timeline: the items, and our own published articles, in time order.
  const events: Array<{ at: number; html: SafeHtml }> = v.items.map((i) => ({ at: Date.parse(i.published), html: itemLine(ctx, i, v.canManage) }));
  for (const a of v.articles) {
    if (!a.published_at) continue;
    events.push({ at: Date.parse(a.published_at), html: html`<li class="timeline__item timeline__item--ours"><time datetime="${a.published_at}">${when(new Date(a.published_at), ctx.timeZone, ctx.locale)}</time> <strong>Our article</strong>: <a href="/admin/articles/${String(a.id)}">${a.headline}</a></li>` });
  }
  events.sort((a, b) => a.at - b.at);
  const main = html`<p><a href="${STORIES_PATH}">← Stories</a></p>
<h1>${s.title}</h1>
<p class="story-meta">${flags(s)}<span>${formatNumber(s.item_count, ctx.locale)} item${s.item_count === 1 ? '' : 's'} from ${formatNumber(s.outlet_count, ctx.locale)} outlet${s.outlet_count === 1 ? '' : 's'}</span> · first seen <time datetime="${s.first_seen_at}">${when(new Date(s.first_seen_at), ctx.timeZone, ctx.locale)}</time> · last updated <time datetime="${s.last_updated_at}">${when(new Date(s.last_updated_at), ctx.timeZone, ctx.locale)}</time>${s.title_by_editor ? ' · title by an editor' : ''}</p>
<p class="muted">Story key <code>${s.slug}</code>: give an article this story key to link it to the story.</p>
${coverageBar({ left: s.left_count, center: s.center_count, right: s.right_count }, s.outlet_count, ctx.locale)}
${v.canManage || v.canDraft ? html`<div class="story-actions">${v.canDraft ? briefForm(ctx, s) : ''}${v.canManage ? flagForms(ctx, s, `${STORIES_PATH}/${s.id}`) : ''}</div>` : ''}
<h2>Headlines by side</h2>
<div class="sides">${column('left')}${column('center')}${column('right')}</div>
${other.length ? html`<section aria-labelledby="side-other"><h3 id="side-other">Mixed and unrated outlets</h3><ul class="headlines">${other.map((i) => html`<li><a href="${i.url}" rel="noopener noreferrer nofollow" target="_blank">${i.title}</a> <small>${i.outlet.name}</small></li>`)}</ul></section>` : ''}
<h2>Our articles</h2>
${v.articles.length ? html`<ul>${v.articles.map((a) => html`<li><a href="/admin/articles/${String(a.id)}">${a.headline}</a> <span class="muted">(${a.status}${a.published_at ? html`, <time datetime="${a.published_at}">${when(new Date(a.published_at), ctx.timeZone, ctx.locale)}</time>` : ''})</span></li>`)}</ul>` : html`<p class="muted">None yet.</p>`}
<h2>Timeline</h2>
${v.canManage ? html`<p class="muted">Tick items and use “Split off” below to move them into a story of their own.</p>` : ''}
<ol class="timeline">${events.map((e) => e.html)}</ol>
${
  v.canManage
    ? html`<h2>Change the story</h2>
<div class="story-forms">
<form method="post" action="${STORIES_PATH}/${s.id}/rename" class="stack card">${csrfField(ctx)}
<h3>Rename</h3>
<label for="story-title">Title</label>
<input id="story-title" name="title" required maxlength="300" value="${v.form?.title ?? s.title}">
<button type="submit">Rename</button>
</form>
<form method="post" action="${STORIES_PATH}/${s.id}/merge" class="stack card">${csrfField(ctx)}
<h3>Merge another story into this one</h3>
<label for="merge-from">Story</label>
<select id="merge-from" name="from"><option value="">Choose a story</option>${v.others.filter((o) => o.id !== s.id).map((o) => html`<option value="${String(o.id)}"${v.form?.from === String(o.id) ? raw(' selected') : ''}>${o.title} (${String(o.id)})</option>`)}</select>
<label for="merge-id">or its number</label>
<input id="merge-id" name="from_id" inputmode="numeric" pattern="[0-9]*" maxlength="15">
<button type="submit">Merge into this story</button>
</form>
<form method="post" action="${STORIES_PATH}/${s.id}/split" class="stack card" id="split-form">${csrfField(ctx)}
<h3>Split off</h3>
<p class="muted">The items ticked in the timeline become a new story.</p>
<button type="submit">Split off the ticked items</button>
</form>
</div>`
    : ''
}
${v.decisions.length ? html`<h2>Decisions</h2><ul class="decisions">${v.decisions.map((d) => decisionLine(ctx, d, s.id))}</ul>` : ''}`;
  return adminLayout(ctx, s.title, main, { notice });
}

export function blindspotsPage(ctx: Ctx, v: { from: string; to: string; stories: WireStory[]; settings: StorySettings; canManage: boolean; field?: DayFieldError }, notice: Notice | null): string {
  const main = html`<p><a href="${STORIES_PATH}">← Stories</a></p>
<h1>Blindspots this week</h1>
<p>Stories from ${humanDay(v.from, ctx.locale)} to ${humanDay(v.to, ctx.locale)} covered mostly by one side: at least ${String(v.settings.blindspotMinOutlets)} outlets with a lean, and at least ${String(Math.round(v.settings.blindspotShare * 100))}% of them from one group. Each is a blindspot for the side that barely covered it.</p>
<form method="get" action="${STORIES_PATH}/blindspots" class="filters">
${dayField({ id: 'blindspots-day', name: 'date', label: 'Week ending', value: v.field ? v.field.typed : v.to, error: v.field?.error, locale: ctx.locale, inline: true })}
<button type="submit">Show</button>
</form>
${
  v.stories.length
    ? html`<ol class="story-list">${v.stories.map(
        (s) => html`<li class="story-row"><div class="story-row__body">
<h2 class="story-row__title"><a href="${STORIES_PATH}/${s.id}">${s.title}</a></h2>
<p class="story-row__meta">${blindspotMark(s.blindspot)} <span>${String(s.outlet_count)} outlets</span> · last updated <time datetime="${s.last_updated_at}">${when(new Date(s.last_updated_at), ctx.timeZone, ctx.locale)}</time></p>
${coverageBar({ left: s.left_count, center: s.center_count, right: s.right_count }, s.outlet_count, ctx.locale)}
</div></li>`,
      )}</ol>`
    : html`<p>No blindspots this week.</p>`
}
${
  v.canManage
    ? html`<h2>Blindspot settings</h2>
<form method="post" action="${STORIES_PATH}/settings" class="stack card">${csrfField(ctx)}
<label for="bs-min">Fewest outlets with a lean</label>
<input id="bs-min" name="blindspot_min_outlets" type="number" min="1" max="1000" required value="${String(v.settings.blindspotMinOutlets)}">
<label for="bs-share">Share from one group (percent)</label>
<input id="bs-share" name="blindspot_share" type="number" min="51" max="100" step="1" required value="${String(Math.round(v.settings.blindspotShare * 100))}">
<button type="submit">Save</button>
</form>`
    : ''
}`;
  return adminLayout(ctx, 'Blindspots this week', main, { notice });
}
