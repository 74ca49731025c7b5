// The reader's account pages: register, sign in, "check your inbox", the sign-in link's button, the
// account page with its forms, and plain message pages. None is cached or indexed.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { humanDate } from '../../platform/time.ts';
import type { SubscriptionView } from '../../newsletters/signup.ts';
import type { Member } from '../../members/accounts.ts';
import type { MemberSubscription } from '../../members/subscriptions.ts';
import { layout } from '../layout.ts';
import type { Site } from '../site.ts';
import { planPrice, registerForm, SUBSCRIBED_INVITATION } from './paywall.ts';
import type { Plan } from '../../members/subscriptions.ts';

/** The account pages offer the newsletters in their own forms (register, account), or are steps of
 * signing in: none repeats the site's sign-up box below. */
function page(site: Site, title: string, path: string, main: SafeHtml): string {
  return layout(site, { title, path, kind: 'account', noindex: true, ownSignup: true }, html`<div class="account-page">${main}</div>`);
}

function errorBox(error?: string): SafeHtml {
  return error ? html`<p class="form-error" role="alert">${error}</p>` : html``;
}

export function registerPage(site: Site, s: { email?: string; name?: string; error?: string; next?: string }): string {
  return page(site, 'Create your account', '/account/register', html`<h1>Create your account</h1>
<p>Register for free with your email address. We will email you a link to finish; there is no password to remember.</p>
<p>${SUBSCRIBED_INVITATION}</p>
${errorBox(s.error)}
${registerForm(site, 'page', s.next ?? '/account', { email: s.email, name: s.name })}
<p>Already registered? <a href="/account/signin">Sign in</a>.</p>`);
}

export function signInPage(site: Site, s: { email?: string; error?: string; next?: string }): string {
  return page(site, 'Sign in', '/account/signin', html`<h1>Sign in</h1>
<p>Enter your email address and we will email you a link that signs you in.</p>
${errorBox(s.error)}
<form class="signin-form" method="post" action="/account/signin">
  <input type="hidden" name="next" value="${s.next ?? '/account'}">
  <label for="signin-email">Email address</label>
  <input id="signin-email" type="email" name="email" required autocomplete="email" maxlength="254" value="${s.email ?? ''}">
  <button type="submit">Email me a sign-in link</button>
</form>
<p>New here? <a href="/account/register">Create an account</a>. ${SUBSCRIBED_INVITATION}</p>`);
}

/** The same page for every address, known or not. */
export function checkInboxPage(site: Site, email: string): string {
  return page(site, 'Check your inbox', '/account/check-inbox', html`<h1>Check your inbox</h1>
<p role="status">We have sent a link to ${email || 'your address'}. Open it on this device to continue; it works once, for a short while.</p>
<p>Nothing there after a few minutes? Look in your spam folder, or <a href="/account/signin">ask for a new link</a>.</p>`);
}

export function linkButtonPage(site: Site, token: string, email: string, next: string): string {
  return page(site, 'Sign in', '/account/signin/link', html`<h1>Sign in</h1>
<p>Press the button to sign in as ${email}.</p>
<form method="post" action="/account/signin/link">
  <input type="hidden" name="token" value="${token}">
  <input type="hidden" name="next" value="${next}">
  <button type="submit">Sign in</button>
</form>`);
}

export function emailConfirmPage(site: Site, token: string, email: string): string {
  return page(site, 'Confirm your new address', '/account/email/confirm', html`<h1>Confirm your new address</h1>
<p>Press the button to use ${email} for your account from now on.</p>
<form method="post" action="/account/email/confirm">
  <input type="hidden" name="token" value="${token}">
  <button type="submit">Use this address</button>
</form>`);
}

export function simplePage(site: Site, title: string, message: string, link?: string): string {
  return page(site, title, '/account', html`<h1>${title}</h1><p>${message}</p>${link ? html`<p><a href="${link}">Continue</a></p>` : ''}`);
}

