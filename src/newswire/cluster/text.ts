// Text features for story clustering: headline clean-up, word tokens with a light stemmer, named-entity
// candidates (capitalised spans, acronyms, numbers), words from URL slugs, and character 4-grams for
// morphology ("Iraq"/"Iraqi", "Favreau"/"Favreau's"). Pure functions; the clusterer weighs them.

/** English function words and headline boilerplate that say nothing about which story an item is. */
const STOP = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by can could ' +
    'did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into ' +
    'is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she ' +
    'should so some such than that the their theirs them themselves then there these they this those through to too under until up very ' +
    'was we were what when where which while who whom why will with would you your yours yourself yourselves us via vs per amid among ' +
    "upon onto may might must shall yet still ever even much many one ones two new says say said will would could get gets got make makes " +
    'update updated updates latest breaking live watch video photos photo opinion analysis exclusive report reports reported news ' +
    "here's what's it's that's there's don't doesn't didn't won't can't isn't aren't wasn't weren't"
  ).split(/\s+/),
);

/** Capitalised words that name no one and nothing in particular: days, months, titles before a name. */
const NOT_NAMES = new Set(
  (
    'monday tuesday wednesday thursday friday saturday sunday january february march april june july august september october november december ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr sen rep gov president governor senator minister secretary chairman chair chief ceo'
  ).split(' '),
);

/** Words a headline writer capitalises in Title Case that are never names. */
const TITLE_FUNCTION = new Set('a an and as at but by for from in into nor of on or over so the to up via vs with'.split(' '));

/** Prefixes wire services put before headlines ("UPDATE 2-", "RPT-", "EXCLUSIVE-", "WATCH:"). */
const PREFIX =
  /^\s*(?:(?:update|updated|corrected|correction|refile|rpt|repeat|exclusive|breaking|analysis|factbox|explainer|instant view|wrapup|the latest|live|watch|video|photos|opinion|editorial|podcast)(?:\s*\d+)?\s*[-:–—|]\s*)+/i;

/** Cleans a headline for display and features: wire prefixes, the outlet's name appended, truncation marks. */
export function cleanTitle(title: string, outlet?: string | null): string {
  let t = title.replace(/\s+/g, ' ').trim();
  t = t.replace(PREFIX, '');
  if (outlet) {
    const re = outletSuffix(outlet);
    if (re) t = t.replace(re, '');
  }
  t = t.replace(/\s*(?:\.\.\.|…)\s*$/, '').replace(/\s+\|\s+[^|]{1,40}$/, '');
  return t.trim() || title.trim();
}

const suffixes = new Map<string, RegExp | null>();

/** " - Outlet Name" at the end of a headline (aggregators append it), one expression per outlet. */
function outletSuffix(outlet: string): RegExp | null {
  let re = suffixes.get(outlet);
  if (re !== undefined) return re;
  const o = outlet.replace(/\s*\(.*?\)\s*/g, '').trim();
  // After a dash or a bar, the outlet's name may go on for a word or two ("- BBC News", "| CNN Politics"
  // for the outlet "BBC", "CNN"); after a colon it must end there ("...: Reuters poll" is the headline's).
  const name = o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  re = o.length >= 2 ? new RegExp(`(?:\\s+[-–—|]\\s*(?:the\\s+)?${name}(?:\\s+[\\p{L}.]{1,12}){0,2}|\\s*:\\s*(?:the\\s+)?${name})\\s*$`, 'iu') : null;
  if (suffixes.size > 10_000) suffixes.clear();
  suffixes.set(outlet, re);
  return re;
}

/**
 * Countries and their peoples under one name ("British"/"Britain"/"UK" are one place to a reader, and
 * share no letters): a small fixed table of common English demonyms, keyed by their stems and applied after stemming.
 */
