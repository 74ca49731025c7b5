// The newsletters screen (every active newsletter, its schedule, the state of its next edition) and the
// edition composer.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { formatNumber } from '../../platform/numbers.ts';
import type { UncoveredStory } from '../../newswire/coverage/coverage.ts';
import type { ArticleSummary } from '../../articles/types.ts';
import type { EditionDetail, SendStatus } from '../../newsletters/editions.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import type { NewsletterState } from '../../newsletters/next-editions.ts';
import { toLocalInput } from '../../platform/time.ts';
import { when } from './articles.ts';
import { newslettersSubNav } from './subscribers.ts';
import { editionState } from './edition-states.ts';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function newslettersPage(ctx: AdminContext, tz: string, states: NewsletterState[], notice: Notice | null): string {
  return adminLayout(
    ctx,
    'Newsletters',
    html`${newslettersSubNav(ctx)}
<h1>Newsletters</h1>
${states.length
  ? html`<table class="list"><caption class="visually-hidden">Newsletters and their next editions</caption>
  <thead><tr><th scope="col">Newsletter</th><th scope="col">Schedule</th><th scope="col">Next edition</th><th scope="col">Last sent</th></tr></thead>
  <tbody>${states.map(
    (s) => html`<tr>
      <td data-label="Newsletter">${s.newsletter.name}</td>
      <td data-label="Schedule">${s.newsletter.schedule_days.map((d) => DAYS[d - 1]).join(' ')} at ${s.newsletter.schedule_time}</td>
      <td data-label="Next edition">${s.next
        ? html`<a href="/admin/newsletters/editions/${s.next.id}">№${s.next.number} ${s.next.subject}</a> (${editionState(s.next.status)})${s.next.scheduled_at ? html`, ${when(s.next.scheduled_at, tz, ctx.locale)}` : ''}`
        : html`<form method="post" action="/admin/newsletters/${s.newsletter.id}/build">${csrfField(ctx)}<button type="submit">Build the next edition</button></form>`}</td>
      <td data-label="Last sent">${s.lastSent ? when(s.lastSent.sent_at, tz, ctx.locale) : 'Never'}</td>
    </tr>`,
  )}</tbody></table>`
  : html`<p>No active newsletters. Add one under <a href="/admin/settings/newsletters">Settings</a>.</p>`}
<p><a href="/admin/newsletters/subscribers">Subscribers</a>: search, add, unsubscribe, delete, import and export.</p>
<p><a href="/admin/newsletters/bounces">Bounce reports to review</a>: reports that arrived without our signed return path, held until an editor applies or dismisses them.</p>`,
    { notice },
  );
}

/** The top wire stories (today's, then yesterday's: recentRanking) we have not covered, each with "Draft a brief" (or our draft on it). */
function uncoveredSection(ctx: AdminContext, stories: UncoveredStory[]): SafeHtml {
  if (!stories.length) return html``;
  return html`<section class="card" aria-labelledby="uncovered-title"><h2 id="uncovered-title">On the wire, not covered yet</h2>
<p class="hint">The biggest stories on the newswire that we have not published on: today’s, then yesterday’s, numbered by their place in that ranking. A brief is a draft Speed Read quoting the outlets, for you to rewrite.</p>
<ol class="uncovered-stories">${stories.map(
    (s) => html`<li><span class="uncovered-title">${s.title}</span> <span class="hint">#${formatNumber(s.rank, ctx.locale)} · ${formatNumber(s.outlets, ctx.locale)} outlet${s.outlets === 1 ? '' : 's'} · ${formatNumber(s.left, ctx.locale)} left, ${formatNumber(s.center, ctx.locale)} center, ${formatNumber(s.right, ctx.locale)} right${s.blindspot ? html` · blindspot for the ${s.blindspot}` : ''}</span>
  ${s.draft
    ? html`<a href="/admin/articles/${s.draft.id}">Our draft: ${s.draft.headline}</a>`
    : html`<form method="post" action="/admin/stories/${s.id}/brief" class="row-form">${csrfField(ctx)}<button type="submit" aria-label="Draft a brief: ${s.title}">Draft a brief</button></form>`}</li>`,
  )}</ol></section>`;
}

const readers = (x: number, locale: string | undefined) => `${formatNumber(x, locale)} reader${x === 1 ? '' : 's'}`;

/** The send's progress in words: "1,204 of 12,408 sent (10%), 3 failed, 11,201 to go." */
export function progressText(st: SendStatus, locale: string | undefined): string {
  const n = (x: number) => formatNumber(x, locale);
  if (!st.total) return 'Not started.';
  const done = st.sent + st.failed + st.skipped;
  const pct = Math.floor((done / st.total) * 100);
  return `${n(st.sent)} of ${n(st.total)} sent (${pct}%)${st.failed ? `, ${n(st.failed)} failed` : ''}${st.skipped ? `, ${n(st.skipped)} skipped` : ''}, ${n(st.queued)} to go.`;
}

