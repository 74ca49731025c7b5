// Start-up times, the way a person meets them (issue 8, item 8), each the median of several runs:
//   - `newsdesk --help`, from spawning the command to its exit (target < 0.5 s);
//   - first start: `newsdesk serve` on a DATA_DIR that does not exist, from spawning it to the first
//     200 for `/` (target < 6 s), and that it says what it is doing before the page is up;
//   - restart: `newsdesk serve` again on that DATA_DIR, to the first 200 for `/` (target < 1.5 s).
// References, measured in the same run: `node -e 0` for the command, and a bare Fastify server
// answering "hello" (spawn to first 200) for the starts; the ratio is figure / reference.
// The same three are measured with NEWSDESK_NO_BUILD=1 (the sources through tsx, no compiled build),
// for docs/decisions/0005-compile-at-install.md; those rows have no target.
//
//   node --import tsx bench/startup.ts [--runs 5] [--quick]
//
// Uses the compiled build and the database template in node_modules/.cache/newsdesk (both made by
// `npm install`; the bench makes them first if they are missing, so it measures what a user meets).
// Time limit: 10 minutes (5 with --quick; BENCH_TIME_LIMIT=S), see bench/lib/harness.ts: it starts 12
// servers, which on a busy 2-core machine take 10-30 s each.
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { peakRssMb, startBench } from './lib/harness.ts';

const bench = startBench({ name: 'startup', limit: { full: 600, quick: 300 } });
const { values } = parseArgs({ args: bench.argv, options: { runs: { type: 'string', default: bench.quick ? '3' : '5' } } });
const RUNS = Number(values.runs);
if (!(RUNS >= 1)) throw new Error('--runs must be at least 1');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'newsdesk.mjs');
const BASE_ENV: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', DEMO_CONTENT: 'true', SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789' };
delete BASE_ENV.DATABASE_URL;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Spawn to exit, in ms. */
async function timeCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t = performance.now();
  const r = await bench.exec(process.execPath, args, { env, cwd: ROOT });
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited with ${r.code}: ${r.stderr.slice(0, 500)}`);
  return performance.now() - t;
}

/** Spawn a server, wait for 200 on `/`, stop it with SIGTERM; ms to the first page, its output, its peak memory. */
async function timeServer(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<{ ms: number; out: string; peakMb: number | null }> {
  const t = performance.now();
  const child = bench.spawn(process.execPath, args, { env: { ...env, PORT: String(port) }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let firstLineAt: number | null = null;
  child.stdout!.setEncoding('utf8').on('data', (d) => {
    firstLineAt ??= performance.now() - t;
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  let ms = 0;
  for (;;) {
    if (gone) throw new Error(`the server exited before answering:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      await r.arrayBuffer();
      if (r.status === 200) {
        ms = performance.now() - t;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const peakMb = peakRssMb(child.pid!);
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`the server exited with ${code} on SIGTERM:\n${out}`);
  return { ms, out: firstLineAt !== null && firstLineAt < ms ? out : `(nothing printed before the first page)\n${out}`, peakMb };
}

const HELLO = `const f = (await import('fastify')).default(); f.get('/', async () => 'hello'); await f.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }); process.on('SIGTERM', () => f.close().then(() => process.exit(0)));`;

// Make sure what `npm install` makes is there, as it is for a user.
bench.waiting('the compiled build and the database template (scripts/prepare.mjs)');
await bench.exec(process.execPath, [path.join(ROOT, 'scripts', 'prepare.mjs')], { cwd: ROOT, env: BASE_ENV });

bench.waiting('the references: node -e 0, a bare Fastify server');
const nodeRef: number[] = [];
const helloRef: number[] = [];
for (let i = 0; i < RUNS; i++) {
  nodeRef.push(await timeCommand(['-e', '0'], BASE_ENV));
  helloRef.push((await timeServer(['--input-type=module', '-e', HELLO], BASE_ENV, await freePort())).ms);
}
const nodeMs = median(nodeRef);
const helloMs = median(helloRef);
console.log(`reference: node -e 0 ${s(nodeMs)}, bare Fastify server to its first response ${s(helloMs)} (median of ${RUNS})`);

