// The pipeline for bench/wire-ingest.ts, in a process of its own started with the Node options of
// package.json's start script (as `npm start` starts the serving process, which runs the poll job),
// so that its peak memory is the serving process's as the issue means it. Creates FEEDS outlets on an
// embedded database in DATA_DIR, says "ready", waits for "go" (the reference runs meanwhile, alone),
// runs one forced poll and prints one JSON line "result {...}": the run's figures and, from a sampler
// (every 100 ms), the peak of each part of the process's memory: RSS, the V8 heap of this thread,
// external and array buffers, and PGlite's WASM memory (which grows and is never given back).
import fs from 'node:fs';
import { openDb, pgliteOf } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';
import { loadConfig } from '../../src/config.ts';
import { createLog } from '../../src/platform/log.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createOutlet } from '../../src/newswire/outlets.ts';
import { pollWire } from '../../src/newswire/poller.ts';

const FEED_URLS = (process.env.FEED_URLS ?? '').split(',').filter(Boolean);
const dataDir = process.env.DATA_DIR!;
const MB = 1024 * 1024;

function hwmMb(): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

const config = loadConfig(
  {
    DATA_DIR: dataDir,
    SITE_URL: 'https://bench.example',
    SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
    LOG_LEVEL: 'silent',
    WIRE_ALLOW_PRIVATE: 'true',
    WIRE_HOST_GAP_MS: '0',
    ...(process.env.WIRE_CONCURRENCY ? { WIRE_CONCURRENCY: process.env.WIRE_CONCURRENCY } : {}),
    ...(process.env.WIRE_EXTRACT_THREADS ? { WIRE_EXTRACT_THREADS: process.env.WIRE_EXTRACT_THREADS } : {}),
  },
  { loadDotEnv: false },
);
const db = await openDb({ databaseUrl: null, dataDir });
await migrate(db);
for (let f = 0; f < FEED_URLS.length; f++) {
  const url = FEED_URLS[f]!;
  await createOutlet(db, { name: `Bench Outlet ${f}`, url: new URL('/', url).href, feeds: [url] });
}
const pg = pgliteOf(db) as unknown as { mod?: { HEAPU8?: Uint8Array } } | undefined;
const wasmMb = () => (pg?.mod?.HEAPU8?.buffer.byteLength ?? 0) / MB;

const before = { rss: Math.round(process.memoryUsage().rss / MB), hwm: hwmMb(), wasm: Math.round(wasmMb()) };
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.once('message', () => resolve()));

const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, wasm: 0 };
const trace: string[] = [];
const sample = () => {
  const m = process.memoryUsage();
  const s = { rss: m.rss / MB, heapUsed: m.heapUsed / MB, heapTotal: m.heapTotal / MB, external: m.external / MB, arrayBuffers: m.arrayBuffers / MB, wasm: wasmMb() };
  if (process.env.WIRE_BENCH_TRACE && s.rss > peak.rss + 2) {
    const rows: Array<[number, number, string]> = [];
    let size = 0, cur = '';
    for (const l of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(l)) { cur = l; const [a, b] = l.split(' ')[0]!.split('-'); size = (parseInt(b!, 16) - parseInt(a!, 16)) / MB; }
      else if (l.startsWith('Rss:')) rows.push([Number(l.split(/\s+/)[1]) / 1024, size, cur]);
    }
    rows.sort((x, y) => y[0] - x[0]);
    const small = rows.filter((r) => r[1] <= 1).reduce((n, r) => n + r[0], 0);
    trace.push(`PEAK ${s.rss.toFixed(0)}: mappings<=1MB ${small.toFixed(0)} MB; ` + rows.slice(0, 14).map((r) => `${r[0].toFixed(0)}/${r[1].toFixed(0)}${r[2].includes('/') ? 'f' : ''}`).join(' '));
  }
  for (const k of Object.keys(peak) as Array<keyof typeof peak>) peak[k] = Math.max(peak[k], s[k]);
  if (process.env.WIRE_BENCH_TRACE) trace.push(`${((performance.now() - t0) / 1000).toFixed(1)}s rss ${s.rss.toFixed(0)} heap ${s.heapUsed.toFixed(0)}/${s.heapTotal.toFixed(0)} ext ${s.external.toFixed(0)} ab ${s.arrayBuffers.toFixed(0)} wasm ${s.wasm.toFixed(0)}`);
};
const t0 = performance.now();
const timer = setInterval(sample, 100);
const c0 = process.cpuUsage(); // every thread's: the extraction workers' too
const r = await pollWire({ db, config, log: createLog('silent'), clock: systemClock }, { force: true });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
clearInterval(timer);
sample();
const stored = await db.one<{ n: number; done: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE extract_status = 'done')::int AS done FROM wire_items`);
await db.close();
if (trace.length) process.stderr.write(trace.join('\n') + '\n');
const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
process.stdout.write(
  `result ${JSON.stringify({
    stored: stored!.n,
    done: stored!.done,
    errors: r.errors,
    seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: hwmMb(),
    before,
    peaks: round(peak),
    heapLimitMb: Math.round((await import('node:v8')).getHeapStatistics().heap_size_limit / MB),
    execArgv: process.execArgv.filter((a) => a !== '--import' && a !== 'tsx'),
    extractThreads: config.wire.extractThreads,
    concurrency: config.wire.concurrency,
  })}\n`,
);
process.exit(0);
