// The story clusterer: an incremental, deterministic single-pass clusterer of news items into stories.
// Each item becomes four sparse TF-IDF vectors (headline and slug words, named entities and numbers,
// character 4-grams of the headline, words of the text's lead), with document frequencies updated as
// items arrive. A new item is compared with the centroids of the stories that share one of its rarer
// terms (an inverted index, most recent stories first) and active within the time window; the
// per-family cosines are averaged with weights over the families both sides have, damped by the time
// between the item and the story's span. It joins the best story at or above the threshold, otherwise
// it starts a new one. A join under the threshold opens a seam, and a story whose seam's side grows
// into a story of its own is split (seamMin). Editors' merges, splits and renames are recorded as constraints that a later
// re-cluster of the same items keeps. See docs/decisions/0042-clustering.md.
import { plainText } from '../../platform/sanitize.ts';
import { installedWordVectors, meaningVector, type WordVectors } from './vectors.ts';
import { charGrams, cleanTitle, entities, isStopWord, isTitleCase, lead, numbers, rawTokens, slugWords, stem, unshout, words, type RawToken } from './text.ts';

export interface WireItem {
  /** Unique; carries no meaning. */
  id: string;
  title: string;
  text?: string | null;
  outlet?: string | null;
  /**
   * Who the outlet is, for the rule that an outlet rarely files twice on one story (`outletPenalty`):
   * its name when absent. The live wire gives the outlet's id, so an outlet renamed is still one.
   */
  outletKey?: string | null;
  url?: string | null;
  /** Epoch milliseconds. */
  published: number;
  /**
   * A sentence vector computed outside the clusterer (any length, one length per stream), for the
   * sentence family (`ClusterOptions.sentence`; ignored while that is 0). Decision 0081.
   */
  sentence?: Float32Array | null;
}

export interface ClusterOptions {
  /** Minimum similarity (0..1) for an item to join a story. */
  threshold: number;
  /** Stories not updated within this many days of an item are not candidates for it. */
  windowDays: number;
  /** Similarity is multiplied by exp(-gap / decayDays), gap = days between the item and the story's span. */
  decayDays: number;
  /** Weights of the four feature families in the similarity. */
  weights: { words: number; entities: number; grams: number; text: number };
  /** Words of the text's lead that count (the rest of an article adds noise and cost). */
  leadWords: number;
  /** After an item joins a story, another story at least this similar to it is merged in (0 = never). */
  mergeThreshold: number;
  /** Candidate stories scored in full per item. */
  maxCandidates: number;
  /**
   * When both sides name people, places or organisations and share none of them, the similarity is
   * multiplied by this (rising to 1 as the entity cosine reaches 0.25): "Storm Anna hits Leeds" is not
   * "Storm Boris hits Hull".
   */
  entityGate: number;
  /** Virtual documents added to the count behind the IDF (see idf()). */
  priorDocs: number;
  /** Weight of headline word pairs among the headline words (0 = none). */
  bigrams: number;
  /**
   * An item whose best story scores at least this (but under `threshold`) still joins it when that
   * story is `margin` times as similar as the runner-up: a clear winner in a quiet stream (0 = off).
   */
  lowThreshold: number;
  margin: number;
  /** Entity cosine at which the entity gate is fully open. */
  gateFull: number;
  /** Weight of the single-link evidence (similarity to the most alike recent member; 0 = centroids only). */
  linkWeight: number;
  /**
   * Weight, among the names, of a headline's capitalised first word that the stream has not mostly seen
   * in lower case ("Nvidia tops Microsoft": its capital says nothing, but it is most often a name; 0 = never).
   */
  initialName: number;
  /**
   * An outlet rarely files two items on one story within hours: when the story already holds an item
   * of the item's outlet within `outletHours`, the similarity is multiplied by this (1 = outlets ignored).
   */
  outletPenalty: number;
  outletHours: number;
  /** Hours of gap that cost nothing before the decay starts (feeds' times are coarse: the hour, the day, the fetch). */
  graceHours: number;
  /** Weight of the names in the text's first 40 words among the names (the headline's weigh 1). */
  leadNames: number;
  /**
   * Names found across families: the entity score of an item against a story is at least the cosine of
   * the item's names with the story's words and of the item's words with the story's names, times this
   * (0 = names meet names only). Name-finding from capitals misses names ("...; Phoenix hits 118"
   * after a sentence break, a Title Case headline) and one side's name is often the other's plain word.
   */
  crossNames: number;
  /**
   * Two fragments of one story: when no story wins (under the threshold and no clear winner) but the two
   * best both score at least `bridgeScore` and are at least `bridgeSimilarity` alike (centroids, with
   * the item in the better one), the item joins the better one and the other is merged in (0 = off).
   * 0.12: a big story cut into fragments is joined up again (aggregator dev +0.05; decision 0083).
   */
  bridgeScore: number;
  bridgeSimilarity: number;
  /** ...and, when both name someone or something, the cosine of their names is at least this. */
  bridgeNames: number;
  /** ...and the item's names agree with each of the two stories at least this much (see nameAgreement). */
  bridgeItemNames: number;
  /**
   * The threshold rises with a story's size, by this fraction at 10 items and more (log10 of the
   * count below that): a big story's centroid is broad, and without it a story of 30 items takes
   * every item of the same kind ("Strong earthquake hits X") by its common words. The clear-winner
   * rule is unchanged, so an item that no other story comes near still joins (0 = one threshold).
   */
  bigStoryThreshold: number;
  /** Share of the IDF taken from story frequencies (stories holding the term) instead of item frequencies (0 = items only). */
  storyIdf: number;
  /** An item at least this alike (headline-word cosine) to the outlet's own item in the story is its update: no outlet penalty (0 = off). */
  outletDuplicate: number;
  /**
   * Weight of the meaning family: the item's headline (and lead) as the mean of its words' vectors
   * (src/newswire/cluster/vectors.ts), against the mean of the story's, so "cop" meets "officer"
   * (0 = off). It counts only as far as the names agree (see `gateFull`): two events of one kind
   * mean alike.
   */
  meaning: number;
  /** The cosine of two meanings that scores 0: unrelated headlines are about this alike. */
  meaningBase: number;
  /** Weight of the lead's words (the first `meaningLeadWords`) in an item's meaning. */
  meaningLead: number;
  meaningLeadWords: number;
  /** Each word's share of the meaning goes with its IDF in the stream to this power (0 = the vectors' frequencies only). */
  meaningRarity: number;
  /**
   * Weight of the sentence family: the item's `sentence` vector (computed outside, e.g. by a sentence
   * encoder) against the story's summed ones, scored as the meaning is (0 = off; decision 0081).
   */
  sentence: number;
  /** The cosine of two sentence vectors that scores 0. */
  sentenceBase: number;
  /** 1: the sentence family counts only as far as the names agree, as the meaning does; 0: ungated. */
  sentenceGated: number;
  /**
   * An item whose best story is the only candidate (no other story in the window shares one of its
   * query terms) joins it at this score: the left, center and right pieces of a story in a quiet
   * stream are often framed with no name in common, and nothing else competes (0 = off).
   */
  loneThreshold: number;
  /**
   * Under the threshold (clear winner, lone candidate), a story is joined only when it shares with the
   * item a query term that at most this many stories in the window hold (0 = off): a low score backed
   * only by terms many stories share is chance. 2: it lifts the dense streams (synthetic +0.005 to
   * +0.01, headlines up to +0.004) and lowers no set over 13 draws, though it leaves the one-day L/C/R
   * sets it was written for where they were (decision 0042, sixth round and its note).
   */
  lowSpecific: number;
  /**
   * Evidence from a term that many stories in the window hold is weak (decision 0084): in a dense
   * stream "Biden", "Fed" or "Supreme Court" is in a dozen stories at once, and a headline sharing
   * only that name with a story would otherwise score as high as one sharing the story's own event
   * (a lone name is the whole of an item's names vector). Each of the item's headline words and names
   * among its query terms counts in the dot product, the names' cosine (so the names' gate) included,
   * times (h / windowCommonFrom) ** -windowCommon when h, the stories in the window holding it, is
   * more than `windowCommonFrom` (0 = off).
   */
  windowCommon: number;
  windowCommonFrom: number;
  /**
   * ...only when the item's evidence with the story rests on such terms: they carry at least this share
   * of the item's and the story's headline-word and name dot products (0 = always; a story sharing a
   * term of its own event besides "Biden" keeps the whole of its score).
   */
  windowCommonShare: number;
  /** 1: the headline words are discounted as the names are; 0: the names only. */
  windowCommonWords: number;
  /**
   * Seams (decision 0042, seventh round): a join under the threshold records a seam in the story (the
   * joining item, the items before it). Whenever the story takes an item, each of its items after the
   * seam, in stream order, is put on the side (the items before the seam, or the seam item) whose
   * centroid it is more similar to; once the seam's side holds `seamMin` items and the other
   * `seamPreMin`, every item on both sides has a text (a lead; `seamText`, the share that must: a
   * headline alone is too few words to tell a second subject from another wording), the two sides'
   * centroids are less alike than `seamSimilarity` and every item of the seam's side is at least
   * `seamRatio` times as alike to the rest of its side as the two sides are to each other, the seam's
   * side becomes a story of its own (reported in `split`): the first item of a same-day "twin" story
   * that joined its twin under the threshold, and the items of its own story that followed it. A
   * story holding an editor's group is never split; seams are looked at only while the story has at
   * most `seamMaxItems` items, and count for items within `seamHours` after the seam item (0 = off).
   */
  seamMin: number;
  seamPreMin: number;
  seamSimilarity: number;
  seamRatio: number;
  seamText: number;
  seamMaxItems: number;
  seamHours: number;
  /**
   * A learned model of a join under the threshold (bench/lib/cluster-train.ts): logistic-regression
   * weights over lowFeatures(); the best story is joined when the weighted sum is at least 0. Null:
   * the rules (`lowThreshold`, `margin`, `loneThreshold`, `lowSpecific`) decide.
   */
  lowModel: number[] | null;
}

/** How many features lowFeatures() gives the model (`lowModel`). */
export const LOW_FEATURES = 19;

/** Tuned on the development sets only (bench/cluster-quality.ts --tune; docs/decisions/0042-clustering.md). */
export const defaultClusterOptions: ClusterOptions = {
  threshold: 0.3,
  windowDays: 7,
  decayDays: 1.5,
  weights: { words: 1, entities: 1, grams: 0.3, text: 1.5 },
  leadWords: 80,
  mergeThreshold: 0,
  maxCandidates: 16,
  entityGate: 0.6,
  priorDocs: 0,
  bigrams: 0,
  lowThreshold: 0.14,
  margin: 3,
  gateFull: 0.25,
  linkWeight: 0,
  initialName: 0.6,
  outletPenalty: 0.5,
  outletHours: 24,
  graceHours: 3,
  leadNames: 0.4,
  crossNames: 1,
  bridgeScore: 0.12,
  bridgeSimilarity: 0.2,
  bridgeNames: 0,
  bridgeItemNames: 0.25,
  bigStoryThreshold: 0.2,
  storyIdf: 0,
  outletDuplicate: 0.5,
  meaning: 1,
  meaningBase: 0.3,
  meaningLead: 0.5,
  meaningLeadWords: 40,
  meaningRarity: 2,
  sentence: 0,
  sentenceBase: 0.3,
  sentenceGated: 1,
  loneThreshold: 0.1,
  lowSpecific: 2,
  windowCommon: 1,
  windowCommonFrom: 3,
  windowCommonShare: 0.85,
  windowCommonWords: 1,
  seamMin: 2,
  seamPreMin: 2,
  seamSimilarity: 0.35,
  seamRatio: 1,
  seamText: 1,
  seamMaxItems: 12,
  seamHours: 48,
  // `node --import tsx bench/lib/cluster-train.ts` (dev sets only). In lowFeatures() order: bias, best
  // score, runner-up's score, log ratio, lone, specific (1 story, 2 stories), words, names, 4-grams,
  // text, meaning, names after crossing, gated, both have a text, decay, log10 size, log candidates,
  // same outlet.
  lowModel: [-6.7284, 0.527, 6.6372, 1.2887, -1.238, 0.5975, 2.4666, -0.2554, 1.6569, 2.7751, 1.3723, 3.0184, -0.1567, 0.7703, -0.7545, 2.2603, -3.908, -0.4277, -1.8559],
};

