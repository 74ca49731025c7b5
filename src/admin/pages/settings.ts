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
import { clockField } from './date-fields.ts';

export interface TaxonomyRow {
  slug: string;
  name: string;
  description: string;
  position?: number;
  article_count?: number;
}

/** The settings pages, one per part, in the order the index lists them. */
export const SETTINGS_PARTS = ['publication', 'formats', 'sections', 'newsletters', 'mail', 'staff', 'api-keys'] as const;
export type SettingsPart = (typeof SETTINGS_PARTS)[number];

const PART_INFO: Record<SettingsPart, { title: string; about: string; permission: Parameters<typeof can>[1] }> = {
  publication: { title: 'Publication', about: 'Name, description, time zone and logo.', permission: 'settings.manage' },
  formats: { title: 'Formats', about: 'Speed Read, The Explainer and the other kinds of article, with their weight in the digest.', permission: 'taxonomy.manage' },
  sections: { title: 'Sections', about: 'The parts of the site an article belongs to.', permission: 'taxonomy.manage' },
  newsletters: { title: 'Newsletters', about: 'Each newsletter, its schedule and whether the sign-up box offers it.', permission: 'newsletters.manage' },
  mail: { title: 'Mail', about: 'How email leaves this server: SMTP, sender, DKIM and bounces.', permission: 'settings.manage' },
  staff: { title: 'Staff', about: 'Who can sign in to the newsroom, and with which role.', permission: 'staff.manage' },
  'api-keys': { title: 'API keys', about: 'Keys for the Content and Admin APIs.', permission: 'apikeys.manage' },
};

export function partAllowed(role: Parameters<typeof can>[0], part: SettingsPart): boolean {
  return can(role, PART_INFO[part].permission);
}

export function partTitle(part: SettingsPart): string {
  return PART_INFO[part].title;
}

/** How mail leaves this server, as the mail settings page shows it (from the environment: read-only). */
export interface MailState {
  smtp: string | null;
  from: string | null;
  dkim: string | null;
  webhookSecret: boolean;
  outbox: number;
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
  /** The row whose Edit was chosen (formats, sections, newsletters): its form is filled in. */
  edit?: string | null;
  mail?: MailState;
}

/** What was typed into the form that failed, to show again. */
export type FormValues = Record<string, string>;

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function v(values: FormValues | undefined, key: string, fallback = ''): string {
  return values && key in values ? values[key]! : fallback;
}

function taxonomyPart(ctx: AdminContext, kind: 'formats' | 'sections', rows: TaxonomyRow[], values?: FormValues, edit?: string | null): SafeHtml {
  const label = kind === 'formats' ? 'Formats' : 'Sections';
  const one = kind === 'formats' ? 'format' : 'section';
  const editing = edit ? rows.find((r) => r.slug === edit) : undefined;
  const val = (key: string, fallback = '') => v(values, key, editing ? String((editing as unknown as Record<string, unknown>)[key] ?? fallback) : fallback);
  const base = `/admin/settings/${kind}`;
  return html`<section class="card" id="${kind}" aria-labelledby="${kind}-title">
  <h2 id="${kind}-title">${label}</h2>
  ${rows.length ? html`<table class="list"><caption class="visually-hidden">${label}</caption><thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Description</th><th scope="col" class="num">Articles</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>${rows.map((r) => html`<tr${r.slug === edit ? raw(' aria-current="true"') : ''}><td data-label="Name">${r.name}</td><td data-label="Address">/${one}/${r.slug}</td><td data-label="Description">${r.description}</td><td data-label="Articles" class="num">${r.article_count ?? 0}</td>
    <td data-label="Actions" class="row-actions"><a href="${base}?edit=${r.slug}#${kind}-form" aria-label="Edit ${r.name}">Edit</a> <a class="danger-link" href="${base}/${r.slug}/delete" aria-label="Delete ${r.name}">Delete</a></td></tr>`)}</tbody></table>` : html`<p>None yet.</p>`}
  <form method="post" action="${base}" class="inline-form" id="${kind}-form">
    ${csrfField(ctx)}
    <h3>${editing ? html`Edit the ${one} “${editing.name}”` : `Add a ${one}`}</h3>
    <div><label for="${kind}-slug">Address (slug)</label><input id="${kind}-slug" name="slug" required maxlength="120" pattern="[a-z0-9]+(-[a-z0-9]+)*" value="${val('slug')}"${editing ? raw(' readonly aria-describedby="' + kind + '-slug-hint"') : ''}>${editing ? html`<span class="hint" id="${kind}-slug-hint">The address is part of public links and stays.</span>` : ''}</div>
    <div><label for="${kind}-name">Name</label><input id="${kind}-name" name="name" required maxlength="120" value="${val('name')}"></div>
    <div><label for="${kind}-description">Description</label><input id="${kind}-description" name="description" maxlength="500" value="${val('description')}"></div>
    <div><label for="${kind}-position">Position</label><input id="${kind}-position" name="position" type="number" min="0" max="1000" value="${val('position', '0')}"></div>
    <div><button type="submit">${editing ? `Save ${one}` : `Add ${one}`}</button>${editing ? html` <a href="${base}">Cancel</a>` : ''}</div>
  </form>
</section>`;
}

