// kill -9 during a poll, and start again: every item once, every page extracted. `newsdesk wire poll`
// runs in a child process against feeds and pages served here on loopback; it is killed with SIGKILL
// first while it is reading the feeds, then while it is fetching pages, then run to the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { createOutlet } from '../src/newswire/outlets.ts';
import { createTestDatabase, tmpDir } from './helpers/db.ts';
import { articlePage, paragraphs, rss, startFeedServer } from './helpers/feed-server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FEEDS = 3;
const PER_FEED = 20;

const dataDir = tmpDir();
let databaseUrl = '';
const pgUrl = process.env.NEWSDESK_TEST_PG_URL;
if (pgUrl) {
  const created = (await createTestDatabase('wcrash_'))!;
  databaseUrl = created.url;
  after(created.drop);
}
const open = (): Promise<Db> => openDb({ databaseUrl: databaseUrl || null, dataDir });

const s = await startFeedServer();
let onRequest: ((path: string) => void) | undefined;
for (let f = 0; f < FEEDS; f++) {
  const list = Array.from({ length: PER_FEED }, (_, i) => ({ guid: `f${f}-${i}`, link: `${s.url}/a/${f}/${i}?utm_source=feed`, title: `Feed ${f} story ${i}` }));
  s.routes.set(`/feed/${f}`, async (_req, res) => {
    onRequest?.(`/feed/${f}`);
    await new Promise((r) => setTimeout(r, 150));
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss(list));
  });
  for (let i = 0; i < PER_FEED; i++) {
    s.routes.set(`/a/${f}/${i}`, async (_req, res) => {
      onRequest?.(`/a/${f}/${i}`);
      await new Promise((r) => setTimeout(r, 15));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(articlePage(`Feed ${f} story ${i}`, paragraphs(`feed ${f} story ${i}`)));
    });
  }
}

{
  const db = await open();
  await migrate(db);
  await createOutlet(db, { name: 'Crash Outlet', url: s.url + '/', feeds: Array.from({ length: FEEDS }, (_, f) => `${s.url}/feed/${f}`) });
  await db.close();
}

function poll(killWhen: ((path: string, count: number) => boolean) | null): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATA_DIR: dataDir,
      SITE_URL: 'https://news.example',
      SECRET_KEY: 'crash-secret-key-crash-secret-key-0123456789',
      LOG_LEVEL: 'silent',
      WIRE_ALLOW_PRIVATE: 'true',
      WIRE_HOST_GAP_MS: '0',
    };
    delete env.DATABASE_URL;
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/newsdesk.mjs'), 'wire', 'poll'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    let count = 0;
    onRequest = (p) => {
      count++;
      if (killWhen?.(p, count)) {
        onRequest = undefined;
        child.kill('SIGKILL');
      }
    };
    child.on('exit', (code, signal) => {
      onRequest = undefined;
      resolve({ code, signal, out });
    });
  });
}

test('a poll killed twice (reading feeds, then fetching pages) ends with every item once, every page extracted', { timeout: 180_000 }, async () => {
  let feedsSeen = 0;
  const first = await poll((p) => p.startsWith('/feed/') && ++feedsSeen === 2);
  assert.equal(first.signal, 'SIGKILL', first.out);
  let pagesSeen = 0;
  const second = await poll((p) => p.startsWith('/a/') && ++pagesSeen === 25);
  assert.equal(second.signal, 'SIGKILL', second.out);
  const final = await poll(null);
  assert.equal(final.code, 0, final.out);
  const db = await open();
  try {
    const rows = await db.query<{ url: string; extract_status: string }>('SELECT url, extract_status FROM wire_items ORDER BY id');
    const total = FEEDS * PER_FEED;
    assert.equal(rows.length, total, 'every item once');
    assert.equal(new Set(rows.map((r) => r.url)).size, total);
    assert.deepEqual([...new Set(rows.map((r) => r.extract_status))], ['done']);
    const pages = s.log.filter((l) => l.path.startsWith('/a/')).length;
    console.log(`# wire crash test (${databaseUrl ? 'PostgreSQL' : 'PGlite'}): 2 kills, ${rows.length} items stored once, ${pages} page requests for ${total} pages`);
  } finally {
    await db.close();
  }
});
