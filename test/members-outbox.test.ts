// Without SMTP_URL a reader's sign-in link is written to DATA_DIR/outbox like other mail to readers
// (the newsroom's outbox viewer lists it), never to the staff-only folder; staff links stay there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp } from './helpers/app.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';
import { listOutbox, outboxDir } from '../src/mail/outbox.ts';

test('a reader’s sign-in link without SMTP goes to the outbox, and it signs the reader in', async () => {
  const t = await startTestApp({ now: '2026-11-20T12:00:00Z' });
  const dataDir = t.deps.config.dataDir;
  const r = await t.get('/account/register', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://news.example' }, body: 'email=reader%40example.org' });
  assert.equal(r.status, 200);
  await runDueJobs(t.deps, jobRegistry);
  const files = listOutbox(dataDir);
  assert.equal(files.length, 1);
  assert.deepEqual(listOutbox(dataDir, 'outbox-staff'), []);
  const raw = fs.readFileSync(path.join(outboxDir(dataDir), files[0]!), 'utf8');
  assert.match(raw, /^To: reader@example\.org/m);
  const link = /https:\/\/news\.example(\/account\/signin\/link\?token=[A-Za-z0-9._%-]+)/.exec(raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='))![1]!;
  const token = decodeURIComponent(link.split('token=')[1]!);
  const used = await t.get('/account/signin/link', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://news.example' }, body: new URLSearchParams({ token }).toString() });
  assert.equal(used.status, 303);
  assert.match(used.headers.get('set-cookie') ?? '', /^nd_member=/);
});
