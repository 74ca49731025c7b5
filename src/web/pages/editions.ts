// A newsletter's public archive and one sent edition, in the site's layout. Plain functions from data
// to HTML; the handlers are in src/web/editions.ts.
import { html, raw } from '../../platform/html.ts';
import { markdownToHtml } from '../../platform/sanitize.ts';
import { humanDate, isoInZone } from '../../platform/time.ts';
import type { ArticleSummary } from '../../articles/types.ts';
import type { Newsletter } from '../../newsletters/newsletters.ts';
import type { Edition } from '../../newsletters/editions.ts';
import { editionPath } from '../../newsletters/render.ts';
import type { Site } from '../site.ts';
import { layout, signupBox } from '../layout.ts';
import { pagination, storyItem } from '../components.ts';

export function archivePage(site: Site, n: Newsletter, editions: Edition[], page: number, pages: number): string {
  const tz = site.publication.timeZone;
  return layout(
    site,
    { title: `${n.name}: past editions`, description: n.description, path: `/newsletters/${n.slug}`, kind: 'newsletter-archive', ownSignup: true },
    html`<header class="list-header"><h1>${n.name}</h1>${n.description ? html`<p class="list-description">${n.description}</p>` : ''}</header>
<section aria-labelledby="archive-title"><h2 id="archive-title">Past editions</h2>
${editions.length
  ? html`<ol class="story-list edition-list">${editions.map(
      (e) => html`<li class="story"><h3 class="story-headline"><a href="${editionPath(n.slug, e.number)}">${e.subject}</a></h3>
  <p class="story-meta">No. ${e.number} · <time datetime="${isoInZone(e.published_at!, tz)}">${humanDate(e.published_at!, tz, site.publication.locale)}</time></p></li>`,
    )}</ol>`
  : html`<p>No edition has been sent yet.</p>`}
${pagination(`/newsletters/${n.slug}`, page, pages)}
</section>
${signupBox(site, 'archive', { preselect: n.slug, heading: `Get ${n.name} in your inbox` })}`,
  );
}

export function editionPage(site: Site, n: Newsletter, e: Edition, items: ArticleSummary[], around: { prev: number | null; next: number | null }): string {
  const tz = site.publication.timeZone;
  const date = e.published_at!;
  const { prev, next } = around;
  return layout(
    site,
    { title: e.subject, description: n.description, path: editionPath(n.slug, e.number), kind: 'newsletter-edition', ownSignup: true },
    html`<article class="edition" aria-labelledby="edition-title">
<header class="article-header">
  <p class="story-format"><a href="/newsletters/${n.slug}">${n.name}</a> · No. ${e.number}</p>
  <h1 id="edition-title">${e.subject}</h1>
  <p class="story-meta"><time datetime="${isoInZone(date, tz)}">${humanDate(date, tz, site.publication.locale)}</time></p>
</header>
${e.intro ? html`<div class="article-body">${raw(markdownToHtml(e.intro))}</div>` : ''}
<ol class="story-list story-list--row">${items.map((a) => storyItem(site, a, 2, undefined, 'row'))}</ol>
<nav class="pagination" aria-label="Editions">
  ${next ? html`<a rel="next" href="${editionPath(n.slug, next)}">Next edition</a>` : ''}
  <a href="/newsletters/${n.slug}">All editions</a>
  ${prev ? html`<a rel="prev" href="${editionPath(n.slug, prev)}">Previous edition</a>` : ''}
</nav>
</article>
${signupBox(site, 'edition', { preselect: n.slug, heading: `Get ${n.name} in your inbox` })}`,
  );
}
