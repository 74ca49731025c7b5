// The delivery engine against a real SMTP server on loopback: headers (RFC 8058, 2919), per-recipient
// links, DKIM, the outbox, skips of people who left after queueing, SMTP faults, pause/resume/cancel
// and the error threshold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { openTestDb, tmpDir } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { startSink, type Received } from './helpers/smtp-sink.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Deps } from '../src/deps.ts';
import { seedNewsletters, getNewsletterBySlug } from '../src/newsletters/newsletters.ts';
import { parseVerp, verifyUnsubscribeToken, verifyPreferencesToken } from '../src/newsletters/links.ts';
import { buildEdition, cancelSend, pauseSend, resumeSend, sendStatus, startSend, getEditionRow } from '../src/newsletters/editions.ts';
import { runSend } from '../src/newsletters/delivery/runner.ts';
import { sendTest } from '../src/newsletters/delivery/test-send.ts';
import { listOutboxMessages } from '../src/newsletters/delivery/transport.ts';
import { parseHeaderFields } from '../src/newsletters/delivery/dkim.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const NOW = '2026-11-20T12:00:00Z';
const db = await openTestDb();
await seedFixtures(db, new Date(NOW));
await seedNewsletters(db);
const sink = await startSink();
const daily = (await getNewsletterBySlug(db, 'daily'))!;
// One process's delivery state for every deps() below, as one start-up would make it.
const runtime = createRuntime();
const SECRET = 'test-secret-key-test-secret-key-0123456789';

function deps(env: Record<string, string> = {}): Deps {
  return {
    db,
    config: testConfig({ SMTP_URL: sink.url, MAIL_FROM: 'The Ledger <news@ledger.example>', MAIL_RETRY_BASE_SECONDS: '0', ...env }),
    log: createLog('silent'),
    clock: fixedClock(NOW),
    runtime,
  };
}

let personSeq = 0;
/** Confirmed subscribers of a newsletter; returns their ids and addresses. */
async function subscribers(n: number, newsletterId = daily.id, names: string[] = []): Promise<Array<{ id: number; email: string }>> {
  const emails = Array.from({ length: n }, () => `reader${++personSeq}@example.net`);
  // Two statements for them all (two a person took a second and a half of the file's time).
  const people = await db.query<{ id: number; email: string }>(
    `INSERT INTO people (email, email_normalized, name) SELECT e, e, nm FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(e, nm, i) ORDER BY i RETURNING id, email`,
    [emails, emails.map((_, i) => names[i] ?? '')],
  );
  await db.query(`INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at) SELECT unnest($1::bigint[]), $2, 'confirmed', now()`, [people.map((p) => p.id), newsletterId]);
  const byEmail = new Map(people.map((p) => [p.email, Number(p.id)]));
  return emails.map((email) => ({ id: byEmail.get(email)!, email }));
}

/** A fresh edition of `daily` with the given subscribers only (earlier subscribers unsubscribed). */
async function freshEdition(d: Deps, people: Array<{ id: number }>) {
  await db.query(`UPDATE subscriptions SET status = 'unsubscribed' WHERE newsletter_id = $1 AND NOT (person_id = ANY($2::bigint[]))`, [daily.id, people.map((p) => p.id)]);
  await db.query(`UPDATE editions SET status = 'cancelled' WHERE status IN ('draft', 'scheduled')`);
  // Every edition needs stories: let each new edition pick the fixtures again.
  await db.query(`DELETE FROM edition_items`);
  await db.query(`UPDATE editions SET window_end = '2000-01-01'`);
  const e = await buildEdition(d, 'daily');
  assert.ok(e.items.length > 0, 'the edition has stories');
  await startSend(d, e.id);
  return e;
}

const forTo = (to: string) => sink.received.filter((m) => m.to.includes(to));

