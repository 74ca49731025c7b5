// A story's public page (/story/{slug}) and the "How it was covered" block on our articles linked to
// a story. Plain functions from data to HTML; the handlers are src/web/stories.ts.
import { formatNumber } from '../../platform/numbers.ts';
import { html, type SafeHtml } from '../../platform/html.ts';
import type { ArticleSummary } from '../../articles/types.ts';
import type { StoryCoverage } from '../../newswire/coverage/coverage.ts';
import type { Site } from '../site.ts';
import { layout } from '../layout.ts';
import { storyList, timeTag } from '../components.ts';
import { coverageBar, coverageLinks, howItWasCovered, SIDES, type CoverageLink } from './coverage.ts';

export const storyPath = (slug: string) => `/story/${encodeURIComponent(slug)}`;

const links = (c: StoryCoverage, side: 'left' | 'center' | 'right'): CoverageLink[] =>
  c.sides[side].map((p) => ({ outlet: p.outlet, lean: p.lean, title: p.title, url: p.url }));

/** "How it was covered" for an article on the story; it links to the story's page when that is public. */
export function articleCoverage(c: StoryCoverage, storyIsPublic: boolean, locale?: string): SafeHtml {
  return howItWasCovered({
    locale,
    storyPath: storyIsPublic ? storyPath(c.story.slug) : '',
    counts: { left: c.spread.left, center: c.spread.center, right: c.spread.right },
    outlets: c.spread.outlets,
    blindspot: c.spread.blindspot,
    sides: { left: links(c, 'left'), center: links(c, 'center'), right: links(c, 'right') },
  });
}

export function storyPage(site: Site, c: StoryCoverage, articles: ArticleSummary[]): string {
  const s = c.story;
  const path = storyPath(s.slug);
  const first = new Date(s.first_seen_at);
  const last = new Date(s.last_updated_at);
  const description = `How ${formatNumber(c.spread.outlets, site.publication.locale)} outlet${c.spread.outlets === 1 ? '' : 's'} covered “${s.title}”, and what ${site.publication.name} wrote about it.`;
  const jsonLd = [
    {
      '@context': 'https://schema.org',
      '@type': 'CollectionPage',
      name: s.title,
      url: site.url(path),
      description,
      dateModified: last.toISOString(),
      hasPart: articles.map((a) => ({ '@type': 'NewsArticle', headline: a.headline.slice(0, 110), url: site.url('/' + a.slug) })),
    },
  ];
  const unrated = c.unrated.map((p) => ({ outlet: p.outlet, lean: p.lean, title: p.title, url: p.url }));
  return layout(
    site,
    { title: s.title, description, path, kind: 'story', feed: { title: `${site.publication.name}: ${s.title}`, base: `${path}/feed` }, jsonLd },
    html`<header class="list-header story-header">
  <p class="list-kind">Story</p>
  <h1>${s.title}</h1>
  <p class="story-span">First seen ${timeTag(site, first)} · last updated ${timeTag(site, last)} · ${formatNumber(c.spread.outlets, site.publication.locale)} outlet${c.spread.outlets === 1 ? '' : 's'}</p>
  <p class="list-feeds"><a href="${path}/feed.xml">RSS</a> · <a href="${path}/feed.atom">Atom</a> · <a href="${path}/feed.json">JSON Feed</a></p>
</header>
<section class="story-ours" aria-labelledby="ours-title"><h2 id="ours-title">Our coverage</h2>${storyList(site, articles, 3)}</section>
<section class="coverage coverage--page" aria-labelledby="coverage-title">
  <h2 id="coverage-title">How it was covered</h2>
  ${c.spread.blindspot ? html`<p class="coverage-intro"><strong class="coverage-blindspot">A blindspot for the ${c.spread.blindspot}</strong>: few outlets there have covered this story.</p>` : ''}
  ${coverageBar({ left: c.spread.left, center: c.spread.center, right: c.spread.right }, site.publication.locale)}
  <div class="coverage-sides">${SIDES.map((side) => coverageLinks(side, links(c, side)))}</div>
  ${unrated.length ? html`<section class="coverage-side coverage-side--unrated" aria-labelledby="coverage-side-unrated"><h3 id="coverage-side-unrated">Outlets without a rated lean</h3><ul>${unrated.map((l) => html`<li><span class="coverage-outlet">${l.outlet}</span>: <a href="${l.url}" rel="nofollow noopener" class="coverage-link">${l.title}</a></li>`)}</ul></section>` : ''}
</section>`,
  );
}
