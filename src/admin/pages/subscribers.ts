// The subscribers screen: counts per newsletter with CSV export links, search and filters, a page of
// people with their subscriptions (unsubscribe, delete), and the forms to add one person and to
// import a CSV file; the import report; the delete confirmation.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import type { Newsletter } from '../../newsletters/newsletters.ts';
import type { ImportResult, NewsletterCounts, SubscriberRow } from '../../newsletters/subscribers.ts';
import type { SubscriptionView } from '../../newsletters/signup.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import { when } from './articles.ts';

export const SUBSCRIBERS_PATH = '/admin/newsletters/subscribers';
export const SUBSCRIBERS_PER_PAGE = 50;

export type SubscriptionStatus = 'pending' | 'confirmed' | 'unsubscribed';
const STATUS_LABEL: Record<SubscriptionStatus, string> = { pending: 'Pending', confirmed: 'Confirmed', unsubscribed: 'Unsubscribed' };

export interface SubscriberFilter {
  q?: string;
  newsletter?: string;
  status?: SubscriptionStatus;
}

export interface AddValues {
  email?: string;
  name?: string;
  newsletters?: string[];
  confirmed?: boolean;
}

export interface SubscribersView {
  filter: SubscriberFilter;
  page: number;
  rows: SubscriberRow[];
  total: number;
  counts: NewsletterCounts[];
  newsletters: Newsletter[];
  /** What was typed into the add form when it failed. */
  add?: AddValues;
}

