// Bounces and complaints: RFC 3464 DSN samples (Postfix and Exchange, 5.1.1 and 4.2.2), an ARF
// complaint, VERP return paths, provider webhooks (SES through SNS, Postmark, Mailgun, SendGrid) and
// the suppression rules; the mailto unsubscribe; the CLI over a folder of .eml files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp } from './helpers/app.ts';
import { tmpDir } from './helpers/db.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';
import { seedNewsletters, getNewsletterBySlug } from '../src/newsletters/newsletters.ts';
import { listHeldReports, parseBounceMessage, processBounceMessage, recordMailEvents, parseSesNotification, parsePostmark, parseMailgun, parseSendgrid, classifyStatus } from '../src/newsletters/bounces.ts';
import { verpAddress, unsubscribeMailto, unsubscribeToken } from '../src/newsletters/links.ts';
import { addSubscriber } from '../src/newsletters/subscribers.ts';
import { signedIn } from './helpers/newsroom.ts';

const NOW = '2026-11-20T12:00:00Z';
const SECRET_HOOK = 'hook-secret-0123456789abcdef';
const t = await startTestApp({ now: NOW, env: { MAIL_WEBHOOK_SECRET: SECRET_HOOK, MAIL_FROM: 'The Ledger <news@news.example>' } });
const { db, config } = t.deps;
await seedNewsletters(db);
const daily = (await getNewsletterBySlug(db, 'daily'))!;
const FIX = path.join(import.meta.dirname, 'fixtures/mail');
const now = new Date(NOW);

