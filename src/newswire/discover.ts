// Feed discovery: given an outlet's home page, find its feeds. First what the page itself advertises
// (<link rel="alternate"> with a feed type, as browsers and feed readers read it), then the usual
// places (/feed, /rss.xml, /atom.xml, /feed.json, ...). Every candidate is fetched and parsed: only
// real feeds are returned.
import { lazyPackage } from '../platform/lazy.ts';

const htmlparser2 = lazyPackage<typeof import('htmlparser2')>('htmlparser2');
import type { WireConfig } from '../config.ts';
import { guardedFetch } from '../platform/guarded-fetch.ts';
import { decodeHtml } from './extract/decode.ts';
import { parseFeedDocument, type FeedFormat } from './feeds.ts';
import { describeFetchError } from './fetcher.ts';

const FEED_TYPES = /^(application\/(rss|atom|rdf|feed)\+(xml|json)|application\/(rss|atom)|application\/json|text\/xml|application\/xml)$/i;

export const COMMON_FEED_PATHS = ['/feed', '/rss', '/feed.xml', '/rss.xml', '/atom.xml', '/index.xml', '/feed.json', '/feeds/all.atom.xml', '/rss/index.xml', '/?feed=rss2'];

/** Feed links a page advertises, absolute, in page order. */
export function advertisedFeeds(html: string, pageUrl: string): string[] {
  const found: string[] = [];
  let base = pageUrl;
  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name, a) {
        if (name === 'base' && a.href) {
          try {
            base = new URL(a.href, pageUrl).href;
          } catch {
            /* ignore a bad base */
          }
        }
        if (name !== 'link' && name !== 'a') return;
        const rel = (a.rel ?? '').toLowerCase().split(/\s+/);
        if (!rel.includes('alternate') || !a.href) return;
        if (!FEED_TYPES.test((a.type ?? '').trim())) return;
        try {
          const u = new URL(a.href.trim(), base).href;
          if (/^https?:/.test(u) && !found.includes(u)) found.push(u);
        } catch {
          /* not a URL */
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html.slice(0, 512 * 1024));
  parser.end();
  return found;
}

export interface DiscoveredFeed {
  url: string;
  format: FeedFormat;
  title: string | null;
  items: number;
}

export interface DiscoveryResult {
  feeds: DiscoveredFeed[];
  /** What went wrong on the way (the home page unreachable, candidates that were not feeds). */
  notes: string[];
}

/** Find the feeds of a home page (or of a feed URL given directly). */
export async function discoverFeeds(cfg: WireConfig, homeUrl: string): Promise<DiscoveryResult> {
  const notes: string[] = [];
  const opts = { headers: { 'user-agent': cfg.userAgent, accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5' }, timeoutMs: cfg.timeoutMs, maxBytes: cfg.maxBytes, maxRedirects: cfg.maxRedirects, allowPrivate: cfg.allowPrivate };
  const feeds: DiscoveredFeed[] = [];
  const tryFeed = async (url: string, quiet: boolean) => {
    if (feeds.some((f) => f.url === url)) return;
    try {
      const res = await guardedFetch(url, opts);
      if (res.status !== 200) {
        if (!quiet) notes.push(`${url}: HTTP ${res.status}`);
        return;
      }
      const p = parseFeedDocument(res.body, res.url, String(res.headers['content-type'] ?? ''));
      if (!feeds.some((f) => f.url === res.url)) feeds.push({ url: res.url, format: p.format, title: p.title, items: p.entries.length });
    } catch (e) {
      if (!quiet) notes.push(`${url}: ${describeFetchError(e)}`);
    }
  };
  let home;
  try {
    home = await guardedFetch(homeUrl, opts);
  } catch (e) {
    return { feeds, notes: [`${homeUrl}: ${describeFetchError(e)}`] };
  }
  if (home.status !== 200) notes.push(`${homeUrl}: HTTP ${home.status}`);
  else {
    const type = String(home.headers['content-type'] ?? '');
    // A feed given as the home page: take it as it is.
    if (!/html/i.test(type)) {
      await tryFeed(home.url, true);
      if (feeds.length) return { feeds, notes };
    }
    const html = decodeHtml(home.body, type).text;
    for (const u of advertisedFeeds(html, home.url)) await tryFeed(u, false);
  }
  if (!feeds.length) {
    const origin = new URL(home?.url ?? homeUrl).origin;
    for (const p of COMMON_FEED_PATHS) {
      await tryFeed(origin + p, true);
      if (feeds.length) break;
    }
    if (!feeds.length) notes.push(`no feed advertised on the page nor at ${COMMON_FEED_PATHS.join(', ')}`);
  }
  return { feeds, notes };
}
