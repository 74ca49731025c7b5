// Pieces shared by the public pages: story list items, bylines, times, pagination.
import { html, type SafeHtml } from '../platform/html.ts';
import type { ArticleSummary, AuthorRef } from '../articles/types.ts';
import type { Site } from './site.ts';
import { humanDateTime, isoInZone } from '../platform/time.ts';

export function timeTag(site: Site, date: Date | null, label?: string): SafeHtml {
  if (!date) return html``;
  const { timeZone, locale } = site.publication;
  return html`<time datetime="${isoInZone(date, timeZone)}"${label ? html` title="${label}"` : ''}>${humanDateTime(date, timeZone, locale)}</time>`;
}

export function byline(authors: AuthorRef[]): SafeHtml {
  if (!authors.length) return html``;
  const links = authors.map((a) => html`<a href="/author/${a.slug}" rel="author">${a.name}</a>`);
  const joined: Array<SafeHtml | string> = [];
  links.forEach((l, i) => {
    if (i > 0) joined.push(i === links.length - 1 ? ' and ' : ', ');
    joined.push(l);
  });
  return html`<span class="byline">By ${joined}</span>`;
}

/** One story in a list: format, headline, dek, byline(s) and published time. */
export function storyItem(site: Site, a: ArticleSummary, headingLevel: 2 | 3 = 3, extra?: SafeHtml): SafeHtml {
  const heading = headingLevel === 2 ? html`<h2 class="story-headline"><a href="/${a.slug}">${a.headline}</a></h2>` : html`<h3 class="story-headline"><a href="/${a.slug}">${a.headline}</a></h3>`;
  return html`<li class="story${a.editors_pick ? ' story--pick' : ''}">
  ${a.format ? html`<a class="story-format" href="/format/${a.format.slug}">${a.format.name}</a>` : ''}
  ${heading}
  ${a.dek ? html`<p class="story-dek">${a.dek}</p>` : ''}
  ${extra ?? ''}
  <p class="story-meta">${byline(a.authors)} ${timeTag(site, a.published_at)}</p>
</li>`;
}

export function storyList(site: Site, items: ArticleSummary[], headingLevel: 2 | 3 = 3): SafeHtml {
  return html`<ol class="story-list">${items.map((a) => storyItem(site, a, headingLevel))}</ol>`;
}

export function pagination(path: string, page: number, pages: number, query: Record<string, string> = {}): SafeHtml {
  if (pages <= 1) return html``;
  const href = (p: number) => {
    const q = new URLSearchParams(query);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  return html`<nav class="pagination" aria-label="Pages">
  ${page > 1 ? html`<a rel="prev" href="${href(page - 1)}">Newer stories</a>` : ''}
  <span>Page ${page} of ${pages}</span>
  ${page < pages ? html`<a rel="next" href="${href(page + 1)}">Older stories</a>` : ''}
</nav>`;
}
