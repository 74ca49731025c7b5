// The newsletters screen (every active newsletter, its schedule, the state of its next edition) and the
// edition composer.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import type { UncoveredStory } from '../../newswire/coverage/coverage.ts';
import type { ArticleSummary } from '../../articles/types.ts';
import type { EditionDetail, SendStatus } from '../../newsletters/editions.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import type { NewsletterState } from '../../newsletters/next-editions.ts';
import { toLocalInput } from '../../platform/time.ts';
import { when } from './articles.ts';
import { newslettersSubNav } from './subscribers.ts';

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
        ? html`<a href="/admin/newsletters/editions/${s.next.id}">№${s.next.number} ${s.next.subject}</a> (${s.next.status})${s.next.scheduled_at ? html`, ${when(s.next.scheduled_at, tz)}` : ''}`
        : html`<form method="post" action="/admin/newsletters/${s.newsletter.id}/build">${csrfField(ctx)}<button type="submit">Build the next edition</button></form>`}</td>
      <td data-label="Last sent">${s.lastSent ? when(s.lastSent.sent_at, tz) : 'Never'}</td>
    </tr>`,
  )}</tbody></table>`
  : html`<p>No active newsletters. Add one under <a href="/admin/settings#newsletters">Settings</a>.</p>`}
<p><a href="/admin/newsletters/subscribers">Subscribers</a>: search, add, unsubscribe, delete, import and export.</p>
<p><a href="/admin/newsletters/bounces">Bounce reports to review</a>: reports that arrived without our signed return path, held until an editor applies or dismisses them.</p>`,
    { notice },
  );
}

/** The day's top wire stories we have not covered, each with "Draft a brief" (or our draft on it). */
function uncoveredSection(ctx: AdminContext, stories: UncoveredStory[]): SafeHtml {
  if (!stories.length) return html``;
  return html`<section class="card" aria-labelledby="uncovered-title"><h2 id="uncovered-title">On the wire, not covered yet</h2>
<p class="hint">Today’s biggest stories on the newswire that we have not published on. A brief is a draft Speed Read quoting the outlets, for you to rewrite.</p>
<ol class="uncovered-stories">${stories.map(
    (s) => html`<li><span class="uncovered-title">${s.title}</span> <span class="hint">#${s.rank} · ${s.outlets} outlet${s.outlets === 1 ? '' : 's'} · ${s.left} left, ${s.center} center, ${s.right} right${s.blindspot ? html` · blindspot for the ${s.blindspot}` : ''}</span>
  ${s.draft
    ? html`<a href="/admin/articles/${s.draft.id}">Our draft: ${s.draft.headline}</a>`
    : html`<form method="post" action="/admin/stories/${s.id}/brief" class="row-form">${csrfField(ctx)}<button type="submit" aria-label="Draft a brief: ${s.title}">Draft a brief</button></form>`}</li>`,
  )}</ol></section>`;
}

export function composerPage(ctx: AdminContext, tz: string, e: EditionDetail, st: SendStatus, candidates: ArticleSummary[], notice: Notice | null, uncovered: UncoveredStory[] = []): string {
  const editable = e.status === 'draft' || e.status === 'scheduled';
  const base = `/admin/newsletters/editions/${e.id}`;
  const pct = st.total ? Math.round(((st.sent + st.failed + st.skipped) / st.total) * 100) : 0;
  return adminLayout(
    ctx,
    `${e.newsletter.name} №${e.number}`,
    html`<p class="crumbs"><a href="/admin/newsletters">← Newsletters</a></p>
<h1>${e.newsletter.name} №${e.number}</h1>
<p>State: <strong id="edition-state">${e.status}</strong>${e.scheduled_at ? html`, sending ${when(e.scheduled_at, tz)}` : ''}</p>
${e.status === 'draft' && e.paused_reason ? html`<p class="notice notice--warn" role="status">${e.paused_reason}</p>` : ''}
<section class="card" aria-labelledby="progress-title" data-progress="${base}/status">
  <h2 id="progress-title">Sending</h2>
  <progress id="send-progress" max="100" value="${pct}" aria-describedby="send-progress-text">${pct}%</progress>
  <p id="send-progress-text" role="status" aria-live="polite">${st.total ? `${st.sent} of ${st.total} sent, ${st.failed} failed, ${st.queued} to go.` : 'Not started.'}</p>
  <p id="send-paused-reason" class="notice notice--warn"${st.status === 'paused' ? '' : raw(' hidden')}>Paused${st.pausedReason ? `: ${st.pausedReason}` : ''}.</p>
  <div class="buttons" id="send-controls">
    <form method="post" action="${base}/pause" data-when="sending"${st.status === 'sending' ? '' : raw(' hidden')}>${csrfField(ctx)}<button type="submit">Pause sending</button></form>
    <form method="post" action="${base}/resume" data-when="paused"${st.status === 'paused' ? '' : raw(' hidden')}>${csrfField(ctx)}<button type="submit" class="primary">Resume sending</button></form>
    <a class="button button--danger" href="${base}/cancel" data-when="sending paused"${st.status === 'sending' || st.status === 'paused' ? '' : raw(' hidden')}>Cancel the send…</a>
  </div>
</section>
${editable
  ? html`<section class="card" aria-labelledby="text-title"><h2 id="text-title">Subject and intro</h2>
<form method="post" action="${base}/text" class="stack">${csrfField(ctx)}
  <label for="ed-subject">Subject</label><input id="ed-subject" name="subject" maxlength="200" value="${e.subject}">
  <label for="ed-intro">Intro <span class="hint">(Markdown)</span></label><textarea id="ed-intro" name="intro" rows="4">${e.intro}</textarea>
  <button type="submit">Save subject and intro</button>
</form></section>`
  : ''}
<section class="card" aria-labelledby="stories-title"><h2 id="stories-title">Stories (${e.items.length})</h2>
<ol class="edition-items">${e.items.map(
    (it, i) => html`<li><span>${it.headline}</span>${editable
      ? html` <form method="post" action="${base}/move" class="row-form">${csrfField(ctx)}<input type="hidden" name="article" value="${it.id}">
        ${i > 0 ? html`<button type="submit" name="direction" value="up" aria-label="Move “${it.headline}” up">↑</button>` : ''}
        ${i < e.items.length - 1 ? html`<button type="submit" name="direction" value="down" aria-label="Move “${it.headline}” down">↓</button>` : ''}</form>
      <form method="post" action="${base}/remove" class="row-form">${csrfField(ctx)}<input type="hidden" name="article" value="${it.id}"><button type="submit" class="danger" aria-label="Remove “${it.headline}”">Remove</button></form>`
      : ''}</li>`,
  )}</ol>
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
  <label for="ed-at">Send at <span class="hint">(${tz}; empty: back to draft)</span></label>
  <input id="ed-at" type="datetime-local" name="at" value="${e.scheduled_at ? toLocalInput(e.scheduled_at, tz) : ''}">
  <button type="submit">${e.status === 'scheduled' ? 'Change schedule' : 'Schedule'}</button>
</form>
<form method="post" action="${base}/send">${csrfField(ctx)}<button type="submit" class="primary">Send now</button></form>
</section>`
  : ''}${raw('')}`,
    { notice },
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
