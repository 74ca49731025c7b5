// The `newsdesk` command line: help, configuration errors, publishing from Markdown, and commands
// forwarded to a running server that holds the embedded database; graceful shutdown on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openTestDb, tmpDir } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { createLog } from '../src/platform/log.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';
import { getArticleBySlug } from '../src/articles/queries.ts';
import { upsertFormat, upsertSection } from '../src/articles/write.ts';
import type { Deps } from '../src/deps.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const NOW = '2026-11-20T12:00:00Z';
const db = await openTestDb();
const deps: Deps = { db, config: testConfig(), log: createLog('silent'), clock: fixedClock(NOW), runtime: createRuntime() };
await upsertFormat(db, { slug: 'speed-read', name: 'Speed Read' });
await upsertSection(db, { slug: 'politics', name: 'Politics' });
const dir = tmpDir();

/**
 * The command in a child process without blocking this one: while a server runs, spawnSync would
 * freeze the event loop, so fetch could reuse a keep-alive socket the server closed meanwhile.
 */
function cliAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent', ...env }, cwd: dir });
}

const STORY = `---
headline: Ferry fares frozen for a year
dek: The operator bows to pressure from island councils.
format: Speed Read
section: politics
tags: [Transport, Islands]
authors: [Ada Quill, Ben Marsh]
published: 2026-11-20T09:00:00Z
---
Fares on the island ferries will **not rise** next year.

The operator had planned a 6% increase.
`;

test('--help lists the commands', () => {
  const r = cli(['--help']);
  assert.equal(r.status, 0);
  for (const c of ['serve', 'migrate', 'publish', 'setup']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  const p = cli(['publish', '--help']);
  assert.match(p.stdout, /Front matter: headline, dek, format, section, tags, authors, published/);
  const u = cli(['frobnicate']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /Unknown command "frobnicate"/);
});

test('a bad configuration value stops the command with a message naming the variable', () => {
  const r = cli(['migrate'], { PORT: 'eighty', DATA_DIR: path.join(dir, 'cfg') });
  assert.equal(r.status, 78);
  assert.match(r.stderr, /Configuration error: PORT: expected a whole number/);
});

test('publish creates, schedules and updates an article from Markdown with front matter', async () => {
  const file = path.join(dir, 'ferry.md');
  fs.writeFileSync(file, STORY);
  const io = memoryIO();
  assert.equal(await runCommand(['publish', 'ferry.md'], dir, io, deps), 0, io.errors.join('\n'));
  assert.match(io.lines[0]!, /Created and published "Ferry fares frozen for a year": https:\/\/news\.example\/ferry-fares-frozen-for-a-year/);
  const a = (await getArticleBySlug(db, 'ferry-fares-frozen-for-a-year'))!;
  assert.equal(a.status, 'published');
  assert.equal(a.format?.slug, 'speed-read');
  assert.equal(a.section?.slug, 'politics');
  assert.deepEqual(a.tags.map((t) => t.name), ['Transport', 'Islands']);
  assert.deepEqual(a.authors.map((x) => x.name), ['Ada Quill', 'Ben Marsh']);
  assert.equal(new Date(a.published_at!).toISOString(), '2026-11-20T09:00:00.000Z');
  assert.match(a.body_html, /<strong>not rise<\/strong>/);

  // With a slug, running it again updates the same article; a future time schedules it.
  fs.writeFileSync(file, STORY.replace('headline: Ferry fares frozen for a year', 'headline: Ferry fares frozen\nslug: ferry-fares-frozen-for-a-year').replace('2026-11-20T09:00:00Z', '2026-11-21T09:00:00Z'));
  const io2 = memoryIO();
  assert.equal(await runCommand(['publish', file], dir, io2, deps), 0, io2.errors.join('\n'));
  assert.match(io2.lines[0]!, /Updated "Ferry fares frozen", scheduled for 2026-11-21T09:00:00.000Z/);
  assert.equal((await db.one(`SELECT count(*)::int AS n FROM articles`))!.n, 1);
});

test('publish refuses bad input with a clear message and writes nothing', async () => {
  const before = (await db.one(`SELECT count(*)::int AS n FROM articles`))!.n;
  const cases: Array<[string, RegExp]> = [
    ['no front matter here', /must start with front matter/],
    ['---\nheadline: x\nwhatever: 1\n---\nbody', /Unknown front matter key\(s\): whatever/],
    ['---\nheadline: [unclosed\n---\nbody', /not valid YAML/],
    ['---\ndek: no headline\n---\nbody', /headline/],
    ['---\nheadline: x\nformat: nope\n---\nbody', /Unknown format "nope"/],
  ];
  for (const [text, expected] of cases) {
    fs.writeFileSync(path.join(dir, 'bad.md'), text);
    const io = memoryIO();
    const code = await runCommand(['publish', 'bad.md'], dir, io, deps);
    assert.notEqual(code, 0);
    assert.match(io.errors.join('\n'), expected);
  }
  const io = memoryIO();
  assert.equal(await runCommand(['publish', 'missing.md'], dir, io, deps), 2);
  assert.match(io.errors.join('\n'), /no such file/);
  assert.equal((await db.one(`SELECT count(*)::int AS n FROM articles`))!.n, before);
});

test('while serving on the embedded database, commands go to the server; SIGTERM stops it cleanly', { skip: process.env.NEWSDESK_TEST_PG_URL ? 'embedded-database behaviour: runs in the PGlite pass' : false }, async () => {
  const dataDir = path.join(dir, 'serve');
  const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', DEMO_CONTENT: 'false', LOG_LEVEL: 'warn', SITE_URL: 'https://news.example' };
  const server = spawn(process.execPath, [BIN, 'serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  try {
    // Ready when it says so (it writes internal.json after listening).
    while (!/Newsdesk is serving/.test(output)) {
      if (server.exitCode !== null) assert.fail(`server exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const ep = JSON.parse(fs.readFileSync(path.join(dataDir, 'internal.json'), 'utf8'));
    assert.equal((fs.statSync(path.join(dataDir, 'internal.json')).mode & 0o777), 0o600);
    assert.equal((await fetch(ep.url + '/healthz')).status, 200);

    fs.writeFileSync(path.join(dir, 'story.md'), STORY.replace('format: Speed Read\nsection: politics\n', ''));
    const pub = await cliAsync(['publish', 'story.md'], env);
    assert.equal(pub.status, 0, pub.stderr);
    assert.match(pub.stdout, /Created and published "Ferry fares frozen for a year"/);
    const page = await fetch(ep.url + '/ferry-fares-frozen-for-a-year');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Ferry fares frozen for a year/);

    // A command that needs the database to itself says what to do.
    const mig = await cliAsync(['migrate'], env);
    assert.equal(mig.status, 1);
    assert.match(mig.stderr, /open in another Newsdesk process[\s\S]*stop the server/);

    // The internal endpoint refuses requests without the token.
    const refused = await fetch(ep.url + '/_internal/cli', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ argv: ['publish', 'story.md'], cwd: dir }) });
    assert.equal(refused.status, 404);
  } finally {
    server.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output);
  assert.match(output, /Newsdesk stopped\./);
  assert.ok(!fs.existsSync(path.join(dataDir, 'pglite.lock')), 'lock released');
  assert.ok(!fs.existsSync(path.join(dataDir, 'internal.json')), 'internal endpoint file removed');
});
