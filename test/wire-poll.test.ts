// The feed poller against real HTTP servers on loopback: new items stored once with their extracted
// text, conditional requests, gzip and brotli, one request at a time per host with the gap, and
// servers that misbehave (timeouts, 500s, 429 with Retry-After, redirect loops, a 50 MB answer, a
// gzip bomb, malformed XML, legacy encodings, a page with no article, duplicate GUIDs, items that
// change URL, robots.txt). Each failure is recorded against the outlet and the poller goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { openTestDb } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Deps } from '../src/deps.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { createOutlet, getOutlet, updateOutlet } from '../src/newswire/outlets.ts';
import { pollWire, scheduleWirePoll, storeEntries, WIRE_POLL_JOB } from '../src/newswire/poller.ts';
import type { FeedEntry } from '../src/newswire/feeds.ts';
import { articlePage, paragraphs, rss, send, startFeedServer } from './helpers/feed-server.ts';

const db = await openTestDb();
const deps: Deps = {
  db,
  config: testConfig({ WIRE_ALLOW_PRIVATE: 'true', WIRE_HOST_GAP_MS: '40', WIRE_TIMEOUT_MS: '10000' }),
  log: createLog('silent'),
  clock: systemClock,
  runtime: createRuntime(),
};
const T = { timeout: 60_000 };

async function items(outletId: number) {
  return db.query<any>('SELECT * FROM wire_items WHERE outlet_id = $1 ORDER BY id', [outletId]);
}

test('new items are stored once, with their pages extracted; a second poll asks conditionally', T, async () => {
  const s = await startFeedServer();
  const feed = rss([
    { guid: 'a-1', link: `${s.url}/news/one?utm_source=rss&utm_medium=feed`, title: 'Council approves the budget' },
    { guid: 'a-2', link: `${s.url}/news/two#comments`, title: 'Flooding closes the coast road' },
  ]);
  s.routes.set('/feed.xml', (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304);
      return res.end();
    }
    const gz = /gzip/.test(String(req.headers['accept-encoding']));
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', ...(gz ? { 'content-encoding': 'gzip' } : {}) });
    res.end(gz ? zlib.gzipSync(feed) : feed);
  });
  s.routes.set('/news/one', send(articlePage('Council approves the budget', paragraphs('the budget')), 'text/html; charset=utf-8'));
  s.routes.set('/news/two', (req, res) => {
    const html = articlePage('Flooding closes the coast road', paragraphs('the flooding'));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'br' });
    res.end(zlib.brotliCompressSync(html));
  });
  const o = await createOutlet(db, { name: 'Plain Outlet', url: s.url + '/', feeds: [s.url + '/feed.xml'], lean: 'center' });
  const r = await pollWire(deps, { outlet: o.slug, force: true });
  assert.equal(r.newItems, 2, JSON.stringify(r));
  assert.equal(r.extracted, 2);
  const rows = await items(o.id);
  assert.deepEqual(rows.map((x) => x.url), [`${s.url}/news/one`, `${s.url}/news/two`]);
  for (const row of rows) {
    assert.equal(row.extract_status, 'done', row.extract_error);
    assert.match(row.text, /officials said on Monday/);
    assert.doesNotMatch(row.text, /cookies|Sign up for our newsletter|Another story entirely|Copyright/);
    assert.equal(row.byline, 'Sam Writer');
  }
  // The user agent names the publication and its URL; robots.txt was asked for before the pages.
  assert.ok(s.log.every((l) => /https:\/\/news\.example/.test(String(l.headers['user-agent']))));
  const robotsAt = s.log.findIndex((l) => l.path === '/robots.txt');
  assert.ok(robotsAt >= 0 && robotsAt < s.log.findIndex((l) => l.path.startsWith('/news/')));
  // Again: a conditional request, answered 304; nothing new, nothing twice.
  const again = await pollWire(deps, { outlet: o.slug, force: true });
  assert.equal(again.newItems, 0);
  assert.equal(s.log.filter((l) => l.path === '/feed.xml').at(-1)!.headers['if-none-match'], '"v1"');
  assert.equal((await items(o.id)).length, 2);
  const health = await getOutlet(db, o.id);
  assert.equal(health.last_error, null);
  assert.ok(health.last_polled_at && health.last_new_item_at);
  assert.equal(health.items_per_day, Math.round((2 / 7) * 10) / 10);
});

