// The clusterer's tokenizer (rawTokens in src/newswire/cluster/text.ts) scans for its tokens instead of
// running s.matchAll(TOKEN) (decision 0074): it must give exactly the tokens the expression-based
// version gave, which is kept here as the reference, on the fixture's headlines and texts and on
// random strings of letters (ASCII, accented, capital and not, astral), digits, the punctuation tokens
// carry, sentence marks, quotes, spaces and lone surrogates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TOKEN, rawTokens, type RawToken } from '../src/newswire/cluster/text.ts';
import { rng } from '../bench/lib/cluster-synthetic.ts';

const T = { timeout: 60_000 };

const ABBREV = new Set('mr mrs ms dr sen rep gov gen lt col sgt capt prof st mt ft jr sr inc corp co ltd bros vs no nos approx dept est fig univ'.split(' '));
function isAbbreviation(token: string): boolean {
  const t = token.replace(/[.!?]+$/, '');
  if (token.endsWith('!') || token.endsWith('?')) return false;
  if (t.length === 1 || t.includes('.')) return true;
  return ABBREV.has(t.toLowerCase());
}

/** rawTokens as it was written before the scan: s.matchAll(TOKEN) and the letters as a string. */
function referenceTokens(s: string): RawToken[] {
  const out: RawToken[] = [];
  let prevEnd = -1;
  let initial = true;
  let stop = false;
  for (const m of s.matchAll(TOKEN)) {
    let text = m[0];
    const gap = prevEnd >= 0 ? s.slice(prevEnd, m.index) : '';
    if (prevEnd >= 0 && (stop || /[.!?:]\s|["“”]\s*$/.test(gap))) initial = true;
    const apart = stop || /[^\s]/.test(gap);
    prevEnd = m.index! + text.length;
    stop = /[.!?]$/.test(text) && !isAbbreviation(text);
    text = text.replace(/['’]s$/i, '').replace(/['’.\-&]+$/, '');
    if (!text) continue;
    const hasDigit = /\p{N}/u.test(text);
    const first = text[0]!;
    const cap = first !== first.toLowerCase();
    const letters = text.replace(/[^\p{L}]/gu, '');
    const acronym = letters.length >= 2 && letters.length <= 5 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
    const lower = text.toLowerCase().replace(/\./g, '');
    const shouting = !acronym && letters.length > 5 && letters === letters.toUpperCase();
    out.push({ text, lower, cap: cap && !shouting, acronym, number: hasDigit, initial, apart });
    initial = false;
  }
  return out;
}

test('rawTokens gives the tokens of the expression-based tokenizer on the fixture headlines and texts', T, () => {
  const file = fileURLToPath(new URL('./fixtures/wire-cluster/stories.jsonl', import.meta.url));
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  let tokens = 0;
  for (const line of lines) {
    const it = JSON.parse(line) as { title: string; text?: string };
    for (const s of [it.title, it.text ?? '']) {
      const want = referenceTokens(s);
      assert.deepEqual(rawTokens(s), want, s);
      tokens += want.length;
    }
  }
  assert.ok(tokens > 500, `the fixture gave ${tokens} tokens`);
  // Hand-picked cases: possessives, acronyms with dots, shouting, sentence breaks, astral letters.
  for (const s of [
    "U.S. Sen. Warren's plan. Critics said: NO! The ECB's rate; Phoenix hits 118°F",
    'SHOCKING news: AT&T, $150M and 6.2% — “Quote” ends. Next',
    'Ça va? Élysée, ÉTÉ, ÆØÅ, straße, İstanbul, ǅemal, 𝐀𝐁𝐂 and 𝒶𝒷 𝟙𝟚, ²³ µ ª',
    'lone \ud800 high, lone \udc00 low, pair \ud835\udc00x, end \ud800',
    "rock'n'roll ’90s Trump’s O’Neill’s -dash- .dot. &amp; '' ’’ 2-for-1 1.5.6",
  ])
    assert.deepEqual(rawTokens(s), referenceTokens(s), s);
});

test('rawTokens gives the tokens of the expression-based tokenizer on 20,000 random strings', T, () => {
  // Fixed seed: the same strings every run.
  const r = rng(0x9e3779b9);
  const parts = [
    'a', 'b', 'z', 'A', 'Q', 'Z', 'e', 'i', 'o', 'u', 's', 'S', '0', '7', '9', "'", '’', '.', '&', '$', '%', '-', ' ', ' ', ' ', '\n', '\t', '\u00a0',
    ',', ';', ':', '!', '?', '"', '“', '”', '(', ')', '—', 'é', 'É', 'ß', 'ø', 'Ø', 'İ', 'ǅ', 'µ', 'ª', '²', '٣', 'ж', 'Ж', '中', '𝐀', '𝒶', '𝟙', '😀',
    '\ud800', '\udc00', "'s", '’s', 'U.S.', 'Mr.', 'Inc.', 'NATO', 'ECB', 'SHOCKING', 'Sen', 'the', 'The', '...', '. ', '! ', ': ', '" ',
  ];
  for (let k = 0; k < 20_000; k++) {
    let s = '';
    const len = Math.floor(r() * 40);
    for (let i = 0; i < len; i++) s += parts[Math.floor(r() * parts.length)];
    assert.deepEqual(rawTokens(s), referenceTokens(s), JSON.stringify(s));
  }
});
