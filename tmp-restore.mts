import { StoryClusterer, streamOrder } from './src/newswire/cluster/clusterer.ts';
import { outletNames, syntheticStream } from './bench/cluster-synthetic.ts';
const names = outletNames().slice(0, 300);
const stream = syntheticStream({ seed: 4242, items: Math.ceil(100_600 * 1.4), days: 8, outlets: names }).sort(streamOrder);
const base = stream.slice(0, 100_000), live = stream.slice(100_000, 101_000);
const a = new StoryClusterer({ windowDays: 7 });
for (const it of base) a.add(it);
stream.length = 0;
const q = (xs: number[], p: number) => xs.sort((x, y) => x - y)[Math.floor(p * xs.length)]!;
console.log('LIVE START');
const t: number[] = [];
for (const it of live) { const s = performance.now(); a.add({ ...it }); t.push(performance.now() - s); }
console.log('LIVE END p50', q(t, 0.5).toFixed(3), 'p99', q(t, 0.99).toFixed(3), 'max', q(t, 0.999).toFixed(2));
