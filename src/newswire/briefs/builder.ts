// The brief from multiple perspectives (issue 12, part 4), as a pure function: a story's items in,
// a draft out: a working headline, a short neutral "what happened" made of sentences the outlets
// wrote that carry the names and numbers most of them share, a perspectives block with a sentence or
// two from an outlet on the left, in the center and on the right, and the sources. Extractive only:
// every sentence in the draft is a verbatim span of one item's text, summary or headline, quoted and
// attributed to its outlet, and the only links are the items' own http(s) URLs. Nothing is
// paraphrased, nothing is invented. No I/O; src/newswire/briefs/draft.ts stores the result as an
// article. See docs/decisions/0065-briefs-from-the-wire.md.
import { html, type SafeHtml } from '../../platform/html.ts';
import { entities, isTitleCase, numbers, rawTokens, words } from '../cluster/text.ts';

export type Lean = 'left' | 'lean-left' | 'center' | 'lean-right' | 'right' | 'mixed' | 'unrated';
export type Side = 'left' | 'center' | 'right';

export const SIDES: readonly Side[] = ['left', 'center', 'right'];

/** Left is left and lean-left, right is lean-right and right; mixed and unrated are on no side. */
export function sideOf(lean: string | null | undefined): Side | null {
  if (lean === 'left' || lean === 'lean-left') return 'left';
  if (lean === 'center') return 'center';
  if (lean === 'lean-right' || lean === 'right') return 'right';
  return null;
}

export const LEAN_LABEL: Record<string, string> = {
  left: 'Left',
  'lean-left': 'Lean left',
  center: 'Center',
  'lean-right': 'Lean right',
  right: 'Right',
  mixed: 'Mixed',
  unrated: 'Not rated',
};

export const SIDE_LABEL: Record<Side, string> = { left: 'From the left', center: 'From the center', right: 'From the right' };

/** One item of the story, as the stories store gives it. */
export interface BriefItem {
  id: number | string;
  outlet: string;
  lean: string | null;
  url: string | null;
  title: string;
  /** The article's extracted text, or the feed's summary; either may be missing. */
  text?: string | null;
  summary?: string | null;
  published: Date | string | number;
}

/**
 * An item of the same outlet on another story (its text or summary): a sentence the outlet also wrote
 * there is its boilerplate (a stock framing line, a standing credit, a sign-off), not about this story.
 */
export interface ElsewhereItem {
  outlet: string;
  text?: string | null;
  summary?: string | null;
}

export interface BriefStory {
  slug: string;
  title: string;
}

/** A verbatim span of an item, with whose it is. */
export interface Quote {
  text: string;
  /** Where the span was taken from. */
  from: 'text' | 'summary' | 'headline';
  itemId: number | string;
  outlet: string;
  lean: string | null;
  /** The item's own URL when it is http(s); null otherwise (the quote is then unlinked). */
  url: string | null;
  title: string;
}

export interface Perspective {
  side: Side;
  /** Null when no outlet on this side has covered the story. */
  quotes: Quote[] | null;
}

export interface Source {
  itemId: number | string;
  outlet: string;
  lean: string | null;
  url: string | null;
  title: string;
  published: Date;
}

export interface BriefDraft {
  headline: string;
  whatHappened: Quote[];
  perspectives: Perspective[];
  sources: Source[];
  /** The body as HTML (escaped and attributed; sanitised again when stored). */
  bodyHtml: string;
}

/** Only http(s) URLs are ever linked; anything else (javascript:, data:, relative) is dropped. */
export function safeHttpUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const url = new URL(u.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc ltd co corp vs etc no jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e a.m p.m'.split(' '),
);

