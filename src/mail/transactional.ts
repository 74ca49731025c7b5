// Transactional mail: one message at a time (verification emails, "you are already subscribed"
// notes, staff sign-in links), not bulk sends (those go through src/newsletters/delivery). Over
// SMTP_URL with nodemailer when it is set; otherwise the composed message is written to the outbox
// folder (src/mail/outbox.ts) so the embedded default works without a mail server. Every message
// carries a From display name and the publication's language (Content-Language), and is DKIM-signed
// with the newsletters' key when DKIM_* is configured: everything that leaves is signed.
// nodemailer is loaded on the first message, not at start-up (~0.1 s of every start otherwise).
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { writeToOutbox, type OutboxFolder } from './outbox.ts';
import { effectiveMailFrom } from '../newsletters/links.ts';
import { createDkimSigner } from '../newsletters/delivery/dkim.ts';

export interface TransactionalMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Envelope sender (Return-Path); defaults to the From address. */
  returnPath?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /**
   * Without SMTP_URL, the folder in DATA_DIR the message is written to: 'outbox-staff' for staff
   * sign-in links and invitations, which the newsroom's outbox viewer never lists.
   */
  outbox?: OutboxFolder;
  /** The From display name when MAIL_FROM has none (default: the publication's name from the config). */
  fromName?: string;
  /** BCP 47 language of the message (Content-Language; default: LOCALE). */
  language?: string;
}

export interface SentMail {
  messageId: string;
  /** 'smtp' when handed to SMTP_URL, else the outbox file written. */
  via: 'smtp' | 'outbox';
  file?: string;
}

type MailConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'siteUrl' | 'publicationName' | 'dataDir'> & Partial<Pick<Config, 'locale'>> & {
  delivery?: Pick<Config['delivery'], 'dkim'>;
};

/** The headers DKIM signs on a transactional message (those present). */
export const TRANSACTIONAL_SIGNED = ['from', 'to', 'subject', 'date', 'message-id', 'reply-to', 'mime-version', 'content-type', 'content-language', 'auto-submitted'];

/** From with a display name: MAIL_FROM's own, else the publication's name in front of its address. */
export function fromAddress(config: MailConfig, fromName?: string): SendMailOptions['from'] {
  const from = effectiveMailFrom(config);
  if (from.includes('<')) return from;
  return { name: (fromName ?? config.publicationName).replace(/[\r\n]/g, ' ').trim() || config.publicationName, address: from.trim() };
}

function mailOptions(config: MailConfig, msg: TransactionalMessage): SendMailOptions {
  const language = msg.language ?? config.locale;
  return {
    from: fromAddress(config, msg.fromName),
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    replyTo: msg.replyTo,
    envelope: msg.returnPath ? { from: msg.returnPath, to: msg.to } : undefined,
    headers: { 'Auto-Submitted': 'auto-generated', ...(language ? { 'Content-Language': language } : {}), ...msg.headers },
  };
}

/** The whole message as sent (CRLF line ends), DKIM-signed when a key is configured. */
async function compose(config: MailConfig, options: SendMailOptions, now: Date): Promise<{ raw: Buffer; messageId: string }> {
  const nodemailer = (await import('nodemailer')).default;
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await composer.sendMail({ ...options, date: options.date ?? now });
  const raw = info.message as Buffer;
  const dkim = config.delivery?.dkim;
  if (!dkim) return { raw, messageId: info.messageId };
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split + 2);
  const body = text.slice(split + 4);
  const signature = createDkimSigner(dkim, TRANSACTIONAL_SIGNED).sign(head, body, now);
  return { raw: Buffer.concat([Buffer.from(signature, 'latin1'), raw]), messageId: info.messageId };
}

/** Send one message. Throws on an SMTP failure (the calling job then retries with backoff). */
export async function sendTransactional(config: MailConfig, msg: TransactionalMessage, now: Date = new Date()): Promise<SentMail> {
  const options = mailOptions(config, msg);
  const { raw, messageId } = await compose(config, options, now);
  if (config.smtpUrl) {
    const nodemailer = (await import('nodemailer')).default;
    // A connection per message: transactional volume is small, and nothing lingers between jobs.
    // The message goes as composed (and signed): nodemailer must not rewrite a signed header.
    const transport = nodemailer.createTransport(config.smtpUrl);
    try {
      const from = msg.returnPath ?? (typeof options.from === 'object' && options.from && 'address' in options.from ? options.from.address : effectiveMailFrom(config).replace(/^.*<|>.*$/g, ''));
      await transport.sendMail({ envelope: { from, to: msg.to }, raw });
      return { messageId, via: 'smtp' };
    } finally {
      transport.close();
    }
  }
  const file = writeToOutbox(config.dataDir, raw, now, msg.outbox ?? 'outbox');
  return { messageId, via: 'outbox', file };
}
