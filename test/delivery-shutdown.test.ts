// SIGTERM during a forwarded `newsdesk editions send` (issue 8, item 4): a real `newsdesk serve` on
// the embedded database, the command forwarded to it, a real SMTP server in this process. The server
// is sent SIGTERM mid-send; it must stop the send before its next message (every answered message
// recorded), then close HTTP and exit 0; the command must print "the server stopped; run the command
// again to continue" (no stack trace) and exit non-zero. Run again (the server gone, on the database
// itself), the send completes with no recipient getting the edition twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { startSink } from './helpers/smtp-sink.ts';
import { commandEnv, onPg, preparedDataDir, runNewsdesk, seedConfirmedReaders, startServe } from './helpers/newsdesk-process.ts';

const SUBSCRIBERS = 400;
const TERM_AT = 120;
const CONNECTIONS = 4;
const INFLIGHT = 50;

const dataDir = await preparedDataDir(async (db) => {
  await seedFixtures(db, new Date());
  await seedNewsletters(db);
  await seedConfirmedReaders(db, SUBSCRIBERS, 'term');
});

const sink = await startSink();
const env = commandEnv(dataDir, {
  SMTP_URL: sink.url,
  MAIL_FROM: 'The Ledger <news@ledger.example>',
  MAIL_CONNECTIONS: String(CONNECTIONS),
  MAIL_INFLIGHT: String(INFLIGHT),
  // Slow enough that SIGTERM arrives mid-send: 400 messages take 4 s.
  MAIL_RATE_PER_SECOND: '100',
});
const run = (args: string[]) => runNewsdesk(args, env);


test('SIGTERM during a forwarded send stops it gracefully; the command says so; running it again completes it with no duplicates', { skip: onPg ? 'commands are forwarded to a running server only on the embedded database (PGlite)' : false, timeout: 240_000 }, async () => {
  const server = await startServe(env);
  const send = run(['editions', 'send', 'daily']);
  let termed = false;
  sink.onMessage = () => {
    if (!termed && sink.received.length >= TERM_AT) {
      termed = true;
      server.child.kill('SIGTERM');
    }
  };
  const [cmd, srv] = await Promise.all([send.exited, server.exited]);
  sink.onMessage = undefined;
  assert.ok(termed, `the send reached ${TERM_AT} messages before the end (output: ${send.output()})`);
  assert.equal(srv.code, 0, `the server stopped by itself, not by the 15 s force exit (output: ${server.output()})`);
  assert.match(server.output(), /Newsdesk stopped\./);
  assert.notEqual(cmd.code, 0, 'the command exits non-zero');
  assert.match(send.output(), /^the server stopped; run the command again to continue$/m, send.output());
  assert.doesNotMatch(send.output(), /\n\s+at |Error: socket hang up|ECONNRESET/, 'no stack trace');
  const before = sink.received.length;
  assert.ok(before < SUBSCRIBERS, `stopped before the end (${before} sent)`);

  // Run again as the message says: with the server gone, the command opens the database itself.
  const resumed = run(['editions', 'send', 'daily']);
  const r = await resumed.exited;
  assert.equal(r.code, 0, resumed.output());
  assert.match(resumed.output(), /Continuing the send of The Daily Digest No\. 1/);
  assert.match(resumed.output(), new RegExp(`${SUBSCRIBERS} sent, 0 failed`));

  const counts = new Map<string, number>();
  for (const m of sink.received) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  for (let i = 1; i <= SUBSCRIBERS; i++) assert.ok((counts.get(`term${i}@example.net`) ?? 0) >= 1, `term${i} received the edition`);
  const duplicates = sink.received.length - SUBSCRIBERS;
  console.log(`# shutdown test: SIGTERM after ${before} of ${SUBSCRIBERS} messages; ${sink.received.length} messages in all, ${duplicates} duplicates (crash bound ${CONNECTIONS} x ${INFLIGHT})`);
  // A graceful stop records every message the server answered: nothing goes twice (a crash may send
  // up to MAIL_CONNECTIONS x MAIL_INFLIGHT twice; the old shutdown sent 121 of 400 twice).
  assert.equal(duplicates, 0);
});
