// Sign-ups per second on loopback. Starts the real server (PGlite in a temp dir, no SMTP, job worker
// off so every verification email stays queued) in a child process, drives POST /newsletters/subscribe
// with autocannon (a distinct address per request, two newsletters each), then checks that every
// accepted sign-up has its person, both subscriptions and one queued verification job. Reference, in
// the same run: a plain node:http server doing the same JSON parse and response without a database.
//
// The check reads each table once and matches in JavaScript. It used to ask, per person, for a job
// whose jsonb payload named them: on a fresh PGlite database (no statistics: no autovacuum, and the
// bench runs no ANALYZE) the planner expected 3 people and chose a nested loop over every job for
// every person; 62,000 sign-ups (a 10 s warm-up and a 10 s run at ~3,000/s) meant 3.8 billion payload
// reads (about 16 s per 1,000 people), and the bench sat silent in that query for half an hour or more
// (issue 15; a CPU profile of the server child showed nearly all its time in PGlite's execProtocolRawSync).
//
//   node --import tsx bench/signups.ts [--duration 10] [--connections 32] [--quick]
//
// Rate limits are switched off for the run with SIGNUP_LIMIT_PER_IP=0 and SIGNUP_LIMIT_PER_ADDRESS=0.
// Time limit: 5 minutes (2 with --quick; BENCH_TIME_LIMIT=S), see bench/lib/harness.ts.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import assert from 'node:assert/strict';
import { startBench } from './lib/harness.ts';

// autocannon ships no types.
const autocannon: any = (await import('autocannon' as string)).default;

const SELF = fileURLToPath(import.meta.url);
const isChild = process.argv.includes('--child') || process.argv.includes('--create');
const bench = isChild ? null : startBench({ name: 'signups', limit: { full: 300, quick: 120 } });
const { values } = parseArgs({
  args: bench?.argv ?? process.argv.slice(2),
  options: { duration: { type: 'string', default: bench?.quick ? '3' : '10' }, connections: { type: 'string', default: '32' }, child: { type: 'string' }, create: { type: 'string' } },
});

const SUCCESS = 'Thank you for signing up. You will receive a verification email shortly.';

