// Newswire ingest (issue #11): 200 feeds and their article pages served by local HTTP servers (a
// process of their own, 20 loopback ports = 20 hosts), and the whole pipeline in this process: poll,
// dedupe, fetch, extract, store, on an embedded database on disk, politeness limits lifted
// (WIRE_HOST_GAP_MS=0; still one request at a time per host). Target: at least 50 new articles a
// second, with the process under 400 MB. Reference, in the same run: the same pages fetched and
// extracted on one thread with no database (what the network and the extractor alone allow), in a
// child process (bench/lib/wire-ingest-reference.ts) so that this process's peak memory is the
// pipeline's alone; the ratio is the pipeline's rate over it. Pages are the extraction dev set's when
// present, else generated ones.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBench, ownPeakRssMb } from './lib/harness.ts';
import { openDb } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { loadConfig } from '../src/config.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import { pollWire } from '../src/newswire/poller.ts';

const bench = startBench({ name: 'wire-ingest', limit: { full: 600, quick: 240 } });
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FEEDS = bench.quick ? 40 : 200;
const ITEMS = 10;
const PORTS = 20;
// WIRE_BENCH_PAGES=generated: generated pages instead of the dev set's (isolates the pipeline's own cost).
// WIRE_EXTRACT_THREADS=N: the pipeline's extraction threads (default: the product's).
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

const dataDir = bench.tempDir('wire-ingest-');
const config = loadConfig({ DATA_DIR: dataDir, SITE_URL: 'https://bench.example', SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789', LOG_LEVEL: 'silent', WIRE_ALLOW_PRIVATE: 'true', WIRE_HOST_GAP_MS: '0', WIRE_CONCURRENCY: '16', ...(process.env.WIRE_EXTRACT_THREADS ? { WIRE_EXTRACT_THREADS: process.env.WIRE_EXTRACT_THREADS } : {}) }, { loadDotEnv: false });
const db = await openDb({ databaseUrl: null, dataDir });
await migrate(db);
const feedUrl = (f: number) => `http://127.0.0.1:${ports[f % PORTS]}/feed/${f}.xml`;
for (let f = 0; f < FEEDS; f++) await createOutlet(db, { name: `Bench Outlet ${f}`, url: `http://127.0.0.1:${ports[f % PORTS]}/`, feeds: [feedUrl(f)] });

// Reference: every feed and page fetched and extracted with no database, in a child process (its
// memory is not the pipeline's), before the pipeline runs (the two do not share the machine).
bench.waiting('the reference (fetch and extract, no database)');
const ref = bench.fork(path.join(ROOT, 'bench/lib/wire-ingest-reference.ts'), [], {
  env: { ...process.env, FEED_URLS: Array.from({ length: FEEDS }, (_, f) => feedUrl(f)).join(',') },
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
const deps = { db, config, log: createLog('silent'), clock: systemClock };
const t0 = performance.now();
const c0 = process.cpuUsage(); // every thread's: the extraction workers' too
const r = await pollWire(deps, { force: true });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const stored = await db.one<{ n: number; done: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE extract_status = 'done')::int AS done FROM wire_items`);
const rate = stored!.n / seconds;
const peak = ownPeakRssMb();
console.log(`wire ingest: ${FEEDS} feeds, ${stored!.n} new articles stored (${stored!.done} with extracted text, ${r.errors} errors) in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} articles/s; reference fetch+extract without a database ${refRate.toFixed(1)} pages/s; ratio ${(rate / refRate).toFixed(2)}; CPU per article ${((cpu.user + cpu.system) / 1000 / stored!.n).toFixed(1)} ms (all threads; the reference ${((refCpu! * 1000) / refPages!).toFixed(1)} ms a page); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores; peak RSS ${peak} MB`);
const pass = rate >= 50 && peak < 400 && stored!.n === FEEDS * ITEMS;
bench.row({
  name: 'wire ingest (poll, dedupe, fetch, extract, store)',
  figure: Math.round(rate * 10) / 10,
  unit: 'articles/s',
  detail: `${stored!.n} articles from ${FEEDS} feeds on ${PORTS} hosts in ${seconds.toFixed(1)} s`,
  reference: { figure: Math.round(refRate * 10) / 10, unit: 'pages/s', what: 'fetch + extract, no database' },
  ratio: Math.round((rate / refRate) * 100) / 100,
  target: '≥ 50 articles/s, < 400 MB',
  pass,
  peakMemoryMb: peak,
  memoryOf: 'the pipeline process',
});
await db.close();
server.kill();
process.exit(0);