/** An editor's decision, kept so that a re-cluster of the same items honours it. */
export type Constraint =
  | { kind: 'merge'; items: string[] }
  | { kind: 'split'; items: string[]; from: string[] }
  | { kind: 'rename'; items: string[]; title: string };

export interface Assignment {
  item: string;
  story: number;
  /** The item started the story. */
  created: boolean;
  /** Stories merged into `story` as a consequence (their items now belong to `story`). */
  merged: number[];
  /** Similarity to the story it joined (0 when it started one). */
  score: number;
  /** Stories split automatically as a consequence (`seamMin`): `items` left story `from` for the new story `story`. */
  split: AutoSplit[];
  /**
   * The item joined under the threshold and opened a seam: the items its story held before it (store
   * them, and give them back to `restoreSeam` on start); null otherwise.
   */
  seam: string[] | null;
}

/** An automatic split: `items` moved from story `from` into the new story `story`. */
export interface AutoSplit {
  from: number;
  story: number;
  items: string[];
}

/**
 * A join under the threshold: the joining item, and the story's items before it (`seamMin`). A seam
 * lives in the story its item is in (it follows the item through merges and splits) and counts while
 * some of `pre` are there too: so the open seams are a function of the stored seams and the stories'
 * items, and a restart that restores both has the same ones.
 */
interface Seam {
  item: string;
  at: number;
  pre: string[];
}

export interface StoryView {
  id: number;
  /** Neutral working title: an editor's rename, else the most central headline. */
  title: string;
  items: string[];
  /** Its items' outlets (their `outletKey`, else their names). */
  outlets: string[];
  first: number;
  last: number;
}

const F_WORDS = 0;
const F_ENT = 1;
const F_GRAMS = 2;
const F_TEXT = 3;
const FAMILIES = 4;
/** Slots of similarity()'s optional breakdown after the four families' cosines (lowFeatures()). */
const F_MEANING = 4;
const F_NAMES = 5;
const F_GATED = 6;
const F_HAS_TEXT = 7;
const F_DECAY = 8;
const BREAKDOWN = 9;
/** Families in the order similarity() computes them: the largest (4-grams) last, where the bound most often stops it. */
const ORDER = [F_ENT, F_WORDS, F_TEXT, F_GRAMS];
const DAY = 86_400_000;
/** The families of a headline's centrality in its story, and their weights (title()). */
const CENTRALITY = [
  [F_WORDS, 1],
  [F_ENT, 0.7],
  [F_GRAMS, 0.3],
] as const;
/** Posting lists are compacted (stories outside the window dropped) past this length. */
const POSTING_COMPACT = 4096;
/** Most recent entries of a posting list scanned for candidates. */
const POSTING_SCAN = 120;
/** Query terms (rarest first) used to find candidates. */
const QUERY_TERMS = 8;

/** A vector of one family built per item being scored (the cross-family names): term ids ascending, weights L2-normalised. */
interface SparseVec {
  ids: Int32Array;
  w: Float32Array;
}

/**
 * An item kept in memory (100,000 in a window: every object and typed array of its own costs 100 to
 * 200 bytes beside its data). Its four families, retrieval keys and meaning live in two typed arrays
 * over one buffer: `ids` holds the families' term ids (each family's ascending, words, names, grams,
 * text, one after another), then the retrieval keys, then the meaning's signed bytes four to an int;
 * `w` the families' weights (L2-normalised per family), index for index with `ids`.
 */
interface ItemState {
  id: string;
  story: number;
  title: string;
  outlet: string | null;
  published: number;
  ids: Int32Array;
  w: Float32Array;
  /** Where each family ends in `ids` and `w` (family f runs from the end of f - 1, or 0, to its own). */
  e0: number;
  e1: number;
  e2: number;
  e3: number;
  /** End of the retrieval keys (from e3); the meaning follows. */
  ek: number;
  /** The meaning's dimensions (unit length times 127, packed from `ek`), or 0 for none. */
  md: number;
  /** The item's sentence vector (unit length times 127), or null (decision 0081). */
  sv: Int8Array | null;
  /** It names someone or something for sure (not only by a headline's first word): the entity gate may apply. */
  strong: boolean;
  /**
   * While the item is being scored (null otherwise): its names as word terms, and its headline words as
   * name terms (ids ascending, the weights of their own family), for `crossNames`.
   */
  cross: [SparseVec, SparseVec] | null;
}

/** Where family f of an item starts in its `ids`. */
function fStart(st: ItemState, f: number): number {
  return f === 0 ? 0 : f === 1 ? st.e0 : f === 2 ? st.e1 : st.e2;
}

/** Where family f of an item ends in its `ids`. */
function fEnd(st: ItemState, f: number): number {
  return f === 0 ? st.e0 : f === 1 ? st.e1 : f === 2 ? st.e2 : st.e3;
}

/** A cosine rescaled so that `base` (what unrelated texts share) scores 0 and 1 scores 1. */
function aboveBase(c: number, base: number): number {
  return c <= base ? 0 : (c - base) / (1 - base);
}

/** A vector at unit length times 127, rounded to signed bytes. */
function quantise(v: Float32Array): Int8Array {
  let n2 = 0;
  for (let d = 0; d < v.length; d++) n2 += v[d]! * v[d]!;
  const k = 127 / (Math.sqrt(n2) || 1);
  const out = new Int8Array(v.length);
  for (let d = 0; d < v.length; d++) out[d] = Math.round(v[d]! * k);
  return out;
}

/** Signed byte d of a meaning packed four to an int from `off`. */
function meaningAt(ids: Int32Array, off: number, d: number): number {
  return (ids[off + (d >> 2)]! << (24 - ((d & 3) << 3))) >> 24;
}

interface Story {
  id: number;
  items: string[];
  /** Sum of the items' vectors, every family in one table (null while the story has one item: its vector is used). */
  sum: Centroid | null;
  norm2: Float64Array;
  /** Number of items with a non-empty vector in each family. */
  has: Int32Array;
  first: number;
  last: number;
  mergedInto: number | null;
  titleOverride: string | null;
  titleCache: string | null;
  /** Expired: vectors freed, no longer a candidate. */
  closed: boolean;
  /** Scratch of candidates(): the query this vote belongs to, and the vote. */
  voteEpoch: number;
  vote: number;
  /** Scratch of candidates(): the fewest stories in the window that hold one of the query terms it shares with the item. */
  spec: number;
  /** Items that name someone or something for sure (ItemState.strong). */
  strong: number;
  /** Sum of the items' meanings (each unit length), and its squared length; null when none has one. */
  meaning: Float32Array | null;
  meaning2: number;
  /** Sum of the items' sentence vectors (each unit length) and its squared length; null when none has one. */
  sentence: Float32Array | null;
  sentence2: number;
  /** Seams (joins under the threshold watched), in (time, item id) order; null when none. */
  seams: Seam[] | null;
}

/**
 * A story's summed vectors: term id -> summed weight, every family in one table (term ids are unique
 * across families). Open addressing (Fibonacci hashing, linear probing) over entries kept in the order
 * they came, so a family's entries are met in the order a Map of them would give; values are doubles,
 * as a Map's were, so every sum is the same. A Map of numbers costs about twice as much an entry
 * (its entries, and a heap number for each value that is not a small integer).
 */
class Centroid {
  keys: Int32Array;
  vals: Float64Array;
  /** Entry index + 1 by hash slot (0: empty); twice the entries' capacity. */
  slots: Int32Array;
  shift: number;
  n = 0;

  constructor(capacity: number) {
    let c = 8;
    while (c < capacity) c *= 2;
    this.keys = new Int32Array(c);
    this.vals = new Float64Array(c);
    this.slots = new Int32Array(2 * c);
    this.shift = 32 - Math.log2(2 * c);
  }

  /** The entry of term `id`, or -1. */
  find(id: number): number {
    const mask = this.slots.length - 1;
    for (let h = Math.imul(id, 0x9e3779b1) >>> this.shift; ; h = (h + 1) & mask) {
      const e = this.slots[h]!;
      if (e === 0) return -1;
      if (this.keys[e - 1] === id) return e - 1;
    }
  }

  /** Adds an entry for a term not in the table. */
  push(id: number, w: number): void {
    if (this.n === this.keys.length) this.grow();
    const e = this.n++;
    this.keys[e] = id;
    this.vals[e] = w;
    this.place(id, e);
  }

  private place(id: number, e: number): void {
    const mask = this.slots.length - 1;
    let h = Math.imul(id, 0x9e3779b1) >>> this.shift;
    while (this.slots[h] !== 0) h = (h + 1) & mask;
    this.slots[h] = e + 1;
  }

  private grow(): void {
    const c = this.keys.length * 2;
    const keys = new Int32Array(c);
    keys.set(this.keys);
    const vals = new Float64Array(c);
    vals.set(this.vals);
    this.keys = keys;
    this.vals = vals;
    this.slots = new Int32Array(2 * c);
    this.shift = 32 - Math.log2(2 * c);
    for (let e = 0; e < this.n; e++) this.place(keys[e]!, e);
  }
}

const EMPTY: SparseVec = { ids: new Int32Array(0), w: new Float32Array(0) };
const NO_IDS = EMPTY.ids;
const NO_WEIGHTS = EMPTY.w;

export class StoryClusterer {
  readonly options: ClusterOptions;
  /** Term ids per family (one map each: no key strings built per feature). */
  private readonly termIds: Array<Map<string, number>> = [new Map(), new Map(), new Map(), new Map()];
  /** A term's string by id (ids are unique across families). */
  private readonly termName: string[] = [];
  private terms = 0;
  private df: Int32Array = new Int32Array(1024);
  /** The family of each term. */
  private fam: Uint8Array = new Uint8Array(1024);
  /** Story frequencies: how many stories hold the term (storyIdf). */
  private sf: Int32Array = new Int32Array(1024);
  private storiesMade = 0;
  /** The id of the same string in the other of the names and headline-words families, or -1 (crossNames). */
  private twin: Int32Array = new Int32Array(1024).fill(-1);
  /** Scratch of vectorise(): a term's weight in the item being vectorised, by term id. */
  private termW: Float64Array = new Float64Array(1024);
  /** Scratch of vectorise(): the candidate-retrieval terms and their weights (grown as needed). */
  private keyCandIds: Int32Array = new Int32Array(256);
  private keyCandWs: Float64Array = new Float64Array(256);
  private docs = 0;
  private readonly postings: Story[][] = [];
  /** Posting list of each term: one per string across families ("kroger" the headline word, the name and the lead word). */
  private keyOf: Int32Array = new Int32Array(1024);
  private readonly keyIds = new Map<string, number>();
  /** Scratch of textKeys(): the terms picked and their weights. */
  private readonly textKeyScratch = new Int32Array(QUERY_TERMS);
  private readonly textKeyWs = new Float32Array(QUERY_TERMS);
  private textKeyCount = 0;
  private readonly capStats = new Map<string, number>(); // lower word -> capitalised*65536 + lower-case count
  private readonly itemsById = new Map<string, ItemState>();
  private readonly storiesById = new Map<number, Story>();
  private nextStory = 1;
  // Constraints: must-link groups and cannot-link pairs, and the log they were built from.
  private readonly log: Constraint[] = [];
  private readonly group = new Map<string, number>();
  private readonly groupStory = new Map<number, number>();
  private nextGroup = 1;
  private readonly cannot = new Map<string, Set<string>>();
  private readonly renames: Array<{ items: string[]; title: string }> = [];
  private lastCandidates: Map<number, number> | null = null;
  private readonly grace: number;
  private epoch = 0;
  /** Scratch of candidates(): stories in the window holding a query key (by key), stamped with the query's epoch. */
  private heldKey: Int32Array = new Int32Array(1024);
  private heldStamp: Int32Array = new Int32Array(1024);
  /** The item being scored, and its family weights discounted for terms common in the window (`windowCommon`); null when none are. */
  private commonState: ItemState | null = null;
  private commonW: Float32Array | null = null;
  /** The item's cross-family names from its own weights, while `commonW` holds discounted ones. */
  private crossRaw: [SparseVec, SparseVec] | null = null;
  /** Whether the item being added has its cross-family vectors built (crossOf). */
  private crossReady = false;
  /** Scratch of candidates(): the stories voted for, and those scored (reused: no arrays per item). */
  private readonly voted: Story[] = [];
  private readonly cands: Story[] = [];
  private readonly outletNames = new Map<string, string>();
  /** Scratch of vectorise(): the families' term ids in bag order, where each family ends, and its norm. */
  private vecIds: Int32Array = new Int32Array(256);
  private readonly vecEnds = new Int32Array(FAMILIES);
  private readonly vecNorms = new Float64Array(FAMILIES);
  /** Scratch of vectorise(): the keys picked. */
  private readonly picked = new Int32Array(QUERY_TERMS);
  /** The entity cosine of the last storySimilarity() (1 when one side names nothing). */
  private lastEntCos = 1;

