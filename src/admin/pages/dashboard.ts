// The dashboard: what went out today, what is scheduled, and each newsletter's next edition.
import { html, type SafeHtml } from '../../platform/html.ts';
import { formatNumber, formatSigned } from '../../platform/numbers.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import type { EditionReport, NewsletterGrowth } from '../../newsletters/stats.ts';
import { lineChart } from './charts.ts';
import { EDITION_STATE } from './edition-states.ts';
import type { AdminListRow } from '../../articles/queries.ts';
import type { NewsletterState } from '../../newsletters/next-editions.ts';
import { when } from './articles.ts';
import { can } from '../../staff/roles.ts';


export interface DashboardNumbers {
  growth: NewsletterGrowth[];
  /** Labels of the growth chart's weeks (the local date each week ends), oldest first. */
  weeks: string[];
  reports: EditionReport[];
}

/** Subscribers per newsletter, their growth over the weeks shown, and the last editions' outcomes. */
function numbersSection(ctx: AdminContext, tz: string, n: DashboardNumbers, editions: NewsletterState[]): SafeHtml {
  const manage = can(ctx.session.staff.role, 'newsletters.manage');
  return html`<section class="card dash-wide" aria-labelledby="subs-title">
  <h2 id="subs-title">Subscribers</h2>
  ${n.growth.length
    ? html`<table class="list numbers">
  <caption class="visually-hidden">Confirmed subscribers per newsletter, with the last 30 days' change</caption>
  <thead><tr><th scope="col">Newsletter</th><th scope="col" class="num">Subscribers</th><th scope="col" class="num">Joined (30 days)</th><th scope="col" class="num">Left (30 days)</th><th scope="col" class="num">Net</th>${manage ? html`<th scope="col">Today's edition</th>` : ''}</tr></thead>
  <tbody>${n.growth.map((g) => {
    const state = editions.find((e) => e.newsletter.id === g.id);
    const next = state?.next;
    return html`<tr>
    <th scope="row">${g.name}</th><td class="num" data-label="Subscribers">${formatNumber(g.confirmed, ctx.locale)}</td><td class="num" data-label="Joined (30 days)">${formatNumber(g.joined30, ctx.locale)}</td><td class="num" data-label="Left (30 days)">${formatNumber(g.left30, ctx.locale)}</td><td class="num" data-label="Net">${formatSigned(g.joined30 - g.left30, ctx.locale)}</td>
    ${manage
      ? html`<td data-label="Today's edition">${next
          ? html`<a href="/admin/newsletters/editions/${next.id}">Open edition №${next.number}</a> <span class="muted">(${EDITION_STATE[next.status] ?? next.status})</span>`
          : html`<form method="post" action="/admin/newsletters/${g.id}/build" class="inline">${csrfField(ctx)}<button type="submit" class="primary">Build today's ${g.name.replace(/^the\s+/i, '')}</button></form>`}</td>`
      : ''}
  </tr>`;
  })}</tbody></table>
  ${lineChart({ id: 'subs-chart', title: `Confirmed subscribers, last ${n.weeks.length} weeks`, labels: n.weeks, series: n.growth.map((g) => ({ name: g.name, values: g.weekly })), locale: ctx.locale })}`
    : html`<p>No active newsletters. <a href="/admin/settings/newsletters">Add one in Settings</a>.</p>`}
</section>
<section class="card dash-wide" aria-labelledby="reports-title">
  <h2 id="reports-title">Last editions</h2>
  ${n.reports.length
    ? html`<table class="list numbers">
  <caption class="visually-hidden">The last editions sent, newest first, with what became of them</caption>
  <thead><tr><th scope="col">Edition</th><th scope="col">Sent on</th><th scope="col" class="num">Delivered to</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Bounced</th><th scope="col" class="num">Unsubscribed</th></tr></thead>
  <tbody>${n.reports.map((r) => html`<tr>
    <th scope="row">${manage ? html`<a href="/admin/newsletters/editions/${r.id}">${r.newsletter} №${r.number}</a>` : html`${r.newsletter} №${r.number}`}<br><span class="muted">${r.subject}</span></th>
    <td data-label="Sent on">${when(r.sent_at, tz, ctx.locale)}</td><td class="num" data-label="Delivered to">${formatNumber(r.sent, ctx.locale)}</td><td class="num" data-label="Failed">${formatNumber(r.failed, ctx.locale)}</td><td class="num" data-label="Bounced">${formatNumber(r.bounced, ctx.locale)}</td><td class="num" data-label="Unsubscribed">${formatNumber(r.unsubscribed, ctx.locale)}</td>
  </tr>`)}</tbody></table>
  <p class="hint">Unsubscribed: readers of that newsletter who left after the edition went out and before the next one did.</p>`
    : html`<p>No edition has been sent yet.</p>`}
</section>`;
}

