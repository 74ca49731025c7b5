// The outlet registry, feed formats, feed discovery and the `outlets` commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDb, tmpDir } from './helpers/db.ts';
import { testConfig } from './helpers/app.ts';
import { createLog } from '../src/platform/log.ts';
import { systemClock } from '../src/platform/clock.ts';
import { memoryIO } from '../src/cli/io.ts';
import { runCommand } from '../src/cli/run.ts';
import type { Deps } from '../src/deps.ts';
import { createRuntime } from '../src/platform/runtime.ts';
import { ValidationError } from '../src/platform/errors.ts';
import { addOutlet, changeOutlet, createOutlet, deleteOutlet, getOutlet, getOutletBySlug, listOutlets, updateOutlet, LEANS } from '../src/newswire/outlets.ts';
import { parseFeedDocument, FeedParseError } from '../src/newswire/feeds.ts';
import { advertisedFeeds } from '../src/newswire/discover.ts';
import { importOutletsCsv } from '../src/newswire/import.ts';
import { canonicalUrl } from '../src/newswire/urls.ts';
import { rss, send, startFeedServer } from './helpers/feed-server.ts';

const db = await openTestDb();
const deps: Deps = { db, config: testConfig({ WIRE_ALLOW_PRIVATE: 'true', WIRE_HOST_GAP_MS: '0' }), log: createLog('silent'), clock: systemClock, runtime: createRuntime() };
const T = { timeout: 60_000 };
const dir = tmpDir();
const ALLSIDES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/datasets/outlet-ratings/allsides-ratings-2022-09.csv');

async function cli(...argv: string[]) {
  const io = memoryIO();
  const code = await runCommand(argv, dir, io, deps);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
}

test('the four feed formats give the same entries', T, () => {
  const base = 'https://outlet.example/feed';
  const rss2 = parseFeedDocument(rss([{ guid: 'x1', link: 'https://outlet.example/a?utm_campaign=z', title: 'Title &amp; more', description: '<p>Some <b>summary</b></p>' }]), base);
  const rdf = parseFeedDocument(
    `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://outlet.example/"><title>T</title><link>https://outlet.example/</link></channel><item rdf:about="https://outlet.example/a"><title>Title &amp;amp; more</title><link>https://outlet.example/a</link><dc:date>2026-11-30T09:00:00Z</dc:date><description>Some summary</description><dc:creator>Ann</dc:creator></item></rdf:RDF>`,
    base,
  );
  const atom = parseFeedDocument(
    `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><link rel="hub" href="https://hub.example/"/><link rel="self" href="${base}"/><entry><id>tag:outlet.example,2026:a</id><title type="html">Title &amp;amp; more</title><link href="/a"/><published>2026-11-30T09:00:00Z</published><summary>Some summary</summary><author><name>Ann</name></author></entry></feed>`,
    base,
  );
  const json = parseFeedDocument(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'T', items: [{ id: 'j1', url: 'https://outlet.example/a#top', title: 'Title & more', summary: 'Some summary', date_published: '2026-11-30T09:00:00Z', authors: [{ name: 'Ann' }] }] }), base);
  assert.deepEqual([rss2.format, rdf.format, atom.format, json.format], ['rss', 'rdf', 'atom', 'json']);
  for (const f of [rss2, rdf, atom, json]) {
    assert.equal(f.entries.length, 1);
    assert.equal(f.entries[0]!.url, 'https://outlet.example/a');
    assert.equal(f.entries[0]!.title, 'Title & more');
    assert.equal(f.entries[0]!.summary, 'Some summary');
    assert.equal(f.entries[0]!.published, '2026-11-30T09:00:00.000Z');
  }
  assert.equal(atom.hub, 'https://hub.example/');
  assert.equal(rdf.entries[0]!.author, 'Ann');
  assert.throws(() => parseFeedDocument('<rss><channel><item><title>x</ti', base), FeedParseError);
  assert.throws(() => parseFeedDocument('', base), /empty/);
  // windows-1252 bytes declared as ISO-8859-1, and a charset from HTTP winning over none.
  const bytes = Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>T</title><item><title>\x93Caf\xe9\x94 \x96 na\xefve</title><link>https://outlet.example/c</link></item></channel></rss>', 'latin1');
  assert.equal(parseFeedDocument(bytes, base).entries[0]!.title, '“Café” – naïve');
  const noDecl = Buffer.from('<rss version="2.0"><channel><title>T</title><item><title>Gr\xfc\xdfe</title><link>https://outlet.example/d</link></item></channel></rss>', 'latin1');
  assert.equal(parseFeedDocument(noDecl, base, 'application/rss+xml; charset=windows-1252').entries[0]!.title, 'Grüße');
});