/** The settings index: one card per part this person may change. */
export function settingsIndexPage(ctx: AdminContext, notice: Notice | null): string {
  const role = ctx.session.staff.role;
  const parts = SETTINGS_PARTS.filter((p) => partAllowed(role, p));
  return adminLayout(
    ctx,
    'Settings',
    html`<h1>Settings</h1>
<ul class="settings-index">${parts.map((p) => html`<li class="card"><h2><a href="/admin/settings/${p}">${PART_INFO[p].title}</a></h2><p>${PART_INFO[p].about}</p></li>`)}
${can(role, 'taxonomy.manage') ? html`<li class="card"><h2><a href="/admin/authors">Authors</a></h2><p>The people articles are signed by: names, bios and photos.</p></li>` : ''}</ul>`,
    { notice },
  );
}

function settingsNav(ctx: AdminContext, current: SettingsPart): SafeHtml {
  const role = ctx.session.staff.role;
  return html`<nav class="subnav" aria-label="Settings"><ul>${SETTINGS_PARTS.filter((p) => partAllowed(role, p)).map(
    (p) => html`<li><a href="/admin/settings/${p}"${p === current ? raw(' aria-current="page"') : ''}>${PART_INFO[p].title}</a></li>`,
  )}</ul></nav>`;
}

function mailPart(m: MailState): SafeHtml {
  return html`<section class="card" id="mail" aria-labelledby="mail-title">
  <h2 id="mail-title">Mail</h2>
  <p>How mail leaves this server is set where Newsdesk runs, in its environment or <code>.env</code> file (see the README), and shown here.</p>
  <dl class="facts">
    <dt>Sending</dt><dd>${m.smtp ? html`Through the mail server at <code>${m.smtp}</code>` : html`Not set up (<code>SMTP_URL</code> is empty): every email is written to the <a href="/admin/outbox">outbox</a> instead (${m.outbox === 1 ? '1 message' : `${m.outbox} messages`}).`}</dd>
    <dt>Sender</dt><dd>${m.from ? m.from : html`Not set (<code>MAIL_FROM</code>): each newsletter's own sender, or the publication's default.`}</dd>
    <dt>DKIM</dt><dd>${m.dkim ? html`Every message is signed for <code>${m.dkim}</code>.` : html`Not signed (<code>DKIM_DOMAIN</code>, <code>DKIM_SELECTOR</code>, <code>DKIM_PRIVATE_KEY</code>). Receivers trust signed mail more.`}</dd>
    <dt>Bounces</dt><dd>Bounce messages to the signed return path are applied as they arrive; reports without it wait for review under <a href="/admin/newsletters/bounces">Bounce reports</a>.${m.webhookSecret ? ' Provider webhooks are accepted (MAIL_WEBHOOK_SECRET is set).' : ' Provider webhooks are off (MAIL_WEBHOOK_SECRET is not set).'}</dd>
  </dl>
</section>`;
}

