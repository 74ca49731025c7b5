// Pieces shared by the public pages: images at the right size, story cards and rows, bylines with
// photos, times, pagination.
import { html, raw, type SafeHtml } from '../platform/html.ts';
import type { ArticleSummary, AuthorRef } from '../articles/types.ts';
import type { Site } from './site.ts';
import { humanDateTime, isoInZone } from '../platform/time.ts';
import { sizePath } from '../media/images.ts';

export function timeTag(site: Site, date: Date | null, label?: string): SafeHtml {
  if (!date) return html``;
  const { timeZone, locale } = site.publication;
  return html`<time datetime="${isoInZone(date, timeZone)}"${label ? html` title="${label}"` : ''}>${humanDateTime(date, timeZone, locale)}</time>`;
}

export interface ImageOptions {
  alt: string;
  /** The `sizes` attribute: how wide the image is shown at each viewport width. */
  sizes: string;
  className?: string;
  /** The lead image of a page loads at once; everything below it lazily. */
  eager?: boolean;
  /** Preferred width for `src` (browsers without srcset, and the fallback). */
  fallbackWidth?: number;
  /** The widest size worth offering where the image is shown small (thumbnails). */
  maxWidth?: number;
}

/**
 * An image with a responsive srcset of the WebP sizes made on upload (src/media/images.ts), its
 * dimensions (no layout shift) and lazy loading. An image without recorded sizes is shown as it is.
 */
export function picture(site: Site, src: string, o: ImageOptions): SafeHtml {
  const info = site.images.get(src);
  const cls = o.className ? html` class="${o.className}"` : '';
  const load = o.eager ? raw(' fetchpriority="high"') : raw(' loading="lazy"');
  if (!info) return html`<img${cls} src="${src}" alt="${o.alt}"${load} decoding="async">`;
  const widths = info.widths.filter((w) => w <= (o.maxWidth ?? Infinity));
  const candidates = widths.map((w) => `${sizePath(src, w)} ${w}w`);
  if (!o.maxWidth || info.width <= o.maxWidth || !widths.length) candidates.push(`${src} ${info.width}w`);
  const fallback = [...info.widths].reverse().find((w) => w <= (o.fallbackWidth ?? 960));
  return html`<img${cls} src="${fallback ? sizePath(src, fallback) : src}" srcset="${candidates.join(', ')}" sizes="${o.sizes}" width="${info.width}" height="${info.height}" alt="${o.alt}"${load} decoding="async">`;
}

/** A small round author photo (bylines): the 320 px size when there is one. */
export function authorPhoto(site: Site, a: AuthorRef, px: number): SafeHtml {
  if (!a.photo_url) return html``;
  const info = site.images.get(a.photo_url);
  const src = info?.widths.includes(320) ? sizePath(a.photo_url, 320) : a.photo_url;
  return html`<img class="avatar" src="${src}" alt="" width="${px}" height="${px}" loading="lazy" decoding="async">`;
}

export function byline(authors: AuthorRef[], site?: Site, withPhotos = false): SafeHtml {
  if (!authors.length) return html``;
  const links = authors.map((a) => html`<a href="/author/${a.slug}" rel="author">${a.name}</a>`);
  const joined: Array<SafeHtml | string> = [];
  links.forEach((l, i) => {
    if (i > 0) joined.push(i === links.length - 1 ? ' and ' : ', ');
    joined.push(l);
  });
  const photos = withPhotos && site ? authors.filter((a) => a.photo_url).map((a) => authorPhoto(site, a, 40)) : [];
  if (photos.length) return html`<span class="byline"><span class="byline-photos">${photos}</span><span class="byline-names">By ${joined}</span></span>`;
  return html`<span class="byline">By ${joined}</span>`;
}

/**
 * The headline as shown under its format's label: "Recommends: four dark-sky spots" under a
 * "Recommends" label reads "Four dark-sky spots". Display only; the stored headline (title, feeds,
 * structured data, the API) keeps its prefix.
 */