test('canonical URLs drop tracking parameters and fragments, and keep the rest', () => {
  assert.equal(canonicalUrl('HTTPS://News.Example:443/a/b?id=3&utm_source=x&fbclid=y&gclid=z#c'), 'https://news.example/a/b?id=3');
  assert.equal(canonicalUrl('/x?page=2', 'https://news.example/feed'), 'https://news.example/x?page=2');
  assert.equal(canonicalUrl('javascript:alert(1)'), null);
});

test('the registry: leans, validation, update, pause and delete', T, async () => {
  assert.deepEqual([...LEANS], ['left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated']);
  const o = await createOutlet(db, { name: 'The Daily Example', url: 'https://daily.example/', feeds: ['https://daily.example/rss', 'https://daily.example/rss'], lean: 'Lean Right', country: 'gb', language: 'en-GB' });
  assert.equal(o.slug, 'the-daily-example');
  assert.equal(o.lean, 'lean-right');
  assert.equal(o.rating_source, 'editor');
  assert.equal(o.country, 'GB');
  assert.equal(o.language, 'en');
  assert.equal(o.feeds.length, 1);
  const twin = await createOutlet(db, { name: 'The Daily Example', url: 'https://daily2.example/' });
  assert.equal(twin.slug, 'the-daily-example-2');
  await assert.rejects(createOutlet(db, { name: '', url: 'ftp://x' }), (e: any) => e instanceof ValidationError && 'name' in e.fields && 'url' in e.fields);
  await assert.rejects(createOutlet(db, { name: 'X', url: 'https://x.example', lean: 'far-left' }), (e: any) => e instanceof ValidationError && /lean/.test(e.message));
  await assert.rejects(createOutlet(db, { name: 'X', url: 'https://x.example', country: 'Britain' }), ValidationError);
  const paused = await updateOutlet(db, o.id, { active: false, feeds: ['https://daily.example/atom'], rating_confidence: 'high' });
  assert.equal(paused.active, false);
  assert.deepEqual(paused.feeds.map((f) => f.url), ['https://daily.example/atom']);
  assert.equal(paused.rating_confidence, 'high');
  assert.equal((await listOutlets(db, { lean: 'lean-right' })).outlets.length, 1);
  await deleteOutlet(db, twin.id);
  await assert.rejects(deleteOutlet(db, twin.id), /No such outlet/);
});

test('addOutlet and changeOutlet (the import\'s) write what createOutlet and updateOutlet do, without reading the outlet back', T, async () => {
  const input = { url: 'https://same.example/', feeds: ['https://same.example/rss'], lean: 'center', country: 'fr', language: 'fr-FR', rating_confidence: 'low' };
  const made = await createOutlet(db, { name: 'Same Made', ...input });
  const id = await addOutlet(db, { name: 'Same Added', ...input });
  assert.equal(typeof id, 'number');
  const added = await getOutlet(db, id);
  const strip = (o: Record<string, unknown>) => {
    const { id: _i, name: _n, slug: _s, created_at: _c, updated_at: _u, feeds, ...rest } = o;
    return { ...rest, feeds: (feeds as Array<Record<string, unknown>>).map(({ id: _f, next_poll_at: _p, ...f }) => f) };
  };
  assert.deepEqual(strip(added as never), strip(made as never));
  assert.equal(added.slug, 'same-added');
  await assert.rejects(addOutlet(db, { name: 'Same Added', slug: 'same-added', url: 'https://x.example/' }), /exists already/);
  await assert.rejects(addOutlet(db, { name: '', url: 'ftp://x' }), (e: any) => e instanceof ValidationError && 'name' in e.fields && 'url' in e.fields);
  const change = { lean: 'right', feeds: ['https://same.example/atom'], active: false };
  const updated = await updateOutlet(db, made.id, change);
  assert.equal(await changeOutlet(db, id, change), undefined);
  assert.deepEqual(strip((await getOutlet(db, id)) as never), strip(updated as never));
  assert.equal(updated.lean, 'right');
  await assert.rejects(changeOutlet(db, id, { country: 'Britain' }), ValidationError);
  await assert.rejects(changeOutlet(db, 999_999, { active: true }), /No such outlet/);
  await deleteOutlet(db, made.id);
  await deleteOutlet(db, id);
});

