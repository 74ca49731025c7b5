// SIGTERM to a command run on the database itself (no server; issue 8): `newsdesk subscribers import`
// of a large file is sent SIGTERM mid-import. It must stop after the batch being written, say that it
// stopped and that running it again continues, exit 143 (128 + SIGTERM), and lose nothing: every row
// counted as read is imported, and running the command again imports the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDb } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { tmpDir } from './helpers/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = 40_000;
const onPg = !!process.env.NEWSDESK_TEST_PG_URL;

const dataDir = tmpDir();
const csv = path.join(tmpDir(), 'people.csv');

async function count(): Promise<number> {
  const db = await openDb({ databaseUrl: null, dataDir });
  try {
    return (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions s JOIN newsletters n ON n.id = s.newsletter_id WHERE n.slug = 'daily' AND s.status = 'confirmed'`))!.n;
  } finally {
    await db.close();
  }
}

function run(onStdout?: (text: string, kill: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    SITE_URL: 'https://news.example',
    SECRET_KEY: 'sigterm-secret-key-sigterm-secret-key-0123',
    LOG_LEVEL: 'silent',
    DEMO_CONTENT: 'false',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/newsdesk.mjs'), 'subscribers', 'import', csv, '--newsletter', 'daily', '--confirmed'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout.on('data', (c) => {
    stdout += c;
    onStdout?.(stdout, () => {
      if (!killed) (killed = true), child.kill('SIGTERM');
    });
  });
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('SIGTERM during a direct `subscribers import` stops after the current batch, says so, exits 143; running it again imports the rest', { skip: onPg ? 'runs the embedded database (PGlite) in the command itself' : false, timeout: 300_000 }, async () => {
  {
    const db = await openDb({ databaseUrl: null, dataDir });
    await migrate(db);
    await seedNewsletters(db);
    await db.close();
  }
  const lines = ['email,name'];
  for (let i = 1; i <= ROWS; i++) lines.push(`direct${i}@example.net,Reader ${i}`);
  fs.writeFileSync(csv, lines.join('\n') + '\n');

  // Not a terminal: a progress line per ten per cent. SIGTERM at the first one.
  const first = await run((out, kill) => {
    if (/\]\s+\d+%/.test(out)) kill();
  });
  assert.equal(first.code, 143, `exit code 128 + SIGTERM; stdout: ${first.stdout} stderr: ${first.stderr}`);
  assert.match(first.stderr, /stopped by SIGTERM; run the command again to continue/);
  assert.doesNotMatch(first.stderr, /\n\s+at /, 'no stack trace');
  const stopped = /Stopped after ([\d,]+) row\(s\)/.exec(first.stdout);
  assert.ok(stopped, first.stdout);
  const read = Number(stopped[1]!.replace(/,/g, ''));
  assert.ok(read > 0 && read < ROWS, `stopped part-way (${read} of ${ROWS})`);
  assert.equal(await count(), read, 'every row read before the stop is imported, and no more');

  const second = await run();
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`${ROWS - read} added \\(confirmed\\), ${read} already subscribed`));
  assert.equal(await count(), ROWS);
});
