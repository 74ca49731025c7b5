// DATA_DIR is private to the account that runs Newsdesk: created 0700, everything in it 0600/0700
// (the process runs with umask 077, PGlite's own 0666 files are tightened), an existing directory with
// wider modes is fixed on start with a warning, and symbolic links are not followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpDir } from './helpers/db.ts';
import { dataDirWarning, secureDataDir } from '../src/platform/data-dir.ts';
import { writeToOutbox } from '../src/mail/outbox.ts';
import { storeImage } from '../src/media/images.ts';

const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** Every entry under dir (symbolic links not followed) with its permission bits. */
function modes(dir: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    out.push([p, st.mode & 0o777]);
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n));
  };
  walk(dir);
  return out;
}

test('an existing directory with wide modes is tightened, with a warning that counts what was reachable', { timeout: 10_000 }, () => {
  const dir = path.join(tmpDir(), 'data');
  fs.mkdirSync(path.join(dir, 'outbox-staff'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'closed'), { mode: 0o700 });
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.join(dir, 'outbox-staff'), 0o755);
  fs.writeFileSync(path.join(dir, 'outbox-staff', 'link.eml'), 'a sign-in link');
  fs.chmodSync(path.join(dir, 'outbox-staff', 'link.eml'), 0o644);
  fs.writeFileSync(path.join(dir, 'closed', 'inner'), 'x');
  fs.chmodSync(path.join(dir, 'closed', 'inner'), 0o666); // wide, but behind a 0700 folder
  const outside = path.join(tmpDir(), 'outside.txt');
  fs.writeFileSync(outside, 'not ours');
  fs.chmodSync(outside, 0o644);
  fs.symlinkSync(outside, path.join(dir, 'link-to-outside'));

  const r = secureDataDir(dir);
  assert.equal(r.fixed, 4);
  assert.equal(r.exposed, 3, 'the folder, outbox-staff and link.eml were reachable; closed/inner was not');
  const warning = dataDirWarning(dir, r);
  assert.match(warning ?? '', /had 3 file\(s\) or folder\(s\) that other local accounts could read/);
  for (const [p, m] of modes(dir)) if (!fs.lstatSync(p).isSymbolicLink()) assert.equal(m & 0o077, 0, `${p} is ${m.toString(8)}`);
  assert.equal(fs.statSync(path.join(dir, 'outbox-staff', 'link.eml')).mode & 0o777, 0o600);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(outside).mode & 0o777, 0o644, 'the link was not followed');

  const again = secureDataDir(dir);
  assert.equal(again.fixed, 0);
  assert.equal(dataDirWarning(dir, again), null, 'a private directory raises no warning');
});

test('a missing directory is created 0700; staff mail and uploads are written 0600 whatever the umask', { timeout: 10_000 }, () => {
  const dir = path.join(tmpDir(), 'a', 'b', 'data');
  const r = secureDataDir(dir);
  assert.ok(r.created);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  const old = process.umask(0o022);
  try {
    const file = writeToOutbox(dir, 'Subject: sign in\r\n\r\nhttps://news.example/admin/signin/link?t=x', new Date(), 'outbox-staff');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    const url = storeImage(dir, PNG);
    const stored = path.join(dir, 'uploads', path.basename(url));
    assert.equal(fs.statSync(stored).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(stored)).mode & 0o777, 0o700);
  } finally {
    process.umask(old);
  }
});

test('the command line fixes an existing DATA_DIR and leaves nothing in it open, the embedded database included', { timeout: 120_000, skip: process.env.NEWSDESK_TEST_PG_URL ? 'embedded-database files: runs in the PGlite pass' : false }, () => {
  const dir = path.join(tmpDir(), 'data');
  fs.mkdirSync(path.join(dir, 'outbox-staff'), { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'outbox-staff', 'old.eml'), 'old link', { mode: 0o644 });
  fs.chmodSync(path.join(dir, 'outbox-staff', 'old.eml'), 0o644);
  // The parent's umask is the usual 022: the command sets its own.
  const r = spawnSync(process.execPath, [BIN, 'migrate'], { encoding: 'utf8', env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Warning: DATA_DIR .* had 3 file\(s\) or folder\(s\) that other local accounts could read or write/);
  const open = modes(dir).filter(([p, m]) => m & 0o077 && !fs.lstatSync(p).isSymbolicLink());
  assert.deepEqual(open.slice(0, 5), [], `${open.length} entries still open to other accounts`);
  assert.ok(fs.existsSync(path.join(dir, 'pglite', 'PG_VERSION')), 'the embedded database was created');
});

test('a stale lock whose PID now belongs to another program does not block start-up; a live Newsdesk lock does', { timeout: 30_000, skip: process.platform !== 'linux' ? 'reads /proc' : false }, async () => {
  const { spawn } = await import('node:child_process');
  const { takeLock, DatabaseBusyError } = await import('../src/db/index.ts');
  const dir = tmpDir();
  const lock = path.join(dir, 'pglite.lock');
  const other = spawn('sleep', ['30'], { stdio: 'ignore' });
  const node = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200)); // both processes exist
    const startOf = (pid: number) => { const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]; };
    // The PID is alive but started after the lock was written (another start time): stale.
    fs.writeFileSync(lock, `${other.pid} 1`);
    let release = takeLock(dir);
    assert.match(fs.readFileSync(lock, 'utf8'), new RegExp(`^${process.pid} \\d+$`));
    release();
    // An old-style lock (PID only) naming a program that is not Node.js: stale.
    fs.writeFileSync(lock, String(other.pid));
    release = takeLock(dir);
    release();
    // The process that wrote the lock, still running: refused, naming it.
    fs.writeFileSync(lock, `${node.pid} ${startOf(node.pid!)}`);
    assert.throws(() => takeLock(dir), (e: any) => e instanceof DatabaseBusyError && e.pid === node.pid);
  } finally {
    other.kill();
    node.kill();
  }
});
