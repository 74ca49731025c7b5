// Serving benchmark (issue #2): article and home pages at 50 concurrent connections on loopback,
// Newsdesk (embedded PGlite, demo content, a real `newsdesk serve` process) against a plain Node http
// server returning the same page bytes from memory, measured in the same run. Also reports the
// serving process's memory and its garbage collection during each measured run (the server runs with
// --trace-gc: scavenges and mark-compacts counted with their pauses, figures that mean something even
// on a loaded machine, unlike wall-clock p99). Run: node --import tsx bench/serve.ts [seconds per run, default 10; 3 with --quick]
// Time limit: 5 minutes (2 with --quick; BENCH_TIME_LIMIT=S), see bench/lib/harness.ts.
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startBench, waitFor, type LoadResult } from './lib/harness.ts';
import { startScript } from './lib/start-script.ts';

const bench = startBench({ name: 'serve', limit: { full: 300, quick: 120 } });
const SECONDS = Number(bench.argv[0] ?? (bench.quick ? 3 : 10));
const WARMUP_SECONDS = bench.quick ? 1 : 2;
const CONNECTIONS = 50;
const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const dataDir = bench.tempDir('newsdesk-bench-serve-');

function rssMb(pid: number): { rss: number; hwm: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), hwm: Math.round(kb('VmHWM') / 1024) };
}


// The load generator: wrk (Debian's `wrk`, written in C) when it is installed, else autocannon. On 2
// cores the load generator competes with the server for CPU; autocannon, itself a Node process, takes
// a core and adds its own event-loop delay to every latency (p99 ~17 ms even against the plain
// server), while wrk leaves the server most of a core (p99 ~7 ms for both).
const WRK = (() => {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return r.error ? null : 'wrk';
})();

function parseWrkMs(v: string, unit: string): number {
  return Number(v) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
}

/** Accept-Encoding for a run: none (plain bytes) or what browsers send (Newsdesk answers br). */
let ACCEPT_ENCODING = '';

/** The compressed bytes Newsdesk sends for a path (raw http: fetch would decompress them). */
function fetchBr(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.headers['content-encoding'] === 'br' ? resolve(Buffer.concat(chunks)) : reject(new Error(`${url} was not sent with br`))));
    }).on('error', reject);
  });
}

async function run(url: string, seconds = SECONDS): Promise<LoadResult> {
  if (WRK) {
    const header = ACCEPT_ENCODING ? ['-H', `Accept-Encoding: ${ACCEPT_ENCODING}`] : [];
    const r = await bench.exec(WRK, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...header, url]);
    if (r.code !== 0) throw new Error(`wrk failed: ${r.stderr}`);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
    const p = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(r.stdout);
    const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.stdout);
    const bad = non2xx + (errors ? errors.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0);
    return { rps, p99: p ? parseWrkMs(p[1]!, p[2]!) : NaN, bad };
  }
  const res = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: seconds, pipelining: 1, headers: ACCEPT_ENCODING ? { 'accept-encoding': ACCEPT_ENCODING } : {} }, (err: Error | null, out: autocannon.Result) => (err ? reject(err) : resolve(out)));
  });
  return { rps: res.requests.average, p99: res.latency.p99, bad: res.non2xx + res.errors };
}

