// Requests per second of the Ghost-compatible post list (issue #4: at least 20× Ghost 5's ~62 rps, so
// ≥1,240 rps): GET /ghost/api/content/posts/?key=...&limit=15&include=tags,authors, 50 connections,
// autocannon in a child process, against Newsdesk on embedded PGlite (temporary directory) seeded with
// published articles, each with authors and tags. Measured in the same run:
//   - Newsdesk as configured (Content API answers cached in memory until content changes),
//   - Newsdesk with PAGE_CACHE_ENTRIES=0 (every request runs the queries: key check, count, list),
//   - a plain node:http server returning the same bytes from memory (the ceiling of this machine).
//   node --import tsx bench/content-api.ts [ARTICLES] [SECONDS]     (5,000 articles, 10 s; --quick: 3 s)
// Time limit: 10 minutes (3 with --quick; BENCH_TIME_LIMIT=S), see bench/lib/harness.ts.
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openDb } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { startServer } from '../src/server.ts';
import { upsertAuthor, upsertFormat, upsertSection } from '../src/articles/write.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { startBench } from './lib/harness.ts';
import { createRuntime } from '../src/platform/runtime.ts';

const bench = startBench({ name: 'content-api', limit: { full: 600, quick: 180 } });
const N = Number(bench.argv[0] ?? 5_000);
const SECONDS = Number(bench.argv[1] ?? (bench.quick ? 3 : 10));
const GHOST_RPS = 62;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const autocannonBin = path.join(root, 'node_modules/.bin/autocannon');

const dir = bench.tempDir('newsdesk-bench-content-');
const db = await openDb({ databaseUrl: null, dataDir: dir });

type Result = { rps: number; p50: number; p99: number; non2xx: number };