const PLACE = new Map<string, string>();
for (const [canon, ...forms] of [
  ['usa', 'america', 'american', 'americans'],
  ['uk', 'britain', 'british', 'briton'],
  ['france', 'french'],
  ['germany', 'german'],
  ['china', 'chinese'],
  ['japan', 'japanese'],
  ['netherlands', 'dutch'],
  ['switzerland', 'swiss'],
  ['spain', 'spanish'],
  ['greece', 'greek'],
  ['turkey', 'turkish'],
  ['sweden', 'swedish'],
  ['denmark', 'danish'],
  ['ireland', 'irish'],
  ['scotland', 'scottish'],
  ['wales', 'welsh'],
  ['israel', 'israeli', 'israelis'],
  ['russia', 'russian'],
  ['ukraine', 'ukrainian'],
  ['iran', 'iranian'],
  ['iraq', 'iraqi', 'iraqis'],
  ['syria', 'syrian'],
  ['lebanon', 'lebanese'],
  ['egypt', 'egyptian'],
  ['mexico', 'mexican'],
  ['canada', 'canadian'],
  ['india', 'indian'],
  ['pakistan', 'pakistani', 'pakistanis'],
  ['afghanistan', 'afghan'],
  ['korea', 'korean'],
  ['italy', 'italian'],
  ['brazil', 'brazilian'],
  ['australia', 'australian'],
  ['venezuela', 'venezuelan'],
  ['europe', 'european'],
  ['africa', 'african'],
  ['palestine', 'palestinian'],
  ['taiwan', 'taiwanese'],
  ['vietnam', 'vietnamese'],
  ['poland', 'pole'],
  ['norway', 'norwegian'],
  ['argentina', 'argentine', 'argentinian'],
  ['colombia', 'colombian'],
  ['nigeria', 'nigerian'],
  ['saudi', 'saudis'],
  ['romania', 'romanian'],
  ['hungary', 'hungarian'],
  ['serbia', 'serbian'],
  ['croatia', 'croatian'],
  ['bulgaria', 'bulgarian'],
  ['austria', 'austrian'],
  ['belgium', 'belgian'],
  ['portugal', 'portuguese'],
  ['finland', 'finnish', 'finn'],
  ['czechia', 'czech'],
  ['slovakia', 'slovak'],
  ['estonia', 'estonian'],
  ['latvia', 'latvian'],
  ['lithuania', 'lithuanian'],
  ['belarus', 'belarusian'],
  ['moldova', 'moldovan'],
  ['armenia', 'armenian'],
  ['azerbaijan', 'azerbaijani'],
  ['cuba', 'cuban'],
  ['haiti', 'haitian'],
  ['chile', 'chilean'],
  ['peru', 'peruvian'],
  ['ecuador', 'ecuadorian'],
  ['bolivia', 'bolivian'],
  ['thailand', 'thai'],
  ['indonesia', 'indonesian'],
  ['philippines', 'philippine', 'filipino', 'filipinos'],
  ['malaysia', 'malaysian'],
  ['bangladesh', 'bangladeshi'],
  ['kenya', 'kenyan'],
  ['ethiopia', 'ethiopian'],
  ['somalia', 'somali'],
  ['sudan', 'sudanese'],
  ['libya', 'libyan'],
  ['morocco', 'moroccan'],
  ['algeria', 'algerian'],
  ['tunisia', 'tunisian'],
  ['ghana', 'ghanaian'],
  ['congo', 'congolese'],
  ['rwanda', 'rwandan'],
  ['yemen', 'yemeni'],
  ['qatar', 'qatari'],
  ['kuwait', 'kuwaiti'],
  ['jordan', 'jordanian'],
  ['iceland', 'icelandic'],
  ['myanmar', 'burmese'],
  ['kurd', 'kurdish'],
]) for (const f of [canon, ...forms]) PLACE.set(stemWord(f!), canon!);

/** Light English stemmer (plurals, possessives, -ing/-ed/-ly: "ban"/"bans"/"banned"), then one name per country. */
export function stem(w: string): string {
  let s = stems.get(w);
  if (s !== undefined) return s;
  s = stemWord(w);
  s = PLACE.get(s) ?? s;
  // Memoised: a stream repeats its words; bounded so a long-running wire does not grow it forever.
  if (stems.size >= 200_000) stems.clear();
  stems.set(w, s);
  return s;
}

const stems = new Map<string, string>();

function stemWord(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith("'s") || w.endsWith('’s')) w = w.slice(0, -2);
  else if (w.endsWith("'") || w.endsWith('’')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 5 && /(?:sses|shes|ches|xes|zes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !/(?:ss|us|is|os|as)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) return restoreE(w.slice(0, -3));
  if (w.length > 4 && w.endsWith('ied')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && w.endsWith('eed')) return measure(w.slice(0, -3)) > 0 ? dropE(w.slice(0, -1)) : w;
  if (w.length > 4 && w.endsWith('ed')) return restoreE(w.slice(0, -2));
  if (w.length > 5 && w.endsWith('ly')) return w.slice(0, -2);
  return dropE(w);
}

