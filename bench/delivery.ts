// Delivery benchmark: one personalised digest edition to 100,000 confirmed subscribers through the
// real engine (claims, per-recipient splicing, pipelined SMTP, bulk result recording) into a local
// SMTP sink in a separate process, on PGlite in a temp dir (and on PostgreSQL with
// BENCH_DATABASE_URL). In the same run, a minimal pipelined SMTP client pushes the same number of
// messages of the same size to the same sink: the reference. Prints msg/s, the ratio, peak RSS and
// checks one delivery row per recipient.
//   node --import tsx bench/delivery.ts            (BENCH_SUBSCRIBERS=100000 by default)
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openDb, type Db } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Deps } from '../src/deps.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { buildEdition, startSend } from '../src/newsletters/editions.ts';
import { runSend } from '../src/newsletters/delivery/engine.ts';
import { createMessageFactory } from '../src/newsletters/delivery/message.ts';
import { seedFixtures } from '../test/helpers/fixtures.ts';
import { createArticle } from '../src/articles/write.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);

type SinkMsg = { port?: number; messages?: number; bytes?: number };

async function startSinkProcess() {
  const child = fork(path.join(HERE, 'smtp-sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

async function prepare(db: Db): Promise<void> {
  await migrate(db);
  await seedFixtures(db, new Date());
  await seedNewsletters(db);
  // A full digest: ten stories from the last hours.
  for (let i = 1; i <= 10; i++) {
    await createArticle(
      db,
      {
        headline: `Story ${i}: the council's budget vote and what it means for ${['schools', 'transport', 'housing', 'parks', 'libraries'][i % 5]}`,
        dek: 'A longer standfirst that explains the story in a sentence or two, as the digest shows it under each headline.',
        body: 'Body text.',
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
    `INSERT INTO people (email, email_normalized, name)
     SELECT 'reader' || i || '@bench.example', 'reader' || i || '@bench.example', CASE WHEN i % 3 = 0 THEN '' ELSE 'Reader ' || i END
       FROM generate_series(1, $1) i`,
    [N],
  );
  await db.query(
    `INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at)
     SELECT p.id, n.id, 'confirmed', now() FROM people p, newsletters n WHERE n.slug = 'daily'`,
  );
  console.log(`  ${N.toLocaleString('en-GB')} confirmed subscribers inserted in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function run(label: string, db: Db, dataDir: string, sink: Awaited<ReturnType<typeof startSinkProcess>>) {
  console.log(`\n${label}`);
  await prepare(db);
  const config = {
    ...loadConfig(
      {
        DATA_DIR: dataDir,
        SITE_URL: 'https://news.example',
        SECRET_KEY: crypto.randomBytes(32).toString('base64url'),
        SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        MAIL_FROM: 'The Ledger <news@ledger.example>',
        MAIL_CONNECTIONS: String(CONNECTIONS),
        MAIL_BATCH_SIZE: String(BATCH),
        LOG_LEVEL: 'silent',
      },
      { loadDotEnv: false },
    ),
  };
  const deps: Deps = { db, config, log: createLog('warn'), clock: systemClock };
  const e = await buildEdition(deps, 'daily');
  let t = performance.now();
  const started = await startSend(deps, e.id);
  const queueMs = performance.now() - t;
  console.log(`  edition No. ${e.number} with ${e.items.length} stories; ${started.queued.toLocaleString('en-GB')} delivery rows created in ${(queueMs / 1000).toFixed(2)} s`);
  await sink.reset();
  const rssBefore = process.memoryUsage().rss / 1048576;
  t = performance.now();
  const r = await runSend(deps, e.id);
  const sendMs = performance.now() - t;
  const got = await sink.count();
  const rows = await db.one<{ n: number; sent: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'sent')::int AS sent FROM deliveries WHERE edition_id = $1`, [e.id]);
  const distinct = await db.one<{ n: number }>(`SELECT count(DISTINCT person_id)::int AS n FROM deliveries WHERE edition_id = $1`, [e.id]);
  if (rows!.n !== N || distinct!.n !== N || rows!.sent !== N || got.messages !== N || r.status !== 'sent') {
    throw new Error(`expected ${N} rows, one per recipient, all sent and received: rows ${rows!.n}, distinct ${distinct!.n}, sent ${rows!.sent}, sink ${got.messages}, status ${r.status}`);
  }
  const engineRate = N / (sendMs / 1000);
  const avgBytes = got.bytes! / got.messages!;

  // Reference: the same number of messages of the same size, from a minimal pipelined client.
  const edition = await db.one<{ subject: string; rendered_html: string; rendered_text: string; newsletter_id: number }>(`SELECT subject, rendered_html, rendered_text, newsletter_id FROM editions WHERE id = $1`, [e.id]);
  const nl = await db.one(`SELECT * FROM newsletters WHERE id = $1`, [edition!.newsletter_id]);
  const sample = createMessageFactory(config, { editionId: e.id, newsletter: nl as any, subject: edition!.subject, html: edition!.rendered_html, text: edition!.rendered_text }).build({
    deliveryId: 1,
    personId: 1,
    email: 'reader1@bench.example',
    name: 'Reader 1',
  });
  await sink.reset();
  const refMs = await minimalClient(sink.port, sample.data, N, CONNECTIONS);
  const ref = await sink.count();
  if (ref.messages !== N) throw new Error(`reference client: sink counted ${ref.messages}`);
  const refRate = N / (refMs / 1000);
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`  engine:     ${N.toLocaleString('en-GB')} messages in ${(sendMs / 1000).toFixed(1)} s = ${Math.round(engineRate).toLocaleString('en-GB')} msg/s (${(avgBytes / 1024).toFixed(1)} KiB each, ${CONNECTIONS} connections, batches of ${BATCH})`);
  console.log(`  reference:  minimal pipelined client, same size: ${Math.round(refRate).toLocaleString('en-GB')} msg/s`);
  console.log(`  ratio engine/reference: ${(engineRate / refRate).toFixed(2)}   target >= 3,000 msg/s: ${engineRate >= 3000 ? 'met' : 'NOT met'}`);
  console.log(`  peak RSS of the sending process so far: ${Math.round(rss)} MB   target < 400 MB: ${rss < 400 ? 'met' : 'NOT met'}  (RSS when the send started: ${Math.round(rssBefore)} MB)`);
  console.log(`  one delivery row per recipient: ${rows!.n.toLocaleString('en-GB')} rows, ${distinct!.n.toLocaleString('en-GB')} people, all sent`);
}

const sink = await startSinkProcess();
console.log(`delivery benchmark: ${N.toLocaleString('en-GB')} subscribers, ${os.cpus().length} CPUs, Node ${process.version}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-'));
try {
  const db = await openDb({ databaseUrl: null, dataDir: dir });
  try {
    await run('PGlite (embedded, files in a temp dir)', db, dir, sink);
  } finally {
    await db.close();
  }
  const pgUrl = process.env.BENCH_DATABASE_URL;
  if (pgUrl) {
    const pg = (await import('pg')).default;
    const name = `newsdesk_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(pgUrl);
    u.pathname = '/' + name;
    const pdb = await openDb({ databaseUrl: u.toString(), dataDir: dir });
    try {
      await run(`PostgreSQL (${u.host})`, pdb, dir, sink);
    } finally {
      await pdb.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
} finally {
  await sink.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
