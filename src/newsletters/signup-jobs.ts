// The sign-up emails and the jobs that send them (VERIFY_JOB and ALREADY_JOB in src/jobs.ts): the
// verification email (double opt-in) and the "you are already subscribed" note. Jobs are idempotent: they read the current state when they run
// and send nothing when there is nothing left to confirm (or the person is gone or suppressed).
import type { Deps } from '../deps.ts';
import { html } from '../platform/html.ts';
import { getPublication } from '../publication/settings.ts';
import { sendTransactional } from '../mail/transactional.ts';
import { preferencesToken, preferencesUrl } from './links.ts';
import { VERIFY_TTL_DAYS, confirmationToken, getPerson, subscriptionsOf } from './signup.ts';

function listNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function emailFrame(title: string, body: ReturnType<typeof html>, pubName: string, lang: string): string {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body style="margin:0;padding:0;background:#f4f4f1;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f1;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:6px;">
<tr><td style="padding:28px 28px 8px;font-family:Georgia,serif;font-size:22px;color:#111;">${pubName}</td></tr>
<tr><td style="padding:8px 28px 28px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#222;">${body}</td></tr>
</table></td></tr></table>
</body></html>`.value;
}

function button(href: string, label: string) {
  return html`<p style="margin:24px 0;"><a href="${href}" style="display:inline-block;background:#0b5394;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 20px;border-radius:4px;">${label}</a></p>`;
}

/** Send the verification email for everything the person has pending. */
export async function sendVerificationJob(deps: Deps, payload: { personId: number }): Promise<void> {
  const { db, config } = deps;
  const person = await getPerson(db, payload.personId);
  if (!person || person.suppressed_at) return;
  const pending = (await subscriptionsOf(db, person.id)).filter((s) => s.status === 'pending');
  if (!pending.length) return;
  const now = deps.clock.now();
  const pub = await getPublication(db, config);
  // A name given at sign-up for an address we knew waits for this confirmation: shown, and carried in the link.
  const waitingName = !person.name && person.signup_name ? person.signup_name : '';
  const token = confirmationToken(config.secretKey, person.id, pending.map((p) => p.newsletter_id), now, waitingName);
  const link = `${config.siteUrl}/newsletters/confirm?t=${token}`;
  const names = listNames(pending.map((p) => p.name));
  const subject = `Please confirm your subscription to ${pending.length === 1 ? names : `${pub.name}'s newsletters`}`;
  const text = [
    person.name ? `Hello ${person.name},` : 'Hello,',
    '',
    `Thank you for signing up to ${names} from ${pub.name}. Please confirm that you want to receive ${pending.length === 1 ? 'it' : 'them'} by opening this link and pressing the button:`,
    ...(waitingName ? ['', `Confirming also sets your name to “${waitingName}”.`] : []),
    '',
    link,
    '',
    `The link works for ${VERIFY_TTL_DAYS} days. If you did not sign up, ignore this email: you will not hear from us again.`,
    '',
    `${pub.name}`,
    config.siteUrl,
  ].join('\n');
  const body = html`<p>${person.name ? `Hello ${person.name},` : 'Hello,'}</p>
<p>Thank you for signing up to <strong>${names}</strong> from ${pub.name}. Please confirm that you want to receive ${pending.length === 1 ? 'it' : 'them'}:</p>
${waitingName ? html`<p>Confirming also sets your name to “${waitingName}”.</p>` : ''}
${button(link, 'Confirm my subscription')}
<p style="font-size:14px;color:#555;">Or open this link: <a href="${link}" style="color:#0b5394;word-break:break-all;">${link}</a></p>
<p style="font-size:14px;color:#555;">The link works for ${VERIFY_TTL_DAYS} days. If you did not sign up, ignore this email: you will not hear from us again.</p>`;
  await sendTransactional(config, { to: person.email, subject, text, html: emailFrame(subject, body, pub.name, pub.locale), fromName: pub.name, language: pub.locale }, now);
  deps.log.info('sent verification email', { person_id: person.id, newsletters: pending.map((p) => p.slug) });
}

/** Someone signed up for newsletters this address already receives: tell the mailbox, nobody else. */
export async function sendAlreadySubscribedJob(deps: Deps, payload: { personId: number; newsletterIds?: number[] }): Promise<void> {
  const { db, config } = deps;
  const person = await getPerson(db, payload.personId);
  if (!person || person.suppressed_at) return;
  const subs = (await subscriptionsOf(db, person.id, payload.newsletterIds)).filter((s) => s.status === 'confirmed');
  if (!subs.length) return;
  const now = deps.clock.now();
  const pub = await getPublication(db, config);
  const link = preferencesUrl(config.siteUrl, preferencesToken(config.secretKey, person.id, now));
  const names = listNames(subs.map((s) => s.name));
  const subject = `You are already subscribed to ${names}`;
  const text = [
    'Hello,',
    '',
    `Someone (probably you) just signed up this address to ${names} from ${pub.name}. You already receive ${subs.length === 1 ? 'it' : 'them'}, so nothing has changed.`,
    '',
    `To change which newsletters you receive, or to stop them, use this link: ${link}`,
    '',
    pub.name,
  ].join('\n');
  const body = html`<p>Hello,</p>
<p>Someone (probably you) just signed up this address to <strong>${names}</strong> from ${pub.name}. You already receive ${subs.length === 1 ? 'it' : 'them'}, so nothing has changed.</p>
${button(link, 'Manage my newsletters')}`;
  await sendTransactional(config, { to: person.email, subject, text, html: emailFrame(subject, body, pub.name, pub.locale), fromName: pub.name, language: pub.locale }, now);
}
