// Settings: the publication (name, description, logo, time zone), formats and sections, newsletters,
// staff, and API keys. Each part shows only to the roles that may change it.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import type { Publication } from '../../publication/settings.ts';
import type { Newsletter } from '../../newsletters/newsletters.ts';
import type { ApiKey } from '../../staff/api-keys.ts';
import type { Staff } from '../../staff/staff.ts';
import { can, ROLES } from '../../staff/roles.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import { when } from './articles.ts';

export interface TaxonomyRow {
  slug: string;
  name: string;
  description: string;
  position?: number;
}

export interface SettingsData {
  publication: Publication;
  formats: TaxonomyRow[];
  sections: TaxonomyRow[];
  newsletters: Newsletter[];
  staff: Staff[];
  apiKeys: ApiKey[] | null;
  /** A key's secret, shown once right after it was created. */
  newKey?: { name: string; secret: string } | null;
}

/** What was typed into the form that failed, to show again. */
export type FormValues = Record<string, string>;

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function v(values: FormValues | undefined, key: string, fallback = ''): string {
  return values && key in values ? values[key]! : fallback;
}

function taxonomyPart(ctx: AdminContext, kind: 'formats' | 'sections', rows: TaxonomyRow[], values?: FormValues): SafeHtml {
  const label = kind === 'formats' ? 'Formats' : 'Sections';
  const one = kind === 'formats' ? 'format' : 'section';
  return html`<section class="card" id="${kind}" aria-labelledby="${kind}-title">
  <h2 id="${kind}-title">${label}</h2>
  ${rows.length ? html`<table class="list"><caption class="visually-hidden">${label}</caption><thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Description</th></tr></thead>
  <tbody>${rows.map((r) => html`<tr><td data-label="Name">${r.name}</td><td data-label="Address">/${one}/${r.slug}</td><td data-label="Description">${r.description}</td></tr>`)}</tbody></table>` : html`<p>None yet.</p>`}
  <form method="post" action="/admin/settings/${kind}" class="inline-form">
    ${csrfField(ctx)}
    <h3>Add a ${one}, or change one by its address</h3>
    <div><label for="${kind}-slug">Address (slug)</label><input id="${kind}-slug" name="slug" required maxlength="120" pattern="[a-z0-9]+(-[a-z0-9]+)*" value="${v(values, 'slug')}"></div>
    <div><label for="${kind}-name">Name</label><input id="${kind}-name" name="name" required maxlength="120" value="${v(values, 'name')}"></div>
    <div><label for="${kind}-description">Description</label><input id="${kind}-description" name="description" maxlength="500" value="${v(values, 'description')}"></div>
    <div><label for="${kind}-position">Position</label><input id="${kind}-position" name="position" type="number" min="0" max="1000" value="${v(values, 'position', '0')}"></div>
    <div><button type="submit">Save ${one}</button></div>
  </form>
</section>`;
}

