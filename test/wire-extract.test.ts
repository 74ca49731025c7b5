// The newswire's article extraction (issue #11, part 3): boilerplate removal, metadata, encodings,
// pages without an article, malformed markup, sanitised HTML, the `newsdesk wire extract` command's
// JSON lines, and a quality floor on the shared development set (skipped when ../shared is absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { extractArticle } from '../src/newswire/extract/index.ts';
import { decodeHtml, decodeWindows1252 } from '../src/newswire/extract/decode.ts';
import { normaliseDate } from '../src/newswire/extract/metadata.ts';
import { wireExtractCommand } from '../src/cli/wire-extract.ts';
import { memoryIO } from '../src/cli/io.ts';
import type { Deps } from '../src/deps.ts';

const T = { timeout: 20_000 };
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const PARAS = [
  'The harbour authority confirmed on Monday that the old grain terminal will close at the end of the season, ending ninety years of continuous operation on the north quay.',
  'Dock workers said they had expected the decision for months, but the timing surprised local businesses that depend on the seasonal traffic of lorries and barges.',
  'The authority says the site will be cleaned and offered for light industry, while campaigners want part of it kept as a public waterfront with a museum of the port.',
  'Supporters of the closure point out that the terminal has lost money for six of the last eight years, and that its cranes would need replacing within a decade.',
];