/**
 * Sentences of a text, each a verbatim slice of it (whitespace inside collapsed only in what is
 * returned for display: `text` is the slice itself, trimmed). Splits after . ! ? (and a closing quote
 * or bracket) followed by a space and a capital, a digit or an opening quote; not after common
 * abbreviations, initials ("J. Smith") or inside numbers ("3.5").
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const t = text.replace(/\r\n?/g, '\n');
  let start = 0;
  const re = /[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[\p{Lu}\p{N}])|\n\s*\n/gu;
  for (const m of t.matchAll(re)) {
    const end = m.index + m[0].length;
    if (m[0][0] !== '\n') {
      // The word before the stop: an abbreviation or an initial does not end a sentence.
      const before = t.slice(start, m.index);
      const word = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
      if (m[0][0] === '.' && (ABBREVIATIONS.has(word.replace(/\.$/, '')) || /^\p{L}$/u.test(word))) continue;
    }
    const s = t.slice(start, end).trim();
    if (s) out.push(s);
    start = end;
  }
  const rest = t.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

interface Candidate {
  quote: Quote;
  features: Set<string>;
  wordCount: number;
  /** Position in its item's text (0 = lead). */
  position: number;
  score: number;
}

const FEATURE_WEIGHT = { entity: 1, number: 1.2, word: 0.35 } as const;

function featuresOf(s: string, capRatio: (w: string) => number, headline: boolean): Set<string> {
  const toks = rawTokens(s);
  const titleCase = headline && isTitleCase(toks);
  const out = new Set<string>();
  for (const e of entities(toks, titleCase, capRatio)) out.add('e:' + e);
  for (const n of numbers(toks)) out.add('n:' + n);
  for (const w of words(toks)) out.add('w:' + w);
  return out;
}

function featureWeight(f: string): number {
  return f.startsWith('e:') ? FEATURE_WEIGHT.entity : f.startsWith('n:') ? FEATURE_WEIGHT.number : FEATURE_WEIGHT.word;
}

