// The dashboard: what went out today, what is scheduled, and each newsletter's next edition.
import { html } from '../../platform/html.ts';
import { adminLayout, type AdminContext, type Notice } from '../layout.ts';
import type { AdminListRow } from '../../articles/queries.ts';
import type { NewsletterState } from '../../newsletters/next-editions.ts';
import { when } from './articles.ts';
import { can } from '../../staff/roles.ts';

const EDITION_STATE: Record<string, string> = {
  draft: 'Draft, not scheduled',
  scheduled: 'Scheduled',
  sending: 'Sending now',
  paused: 'Paused',
  sent: 'Sent',
  cancelled: 'Cancelled',
};

export function dashboardPage(ctx: AdminContext, tz: string, a: { today: AdminListRow[]; scheduled: AdminListRow[]; drafts: number }, editions: NewsletterState[], notice: Notice | null, outbox: number | null = null): string {
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
<section class="card" aria-labelledby="today-title">
  <h2 id="today-title">Published today (${a.today.length})</h2>
  ${a.today.length ? html`<ul class="plain">${a.today.map((r) => html`<li>${link(r)} <span class="muted">${when(r.published_at, tz)}</span></li>`)}</ul>` : html`<p>Nothing yet today.</p>`}
</section>
<section class="card" aria-labelledby="scheduled-title">
  <h2 id="scheduled-title">Scheduled (${a.scheduled.length})</h2>
  ${a.scheduled.length ? html`<ul class="plain">${a.scheduled.map((r) => html`<li>${link(r)} <span class="muted">${when(r.published_at, tz)}</span></li>`)}</ul>` : html`<p>Nothing is scheduled.</p>`}
  <p><a href="/admin/articles?status=draft">${a.drafts} draft${a.drafts === 1 ? '' : 's'}</a></p>
</section>
<section class="card" aria-labelledby="editions-title">
  <h2 id="editions-title">Newsletters</h2>
  ${editions.length
    ? html`<ul class="plain">${editions.map(
        (e) => html`<li><strong>${e.newsletter.name}</strong>: ${e.next
          ? html`next edition №${e.next.number} ${e.next.subject ? html`“${e.next.subject}”` : ''}, ${EDITION_STATE[e.next.status] ?? e.next.status}${e.next.scheduled_at || e.next.slot_at ? html`, ${when(e.next.scheduled_at ?? e.next.slot_at, tz)}` : ''}${newsletters ? html` · <a href="/admin/newsletters/editions/${e.next.id}">Open</a>` : ''}`
          : html`no edition in preparation${e.lastSent ? html`; last sent ${when(e.lastSent.sent_at, tz)}` : ''}`}</li>`,
      )}</ul>`
    : html`<p>No active newsletters.</p>`}
</section>
</div>`,
    { notice },
  );
}