test('headers, per-recipient links and VERP envelope are present and correct', async () => {
  const d = deps();
  const people = await subscribers(3, daily.id, ['Ada Reader', 'Zoë Ångström', '']);
  const e = await freshEdition(d, people);
  await db.query(`UPDATE editions SET subject = 'Die Nachrichten: Zürich über alles — “quoted”' WHERE id = $1`, [e.id]);
  const before = sink.received.length;
  const r = await runSend(d, e.id);
  assert.equal(r.status, 'sent');
  assert.equal(r.sent, 3);
  const got = sink.received.slice(before);
  assert.equal(got.length, 3);
  const mids = new Set<string>();
  const unsubLinks = new Set<string>();
  for (const m of got) {
    const mail = await simpleParser(m.raw);
    const person = people.find((p) => m.to.includes(p.email))!;
    const list = mail.headers.get('list') as any;
    const luRaw = String(mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line);
    assert.match(luRaw, /^List-Unsubscribe: <https:\/\/news\.example\/newsletters\/unsubscribe\?t=[^>]+>,\s*<mailto:bounces\+unsubscribe@ledger\.example\?subject=unsubscribe%20[^>]+>$/);
    assert.match(list.unsubscribe.url, /^https:\/\/news\.example\/newsletters\/unsubscribe\?t=/);
    assert.match(list.unsubscribe.mail, /^bounces\+unsubscribe@ledger\.example\?subject=/);
    assert.equal(list['unsubscribe-post'].name, 'List-Unsubscribe=One-Click');
    assert.equal(String(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')!.line), 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    assert.equal(String(mail.headerLines.find((h) => h.key === 'list-id')!.line), `List-Id: The Daily Digest <daily.news.example>`);
    assert.equal(mail.subject, 'Die Nachrichten: Zürich über alles — “quoted”');
    assert.equal(mail.headers.get('mime-version'), '1.0');
    assert.ok(mail.date instanceof Date && !Number.isNaN(mail.date.getTime()));
    assert.ok(mail.messageId && /^<e\d+\.d\d+\.[0-9a-f]{12}@ledger\.example>$/.test(mail.messageId), mail.messageId);
    mids.add(mail.messageId!);
    assert.equal((mail.to as any).value[0].address, person.email);
    // VERP return path names this delivery.
    const verp = parseVerp(m.from, SECRET);
    assert.ok(verp, `VERP ${m.from}`);
    const row = await db.one(`SELECT person_id, edition_id FROM deliveries WHERE id = $1`, [verp!.deliveryId]);
    assert.equal(row!.person_id, person.id);
    // The unsubscribe link in both parts is this person's and verifies.
    const link = /https:\/\/news\.example\/newsletters\/unsubscribe\?t=([A-Za-z0-9_.-]+)/.exec(mail.text!)![1]!;
    assert.ok((mail.html as string).includes(`unsubscribe?t=${link}`), 'same link in the HTML part');
    const v = verifyUnsubscribeToken(SECRET, link);
    assert.ok(v.ok && v.data.personId === person.id && v.data.newsletterId === daily.id);
    unsubLinks.add(link);
    const pref = /newsletters\/preferences\?t=([A-Za-z0-9_.-]+)/.exec(mail.text!)![1]!;
    const pv = verifyPreferencesToken(SECRET, pref);
    assert.ok(pv.ok && pv.data.personId === person.id);
    // Multipart/alternative, QP, greeting with the name.
    assert.match(m.raw.toString('latin1'), /Content-Type: multipart\/alternative; boundary=/);
    assert.match(m.raw.toString('latin1'), /Content-Transfer-Encoding: quoted-printable/);
    const name = ['Ada Reader', 'Zoë Ångström', ''][people.indexOf(person)]!;
    assert.ok(mail.text!.includes(name ? `Hello ${name},` : 'Hello,'), 'greeting');
    assert.ok((mail.html as string).includes('Council approves the riverside tram line'));
    for (const line of m.raw.toString('latin1').split('\r\n')) assert.ok(line.length <= 998, 'line length');
  }
  assert.equal(mids.size, 3, 'unique Message-IDs');
  assert.equal(unsubLinks.size, 3, 'links differ per recipient');
  const zoe = forTo(people[1]!.email)[0]!;
  assert.match(zoe.raw.toString('latin1'), /^To: =\?UTF-8\?B\?[^?]+\?= <reader\d+@example\.net>\r$/m, 'non-ASCII name encoded');
  assert.deepEqual(((await simpleParser(zoe.raw)).to as any).value[0].name, 'Zoë Ångström');
  const ed = await getEditionRow(db, e.id);
  assert.equal(ed.status, 'sent');
  assert.ok(ed.sent_at);
});

/** Independent DKIM verification (RFC 6376) of a raw message with node:crypto. */
function verifyDkim(raw: Buffer, publicKey: crypto.KeyObject): { ok: boolean; d: string; s: string } {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split + 2);
  const body = text.slice(split + 4);
  const fields = parseHeaderFields(head);
  const sigField = fields.find(([n]) => n.toLowerCase() === 'dkim-signature')!;
  const tags = Object.fromEntries(sigField[1].replace(/\s+/g, '').split(';').filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
  assert.equal(tags.c, 'relaxed/simple');
  const canonBody = body.replace(/(\r\n)*$/, '') + '\r\n';
  const bh = crypto.createHash('sha256').update(canonBody, 'latin1').digest('base64');
  if (bh !== tags.bh) return { ok: false, d: tags.d, s: tags.s };
  const relaxed = (n: string, v: string) => `${n.toLowerCase()}:${v.replace(/\r\n/g, '').replace(/[\t ]+/g, ' ').trim()}\r\n`;
  let data = '';
  const used = new Map<string, number>();
  for (const h of tags.h.split(':')) {
    const all = fields.filter(([n]) => n.toLowerCase() === h.toLowerCase());
    const k = used.get(h) ?? 0;
    const f = all[all.length - 1 - k];
    used.set(h, k + 1);
    if (f) data += relaxed(f[0], f[1]);
  }
  data += relaxed('dkim-signature', sigField[1].replace(/b=[^;]*$/, 'b=')).replace(/\r\n$/, '');
  const sig = Buffer.from(tags.b, 'base64');
  const ok =
    tags.a === 'ed25519-sha256'
      ? crypto.verify(null, crypto.createHash('sha256').update(data, 'latin1').digest(), publicKey, sig)
      : crypto.verify('sha256', Buffer.from(data, 'latin1'), publicKey, sig);
  return { ok, d: tags.d, s: tags.s };
}

for (const type of ['rsa', 'ed25519'] as const) {
  test(`DKIM signature (${type}) is present and verifies against the public key`, async () => {
    const { privateKey, publicKey } =
      type === 'rsa' ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }) : crypto.generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = path.join(tmpDir(), 'dkim.pem');
    fs.writeFileSync(keyFile, pem);
    const d = deps({ DKIM_DOMAIN: 'ledger.example', DKIM_SELECTOR: 'news2026', DKIM_PRIVATE_KEY_FILE: keyFile });
    const people = await subscribers(2, daily.id, ['Ada', 'Zoë']);
    const e = await freshEdition(d, people);
    const before = sink.received.length;
    await runSend(d, e.id);
    const got = sink.received.slice(before);
    assert.equal(got.length, 2);
    for (const m of got) {
      assert.match(m.raw.toString('latin1'), /^DKIM-Signature: v=1; a=(rsa|ed25519)-sha256; c=relaxed\/simple; d=ledger\.example; s=news2026;/);
      const v = verifyDkim(m.raw, publicKey);
      assert.ok(v.ok, 'signature verifies');
      // Tampering with the body breaks it.
      const tampered = Buffer.from(m.raw.toString('latin1').replace('Council approves', 'Council rejects'), 'latin1');
      assert.equal(verifyDkim(tampered, publicKey).ok, false);
    }
  });
}