test('one request at a time per host, with the gap between them', T, async () => {
  const s = await startFeedServer();
  const list = Array.from({ length: 6 }, (_, i) => ({ guid: `g${i}`, link: `${s.url}/p/${i}`, title: `Story number ${i} of the day` }));
  s.routes.set('/f1', send(rss(list.slice(0, 3)), 'application/rss+xml'));
  s.routes.set('/f2', send(rss(list.slice(3)), 'application/rss+xml'));
  for (const [i] of list.entries()) {
    s.routes.set(`/p/${i}`, async (_req, res) => {
      await new Promise((r) => setTimeout(r, 20));
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(articlePage(`Story number ${i} of the day`, paragraphs(`story ${i}`)));
    });
  }
  const a = await createOutlet(db, { name: 'Gap One', url: s.url + '/', feeds: [s.url + '/f1'] });
  const b = await createOutlet(db, { name: 'Gap Two', url: s.url + '/g2', feeds: [s.url + '/f2'] });
  await pollWire(deps, { force: true, outlet: a.slug });
  await pollWire(deps, { force: true, outlet: b.slug });
  assert.equal(s.maxConcurrent, 1);
  const sorted = [...s.log].sort((x, y) => x.start - y.start);
  for (let i = 1; i < sorted.length; i++) {
    // Within one run the gate keeps the gap (between runs there is no earlier request to wait for).
    if (sorted[i]!.path === '/f2') continue;
    assert.ok(sorted[i]!.start >= sorted[i - 1]!.end + 35, `request ${sorted[i]!.path} started ${sorted[i]!.start - sorted[i - 1]!.end} ms after the previous one ended`);
  }
  assert.equal((await items(a.id)).length + (await items(b.id)).length, 6);
});

test('two processes polling one host keep one request at a time and the gap (the host is claimed in wire_hosts)', T, async () => {
  const s = await startFeedServer();
  const list = Array.from({ length: 8 }, (_, i) => ({ guid: `x${i}`, link: `${s.url}/q/${i}`, title: `Shared host story ${i}` }));
  s.routes.set('/h1', send(rss(list.slice(0, 4)), 'application/rss+xml'));
  s.routes.set('/h2', send(rss(list.slice(4)), 'application/rss+xml'));
  for (const [i] of list.entries()) {
    s.routes.set(`/q/${i}`, async (_req, res) => {
      await new Promise((r) => setTimeout(r, 15));
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(articlePage(`Shared host story ${i}`, paragraphs(`shared story ${i}`)));
    });
  }
  const a = await createOutlet(db, { name: 'Shared One', url: s.url + '/', feeds: [s.url + '/h1'] });
  const b = await createOutlet(db, { name: 'Shared Two', url: s.url + '/two', feeds: [s.url + '/h2'] });
  // Two poll runs at once, each with its own gate and nothing in memory in common: what two processes
  // would be. Only wire_hosts keeps them apart.
  const [ra, rb] = await Promise.all([pollWire(deps, { force: true, outlet: a.slug }), pollWire(deps, { force: true, outlet: b.slug })]);
  assert.equal(ra.newItems + rb.newItems, 8);
  assert.equal(ra.extracted + rb.extracted, 8, JSON.stringify([ra, rb]));
  assert.equal(s.maxConcurrent, 1);
  const sorted = [...s.log].sort((x, y) => x.start - y.start);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(sorted[i]!.start >= sorted[i - 1]!.end + 35, `${sorted[i]!.path} started ${sorted[i]!.start - sorted[i - 1]!.end} ms after ${sorted[i - 1]!.path} ended`);
  }
  // The host is left free after the gap: no lease outlives the runs.
  const row = await db.one<{ free: boolean }>('SELECT next_allowed_at <= now() + interval \'1 second\' AS free FROM wire_hosts WHERE host = $1', [s.host]);
  assert.equal(row?.free, true);
});

