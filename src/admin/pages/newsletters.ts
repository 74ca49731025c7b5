// The newsletters screen: every active newsletter, its schedule, and the state of its next edition.
import { html } from '../../platform/html.ts';
import { adminLayout, type AdminContext, type Notice } from '../layout.ts';
import type { NewsletterState } from '../newsletters.ts';
import { when } from './articles.ts';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function newslettersPage(ctx: AdminContext, tz: string, states: NewsletterState[], notice: Notice | null): string {
  return adminLayout(
    ctx,
    'Newsletters',
    html`<h1>Newsletters</h1>
${states.length
  ? html`<table class="list"><caption class="visually-hidden">Newsletters and their next editions</caption>
  <thead><tr><th scope="col">Newsletter</th><th scope="col">Schedule</th><th scope="col">Next edition</th><th scope="col">Last sent</th></tr></thead>
  <tbody>${states.map(
    (s) => html`<tr>
      <td data-label="Newsletter">${s.newsletter.name}</td>
      <td data-label="Schedule">${s.newsletter.schedule_days.map((d) => DAYS[d - 1]).join(' ')} at ${s.newsletter.schedule_time}</td>
      <td data-label="Next edition">${s.next ? html`№${s.next.number} ${s.next.subject} (${s.next.status})${s.next.scheduled_at ? html`, ${when(s.next.scheduled_at, tz)}` : ''}` : 'None in preparation'}</td>
      <td data-label="Last sent">${s.lastSent ? when(s.lastSent.sent_at, tz) : 'Never'}</td>
    </tr>`,
  )}</tbody></table>`
  : html`<p>No active newsletters. Add one under <a href="/admin/settings#newsletters">Settings</a>.</p>`}`,
    { notice },
  );
}
