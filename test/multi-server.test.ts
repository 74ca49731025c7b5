// Several servers on one PostgreSQL (issue 9): three `newsdesk serve` processes on one database
// behind a small round-robin proxy, as a publication that outgrows one machine runs them. The
// Content API and sign-up rate limits hold across the processes (their counts are in PostgreSQL); a
// changed page leaves every process's page cache at once (LISTEN/NOTIFY); a scheduled article is
// published once, and its webhook delivered once (the job runs once); an edition is sent once to
// every recipient even when the server running the send is killed mid-way (the others take it
// over). PostgreSQL only: the embedded database admits one process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../src/db/index.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { createWebhook } from '../src/webhooks/webhooks.ts';
import { createTestDatabase, tmpDir } from './helpers/db.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { startSink } from './helpers/smtp-sink.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pgUrl = process.env.NEWSDESK_TEST_PG_URL;
const SKIP = pgUrl ? false : 'several servers share a PostgreSQL server: runs in the PostgreSQL pass';
const SUBSCRIBERS = 400;
const BATCH = 20;
const CONNECTIONS = 2;
const CONTENT_LIMIT = 20;

let db: Db | null = null;
let databaseUrl = '';
const servers: Array<{ child: ChildProcess; url: string; out: string }> = [];

if (pgUrl) {
  const created = (await createTestDatabase('multi_'))!;
  databaseUrl = created.url;
  db = await openDb({ databaseUrl, dataDir: tmpDir() });
  after(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await db!.close();
    await created.drop();
  });
}

/** An HTTP server on loopback that counts webhook deliveries by event id. */
async function startReceiver() {
  const got: Array<{ event: string; id: string; article: unknown }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d)).on('end', () => {
      try {
        const j = JSON.parse(body);
        got.push({ event: j.event, id: String(req.headers['x-newsdesk-delivery'] ?? j.id ?? ''), article: j.data?.article?.id ?? j.article?.id ?? null });
      } catch {
        got.push({ event: 'unreadable', id: '', article: null });
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, got };
}

function startServe(i: number, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/newsdesk.mjs'), 'serve'], { env: { ...env, DATA_DIR: path.join(tmpDir(), `s${i}`) }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const s = { child, url: '', out: '' };
    const onData = (d: Buffer) => {
      s.out += d;
      const m = /listening on (http:\/\/[^)\s]+)\)/.exec(s.out);
      if (m && !s.url) {
        s.url = m[1]!;
        resolve(s);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      if (!s.url) reject(new Error(`serve ${i} exited with ${code}:\n${s.out}`));
    });
  });
}