export function settingsPage(ctx: AdminContext, part: SettingsPart, d: SettingsData, notice: Notice | null, failed?: { form: string; values: FormValues }): string {
  const vals = (form: string) => (failed?.form === form ? failed.values : undefined);
  let body: SafeHtml | string = '';
  if (part === 'publication') body = publicationPart(ctx, d.publication, vals('publication'));
  else if (part === 'formats' || part === 'sections') body = taxonomyPart(ctx, part, part === 'formats' ? d.formats : d.sections, vals(part), d.edit);
  else if (part === 'newsletters') body = newslettersPart(ctx, d.newsletters, d.publication.timeZone, vals('newsletters'), d.edit);
  else if (part === 'mail' && d.mail) body = mailPart(d.mail);
  else if (part === 'staff') body = staffPart(ctx, d.staff, vals('staff'));
  else if (part === 'api-keys' && d.apiKeys) body = apiKeysPart(ctx, d.apiKeys, d.newKey ?? null, vals('api-keys'));
  return adminLayout(
    ctx,
    `Settings: ${PART_INFO[part].title}`,
    html`<p class="crumbs"><a href="/admin/settings">← Settings</a></p>
<h1>${PART_INFO[part].title}</h1>
${settingsNav(ctx, part)}
${body}`,
    { notice },
  );
}

function publicationPart(ctx: AdminContext, pub: Publication, pv?: FormValues): SafeHtml {
  const zones = Intl.supportedValuesOf('timeZone');
  if (!zones.includes(pub.timeZone)) zones.unshift(pub.timeZone);
  const zone = v(pv, 'time_zone', pub.timeZone);
  return html`<section class="card" id="publication" aria-labelledby="publication-title">
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
</section>`;
}

/** "Delete the format “Briefing”?": what deleting does to the articles that use it, before it happens. */
export function deleteTaxonomyPage(ctx: AdminContext, kind: 'formats' | 'sections', row: TaxonomyRow): string {
  const one = kind === 'formats' ? 'format' : 'section';
  const n = row.article_count ?? 0;
  return adminLayout(
    ctx,
    `Delete the ${one} ${row.name}`,
    html`<p class="crumbs"><a href="/admin/settings/${kind}">← ${kind === 'formats' ? 'Formats' : 'Sections'}</a></p>
<h1>Delete the ${one} “${row.name}”?</h1>
<section class="card">
<p>${n ? `${n} article${n === 1 ? ' uses' : 's use'} it. ${n === 1 ? 'It keeps' : 'They keep'} ${n === 1 ? 'its' : 'their'} text and address and will have no ${one}; /${one}/${row.slug} and its feeds will answer “not found”.` : `No article uses it. /${one}/${row.slug} and its feeds will answer “not found”.`}</p>
<form method="post" action="/admin/settings/${kind}/${row.slug}/delete" class="buttons">${csrfField(ctx)}
  <button type="submit" class="danger">Delete the ${one}</button> <a href="/admin/settings/${kind}">Keep it</a>
</form>
</section>`,
  );
}

/** Deleting a newsletter: only one nobody receives and that never sent; otherwise pausing is offered. */
export function deleteNewsletterPage(ctx: AdminContext, n: Newsletter, usage: { subscribers: number; editions: number }): string {
  const blocked = usage.subscribers > 0 || usage.editions > 0;
  return adminLayout(
    ctx,
    `Delete the newsletter ${n.name}`,
    html`<p class="crumbs"><a href="/admin/settings/newsletters">← Newsletters</a></p>
<h1>Delete the newsletter “${n.name}”?</h1>
<section class="card">
${blocked
  ? html`<p>${n.name} has ${usage.subscribers} subscriber${usage.subscribers === 1 ? '' : 's'} and ${usage.editions} edition${usage.editions === 1 ? '' : 's'}: deleting it would lose their subscriptions and its archive. Pause it instead: it stops being sent and offered, and keeps everything.</p>
<p><a href="/admin/settings/newsletters?edit=${n.slug}#newsletters-form">Edit ${n.name} to pause it</a></p>`
  : html`<p>Nobody is subscribed and no edition exists. It disappears from the sign-up box and the newsletters page.</p>
<form method="post" action="/admin/settings/newsletters/${n.slug}/delete" class="buttons">${csrfField(ctx)}
  <button type="submit" class="danger">Delete the newsletter</button> <a href="/admin/settings/newsletters">Keep it</a>
</form>`}
</section>`,
  );
}

