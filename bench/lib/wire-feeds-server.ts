// The outlets for bench/wire-ingest.ts, in a process of their own: FEEDS feeds of ITEMS items each,
// spread over PORTS loopback ports (each port is a host to the poller), and each item's page. Pages
// are the extraction dev set's real pages when given (PAGES_DIR), else a generated article page.
// Prints "ready PORT,PORT,..." when listening.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';

const FEEDS = Number(process.env.FEEDS ?? 200);
const ITEMS = Number(process.env.ITEMS ?? 10);
const PORTS = Number(process.env.PORTS ?? 20);
const dir = process.env.PAGES_DIR;
const pages: Buffer[] = dir && fs.existsSync(dir)
  ? fs.readdirSync(dir).filter((f) => f.endsWith('.html.gz')).sort().slice(0, 400).map((f) => zlib.gunzipSync(fs.readFileSync(path.join(dir, f))))
  : [];
function generated(f: number, i: number): Buffer {
  const paras = Array.from({ length: 8 }, (_, k) => `<p>Report ${f}-${i}, paragraph ${k}: the committee met on Tuesday and agreed a timetable for the new rules, which members said would be reviewed after a year of operation and public consultation.</p>`).join('');
  return Buffer.from(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story ${f}-${i}</title></head><body><nav><a href="/">Home</a></nav><article><h1>Story ${f}-${i}</h1>${paras}</article><footer>Footer</footer></body></html>`);
}

function feed(port: number, f: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => `<item><title>Outlet ${f} story ${i}</title><link>http://127.0.0.1:${port}/a/${f}/${i}?utm_source=rss</link><guid isPermaLink="false">o${f}-s${i}</guid><pubDate>${new Date(Date.now() - i * 60_000).toUTCString()}</pubDate><description>Summary of story ${i} from outlet ${f}.</description></item>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Outlet ${f}</title><link>http://127.0.0.1:${port}/</link>${items}</channel></rss>`;
}

const ports: number[] = [];
for (let p = 0; p < PORTS; p++) {
  const server = http.createServer((req, res) => {
    const port = (req.socket.address() as AddressInfo).port;
    const u = (req.url ?? '/').split('?')[0]!;
    let m = /^\/feed\/(\d+)\.xml$/.exec(u);
    if (m && Number(m[1]) < FEEDS) {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      return res.end(feed(port, Number(m[1])));
    }
    m = /^\/a\/(\d+)\/(\d+)$/.exec(u);
    if (m) {
      const f = Number(m[1]);
      const i = Number(m[2]);
      const body = pages.length ? pages[(f * ITEMS + i) % pages.length]! : generated(f, i);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(body);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.listen(0, '127.0.0.1', () => {
    ports.push((server.address() as AddressInfo).port);
    if (ports.length === PORTS) console.log(`ready ${ports.join(',')}`);
  });
}
