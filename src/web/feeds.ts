// Syndication: RSS 2.0 and Atom through the `feed` package, JSON Feed 1.1 built here (the package
// writes JSON Feed 1.0). One item list, three serialisations; the same for the whole site and for
// each section, format, tag and author.
import { Feed } from 'feed';
import type { Article } from '../articles/types.ts';
import type { Site } from './site.ts';
import { absoluteUrls } from '../platform/absolute-urls.ts';
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
  /** WebSub hub to name (rel="hub", JSON Feed `hubs`), if any. */
  hub?: string | null;
}

/**
 * An item's content: the full body if THE access rule allows it to this feed's reader, else the lead-in
 * and a link; every link and image absolute (a reader has no base URL to resolve "/…" against).
 */
function itemHtml(site: Site, a: Article, viewer: Viewer): string {
  const base = site.url('/' + a.slug);
  if (decideAccess(a, viewer, 'feed').full) return absoluteUrls(a.body_html, base);
  return absoluteUrls(`${leadInHtml(a)}\n<p><a href="${escapeHtml(base)}">Continue reading on ${escapeHtml(site.publication.name)}</a></p>`, base);
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
      ...(f.hub ? { hubs: [{ type: 'WebSub', url: f.hub }] } : {}),
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
    ...(f.hub ? { hub: f.hub } : {}),
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
      // RSS's <author> is an email address: RSS names its authors with one <dc:creator> each instead.
      // Atom keeps one <author> per author.
      author: kind === 'atom' ? a.authors.map((au) => ({ name: au.name, link: site.url('/author/' + au.slug) })) : undefined,
      extensions: kind === 'xml' && a.authors.length ? [{ name: 'dc:creator', objects: a.authors.map((au) => ({ _text: au.name })) as unknown as Record<string, unknown> }] : undefined,
      category: [...(a.section ? [{ name: a.section.name, term: a.section.slug }] : []), ...a.tags.map((t) => ({ name: t.name, term: t.slug }))],
      image: a.feature_image_url ? site.url(a.feature_image_url) : undefined,
    });
  }
  if (kind === 'atom') return feed.atom1();
  const rss = feed.rss2();
  // The package declares the dc namespace only for items with content; dc:creator needs it always.
  return rss.includes('<dc:creator>') && !rss.includes('xmlns:dc=') ? rss.replace('<rss ', '<rss xmlns:dc="http://purl.org/dc/elements/1.1/" ') : rss;
}
