// Syndication: RSS 2.0 and Atom through the `feed` package, JSON Feed 1.1 built here (the package
// writes JSON Feed 1.0). One item list, three serialisations; the same for the whole site and for
// each section, format, tag and author.
import { Feed } from 'feed';
import type { Article } from '../articles/types.ts';
import type { Site } from './site.ts';
import { ANONYMOUS, decideAccess, leadInHtml, type Viewer } from '../members/access.ts';
import { escapeHtml } from '../platform/html.ts';

export type FeedKind = 'xml' | 'atom' | 'json';

export const FEED_TYPES: Record<FeedKind, string> = {
  xml: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export interface FeedInput {
  title: string;
  description: string;
  /** Site path of the HTML page the feed mirrors ("/", "/section/politics"). */
  path: string;
  /** Site path of the feed without extension ("/feed", "/section/politics/feed"). */
  base: string;
  items: Article[];
  /** Who reads this feed: anonymous for every public feed; a paying member for their private feed. */
  viewer?: Viewer;
}

/** An item's content: the full body if THE access rule allows it to this feed's reader, else the lead-in and a link. */
function itemHtml(site: Site, a: Article, viewer: Viewer): string {
  if (decideAccess(a, viewer, 'feed').full) return a.body_html;
  return `${leadInHtml(a)}\n<p><a href="${escapeHtml(site.url('/' + a.slug))}">Continue reading on ${escapeHtml(site.publication.name)}</a></p>`;
}

export function renderFeed(site: Site, kind: FeedKind, f: FeedInput): string {
  const pub = site.publication;
  const updated = f.items.reduce<Date | undefined>((m, a) => (!m || a.updated_at > m ? a.updated_at : m), undefined) ?? new Date(0);
  if (kind === 'json') {
    return JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: f.title,
      home_page_url: site.url(f.path),
      feed_url: site.url(f.base + '.json'),
      description: f.description,
      icon: site.logoUrl,
      favicon: site.logoUrl,
      language: pub.locale,
      items: f.items.map((a) => ({
        id: site.url('/' + a.slug),
        url: site.url('/' + a.slug),
        title: a.headline,
        summary: a.dek || undefined,
        content_html: itemHtml(site, a, f.viewer ?? ANONYMOUS),
        image: a.feature_image_url ? site.url(a.feature_image_url) : undefined,
        date_published: a.published_at?.toISOString(),
        date_modified: a.updated_at.toISOString(),
        authors: a.authors.map((au) => ({ name: au.name, url: site.url('/author/' + au.slug) })),
        tags: a.tags.map((t) => t.name),
        ...(a.format || a.section ? { _newsdesk: { format: a.format?.name, section: a.section?.name } } : {}),
      })),
    });
  }
  const feed = new Feed({
    id: site.url(f.path),
    title: f.title,
    description: f.description,
    link: site.url(f.path),
    language: pub.locale,
    image: site.logoUrl,
    favicon: site.logoUrl,
    updated,
    generator: 'Newsdesk',
    copyright: `© ${pub.name}`,
    feedLinks: { rss: site.url(f.base + '.xml'), atom: site.url(f.base + '.atom'), json: site.url(f.base + '.json') },
  });
  for (const a of f.items) {
    const link = site.url('/' + a.slug);
    feed.addItem({
      title: a.headline,
      id: link,
      guid: link,
      link,
      description: a.dek || undefined,
      content: itemHtml(site, a, f.viewer ?? ANONYMOUS),
      date: a.updated_at,
      published: a.published_at ?? undefined,
      author: a.authors.map((au) => ({ name: au.name, link: site.url('/author/' + au.slug) })),
      category: [...(a.section ? [{ name: a.section.name, term: a.section.slug }] : []), ...a.tags.map((t) => ({ name: t.name, term: t.slug }))],
      image: a.feature_image_url ? site.url(a.feature_image_url) : undefined,
    });
  }
  return kind === 'xml' ? feed.rss2() : feed.atom1();
}