function newsPage(extraHead = '', bodyAttrs = ''): string {
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Grain terminal to close | The Harbour Times</title>
<meta property="og:title" content="Grain terminal on the north quay to close">
<meta property="og:site_name" content="The Harbour Times">
<meta property="og:image" content="/img/terminal.jpg">
<meta property="article:published_time" content="2026-11-20T09:30:00+01:00">
${extraHead}
<script>var tracking = "Do not extract me";</script><style>.x{color:red}</style>
</head><body ${bodyAttrs}>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies?</div>
<header class="site-header"><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
  <h1>Grain terminal on the north quay to close</h1>
  <p class="byline">By <a rel="author" href="/ada">Ada Quill</a></p>
  <div class="article-body">
    <p>${PARAS[0]}</p>
    <p>${PARAS[1]}</p>
    <aside class="newsletter-signup"><h3>Get our morning briefing</h3><p>Sign up for the newsletter, delivered to your inbox every day.</p><form><input type="email"><button>Sign up</button></form></aside>
    <h2>What happens next</h2>
    <p>${PARAS[2]}</p>
    <div class="related-links"><h3>Related stories</h3><ul><li><a href="/a">Council approves the riverside tram line</a></li><li><a href="/b">Why trams are back in fashion</a></li></ul></div>
    <p>${PARAS[3]}</p>
  </div>
  <div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
</article>
<section id="comments" class="comments"><h2>12 comments</h2><div class="comment"><p>First! This is a comment from a reader, which is not part of the article at all, whatever its length.</p></div></section>
</main>
<footer class="site-footer"><p>© The Harbour Times. All rights reserved. Contact us, advertise with us, terms and privacy.</p></footer>
</body></html>`;
}

test('a news page: the article text and nothing from around it', T, () => {
  const a = extractArticle(newsPage(), { url: 'https://harbour.example/news/grain-terminal' });
  for (const p of PARAS) assert.ok(a.text.includes(p), `kept: ${p.slice(0, 40)}`);
  assert.match(a.text, /^What happens next$/m, 'headings on their own lines');
  // Paragraphs separated by blank lines, in order.
  assert.equal(a.text, [PARAS[0], PARAS[1], 'What happens next', PARAS[2], PARAS[3]].join('\n\n'));
  for (const junk of ['cookies', 'Home', 'Sign up', 'newsletter', 'Related stories', 'riverside tram', 'Share on Facebook', 'comment', 'All rights reserved', 'Do not extract', 'color:red']) {
    assert.ok(!a.text.includes(junk), `boilerplate removed: ${junk}`);
  }
  assert.equal(a.title, 'Grain terminal on the north quay to close');
  assert.equal(a.byline, 'Ada Quill');
  assert.equal(a.published, '2026-11-20T08:30:00.000Z');
  assert.equal(a.lang, 'en');
  assert.equal(a.image, 'https://harbour.example/img/terminal.jpg');
  assert.equal(a.siteName, 'The Harbour Times');
});

test('metadata from JSON-LD (also in @graph) wins over meta tags; microdata and <time> as fallbacks', T, () => {
  const ld = `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Harbour"},
    {"@type":["NewsArticle"],"headline":"JSON-LD headline","author":[{"@type":"Person","name":"Ben Ode"},{"@type":"Person","name":"Cy Dee"}],
     "datePublished":"2026-11-19","inLanguage":"de-DE","image":{"@type":"ImageObject","url":"https://cdn.example/lead.jpg"}}]}</script>`;
  const a = extractArticle(newsPage(ld).replace('lang="en-GB"', ''), {});
  assert.equal(a.title, 'JSON-LD headline');
  assert.equal(a.byline, 'Ben Ode, Cy Dee');
  assert.equal(a.published, '2026-11-19');
  assert.equal(a.lang, 'de');
  assert.equal(a.image, 'https://cdn.example/lead.jpg');

  const micro = `<html><head><title>Plain title</title></head><body><div itemscope itemtype="https://schema.org/NewsArticle">
    <h1 itemprop="headline">Microdata headline</h1><span itemprop="author" itemscope><span itemprop="name">Dee Eff</span></span>
    <time datetime="2025-02-03T04:05:06Z" itemprop="datePublished">3 Feb</time>
    <div itemprop="articleBody"><p>${PARAS.join('</p><p>')}</p></div></div></body></html>`;
  const m = extractArticle(micro);
  assert.equal(m.title, 'Microdata headline');
  assert.equal(m.byline, 'Dee Eff');
  assert.equal(m.published, '2025-02-03T04:05:06.000Z');
  assert.equal(m.lang, null);
  assert.ok(m.text.startsWith(PARAS[0]!));
  assert.ok(!m.text.includes('Microdata headline'), 'the headline is metadata, not body text');
});

test('dates: zones, bare dates, nonsense', T, () => {
  assert.equal(normaliseDate('2024-05-01T12:30:00+0200'), '2024-05-01T10:30:00.000Z');
  assert.equal(normaliseDate('2024-05-01 12:30'), '2024-05-01T12:30:00.000Z');
  assert.equal(normaliseDate('2024-05-01'), '2024-05-01');
  assert.equal(normaliseDate('Tue, 07 May 2024 08:00:00 GMT'), '2024-05-07T08:00:00.000Z');
  assert.equal(normaliseDate('yesterday'), null);
  assert.equal(normaliseDate('0001-01-01T00:00:00Z'), null);
});

test('encodings: ISO-8859-1 and windows-1252 by <meta>, by HTTP charset, undeclared, and BOMs', T, () => {
  const text = 'Café déjà vu: “smart quotes” – and € signs, naïve façades.';
  const html = (meta: string) => `<html><head>${meta}<title>t</title></head><body><article><p>${text} ${PARAS[0]}</p><p>${PARAS[1]}</p></article></body></html>`;
  const latin1 = encode1252;
  // windows-1252 bytes (a superset of ISO-8859-1 for printable text; browsers decode both labels the same way).
  const b1 = latin1(html('<meta charset="ISO-8859-1">'));
  assert.ok(extractArticle(b1).text.includes(text));
  assert.equal(extractArticle(b1).encoding, 'windows-1252');
  const b2 = latin1(html('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'));
  assert.ok(extractArticle(b2).text.includes(text));
  // Declared only by the HTTP header.
  assert.ok(extractArticle(latin1(html('')), { contentType: 'text/html; charset="iso-8859-1"' }).text.includes(text));
  // Not declared at all, not valid UTF-8: windows-1252.
  assert.ok(extractArticle(latin1(html(''))).text.includes(text));
  // A page that claims UTF-8 but is windows-1252 (old templates).
  assert.ok(extractArticle(latin1(html('<meta charset="utf-8">'))).text.includes(text));
  // UTF-8 with a BOM, and UTF-16LE with a BOM.
  // A page re-saved as UTF-8 that kept its old declaration.
  assert.ok(extractArticle(Buffer.from(html('<meta charset="gb2312">'), 'utf8')).text.includes(text));
  const u8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(html('<meta charset="iso-8859-1">'), 'utf8')]);
  assert.ok(extractArticle(u8).text.includes(text), 'the BOM wins over the meta');
  const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html(''), 'utf16le')]);
  assert.ok(extractArticle(u16).text.includes(text));
  // A legacy Cyrillic page.
  const ru = 'Привет, мир: новости дня.';
  const koi = encodeWith('koi8-r', html('<meta charset="koi8-r">').replace(text, ru));
  assert.ok(extractArticle(koi).text.includes(ru));
  assert.equal(decodeHtml(Buffer.from('<p>plain ascii</p>')).encoding, 'utf-8');
  // The bytes where windows-1252 differs from ISO-8859-1 (Node's own decoder gets them wrong).
  assert.equal(decodeWindows1252(new Uint8Array([0x80, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9f, 0xe9])), '€“”–—™Ÿé');
});

/** Encodes text in a single-byte legacy encoding by inverting TextDecoder's table. */
function encodeWith(label: string, s: string): Buffer {
  const dec = label === 'windows-1252' ? { decode: decodeWindows1252 } : new TextDecoder(label);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(dec.decode(new Uint8Array([b])), b);
  return Buffer.from([...s].map((ch) => table.get(ch) ?? 0x3f));
}
const encode1252 = (s: string) => encodeWith('windows-1252', s);

test('a page with no article gives empty text, not the navigation', T, () => {
  const html = `<html><head><title>Home</title></head><body><nav><ul><li><a href="/a">World</a></li><li><a href="/b">Politics</a></li><li><a href="/c">Sport</a></li></ul></nav>
    <div class="cookie-banner">We use cookies.</div><footer><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer></body></html>`;
  const a = extractArticle(html);
  assert.equal(a.text, '');
  assert.equal(a.html, '');
  assert.equal(a.title, 'Home');
  const empty = extractArticle('');
  assert.equal(empty.text, '');
  assert.equal(empty.title, null);
});

test('malformed HTML: unclosed tags, stray closers, no <html>/<body>, deep nesting', T, () => {
  const broken = `<title>Broken page</title><div><p>${PARAS[0]}<p>${PARAS[1]}</span></div></div></b><p>${PARAS[2]}<table><tr><td>cell</table><p>${PARAS[3]}`;
  const a = extractArticle(broken);
  for (const p of PARAS) assert.ok(a.text.includes(p), `kept: ${p.slice(0, 30)}`);
  const deep = '<div>'.repeat(20_000) + `<p>${PARAS[0]}</p>` + '</div>'.repeat(20_000);
  assert.ok(extractArticle(deep).text.includes(PARAS[0]!), 'deep nesting does not overflow the stack');
  const binaryish = extractArticle(Buffer.from([0x3c, 0xff, 0xfe, 0x00, 0x80, 0x3e]));
  assert.equal(typeof binaryish.text, 'string');
});

test('the HTML of the body is sanitised, with absolute links', T, () => {
  const evil = `<html><body><article><p>${PARAS[0]} <a href="/more">more</a> <a href="javascript:alert(1)">click</a></p>
    <p onclick="steal()">${PARAS[1]}<img src="x" onerror="alert(2)"></p><p>${PARAS[2]}<script>alert(3)</script><iframe src="https://evil.example/"></iframe></p></article></body></html>`;
  const a = extractArticle(evil, { url: 'https://news.example/story' });
  assert.match(a.html, /<a href="https:\/\/news\.example\/more">more<\/a>/);
  for (const bad of ['javascript:', 'onclick', 'onerror', '<script', 'alert(3)', '<iframe']) assert.ok(!a.html.includes(bad), `no ${bad}`);
  assert.match(a.html, /^<p>/);
});

// The command ----------------------------------------------------------------------------------

const deps = {} as Deps; // offline: the command must not touch any dependency

async function runExtract(args: string[], cwd: string) {
  const io = memoryIO();
  const values: Record<string, string | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--url') values.url = args[++i];
    else positionals.push(args[i]!);
  }
  const code = await wireExtractCommand.run({ deps, io, cwd }, { values, positionals });
  return { code, lines: io.lines.map((l) => JSON.parse(l) as Record<string, unknown>), raw: io.lines };
}

test('wire extract: one JSON line per file in input order, error lines for the bad ones', T, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wire-extract-'));
  fs.writeFileSync(path.join(dir, 'a.html'), newsPage());
  fs.writeFileSync(path.join(dir, 'b.html.gz'), zlib.gzipSync(Buffer.from(newsPage().replace('Ada Quill', 'Bo Rain'))));
  fs.writeFileSync(path.join(dir, 'broken.html.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]));
  fs.writeFileSync(path.join(dir, 'image.html'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
  fs.mkdirSync(path.join(dir, 'folder.html'));
  const r = await runExtract(['a.html', 'missing.html', 'b.html.gz', 'broken.html.gz', 'image.html', 'folder.html', '--url', 'https://harbour.example/2026/11/20/grain'], dir);
  assert.equal(r.code, 0);
  assert.deepEqual(r.lines.map((l) => l.file), ['a.html', 'missing.html', 'b.html.gz', 'broken.html.gz', 'image.html', 'folder.html']);
  const [a, missing, b, broken, image, folder] = r.lines;
  assert.deepEqual(Object.keys(a!), ['file', 'title', 'byline', 'published', 'lang', 'text']);
  assert.equal(a!.title, 'Grain terminal on the north quay to close');
  assert.equal(a!.byline, 'Ada Quill');
  assert.equal(a!.published, '2026-11-20T08:30:00.000Z');
  assert.equal(a!.lang, 'en');
  assert.ok(String(a!.text).startsWith(PARAS[0]!));
  assert.ok(String(a!.text).includes('\n\n'));
  assert.equal(b!.byline, 'Bo Rain', 'gzip input');
  assert.equal(b!.text, a!.text);
  for (const [l, re] of [[missing, /no such file/], [broken, /gzip/], [image, /not an HTML/], [folder, /directory/]] as const) {
    assert.deepEqual(Object.keys(l!), ['file', 'error']);
    assert.match(String(l!.error), re);
  }
  // Each line is a single line of JSON (newlines in the text are escaped).
  for (const raw of r.raw) assert.ok(!raw.includes('\n'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('wire extract: usage errors and an exit code of 1 when every file failed', T, async () => {
  await assert.rejects(runExtract([], os.tmpdir()), /at least one/);
  await assert.rejects(runExtract(['x.html', '--url', 'ftp://x'], os.tmpdir()), /--url/);
  const r = await runExtract(['nope-1.html', 'nope-2.html.gz'], os.tmpdir());
  assert.equal(r.code, 1);
  assert.equal(r.lines.length, 2);
});

test('newsdesk wire extract runs offline: no database, no data directory', T, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wire-extract-bin-'));
  fs.writeFileSync(path.join(dir, 'page.html'), newsPage());
  const dataDir = path.join(dir, 'data');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/newsdesk.mjs'), 'wire', 'extract', 'page.html', 'gone.html'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'production' },
    timeout: 15_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].title, 'Grain terminal on the north quay to close');
  assert.equal(lines[1].error, 'no such file');
  assert.ok(!fs.existsSync(dataDir), 'no data directory was created');
  fs.rmSync(dir, { recursive: true, force: true });
});

// Quality on the shared development set -------------------------------------------------------

test('dev set: shingle F1 on a fixed WCXB sample clearly above Readability on the same pages', { timeout: 60_000 }, async (t) => {
  const { devSetsPresent, loadWcxb, DEV } = await import('../bench/lib/extraction-datasets.ts');
  if (!devSetsPresent()) {
    t.skip('../shared/datasets/extraction-dev is not there: the quality floor needs the shared dev set');
    return;
  }
  const { aggregate, scorePage } = await import('../bench/lib/extraction-scoring.ts');
  // Every third page: a fixed sample of ~236 pages spread over the whole set (both halves).
  const pages = loadWcxb().filter((_, i) => i % 3 === 0);
  const ours = aggregate(pages.map((p) => scorePage(extractArticle(p.bytes, { url: p.url }).text, p.truth!)), 0);
  // Readability 0.6.0 on linkedom, from the dataset's per-page baseline file (same scoring rule).
  const base = new Map<string, { p: number | null; r: number }>();
  for (const line of fs.readFileSync(path.join(DEV, 'baselines/readability-0.6.0-linkedom-0.18.15.tsv'), 'utf8').split('\n').slice(1)) {
    const c = line.split('\t');
    if (c[0] === 'wcxb') base.set(c[1]!, { p: c[3] ? Number(c[3]) : null, r: Number(c[4]) });
  }
  const theirs = aggregate(pages.map((p) => ({ ...base.get(p.id)!, wordF1: 0, empty: base.get(p.id)!.p === null })), 0);
  t.diagnostic(`ours F1 ${ours.F1.toFixed(3)} (P ${ours.P.toFixed(3)}, R ${ours.R.toFixed(3)}), Readability ${theirs.F1.toFixed(3)}, ${pages.length} pages`);
  assert.ok(ours.F1 >= 0.925, `F1 ${ours.F1.toFixed(3)} below the floor 0.925`);
  assert.ok(ours.F1 >= theirs.F1 + 0.01, `F1 ${ours.F1.toFixed(3)} not clearly above Readability's ${theirs.F1.toFixed(3)}`);
  assert.ok(ours.empty <= 3, `${ours.empty} empty outputs`);
});
