// The public pages: home, article, section/format/tag/author lists, search, errors. Each is a plain
// function from data to HTML; routes (src/web/routes.ts) fetch the data and send the result.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import type { Article, ArticleSummary, Named } from '../../articles/types.ts';
import type { SearchHit } from '../../articles/queries.ts';
import type { Site } from '../site.ts';
import { layout, signupBox } from '../layout.ts';
import { byline, labelledHeadline, pagination, picture, storyItem, storyList, timeTag } from '../components.ts';
import { isoInZone } from '../../platform/time.ts';
import { formatNumber } from '../../platform/numbers.ts';
import { sizePath } from '../../media/images.ts';
import { leadInHtml, leadInText } from '../../members/access.ts';
import { paywallBanner, paywallWall, type ArticleGate } from './paywall.ts';

export interface FrontPage {
  /** The lead story: the pinned one, else the newest editor's pick (null on pages after the first). */
  lead: ArticleSummary | null;
  second: ArticleSummary[];
  /** The latest stories not above, newest first (on later pages: the continuation). */
  river: ArticleSummary[];
  sections: Array<{ section: Named; items: ArticleSummary[] }>;
  page: number;
  pages: number;
}

export function homePage(site: Site, f: FrontPage): string {
  const pub = site.publication;
  const organization = {
    '@context': 'https://schema.org',
    '@type': 'NewsMediaOrganization',
    name: pub.name,
    url: site.url('/'),
    logo: { '@type': 'ImageObject', url: site.logoUrl },
  };
  const more = pagination('/', f.page, f.pages, {}, { newer: 'Newer stories', older: 'More stories' });
  if (f.page > 1) {
    return layout(
      site,
      { title: `Latest stories (page ${f.page})`, path: `/?page=${f.page}`, kind: 'home home-more', feed: { title: pub.name, base: '/feed' } },
      html`<h1 class="page-title">Latest stories</h1>
${storyList(site, f.river, 2, 'row')}
${more}`,
    );
  }
  return layout(
    site,
    { title: pub.name, path: '/', kind: 'home', feed: { title: pub.name, base: '/feed' }, jsonLd: [organization] },
    html`<h1 class="visually-hidden">${pub.name}</h1>
${f.lead || f.second.length
  ? html`<section class="front-top" aria-labelledby="top-title"><h2 id="top-title" class="visually-hidden">Top stories</h2>
${f.lead ? html`<ol class="story-list story-list--lead">${storyItem(site, f.lead, 3, undefined, 'lead')}</ol>` : ''}
${f.second.length ? storyList(site, f.second, 3, 'card') : ''}
</section>`
  : ''}
<section class="latest" aria-labelledby="latest-title"><h2 id="latest-title" class="rule-title">Latest</h2>
${f.river.length ? storyList(site, f.river, 3, 'row') : f.lead ? '' : html`<p>Nothing has been published yet.</p>`}
${more}
</section>
${f.sections.length ? html`<div class="front-sections">${f.sections.map(
  ({ section, items }) => html`<section class="front-section" aria-labelledby="section-${section.slug}"><h2 id="section-${section.slug}" class="rule-title"><a href="/section/${section.slug}">${section.name}</a></h2>
<ol class="story-list story-list--section">${items.map((a, i) => storyItem(site, a, 3, undefined, i === 0 ? 'card' : 'compact'))}</ol></section>`,
)}</div>` : ''}`,
  );
}

/** A static page (About, Contact) is a WebPage of the site: no news, no byline. */
export function pageJsonLd(site: Site, a: Article): unknown {
  const tz = site.publication.timeZone;
  return {
    '@context': 'https://schema.org',
    '@type': 'WebPage',
    '@id': site.url('/' + a.slug),
    url: site.url('/' + a.slug),
    name: a.headline,
    description: a.dek || undefined,
    inLanguage: site.publication.locale,
    datePublished: a.published_at ? isoInZone(a.published_at, tz) : undefined,
    dateModified: isoInZone(a.updated_at, tz),
    primaryImageOfPage: a.feature_image_url ? { '@type': 'ImageObject', url: site.url(a.feature_image_url) } : undefined,
    isPartOf: { '@type': 'WebSite', name: site.publication.name, url: site.url('/') },
    publisher: { '@type': 'Organization', name: site.publication.name, url: site.url('/'), logo: { '@type': 'ImageObject', url: site.logoUrl } },
  };
}

