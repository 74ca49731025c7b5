// Without SMTP_URL, mail is not sent but written as .eml files to DATA_DIR/outbox, so the embedded
// default works with no mail server and every message can be read in the app (and in tests).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export function outboxDir(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

/** Write one RFC 5322 message; returns the file path. Names sort by time of writing. */
export function writeToOutbox(dataDir: string, raw: Buffer | string, now: Date = new Date()): string {
  const dir = outboxDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const name = `${now.toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(6).toString('hex')}.eml`;
  const file = path.join(dir, name);
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, raw);
  fs.renameSync(tmp, file); // readers never see half a message
  return file;
}

export function listOutbox(dataDir: string): string[] {
  try {
    return fs.readdirSync(outboxDir(dataDir)).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
}
