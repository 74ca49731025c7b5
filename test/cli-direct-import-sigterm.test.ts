// SIGTERM to `newsdesk members import` and `newsdesk outlets import` run on the database itself (no
// server; decision 0013), as test/cli-direct-sigterm.test.ts does for `subscribers import`: sent
// SIGTERM at the first progress line, each must stop before its next row, say that it stopped and that
// running it again continues, exit 143 (128 + SIGTERM), and keep exactly the rows it counted as read;
// running it again imports the rest and duplicates nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './helpers/db.ts';
import { commandEnv, onPg, preparedDataDir, runNewsdesk, withDataDir } from './helpers/newsdesk-process.ts';

const skip = onPg ? 'runs the embedded database (PGlite) in the command itself' : false;

/** Run the import, SIGTERM at its first progress line; then again to the end. */
async function stopAndResume(dataDir: string, args: string[], rows: number, count: () => Promise<number>) {
  const env = commandEnv(dataDir);
  // Not a terminal: a progress line per ten per cent. SIGTERM at the first one.
  let killed = false;
  const first = runNewsdesk(args, env, (out, cmd) => {
    if (!killed && /\]\s+\d+%/.test(out)) {
      killed = true;
      cmd.child.kill('SIGTERM');
    }
  });
  const r1 = await first.exited;
  assert.ok(killed, `a progress line came before the end: ${first.output()}`);
  assert.equal(r1.signal, null, 'the command handled the signal');
  assert.equal(r1.code, 143, `exit code 128 + SIGTERM; output: ${first.output()}`);
  assert.match(first.stderr(), /^stopped by SIGTERM; run the command again to continue$/m);
  assert.doesNotMatch(first.output(), /\n\s+at /, 'no stack trace');
  const stopped = /Stopped after ([\d,]+) row\(s\)/.exec(first.stdout());
  assert.ok(stopped, first.stdout());
  const read = Number(stopped[1]!.replace(/,/g, ''));
  assert.ok(read > 0 && read < rows, `stopped part-way (${read} of ${rows})`);
  assert.equal(await count(), read, 'every row read before the stop is imported, and no more');

  const second = runNewsdesk(args, env);
  const r2 = await second.exited;
  assert.equal(r2.code, 0, second.output());
  assert.equal(await count(), rows, 'the rest imported, nothing twice');
  return { read, second: second.stdout() };
}

test('SIGTERM during a direct `members import` stops before the next row, says so, exits 143; running it again imports the rest', { skip, timeout: 300_000 }, async () => {
  const ROWS = 1_500;
  const dataDir = await preparedDataDir();
  const csv = path.join(tmpDir(), 'members.csv');
  const lines = ['email,name,plan,status,expires_at'];
  for (let i = 1; i <= ROWS; i++) lines.push(`member${i}@example.net,Member ${i},Print,active,2030-01-31`);
  fs.writeFileSync(csv, lines.join('\n') + '\n');
  const count = () => withDataDir(dataDir, async (db) => (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_subscriptions WHERE source = 'import'`))!.n);

  const { read, second } = await stopAndResume(dataDir, ['members', 'import', csv], ROWS, count);
  assert.match(second, new RegExp(`Read ${ROWS} row\\(s\\) from members\\.csv: ${ROWS - read} subscription\\(s\\) added, 0 updated, ${read} unchanged`));
  assert.equal(await withDataDir(dataDir, async (db) => (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM plans WHERE slug = 'print'`))!.n), 1, 'the plan the file names is created once');
});

test('SIGTERM during a direct `outlets import` stops before the next row, says so, exits 143; running it again imports the rest', { skip, timeout: 300_000 }, async () => {
  const ROWS = 800;
  const dataDir = await preparedDataDir();
  const csv = path.join(tmpDir(), 'outlets.csv');
  const lines = ['name,url,feed_url,lean,country,language'];
  for (let i = 1; i <= ROWS; i++) lines.push(`Outlet ${i},https://outlet${i}.example/,https://outlet${i}.example/feed.xml,center,GB,en`);
  fs.writeFileSync(csv, lines.join('\n') + '\n');
  const count = () =>
    withDataDir(dataDir, async (db) => {
      const r = (await db.one<{ outlets: number; feeds: number }>(`SELECT (SELECT count(*)::int FROM wire_outlets WHERE slug LIKE 'outlet-%') AS outlets, (SELECT count(*)::int FROM wire_feeds) AS feeds`))!;
      assert.equal(r.feeds, r.outlets, 'every outlet written has its feed: no row is half-written');
      return r.outlets;
    });

  const { read, second } = await stopAndResume(dataDir, ['outlets', 'import', csv], ROWS, count);
  assert.match(second, new RegExp(`Read ${ROWS} row\\(s\\) \\(Newsdesk columns\\): ${ROWS - read} added, 0 updated, ${read} unchanged, 0 skipped`));
});