function newslettersPart(ctx: AdminContext, list: Newsletter[], timeZone: string, values?: FormValues, edit?: string | null): SafeHtml {
  const editing = edit ? list.find((n) => n.slug === edit) : undefined;
  const days = values ? (values.days ?? '').split(',').map(Number) : editing ? editing.schedule_days : [1, 2, 3, 4, 5];
  const val = (key: string, fallback: string) => v(values, key, fallback);
  const checked = (key: string, current: boolean) => (values ? Boolean(values[key]) : current);
  return html`<section class="card" id="newsletters" aria-labelledby="newsletters-title">
  <h2 id="newsletters-title">Newsletters</h2>
  <table class="list"><caption class="visually-hidden">Newsletters</caption><thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Schedule</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>${list.map(
    (n) => html`<tr${n.slug === edit ? raw(' aria-current="true"') : ''}><td data-label="Name">${n.name}</td><td data-label="Address">${n.slug}</td><td data-label="Schedule">${n.schedule_days.map((d) => DAYS[d - 1]).join(' ')} at ${n.schedule_time}</td><td data-label="State">${n.active ? 'Active' : 'Paused'}${n.signup_default ? ', ticked at sign-up' : ''}</td>
    <td data-label="Actions" class="row-actions"><a href="/admin/settings/newsletters?edit=${n.slug}#newsletters-form" aria-label="Edit ${n.name}">Edit</a> <a class="danger-link" href="/admin/settings/newsletters/${n.slug}/delete" aria-label="Delete ${n.name}">Delete</a></td></tr>`,
  )}</tbody></table>
  <form method="post" action="/admin/settings/newsletters" class="stack" id="newsletters-form">
    ${csrfField(ctx)}
    <h3>${editing ? html`Edit “${editing.name}”` : 'Add a newsletter'}</h3>
    <label for="nl-slug">Address (slug)</label><input id="nl-slug" name="slug" required maxlength="60" pattern="[a-z0-9]+(-[a-z0-9]+)*" value="${val('slug', editing?.slug ?? '')}"${editing ? raw(' readonly') : ''}>
    <label for="nl-name">Name</label><input id="nl-name" name="name" required maxlength="120" value="${val('name', editing?.name ?? '')}">
    <label for="nl-description">Description</label><input id="nl-description" name="description" maxlength="1000" value="${val('description', editing?.description ?? '')}">
    <fieldset><legend>Days</legend>${DAYS.map(
      (d, i) => html`<label class="check inline"><input type="checkbox" name="days" value="${i + 1}"${days.includes(i + 1) ? raw(' checked') : ''}> ${d}</label>`,
    )}</fieldset>
    ${clockField({ id: 'nl-time', name: 'time', label: 'Send time', value: val('time', editing?.schedule_time ?? '07:00'), timeZone, required: true })}
    <label class="check"><input type="checkbox" name="signup_default"${checked('signup_default', editing?.signup_default ?? false) ? raw(' checked') : ''}> Ticked in the sign-up box</label>
    <label class="check"><input type="checkbox" name="active"${checked('active', editing?.active ?? true) ? raw(' checked') : ''}> Active</label>
    <div class="buttons"><button type="submit">${editing ? 'Save newsletter' : 'Add newsletter'}</button>${editing ? html` <a href="/admin/settings/newsletters">Cancel</a>` : ''}</div>
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
      <td data-label="Last used">${k.last_used_at ? when(k.last_used_at, 'UTC', ctx.locale) + ' UTC' : 'never'}</td>
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
