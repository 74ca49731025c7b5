// The outbox viewer: messages written to DATA_DIR/outbox (no SMTP_URL), newest first, and one message
// with its header fields, its text part, and its HTML part in a sandboxed frame (served separately
// with a CSP that allows no script).
import { html } from '../../platform/html.ts';
import type { OutboxEntry } from '../../newsletters/delivery/transport.ts';
import { adminLayout, type AdminContext } from '../layout.ts';
import { can } from '../../staff/roles.ts';
import type { OutboxMessage } from '../outbox-message.ts';
import { when } from './articles.ts';

export const OUTBOX_PATH = '/admin/outbox';
export const OUTBOX_PER_PAGE = 50;

function smtpNote(smtp: boolean) {
  return smtp
    ? html`<p class="notice notice--warn">SMTP_URL is set, so mail goes out through your mail server. This outbox only holds messages written before it was configured.</p>`
    : html`<p class="hint">SMTP_URL is not set, so nothing leaves this server: every email to readers (editions, tests, verification and preference links) is written here instead. Set SMTP_URL and MAIL_FROM to send for real.</p>`;
}

/**
 * For administrators: staff sign-in links and invitations are never in this outbox (whoever can read it
 * could sign in as anyone), so say where they are.
 */
function staffMailNote(ctx: AdminContext, smtp: boolean) {
  if (smtp || !can(ctx.session.staff.role, 'staff.manage')) return '';
  return html`<p class="hint" id="staff-mail-note">Staff sign-in links and invitations are not shown here: anyone who read one could sign in as that person. Without SMTP_URL they are written to the <code>outbox-staff</code> folder in DATA_DIR on the server, and <code>newsdesk staff create</code> prints a sign-in link for a new account.</p>`;
}

export function outboxPage(ctx: AdminContext, tz: string, list: { total: number; entries: OutboxEntry[] }, page: number, smtp: boolean): string {
  const pages = Math.max(1, Math.ceil(list.total / OUTBOX_PER_PAGE));
  const href = (p: number) => (p > 1 ? `${OUTBOX_PATH}?page=${p}` : OUTBOX_PATH);
  return adminLayout(
    ctx,
    'Outbox',
    html`<h1>Outbox</h1>
${smtpNote(smtp)}
${staffMailNote(ctx, smtp)}
<p role="status">${list.total === 1 ? '1 message' : `${list.total} messages`}${pages > 1 ? `, page ${page} of ${pages}` : ''}.</p>
${list.entries.length
  ? html`<table class="list outbox">
  <caption class="visually-hidden">Messages in the outbox, newest first${page > 1 ? `, page ${page}` : ''}</caption>
  <thead><tr><th scope="col">Written</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
  <tbody>${list.entries.map(
    (e) => html`<tr>
    <td data-label="Written">${when(e.writtenAt, tz, ctx.locale)}</td>
    <td data-label="To">${displayAddresses(e.to)}</td>
    <td data-label="Subject"><a href="${OUTBOX_PATH}/${e.file}">${e.subject || '(no subject)'}</a></td>
  </tr>`,
  )}</tbody></table>`
  : html`<p>${page > 1 ? 'There is nothing on this page.' : 'The outbox is empty.'}</p>`}
${pages > 1
  ? html`<nav class="pagination" aria-label="Pages">${page > 1 ? html`<a rel="prev" href="${href(page - 1)}">Newer messages</a>` : ''} <span>Page ${page} of ${pages}</span> ${page < pages ? html`<a rel="next" href="${href(page + 1)}">Older messages</a>` : ''}</nav>`
  : ''}`,
  );
}

const SHOWN = ['Date', 'From', 'To', 'Reply-To', 'Subject'];
const ADDRESS_FIELDS = new Set(['from', 'to', 'cc', 'reply-to', 'sender']);

/**
 * Addresses as people read them: `"The Ledger" <news@x>` is "The Ledger (news@x)" and a bare `<a@x>`
 * is "a@x", instead of the header's angle brackets.
 */
export function displayAddresses(value: string): string {
  const parts = value.match(/(?:"(?:[^"\\]|\\.)*"|[^,"])+/g) ?? [];
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^(.*?)\s*<([^<>]+)>$/.exec(p);
      if (!m) return p;
      const name = m[1].trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1').trim();
      return name ? `${name} (${m[2].trim()})` : m[2].trim();
    })
    .join(', ');
}

export function outboxMessagePage(ctx: AdminContext, file: string, m: OutboxMessage): string {
  const get = (name: string) => m.headers.filter((x) => x.name.toLowerCase() === name.toLowerCase()).map((x) => x.value).join(', ');
  const shown = (name: string) => (ADDRESS_FIELDS.has(name.toLowerCase()) ? displayAddresses(get(name)) : get(name));
  const subject = get('Subject') || '(no subject)';
  const base = `${OUTBOX_PATH}/${file}`;
  return adminLayout(
    ctx,
    `Outbox: ${subject}`,
    html`<p class="crumbs"><a href="${OUTBOX_PATH}">← Outbox</a></p>
<h1>${subject}</h1>
<dl class="facts">${SHOWN.filter((n) => get(n)).map((n) => html`<dt>${n}</dt><dd>${shown(n)}</dd>`)}</dl>
<p><a href="${base}/raw" download="${file}">Download the message (.eml)</a></p>
<details class="card mail-headers"><summary>All header fields (${m.headers.length})</summary>
<dl class="facts">${m.headers.map((x) => html`<dt>${x.name}</dt><dd>${x.value}</dd>`)}</dl>
</details>
${m.html !== null
  ? html`<section class="card" aria-labelledby="html-title"><h2 id="html-title">HTML part</h2>
  <iframe class="mail-frame" src="${base}/html" sandbox="" referrerpolicy="no-referrer" title="HTML part of “${subject}”" loading="lazy"></iframe>
  <p class="hint">Shown in a sandbox: scripts, forms and plug-ins do not run. Scroll inside the frame, drag its corner to make it taller, or <a href="${base}/html" target="_blank" rel="noopener">open the HTML part on its own</a>.</p></section>`
  : ''}
${m.text !== null
  ? html`<section class="card" aria-labelledby="text-title"><h2 id="text-title">Text part</h2><pre class="mail-text" tabindex="0">${m.text}</pre></section>`
  : ''}
${m.others.length ? html`<p class="hint">Other parts: ${m.others.join(', ')}</p>` : ''}`,
  );
}
