// Where messages go: SMTP (SMTP_URL, one pooled connection per worker) or, without SMTP_URL, the
// outbox folder in DATA_DIR (src/mail/outbox.ts) so the embedded default works with no mail server.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import { outboxDir, writeToOutbox } from '../../mail/outbox.ts';
import { messageBytes, SmtpConnection, type MessageSource, type SendOptions, type SendResult, type SmtpOptions } from './smtp.ts';

export interface Channel {
  /** See SmtpConnection.sendAll. */
  sendAll(messages: readonly MessageSource[], opts?: SendOptions): Promise<SendResult[]>;
  /** The channel cannot be used any more (the connection broke): open another. */
  readonly broken: boolean;
  close(): Promise<void>;
}

export interface Transport {
  readonly kind: 'smtp' | 'outbox';
  open(): Promise<Channel>;
}

/** Reconnect after this many messages: some providers cap messages per connection. */
const MESSAGES_PER_CONNECTION = 5000;

export function smtpTransport(opts: SmtpOptions): Transport {
  return {
    kind: 'smtp',
    async open() {
      const conn = await SmtpConnection.open(opts);
      return {
        get broken() {
          return conn.closed || conn.messagesSent >= MESSAGES_PER_CONNECTION;
        },
        sendAll: (messages, opts) => conn.sendAll(messages, opts),
        close: () => conn.quit(),
      };
    },
  };
}

export function outboxTransport(dataDir: string): Transport {
  return {
    kind: 'outbox',
    async open() {
      return {
        broken: false,
        async sendAll(messages, opts = {}) {
          const out: SendResult[] = [];
          const push = (r: SendResult) => {
            out.push(r);
            opts.onResult?.(out.length - 1, r);
          };
          for (const source of messages) {
            if (opts.halted?.()) {
              push({ ok: false, temporary: true, error: 'stopped before sending', notAttempted: true });
              continue;
            }
            const g = opts.gate?.();
            if (g) await g;
            try {
              const m = typeof source === 'function' ? source() : source;
              // The envelope, which an MTA would record as Return-Path, for whoever reads the outbox.
              writeToOutbox(dataDir, Buffer.concat([Buffer.from(`Return-Path: <${m.from}>\r\nX-Envelope-To: <${m.to}>\r\n`), messageBytes(m.data)]));
              push({ ok: true, reply: { code: 250, text: 'written to the outbox' } });
            } catch (e) {
              push({ ok: false, temporary: true, error: `cannot write to the outbox: ${(e as Error).message}` });
            }
          }
          return out;
        },
        async close() {},
      };
    },
  };
}

/** The transport the configuration asks for. */
export function transportFor(config: Config): Transport {
  return config.smtpUrl ? smtpTransport({ url: config.smtpUrl }) : outboxTransport(config.dataDir);
}

export interface OutboxEntry {
  file: string;
  size: number;
  writtenAt: Date;
  to: string;
  subject: string;
}

/** The outbox, newest first, with To and Subject read from each file's headers (the app shows it). */
export function listOutboxMessages(dataDir: string, opts: { limit?: number; offset?: number } = {}): { total: number; entries: OutboxEntry[] } {
  const dir = outboxDir(dataDir);
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse();
  } catch {
    return { total: 0, entries: [] };
  }
  const page = files.slice(opts.offset ?? 0, (opts.offset ?? 0) + (opts.limit ?? 50));
  const entries = page.flatMap((file) => {
    try {
      const full = path.join(dir, file);
      const st = fs.statSync(full);
      const fd = fs.openSync(full, 'r');
      const buf = Buffer.alloc(Math.min(8192, st.size));
      fs.readSync(fd, buf, 0, buf.length, 0);
      fs.closeSync(fd);
      const head = buf.toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      const get = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
      return [{ file, size: st.size, writtenAt: st.mtime, to: decodeWords(get('To')), subject: decodeWords(get('Subject')) }];
    } catch {
      return [];
    }
  });
  return { total: files.length, entries };
}

/** One outbox message's raw text, by file name (names only: no paths). */
export function readOutboxMessage(dataDir: string, file: string): Buffer | null {
  if (!/^[\w.-]+\.eml$/.test(file)) return null;
  try {
    return fs.readFileSync(path.join(outboxDir(dataDir), file));
  } catch {
    return null;
  }
}

function decodeWords(s: string): string {
  return s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}