export function settingsPage(ctx: AdminContext, d: SettingsData, notice: Notice | null, failed?: { form: string; values: FormValues }): string {
  const role = ctx.session.staff.role;
  const vals = (form: string) => (failed?.form === form ? failed.values : undefined);
  const pub = d.publication;
  const zones = Intl.supportedValuesOf('timeZone');
  if (!zones.includes(pub.timeZone)) zones.unshift(pub.timeZone);
  const pv = vals('publication');
  const zone = v(pv, 'time_zone', pub.timeZone);
  return adminLayout(
    ctx,
    'Settings',
    html`<h1>Settings</h1>
<nav class="toc" aria-label="Settings sections"><ul>
  ${can(role, 'settings.manage') ? html`<li><a href="#publication">Publication</a></li>` : ''}
  <li><a href="#formats">Formats</a></li><li><a href="#sections">Sections</a></li>
  ${can(role, 'newsletters.manage') ? html`<li><a href="#newsletters">Newsletters</a></li>` : ''}
  ${can(role, 'staff.manage') ? html`<li><a href="#staff">Staff</a></li>` : ''}
  ${d.apiKeys ? html`<li><a href="#api-keys">API keys</a></li>` : ''}
</ul></nav>
${can(role, 'settings.manage')
  ? html`<section class="card" id="publication" aria-labelledby="publication-title">
  <h2 id="publication-title">Publication</h2>
  <form method="post" action="/admin/settings/publication" class="stack">
    ${csrfField(ctx)}
    <label for="pub-name">Name</label>
    <input id="pub-name" name="name" required maxlength="120" value="${v(pv, 'name', pub.name)}">
    <label for="pub-description">Description <span class="hint">(for search engines and feeds)</span></label>
    <input id="pub-description" name="description" maxlength="300" value="${v(pv, 'description', pub.description)}">
    <label for="pub-tz">Time zone <span class="hint">(times on the site, schedules and newsletters)</span></label>
    <select id="pub-tz" name="time_zone">${zones.map((z) => html`<option${z === zone ? raw(' selected') : ''}>${z}</option>`)}</select>
    <label for="pub-accent">Brand colour <span class="hint">(links, buttons and labels on the site and in the newsletters; dark enough to read on white)</span></label>
    <input id="pub-accent" name="accent_color" type="color" value="${v(pv, 'accent_color', pub.accentColor)}">
    <button type="submit">Save publication settings</button>
  </form>
  <form method="post" action="/admin/settings/logo" enctype="multipart/form-data" class="stack">
    ${csrfField(ctx)}
    ${pub.logoUrl ? html`<img class="thumb" src="${pub.logoUrl}" alt="Current logo">` : ''}
    <label for="pub-logo">Logo <span class="hint">(PNG, JPEG, GIF or WebP, up to 5 MB)</span></label>
    <input id="pub-logo" type="file" name="logo" accept="image/png,image/jpeg,image/gif,image/webp" required>
    <button type="submit">Upload logo</button>
  </form>
</section>`
  : ''}
${taxonomyPart(ctx, 'formats', d.formats, vals('formats'))}
${taxonomyPart(ctx, 'sections', d.sections, vals('sections'))}
${can(role, 'newsletters.manage') ? newslettersPart(ctx, d.newsletters, vals('newsletters')) : ''}
${can(role, 'staff.manage') ? staffPart(ctx, d.staff, vals('staff')) : ''}
${d.apiKeys ? apiKeysPart(ctx, d.apiKeys, d.newKey ?? null, vals('api-keys')) : ''}`,
    { notice },
  );
}

function newslettersPart(ctx: AdminContext, list: Newsletter[], values?: FormValues): SafeHtml {
  const days = values ? (values.days ?? '').split(',').map(Number) : [1, 2, 3, 4, 5];
  return html`<section class="card" id="newsletters" aria-labelledby="newsletters-title">
  <h2 id="newsletters-title">Newsletters</h2>
  <table class="list"><caption class="visually-hidden">Newsletters</caption><thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Schedule</th><th scope="col">State</th></tr></thead>
  <tbody>${list.map(
    (n) => html`<tr><td data-label="Name">${n.name}</td><td data-label="Address">${n.slug}</td><td data-label="Schedule">${n.schedule_days.map((d) => DAYS[d - 1]).join(' ')} at ${n.schedule_time}</td><td data-label="State">${n.active ? 'Active' : 'Paused'}${n.signup_default ? ', ticked at sign-up' : ''}</td></tr>`,
  )}</tbody></table>
  <form method="post" action="/admin/settings/newsletters" class="stack">
    ${csrfField(ctx)}
    <h3>Add a newsletter, or change one by its address</h3>
    <label for="nl-slug">Address (slug)</label><input id="nl-slug" name="slug" required maxlength="60" pattern="[a-z0-9]+(-[a-z0-9]+)*" value="${v(values, 'slug')}">
    <label for="nl-name">Name</label><input id="nl-name" name="name" required maxlength="120" value="${v(values, 'name')}">
    <label for="nl-description">Description</label><input id="nl-description" name="description" maxlength="1000" value="${v(values, 'description')}">
    <fieldset><legend>Days</legend>${DAYS.map(
      (d, i) => html`<label class="check inline"><input type="checkbox" name="days" value="${i + 1}"${days.includes(i + 1) ? raw(' checked') : ''}> ${d}</label>`,
    )}</fieldset>
    <label for="nl-time">Send time <span class="hint">(publication time zone)</span></label><input id="nl-time" name="time" type="time" required value="${v(values, 'time', '07:00')}">
    <label class="check"><input type="checkbox" name="signup_default"${values?.signup_default ? raw(' checked') : ''}> Ticked in the sign-up box</label>
    <label class="check"><input type="checkbox" name="active"${!values || values.active ? raw(' checked') : ''}> Active</label>
    <button type="submit">Save newsletter</button>
  </form>
</section>`;
}