  /** The families' breakdown of a score (similarity()'s `out`), reused. */
  private readonly breakdown = new Float64Array(BREAKDOWN);
  /** For training the model of a join under the threshold (bench/lib/cluster-train.ts): every such decision's features, and what the rules decided. */
  lowSink: ((item: string, story: number, features: Float64Array, rule: boolean) => void) | null = null;
  /** Word vectors for the meaning family (null: off). */
  private readonly vectors: WordVectors | null;

  /**
   * `vectors`: the word vectors for the meaning family; by default the installed ones (read once per
   * process), none when `options.meaning` is 0.
   */
  constructor(options: Partial<ClusterOptions> = {}, constraints: Constraint[] = [], vectors?: WordVectors | null) {
    this.options = { ...defaultClusterOptions, ...options, weights: { ...defaultClusterOptions.weights, ...options.weights } };
    const m = this.options.lowModel;
    if (m !== null && (!Array.isArray(m) || m.length !== LOW_FEATURES || !m.every(Number.isFinite))) throw new Error(`lowModel: expected null or ${LOW_FEATURES} finite numbers (bench/lib/cluster-train.ts prints them)`);
    this.vectors = this.options.meaning > 0 ? (vectors === undefined ? installedWordVectors() : vectors) : null;
    this.grace = this.options.graceHours * 3_600_000;
    for (const c of constraints) this.applyConstraint(c);
  }

  get size(): number {
    return this.itemsById.size;
  }

  /** The story an item belongs to (after merges). */
  storyOf(itemId: string): number | undefined {
    return this.itemsById.get(itemId)?.story;
  }