export function dashboardPage(ctx: AdminContext, tz: string, a: { today: AdminListRow[]; scheduled: AdminListRow[]; drafts: number }, editions: NewsletterState[], notice: Notice | null, outbox: number | null = null, numbers: DashboardNumbers | null = null): string {
  const link = (r: AdminListRow) => html`<a href="/admin/articles/${r.id}">${r.headline}</a>`;
  const newsletters = can(ctx.session.staff.role, 'newsletters.manage');
  return adminLayout(
    ctx,
    'Dashboard',
    html`<div class="page-head"><h1>Dashboard</h1><a class="button" href="/admin/articles/new">New article</a></div>
${outbox !== null
  ? html`<p class="notice notice--warn" id="outbox-note">Mail is not being sent: SMTP_URL is not set, so every email is written to the outbox instead. <a href="/admin/outbox">Open the outbox</a> (${outbox === 1 ? '1 message' : `${outbox} messages`}).</p>`
  : ''}
<div class="dash">
${numbers ? numbersSection(ctx, tz, numbers, editions) : ''}
<section class="card" aria-labelledby="today-title">
  <h2 id="today-title">Published today (${a.today.length})</h2>
  ${a.today.length ? html`<ul class="plain">${a.today.map((r) => html`<li>${link(r)} <span class="muted">${when(r.published_at, tz, ctx.locale)}</span></li>`)}</ul>` : html`<p>Nothing yet today.</p>`}
</section>
<section class="card" aria-labelledby="scheduled-title">
  <h2 id="scheduled-title">Scheduled (${a.scheduled.length})</h2>
  ${a.scheduled.length ? html`<ul class="plain">${a.scheduled.map((r) => html`<li>${link(r)} <span class="muted">${when(r.published_at, tz, ctx.locale)}</span></li>`)}</ul>` : html`<p>Nothing is scheduled.</p>`}
  <p><a href="/admin/articles?status=draft">${a.drafts} draft${a.drafts === 1 ? '' : 's'}</a></p>
</section>
<section class="card" aria-labelledby="editions-title">
  <h2 id="editions-title">Newsletters</h2>
  ${editions.length
    ? html`<ul class="plain">${editions.map(
        (e) => html`<li><strong>${e.newsletter.name}</strong>: ${e.next
          ? html`next edition №${e.next.number} ${e.next.subject ? html`“${e.next.subject}”` : ''}, ${EDITION_STATE[e.next.status] ?? e.next.status}${e.next.scheduled_at || e.next.slot_at ? html`, ${when(e.next.scheduled_at ?? e.next.slot_at, tz, ctx.locale)}` : ''}${newsletters ? html` · <a href="/admin/newsletters/editions/${e.next.id}">Open</a>` : ''}`
          : html`no edition in preparation${e.lastSent ? html`; last sent ${when(e.lastSent.sent_at, tz, ctx.locale)}` : ''}`}</li>`,
      )}</ul>`
    : html`<p>No active newsletters.</p>`}
</section>
</div>`,
    { notice },
  );
}
