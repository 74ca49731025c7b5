// SIGTERM to a command run on the database itself (no server; issue 8): `newsdesk subscribers import`
// of a large file is sent SIGTERM mid-import. It must stop after the batch being written, say that it
// stopped and that running it again continues, exit 143 (128 + SIGTERM), and lose nothing: every row
// counted as read is imported, and running the command again imports the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { tmpDir } from './helpers/db.ts';
import { commandEnv, onPg, preparedDataDir, runNewsdesk, withDataDir } from './helpers/newsdesk-process.ts';

const ROWS = 40_000;

const dataDir = await preparedDataDir(seedNewsletters);
const csv = path.join(tmpDir(), 'people.csv');

const count = () =>
  withDataDir(dataDir, async (db) => (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions s JOIN newsletters n ON n.id = s.newsletter_id WHERE n.slug = 'daily' AND s.status = 'confirmed'`))!.n);

async function run(onStdout?: (text: string, kill: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let killed = false;
  const cmd = runNewsdesk(['subscribers', 'import', csv, '--newsletter', 'daily', '--confirmed'], commandEnv(dataDir), (out, c) =>
    onStdout?.(out, () => {
      if (!killed) (killed = true), c.child.kill('SIGTERM');
    }),
  );
  const { code } = await cmd.exited;
  return { code, stdout: cmd.stdout(), stderr: cmd.stderr() };
}

test('SIGTERM during a direct `subscribers import` stops after the current batch, says so, exits 143; running it again imports the rest', { skip: onPg ? 'runs the embedded database (PGlite) in the command itself' : false, timeout: 300_000 }, async () => {
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