export interface AccountView {
  member: Member;
  csrf: string;
  newsletters: SubscriptionView[];
  subscriptions: MemberSubscription[];
  meter: { used: number; limit: number; period: 'month' | 'week'; enabled: boolean };
  notice: string;
  billing: boolean;
  /** A private feed address has been issued (its secret is shown only when issued). */
  feed: boolean;
}

const NOTICES: Record<string, string> = {
  name: 'Your name is saved.',
  email: 'We have sent a confirmation link to the new address. Your address changes when you use it.',
  newsletters: 'Your newsletters are saved.',
  subscribed: 'Thank you for subscribing. Your subscription shows here as soon as Stripe confirms the payment, usually within a few seconds: reload the page if it does not yet.',
};

export function accountPage(site: Site, v: AccountView): string {
  const { member: m, csrf } = v;
  const tz = site.publication.timeZone;
  const locale = site.publication.locale;
  const current = v.subscriptions.find((s) => s.grants);
  const csrfField = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const notice = NOTICES[v.notice];
  return page(site, 'Your account', '/account', html`<h1>Your account</h1>
${notice ? html`<p class="form-notice" role="status">${notice}</p>` : ''}
<section aria-labelledby="acct-plan"><h2 id="acct-plan">Your plan</h2>
${current
  ? html`<p>${current.plan?.name ?? (current.source === 'comp' ? 'Complimentary access' : 'Paid access')}${current.expires_at
      ? html` · until ${humanDate(new Date(current.expires_at.getTime() - 1), tz, locale)}`
      : current.renews_at && current.status === 'active' ? html` · renews ${humanDate(current.renews_at, tz, locale)}` : ''}${current.status === 'past_due' ? ' · payment overdue: please update your payment details' : ''}</p>`
  : html`<p>Free account. ${v.meter.enabled ? html`You have read ${v.meter.used} of ${v.meter.limit} free articles this ${v.meter.period}.` : ''}</p><p><a href="/subscribe">See our plans</a></p>`}
${current && v.meter.enabled ? html`<p>Free articles read this ${v.meter.period}: ${v.meter.used}.</p>` : ''}
${m.paid
  ? html`<h3>Private full-text feed</h3><p>A feed address of your own, with every article in full, for your feed reader.</p>
<form method="post" action="/account/feed">${csrfField}<button type="submit">${v.feed ? 'Get a new address (the old one stops working)' : 'Get my feed address'}</button></form>
${v.feed ? html`<form method="post" action="/account/feed">${csrfField}<input type="hidden" name="action" value="revoke"><button type="submit">Revoke my feed address</button></form>` : ''}`
  : ''}
${v.billing ? html`<form method="post" action="/account/billing">${csrfField}<button type="submit">Manage billing</button></form>` : ''}
</section>
<section aria-labelledby="acct-details"><h2 id="acct-details">Your details</h2>
<form method="post" action="/account/name">${csrfField}
  <label for="acct-name">Name</label>
  <input id="acct-name" type="text" name="name" autocomplete="name" maxlength="200" value="${m.name}">
  <button type="submit">Save name</button>
</form>
<form method="post" action="/account/email">${csrfField}
  <p>Your email address: <strong>${m.email}</strong></p>
  <label for="acct-email">New email address</label>
  <input id="acct-email" type="email" name="email" required autocomplete="email" maxlength="254">
  <button type="submit">Change address</button>
  <p class="hint">We email a link to the new address; it counts once you use it.</p>
</form>
</section>
<section aria-labelledby="acct-newsletters"><h2 id="acct-newsletters">Newsletters</h2>
${v.newsletters.length
  ? html`<form method="post" action="/account/newsletters">${csrfField}<fieldset><legend>Newsletters you receive</legend>${v.newsletters.map(
      (n) => html`<label class="choice"><input type="checkbox" name="newsletters" value="${n.slug}"${n.status === 'confirmed' ? raw(' checked') : ''}> ${n.name}</label>`,
    )}</fieldset><button type="submit">Save newsletters</button></form>`
  : html`<p>We have no newsletters at the moment.</p>`}
</section>
<section aria-labelledby="acct-privacy"><h2 id="acct-privacy">Privacy and security</h2>
<p><a href="/account/data.json" download>Download my data (JSON)</a></p>
<form method="post" action="/account/signout">${csrfField}<button type="submit">Sign out</button></form>
<form method="post" action="/account/signout-everywhere">${csrfField}<button type="submit">Sign out everywhere</button></form>
<form method="post" action="/account/delete">${csrfField}
  <label class="choice"><input type="checkbox" name="confirm" value="delete" required> I want my account and everything personal kept about me deleted</label>
  <button type="submit" class="danger">Delete my account</button>
</form>
</section>`);
}

