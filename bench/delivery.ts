// Delivery benchmark: one personalised digest edition to 100,000 confirmed subscribers through the
// real engine (claims, per-recipient splicing, pipelined SMTP, bulk result recording) into a local
// SMTP sink in a separate process, on PGlite in a temp dir (and on PostgreSQL with
// BENCH_DATABASE_URL). In the same run, a minimal pipelined SMTP client pushes the same number of
// messages of the same bytes to the same sink, just before and just after the engine: the reference. Prints msg/s, the ratio, the peak RSS
// of the sending process and checks one delivery row per recipient and the sink's count.
//
// Three kinds of process, so that each one's memory is its own:
//   - this one (the orchestrator): starts the sink, runs the reference client, prints;
//   - a seeding process (--seed): migrates, writes the stories, 100,000 people and subscriptions, exits;
//   - a sending process (--send): opens the database as `newsdesk serve` would, builds the edition,
//     queues it (one INSERT ... SELECT of 100,000 delivery rows) and sends it with runSend. Its peak
//     RSS (process.resourceUsage().maxRSS) is the figure reported against the 400 MB target.
//
//   node --import tsx bench/delivery.ts          BENCH_SUBSCRIBERS=100000 BENCH_CONNECTIONS=4 BENCH_BATCH=500
//   BENCH_INFLIGHT=N sets MAIL_INFLIGHT (default: the configuration's, 50 per connection)
//   BENCH_DATABASE_URL=postgres://... also runs on that server (a database created and dropped).
//   BENCH_CPU_PROF=dir writes a CPU profile of the sending process there (node --cpu-prof).
//   --quick (or BENCH_QUICK=1): 20,000 subscribers unless BENCH_SUBSCRIBERS says otherwise.
// Time limit: 15 minutes (5 with --quick; BENCH_TIME_LIMIT=S), see bench/lib/harness.ts.
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openDb, type Db } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Deps } from '../src/deps.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { buildEdition, startSend } from '../src/newsletters/editions.ts';
import { runSend } from '../src/newsletters/delivery/runner.ts';
import { createMessageFactory } from '../src/newsletters/delivery/message.ts';
import { messageBytes } from '../src/newsletters/delivery/smtp.ts';
import { seedFixtures } from '../test/helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';
import { startBench } from './lib/harness.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const SELF = fileURLToPath(import.meta.url);
const HERE = path.dirname(SELF);
const bench = process.argv[2] === '--seed' || process.argv[2] === '--send' ? null : startBench({ name: 'delivery', limit: { full: 900, quick: 300 } });
if (bench?.quick) process.env.BENCH_SUBSCRIBERS ??= '20000'; // the children read it too
const N = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const MB = (kb: number) => Math.round(kb / 1024);
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

// ---------------------------------------------------------------------------------------------
// Child processes.

type ChildArgs = { dataDir: string; databaseUrl: string | null; port?: number; sampleFile?: string };

