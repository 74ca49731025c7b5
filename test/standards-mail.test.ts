// Transactional mail checked the way receivers check it (issue 13): DKIM verified by mailauth against
// the public key served as a DNS answer, a From display name, the publication's language, and the
// HTML emails through html-validate. A real SMTP server on loopback receives the messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { simpleParser } from 'mailparser';
import { HtmlValidate } from 'html-validate';
import { startMailSink } from './helpers/mail-sink.ts';
import { startTestApp, testConfig } from './helpers/app.ts';
import { sendTransactional } from '../src/mail/transactional.ts';
import { sendStaffMail } from '../src/staff/mail.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { signup } from '../src/newsletters/signup.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';
import { setPublicationSetting } from '../src/publication/settings.ts';
import { listOutbox, outboxDir } from '../src/mail/outbox.ts';
import { renderEditionEmail } from '../src/newsletters/render.ts';

const NOW = '2026-11-20T12:00:00Z';
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = crypto.generateKeyPairSync('ed25519');
const pem = (k: crypto.KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The DNS TXT record a receiver would find at selector._domainkey.domain. */
function txtRecord(pub: crypto.KeyObject, type: 'rsa' | 'ed25519'): string {
  const der = pub.export({ type: 'spki', format: 'der' });
  const p = type === 'ed25519' ? der.subarray(der.length - 32).toString('base64') : der.toString('base64');
  return `v=DKIM1; k=${type}; p=${p}`;
}
const dns = new Map([
  ['rsa2026._domainkey.news.example', txtRecord(rsa.publicKey, 'rsa')],
  ['ed2026._domainkey.news.example', txtRecord(ed.publicKey, 'ed25519')],
]);
const resolver = async (name: string, type: string) => {
  const rec = type === 'TXT' ? dns.get(name.toLowerCase()) : undefined;
  if (!rec) throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
  return [[rec]];
};

async function verify(raw: Buffer) {
  const result = await dkimVerify(raw, { resolver, curTime: new Date(NOW) } as any);
  return result.results as Array<{ status: { result: string; comment?: string }; signingDomain: string; selector: string }>;
}

const sink = await startMailSink();
const t = await startTestApp({
  now: NOW,
  env: { SMTP_URL: sink.url, MAIL_FROM: 'news@news.example', DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 'rsa2026', DKIM_PRIVATE_KEY: pem(rsa.privateKey) },
});
const { db } = t.deps;
await seedNewsletters(db);
await setPublicationSetting(db, 'name', 'The Riverside Ledger');
await setPublicationSetting(db, 'locale', 'fr-FR');
// Emails keep table layout attributes (width, cellpadding, align) on purpose: Outlook's Word engine
// reads no CSS for them. Everything else the standard preset checks applies.
const validator = new HtmlValidate({ extends: ['html-validate:standard', 'html-validate:document'], rules: { 'long-title': 'off', 'no-inline-style': 'off', 'require-sri': 'off', 'no-deprecated-attr': 'off' } });

test('the verification email is DKIM-signed (mailauth passes it), with a From display name and the publication\'s language', { timeout: 30_000 }, async () => {
  await signup(t.deps, { email: 'reader@example.org', newsletters: ['daily'] });
  await runDueJobs(t.deps, jobRegistry);
  const m = await sink.waitFor((x) => x.to.includes('reader@example.org'));
  const [r] = await verify(m.raw);
  assert.equal(r?.status.result, 'pass', JSON.stringify(r?.status));
  assert.equal(r?.signingDomain, 'news.example');
  assert.equal(m.parsed.from?.value[0]?.name, 'The Riverside Ledger');
  assert.equal(m.parsed.from?.value[0]?.address, 'news@news.example');
  assert.equal(m.parsed.headers.get('content-language'), 'fr-FR');
  assert.match(String(m.parsed.html), /<html lang="fr-FR">/);
  assert.equal(m.from, 'news@news.example', 'envelope sender');
  const report = await validator.validateString(String(m.parsed.html));
  assert.deepEqual(report.results.flatMap((x) => x.messages.map((e) => `${e.ruleId}: ${e.message}`)), []);
});

test('staff sign-in mail is signed too; a tampered message fails verification', { timeout: 30_000 }, async () => {
  await sendStaffMail(t.deps, { to: 'editor@example.org', subject: 'Your sign-in link', text: 'Open https://news.example/admin/signin?t=abc to sign in.' });
  const m = await sink.waitFor((x) => x.to.includes('editor@example.org'));
  assert.equal((await verify(m.raw))[0]?.status.result, 'pass');
  assert.equal(m.parsed.from?.value[0]?.name, 'The Riverside Ledger');
  const tampered = Buffer.from(m.raw.toString('latin1').replace('Your sign-in link', 'Your sign-in lunk'), 'latin1');
  assert.equal((await verify(tampered))[0]?.status.result, 'fail');
});

test('an Ed25519 key signs (RFC 8463), and the outbox copy without SMTP_URL is signed as well', { timeout: 30_000 }, async () => {
  const config = testConfig({ MAIL_FROM: 'news@news.example', DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 'ed2026', DKIM_PRIVATE_KEY: pem(ed.privateKey), LOCALE: 'de-DE' });
  const sent = await sendTransactional(config, { to: 'x@example.org', subject: 'Grüße', text: 'Hallo Welt.', html: '<p>Hallo Welt.</p>' }, new Date(NOW));
  assert.equal(sent.via, 'outbox');
  const raw = fs.readFileSync(path.join(outboxDir(config.dataDir), listOutbox(config.dataDir)[0]!));
  const [r] = await verify(raw);
  assert.equal(r?.status.result, 'pass', JSON.stringify(r?.status));
  assert.match(raw.toString('latin1'), /a=ed25519-sha256/);
  const parsed = await simpleParser(raw);
  assert.equal(parsed.headers.get('content-language'), 'de-DE');
  assert.equal(parsed.from?.value[0]?.name, config.publicationName);
});

test('without DKIM configured nothing is signed, and a MAIL_FROM display name is kept', { timeout: 30_000 }, async () => {
  const config = testConfig({ MAIL_FROM: 'Desk <desk@news.example>' });
  await sendTransactional(config, { to: 'y@example.org', subject: 'Hi', text: 'Hi.', html: '<p>Hi.</p>' }, new Date(NOW));
  const raw = fs.readFileSync(path.join(outboxDir(config.dataDir), listOutbox(config.dataDir)[0]!));
  assert.doesNotMatch(raw.toString('latin1'), /DKIM-Signature/);
  assert.equal((await simpleParser(raw)).from?.value[0]?.name, 'Desk');
});

test('the edition email passes html-validate; the Apple reformatting meta has its content', { timeout: 10_000 }, async () => {
  const { html } = renderEditionEmail({
    publication: { name: 'The Daily', siteUrl: 'https://news.example', timeZone: 'UTC', locale: 'en-GB' },
    newsletter: { slug: 'daily', name: 'Daily', description: 'Every day.' },
    edition: { number: 3, subject: 'Today', intro: 'Hello.', date: new Date(NOW) },
    items: [],
  });
  assert.match(html, /<meta name="x-apple-disable-message-reformatting" content="">/);
  const report = await validator.validateString(html.replace(/[\uE000-\uF8FF]/g, ''));
  assert.deepEqual(report.results.flatMap((x) => x.messages.map((e) => `${e.ruleId}: ${e.message}`)), []);
});