function staffPart(ctx: AdminContext, staff: Staff[], values?: FormValues): SafeHtml {
  const me = ctx.session.staff.id;
  return html`<section class="card" id="staff" aria-labelledby="staff-title">
  <h2 id="staff-title">Staff</h2>
  <table class="list"><caption class="visually-hidden">Staff accounts</caption><thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>${staff.map(
    (s) => html`<tr>
      <td data-label="Person">${s.name || s.email}<br><span class="muted">${s.email}</span></td>
      <td data-label="Role"><form method="post" action="/admin/staff/${s.id}/role" class="row-form">${csrfField(ctx)}
        <label class="visually-hidden" for="role-${s.id}">Role of ${s.name || s.email}</label>
        <select id="role-${s.id}" name="role">${ROLES.map((r) => html`<option${r === s.role ? raw(' selected') : ''}>${r}</option>`)}</select>
        <button type="submit">Change</button></form></td>
      <td data-label="State">${s.disabled_at ? 'Disabled' : s.has_password ? 'Active (password)' : 'Active (email links)'}</td>
      <td data-label="Actions">${s.id === me
        ? html`<span class="muted">You</span>`
        : s.disabled_at
          ? html`<form method="post" action="/admin/staff/${s.id}/enable">${csrfField(ctx)}<button type="submit">Enable</button></form>`
          : html`<form method="post" action="/admin/staff/${s.id}/disable">${csrfField(ctx)}<button type="submit" class="danger">Disable</button></form>`}</td>
    </tr>`,
  )}</tbody></table>
  <form method="post" action="/admin/staff" class="inline-form">
    ${csrfField(ctx)}
    <h3>Invite someone</h3>
    <div><label for="invite-email">Email address</label><input id="invite-email" name="email" type="email" required maxlength="254" value="${v(values, 'email')}"></div>
    <div><label for="invite-name">Name</label><input id="invite-name" name="name" maxlength="120" value="${v(values, 'name')}"></div>
    <div><label for="invite-role">Role</label><select id="invite-role" name="role">${ROLES.map((r) => html`<option${r === v(values, 'role', 'contributor') ? raw(' selected') : ''}>${r}</option>`)}</select></div>
    <div><button type="submit">Send invitation</button></div>
  </form>
  <p class="hint">Contributors write drafts; authors publish their own articles; editors run all content and newsletters; administrators also manage settings, staff and API keys.</p>
</section>`;
}

function apiKeysPart(ctx: AdminContext, keys: ApiKey[], newKey: { name: string; secret: string } | null, values?: FormValues): SafeHtml {
  return html`<section class="card" id="api-keys" aria-labelledby="api-keys-title">
  <h2 id="api-keys-title">API keys</h2>
  ${newKey
    ? html`<div class="notice notice--warn" role="status"><p>The secret of “${newKey.name}” is shown now and never again. Copy it somewhere safe:</p><p><code class="secret">${newKey.secret}</code></p></div>`
    : ''}
  ${keys.length
    ? html`<table class="list"><caption class="visually-hidden">API keys</caption><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Starts with</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>${keys.map(
    (k) => html`<tr><td data-label="Name">${k.name}</td><td data-label="Kind">${k.kind}${k.role ? ` (${k.role})` : ''}</td><td data-label="Starts with"><code>${k.prefix}…</code></td>
      <td data-label="Last used">${k.last_used_at ? when(k.last_used_at, 'UTC') + ' UTC' : 'never'}</td>
      <td data-label="Actions"><form method="post" action="/admin/api-keys/${k.id}/revoke">${csrfField(ctx)}<button type="submit" class="danger">Revoke</button></form></td></tr>`,
  )}</tbody></table>`
    : html`<p>No API keys yet.</p>`}
  <form method="post" action="/admin/api-keys" class="inline-form">
    ${csrfField(ctx)}
    <h3>Create a key</h3>
    <div><label for="key-name">Name</label><input id="key-name" name="name" required maxlength="200" value="${v(values, 'name')}"></div>
    <div><label for="key-kind">Kind</label><select id="key-kind" name="kind"><option value="content"${v(values, 'kind') === 'content' ? raw(' selected') : ''}>content (reads published content)</option><option value="admin"${v(values, 'kind') === 'admin' ? raw(' selected') : ''}>admin (acts with a role)</option></select></div>
    <div><label for="key-role">Role <span class="hint">(admin keys)</span></label><select id="key-role" name="role"><option value="">none</option>${ROLES.map((r) => html`<option${r === v(values, 'role') ? raw(' selected') : ''}>${r}</option>`)}</select></div>
    <div><button type="submit">Create key</button></div>
  </form>
</section>`;
}
