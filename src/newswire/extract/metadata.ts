// Article metadata from what pages declare: JSON-LD (schema.org NewsArticle and its kin, also inside
// @graph), OpenGraph and article:* properties, the meta names used by news CMSs (parsely, sailthru,
// Dublin Core, citation_*, byl), microdata (itemprop) and <time> elements, then the URL's date path.
import { elements, textOf, type El, type ParsedPage } from './dom.ts';

export interface Metadata {
  title: string | null;
  byline: string | null;
  published: string | null;
  lang: string | null;
  image: string | null;
  siteName: string | null;
  description: string | null;
  /** schema.org articleBody, when the page ships one (a fallback for pages rendered by scripts). */
  articleBody: string | null;
  /** The headline text as the page shows it (to drop it from the body). */
  headline: string | null;
}

const ARTICLE_TYPES = /^(?:\w+:)?(?:Article|NewsArticle|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|ReviewNewsArticle|BackgroundNewsArticle|AskPublicNewsArticle|SatiricalArticle|LiveBlogPosting|BlogPosting|SocialMediaPosting|TechArticle|ScholarlyArticle|MedicalScholarlyArticle|Report|Review|HowTo|Recipe|AdvertiserContentArticle)$/;

type Json = Record<string, unknown>;

function flattenLd(v: unknown, out: Json[], depth = 0): void {
  if (depth > 6 || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) flattenLd(x, out, depth + 1);
    return;
  }
  const o = v as Json;
  out.push(o);
  if (o['@graph']) flattenLd(o['@graph'], out, depth + 1);
  if (o.mainEntity && typeof o.mainEntity === 'object') flattenLd(o.mainEntity, out, depth + 1);
}

function typesOf(o: Json): string[] {
  const t = o['@type'];
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string');
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return str(v[0]);
  if (v && typeof v === 'object') {
    const o = v as Json;
    return str(o['@value'] ?? o.name ?? o.url ?? null);
  }
  return null;
}

function names(v: unknown): string[] {
  if (!v) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(names);
  if (typeof v === 'object') {
    const o = v as Json;
    const n = o.name ?? o.alternateName;
    if (typeof n === 'string') return [n];
    if (Array.isArray(n)) return names(n);
    const given = [o.givenName, o.familyName].filter((x) => typeof x === 'string').join(' ');
    if (given) return [given];
  }
  return [];
}

function imageUrl(v: unknown): string | null {
  if (!v) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return imageUrl(v[0]);
  if (typeof v === 'object') {
    const o = v as Json;
    return typeof o.url === 'string' ? o.url : typeof o.contentUrl === 'string' ? o.contentUrl : typeof o['@id'] === 'string' && /^https?:/.test(o['@id'] as string) ? (o['@id'] as string) : null;
  }
  return null;
}

function parseJsonLd(texts: string[]): Json[] {
  const out: Json[] = [];
  for (const raw of texts) {
    const t = raw.trim().replace(/^<!--|-->$/g, '').replace(/^\/\/<!\[CDATA\[|\/\/\]\]>$/g, '');
    try {
      flattenLd(JSON.parse(t), out);
    } catch {
      // Some CMSs put raw newlines inside strings: try once more with them escaped.
      try {
        flattenLd(JSON.parse(t.replace(/[\u0000-\u001f]+/g, ' ')), out);
      } catch {
        /* not JSON: ignore */
      }
    }
  }
  return out;
}

/** A date as ISO 8601: full timestamps in UTC ("2024-05-01T12:30:00.000Z"), bare dates as "2024-05-01". */
export function normaliseDate(v: string | null | undefined): string | null {
  if (!v) return null;
  const s = v.trim();
  if (!s) return null;
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (dateOnly) return validYmd(+dateOnly[1]!, +dateOnly[2]!, +dateOnly[3]!);
  // "2024-05-01 12:30:00" (no zone) and "2024-05-01T12:30:00+0100" are common; Date needs a "T" and "+01:00".
  let t = s.replace(/^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})/, (_, d, h) => `${d}T${h.padStart(5, '0')}`).replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/\s*(UTC|GMT)$/i, 'Z');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)) t += 'Z'; // no zone given: read as UTC
  let ms = Date.parse(t);
  if (Number.isNaN(ms)) ms = Date.parse(s);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 1990 || y > 2100) return null;
  return d.toISOString();
}

