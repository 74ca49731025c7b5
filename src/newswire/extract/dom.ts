// A small, fast document tree for extraction, built from htmlparser2's streaming parser (the same
// tokenizer linkedom and sanitize-html use). It keeps only what extraction reads: elements with their
// attributes, and text with runs of white space collapsed (except inside <pre>). Scripts, styles,
// SVG, forms' controls and other things that never hold article text are skipped while parsing, so no
// node is made for them; JSON-LD scripts and the <head>'s title, meta and link tags are kept aside
// for the metadata.
import { lazyPackage } from '../../platform/lazy.ts';

const htmlparser2 = lazyPackage<typeof import('htmlparser2')>('htmlparser2');

export interface El {
  tag: string;
  attrs: Record<string, string>;
  children: Node[];
  parent: El | null;
}
export type Node = El | string;

export interface ParsedPage {
  root: El;
  body: El;
  title: string;
  /** Every <meta> (attributes), in document order. */
  metas: Array<Record<string, string>>;
  /** Every <link> (attributes). */
  links: Array<Record<string, string>>;
  /** Texts of <script type="application/ld+json">. */
  jsonLd: string[];
  htmlLang: string | null;
  /** <base href>, if any. */
  baseHref: string | null;
}

// Subtrees dropped while parsing: no article text lives in them.
const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'applet', 'canvas',
  'select', 'textarea', 'button', 'dialog', 'map', 'video', 'audio', 'head', 'frameset', 'noframes',
]);
/** Deeper markup is flattened into its ancestor at this depth: the tree walks stay within the stack. */
const MAX_DEPTH = 256;
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

export function parsePage(html: string): ParsedPage {
  const root: El = { tag: '#root', attrs: {}, children: [], parent: null };
  let body: El | null = null;
  let cur: El = root;
  // Depth inside a skipped subtree, and what that subtree is (to capture JSON-LD and <title>).
  let skip = 0;
  let skipTag = '';
  let capture: string | null = null;
  let inTitle = false;
  let titleText = '';
  let pre = 0;
  let depth = 0;
  let flat = 0;
  const out: ParsedPage = { root, body: root, title: '', metas: [], links: [], jsonLd: [], htmlLang: null, baseHref: null };

  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name, attrs) {
        if (skip) {
          skip++;
          return;
        }
        if (name === 'meta') {
          out.metas.push(attrs);
          return;
        }
        if (name === 'link') {
          out.links.push(attrs);
          return;
        }
        if (name === 'base') {
          if (attrs.href && !out.baseHref) out.baseHref = attrs.href;
          return;
        }
        if (name === 'title' && !out.title && !inTitle) {
          inTitle = true;
          return;
        }
        if (name === 'html') {
          if (attrs.lang || attrs['xml:lang']) out.htmlLang = attrs.lang || attrs['xml:lang']!;
          return;
        }
        if (name === 'head') return; // its children (meta, link, title) are handled above; scripts skip themselves
        if (SKIP.has(name)) {
          skip = 1;
          skipTag = name;
          if (name === 'script' && /ld\+json/i.test(attrs.type ?? '')) capture = '';
          return;
        }
        if (name === 'body') {
          if (!body) {
            body = { tag: 'body', attrs, children: [], parent: root };
            root.children.push(body);
          }
          cur = body;
          return;
        }
        if (flat || (depth >= MAX_DEPTH && !VOID.has(name))) {
          // Past the depth cap the content joins the deepest element (as browsers cap their trees).
          if (!VOID.has(name)) flat++;
          return;
        }
        const el: El = { tag: name, attrs, children: [], parent: cur };
        cur.children.push(el);
        if (!VOID.has(name)) {
          cur = el;
          depth++;
        }
        if (name === 'pre') pre++;
      },
      ontext(text) {
        if (skip) {
          if (capture !== null) capture += text;
          return;
        }
        if (inTitle) {
          titleText += text;
          return;
        }
        const t = pre ? text : text.replace(/\s+/g, ' ');
        if (!t) return;
        const kids = cur.children;
        const last = kids[kids.length - 1];
        if (typeof last === 'string') kids[kids.length - 1] = last + t;
        else kids.push(t);
      },
      onclosetag(name) {
        if (skip) {
          skip--;
          if (!skip && capture !== null) {
            if (skipTag === 'script') out.jsonLd.push(capture);
            capture = null;
          }
          return;
        }
        if (name === 'title' && inTitle) {
          inTitle = false;
          return;
        }
        if (flat && !VOID.has(name)) {
          flat--;
          return;
        }
        if (VOID.has(name) || name === 'html' || name === 'head' || name === 'body' || name === 'meta' || name === 'link' || name === 'base') return;
        if (name === 'pre' && pre) pre--;
        // htmlparser2 closes every element it opened (implied ends included), so this walks back one.
        if (cur.tag === name && cur.parent) {
          cur = cur.parent;
          depth--;
        } else {
          // Defensive: find the nearest open element of that name.
          let up = 1;
          for (let e: El | null = cur; e && e.parent; e = e.parent, up++) {
            if (e.tag === name) {
              cur = e.parent;
              depth -= up;
              break;
            }
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeCDATA: false },
  );
  parser.write(html);
  parser.end();
  out.title = titleText.replace(/\s+/g, ' ').trim();
  // Content outside <body> (fragments, or markup before a late <body>) still counts.
  if (body) {
    const b = body as El;
    const stray = root.children.filter((c) => c !== b);
    if (stray.length) {
      b.children.unshift(...stray.filter((c) => typeof c !== 'string' || c.trim()));
      for (const c of b.children) if (typeof c !== 'string') c.parent = b;
    }
    root.children = [b];
    out.body = b;
  } else {
    const b: El = { tag: 'body', attrs: {}, children: root.children, parent: root };
    for (const c of b.children) if (typeof c !== 'string') c.parent = b;
    root.children = [b];
    out.body = b;
  }
  return out;
}

/** Text of a subtree, white space collapsed. */
export function textOf(node: Node): string {
  if (typeof node === 'string') return node;
  let s = '';
  const walk = (e: El) => {
    for (const c of e.children) {
      if (typeof c === 'string') s += c;
      else if (c.tag === 'br') s += ' ';
      else walk(c);
    }
  };
  walk(node);
  return s.replace(/\s+/g, ' ').trim();
}

export function detach(el: El): void {
  const p = el.parent;
  if (!p) return;
  const i = p.children.indexOf(el);
  if (i >= 0) p.children.splice(i, 1);
  el.parent = null;
}

export function* elements(root: El): Generator<El> {
  const stack: El[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    yield e;
    for (let i = e.children.length - 1; i >= 0; i--) {
      const c = e.children[i]!;
      if (typeof c !== 'string') stack.push(c);
    }
  }
}