/** A sentence fit to stand alone in a neutral summary: not a question, not a fragment, not a run-on. */
function fitForSummary(s: string, wordCount: number): boolean {
  if (wordCount < 6 || wordCount > 55) return false;
  if (/\?["'”’)]*$/.test(s)) return false;
  if (!/[.!]["'”’)\]]*$/.test(s)) return false;
  // Bylines, datelines alone, "Read more", calls to subscribe: boilerplate, not facts.
  if (/\b(subscribe|sign up|newsletter|click here|read more|all rights reserved|cookies?)\b/i.test(s)) return false;
  return true;
}

/** A sentence fit to quote as an outlet's view: a whole sentence, not boilerplate. */
function fitForQuote(s: string, wordCount: number): boolean {
  if (wordCount < 5 || wordCount > 60) return false;
  if (!/[.!?]["'”’)\]]*$/.test(s)) return false;
  return !/\b(subscribe|sign up|newsletter|click here|read more|all rights reserved|cookies?)\b/i.test(s);
}

/** Reported views: what someone said, argued, warned, welcomed… */
const VOICE = /\b(said|says|argued|argues|warned|warns|called|calls|claimed|claims|criticis\w*|criticiz\w*|critics|supporters|opponents|campaigners|advocates|welcomed|welcomes|accused|praised|condemned|urged|insisted|noted|cautioned|blamed)\b/i;

/** Sentences that lean on what came before ("He said…", "But…") read badly on their own. */
const DANGLING = /^(?:["'“‘]?)(he|she|it|they|this|that|these|those|but|and|so|also|however|meanwhile|still|yet)\b/i;

function toDate(v: Date | string | number): Date {
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

function wordCountOf(s: string): number {
  return s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * The draft of a brief for `story` from its `items`. Deterministic: the same items in any order
 * give the same draft (items are taken in published order, ties by id).
 */
export function buildBrief(story: BriefStory, items: BriefItem[], opts: { maxWhatHappened?: number; elsewhere?: ElsewhereItem[] } = {}): BriefDraft {
  const maxWhat = opts.maxWhatHappened ?? 3;
  const norm = (t: string) => t.replace(/\s+/g, ' ').trim().toLowerCase();
  // Each outlet's sentences on other stories (`elsewhere`): a sentence of this story's item that its
  // outlet also wrote there is the outlet's boilerplate, whatever the outlet, and is never quoted.
  const stock = new Map<string, Set<string>>();
  for (const e of opts.elsewhere ?? []) {
    const body = (e.text && e.text.trim()) || (e.summary && e.summary.trim()) || '';
    if (!body) continue;
    const set = stock.get(e.outlet) ?? new Set<string>();
    for (const x of splitSentences(body).slice(0, 40)) set.add(norm(x));
    stock.set(e.outlet, set);
  }
  const isStock = (outlet: string, text: string) => stock.get(outlet)?.has(norm(text)) ?? false;
  const sorted = [...items].sort((a, b) => toDate(a.published).getTime() - toDate(b.published).getTime() || String(a.id).localeCompare(String(b.id), 'en', { numeric: true }));

  // How often each lower-case word is written with a capital across the story: in Title Case
  // headlines, that tells names from words.
  const caps = new Map<string, [number, number]>();
  for (const it of sorted) {
    for (const t of rawTokens(`${it.text ?? ''} ${it.summary ?? ''}`)) {
      if (t.initial || t.number) continue;
      const c = caps.get(t.lower) ?? [0, 0];
      c[0] += t.cap ? 1 : 0;
      c[1] += 1;
      caps.set(t.lower, c);
    }
  }
  const capRatio = (w: string) => {
    const c = caps.get(w);
    return c && c[1] ? c[0] / c[1] : 0.5;
  };

  // Candidates: every sentence of every item's text (or summary when there is no text), and its headline.
  const perItem = new Map<BriefItem, Candidate[]>();
  const outletFeatures = new Map<string, Set<string>>();
  for (const it of sorted) {
    const url = safeHttpUrl(it.url);
    const mk = (text: string, from: Quote['from'], position: number): Candidate => ({
      quote: { text, from, itemId: it.id, outlet: it.outlet, lean: it.lean, url, title: it.title },
      features: featuresOf(text, capRatio, from === 'headline'),
      wordCount: wordCountOf(text),
      position,
      score: 0,
    });
    const body = (it.text && it.text.trim()) || (it.summary && it.summary.trim()) || '';
    const from: Quote['from'] = it.text && it.text.trim() ? 'text' : 'summary';
    const cands: Candidate[] = [];
    const title = it.title.replace(/\s+/g, ' ').trim();
    if (title) cands.push(mk(title, 'headline', -1));
    // A sentence the outlet repeats on its other stories is left out: quoted nowhere, counted for nothing.
    if (body) splitSentences(body).slice(0, 40).forEach((s, i) => { if (!isStock(it.outlet, s)) cands.push(mk(s, from, i)); });
    perItem.set(it, cands);
    const of = outletFeatures.get(it.outlet) ?? new Set<string>();
    for (const c of cands) for (const f of c.features) of.add(f);
    outletFeatures.set(it.outlet, of);
  }

  // A feature's share: the fraction of the story's outlets that mention it anywhere.
  const outlets = outletFeatures.size || 1;
  const df = new Map<string, number>();
  for (const fs of outletFeatures.values()) for (const f of fs) df.set(f, (df.get(f) ?? 0) + 1);
  const share = (f: string) => {
    const n = df.get(f) ?? 0;
    // With several outlets, what only one of them says is not shared.
    if (outlets > 1 && n < 2) return 0;
    return n / outlets;
  };
  for (const cands of perItem.values()) {
    for (const c of cands) {
      let s = 0;
      for (const f of c.features) s += featureWeight(f) * share(f);
      // Long sentences carry more features by length alone; the lead carries the story.
      s /= 1 + 0.25 * Math.log(Math.max(8, c.wordCount) / 8);
      if (c.position >= 0) s *= 1 + 0.3 / (1 + c.position);
      if (DANGLING.test(c.quote.text)) s *= 0.5;
      if (/^["“‘']/.test(c.quote.text)) s *= 0.7; // a quotation of someone: the outlets' own statement reads more neutrally
      if (VOICE.test(c.quote.text)) s *= 0.6; // someone's view: perspectives material rather than what happened
      c.score = s;
    }
  }

  const used = new Set<string>();
  const keyOf = (q: Quote) => `${q.itemId}\u0000${q.text}`;
  const similar = (a: Set<string>, b: Set<string>) => {
    let inter = 0;
    for (const f of a) if (b.has(f)) inter++;
    return inter / Math.max(1, Math.min(a.size, b.size));
  };

  // What happened: the best sentences from text and summaries, one per outlet, none repeating another.
  const pool: Candidate[] = [];
  for (const cands of perItem.values()) for (const c of cands) if (c.quote.from !== 'headline' && fitForSummary(c.quote.text, c.wordCount)) pool.push(c);
  pool.sort((a, b) => b.score - a.score || a.position - b.position || String(a.quote.itemId).localeCompare(String(b.quote.itemId)));
  const what: Candidate[] = [];
  const whatOutlets = new Set<string>();
  // Facts, not views: a sentence well below the best one is not what the outlets share.
  const floor = (pool[0]?.score ?? 0) * 0.4;
  for (const c of pool) {
    if (what.length >= maxWhat) break;
    if (c.score <= 0 || c.score < floor) break;
    if (whatOutlets.has(c.quote.outlet)) continue;
    if (what.some((w) => similar(w.features, c.features) > 0.6)) continue;
    what.push(c);
    whatOutlets.add(c.quote.outlet);
  }
  // Headlines only (feeds often give nothing else): the most shared headline says what happened.
  if (!what.length) {
    const heads = [...perItem.values()].flatMap((cs) => cs.filter((c) => c.quote.from === 'headline'));
    heads.sort((a, b) => b.score - a.score || String(a.quote.itemId).localeCompare(String(b.quote.itemId)));
    if (heads[0]) what.push(heads[0]);
  }
  for (const w of what) used.add(keyOf(w.quote));

  // Perspectives: per side, the outlet whose own words best say how it sees the story. Wire copy that
  // several outlets reprinted is not anyone's perspective; a sentence only this outlet wrote is, the
  // more so when it reports what someone argued, warned or welcomed, and when it stays on the story.
  const writtenBy = new Map<string, Set<string>>();
  for (const [it, cands] of perItem) {
    for (const c of cands) {
      const k = norm(c.quote.text);
      const set = writtenBy.get(k) ?? new Set<string>();
      set.add(it.outlet);
      writtenBy.set(k, set);
    }
  }
  const usedText = new Set([...used].map((k) => norm(k.slice(k.indexOf('\u0000') + 1))));
  let maxScore = 0;
  for (const cands of perItem.values()) for (const c of cands) maxScore = Math.max(maxScore, c.score);
  const perspectiveScore = (c: Candidate) => {
    const own = (writtenBy.get(norm(c.quote.text))?.size ?? 0) <= 1 ? 1 : 0;
    const voice = VOICE.test(c.quote.text) ? 0.4 : 0;
    return (maxScore > 0 ? (0.6 * c.score) / maxScore : 0) + own + voice;
  };
  const perspectives: Perspective[] = SIDES.map((side) => {
    let best: { quotes: Candidate[]; score: number } | null = null;
    for (const [it, cands] of perItem) {
      if (sideOf(it.lean) !== side) continue;
      const body = cands.filter((c) => c.quote.from !== 'headline' && !usedText.has(norm(c.quote.text)) && fitForQuote(c.quote.text, c.wordCount));
      const ranked = body.map((c) => ({ c, p: perspectiveScore(c) })).sort((a, b) => b.p - a.p || a.c.position - b.c.position);
      let quotes: Candidate[] = [];
      let score = 0;
      if (ranked.length) {
        const [first, second] = ranked;
        quotes = [first!.c];
        score = first!.p;
        if (second && second.p >= 0.6 * first!.p && first!.c.wordCount + second.c.wordCount <= 60) quotes.push(second.c);
      } else {
        // Headlines only: the outlet's headline, even when "what happened" quotes it too.
        const head = cands.find((c) => c.quote.from === 'headline');
        if (head) {
          quotes = [head];
          score = perspectiveScore(head) - 1;
        }
      }
      if (!quotes.length) continue;
      if (!best || score > best.score) best = { quotes, score };
    }
    if (!best) return { side, quotes: null };
    const inOrder = [...best.quotes].sort((a, b) => a.position - b.position);
    for (const q of inOrder) {
      used.add(keyOf(q.quote));
      usedText.add(norm(q.quote.text));
    }
    return { side, quotes: inOrder.map((c) => c.quote) };
  });

  // The sources: each outlet once (its first piece on the story), in the order they reported it.
  const sources: Source[] = [];
  const listed = new Set<string>();
  for (const it of sorted) {
    if (listed.has(it.outlet)) continue;
    listed.add(it.outlet);
    sources.push({ itemId: it.id, outlet: it.outlet, lean: it.lean, url: safeHttpUrl(it.url), title: it.title.replace(/\s+/g, ' ').trim(), published: toDate(it.published) });
  }

  const headline = (story.title.trim() || sorted[0]?.title.trim() || 'Untitled story').replace(/\s+/g, ' ').slice(0, 300);
  const whatHappened = what.map((c) => c.quote);
  // No blank lines: every line starts with a block tag, so the body reads the same as Markdown (one run
  // of HTML blocks, which markdown-it passes through untouched: no linkifying, no smart quotes) as it
  // does as HTML, and the newsroom's editor (Markdown) keeps it as it is.
  const bodyHtml = renderBriefHtml({ whatHappened, perspectives, sources }).value.replace(/\n\s*\n+/g, '\n');
  return { headline, whatHappened, perspectives, sources, bodyHtml };
}

/** Quotes are shown with their whitespace collapsed (a display change only; the words are the outlet's). */
const display = (s: string) => s.replace(/\s+/g, ' ').trim();

function attribution(q: { outlet: string; lean: string | null; url: string | null }): SafeHtml {
  const lean = LEAN_LABEL[q.lean ?? 'unrated'] ?? LEAN_LABEL.unrated!;
  const name = q.url ? html`<a href="${q.url}" rel="nofollow noopener">${display(q.outlet)}</a>` : html`${display(q.outlet)}`;
  return html`<cite class="brief-source">${name}</cite> <span class="brief-lean">(${lean})</span>`;
}

/** One outlet's sentences (all from the same item), quoted, then whose they are. */
function quoteBlock(quotes: Quote[]): SafeHtml {
  const q = quotes[0]!;
  const what = q.from === 'headline' ? html` <span class="brief-kind">(headline)</span>` : '';
  return html`<blockquote class="brief-quote"${q.url ? html` cite="${q.url}"` : ''}>${quotes.map((x) => html`<p>“${display(x.text)}”</p>`)}</blockquote>
<p class="brief-attribution">— ${attribution(q)}${what}</p>`;
}

/** The draft's body: every quote escaped (the templates escape all text) and attributed. */
export function renderBriefHtml(d: Pick<BriefDraft, 'whatHappened' | 'perspectives' | 'sources'>): SafeHtml {
  const what = d.whatHappened.length
    ? d.whatHappened.map(
        (q) => html`<p class="brief-fact">“${display(q.text)}” — ${attribution(q)}${q.from === 'headline' ? html` <span class="brief-kind">(headline)</span>` : ''}</p>`,
      )
    : html`<p class="brief-fact">The outlets' coverage has no sentence to draw on yet; write what happened from the sources below.</p>`;
  const sides = d.perspectives.map(
    (p) => html`<h3>${SIDE_LABEL[p.side]}</h3>
${p.quotes ? quoteBlock(p.quotes) : html`<p class="brief-missing">No outlet on the ${p.side} has covered this story yet.</p>`}
`,
  );
  const sources = d.sources.map((s) => html`<li>${attribution(s)}: ${s.url ? html`<a href="${s.url}" rel="nofollow noopener">${s.title}</a>` : s.title}</li>`);
  return html`<h2>What happened</h2>
${what}
<h2>What the outlets said</h2>
${sides}
<h2>Sources</h2>
<ul class="brief-sources">${sources}</ul>`;
}
