// Without SMTP_URL, mail is not sent but written as .eml files to DATA_DIR/outbox, so the embedded
// default works with no mail server and every message can be read in the app (and in tests).
// Staff mail (sign-in links, invitations) goes to DATA_DIR/outbox-staff instead: those links sign
// someone in, so they are never shown in the newsroom's outbox viewer (editors can read that one);
// only someone with access to the server's files can read them.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export type OutboxFolder = 'outbox' | 'outbox-staff';

export function outboxDir(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

/** Where staff sign-in links and invitations are written without SMTP_URL (never listed in the app). */
export function staffOutboxDir(dataDir: string): string {
  return path.join(dataDir, 'outbox-staff');
}

/** Write one RFC 5322 message; returns the file path. Names sort by time of writing. */
export function writeToOutbox(dataDir: string, raw: Buffer | string, now: Date = new Date(), folder: OutboxFolder = 'outbox'): string {
  const dir = folder === 'outbox-staff' ? staffOutboxDir(dataDir) : outboxDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `${now.toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(6).toString('hex')}.eml`;
  const file = path.join(dir, name);
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, raw, { mode: 0o600 }); // sign-in links: never readable by other accounts
  fs.renameSync(tmp, file); // readers never see half a message
  return file;
}

export function listOutbox(dataDir: string, folder: OutboxFolder = 'outbox'): string[] {
  try {
    return fs.readdirSync(folder === 'outbox-staff' ? staffOutboxDir(dataDir) : outboxDir(dataDir)).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
}