export function articleJsonLd(site: Site, a: Article, free = true): unknown {
  if (a.type === 'page') return pageJsonLd(site, a);
  const tz = site.publication.timeZone;
  const publisher = {
    '@type': 'Organization',
    name: site.publication.name,
    url: site.url('/'),
    logo: { '@type': 'ImageObject', url: site.logoUrl },
  };
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    mainEntityOfPage: { '@type': 'WebPage', '@id': site.url('/' + a.slug) },
    headline: a.headline.slice(0, 110),
    description: a.dek || undefined,
    datePublished: a.published_at ? isoInZone(a.published_at, tz) : undefined,
    dateModified: isoInZone(a.updated_at, tz),
    // An unsigned story is the publication's own: never "author": [].
    author: a.authors.length
      ? a.authors.map((au) => ({ '@type': 'Person', name: au.name, url: site.url('/author/' + au.slug) }))
      : [{ '@type': 'Organization', name: site.publication.name, url: site.url('/') }],
    publisher,
    image: [a.feature_image_url ? site.url(a.feature_image_url) : site.logoUrl],
    articleSection: a.section?.name,
    keywords: a.tags.map((t) => t.name),
    genre: a.format?.name,
    // Gated: the body is withheld from the page, so there is no hasPart selector pointing at hidden text.
    isAccessibleForFree: free,
  };
}

/**
 * An article page. With a gate that denies full access, the body is the lead-in alone (the rest is not
 * in the response at all) followed by the wall; the description and JSON-LD carry nothing past it.
 */
export function articlePage(site: Site, a: Article, related: ArticleSummary[], gate?: ArticleGate, extra: { coverage?: SafeHtml | null } = {}): string {
  const tz = site.publication.timeZone;
  const full = !gate || gate.decision.full;
  const bodyHtml = full ? a.body_html : leadInHtml(a);
  const text = full ? a.body_text : leadInText(bodyHtml);
  const updated = a.published_at && a.updated_at.getTime() - a.published_at.getTime() > 60_000;
  const image = a.feature_image_url ? site.url(a.feature_image_url) : undefined;
  const isPage = a.type === 'page';
  return layout(
    site,
    {
      title: a.headline,
      description: a.dek || text.slice(0, 200),
      path: '/' + a.slug,
      canonicalUrl: a.canonical_url,
      kind: 'article',
      image: image ? { url: image, alt: a.feature_image_alt || a.headline } : null,
      og: isPage ? { 'og:type': 'website' } : {
        'og:type': 'article',
        'article:published_time': a.published_at ? isoInZone(a.published_at, tz) : undefined,
        'article:modified_time': isoInZone(a.updated_at, tz),
        'article:section': a.section?.name,
        'article:tag': a.tags.map((t) => t.name),
        'article:author': a.authors.map((au) => site.url('/author/' + au.slug)),
      },
      jsonLd: [articleJsonLd(site, a, a.access === 'public' || !!gate?.freeForAll)],
      section: a.section?.slug,
      ownSignup: !isPage,
    },
    html`<article class="article${a.format ? ` format-${a.format.slug}` : ''}" aria-labelledby="article-headline">
  <header class="article-header">
    <p class="article-kicker">${a.format ? html`<a href="/format/${a.format.slug}">${a.format.name}</a>` : ''}${a.format && a.section ? ' · ' : ''}${a.section ? html`<a href="/section/${a.section.slug}">${a.section.name}</a>` : ''}</p>
    <h1 id="article-headline">${labelledHeadline(a.headline, a.format)}</h1>
    ${a.dek ? html`<p class="article-dek">${a.dek}</p>` : ''}
    ${isPage ? '' : html`<p class="article-meta">${byline(a.authors, site, true)} <span class="published">Published ${timeTag(site, a.published_at)}</span>${updated ? html` <span class="updated">Updated ${timeTag(site, a.updated_at)}</span>` : ''}</p>`}
  </header>
  ${a.feature_image_url
    ? html`<figure class="article-image">${picture(site, a.feature_image_url, { alt: a.feature_image_alt, sizes: '(min-width: 48rem) 46rem, 100vw', eager: true, fallbackWidth: 1280 })}${a.feature_image_caption ? html`<figcaption>${a.feature_image_caption}</figcaption>` : ''}</figure>`
    : ''}
  ${gate ? paywallBanner(gate) : ''}
  <div class="article-body">
${raw(bodyHtml)}
  </div>
  ${a.tags.length ? html`<footer class="article-tags"><h2 class="visually-hidden">Tags</h2><ul>${a.tags.map((t) => html`<li><a href="/tag/${t.slug}" rel="tag">${t.name}</a></li>`)}</ul></footer>` : ''}
</article>
${gate && !gate.decision.full ? paywallWall(site, a, gate) : ''}
${extra.coverage ?? ''}
${isPage || (gate && !gate.decision.full && gate.decision.wall === 'register') ? '' : signupBox(site, 'article', { heading: 'Enjoyed this? Get the next one in your inbox' })}
${related.length ? html`<aside class="related" aria-labelledby="related-title"><h2 id="related-title" class="rule-title">Related stories</h2>${storyList(site, related, 3, 'card')}</aside>` : ''}`,
  );
}

