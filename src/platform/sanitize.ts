// Stored HTML is sanitised on the way in: article bodies authored in Markdown or HTML, imports, and
// anything else that will be rendered raw. An allow-list (sanitize-html, on htmlparser2): no scripts,
// no event handlers, no style, no javascript: or data: URLs except images.
import type sanitizeHtmlType from 'sanitize-html';
import type MarkdownItType from 'markdown-it';
import { lazyPackage } from './lazy.ts';

// Loaded on first use (src/platform/lazy.ts): the public pages render stored HTML and need none of them.
const sanitizeLib = lazyPackage<typeof sanitizeHtmlType>('sanitize-html');
const htmlparser2 = lazyPackage<typeof import('htmlparser2')>('htmlparser2');
const domSerializer = lazyPackage<{ render: typeof import('dom-serializer').default }>('dom-serializer');
const markdownIt = lazyPackage<typeof MarkdownItType>('markdown-it');
const sanitizeHtmlLib = (dirty: string, options: sanitizeHtmlType.IOptions) => sanitizeLib()(dirty, options);

const OPTIONS: sanitizeHtmlType.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 's',
    'sub', 'sup', 'small', 'mark', 'abbr', 'cite', 'q', 'a', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'figure', 'figcaption',
    'img', 'picture', 'source', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'span', 'div',
    'aside', 'details', 'summary', 'time', 'video', 'audio', 'iframe',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target', 'hreflang'],
    img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height', 'loading'],
    source: ['src', 'srcset', 'type', 'media', 'sizes'],
    video: ['src', 'controls', 'poster', 'width', 'height', 'preload'],
    audio: ['src', 'controls', 'preload'],
    iframe: ['src', 'width', 'height', 'title', 'allowfullscreen', 'loading'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start', 'reversed', 'type'],
    time: ['datetime'],
    abbr: ['title'],
    blockquote: ['cite'],
    q: ['cite'],
    '*': ['id', 'class', 'lang', 'dir'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
  allowProtocolRelative: false,
  // Embeds only from well-known video hosts; everything else is dropped.
  allowedIframeHostnames: ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com'],
  transformTags: {
    a: (tagName, attribs) => {
      const a = { ...attribs };
      if (a.target === '_blank') a.rel = 'noopener noreferrer';
      return { tagName, attribs: a };
    },
  },
  disallowedTagsMode: 'discard',
  // Elements whose content a browser reads as raw text: dropped with their content, so that what is
  // text inside them (say "<p>" in <xmp>) does not come out as markup (found by the fuzz suite).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'xmp', 'plaintext', 'noembed', 'noframes', 'title', 'template'],
  // An embed whose source was not allowed is an empty box: drop it.
  exclusiveFilter: (frame) => frame.tag === 'iframe' && !frame.attribs.src,
};

/**
 * The input is first read by htmlparser2 10 (tokenised as a browser does: raw-text elements such as
 * <xmp> and <noscript>, bogus comments, unclosed comments) and written out again, unambiguous, before
 * the allow-list runs on sanitize-html's own, older parser. Otherwise the two parsers could disagree
 * and markup no browser would see come out ("<xmp></p><em>" gave an <em>; found by the fuzz suite).
 */
export function sanitizeHtml(dirty: string): string {
  const once = sanitizeHtmlLib(normalise(dirty), OPTIONS);
  // Dropping an element can leave markup a browser reads otherwise ("<p><svg><p>" keeps a <p> inside
  // a <p>, which a browser splits in two): when the result does not read back as itself, it goes
  // round once more, so that sanitising what we stored changes nothing (found by the fuzz suite).
  const again = normalise(once);
  return again === once ? once : sanitizeHtmlLib(again, OPTIONS);
}

function normalise(h: string): string {
  const doc = htmlparser2().parseDocument(h, { decodeEntities: true });
  dropRawText(doc);
  return domSerializer().render(doc, { encodeEntities: 'utf8', decodeEntities: true });
}

/** Elements whose content is raw text to a browser: none is allowed, so they go with their content (an iframe keeps no content). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'plaintext', 'noscript', 'noembed', 'noframes', 'template', 'iframe']);

function dropRawText(node: { children?: any[] }): void {
  if (!node.children) return;
  node.children = node.children.filter((c: any) => {
    if ((c.type === 'tag' || c.type === 'script' || c.type === 'style') && RAW_TEXT.has(c.name)) {
      if (c.name !== 'iframe') return false;
      c.children = [];
      return true;
    }
    dropRawText(c);
    return true;
  });
}

// Markdown with raw HTML allowed (authors embed figures); the result still goes through sanitizeHtml.
let md: InstanceType<typeof MarkdownItType> | null = null;

export function markdownToHtml(source: string): string {
  md ??= new (markdownIt())({ html: true, linkify: true, typographer: true });
  return sanitizeHtml(md.render(source));
}

/** Plain text of HTML: for search vectors, excerpts and the text part of emails. */
export function htmlToText(h: string): string {
  const text = sanitizeHtmlLib(h.replace(/<\/(p|h\d|li|blockquote|figcaption|tr|div)>/gi, '$&\n\n').replace(/<br\s*\/?>/gi, '\n'), {
    allowedTags: [],
    allowedAttributes: {},
  });
  return decodeEntities(text)
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Text that may carry HTML, as plain text: character references decoded, all of HTML's named ones
 * ("AT&amp;T", "Trump&rsquo;s", "&#39;"), and markup read as a browser reads it, raw-text elements
 * (script, style) dropped and a space where a block ends ("hits</p><p>Rescue"). Feeds and exports hand
 * headlines and summaries over in every state; the clusterer reads them so. Text with neither "<" nor
 * "&" comes back as it is, at no cost.
 */
export function plainText(s: string): string {
  if (!s.includes('<') && !s.includes('&')) return s;
  const doc = htmlparser2().parseDocument(s, { decodeEntities: true });
  dropRawText(doc);
  const out: string[] = [];
  const walk = (n: any): void => {
    if (n.type === 'text') out.push(n.data);
    else if (n.children) {
      const block = n.type === 'tag' && !INLINE.has(n.name);
      if (block) out.push(' ');
      for (const c of n.children) walk(c);
      if (block) out.push(' ');
    }
  };
  walk(doc);
  return out.join('').replace(/\s+/g, ' ').trim();
}

const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'i', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr']);

/** A numeric character reference's character; one no character has (&#99999999;, a surrogate, 0) is U+FFFD. */
function codePoint(n: number): string {
  return n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
}

function decodeEntities(s: string): string {
  return s
    .replace(/&nbsp;/g, ' ')
    .replace(/&#(\d{1,8});/g, (_, n) => codePoint(Number(n)))
    .replace(/&#x([0-9a-f]{1,8});/gi, (_, n) => codePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A URL-safe slug from any text: lower case ASCII letters, digits and single hyphens. */
export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90)
    .replace(/-+$/, '');
}
