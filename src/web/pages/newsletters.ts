// The newsletter pages readers reach from the sign-up box and from emails: sign-up result, confirm,
// unsubscribe, preferences and the embeddable form. Plain functions from data to HTML in the site's
// layout; none of them is cached or indexed (they carry personal tokens).
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { layout } from '../layout.ts';
import type { Site } from '../site.ts';
import type { SubscriptionView } from '../../newsletters/signup.ts';

function page(site: Site, title: string, path: string, main: SafeHtml): string {
  return layout(site, { title, path, kind: 'newsletters', noindex: true }, html`<div class="newsletters-page">${main}</div>`);
}

export interface SignupFormState {
  email?: string;
  newsletters?: string[];
  message?: string;
  isError?: boolean;
}

/** The sign-up form on its own page (the no-JavaScript path): keeps what the reader typed. */
export function signupForm(site: Site, state: SignupFormState, action = '/newsletters/subscribe'): SafeHtml {
  const chosen = state.newsletters ?? site.newsletters.filter((n) => n.checked).map((n) => n.slug);
  return html`<form class="signup-form" method="post" action="${action}" data-signup>
  <label for="signup-email-page">Email address</label>
  <input id="signup-email-page" type="email" name="email" required autocomplete="email" maxlength="254" value="${state.email ?? ''}"${state.isError ? raw(' aria-describedby="signup-status-page" aria-invalid="true"') : ''}>
  ${site.newsletters.length
    ? html`<fieldset><legend>Newsletters</legend>${site.newsletters.map(
        (n) => html`<label class="choice"><input type="checkbox" name="newsletters" value="${n.slug}"${chosen.includes(n.slug) ? raw(' checked') : ''}> ${n.name}</label>`,
      )}</fieldset>`
    : ''}
  <div class="trap" aria-hidden="true"><label for="signup-website-page">Leave this empty</label><input id="signup-website-page" type="text" name="website" tabindex="-1" autocomplete="off"></div>
  <button type="submit">Sign up</button>
  <p id="signup-status-page" class="signup-status${state.isError ? ' is-error' : ''}" role="status" aria-live="polite">${state.message ?? ''}</p>
</form>`;
}

export function signupResultPage(site: Site, state: SignupFormState): string {
  if (!state.isError) {
    return page(site, 'Thank you for signing up', '/newsletters/subscribed', html`<h1>Thank you for signing up</h1>
<p class="signup-status" role="status">${state.message ?? ''}</p>
<p>Open the email and press the button in it to confirm. If it has not arrived in a few minutes, look in your spam folder.</p>
<p><a href="/">Back to the front page</a></p>`);
  }
  return page(site, 'Sign up to our newsletters', '/newsletters/subscribe', html`<h1>Sign up to our newsletters</h1>
${signupForm(site, state)}`);
}

/** GET /newsletters/subscribe: the form, fresh: nothing submitted, so no error state. */
export function signupFormPage(site: Site): string {
  return page(site, 'Sign up to our newsletters', '/newsletters/subscribe', html`<h1>Sign up to our newsletters</h1>
${signupForm(site, {})}`);
}

export function linkProblemPage(site: Site, kind: 'confirm' | 'unsubscribe' | 'preferences', reason: 'expired' | 'invalid'): string {
  const what = kind === 'confirm' ? 'confirmation link' : kind === 'unsubscribe' ? 'unsubscribe link' : 'preferences link';
  const title = reason === 'expired' ? `This ${what} has expired` : `This ${what} does not work`;
  const explain =
    kind === 'confirm'
      ? reason === 'expired'
        ? 'Confirmation links work for 7 days. Please sign up again below and we will send you a new one.'
        : 'It may have been cut short or mistyped: try copying the whole link from the email. Or sign up again below and we will send you a new one.'
      : reason === 'expired'
        ? 'Links in old emails stop working after a while. Use the link in a recent newsletter, or sign up below to receive a fresh one.'
        : 'It may have been cut short or mistyped: try copying the whole link from the email into the address bar.';
  return page(site, title, `/newsletters/${kind}`, html`<h1>${title}</h1><p>${explain}</p>${kind === 'confirm' ? signupForm(site, {}) : ''}`);
}

