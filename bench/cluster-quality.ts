// Clustering quality: B-cubed and pairwise precision/recall/F1 of the story clusterer on every
// labelled set at hand, beside a reference clusterer (exact match of normalised headlines) measured in
// the same run.
//
//   node --import tsx bench/cluster-quality.ts [--data DIR]... [--tune] [--quick] [--options JSON] [--seeds N] [--sentences LEAD_WORDS]
//
// Sets: the self-written fixture (test/fixtures/wire-cluster/), the demo publication's articles grouped
// by story, the self-written left/center/right stories as headline streams and L/C/R sets, dev and test
// splits (bench/lib/cluster-eval.ts, test/fixtures/wire-cluster-eval/), synthetic streams (bench/lib/cluster-synthetic.ts; outlet names from
// ../shared/datasets/outlet-ratings when present), and every labelled JSONL file in each --data DIR
// (default ../shared/datasets/cluster-eval; skipped with a message when absent): one item a line,
// {"id","title","text"?,"outlet"?,"url"?,"published","story"}. The fixture and sets whose name contains
// "dev" are the tuning sets: --tune grid-searches the options on them only and reports the best on all
// the others. --seeds N also runs the self-written sets rebuilt from N other seeds (other outlets, URLs,
// times, ids; the same stories) and prints each set's mean B-cubed F1 over them: how far a change moves
// a set beyond the draw of one seed (decision 0042, sixth round). --sentences N gives every item a
// sentence vector (Universal Sentence Encoder, bench/lib/sentence-encoder.ts; its headline and the first N
// words of its text, 0: the headline alone) for the sentence family, which --options must turn on
// ({"sentence":1}; decision 0081): an experiment, the encoder is not a dependency.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterItems, defaultClusterOptions, streamOrder, type ClusterOptions, type WireItem } from '../src/newswire/cluster/clusterer.ts';
import { scoreClustering, type ClusteringScores } from '../src/newswire/cluster/metrics.ts';
import { articles } from '../src/demo/content.ts';
import { outletNames, syntheticStream, type LabelledItem } from './lib/cluster-synthetic.ts';
import { demoWireSet, evalSets, readLabelled } from './lib/cluster-eval.ts';
import { embedSentences, encoderTime, sentenceText } from './lib/sentence-encoder.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { data: { type: 'string', multiple: true }, tune: { type: 'boolean' }, quick: { type: 'boolean' }, options: { type: 'string' }, seeds: { type: 'string' }, sentences: { type: 'string' } } });
const sentenceLead = values.sentences === undefined ? null : Number(values.sentences);

/** Gives each item its sentence vector when --sentences is on. */
async function withSentences(items: LabelledItem[]): Promise<void> {
  if (sentenceLead === null) return;
  const vs = await embedSentences(items.map((i) => sentenceText(i, sentenceLead)));
  items.forEach((it, j) => (it.sentence = vs[j]));
}

interface EvalSet {
  name: string;
  items: LabelledItem[];
}

function demoSet(): EvalSet {
  const t0 = Date.parse('2026-11-20T12:00:00Z');
  return {
    name: 'demo articles',
    items: articles.map((a, i) => ({
      id: `demo${i}`,
      title: a.headline,
      text: `${a.dek} ${a.body.replace(/[#*_`>]/g, ' ')}`,
      outlet: 'The Ledger',
      url: `https://ledger.example/${a.slug}`,
      published: t0 - (a.daysAgo ?? 0) * 86_400_000 + (a.hour ?? 9) * 3_600_000,
      story: a.storyKey ?? a.slug,
    })),
  };
}

function sets(quick: boolean): { sets: EvalSet[]; skipped: string[] } {
  const out: EvalSet[] = [];
  const skipped: string[] = [];
  const fixtureDir = path.join(root, 'test/fixtures/wire-cluster');
  if (fs.existsSync(fixtureDir)) for (const f of fs.readdirSync(fixtureDir).filter((f) => f.endsWith('.jsonl')).sort()) out.push({ name: `fixture ${f.replace(/\.jsonl$/, '')}`, items: readLabelled(path.join(fixtureDir, f)) });
  out.push(demoSet());
  out.push(demoWireSet());
  out.push(...evalSets());
  const outlets = outletNames();
  const n = quick ? 2000 : 6000;
  out.push({ name: 'synthetic dev', items: syntheticStream({ seed: 11, items: n, days: 5, outlets }) });
  out.push({ name: 'synthetic held-out', items: syntheticStream({ seed: 29, items: n, days: 5, outlets }) });
  out.push({ name: 'synthetic held-out, headlines only', items: syntheticStream({ seed: 31, items: n, days: 5, outlets, textShare: 0, genericShare: 0 }) });
  const dirs = values.data?.length ? values.data : [path.resolve(root, '../shared/datasets/cluster-eval')];
  for (const d of dirs) {
    if (!fs.existsSync(d)) {
      skipped.push(`${d}: not found, its sets skipped`);
      continue;
    }
    for (const f of fs.readdirSync(d).filter((f) => f.endsWith('.jsonl')).sort()) out.push({ name: f.replace(/\.jsonl$/, ''), items: readLabelled(path.join(d, f)) });
  }
  return { sets: out, skipped };
}