test("an entry without a date takes the page's own (article:published_time, JSON-LD datePublished, <time>); a feed's date is kept", T, async () => {
  const s = await startFeedServer();
  const entry = (i: string, date = '') => `<item><title>Dateless story ${i}</title><link>${s.url}/d/${i}</link><guid>d-${i}</guid>${date ? `<pubDate>${date}</pubDate>` : ''}</item>`;
  s.routes.set(
    '/dateless.xml',
    send(`<?xml version="1.0"?><rss version="2.0"><channel><title>Dateless</title><link>${s.url}/</link>${['meta', 'ld', 'time', 'none', 'future'].map((i) => entry(i)).join('')}${entry('dated', 'Tue, 01 Dec 2026 07:30:00 GMT')}</channel></rss>`, 'application/rss+xml'),
  );
  const page = (i: string, head: string, body = '') =>
    articlePage(`Dateless story ${i}`, paragraphs(`dateless ${i}`), body).replace('<meta property="article:published_time" content="2026-11-30T09:00:00Z">', head);
  s.routes.set('/d/meta', send(page('meta', '<meta property="article:published_time" content="2026-11-28T06:15:00+01:00">'), 'text/html'));
  s.routes.set('/d/ld', send(page('ld', '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Dateless story ld","datePublished":"2026-11-27T18:00:00Z"}</script>'), 'text/html'));
  s.routes.set('/d/time', send(page('time', '').replace('<p class="byline">', '<time datetime="2026-11-26T12:00:00Z">26 November</time><p class="byline">'), 'text/html'));
  s.routes.set('/d/none', send(page('none', ''), 'text/html'));
  s.routes.set('/d/future', send(page('future', '<meta property="article:published_time" content="2099-01-01T00:00:00Z">'), 'text/html'));
  s.routes.set('/d/dated', send(page('dated', '<meta property="article:published_time" content="2026-11-20T00:00:00Z">'), 'text/html'));
  const o = await createOutlet(db, { name: 'Dateless Outlet', url: s.url + '/', feeds: [s.url + '/dateless.xml'] });
  const before = Date.now();
  const r = await pollWire(deps, { outlet: o.slug, force: true });
  assert.equal(r.newItems, 6);
  const byGuid = new Map((await items(o.id)).map((x) => [x.guid, x]));
  const at = (g: string) => new Date(byGuid.get(g).published_at).toISOString();
  assert.equal(at('d-meta'), '2026-11-28T05:15:00.000Z');
  assert.equal(at('d-ld'), '2026-11-27T18:00:00.000Z');
  assert.equal(at('d-time'), '2026-11-26T12:00:00.000Z');
  for (const g of ['d-meta', 'd-ld', 'd-time']) assert.equal(byGuid.get(g).published_source, 'page', g);
  // No date on the page, or one in the future: the time we first saw it stays, and says so.
  for (const g of ['d-none', 'd-future']) {
    assert.equal(byGuid.get(g).published_source, 'seen', g);
    assert.ok(new Date(byGuid.get(g).published_at).getTime() >= before - 1000, g);
  }
  // The feed's own date wins over the page's.
  assert.equal(at('d-dated'), '2026-12-01T07:30:00.000Z');
  assert.equal(byGuid.get('d-dated').published_source, 'feed');
});

