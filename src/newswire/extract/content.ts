// Finding the article in the page: prune boilerplate, score the blocks that hold paragraphs, pick
// the element that holds the article (Readability's scoring, with trafilatura's body markers and
// schema.org's articleBody as a second opinion), then clean what is inside it.
import { boilerplate, BODY_WORDS, classWeight, wordsOf } from './boilerplate.ts';
import { detach, type El, type Node } from './dom.ts';

/** Per-element figures, computed bottom-up once after pruning. */
export interface Stats {
  /** Characters of text (white space collapsed). */
  len: number;
  /** Characters of text inside links. */
  link: number;
  /** Characters of text inside paragraph-like elements (p, pre, blockquote, li of text). */
  plen: number;
  commas: number;
  /** Characters in "good" paragraphs: sentences of text, few links (the article's kind of text). */
  good: number;
  /** Characters in headings (neither good nor junk). */
  head: number;
  p: number;
  img: number;
  li: number;
  /** Content score (Readability): set on candidates. */
  score: number;
  candidate: boolean;
}

const stats = new WeakMap<El, Stats>();
export const statsOf = (e: El): Stats => stats.get(e) ?? computeStats(e);

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'ul', 'summary', 'caption', 'center', 'body',
]);
export const isBlock = (tag: string) => BLOCK.has(tag);

const COMMA = /[,，、،]/g;
const GOOD_MIN = 50;

/** Figures for a subtree (iterative post-order: deep pages must not overflow the stack). */
export function computeStats(root: El): Stats {
  const order: El[] = [];
  const stack: El[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    order.push(e);
    for (const c of e.children) if (typeof c !== 'string') stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const e = order[i]!;
    const s: Stats = { len: 0, link: 0, plen: 0, commas: 0, good: 0, head: 0, p: 0, img: 0, li: 0, score: 0, candidate: false };
    for (const c of e.children) {
      if (typeof c === 'string') {
        s.len += c.length;
        const m = c.match(COMMA);
        if (m) s.commas += m.length;
      } else {
        const cs = stats.get(c)!;
        s.len += cs.len;
        s.link += cs.link;
        s.plen += cs.plen;
        s.commas += cs.commas;
        s.good += cs.good;
        s.head += cs.head;
        s.p += cs.p;
        s.img += cs.img;
        s.li += cs.li;
      }
    }
    const t = e.tag;
    if (t === 'a') s.link = s.len;
    else if (t === 'p' || t === 'pre' || t === 'blockquote') {
      s.plen = Math.max(0, s.len - s.link);
      s.p++;
    } else if (t === 'img') s.img++;
    else if (t === 'li') s.li++;
    else if ((t === 'div' || t === 'section' || t === 'span' || t === 'td' || t === 'article') && s.plen === 0 && s.len >= 80 && !hasBlockChild(e)) {
      // A div of bare text is a paragraph too (many CMSs write <div>text<br><br>text</div>).
      s.plen = Math.max(0, s.len - s.link);
      s.p++;
    }
    if (s.plen && s.good === 0 && s.len >= GOOD_MIN && s.link < 0.35 * s.len) s.good = s.len - s.link;
    stats.set(e, s);
  }
  return stats.get(root)!;
}

function hasBlockChild(e: El): boolean {
  for (const c of e.children) if (typeof c !== 'string' && BLOCK.has(c.tag)) return true;
  return false;
}

export const linkDensity = (e: El) => {
  const s = statsOf(e);
  return s.len ? s.link / s.len : 0;
};

/** True if `a` is `b` or one of its ancestors. */
export function contains(a: El, b: El): boolean {
  for (let e: El | null = b; e; e = e.parent) if (e === a) return true;
  return false;
}

// Pruning --------------------------------------------------------------------------------------

/**
 * Drop boilerplate subtrees. "Weak" ones (navigation, header, footer, sidebar words) are kept when
 * they hold a large part of the page's paragraph text, since whole-page wrappers carry such words
 * too; "strong" ones (comments, sign-up, related, sharing, ads, hidden) go unless they hold the
 * article's own marker (itemprop=articleBody, article-body words).
 */
export function prune(body: El, keep: Set<El>, mode: 'full' | 'light' = 'full'): void {
  const total = computeStats(body).plen || 1;
  const anchored = keep.size > 0;
  const walk = (e: El) => {
    for (let i = e.children.length - 1; i >= 0; i--) {
      const c = e.children[i]!;
      if (typeof c === 'string') continue;
      let v = boilerplate(c);
      // Light mode trusts only state (hidden), form controls and comments, not class words or tags.
      if (mode === 'light' && v !== 'hard') v = null;
      if (v && !protects(c, keep)) {
        const cs = statsOf(c);
        const share = cs.plen / total;
        const furniture = cs.len === 0 || cs.link / cs.len > 0.4 || cs.plen < 0.3 * cs.len;
        // A page footer or navigation outweighs a short article only when nothing marks the article.
        const weakGoes = share < 0.4 || (anchored && c.tag !== 'header');
        if (v === 'hard' || (v === 'strong' && share < 0.6) || (v === 'weak' && weakGoes) || (v === 'words' && share < 0.4 && furniture)) {
          e.children.splice(i, 1);
          c.parent = null;
          continue;
        }
      }
      walk(c);
    }
  };
  walk(body);
}