for (const mode of ['compiled', 'tsx'] as const) {
  const env = mode === 'tsx' ? { ...BASE_ENV, NEWSDESK_NO_BUILD: '1' } : BASE_ENV;
  const label = mode === 'tsx' ? ' (through tsx, NEWSDESK_NO_BUILD=1)' : '';
  const withTarget = mode === 'compiled';

  bench.waiting(`newsdesk --help${label}`);
  const help: number[] = [];
  for (let i = 0; i < RUNS; i++) help.push(await timeCommand([BIN, '--help'], env));
  const helpMs = median(help);
  console.log(`newsdesk --help${label}: ${s(helpMs)} (${(helpMs / nodeMs).toFixed(1)} x node -e 0)`);
  bench.row({
    name: `newsdesk --help${mode === 'tsx' ? ', tsx' : ''}`,
    figure: Math.round(helpMs),
    unit: 'ms',
    reference: { figure: Math.round(nodeMs), unit: 'ms', what: 'node -e 0' },
    ratio: helpMs / nodeMs,
    target: withTarget ? '< 500 ms' : null,
    pass: withTarget ? helpMs < 500 : null,
  });

  const first: number[] = [];
  const again: number[] = [];
  let firstPeak = 0;
  let againPeak = 0;
  let progress = true;
  for (let i = 0; i < RUNS; i++) {
    const dataDir = bench.tempDir('newsdesk-startup-');
    const dirEnv = { ...env, DATA_DIR: path.join(dataDir, 'data') };
    bench.waiting(`first start${label}, run ${i + 1}`);
    const f = await timeServer([BIN, 'serve'], dirEnv, await freePort());
    first.push(f.ms);
    firstPeak = Math.max(firstPeak, f.peakMb ?? 0);
    if (!/Creating the embedded database/.test(f.out) || f.out.startsWith('(nothing printed')) progress = false;
    if (i === 0 && mode === 'compiled') console.log(`first start says:\n${f.out.trim().replace(/^/gm, '  | ')}`);
    bench.waiting(`restart${label}, run ${i + 1}`);
    const r = await timeServer([BIN, 'serve'], dirEnv, await freePort());
    again.push(r.ms);
    againPeak = Math.max(againPeak, r.peakMb ?? 0);
    bench.removeDir(dataDir);
  }
  const firstMs = median(first);
  const againMs = median(again);
  console.log(`first start${label}: ${s(firstMs)} to the first page (${(firstMs / helloMs).toFixed(1)} x bare Fastify); runs ${first.map((x) => s(x)).join(', ')}`);
  console.log(`restart${label}: ${s(againMs)} to the first page (${(againMs / helloMs).toFixed(1)} x bare Fastify); runs ${again.map((x) => s(x)).join(', ')}`);
  const ref = { figure: Math.round(helloMs), unit: 'ms', what: 'bare Fastify server, spawn to first response' };
  bench.row({
    name: `first start to first page${mode === 'tsx' ? ', tsx' : ''}`,
    figure: Math.round(firstMs),
    unit: 'ms',
    detail: progress ? 'progress line printed first' : 'NO progress line before the page',
    reference: ref,
    ratio: firstMs / helloMs,
    target: withTarget ? '< 6000 ms, with a line of progress' : null,
    pass: withTarget ? firstMs < 6000 && progress : null,
    peakMemoryMb: firstPeak || null,
    memoryOf: 'serving process',
  });
  bench.row({
    name: `restart to first page${mode === 'tsx' ? ', tsx' : ''}`,
    figure: Math.round(againMs),
    unit: 'ms',
    reference: ref,
    ratio: againMs / helloMs,
    target: withTarget ? '< 1500 ms' : null,
    pass: withTarget ? againMs < 1500 : null,
    peakMemoryMb: againPeak || null,
    memoryOf: 'serving process',
  });
}
