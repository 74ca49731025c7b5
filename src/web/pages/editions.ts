// A newsletter's public archive and one sent edition, in the site's layout. Plain functions from data
// to HTML; the handlers are in src/web/editions.ts.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { ANONYMOUS, decideAccess, leadInHtml, type Viewer } from '../../members/access.ts';
import { markdownToHtml } from '../../platform/sanitize.ts';
import { humanDate, isoInZone } from '../../platform/time.ts';
import type { ArticleSummary } from '../../articles/types.ts';
import type { Newsletter } from '../../newsletters/newsletters.ts';
import type { Edition } from '../../newsletters/editions.ts';
import { editionPath } from '../../newsletters/render.ts';
import type { Site } from '../site.ts';
import { layout, signupBox } from '../layout.ts';
import { pagination } from '../components.ts';

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

type EditionStory = ArticleSummary & { body_html: string; lead_html: string | null };

/** One story of an edition with its text for this viewer: the body, or the lead-in and the way on. */
function editionStory(a: EditionStory, viewer: Viewer): SafeHtml {
  const full = decideAccess({ id: a.id, access: a.access ?? 'metered' }, viewer, 'edition').full;
  const body = full ? a.body_html : leadInHtml(a);
  const next = '/' + a.slug;
  const note = full
    ? ''
    : a.access === 'paid'
      ? html`<p class="edition-gate">The rest of this story is for subscribers. <a href="/subscribe">Subscribe</a>${viewer.kind === 'anonymous' ? html`, or <a href="/account/signin?next=${encodeURIComponent(next)}">sign in</a> if you already do` : ''}.</p>`
      : html`<p class="edition-gate">Continue reading for free: <a href="/account/register?next=${encodeURIComponent(next)}">register</a> or <a href="/account/signin?next=${encodeURIComponent(next)}">sign in</a>.</p>`;
  return html`<section class="edition-story" aria-labelledby="story-${a.id}">
  ${a.format || a.section ? html`<p class="article-kicker">${a.format ? a.format.name : ''}${a.format && a.section ? ' · ' : ''}${a.section ? a.section.name : ''}</p>` : ''}
  <h2 id="story-${a.id}" class="story-headline"><a href="/${a.slug}">${a.headline}</a></h2>
  ${a.dek ? html`<p class="article-dek">${a.dek}</p>` : ''}
  <div class="article-body">
${raw(body)}
  </div>
  ${note}
  <p class="story-meta"><a href="/${a.slug}">${full ? 'Read it on the site' : 'Read the story'}</a></p>
</section>`;
}

export function editionPage(site: Site, n: Newsletter, e: Edition, items: EditionStory[], around: { prev: number | null; next: number | null }, viewer: Viewer = ANONYMOUS): string {
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
${items.map((a) => editionStory(a, viewer))}
<nav class="pagination" aria-label="Editions">
  ${next ? html`<a rel="next" href="${editionPath(n.slug, next)}">Next edition</a>` : ''}
  <a href="/newsletters/${n.slug}">All editions</a>
  ${prev ? html`<a rel="prev" href="${editionPath(n.slug, prev)}">Previous edition</a>` : ''}
</nav>
</article>
${signupBox(site, 'edition', { preselect: n.slug, heading: `Get ${n.name} in your inbox` })}`,
  );
}