test('without SMTP_URL every message is written to the outbox as .eml, and the outbox lists them', async () => {
  const d = deps({ SMTP_URL: '' });
  d.config = { ...d.config, smtpUrl: null };
  const people = await subscribers(3, daily.id, ['One', 'Two', 'Three']);
  const e = await freshEdition(d, people);
  const r = await runSend(d, e.id);
  assert.equal(r.sent, 3);
  const files = fs.readdirSync(path.join(d.config.dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
  assert.equal(files.length, 3);
  const list = listOutboxMessages(d.config.dataDir);
  assert.equal(list.total, 3);
  assert.deepEqual(list.entries.map((x) => x.to.replace(/^"[^"]*" /, '')).sort(), people.map((p) => `<${p.email}>`).sort());
  const mail = await simpleParser(fs.readFileSync(path.join(d.config.dataDir, 'outbox', files[0]!)));
  assert.equal((mail.headers.get('list') as any)['unsubscribe-post'].name, 'List-Unsubscribe=One-Click');
});

test('people who unsubscribe or are suppressed after the send was queued are skipped', async () => {
  const d = deps();
  const people = await subscribers(4);
  const e = await freshEdition(d, people);
  assert.equal((await sendStatus(db, e.id)).queued, 4);
  await db.query(`UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = now() WHERE person_id = $1 AND newsletter_id = $2`, [people[0]!.id, daily.id]);
  await db.query(`UPDATE people SET suppressed_at = now(), suppressed_reason = 'hard bounce' WHERE id = $1`, [people[1]!.id]);
  const before = sink.received.length;
  const r = await runSend(d, e.id);
  assert.equal(r.sent, 2);
  assert.equal(r.skipped, 2);
  const to = sink.received.slice(before).flatMap((m) => m.to).sort();
  assert.deepEqual(to, [people[2]!.email, people[3]!.email].sort());
});

test('SMTP faults: 4xx then success is retried, 5xx is recorded failed, a dropped connection is retried with no loss', async () => {
  const d = deps({ MAIL_CONNECTIONS: '1', MAIL_BATCH_SIZE: '10' });
  const people = await subscribers(8);
  const [temp, perm, dropped] = people;
  sink.failRcpt(temp!.email, 451, 2);
  sink.failRcpt(perm!.email, 550);
  sink.dropData(dropped!.email, 1);
  const e = await freshEdition(d, people);
  const before = sink.received.length;
  const r = await runSend(d, e.id);
  assert.equal(r.status, 'sent');
  assert.equal(r.sent, 7);
  assert.equal(r.failed, 1);
  const got = sink.received.slice(before).flatMap((m) => m.to);
  for (const p of people) {
    if (p === perm) assert.equal(got.filter((t) => t === p.email).length, 0);
    else assert.equal(got.filter((t) => t === p.email).length, 1, `${p.email} received once`);
  }
  const rows = await db.query(`SELECT person_id, status, attempts, last_error FROM deliveries WHERE edition_id = $1`, [e.id]);
  const by = (id: number) => rows.find((x) => x.person_id === id)!;
  assert.equal(by(temp!.id).status, 'sent');
  assert.equal(by(temp!.id).attempts, 3);
  assert.equal(by(perm!.id).status, 'failed');
  assert.match(by(perm!.id).last_error, /^550 /);
  assert.equal(by(dropped!.id).status, 'sent');
  assert.equal(by(dropped!.id).attempts, 2);
});

test('a temporary failure that never clears gives up after MAIL_MAX_ATTEMPTS', async () => {
  const d = deps({ MAIL_MAX_ATTEMPTS: '3' });
  const people = await subscribers(2);
  sink.failRcpt(people[0]!.email, 421);
  const e = await freshEdition(d, people);
  const r = await runSend(d, e.id);
  assert.equal(r.sent, 1);
  assert.equal(r.failed, 1);
  const row = await db.one(`SELECT attempts, last_error FROM deliveries WHERE edition_id = $1 AND person_id = $2`, [e.id, people[0]!.id]);
  assert.equal(row!.attempts, 3);
  assert.match(row!.last_error, /^gave up after 3 attempts: 421/);
});

test('pause stops the send within a batch, resume completes it, cancel stops it for good', async () => {
  const d = deps({ MAIL_CONNECTIONS: '1', MAIL_BATCH_SIZE: '5', MAIL_RATE_PER_SECOND: '100' });
  const people = await subscribers(40);
  const e = await freshEdition(d, people);
  const before = sink.received.length;
  let paused = false;
  sink.onMessage = () => {
    if (!paused && sink.received.length - before >= 10) {
      paused = true;
      void pauseSend(db, e.id);
    }
  };
  const r1 = await runSend(d, e.id);
  sink.onMessage = undefined;
  assert.equal(r1.status, 'paused');
  assert.ok(r1.sent >= 10 && r1.sent < 40, `sent ${r1.sent} before the pause`);
  assert.equal(sink.received.length - before, r1.sent);
  await resumeSend(db, e.id);
  const r2 = await runSend(d, e.id);
  assert.equal(r2.status, 'sent');
  assert.equal(r2.sent, 40);
  assert.equal(new Set(sink.received.slice(before).flatMap((m) => m.to)).size, 40);

  const e2 = await freshEdition(d, people);
  const before2 = sink.received.length;
  let cancelled = false;
  sink.onMessage = () => {
    if (!cancelled && sink.received.length - before2 >= 10) {
      cancelled = true;
      void cancelSend(db, e2.id);
    }
  };
  const r3 = await runSend(d, e2.id);
  sink.onMessage = undefined;
  assert.equal(r3.status, 'cancelled');
  assert.ok(r3.sent < 40 && r3.queued > 0);
  const r4 = await runSend(d, e2.id);
  assert.equal(r4.sent, r3.sent, 'a cancelled edition sends nothing more');
  await assert.rejects(resumeSend(db, e2.id), /not paused/);
});

test('a resumed send with retries waiting among its rows sends each recipient once', async () => {
  const d = deps({ MAIL_CONNECTIONS: '2', MAIL_BATCH_SIZE: '5' });
  const people = await subscribers(30);
  const e = await freshEdition(d, people);
  // What a paused or interrupted run leaves: every third row failed once and is due for a retry.
  await db.query(
    `UPDATE deliveries SET attempts = 1, next_attempt_at = now() - interval '1 minute', last_error = '421 try again later'
      WHERE edition_id = $1 AND id IN (SELECT id FROM deliveries WHERE edition_id = $1 ORDER BY id OFFSET 2) AND id % 3 = 0`,
    [e.id],
  );
  const before = sink.received.length;
  const r = await runSend(d, e.id);
  assert.equal(r.status, 'sent');
  assert.equal(r.sent, 30);
  const got = sink.received.slice(before).flatMap((m) => m.to);
  assert.equal(got.length, 30, 'no one twice');
  assert.equal(new Set(got).size, 30);
  const attempts = await db.query<{ attempts: number; n: number }>(`SELECT attempts, count(*)::int AS n FROM deliveries WHERE edition_id = $1 GROUP BY attempts ORDER BY attempts`, [e.id]);
  assert.ok(attempts.every((a) => a.attempts === 1 || a.attempts === 2) && attempts.reduce((x, a) => x + a.n, 0) === 30, JSON.stringify(attempts));
});

test('MAIL_RATE_PER_WINDOW: a send stops at the allowance, counting messages sent before it (a restart), and finishes once the window moves on', async () => {
  let sawWait: () => void = () => {};
  const waiting = new Promise<void>((resolve) => (sawWait = resolve));
  const log = createLog('info', {}, (line) => {
    if (line.includes('MAIL_RATE_PER_WINDOW reached')) sawWait();
  });
  const d: Deps = { ...deps({ MAIL_RATE_PER_WINDOW: '5', MAIL_RATE_WINDOW_SECONDS: '3600', MAIL_CONNECTIONS: '4', MAIL_BATCH_SIZE: '10' }), log };
  const people = await subscribers(7);
  const e = await freshEdition(d, people);
  // Three messages went out earlier in this window (another edition, or this process before a restart).
  await db.query(`DELETE FROM delivery_counts`);
  await db.query(`INSERT INTO delivery_counts (bucket, sent) VALUES (date_bin('10 seconds', now(), timestamptz '2000-01-01'), 3)`);
  const before = sink.received.length;
  const ac = new AbortController();
  const first = runSend(d, e.id, { signal: ac.signal });
  await Promise.race([waiting, first]); // the engine says it waits for the window: stop it there
  ac.abort();
  const r1 = await first;
  assert.equal(r1.sent, 2, 'five per window, three already used');
  assert.equal(r1.queued, 5);
  assert.equal(sink.received.length - before, 2);
  assert.equal((await db.one<{ n: number }>(`SELECT sum(sent)::int AS n FROM delivery_counts`))!.n, 5, 'the two are counted');
  // An hour later the window has room again: the rest goes, and the run ends when nothing is left
  // even though the window is full again.
  await db.query(`UPDATE delivery_counts SET bucket = bucket - interval '2 hours'`);
  const r2 = await runSend(d, e.id);
  assert.equal(r2.status, 'sent');
  assert.equal(r2.sent, 7);
  assert.equal(new Set(sink.received.slice(before).flatMap((m) => m.to)).size, 7);
});

test('the error threshold pauses a send that keeps failing', async () => {
  const d = deps({ MAIL_ERROR_THRESHOLD: '0.5', MAIL_BATCH_SIZE: '50', MAIL_CONNECTIONS: '1' });
  const people = await subscribers(300);
  for (const p of people.slice(0, 200)) sink.failRcpt(p.email, 450);
  const e = await freshEdition(d, people);
  const r = await runSend(d, e.id);
  assert.equal(r.status, 'paused');
  assert.match(r.pausedReason!, /Paused automatically: \d+ of the last \d+ messages failed/);
  assert.ok(r.sent < 300);
});

test('a test send goes to one address with [Test] in the subject', async () => {
  const d = deps();
  const people = await subscribers(1);
  await freshEdition(d, people);
  await db.query(`UPDATE editions SET status = 'cancelled' WHERE status = 'sending'`);
  const e = await buildEdition(d, 'daily').catch(async () => {
    await db.query(`UPDATE editions SET window_end = '2000-01-01'`);
    await db.query(`DELETE FROM edition_items`);
    return buildEdition(d, 'daily');
  });
  const before = sink.received.length;
  const r = await sendTest(d, e.id, 'editor@ledger.example');
  assert.match(r.reply, /^250/);
  const got = sink.received.slice(before) as Received[];
  assert.equal(got.length, 1);
  assert.deepEqual(got[0]!.to, ['editor@ledger.example']);
  assert.match((await simpleParser(got[0]!.raw)).subject!, /^\[Test\] The Daily Digest: /);
  await assert.rejects(sendTest(d, e.id, 'not an address'), /valid email address/);
});