async function person(email: string) {
  await addSubscriber(t.deps, { email, newsletters: ['daily'], confirmed: true });
  return (await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = $1`, [email.toLowerCase()]))!.id;
}
async function state(email: string) {
  return db.one<any>(`SELECT suppressed_at, suppressed_reason, soft_bounces FROM people WHERE email_normalized = $1`, [email.toLowerCase()]);
}
/** An edition and one delivery row per person, as the delivery engine makes them. */
let editionNo = 0;
async function delivery(personId: number, status = 'sent'): Promise<number> {
  const e = await db.one<{ id: number }>(`INSERT INTO editions (newsletter_id, number, window_start, window_end, status) VALUES ($1, $2, now(), now(), 'sent') RETURNING id`, [daily.id, ++editionNo]);
  return (await db.one<{ id: number }>(`INSERT INTO deliveries (edition_id, person_id, status) VALUES ($1, $2, $3) RETURNING id`, [e!.id, personId, status]))!.id;
}
/** A fixture with its VERP placeholder replaced by the real return path of a delivery. */
function fixture(name: string, deliveryId?: number): string {
  const raw = fs.readFileSync(path.join(FIX, name), 'utf8');
  return deliveryId === undefined ? raw : raw.replace(/bounces\+\d+-VERP@news\.example/g, verpAddress(config.mailFrom, deliveryId, config.secretKey));
}

test('status codes: 5.x.x hard, 4.x.x and 5.2.2 soft, delayed ignored', () => {
  assert.equal(classifyStatus('failed', '5.1.1'), 'hard_bounce');
  assert.equal(classifyStatus('failed', '4.2.2'), 'soft_bounce');
  assert.equal(classifyStatus('failed', '5.2.2'), 'soft_bounce');
  assert.equal(classifyStatus('delayed', '4.4.1'), null);
  assert.equal(classifyStatus('delivered', '2.0.0'), 'delivered');
});

test('Postfix and Exchange DSNs parse to the right recipient, kind and status', async () => {
  const pf = await parseBounceMessage(fixture('postfix-5.1.1.eml'), config.secretKey);
  assert.equal(pf.kind, 'dsn');
  assert.deepEqual(pf.events.map((e) => [e.kind, e.email, e.deliveryId]), [['hard_bounce', 'gone.reader@example.org', null]]);
  assert.match(pf.events[0]!.detail, /^5\.1\.1 smtp; 550 5\.1\.1 <gone\.reader@example\.org>: Recipient address rejected/);
  const pf4 = await parseBounceMessage(fixture('postfix-4.2.2.eml'), config.secretKey);
  assert.deepEqual(pf4.events.map((e) => [e.kind, e.email]), [['soft_bounce', 'full.box@example.net']]);
  const ex = await parseBounceMessage(fixture('exchange-5.1.1.eml'), config.secretKey);
  assert.deepEqual(ex.events.map((e) => [e.kind, e.email]), [['hard_bounce', 'former.staff@corp.example.com']]);
  assert.match(ex.events[0]!.detail, /RESOLVER\.ADR\.RecipNotFound/);
  const ex4 = await parseBounceMessage(fixture('exchange-4.2.2.eml'), config.secretKey);
  assert.deepEqual(ex4.events.map((e) => [e.kind, e.email]), [['soft_bounce', 'busy.person@corp.example.com']]);
  const arf = await parseBounceMessage(fixture('arf-complaint.eml'), config.secretKey);
  assert.deepEqual(arf.events.map((e) => [e.kind, e.email]), [['complaint', 'annoyed@isp.example']]);
});

test('a VERP return path names the delivery, whatever the DSN says the recipient was', async () => {
  const id = await person('verp.target@example.org');
  const d = await delivery(id);
  const msg = await parseBounceMessage(fixture('postfix-5.1.1.eml', d), config.secretKey);
  assert.equal(msg.events[0]!.deliveryId, d);
  const r = await recordMailEvents(db, msg.events, now);
  assert.deepEqual(r.suppressed, ['verp.target@example.org']);
  // A forged VERP (wrong signature) names nothing.
  const forged = fixture('postfix-5.1.1.eml').replace(/bounces\+1001-VERP/g, 'bounces+1001-0123456789');
  assert.equal((await parseBounceMessage(forged, config.secretKey)).events[0]!.deliveryId, null);
});

test('a signed hard bounce suppresses; the same DSN processed twice counts once', async () => {
  const d = await delivery(await person('gone.reader@example.org'));
  const first = await processBounceMessage(db, config.secretKey, fixture('postfix-5.1.1.eml', d), now);
  assert.deepEqual(first.result.suppressed, ['gone.reader@example.org']);
  const s = await state('gone.reader@example.org');
  assert.ok(s.suppressed_at);
  assert.match(s.suppressed_reason, /^hard bounce \(dsn\): 5\.1\.1/);
  const again = await processBounceMessage(db, config.secretKey, fixture('postfix-5.1.1.eml', d), now);
  assert.equal(again.result.duplicates, 1);
  assert.equal((await db.one<any>(`SELECT count(*)::int AS n FROM mail_events WHERE email_normalized = 'gone.reader@example.org'`))!.n, 1);
});

test('a signed complaint suppresses and unsubscribes from everything', async () => {
  const d = await delivery(await person('annoyed@isp.example'));
  await processBounceMessage(db, config.secretKey, fixture('arf-complaint.eml', d), now);
  const s = await state('annoyed@isp.example');
  assert.ok(s.suppressed_at);
  assert.equal(s.suppressed_reason, 'complaint (arf)');
  const subs = await db.query(`SELECT s.status FROM subscriptions s JOIN people p ON p.id = s.person_id WHERE p.email_normalized = 'annoyed@isp.example'`);
  assert.deepEqual(subs.map((x) => x.status), ['unsubscribed']);
});

test('soft bounces suppress after three in a row; a delivery in between resets the run', async () => {
  const id = await person('busy.person@corp.example.com');
  const ds = [await delivery(id), await delivery(id)];
  for (const d of ds) await processBounceMessage(db, config.secretKey, fixture('exchange-4.2.2.eml', d), now);
  assert.equal((await state('busy.person@corp.example.com')).soft_bounces, 2);
  await delivery(id); // went out and did not bounce
  const d3 = await delivery(id);
  await processBounceMessage(db, config.secretKey, fixture('exchange-4.2.2.eml', d3), now);
  let s = await state('busy.person@corp.example.com');
  assert.equal(s.soft_bounces, 1, 'the run starts again');
  assert.equal(s.suppressed_at, null);
  for (const d of [await delivery(id), await delivery(id)]) await processBounceMessage(db, config.secretKey, fixture('exchange-4.2.2.eml', d), now);
  s = await state('busy.person@corp.example.com');
  assert.equal(s.soft_bounces, 3);
  assert.ok(s.suppressed_at, 'three in a row suppress');
  assert.match(s.suppressed_reason, /^3 soft bounces in a row/);
});

test('provider formats: SES (SNS envelope), Postmark, Mailgun, SendGrid', () => {
  const ses = parseSesNotification({
    Type: 'Notification', MessageId: 'sns-1', TopicArn: 'arn:aws:sns:eu-west-1:123:ses',
    Message: JSON.stringify({ notificationType: 'Bounce', bounce: { bounceType: 'Permanent', bounceSubType: 'General', feedbackId: 'fb-1', bouncedRecipients: [{ emailAddress: 'A@Example.org', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] }, mail: { messageId: 'm-1' } }),
  });
  assert.deepEqual(ses.map((e) => [e.kind, e.email, e.source, e.sourceRef]), [['hard_bounce', 'a@example.org', 'ses', 'fb-1:a@example.org']]);
  const sesSoft = parseSesNotification({ Type: 'Notification', Message: JSON.stringify({ notificationType: 'Bounce', bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: 'b@example.org' }] }, mail: { messageId: 'm-2' } }) });
  assert.equal(sesSoft[0]!.kind, 'soft_bounce');
  const sesComplaint = parseSesNotification({ Type: 'Notification', Message: JSON.stringify({ notificationType: 'Complaint', complaint: { feedbackId: 'c-1', complainedRecipients: [{ emailAddress: 'c@example.org' }] }, mail: { messageId: 'm-3' } }) });
  assert.equal(sesComplaint[0]!.kind, 'complaint');

  assert.deepEqual(parsePostmark({ RecordType: 'Bounce', ID: 42, Type: 'HardBounce', TypeCode: 1, Email: 'd@example.org', Description: 'The server was unable to deliver your message', Details: 'smtp;550 5.1.1', Inactive: true }).map((e) => [e.kind, e.email]), [['hard_bounce', 'd@example.org']]);
  assert.equal(parsePostmark({ RecordType: 'Bounce', ID: 43, Type: 'SoftBounce', Email: 'd@example.org', Inactive: false })[0]!.kind, 'soft_bounce');
  assert.equal(parsePostmark({ RecordType: 'SpamComplaint', ID: 44, Email: 'd@example.org' })[0]!.kind, 'complaint');
  assert.equal(parseMailgun({ 'event-data': { id: 'mg-1', event: 'failed', severity: 'permanent', recipient: 'e@example.org', 'delivery-status': { code: 550, message: 'No such user' } } })[0]!.kind, 'hard_bounce');
  assert.equal(parseMailgun({ 'event-data': { id: 'mg-2', event: 'failed', severity: 'temporary', recipient: 'e@example.org' } })[0]!.kind, 'soft_bounce');
  assert.deepEqual(parseSendgrid([{ email: 'f@example.org', event: 'bounce', type: 'bounce', status: '5.1.1', sg_event_id: 'sg-1' }, { email: 'f@example.org', event: 'spamreport', sg_event_id: 'sg-2' }, { email: 'f@example.org', event: 'open' }]).map((e) => e.kind), ['hard_bounce', 'complaint']);
});

test('webhook endpoints: secret required; SES over SNS (text/plain) and Postmark suppress', async () => {
  await person('ses.hard@example.org');
  await person('pm.complaint@example.org');
  const sns = JSON.stringify({ Type: 'Notification', MessageId: 'sns-9', Message: JSON.stringify({ notificationType: 'Bounce', bounce: { bounceType: 'Permanent', feedbackId: 'fb-9', bouncedRecipients: [{ emailAddress: 'ses.hard@example.org', status: '5.1.1' }] }, mail: { messageId: 'm-9' } }) });
  const noKey = await t.get('/webhooks/mail/ses', { method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: sns });
  assert.equal(noKey.status, 401);
  assert.equal((await state('ses.hard@example.org')).suppressed_at, null);
  const ok = await t.get(`/webhooks/mail/ses?key=${SECRET_HOOK}`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' }, body: sns });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).suppressed, 1);
  assert.ok((await state('ses.hard@example.org')).suppressed_at);
  const pm = await t.get('/webhooks/mail/postmark', { method: 'POST', headers: { 'content-type': 'application/json', 'x-newsdesk-webhook-secret': SECRET_HOOK }, body: JSON.stringify({ RecordType: 'SpamComplaint', ID: 77, Email: 'pm.complaint@example.org' }) });
  assert.equal(pm.status, 200);
  assert.equal((await state('pm.complaint@example.org')).suppressed_reason, 'complaint (postmark)');
  const unknown = await t.get(`/webhooks/mail/nope?key=${SECRET_HOOK}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(unknown.status, 404);
  // A raw DSN posted by a mail pipe.
  const raw = await t.get(`/webhooks/mail/dsn?key=${SECRET_HOOK}`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: fixture('exchange-5.1.1.eml') });
  assert.equal(raw.status, 200);
  assert.equal((await raw.json()).kind, 'dsn');
});

