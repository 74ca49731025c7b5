// The site's frame: head (meta, canonical, feeds, social cards, structured data), header with
// navigation and search, the page's own <main>, the newsletter sign-up box, and the footer.
// The article text lives alone inside <article> in <main>; everything else is outside it, so reader
// modes and scrapers take the article and nothing else.
import { html, raw, jsonForScript, type SafeHtml } from '../platform/html.ts';
import type { Site } from './site.ts';
import { assetUrl } from './assets.ts';

/**
 * The sign-up box is marked so that a reader who has just signed up (the nd_signed_up cookie, a
 * personal cookie: such requests bypass the page cache) is served the page without it
 * (withoutSignupBoxes, applied by the web app's onSend hook).
 */
export const SIGNUP_START = '<!--signup-->';
export const SIGNUP_END = '<!--/signup-->';
export const SIGNED_UP_COOKIE = 'nd_signed_up';

export function withoutSignupBoxes(body: string): string {
  let out = body;
  for (let i = out.indexOf(SIGNUP_START); i !== -1; i = out.indexOf(SIGNUP_START, i)) {
    const end = out.indexOf(SIGNUP_END, i);
    if (end === -1) break;
    out = out.slice(0, i) + out.slice(end + SIGNUP_END.length);
  }
  return out;
}

/** Whether a Cookie header says this reader signed up to the newsletters from this browser. */
export function hasSignedUp(cookieHeader: string | undefined): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(';').some((p) => p.trim().startsWith(SIGNED_UP_COOKIE + '='));
}

export interface FeedLink {
  title: string;
  /** Site path without extension, e.g. "/feed" or "/section/politics/feed". */
  base: string;
}

export interface PageMeta {
  title: string;
  description?: string;
  /** Site path of the canonical URL (self-referencing unless an article names another). */
  path: string;
  canonicalUrl?: string | null;
  feed?: FeedLink;
  og?: Record<string, string | string[] | undefined>;
  /** The page's own image (absolute URL) and its alt text; without one the card shows the logo. */
  image?: { url: string; alt: string } | null;
  jsonLd?: unknown[];
  noindex?: boolean;
  /** For the <body> class (page kind), used by the stylesheet. */
  kind: string;
  /** The section this page belongs to: highlighted in the navigation (aria-current "page" on the section's own page, "true" on its articles). */
  section?: string;
  /**
   * No sign-up box before the footer: the page places its own (articles: right after the body), or
   * offers the newsletters itself (the register form's choices, the account's newsletter settings),
   * or is a step of signing in, where a second email form would only confuse.
   */
  ownSignup?: boolean;
}

export function feedLinks(site: Site, feed: FeedLink): SafeHtml {
  return html`<link rel="alternate" type="application/rss+xml" title="${feed.title} (RSS)" href="${site.url(feed.base + '.xml')}">
<link rel="alternate" type="application/atom+xml" title="${feed.title} (Atom)" href="${site.url(feed.base + '.atom')}">
<link rel="alternate" type="application/feed+json" title="${feed.title} (JSON Feed)" href="${site.url(feed.base + '.json')}">`;
}

