// A newcomer's first steps (issue 14, item 6): start-up and the sign-in page say how to create the first
// administrator, `staff create` asks for a name (test/staff.test.ts), the sign-in page says where
// sign-in mail goes without SMTP, and a command run with the wrong DATA_DIR next to a running server
// refuses to create a second, empty database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestApp } from './helpers/app.ts';
import { tmpDir } from './helpers/db.ts';
import { dataDirDigest, firstAdminCommand, firstAdminHint } from '../src/cli/first-run.ts';
import { createStaff } from '../src/staff/staff.ts';

const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const t = await startTestApp({ now: '2026-11-20T12:00:00Z' });

test('the first administrator command names DATA_DIR only when it is not the default, and never a DATABASE_URL', { timeout: 5_000 }, () => {
  const base = 'npx newsdesk staff create --email you@example.com --name "Your Name" --role administrator';
  assert.equal(firstAdminCommand({ dataDir: '/srv/site/data', databaseUrl: null }, '/srv/site'), base);
  assert.equal(firstAdminCommand({ dataDir: '/var/lib/news data', databaseUrl: null }, '/srv/site'), `DATA_DIR='/var/lib/news data' ${base}`);
  assert.equal(firstAdminCommand({ dataDir: '/srv/site/data', databaseUrl: 'postgres://u:secret@db/x' }, '/srv/site'), `DATABASE_URL=… ${base}`);
  assert.notEqual(dataDirDigest('/a/data'), dataDirDigest('/b/data'));
  assert.equal(dataDirDigest('/a/data/'), dataDirDigest('/a/data'));
});

test('with no account, start-up and the sign-in page give the command; once one exists they do not', { timeout: 60_000 }, async () => {
  const hint = await firstAdminHint(t.deps.db, { dataDir: '/srv/site/data', databaseUrl: null }, '/srv/site');
  assert.equal(hint.length, 2);
  assert.match(hint[1], /npx newsdesk staff create --email you@example\.com --name "Your Name" --role administrator/);
  const page = await (await t.get('/admin/signin')).text();
  assert.match(page, /id="first-admin"/);
  assert.match(page, /npx newsdesk staff create --email you@example\.com --name &quot;Your Name&quot; --role administrator|npx newsdesk staff create --email you@example\.com --name "Your Name" --role administrator/);
  assert.doesNotMatch(page, new RegExp(t.deps.config.dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), 'the server\'s paths are not shown to the public');
  assert.match(page, /id="signin-mail-note"/, 'without SMTP the page says where the link goes');
  assert.match(page, /outbox-staff/);

  await createStaff(t.deps.db, { email: 'first@example.com', name: 'First', role: 'administrator' });
  assert.deepEqual(await firstAdminHint(t.deps.db, { dataDir: '/srv/site/data', databaseUrl: null }, '/srv/site'), []);
  assert.doesNotMatch(await (await t.get('/admin/signin')).text(), /id="first-admin"/);
});

test('the server answers the loopback ping with a digest of its data directory', { timeout: 30_000 }, async () => {
  const res = await t.get('/_internal/ping');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { newsdesk: true, dataDir: dataDirDigest(t.deps.config.dataDir) });
});

test('a command with the wrong DATA_DIR next to a running server refuses and creates nothing', { timeout: 120_000, skip: process.env.NEWSDESK_TEST_PG_URL ? 'the embedded database only' : false }, async () => {
  const port = new URL(t.url).port;
  const wrong = path.join(tmpDir(), 'not-the-server-data');
  const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const env = { ...process.env, DATA_DIR: wrong, PORT: port, LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv;
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [BIN, 'staff', 'create', '--email', 'x@example.com', '--name', 'X', '--role', 'editor'], { env });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /no Newsdesk database in DATA_DIR/);
  assert.match(r.err, new RegExp(`server on port ${port} runs with another data directory`));
  assert.doesNotMatch(r.out, /signin\/link/, 'no dead link printed');
  assert.equal(fs.existsSync(wrong), false, 'no new data directory');
});

test('a command called wrongly says so and creates nothing in DATA_DIR (no database, no secrets)', { timeout: 120_000 }, async () => {
  const fresh = path.join(tmpDir(), 'never-created');
  const run = (args: string[]) => new Promise<{ code: number | null; err: string }>((resolve) => {
    // A port nothing listens on: with no server to talk to, a correct call would create the database.
    const env = { ...process.env, DATA_DIR: fresh, PORT: '9', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv;
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, err }));
  });
  const noName = await run(['staff', 'create', '--email', 'x@example.com', '--role', 'editor']);
  assert.equal(noName.code, 2, noName.err);
  assert.match(noName.err, /Give the person's name with --name/);
  assert.match(noName.err, /Usage: newsdesk staff create/);
  const unknown = await run(['staff', 'create', '--emial', 'x@example.com']);
  assert.equal(unknown.code, 2, unknown.err);
  assert.match(unknown.err, /Unknown option '--emial'/);
  assert.equal(fs.existsSync(fresh), false, 'nothing was created');
});
