// The newsletter pages readers reach from the sign-up box and from emails: sign-up result, confirm,
// unsubscribe, preferences and the embeddable form. Plain functions from data to HTML in the site's
// layout; none of them is cached or indexed (they carry personal tokens).
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { layout } from '../layout.ts';
import type { Site } from '../site.ts';
import type { SubscriptionView } from '../../newsletters/signup.ts';
import type { Newsletter } from '../../newsletters/newsletters.ts';
import type { Edition } from '../../newsletters/editions.ts';
import { editionPath } from '../../newsletters/render.ts';
import { humanDate } from '../../platform/time.ts';

/** A newsletter page: it is about signing up, so it carries no second sign-up box of its own. */
function page(site: Site, title: string, path: string, main: SafeHtml, noindex = true): string {
  return layout(site, { title, path, kind: 'newsletters', noindex, ownSignup: true }, html`<div class="newsletters-page">${main}</div>`);
}

export interface SignupFormState {
  email?: string;
  newsletters?: string[];
  message?: string;
  isError?: boolean;
  /** The thank-you page: the newsletters the reader asked for, by name. */
  chosenNames?: string[];
}

/**
 * The sign-up form on its own page (the no-JavaScript path, and the form a failed sign-up returns
 * to): keeps what the reader typed. Error styling and aria-invalid only after a submission failed.
 */
export function signupForm(site: Site, state: SignupFormState, action = '/newsletters/subscribe'): SafeHtml {
  const chosen = state.newsletters ?? site.newsletters.filter((n) => n.checked).map((n) => n.slug);
  return html`<form class="signup-form signup-form--page" method="post" action="${action}" data-signup>
  ${site.newsletters.length
    ? html`<fieldset class="signup-choices"><legend>Choose your newsletters</legend>${site.newsletters.map(
        (n) => html`<label class="choice"><input type="checkbox" name="newsletters" value="${n.slug}"${chosen.includes(n.slug) ? raw(' checked') : ''}> <span class="choice-text"><strong>${n.name}</strong> <span class="choice-when">${n.frequency}</span>${n.description ? html`<span class="choice-desc">${n.description}</span>` : ''}</span></label>`,
      )}</fieldset>`
    : ''}
  <div class="signup-row">
  <label for="signup-email-page">Email address</label>
  <input id="signup-email-page" type="email" name="email" required autocomplete="email" maxlength="254" value="${state.email ?? ''}"${state.isError ? raw(' aria-describedby="signup-status-page" aria-invalid="true"') : ''}>
  <button type="submit">Sign up</button>
  </div>
  <div class="trap" aria-hidden="true"><label for="signup-website-page">Leave this empty</label><input id="signup-website-page" type="text" name="website" tabindex="-1" autocomplete="off"></div>
  <p id="signup-status-page" class="signup-status${state.isError ? ' is-error' : ''}" role="status" aria-live="polite">${state.message ?? ''}</p>
</form>`;
}

export function signupResultPage(site: Site, state: SignupFormState): string {
  if (!state.isError) {
    const names = state.chosenNames ?? [];
    // The heading thanks the reader; the status says what happens next (not the thanks again: the
    // JSON answer's sentence, state.message, starts with the heading's words).
    return page(site, 'Thank you for signing up', '/newsletters/subscribed', html`<h1>Thank you for signing up</h1>
${state.email
  ? html`<p class="signup-status" role="status">We have sent an email to <strong>${state.email}</strong>. Press the button in it to start receiving:</p>
${names.length ? html`<ul class="thanks-list">${names.map((n) => html`<li>${n}</li>`)}</ul>` : html`<p>our newsletters.</p>`}`
  : html`<p class="signup-status" role="status">You will receive a verification email shortly: press the button in it to confirm.</p>`}
<p>If it has not arrived in a few minutes, look in your spam folder. Wrong address? <a href="/newsletters/subscribe">Sign up again</a>.</p>
<p><a href="/">Back to the front page</a> · <a href="/newsletters">All our newsletters</a></p>`);
  }
  return page(site, 'Sign up to our newsletters', '/newsletters/subscribe', html`<h1>Sign up to our newsletters</h1>
${signupForm(site, state)}`);
}

/** GET /newsletters/subscribe: the one form, fresh: nothing submitted, so no error state. */
export function signupFormPage(site: Site): string {
  return page(site, 'Sign up to our newsletters', '/newsletters/subscribe', html`<h1>Sign up to our newsletters</h1>
<p>Free, from the ${site.publication.name} newsroom. Every email has a one-click unsubscribe link.</p>
${signupForm(site, {})}`, false);
}

export interface NewsletterListing {
  newsletter: Newsletter;
  frequency: string;
  editions: Edition[];
}

/** /newsletters: every newsletter with what it is, when it comes, its latest editions and the form. */
export function newslettersIndexPage(site: Site, list: NewsletterListing[]): string {
  const tz = site.publication.timeZone;
  return layout(
    site,
    { title: 'Newsletters', description: `The newsletters of ${site.publication.name}: what each one is, when it comes, and its past editions.`, path: '/newsletters', kind: 'newsletters', ownSignup: true },
    html`<div class="newsletters-page">
<h1>Our newsletters</h1>
<p>Free, written by our editors, and easy to leave: every email has a one-click unsubscribe link.</p>
<ul class="newsletter-list">${list.map(
  ({ newsletter: n, frequency, editions }) => html`<li class="newsletter-card">
  <h2 id="nl-${n.slug}">${n.name}</h2>
  <p class="newsletter-when">${frequency}</p>
  ${n.description ? html`<p>${n.description}</p>` : ''}
  ${editions.length
    ? html`<p class="newsletter-when">Latest editions:</p><ul>${editions.map((e) => html`<li><a href="${editionPath(n.slug, e.number)}">${e.subject}</a> <span class="newsletter-when">${humanDate(e.published_at!, tz, site.publication.locale)}</span></li>`)}</ul>
  <p><a href="/newsletters/${n.slug}">All past editions of ${n.name}</a></p>`
    : html`<p class="newsletter-when">No edition has been sent yet.</p>`}
</li>`,
)}</ul>
<h2>Sign up</h2>
${signupForm(site, {})}
</div>`,
  );
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