function names(list: Array<{ name: string }>): string {
  const n = list.map((x) => x.name);
  return n.length <= 1 ? (n[0] ?? '') : `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
}

export function confirmPage(site: Site, token: string, pending: SubscriptionView[], confirmed: SubscriptionView[]): string {
  if (!pending.length) {
    return page(site, 'You are already subscribed', '/newsletters/confirm', html`<h1>You are already subscribed</h1>
${confirmed.length ? html`<p>You receive ${names(confirmed)}. There is nothing more to do.</p>` : html`<p>There is nothing waiting to be confirmed for this address.</p>`}
<p><a href="/">Go to the front page</a></p>`);
  }
  return page(site, 'Confirm your subscription', '/newsletters/confirm', html`<h1>Confirm your subscription</h1>
<p>Press the button to start receiving <strong>${names(pending)}</strong>.</p>
<form method="post" action="/newsletters/confirm">
  <input type="hidden" name="t" value="${token}">
  <button type="submit">Confirm my subscription</button>
</form>`);
}

export function confirmedPage(site: Site, confirmed: SubscriptionView[], prefsUrl: string): string {
  return page(site, 'You are subscribed', '/newsletters/confirm', html`<h1>You are subscribed</h1>
<p role="status">Thank you. You will receive ${names(confirmed) || 'our newsletters'}.</p>
<p>You can <a href="${prefsUrl}">change your newsletters</a> at any time, and every email has a link to unsubscribe.</p>
<p><a href="/">Go to the front page</a></p>`);
}

export function unsubscribePage(site: Site, token: string, newsletterName: string, alreadyOut: boolean, prefsUrl: string): string {
  if (alreadyOut) {
    return page(site, 'You are unsubscribed', '/newsletters/unsubscribe', html`<h1>You are unsubscribed</h1>
<p>You no longer receive ${newsletterName}.</p><p><a href="${prefsUrl}">Change your newsletters</a></p>`);
  }
  return page(site, `Unsubscribe from ${newsletterName}`, '/newsletters/unsubscribe', html`<h1>Unsubscribe from ${newsletterName}</h1>
<p>Press the button and you will receive no more emails from ${newsletterName}.</p>
<form method="post" action="/newsletters/unsubscribe?t=${token}">
  <button type="submit">Unsubscribe</button>
</form>
<p>Or <a href="${prefsUrl}">choose which newsletters you receive</a>.</p>`);
}

export function unsubscribedPage(site: Site, newsletterName: string, prefsUrl: string): string {
  return page(site, 'You are unsubscribed', '/newsletters/unsubscribe', html`<h1>You are unsubscribed</h1>
<p role="status">You will receive no more emails from ${newsletterName}.</p>
<p>Changed your mind? <a href="${prefsUrl}">Choose your newsletters</a>.</p>`);
}

export function preferencesPage(site: Site, token: string, email: string, subs: SubscriptionView[], saved: boolean): string {
  return page(site, 'Your newsletters', '/newsletters/preferences', html`<h1>Your newsletters</h1>
<p>Newsletters sent to <strong>${email}</strong>.</p>
${saved ? html`<p class="signup-status" role="status">Your choices have been saved.</p>` : ''}
<form method="post" action="/newsletters/preferences" class="preferences-form">
  <input type="hidden" name="t" value="${token}">
  <fieldset><legend>Send me</legend>
  ${subs.map(
    (s) => html`<p><label class="choice"><input type="checkbox" name="newsletters" value="${s.slug}"${s.status === 'confirmed' || s.status === 'pending' ? raw(' checked') : ''}> <strong>${s.name}</strong></label>${s.description ? html`<br><span>${s.description}</span>` : ''}</p>`,
  )}
  </fieldset>
  <p><button type="submit" name="action" value="save">Save my choices</button></p>
  <p><button type="submit" name="action" value="leave">Unsubscribe from everything</button></p>
</form>`);
}

/** The HTML another site pastes to offer our newsletters: a plain form, no script, no style. */
export function embedSnippet(site: Site): string {
  const action = site.url('/newsletters/embed/subscribe');
  return html`<form method="post" action="${action}" class="newsdesk-signup">
  <label>Email address <input type="email" name="email" required autocomplete="email" maxlength="254"></label>
${site.newsletters.map((n) => html`  <label><input type="checkbox" name="newsletters" value="${n.slug}"${n.checked ? raw(' checked') : ''}> ${n.name}</label>
`)}  <div style="position:absolute;left:-10000px" aria-hidden="true"><input type="text" name="website" tabindex="-1" autocomplete="off"></div>
  <button type="submit">Sign up</button>
</form>`.value;
}

export function embedPage(site: Site): string {
  const snippet = embedSnippet(site);
  return layout(site, { title: 'Add our sign-up form to your site', path: '/newsletters/embed', kind: 'newsletters' }, html`<div class="newsletters-page">
<h1>Add our sign-up form to your site</h1>
<p>Paste this HTML into any page. It needs no script; readers who sign up land on ${site.publication.name}'s thank-you page and get the usual verification email. Style it with the <code>newsdesk-signup</code> class.</p>
<pre><code>${snippet}</code></pre>
<h2>Or use the JSON endpoint</h2>
<pre><code>POST ${site.url('/newsletters/subscribe')}
Content-Type: application/json

{"email": "reader@example.com", "newsletters": [${site.newsletters.map((n) => `"${n.slug}"`).join(', ')}]}</code></pre>
<p>It answers <code>{"message": "…"}</code> on success and <code>{"error": {"status", "code", "message", "fields"}}</code> otherwise. Browsers may only call it from this site's own pages; servers may call it directly.</p>
</div>`);
}