export function labelledHeadline(headline: string, format: { name: string } | null): string {
  const name = format?.name.trim();
  if (!name) return headline;
  const h = headline.trimStart();
  if (h.slice(0, name.length).toLocaleLowerCase() !== name.toLocaleLowerCase()) return headline;
  // The name, then ":" (or a dash or bar between spaces), then the headline proper.
  const m = /^(?:\s*:|\s+[\u2013\u2014|-])\s*(\S[\s\S]*)$/u.exec(h.slice(name.length));
  if (!m) return headline;
  const rest = m[1]!;
  return rest.charAt(0).toLocaleUpperCase() + rest.slice(1);
}

const formatClass = (a: ArticleSummary) => (a.format ? ` format-${a.format.slug}` : '');

function kicker(a: ArticleSummary): SafeHtml {
  return a.format ? html`<a class="story-format" href="/format/${a.format.slug}">${a.format.name}</a>` : html``;
}

export type CardKind = 'lead' | 'card' | 'row' | 'compact';

/**
 * One story in a list. `lead`: the front page's top story, with its image large; `card`: a story in
 * a grid, image above; `row`: a line with a thumbnail beside it (rivers and list pages); `compact`:
 * headline and time only (the front page's section blocks, after the first story of each).
 */
export function storyItem(site: Site, a: ArticleSummary, headingLevel: 2 | 3 = 3, extra?: SafeHtml, kind: CardKind = 'row'): SafeHtml {
  if (kind === 'compact') {
    return html`<li class="story story--compact${formatClass(a)}">${kicker(a)}<h3 class="story-headline"><a href="/${a.slug}">${labelledHeadline(a.headline, a.format)}</a></h3><p class="story-meta">${timeTag(site, a.published_at)}</p></li>`;
  }
  const headline = labelledHeadline(a.headline, a.format);
  const heading = headingLevel === 2 ? html`<h2 class="story-headline"><a href="/${a.slug}">${headline}</a></h2>` : html`<h3 class="story-headline"><a href="/${a.slug}">${headline}</a></h3>`;
  const sizes = kind === 'lead' ? '(min-width: 64rem) 44rem, 100vw' : kind === 'card' ? '(min-width: 64rem) 17rem, (min-width: 40rem) 45vw, 100vw' : '(min-width: 40rem) 10rem, 6rem';
  const img = a.feature_image_url
    ? html`<a class="story-image" href="/${a.slug}" tabindex="-1" aria-hidden="true">${picture(site, a.feature_image_url, { alt: '', sizes, eager: kind === 'lead', fallbackWidth: kind === 'row' ? 320 : kind === 'card' ? 640 : 1280, maxWidth: kind === 'row' ? 640 : kind === 'card' ? 960 : undefined })}</a>`
    : '';
  // One line of markup per part: the front page lists forty stories, and indentation is bytes.
  return html`<li class="story story--${kind}${formatClass(a)}${a.feature_image_url ? ' has-image' : ''}">${img}<div class="story-text">${kicker(a)}
${heading}
${a.dek && kind !== 'row' ? html`<p class="story-dek">${a.dek}</p>` : ''}${a.dek && kind === 'row' && extra === undefined ? html`<p class="story-dek story-dek--short">${a.dek}</p>` : ''}${extra ?? ''}
<p class="story-meta">${byline(a.authors)} ${timeTag(site, a.published_at)}</p></div></li>`;
}

export function storyList(site: Site, items: ArticleSummary[], headingLevel: 2 | 3 = 3, kind: CardKind = 'row'): SafeHtml {
  return html`<ol class="story-list story-list--${kind}">${items.map((a) => storyItem(site, a, headingLevel, undefined, kind))}</ol>`;
}

export function pagination(path: string, page: number, pages: number, query: Record<string, string> = {}, labels = { newer: 'Newer stories', older: 'Older stories' }): SafeHtml {
  if (pages <= 1) return html``;
  const href = (p: number) => {
    const q = new URLSearchParams(query);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  return html`<nav class="pagination" aria-label="Pages">
  ${page > 1 ? html`<a rel="prev" href="${href(page - 1)}">${labels.newer}</a>` : ''}
  <span>Page ${page} of ${pages}</span>
  ${page < pages ? html`<a rel="next" href="${href(page + 1)}">${labels.older}</a>` : ''}
</nav>`;
}