export interface ListPageInput {
  kind: 'section' | 'format' | 'tag' | 'author';
  entity: Named & { description?: string; bio?: string; photo_url?: string | null };
  items: ArticleSummary[];
  page: number;
  pages: number;
  total: number;
}

const KIND_LABEL = { section: 'Section', format: 'Format', tag: 'Tag', author: 'Author' } as const;

export function listPage(site: Site, p: ListPageInput): string {
  const path = `/${p.kind}/${p.entity.slug}`;
  const blurb = p.kind === 'author' ? p.entity.bio : p.entity.description;
  const title = p.page > 1 ? `${p.entity.name} (page ${p.page})` : p.entity.name;
  const jsonLd: unknown[] =
    p.kind === 'author'
      ? [{ '@context': 'https://schema.org', '@type': 'ProfilePage', mainEntity: { '@type': 'Person', name: p.entity.name, url: site.url(path), description: blurb || undefined, image: p.entity.photo_url ? site.url(p.entity.photo_url) : undefined } }]
      : [{ '@context': 'https://schema.org', '@type': 'CollectionPage', name: p.entity.name, url: site.url(path) }];
  return layout(
    site,
    {
      title,
      description: blurb || `${KIND_LABEL[p.kind]}: ${p.entity.name} at ${site.publication.name}`,
      path: p.page > 1 ? `${path}?page=${p.page}` : path,
      kind: `list page-${p.kind}`,
      feed: { title: `${site.publication.name}: ${p.entity.name}`, base: `${path}/feed` },
      og: { 'og:type': p.kind === 'author' ? 'profile' : 'website' },
      image: p.kind === 'author' && p.entity.photo_url ? { url: site.url(p.entity.photo_url), alt: p.entity.name } : null,
      jsonLd,
      section: p.kind === 'section' ? p.entity.slug : undefined,
    },
    html`<header class="list-header${p.kind === 'author' ? ' author-header' : ''} list-${p.kind}${p.kind === 'format' ? ` format-${p.entity.slug}` : ''}">
  ${p.kind === 'author' && p.entity.photo_url ? html`<img class="author-photo" src="${site.images.get(p.entity.photo_url)?.widths.includes(320) ? sizePath(p.entity.photo_url, 320) : p.entity.photo_url}" alt="${p.entity.name}" width="120" height="120">` : ''}
  <div class="list-intro">
  <p class="list-kind">${KIND_LABEL[p.kind]}</p>
  <h1>${p.entity.name}</h1>
  ${blurb ? html`<p class="list-blurb">${blurb}</p>` : ''}
  ${p.kind === 'author' ? html`<p class="list-count">${formatNumber(p.total, site.publication.locale)} ${p.total === 1 ? 'story' : 'stories'}</p>` : ''}
  <p class="list-feeds">Follow${p.kind === 'author' ? html` ${p.entity.name}` : ''}: <a href="${path}/feed.xml">RSS</a> · <a href="${path}/feed.atom">Atom</a> · <a href="${path}/feed.json">JSON Feed</a></p>
  </div>
</header>
${p.items.length ? storyList(site, p.items, 2, 'row') : html`<p>Nothing has been published here yet.</p>`}
${pagination(path, p.page, p.pages)}`,
  );
}