function protects(e: El, keep: Set<El>): boolean {
  for (const k of keep) if (contains(e, k)) return true;
  return false;
}

/** Elements marked as the article body by schema.org microdata or by body words in class/id. */
export function markedBodies(body: El): El[] {
  const out: El[] = [];
  const walk = (e: El) => {
    for (const c of e.children) {
      if (typeof c === 'string') continue;
      if (c.attrs.itemprop === 'articleBody' || (c.tag !== 'span' && c.tag !== 'p' && c.tag !== 'a' && BODY_WORDS.test(wordsOf(c)))) {
        out.push(c);
        continue; // the outermost marked element; nested ones are parts of it
      }
      walk(c);
    }
  };
  walk(body);
  return out;
}

// Scoring --------------------------------------------------------------------------------------

function initialScore(e: El): number {
  let s = classWeight(e);
  switch (e.tag) {
    case 'div':
    case 'article':
    case 'main':
    case 'section':
      s += 5;
      break;
    case 'pre':
    case 'td':
    case 'blockquote':
      s += 3;
      break;
    case 'address':
    case 'ol':
    case 'ul':
    case 'dl':
    case 'dd':
    case 'dt':
    case 'li':
    case 'form':
      s -= 3;
      break;
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
    case 'th':
      s -= 5;
      break;
  }
  if (e.tag === 'article' || e.tag === 'main' || e.attrs.itemprop === 'articleBody') s += 10;
  return s;
}

const SCORED = new Set(['p', 'pre', 'td', 'blockquote']);

/** Readability's scoring: each paragraph of 25+ characters feeds its ancestors, closer ones more. */
export function scoreCandidates(body: El): El[] {
  const candidates: El[] = [];
  const touch = (e: El) => {
    const s = statsOf(e);
    if (!s.candidate) {
      s.candidate = true;
      s.score = initialScore(e);
      candidates.push(e);
    }
    return s;
  };
  const stack: El[] = [body];
  while (stack.length) {
    const e = stack.pop()!;
    const s = statsOf(e);
    const para = SCORED.has(e.tag) || ((e.tag === 'div' || e.tag === 'section' || e.tag === 'span' || e.tag === 'article') && s.p === 1 && s.plen === Math.max(0, s.len - s.link) && !hasBlockChild(e));
    if (para) {
      const len = s.len - s.link * 0.5;
      if (len >= 25 && e.parent) {
        const score = 1 + s.commas + Math.min(Math.floor(s.len / 100), 3);
        let level = 0;
        for (let a: El | null = e.parent; a && level < 5; a = a.parent, level++) {
          if (a.tag === '#root') break;
          const as = touch(a);
          as.score += score / (level === 0 ? 1 : level === 1 ? 2 : level * 3);
        }
      }
      continue;
    }
    for (const c of e.children) if (typeof c !== 'string') stack.push(c);
  }
  for (const c of candidates) {
    const s = statsOf(c);
    s.score *= 1 - linkDensity(c);
  }
  candidates.sort((a, b) => statsOf(b).score - statsOf(a).score);
  return candidates;
}

/** Readability's choice of the top candidate, with its climb to a common ancestor. */
export function topCandidate(body: El, candidates: El[]): El | null {
  let top = candidates[0];
  if (!top || top === body) return top ?? null;
  const topScore = statsOf(top).score;
  // Several strong candidates under one ancestor: the article is split (sections, columns).
  const alternatives = candidates.slice(1, 5).filter((c) => statsOf(c).score >= 0.75 * topScore);
  if (alternatives.length >= 2) {
    for (let a: El | null = top.parent; a && a !== body && a.tag !== '#root'; a = a.parent) {
      const n = alternatives.filter((c) => contains(a!, c)).length;
      if (n >= 2) {
        top = a;
        break;
      }
    }
  }
  // Climb while the parent scores higher than what we have (it gathers more of the article).
  let last = statsOf(top).score;
  const threshold = last / 3;
  for (let p: El | null = top.parent; p && p !== body && p.tag !== '#root'; p = p.parent) {
    const ps = statsOf(p);
    if (!ps.candidate) continue;
    if (ps.score < threshold) break;
    if (ps.score > last) {
      top = p;
      break;
    }
    last = ps.score;
  }
  // An only child says nothing its parent would not.
  while (top.parent && top.parent !== body && top.parent.tag !== '#root' && top.parent.children.filter((c) => typeof c !== 'string' || c.trim()).length === 1) top = top.parent;
  return top;
}

