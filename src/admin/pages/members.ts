// The newsroom's members screens: the list (search, filters by plan and status, pages, CSV export and
// import), one member (subscriptions, newsletters, reading this period, complimentary access until a
// date, notes), the import report, the charts (members and paying members over time; the funnel wall
// shown → registered → paid, by week), the plans and the paywall settings.
import { formatNumber } from '../../platform/numbers.ts';
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { humanDate, isoInZone } from '../../platform/time.ts';
import { dayField } from './date-fields.ts';
import type { MemberRow } from '../../members/admin.ts';
import type { MemberImportReport, MemberSubscription, Plan } from '../../members/subscriptions.ts';
import type { PaywallSettings } from '../../members/paywall.ts';
import type { MembersPoint, WeeklyFunnel } from '../../members/stats.ts';
import type { StripeEventRow } from '../../members/stripe.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import { when } from './articles.ts';
import { lineChart, panelBarChart } from './member-charts.ts';

export const MEMBERS_PATH = '/admin/members';
export const MEMBERS_PER_PAGE = 50;
export const MEMBER_STATUSES = ['free', 'active', 'past_due', 'cancelled', 'expired'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
const STATUS_LABEL: Record<MemberStatus, string> = { free: 'Free', active: 'Active', past_due: 'Past due', cancelled: 'Cancelled', expired: 'Expired' };
const SOURCE_LABEL: Record<string, string> = { import: 'Imported', stripe: 'Stripe', comp: 'Complimentary', account: 'Registered' };

export interface MemberFilterView {
  q?: string;
  plan?: string;
  status?: MemberStatus;
}

export function membersQuery(f: MemberFilterView, page = 1, path = MEMBERS_PATH): string {
  const q = new URLSearchParams();
  if (f.q) q.set('q', f.q);
  if (f.plan) q.set('plan', f.plan);
  if (f.status) q.set('status', f.status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

function subNav(ctx: AdminContext, canSettings: boolean): SafeHtml {
  const item = (href: string, label: string) => html`<li><a href="${href}"${ctx.path === href ? raw(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<nav class="subnav" aria-label="Members"><ul>${item(MEMBERS_PATH, 'Members')}${item(`${MEMBERS_PATH}/insights`, 'Insights')}${item(`${MEMBERS_PATH}/plans`, 'Plans')}${canSettings ? item(`${MEMBERS_PATH}/paywall`, 'Paywall') : ''}</ul></nav>`;
}

function statusBadge(s: string): SafeHtml {
  return html`<span class="badge badge--member-${s}">${STATUS_LABEL[s as MemberStatus] ?? s}</span>`;
}

export interface MembersListView {
  filter: MemberFilterView;
  page: number;
  rows: MemberRow[];
  total: number;
  plans: Plan[];
  canSettings: boolean;
  paymentsEnabled: boolean;
}

export function membersPage(ctx: AdminContext, tz: string, v: MembersListView, notice: Notice | null): string {
  const f = v.filter;
  const pages = Math.max(1, Math.ceil(v.total / MEMBERS_PER_PAGE));
  const filtered = Boolean(f.q || f.plan || f.status);
  return adminLayout(
    ctx,
    'Members',
    html`${subNav(ctx, v.canSettings)}
<h1>Members</h1>
<p class="hint">Readers with an account, and everyone with a paid subscription (imported, bought with Stripe or complimentary). Newsletter subscribers without an account are on the <a href="/admin/newsletters/subscribers">subscribers</a> screen.</p>
<form class="filters" method="get" action="${MEMBERS_PATH}" role="search" aria-label="Find members">
  <div><label for="m-q">Email or name</label><input id="m-q" type="search" name="q" value="${f.q ?? ''}" maxlength="200"></div>
  <div><label for="m-plan">Plan</label><select id="m-plan" name="plan"><option value="">Any plan</option>${v.plans.map(
    (p) => html`<option value="${p.slug}"${f.plan === p.slug ? raw(' selected') : ''}>${p.name}</option>`,
  )}</select></div>
  <div><label for="m-status">Status</label><select id="m-status" name="status"><option value="">Any status</option>${MEMBER_STATUSES.map(
    (s) => html`<option value="${s}"${f.status === s ? raw(' selected') : ''}>${STATUS_LABEL[s]}</option>`,
  )}</select></div>
  <div class="filters-actions"><button type="submit">Search</button>${filtered ? html` <a href="${MEMBERS_PATH}">Clear</a>` : ''}</div>
</form>
<p id="members-count" role="status">${v.total === 1 ? '1 member' : `${v.total} members`}${filtered ? ' match' : ''}${pages > 1 ? `, page ${v.page} of ${pages}` : ''}. <a href="${membersQuery(f, 1, `${MEMBERS_PATH}/export`)}" download>Export ${filtered ? 'these' : 'all'} as CSV</a></p>
${v.rows.length
  ? html`<table class="list members">
  <caption class="visually-hidden">Members, newest first${v.page > 1 ? `, page ${v.page}` : ''}</caption>
  <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Until</th><th scope="col">Source</th><th scope="col">Since</th></tr></thead>
  <tbody>${v.rows.map(
    (r) => html`<tr>
    <td data-label="Email"><a href="${MEMBERS_PATH}/${r.id}">${r.email}</a>${r.account_at ? '' : html` <span class="badge">No account yet</span>`}</td>
    <td data-label="Name">${r.name}</td>
    <td data-label="Plan">${r.plan ?? (r.unknown_price ? '' : '—')}${r.unknown_price ? html`<span class="badge badge--warn" title="A Stripe price no plan knows: paid access is granted">Unknown Stripe price</span>` : ''}</td>
    <td data-label="Status">${statusBadge(r.status)}</td>
    <td data-label="Until">${r.expires_at ? when(r.expires_at, tz, ctx.locale) : ''}</td>
    <td data-label="Source">${SOURCE_LABEL[r.source] ?? r.source}</td>
    <td data-label="Since">${when(r.account_at ?? r.created_at, tz, ctx.locale)}</td>
  </tr>`,
  )}</tbody>
</table>`
  : html`<p>${filtered ? 'Nobody matches this search.' : 'There are no members yet.'}</p>`}
${pages > 1
  ? html`<nav class="pagination" aria-label="Pages">${v.page > 1 ? html`<a rel="prev" href="${membersQuery(f, v.page - 1)}">Previous page</a>` : ''} <span>Page ${v.page} of ${pages}</span> ${v.page < pages ? html`<a rel="next" href="${membersQuery(f, v.page + 1)}">Next page</a>` : ''}</nav>`
  : ''}
<section class="card" aria-labelledby="import-title" id="import">
  <h2 id="import-title">Import subscriptions from CSV</h2>
  <p class="hint">Subscriptions sold elsewhere (print, an app store, an old system). The first line names the columns <code>email,name,plan,status,expires_at</code>, optionally <code>external_id</code> and <code>note</code>; Ghost's members export works too. <code>plan</code> is a plan's slug or name (a new one is created as an offline plan); <code>status</code> is active, past_due, cancelled or expired; <code>expires_at</code> an ISO 8601 date or time (empty: no expiry). Importing the same file again updates rows and never duplicates them.</p>
  <form method="post" action="${MEMBERS_PATH}/import" enctype="multipart/form-data" class="stack">${csrfField(ctx)}
    <label for="import-file">CSV file</label><input id="import-file" type="file" name="file" accept=".csv,text/csv" required>
    <button type="submit">Import</button>
  </form>
</section>`,
    { notice },
  );
}

export function memberImportReportPage(ctx: AdminContext, r: MemberImportReport, fileName: string, canSettings: boolean): string {
  return adminLayout(
    ctx,
    'Import report',
    html`${subNav(ctx, canSettings)}
<p class="crumbs"><a href="${MEMBERS_PATH}">← Members</a></p>
<h1>Import report</h1>
<div class="notice ${r.errors.length ? 'notice--warn' : 'notice--ok'}" role="status">${fileName ? `${fileName}: ` : ''}${r.total} row${r.total === 1 ? '' : 's'} read; ${r.errors.length} could not be imported.</div>
<dl class="facts">
  <dt>Created</dt><dd id="import-created">${r.created}</dd>
  <dt>Updated</dt><dd id="import-updated">${r.updated}</dd>
  <dt>Unchanged</dt><dd id="import-unchanged">${r.unchanged}</dd>
  <dt>Attached to an existing account</dt><dd>${r.attached}</dd>
  <dt>Plans created (offline)</dt><dd>${r.plansCreated.length ? r.plansCreated.join(', ') : 'none'}</dd>
  <dt>Rows with problems</dt><dd>${r.errors.length}</dd>
</dl>
${r.errors.length
  ? html`<section class="card" aria-labelledby="bad-title"><h2 id="bad-title">Rows not imported</h2>
  <table class="list"><caption class="visually-hidden">Rows that were not imported, by line number in the file</caption>
  <thead><tr><th scope="col">Line</th><th scope="col">Problem</th></tr></thead>
  <tbody>${r.errors.map((e) => html`<tr><td data-label="Line">${e.line}</td><td data-label="Problem">${e.message}</td></tr>`)}</tbody></table>
  <p class="hint">Correct these lines and import the file again: rows already imported are updated, never duplicated.</p></section>`
  : ''}
<p><a class="button" href="${MEMBERS_PATH}">See the members</a></p>`,
  );
}

export interface MemberPageView {
  member: {
    id: number; email: string; name: string; account_at: Date | null; created_at: Date; note: string; stripe_customer_id: string | null;
    subscriptions: MemberSubscription[];
    newsletters: Array<{ slug: string; name: string; status: string | null }>;
    reading: { used: number; limit: number; period: 'month' | 'week'; enabled: boolean };
  };
  canSettings: boolean;
}

export function memberPage(ctx: AdminContext, tz: string, locale: string, v: MemberPageView, notice: Notice | null): string {
  const m = v.member;
  const comp = m.subscriptions.find((s) => s.source === 'comp');
  const granting = m.subscriptions.find((s) => s.grants);
  const day = (d: Date) => isoInZone(d, tz).slice(0, 10);
  return adminLayout(
    ctx,
    m.email,
    html`${subNav(ctx, v.canSettings)}
<p class="crumbs"><a href="${MEMBERS_PATH}">← Members</a></p>
<h1>${m.name || m.email}</h1>
<dl class="facts">
  <dt>Email</dt><dd>${m.email}</dd>
  <dt>Account</dt><dd>${m.account_at ? `registered ${when(m.account_at, tz, ctx.locale)}` : 'no account yet (a subscription waiting for its reader to register with this address)'}</dd>
  <dt>Access</dt><dd>${granting ? html`paying member (${granting.plan?.name ?? (granting.source === 'comp' ? 'complimentary' : 'paid access')})` : m.account_at ? 'free member' : 'none'}</dd>
  <dt>Reading this ${m.reading.period}</dt><dd id="member-reading">${m.reading.used} metered article${m.reading.used === 1 ? '' : 's'}${m.reading.enabled && !granting ? ` of ${m.reading.limit} free` : ''}</dd>
  ${m.stripe_customer_id ? html`<dt>Stripe customer</dt><dd><code>${m.stripe_customer_id}</code></dd>` : ''}
</dl>
<section class="card" aria-labelledby="subs-title"><h2 id="subs-title">Subscriptions</h2>
${m.subscriptions.length
  ? html`<table class="list"><caption class="visually-hidden">This member's subscriptions</caption>
  <thead><tr><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Until</th><th scope="col">Source</th><th scope="col">Reference</th><th scope="col">Grants access now</th></tr></thead>
  <tbody>${m.subscriptions.map(
    (s) => html`<tr>
    <td data-label="Plan">${s.plan?.name ?? (s.source === 'comp' ? 'Complimentary' : '—')}${!s.plan && s.stripe_price_id ? html` <span class="badge badge--warn">Unknown Stripe price <code>${s.stripe_price_id}</code></span>` : ''}</td>
    <td data-label="Status">${statusBadge(s.status)}</td>
    <td data-label="Until">${s.expires_at ? humanDate(new Date(s.expires_at.getTime() - 1), tz, locale) : s.renews_at ? `renews ${humanDate(s.renews_at, tz, locale)}` : 'no end'}</td>
    <td data-label="Source">${SOURCE_LABEL[s.source] ?? s.source}</td>
    <td data-label="Reference">${s.external_id ? html`<code>${s.external_id}</code>` : ''}${s.note ? html` ${s.note}` : ''}</td>
    <td data-label="Grants access now">${s.grants ? 'Yes' : 'No'}</td>
  </tr>`,
  )}</tbody></table>`
  : html`<p>No subscription: a free member.</p>`}
</section>
<div class="dash">
<section class="card" aria-labelledby="comp-title"><h2 id="comp-title">Complimentary access</h2>
  <p class="hint">Paid access granted by the newsroom until a date (the end of that day, ${tz}).${comp ? html` Currently ${comp.expires_at ? `until ${humanDate(new Date(comp.expires_at.getTime() - 1), tz, locale)}` : 'with no end'}.` : ''}</p>
  <form method="post" action="${MEMBERS_PATH}/${m.id}/complimentary" class="stack">${csrfField(ctx)}
    ${dayField({ id: 'comp-until', name: 'until', label: 'Until', value: comp?.expires_at ? day(new Date(comp.expires_at.getTime() - 1)) : '', locale, required: true, hint: 'access ends at the end of that day' })}
    <label for="comp-note">Why <span class="hint">(optional, kept with the grant)</span></label><input id="comp-note" name="note" maxlength="500" value="${comp?.note && comp.note !== 'granted by staff' ? comp.note : ''}">
    <button type="submit">${comp ? 'Change complimentary access' : 'Grant complimentary access'}</button>
  </form>
  ${comp ? html`<form method="post" action="${MEMBERS_PATH}/${m.id}/complimentary/revoke" class="row-form">${csrfField(ctx)}<button type="submit" class="danger">Revoke complimentary access</button></form>` : ''}
</section>
<section class="card" aria-labelledby="notes-title"><h2 id="notes-title">Notes</h2>
  <form method="post" action="${MEMBERS_PATH}/${m.id}/note" class="stack">${csrfField(ctx)}
    <label for="member-note">Notes for the newsroom <span class="hint">(the reader never sees them; they are in the reader's data download)</span></label>
    <textarea id="member-note" name="note" rows="5" maxlength="5000">${m.note}</textarea>
    <button type="submit">Save notes</button>
  </form>
</section>
</div>
<section class="card" aria-labelledby="nl-title"><h2 id="nl-title">Newsletters</h2>
${m.newsletters.length
  ? html`<ul class="plain">${m.newsletters.map((n) => html`<li>${n.name}: ${n.status}</li>`)}</ul>`
  : html`<p>None.</p>`}
</section>`,
    { notice },
  );
}

export interface InsightsView {
  series: MembersPoint[];
  funnel: WeeklyFunnel[];
  events: StripeEventRow[];
  canSettings: boolean;
  paymentsEnabled: boolean;
}

export function insightsPage(ctx: AdminContext, tz: string, v: InsightsView): string {
  const last = v.series[v.series.length - 1];
  const totals = v.funnel.reduce((a, w) => ({ wall: a.wall + w.wall_shown, reg: a.reg + w.registered, paid: a.paid + w.paid }), { wall: 0, reg: 0, paid: 0 });
  const pct = (a: number, b: number) => (b ? `${formatNumber(Math.round((a / b) * 1000) / 10, ctx.locale)}%` : '—');
  const n = (x: number) => formatNumber(x, ctx.locale);
  return adminLayout(
    ctx,
    'Members: insights',
    html`${subNav(ctx, v.canSettings)}
<h1>Insights</h1>
<p>${last ? html`<strong id="members-now">${n(last.members)}</strong> members, <strong id="paying-now">${n(last.paying)}</strong> paying.` : ''}</p>
${lineChart('members-chart', 'Members and paying members, by week', `Members and paying members at the end of each of the last ${v.series.length} weeks.${last ? ` Now: ${n(last.members)} members, ${n(last.paying)} paying.` : ''}`, v.series.map((p) => p.day), [
  { name: 'Members', values: v.series.map((p) => p.members) },
  { name: 'Paying members', values: v.series.map((p) => p.paying) },
], ctx.locale)}
<p class="hint">Reconstructed from registration times and each subscription's own dates; deleted accounts are not counted.</p>
<h2>The funnel</h2>
<p>Over the last ${v.funnel.length} weeks: walls shown ${n(totals.wall)}, registrations ${n(totals.reg)} (${pct(totals.reg, totals.wall)} of walls shown), new paying members ${n(totals.paid)} (${pct(totals.paid, totals.reg)} of registrations).</p>
${panelBarChart('funnel-chart', 'Registration wall shown, registered, paid, by week', `Per week: how often a wall was shown, how many readers registered, and how many began paying. Totals: ${n(totals.wall)}, ${n(totals.reg)}, ${n(totals.paid)}.`, v.funnel.map((w) => w.week), [
  { name: 'Walls shown', values: v.funnel.map((w) => w.wall_shown) },
  { name: 'Registered', values: v.funnel.map((w) => w.registered) },
  { name: 'Paid', values: v.funnel.map((w) => w.paid) },
], ctx.locale)}
<section class="card" aria-labelledby="stripe-title"><h2 id="stripe-title">Stripe events</h2>
${v.paymentsEnabled ? '' : html`<p class="hint">Online payments are not set up (STRIPE_SECRET_KEY is unset).</p>`}
${v.events.length
  ? html`<table class="list"><caption class="visually-hidden">The latest webhook events from Stripe and what was done with each</caption>
  <thead><tr><th scope="col">Received</th><th scope="col">Event</th><th scope="col">Customer</th><th scope="col">Outcome</th></tr></thead>
  <tbody>${v.events.map((e) => html`<tr><td data-label="Received">${when(e.received_at, tz, ctx.locale)}</td><td data-label="Event"><code>${e.type}</code></td><td data-label="Customer">${e.customer_id ? html`<code>${e.customer_id}</code>` : ''}</td><td data-label="Outcome">${e.outcome}</td></tr>`)}</tbody></table>`
  : html`<p>No events received yet.</p>`}
</section>`,
  );
}

const money = (cents: number | null) => (cents == null ? '' : (cents / 100).toFixed(2));

export function plansAdminPage(ctx: AdminContext, plans: Plan[], canSettings: boolean, notice: Notice | null): string {
  const planForm = (p: Partial<Plan>, key: string) => html`<form method="post" action="${MEMBERS_PATH}/plans" class="stack plan-form">${csrfField(ctx)}
    ${p.slug ? html`<input type="hidden" name="slug" value="${p.slug}">` : html`<label for="${key}-slug">Slug <span class="hint">(optional: made from the name)</span></label><input id="${key}-slug" name="slug" maxlength="80" pattern="[a-z0-9]+(-[a-z0-9]+)*">`}
    <label for="${key}-name">Name</label><input id="${key}-name" name="name" required maxlength="120" value="${p.name ?? ''}">
    <label for="${key}-description">Description</label><textarea id="${key}-description" name="description" rows="2" maxlength="2000">${p.description ?? ''}</textarea>
    <label for="${key}-kind">Sold</label><select id="${key}-kind" name="kind"><option value="stripe"${p.kind !== 'offline' ? raw(' selected') : ''}>online, with Stripe</option><option value="offline"${p.kind === 'offline' ? raw(' selected') : ''}>elsewhere (offline: imports only)</option></select>
    <label for="${key}-currency">Currency</label><input id="${key}-currency" name="currency" maxlength="3" pattern="[A-Za-z]{3}" value="${(p.currency ?? 'usd').toUpperCase()}">
    <label for="${key}-monthly">Monthly price</label><input id="${key}-monthly" name="monthly_amount" inputmode="decimal" pattern="\\d{1,7}([.,]\\d{1,2})?" value="${money(p.monthly_amount ?? null)}">
    <label for="${key}-yearly">Yearly price</label><input id="${key}-yearly" name="yearly_amount" inputmode="decimal" pattern="\\d{1,7}([.,]\\d{1,2})?" value="${money(p.yearly_amount ?? null)}">
    <label for="${key}-pm">Stripe price id, monthly</label><input id="${key}-pm" name="stripe_price_monthly" maxlength="200" placeholder="price_…" value="${p.stripe_price_monthly ?? ''}">
    <label for="${key}-py">Stripe price id, yearly</label><input id="${key}-py" name="stripe_price_yearly" maxlength="200" placeholder="price_…" value="${p.stripe_price_yearly ?? ''}">
    <label for="${key}-features">What it includes <span class="hint">(one per line)</span></label><textarea id="${key}-features" name="features" rows="3">${(p.features ?? []).join('\n')}</textarea>
    <label for="${key}-position">Order on the plans page</label><input id="${key}-position" name="position" inputmode="numeric" pattern="\\d{1,4}" value="${String(p.position ?? 0)}">
    <label class="check"><input type="checkbox" name="active" value="on"${p.active !== false ? raw(' checked') : ''}> On offer</label>
    <button type="submit">${p.slug ? `Save ${p.name}` : 'Add plan'}</button>
  </form>`;
  return adminLayout(
    ctx,
    'Plans',
    html`${subNav(ctx, canSettings)}
<h1>Plans</h1>
<p class="hint">Prices are shown to readers; what Stripe charges is the Stripe price's own amount, so keep them the same. A subscription whose Stripe price no plan lists still grants paid access and is flagged on the members screen.</p>
${plans.length
  ? html`<table class="list"><caption class="visually-hidden">Plans</caption>
  <thead><tr><th scope="col">Plan</th><th scope="col">Sold</th><th scope="col">Monthly</th><th scope="col">Yearly</th><th scope="col">On offer</th></tr></thead>
  <tbody>${plans.map((p) => html`<tr><td data-label="Plan">${p.name} <code>${p.slug}</code></td><td data-label="Sold">${p.kind === 'stripe' ? 'Stripe' : 'Offline'}</td><td data-label="Monthly">${p.monthly_amount != null ? `${money(p.monthly_amount)} ${p.currency.toUpperCase()}` : ''}</td><td data-label="Yearly">${p.yearly_amount != null ? `${money(p.yearly_amount)} ${p.currency.toUpperCase()}` : ''}</td><td data-label="On offer">${p.active ? 'Yes' : 'No'}</td></tr>`)}</tbody></table>`
  : html`<p>No plans yet.</p>`}
${canSettings
  ? html`${plans.map((p) => html`<details class="card"><summary>Edit ${p.name}</summary>${planForm(p, `plan-${p.id}`)}</details>`)}
<section class="card" aria-labelledby="new-plan-title"><h2 id="new-plan-title">Add a plan</h2>${planForm({}, 'new-plan')}</section>`
  : html`<p class="hint">Only administrators change plans.</p>`}`,
    { notice },
  );
}

export function paywallAdminPage(ctx: AdminContext, p: PaywallSettings, choices: { formats: Array<{ slug: string; name: string }>; sections: Array<{ slug: string; name: string }> }, notice: Notice | null): string {
  const boxes = (name: string, list: Array<{ slug: string; name: string }>, chosen: string[]) =>
    list.length
      ? html`${list.map((x) => html`<label class="check"><input type="checkbox" name="${name}" value="${x.slug}"${chosen.includes(x.slug) ? raw(' checked') : ''}> ${x.name}</label>`)}`
      : html`<p class="hint">None defined.</p>`;
  return adminLayout(
    ctx,
    'Paywall',
    html`${subNav(ctx, true)}
<h1>Paywall</h1>
<form method="post" action="${MEMBERS_PATH}/paywall" class="stack">${csrfField(ctx)}
  <label class="check"><input type="checkbox" name="meter_enabled" value="on"${p.meter_enabled ? raw(' checked') : ''}> Meter on: metered articles are free up to the limits below, then the walls show</label>
  <label for="pw-anon">Free metered articles for anonymous readers, per period</label><input id="pw-anon" name="anonymous_limit" inputmode="numeric" pattern="\\d{1,4}" required value="${String(p.anonymous_limit)}">
  <label for="pw-member">Free metered articles for registered readers, per period</label><input id="pw-member" name="member_limit" inputmode="numeric" pattern="\\d{1,4}" required value="${String(p.member_limit)}">
  <label for="pw-period">Period</label><select id="pw-period" name="period"><option value="month"${p.period === 'month' ? raw(' selected') : ''}>Calendar month</option><option value="week"${p.period === 'week' ? raw(' selected') : ''}>Week (Monday to Sunday)</option></select>
  <fieldset><legend>Formats outside the meter (their metered articles read free)</legend>${boxes('exempt_formats', choices.formats, p.exempt_formats)}</fieldset>
  <fieldset><legend>Sections outside the meter</legend>${boxes('exempt_sections', choices.sections, p.exempt_sections)}</fieldset>
  <label for="pw-tags">Tags outside the meter <span class="hint">(slugs, separated by commas)</span></label><input id="pw-tags" name="exempt_tags" maxlength="5000" value="${p.exempt_tags.join(', ')}">
  <label for="pw-grace">Days a past-due payment keeps access</label><input id="pw-grace" name="grace_days" inputmode="numeric" pattern="\\d{1,2}" required value="${String(p.grace_days)}">
  <button type="submit">Save paywall settings</button>
</form>`,
    { notice },
  );
}
