// Members benchmark (issue #10): a metered article page at 50 concurrent connections on loopback,
//   1. anonymous readers with the meter on, each request carrying its own signed meter cookie (1,000
//      different readers, each with 0 to 2 other articles already counted, so every view is counted
//      and answered with a new cookie): target >= 0.60 of a plain node:http server returning the same
//      bytes (the same page and the same Set-Cookie), p99 < 10 ms;
//   2. a signed-in reader (the demo's free member, signed in through the real emailed link): target
//      >= 0.30 of the same reference (that reader's page, from memory).
// Newsdesk is a real `newsdesk serve` process (embedded PGlite, demo content); the reference is its own
// process; both measured in this run with wrk (or autocannon when wrk is absent: only case 2 then,
// since autocannon cannot vary a header per request here). Figures are provisional on a loaded machine;
// each row also gives both servers' CPU time per request (Linux: /proc), which a shared machine
// disturbs far less than requests a second.
// Run: node --import tsx bench/members.ts [seconds per run, default 10; 3 with --quick]
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBench, waitFor, type LoadResult } from './lib/harness.ts';
import { meterPeriod, writeMeterCookie } from '../src/members/paywall.ts';
import { DEMO_MEMBERS } from '../src/demo/seed.ts';

const bench = startBench({ name: 'members', limit: { full: 300, quick: 150 } });
const SECONDS = Number(bench.argv[0] ?? (bench.quick ? 3 : 10));
const WARMUP_SECONDS = bench.quick ? 1 : 2;
const CONNECTIONS = 50;
const READERS = 1000;
const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const dataDir = bench.tempDir('newsdesk-bench-members-');
const work = bench.tempDir('newsdesk-bench-members-wrk-');
const SECRET = 'bench-secret-key-bench-secret-key-0123456789';
const WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error ? null : 'wrk';


const ms = (v: string, unit: string) => Number(v) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);

/** wrk with a Lua script that gives each request a cookie from `cookieFile` in turn (or one fixed cookie). */
async function run(url: string, opts: { cookieFile?: string; cookie?: string; seconds?: number }): Promise<LoadResult> {
  const seconds = opts.seconds ?? SECONDS;
  if (!WRK) throw new Error('wrk is not installed (apt-get install wrk)');
  const script = path.join(work, `s${Math.random().toString(36).slice(2)}.lua`);
  fs.writeFileSync(
    script,
    opts.cookieFile
      ? `local cookies = {}\nfor line in io.lines("${opts.cookieFile}") do cookies[#cookies + 1] = line end\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format("GET", nil, { ["Cookie"] = cookies[(i % #cookies) + 1] })\nend\n`
      : `wrk.headers["Cookie"] = "${opts.cookie ?? ''}"\n`,
  );
  const r = await bench.exec(WRK, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, url]);
  if (r.code !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const p = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(r.stdout);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.stdout);
  return { rps, p99: p ? ms(p[1]!, p[2]!) : NaN, bad: non2xx + (errors ? errors.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0) };
}