export function layout(site: Site, meta: PageMeta, main: SafeHtml): string {
  const pub = site.publication;
  const title = meta.title === pub.name ? pub.name : `${meta.title} | ${pub.name}`;
  const description = meta.description ?? pub.description;
  const canonical = meta.canonicalUrl ?? site.url(meta.path);
  // The card's image: the page's own, or the publication's logo. Never absent, never "undefined".
  const image = meta.image?.url ? meta.image : { url: site.logoUrl, alt: pub.name };
  const imageAlt = image.alt.trim() || meta.title;
  const og: Record<string, string | string[] | undefined> = {
    'og:site_name': pub.name,
    'og:title': meta.title,
    'og:description': description,
    'og:url': canonical,
    'og:type': 'website',
    'og:locale': pub.locale.replace('-', '_'),
    ...meta.og,
    'og:image': image.url,
    'og:image:alt': imageAlt,
  };
  const ogTags = Object.entries(og).flatMap(([k, v]) =>
    v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => html`<meta property="${k}" content="${x}">`),
  );
  const twitterCard = meta.image?.url ? 'summary_large_image' : 'summary';
  const doc = html`<!doctype html>
<html lang="${pub.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${description}">
${meta.noindex ? html`<meta name="robots" content="noindex">` : ''}
<link rel="canonical" href="${canonical}">
<link rel="preload" href="${assetUrl('source-serif-4-latin-wght-normal.woff2')}" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="${site.brandCssUrl}">
<link rel="stylesheet" href="${assetUrl('site.css')}">
<link rel="icon" href="${site.brandLogo ?? '/assets/logo.png'}" type="image/${site.brandLogo && !site.brandLogo.endsWith('.png') ? (site.brandLogo.endsWith('.jpg') ? 'jpeg' : site.brandLogo.split('.').pop()) : 'png'}">
${feedLinks(site, { title: pub.name, base: '/feed' })}
${meta.feed && meta.feed.base !== '/feed' ? feedLinks(site, meta.feed) : ''}
${ogTags}
<meta name="twitter:card" content="${twitterCard}">
<meta name="twitter:title" content="${meta.title}">
<meta name="twitter:description" content="${description}">
<meta name="twitter:image" content="${image.url}">
<meta name="twitter:image:alt" content="${imageAlt}">
${(meta.jsonLd ?? []).map((d) => html`<script type="application/ld+json">${jsonForScript(d)}</script>`)}
<script src="${assetUrl('site.js')}" defer></script>
</head>
<body class="page-${meta.kind}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap masthead">
    <a class="brand" href="/" rel="home">${site.brandLogo ? html`<img class="brand-logo" src="${site.brandLogo}" alt="" width="40" height="40">` : ''}<span class="brand-name">${pub.name}</span></a>
    <form class="site-search" role="search" aria-label="Search ${pub.name}" action="/search" method="get">
      <label for="site-search-q" class="visually-hidden">Search ${pub.name}</label>
      <input id="site-search-q" type="search" name="q" placeholder="Search" maxlength="200">
      <button type="submit">Search</button>
    </form>
    <a class="masthead-link search-link" href="/search">Search</a>
    <a class="masthead-link masthead-cta" href="/newsletters">Newsletters</a>
  </div>
  <nav class="site-nav" aria-label="Sections">
    <ul class="wrap">${site.sections.map((s) => html`<li><a href="/section/${s.slug}"${meta.section === s.slug ? raw(meta.path.split('?')[0] === `/section/${s.slug}` ? ' aria-current="page"' : ' aria-current="true"') : ''}>${s.name}</a></li>`)}</ul>
  </nav>
</header>
<main id="main" class="wrap" tabindex="-1">
${main}
</main>
${meta.ownSignup ? '' : signupBox(site)}
<footer class="site-footer">
  <div class="wrap footer-grid">
    <div class="footer-brand"><p class="footer-name">${pub.name}</p><p>${pub.description}</p></div>
    <nav aria-label="About us"><h2 class="footer-title">${pub.name}</h2><ul>
      <li><a href="/about">About</a></li><li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy</a></li><li><a href="/newsletters">Newsletters</a></li><li><a href="/subscribe">Subscribe</a></li>
    </ul></nav>
    <nav aria-label="Formats"><h2 class="footer-title">Formats</h2><ul>${site.formats.map((f) => html`<li><a href="/format/${f.slug}">${f.name}</a></li>`)}</ul></nav>
    <nav aria-label="Feeds"><h2 class="footer-title">Follow</h2><ul><li><a href="/feed.xml">RSS</a></li><li><a href="/feed.atom">Atom</a></li><li><a href="/feed.json">JSON Feed</a></li><li><a href="/sitemap.xml">Sitemap</a></li></ul></nav>
  </div>
  <p class="wrap footer-small">&copy; ${pub.name}</p>
</footer>
</body>
</html>
`;
  return doc.value;
}

/** One newsletter as a checkbox with its name, frequency and description (the sign-up box, the register form). */
export function newsletterChoice(n: Site['newsletters'][number], checked: boolean): SafeHtml {
  return html`<label class="choice"><input type="checkbox" name="newsletters" value="${n.slug}"${checked ? raw(' checked') : ''}> <span class="choice-text"><strong>${n.name}</strong> <span class="choice-when">${n.frequency}</span>${n.description ? html`<span class="choice-desc">${n.description}</span>` : ''}</span></label>`;
}

/**
 * The newsletter sign-up box, on every page. Without JavaScript the form posts and the server
 * redirects to a result page; with it, /assets/site.js posts it and writes the server's message into
 * the aria-live region. It never claims success on its own: the message always comes from the server.
 */
export function signupBox(site: Site, idSuffix = 'site', opts: { preselect?: string; heading?: string } = {}): SafeHtml {
  const choices = site.newsletters;
  const ticked = (slug: string, byDefault: boolean) => (opts.preselect ? opts.preselect === slug : byDefault);
  return html`${raw(SIGNUP_START)}<section class="signup" aria-labelledby="signup-title-${idSuffix}">
  <div class="signup-inner">
    <h2 id="signup-title-${idSuffix}">${opts.heading ?? 'Get our newsletters'}</h2>
    <p class="signup-pitch">The day’s biggest stories and best features, explained, in your inbox. Free; unsubscribe in one click.</p>
    <form class="signup-form" method="post" action="/newsletters/subscribe" data-signup>
      ${choices.length
        ? html`<fieldset class="signup-choices"><legend>Choose your newsletters</legend>${choices.map(
            (n) => newsletterChoice(n, ticked(n.slug, n.checked)),
          )}</fieldset>`
        : ''}
      <div class="signup-row">
        <label for="signup-email-${idSuffix}">Email address</label>
        <input id="signup-email-${idSuffix}" type="email" name="email" required autocomplete="email" maxlength="254" placeholder="you@example.com">
        <button type="submit">Sign up</button>
      </div>
      <div class="trap" aria-hidden="true"><label for="signup-website-${idSuffix}">Leave this empty</label><input id="signup-website-${idSuffix}" type="text" name="website" tabindex="-1" autocomplete="off"></div>
      <p class="signup-status" role="status" aria-live="polite"></p>
    </form>
  </div>
</section>${raw(SIGNUP_END)}`;
}
