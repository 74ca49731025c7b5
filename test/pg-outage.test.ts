// PostgreSQL going away mid-serve and mid-send (issue 9): a `serve` process reaches PostgreSQL
// through a TCP relay that the test cuts (every connection dropped, new ones refused) and restores,
// as a database restart looks from the application. While it is down, requests fail cleanly (a
// 503 page with Retry-After, in well under the request timeout) and the process stays up; when it is
// back, the server answers again on its own, and a send interrupted by the outage completes with
// every recipient reached. The shared PostgreSQL server itself is not restarted: other tests use it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../src/db/index.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { createTestDatabase, tmpDir } from './helpers/db.ts';
import { seedFixtures } from './helpers/fixtures.ts';
import { startSink } from './helpers/smtp-sink.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pgUrl = process.env.NEWSDESK_TEST_PG_URL;
const SKIP = pgUrl ? false : 'needs a PostgreSQL server: runs in the PostgreSQL pass';
const SUBSCRIBERS = 300;

/** A TCP relay to PostgreSQL that can be cut and restored. */
async function startRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    async down() {
      const closed = new Promise<void>((r) => server!.close(() => r()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
    },
    up: listen,
  };
}

let db: Db | null = null;
let relayUrl = '';
let relay: Awaited<ReturnType<typeof startRelay>> | null = null;
let child: ChildProcess | null = null;
if (pgUrl) {
  const created = (await createTestDatabase('outage_'))!;
  const direct = new URL(created.url);
  db = await openDb({ databaseUrl: created.url, dataDir: tmpDir() });
  relay = await startRelay(direct);
  const viaRelay = new URL(created.url);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(relay.port);
  relayUrl = viaRelay.toString();
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await relay!.down().catch(() => {});
    await db!.close();
    await created.drop();
  });
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('PostgreSQL cut mid-serve and mid-send: clean 503s while down, recovery on its own, nothing lost', { skip: SKIP, timeout: 240_000 }, async () => {
  const d = db!;
  await seedFixtures(d, new Date());
  await seedNewsletters(d);
  await d.query(`UPDATE newsletters SET schedule_days = '{}'`);
  await d.query(`INSERT INTO people (email, email_normalized, name) SELECT 'outage' || i || '@example.net', 'outage' || i || '@example.net', '' FROM generate_series(1, $1) i`, [SUBSCRIBERS]);
  await d.query(`INSERT INTO subscriptions (person_id, newsletter_id, status, confirmed_at) SELECT p.id, n.id, 'confirmed', now() FROM people p, newsletters n WHERE n.slug = 'daily' AND p.email LIKE 'outage%'`);
  const adminKey = (await createApiKey(d, { name: 'outage', kind: 'admin', role: 'administrator' })).secret;
  const sink = await startSink();
  sink.dataDelayMs = 10;
  after(() => sink.close());

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: relayUrl, HOST: '127.0.0.1', PORT: '0', SITE_URL: 'https://news.example', SECRET_KEY: 'outage-secret-key-outage-secret-key-0123456789',
    DEMO_CONTENT: 'false', LOG_LEVEL: 'error', SMTP_URL: sink.url, MAIL_FROM: 'The Ledger <news@ledger.example>', DATA_DIR: tmpDir(),
    MAIL_BATCH_SIZE: '20', MAIL_CONNECTIONS: '2', MAIL_LEASE_SECONDS: '5', MAIL_RETRY_BASE_SECONDS: '1',
  };
  child = spawn(process.execPath, [path.join(ROOT, 'bin/newsdesk.mjs'), 'serve'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const step = (what: string) => console.log(`# pg outage: ${what}`);
  const url = await until('the server to listen', async () => /listening on (http:\/\/[^)\s]+)\)/.exec(out)?.[1], 60_000);
  const api = (method: string, p: string, body?: unknown) =>
    fetch(url + p, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
  assert.equal((await api('GET', '/api/admin/me')).status, 200);

  step('serving');
  // ---- mid-serve: cut, requests fail cleanly, restore, the server answers again by itself
  await relay!.down();
  const failed = await api('GET', '/api/admin/articles');
  assert.equal(failed.status, 503, await failed.clone().text());
  assert.equal(failed.headers.get('retry-after'), '30');
  assert.match((await failed.json()).error.message, /cannot reach its database/);
  const page = await fetch(url + '/search?q=tram', { signal: AbortSignal.timeout(20_000) });
  assert.equal(page.status, 503);
  assert.match(await page.text(), /cannot reach its database/);
  assert.equal(child.exitCode, null, 'the server is still running');
  step('503s while down');
  await relay!.up();
  await until('the server to answer again', async () => (await api('GET', '/api/admin/articles')).status === 200, 30_000);

  step('answering again');
  // ---- mid-send: cut after some messages, restore; the send completes on its own
  const built = await (await api('POST', '/api/admin/newsletters/daily/editions', {})).json();
  const editionId = built.data?.id ?? built.id;
  assert.ok(editionId, JSON.stringify(built).slice(0, 300));
  const cut = new Promise<void>((resolve) => {
    sink.onMessage = () => {
      if (sink.received.length < 80) return;
      sink.onMessage = undefined;
      void relay!.down().then(resolve);
    };
  });
  assert.ok((await api('POST', `/api/admin/editions/${editionId}/send`, {})).status < 300);
  await cut;
  const atCut = sink.received.length;
  await new Promise((r) => setTimeout(r, 3_000)); // down for a while
  await relay!.up();
  step(`cut mid-send after ${atCut} messages, restored`);
  await until('the send to complete', async () => (await d.one(`SELECT 1 FROM editions WHERE id = $1 AND status = 'sent'`, [editionId])) ?? null, 150_000);
  const counts = new Map<string, number>();
  for (const m of sink.received) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  const reached = [...counts.keys()].filter((to) => to.startsWith('outage')).length;
  assert.equal(reached, SUBSCRIBERS, 'every recipient reached');
  const rows = await d.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM deliveries WHERE edition_id = $1 GROUP BY status`, [editionId]);
  assert.deepEqual(rows, [{ status: 'sent', n: SUBSCRIBERS }]);
  assert.equal(child.exitCode, null, 'the server rode out both outages');
  const duplicates = [...counts.entries()].filter(([to]) => to.startsWith('outage')).reduce((n, [, c]) => n + c - 1, 0);
  console.log(`# pg outage: 503 while down; send cut after ${atCut} of ${SUBSCRIBERS} messages for 3 s, completed with ${duplicates} duplicate(s)`);
});
