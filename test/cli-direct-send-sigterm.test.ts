// SIGTERM to `newsdesk editions send` run on the embedded database itself, no server (issue 8): the
// command must stop the send before its next message (every answered message recorded), print
// "stopped by SIGTERM; run the command again to continue" (no stack trace) and exit 143 (128 +
// SIGTERM). Run again, the send completes with no recipient getting the edition twice.
// (The forwarded case, SIGTERM to the server: test/delivery-shutdown.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { startSink } from './helpers/smtp-sink.ts';
import { commandEnv, onPg, preparedDataDir, runNewsdesk, seedConfirmedReaders } from './helpers/newsdesk-process.ts';

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

test('SIGTERM during a direct send stops it after the current batch; the command says so and exits 143; running it again completes it with no duplicates', { skip: onPg ? 'runs the embedded database (PGlite) in the command itself' : false, timeout: 240_000 }, async () => {
  const send = run(['editions', 'send', 'daily']);
  let termed = false;
  sink.onMessage = () => {
    if (!termed && sink.received.length >= TERM_AT) {
      termed = true;
      send.child.kill('SIGTERM');
    }
  };
  const cmd = await send.exited;
  sink.onMessage = undefined;
  assert.ok(termed, `the send reached ${TERM_AT} messages before the end (output: ${send.output()})`);
  assert.equal(cmd.signal, null, 'the command handled the signal');
  assert.equal(cmd.code, 143, send.output());
  assert.match(send.output(), /^stopped by SIGTERM; run the command again to continue$/m, send.output());
  assert.doesNotMatch(send.output(), /\n\s+at /, 'no stack trace');
  const before = sink.received.length;
  assert.ok(before < SUBSCRIBERS, `stopped before the end (${before} sent)`);

  const resumed = run(['editions', 'send', 'daily']);
  const r = await resumed.exited;
  assert.equal(r.code, 0, resumed.output());
  assert.match(resumed.output(), /Continuing the send of The Daily Digest No\. 1/);
  assert.match(resumed.output(), new RegExp(`${SUBSCRIBERS} sent, 0 failed`));
  const counts = new Map<string, number>();
  for (const m of sink.received) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  for (let i = 1; i <= SUBSCRIBERS; i++) assert.ok((counts.get(`term${i}@example.net`) ?? 0) >= 1, `term${i} received the edition`);
  assert.equal(sink.received.length - SUBSCRIBERS, 0, 'a graceful stop records every message answered: nothing goes twice');
});
