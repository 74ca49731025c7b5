// Transactional mail: one message at a time (verification emails, "you are already subscribed"
// notes), not bulk sends (those go through src/newsletters/delivery). Over SMTP_URL with nodemailer
// when it is set; otherwise the composed message is written to the outbox folder (src/mail/outbox.ts)
// so the embedded default works without a mail server.
import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { writeToOutbox, type OutboxFolder } from './outbox.ts';
import { effectiveMailFrom } from '../newsletters/links.ts';

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
}

export interface SentMail {
  messageId: string;
  /** 'smtp' when handed to SMTP_URL, else the outbox file written. */
  via: 'smtp' | 'outbox';
  file?: string;
}

type MailConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'siteUrl' | 'publicationName' | 'dataDir'>;

function mailOptions(config: MailConfig, msg: TransactionalMessage): SendMailOptions {
  const from = effectiveMailFrom(config);
  return {
    from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    replyTo: msg.replyTo,
    envelope: msg.returnPath ? { from: msg.returnPath, to: msg.to } : undefined,
    headers: { 'Auto-Submitted': 'auto-generated', ...msg.headers },
  };
}

/** Send one message. Throws on an SMTP failure (the calling job then retries with backoff). */
export async function sendTransactional(config: MailConfig, msg: TransactionalMessage, now: Date = new Date()): Promise<SentMail> {
  const options = mailOptions(config, msg);
  // Loaded on the first message, not at start-up (~0.1 s of every start otherwise).
  const nodemailer = (await import('nodemailer')).default;
  if (config.smtpUrl) {
    // A connection per message: transactional volume is small, and nothing lingers between jobs.
    const transport = nodemailer.createTransport(config.smtpUrl);
    try {
      const info = await transport.sendMail(options);
      return { messageId: info.messageId, via: 'smtp' };
    } finally {
      transport.close();
    }
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail(options);
  const file = writeToOutbox(config.dataDir, info.message as Buffer, now, msg.outbox ?? 'outbox');
  return { messageId: info.messageId, via: 'outbox', file };
}
