// Serving benchmark (issue #2): article and home pages at 50 concurrent connections on loopback,
// Newsdesk (embedded PGlite, demo content, a real `newsdesk serve` process) against a plain Node http
// server returning the same page bytes from memory, measured in the same run. Also reports the
// serving process's memory. Run: node --import tsx bench/serve.ts [seconds per run, default 10]
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 50;
const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-'));

function rssMb(pid: number): { rss: number; hwm: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), hwm: Math.round(kb('VmHWM') / 1024) };
}

async function waitFor(url: string, proc: ChildProcess, timeoutMs = 180_000) {
  const start = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`process exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function run(url: string): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1 }, (err: Error | null, res: autocannon.Result) => (err ? reject(err) : resolve(res)));
  });
}

const port = 3900 + Math.floor(Math.random() * 50);
const refPort = port + 60;
const nd = spawn(process.execPath, [BIN, 'serve'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DEMO_CONTENT: 'true', SITE_URL: `http://127.0.0.1:${port}` },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let ref: ChildProcess | null = null;
try {
  const base = `http://127.0.0.1:${port}`;
  await waitFor(base + '/healthz', nd);
  const idle = rssMb(nd.pid!);
  const home = await (await fetch(base + '/')).text();
  const slug = /<h3 class="story-headline"><a href="\/([a-z0-9-]+)">/.exec(home)![1]!;
  const pages: Record<string, string> = { '/': home, ['/' + slug]: await (await fetch(base + '/' + slug)).text() };

  // The reference: the same bytes from memory, plain node:http, its own process like Newsdesk.
  const refSrc = `const http=require('node:http');const pages=${JSON.stringify(Object.fromEntries(Object.entries(pages).map(([k, v]) => [k, v])))};
    const bufs={};for(const k in pages)bufs[k]=Buffer.from(pages[k]);
    http.createServer((req,res)=>{const b=bufs[req.url];if(!b){res.writeHead(404);return res.end();}res.writeHead(200,{'content-type':'text/html; charset=utf-8','content-length':b.length});res.end(b);}).listen(${refPort},'127.0.0.1');`;
  ref = spawn(process.execPath, ['-e', refSrc], { stdio: 'inherit' });
  await waitFor(`http://127.0.0.1:${refPort}/`, ref);

  console.log(`# serving benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, ${os.cpus().length} cores, node ${process.version}`);
  console.log(`# article page: /${slug} (${Buffer.byteLength(pages['/' + slug]!)} bytes), home page (${Buffer.byteLength(home)} bytes)`);
  const rows: string[] = [];
  let ok = true;
  for (const p of ['/' + slug, '/']) {
    const r = await run(`http://127.0.0.1:${refPort}${p}`);
    const n = await run(base + p);
    const ratio = n.requests.average / r.requests.average;
    const pass = ratio >= 0.6 && n.latency.p99 < 10 && n.non2xx === 0 && n.errors === 0;
    ok &&= pass;
    rows.push(
      `${p === '/' ? 'home   ' : 'article'}  newsdesk ${Math.round(n.requests.average).toString().padStart(6)} req/s p99 ${String(n.latency.p99).padStart(3)} ms | plain http ${Math.round(r.requests.average).toString().padStart(6)} req/s p99 ${String(r.latency.p99).padStart(3)} ms | ratio ${ratio.toFixed(2)} (target >= 0.60, p99 < 10 ms) ${pass ? 'PASS' : 'FAIL'}${n.non2xx || n.errors ? ` non2xx=${n.non2xx} errors=${n.errors}` : ''}`,
    );
  }
  const loaded = rssMb(nd.pid!);
  for (const r of rows) console.log(r);
  console.log(`memory of the serving process (embedded PGlite): idle ${idle.rss} MB, after load ${loaded.rss} MB, peak ${loaded.hwm} MB (aim < 400 MB)`);
  process.exitCode = ok ? 0 : 1;
} finally {
  nd.kill('SIGTERM');
  ref?.kill();
  await new Promise((r) => nd.once('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