async function seedProcess(a: ChildArgs) {
  const db = await openDb({ databaseUrl: a.databaseUrl, dataDir: a.dataDir });
  await migrate(db);
  await seedFixtures(db, new Date());
  await seedNewsletters(db);
  // A full digest: ten stories from the last hours, of every access level (public, metered, members,
  // paid) with a paywall marker, so recipients of each tier get their own version of the email.
  for (let i = 1; i <= 10; i++) {
    await createArticle(
      db,
      {
        headline: `Story ${i}: the council's budget vote and what it means for ${['schools', 'transport', 'housing', 'parks', 'libraries'][i % 5]}`,
        dek: 'A longer standfirst that explains the story in a sentence or two, as the digest shows it under each headline.',
        body: `The first paragraph of story ${i}, which every reader gets.\n\nA second paragraph before the marker.\n\n<!--paywall-->\n\nThe reporting that only readers with access get, paragraph one.\n\nAnd a closing paragraph.`,
        access: (['public', 'metered', 'members', 'paid'] as const)[i % 4],
        format: i % 3 ? 'speed-read' : 'the-explainer',
        section: 'politics',
        authors: ['ada-quill'],
        status: 'published',
        publishedAt: new Date(Date.now() - i * 3_600_000),
        editorsPick: i === 3,
      },
      { now: new Date() },
    );
  }
  const t = performance.now();
  await db.query(
    `INSERT INTO people (email, email_normalized, name, account_at)
     SELECT 'reader' || i || '@bench.example', 'reader' || i || '@bench.example', CASE WHEN i % 3 = 0 THEN '' ELSE 'Reader ' || i END,
            CASE WHEN i % 3 = 1 OR i % 10 = 0 THEN now() END
       FROM generate_series(1, $1) i`,
    [N],
  );
  // Mixed access: a third of the readers have an account, a tenth pay (an imported subscription).
  await db.query(`INSERT INTO plans (slug, name, kind) VALUES ('bench-print', 'Print', 'offline')`);
  await db.query(
    `INSERT INTO member_subscriptions (person_id, plan_id, status, source, external_id)
     SELECT p.id, (SELECT id FROM plans WHERE slug = 'bench-print'), 'active', 'import', 'B-' || p.id FROM people p WHERE p.id % 10 = 0`,
  );
  await db.query(
    `INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at)
     SELECT p.id, n.id, 'confirmed', now() FROM people p, newsletters n WHERE n.slug = 'daily'`,
  );
  const seedMs = performance.now() - t;
  await db.close();
  return { seedMs, maxRssKb: process.resourceUsage().maxRSS };
}