test('the mailto List-Unsubscribe: a mail to the bounce mailbox with the token in its subject unsubscribes', async () => {
  const id = await person('by.mail@example.org');
  const mailto = unsubscribeMailto(config.mailFrom, unsubscribeToken(config.secretKey, id, daily.id, now));
  const subject = decodeURIComponent(mailto.split('?subject=')[1]!);
  const to = mailto.slice('mailto:'.length).split('?')[0]!;
  const raw = `From: by.mail@example.org\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <u1@example.org>\r\n\r\nPlease unsubscribe me.\r\n`;
  const r = await processBounceMessage(db, config.secretKey, raw, now);
  assert.equal(r.kind, 'unsubscribe');
  assert.deepEqual(r.unsubscribed, ['daily']);
});

test('CLI: bounces process reads a folder of .eml files, acts on the signed ones and holds the rest', async () => {
  const signedFor = await delivery(await person('former.staff@corp.example.com'));
  await person('full.box@example.net');
  const dir = tmpDir();
  for (const f of fs.readdirSync(FIX)) fs.writeFileSync(path.join(dir, f), f === 'exchange-5.1.1.eml' ? fixture(f, signedFor) : fixture(f).replace(/@news\.example/g, '@cli.example'));
  const io = memoryIO();
  const code = await runCommand(['bounces', 'process', '.'], dir, io, t.deps);
  assert.equal(code, 0, io.errors.join('\n'));
  assert.match(io.lines[0]!, /^Read 5 message\(s\): 2 hard bounce\(s\), 2 soft bounce\(s\), 1 complaint\(s\)/);
  assert.match(io.lines.join('\n'), /Held for review: 4 report\(s\) without our signed return path/);
  assert.ok((await state('former.staff@corp.example.com')).suppressed_at);
  assert.equal((await state('full.box@example.net')).soft_bounces, 0, 'an unsigned soft bounce counts for nothing');
});

