// Extraction speed (issue #11): the code behind `newsdesk wire extract` (extractArticle, bytes in:
// decoding, parsing, metadata, text and sanitised HTML out) against Mozilla Readability 0.6.0 on
// linkedom (decoding, parseHTML, parse()), over the same pages held in memory, in the same run.
// Prints pages per second for both and the ratio (target: ours at least 1.5x).
//
//   node --import tsx bench/extraction.ts [--quick] [--rounds N]    (--quick, or BENCH_QUICK=1: 100 pages)
//
// Pages: the WCXB dev articles and Readability's test pages in ../shared/datasets (skips with a
// message, and a row that says so, when absent). Rounds alternate between the two extractors, and each one's best round is
// reported, so that a burst of load from another process on a shared machine hurts both alike.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import { extractArticle } from '../src/newswire/extract/index.ts';
import { parsePage } from '../src/newswire/extract/dom.ts';
import { decodeLikeBaseline, devSetsPresent, loadReadabilityTestPages, loadWcxb } from './lib/extraction-datasets.ts';
import { startBench } from './lib/harness.ts';

const bench = startBench({ name: 'extraction', limit: { full: 900, quick: 240 } });
const { values } = parseArgs({ args: bench.argv, options: { rounds: { type: 'string' } } });
const quick = bench.quick;
const rounds = Number(values.rounds ?? (quick ? 2 : 3));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number from 1, not "${values.rounds}"`);

if (!devSetsPresent()) {
  const why = `skipped: ../shared/datasets/extraction-dev is not there (the pages live outside the repository)`;
  console.log(why);
  bench.row({ name: 'extraction speed vs Readability', figure: null, unit: 'x', error: why, target: '>= 1.5x Readability on linkedom', pass: null });
  process.exit(0);
}
bench.waiting('reading the pages');

const pages = [...loadWcxb(quick ? 80 : Infinity), ...loadReadabilityTestPages(quick ? 20 : Infinity)].map((p) => ({ bytes: p.bytes, url: p.url }));
const mb = pages.reduce((s, p) => s + p.bytes.length, 0) / 1e6;

let sink = 0;
const ours = () => {
  for (const p of pages) sink += extractArticle(p.bytes, { url: p.url }).text.length;
};
const readability = () => {
  for (const p of pages) {
    const { document } = parseHTML(decodeLikeBaseline(p.bytes));
    sink += new Readability(document as unknown as Document).parse()?.textContent?.length ?? 0;
  }
};

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

console.log(`# extraction speed: ${pages.length} pages (${mb.toFixed(1)} MB of HTML), ${rounds} rounds each, alternating${quick ? ' (quick)' : ''}`);
// Warm-up: JIT and lazy module state for both.
bench.waiting(`a warm-up and ${rounds} rounds of each extractor over ${pages.length} pages`);
time(ours);
time(readability);
let bestOurs = Infinity;
let bestTheirs = Infinity;
for (let r = 0; r < rounds; r++) {
  const a = time(ours);
  const b = time(readability);
  bestOurs = Math.min(bestOurs, a);
  bestTheirs = Math.min(bestTheirs, b);
  console.log(`round ${r + 1}: ours ${(pages.length / a).toFixed(1)} pages/s, Readability+linkedom ${(pages.length / b).toFixed(1)} pages/s`);
}
const oursPps = pages.length / bestOurs;
const theirsPps = pages.length / bestTheirs;
console.log(`ours (wire extract):        ${oursPps.toFixed(1)} pages/s  (${(mb / bestOurs).toFixed(1)} MB/s)`);
console.log(`Readability 0.6 + linkedom: ${theirsPps.toFixed(1)} pages/s  (${(mb / bestTheirs).toFixed(1)} MB/s)`);
console.log(`ratio: ${(oursPps / theirsPps).toFixed(2)}x (target >= 1.5x)`);
bench.row({
  name: `extraction speed, ${pages.length} pages`,
  figure: oursPps,
  unit: 'pages/s',
  detail: `${(mb / bestOurs).toFixed(1)} MB/s, best of ${rounds} alternating rounds; load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
  reference: { figure: theirsPps, unit: 'pages/s', what: 'Readability 0.6 on linkedom, same pages, same run' },
  ratio: oursPps / theirsPps,
  target: '>= 1.5x Readability on linkedom',
  pass: oursPps / theirsPps >= 1.5,
});
bench.waiting('parsing only, for each parser');

// Why htmlparser2: parsing alone, same strings, best of the rounds. parse5 (spec-exact tree
// building, jsdom's parser) comes in through jsdom, a test dependency; it is measured when present.
const strings = pages.map((p) => decodeLikeBaseline(p.bytes));
const parsers: Array<[string, () => void]> = [
  ['htmlparser2 -> our tree', () => strings.forEach((h) => (sink += parsePage(h).body.children.length))],
  ['linkedom parseHTML', () => strings.forEach((h) => (sink += parseHTML(h).document.childNodes.length))],
];
try {
  const parse5 = await import('parse5');
  parsers.push(['parse5 parse', () => strings.forEach((h) => (sink += parse5.parse(h).childNodes.length))]);
} catch {
  /* not installed */
}
console.log('\n# parsing only');
for (const [name, fn] of parsers) {
  fn();
  let best = Infinity;
  for (let r = 0; r < Math.max(1, rounds - 1); r++) best = Math.min(best, time(fn));
  console.log(`${name.padEnd(26)} ${(pages.length / best).toFixed(1)} pages/s`);
}
if (sink === -1) console.log(sink); // keeps the work observable
