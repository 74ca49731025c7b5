// Feed documents to items: RSS 2.0 (and 0.9x), RSS 1.0/RDF, Atom and JSON Feed, parsed by feedsmith
// (docs/dependencies.md), after decoding the bytes ourselves: a byte order mark, then the HTTP
// charset, then the XML declaration's encoding, then UTF-8 when the bytes are valid UTF-8, else
// windows-1252 (what ISO-8859-1 labels mean on the web).
import { lazyPackage } from '../platform/lazy.ts';
import { charsetFromContentType, decodeWindows1252 } from './extract/decode.ts';
import { htmlToText } from '../platform/sanitize.ts';
import { canonicalUrl } from './urls.ts';

// feedsmith is loaded on the first feed parsed (src/platform/lazy.ts): a restart does not need it.
const feedsmith = lazyPackage<typeof import('feedsmith')>('feedsmith');

export type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json';

export interface FeedEntry {
  guid: string | null;
  url: string;
  title: string;
  /** Plain text. */
  summary: string | null;
  author: string | null;
  /** ISO 8601, or null when the feed gives no usable time. */
  published: string | null;
}

export interface ParsedFeed {
  format: FeedFormat;
  title: string | null;
  /** The outlet's site as the feed names it. */
  link: string | null;
  /** WebSub (rel="hub" and rel="self"). */
  hub: string | null;
  self: string | null;
  entries: FeedEntry[];
  /** Entries left out, with why (no link, no title). */
  skipped: number;
}

export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

function decodeWith(label: string, bytes: Uint8Array): string | null {
  let d: TextDecoder;
  try {
    d = new TextDecoder(label.trim().toLowerCase(), { fatal: false });
  } catch {
    return null; // an unknown label
  }
  return d.encoding === 'windows-1252' ? decodeWindows1252(bytes) : d.decode(bytes);
}

/** A feed's bytes as text, with the encoding used. */
export function decodeFeed(bytes: Uint8Array, contentType?: string | null): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  const http = charsetFromContentType(contentType);
  if (http) {
    const t = decodeWith(http, bytes);
    if (t !== null) return { text: t, encoding: http.toLowerCase() };
  }
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const decl = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  if (decl) {
    const t = decodeWith(decl[1]!, bytes);
    if (t !== null) return { text: t, encoding: decl[1]!.toLowerCase() };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (v && typeof v === 'object' && 'value' in (v as any)) return str((v as any).value);
  return null;
}

/** Text of a field that may hold HTML (RSS descriptions, Atom type="html"). */
function text(v: unknown, max = 2000): string | null {
  const s = str(v);
  if (!s) return null;
  const t = (/[<&]/.test(s) ? htmlToText(s) : s).replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, max) : null;
}

function time(...vs: unknown[]): string | null {
  for (const v of vs) {
    const s = str(Array.isArray(v) ? v[0] : v);
    if (!s) continue;
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return new Date(t).toISOString();
  }
  return null;
}

function first<T>(v: T[] | undefined): T | undefined {
  return Array.isArray(v) ? v[0] : undefined;
}

/** Parse a feed document (already decoded, or bytes with their Content-Type) into entries with absolute, canonical URLs. */
export function parseFeedDocument(input: string | Uint8Array, feedUrl: string, contentType?: string | null): ParsedFeed {
  const doc = typeof input === 'string' ? input : decodeFeed(input, contentType).text;
  if (!doc.trim()) throw new FeedParseError('the feed is empty');
  let r: ReturnType<typeof import('feedsmith').parseFeed>;
  try {
    r = feedsmith().parseFeed(doc);
  } catch (e) {
    const name = (e as Error).constructor?.name;
    if (name === 'DetectError') throw new FeedParseError(/^\s*<(!doctype\s+html|html)/i.test(doc) ? 'this is an HTML page, not a feed' : 'not a feed (neither RSS, RDF, Atom nor JSON Feed)');
    throw new FeedParseError(`malformed feed: ${(e as Error).message}`);
  }
  const f = r.feed as any;
  const entries: FeedEntry[] = [];
  let skipped = 0;
  const base = (link: unknown) => canonicalUrl(str(link) ?? '', feedUrl) ?? feedUrl;
  const push = (guid: string | null, link: string | null, title: string | null, summary: string | null, author: string | null, published: string | null, linkBase: string) => {
    const url = canonicalUrl(link ?? (guid && /^https?:\/\//i.test(guid) ? guid : null), linkBase);
    const t = title ? text(title, 500) : null;
    if (!url || !(t || summary)) {
      skipped++;
      return;
    }
    entries.push({ guid: guid ? guid.slice(0, 2000) : null, url, title: t ?? summary!.slice(0, 140), summary, author, published });
  };
  let hub: string | null = null;
  let self: string | null = null;
  let link: string | null = null;
  if (r.format === 'rss' || r.format === 'rdf') {
    link = str(f.link);
    const lb = base(f.link);
    for (const atomLink of f.atom?.links ?? []) {
      if (atomLink.rel === 'hub') hub = atomLink.href ?? hub;
      if (atomLink.rel === 'self') self = atomLink.href ?? self;
    }
    for (const it of f.items ?? []) {
      const guid = str(it.guid) ?? str(it.rdf?.about);
      const summary = text(it.description) ?? text(it.content?.encoded);
      const author = str(it.authors?.[0]) ?? str(first(it.dc?.creators)) ?? str(it.dc?.creator) ?? str(it.author);
      push(guid, str(it.link), str(it.title), summary, author, time(it.pubDate, it.dc?.dates, it.dc?.date, it.dcterms?.issued, it.dcterms?.created), lb);
    }
  } else if (r.format === 'atom') {
    const alt = (links: any[] | undefined) => (links ?? []).find((l) => !l.rel || l.rel === 'alternate')?.href ?? null;
    link = alt(f.links);
    for (const l of f.links ?? []) {
      if (l.rel === 'hub') hub = l.href ?? hub;
      if (l.rel === 'self') self = l.href ?? self;
    }
    const lb = base(link);
    for (const e of f.entries ?? []) {
      push(str(e.id), alt(e.links), str(e.title), text(e.summary) ?? text(e.content), str((first(e.authors) as any)?.name), time(e.published, e.updated, e.dc?.dates), lb);
    }
  } else if (r.format === 'json') {
    link = str(f.home_page_url);
    hub = str(first(f.hubs as any[])?.url);
    self = str(f.feed_url);
    const lb = base(link);
    for (const it of f.items ?? []) {
      const author = str(first(it.authors as any[])?.name) ?? str(it.author?.name);
      push(it.id !== undefined && it.id !== null ? String(it.id) : null, str(it.url) ?? str(it.external_url), str(it.title), text(it.summary) ?? text(it.content_text) ?? text(it.content_html), author, time(it.date_published, it.date_modified), lb);
    }
  }
  return { format: r.format as FeedFormat, title: text(f.title, 300), link, hub, self, entries, skipped };
}