export function composerPage(ctx: AdminContext, tz: string, e: EditionDetail, st: SendStatus, candidates: ArticleSummary[], notice: Notice | null, recipients = 0, uncovered: UncoveredStory[] = []): string {
  const editable = e.status === 'draft' || e.status === 'scheduled';
  const base = `/admin/newsletters/editions/${e.id}`;
  const pct = st.total ? Math.floor(((st.sent + st.failed + st.skipped) / st.total) * 100) : 0;
  const started = st.total > 0 || !editable;
  const empty = e.items.length === 0;
  return adminLayout(
    ctx,
    `${e.newsletter.name} №${e.number}`,
    html`<p class="crumbs"><a href="/admin/newsletters">← Newsletters</a></p>
<h1>${e.newsletter.name} №${e.number}</h1>
<p class="edition-state">State: <strong id="edition-state" data-state="${e.status}">${editionState(e.status)}</strong>${e.scheduled_at ? html`, sending ${when(e.scheduled_at, tz, ctx.locale)}` : ''}${editable ? html` · goes to ${readers(recipients, ctx.locale)} now` : ''}</p>
${e.status === 'draft' && e.paused_reason ? html`<p class="notice notice--warn" role="status">${e.paused_reason}</p>` : ''}
<section class="card" aria-labelledby="progress-title" data-progress="${base}/status" data-locale="${ctx.locale ?? 'en-GB'}"${started ? '' : raw(' hidden')}>
  <h2 id="progress-title">Sending</h2>
  <div class="progress"><progress id="send-progress" max="100" value="${pct}" aria-labelledby="progress-title" aria-describedby="send-progress-text">${pct}%</progress><span class="progress__pct" aria-hidden="true">${pct}%</span></div>
  <p id="send-progress-text" role="status" aria-live="polite">${progressText(st, ctx.locale)}</p>
  <p id="send-paused-reason" class="notice notice--warn"${st.status === 'paused' ? '' : raw(' hidden')}>Paused${st.pausedReason ? `: ${st.pausedReason}` : ''}.</p>
  <div class="buttons" id="send-controls">
    <form method="post" action="${base}/pause" data-when="sending"${st.status === 'sending' ? '' : raw(' hidden')}>${csrfField(ctx)}<button type="submit">Pause sending</button></form>
    <form method="post" action="${base}/resume" data-when="paused"${st.status === 'paused' ? '' : raw(' hidden')}>${csrfField(ctx)}<button type="submit" class="primary">Resume sending</button></form>
    <a class="button button--danger" href="${base}/cancel" data-when="sending paused"${st.status === 'sending' || st.status === 'paused' ? '' : raw(' hidden')}>Cancel the send…</a>
  </div>
</section>
<div class="composer">
<div class="composer__edit">
${editable
  ? html`<section class="card" aria-labelledby="text-title"><h2 id="text-title">Subject and intro</h2>
<form method="post" action="${base}/text" class="stack">${csrfField(ctx)}
  <label for="ed-subject">Subject</label><input id="ed-subject" name="subject" maxlength="200" value="${e.subject}">
  <label for="ed-intro">Intro <span class="hint">(Markdown)</span></label><textarea id="ed-intro" name="intro" rows="4">${e.intro}</textarea>
  <button type="submit">Save subject and intro</button>
</form></section>`
  : ''}
<section class="card" aria-labelledby="stories-title"><h2 id="stories-title">Stories (${e.items.length})</h2>
${empty
  ? html`<p id="empty-edition" class="notice notice--warn">This edition has no stories yet, so it cannot be sent. ${editable ? 'Add at least one below' : ''}${editable && !candidates.length ? ': there are no published articles to add yet.' : '.'}</p>`
  : html`<ol class="edition-items">${e.items.map(
    (it, i) => html`<li><span class="edition-items__headline">${it.headline}</span>${editable
      ? html`<form method="post" action="${base}/move" class="story-controls">${csrfField(ctx)}<input type="hidden" name="article" value="${it.id}"><button type="submit" name="direction" value="up" class="icon" aria-label="Move “${it.headline}” up"${i > 0 ? '' : raw(' disabled')}>↑</button><button type="submit" name="direction" value="down" class="icon" aria-label="Move “${it.headline}” down"${i < e.items.length - 1 ? '' : raw(' disabled')}>↓</button><button type="submit" formaction="${base}/remove" class="icon danger" aria-label="Remove “${it.headline}”">✕</button></form>`
      : ''}</li>`,
  )}</ol>`}
${editable && candidates.length
  ? html`<form method="post" action="${base}/add" class="row-form">${csrfField(ctx)}<label for="add-article" class="visually-hidden">Story to add</label>
  <select id="add-article" name="article">${candidates.map((a) => html`<option value="${a.id}">${a.headline}</option>`)}</select><button type="submit">Add story</button></form>`
  : ''}
</section>
${editable ? uncoveredSection(ctx, uncovered) : ''}
${editable
  ? html`<section class="card" aria-labelledby="send-title"><h2 id="send-title">Test, schedule, send</h2>
<form method="post" action="${base}/test">${csrfField(ctx)}<button type="submit">Send a test to ${ctx.session.staff.email}</button></form>
<form method="post" action="${base}/schedule" class="stack">${csrfField(ctx)}
  <label for="ed-at">Send at <span class="hint">(date and 24-hour time in ${tz}, like 2026-11-25 07:00; empty: back to draft)</span></label>
  <input id="ed-at" name="at" inputmode="numeric" placeholder="YYYY-MM-DD HH:MM" maxlength="20" value="${e.scheduled_at ? toLocalInput(e.scheduled_at, tz).replace('T', ' ') : ''}">
  <button type="submit"${empty ? raw(' disabled aria-describedby="empty-edition"') : ''}>${e.status === 'scheduled' ? 'Change schedule' : 'Schedule'}</button>
</form>
${empty
  ? html`<p class="hint">Add a story to send this edition.</p>`
  : recipients
    ? html`<p><a class="button primary" href="${base}/send">Send to ${readers(recipients, ctx.locale)} now…</a></p>`
    : html`<p class="notice notice--warn">${e.newsletter.name} has no confirmed subscribers yet: there is no one to send it to.</p>`}
</section>`
  : ''}
</div>
<section class="card composer__preview" aria-labelledby="preview-title"><h2 id="preview-title">Preview</h2>
${empty
  ? html`<p>The preview appears once the edition has a story.</p>`
  : html`<p class="hint">As readers will get it${editable ? ', with what is saved now' : ''}. <a href="${base}/preview" target="_blank" rel="noopener">Open on its own</a>.</p>
<div class="preview-frames">
  <figure><figcaption>Desktop (600 px)</figcaption><iframe class="preview-frame preview-frame--desktop" src="${base}/preview" sandbox="" referrerpolicy="no-referrer" title="Email preview, desktop width" loading="lazy"></iframe></figure>
  <figure><figcaption>Phone (375 px)</figcaption><iframe class="preview-frame preview-frame--phone" src="${base}/preview" sandbox="" referrerpolicy="no-referrer" title="Email preview, phone width" loading="lazy"></iframe></figure>
</div>`}
</section>
</div>`,
    { notice },
  );
}