/** A round-robin reverse proxy in front of the servers (a stand-in for nginx or a load balancer). */
async function startProxy(backends: () => string[]) {
  let next = 0;
  const server = http.createServer((req, res) => {
    const live = backends();
    const target = new URL(live[next++ % live.length]!);
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('three servers on one PostgreSQL behind a round-robin proxy', { skip: SKIP, timeout: 240_000 }, async () => {
  const d = db!;
  const now = new Date();
  await seedFixtures(d, now);
  await seedNewsletters(d);
  await d.query(`UPDATE newsletters SET schedule_days = '{}'`); // no scheduled slot fires during the test
  await d.query(
    `INSERT INTO people (email, email_normalized, name) SELECT 'multi' || i || '@example.net', 'multi' || i || '@example.net', 'Reader ' || i FROM generate_series(1, $1) i`,
    [SUBSCRIBERS],
  );
  await d.query(`INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at) SELECT p.id, n.id, 'confirmed', now() FROM people p, newsletters n WHERE n.slug = 'daily' AND p.email LIKE 'multi%'`);
  const adminKey = (await createApiKey(d, { name: 'multi', kind: 'admin', role: 'administrator' })).secret;
  const contentKey = (await createApiKey(d, { name: 'multi site', kind: 'content' })).secret;
  const receiver = await startReceiver();
  await createWebhook(d, { url: receiver.url, events: ['article.published'] });
  const sink = await startSink();
  sink.dataDelayMs = 5; // a send that takes long enough to be killed in the middle
  after(() => sink.close());

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0', SITE_URL: 'https://news.example', SECRET_KEY: 'multi-secret-key-multi-secret-key-0123456789',
    DEMO_CONTENT: 'false', LOG_LEVEL: 'warn', SMTP_URL: sink.url, MAIL_FROM: 'The Ledger <news@ledger.example>', WEBHOOKS_ALLOW_PRIVATE: 'true',
    CONTENT_API_RATE_LIMIT: String(CONTENT_LIMIT), SIGNUP_LIMIT_PER_ADDRESS: '2', SIGNUP_LIMIT_PER_IP: '1000',
    MAIL_BATCH_SIZE: String(BATCH), MAIL_CONNECTIONS: String(CONNECTIONS), MAIL_LEASE_SECONDS: '5', TRUST_PROXY: 'false',
  };
  for (let i = 0; i < 3; i++) servers.push(await startServe(i, env));
  const live = () => servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null).map((s) => s.url);
  const proxy = await startProxy(live);
  const get = (base: string, p: string, init?: RequestInit) => fetch(base + p, { redirect: 'manual', ...init });
  const adminApi = (base: string, method: string, p: string, body?: unknown) =>
    fetch(base + p, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const figures: string[] = [];

  // ---- the Content API limit holds across the processes: one count per client
  const statuses: number[] = [];
  for (let i = 0; i < CONTENT_LIMIT + 6; i++) {
    const r = await get(proxy, `/api/content/tags?key=${contentKey}`);
    await r.arrayBuffer();
    statuses.push(r.status);
  }
  assert.equal(statuses.filter((s) => s === 200).length, CONTENT_LIMIT, `statuses: ${statuses.join(',')}`);
  assert.ok(statuses.slice(CONTENT_LIMIT).every((s) => s === 429));

  // ---- so does the sign-up limit per address
  const signups: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await get(proxy, '/newsletters/subscribe', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ email: 'limited@example.org', newsletters: ['daily'] }) });
    await r.arrayBuffer();
    signups.push(r.status);
  }
  assert.deepEqual(signups, [200, 200, 429]);

  // ---- a changed page leaves every process's cache at once
  for (const s of servers) for (let i = 0; i < 2; i++) await (await get(s.url, '/riverside-tram')).arrayBuffer();
  for (const s of servers) assert.equal((await get(s.url, '/riverside-tram')).headers.get('x-cache'), 'HIT', `${s.url} serves it from its cache`);
  const article = (await (await adminApi(proxy, 'GET', '/api/admin/articles?search=riverside')).json()).data[0];
  const edited = Date.now();
  assert.equal((await adminApi(servers[0]!.url, 'PATCH', `/api/admin/articles/${article.id}`, { headline: 'Council approves the riverside tram, again' })).status, 200);
  let slowest = 0;
  for (const s of servers) {
    await until(`${s.url} to show the new headline`, async () => /riverside tram, again/.test(await (await get(s.url, '/riverside-tram')).text()), 5_000);
    slowest = Math.max(slowest, Date.now() - edited);
  }
  figures.push(`page caches of 3 processes dropped the changed page within ${slowest} ms`);

  // ---- a scheduled article is published once; its webhook is delivered once
  const at = new Date(Date.now() + 3_000);
  const scheduled = await (await adminApi(proxy, 'POST', '/api/admin/articles', { headline: 'Published once by three servers', body: 'Words.', status: 'scheduled', publishedAt: at.toISOString() })).json();
  const id = scheduled.data.id;
  await until('the scheduled article to be published', async () => (await d.one(`SELECT 1 FROM articles WHERE id = $1 AND status = 'published'`, [id])) ?? null, 90_000);
  await until('its webhook', async () => receiver.got.some((g) => g.event === 'article.published'), 30_000);
  await new Promise((r) => setTimeout(r, 2_000)); // time for a second copy, if there were one
  const hooks = receiver.got.filter((g) => g.event === 'article.published');
  assert.equal(hooks.length, 1, `article.published delivered ${hooks.length} times`);
  const jobs = await d.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM jobs WHERE name LIKE 'webhook%' GROUP BY status`);
  assert.deepEqual(jobs, [{ status: 'done', n: 1 }], 'the delivery job ran once');
  figures.push('a scheduled article published once, its webhook delivered once');

  // ---- an edition is sent once to everyone, though the server running it is killed mid-send
  const built = await (await adminApi(servers[0]!.url, 'POST', '/api/admin/newsletters/daily/editions', {})).json();
  const editionId = built.data?.id ?? built.id;
  assert.ok(editionId, JSON.stringify(built).slice(0, 300));
  const killAt = 60;
  // Kill whichever process is running the send (editions.runner is "host:pid").
  let victim = -1;
  const killed = new Promise<void>((resolve, reject) => {
    sink.onMessage = () => {
      if (sink.received.length < killAt) return;
      sink.onMessage = undefined;
      d.one<{ runner: string | null }>(`SELECT runner FROM editions WHERE id = $1`, [editionId]).then((e) => {
        const pid = Number(e?.runner?.split(':')[1]);
        victim = servers.findIndex((x) => x.child.pid === pid);
        if (victim < 0) return reject(new Error(`the runner ${e?.runner} is none of the servers`));
        servers[victim]!.child.kill('SIGKILL');
        resolve();
      }, reject);
    };
  });
  const started = Date.now();
  const send = await adminApi(servers[0]!.url, 'POST', `/api/admin/editions/${editionId}/send`, {});
  assert.ok(send.status < 300, `send: ${send.status} ${await send.text()}`);
  await killed;
  const atKill = sink.received.length;
  assert.ok(atKill < SUBSCRIBERS, 'killed before the end');
  await until('the other servers to finish the send', async () => (await d.one(`SELECT 1 FROM editions WHERE id = $1 AND status = 'sent'`, [editionId])) ?? null, 120_000);
  const took = Date.now() - started;
  const counts = new Map<string, number>();
  for (const m of sink.received) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  const editionMails = [...counts.entries()].filter(([to]) => to.startsWith('multi'));
  assert.equal(editionMails.length, SUBSCRIBERS, 'every recipient reached');
  const duplicates = editionMails.reduce((n, [, c]) => n + c - 1, 0);
  assert.ok(duplicates <= BATCH * CONNECTIONS, `${duplicates} duplicates; at most the messages in flight at the kill (${BATCH * CONNECTIONS})`);
  const rows = await d.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM deliveries WHERE edition_id = $1 GROUP BY status`, [editionId]);
  assert.deepEqual(rows, [{ status: 'sent', n: SUBSCRIBERS }]);
  figures.push(`an edition to ${SUBSCRIBERS} recipients, its runner (server ${victim + 1}) killed after ${atKill} messages, finished by the others in ${(took / 1000).toFixed(1)} s with ${duplicates} duplicate(s) (bound ${BATCH * CONNECTIONS})`);
  console.log(`# multi-server (PostgreSQL, 3 serve processes): ${figures.join('; ')}`);
});
