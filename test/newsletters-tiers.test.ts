// Every newsletter email carries what its own recipient may read (THE access rule, channel 'email'):
// public stories in full; members (and metered) stories in full to recipients with an account; paid
// stories in full to paying members; otherwise the lead-in and a link. The edition is frozen once per
// access level. Sent through the real delivery engine to a real SMTP server on loopback: a unique
// sentence after the paywall marker of a paid article reaches only the paying members' emails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { openTestDb } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { startSink } from './helpers/smtp-sink.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Deps } from '../src/deps.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { seedNewsletters, getNewsletterBySlug } from '../src/newsletters/newsletters.ts';
import { addItem, buildEdition, startSend } from '../src/newsletters/editions.ts';
import { runSend } from '../src/newsletters/delivery/runner.ts';
import { createArticle } from '../src/articles/write.ts';
import { importMembersCsv } from '../src/members/subscriptions.ts';

const NOW = '2026-11-20T12:00:00Z';
const db = await openTestDb();
await seedNewsletters(db);
const sink = await startSink();
const daily = (await getNewsletterBySlug(db, 'daily'))!;
const d: Deps = {
  db,
  config: testConfig({ SMTP_URL: sink.url, MAIL_FROM: 'The Ledger <news@ledger.example>' }),
  log: createLog('silent'),
  clock: fixedClock(NOW),
  runtime: createRuntime(),
};

const PAID = 'Marmalade surveyors dispute the reservoir ledger';
const MEMBERS = 'Cobalt archivists misplace the ferry timetable';
const METERED = 'Saffron referees overrule the parking inspectors';
const PUBLIC = 'Granite pelicans inspect the bridge on Sundays';
const body = (secret: string) => `The opening paragraph anyone may read.\n\nA second free paragraph.\n\n<!--paywall-->\n\n${secret}.\n\nMore reporting.`;
const at = (h: number) => new Date(Date.parse(NOW) - h * 3600_000);
const now = new Date(NOW);
const articles = [
  await createArticle(db, { headline: 'The reservoir accounts', body: body(PAID), access: 'paid', status: 'published', publishedAt: at(1) }, { now }),
  await createArticle(db, { headline: 'The ferry timetable', body: body(MEMBERS), access: 'members', status: 'published', publishedAt: at(2) }, { now }),
  await createArticle(db, { headline: 'The parking appeal', body: body(METERED), access: 'metered', status: 'published', publishedAt: at(3) }, { now }),
  await createArticle(db, { headline: 'The bridge inspection', body: body(PUBLIC), access: 'public', status: 'published', publishedAt: at(4) }, { now }),
];

async function person(email: string, opts: { account?: boolean } = {}): Promise<number> {
  const p = await db.one<{ id: number }>(`INSERT INTO people (email, email_normalized, account_at) VALUES ($1, $1, $2) RETURNING id`, [email, opts.account ? now : null]);
  await db.query(`INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at) VALUES ($1, $2, 'confirmed', now())`, [p!.id, daily.id]);
  return p!.id;
}
await person('subscriber@example.net'); // a newsletter subscriber without an account: not a member
await person('free.member@example.net', { account: true });
await person('payer@example.net', { account: true });
await person('print.payer@example.net'); // paying (imported), no account yet: paid access all the same
await person('lapsed@example.net', { account: true });
const report = await importMembersCsv(d, 'email,name,plan,status,expires_at\npayer@example.net,,Digital,active,2027-12-31\nprint.payer@example.net,,Print,active,\nlapsed@example.net,,Digital,expired,2026-10-31\n');
assert.equal(report.errors.length, 0);

async function sendEdition(): Promise<Map<string, { html: string; text: string }>> {
  await db.query(`UPDATE editions SET status = 'cancelled' WHERE status IN ('draft', 'scheduled')`);
  const e = await buildEdition(d, 'daily');
  await db.query(`DELETE FROM edition_items WHERE edition_id = $1`, [e.id]);
  for (const a of articles) await addItem(db, e.id, a.id);
  await startSend(d, e.id);
  const before = sink.received.length;
  const r = await runSend(d, e.id);
  assert.equal(r.sent, 5);
  const out = new Map<string, { html: string; text: string }>();
  for (const m of sink.received.slice(before)) {
    const parsed = await simpleParser(m.raw);
    out.set(m.to[0]!, { html: String(parsed.html), text: parsed.text ?? '' });
  }
  return out;
}