async function sendProcess(a: ChildArgs) {
  const rss = () => MB(process.memoryUsage().rss / 1024);
  const rssOpen0 = rss();
  const db = traceSql(await openDb({ databaseUrl: a.databaseUrl, dataDir: a.dataDir }));
  const config = loadConfig(
    {
      DATA_DIR: a.dataDir,
      SITE_URL: 'https://news.example',
      SECRET_KEY: crypto.randomBytes(32).toString('base64url'),
      SMTP_URL: `smtp://127.0.0.1:${a.port}`,
      MAIL_FROM: 'The Ledger <news@ledger.example>',
      MAIL_CONNECTIONS: String(CONNECTIONS),
      MAIL_BATCH_SIZE: String(BATCH),
      ...(process.env.BENCH_INFLIGHT ? { MAIL_INFLIGHT: process.env.BENCH_INFLIGHT } : {}),
      LOG_LEVEL: 'silent',
    },
    { loadDotEnv: false },
  );
  const deps: Deps = { db, config, log: createLog('warn'), clock: systemClock, runtime: createRuntime() };
  const rssOpen = rss();
  const e = await buildEdition(deps, 'daily');
  let t = performance.now();
  const started = await startSend(deps, e.id);
  const queueMs = performance.now() - t;
  const rssQueued = rss();
  const maxQueuedKb = process.resourceUsage().maxRSS;
  // The reference client sends exactly the bytes of one recipient's message: written out for the
  // orchestrator, which runs the reference once before the send and once after it.
  {
    const edition = await db.one<{ subject: string; rendered_html: string; rendered_text: string; newsletter_id: number }>(`SELECT subject, rendered_html, rendered_text, newsletter_id FROM editions WHERE id = $1`, [e.id]);
    const nl = await db.one(`SELECT * FROM newsletters WHERE id = $1`, [edition!.newsletter_id]);
    const sample = createMessageFactory(config, { editionId: e.id, newsletter: nl as any, subject: edition!.subject, html: edition!.rendered_html, text: edition!.rendered_text }).build({
      deliveryId: 1,
      personId: 1,
      email: 'reader1@bench.example',
      name: 'Reader 1',
    });
    fs.writeFileSync(a.sampleFile!, messageBytes(sample.data));
  }
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send!({ ready: true });
  });
  let peakDuring = 0;
  const sampler = setInterval(() => (peakDuring = Math.max(peakDuring, rss())), 250);
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await runSend(deps, e.id);
  const sendMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const rssSent = rss();
  const rows = await db.one<{ n: number; sent: number; distinct: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'sent')::int AS sent, count(DISTINCT person_id)::int AS distinct FROM deliveries WHERE edition_id = $1`,
    [e.id],
  );
  await db.close();
  printSqlTrace();
  return {
    stories: e.items.length,
    number: e.number,
    queued: started.queued,
    queueMs,
    sendMs,
    cpuUsPerMessage: (cpu.user + cpu.system) / N,
    cpuShare: (cpu.user + cpu.system) / 1000 / sendMs,
    status: r.status,
    rows: rows!,
    rss: { rssOpen0, rssOpen, rssQueued, maxQueuedMb: MB(maxQueuedKb), peakDuring, rssSent },
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

// BENCH_TRACE_SQL=1: time spent per statement (first words) in the sending process, printed at the end.
const sqlTimes = new Map<string, { n: number; ms: number; rows: number }>();
function traceSql(db: Db): Db {
  if (process.env.BENCH_TRACE_SQL !== '1') return db;
  const wrap = <T>(sql: string, p: Promise<T[]>) => {
    const t = performance.now();
    return p.then((rows) => {
      const k = sql.replace(/\s+/g, ' ').trim().slice(0, 70);
      const e = sqlTimes.get(k) ?? { n: 0, ms: 0, rows: 0 };
      e.n++;
      e.ms += performance.now() - t;
      e.rows += rows.length;
      sqlTimes.set(k, e);
      return rows;
    });
  };
  return {
    ...db,
    query: (sql, params) => wrap(sql, db.query(sql, params)),
    one: (sql, params) => wrap(sql, db.query(sql, params)).then((r) => r[0]),
  } as Db;
}
function printSqlTrace() {
  for (const [k, e] of [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    console.log(`    sql ${String(e.n).padStart(6)} x ${(e.ms / e.n).toFixed(2).padStart(7)} ms = ${Math.round(e.ms).toString().padStart(6)} ms  rows ${e.rows}  ${k}`);
  }
}

const mode = process.argv[2];
if (mode === '--seed' || mode === '--send') {
  const a = JSON.parse(process.argv[3]!) as ChildArgs;
  const out = mode === '--seed' ? await seedProcess(a) : await sendProcess(a);
  process.send!(out, () => process.exit(0));
} else {
  await main();
}

/** Run a child; `onReady` runs when it says it is ready (the sender, queued and waiting), then it goes on. */
function runChild<T>(mode: '--seed' | '--send', a: ChildArgs, onReady?: () => Promise<void>): Promise<T> {
  const prof = mode === '--send' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child = bench!.fork(SELF, [mode, JSON.stringify(a)], { execArgv: [...prof, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<T>((resolve, reject) => {
    let got: T | undefined;
    child.on('message', (m: any) => {
      if (m?.ready) void (onReady ?? (async () => {}))().then(() => child.send({ go: true }), reject);
      else got = m as T;
    });
    child.once('exit', (code) => (got !== undefined ? resolve(got) : reject(new Error(`${mode} process exited with ${code}`))));
  });
}

// ---------------------------------------------------------------------------------------------
// The orchestrator.

type SinkMsg = { port?: number; messages?: number; bytes?: number };

async function startSinkProcess() {
  const child = bench!.fork(path.join(HERE, 'lib/smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<SinkMsg>((resolve) => child.once('message', (m) => resolve(m as SinkMsg)));
  const { port } = await next();
  return {
    port: port!,
    async count() {
      child.send({ cmd: 'count' });
      return next();
    },
    async reset() {
      child.send({ cmd: 'reset' });
      return next();
    },
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.send({ cmd: 'stop' }))),
  };
}

/** The reference: a minimal pipelined SMTP client (one round trip per message) over `connections` sockets. */
async function minimalClient(port: number, data: Buffer, count: number, connections: number): Promise<number> {
  const t0 = performance.now();
  const per = Math.ceil(count / connections);
  await Promise.all(
    Array.from({ length: connections }, (_, c) =>
      new Promise<void>((resolve, reject) => {
        const todo = Math.min(per, count - c * per);
        const s = net.connect(port, '127.0.0.1');
        s.setNoDelay(true);
        let buf = '';
        let replies = 0; // final reply lines seen
        let sent = 0;
        const env = 'MAIL FROM:<bounces@bench.example>\r\nRCPT TO:<reader@bench.example>\r\nDATA\r\n';
        // Replies in order: greeting, EHLO, then per message MAIL, RCPT, DATA(354), end-of-data.
        const onReply = (code: number) => {
          replies++;
          if (replies === 1) return s.write('EHLO bench\r\n');
          if (replies === 2) return s.write(env);
          if (code === 354) {
            sent++;
            s.write(sent < todo ? Buffer.concat([data, Buffer.from('.\r\n' + env)]) : Buffer.concat([data, Buffer.from('.\r\nQUIT\r\n')]));
          }
          if (code === 221) {
            s.end();
            resolve();
          }
        };
        s.on('data', (chunk) => {
          buf += chunk.toString('latin1');
          let i: number;
          while ((i = buf.indexOf('\n')) !== -1) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line[3] !== '-') onReply(Number(line.slice(0, 3)));
          }
        });
        s.on('error', reject);
      }),
    ),
  );
  return performance.now() - t0;
}

async function run(label: string, dataDir: string, databaseUrl: string | null, sink: Awaited<ReturnType<typeof startSinkProcess>>) {
  console.log(`\n${label}   (load average at start: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  bench!.waiting(`the seeding process (${label}: ${fmt(N)} subscribers)`);
  const seed = await runChild<{ seedMs: number; maxRssKb: number }>('--seed', { dataDir, databaseUrl });
  console.log(`  seeding process: ${fmt(N)} confirmed subscribers inserted in ${(seed.seedMs / 1000).toFixed(1)} s; its peak RSS ${MB(seed.maxRssKb)} MB (then it exited)`);
  const sampleFile = path.join(path.dirname(dataDir), `sample-${process.pid}.eml`);
  // Reference: the same number of messages, the same bytes, the same sink, the same number of
  // connections, just before the engine's send and just after it (the machine is shared: the two
  // show how much the load moved during the run).
  let refBeforeMs = 0;
  bench!.waiting(`the sending process to queue the edition, the reference client, then the send (${label})`);
  const s = await runChild<Awaited<ReturnType<typeof sendProcess>>>('--send', { dataDir, databaseUrl, port: sink.port, sampleFile }, async () => {
    await sink.reset();
    refBeforeMs = await minimalClient(sink.port, fs.readFileSync(sampleFile), N, CONNECTIONS);
    const ref = await sink.count();
    if (ref.messages !== N) throw new Error(`reference client: sink counted ${ref.messages}`);
    await sink.reset();
  });
  const got = await sink.count();
  const sample = fs.readFileSync(sampleFile);
  fs.rmSync(sampleFile, { force: true });
  console.log(`  edition No. ${s.number} with ${s.stories} stories; ${fmt(s.queued)} delivery rows queued (one INSERT ... SELECT) in ${(s.queueMs / 1000).toFixed(2)} s`);
  const ok = s.rows.n === N && s.rows.distinct === N && s.rows.sent === N && got.messages === N && s.status === 'sent';
  if (!ok) {
    throw new Error(`expected ${N} rows, one per recipient, all sent and received: rows ${s.rows.n}, distinct ${s.rows.distinct}, sent ${s.rows.sent}, sink ${got.messages}, status ${s.status}`);
  }
  const engineRate = N / (s.sendMs / 1000);
  const avgBytes = got.bytes! / got.messages!;

  await sink.reset();
  bench!.waiting(`the reference client after the send (${label})`);
  const refAfterMs = await minimalClient(sink.port, sample, N, CONNECTIONS);
  const ref = await sink.count();
  if (ref.messages !== N) throw new Error(`reference client: sink counted ${ref.messages}`);
  const refBefore = N / (refBeforeMs / 1000);
  const refAfter = N / (refAfterMs / 1000);
  const refRate = (refBefore + refAfter) / 2;
  const rssMb = MB(s.maxRssKb);
  console.log(`  engine:     ${fmt(N)} messages in ${(s.sendMs / 1000).toFixed(1)} s = ${fmt(engineRate)} msg/s (${(avgBytes / 1024).toFixed(1)} KiB each, ${CONNECTIONS} connections, batches of ${BATCH})`);
  console.log(`              CPU of the sending process during the send: ${Math.round(s.cpuUsPerMessage)} us per message (user + system, database included), ${Math.round(s.cpuShare * 100)} % of one core`);
  console.log(`  reference:  minimal pipelined client, same bytes, same sink: ${fmt(refBefore)} msg/s just before, ${fmt(refAfter)} just after (mean ${fmt(refRate)})`);
  console.log(`  ratio engine/reference (mean): ${(engineRate / refRate).toFixed(2)}   target >= 3,000 msg/s: ${engineRate >= 3000 ? 'met' : 'NOT met'}`);
  console.log(
    `  peak RSS of the sending process: ${rssMb} MB   target < 400 MB: ${rssMb < 400 ? 'met' : 'NOT met'}` +
      `  (RSS after opening the database ${s.rss.rssOpen} MB, after queueing ${s.rss.rssQueued} MB with peak ${s.rss.maxQueuedMb} MB so far, highest sampled while sending ${s.rss.peakDuring} MB, after the send ${s.rss.rssSent} MB)`,
  );
  console.log(`  one delivery row per recipient: ${fmt(s.rows.n)} rows, ${fmt(s.rows.distinct)} people, ${fmt(s.rows.sent)} sent; the sink counted ${fmt(got.messages!)} messages`);
  console.log(`  load average at the end: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const db = label.split(' ')[0];
  bench!.row({
    name: `sending, ${db}`,
    figure: engineRate,
    unit: 'msg/s',
    detail: `${fmt(N)} messages, ${CONNECTIONS} connections`,
    reference: { figure: refRate, unit: 'msg/s', what: 'minimal pipelined SMTP client, mean of before and after' },
    ratio: engineRate / refRate,
    target: '≥ 3,000 msg/s',
    pass: engineRate >= 3000,
    peakMemoryMb: rssMb,
    memoryOf: 'sending process',
  });
  bench!.row({ name: `sending process memory, ${db}`, figure: rssMb, unit: 'MB peak', target: '< 400 MB', pass: rssMb < 400, peakMemoryMb: rssMb, memoryOf: 'sending process' });
}

async function main() {
  const sink = await startSinkProcess();
  console.log(`delivery benchmark: ${fmt(N)} subscribers, ${os.cpus().length} CPUs, Node ${process.version}`);
  const dir = bench!.tempDir('newsdesk-bench-delivery-');
  try {
    if (process.env.BENCH_SKIP_PGLITE !== '1') await run('PGlite (embedded, files in a temp dir)', path.join(dir, 'pglite'), null, sink);
    const pgUrl = process.env.BENCH_DATABASE_URL;
    if (pgUrl) {
      const pg = (await import('pg')).default;
      const name = `newsdesk_bench_${process.pid}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      bench!.onStop(() => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined));
      const u = new URL(pgUrl);
      u.pathname = '/' + name;
      try {
        await run(`PostgreSQL (${u.host})`, path.join(dir, 'pg'), u.toString(), sink);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    }
  } finally {
    await sink.stop();
    bench!.removeDir(dir);
  }
}
