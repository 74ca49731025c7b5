// The paywall's parts of an article page: the banner that says what is left of the meter, and the
// wall that stands where the rest of the article would be: the registration wall ("Continue reading
// for free", with the register form in place) or the plans wall. Both are ordinary server-rendered
// HTML outside <article>, reachable and usable by keyboard, with no script.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { BANNER_SLOT } from '../page-cache.ts';
import type { Article } from '../../articles/types.ts';
import type { AccessDecision } from '../../members/access.ts';
import type { Plan } from '../../members/subscriptions.ts';
import type { Site } from '../site.ts';
import { newsletterChoice } from '../layout.ts';

export interface ArticleGate {
  decision: AccessDecision;
  /** Metered limit for this viewer, and the period's unit, for the banner. */
  limit: number;
  period: 'month' | 'week';
  signedIn: boolean;
  /** A registered reader's limit (the registration wall's promise). */
  memberLimit: number;
  /** Nobody needs access for this article (a metered article with the meter off or exempt). */
  freeForAll: boolean;
  plans: Plan[];
  paymentsEnabled: boolean;
  /** The page-cache variant: a slot where each request's banner goes instead of the banner. */
  bannerSlot?: boolean;
}

export const SUBSCRIBED_INVITATION = 'Subscribed? Register your account with the same email as your subscription.';

export function paywallBanner(gate: Pick<ArticleGate, 'decision' | 'period' | 'signedIn' | 'bannerSlot'>): SafeHtml {
  if (gate.bannerSlot) return raw(BANNER_SLOT);
  const left = gate.decision.remaining;
  if (left === null || !gate.decision.full) return html``;
  const unit = gate.period === 'week' ? 'week' : 'month';
  return html`<p class="meter-banner" role="note">${left === 0 ? `This is your last free article this ${unit}.` : `${left} free article${left === 1 ? '' : 's'} left this ${unit}`}${gate.signedIn ? '' : html` · <a href="/account/register">Register for more</a>`}</p>`;
}

function money(amount: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

export function planPrice(site: Site, p: Plan): string {
  const parts: string[] = [];
  if (p.monthly_amount != null) parts.push(`${money(p.monthly_amount, p.currency, site.publication.locale)} a month`);
  if (p.yearly_amount != null) parts.push(`${money(p.yearly_amount, p.currency, site.publication.locale)} a year`);
  return parts.join(' or ');
}

export function registerForm(site: Site, idSuffix: string, next: string, values: { email?: string; name?: string } = {}): SafeHtml {
  return html`<form class="register-form" method="post" action="/account/register">
  <input type="hidden" name="next" value="${next}">
  <label for="register-email-${idSuffix}">Email address</label>
  <input id="register-email-${idSuffix}" type="email" name="email" required autocomplete="email" maxlength="254" value="${values.email ?? ''}">
  <label for="register-name-${idSuffix}">Name <span class="optional">(optional)</span></label>
  <input id="register-name-${idSuffix}" type="text" name="name" autocomplete="name" maxlength="200" value="${values.name ?? ''}">
  ${site.newsletters.length
    ? html`<fieldset><legend>Newsletters to join <span class="optional">(optional)</span></legend>${site.newsletters.map((n) => newsletterChoice(n, false))}</fieldset>`
    : ''}
  <button type="submit">Register for free</button>
</form>`;
}

export function paywallWall(site: Site, a: Article, gate: ArticleGate): SafeHtml {
  const next = '/' + a.slug;
  if (gate.decision.wall === 'register') {
    return html`<section class="paywall paywall-register" aria-labelledby="paywall-title">
  <h2 id="paywall-title">Continue reading for free</h2>
  <p>We hope you're enjoying our journalism. Register for free to keep reading${a.access === 'metered' ? html` and get ${gate.memberLimit} free articles every ${gate.period === 'week' ? 'week' : 'month'}` : ''}. We will email you a link to finish.</p>
  ${registerForm(site, 'wall', next)}
  <p class="paywall-subscribed">${SUBSCRIBED_INVITATION} Already registered? <a href="/account/signin?next=${encodeURIComponent(next)}">Sign in</a>.</p>
</section>`;
  }
  return html`<section class="paywall paywall-plans" aria-labelledby="paywall-title">
  <h2 id="paywall-title">${a.access === 'paid' ? 'This story is for subscribers' : 'You have read all your free articles'}</h2>
  <p>We hope you're enjoying our journalism. Subscribe to read everything we publish.</p>
  ${gate.plans.length
    ? html`<ul class="paywall-plan-list">${gate.plans.map(
        (p) => html`<li><strong>${p.name}</strong>${planPrice(site, p) ? html` · ${planPrice(site, p)}` : ''}</li>`,
      )}</ul>`
    : ''}
  <p><a class="button" href="/subscribe">See our plans</a></p>
  <p class="paywall-subscribed">${SUBSCRIBED_INVITATION} ${gate.signedIn ? '' : html`<a href="/account/register">Register</a> or <a href="/account/signin?next=${encodeURIComponent(next)}">sign in</a>.`}</p>
</section>`;
}