test('each recipient’s email carries exactly what their access allows', { timeout: 60_000 }, async () => {
  const mails = await sendEdition();
  const has = (to: string, secret: string) => {
    const m = mails.get(to)!;
    assert.ok(m, `a message to ${to}`);
    const inHtml = m.html.includes(secret);
    assert.equal(m.text.includes(secret), inHtml, `html and text agree for ${to}`);
    return inHtml;
  };
  // The paid sentence: only paying members, with or without an account.
  assert.equal(has('payer@example.net', PAID), true);
  assert.equal(has('print.payer@example.net', PAID), true);
  for (const to of ['subscriber@example.net', 'free.member@example.net', 'lapsed@example.net']) assert.equal(has(to, PAID), false, `no paid text for ${to}`);
  // Members and metered stories: in full for anyone with an account (no meter in email) and for paying members.
  for (const secret of [MEMBERS, METERED]) {
    assert.equal(has('subscriber@example.net', secret), false);
    for (const to of ['free.member@example.net', 'lapsed@example.net', 'payer@example.net', 'print.payer@example.net']) assert.equal(has(to, secret), true, `${to} reads it`);
  }
  // Public stories in full for everyone; lead-ins everywhere.
  for (const to of mails.keys()) {
    assert.equal(has(to, PUBLIC), true);
    assert.ok(mails.get(to)!.html.includes('The opening paragraph anyone may read.'));
  }
  // Without access: the lead-in and the way to the rest.
  const anon = mails.get('subscriber@example.net')!;
  assert.match(anon.html, /The rest of this story is for subscribers\. <a href="https:\/\/news\.example\/subscribe"/);
  assert.match(anon.html, /Continue reading for free: <a href="https:\/\/news\.example\/account\/register\?next=/);
  assert.match(mails.get('free.member@example.net')!.text, /The rest of this story is for subscribers: https:\/\/news\.example\/subscribe/);
  // Per-recipient links are still each recipient's own.
  const unsub = (h: string) => /href="([^"]*\/unsubscribe[^"]*)"/.exec(h)![1];
  assert.notEqual(unsub(anon.html), unsub(mails.get('payer@example.net')!.html));
});

test('the edition is frozen once per access level; one frozen before that sends everyone the version without gated text', { timeout: 60_000 }, async () => {
  const row = await db.one<{ rendered_html: string; rendered_tiers: { member: { html: string }; paid: { html: string } } }>(`SELECT rendered_html, rendered_tiers FROM editions WHERE status = 'sent' ORDER BY id DESC LIMIT 1`);
  assert.ok(!row!.rendered_html.includes(PAID) && !row!.rendered_html.includes(MEMBERS));
  assert.ok(row!.rendered_tiers.member.html.includes(MEMBERS) && !row!.rendered_tiers.member.html.includes(PAID));
  assert.ok(row!.rendered_tiers.paid.html.includes(PAID));

  // An edition frozen without its tiers (before migration 033): nobody gets gated text.
  await db.query(`UPDATE editions SET status = 'cancelled' WHERE status IN ('draft', 'scheduled')`);
  const e = await buildEdition(d, 'daily');
  await db.query(`DELETE FROM edition_items WHERE edition_id = $1`, [e.id]);
  for (const a of articles) await addItem(db, e.id, a.id);
  await startSend(d, e.id);
  await db.query(`UPDATE editions SET rendered_tiers = NULL WHERE id = $1`, [e.id]);
  const before = sink.received.length;
  await runSend(d, e.id);
  const got = sink.received.slice(before);
  assert.equal(got.length, 5);
  for (const m of got) {
    const raw = (await simpleParser(m.raw)).html || '';
    assert.ok(!String(raw).includes(PAID) && !String(raw).includes(MEMBERS), `no gated text to ${m.to[0]}`);
  }
});