export const SNIPPET_START = '\u0002';
export const SNIPPET_END = '\u0003';


const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * A search result's snippet: ts_headline's fragment with its matches (between sentinels) as <mark>,
 * paragraph breaks as sentence breaks (a subheading never runs into the next paragraph), and an
 * ellipsis wherever the fragment was cut from a longer text.
 */
export function snippetHtml(h: Pick<SearchHit, 'snippet' | 'source_head' | 'source_tail'>): SafeHtml {
  const joined = h.snippet
    .split(/\n\s*\n|\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p, i, all) => (i < all.length - 1 && !/[.!?:;…”’"')]$/.test(p.replace(/[\u0002\u0003]/g, '')) ? p + '.' : p))
    .join(' ');
  const plain = squash(joined.replace(/[\u0002\u0003]/g, '').replace(/\.(?= )/g, ''));
  const head = squash(h.source_head ?? '').replace(/\./g, '');
  const tail = squash(h.source_tail ?? '').replace(/\./g, '');
  const p = plain.replace(/\./g, '');
  const cutStart = !!head && !head.startsWith(p.slice(0, Math.min(30, p.length)));
  const cutEnd = !!tail && !tail.endsWith(p.slice(-Math.min(30, p.length)));
  const escaped = html`${squash(joined)}`.value.replaceAll(SNIPPET_START, '<mark>').replaceAll(SNIPPET_END, '</mark>');
  return raw(`${cutStart ? '… ' : ''}${escaped}${cutEnd ? ' …' : ''}`);
}

/** A static page among the results: labelled as a page, with no byline, date, format or picture (it is not news). */
function pageHit(h: SearchHit): SafeHtml {
  return html`<li class="story story--row story--page"><div class="story-text"><span class="story-kind">Page</span>
<h2 class="story-headline"><a href="/${h.slug}">${h.headline}</a></h2>
<p class="story-snippet">${snippetHtml(h)}</p></div></li>`;
}

export function searchPage(site: Site, q: string, hits: SearchHit[], total: number, page: number, pages: number): string {
  const heading = q ? (total ? `${formatNumber(total, site.publication.locale)} result${total === 1 ? '' : 's'} for “${q}”` : `No results for “${q}”`) : 'Search';
  return layout(
    site,
    { title: q ? `Search: ${q}` : 'Search', path: '/search', kind: 'search', noindex: true },
    html`<h1>${heading}</h1>
<form class="search-form" role="search" aria-label="Search results" action="/search" method="get">
  <label for="search-q">Search for</label>
  <input id="search-q" type="search" name="q" value="${q}" maxlength="200">
  <button type="submit">Search</button>
</form>
${hits.length ? html`<ol class="story-list story-list--row">${hits.map((h) => (h.type === 'page' ? pageHit(h) : storyItem(site, h, 2, html`<p class="story-snippet">${snippetHtml(h)}</p>`, 'row')))}</ol>` : ''}
${pagination('/search', page, pages, { q })}`,
  );
}

export function errorPage(site: Site | null, status: number, title: string, message: string): string {
  const body = html`<div class="error-page"><p class="error-status">Error ${status}</p><h1>${title}</h1><p>${message}</p>
<p><a href="/">Go to the front page</a> or search:</p>
<form role="search" aria-label="Search from this page" action="/search" method="get"><label for="error-q" class="visually-hidden">Search</label><input id="error-q" type="search" name="q" maxlength="200"> <button type="submit">Search</button></form></div>`;
  if (!site) {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} ${title}</title><link rel="stylesheet" href="/assets/site.css"></head><body><main id="main" class="wrap">${body.value}</main></body></html>`;
  }
  return layout(site, { title, path: '/', kind: 'error', noindex: true }, body);
}
