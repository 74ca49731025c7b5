// Newswire ingest (issue #11): 200 feeds and their article pages served by local HTTP servers (a
// process of their own, 20 loopback ports = 20 hosts), and the whole pipeline (poll, dedupe, fetch,
// extract, store, on an embedded database on disk, politeness limits lifted: WIRE_HOST_GAP_MS=0,
// still one request at a time per host) in a process of its own, bench/lib/wire-ingest-pipeline.ts,
// started with the Node options of package.json's start script: the serving process runs the poll
// job, and its peak memory is the figure. Target: at least 50 new articles a second, with that
// process under 400 MB. Reference, in the same run: the same pages fetched and extracted on one
// thread with no database (what the network and the extractor alone allow), in a child process of
// its own (bench/lib/wire-ingest-reference.ts) before the pipeline runs; the ratio is the pipeline's
// rate over it. Pages are the extraction dev set's when present, else generated ones.
//
// WIRE_BENCH_PAGES=generated: generated pages instead of the dev set's (smaller, so a faster pipeline).
// WIRE_EXTRACT_THREADS=N: the pipeline's extraction threads (default: the product's for this machine).
// WIRE_CONCURRENCY=N: requests at once (default 16 here).
// WIRE_BENCH_NODE_FLAGS='...': the pipeline's Node options instead of the start script's.
// WIRE_BENCH_TRACE=1: the pipeline's memory every 100 ms on stderr.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBench } from './lib/harness.ts';
import { startScript } from './lib/start-script.ts';

const bench = startBench({ name: 'wire-ingest', limit: { full: 600, quick: 240 } });
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FEEDS = bench.quick ? 40 : 200;
const ITEMS = 10;
const PORTS = 20;
const PAGES_DIR = process.env.WIRE_BENCH_PAGES === 'generated' ? '' : path.resolve(ROOT, '../shared/datasets/extraction-dev/wcxb-dev-articles/html');

