// Public story pages (issue 12, part 5): /story/{slug} and an article with "How it was covered", at 50
// concurrent connections on loopback, Newsdesk (a real `newsdesk serve` process, embedded PGlite, the
// demo with its clustered wire) against a plain Node http server returning the same bytes from memory,
// measured in the same run, plain and with br. Target: at least 0.60 of the plain server.
// Run: node --import tsx bench/story-pages.ts [seconds per run, default 10; 3 with --quick]
// Time limit: 5 minutes (2 with --quick; BENCH_TIME_LIMIT=S), see bench/lib/harness.ts.
import { spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startBench, waitFor, type LoadResult } from './lib/harness.ts';
import { startScript } from './lib/start-script.ts';

const bench = startBench({ name: 'story-pages', limit: { full: 300, quick: 120 } });
const SECONDS = Number(bench.argv[0] ?? (bench.quick ? 3 : 10));
const WARMUP_SECONDS = bench.quick ? 1 : 2;
const CONNECTIONS = 50;
const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const dataDir = bench.tempDir('newsdesk-bench-story-');
const WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error ? null : 'wrk';


async function load(url: string, enc: string, seconds = SECONDS): Promise<LoadResult> {
  if (WRK) {
    const r = await bench.exec(WRK, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...(enc ? ['-H', `Accept-Encoding: ${enc}`] : []), url]);
    if (r.code !== 0) throw new Error(`wrk failed: ${r.stderr}`);
    const p = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(r.stdout);
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.stdout);
    const bad = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0) + (errors ? errors.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0);
    return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]), p99: p ? Number(p[1]) * (p[2] === 'us' ? 0.001 : p[2] === 's' ? 1000 : 1) : NaN, bad };
  }
  const res = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: enc ? { 'accept-encoding': enc } : {} }, (err: Error | null, out: autocannon.Result) => (err ? reject(err) : resolve(out)));
  });
  return { rps: res.requests.average, p99: res.latency.p99, bad: res.non2xx + res.errors };
}

/** The bytes Newsdesk sends for a path with Accept-Encoding: br (fetch would decompress them). */
function fetchBr(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.headers['content-encoding'] === 'br' ? resolve(Buffer.concat(chunks)) : reject(new Error(`${url} was not sent with br`))));
    }).on('error', reject);
  });
}

const port = 4000 + Math.floor(Math.random() * 50);
const refPort = port + 60;
// Started as `npm start` starts it: its Node options (the heap limit) and environment (bench/lib/start-script.ts).
const start = startScript(fileURLToPath(new URL('..', import.meta.url)));
const nd = bench.spawn(process.execPath, [...start.flags, BIN, 'serve'], {
  env: { ...process.env, ...start.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DEMO_CONTENT: 'true', SITE_URL: `http://127.0.0.1:${port}` },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let ref: ChildProcess | null = null;
try {
  const base = `http://127.0.0.1:${port}`;
  bench.waiting('`newsdesk serve` to answer /healthz (migrations, demo content, the demo wire clustered)');
  await waitFor(base + '/healthz', nd);
  const articlePath = '/the-river-bridge-gets-its-green-light';
  const article = await (await fetch(base + articlePath)).text();
  const storyPath = /href="(\/story\/[a-z0-9-]+)"/.exec(article)?.[1];
  if (!storyPath || !article.includes('How it was covered')) throw new Error('the demo article has no "How it was covered" with a story link');
  const pages: Record<string, string> = { [storyPath]: await (await fetch(base + storyPath)).text(), [articlePath]: article };
  const brs: Record<string, string> = {};
  for (const p of Object.keys(pages)) brs[p] = (await fetchBr(base + p)).toString('base64');
  const refSrc = `const http=require('node:http');const pages=${JSON.stringify(pages)};const brs=${JSON.stringify(brs)};
    const bufs={},br={};for(const k in pages){bufs[k]=Buffer.from(pages[k]);br[k]=Buffer.from(brs[k],'base64');}
    http.createServer((req,res)=>{const z=/br/.test(req.headers['accept-encoding']||'');const b=(z?br:bufs)[req.url];if(!b){res.writeHead(404);return res.end();}res.writeHead(200,{'content-type':'text/html; charset=utf-8','content-length':b.length,vary:'Accept-Encoding',...(z?{'content-encoding':'br'}:{})});res.end(b);}).listen(${refPort},'127.0.0.1');`;
  ref = bench.spawn(process.execPath, ['-e', refSrc], { stdio: 'inherit' });
  bench.waiting('the plain reference server to answer');
  await waitFor(`http://127.0.0.1:${refPort}${storyPath}`, ref);

  console.log(`# story pages: ${CONNECTIONS} connections, ${SECONDS} s per run, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}`);
  console.log(`# story page ${storyPath} (${Buffer.byteLength(pages[storyPath]!)} bytes), article ${articlePath} (${Buffer.byteLength(article)} bytes); load generator ${WRK ? 'wrk -t1' : 'autocannon'}`);
  bench.waiting('the warm-up load');
  for (const p of Object.keys(pages)) {
    await load(`http://127.0.0.1:${refPort}${p}`, '', WARMUP_SECONDS);
    await load(base + p, '', WARMUP_SECONDS);
  }
  let ok = true;
  for (const enc of ['', 'br, gzip']) {
    for (const [p, label] of [[storyPath, 'public story page'], [articlePath, 'article with How it was covered']] as const) {
      const name = `${label}${enc ? ' (br)' : ''}`;
      bench.waiting(`the measured load on the ${name} (${SECONDS} s each server)`);
      const r = await load(`http://127.0.0.1:${refPort}${p}`, enc);
      const n = await load(base + p, enc);
      const ratio = n.rps / r.rps;
      const pass = ratio >= 0.6 && n.bad === 0;
      ok &&= pass;
      console.log(`${name.padEnd(40)} newsdesk ${Math.round(n.rps).toString().padStart(6)} req/s p99 ${n.p99.toFixed(1).padStart(5)} ms | plain http ${Math.round(r.rps).toString().padStart(6)} req/s p99 ${r.p99.toFixed(1).padStart(5)} ms | ratio ${ratio.toFixed(2)} (target >= 0.60) ${pass ? 'PASS' : 'FAIL'}${n.bad ? ` bad=${n.bad}` : ''}`);
      bench.row({
        name,
        figure: n.rps,
        unit: 'req/s',
        detail: `p99 ${n.p99.toFixed(1)} ms${n.bad ? `, ${n.bad} bad responses/errors` : ''}`,
        reference: { figure: r.rps, unit: 'req/s', what: `plain node:http, same bytes (p99 ${r.p99.toFixed(1)} ms)` },
        ratio,
        target: '≥ 0.60 × plain',
        pass,
        memoryOf: 'serving process',
      });
    }
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  bench.waiting('`newsdesk serve` to shut down');
  nd.kill('SIGTERM');
  ref?.kill();
  for (const p of [nd, ref]) if (p && p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once('exit', r));
  bench.removeDir(dataDir);
}