/** "Send to 12,408 readers now?": the count, the subject and the stories, before anything goes out. */
export function sendConfirmPage(ctx: AdminContext, e: EditionDetail, recipients: number): string {
  const base = `/admin/newsletters/editions/${e.id}`;
  const editable = e.status === 'draft' || e.status === 'scheduled';
  const title = editable && e.items.length && recipients ? `Send to ${readers(recipients, ctx.locale)} now?` : `${e.newsletter.name} №${e.number} cannot be sent now`;
  return adminLayout(
    ctx,
    title,
    html`<p class="crumbs"><a href="${base}">← ${e.newsletter.name} №${e.number}</a></p>
<h1>${title}</h1>
<section class="card">
${!editable
  ? html`<p>This edition is ${editionState(e.status).toLowerCase()}: it is not waiting to be sent.</p><p><a href="${base}">Back to the edition</a></p>`
  : !e.items.length
    ? html`<p>This edition has no stories yet. Add at least one story, then send it.</p><p><a href="${base}">Back to the edition</a></p>`
    : !recipients
      ? html`<p>${e.newsletter.name} has no confirmed subscribers yet: there is no one to send it to.</p><p><a href="${base}">Back to the edition</a></p>`
      : html`<dl class="facts"><dt>Newsletter</dt><dd>${e.newsletter.name} №${e.number}</dd><dt>Subject</dt><dd>${e.subject || '(no subject)'}</dd><dt>Stories</dt><dd>${e.items.length}</dd><dt>Readers</dt><dd>${formatNumber(recipients, ctx.locale)}, every confirmed subscriber who can be mailed</dd></dl>
<p>Once it starts, the edition is also published on the web. You can pause a send, but what has gone out cannot be called back.</p>
<form method="post" action="${base}/send" class="buttons">${csrfField(ctx)}<input type="hidden" name="confirm" value="${recipients}">
  <button type="submit" class="primary">Send to ${readers(recipients, ctx.locale)} now</button>
  <a href="${base}">Not yet</a>
</form>`}
</section>`,
  );
}

export function cancelConfirmPage(ctx: AdminContext, e: EditionDetail, st: SendStatus): string {
  const base = `/admin/newsletters/editions/${e.id}`;
  const running = e.status === 'sending' || e.status === 'paused';
  return adminLayout(
    ctx,
    `Cancel ${e.newsletter.name} №${e.number}`,
    html`<p class="crumbs"><a href="${base}">← ${e.newsletter.name} №${e.number}</a></p>
<h1>Cancel the send of ${e.newsletter.name} №${e.number}?</h1>
<section class="card">
${running
  ? html`<p>${st.sent} of ${st.total} sent so far; ${st.queued} still to go. Cancelling stops the send for good: those ${st.queued} people will not get this edition, and it cannot be resumed. To stop for a while, pause it instead.</p>
<form method="post" action="${base}/cancel" class="buttons">${csrfField(ctx)}
  <button type="submit" class="danger">Cancel the send for good</button>
  <a href="${base}">Keep sending</a>
</form>`
  : html`<p>This edition is ${e.status}: there is no send in progress to cancel.</p><p><a href="${base}">Back to the edition</a></p>`}
</section>`,
  );
}
