// Ghost stores a post's source as Lexical (Ghost 5) or Mobiledoc (Ghost 2-4) JSON next to the rendered
// `html`. Exports normally carry the html; when one does not, these turn the common node and card types
// into HTML (the result is sanitised by the importer like any other). Anything they cannot render is
// reported in `unsupported`, so the importer can say what was lost instead of silently dropping it.
import type MarkdownIt from 'markdown-it';
import { escapeHtml } from '../platform/html.ts';
import { lazyPackage } from '../platform/lazy.ts';

const markdownIt = lazyPackage<typeof MarkdownIt>('markdown-it');
let mdInstance: InstanceType<typeof MarkdownIt> | null = null;
const md = { render: (src: string) => (mdInstance ??= new (markdownIt())({ html: true, linkify: true })).render(src) };

export interface Converted {
  html: string;
  unsupported: string[];
}

const attr = (s: unknown) => escapeHtml(String(s ?? ''));

// ---- Lexical -----------------------------------------------------------------------------------

export function lexicalToHtml(source: string): Converted {
  const unsupported = new Set<string>();
  let root: any;
  try {
    root = JSON.parse(source).root;
  } catch {
    return { html: '', unsupported: ['lexical (not valid JSON)'] };
  }
  const text = (n: any): string => {
    let s = escapeHtml(String(n.text ?? ''));
    const f = Number(n.format ?? 0);
    if (f & 16) s = `<code>${s}</code>`;
    if (f & 1) s = `<strong>${s}</strong>`;
    if (f & 2) s = `<em>${s}</em>`;
    if (f & 4) s = `<s>${s}</s>`;
    if (f & 8) s = `<u>${s}</u>`;
    return s;
  };
  const kids = (n: any): string => (Array.isArray(n.children) ? n.children.map(node).join('') : '');
  const node = (n: any): string => {
    switch (n?.type) {
      case 'root':
        return kids(n);
      case 'paragraph':
        return `<p>${kids(n)}</p>`;
      case 'heading':
      case 'extended-heading':
        return `<${/^h[1-6]$/.test(n.tag) ? n.tag : 'h2'}>${kids(n)}</${/^h[1-6]$/.test(n.tag) ? n.tag : 'h2'}>`;
      case 'quote':
      case 'extended-quote':
      case 'aside':
        return `<blockquote>${kids(n)}</blockquote>`;
      case 'list':
        return n.listType === 'number' ? `<ol>${kids(n)}</ol>` : `<ul>${kids(n)}</ul>`;
      case 'listitem':
        return `<li>${kids(n)}</li>`;
      case 'text':
      case 'extended-text':
        return text(n);
      case 'link':
      case 'autolink':
        return `<a href="${attr(n.url)}">${kids(n)}</a>`;
      case 'linebreak':
        return '<br>';
      case 'horizontalrule':
        return '<hr>';
      case 'image':
        return `<figure><img src="${attr(n.src)}" alt="${attr(n.altText ?? n.alt)}">${n.caption ? `<figcaption>${n.caption}</figcaption>` : ''}</figure>`;
      case 'codeblock':
        return `<pre><code>${escapeHtml(String(n.code ?? ''))}</code></pre>`;
      case 'html':
        return String(n.html ?? '');
      case 'markdown':
        return md.render(String(n.markdown ?? ''));
      case 'embed':
        return String(n.html ?? '');
      case 'bookmark':
        return n.url ? `<p><a href="${attr(n.url)}">${escapeHtml(String(n.metadata?.title ?? n.url))}</a></p>` : '';
      case 'callout':
        return `<aside>${String(n.calloutText ?? '')}</aside>`;
      default:
        unsupported.add(String(n?.type ?? 'unknown'));
        return '';
    }
  };
  return { html: root ? node(root) : '', unsupported: [...unsupported] };
}

// ---- Mobiledoc ---------------------------------------------------------------------------------

export function mobiledocToHtml(source: string): Converted {
  const unsupported = new Set<string>();
  let doc: any;
  try {
    doc = JSON.parse(source);
  } catch {
    return { html: '', unsupported: ['mobiledoc (not valid JSON)'] };
  }
  const markups: any[] = doc.markups ?? [];
  const cards: any[] = doc.cards ?? [];
  const atoms: any[] = doc.atoms ?? [];
  const markers = (list: any[]): string => {
    let out = '';
    const open: string[] = [];
    for (const m of list ?? []) {
      const [type, opens, closes, value] = m;
      for (const i of opens ?? []) {
        const [tag, attrs] = markups[i] ?? ['span', []];
        const safeTag = /^[a-z][a-z0-9]*$/.test(tag) ? tag : 'span';
        let a = '';
        for (let k = 0; k + 1 < (attrs ?? []).length; k += 2) a += ` ${/^[a-z-]+$/.test(attrs[k]) ? attrs[k] : 'data-x'}="${attr(attrs[k + 1])}"`;
        out += `<${safeTag}${a}>`;
        open.push(safeTag);
      }
      out += type === 1 ? escapeHtml(String(atoms[value]?.[1] ?? '')) : escapeHtml(String(value ?? ''));
      for (let c = 0; c < closes; c++) out += `</${open.pop()}>`;
    }
    while (open.length) out += `</${open.pop()}>`;
    return out;
  };
  const card = (index: number): string => {
    const [name, payload] = cards[index] ?? ['unknown', {}];
    switch (name) {
      case 'markdown':
      case 'card-markdown':
        return md.render(String(payload?.markdown ?? ''));
      case 'html':
        return String(payload?.html ?? '');
      case 'image':
        return `<figure><img src="${attr(payload?.src)}" alt="${attr(payload?.alt)}">${payload?.caption ? `<figcaption>${payload.caption}</figcaption>` : ''}</figure>`;
      case 'hr':
        return '<hr>';
      case 'code':
        return `<pre><code>${escapeHtml(String(payload?.code ?? ''))}</code></pre>`;
      case 'embed':
        return String(payload?.html ?? '');
      default:
        unsupported.add(String(name));
        return '';
    }
  };
  const html = (doc.sections ?? [])
    .map((s: any[]) => {
      const kind = s[0];
      if (kind === 1) {
        const tag = /^(p|h[1-6]|blockquote|aside)$/i.test(s[1]) ? String(s[1]).toLowerCase() : 'p';
        return `<${tag}>${markers(s[2])}</${tag}>`;
      }
      if (kind === 3) {
        const tag = s[1] === 'ol' ? 'ol' : 'ul';
        return `<${tag}>${(s[2] ?? []).map((li: any[]) => `<li>${markers(li)}</li>`).join('')}</${tag}>`;
      }
      if (kind === 10) return card(s[1]);
      if (kind === 2) return `<figure><img src="${attr(s[1])}"></figure>`;
      unsupported.add(`section type ${kind}`);
      return '';
    })
    .join('');
  return { html, unsupported: [...unsupported] };
}
