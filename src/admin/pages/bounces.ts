// Bounce and complaint reports held for review: raw reports without our signed return path, which
// anyone could have written (src/newsletters/bounces.ts). Each can be applied (the usual suppression
// rules run on its address) or dismissed.
import { html } from '../../platform/html.ts';
import type { HeldReport } from '../../newsletters/bounces.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import { when } from './articles.ts';

export const BOUNCES_PATH = '/admin/newsletters/bounces';
export const BOUNCES_PER_PAGE = 50;

const KIND: Record<HeldReport['kind'], string> = { hard_bounce: 'Hard bounce', soft_bounce: 'Soft bounce', complaint: 'Complaint' };

export function bouncesPage(ctx: AdminContext, tz: string, v: { rows: HeldReport[]; total: number; page: number }, notice: Notice | null): string {
  const pages = Math.max(1, Math.ceil(v.total / BOUNCES_PER_PAGE));
  const href = (p: number) => (p > 1 ? `${BOUNCES_PATH}?page=${p}` : BOUNCES_PATH);
  return adminLayout(
    ctx,
    'Bounce reports to review',
    html`<h1>Bounce reports to review</h1>
<p class="hint">These reports reached the bounce mailbox without the signed return address Newsdesk puts on every newsletter it sends, so
nothing proves they are real: anyone can mail that address and name anyone. Nobody was suppressed or unsubscribed because of them.
Apply one only if you trust it (the address is then treated as the report says); dismiss the rest.</p>
<p role="status">${v.total === 1 ? '1 report waits' : `${v.total} reports wait`} for a decision${pages > 1 ? `, page ${v.page} of ${pages}` : ''}.</p>
${v.rows.length
  ? html`<table class="list">
  <caption class="visually-hidden">Reports held for review, newest first</caption>
  <thead><tr><th scope="col">Received</th><th scope="col">Report</th><th scope="col">Address</th><th scope="col">Detail</th><th scope="col">Decision</th></tr></thead>
  <tbody>${v.rows.map(
    (r) => html`<tr>
    <td data-label="Received">${when(r.received_at, tz, ctx.locale)}</td>
    <td data-label="Report">${KIND[r.kind]} (${r.source})</td>
    <td data-label="Address">${r.email_normalized}${r.known ? '' : html` <span class="hint">(not on the list)</span>`}</td>
    <td data-label="Detail">${r.detail}${r.subject ? html`<br><span class="hint">Subject: ${r.subject}</span>` : ''}</td>
    <td data-label="Decision">
      <form method="post" action="${BOUNCES_PATH}/${r.id}/apply" class="inline">${csrfField(ctx)}<button type="submit">Apply</button></form>
      <form method="post" action="${BOUNCES_PATH}/${r.id}/dismiss" class="inline">${csrfField(ctx)}<button type="submit">Dismiss</button></form>
    </td>
  </tr>`,
  )}</tbody></table>`
  : html`<p>${v.page > 1 ? 'There is nothing on this page.' : 'Nothing to review.'}</p>`}
${pages > 1
  ? html`<nav class="pagination" aria-label="Pages">${v.page > 1 ? html`<a rel="prev" href="${href(v.page - 1)}">Newer</a>` : ''} <span>Page ${v.page} of ${pages}</span> ${v.page < pages ? html`<a rel="next" href="${href(v.page + 1)}">Older</a>` : ''}</nav>`
  : ''}`,
    { notice },
  );
}
