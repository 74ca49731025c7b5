// `newsdesk members import FILE.csv`: the columns, plans created as offline plans, statuses, expiry in
// the publication's time zone, idempotent re-runs, bad rows reported by line and skipped, Ghost's
// members export, exit codes; and whether the imported subscriptions grant paid access.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openTestDb, tmpDir } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';
import { parseExpiry, subscriptionsOfMember, upsertPlan } from '../src/members/subscriptions.ts';
import { getMember } from '../src/members/accounts.ts';
import type { Deps } from '../src/deps.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const NOW = '2026-11-20T12:00:00Z';
const db = await openTestDb();
const clock = fixedClock(NOW);
const deps: Deps = { db, config: testConfig({ TIME_ZONE: 'Europe/London' }), log: createLog('silent'), clock, runtime: createRuntime() };
const dir = tmpDir();
await upsertPlan(db, { slug: 'digital', name: 'Digital', monthly_amount: 900, currency: 'gbp' });

async function importFile(name: string, text: string) {
  fs.writeFileSync(path.join(dir, name), text);
  const io = memoryIO();
  const code = await runCommand(['members', 'import', name], dir, io, deps);
  return { code, io };
}

const personId = async (email: string) => (await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [email]))?.id;
const paid = async (email: string) => (await getMember(db, (await personId(email))!, clock.now(), 7))!.paid;

test('imports subscriptions, creates unknown plans as offline plans, reports bad rows by line', { timeout: 20_000 }, async () => {
  const csv = [
    'email,name,plan,status,expires_at,external_id,note',
    'print.reader@example.org,Pat Print,Print + Digital,active,2027-06-30,P-1001,delivered Saturdays',
    'app.reader@example.org,,digital,active,,,',
    'late.payer@example.org,Lou Late,Digital,past_due,2027-01-31,,',
    'gone@example.org,Gone Person,digital,expired,2026-01-31,,',
    'not-an-email,Bad Row,digital,active,,,',
    'bad.status@example.org,,digital,paused,,,',
    'bad.date@example.org,,digital,active,31/12/2026,,',
    '"multi@example.org","Line ',
    'Break",digital,cancelled,2026-12-15,,',
    'noplan@example.org,,,active,,,',
  ].join('\n');
  const { code, io } = await importFile('subs.csv', csv);
  assert.equal(code, 0, io.errors.join('\n'));
  assert.deepEqual(io.errors.map((e) => e.split(':')[0]), ['Line 6', 'Line 7', 'Line 8', 'Line 11']);
  assert.match(io.errors[1]!, /paused/);
  assert.match(io.errors[2]!, /31\/12\/2026/);
  assert.match(io.lines.at(-1)!, /Read 9 row\(s\) from subs\.csv: 5 subscription\(s\) added, 0 updated, 0 unchanged, 0 attached to existing accounts, 4 skipped\. New offline plan\(s\): print-digital\./);
  const plan = await db.one<{ kind: string; name: string; stripe_price_monthly: string | null }>(`SELECT kind, name, stripe_price_monthly FROM plans WHERE slug = 'print-digital'`);
  assert.deepEqual(plan, { kind: 'offline', name: 'Print + Digital', stripe_price_monthly: null });
  assert.equal(await paid('print.reader@example.org'), true);
  assert.equal(await paid('app.reader@example.org'), true, 'no expiry');
  assert.equal(await paid('late.payer@example.org'), true, 'past due: within the grace period');
  assert.equal(await paid('gone@example.org'), false, 'expired');
  assert.equal(await paid('multi@example.org'), true, 'cancelled, paid up to its expiry');
  // The imported person has no reader account yet: they become a member by registering.
  assert.equal((await db.one<{ account_at: Date | null }>(`SELECT account_at FROM people WHERE email_normalized = 'print.reader@example.org'`))!.account_at, null);
});

