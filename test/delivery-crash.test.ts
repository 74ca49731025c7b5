// Crash and resume: `newsdesk editions send daily` runs in a child process against a real SMTP server
// in this process; the child is killed with SIGKILL mid-send, started again, and must complete the
// send. Every recipient gets the edition; only messages in flight at the kill may go twice, at most
// MAIL_CONNECTIONS x MAIL_INFLIGHT per kill, whatever MAIL_BATCH_SIZE is (issue 8: the bound was
// tied to the batch size). The measured number is printed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { createTestDatabase, tmpDir } from './helpers/db.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { startSink } from './helpers/smtp-sink.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SUBSCRIBERS = 3000;
const CONNECTIONS = 4;
// The defaults: 250-row claims, 50 messages in flight per connection.
const BATCH = 250;
const INFLIGHT = 50;
const KILLS_AT = [700, 1900];

const dataDir = tmpDir();
let databaseUrl = '';
const pgUrl = process.env.NEWSDESK_TEST_PG_URL;
if (pgUrl) {
  // A database of our own from the template, so the child process can reach it by URL.
  const created = (await createTestDatabase('crash_'))!;
  databaseUrl = created.url;
  after(created.drop);
}

async function open(): Promise<Db> {
  return openDb({ databaseUrl: databaseUrl || null, dataDir });
}

// Prepare the publication, the newsletters and the subscribers, then let go of the database (an
// embedded PGlite directory admits one process at a time).
{
  const db = await open();
  await migrate(db);
  await seedFixtures(db, new Date());
  await seedNewsletters(db);
  await db.query(
    `INSERT INTO people (email, email_normalized, name) SELECT 'crash' || i || '@example.net', 'crash' || i || '@example.net', 'Reader ' || i FROM generate_series(1, $1) i`,
    [SUBSCRIBERS],
  );
  await db.query(
    `INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at)
     SELECT p.id, n.id, 'confirmed', now() FROM people p, newsletters n WHERE n.slug = 'daily' AND p.email LIKE 'crash%'`,
  );
  await db.close();
}

const sink = await startSink();

function runCli(killAfter: number | null): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATA_DIR: dataDir,
      SMTP_URL: sink.url,
      MAIL_FROM: 'The Ledger <news@ledger.example>',
      SITE_URL: 'https://news.example',
      SECRET_KEY: 'crash-secret-key-crash-secret-key-0123456789',
      LOG_LEVEL: 'silent',
      MAIL_CONNECTIONS: String(CONNECTIONS),
      MAIL_BATCH_SIZE: String(BATCH),
      MAIL_INFLIGHT: String(INFLIGHT),
    };
    delete env.DATABASE_URL;
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/newsdesk.mjs'), 'editions', 'send', 'daily'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const start = sink.received.length;
    if (killAfter !== null) {
      sink.onMessage = () => {
        if (sink.received.length - start >= killAfter) {
          sink.onMessage = undefined;
          child.kill('SIGKILL');
        }
      };
    }
    child.on('exit', (code, signal) => {
      sink.onMessage = undefined;
      resolve({ code, signal, out });
    });
  });
}

test('a send killed mid-way (twice) completes when started again, with duplicates only from messages in flight', async () => {
  let previous = 0;
  for (const at of KILLS_AT) {
    const r = await runCli(at - previous);
    assert.equal(r.signal, 'SIGKILL', `the sender was killed mid-send (output: ${r.out})`);
    previous = sink.received.length;
    assert.ok(previous < SUBSCRIBERS, 'killed before the end');
  }
  const final = await runCli(null);
  assert.equal(final.code, 0, final.out);
  assert.match(final.out, /Continuing the send of The Daily Digest No\. 1/);
  assert.match(final.out, /Done: The Daily Digest No\. 1: 3,000 sent, 0 failed/);

  const counts = new Map<string, number>();
  for (const m of sink.received) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  for (let i = 1; i <= SUBSCRIBERS; i++) assert.ok((counts.get(`crash${i}@example.net`) ?? 0) >= 1, `crash${i} received the edition`);
  const duplicates = sink.received.length - SUBSCRIBERS;
  const bound = CONNECTIONS * INFLIGHT * KILLS_AT.length;
  console.log(`# crash test (${databaseUrl ? 'PostgreSQL' : 'PGlite'}): ${KILLS_AT.length} kills, ${sink.received.length} messages for ${SUBSCRIBERS} recipients, ${duplicates} duplicates (bound ${CONNECTIONS} x MAIL_INFLIGHT ${INFLIGHT} per kill = ${bound}; MAIL_BATCH_SIZE ${BATCH})`);
  assert.ok(duplicates >= 0 && duplicates <= bound, `${duplicates} duplicates exceed the bound ${bound}`);
  // Duplicates carry the same Message-ID as the first copy (receivers can fold them).
  const ids = new Map<string, Set<string>>();
  for (const m of sink.received) {
    const mid = /^Message-ID: (.+)\r$/m.exec(m.raw.toString('latin1'))![1]!;
    for (const to of m.to) (ids.get(to) ?? ids.set(to, new Set()).get(to)!).add(mid);
  }
  assert.ok([...ids.values()].every((s) => s.size === 1), 'one Message-ID per recipient');

  const db = await open();
  try {
    const rows = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`);
    assert.deepEqual(rows, [{ status: 'sent', n: SUBSCRIBERS }]);
    const e = await db.one(`SELECT status, runner FROM editions WHERE number = 1`);
    assert.equal(e!.status, 'sent');
    assert.equal(e!.runner, null);
  } finally {
    await db.close();
  }
});
