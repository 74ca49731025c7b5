// Article extraction (issue #11, part 3): a pure function from an HTML document (string, or bytes
// with the HTTP Content-Type) and its URL to the article's metadata, plain text and sanitised HTML.
// No I/O. Used by the feed poller for fetched pages and by `newsdesk wire extract` for files.
import { sanitizeHtml } from '../../platform/sanitize.ts';
import { decodeHtml } from './decode.ts';
import { elements, parsePage, type El, type ParsedPage } from './dom.ts';
import { readMetadata, type Metadata } from './metadata.ts';
import { cleanInside, computeStats, markedBodies, prune, scoreCandidates, statsOf, topCandidate, withSiblings, contains, densestElement } from './content.ts';
import { blocksToHtml, blocksToText, filterBlocks, firstImage, toBlocks, type Block, type RenderContext } from './render.ts';

export interface ExtractOptions {
  /** The page's URL: resolves relative links and images, and gives a date when the path has one. */
  url?: string;
  /** The HTTP Content-Type header (its charset decodes bytes). */
  contentType?: string | null;
}

export interface ExtractedArticle {
  title: string | null;
  byline: string | null;
  /** ISO 8601: a UTC timestamp, or a date when the page gives only a day. */
  published: string | null;
  /** BCP 47 primary language subtag ("en", "de"), as the page declares it. */
  lang: string | null;
  /** Absolute URL of the lead image. */
  image: string | null;
  siteName: string | null;
  description: string | null;
  /** Plain text of the body: paragraphs separated by blank lines, headings on their own lines. */
  text: string;
  /** The body as minimal HTML, already sanitised (src/platform/sanitize.ts). */
  html: string;
  /** The encoding the document was decoded with (for bytes input). */
  encoding: string;
}

export function extractArticle(input: string | Uint8Array, opts: ExtractOptions = {}): ExtractedArticle {
  let html: string;
  let encoding = 'utf-8';
  if (typeof input === 'string') html = input;
  else {
    const d = decodeHtml(input, opts.contentType);
    html = d.text;
    encoding = d.encoding;
  }
  const page = parsePage(html);
  const meta = readMetadata(page, opts.url);
  const ctx = { url: opts.url, baseHref: page.baseHref };
  const pageGood = computeStats(page.body).good;

  let body = extractBody(page, meta, ctx, 'full');
  // Safety net (trafilatura compares with other extractors the same way): when pruning and
  // scoring kept little of a page that has plenty of article-like text, the page's markup misled
  // them (class words on the article's own wrappers). Try again without class-based pruning, and
  // keep the longer result.
  if (bodyLength(body.blocks) < SAFETY_SHARE * pageGood && pageGood >= 500) {
    const fresh = parsePage(html);
    computeStats(fresh.body);
    const again = extractBody(fresh, meta, ctx, 'light');
    if (bodyLength(again.blocks) > 1.5 * bodyLength(body.blocks)) body = again;
  }
  let { blocks, roots } = body;
  let text = blocksToText(blocks);

  // Pages rendered by scripts often ship the whole text only as schema.org articleBody.
  const ldBody = meta.articleBody?.trim();
  if (ldBody && ldBody.length > 2 * text.length + 200) {
    blocks = ldBody
      .split(/\n\s*\n|\r\n\s*\r\n|(?<=[.!?"”])\s*\n/)
      .map((t) => t.replace(/\s+/g, ' ').trim())
      .filter(Boolean)
      .map((t) => ({ kind: 'p' as const, level: 0, text: t, html: escapeHtml(t), ld: 0, group: null }));
    text = blocksToText(blocks);
  }

  return {
    title: meta.title,
    byline: meta.byline,
    published: meta.published,
    lang: meta.lang,
    image: meta.image ?? firstImage(roots, ctx),
    siteName: meta.siteName,
    description: meta.description,
    text,
    html: sanitizeHtml(blocksToHtml(blocks)),
    encoding,
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The first pass kept less than this share of the page's article-like text: ask the second opinion. */
const SAFETY_SHARE = 0.3;
/** Penalty per character of non-paragraph text for the second opinion's densest element. */
const DENSITY_ALPHA = 0.3;

const bodyLength = (blocks: Block[]) => blocks.reduce((n, b) => n + b.text.length, 0);

function extractBody(page: ParsedPage, meta: Metadata, ctx: RenderContext, mode: 'full' | 'light'): { blocks: Block[]; roots: El[] } {
  const body = page.body;
  // The page's own article markers are kept through pruning.
  const marked = markedBodies(body).filter((e) => statsOf(e).plen >= 200);
  const anchors = new Set(marked);
  for (const e of elements(body)) if ((e.tag === 'main' || e.tag === 'article' || e.attrs.role === 'main') && statsOf(e).plen >= 200) anchors.add(e);
  prune(body, anchors, mode);
  computeStats(body);
  const roots = mode === 'full' ? chooseRoots(body, marked.filter((m) => contains(body, m))) : [densestElement(body, DENSITY_ALPHA)];
  for (const r of roots) cleanInside(r);
  return { blocks: filterBlocks(toBlocks(roots, ctx), meta.title, meta.byline), roots };
}

/** The subtrees that hold the article. */
function chooseRoots(body: El, marked: El[]): El[] {
  const candidates = scoreCandidates(body);
  const top = topCandidate(body, candidates);
  const topPlen = top ? statsOf(top).plen : 0;
  const markedPlen = marked.reduce((s, m) => s + statsOf(m).plen, 0);
  if (marked.length && markedPlen >= 200) {
    if (!top) return marked;
    const inside = marked.filter((m) => contains(top, m));
    const insidePlen = inside.reduce((s, m) => s + statsOf(m).plen, 0);
    // The marked body sits inside the scored container and holds most of its text: it is tighter.
    if (inside.length && insidePlen >= 0.7 * topPlen) return inside;
    // The marked body contains the scored one, and holds clearly more text.
    const around = marked.find((m) => contains(m, top));
    if (around) return topPlen >= 0.8 * statsOf(around).plen ? withSiblings(top) : [around];
    // Elsewhere in the page: trust the marker when it holds comparable text.
    if (markedPlen >= 0.5 * topPlen) return marked;
  }
  if (!top) return [body];
  return withSiblings(top);
}