/** The reference: items with the same normalised headline form a story. */
function exactTitleBaseline(items: WireItem[]): Map<string, number> {
  const byTitle = new Map<string, number>();
  const out = new Map<string, number>();
  for (const it of [...items].sort(streamOrder)) {
    const k = it.title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    let s = byTitle.get(k);
    if (s === undefined) byTitle.set(k, (s = byTitle.size + 1));
    out.set(it.id, s);
  }
  return out;
}

function evaluate(set: EvalSet, opts: Partial<ClusterOptions>): ClusteringScores {
  const truth = new Map(set.items.map((i) => [i.id, i.story]));
  const { assignments } = clusterItems(set.items, opts);
  return scoreClustering(truth, assignments);
}

const pct = (x: number) => x.toFixed(3);

function report(all: EvalSet[], opts: Partial<ClusterOptions>): void {
  console.log(`set                                        items stories |  B3 P   B3 R   B3 F1 | pair P pair R pair F1 | ref B3 F1 ref pair F1`);
  for (const s of all) {
    const t0 = performance.now();
    const r = evaluate(s, opts);
    const ms = performance.now() - t0;
    const base = scoreClustering(new Map(s.items.map((i) => [i.id, i.story])), exactTitleBaseline(s.items));
    console.log(
      `${s.name.padEnd(42)} ${String(r.items).padStart(5)} ${String(r.trueStories).padStart(4)}/${String(r.predictedStories).padEnd(4)}| ${pct(r.bcubed.precision)}  ${pct(r.bcubed.recall)}  ${pct(r.bcubed.f1)} | ${pct(r.pairwise.precision)}  ${pct(r.pairwise.recall)}  ${pct(r.pairwise.f1)}  | ${pct(base.bcubed.f1)}     ${pct(base.pairwise.f1)}   (${ms.toFixed(0)} ms)`,
    );
  }
}

/** Tuning sets: names containing "dev", and the self-written fixture. Everything else is held out. */
const isDev = (name: string) => /dev|^fixture/.test(name);

function tune(dev: EvalSet[]): Partial<ClusterOptions> {
  let best: Partial<ClusterOptions> = {};
  let bestF = -1;
  const W = defaultClusterOptions.weights;
  for (const threshold of [0.22, 0.26, 0.3])
    for (const mergeThreshold of [0, 0.4])
      for (const gateFull of [0.25, 0.5])
        for (const lowThreshold of [0, 0.14])
          for (const entityGate of [0.3]) {
            const opts: Partial<ClusterOptions> = { threshold, mergeThreshold, gateFull, lowThreshold, margin: 3, entityGate, decayDays: 1.5, weights: { ...W, grams: 0.3, text: 1.5 } };
            const scores = dev.map((s) => evaluate(s, opts).bcubed.f1);
            const f = scores.reduce((a, b) => a + b, 0) / scores.length;
            console.log(`  ${pct(f)} [${scores.map(pct).join(' ')}] ${JSON.stringify(opts)}`);
            if (f > bestF) {
              bestF = f;
              best = opts;
            }
          }
  console.log(`tuned on ${dev.map((s) => s.name).join(', ')}: mean B3 F1 ${pct(bestF)} with ${JSON.stringify(best)}`);
  return best;
}

const { sets: all, skipped } = sets(Boolean(values.quick));
for (const s of all) await withSentences(s.items);
if (encoderTime.texts) console.log(`sentence encoder: ${encoderTime.texts} texts in ${encoderTime.ms.toFixed(0)} ms (${(encoderTime.ms / encoderTime.texts).toFixed(2)} ms each, batches of 100; load ${encoderTime.loadMs.toFixed(0)} ms)`);
for (const s of skipped) console.log(`skipped: ${s}`);
if (values.tune) {
  const dev = all.filter((s) => isDev(s.name));
  const best = tune(dev);
  report(all.filter((s) => !isDev(s.name)), best);
} else {
  const given: Partial<ClusterOptions> = values.options ? JSON.parse(values.options) : {};
  console.log(`options: ${JSON.stringify({ ...defaultClusterOptions, ...given })}`);
  report(all, given);
  const n = Number(values.seeds ?? 0);
  if (n > 0) {
    const f1 = new Map<string, number[]>();
    for (let k = 1; k <= n; k++)
      for (const s of evalSets(true, k)) {
        await withSentences(s.items);
        f1.set(s.name, [...(f1.get(s.name) ?? []), evaluate(s, given).bcubed.f1]);
      }
    console.log(`B3 F1 over ${n} other seeds: mean (min-max)`);
    for (const [name, v] of f1) console.log(`${name.padEnd(42)} ${pct(v.reduce((a, b) => a + b, 0) / v.length)} (${pct(Math.min(...v))}-${pct(Math.max(...v))})`);
  }
}