// The database is created and migrated in a short-lived process first, as `newsdesk serve` does on a
// first start: creating a PGlite cluster grows the WASM heap to ~900 MB, which a process never gives
// back, so the server child's peak memory is that of serving.
async function createDatabase(dataDir: string): Promise<void> {
  const { openDb } = await import('../src/db/index.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { seedNewsletters } = await import('../src/newsletters/newsletters.ts');
  const db = await openDb({ databaseUrl: null, dataDir });
  await migrate(db);
  await seedNewsletters(db);
  await db.close();
}

async function childServer(dataDir: string): Promise<void> {
  const { loadConfig } = await import('../src/config.ts');
  const { buildDeps } = await import('../src/deps.ts');
  const { migrate } = await import('../src/db/migrate.ts');
  const { seedNewsletters } = await import('../src/newsletters/newsletters.ts');
  const { startServer } = await import('../src/server.ts');
  const config = loadConfig(
    { DATA_DIR: dataDir, SITE_URL: 'http://127.0.0.1', SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789', LOG_LEVEL: 'error', SIGNUP_LIMIT_PER_IP: '0', SIGNUP_LIMIT_PER_ADDRESS: '0' },
    { loadDotEnv: false },
  );
  const deps = await buildDeps(config);
  await migrate(deps.db);
  await seedNewsletters(deps.db);
  const server = await startServer(deps, { port: 0, host: '127.0.0.1', background: false });
  process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', async (d) => {
    input += d;
    if (!input.endsWith('\n')) return;
    const accepted: string[] = JSON.parse(input);
    // One read of each table, matched here: no join whose plan depends on statistics (see the top).
    const people = await deps.db.query<{ id: number; email: string }>(`SELECT id, email_normalized AS email FROM people WHERE email_normalized LIKE '%@bench.example'`);
    const subs = await deps.db.query<{ person_id: number; pending: number }>(
      `SELECT person_id, count(*) FILTER (WHERE status = 'pending')::int AS pending FROM subscriptions GROUP BY person_id`,
    );
    const jobs = await deps.db.query<{ person_id: string | null; n: number; queued: number }>(
      `SELECT payload->>'personId' AS person_id, count(*)::int AS n, count(*) FILTER (WHERE status = 'queued')::int AS queued FROM jobs WHERE name = 'newsletters.send_verification' GROUP BY 1`,
    );
    const pendingOf = new Map(subs.map((r) => [r.person_id, r.pending]));
    const jobsOf = new Map(jobs.map((r) => [r.person_id, r]));
    const byEmail = new Map(people.map((p) => [p.email, p.id]));
    const complete = (id: number | undefined) => id !== undefined && pendingOf.get(id) === 2 && (jobsOf.get(String(id))?.queued ?? 0) > 0;
    const counts = {
      people: people.length,
      subscriptions: people.reduce((n, p) => n + (pendingOf.get(p.id) ?? 0), 0),
      jobs: jobs.reduce((n, j) => n + j.queued, 0),
      acceptedStored: accepted.filter((e) => complete(byEmail.get(e))).length,
      peopleWithoutJob: people.filter((p) => !jobsOf.has(String(p.id))).length,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(JSON.stringify(counts) + '\n');
    await server.close();
    await deps.db.close();
    process.stdin.destroy();
    setTimeout(() => process.exit(0), 2000).unref(); // let a --cpu-prof profile be written on a natural exit
  });
}

function plainServer(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        const input = JSON.parse(body);
        if (typeof input.email !== 'string' || !Array.isArray(input.newsletters)) throw new Error('bad');
        const out = JSON.stringify({ message: SUCCESS });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as any).port}`, close: () => server.close() })));
}

async function drive(url: string, tag: string, accepted: string[] = []): Promise<{ rps: number; ok: number; non2xx: number; errors: number }> {
  let n = 0;
  const result = await autocannon({
    url,
    connections: Number(values.connections),
    duration: Number(values.duration),
    requests: [
      {
        method: 'POST',
        path: '/newsletters/subscribe',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        setupRequest: (req: any, context: any) => {
          context.email = `${tag}${n++}@bench.example`;
          return { ...req, body: JSON.stringify({ email: context.email, newsletters: ['daily', 'morning'] }) };
        },
        onResponse: (status: number, _body: string, context: any) => {
          if (status === 200) accepted.push(context.email);
        },
      },
    ],
  });
  return { rps: result['2xx'] / Number(values.duration), ok: result['2xx'], non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

function readLine(child: ChildProcess): Promise<any> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) {
        child.stdout!.off('data', onData);
        resolve(JSON.parse(buf.slice(0, i)));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

if (values.create) {
  await createDatabase(values.create);
} else if (values.child) {
  await childServer(values.child);
} else {
  const b = bench!;
  const dataDir = b.tempDir('newsdesk-bench-signups-');
  b.waiting('a short-lived process to create and migrate the database');
  const created = await b.exec(process.execPath, ['--import', 'tsx', SELF, '--create', dataDir]);
  if (created.code !== 0) throw new Error(`creating the database failed: ${created.stderr || created.stdout}`);
  const child = b.spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), '--import', 'tsx', SELF, '--child', dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  b.waiting('the server child to migrate and report its address');
  const { url } = await readLine(child);
  console.log(`# ${os.cpus().length} CPU(s), ${values.connections} connections, ${values.duration} s each; server: PGlite in ${dataDir}, no SMTP, job worker off`);
  const accepted: string[] = [];
  b.waiting(`the warm-up load (${values.duration} s of sign-ups)`);
  await drive(url, 'warm', accepted); // warm-up: JIT, PGlite caches (checked below too)
  b.waiting(`the measured load (${values.duration} s of sign-ups)`);
  const app = await drive(url, 's', accepted);
  b.waiting(`the reference load (${values.duration} s against the plain server)`);
  const ref = await plainServer();
  const plain = await drive(ref.url, 'p');
  ref.close();
  b.waiting(`the server child to check ${accepted.length.toLocaleString('en-GB')} accepted sign-ups in its database`);
  child.stdin!.write(JSON.stringify(accepted) + '\n');
  const counts = await readLine(child);
  console.log(`newsdesk sign-ups:  ${app.rps.toFixed(0)} /s (${app.ok} accepted, ${app.non2xx} non-2xx, ${app.errors} errors)`);
  console.log(`plain node:http:    ${plain.rps.toFixed(0)} /s (JSON parse + response, no database)`);
  console.log(`ratio:              ${(app.rps / plain.rps).toFixed(3)} of the plain server`);
  console.log(`server process:     peak RSS ${counts.maxRssMb} MB (the database created beforehand in a short-lived process)`);
  console.log(`stored: ${counts.people} people, ${counts.subscriptions} pending subscriptions, ${counts.jobs} queued verification jobs; ` +
    `${counts.acceptedStored} of ${accepted.length} accepted sign-ups found with both subscriptions and a queued job; ${counts.peopleWithoutJob} people without a job ` +
    `(${counts.people - accepted.length} stored whose answer was still in flight when the load generator stopped)`);
  // None lost: every accepted sign-up is stored complete, and nothing is stored half-written.
  const noneLost = counts.acceptedStored === accepted.length && counts.people === counts.jobs && counts.subscriptions === counts.people * 2 && counts.peopleWithoutJob === 0;
  b.row({
    name: 'sign-ups',
    figure: app.rps,
    unit: 'sign-ups/s',
    detail: noneLost ? `${accepted.length.toLocaleString('en-GB')} accepted, none lost` : 'SIGN-UPS LOST OR HALF-WRITTEN',
    reference: { figure: plain.rps, unit: 'req/s', what: 'plain node:http, JSON parse + response' },
    ratio: app.rps / plain.rps,
    target: '≥ 1,000 sign-ups/s, none lost',
    pass: app.rps >= 1000 && noneLost,
    peakMemoryMb: counts.maxRssMb,
    memoryOf: 'server process',
  });
  assert.equal(counts.acceptedStored, accepted.length, 'every accepted sign-up stored with its subscriptions and job');
  assert.equal(counts.people, counts.jobs, 'one queued verification job per person');
  assert.equal(counts.subscriptions, counts.people * 2, 'two subscriptions per person');
  assert.equal(counts.peopleWithoutJob, 0);
  console.log(`check passed; target >= 1000 sign-ups/s: ${app.rps >= 1000 ? 'met' : 'NOT met'}`);
  // A child asked for its counts exits by itself (writing its CPU profile, if one was asked for).
  b.waiting('the server child to exit');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
}