/** Porter's measure: how many vowel-consonant sequences a stem has ("rul" 1, "announc" 2). */
function measure(w: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    const vowel: boolean = isVowel(c) || (c === 121 /* y */ && i > 0 && !prevVowel);
    if (!vowel && prevVowel) m++;
    prevVowel = vowel;
  }
  return m;
}

/** Ends consonant-vowel-consonant, the last not w, x or y ("rul", "hop", "vot"). */
function cvc(w: string): boolean {
  if (w.length < 3) return false;
  const a = w.charCodeAt(w.length - 3);
  const b = w.charCodeAt(w.length - 2);
  const c = w.charCodeAt(w.length - 1);
  return !isVowel(a) && isVowel(b) && !isVowel(c) && c !== 119 && c !== 120 && c !== 121; // not w, x, y
}

/** a, e, i, o, u */
function isVowel(c: number): boolean {
  return c === 97 || c === 101 || c === 105 || c === 111 || c === 117;
}

/**
 * After -ing/-ed: "banned" -> "ban" (a doubled consonant goes), "ruling" -> "rule", "voted" -> "vote"
 * (a short stem gets its e back), so that they meet "rules" and "votes"; longer stems stay ("announc").
 */
function restoreE(w: string): string {
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w)) return w.slice(0, -1);
  if (measure(w) === 1 && cvc(w)) return w + 'e';
  return w;
}

/** A final e goes unless the stem is short and ends consonant-vowel-consonant: "announce" -> "announc", "rule" stays. */
function dropE(w: string): string {
  if (w.length <= 3 || !w.endsWith('e')) return w;
  const s = w.slice(0, -1);
  const m = measure(s);
  return m > 1 || (m === 1 && !cvc(s)) ? s : w;
}

/** A raw token of a headline or text, with whether it was written with a capital and where it stands. */
export interface RawToken {
  /** As written, possessive removed. */
  text: string;
  lower: string;
  cap: boolean;
  /** All capitals and at least two letters ("NRA", "ECB"). */
  acronym: boolean;
  number: boolean;
  /** First word of the headline or of a sentence: its capital says nothing. */
  initial: boolean;
  /** Punctuation stands between it and the previous token ("Biden, Trump": two names, not one). */
  apart: boolean;
}

/** A token: a letter or a digit, then letters, digits and the punctuation words carry ("U.S.", "AT&T", "$5", "’s"). rawTokens scans for it. */
export const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’.&$%-]*/gu;

/** Abbreviations whose full stop ends no sentence ("Sen. Warren", "Acme Inc. said"). */
const ABBREV = new Set('mr mrs ms dr sen rep gov gen lt col sgt capt prof st mt ft jr sr inc corp co ltd bros vs no nos approx dept est fig univ'.split(' '));

