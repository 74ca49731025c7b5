// `npm run screenshots -- DIR`: every public page kind and every newsroom screen of the demo
// publication, at 1280 and 390 px wide, as PNG files in DIR, so a reviewer can look at the product in
// a minute. It starts a demo server of its own (a fresh temporary DATA_DIR, a free loopback port, the
// demo content), creates an administrator with `newsdesk staff create` and signs in through the link
// that prints, then drives Debian's Chromium (/usr/bin/chromium, or CHROMIUM) with playwright-core.
// The server and its DATA_DIR are removed at the end, also on failure or Ctrl+C.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'newsdesk.mjs');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WIDTHS = [1280, 390] as const;

function fail(message: string): never {
  console.error(`screenshots: ${message}`);
  process.exit(2);
}

const outArg = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!outArg || process.argv.includes('--help')) {
  console.log('Usage: npm run screenshots -- DIR\n  Starts a demo server of its own and writes every public page and newsroom screen at 1280 and 390 px wide as PNG files to DIR.');
  process.exit(outArg ? 0 : 2);
}
if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is not there: install Chromium (apt-get install chromium) or set CHROMIUM.`);
const outDir = path.resolve(outArg);
fs.mkdirSync(outDir, { recursive: true });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsdesk-screenshots-'));
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST: '127.0.0.1',
  SITE_URL: origin,
  SECRET_KEY: `screenshots-${process.pid}-${Date.now()}-secret-key-padding`,
  DEMO_CONTENT: 'true',
  LOG_LEVEL: 'warn',
  SMTP_URL: '',
};
let server: ChildProcess | null = null;
let cleaned = false;
/** Synchronous, for process exit: signal the server and remove its DATA_DIR. */
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (server && server.exitCode === null) server.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Stop the server and wait for it to exit (10 s at most) before removing its DATA_DIR. */
async function stopServer() {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  cleanup();
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { cleanup(); process.exit(130); });

console.log(`screenshots: starting a demo server at ${origin} (DATA_DIR ${dataDir}) ...`);
server = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout!.on('data', (d) => (serverLog += d));
server.stderr!.on('data', (d) => (serverLog += d));
const deadline = Date.now() + 180_000;
for (;;) {
  if (server.exitCode !== null) fail(`the server stopped:\n${serverLog}`);
  try {
    const r = await fetch(origin + '/healthz');
    if (r.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) fail(`the server did not answer within 3 minutes:\n${serverLog}`);
  await new Promise((r) => setTimeout(r, 300));
}

// The demo's pictures are drawn by a background job after the first start: wait for them.
for (const until = Date.now() + 120_000; ; ) {
  const home = await (await fetch(origin + '/')).text();
  if (/class="story story--lead[^"]*has-image/.test(home)) break;
  if (Date.now() > until) fail('the demo pictures were not drawn within 2 minutes');
  await new Promise((r) => setTimeout(r, 500));
}

const created = execFileSync(process.execPath, [BIN, 'staff', 'create', '--email', 'editor@example.com', '--role', 'administrator', '--name', 'Sam Editor'], { env, encoding: 'utf8' });
const link = /https?:\/\/\S+/.exec(created)?.[0];
if (!link) fail(`staff create printed no sign-in link:\n${created}`);

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let written = 0;
try {
  const html = async (p: string) => (await fetch(origin + p)).text();
  const firstMatch = (s: string, re: RegExp) => re.exec(s)?.[1];
  const home = await html('/');
  const withImage = firstMatch(home, /class="story story--lead[^"]*"[\s\S]*?<a href="\/([a-z0-9-]+)"/) ?? 'about';
  const byFormat = async (f: string) => firstMatch(await html(`/format/${f}`), /<h2 class="story-headline"><a href="\/([a-z0-9-]+)"/);
  const publicPages: Array<[string, string]> = [
    ['home', '/'],
    ['home-page-2', '/?page=2'],
    ['article', `/${withImage}`],
    ...(await Promise.all(['speed-read', 'the-explainer', 'recommends'].map(async (f) => [`article-${f}`, `/${(await byFormat(f)) ?? withImage}`] as [string, string]))),
    ['section', '/section/politics'],
    ['format', '/format/the-explainer'],
    ['tag', `/tag/${firstMatch(await html(`/${withImage}`), /href="\/tag\/([a-z0-9-]+)"/) ?? 'politics'}`],
    ['author', `/author/${firstMatch(home, /href="\/author\/([a-z0-9-]+)"/) ?? 'maren-oakes'}`],
    ['search', '/search?q=council'],
    ['search-empty', '/search?q=zzzznothing'],
    ['newsletters', '/newsletters'],
    ['newsletters-subscribe', '/newsletters/subscribe'],
    ['newsletter-archive', `/newsletters/${firstMatch(await html('/newsletters'), /href="\/newsletters\/([a-z0-9-]+)"/) ?? 'daily'}`],
    ['page-about', '/about'],
    ['not-found', '/no-such-story'],
    ['plans', '/subscribe'],
    ['account-signin', '/account/signin'],
    ['account-register', '/account/register'],
  ];

  async function shoot(context: import('playwright-core').BrowserContext, name: string, url: string, width: number) {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
    const res = await page.goto(origin + url, { waitUntil: 'load' });
    // A full-page picture: load the lazy images below the fold too, and wait for the fonts.
    await page.evaluate(async () => {
      const imgs = [...document.querySelectorAll('img')];
      imgs.forEach((i) => (i.loading = 'eager'));
      await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
      // The composer's email previews too (lazy frames below the fold): each scrolled to, so that it
      // loads and is painted, then back to the top.
      for (const f of [...document.querySelectorAll('iframe')]) {
        f.scrollIntoView();
        await new Promise((r) => { f.addEventListener('load', r, { once: true }); setTimeout(r, 1500); });
      }
      window.scrollTo(0, 0);
      await document.fonts.ready;
    });
    // Chromium paints a frame outside the viewport blank in a full-page capture (the composer's phone
    // preview): a page with frames is captured with a viewport as tall as the page.
    if (await page.$$eval('iframe', (f) => f.length)) {
      await page.setViewportSize({ width, height: Math.min(16_000, await page.evaluate(() => document.documentElement.scrollHeight)) });
      await page.waitForTimeout(500);
    }
    const file = path.join(outDir, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`  ${path.basename(file)}  ${url}  (${res?.status() ?? '?'})`);
    written++;
    await page.close();
  }

  for (const width of WIDTHS) {
    const context = await browser.newContext({ deviceScaleFactor: 1 });
    for (const [name, url] of publicPages) await shoot(context, `public-${name}`, url, width);
    await context.close();
  }

  // The thank-you page: sign up through the form, as a reader would.
  for (const width of WIDTHS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 844 });
    await page.goto(origin + '/newsletters/subscribe');
    await page.fill('#signup-email-page', `reader-${width}@example.com`);
    await page.evaluate(() => document.querySelectorAll('form[data-signup]').forEach((f) => f.removeAttribute('data-signup')));
    await Promise.all([page.waitForNavigation(), page.click('.signup-form--page button[type=submit]')]);
    await page.screenshot({ path: path.join(outDir, `public-newsletters-thanks-${width}.png`), fullPage: true });
    console.log(`  public-newsletters-thanks-${width}.png  (after signing up)`);
    written++;
    await context.close();
  }

  // The newsroom: sign in once with the link, then every screen in its navigation and the screens below them.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  const button = page.locator('main form button[type=submit]').first();
  if (await button.count()) await Promise.all([page.waitForNavigation(), button.click()]);
  if (!page.url().includes('/admin')) fail(`signing in with the staff link did not reach the newsroom (at ${page.url()})`);
  const nav = await page.$$eval('nav[aria-label="Newsroom"] a[href^="/admin"]', (as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
  const screens = new Map<string, string>();
  for (const href of ['/admin', ...nav]) screens.set(href === '/admin' ? 'dashboard' : href.slice(7).replace(/\//g, '-'), href);
  // The editor on the front page's lead story (a real article with a picture, not a static page).
  const leadHeadline = /class="story story--lead[\s\S]*?<h3 class="story-headline"><a href="[^"]+">([^<]+)</.exec(await html('/'))?.[1] ?? '';
  await page.goto(origin + '/admin/articles?q=' + encodeURIComponent(leadHeadline.split(/\s+/).slice(0, 3).join(' ')));
  const articleHref = await page.$$eval('main a[href^="/admin/articles/"]', (as) => as.map((a) => a.getAttribute('href')!).find((h) => /^\/admin\/articles\/\d+$/.test(h)));
  if (articleHref) {
    screens.set('article-editor', articleHref);
    screens.set('article-revisions', `${articleHref}/revisions`);
    screens.set('article-preview', `${articleHref}/preview`);
  }
  screens.set('article-new', '/admin/articles/new');
  // The screens one level down: each settings page, each author.
  screens.set('authors', '/admin/authors');
  for (const from of ['/admin/settings', '/admin/authors']) {
    await page.goto(origin + from);
    const below = await page.$$eval('main a[href^="/admin/"]', (as) => as.map((a) => a.getAttribute('href')!));
    for (const href of below) {
      const clean = href.split('#')[0]!;
      const oneAuthorShown = from === '/admin/authors' && [...screens.keys()].some((k) => k.startsWith('authors-') && k !== 'authors-new');
      if (oneAuthorShown && clean !== '/admin/authors/new') continue;
      if (/^\/admin\/(settings|authors)\/[a-z0-9-]+$/.test(clean) && ![...screens.values()].includes(clean)) screens.set(clean.slice(7).replace(/\//g, '-'), clean);
    }
  }
  await page.goto(origin + '/admin/newsletters');
  // The demo has sent no edition yet: build the first newsletter's next one, as an editor would.
  const build = page.locator('main form[action$="/build"] button[type=submit]').first();
  if (await build.count()) {
    await Promise.all([page.waitForNavigation(), build.click()]);
    if (/\/admin\/newsletters\/editions\/\d+/.test(page.url())) screens.set('edition-composer', new URL(page.url()).pathname);
  }
  await page.goto(origin + '/admin/newsletters');
  const composer = await page.$$eval('main a[href^="/admin/newsletters/editions/"]', (as) => as.map((a) => a.getAttribute('href')!)[0]);
  if (composer && !screens.has('edition-composer')) screens.set('edition-composer', composer);
  screens.set('newsletters-embed', '/admin/newsletters/embed');
  screens.set('subscribers', '/admin/newsletters/subscribers');
  for (const width of WIDTHS) {
    for (const [name, url] of screens) await shoot(context, `newsroom-${name}`, url, width);
  }
  await context.close();
} finally {
  await browser.close();
  await stopServer();
}
console.log(`screenshots: ${written} PNG files in ${outDir}`);