export function subscribersQuery(f: SubscriberFilter, page = 1): string {
  const q = new URLSearchParams();
  if (f.q) q.set('q', f.q);
  if (f.newsletter) q.set('newsletter', f.newsletter);
  if (f.status) q.set('status', f.status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${SUBSCRIBERS_PATH}?${s}` : SUBSCRIBERS_PATH;
}

function subNav(ctx: AdminContext): SafeHtml {
  const item = (href: string, label: string) => html`<li><a href="${href}"${ctx.path === href ? raw(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<nav class="subnav" aria-label="Newsletters"><ul>${item('/admin/newsletters', 'Editions')}${item(SUBSCRIBERS_PATH, 'Subscribers')}</ul></nav>`;
}

export { subNav as newslettersSubNav };

function statusBadge(s: SubscriptionStatus): SafeHtml {
  return html`<span class="badge badge--sub-${s}">${STATUS_LABEL[s]}</span>`;
}

export function subscribersPage(ctx: AdminContext, tz: string, v: SubscribersView, notice: Notice | null): string {
  const f = v.filter;
  const pages = Math.max(1, Math.ceil(v.total / SUBSCRIBERS_PER_PAGE));
  const filtered = Boolean(f.q || f.newsletter || f.status);
  const names = new Map(v.newsletters.map((n) => [n.slug, n.name]));
  const back = subscribersQuery(f, v.page);
  const add = v.add ?? {};
  const addChosen = add.newsletters ?? [];
  return adminLayout(
    ctx,
    'Subscribers',
    html`${subNav(ctx)}
<h1>Subscribers</h1>
<section class="card" aria-labelledby="counts-title">
  <h2 id="counts-title">Per newsletter</h2>
  <table class="list"><caption class="visually-hidden">Subscriptions per newsletter, and CSV exports</caption>
  <thead><tr><th scope="col">Newsletter</th><th scope="col">Confirmed</th><th scope="col">Pending</th><th scope="col">Unsubscribed</th><th scope="col">Suppressed</th><th scope="col">Export</th></tr></thead>
  <tbody>${v.counts.map(
    (c) => html`<tr>
    <td data-label="Newsletter"><a href="${subscribersQuery({ newsletter: c.slug })}">${c.name}</a></td>
    <td data-label="Confirmed">${c.confirmed}</td>
    <td data-label="Pending">${c.pending}</td>
    <td data-label="Unsubscribed">${c.unsubscribed}</td>
    <td data-label="Suppressed">${c.suppressed}</td>
    <td data-label="Export"><a href="${SUBSCRIBERS_PATH}/export?newsletter=${c.slug}" download>CSV<span class="visually-hidden"> of ${c.name} subscribers</span></a></td>
  </tr>`,
  )}</tbody></table>
  <p><a href="${SUBSCRIBERS_PATH}/export" download>Export everyone as CSV</a></p>
</section>
<form class="filters" method="get" action="${SUBSCRIBERS_PATH}" role="search" aria-label="Find subscribers">
  <div><label for="s-q">Email or name</label><input id="s-q" type="search" name="q" value="${f.q ?? ''}" maxlength="200"></div>
  <div><label for="s-newsletter">Newsletter</label><select id="s-newsletter" name="newsletter"><option value="">Any newsletter</option>${v.newsletters.map(
    (n) => html`<option value="${n.slug}"${f.newsletter === n.slug ? raw(' selected') : ''}>${n.name}</option>`,
  )}</select></div>
  <div><label for="s-status">Status</label><select id="s-status" name="status"><option value="">Any status</option>${(Object.keys(STATUS_LABEL) as SubscriptionStatus[]).map(
    (s) => html`<option value="${s}"${f.status === s ? raw(' selected') : ''}>${STATUS_LABEL[s]}</option>`,
  )}</select></div>
  <div class="filters-actions"><button type="submit">Search</button>${filtered ? html` <a href="${SUBSCRIBERS_PATH}">Clear</a>` : ''}</div>
</form>
<p id="subscribers-count" role="status">${v.total === 1 ? '1 person' : `${v.total} people`}${filtered ? ' match' : ''}${pages > 1 ? `, page ${v.page} of ${pages}` : ''}.</p>
${v.rows.length
  ? html`<table class="list subscribers">
  <caption class="visually-hidden">Subscribers, newest first${v.page > 1 ? `, page ${v.page}` : ''}</caption>
  <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Subscriptions</th><th scope="col">Added</th><th scope="col">Actions</th></tr></thead>
  <tbody>${v.rows.map((r) => {
    const active = Object.entries(r.subscriptions).filter(([, s]) => s !== 'unsubscribed').map(([slug]) => slug);
    return html`<tr>
    <td data-label="Email">${r.email}${r.suppressed_at ? html` <span class="badge badge--suppressed">Suppressed${r.suppressed_reason ? `: ${r.suppressed_reason}` : ''}</span>` : ''}</td>
    <td data-label="Name">${r.name}</td>
    <td data-label="Subscriptions"><ul class="plain compact">${Object.entries(r.subscriptions).map(
      ([slug, s]) => html`<li>${names.get(slug) ?? slug} ${statusBadge(s)}</li>`,
    )}</ul></td>
    <td data-label="Added">${when(r.created_at, tz, ctx.locale)}</td>
    <td data-label="Actions" class="actions">${active.length
      ? html`<form method="post" action="${SUBSCRIBERS_PATH}/${r.id}/unsubscribe" class="row-form">${csrfField(ctx)}<input type="hidden" name="back" value="${back}">
        <select name="newsletter" aria-label="Unsubscribe ${r.email} from">${active.length > 1 ? html`<option value="">All newsletters</option>` : ''}${active.map((slug) => html`<option value="${slug}">${names.get(slug) ?? slug}</option>`)}</select>
        <button type="submit">Unsubscribe</button></form>`
      : ''}
      <a class="danger-link" href="${SUBSCRIBERS_PATH}/${r.id}/delete">Delete<span class="visually-hidden"> ${r.email}</span>…</a></td>
  </tr>`;
  })}</tbody>
</table>`
  : html`<p>${filtered ? 'Nobody matches this search.' : 'There are no subscribers yet.'}</p>`}
${pages > 1
  ? html`<nav class="pagination" aria-label="Pages">${v.page > 1 ? html`<a rel="prev" href="${subscribersQuery(f, v.page - 1)}">Previous page</a>` : ''} <span>Page ${v.page} of ${pages}</span> ${v.page < pages ? html`<a rel="next" href="${subscribersQuery(f, v.page + 1)}">Next page</a>` : ''}</nav>`
  : ''}
<div class="dash">
<section class="card" aria-labelledby="add-title" id="add">
  <h2 id="add-title">Add a subscriber</h2>
  <form method="post" action="${SUBSCRIBERS_PATH}" class="stack">${csrfField(ctx)}
    <label for="add-email">Email address</label><input id="add-email" type="email" name="email" required maxlength="254" autocomplete="off" value="${add.email ?? ''}">
    <label for="add-name">Name <span class="hint">(optional)</span></label><input id="add-name" name="name" maxlength="200" autocomplete="off" value="${add.name ?? ''}">
    <fieldset><legend>Newsletters</legend>${v.newsletters.filter((n) => n.active).map(
      (n) => html`<label class="check"><input type="checkbox" name="newsletters" value="${n.slug}"${addChosen.includes(n.slug) ? raw(' checked') : ''}> ${n.name}</label>`,
    )}</fieldset>
    <label class="check"><input type="checkbox" name="confirmed" value="on"${add.confirmed ? raw(' checked') : ''}> They have already agreed to receive these newsletters (no verification email)</label>
    <p class="hint">Unticked, they get a verification email and are subscribed once they confirm (double opt-in).</p>
    <button type="submit">Add subscriber</button>
  </form>
</section>
<section class="card" aria-labelledby="import-title" id="import">
  <h2 id="import-title">Import from CSV</h2>
  <p class="hint">The first line names the columns: one for the email address, and optionally name, newsletters (slugs separated by “;”) and consent time.</p>
  <form method="post" action="${SUBSCRIBERS_PATH}/import" enctype="multipart/form-data" class="stack">${csrfField(ctx)}
    <label for="import-newsletter">Newsletter</label><select id="import-newsletter" name="newsletter" required>${v.newsletters.map(
      (n) => html`<option value="${n.slug}"${f.newsletter === n.slug ? raw(' selected') : ''}>${n.name}</option>`,
    )}</select>
    <label class="check"><input type="checkbox" name="confirmed" value="on"> These people have already agreed (confirmed import: no verification email)</label>
    <label for="import-file">CSV file</label><input id="import-file" type="file" name="file" accept=".csv,text/csv" required>
    <button type="submit">Import</button>
  </form>
</section>
</div>`,
    { notice },
  );
}

export function importReportPage(ctx: AdminContext, newsletter: Newsletter, confirmed: boolean, r: ImportResult, fileName: string): string {
  return adminLayout(
    ctx,
    'Import report',
    html`${subNav(ctx)}
<p class="crumbs"><a href="${SUBSCRIBERS_PATH}">← Subscribers</a></p>
<h1>Import report</h1>
<div class="notice ${r.errors.length ? 'notice--warn' : 'notice--ok'}" role="status">${fileName ? `${fileName}: ` : ''}${r.total} row${r.total === 1 ? '' : 's'} read into ${newsletter.name}${confirmed ? ' as confirmed' : ' with double opt-in'}; ${r.errors.length} could not be imported.</div>
<dl class="facts">
  <dt>Added</dt><dd id="import-added">${r.added}</dd>
  <dt>Already subscribed, unchanged</dt><dd>${r.unchanged}</dd>
  <dt>Kept out (unsubscribed or suppressed earlier)</dt><dd>${r.keptOut}</dd>
  <dt>Verification emails queued</dt><dd>${r.verificationQueued}</dd>
  <dt>Rows with problems</dt><dd>${r.errors.length}</dd>
</dl>
${r.errors.length
  ? html`<section class="card" aria-labelledby="bad-title"><h2 id="bad-title">Rows not imported</h2>
  <table class="list"><caption class="visually-hidden">Rows that were not imported, by line number in the file</caption>
  <thead><tr><th scope="col">Line</th><th scope="col">Problem</th></tr></thead>
  <tbody>${r.errors.map((e) => html`<tr><td data-label="Line">${e.line}</td><td data-label="Problem">${e.message}</td></tr>`)}</tbody></table>
  <p class="hint">Correct these lines and import the file again: rows already imported are left as they are.</p></section>`
  : ''}
<p><a class="button" href="${subscribersQuery({ newsletter: newsletter.slug })}">See ${newsletter.name} subscribers</a></p>`,
  );
}

export function deleteConfirmPage(ctx: AdminContext, person: { id: number; email: string; name: string; suppressed_at: Date | null }, subs: SubscriptionView[]): string {
  const held = subs.filter((s) => s.status);
  return adminLayout(
    ctx,
    `Delete ${person.email}`,
    html`${subNav(ctx)}
<p class="crumbs"><a href="${SUBSCRIBERS_PATH}">← Subscribers</a></p>
<h1>Delete ${person.email}?</h1>
<section class="card">
<dl class="facts">
  <dt>Email</dt><dd>${person.email}</dd>
  <dt>Name</dt><dd>${person.name || '—'}</dd>
  <dt>Subscriptions</dt><dd>${held.map((s) => `${s.name} (${STATUS_LABEL[s.status!].toLowerCase()})`).join(', ') || 'none'}</dd>
  ${person.suppressed_at ? html`<dt>Suppressed</dt><dd>yes (bounces or complaints)</dd>` : ''}
</dl>
<p>Deleting removes this person for good: their subscriptions, the record of every edition sent to them, and their bounces and complaints. It cannot be undone. To stop sending to them but keep the record, unsubscribe them instead.</p>
<form method="post" action="${SUBSCRIBERS_PATH}/${person.id}/delete" class="buttons">${csrfField(ctx)}
  <button type="submit" class="danger">Delete ${person.email} for good</button>
  <a href="${SUBSCRIBERS_PATH}?q=${encodeURIComponent(person.email)}">Keep them</a>
</form>
</section>`,
  );
}