function validYmd(y: number, m: number, d: number): string | null {
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function dateFromUrl(url: string | undefined): string | null {
  if (!url) return null;
  const m = /\/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:\/|$|-)/.exec(url);
  return m ? validYmd(+m[1]!, +m[2]!, +m[3]!) : null;
}

/** BCP 47 primary language subtag, lower case ("en-GB" -> "en"), or null. */
export function normaliseLang(v: string | null | undefined): string | null {
  if (!v) return null;
  const m = /^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*\s*$/.exec(v.split(',')[0]!);
  return m ? m[1]!.toLowerCase() : null;
}

function cleanByline(v: string | null): string | null {
  if (!v) return null;
  let s = v.replace(/\s+/g, ' ').trim();
  s = s.replace(/^(by|von|par|por|di|door|av)\s*:?\s+/i, '').replace(/\s*[|•·]\s*.*$/, '').trim();
  if (!s || /^https?:\/\//.test(s) || s.length > 120) return null;
  return s;
}

function joinNames(list: string[]): string | null {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of list) {
    const c = cleanByline(n);
    if (c && !seen.has(c.toLowerCase())) {
      seen.add(c.toLowerCase());
      out.push(c);
    }
  }
  return out.length ? out.join(', ') : null;
}

/** Strip " | Site name" and "Site name - " from a document title. */
function cleanTitle(title: string, siteName: string | null): string {
  let t = title.replace(/\s+/g, ' ').trim();
  if (siteName) {
    const esc = siteName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    t = t.replace(new RegExp(`\\s*[|\\-–—:·•»]\\s*${esc}\\s*$`, 'i'), '').replace(new RegExp(`^${esc}\\s*[|\\-–—:·•»]\\s*`, 'i'), '');
  }
  const parts = t.split(/\s+[|–—·•»]\s+|\s+-\s+/);
  if (parts.length > 1) {
    // Keep the longest part when the rest looks like a site name (short).
    const longest = parts.reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.split(' ').length >= 3) return longest;
  }
  return t;
}

