// Scoring of article-text extraction, exactly as ../shared/datasets/extraction-dev/README.md (beside the project)
// describes it (the Article Extraction Benchmark's rule for the full text, trafilatura's for snippets):
//   - 4-gram shingles of \w+ tokens (letters, digits, underscore; original case), as multisets; page
//     precision over pages with a non-empty output, page recall over all pages (empty output = 0),
//     F1 = 2PR/(P+R) of the two means; a bootstrap over pages gives the ± figure.
//   - bag-of-words F1 (lower-cased tokens), the mean of page F1s (WCXB's own metric).
//   - snippets: whitespace collapsed, exact case-sensitive substring tests, micro-averaged.

const TOKEN = /[\p{L}\p{N}_]+/gu;

export function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Multiset of 4-gram shingles; 1–3 tokens give one short shingle, none give none. */
export function shingles(text: string, n = 4): Map<string, number> {
  const t = tokens(text);
  const m = new Map<string, number>();
  if (!t.length) return m;
  if (t.length < n) {
    m.set(t.join(' '), 1);
    return m;
  }
  for (let i = 0; i + n <= t.length; i++) {
    const k = t[i] + ' ' + t[i + 1] + ' ' + t[i + 2] + ' ' + t[i + 3];
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let tp = 0;
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  for (const [k, c] of small) {
    const d = big.get(k);
    if (d) tp += Math.min(c, d);
  }
  return tp;
}

function total(m: Map<string, number>): number {
  let s = 0;
  for (const c of m.values()) s += c;
  return s;
}

export interface PageScore {
  /** null when the output is empty (the page drops out of the precision mean). */
  p: number | null;
  r: number;
  /** Bag-of-words page F1 (0 for an empty output). */
  wordF1: number;
  empty: boolean;
}

export function scorePage(output: string, truth: string): PageScore {
  const o = shingles(output);
  const t = shingles(truth);
  const no = total(o);
  const nt = total(t);
  const tp = overlap(o, t);
  const empty = no === 0;
  const p = empty ? null : tp / no;
  const r = nt === 0 ? (empty ? 1 : 0) : tp / nt;
  // Bag of words, lower-cased.
  const bag = (s: string) => {
    const m = new Map<string, number>();
    for (const w of tokens(s)) {
      const k = w.toLowerCase();
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const bo = bag(output);
  const bt = bag(truth);
  const wo = total(bo);
  const wt = total(bt);
  const wtp = overlap(bo, bt);
  const wp = wo ? wtp / wo : 0;
  const wr = wt ? wtp / wt : 0;
  const wordF1 = wp + wr ? (2 * wp * wr) / (wp + wr) : 0;
  return { p, r, wordF1, empty };
}

export interface SetScore {
  pages: number;
  empty: number;
  P: number;
  R: number;
  F1: number;
  /** Bootstrap standard deviation of F1 (1,000 resamples of the pages). */
  sd: number;
  wordF1: number;
}

function f1Of(scores: PageScore[]): { P: number; R: number; F1: number } {
  let ps = 0;
  let pn = 0;
  let rs = 0;
  for (const s of scores) {
    if (s.p !== null) {
      ps += s.p;
      pn++;
    }
    rs += s.r;
  }
  const P = pn ? ps / pn : 0;
  const R = scores.length ? rs / scores.length : 0;
  return { P, R, F1: P + R ? (2 * P * R) / (P + R) : 0 };
}

/** A small deterministic PRNG (mulberry32) so that the ± figure is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function aggregate(scores: PageScore[], resamples = 1000): SetScore {
  const { P, R, F1 } = f1Of(scores);
  const rand = rng(12345);
  let sum = 0;
  let sum2 = 0;
  if (scores.length) {
    for (let i = 0; i < resamples; i++) {
      const sample: PageScore[] = new Array(scores.length);
      for (let j = 0; j < scores.length; j++) sample[j] = scores[Math.floor(rand() * scores.length)]!;
      const f = f1Of(sample).F1;
      sum += f;
      sum2 += f * f;
    }
  }
  const mean = sum / resamples;
  const sd = Math.sqrt(Math.max(0, sum2 / resamples - mean * mean));
  const wordF1 = scores.length ? scores.reduce((s, x) => s + x.wordF1, 0) / scores.length : 0;
  return { pages: scores.length, empty: scores.filter((s) => s.empty).length, P, R, F1, sd, wordF1 };
}

// Snippets ---------------------------------------------------------------------------------------

export interface SnippetCounts {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
/** WCXB's ground truth writes ' " - where pages have typographic characters: fold both sides. */
export const fold = (s: string) => s.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[–—]/g, '-').replace(/\u00a0/g, ' ');

export function scoreSnippets(output: string, withs: string[], withouts: string[], folded: boolean): SnippetCounts {
  const norm = (s: string) => collapse(folded ? fold(s) : s);
  const out = norm(output);
  const c: SnippetCounts = { tp: 0, fn: 0, fp: 0, tn: 0 };
  for (const w of withs) {
    const s = norm(w);
    if (out && out.includes(s)) c.tp++;
    else c.fn++;
  }
  for (const w of withouts) {
    const s = norm(w);
    if (out && out.includes(s)) c.fp++;
    else c.tn++;
  }
  return c;
}

export function addCounts(a: SnippetCounts, b: SnippetCounts): SnippetCounts {
  return { tp: a.tp + b.tp, fn: a.fn + b.fn, fp: a.fp + b.fp, tn: a.tn + b.tn };
}

export function snippetFigures(c: SnippetCounts): { P: number; R: number; F1: number; acc: number } {
  const P = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const R = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  const all = c.tp + c.fn + c.fp + c.tn;
  return { P, R, F1: P + R ? (2 * P * R) / (P + R) : 0, acc: all ? (c.tp + c.tn) / all : 0 };
}