const port = 4100 + Math.floor(Math.random() * 50);
const refPort = port + 60;
const base = `http://127.0.0.1:${port}`;
const nd = bench.spawn(process.execPath, [BIN, 'serve'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DEMO_CONTENT: 'true', SITE_URL: base, SECRET_KEY: SECRET, TIME_ZONE: 'UTC', SMTP_URL: '', MEMBER_LINK_LIMIT_PER_IP: '0', MEMBER_LINK_LIMIT_PER_ADDRESS: '0' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let ref: ChildProcess | null = null;
try {
  bench.waiting('`newsdesk serve` to answer /healthz (migrations, demo content)');
  await waitFor(base + '/healthz', nd);
  // A metered article: the first story on the home page answered with a meter cookie.
  const home = await (await fetch(base + '/')).text();
  const slugs = [...home.matchAll(/<a href="\/([a-z0-9-]+)">/g)].map((m) => m[1]!);
  let slug = '';
  for (const s of [...new Set(slugs)]) {
    const res = await fetch(base + '/' + s);
    await res.text();
    if (res.status === 200 && /nd_meter=/.test(res.headers.get('set-cookie') ?? '')) {
      slug = s;
      break;
    }
  }
  if (!slug) throw new Error('no metered article linked from the home page');

  // 1,000 anonymous readers' cookies, each with 0-2 other (made-up) article ids counted this period.
  const now = new Date();
  const period = meterPeriod(now, 'UTC', 'month');
  const cookieFile = path.join(work, 'cookies.txt');
  const cookies: string[] = [];
  for (let i = 0; i < READERS; i++) {
    const counted = Array.from({ length: i % 3 }, (_, k) => 900_000 + i * 3 + k);
    cookies.push(`nd_meter=${writeMeterCookie(SECRET, period, counted, now)}`);
  }
  fs.writeFileSync(cookieFile, cookies.join('\n') + '\n');
  const sample = await fetch(base + '/' + slug, { headers: { cookie: cookies[1]! } });
  const anonPage = await sample.text();
  const anonSetCookie = sample.headers.get('set-cookie') ?? '';
  if (!/nd_meter=/.test(anonSetCookie) || !/free articles? left this month/.test(anonPage)) throw new Error('the sample request was not a counted metered view');

  // A signed-in reader: register as the demo's free member, take the link from the outbox, press the button.
  await fetch(base + '/account/signin', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: `email=${encodeURIComponent(DEMO_MEMBERS.free)}` });
  bench.waiting('the sign-in link in the outbox (the job runs within a few seconds)');
  const outbox = path.join(dataDir, 'outbox');
  let token = '';
  for (let i = 0; i < 120 && !token; i++) {
    for (const f of fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((x) => x.endsWith('.eml')) : []) {
      const raw = fs.readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const m = /\/account\/signin\/link\?token=([A-Za-z0-9._%-]+)/.exec(raw);
      if (m && raw.includes(DEMO_MEMBERS.free)) token = decodeURIComponent(m[1]!);
    }
    if (!token) await new Promise((r) => setTimeout(r, 500));
  }
  if (!token) throw new Error('no sign-in link arrived in the outbox');
  const used = await fetch(base + '/account/signin/link', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: new URLSearchParams({ token }).toString() });
  const memberCookie = (used.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (!memberCookie.startsWith('nd_member=')) throw new Error(`sign-in failed (${used.status})`);
  await fetch(base + '/' + slug, { headers: { cookie: memberCookie } }); // the one counted read
  const memberRes = await fetch(base + '/' + slug, { headers: { cookie: memberCookie } });
  const memberPage = await memberRes.text();
  if (!/Register for more|free article/.test(memberPage) && !/<article/.test(memberPage)) throw new Error('the signed-in page is not the article');

  // The reference: the same bytes from memory, plain node:http, its own process.
  const refSrc = `const http=require('node:http');const a=Buffer.from(${JSON.stringify(anonPage)});const m=Buffer.from(${JSON.stringify(memberPage)});const sc=${JSON.stringify(anonSetCookie)};
    http.createServer((req,res)=>{if(req.url==='/member'){res.writeHead(200,{'content-type':'text/html; charset=utf-8','content-length':m.length,'cache-control':'private, no-store'});return res.end(m);}
    res.writeHead(200,{'content-type':'text/html; charset=utf-8','content-length':a.length,'cache-control':'private, no-cache','vary':'Cookie','set-cookie':sc});res.end(a);}).listen(${refPort},'127.0.0.1');`;
  ref = bench.spawn(process.execPath, ['-e', refSrc], { stdio: 'inherit' });
  bench.waiting('the plain reference server to answer');
  await waitFor(`http://127.0.0.1:${refPort}/`, ref);
  const refBase = `http://127.0.0.1:${refPort}`;

  console.log(`# members benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}`);
  console.log(`# metered article /${slug}: ${Buffer.byteLength(anonPage)} bytes for an anonymous reader, ${Buffer.byteLength(memberPage)} for the signed-in reader`);
  bench.waiting('the warm-up load');
  await run(refBase + '/a', { cookieFile, seconds: WARMUP_SECONDS });
  await run(`${base}/${slug}`, { cookieFile, seconds: WARMUP_SECONDS });
  await run(`${base}/${slug}`, { cookie: memberCookie, seconds: WARMUP_SECONDS });

  // CPU time (user + system) of a process so far, in ms; null where /proc is not there.
  const cpuMs = (pid: number | undefined): number | null => {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ, 100 on Linux)
    } catch {
      return null;
    }
  };
  const measured = async (pid: number | undefined, load: () => Promise<LoadResult>) => {
    const c0 = cpuMs(pid);
    const r = await load();
    const c1 = cpuMs(pid);
    const requests = r.rps * SECONDS;
    return { ...r, cpuUs: c0 === null || c1 === null || !requests ? null : ((c1 - c0) * 1000) / requests };
  };
  const us = (v: number | null) => (v === null ? '' : `, ${v.toFixed(1)} µs CPU/req`);

  const cases = [
    { name: 'metered article, anonymous, own meter cookie each request', nd: () => run(`${base}/${slug}`, { cookieFile }), ref: () => run(refBase + '/a', { cookieFile }), target: 0.6, p99: 10 },
    { name: 'metered article, signed-in reader', nd: () => run(`${base}/${slug}`, { cookie: memberCookie }), ref: () => run(refBase + '/member', { cookie: memberCookie }), target: 0.3, p99: Infinity },
  ];
  let ok = true;
  for (const c of cases) {
    bench.waiting(`the measured load: ${c.name} (${SECONDS} s each server)`);
    const r = await measured(ref!.pid, c.ref);
    const n = await measured(nd.pid, c.nd);
    const ratio = n.rps / r.rps;
    const pass = ratio >= c.target && n.p99 < c.p99 && n.bad === 0;
    ok &&= pass;
    const target = `≥ ${c.target.toFixed(2)} × plain${Number.isFinite(c.p99) ? `, p99 < ${c.p99} ms` : ''}`;
    console.log(`${c.name}: newsdesk ${Math.round(n.rps)} req/s p99 ${n.p99.toFixed(1)} ms${us(n.cpuUs)} | plain http ${Math.round(r.rps)} req/s p99 ${r.p99.toFixed(1)} ms${us(r.cpuUs)} | ratio ${ratio.toFixed(2)} (target ${target}) ${pass ? 'PASS' : 'FAIL'}${n.bad ? ` bad=${n.bad}` : ''}`);
    bench.row({
      name: c.name, figure: n.rps, unit: 'req/s', detail: `p99 ${n.p99.toFixed(1)} ms${us(n.cpuUs)}${n.bad ? `, ${n.bad} bad responses/errors` : ''}`,
      reference: { figure: r.rps, unit: 'req/s', what: `plain node:http, same bytes (p99 ${r.p99.toFixed(1)} ms${us(r.cpuUs)})` }, ratio, target, pass,
    });
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  bench.waiting('`newsdesk serve` to shut down');
  nd.kill('SIGTERM');
  ref?.kill();
  for (const p of [nd, ref]) if (p && p.exitCode === null && p.signalCode === null) await new Promise((r) => p.once('exit', r));
  bench.removeDir(dataDir);
  bench.removeDir(work);
}
