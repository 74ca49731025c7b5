// Learns the story clusterer's model of a join under the threshold (`lowModel`, decision 0042, eighth
// round) from the development sets only, and prints its weights.
//
//   node --import tsx bench/lib/cluster-train.ts [--seeds N (8)] [--rounds N (3)] [--lambda X (1)] [--synthetic N (6000)] [--options JSON] [--exclude REGEX]
//
// Every item whose best story scores under the threshold is a decision: join that story or start a
// new one. Its features (StoryClusterer.lowSink) are labelled "join" when most of the best story's
// items are of the item's own story. The sets are the tuning sets of decision 0060: the fixture, the
// dev split's headline stream and its two L/C/R sets (the default draw and N other draws of the same
// stories), and synthetic dev streams (seeds that no held-out set uses). The first round collects
// the decisions the rules make; each further round collects those the last model makes, added to
// the rest (the states a model leads to are the ones it must decide in). Each set weighs the same,
// whatever its size. The fit is logistic regression with an L2 penalty (not on the bias), by Newton's
// method. The held-out splits are never read here. --exclude leaves out the dev sets whose name matches
// (e.g. "aggregator": the model of decision 0042 as it was before the big-story sets of decision 0083).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOW_FEATURES, StoryClusterer, streamOrder, type ClusterOptions } from '../../src/newswire/cluster/clusterer.ts';
import { outletNames, syntheticStream, type LabelledItem } from './cluster-synthetic.ts';
import { evalSets, readLabelled } from './cluster-eval.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { seeds: { type: 'string' }, rounds: { type: 'string' }, lambda: { type: 'string' }, synthetic: { type: 'string' }, options: { type: 'string' }, exclude: { type: 'string' } } });
const seeds = Number(values.seeds ?? 8);
const rounds = Number(values.rounds ?? 3);
const lambda = Number(values.lambda ?? 1);
const synthItems = Number(values.synthetic ?? 6000);
const base: Partial<ClusterOptions> = values.options ? JSON.parse(values.options) : {};
const exclude = values.exclude ? new RegExp(values.exclude) : null;

interface TrainSet {
  name: string;
  items: LabelledItem[];
}

function trainingSets(): TrainSet[] {
  const out: TrainSet[] = [];
  const fixtureDir = path.join(root, 'test/fixtures/wire-cluster');
  for (const f of fs.readdirSync(fixtureDir).filter((f) => f.endsWith('.jsonl')).sort()) out.push({ name: `fixture ${f}`, items: readLabelled(path.join(fixtureDir, f)) });
  for (let r = 0; r <= seeds; r++) for (const s of evalSets(true, r)) if (s.name.includes('dev') && !exclude?.test(s.name)) out.push({ name: `${s.name} #${r}`, items: s.items });
  const outlets = outletNames();
  // Synthetic dev is seed 11; the held-out streams are 29 and 31.
  for (const seed of [11, 12, 13]) out.push({ name: `synthetic ${seed}`, items: syntheticStream({ seed, items: synthItems, days: 5, outlets }) });
  for (const seed of [14, 15]) out.push({ name: `synthetic ${seed}, smaller`, items: syntheticStream({ seed, items: synthItems / 3, days: 5, outlets }) });
  return out;
}

interface Sample {
  x: Float64Array;
  y: number;
  w: number;
}

function collect(set: TrainSet, opts: Partial<ClusterOptions>): { samples: Sample[]; ruleRight: number } {
  const truth = new Map(set.items.map((i) => [i.id, i.story]));
  const c = new StoryClusterer(opts);
  const samples: Sample[] = [];
  let ruleRight = 0;
  c.lowSink = (item, story, x, rule) => {
    const counts = new Map<string, number>();
    for (const id of c.story(story)!.items) counts.set(truth.get(id)!, (counts.get(truth.get(id)!) ?? 0) + 1);
    let top = '';
    let n = 0;
    for (const [k, v] of counts) if (v > n || (v === n && k < top)) [top, n] = [k, v];
    const y = top === truth.get(item) ? 1 : 0;
    if ((rule ? 1 : 0) === y) ruleRight++;
    samples.push({ x: Float64Array.from(x), y, w: 1 });
  };
  for (const it of [...set.items].sort(streamOrder)) c.add(it);
  for (const s of samples) s.w = 1 / Math.max(1, samples.length);
  return { samples, ruleRight };
}

/** L2-penalised logistic regression by Newton's method; the bias (feature 0) is not penalised. */
function fit(samples: Sample[]): number[] {
  const d = LOW_FEATURES;
  const total = samples.reduce((a, s) => a + s.w, 0);
  const w = new Float64Array(d);
  for (let iter = 0; iter < 50; iter++) {
    const g = new Float64Array(d);
    const h = Array.from({ length: d }, () => new Float64Array(d));
    for (const s of samples) {
      let z = 0;
      for (let i = 0; i < d; i++) z += w[i]! * s.x[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const sw = s.w / total;
      for (let i = 0; i < d; i++) {
        g[i] += sw * (p - s.y) * s.x[i]!;
        for (let j = 0; j < d; j++) h[i]![j] += sw * p * (1 - p) * s.x[i]! * s.x[j]!;
      }
    }
    const reg = lambda / samples.length;
    for (let i = 1; i < d; i++) {
      g[i] += reg * w[i]!;
      h[i]![i] += reg;
    }
    for (let i = 0; i < d; i++) h[i]![i] += 1e-9;
    const step = solve(h, g);
    let size = 0;
    for (let i = 0; i < d; i++) {
      w[i] -= step[i]!;
      size += Math.abs(step[i]!);
    }
    if (size < 1e-8) break;
  }
  return [...w].map((v) => Math.round(v * 1e4) / 1e4);
}

/** Gaussian elimination with partial pivoting. */
function solve(a: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / piv;
      if (f) for (let k = c; k <= n; k++) m[r]![k] -= f * m[c]![k]!;
    }
  }
  return Float64Array.from(m.map((r, i) => r[n]! / (r[i] || 1e-12)));
}

const sets = trainingSets();
let pool: Sample[] = [];
let model: number[] | null = null;
for (let round = 0; round < rounds; round++) {
  const opts = { ...base, lowModel: model };
  let right = 0;
  let n = 0;
  let modelRight = 0;
  for (const s of sets) {
    const { samples, ruleRight } = collect(s, opts);
    right += ruleRight;
    n += samples.length;
    if (model) for (const x of samples) {
      let z = 0;
      for (let i = 0; i < LOW_FEATURES; i++) z += model[i]! * x.x[i]!;
      if ((z >= 0 ? 1 : 0) === x.y) modelRight++;
    }
    pool.push(...samples);
  }
  model = fit(pool);
  console.log(`round ${round + 1}: ${n} decisions under the threshold; the rules right on ${((100 * right) / n).toFixed(1)}%${round ? `, the last model on ${((100 * modelRight) / n).toFixed(1)}%` : ''}`);
}
console.log(JSON.stringify(model));