const port = 3900 + Math.floor(Math.random() * 50);
const refPort = port + 60;
// Started as `npm start` starts it (its environment and Node options: the heap limit, the malloc
// arenas; bench/lib/start-script.ts), plus --trace-gc: its lines ("[pid:0x…]  41970 ms: Mark-Compact
// 67.1 (89.8) -> 43.5 (89.8) MB, 98.50 / 0.09 ms …") carry the isolate's clock, matched to the runs' windows.
const start = startScript(path.resolve(path.dirname(BIN), '..'));
const ndStarted = performance.now();
const nd = bench.spawn(process.execPath, [...start.flags, '--trace-gc', BIN, 'serve'], {
  env: { ...process.env, ...start.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', DEMO_CONTENT: 'true', SITE_URL: `http://127.0.0.1:${port}` },
  stdio: ['ignore', 'pipe', 'pipe'],
});
// Its log (info, for the embedded database's upkeep: when it ran and how long the serving thread was
// held); warnings and errors are passed on.
const upkeep: Array<{ at: number; ms: number }> = [];
readline.createInterface({ input: nd.stderr! }).on('line', (line) => {
  let entry: { level?: string; msg?: string; ms?: number } | null = null;
  try {
    entry = JSON.parse(line);
  } catch {
    entry = null;
  }
  if (entry?.msg === 'database maintenance done') upkeep.push({ at: ndClock(), ms: Number(entry.ms) });
  else if (!entry || entry.level === 'warn' || entry.level === 'error') process.stderr.write(line + '\n');
});
interface GcEvent { at: number; kind: 'scavenge' | 'mark-compact' | 'other'; pause: number }
const gcEvents: GcEvent[] = [];
readline.createInterface({ input: nd.stdout! }).on('line', (line) => {
  const m = /^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: (Scavenge|Mark-Compact|Minor Mark-Compact|[A-Za-z-]+).*?MB, ([\d.]+) \/ [\d.]+ ms/.exec(line);
  if (m) gcEvents.push({ at: Number(m[1]), kind: m[2] === 'Scavenge' ? 'scavenge' : m[2] === 'Mark-Compact' ? 'mark-compact' : 'other', pause: Number(m[3]) });
});
/** The serving process's clock (ms since it started; within tens of ms of the isolate's). */
const ndClock = () => performance.now() - ndStarted;
function gcIn(from: number, to: number) {
  const inside = gcEvents.filter((e) => e.at >= from && e.at < to);
  const of = (k: GcEvent['kind']) => {
    const xs = inside.filter((e) => e.kind === k).map((e) => e.pause);
    return { n: xs.length, total: xs.reduce((a, b) => a + b, 0), max: xs.length ? Math.max(...xs) : 0 };
  };
  return { scavenge: of('scavenge'), markCompact: of('mark-compact') };
}
const gcText = (g: ReturnType<typeof gcIn>) =>
  `GC: ${g.scavenge.n} scavenges (${g.scavenge.total.toFixed(0)} ms, max ${g.scavenge.max.toFixed(1)} ms), ${g.markCompact.n} mark-compacts (${g.markCompact.total.toFixed(0)} ms, max ${g.markCompact.max.toFixed(1)} ms)`;
let ref: ChildProcess | null = null;
try {
  const base = `http://127.0.0.1:${port}`;
  bench.waiting('`newsdesk serve` to answer /healthz (migrations, demo content)');
  await waitFor(base + '/healthz', nd);
  const idle = rssMb(nd.pid!);
  const home = await (await fetch(base + '/')).text();
  // A public article (metered ones answer an anonymous reader with a meter cookie: a different page,
  // measured on its own): the first story on the home page whose page sets no cookie.
  let slug = '';
  let articleHtml = '';
  for (const m of home.matchAll(/<a href="\/([a-z0-9-]+)">/g)) {
    const res = await fetch(base + '/' + m[1]);
    const text = await res.text();
    if (res.status === 200 && !res.headers.get('set-cookie') && /<article/.test(text)) {
      slug = m[1]!;
      articleHtml = text;
      break;
    }
  }
  if (!slug) throw new Error('no public article linked from the home page');
  const pages: Record<string, string> = { '/': home, ['/' + slug]: articleHtml };

  const brPages: Record<string, string> = {};
  for (const p of Object.keys(pages)) brPages[p] = (await fetchBr(base + p)).toString('base64');
  // The reference: the same bytes from memory (plain, or the same br bytes when asked), plain node:http, its own process like Newsdesk.
  const refSrc = `const http=require('node:http');const pages=${JSON.stringify(Object.fromEntries(Object.entries(pages).map(([k, v]) => [k, v])))};const brs=${JSON.stringify(brPages)};
    const bufs={},br={};for(const k in pages){bufs[k]=Buffer.from(pages[k]);br[k]=Buffer.from(brs[k],'base64');}
    http.createServer((req,res)=>{const z=/br/.test(req.headers['accept-encoding']||'');const b=(z?br:bufs)[req.url];if(!b){res.writeHead(404);return res.end();}res.writeHead(200,{'content-type':'text/html; charset=utf-8','content-length':b.length,vary:'Accept-Encoding',...(z?{'content-encoding':'br'}:{})});res.end(b);}).listen(${refPort},'127.0.0.1');`;
  ref = bench.spawn(process.execPath, ['-e', refSrc], { stdio: 'inherit' });
  bench.waiting('the plain reference server to answer');
  await waitFor(`http://127.0.0.1:${refPort}/`, ref);

  console.log(`# serving benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, ${os.cpus().length} cores, node ${process.version}`);
  console.log(`# article page: /${slug} (${Buffer.byteLength(pages['/' + slug]!)} bytes), home page (${Buffer.byteLength(home)} bytes)`);
  const rows: string[] = [];
  let ok = true;
  console.log(`# load generator: ${WRK ? 'wrk -t1' : 'autocannon (install Debian\'s wrk for latencies less skewed by the client)'}`);
  // Warm-up: both servers' JIT and caches, not measured.
  bench.waiting('the warm-up load');
  for (const p of ['/' + slug, '/']) {
    await run(`http://127.0.0.1:${refPort}${p}`, WARMUP_SECONDS);
    await run(base + p, WARMUP_SECONDS);
  }
  const loadRows: Array<{ page: string; n: LoadResult; r: LoadResult; ratio: number; pass: boolean; gc: ReturnType<typeof gcIn> }> = [];
  const measuredFrom = ndClock();
  const windows: Array<[number, number]> = [];
  for (const enc of ['', 'br, gzip']) for (const p of ['/' + slug, '/']) {
    ACCEPT_ENCODING = enc;
    const label = `${p === '/' ? 'home page' : 'article page'}${enc ? ' (br)' : ''}`;
    bench.waiting(`the measured load on the ${label} (${SECONDS} s each server)`);
    const r = await run(`http://127.0.0.1:${refPort}${p}`);
    const from = ndClock();
    const n = await run(base + p);
    const gc = gcIn(from, ndClock());
    windows.push([from, ndClock()]);
    const ratio = n.rps / r.rps;
    const pass = ratio >= 0.6 && n.p99 < 10 && n.bad === 0;
    ok &&= pass;
    loadRows.push({ page: label, n, r, ratio, pass, gc });
    rows.push(
      `${(p === '/' ? 'home   ' : 'article') + (enc ? ' br' : '   ')}  newsdesk ${Math.round(n.rps).toString().padStart(6)} req/s p99 ${n.p99.toFixed(1).padStart(5)} ms | plain http ${Math.round(r.rps).toString().padStart(6)} req/s p99 ${r.p99.toFixed(1).padStart(5)} ms | ratio ${ratio.toFixed(2)} (target >= 0.60, p99 < 10 ms) ${pass ? 'PASS' : 'FAIL'}${n.bad ? ` bad responses/errors=${n.bad}` : ''}`,
      `          ${gcText(gc)}`,
    );
  }
  const loaded = rssMb(nd.pid!);
  for (const r of rows) console.log(r);
  console.log(`memory of the serving process (embedded PGlite): idle ${idle.rss} MB, after load ${loaded.rss} MB, peak ${loaded.hwm} MB (aim < 400 MB)`);
  for (const u of upkeep) {
    const inside = windows.some(([a, b]) => u.at - u.ms >= a - 50 && u.at - u.ms < b);
    console.log(`embedded database upkeep (ANALYZE): ${u.ms} ms on the serving thread, ${(u.at / 1000).toFixed(0)} s after start, ${inside ? 'DURING a measured Newsdesk run' : 'between measured Newsdesk runs'}`);
  }
  if (!upkeep.length) console.log('embedded database upkeep (ANALYZE): did not run during the benchmark');
  console.log(`serving process during all measured runs: ${gcText(gcIn(measuredFrom, ndClock()))}; from start to the first measured run: ${gcText(gcIn(0, measuredFrom))}`);
  for (const x of loadRows) {
    bench.row({
      name: x.page,
      figure: x.n.rps,
      unit: 'req/s',
      detail: `p99 ${x.n.p99.toFixed(1)} ms${x.n.bad ? `, ${x.n.bad} bad responses/errors` : ''}; ${gcText(x.gc)}`,
      reference: { figure: x.r.rps, unit: 'req/s', what: `plain node:http, same bytes (p99 ${x.r.p99.toFixed(1)} ms)` },
      ratio: x.ratio,
      target: '≥ 0.60 × plain, p99 < 10 ms',
      pass: x.pass,
      peakMemoryMb: loaded.hwm,
      memoryOf: 'serving process',
    });
  }
  bench.row({ name: 'serving process memory', figure: loaded.hwm, unit: 'MB peak', detail: `idle ${idle.rss} MB, after load ${loaded.rss} MB`, target: '< 400 MB (aim)', pass: loaded.hwm < 400, peakMemoryMb: loaded.hwm, memoryOf: 'serving process' });
  process.exitCode = ok ? 0 : 1;
} finally {
  bench.waiting('`newsdesk serve` to shut down');
  nd.kill('SIGTERM');
  ref?.kill();
  for (const p of [nd, ref]) if (p && p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once('exit', r));
  bench.removeDir(dataDir);
}