export interface PlansView {
  paymentsEnabled: boolean;
  signedIn: boolean;
  /** The reader already has paid access. */
  paid: boolean;
  /** The member session's CSRF token (signed in only). */
  csrf: string | null;
  /** A plan chosen before signing in (?plan=), shown first. */
  chosen?: string;
}

function buyForm(site: Site, p: Plan, v: PlansView): SafeHtml {
  const intervals: Array<['month' | 'year', number | null, string | null]> = [
    ['month', p.monthly_amount, p.stripe_price_monthly],
    ['year', p.yearly_amount, p.stripe_price_yearly],
  ];
  const offered = intervals.filter(([, , price]) => price);
  if (!offered.length) return html`<p class="hint">This plan cannot be bought online.</p>`;
  if (!v.signedIn) {
    return html`<p><a class="button" href="/account/register?next=${encodeURIComponent('/subscribe?plan=' + p.slug)}">Register to subscribe to ${p.name}</a> <span class="hint">or <a href="/account/signin?next=${encodeURIComponent('/subscribe?plan=' + p.slug)}">sign in</a> first: your subscription belongs to your account.</span></p>`;
  }
  return html`<form class="plan-buy" method="post" action="/subscribe/checkout">
  <input type="hidden" name="_csrf" value="${v.csrf ?? ''}">
  <input type="hidden" name="plan" value="${p.slug}">
  ${offered.map(
    ([interval, amount]) => html`<button type="submit" name="interval" value="${interval}">Subscribe ${interval === 'month' ? 'monthly' : 'yearly'}${amount != null ? html` (${planPrice(site, { ...p, monthly_amount: interval === 'month' ? amount : null, yearly_amount: interval === 'year' ? amount : null })})` : ''}</button>`,
  )}
</form>`;
}

/** /subscribe: the plans. Without STRIPE_SECRET_KEY it says that payments are not set up. */
export function plansPage(site: Site, plans: Plan[], v: PlansView): string {
  const list = v.chosen ? [...plans].sort((a, b) => Number(b.slug === v.chosen) - Number(a.slug === v.chosen)) : plans;
  return layout(site, { title: 'Subscribe', path: '/subscribe', kind: 'subscribe' }, html`<div class="account-page"><h1>Subscribe</h1>
<p>We hope you're enjoying our journalism. A subscription lets you read everything we publish.</p>
${v.paid ? html`<p class="form-notice" role="status">You already have a subscription. <a href="/account">Manage it from your account</a>.</p>` : ''}
${list.length
  ? html`<ul class="plan-list">${list.map(
      (p) => html`<li class="plan"><h2>${p.name}</h2>${planPrice(site, p) ? html`<p class="plan-price">${planPrice(site, p)}</p>` : ''}${p.description ? html`<p>${p.description}</p>` : ''}${p.features.length ? html`<ul>${p.features.map((f) => html`<li>${f}</li>`)}</ul>` : ''}${v.paymentsEnabled && !v.paid ? buyForm(site, p, v) : ''}</li>`,
    )}</ul>`
  : html`<p>There are no plans on offer at the moment.</p>`}
${v.paymentsEnabled ? '' : html`<p class="form-notice" role="status">Online payments are not set up yet, so subscriptions cannot be bought on this site for now.</p>`}
<p>${SUBSCRIBED_INVITATION} ${v.signedIn ? html`<a href="/account">Your account</a>` : html`<a href="/account/register">Register</a> or <a href="/account/signin">sign in</a>.`}</p>
</div>`);
}