export function readMetadata(page: ParsedPage, url?: string): Metadata {
  const meta = new Map<string, string>();
  for (const m of page.metas) {
    const key = (m.property || m.name || m.itemprop || m['http-equiv'] || '').toLowerCase().trim();
    const content = m.content;
    if (m.charset || !key || content === undefined) continue;
    if (!meta.has(key)) meta.set(key, content.trim());
  }
  const get = (...keys: string[]) => {
    for (const k of keys) {
      const v = meta.get(k);
      if (v) return v;
    }
    return null;
  };

  const ld = parseJsonLd(page.jsonLd);
  const articles = ld.filter((o) => typesOf(o).some((t) => ARTICLE_TYPES.test(t)));
  // The article with a body, or a headline, wins over breadcrumb and web page objects.
  const art = articles.find((o) => o.articleBody) ?? articles.find((o) => o.headline) ?? articles[0] ?? null;
  const webPage = ld.find((o) => typesOf(o).some((t) => /WebPage$/.test(t))) ?? null;
  const org = ld.find((o) => typesOf(o).some((t) => /Organization|NewsMediaOrganization|WebSite/.test(t))) ?? null;

  const siteName = get('og:site_name', 'application-name', 'twitter:site:name') ?? str((art?.publisher as Json | undefined)?.name) ?? str(org?.name);

  // Microdata and page structure.
  let mdHeadline: string | null = null;
  let mdAuthor: string[] = [];
  let mdDate: string | null = null;
  let timeDate: string | null = null;
  let h1: string | null = null;
  let relAuthor: string[] = [];
  let bylineEl: string | null = null;
  for (const e of elements(page.body)) {
    const ip = e.attrs.itemprop;
    if (ip) {
      if (!mdHeadline && /\bheadline\b/.test(ip)) mdHeadline = e.attrs.content || textOf(e);
      else if (/\bauthor\b|\bcreator\b/.test(ip) && mdAuthor.length < 5) {
        const nameEl = findFirst(e, (x) => /\bname\b/.test(x.attrs.itemprop ?? ''));
        const n = nameEl ? nameEl.attrs.content || textOf(nameEl) : e.attrs.content || textOf(e);
        if (n) mdAuthor.push(n);
      } else if (!mdDate && /\bdatePublished\b/.test(ip)) mdDate = e.attrs.content || e.attrs.datetime || textOf(e);
    }
    if (!timeDate && e.tag === 'time' && e.attrs.datetime && ('pubdate' in e.attrs || /publish|posted|date/i.test(e.attrs.class ?? '') || /publish/i.test(e.parent?.attrs.class ?? ''))) timeDate = e.attrs.datetime;
    if (!h1 && e.tag === 'h1') h1 = textOf(e) || null;
    if (e.tag === 'a' && /\bauthor\b/.test(e.attrs.rel ?? '') && relAuthor.length < 5) relAuthor.push(textOf(e));
    if (!bylineEl && /(^|[\s_-])(byline|author-name|authors?|article-author|post-author|writer)($|[\s_-])/i.test(e.attrs.class ?? '') && !/avatar|image|bio/i.test(e.attrs.class ?? '')) {
      const t = textOf(e);
      if (t && t.length < 100) bylineEl = t;
    }
  }
  let firstTime: string | null = null;
  if (!timeDate) {
    const t = findFirst(page.body, (x) => x.tag === 'time' && !!x.attrs.datetime);
    firstTime = t?.attrs.datetime ?? null;
  }

  const ldTitle = str(art?.headline) ?? str(art?.name);
  const ogTitle = get('og:title', 'twitter:title', 'parsely-title', 'sailthru.title', 'dc.title', 'citation_title', 'title');
  let title = ldTitle ?? ogTitle ?? mdHeadline ?? h1 ?? (page.title ? cleanTitle(page.title, siteName) : null);
  if (title) title = title.replace(/\s+/g, ' ').trim();
  if (title && siteName && title !== siteName) title = cleanTitle(title, siteName);

  const ldAuthors = names(art?.author ?? art?.creator);
  const metaAuthor = get('author', 'byl', 'parsely-author', 'sailthru.author', 'dc.creator', 'citation_author', 'article:author_name', 'twitter:creator:name');
  const ogAuthor = get('article:author');
  const byline =
    joinNames(ldAuthors) ??
    joinNames(mdAuthor) ??
    cleanByline(metaAuthor) ??
    (ogAuthor && !/^https?:/.test(ogAuthor) ? cleanByline(ogAuthor) : null) ??
    joinNames(relAuthor) ??
    cleanByline(bylineEl);

  const published =
    normaliseDate(str(art?.datePublished)) ??
    normaliseDate(get('article:published_time', 'og:article:published_time', 'article.published', 'parsely-pub-date', 'sailthru.date', 'pubdate', 'publishdate', 'publish-date', 'date', 'dc.date.issued', 'dc.date', 'dcterms.date', 'dcterms.created', 'citation_publication_date', 'citation_date', 'datepublished', 'og:published_time', 'article:published')) ??
    normaliseDate(mdDate) ??
    normaliseDate(str(art?.dateCreated)) ??
    normaliseDate(str(webPage?.datePublished)) ??
    normaliseDate(timeDate) ??
    dateFromUrl(url) ??
    normaliseDate(firstTime) ??
    normaliseDate(str(art?.dateModified)) ??
    normaliseDate(get('article:modified_time', 'og:updated_time'));

  const lang =
    normaliseLang(page.htmlLang) ??
    normaliseLang(str(art?.inLanguage)) ??
    normaliseLang(get('content-language', 'dc.language', 'language', 'og:locale')) ??
    null;

  let image: string | null = null;
  for (const c of [get('og:image'), get('og:image:url'), get('og:image:secure_url'), get('twitter:image'), get('twitter:image:src'), imageUrl(art?.image), imageUrl(art?.thumbnailUrl)]) {
    image = c ? absolutise(c, page.baseHref, url) : null;
    if (image) break;
  }

  const description = get('description', 'og:description', 'twitter:description') ?? str(art?.description);
  const body = typeof art?.articleBody === 'string' ? art.articleBody : null;
  return { title, byline, published, lang, image, siteName, description, articleBody: body, headline: h1 ?? mdHeadline ?? title };
}

export function findFirst(root: El, pred: (e: El) => boolean): El | null {
  for (const e of elements(root)) if (pred(e)) return e;
  return null;
}

/** An absolute http(s) URL, or null (javascript:, data: and unparseable values are dropped). */
export function absolutise(href: string, baseHref: string | null, url?: string): string | null {
  const h = href.trim();
  if (!h) return null;
  try {
    const base = url ? new URL(baseHref ?? '', url).toString() : baseHref ?? undefined;
    const u = base ? new URL(h, base) : new URL(h);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