test('misbehaving servers are recorded against their outlet, and the poller keeps going', T, async () => {
  const s = await startFeedServer();
  const good = rss([{ guid: 'ok-1', link: `${s.url}/ok/1`, title: 'A story that works' }]);
  s.routes.set('/ok/feed', send(good, 'application/rss+xml'));
  s.routes.set('/ok/1', send(articlePage('A story that works', paragraphs('working')), 'text/html'));
  s.routes.set('/slow/feed', () => {
    /* never answers */
  });
  s.routes.set('/err/feed', (_q, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('boom');
  });
  s.routes.set('/loop/feed', (_q, res) => {
    res.writeHead(302, { location: '/loop/feed2' });
    res.end();
  });
  s.routes.set('/loop/feed2', (_q, res) => {
    res.writeHead(302, { location: '/loop/feed' });
    res.end();
  });
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  s.routes.set('/big/feed', (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    let sent = 0;
    const more = () => {
      while (sent < 50) {
        sent++;
        if (!res.write(chunk)) return res.once('drain', more);
      }
      res.end();
    };
    res.on('error', () => {});
    more();
  });
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0));
  s.routes.set('/bomb/feed', send(bomb, 'application/rss+xml', { 'content-encoding': 'gzip' }));
  s.routes.set('/bad/feed', send('<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>Unclosed', 'application/rss+xml'));
  s.routes.set('/html/feed', send('<!doctype html><html><body><p>Our feed moved.</p></body></html>', 'text/html'));
  const outlets: Record<string, number> = {};
  for (const k of ['ok', 'slow', 'err', 'loop', 'big', 'bomb', 'bad', 'html']) {
    outlets[k] = (await createOutlet(db, { name: `Misbehaving ${k}`, url: `${s.url}/${k}/`, feeds: [`${s.url}/${k}/feed`] })).id;
  }
  // The one that never answers is given up after WIRE_TIMEOUT_MS, and every feed here is on one host
  // (one request at a time): a shorter limit than the file's, still ample for loopback answers.
  const r = await pollWire({ ...deps, config: { ...deps.config, wire: { ...deps.config.wire, timeoutMs: 3000 } } }, { force: true });
  assert.ok(r.newItems >= 1);
  const expect: Record<string, RegExp> = {
    slow: /no complete answer in time/,
    err: /HTTP 500/,
    loop: /too many redirects/,
    big: /too large/,
    bomb: /too large/,
    bad: /cannot be read: malformed feed/,
    html: /HTML page, not a feed/,
  };
  for (const [k, re] of Object.entries(expect)) {
    const o = await getOutlet(db, outlets[k]!);
    assert.match(o.last_error ?? '(none)', re, k);
  }
  const ok = await getOutlet(db, outlets.ok!);
  assert.equal(ok.last_error, null);
  assert.equal((await items(outlets.ok!))[0].extract_status, 'done');
  // A failed feed is polled again later than a healthy one (backoff).
  const next = await db.query<any>('SELECT o.slug, f.next_poll_at FROM wire_feeds f JOIN wire_outlets o ON o.id = f.outlet_id WHERE o.id = ANY($1::int[])', [[outlets.ok, outlets.err]]);
  const at = Object.fromEntries(next.map((x) => [x.slug, new Date(x.next_poll_at).getTime()]));
  assert.ok(at['misbehaving-err']! > at['misbehaving-ok']!);
});