// ---- forged reports (issue 9): anyone can mail the bounce mailbox, so only signed reports act.

/** A DSN in Postfix's shape listing many recipients, sent to the bare bounce mailbox. */
function forgedDsn(recipients: string[], id = 'forged-1@attacker.example'): string {
  const blocks = recipients.map((r) => `Final-Recipient: rfc822; ${r}\r\nOriginal-Recipient: rfc822;${r}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown`).join('\r\n\r\n');
  return [
    'From: MAILER-DAEMON@attacker.example', 'To: bounces@news.example', `Message-ID: <${id}>`, 'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '',
    '--B', 'Content-Type: text/plain', '', 'Your message could not be delivered.', '',
    '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; attacker.example', '', blocks, '',
    '--B--', '',
  ].join('\r\n');
}

test('a forged DSN naming many subscribers changes nothing; its addresses are held for review', { timeout: 30_000 }, async () => {
  const victims = ['victim.one@example.org', 'victim.two@example.org', 'victim.three@example.org'];
  for (const v of victims) await person(v);
  const r = await processBounceMessage(db, config.secretKey, forgedDsn(victims), now);
  assert.equal(r.events.length, 3);
  assert.deepEqual(r.result.suppressed, []);
  assert.equal(r.result.recorded, 0);
  assert.equal(r.result.held, 3);
  for (const v of victims) assert.equal((await state(v)).suppressed_at, null, `${v} is still subscribed`);
  const again = await processBounceMessage(db, config.secretKey, forgedDsn(victims), now);
  assert.equal(again.result.held, 0, 'the same report is held once');
  const { rows } = await listHeldReports(db, { limit: 50, offset: 0 });
  for (const v of victims) assert.ok(rows.some((x) => x.email_normalized === v && x.kind === 'hard_bounce' && x.known), v);

  // A forged complaint (an ARF report naming someone, without our return path) unsubscribes nobody.
  await person('complained.about@example.org');
  const arf = fixture('arf-complaint.eml').replace(/annoyed@isp\.example/g, 'complained.about@example.org').replace(/bounces\+1005-VERP@news\.example/g, 'bounces@news.example');
  const c = await processBounceMessage(db, config.secretKey, arf, now);
  assert.equal(c.result.held, 1);
  assert.equal((await state('complained.about@example.org')).suppressed_at, null);
  const subs = await db.query(`SELECT s.status FROM subscriptions s JOIN people p ON p.id = s.person_id WHERE p.email_normalized = 'complained.about@example.org'`);
  assert.deepEqual(subs.map((x) => x.status), ['confirmed']);

  // Posted raw to the dsn webhook (authenticated, but carrying whatever was mailed): held as well.
  await person('victim.four@example.org');
  const hook = await t.get(`/webhooks/mail/dsn?key=${SECRET_HOOK}`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: forgedDsn(['victim.four@example.org'], 'forged-2@attacker.example') });
  assert.equal(hook.status, 200);
  const body = await hook.json();
  assert.equal(body.suppressed, 0);
  assert.equal(body.held, 1);
  assert.equal((await state('victim.four@example.org')).suppressed_at, null);
});