export function rawTokens(s: string): RawToken[] {
  const out: RawToken[] = [];
  let prevEnd = -1;
  let initial = true;
  let stop = false;
  // The tokens TOKEN matches, found by scanning (no match array, no RegExp clone per call: the live
  // wire tokenises every item's headline and lead, decision 0074); test/wire-text.test.ts checks it
  // against s.matchAll(TOKEN).
  const n = s.length;
  let at = 0;
  while (at < n) {
    const start = tokenStart(s, at);
    if (start < 0) break;
    const end = tokenEnd(s, start);
    at = end;
    let text = s.slice(start, end);
    // Sentence break between the previous token and this one: punctuation in the gap, or a full stop
    // that the previous token took ("plan.\n\nCritics said": "Critics" opens a sentence). A semicolon
    // joins clauses, and a capital after it is a name ("heat grips the Southwest; Phoenix hits 118").
    const gap = prevEnd >= 0 ? s.slice(prevEnd, start) : '';
    if (prevEnd >= 0 && (stop || /[.!?:]\s|["“”]\s*$/.test(gap))) initial = true;
    const apart = stop || /[^\s]/.test(gap);
    prevEnd = end;
    stop = /[.!?]$/.test(text) && !isAbbreviation(text);
    text = text.replace(/['’]s$/i, '').replace(/['’.\-&]+$/, '');
    if (!text) continue;
    const hasDigit = /\p{N}/u.test(text);
    // The letters' count and case: by character codes for an ASCII token (its letters are A-Z and a-z),
    // by the letters' string otherwise.
    let letterCount = 0;
    let anyLower = false;
    let anyUpper = false;
    let ascii = true;
    for (let i = 0; i < text.length && ascii; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) ascii = false;
      else if (c >= 97 && c <= 122) {
        letterCount++;
        anyLower = true;
      } else if (c >= 65 && c <= 90) {
        letterCount++;
        anyUpper = true;
      }
    }
    let cap: boolean;
    let allUpper: boolean;
    let notAllLower: boolean;
    if (ascii) {
      const c0 = text.charCodeAt(0);
      cap = c0 >= 65 && c0 <= 90;
      allUpper = !anyLower;
      notAllLower = anyUpper;
    } else {
      const first = text[0]!;
      cap = first !== first.toLowerCase();
      const letters = text.replace(/[^\p{L}]/gu, '');
      letterCount = letters.length;
      allUpper = letters === letters.toUpperCase();
      notAllLower = letters !== letters.toLowerCase();
    }
    // Short all-capital words are acronyms ("NRA", "ECB"); longer ones are shouting ("SHOCKING").
    const acronym = letterCount >= 2 && letterCount <= 5 && allUpper && notAllLower;
    // Tokens such as "U.S." keep their dots; drop them for matching.
    const lower = text.toLowerCase().replace(/\./g, '');
    const shouting = !acronym && letterCount > 5 && allUpper;
    out.push({ text, lower, cap: cap && !shouting, acronym, number: hasDigit, initial, apart });
    initial = false;
  }
  return out;
}

/** A letter or a digit (one code point) at `lastIndex`; and one that may follow in a token. */
const TOKEN_FIRST = /[\p{L}\p{N}]/uy;
const TOKEN_NEXT = /[\p{L}\p{N}'’.&$%-]/uy;

/** Where the next token (TOKEN) starts at or after `from`, or -1. */
function tokenStart(s: string, from: number): number {
  for (let i = from; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) return i;
      i++;
      continue;
    }
    TOKEN_FIRST.lastIndex = i;
    if (TOKEN_FIRST.test(s)) return i;
    // A unicode expression tries each code point, never the second half of a surrogate pair.
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return -1;
}

/** Where the token that starts at `start` (its first code point a letter or a digit) ends. */
function tokenEnd(s: string, start: number): number {
  TOKEN_FIRST.lastIndex = start;
  TOKEN_FIRST.test(s);
  let i = TOKEN_FIRST.lastIndex;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      // Letters, digits and ' . & $ % -
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 39 || c === 46 || c === 38 || c === 36 || c === 37 || c === 45) {
        i++;
        continue;
      }
      return i;
    }
    TOKEN_NEXT.lastIndex = i;
    if (!TOKEN_NEXT.test(s)) return i;
    i = TOKEN_NEXT.lastIndex;
  }
  return i;
}

/** "U.S.", "J.", "Sen.": a full stop that ends an abbreviation or an initial, not a sentence. */
function isAbbreviation(token: string): boolean {
  const t = token.replace(/[.!?]+$/, '');
  if (token.endsWith('!') || token.endsWith('?')) return false;
  if (t.length === 1 || t.includes('.')) return true;
  return ABBREV.has(t.toLowerCase());
}

/** Whether a headline is in Title Case, where capitals do not mark names. */
export function isTitleCase(tokens: RawToken[]): boolean {
  let words = 0;
  let caps = 0;
  for (const t of tokens) {
    if (t.number || t.initial) continue;
    if (STOP.has(t.lower) && !TITLE_FUNCTION.has(t.lower)) continue;
    words++;
    if (t.cap) caps++;
  }
  return words >= 3 && caps / words > 0.75;
}

/**
 * A headline in capitals throughout ("TRUMP SIGNS BILL TO BAN TIKTOK"), written in Title Case
 * ("Trump Signs Bill To Ban Tiktok"), or null when it is not one. In capitals every short word reads
 * as an acronym, so every word would be a name; in Title Case the stream's own use of each word
 * (`capRatio` in entities()) tells the names from the rest, as for any Title Case headline.
 */