bench.waiting('the feed servers to listen');
const server = bench.fork(path.join(ROOT, 'bench/lib/wire-feeds-server.ts'), [], {
  env: { ...process.env, FEEDS: String(FEEDS), ITEMS: String(ITEMS), PORTS: String(PORTS), PAGES_DIR },
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const ports: number[] = await new Promise((resolve, reject) => {
  let buf = '';
  server.stdout!.on('data', (c) => {
    buf += c;
    const m = /ready ([\d,]+)/.exec(buf);
    if (m) resolve(m[1]!.split(',').map(Number));
  });
  server.on('exit', (code) => reject(new Error(`feed server exited (${code})`)));
});

const feedUrl = (f: number) => `http://127.0.0.1:${ports[f % PORTS]}/feed/${f}.xml`;
const FEED_URLS = Array.from({ length: FEEDS }, (_, f) => feedUrl(f)).join(',');

// The pipeline runs as the serving process runs it: with the environment and Node options of
// package.json's start script (the V8 heap limit of decision 0013, MALLOC_ARENA_MAX of 0073);
// WIRE_BENCH_NODE_FLAGS overrides the Node options (e.g. '' for none).
const { env: startEnv, flags: startFlags } = startScript(ROOT);
const nodeFlags = process.env.WIRE_BENCH_NODE_FLAGS !== undefined ? process.env.WIRE_BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean) : startFlags;
bench.waiting('the pipeline process to create its outlets');
const pipeline = bench.fork(path.join(ROOT, 'bench/lib/wire-ingest-pipeline.ts'), [], {
  env: { ...process.env, ...startEnv, FEED_URLS, DATA_DIR: bench.tempDir('wire-ingest-'), WIRE_CONCURRENCY: process.env.WIRE_CONCURRENCY ?? '16' },
  execArgv: [...nodeFlags, '--import', 'tsx'],
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
let pipelineOut = '';
pipeline.stdout!.on('data', (c) => (pipelineOut += c));
const pipelineExit = new Promise<number | null>((resolve) => pipeline.on('exit', (code) => resolve(code)));
await new Promise<void>((resolve, reject) => {
  const check = () => (/^ready$/m.test(pipelineOut) ? resolve() : undefined);
  pipeline.stdout!.on('data', check);
  void pipelineExit.then((code) => reject(new Error(`the pipeline process exited (${code}) before it was ready`)));
});

// Reference: every feed and page fetched and extracted with no database, in a child process (its
// memory is not the pipeline's), before the pipeline runs (the two do not share the machine).
bench.waiting('the reference (fetch and extract, no database)');
const ref = bench.fork(path.join(ROOT, 'bench/lib/wire-ingest-reference.ts'), [], {
  env: { ...process.env, FEED_URLS },
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const [refPages, refSeconds, refCpu]: number[] = await new Promise((resolve, reject) => {
  let buf = '';
  ref.stdout!.on('data', (c) => (buf += c));
  ref.on('exit', (code) => {
    const m = /reference (\d+) ([\d.]+) ([\d.]+)/.exec(buf);
    if (code === 0 && m) resolve([Number(m[1]), Number(m[2]), Number(m[3])]);
    else reject(new Error(`the reference exited (${code}) without a figure`));
  });
});
const refRate = refPages! / refSeconds!;

bench.waiting(`the pipeline over ${FEEDS} feeds`);
pipeline.send('go');
const code = await pipelineExit;
const m = /^result (.*)$/m.exec(pipelineOut);
if (code !== 0 || !m) throw new Error(`the pipeline process exited (${code}) without a result`);
const res = JSON.parse(m[1]!) as {
  stored: number; done: number; errors: number; seconds: number; cpuMs: number; mainBusy: number; peakRssMb: number; heapLimitMb: number; execArgv: string[];
  extractThreads: number; concurrency: number; before: { rss: number; hwm: number; wasm: number };
  peaks: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; wasm: number };
};
const rate = res.stored / res.seconds;
const peak = res.peakRssMb;
const p = res.peaks;
console.log(`wire ingest: ${FEEDS} feeds, ${res.stored} new articles stored (${res.done} with extracted text, ${res.errors} errors) in ${res.seconds.toFixed(1)} s = ${rate.toFixed(1)} articles/s; reference fetch+extract without a database ${refRate.toFixed(1)} pages/s; ratio ${(rate / refRate).toFixed(2)}; CPU per article ${(res.cpuMs / res.stored).toFixed(1)} ms (all threads; the reference ${((refCpu! * 1000) / refPages!).toFixed(1)} ms a page); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores; peak RSS ${peak} MB`);
console.log(`  the pipeline process: ${Object.entries(startEnv).map(([k, v]) => `${k}=${v} `).join('')}node ${res.execArgv.join(' ') || '(no flags)'} (V8 heap limit ${res.heapLimitMb} MB), ${res.extractThreads} extraction thread(s), ${res.concurrency} requests at once, main thread busy ${Math.round(res.mainBusy * 100)}% of the run; before the run RSS ${res.before.rss} MB (WASM ${res.before.wasm} MB); peaks during the run (sampled): RSS ${p.rss}, main-thread heap used ${p.heapUsed} / total ${p.heapTotal}, external ${p.external} (array buffers ${p.arrayBuffers}), PGlite WASM ${p.wasm} MB`);
const pass = rate >= 50 && peak < 400 && res.stored === FEEDS * ITEMS;
bench.row({
  name: 'wire ingest (poll, dedupe, fetch, extract, store)',
  figure: Math.round(rate * 10) / 10,
  unit: 'articles/s',
  detail: `${res.stored} articles from ${FEEDS} feeds on ${PORTS} hosts in ${res.seconds.toFixed(1)} s`,
  reference: { figure: Math.round(refRate * 10) / 10, unit: 'pages/s', what: 'fetch + extract, no database' },
  ratio: Math.round((rate / refRate) * 100) / 100,
  target: '≥ 50 articles/s, < 400 MB',
  pass,
  peakMemoryMb: peak,
  memoryOf: 'the pipeline process (run as npm start runs the server)',
});

server.kill();
process.exit(0);