  /**
   * Clusters one item. Adding an id already clustered changes nothing and returns its story (so a
   * replay after a crash is harmless).
   */
  add(item: WireItem): Assignment {
    const known = this.itemsById.get(item.id);
    if (known) return { item: item.id, story: known.story, created: false, merged: [], score: 1, split: [], seam: null };
    const state = this.vectorise(item);
    const forced = this.forcedStory(item.id);
    let best = -1;
    let bestScore = 0;
    let second = -1;
    let secondScore = 0;
    if (forced === null) {
      const excluded = this.excludedStories(item.id);
      this.crossReady = false;
      this.lastCandidates = this.candidates(state, excluded);
      for (const sid of this.lastCandidates.keys()) {
        const score = this.lastCandidates.get(sid)!;
        if (score > bestScore || (score === bestScore && best !== -1 && sid < best)) {
          if (best !== -1) {
            second = best;
            secondScore = bestScore;
          }
          best = sid;
          bestScore = score;
        } else if (score > secondScore || (score === secondScore && second !== -1 && sid < second)) {
          second = sid;
          secondScore = score;
        }
      }
    }
    let storyId: number;
    let created = false;
    let bridge = -1;
    let low = false;
    const o = this.options;
    if (forced !== null) storyId = forced;
    else if (best !== -1 && bestScore >= this.thresholdFor(best)) storyId = best;
    else if (best !== -1 && this.lowJoin(state, item.id, best, bestScore, second, secondScore)) {
      storyId = best;
      low = true;
    } else if (
      o.bridgeScore > 0 &&
      second !== -1 &&
      secondScore >= o.bridgeScore &&
      this.nameAgreement(state, this.storiesById.get(best)!) >= o.bridgeItemNames &&
      this.nameAgreement(state, this.storiesById.get(second)!) >= o.bridgeItemNames &&
      this.canMerge(best, second)
    ) {
      storyId = best;
      bridge = second;
    } else {
      storyId = this.nextStory++;
      created = true;
      bestScore = 0;
    }
    state.cross = null;
    const joined = created || forced !== null ? null : this.storiesById.get(storyId)!;
    const pre = low && o.seamMin > 0 && joined!.items.length <= o.seamMaxItems ? [...joined!.items] : null;
    this.place(state, storyId);
    const split: AutoSplit[] = [];
    let seam: string[] | null = null;
    if (joined && o.seamMin > 0 && bridge === -1) {
      const sp = this.checkSeams(joined, state);
      if (sp) {
        split.push(sp);
        storyId = state.story;
      }
      // A seam item without a text could never be split off when every item must have one.
      if (pre && !sp && !this.hasGroup(joined) && (o.seamText < 1 || state.e3 > state.e2)) {
        addSeam(joined, { item: state.id, at: state.published, pre });
        seam = pre;
      }
    }
    const merged: number[] = [];
    if (bridge !== -1) {
      const sb = this.storiesById.get(storyId)!;
      const other = this.storiesById.get(bridge)!;
      if (this.storySimilarity(sb, other) >= o.bridgeSimilarity && (!(sb.strong && other.strong) || this.lastEntCos >= o.bridgeNames)) merged.push(this.mergeStories(storyId, bridge));
      storyId = state.story;
    }
    const m = this.options.mergeThreshold;
    if (!created && forced === null && m > 0 && this.lastCandidates) {
      // The item may bridge its story and another one that began separately: merge them when their
      // centroids, not just this item, are alike.
      const others = [...this.lastCandidates].filter(([sid, sc]) => sid !== storyId && sc >= this.options.threshold * 0.6).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3);
      for (const [sid] of others) {
        const cur = this.itemsById.get(item.id)!.story;
        const other = this.storiesById.get(sid)!;
        if (other.mergedInto !== null || sid === cur) continue;
        if (this.storySimilarity(this.storiesById.get(cur)!, other) >= m && this.canMerge(cur, sid)) merged.push(this.mergeStories(cur, sid));
      }
      storyId = this.itemsById.get(item.id)!.story;
    }
    this.lastCandidates = null;
    this.commonState = null;
    this.commonW = null;
    this.crossRaw = null;
    this.learn(state);
    return { item: item.id, story: storyId, created, merged, score: bestScore, split, seam };
  }

  /**
   * Puts an item into a known story without scoring it: how the live wire rebuilds its state from
   * stored assignments on start. Stories are created as needed; later new stories get higher ids.
   */
  restore(item: WireItem, story: number): void {
    if (this.itemsById.has(item.id)) return;
    const state = this.vectorise(item);
    this.place(state, story);
    if (story >= this.nextStory) this.nextStory = story + 1;
    this.learn(state);
  }

  /**
   * Gives back a seam `add` reported (`Assignment.seam`: the items the story held before the item), after
   * the items are restored: it goes to the story the item is in now. Unknown items are skipped.
   */
  restoreSeam(itemId: string, pre: string[]): void {
    const st = this.itemsById.get(itemId);
    if (!st || this.options.seamMin <= 0) return;
    const s = this.storiesById.get(st.story)!;
    if (s.closed || s.seams?.some((m) => m.item === itemId)) return;
    addSeam(s, { item: itemId, at: st.published, pre: [...pre] });
  }

  story(id: number): StoryView | undefined {
    const s = this.storiesById.get(id);
    if (!s || s.mergedInto !== null || !s.items.length) return undefined;
    const outlets = new Set<string>();
    for (const i of s.items) {
      const o = this.itemsById.get(i)!.outlet;
      if (o) outlets.add(o);
    }
    return { id, title: this.title(s), items: [...s.items], outlets: [...outlets].sort(), first: s.first, last: s.last };
  }

  /** A live story's working title (what story(id).title is, without copying its items and outlets). */
  storyTitle(id: number): string | undefined {
    const s = this.storiesById.get(id);
    return !s || s.mergedInto !== null ? undefined : this.title(s);
  }

  *stories(): IterableIterator<StoryView> {
    for (const id of [...this.storiesById.keys()].sort((a, b) => a - b)) {
      const v = this.story(id);
      if (v) yield v;
    }
  }

  /** Merges story `b` into story `a` (an editor's decision: recorded). Returns the surviving story. */
  merge(a: number, b: number): number {
    const sa = this.live(a);
    const sb = this.live(b);
    if (sa === sb) return sa.id;
    const c: Constraint = { kind: 'merge', items: [...sa.items, ...sb.items] };
    this.log.push(c);
    this.applyConstraint(c, false);
    this.mergeStories(sa.id, sb.id);
    const keep = Math.min(sa.id, sb.id);
    for (const g of this.groupsOf(this.storiesById.get(keep)!.items)) this.groupStory.set(g, keep);
    return keep;
  }

  /** Moves items out of their story into a new one of their own (recorded). Returns the new story. */
  split(itemIds: string[]): number {
    const ids = [...new Set(itemIds)];
    if (!ids.length) throw new Error('split needs at least one item');
    const states = ids.map((i) => {
      const s = this.itemsById.get(i);
      if (!s) throw new Error(`unknown item "${i}"`);
      return s;
    });
    const moving = new Set(ids);
    const from = new Set<string>();
    for (const s of states) for (const i of this.storiesById.get(s.story)!.items) if (!moving.has(i)) from.add(i);
    const c: Constraint = { kind: 'split', items: ids, from: [...from] };
    this.log.push(c);
    this.applyConstraint(c, false);
    const target = this.nextStory++;
    const left = new Set(states.map((s) => this.storiesById.get(s.story)!));
    for (const s of states) {
      this.unplace(s);
      this.place(s, target);
    }
    for (const s of left) this.relocateSeams(s);
    const g = this.group.get(ids[0]!);
    if (g !== undefined) this.groupStory.set(g, target);
    return target;
  }

  /**
   * Forgets items (their outlet was deleted, and its items with it): each leaves its story, whose
   * centroid and span are recomputed, and stops counting in the term statistics. A story left with no
   * items is closed (no longer a candidate; `story()` no longer shows it), though an item an editor's
   * merge still ties to it may reopen it. Unknown ids are skipped. Returns the stories left empty.
   */
  remove(itemIds: Iterable<string>): number[] {
    const stories = new Set<Story>();
    for (const id of itemIds) {
      const st = this.itemsById.get(id);
      if (!st) continue;
      const s = this.storiesById.get(st.story)!;
      s.items = s.items.filter((i) => i !== id);
      stories.add(s);
      this.itemsById.delete(id);
      // An expired item's vectors are gone already (its statistics stay, as expire() leaves them).
      if (st.e3 > 0) {
        this.docs--;
        // Each term once: ids are unique across families (term()), and within a family.
        for (let i = 0; i < st.e3; i++) this.df[st.ids[i]!]!--;
      }
    }
    const emptied: number[] = [];
    for (const s of stories) {
      s.titleCache = null;
      if (s.seams) s.seams = s.seams.filter((m) => this.itemsById.has(m.item));
      if (s.items.length) {
        if (!s.closed) this.rebuild(s);
        continue;
      }
      clearStory(s);
      s.closed = true;
      emptied.push(s.id);
    }
    return emptied.sort((a, b) => a - b);
  }

  /** Gives a story an editor's title (recorded). */
  rename(id: number, title: string): void {
    const s = this.live(id);
    const t = title.replace(/\s+/g, ' ').trim();
    if (!t) throw new Error('a story title cannot be empty');
    const c: Constraint = { kind: 'rename', items: [...s.items], title: t };
    this.log.push(c);
    s.titleOverride = t;
  }

  /**
   * Frees the vectors of stories last updated more than twice the window before `now` (epoch ms): they
   * can no longer take items, and the live wire keeps memory bounded by the window. Their items keep
   * their story, and the story its title. Returns how many stories were closed.
   */
  expire(now: number): number {
    const cutoff = now - 2 * this.options.windowDays * DAY;
    let closed = 0;
    for (const s of this.storiesById.values()) {
      if (s.mergedInto !== null || s.closed || s.last >= cutoff) continue;
      s.titleCache = this.title(s);
      for (const i of s.items) {
        const st = this.itemsById.get(i)!;
        st.ids = NO_IDS;
        st.w = NO_WEIGHTS;
        st.e0 = st.e1 = st.e2 = st.e3 = st.ek = st.md = 0;
        st.sv = null;
      }
      s.sum = null;
      s.meaning = null;
      s.sentence = null;
      s.seams = null;
      s.has.fill(0);
      s.norm2.fill(0);
      s.closed = true;
      closed++;
    }
    return closed;
  }

  /** The editors' decisions so far, oldest first: store them, and pass them to a re-cluster. */
  constraints(): Constraint[] {
    return this.log.map((c) => structuredClone(c));
  }

  // ---- internals ------------------------------------------------------------------------------

  private live(id: number): Story {
    let s = this.storiesById.get(id);
    while (s && s.mergedInto !== null) s = this.storiesById.get(s.mergedInto);
    if (!s) throw new Error(`unknown story ${id}`);
    return s;
  }

  private applyConstraint(c: Constraint, record = true): void {
    if (record) this.log.push(structuredClone(c));
    if (c.kind === 'merge') {
      const groups = new Set<number>();
      for (const i of c.items) {
        const g = this.group.get(i);
        if (g !== undefined) groups.add(g);
      }
      const target = groups.size ? Math.min(...groups) : this.nextGroup++;
      for (const [i, g] of this.group) if (groups.has(g)) this.group.set(i, target);
      for (const i of c.items) this.group.set(i, target);
      // A merge overrides earlier splits between these items.
      const set = new Set(c.items);
      for (const i of c.items) {
        const cs = this.cannot.get(i);
        if (cs) for (const j of [...cs]) if (set.has(j)) cs.delete(j);
      }
    } else if (c.kind === 'split') {
      const g = this.nextGroup++;
      for (const i of c.items) this.group.set(i, g);
      for (const i of c.items) for (const j of c.from) this.addCannot(i, j);
    } else {
      this.renames.push({ items: [...c.items], title: c.title });
    }
  }

  private addCannot(a: string, b: string): void {
    if (a === b) return;
    let s = this.cannot.get(a);
    if (!s) this.cannot.set(a, (s = new Set()));
    s.add(b);
    let t = this.cannot.get(b);
    if (!t) this.cannot.set(b, (t = new Set()));
    t.add(a);
  }

  private groupsOf(items: string[]): Set<number> {
    const out = new Set<number>();
    for (const i of items) {
      const g = this.group.get(i);
      if (g !== undefined) out.add(g);
    }
    return out;
  }

  /** A story the item must join because an editor merged it with items already clustered. */
  private forcedStory(itemId: string): number | null {
    const g = this.group.get(itemId);
    if (g === undefined) return null;
    const sid = this.groupStory.get(g);
    if (sid === undefined) return null;
    const s = this.storiesById.get(sid);
    if (!s) return null;
    return this.live(sid).id;
  }

  private excludedStories(itemId: string): Set<number> | null {
    const cs = this.cannot.get(itemId);
    if (!cs || !cs.size) return null;
    const out = new Set<number>();
    for (const j of cs) {
      const s = this.itemsById.get(j);
      if (s) out.add(s.story);
    }
    return out;
  }

  private canMerge(a: number, b: number): boolean {
    // No editor has split or merged anything: nothing to keep apart.
    if (!this.cannot.size && !this.group.size) return true;
    const sa = this.storiesById.get(a)!;
    const sb = this.storiesById.get(b)!;
    const small = sa.items.length <= sb.items.length ? sa : sb;
    const other = small === sa ? sb : sa;
    const otherSet = new Set(other.items);
    for (const i of small.items) {
      const cs = this.cannot.get(i);
      if (cs) for (const j of cs) if (otherSet.has(j)) return false;
    }
    // Two different editor-made groups stay apart.
    const ga = this.groupsOf(sa.items);
    const gb = this.groupsOf(sb.items);
    if (ga.size && gb.size && ![...ga].some((g) => gb.has(g))) return false;
    return true;
  }

  private term(f: number, key: string): number {
    const map = this.termIds[f]!;
    let id = map.get(key);
    if (id === undefined) {
      id = this.terms++;
      map.set(key, id);
      this.termName.push(key);
      if (id >= this.df.length) {
        const df = new Int32Array(this.df.length * 2);
        df.set(this.df);
        this.df = df;
        const fam = new Uint8Array(this.df.length);
        fam.set(this.fam);
        this.fam = fam;
        const sf = new Int32Array(this.df.length);
        sf.set(this.sf);
        this.sf = sf;
        const twin = new Int32Array(this.df.length).fill(-1);
        twin.set(this.twin);
        this.twin = twin;
        const termW = new Float64Array(this.df.length);
        termW.set(this.termW);
        this.termW = termW;
        const keyOf = new Int32Array(this.df.length);
        keyOf.set(this.keyOf);
        this.keyOf = keyOf;
      }
      // 4-grams find no stories (they are too common): no posting list.
      let k = -1;
      if (f !== F_GRAMS) {
        k = this.keyIds.get(key) ?? -1;
        if (k < 0) {
          k = this.postings.length;
          this.keyIds.set(key, k);
          this.postings.push([]);
        }
      }
      this.keyOf[id] = k;
      this.fam[id] = f;
      // A name and a headline word spelt alike are twins (crossNames): linked once, when the second appears.
      if (f === F_ENT || f === F_WORDS) {
        const other = this.termIds[f === F_ENT ? F_WORDS : F_ENT]!.get(key);
        if (other !== undefined) {
          this.twin[id] = other;
          this.twin[other] = id;
        }
      }
    }
    return id;
  }

  /**
   * Smoothed IDF: `priorDocs` virtual documents in which no term occurs, so that a young stream (a few
   * hundred items, where a big story's own names are in a tenth of them) weighs terms as a long one would.
   */
  private idf(id: number): number {
    const d = Math.log((this.docs + this.options.priorDocs + 2) / ((id < 0 ? 0 : this.df[id]!) + 1)) + 1;
    const a = this.options.storyIdf;
    if (!a) return d;
    return (1 - a) * d + a * (Math.log((this.storiesMade + 2) / (this.sf[id]! + 1)) + 1);
  }

  private capRatio = (w: string): number => {
    const v = this.capStats.get(w);
    if (v === undefined) return 0;
    const caps = Math.floor(v / 65536);
    const low = v % 65536;
    return caps / (caps + low);
  };

  /** Capitalisation seen in running text (not sentence-initial, not Title Case headlines). */
  private observeCaps(tokens: RawToken[]): void {
    for (const t of tokens) {
      if (t.initial || t.number || t.lower.length < 2) continue;
      const v = this.capStats.get(t.lower) ?? 0;
      const caps = Math.floor(v / 65536);
      const low = v % 65536;
      if (caps + low >= 65000) continue;
      this.capStats.set(t.lower, t.cap ? v + 65536 : v + 1);
    }
  }

  /** A names vector as headline-word ids, or the reverse (terms the other family has never seen are dropped: no story holds them). */
  private translate(st: ItemState, f: number, raw = false): SparseVec {
    const a = fStart(st, f);
    const b = fEnd(st, f);
    if (a === b) return EMPTY;
    const ws = raw ? st.w : this.weightsOf(st);
    const pairs: Array<[number, number]> = [];
    for (let i = a; i < b; i++) {
      const id = this.twin[st.ids[i]!]!;
      if (id >= 0 && this.df[id]! > 0) pairs.push([id, ws[i]!]);
    }
    if (!pairs.length) return EMPTY;
    pairs.sort((a, b) => a[0] - b[0]);
    return { ids: Int32Array.from(pairs, (p) => p[0]), w: Float32Array.from(pairs, (p) => p[1]) };
  }

  private vectorise(item: WireItem): ItemState {
    const title = cleanTitle(plainText(item.title), item.outlet);
    const tt = rawTokens(unshout(title) ?? title);
    const titleCase = isTitleCase(tt);
    const bags: Array<Map<string, number>> = [new Map(), new Map(), new Map(), new Map()];
    const add = (f: number, k: string, w: number) => bags[f]!.set(k, Math.max(bags[f]!.get(k) ?? 0, w));
    const tw = words(tt);
    for (const w of tw) add(F_WORDS, w, 1);
    // Adjacent content words ("bull market", "bad loan"), off by default: they did not help (decision record).
    if (this.options.bigrams) for (let i = 1; i < tw.length; i++) add(F_WORDS, tw[i - 1] + ' ' + tw[i], this.options.bigrams);
    for (const w of slugWords(item.url)) if (!bags[F_WORDS]!.has(w)) add(F_WORDS, w, 0.5);
    const ents = entities(tt, titleCase, this.capRatio);
    let strong = ents.length > 0;
    for (const e of ents) add(F_ENT, e, e.includes(' ') ? 1.2 : 1);
    if (this.options.initialName > 0 && !titleCase) this.initialName(tt, ents, add);
    for (const n of numbers(tt)) add(F_WORDS, '#' + n, 0.6);
    const gramBag = bags[F_GRAMS]!;
    for (const g of charGrams(tw)) gramBag.set(g, (gramBag.get(g) ?? 0) + 1);
    const body = lead(item.text && plainText(item.text), this.options.leadWords);
    let bodyTokens: RawToken[] = [];
    if (body) {
      bodyTokens = rawTokens(body);
      // Headline and lead words in one bag, so one item's headline meets another's lead.
      const textBag = bags[F_TEXT]!;
      for (const w of tw) textBag.set(w, (textBag.get(w) ?? 0) + 1);
      for (const w of words(bodyTokens)) textBag.set(w, (textBag.get(w) ?? 0) + 1);
      for (const [w, c] of textBag) textBag.set(w, 1 + Math.log(c));
      // Names in the lead help headline-poor items ("Business Highlights").
      const leadEnts = entities(bodyTokens.slice(0, 40), false, this.capRatio);
      for (const e of leadEnts) add(F_ENT, e, this.options.leadNames);
      if (leadEnts.length) strong = true;
    }
    // Weight by the document frequencies seen so far, normalise per family. The weights wait in
    // termW (by id) while the ids are sorted: no pair arrays per term.
    let nk = 0;
    let total = 0;
    for (let f = 0; f < FAMILIES; f++) total += bags[f]!.size;
    if (total > this.vecIds.length) this.vecIds = new Int32Array(Math.max(total, 2 * this.vecIds.length));
    const vids = this.vecIds;
    const ends = this.vecEnds;
    const norms = this.vecNorms;
    let n = 0;
    for (let f = 0; f < FAMILIES; f++) {
      const bag = bags[f]!;
      let n2 = 0;
      for (const [k, tf] of bag) {
        const id = this.term(f, k);
        const w = tf * this.idf(id);
        vids[n++] = id;
        this.termW[id] = w;
        n2 += w * w;
        if (f !== F_GRAMS && this.postings[this.keyOf[id]!]!.length > 0) {
          if (nk === this.keyCandIds.length) this.growKeys();
          this.keyCandIds[nk] = id;
          this.keyCandWs[nk++] = w * (f === F_TEXT ? 0.5 : 1);
        }
      }
      ends[f] = n;
      norms[f] = Math.sqrt(n2) || 1;
    }
    // One key per string: "milo" the headline word, the name and the lead word are one piece of
    // evidence, and three keys on it would crowd out the other terms that find the story's fragments.
    // The terms in order of weight (then id), by selection: only the first few are wanted.
    const keyIds = this.keyCandIds;
    const keyWs = this.keyCandWs;
    const picked = this.picked;
    let np = 0;
    for (let p = 0; p < nk && np < QUERY_TERMS; p++) {
      let b = p;
      for (let i = p + 1; i < nk; i++) if (keyWs[i]! > keyWs[b]! || (keyWs[i] === keyWs[b] && keyIds[i]! < keyIds[b]!)) b = i;
      const id = keyIds[b]!;
      const bw = keyWs[b]!;
      keyIds[b] = keyIds[p]!;
      keyWs[b] = keyWs[p]!;
      keyIds[p] = id;
      keyWs[p] = bw;
      // Terms of one string share a posting list.
      const k = this.keyOf[id]!;
      let seen = false;
      for (let j = 0; j < np && !seen; j++) seen = this.keyOf[picked[j]!] === k;
      if (!seen) picked[np++] = id;
    }
    if (!titleCase) this.observeCaps(tt);
    if (bodyTokens.length) this.observeCaps(bodyTokens);
    const o = this.options;
    const meaning = this.vectors
      ? meaningVector(this.vectors, tt, o.meaningLead > 0 ? leadTokens(bodyTokens, o.meaningLeadWords) : [], o.meaningLead, (w) => {
          const id = this.termIds[F_WORDS]!.get(stem(w));
          return this.idf(id === undefined ? -1 : id) ** o.meaningRarity;
        })
      : null;
    // One buffer: the families' ids, the keys and the meaning as ints, then the families' weights.
    const md = meaning ? meaning.length : 0;
    const nIds = n + np + ((md + 3) >> 2);
    let ids = NO_IDS;
    let ws = NO_WEIGHTS;
    if (nIds > 0) {
      const buf = new ArrayBuffer((nIds + n) * 4);
      ids = new Int32Array(buf, 0, nIds);
      ws = new Float32Array(buf, nIds * 4, n);
      let a = 0;
      for (let f = 0; f < FAMILIES; f++) {
        const b = ends[f]!;
        for (let i = a; i < b; i++) ids[i] = vids[i]!;
        if (b - a > 1) ids.subarray(a, b).sort();
        const norm = norms[f]!;
        for (let i = a; i < b; i++) ws[i] = this.termW[ids[i]!]! / norm;
        a = b;
      }
      for (let j = 0; j < np; j++) ids[n + j] = picked[j]!;
      for (let d = 0; d < md; d++) ids[n + np + (d >> 2)]! |= (meaning![d]! & 255) << ((d & 3) << 3);
    }
    const outlet = item.outletKey?.trim() || item.outlet?.trim() || null;
    return {
      id: item.id,
      story: 0,
      title,
      outlet: outlet === null ? null : this.sharedOutlet(outlet),
      published: item.published,
      ids,
      w: ws,
      e0: ends[0]!,
      e1: ends[1]!,
      e2: ends[2]!,
      e3: n,
      ek: n + np,
      md,
      sv: o.sentence > 0 && item.sentence?.length ? quantise(item.sentence) : null,
      strong,
      cross: null,
    };
  }

  /**
   * A headline's first word, capitalised whatever it is, counts as a name unless the stream has seen it
   * mostly in lower case mid-sentence ("Stocks", "Judge": no; "Nvidia", "Starmer": yes, never seen so),
   * paired with the name after it ("Hurricane Milo").
   */
  private initialName(tt: RawToken[], ents: string[], add: (f: number, k: string, w: number) => void): void {
    const t = tt[0];
    if (!t || !t.cap || t.number || t.acronym || t.lower.length < 3 || isStopWord(t.lower)) return;
    const seen = this.capStats.get(t.lower);
    if (seen !== undefined && this.capRatio(t.lower) < 0.5) return;
    const w = this.options.initialName;
    const base = t.lower.replace(/[$%]/g, '');
    // "Greyfield-Norland deal": two names.
    if (base.includes('-')) {
      for (const p of base.split('-')) if (p.length >= 3 && !isStopWord(p) && !ents.includes(stem(p))) add(F_ENT, stem(p), w);
      return;
    }
    const e = stem(base);
    if (ents.includes(e)) return;
    add(F_ENT, e, w);
    const next = tt[1];
    if (next && next.cap && !next.number && !next.initial) {
      const n = stem(next.lower.replace(/[$%]/g, ''));
      if (ents.includes(n)) add(F_ENT, e + ' ' + n, w * 1.2);
    }
  }

  /**
   * Whether the story holds an item of the same outlet within `outletHours` of this one that this one
   * is not an update of (the 64 latest are looked at; items an editor merged or split do not count).
   */
  private sameOutlet(state: ItemState, s: Story): boolean {
    const o = state.outlet;
    if (!o) return false;
    const span = this.options.outletHours * 3_600_000;
    const dup = this.options.outletDuplicate;
    let found = false;
    for (let k = s.items.length - 1, n = 0; k >= 0 && n < 64; k--, n++) {
      const it = this.itemsById.get(s.items[k]!)!;
      // An item an editor placed (merged or split) is the editor's call, not evidence of another story.
      if (it.outlet === o && Math.abs(it.published - state.published) <= span && !this.group.has(it.id)) {
        // The outlet's own update of that item (a new version, a corrected headline): no penalty.
        if (dup > 0 && cosineOf(state, it, F_WORDS) >= dup) return false;
        found = true;
      }
    }
    return found;
  }

  /** Document frequencies and the index learn from an item once it is placed. */
  private learn(state: ItemState): void {
    this.docs++;
    // Each term once: ids are unique across families (term()), and within a vector.
    for (let i = 0; i < state.e3; i++) this.df[state.ids[i]!]!++;
  }

  /** One string per outlet for every item of it (each row brings its own copy: 100,000 items, a few hundred outlets). */
  private sharedOutlet(o: string): string {
    let v = this.outletNames.get(o);
    if (v === undefined) this.outletNames.set(o, (v = o));
    return v;
  }

  private growKeys(): void {
    const ids = new Int32Array(this.keyCandIds.length * 2);
    ids.set(this.keyCandIds);
    this.keyCandIds = ids;
    const ws = new Float64Array(ids.length);
    ws.set(this.keyCandWs);
    this.keyCandWs = ws;
  }

  /** Candidate stories and their similarity to the item. */
  private candidates(state: ItemState, excluded: Set<number> | null): Map<number, number> {
    const o = this.options;
    const t = state.published;
    const window = o.windowDays * DAY;
    // Votes live on the stories themselves (tagged with this query's epoch): no map per item.
    const epoch = ++this.epoch;
    // The scratch arrays keep their length (emptying them would drop their storage); counts say what is live.
    const voted = this.voted;
    let nv = 0;
    const keys = state.ids;
    for (let q = state.e3; q < state.ek; q++) {
      const key = keys[q]!;
      const list = this.postings[this.keyOf[key]!]!;
      const stop = Math.max(0, list.length - POSTING_SCAN);
      const w = this.idf(key);
      let held = 0;
      if (o.lowSpecific > 0 || o.windowCommon > 0) for (let i = list.length - 1; i >= stop; i--) {
        const s = list[i]!;
        if (s.mergedInto === null && !s.closed && t <= s.last + window && t >= s.first - window) held++;
      }
      if (o.windowCommon > 0) this.stampHeld(this.keyOf[key]!, held, epoch);
      for (let i = list.length - 1; i >= stop; i--) {
        const s = list[i]!;
        if (s.voteEpoch === epoch) {
          s.vote += w;
          if (held < s.spec) s.spec = held;
          continue;
        }
        if (s.mergedInto !== null || s.closed) continue;
        if (t > s.last + window || t < s.first - window) continue;
        if (excluded?.has(s.id)) continue;
        s.voteEpoch = epoch;
        s.vote = w;
        s.spec = held;
        voted[nv++] = s;
      }
    }
    // The stories sharing the most (and rarest) terms; those with a small share of the best vote cannot win.
    let top = 0;
    for (let i = 0; i < nv; i++) if (voted[i]!.vote > top) top = voted[i]!.vote;
    const cands = this.cands;
    let nc = 0;
    for (let i = 0; i < nv; i++) if (voted[i]!.vote >= top * 0.2) cands[nc++] = voted[i]!;
    if (nc > o.maxCandidates) nc = topByVote(cands, nc, o.maxCandidates);
    // Without merges, in vote order (a truncation above has sorted them already).
    else if (o.mergeThreshold <= 0) nc = topByVote(cands, nc, nc);
    if (o.windowCommon > 0) this.discountCommon(state, epoch);
    const out = new Map<number, number>();
    // Without merges only the best story matters, so each story need only beat the best so far (the
    // bound in similarity() then skips most of the work); with merges, every story above the merge floor.
    const merging = o.mergeThreshold > 0;
    let floor = merging ? o.threshold * 0.6 : o.threshold;
    // A clear winner may join below the threshold: scores down to lowThreshold / margin matter then.
    if (o.lowThreshold > 0) floor = Math.min(floor, o.lowThreshold / o.margin);
    // Two fragments may be bridged: under the threshold, a runner-up's score down to bridgeScore matters.
    if (o.bridgeScore > 0) floor = Math.min(floor, o.bridgeScore);
    // A lone candidate may join from loneThreshold (its score is then exact: a bound never stops above the floor).
    if (o.loneThreshold > 0) floor = Math.min(floor, o.loneThreshold);
    // A story whose bound is under the floor can neither win nor, as runner-up, spoil a clear win
    // (it is under best / margin), so the decision is the same as with every score computed exactly.
    let bestSoFar = 0;
    for (let i = 0; i < nc; i++) {
      const st = cands[i]!;
      let sc = this.similarity(state, st, floor);
      // The penalty only lowers a score, so a bound under the floor stays one.
      if (sc >= floor && o.outletPenalty < 1 && this.sameOutlet(state, st)) sc *= o.outletPenalty;
      out.set(st.id, sc);
      if (merging || sc <= bestSoFar) continue;
      bestSoFar = sc;
      let raised = o.lowThreshold > 0 ? sc / o.margin : sc;
      if (o.bridgeScore > 0 && sc < o.threshold) raised = Math.min(raised, o.bridgeScore);
      floor = Math.max(floor, raised);
    }
    if (o.linkWeight > 0) this.linkScores(state, out);
    return out;
  }

  private stampHeld(k: number, held: number, epoch: number): void {
    if (k >= this.heldKey.length) {
      const n = Math.max(k + 1, 2 * this.heldKey.length);
      const a = new Int32Array(n);
      a.set(this.heldKey);
      this.heldKey = a;
      const b = new Int32Array(n);
      b.set(this.heldStamp);
      this.heldStamp = b;
    }
    this.heldKey[k] = held;
    this.heldStamp[k] = epoch;
  }

  /**
   * The item's headline-word and name weights, each query term's times (h / from) ** -windowCommon
   * when h stories in the window hold it (`windowCommon`): what similarity() scores this item with.
   */
  private discountCommon(state: ItemState, epoch: number): void {
    const o = this.options;
    this.commonState = null;
    this.commonW = null;
    this.crossRaw = null;
    let w: Float32Array | null = null;
    for (let i = o.windowCommonWords > 0 ? 0 : state.e0; i < state.e1; i++) {
      const k = this.keyOf[state.ids[i]!]!;
      if (k < 0 || k >= this.heldStamp.length || this.heldStamp[k] !== epoch) continue;
      const h = this.heldKey[k]!;
      if (h <= o.windowCommonFrom) continue;
      if (!w) w = state.w.slice();
      w[i] = state.w[i]! * (h / o.windowCommonFrom) ** -o.windowCommon;
    }
    if (w) {
      this.commonState = state;
      this.commonW = w;
    }
  }

  /** The weights similarity() scores an item with: discounted for common terms while it is being added (`windowCommon`). */
  private weightsOf(state: ItemState): Float32Array {
    return this.commonState === state ? this.commonW! : state.w;
  }

  /**
   * Weighted mean of per-family cosines between an item and a story's centroid, damped by time. Stops
   * early (returning an upper bound below `floor`) once the story cannot reach `floor`: such a story
   * cannot be chosen, so the decisions are the same as with the full computation.
   */
  private similarity(state: ItemState, s: Story, floor = 0, out: Float64Array | null = null): number {
    const o = this.options;
    const wts = [o.weights.words, o.weights.entities, o.weights.grams, o.weights.text];
    const gap = Math.max(0, s.first - state.published - this.grace, state.published - s.last - this.grace) / DAY;
    const decay = this.decay(gap);
    if (out) {
      out.fill(0);
      out[F_DECAY] = decay;
    }
    if (decay < floor) return decay;
    let den = 0;
    for (let f = 0; f < FAMILIES; f++) if (fEnd(state, f) > fStart(state, f) && s.has[f] && wts[f]) den += wts[f]!;
    if (!den) return 0;
    const meaning = state.md > 0 && s.meaning !== null && o.meaning > 0;
    // The meaning's score first (cheap): the names' gate can only lower it, so it bounds what the
    // meaning adds, and the bound below stops more stories early than "it might score 1" would.
    const mScore = meaning ? this.meaningScore(state, s.meaning!, s.meaning2) : 0;
    if (meaning) den += o.meaning;
    if (out) out[F_MEANING] = mScore;
    const sentence = o.sentence > 0 && state.sv !== null && s.sentence !== null && s.sentence.length === state.sv.length;
    const sScore = sentence ? this.sentenceScore(state.sv!, s.sentence!, s.sentence2) : 0;
    if (sentence) den += o.sentence;
    let num = 0;
    let rest = (meaning ? den - o.meaning * (1 - mScore) : den) - (sentence ? o.sentence * (1 - sScore) : 0);
    let ent = -1;
    const single = s.sum === null ? this.itemsById.get(s.items[0]!)! : null;
    const xi = state.ids;
    const common = this.commonState === state && o.windowCommonShare > 0;
    const xw = common ? state.w : this.weightsOf(state);
    // With `windowCommonShare`: the names' and headline words' dot products, raw, discounted, and the part of it the common terms carry.
    let discDot = 0;
    let rawDot = 0;
    let discEnt = 0;
    let commonDot = 0;
    for (const f of ORDER) {
      const x0 = fStart(state, f);
      const x1 = fEnd(state, f);
      if (x0 === x1 || !s.has[f] || !wts[f]) continue;
      // Upper bound: every family still to come scores 1.
      if (((num + rest) / den) * decay < floor) return ((num + rest) / den) * decay;
      let dot = 0;
      if (common && (f === F_ENT || f === F_WORDS)) {
        const dw = this.commonW!;
        let disc = 0;
        let held = 0;
        const norm = single ? 1 : Math.sqrt(s.norm2[f]!) || 1;
        for (let i = x0; i < x1; i++) {
          let v = 0;
          if (single) {
            const j = findSorted(single.ids, fStart(single, f), fEnd(single, f), xi[i]!);
            if (j >= 0) v = single.w[j]!;
          } else {
            const e = s.sum!.find(xi[i]!);
            if (e >= 0) v = s.sum!.vals[e]! / norm;
          }
          if (v === 0) continue;
          const c = xw[i]! * v;
          dot += c;
          disc += dw[i]! * v;
          if (dw[i] !== xw[i]) held += c;
        }
        rawDot += wts[f]! * dot;
        discDot += wts[f]! * disc;
        commonDot += wts[f]! * held;
        if (f === F_ENT) discEnt = disc;
      } else if (single) {
        dot = dotRanges(xi, xw, x0, x1, single.ids, single.w, fStart(single, f), fEnd(single, f));
      } else {
        const m = s.sum!;
        for (let i = x0; i < x1; i++) {
          const e = m.find(xi[i]!);
          if (e >= 0) dot += xw[i]! * m.vals[e]!;
        }
        dot /= Math.sqrt(s.norm2[f]!) || 1;
      }
      if (f === F_ENT) ent = dot;
      if (out) out[f] = dot;
      num += wts[f]! * dot;
      rest -= wts[f]!;
    }
    // Evidence resting on terms that many stories in the window hold: their discounted weights count.
    let concentrated = false;
    if (common && rawDot > 0) {
      if (commonDot >= o.windowCommonShare * rawDot && discDot < rawDot) {
        concentrated = true;
        num -= rawDot - discDot;
        if (ent >= 0) ent = discEnt;
        if (out) out[F_ENT] = discEnt;
      }
    }
    const gated = state.strong && s.strong && ent >= 0;
    // The names may be the other side's plain words; worth looking only if a wider-open gate could reach
    // the floor (`rest` is the meaning's weight when it is still to come: a bound).
    if (gated && ent < o.gateFull && o.crossNames > 0 && ((num + rest) / den) * decay * this.gate(Math.max(ent, o.crossNames)) >= floor) {
      const cross = this.crossOf(state, common && !concentrated);
      const c = o.crossNames * Math.max(this.dotStory(cross[0].ids, cross[0].w, 0, cross[0].ids.length, s, F_WORDS, single), this.dotStory(cross[1].ids, cross[1].w, 0, cross[1].ids.length, s, F_ENT, single));
      if (c > ent) ent = c;
    }
    // Meaning counts as far as the names agree: two events of one kind ("Strong quake hits X") mean alike.
    if (meaning) num += o.meaning * (gated ? Math.min(1, ent / o.gateFull) : 1) * mScore;
    if (sentence) num += o.sentence * (gated && o.sentenceGated > 0 ? Math.min(1, ent / o.gateFull) : 1) * sScore;
    const base = (num / den) * decay;
    if (out) {
      out[F_NAMES] = ent;
      out[F_GATED] = gated ? 1 : 0;
      out[F_HAS_TEXT] = fEnd(state, F_TEXT) > fStart(state, F_TEXT) && s.has[F_TEXT] ? 1 : 0;
    }
    return gated ? base * this.gate(ent) : base;
  }

  /** The cosine of an item's meaning with a story's mean meaning, rescaled so that `meaningBase` scores 0. */
  private meaningScore(st: ItemState, sum: Float32Array, sum2: number): number {
    let dot = 0;
    const ids = st.ids;
    const off = st.ek;
    for (let d = 0; d < st.md; d++) dot += meaningAt(ids, off, d) * sum[d]!;
    return aboveBase(dot / 127 / (Math.sqrt(sum2) || 1), this.options.meaningBase);
  }

  /** The cosine of an item's sentence vector with a story's summed ones, rescaled so that `sentenceBase` scores 0. */
  private sentenceScore(sv: Int8Array, sum: Float32Array, sum2: number): number {
    let dot = 0;
    for (let d = 0; d < sv.length; d++) dot += sv[d]! * sum[d]!;
    return aboveBase(dot / 127 / (Math.sqrt(sum2) || 1), this.options.sentenceBase);
  }

  /** The item's names as word terms and its words as name terms, built once per add() when first needed. */
  private crossOf(state: ItemState, raw = false): [SparseVec, SparseVec] {
    if (raw && this.commonState === state) {
      if (!this.crossRaw) this.crossRaw = [this.translate(state, F_ENT, true), this.translate(state, F_WORDS, true)];
      return this.crossRaw;
    }
    if (!this.crossReady || !state.cross) {
      state.cross = [this.translate(state, F_ENT), this.translate(state, F_WORDS)];
      this.crossReady = true;
    }
    return state.cross;
  }

  /**
   * How far the item's names agree with a story's: the cosine of their names, or of one side's names
   * with the other's words (`crossNames`); 1 when either names nothing for sure.
   */
  private nameAgreement(state: ItemState, s: Story): number {
    if (!state.strong || !s.strong) return 1;
    const single = s.sum === null ? this.itemsById.get(s.items[0]!)! : null;
    let ent = this.dotStory(state.ids, state.w, state.e0, state.e1, s, F_ENT, single);
    if (ent < 1 && this.options.crossNames > 0) {
      const cross = this.crossOf(state);
      ent = Math.max(ent, this.options.crossNames * Math.max(this.dotStory(cross[0].ids, cross[0].w, 0, cross[0].ids.length, s, F_WORDS, single), this.dotStory(cross[1].ids, cross[1].w, 0, cross[1].ids.length, s, F_ENT, single)));
    }
    return ent;
  }

  /** Cosine of a vector (ids and weights from x0 to x1) with a story's centroid in family f (`single`: the item of a one-item story). */
  private dotStory(xi: Int32Array, xw: Float32Array, x0: number, x1: number, s: Story, f: number, single: ItemState | null): number {
    if (x0 === x1 || !s.has[f]) return 0;
    if (single) return dotRanges(xi, xw, x0, x1, single.ids, single.w, fStart(single, f), fEnd(single, f));
    const m = s.sum!;
    let dot = 0;
    for (let i = x0; i < x1; i++) {
      const e = m.find(xi[i]!);
      if (e >= 0) dot += xw[i]! * m.vals[e]!;
    }
    return dot / (Math.sqrt(s.norm2[f]!) || 1);
  }

  /** Weighted mean of per-family cosines between two stories' centroids, damped by the gap between their spans. */
  private storySimilarity(a: Story, b: Story): number {
    const o = this.options;
    const wts = [o.weights.words, o.weights.entities, o.weights.grams, o.weights.text];
    let num = 0;
    let den = 0;
    let ent = -1;
    for (let f = 0; f < FAMILIES; f++) {
      if (!a.has[f] || !b.has[f] || !wts[f]) continue;
      const ma = this.centroidMap(a, f);
      const mb = this.centroidMap(b, f);
      const [small, big] = ma.size <= mb.size ? [ma, mb] : [mb, ma];
      let dot = 0;
      for (const [k, v] of small) {
        const w = big.get(k);
        if (w !== undefined) dot += v * w;
      }
      const cos = dot / (Math.sqrt(a.norm2[f]! * b.norm2[f]!) || 1);
      if (f === F_ENT) ent = cos;
      num += wts[f]! * cos;
      den += wts[f]!;
    }
    this.lastEntCos = ent < 0 ? 1 : ent;
    if (!den) return 0;
    if (a.meaning && b.meaning && o.meaning > 0) {
      let dot = 0;
      for (let d = 0; d < a.meaning.length; d++) dot += a.meaning[d]! * b.meaning[d]!;
      const c = dot / (Math.sqrt(a.meaning2 * b.meaning2) || 1);
      const open = a.strong && b.strong && ent >= 0 ? Math.min(1, ent / o.gateFull) : 1;
      num += o.meaning * open * aboveBase(c, o.meaningBase);
      den += o.meaning;
    }
    if (a.sentence && b.sentence && a.sentence.length === b.sentence.length && o.sentence > 0) {
      let dot = 0;
      for (let d = 0; d < a.sentence.length; d++) dot += a.sentence[d]! * b.sentence[d]!;
      const c = dot / (Math.sqrt(a.sentence2 * b.sentence2) || 1);
      const open = o.sentenceGated > 0 && a.strong && b.strong && ent >= 0 ? Math.min(1, ent / o.gateFull) : 1;
      num += o.sentence * open * aboveBase(c, o.sentenceBase);
      den += o.sentence;
    }
    const gap = Math.max(0, a.first - b.last - this.grace, b.first - a.last - this.grace) / DAY;
    return (num / den) * (a.strong && b.strong ? this.gate(ent) : 1) * this.decay(gap);
  }

  /** The threshold for joining a story: higher for a story of many items (`bigStoryThreshold`). */
  private thresholdFor(sid: number): number {
    const k = this.options.bigStoryThreshold;
    if (!k) return this.options.threshold;
    const n = this.storiesById.get(sid)!.items.length;
    return this.options.threshold * (1 + k * Math.min(1, Math.log10(n)));
  }

  /** Time decay of a gap in days. */
  private decay(gap: number): number {
    return Math.exp(-gap / this.options.decayDays);
  }

  /** Below the threshold, the story shares a term with the item that few stories in the window hold (`lowSpecific`). */
  private specific(sid: number): boolean {
    const k = this.options.lowSpecific;
    return k <= 0 || this.storiesById.get(sid)!.spec <= k;
  }

  /**
   * Under the threshold: join the best story anyway? By the learned model when there is one
   * (`lowModel`, bench/lib/cluster-train.ts), else by the rules (a clear winner or the lone candidate,
   * sharing a specific term). A story holding an editor's merge is left to the rules: its centroid
   * is two subjects that the editor joined, unlike any story the model learned from, whose score and
   * size say less about it (an item of the smaller subject scores low against the mixed centroid).
   */
  private lowJoin(state: ItemState, itemId: string, best: number, bestScore: number, second: number, secondScore: number): boolean {
    const o = this.options;
    const rule = (this.clearWinner(bestScore, second === -1 ? 0 : secondScore) || this.alone(bestScore, second)) && this.specific(best);
    if ((!o.lowModel && !this.lowSink) || this.hasGroup(this.storiesById.get(best)!)) return rule;
    const x = this.lowFeatures(state, best, second);
    this.lowSink?.(itemId, best, x, rule);
    if (!o.lowModel) return rule;
    let z = 0;
    for (let i = 0; i < LOW_FEATURES; i++) z += o.lowModel[i]! * x[i]!;
    return z >= 0;
  }

  /**
   * What the model of a join under the threshold sees (`lowModel`): the two best stories' exact
   * scores, how far apart they are, how specific the shared terms are, the best one's families,
   * its size, time and outlet. One array per call; only joins under the threshold compute it.
   */
  private lowFeatures(state: ItemState, best: number, second: number): Float64Array {
    const o = this.options;
    const b = this.storiesById.get(best)!;
    const br = this.breakdown;
    let bs = this.similarity(state, b, 0, br);
    const same = o.outletPenalty < 1 && this.sameOutlet(state, b);
    if (same) bs *= o.outletPenalty;
    let ss = 0;
    if (second !== -1) {
      const st = this.storiesById.get(second)!;
      ss = this.similarity(state, st, 0);
      if (o.outletPenalty < 1 && this.sameOutlet(state, st)) ss *= o.outletPenalty;
    }
    const x = new Float64Array(LOW_FEATURES);
    const spec = b.spec;
    x[0] = 1;
    x[1] = bs;
    x[2] = ss;
    x[3] = Math.log((bs + 0.02) / (ss + 0.02));
    x[4] = second === -1 ? 1 : 0;
    x[5] = spec <= 1 ? 1 : 0;
    x[6] = spec <= 2 ? 1 : 0;
    x[7] = br[F_WORDS]!;
    x[8] = br[F_ENT]!;
    x[9] = br[F_GRAMS]!;
    x[10] = br[F_TEXT]!;
    x[11] = br[F_MEANING]!;
    x[12] = Math.max(0, br[F_NAMES]!);
    x[13] = br[F_GATED]!;
    x[14] = br[F_HAS_TEXT]!;
    x[15] = br[F_DECAY]!;
    x[16] = Math.log10(b.items.length);
    x[17] = Math.log(1 + (this.lastCandidates?.size ?? 0));
    x[18] = same ? 1 : 0;
    return x;
  }

  /** Below the threshold, an item still joins the one story near it (`loneThreshold`). */
  private alone(best: number, second: number): boolean {
    const o = this.options;
    return o.loneThreshold > 0 && best >= o.loneThreshold && second === -1;
  }

  /** Below the threshold, an item still joins a story that is at least `margin` times as similar as any other. */
  private clearWinner(best: number, second: number): boolean {
    const o = this.options;
    return o.lowThreshold > 0 && best >= o.lowThreshold && best >= o.margin * second;
  }

  /**
   * Single-link evidence: the item's similarity to the most alike of the latest members of the best few
   * stories, times `linkWeight`, replaces the centroid score when higher (a facet of a story is often
   * closer to one member than to the centroid).
   */
  private linkScores(state: ItemState, scores: Map<number, number>): void {
    const o = this.options;
    const top = [...scores].filter(([, sc]) => sc > 0.05).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 4);
    for (const [sid, sc] of top) {
      const st = this.storiesById.get(sid)!;
      if (st.items.length < 2) continue;
      let best = 0;
      for (let k = st.items.length - 1, n = 0; k >= 0 && n < 8; k--, n++) {
        const sim = this.itemSimilarity(state, this.itemsById.get(st.items[k]!)!);
        if (sim > best) best = sim;
      }
      const linked = o.linkWeight * best;
      if (linked > sc) scores.set(sid, linked);
    }
  }

  /** Similarity of two items, computed as similarity() does for a one-item story. */
  private itemSimilarity(x: ItemState, y: ItemState): number {
    const o = this.options;
    const wts = [o.weights.words, o.weights.entities, o.weights.grams, o.weights.text];
    let num = 0;
    let den = 0;
    let ent = -1;
    for (let f = 0; f < FAMILIES; f++) {
      const a0 = fStart(x, f);
      const a1 = fEnd(x, f);
      const b0 = fStart(y, f);
      const b1 = fEnd(y, f);
      if (a0 === a1 || b0 === b1 || !wts[f]) continue;
      const dot = dotRanges(x.ids, x.w, a0, a1, y.ids, y.w, b0, b1);
      if (f === F_ENT) ent = dot;
      num += wts[f]! * dot;
      den += wts[f]!;
    }
    if (!den) return 0;
    const gap = Math.max(0, Math.abs(x.published - y.published) - this.grace) / DAY;
    return (num / den) * (x.strong && y.strong ? this.gate(ent) : 1) * this.decay(gap);
  }

  /** The entity gate: 1 when the entity families were not both present (ent < 0) or overlap enough. */
  private gate(ent: number): number {
    if (ent < 0) return 1;
    const g = this.options.entityGate;
    return g + (1 - g) * Math.min(1, ent / this.options.gateFull);
  }

  /** A story's centroid in family f as a Map, its entries in the order they came (storySimilarity: bridges and merges only). */
  private centroidMap(s: Story, f: number): Map<number, number> {
    if (s.sum) {
      const c = s.sum;
      const m = new Map<number, number>();
      for (let e = 0; e < c.n; e++) if (this.fam[c.keys[e]!] === f) m.set(c.keys[e]!, c.vals[e]!);
      return m;
    }
    const v = this.itemsById.get(s.items[0]!)!;
    const m = new Map<number, number>();
    for (let i = fStart(v, f); i < fEnd(v, f); i++) m.set(v.ids[i]!, v.w[i]!);
    return m;
  }

  private place(state: ItemState, storyId: number): void {
    let s = this.storiesById.get(storyId);
    if (!s) {
      s = {
        id: storyId,
        items: [],
        sum: null,
        norm2: new Float64Array(FAMILIES),
        has: new Int32Array(FAMILIES),
        first: state.published,
        last: state.published,
        mergedInto: null,
        titleOverride: null,
        titleCache: null,
        voteEpoch: 0,
        vote: 0,
        spec: 0,
        strong: 0,
        closed: false,
        meaning: null,
        meaning2: 0,
        sentence: null,
        sentence2: 0,
        seams: null,
      };
      this.storiesById.set(storyId, s);
    }
    if (s.closed) {
      // A forced or restored item for a closed story reopens it (its earlier items no longer count).
      s.closed = false;
    }
    state.story = storyId;
    this.itemsById.set(state.id, state);
    const g = this.group.get(state.id);
    if (g !== undefined && !this.groupStory.has(g)) this.groupStory.set(g, storyId);
    this.addVector(s, state);
    s.items.push(state.id);
    if (state.published < s.first) s.first = state.published;
    if (state.published > s.last) s.last = state.published;
    s.titleCache = null;
  }

  private addVector(s: Story, state: ItemState, index = true): void {
    if (state.strong) s.strong++;
    if (state.md > 0) {
      const m = (s.meaning ??= new Float32Array(state.md));
      let n2 = 0;
      for (let d = 0; d < state.md; d++) {
        m[d]! += meaningAt(state.ids, state.ek, d) / 127;
        n2 += m[d]! * m[d]!;
      }
      s.meaning2 = n2;
    }
    if (state.sv && (s.sentence === null || s.sentence.length === state.sv.length)) {
      const m = (s.sentence ??= new Float32Array(state.sv.length));
      let n2 = 0;
      for (let d = 0; d < m.length; d++) {
        m[d]! += state.sv[d]! / 127;
        n2 += m[d]! * m[d]!;
      }
      s.sentence2 = n2;
    }
    if (s.items.length === 0 && s.sum === null) {
      if (index) this.storiesMade++;
      for (let f = 0; f < FAMILIES; f++) {
        const a = fStart(state, f);
        const b = fEnd(state, f);
        if (a === b) continue;
        s.has[f] = 1;
        s.norm2[f] = 1;
        if (!index) continue;
        for (let i = a; i < b; i++) this.sf[state.ids[i]!]!++;
        if (f === F_WORDS || f === F_ENT) for (let i = a; i < b; i++) this.post(state.ids[i]!, s);
      }
      if (!index) return;
      const tk = this.textKeys(state);
      for (let i = 0; i < this.textKeyCount; i++) this.post(tk[i]!, s);
      return;
    }
    if (s.sum === null) {
      // Second item: the story gets centroid maps, starting from its first item's vector.
      const first = this.itemsById.get(s.items[0]!)!;
      const c = new Centroid(first.e3 + state.e3);
      for (let i = 0; i < first.e3; i++) c.push(first.ids[i]!, first.w[i]!);
      s.sum = c;
    }
    const textKeys = index ? this.textKeys(state) : NO_IDS;
    const nText = index ? this.textKeyCount : 0;
    for (let f = 0; f < FAMILIES; f++) {
      const a = fStart(state, f);
      const b = fEnd(state, f);
      if (a === b) continue;
      const m: Centroid = s.sum;
      let n2 = s.norm2[f]!;
      for (let i = a; i < b; i++) {
        const id = state.ids[i]!;
        const w = state.w[i]!;
        const e = m.find(id);
        if (e < 0) {
          m.push(id, w);
          n2 += w * w;
          if (!index) continue;
          this.sf[id]!++;
          if (f === F_WORDS || f === F_ENT || (f === F_TEXT && indexOf(textKeys, nText, id) >= 0)) this.post(id, s);
        } else {
          const old = m.vals[e]!;
          m.vals[e] = old + w;
          n2 += 2 * old * w + w * w;
        }
      }
      s.norm2[f] = n2;
      s.has[f]!++;
    }
  }

  /**
   * The text terms a story is found by: the item's heaviest (the rarest), seen before or not (a name
   * new to the stream is what the story's next items will share). Into a scratch array: `textKeyCount` long.
   */
  private textKeys(state: ItemState): Int32Array {
    const out = this.textKeyScratch;
    const ws = this.textKeyWs;
    let n = 0;
    for (let i = state.e2; i < state.e3; i++) {
      const w = state.w[i]!;
      // Insertion into the top QUERY_TERMS by weight (ties: the lower id, as ids ascend).
      if (n === QUERY_TERMS && !(w > ws[n - 1]!)) continue;
      let j = n < QUERY_TERMS ? n++ : n - 1;
      while (j > 0 && w > ws[j - 1]!) {
        out[j] = out[j - 1]!;
        ws[j] = ws[j - 1]!;
        j--;
      }
      out[j] = state.ids[i]!;
      ws[j] = w;
    }
    this.textKeyCount = n;
    return out;
  }

  private post(term: number, story: Story): void {
    const list = this.postings[this.keyOf[term]!]!;
    if (list.length && list[list.length - 1] === story) return;
    list.push(story);
    if (list.length > POSTING_COMPACT && (list.length & 1023) === 0) this.compact(term);
  }

  /** Drops merged stories and stories far outside the window of the newest item from a posting list. */
  private compact(term: number): void {
    const key = this.keyOf[term]!;
    const list = this.postings[key]!;
    let newest = 0;
    for (let i = Math.max(0, list.length - 64); i < list.length; i++) newest = Math.max(newest, list[i]!.last);
    const cutoff = newest - 4 * this.options.windowDays * DAY;
    const seen = new Set<Story>();
    const kept: Story[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i]!;
      if (s.mergedInto !== null || s.last < cutoff || seen.has(s)) continue;
      seen.add(s);
      kept.push(s);
    }
    kept.reverse();
    this.postings[key] = kept;
  }

  /** Takes an item's vector out of its story (a split). */
  private unplace(state: ItemState): void {
    const s = this.storiesById.get(state.story)!;
    s.items = s.items.filter((i) => i !== state.id);
    s.titleCache = null;
    this.rebuild(s);
  }

  /** Recomputes a story's centroid and span from its items. */
  private rebuild(s: Story, index = true): void {
    const items = s.items;
    s.items = [];
    clearStory(s);
    for (const i of items) {
      const st = this.itemsById.get(i)!;
      this.addVector(s, st, index);
      s.items.push(i);
      if (st.published < s.first) s.first = st.published;
      if (st.published > s.last) s.last = st.published;
    }
  }

  /** Merges story b into a, the older (lower id) surviving; returns the story that was merged away. */
  private mergeStories(a: number, b: number): number {
    const keep = this.storiesById.get(Math.min(a, b))!;
    const gone = this.storiesById.get(Math.max(a, b))!;
    for (const i of gone.items) {
      const st = this.itemsById.get(i)!;
      this.addVector(keep, st);
      keep.items.push(i);
      st.story = keep.id;
      if (st.published < keep.first) keep.first = st.published;
      if (st.published > keep.last) keep.last = st.published;
    }
    gone.items = [];
    gone.sum = null;
    gone.meaning = null;
    gone.sentence = null;
    gone.mergedInto = keep.id;
    if (gone.seams) for (const m of gone.seams) addSeam(keep, m);
    gone.seams = null;
    keep.titleCache = null;
    if (!keep.titleOverride && gone.titleOverride) keep.titleOverride = gone.titleOverride;
    for (const [g, sid] of this.groupStory) if (sid === gone.id) this.groupStory.set(g, keep.id);
    return gone.id;
  }

  /** Whether a story holds an item an editor merged or split (a must-link group): such a story is never split automatically. */
  private hasGroup(s: Story): boolean {
    if (!this.group.size) return false;
    for (const i of s.items) if (this.group.has(i)) return true;
    return false;
  }

  /** A story's centroid over some of its items, outside the index (no postings, no statistics): a seam's side. */
  private sideOf(items: ItemState[]): Story {
    const s: Story = {
      id: -1, items: [], sum: null, norm2: new Float64Array(FAMILIES), has: new Int32Array(FAMILIES), first: Infinity, last: -Infinity, mergedInto: null,
      titleOverride: null, titleCache: null, closed: false, voteEpoch: 0, vote: 0, spec: 0, strong: 0, meaning: null, meaning2: 0, sentence: null, sentence2: 0, seams: null,
    };
    for (const st of items) this.addToSide(s, st);
    return s;
  }

  private addToSide(s: Story, st: ItemState): void {
    this.addVector(s, st, false);
    s.items.push(st.id);
    if (st.published < s.first) s.first = st.published;
    if (st.published > s.last) s.last = st.published;
  }

  /** An item's similarity to a seam's side, leaving the item being added untouched (its cross vectors). */
  private sideSimilarity(st: ItemState, side: Story): number {
    const ready = this.crossReady;
    const cross = st.cross;
    this.crossReady = false;
    const sc = this.similarity(st, side, 0);
    st.cross = cross;
    this.crossReady = ready;
    return sc;
  }

  /**
   * After `state` joined story `s`: checks its seams (none while the story has more than
   * `seamMaxItems` items or holds an editor's group; a seam counts for items within `seamHours` after
   * it), and splits off the side of the first that has opened. The story's items are taken in stream
   * order (time, then id), so a story restored on start decides as it would have.
   */
  private checkSeams(s: Story, state: ItemState): AutoSplit | null {
    const o = this.options;
    if (!s.seams || s.items.length > o.seamMaxItems + 1 || this.hasGroup(s)) return null;
    // The two sides hold every item of the story: when every item must have a text, one without says no.
    if (o.seamText >= 1 && s.has[F_TEXT]! < s.items.length) return null;
    const hours = o.seamHours * 3_600_000;
    let ordered: ItemState[] | null = null;
    for (const m of s.seams) {
      if (state.published - m.at > hours) continue;
      ordered ??= s.items.map((i) => this.itemsById.get(i)!).sort(stateOrder);
      const preSet = new Set(m.pre);
      const pre = ordered.filter((st) => preSet.has(st.id));
      const own = this.itemsById.get(m.item)!;
      if (!pre.length || own.story !== s.id) continue;
      const preSide = this.sideOf(pre);
      const seamSide = this.sideOf([own]);
      for (const st of ordered) {
        if (st === own || preSet.has(st.id)) continue;
        if (this.sideSimilarity(st, seamSide) > this.sideSimilarity(st, preSide)) this.addToSide(seamSide, st);
        else this.addToSide(preSide, st);
      }
      if (seamSide.items.length < o.seamMin || preSide.items.length < o.seamPreMin) continue;
      if (o.seamText > 0 && (preSide.has[F_TEXT]! < o.seamText * preSide.items.length || seamSide.has[F_TEXT]! < o.seamText * seamSide.items.length)) continue;
      const cross = this.storySimilarity(preSide, seamSide);
      if (cross >= o.seamSimilarity) continue;
      if (o.seamRatio > 0 && !this.coherent(seamSide, o.seamRatio * cross)) continue;
      return this.autoSplit(s, seamSide.items);
    }
    return null;
  }

  /** Seams whose item has left story `s` go with it to its story. */
  private relocateSeams(s: Story): void {
    if (!s.seams) return;
    const stay: Seam[] = [];
    for (const m of s.seams) {
      const st = this.itemsById.get(m.item);
      if (!st) continue;
      if (st.story === s.id) stay.push(m);
      else addSeam(this.storiesById.get(st.story)!, m);
    }
    s.seams = stay.length ? stay : null;
  }

  /** Every item of a side is at least `min` alike to the rest of it. */
  private coherent(side: Story, min: number): boolean {
    for (const id of side.items) {
      const rest = this.sideOf(side.items.filter((i) => i !== id).map((i) => this.itemsById.get(i)!));
      if (this.sideSimilarity(this.itemsById.get(id)!, rest) < min) return false;
    }
    return true;
  }

  /** Moves `items` out of story `s` into a new story (not an editor's decision: nothing recorded). */
  private autoSplit(s: Story, items: string[]): AutoSplit {
    const moving = new Set(items);
    s.items = s.items.filter((i) => !moving.has(i));
    s.titleCache = null;
    // Its postings stay (a story is found by terms it once held; scoring decides).
    this.rebuild(s, false);
    const target = this.nextStory++;
    for (const i of items) this.place(this.itemsById.get(i)!, target);
    this.relocateSeams(s);
    return { from: s.id, story: target, items: [...items] };
  }

  /** The editor's title, else the item most central to the story with the fewest marks of spin. */
  private title(s: Story): string {
    if (s.titleOverride) return s.titleOverride;
    if (s.titleCache !== null) return s.titleCache;
    let best = '';
    let bestScore = -Infinity;
    for (const id of s.items) {
      const it = this.itemsById.get(id)!;
      let score = s.items.length > 1 ? this.centrality(it, s) : 1;
      score -= headlineSpin(it.title);
      if (score > bestScore || (score === bestScore && it.title < best)) {
        best = it.title;
        bestScore = score;
      }
    }
    s.titleCache = best;
    return best;
  }

  private centrality(it: ItemState, s: Story): number {
    if (!s.sum) return 1;
    let total = 0;
    for (const [f, w] of CENTRALITY) {
      const a = fStart(it, f);
      const b = fEnd(it, f);
      if (a === b) continue;
      const m = s.sum;
      let dot = 0;
      for (let i = a; i < b; i++) {
        const e = m.find(it.ids[i]!);
        dot += it.w[i]! * (e >= 0 ? m.vals[e]! : 0);
      }
      total += (w * dot) / (Math.sqrt(s.norm2[f]!) || 1);
    }
    return total / 2;
  }

  /** Rename constraints replayed after a re-cluster: each goes to the story holding most of its items. */
  applyRenames(): void {
    for (const r of this.renames) {
      const count = new Map<number, number>();
      for (const i of r.items) {
        const s = this.itemsById.get(i)?.story;
        if (s !== undefined) count.set(s, (count.get(s) ?? 0) + 1);
      }
      let best = -1;
      let n = 0;
      for (const [s, c] of count) if (c > n || (c === n && s < best)) [best, n] = [s, c];
      if (best !== -1) this.storiesById.get(best)!.titleOverride = r.title;
    }
  }
}