test('429 with a short Retry-After is waited out; a long one is left to the next poll', T, async () => {
  const s = await startFeedServer();
  let asked = 0;
  s.routes.set('/feed', (_q, res) => {
    asked++;
    if (asked === 1) {
      res.writeHead(429, { 'retry-after': '1' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss([{ guid: 'r1', link: `${s.url}/r1`, title: 'Rate limited, then fine' }]));
  });
  s.routes.set('/r1', send(articlePage('Rate limited, then fine', paragraphs('rates')), 'text/html'));
  const o = await createOutlet(db, { name: 'Rate Limited', url: s.url + '/', feeds: [s.url + '/feed'] });
  const r = await pollWire(deps, { outlet: o.slug, force: true });
  assert.equal(asked, 2);
  assert.equal(r.newItems, 1);
  const feeds = s.log.filter((l) => l.path === '/feed');
  assert.ok(feeds[1]!.start - feeds[0]!.end >= 950, 'the second request waited out Retry-After');

  const s2 = await startFeedServer();
  let asked2 = 0;
  s2.routes.set('/feed', (_q, res) => {
    asked2++;
    res.writeHead(503, { 'retry-after': '3600' });
    res.end();
  });
  const o2 = await createOutlet(db, { name: 'Come Back Later', url: s2.url + '/', feeds: [s2.url + '/feed'] });
  await pollWire(deps, { outlet: o2.slug, force: true });
  assert.equal(asked2, 1);
  const h = await getOutlet(db, o2.id);
  assert.match(h.last_error!, /HTTP 503.*Retry-After 3600 s/);
  assert.ok(new Date(h.feeds[0]!.next_poll_at).getTime() > Date.now() + 3000_000);
  // Polled now again: the host's wait is honoured, no request goes out.
  const again = await pollWire(deps, { outlet: o2.slug, force: true });
  assert.equal(asked2, 1);
  assert.match((await getOutlet(db, o2.id)).last_error!, /asked us to wait until/);
  assert.equal(again.newItems, 0);
});

test('legacy encodings, duplicate GUIDs, items that change URL, pages with no article, robots.txt, and outlets whose pages are not fetched', T, async () => {
  const s = await startFeedServer();
  s.routes.set('/robots.txt', send('User-agent: *\nDisallow: /private/\n', 'text/plain'));
  const latin = Buffer.from(
    `<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Le Monde Fictif</title><link>${s.url}/</link>
<item><title>Caf\xe9 cr\xe8me \x93quoted\x94</title><link>${s.url}/fr/1</link><guid>fr-1</guid><description>R\xe9sum\xe9</description></item>
<item><title>Caf\xe9 cr\xe8me again</title><link>${s.url}/fr/1-copy</link><guid>fr-1</guid></item>
<item><title>Nothing here</title><link>${s.url}/fr/empty</link><guid>fr-2</guid><description>The summary stays.</description></item>
<item><title>Secret</title><link>${s.url}/private/3</link><guid>fr-3</guid><description>Private summary.</description></item>
</channel></rss>`,
    'latin1',
  );
  s.routes.set('/feed', send(latin, 'application/rss+xml'));
  s.routes.set('/fr/1', send(articlePage('Café', paragraphs('le café')), 'text/html; charset=utf-8'));
  s.routes.set('/fr/empty', send('<!doctype html><html><body><nav><a href="/">Home</a></nav><p>Subscribe.</p></body></html>', 'text/html'));
  const o = await createOutlet(db, { name: 'Le Monde Fictif', url: s.url + '/', feeds: [s.url + '/feed'], language: 'fr' });
  await pollWire(deps, { outlet: o.slug, force: true });
  let rows = await items(o.id);
  assert.equal(rows.length, 3, 'the duplicate GUID is one item');
  assert.equal(rows[0].title, 'Café crème “quoted”');
  assert.equal(rows[0].summary, 'Résumé');
  const empty = rows.find((x) => x.guid === 'fr-2');
  assert.equal(empty.extract_status, 'failed');
  assert.match(empty.extract_error, /no article text found/);
  assert.equal(empty.text, 'The summary stays.');
  const priv = rows.find((x) => x.guid === 'fr-3');
  assert.equal(priv.extract_status, 'skipped');
  assert.match(priv.extract_error, /robots\.txt/);
  assert.ok(!s.log.some((l) => l.path.startsWith('/private/')), 'robots.txt was honoured');
  // The outlet moves its story: same GUID, new URL. Still one item, at the new URL.
  s.routes.set('/feed', send(rss([{ guid: 'fr-1', link: `${s.url}/fr/moved`, title: 'Café crème, moved' }]), 'application/rss+xml'));
  const r = await pollWire(deps, { outlet: o.slug, force: true });
  assert.equal(r.newItems, 0);
  rows = await items(o.id);
  assert.equal(rows.length, 3);
  assert.equal(rows[0].url, `${s.url}/fr/moved`);
  const h = await getOutlet(db, o.id);
  assert.equal(h.page_errors, 1);

  // Pages not to be fetched: items keep the feed's summary, no page is asked for.
  const s2 = await startFeedServer();
  s2.routes.set('/feed', send(rss([{ guid: 'n1', link: `${s2.url}/n/1`, title: 'Feed only', description: 'Only the summary.' }]), 'application/rss+xml'));
  const o2 = await createOutlet(db, { name: 'Feed Only', url: s2.url + '/', feeds: [s2.url + '/feed'], fetch_allowed: false });
  await pollWire(deps, { outlet: o2.slug, force: true });
  const [only] = await items(o2.id);
  assert.equal(only.extract_status, 'skipped');
  assert.equal(only.text, 'Only the summary.');
  assert.deepEqual(s2.log.map((l) => l.path), ['/feed']);
});

test('a paused outlet is not polled; a due feed queues one poll run', T, async () => {
  const s = await startFeedServer();
  s.routes.set('/feed', send(rss([{ guid: 'p1', link: `${s.url}/p1`, title: 'Paused outlet story' }]), 'application/rss+xml'));
  await db.query(`UPDATE wire_feeds SET next_poll_at = now() + interval '1 hour'`);
  await db.query(`UPDATE wire_items SET extract_status = 'failed' WHERE extract_status = 'pending'`);
  const o = await createOutlet(db, { name: 'Paused', url: s.url + '/', feeds: [s.url + '/feed'] });
  await updateOutlet(db, o.id, { active: false });
  const r = await pollWire(deps, {});
  assert.equal(r.feeds, 0);
  assert.equal(s.log.length, 0);
  assert.equal(await scheduleWirePoll(db), false);
  await updateOutlet(db, o.id, { active: true });
  assert.equal(await scheduleWirePoll(db), true);
  assert.equal(await scheduleWirePoll(db), false, 'one poll run at a time');
  const jobs = await db.query<any>(`SELECT name FROM jobs WHERE name = $1 AND status = 'queued'`, [WIRE_POLL_JOB]);
  assert.equal(jobs.length, 1);
});

test('a large feed is stored in batches (one transaction): duplicates across batch boundaries are still one item each, and a kill mid-feed stores none of it', T, async () => {
  const o = await createOutlet(db, { name: 'Large Feed Outlet', url: 'http://127.0.0.1:9/large/', feeds: ['http://127.0.0.1:9/large/feed'] });
  const feed = (await db.one<any>('SELECT id, outlet_id FROM wire_feeds WHERE outlet_id = $1', [o.id]))!;
  const entry = (i: number, summaryChars = 100): FeedEntry => ({
    guid: `large-${i}`,
    url: `http://127.0.0.1:9/large/a/${i}`,
    title: `Large feed story ${i}`,
    summary: 'Words of a summary. '.repeat(summaryChars / 20),
    author: null,
    published: new Date(Date.now() - i * 1000).toISOString(),
  });
  // 350 entries (more than three batches of 100), with long summaries so that some batches end on size;
  // the same GUID again at 250 (first at 5) and the same URL again at 300 (first at 10, another GUID).
  const entries = Array.from({ length: 350 }, (_, i) => entry(i, 2000));
  entries[250] = { ...entry(5, 2000) };
  entries[300] = { ...entry(301, 2000), guid: 'large-other', url: entries[10]!.url };
  // A transaction that fails after its batches (a crash before commit) leaves nothing behind.
  await assert.rejects(
    db.tx(async (tx) => {
      await storeEntries(tx, { id: feed.id, outlet_id: feed.outlet_id, fetch_allowed: false }, entries, new Date());
      throw new Error('killed');
    }),
    /killed/,
  );
  assert.equal((await items(o.id)).length, 0);
  const ids = await db.tx((tx) => storeEntries(tx, { id: feed.id, outlet_id: feed.outlet_id, fetch_allowed: false }, entries, new Date()));
  assert.equal(ids.length, 348, 'every entry once: the two repeats are not new items');
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  const rows = await items(o.id);
  assert.equal(rows.length, 348);
  assert.equal(new Set(rows.map((r: any) => r.url)).size, 348);
  assert.equal(new Set(rows.map((r: any) => r.guid)).size, 348);
  // Polled again: nothing new.
  assert.equal((await db.tx((tx) => storeEntries(tx, { id: feed.id, outlet_id: feed.outlet_id, fetch_allowed: false }, entries, new Date()))).length, 0);
});
