// Story clustering speed: 100,000 items clustered offline (bar: at most 60 s on the 2-core machine), and
// the live path's latency to add one item with 100,000 items in the window (bar: p99 under 5 ms).
// Figures are printed beside a reference measured in the same run over the same items: a trivial
// clusterer that groups exact matches of normalised headlines (a Map lookup per item).
//
//   node --import tsx bench/cluster.ts [--quick]      (--quick, or BENCH_QUICK=1: 10,000 items)
//
// CLUSTER_OPTIONS='{"windowCommon":0}' runs the clusterer with those options over the defaults (an
// old-vs-new comparison in one session).
//
// The items are a synthetic stream (bench/lib/cluster-synthetic.ts) over five days; outlet names from
// ../shared/datasets/outlet-ratings when present, invented otherwise. Always exits 0: it reports, and
// gives the runner (bench/lib/harness.ts) two rows: the offline wall time and the live add's p99.
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { StoryClusterer, streamOrder, type WireItem } from '../src/newswire/cluster/clusterer.ts';
import { outletNames, syntheticStream } from './lib/cluster-synthetic.ts';
import { startBench } from './lib/harness.ts';

const bench = startBench({ name: 'cluster', limit: { full: 600, quick: 180 } });
const N = bench.quick ? 10_000 : 100_000;
const LIVE = bench.quick ? 500 : 2_000;

class ExactTitleClusterer {
  private readonly byTitle = new Map<string, number>();
  private readonly byItem = new Map<string, number>();
  add(it: WireItem): number {
    const k = it.title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    let s = this.byTitle.get(k);
    if (s === undefined) this.byTitle.set(k, (s = this.byTitle.size + 1));
    this.byItem.set(it.id, s);
    return s;
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

bench.waiting(`a synthetic stream of ${N + LIVE} items`);
const outlets = outletNames();
const t0 = performance.now();
const stream = syntheticStream({ seed: 101, items: N + LIVE, days: 5, outlets }).sort(streamOrder);
const base = stream.slice(0, N);
const live = stream.slice(N);
console.log(`# ${N.toLocaleString('en-GB')} items (+${LIVE} live adds), ${outlets.length} outlets, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Reference first, then ours; each over the same items in the same order.
bench.waiting(`${N} items through the reference, then ours, then ${LIVE} live adds`);
let r0 = performance.now();
const ref = new ExactTitleClusterer();
for (const it of base) ref.add(it);
const refMs = performance.now() - r0;
const refLat: number[] = [];
for (const it of live) {
  const a = performance.now();
  ref.add(it);
  refLat.push(performance.now() - a);
}

// A real heap figure needs a collection before each reading.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
gc();
const mem0 = process.memoryUsage();
r0 = performance.now();
const cpu0 = process.cpuUsage();
const c = new StoryClusterer(process.env.CLUSTER_OPTIONS ? JSON.parse(process.env.CLUSTER_OPTIONS) : {});
for (const it of base) c.add(it);
const oursMs = performance.now() - r0;
const cpu1 = process.cpuUsage(cpu0);
const oursCpuMs = (cpu1.user + cpu1.system) / 1000;
const lat: number[] = [];
const cpuLat: number[] = [];
for (const it of live) {
  const a = performance.now();
  const u = process.cpuUsage();
  c.add(it);
  const d = process.cpuUsage(u);
  lat.push(performance.now() - a);
  cpuLat.push((d.user + d.system) / 1000);
}
cpuLat.sort((a, b) => a - b);
gc();
const mem1 = process.memoryUsage();
const heapMb = (mem1.heapUsed - mem0.heapUsed) / 1048576;
// Typed arrays over 64 bytes keep their data outside the heap: counted apart.
const buffersMb = (mem1.arrayBuffers - mem0.arrayBuffers) / 1048576;
lat.sort((a, b) => a - b);
refLat.sort((a, b) => a - b);
let stories = 0;
for (const _ of c.stories()) stories++;

const fmt = (x: number) => x.toFixed(3);
console.log(`offline: ${N.toLocaleString('en-GB')} items in ${(oursMs / 1000).toFixed(2)} s (${Math.round(N / (oursMs / 1000)).toLocaleString('en-GB')} items/s; bar: at most 60 s${N < 100_000 ? ' for 100,000' : ''}) -> ${stories.toLocaleString('en-GB')} stories`);
console.log(`  CPU time ${(oursCpuMs / 1000).toFixed(2)} s (wall time includes waiting for the CPU when the shared machine is busy: load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`);
console.log(`  reference (exact headline match): ${(refMs / 1000).toFixed(3)} s; ours takes ${(oursMs / refMs).toFixed(1)}x the reference`);
console.log(`live add with ${N.toLocaleString('en-GB')} items in the window: p50 ${fmt(quantile(lat, 0.5))} ms, p99 ${fmt(quantile(lat, 0.99))} ms, max ${fmt(lat[lat.length - 1]!)} ms (bar: p99 under 5 ms)`);
console.log(`  CPU time per live add: p50 ${fmt(quantile(cpuLat, 0.5))} ms, p99 ${fmt(quantile(cpuLat, 0.99))} ms`);
console.log(`  reference live add: p50 ${fmt(quantile(refLat, 0.5))} ms, p99 ${fmt(quantile(refLat, 0.99))} ms; ratio of p99s ${(quantile(lat, 0.99) / Math.max(1e-6, quantile(refLat, 0.99))).toFixed(0)}x`);
const perItem = (mb: number) => ((mb * 1048576) / (N + LIVE)).toFixed(0);
console.log(`heap held by the clusterer (after a collection): ${heapMb.toFixed(0)} MB (${perItem(heapMb)} bytes/item), array buffers outside the heap ${buffersMb.toFixed(0)} MB (${perItem(buffersMb)} bytes/item); together ${(heapMb + buffersMb).toFixed(0)} MB (${perItem(heapMb + buffersMb)} bytes/item)`);
console.log(`verdict: offline ${oursMs / 1000 <= 60 * (N / 100_000) ? 'within' : 'OVER'} the bar, live p99 ${quantile(lat, 0.99) < 5 ? 'within' : 'OVER'} the bar (provisional: shared machine)`);

const load = `load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
bench.row({
  name: `offline clustering, ${N.toLocaleString('en-GB')} items`,
  figure: oursMs / 1000,
  unit: 's wall',
  detail: `CPU ${(oursCpuMs / 1000).toFixed(1)} s, ${Math.round(N / (oursMs / 1000)).toLocaleString('en-GB')} items/s, ${stories.toLocaleString('en-GB')} stories; ${load}`,
  reference: { figure: refMs / 1000, unit: 's wall', what: 'exact headline match (a Map lookup per item), same items, same run' },
  ratio: oursMs / refMs,
  target: 'at most 60 s for 100,000 items',
  pass: oursMs / 1000 <= 60 && N >= 100_000,
});
bench.row({
  name: `live add, ${N.toLocaleString('en-GB')} items in the window`,
  figure: quantile(lat, 0.99),
  unit: 'ms p99',
  detail: `p50 ${fmt(quantile(lat, 0.5))} ms, max ${fmt(lat[lat.length - 1]!)} ms, CPU p99 ${fmt(quantile(cpuLat, 0.99))} ms; ${LIVE} adds; ${load}`,
  reference: { figure: quantile(refLat, 0.99), unit: 'ms p99', what: 'exact headline match, same adds, same run' },
  ratio: quantile(lat, 0.99) / Math.max(1e-6, quantile(refLat, 0.99)),
  target: '< 5 ms p99 with 100,000 items in the window',
  pass: quantile(lat, 0.99) < 5 && N >= 100_000,
});