/** How much a headline reads as spin rather than report: questions, exclamations, capitals, quotes, clickbait. */
export function headlineSpin(t: string): number {
  let p = 0;
  if (/[?!]/.test(t)) p += 0.15;
  if (/\b[A-Z]{4,}\b/.test(t.replace(/\b(?:NATO|NASA|FIFA|UEFA|OPEC|NASDAQ|AIDS|COVID)\b/g, ''))) p += 0.1;
  if (/["“”‘’']/.test(t)) p += 0.05;
  if (/^(?:watch|video|opinion|analysis|live|why|how|what|is|are|will|this|these|here)\b/i.test(t)) p += 0.1;
  if (/\b(?:slams?|blasts?|destroys?|shocking|stunning|outrage|furious|epic|you won't|must see|finally)\b/i.test(t)) p += 0.1;
  if (/[:|]/.test(t)) p += 0.03;
  const len = t.length;
  if (len < 25) p += 0.1;
  else if (len > 120) p += 0.1;
  return p;
}

/** A story's centroids, names count and span emptied (its items list is the caller's). */
function clearStory(s: Story): void {
  s.sum = null;
  s.norm2.fill(0);
  s.has.fill(0);
  s.strong = 0;
  s.meaning = null;
  s.meaning2 = 0;
  s.sentence = null;
  s.sentence2 = 0;
  s.first = Infinity;
  s.last = -Infinity;
}

/** Candidates by vote, the more votes first, ties to the older story. */
function byVote(a: Story, b: Story): number {
  return b.vote - a.vote || a.id - b.id;
}

/**
 * The first `k` of `a[0..n)` in byVote order, moved to its front in that order (an insertion into a
 * sorted prefix: no allocation, unlike Array.prototype.sort); returns min(n, k). byVote is a total
 * order (ids are unique), so this is what a sort and a truncation give.
 */
function topByVote(a: Story[], n: number, k: number): number {
  if (k <= 0) return 0;
  let len = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if (len === k && byVote(x, a[k - 1]!) >= 0) continue;
    let j = len < k ? len++ : k - 1;
    while (j > 0 && byVote(x, a[j - 1]!) < 0) {
      a[j] = a[j - 1]!;
      j--;
    }
    a[j] = x;
  }
  return len;
}

/** The tokens of a lead's first `words` words (a token is a word, or part of a hyphenated one). */
function leadTokens(tokens: RawToken[], words: number): RawToken[] {
  return tokens.length <= words ? tokens : tokens.slice(0, words);
}

/** Dot product of two L2-normalised sparse vectors, each given as ids and weights from its start to its end (a merge-join: ids ascend). */
function dotRanges(xi: Int32Array, xw: Float32Array, x0: number, x1: number, yi: Int32Array, yw: Float32Array, y0: number, y1: number): number {
  let dot = 0;
  let i = x0;
  let j = y0;
  while (i < x1 && j < y1) {
    const a = xi[i]!;
    const b = yi[j]!;
    if (a === b) dot += xw[i++]! * yw[j++]!;
    else if (a < b) i++;
    else j++;
  }
  return dot;
}

/** Where id is in the ascending ids from a to b, or -1. */
function findSorted(ids: Int32Array, a: number, b: number, id: number): number {
  let lo = a;
  let hi = b - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    const v = ids[m]!;
    if (v === id) return m;
    if (v < id) lo = m + 1;
    else hi = m - 1;
  }
  return -1;
}

/** Cosine of two items in family f. */
function cosineOf(x: ItemState, y: ItemState, f: number): number {
  return dotRanges(x.ids, x.w, fStart(x, f), fEnd(x, f), y.ids, y.w, fStart(y, f), fEnd(y, f));
}

function indexOf(a: Int32Array, n: number, x: number): number {
  for (let i = 0; i < n; i++) if (a[i] === x) return i;
  return -1;
}

/** Stream order of items kept in memory (time, then id). */
function stateOrder(a: ItemState, b: ItemState): number {
  return a.published - b.published || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Puts a seam into a story's list, kept in (time, item id) order. */
function addSeam(s: Story, m: Seam): void {
  const list = (s.seams ??= []);
  let j = list.length;
  while (j > 0 && (list[j - 1]!.at > m.at || (list[j - 1]!.at === m.at && list[j - 1]!.item > m.item))) j--;
  list.splice(j, 0, m);
}

/** The order every run processes items in: published time, then id (so ties do not depend on input order). */
export function streamOrder(a: WireItem, b: WireItem): number {
  return a.published - b.published || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Clusters a set of items exactly as the live wire would have, one at a time in stream order, keeping
 * the editors' constraints. Returns each item's story (stories numbered from 1 in order of creation),
 * and the seams the items opened (item -> the items its story held before it: what the live wire stores).
 */
export function clusterItems(
  items: WireItem[],
  options: Partial<ClusterOptions> = {},
  constraints: Constraint[] = [],
): { assignments: Map<string, number>; clusterer: StoryClusterer; seams: Map<string, string[]> } {
  const c = new StoryClusterer(options, constraints);
  const sorted = [...items].sort(streamOrder);
  const seams = new Map<string, string[]>();
  for (const it of sorted) {
    const a = c.add(it);
    if (a.seam) seams.set(it.id, a.seam);
  }
  c.applyRenames();
  const assignments = new Map<string, number>();
  for (const it of items) assignments.set(it.id, c.storyOf(it.id)!);
  return { assignments, clusterer: c, seams };
}