test('re-running updates rows and never duplicates them; a later import attaches to an existing account', { timeout: 20_000 }, async () => {
  const before = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_subscriptions`))!.n;
  await db.query(`UPDATE people SET account_at = now() WHERE email_normalized = 'app.reader@example.org'`);
  const csv = [
    'email,name,plan,status,expires_at,external_id,note',
    'print.reader@example.org,Pat Print,print-digital,cancelled,2026-11-30,P-1001,stopped',
    'app.reader@example.org,,Digital,active,,,',
  ].join('\r\n');
  const { code, io } = await importFile('again.csv', csv);
  assert.equal(code, 0);
  assert.match(io.lines.at(-1)!, /Read 2 row\(s\) from again\.csv: 0 subscription\(s\) added, 1 updated, 1 unchanged, 1 attached/);
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_subscriptions`))!.n, before);
  const subs = await subscriptionsOfMember(db, (await personId('print.reader@example.org'))!, clock.now(), 7);
  assert.equal(subs.length, 1);
  assert.equal(subs[0]!.status, 'cancelled');
  assert.equal(subs[0]!.note, 'stopped');
});

test('an imported date expires at the end of that day in the publication’s time zone', { timeout: 10_000 }, async () => {
  // Europe/London in summer is UTC+1: the end of 30 June is 23:00 UTC.
  assert.equal((parseExpiry('2027-06-30', 'Europe/London') as Date).toISOString(), '2027-06-30T23:00:00.000Z');
  assert.equal((parseExpiry('2027-01-31T09:30', 'Europe/London') as Date).toISOString(), '2027-01-31T09:30:00.000Z');
  assert.equal((parseExpiry('2027-01-31T09:30:00+02:00', 'Europe/London') as Date).toISOString(), '2027-01-31T07:30:00.000Z');
  assert.equal(parseExpiry('2027-02-30', 'Europe/London'), 'invalid');
  assert.equal(parseExpiry('', 'Europe/London'), null);
  // The subscription cancelled to 2026-11-30 stops at midnight London time, not before.
  clock.set('2026-11-30T23:59:00Z');
  assert.equal(await paid('print.reader@example.org'), true);
  clock.set('2026-12-01T00:00:01Z');
  assert.equal(await paid('print.reader@example.org'), false);
  clock.set(NOW);
});

test('past due keeps access for the grace period only', { timeout: 10_000 }, async () => {
  clock.set('2026-11-26T12:00:00Z');
  assert.equal(await paid('late.payer@example.org'), true);
  clock.set('2026-11-27T12:00:01Z');
  assert.equal(await paid('late.payer@example.org'), false);
  clock.set(NOW);
});

test('Ghost’s members export is recognised', { timeout: 10_000 }, async () => {
  const csv = [
    'id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers',
    '6123abc,ghost.paid@example.org,Gus Paid,,true,false,cus_ABC123,2024-01-01T00:00:00.000Z,,,Supporter',
    '6123abd,ghost.free@example.org,Fay Free,,true,false,,2024-01-01T00:00:00.000Z,,,',
    '6123abe,ghost.comp@example.org,Cam Comp,,true,true,,2024-01-01T00:00:00.000Z,,,',
  ].join('\n');
  const { code, io } = await importFile('ghost.csv', csv);
  assert.equal(code, 0, io.errors.join('\n'));
  assert.equal(await paid('ghost.paid@example.org'), true);
  assert.equal(await paid('ghost.comp@example.org'), true);
  assert.equal(await paid('ghost.free@example.org'), false);
  assert.ok((await db.one<{ account_at: Date | null }>(`SELECT account_at FROM people WHERE email_normalized = 'ghost.free@example.org'`))!.account_at, 'a Ghost member is a reader account');
  assert.equal((await db.one<{ stripe_customer_id: string }>(`SELECT stripe_customer_id FROM people WHERE email_normalized = 'ghost.paid@example.org'`))!.stripe_customer_id, 'cus_ABC123');
});

test('a file that cannot be read at all exits non-zero', { timeout: 10_000 }, async () => {
  const io = memoryIO();
  assert.notEqual(await runCommand(['members', 'import', 'missing.csv'], dir, io, deps), 0);
  assert.match(io.errors.join('\n'), /no such file/);
  const wrong = await importFile('wrong.csv', 'foo,bar\n1,2\n');
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.io.errors.join('\n'), /email,name,plan,status,expires_at/);
  const broken = await importFile('broken.csv', 'email,plan,status\n"unterminated,digital,active\n');
  assert.notEqual(broken.code, 0);
});
