// Memory of the serving process the way a user meets it (issue 8, item 7): `newsdesk serve` on the
// embedded database (PGlite), then `newsdesk subscribers import FILE.csv --newsletter daily
// --confirmed` with 100,000 rows and `newsdesk editions send daily`, both forwarded to the running
// server, sending into a local SMTP sink. PGlite's WASM heap grows with the largest statement it ran
// and never shrinks, so the figure is the serving process's peak RSS (VmHWM) over the whole sequence.
// The reference, in the same run: the same server's RSS when it is up and idle, before any of it.
// The server runs with the Node options `npm start` gives it (package.json).
//
//   node --import tsx bench/serve-memory.ts [SUBSCRIBERS]     --quick: 20,000 subscribers
// Time limit: 15 minutes (6 with --quick).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { startBench } from './lib/harness.ts';
import { startScript } from './lib/start-script.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const BIN = path.join(ROOT, 'bin/newsdesk.mjs');

if (process.argv[2] === '--seed') {
  // The publication, its stories and the newsletters, in a process of its own (its memory is not the server's).
  const { openDb } = await import('../src/db/index.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { seedNewsletters } = await import('../src/newsletters/newsletters.ts');
  const { seedFixtures } = await import('../test/helpers/fixtures.ts');
  const db = await openDb({ databaseUrl: null, dataDir: process.argv[3]! });
  await migrate(db);
  await seedFixtures(db, new Date());
  await seedNewsletters(db);
  await db.close();
  process.exit(0);
}

const bench = startBench({ name: 'serve-memory', limit: { full: 900, quick: 360 } });
const N = Number(bench.argv[0] ?? (bench.quick ? 20_000 : 100_000));
const TARGET_MB = 400;

function status(pid: number): { rssMb: number; hwmMb: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
}

const dir = bench.tempDir('newsdesk-bench-servemem-');
const dataDir = path.join(dir, 'data');
fs.mkdirSync(dataDir);
console.log(`serve-memory benchmark: ${N.toLocaleString('en-GB')} subscribers imported and sent to through a running server (PGlite), Node ${process.version}`);

bench.waiting('the seeding process');
const seeded = await bench.exec(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--seed', dataDir], { cwd: ROOT });
if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);

const csv = path.join(dir, 'subscribers.csv');
{
  const lines = ['email,name'];
  for (let i = 1; i <= N; i++) lines.push(`reader${i}@bench.example,Reader ${i}`);
  fs.writeFileSync(csv, lines.join('\n') + '\n');
}

bench.waiting('the SMTP sink');
const sinkProc = bench.fork(path.join(HERE, 'lib/smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const sinkPort = await new Promise<number>((resolve) => sinkProc.once('message', (m: { port: number }) => resolve(m.port)));
const sinkCount = () =>
  new Promise<number>((resolve) => {
    sinkProc.once('message', (m: { messages: number }) => resolve(m.messages));
    sinkProc.send({ cmd: 'count' });
  });

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  SITE_URL: 'https://news.example',
  SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
  SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
  MAIL_FROM: 'The Ledger <news@ledger.example>',
  LOG_LEVEL: 'warn',
  DEMO_CONTENT: 'false',
};
delete env.DATABASE_URL;

// The server is started as `npm start` starts it: with the Node options of package.json's start script
// (the V8 heap limit that keeps garbage from growing the serving process: decision 0013).
const { env: startEnv, flags: nodeFlags } = startScript(ROOT);
console.log(`  the server runs as npm start runs it: ${Object.entries(startEnv).map(([k, v]) => `${k}=${v} `).join('')}node ${[...nodeFlags, 'bin/newsdesk.mjs', 'serve'].join(' ')}`);
bench.waiting('the server to start');
const server: ChildProcess = bench.spawn(process.execPath, [...nodeFlags, BIN, 'serve'], { env: { ...env, ...startEnv }, cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
let serverOut = '';
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (c) => {
    serverOut += c;
    if (/Newsdesk is serving/.test(serverOut)) resolve();
  });
  server.once('exit', () => reject(new Error(`the server exited: ${serverOut}`)));
});
// Idle: a moment after start-up, nothing asked of it yet.
await new Promise((r) => setTimeout(r, 3000));
const idle = status(server.pid!);
console.log(`  idle server: RSS ${idle.rssMb} MB (peak so far ${idle.hwmMb} MB)`);

const cli = async (args: string[], what: string) => {
  bench.waiting(what);
  const t0 = Date.now();
  const r = await bench.exec(process.execPath, [BIN, ...args], { env, cwd: ROOT });
  if (r.code !== 0) throw new Error(`newsdesk ${args.join(' ')} failed (${r.code}): ${r.stdout}${r.stderr}`);
  const s = status(server.pid!);
  console.log(`  ${args.slice(0, 2).join(' ')}: ${((Date.now() - t0) / 1000).toFixed(1)} s; server RSS ${s.rssMb} MB, peak so far ${s.hwmMb} MB`);
  return r;
};
await cli(['subscribers', 'import', csv, '--newsletter', 'daily', '--confirmed'], `the forwarded import of ${N.toLocaleString('en-GB')} subscribers`);
await cli(['editions', 'send', 'daily'], `the forwarded send to ${N.toLocaleString('en-GB')} subscribers`);
const end = status(server.pid!);
const sent = await sinkCount();

bench.waiting('the server to stop');
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
sinkProc.kill();

const pass = end.hwmMb < TARGET_MB;
console.log(`  peak RSS of the serving process: ${end.hwmMb} MB (idle ${idle.rssMb} MB, ${(end.hwmMb / idle.rssMb).toFixed(2)} x)   target < ${TARGET_MB} MB: ${pass ? 'met' : 'NOT met'}; the sink counted ${sent.toLocaleString('en-GB')} messages`);
if (sent < N) throw new Error(`the sink counted ${sent} messages for ${N} subscribers`);
bench.row({
  name: `serving process, import + send of ${N.toLocaleString('en-GB')}`,
  figure: end.hwmMb,
  unit: 'MB peak RSS',
  reference: { figure: idle.rssMb, unit: 'MB', what: 'the same server idle' },
  ratio: end.hwmMb / idle.rssMb,
  target: `< ${TARGET_MB} MB`,
  pass,
  peakMemoryMb: end.hwmMb,
  memoryOf: 'serving process',
});
bench.removeDir(dir);