test('our CSV columns import; twice changes nothing; bad rows are reported by line', T, async () => {
  const csv = 'name,url,feed_url,lean,country,language\nNorth Ledger,https://north.example/,https://north.example/feed,left,US,en\nNorth Ledger,https://north.example/,https://north.example/world.xml,left,US,en\nSouth Ledger,not a url,,center,,\nEast Ledger,https://east.example/,,sideways,,\nWest Ledger,https://west.example/,,lean-right,de,de\n';
  const r = await importOutletsCsv(db, csv);
  assert.equal(r.format, 'newsdesk');
  assert.equal(r.added, 2);
  assert.equal(r.updated, 1, 'the second North Ledger row adds a feed');
  assert.deepEqual(r.skipped.map((s) => s.line), [4, 5]);
  const north = await getOutletBySlug(db, 'north-ledger');
  assert.equal(north.feeds.length, 2);
  const again = await importOutletsCsv(db, csv);
  assert.equal(again.added + again.updated, 0);
  assert.equal(again.unchanged, 3);
  await assert.rejects(importOutletsCsv(db, 'foo,bar\n1,2\n'), /Unknown columns/);
});

test('the AllSides ratings export is recognised and mapped to our leans', { ...T, skip: fs.existsSync(ALLSIDES) ? false : `the AllSides dataset is absent (${ALLSIDES})` }, async () => {
  const text = fs.readFileSync(ALLSIDES, 'utf8');
  const r = await importOutletsCsv(db, text);
  assert.equal(r.format, 'allsides');
  assert.ok(r.added > 400, `added ${r.added}`);
  assert.ok(r.skipped.some((s) => /not a news outlet/.test(s.message)));
  assert.ok(r.skipped.some((s) => /no home page URL/.test(s.message)));
  const { outlets } = await listOutlets(db, {});
  const rated = outlets.filter((o) => o.rating_source === 'AllSides');
  assert.equal(rated.length, r.added);
  const leans = new Set(rated.map((o) => o.lean));
  for (const l of ['left', 'lean-left', 'center', 'lean-right', 'right']) assert.ok(leans.has(l as never), l);
  // Each row's bias is its outlet's lean (checked against the file for every imported row).
  const lines = text.split('\n').slice(1).filter(Boolean);
  const bias = new Map<string, string>();
  for (const l of lines) {
    const m = /^("(?:[^"]|"")*"|[^,]*),([^,]*),News,/.exec(l);
    if (m) bias.set(m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'), m[2]!);
  }
  const map: Record<string, string> = { Left: 'left', 'Lean Left': 'lean-left', Center: 'center', 'Lean Right': 'lean-right', Right: 'right', Mixed: 'mixed' };
  let checked = 0;
  for (const o of rated) {
    const b = bias.get(o.name);
    if (b) {
      assert.equal(o.lean, map[b], o.name);
      checked++;
    }
  }
  assert.ok(checked > 300);
  const again = await importOutletsCsv(db, text);
  assert.equal(again.added, 0);
});