/** autocannon in a child process (asynchronously: the servers under test share this event loop). */
function cannon(url: string, what: string): Promise<Result> {
  bench.waiting(`${SECONDS} s of load on ${what}`);
  return new Promise((resolve, reject) => {
    const child = bench.spawn(process.execPath, [autocannonBin, '-c', '50', '-d', String(SECONDS), '-j', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (err += c));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon failed: ${err}`));
      const j = JSON.parse(out);
      resolve({ rps: j.requests.average, p50: j.latency.p50, p99: j.latency.p99, non2xx: j.non2xx + j.errors });
    });
  });
}

try {
  bench.waiting('migrations');
  await migrate(db);
  bench.waiting(`seeding ${N.toLocaleString('en-GB')} articles`);
  let t0 = performance.now();
  for (const [i, f] of ['speed-read', 'the-explainer', 'recommends'].entries()) await upsertFormat(db, { slug: f, name: f, position: i });
  for (const [i, s] of ['politics', 'science', 'business', 'culture'].entries()) await upsertSection(db, { slug: s, name: s, position: i });
  for (let i = 0; i < 30; i++) await upsertAuthor(db, { slug: `author-${i}`, name: `Author ${i}`, bio: `Writes about things (${i}).` });
  await db.exec(`
    INSERT INTO tags (slug, name) SELECT 'tag-' || g, 'Tag ' || g FROM generate_series(1, 60) g;
    INSERT INTO articles (slug, headline, dek, body_source, body_format, body_html, body_text, format_id, section_id, status, published_at, updated_at, created_at, editors_pick)
    SELECT 'story-' || g, 'Story number ' || g || ' about the harbour', 'A dek for story ' || g, '', 'html',
           repeat('<p>Paragraph of story ' || g || ' with some words about the council, the harbour and the budget.</p>', 12),
           repeat('Paragraph of story ' || g || ' with some words about the council, the harbour and the budget. ', 12),
           (SELECT id FROM formats ORDER BY id OFFSET g % 3 LIMIT 1), (SELECT id FROM sections ORDER BY id OFFSET g % 4 LIMIT 1),
           'published', now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval, g % 11 = 0
      FROM generate_series(1, ${N}) g;
    INSERT INTO article_authors (article_id, author_id, position) SELECT a.id, 1 + a.id % 30, 0 FROM articles a;
    INSERT INTO article_authors (article_id, author_id, position) SELECT a.id, 1 + (a.id + 7) % 30, 1 FROM articles a WHERE a.id % 3 = 0;
    INSERT INTO article_tags (article_id, tag_id, position) SELECT a.id, 1 + a.id % 60, 0 FROM articles a;
    INSERT INTO article_tags (article_id, tag_id, position) SELECT a.id, 1 + (a.id * 7 + 3) % 60, 1 FROM articles a WHERE (a.id * 7 + 3) % 60 <> a.id % 60;
    ANALYZE;`);
  console.log(`# ${N.toLocaleString('en-GB')} published articles seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s (PGlite, ${dir})`);
  const { secret } = await createApiKey(db, { name: 'bench', kind: 'content' });
  const env = { DATA_DIR: dir, SITE_URL: 'http://localhost', SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789', LOG_LEVEL: 'silent', CONTENT_API_RATE_LIMIT: '0' };
  const deps = (extra: Record<string, string>) => ({ db, config: loadConfig({ ...env, ...extra }, { loadDotEnv: false }), log: createLog('silent'), clock: systemClock, runtime: createRuntime() });
  const cached = await startServer(deps({}), { port: 0, host: '127.0.0.1', background: false });
  const uncached = await startServer(deps({ PAGE_CACHE_ENTRIES: '0' }), { port: 0, host: '127.0.0.1', background: false });
  const pathQ = `/ghost/api/content/posts/?key=${secret}&limit=15&include=tags,authors`;

  const sample = await fetch(cached.url + pathQ);
  const body = Buffer.from(await sample.arrayBuffer());
  const parsed = JSON.parse(body.toString());
  if (sample.status !== 200 || parsed.posts.length !== 15 || parsed.meta.pagination.total !== N) throw new Error(`unexpected answer: ${sample.status} ${body.slice(0, 200)}`);
  const plain = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const plainUrl = `http://127.0.0.1:${(plain.address() as { port: number }).port}${pathQ}`;

  console.log(`# ${SECONDS} s each, 50 connections, response ${(body.length / 1024).toFixed(1)} KiB (15 posts with tags and authors)`);
  const rPlain = await cannon(plainUrl, 'the plain server');
  const rCached = await cannon(cached.url + pathQ, 'Newsdesk, cached');
  const rUncached = await cannon(uncached.url + pathQ, 'Newsdesk, uncached');
  const row = (label: string, r: Result) =>
    console.log(`${label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  ×Ghost ${(r.rps / GHOST_RPS).toFixed(1).padStart(6)}  vs plain ${(r.rps / rPlain.rps).toFixed(2)}${r.non2xx ? `  (${r.non2xx} non-2xx/errors!)` : ''}`);
  row('plain node:http, same bytes from memory', rPlain);
  row('Newsdesk (answers cached until content changes)', rCached);
  row('Newsdesk, PAGE_CACHE_ENTRIES=0 (queries each time)', rUncached);
  console.log(`# target: ≥ ${20 * GHOST_RPS} req/s (20 × Ghost 5's ${GHOST_RPS}); cached ${rCached.rps >= 20 * GHOST_RPS ? 'meets' : 'misses'} it, uncached ${rUncached.rps >= 20 * GHOST_RPS ? 'meets' : 'misses'} it`);
  const target = `≥ ${(20 * GHOST_RPS).toLocaleString('en-GB')} req/s (20 × Ghost)`;
  const reference = { figure: rPlain.rps, unit: 'req/s', what: 'plain node:http, same bytes' };
  const detail = (r: Result) => `p99 ${r.p99} ms, ${(r.rps / GHOST_RPS).toFixed(1)} × Ghost${r.non2xx ? `, ${r.non2xx} non-2xx/errors` : ''}`;
  bench.row({ name: 'post list, cached', figure: rCached.rps, unit: 'req/s', detail: detail(rCached), reference, ratio: rCached.rps / rPlain.rps, target, pass: rCached.rps >= 20 * GHOST_RPS && !rCached.non2xx });
  // Uncached: reported, not held to the target (met with the answer cache only; issue #4's closing note).
  bench.row({ name: 'post list, uncached', figure: rUncached.rps, unit: 'req/s', detail: detail(rUncached), reference, ratio: rUncached.rps / rPlain.rps, target: null, pass: rUncached.non2xx ? false : null });
  await cached.close();
  await uncached.close();
  plain.close();
} finally {
  await db.close();
  bench.removeDir(dir);
}