/**
 * The element that best holds the article's kind of text: most characters in good paragraphs, less
 * a penalty for everything else it holds (links, fragments, furniture). Section-split articles are
 * found whole; a page wrapper loses to the article for the junk it adds.
 */
export function densestElement(body: El, alpha = 0.5): El {
  let best = body;
  let bestScore = -Infinity;
  for (const e of iterate(body)) {
    const s = statsOf(e);
    if (s.good === 0) continue;
    const junk = Math.max(0, s.len - s.good - s.head);
    const score = s.good - alpha * junk;
    if (score > bestScore || (score === bestScore && contains(best, e))) {
      bestScore = score;
      best = e;
    }
  }
  return best;
}

function* iterate(root: El): Generator<El> {
  const stack: El[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    yield e;
    for (const c of e.children) if (typeof c !== 'string') stack.push(c);
  }
}

/** The top candidate plus siblings that belong with it (Readability's sibling pass). */
export function withSiblings(top: El): El[] {
  const parent = top.parent;
  if (!parent || parent.tag === '#root') return [top];
  const ts = statsOf(top);
  const threshold = Math.max(10, ts.score * 0.2);
  const topClass = top.attrs.class ?? '';
  const out: El[] = [];
  for (const c of parent.children) {
    if (typeof c === 'string') continue;
    if (c === top) {
      out.push(c);
      continue;
    }
    const s = statsOf(c);
    let bonus = 0;
    if (topClass && c.attrs.class === topClass) bonus += ts.score * 0.2;
    if (s.candidate && s.score + bonus >= threshold) {
      out.push(c);
      continue;
    }
    if (c.tag === 'p' || (s.p === 1 && s.plen > 0 && !hasBlockChild(c))) {
      const ld = linkDensity(c);
      const len = s.len;
      if ((len > 80 && ld < 0.25) || (len > 0 && len <= 80 && ld === 0 && /\.( |$)/.test(textOfShallow(c)))) out.push(c);
    }
  }
  return out;
}

function textOfShallow(e: El): string {
  let s = '';
  const walk = (x: El) => {
    for (const c of x.children) {
      if (typeof c === 'string') s += c;
      else walk(c);
    }
  };
  walk(e);
  return s;
}

// Cleaning inside the article ------------------------------------------------------------------

const CONDITIONAL = new Set(['div', 'section', 'ul', 'ol', 'dl', 'table', 'figure', 'article', 'span', 'center', 'details']);

/**
 * Readability's conditional cleaning, bottom-up: containers that are mostly links, lists of teasers,
 * image galleries or tiny fragments go; text-heavy ones stay.
 */
export function cleanInside(root: El): void {
  const order: El[] = [];
  const stack: El[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    order.push(e);
    for (const c of e.children) if (typeof c !== 'string') stack.push(c);
  }
  const dropped = new Set<El>();
  for (let i = order.length - 1; i >= 0; i--) {
    const e = order[i]!;
    if (e === root || !CONDITIONAL.has(e.tag) || !e.parent) continue;
    if (shouldDrop(e)) dropped.add(e);
  }
  for (const e of dropped) detach(e);
}

function shouldDrop(e: El): boolean {
  const s = statsOf(e);
  if (s.len === 0) return s.img === 0 && e.tag !== 'figure';
  const ld = s.link / s.len;
  const weight = classWeight(e);
  if (s.commas >= 10 && ld < 0.5) return false;
  const inFigure = e.tag === 'figure' || hasAncestor(e, 'figure');
  if (e.tag === 'ul' || e.tag === 'ol' || e.tag === 'dl') {
    // A list of links (related stories, tags) rather than a list the author wrote.
    return ld > 0.5 || (ld > 0.3 && s.li > 2 && s.len / Math.max(1, s.li) < 60);
  }
  if (e.tag === 'table') return ld > 0.5;
  if (weight < 0 && (s.len < 200 || (ld > 0.1 && s.len < 1000))) return true;
  if (ld > 0.5 || (weight < 25 && ld > 0.33 && s.len < 500)) return true;
  if (s.img > 1 && s.p / s.img < 0.5 && !inFigure && s.len < 200) return true;
  if (s.li > s.p && s.li > 3 && ld > 0.2 && e.tag !== 'ul' && e.tag !== 'ol') return true;
  return false;
}

function hasAncestor(e: El, tag: string): boolean {
  for (let a = e.parent; a; a = a.parent) if (a.tag === tag) return true;
  return false;
}

export type { Node };