test('a signed DSN that also lists other addresses acts only on the delivery it names', { timeout: 30_000 }, async () => {
  const target = await person('signed.target@example.org');
  await person('bystander@example.org');
  const d = await delivery(target);
  const raw = forgedDsn(['signed.target@example.org', 'bystander@example.org'], 'signed-1@mta.example').replace('To: bounces@news.example', `To: ${verpAddress(config.mailFrom, d, config.secretKey)}`);
  const r = await processBounceMessage(db, config.secretKey, raw, now);
  assert.deepEqual(r.result.suppressed, ['signed.target@example.org']);
  assert.equal(r.result.held, 0);
  assert.equal((await state('bystander@example.org')).suppressed_at, null);
});

test('an editor applies or dismisses a held report in the newsroom', { timeout: 30_000 }, async () => {
  await person('held.apply@example.org');
  await person('held.dismiss@example.org');
  await processBounceMessage(db, config.secretKey, forgedDsn(['held.apply@example.org', 'held.dismiss@example.org'], 'forged-3@attacker.example'), now);
  const { rows } = await listHeldReports(db, { limit: 50, offset: 0 });
  const apply = rows.find((x) => x.email_normalized === 'held.apply@example.org')!;
  const dismiss = rows.find((x) => x.email_normalized === 'held.dismiss@example.org')!;

  const author = await signedIn(t, 'author.bounces@news.example', 'author');
  assert.equal((await author.c.request('/admin/newsletters/bounces')).status, 403);
  const { c } = await signedIn(t, 'editor.bounces@news.example', 'editor');
  const page = await c.page('/admin/newsletters/bounces');
  assert.match(page, /held\.apply@example\.org/);
  assert.match(page, /Bounce reports to review/);
  const ap = await c.post(`/admin/newsletters/bounces/${apply.id}/apply`);
  assert.equal(ap.status, 303);
  assert.match((await state('held.apply@example.org')).suppressed_reason, /^hard bounce \(dsn\)/);
  const di = await c.post(`/admin/newsletters/bounces/${dismiss.id}/dismiss`);
  assert.equal(di.status, 303);
  assert.equal((await state('held.dismiss@example.org')).suppressed_at, null);
  assert.equal((await c.post(`/admin/newsletters/bounces/${dismiss.id}/apply`)).status, 404, 'decided once');
  assert.equal((await state('held.dismiss@example.org')).suppressed_at, null);
  const after = await c.page('/admin/newsletters/bounces');
  assert.doesNotMatch(after, /held\.apply@example\.org|held\.dismiss@example\.org/);
});