export function unshout(title: string): string | null {
  const letters = title.replace(/[^\p{L}]/gu, '');
  if (letters.length < 12 || letters !== letters.toUpperCase() || letters === letters.toLowerCase()) return null;
  return title.replace(/\p{L}+/gu, (w) => w[0] + w.slice(1).toLowerCase());
}

/** Word features: stemmed, lower case, no stop words, no pure punctuation. Hyphenated words also give their parts. */
export function words(tokens: RawToken[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (t.number) continue;
    // "US" and "U.S." are a country; "us" is a pronoun.
    const w = t.acronym && t.lower === 'us' ? 'usa' : t.lower.replace(/[$%]/g, '');
    if (w.length < 2 || STOP.has(w)) continue;
    if (w.includes('-')) {
      for (const p of w.split('-')) if (p.length >= 2 && !STOP.has(p)) out.push(stem(p));
      continue;
    }
    out.push(stem(w));
  }
  return out;
}

/** Numbers as features: "$150M" and "150 million" both give "150"; "6.2%" gives "6.2". Years are kept too. */
export function numbers(tokens: RawToken[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (!t.number) continue;
    const m = t.lower.match(/\d+(?:[.,]\d+)*/);
    if (!m) continue;
    const n = m[0].replace(/,(?=\d{3}\b)/g, '');
    if (n === '1' || n === '0') continue;
    out.push(n);
  }
  return out;
}

/**
 * Named-entity candidates: capitalised words that are not sentence-initial (or, in Title Case headlines,
 * words the stream has mostly seen capitalised: `capRatio`), acronyms, and adjacent pairs of them
 * ("neil young"). Lower case, stemmed.
 */
export function entities(tokens: RawToken[], titleCase: boolean, capRatio: (lower: string) => number): string[] {
  const out: string[] = [];
  let prev: string | null = null;
  for (const t of tokens) {
    let ent = false;
    if (t.acronym && t.lower === 'us') {
      ent = true;
    } else if (!t.number) {
      const w = t.lower;
      if (t.acronym && w.length >= 2 && !STOP.has(w)) ent = true;
      else if (t.cap && w.length >= 2 && !STOP.has(w) && !NOT_NAMES.has(w)) {
        if (!titleCase && !t.initial) ent = true;
        else ent = capRatio(w) >= 0.6;
      }
    }
    if (ent) {
      const e = t.acronym && t.lower === 'us' ? 'usa' : stem(t.lower.replace(/[$%]/g, ''));
      out.push(e);
      // "Kroger-Albertsons deal": each part is a name too.
      if (e.includes('-')) for (const p of e.split('-')) if (p.length >= 3 && !STOP.has(p)) out.push(stem(p));
      if (prev && !t.apart) out.push(prev + ' ' + e);
      prev = e;
    } else prev = null;
  }
  return out;
}

/** Words of the URL's slug (the path segment that reads like a headline), without ids and dates. */
export function slugWords(url: string | null | undefined): string[] {
  if (!url) return [];
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, '');
  }
  let best: string[] = [];
  for (const seg of path.split('/')) {
    const s = decodeSafe(seg).replace(/\.[a-z0-9]{2,5}$/i, '');
    const parts = s.split(/[-_+]+/).filter((p) => /^[\p{L}]{2,}$/u.test(p));
    if (parts.length > best.length && parts.length >= 3) best = parts;
  }
  return best.map((p) => p.toLowerCase()).filter((p) => !STOP.has(p)).map(stem);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Character 4-grams of each content word with boundary marks: " ira", "iraq", "raqi", "aqi ". */
export function charGrams(ws: string[], n = 4): string[] {
  const out: string[] = [];
  for (const w of ws) {
    if (w.length < 3) continue;
    const s = ` ${w} `;
    if (s.length <= n) {
      out.push(s);
      continue;
    }
    for (let i = 0; i + n <= s.length; i++) out.push(s.slice(i, i + n));
  }
  return out;
}

/** The first `maxWords` words of a text (the lead carries the story; the rest adds noise and cost). */
export function lead(text: string | null | undefined, maxWords: number): string {
  if (!text) return '';
  const t = text.replace(/\s+/g, ' ').trim();
  if (!t) return '';
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === ' ' && ++count >= maxWords) return t.slice(0, i);
  }
  return t;
}

export const isStopWord = (w: string) => STOP.has(w);
