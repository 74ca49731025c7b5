// The site's frame: head (meta, canonical, feeds, social cards, structured data), header with
// navigation and search, the page's own <main>, the newsletter sign-up box, and the footer.
// The article text lives alone inside <article> in <main>; everything else is outside it, so reader
// modes and scrapers take the article and nothing else.
import { html, raw, jsonForScript, type SafeHtml } from '../platform/html.ts';
import type { Site } from './site.ts';

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
<link rel="stylesheet" href="/assets/site.css">
<link rel="icon" href="/assets/logo.png" type="image/png">
${feedLinks(site, { title: pub.name, base: '/feed' })}
${meta.feed && meta.feed.base !== '/feed' ? feedLinks(site, meta.feed) : ''}
${ogTags}
<meta name="twitter:card" content="${twitterCard}">
<meta name="twitter:title" content="${meta.title}">
<meta name="twitter:description" content="${description}">
<meta name="twitter:image" content="${image.url}">
<meta name="twitter:image:alt" content="${imageAlt}">
${(meta.jsonLd ?? []).map((d) => html`<script type="application/ld+json">${jsonForScript(d)}</script>`)}
<script src="/assets/site.js" defer></script>
</head>
<body class="page-${meta.kind}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap">
    <a class="brand" href="/" rel="home">${pub.name}</a>
    <nav class="site-nav" aria-label="Sections">
      <ul>${site.sections.map((s) => html`<li><a href="/section/${s.slug}">${s.name}</a></li>`)}</ul>
    </nav>
    <form class="site-search" role="search" aria-label="Search ${pub.name}" action="/search" method="get">
      <label for="site-search-q" class="visually-hidden">Search ${pub.name}</label>
      <input id="site-search-q" type="search" name="q" placeholder="Search" maxlength="200">
      <button type="submit">Search</button>
    </form>
  </div>
</header>
<main id="main" class="wrap" tabindex="-1">
${main}
</main>
${signupBox(site)}
<footer class="site-footer">
  <div class="wrap">
    <nav aria-label="Formats"><ul>${site.formats.map((f) => html`<li><a href="/format/${f.slug}">${f.name}</a></li>`)}</ul></nav>
    <p>&copy; ${pub.name}. <a href="/feed.xml">RSS</a> · <a href="/feed.atom">Atom</a> · <a href="/feed.json">JSON Feed</a> · <a href="/sitemap.xml">Sitemap</a></p>
  </div>
</footer>
</body>
</html>
`;
  return doc.value;
}

/**
 * The newsletter sign-up box, on every page. Without JavaScript the form posts and the server
 * redirects to a result page; with it, /assets/site.js posts it and writes the server's message into
 * the aria-live region. It never claims success on its own: the message always comes from the server.
 */
export function signupBox(site: Site, idSuffix = 'site'): SafeHtml {
  const choices = site.newsletters;
  return html`<section class="signup" aria-labelledby="signup-title-${idSuffix}">
  <div class="wrap">
    <h2 id="signup-title-${idSuffix}">Get our newsletters</h2>
    <p>The day's biggest stories and best features, explained, in your inbox.</p>
    <form class="signup-form" method="post" action="/newsletters/subscribe" data-signup>
      <label for="signup-email-${idSuffix}">Email address</label>
      <input id="signup-email-${idSuffix}" type="email" name="email" required autocomplete="email" maxlength="254">
      ${choices.length
        ? html`<fieldset><legend>Newsletters</legend>${choices.map(
            (n) => html`<label class="choice"><input type="checkbox" name="newsletters" value="${n.slug}"${n.checked ? raw(' checked') : ''}> ${n.name}</label>`,
          )}</fieldset>`
        : ''}
      <div class="trap" aria-hidden="true"><label for="signup-website-${idSuffix}">Leave this empty</label><input id="signup-website-${idSuffix}" type="text" name="website" tabindex="-1" autocomplete="off"></div>
      <button type="submit">Sign up</button>
      <p class="signup-status" role="status" aria-live="polite"></p>
    </form>
  </div>
</section>`;
}
