// The chosen article subtrees as blocks (paragraphs, headings, list items, quotes, table rows,
// captions), then as plain text (blank lines between paragraphs, headings and list items on their
// own lines) and as minimal HTML for display (always passed through the platform's sanitiser).
import { isBlock, linkDensity, statsOf } from './content.ts';
import type { El } from './dom.ts';
import { absolutise } from './metadata.ts';
import { FURNITURE } from './boilerplate.ts';

export type BlockKind = 'p' | 'h' | 'li' | 'quote' | 'pre' | 'row' | 'caption';

export interface Block {
  kind: BlockKind;
  /** Heading level for 'h'. */
  level: number;
  text: string;
  html: string;
  /** Share of the block's text inside links. */
  ld: number;
  /** Identity of the enclosing list or table (consecutive items stay together). */
  group: El | null;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const INLINE_HTML: Record<string, string> = { em: 'em', i: 'em', strong: 'strong', b: 'strong', sub: 'sub', sup: 'sup', code: 'code', q: 'q', cite: 'cite', mark: 'mark', s: 's', del: 's', u: 'u', small: 'small', abbr: 'abbr' };

export interface RenderContext {
  url?: string;
  baseHref: string | null;
}

/** Collects blocks from subtrees in document order. */
export function toBlocks(roots: El[], ctx: RenderContext): Block[] {
  const blocks: Block[] = [];
  let text = '';
  let html = '';
  let kind: BlockKind = 'p';
  let level = 0;
  let group: El | null = null;
  let linkChars = 0;
  let inLink = 0;

  const flush = () => {
    const t = text.replace(/[ \t\f\r]+/g, ' ').replace(/ *\n */g, '\n').trim();
    if (t) {
      const ld = t.length ? Math.min(1, linkChars / t.length) : 0;
      blocks.push({ kind, level, text: t, html: html.trim(), ld, group });
    }
    text = '';
    html = '';
    linkChars = 0;
  };

  const inline = (e: El) => {
    for (const c of e.children) {
      if (typeof c === 'string') {
        text += c;
        html += esc(c);
        if (inLink) linkChars += c.replace(/\s+/g, ' ').length;
        continue;
      }
      visit(c);
    }
  };

  const startBlock = (k: BlockKind, lv = 0, g: El | null = null) => {
    flush();
    kind = k;
    level = lv;
    group = g;
  };

  const visit = (e: El): void => {
    const t = e.tag;
    if (t === 'br') {
      text += '\n';
      html += '<br>';
      return;
    }
    if (t === 'img') {
      const src = imageSrc(e, ctx);
      if (src) html += `<img src="${esc(src)}" alt="${esc(e.attrs.alt ?? '')}">`;
      return;
    }
    if (t === 'hr') {
      flush();
      return;
    }
    if (!isBlock(t) && t !== 'picture') {
      if (t === 'a') {
        const href = e.attrs.href ? absolutise(e.attrs.href, ctx.baseHref, ctx.url) : null;
        inLink++;
        if (href) html += `<a href="${esc(href)}">`;
        inline(e);
        if (href) html += '</a>';
        inLink--;
        return;
      }
      const tag = INLINE_HTML[t];
      if (tag) html += `<${tag}>`;
      inline(e);
      if (tag) html += `</${tag}>`;
      return;
    }
    // Block-level elements.
    if (/^h[1-6]$/.test(t)) {
      startBlock('h', Number(t[1]));
      inline(e);
      flush();
      kind = 'p';
      return;
    }
    if (t === 'li' || t === 'dt' || t === 'dd') {
      startBlock('li', 0, e.parent);
      inline(e);
      flush();
      kind = 'p';
      group = null;
      return;
    }
    if (t === 'pre') {
      startBlock('pre');
      inline(e);
      flush();
      kind = 'p';
      return;
    }
    if (t === 'blockquote') {
      startBlock('quote');
      inline(e);
      flush();
      kind = 'p';
      return;
    }
    if (t === 'tr') {
      startBlock('row', 0, e.parent);
      let first = true;
      for (const c of e.children) {
        if (typeof c === 'string') continue;
        if (!first) {
          text += ' | ';
          html += '</td><td>';
        }
        first = false;
        inline(c);
      }
      flush();
      kind = 'p';
      group = null;
      return;
    }
    if (t === 'figcaption' || t === 'caption') {
      startBlock('caption');
      inline(e);
      flush();
      kind = 'p';
      return;
    }
    // div, p, section, ...: a paragraph boundary around its content.
    const k = kind === 'quote' ? 'quote' : 'p';
    startBlock(k);
    inline(e);
    flush();
    kind = k === 'quote' ? 'quote' : 'p';
  };

  for (const r of roots) {
    startBlock('p');
    visit(r);
  }
  flush();
  return blocks;
}

function imageSrc(e: El, ctx: RenderContext): string | null {
  const a = e.attrs;
  const raw = a['data-src'] || a['data-lazy-src'] || a['data-original'] || a.src || (a.srcset ?? a['data-srcset'] ?? '').split(/\s+/)[0] || '';
  if (!raw || raw.startsWith('data:')) return null;
  return absolutise(raw, ctx.baseHref, ctx.url);
}

/** The first content image of the article subtrees (a lead image when the page declares none). */
export function firstImage(roots: El[], ctx: RenderContext): string | null {
  for (const r of roots) {
    const stack: El[] = [r];
    while (stack.length) {
      const e = stack.pop()!;
      if (e.tag === 'img') {
        const src = imageSrc(e, ctx);
        const w = Number(e.attrs.width ?? 0);
        if (src && (!w || w >= 200) && !/\b(logo|icon|avatar|sprite|pixel|spacer)\b/i.test(src)) return src;
      }
      for (let i = e.children.length - 1; i >= 0; i--) {
        const c = e.children[i]!;
        if (typeof c !== 'string') stack.push(c);
      }
    }
  }
  return null;
}

/** Block-level filtering after the container was chosen: furniture lines, link lists, orphan headings. */
export function filterBlocks(blocks: Block[], title: string | null, byline: string | null): Block[] {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const titleN = title ? norm(title) : '';
  const bylineN = byline ? norm(byline) : '';
  let kept = blocks.filter((b, i) => {
    const t = b.text;
    // Captions and credits describe pictures, which the text does not carry.
    if (b.kind === 'caption') return false;
    if (t.length < 400 && PROMO.test(t)) return false;
    if (i >= blocks.length - 4 && t.length < 700 && BIO.test(t)) return false;
    if (t.length < 120 && FURNITURE.test(t.replace(/[.:!›»>→]+$/, '').trim())) return false;
    // A paragraph that is (almost) only a link: "Read: another story", a list of related links.
    if (b.ld > 0.7 && t.length < 300 && b.kind !== 'h') return false;
    if (b.ld > 0.5 && b.kind === 'li' && t.length < 150) return false;
    // The headline and the byline are metadata, not body text.
    if (i < 6 && titleN && b.kind !== 'p' && norm(t) === titleN) return false;
    if (i < 6 && titleN && b.kind === 'p' && norm(t) === titleN && t.length < 200) return false;
    if (i < 8 && t.length < 120 && bylineN && (norm(t) === bylineN || norm(t) === 'by ' + bylineN)) return false;
    if (i < 8 && t.length < 80 && /^(by|updated|published|posted|last updated|written by)\b/i.test(t) && !/[.!?]$/.test(t)) return false;
    return true;
  });
  // Headings with nothing under them (a "Related" heading whose list was removed, a trailing "Comments").
  kept = kept.filter((b, i) => {
    if (b.kind !== 'h') return true;
    const next = kept[i + 1];
    if (!next) return false;
    if (next.kind === 'h' && next.level <= b.level) return false;
    return true;
  });
  return kept;
}

// In-article promotions: newsletter sign-ups, app downloads, appeals for subscriptions and follows.
const PROMO = /\b(?:sign up|signup|subscribe|register)\b.{0,120}\b(?:newsletters?|inbox|updates|alerts)\b|\b(?:newsletters?)\b.{0,120}\b(?:sign up|subscribe|delivered)\b|\bconsider (?:supporting|subscribing)\b|\bsupport (?:our|independent|quality) journalism\b|\bfollow us on (?:facebook|twitter|x|instagram|tiktok|linkedin|youtube)\b|\bdownload (?:and subscribe to )?(?:the|our) .{0,40}\bapp\b|^(?:get|want) (?:the|our) .{0,60}\b(?:newsletter|app)\b|\balready (?:have an account|a subscriber)\b|\bto (?:read|continue reading) the (?:rest|full)\b|\b(?:exclusive|available) (?:only )?(?:to|for) .{0,40}\b(?:subscribers|members)\b|\bunlock (?:this|the full) (?:article|story)\b|\bbecome an? (?:patron|member|subscriber|supporter)\b|\bdonate\b.{0,80}\b(?:patreon|paypal|crypto|support)\b/i;
// An author's biography at the end of the article.
const BIO = /^(?:(?:hi|hello),? i['’]m [A-Z]|about the author\b|[A-Z][\p{L}.'’-]+(?: [A-Z][\p{L}.'’-]+){1,3} (?:is|has been|was) (?:an? |the )?(?:[\p{L}-]+ ){0,5}(?:writer|journalist|reporter|editor|contributor|correspondent|columnist|freelancer|author|producer)\b)/u;

export function blocksToText(blocks: Block[]): string {
  let out = '';
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (i > 0) {
      const prev = blocks[i - 1]!;
      const tight = (b.kind === 'li' && prev.kind === 'li' && b.group === prev.group) || (b.kind === 'row' && prev.kind === 'row' && b.group === prev.group);
      out += tight ? '\n' : '\n\n';
    }
    out += b.text;
  }
  return out;
}

export function blocksToHtml(blocks: Block[]): string {
  let out = '';
  let open: 'ul' | 'table' | null = null;
  let openGroup: El | null = null;
  const close = () => {
    if (open === 'ul') out += '</ul>';
    if (open === 'table') out += '</table>';
    open = null;
    openGroup = null;
  };
  for (const b of blocks) {
    const want = b.kind === 'li' ? 'ul' : b.kind === 'row' ? 'table' : null;
    if (open && (want !== open || b.group !== openGroup)) close();
    if (want && !open) {
      out += want === 'ul' ? '<ul>' : '<table>';
      open = want;
      openGroup = b.group;
    }
    switch (b.kind) {
      case 'h':
        out += `<h${Math.max(2, b.level)}>${b.html}</h${Math.max(2, b.level)}>`;
        break;
      case 'li':
        out += `<li>${b.html}</li>`;
        break;
      case 'row':
        out += `<tr><td>${b.html}</td></tr>`;
        break;
      case 'quote':
        out += `<blockquote><p>${b.html}</p></blockquote>`;
        break;
      case 'pre':
        out += `<pre>${b.html}</pre>`;
        break;
      case 'caption':
        out += `<p><small>${b.html}</small></p>`;
        break;
      default:
        out += `<p>${b.html}</p>`;
    }
  }
  close();
  return out;
}

export { statsOf, linkDensity };