test('feed discovery: <link rel="alternate">, then the usual paths; the commands', T, async () => {
  assert.deepEqual(
    advertisedFeeds('<html><head><base href="https://o.example/news/"><link rel="alternate" type="application/rss+xml" href="rss.xml"><link rel="alternate stylesheet" href="x.css"><link rel="alternate" type="application/atom+xml" href="/atom"><link rel="alternate" hreflang="de" href="/de/"></head></html>', 'https://o.example/'),
    ['https://o.example/news/rss.xml', 'https://o.example/atom'],
  );
  const s = await startFeedServer();
  s.routes.set('/', send(`<html><head><link rel="alternate" type="application/atom+xml" title="News" href="/news.atom"></head><body>Home</body></html>`, 'text/html'));
  s.routes.set('/news.atom', send(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><entry><id>1</id><title>One</title><link href="/one"/><updated>2026-11-30T09:00:00Z</updated></entry></feed>`, 'application/atom+xml'));
  const s2 = await startFeedServer();
  s2.routes.set('/', send('<html><body>No links here</body></html>', 'text/html'));
  s2.routes.set('/feed.json', send(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [] }), 'application/feed+json'));
  const d1 = await cli('outlets', 'discover', s.url + '/');
  assert.equal(d1.code, 0, d1.err);
  assert.match(d1.out, new RegExp(`${s.url}/news.atom\tatom\t1 item`));
  const added = await cli('outlets', 'add', '--name', 'Discovered Outlet', '--url', s2.url + '/', '--lean', 'mixed');
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /found json feed .*\/feed\.json/);
  assert.match(added.out, /Added Discovered Outlet \(discovered-outlet\), lean mixed, 1 feed/);
  const bad = await cli('outlets', 'add', '--name', 'X', '--url', s.url + '/', '--lean', 'upside-down');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--lean must be one of/);
  const withFeed = await cli('outlets', 'add', '--name', 'Given Feed', '--url', 'https://given.example/', '--feed', 'https://given.example/a.xml', '--feed', 'https://given.example/b.xml');
  assert.match(withFeed.out, /2 feed\(s\)/);
  const list = await cli('outlets', 'list');
  assert.equal(list.code, 0);
  assert.match(list.out, /^SLUG\s+LEAN/);
  assert.match(list.out, /given-feed\s+unrated\s+2\s+active\s+never/);
  const csv = path.join(dir, 'o.csv');
  fs.writeFileSync(csv, `name,url,feed_url,lean,country,language\nCli Outlet,${s.url}/,${s.url}/news.atom,right,US,en\n`);
  const imp = await cli('outlets', 'import', 'o.csv');
  assert.equal(imp.code, 0, imp.err);
  assert.match(imp.out, /1 added/);
  const poll = await cli('wire', 'poll', '--outlet', 'cli-outlet');
  assert.match(poll.out, /Cli Outlet \(cli-outlet\): 1 new item\(s\)/);
  const missing = await cli('wire', 'poll', '--outlet', 'no-such-outlet');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /No outlet with the slug/);
});

test('WIRE_* configuration: defaults, and bad values stop start-up naming the variable', () => {
  const c = testConfig().wire;
  assert.equal(c.pollMinutes, 10);
  assert.equal(c.hostGapMs, 1000);
  assert.equal(c.allowPrivate, false);
  assert.match(c.userAgent, /https:\/\/news\.example/);
  assert.throws(() => testConfig({ WIRE_POLL_MINUTES: '0' }), /WIRE_POLL_MINUTES/);
  assert.throws(() => testConfig({ WIRE_HOST_GAP_MS: 'soon' }), /WIRE_HOST_GAP_MS/);
  assert.throws(() => testConfig({ WIRE_ALLOW_PRIVATE: 'maybe' }), /WIRE_ALLOW_PRIVATE/);
  assert.throws(() => testConfig({ WIRE_USER_AGENT: 'bad\nagent' }), /WIRE_USER_AGENT/);
  assert.equal(testConfig({ WIRE_USER_AGENT: 'TheLedgerBot/1.0 (+https://ledger.example/bot)' }).wire.userAgent, 'TheLedgerBot/1.0 (+https://ledger.example/bot)');
  // WebSub: off by default; the callback on SITE_URL unless told; a lease of ten days.
  assert.equal(c.websub, false);
  assert.equal(c.websubCallbackBase, 'https://news.example');
  assert.equal(c.websubLeaseSeconds, 864_000);
  const w = testConfig({ WIRE_WEBSUB: 'true', WIRE_WEBSUB_CALLBACK_URL: 'https://hooks.news.example/', WIRE_WEBSUB_LEASE_SECONDS: '7200' }).wire;
  assert.deepEqual([w.websub, w.websubCallbackBase, w.websubLeaseSeconds], [true, 'https://hooks.news.example', 7200]);
  assert.throws(() => testConfig({ WIRE_WEBSUB_CALLBACK_URL: 'ftp://x.example' }), /WIRE_WEBSUB_CALLBACK_URL/);
  assert.throws(() => testConfig({ WIRE_WEBSUB_LEASE_SECONDS: '60' }), /WIRE_WEBSUB_LEASE_SECONDS/);
});
