// A real HTTP server on loopback that plays outlets: each path answers with a handler the test
// sets, and every request is logged (path, headers, start and end times) so tests can check what
// the poller asked for, and how politely.
import http from 'node:http';
import { after } from 'node:test';
import type { AddressInfo } from 'node:net';

export interface Logged {
  path: string;
  headers: http.IncomingHttpHeaders;
  start: number;
  end: number;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export interface FeedServer {
  url: string;
  host: string;
  routes: Map<string, Handler>;
  log: Logged[];
  /** The most requests that were in flight at once. */
  maxConcurrent: number;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Handler>();
  const log: Logged[] = [];
  let inFlight = 0;
  const s: FeedServer = { url: '', host: '', routes, log, maxConcurrent: 0, close: async () => {} };
  const server = http.createServer(async (req, res) => {
    const entry: Logged = { path: req.url ?? '/', headers: req.headers, start: Date.now(), end: 0 };
    log.push(entry);
    inFlight++;
    s.maxConcurrent = Math.max(s.maxConcurrent, inFlight);
    const done = () => {
      if (!entry.end) {
        entry.end = Date.now();
        inFlight--;
      }
    };
    res.on('finish', done);
    res.on('close', done);
    const path = (req.url ?? '/').split('?')[0]!;
    const h = routes.get(req.url ?? '/') ?? routes.get(path);
    try {
      if (h) await h(req, res);
      else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    } catch {
      res.destroy();
    }
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  s.url = `http://127.0.0.1:${port}`;
  s.host = `127.0.0.1:${port}`;
  s.close = () =>
    new Promise<void>((r) => {
      for (const c of sockets) c.destroy();
      server.close(() => r());
    });
  after(() => s.close());
  return s;
}

export function send(body: string | Buffer, type: string, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': type, ...headers });
    res.end(body);
  };
}

/** An article page with enough text to count as an article, and the usual boilerplate around it. */
export function articlePage(title: string, paragraphs: string[], extra = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | The Outlet</title>
<meta property="og:title" content="${title}"><meta name="author" content="Sam Writer">
<meta property="article:published_time" content="2026-11-30T09:00:00Z"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<main><article><h1>${title}</h1><p class="byline">By Sam Writer</p>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/x">Another story entirely</a></li><li><a href="/y">And one more</a></li></ul></aside>
<div class="newsletter-signup">Sign up for our newsletter! <input type="email"></div>
</main>${extra}<footer>Copyright The Outlet. <a href="/about">About</a></footer></body></html>`;
}

export function rss(items: Array<{ guid?: string; link: string; title: string; description?: string; pubDate?: string }>, extra = ''): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>The Outlet</title><link>http://outlet.example/</link>${extra}
${items
  .map((i) => `<item><title>${esc(i.title)}</title><link>${esc(i.link)}</link>${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ''}<description>${esc(i.description ?? 'A summary of ' + i.title)}</description><pubDate>${i.pubDate ?? 'Mon, 30 Nov 2026 09:00:00 GMT'}</pubDate></item>`)
  .join('\n')}
</channel></rss>`;
}

/** Paragraphs of plausible article text, distinct per seed. */
export function paragraphs(seed: string, n = 5): string[] {
  return Array.from({ length: n }, (_, i) => `Paragraph ${i + 1} of the report on ${seed}: officials said on Monday that the measures would take effect next month, while critics argued that the plan left important questions about funding and oversight unanswered for now.`);
}
