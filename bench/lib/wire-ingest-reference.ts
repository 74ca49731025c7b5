// The reference for bench/wire-ingest.ts, in a process of its own so that its memory is not counted
// as the pipeline's: every feed and every page fetched (through the wire's own client and host
// gate, politeness lifted) and extracted on this one thread, with no database. Prints
// "reference PAGES SECONDS CPU_SECONDS" when done. Feeds are given as FEED_URLS (comma-separated).
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/db/index.ts';
import { HostGate, wireGet } from '../../src/newswire/fetcher.ts';
import { extractArticle } from '../../src/newswire/extract/index.ts';
import { parseFeedDocument } from '../../src/newswire/feeds.ts';

const feeds = (process.env.FEED_URLS ?? '').split(',').filter(Boolean);
const config = loadConfig({ DATA_DIR: '.', SITE_URL: 'https://bench.example', SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789', LOG_LEVEL: 'silent', WIRE_ALLOW_PRIVATE: 'true', WIRE_HOST_GAP_MS: '0', WIRE_CONCURRENCY: '16' }, { loadDotEnv: false });
// With no gap the gate asks the database only when a host answers 429/503 (the bench's servers never do).
const noDb = new Proxy({}, { get: () => () => Promise.reject(new Error('the reference has no database')) }) as unknown as Db;
const gate = new HostGate(noDb, 0, 16);
let pages = 0;
const t0 = performance.now();
const c0 = process.cpuUsage();
await Promise.all(
  feeds.map(async (url) => {
    const res = await wireGet(gate, config.wire, url, { accept: '*/*' });
    const parsed = parseFeedDocument(res.body, res.url, String(res.headers['content-type']));
    await Promise.all(
      parsed.entries.map(async (e) => {
        const page = await wireGet(gate, config.wire, e.url, { accept: 'text/html' });
        extractArticle(page.body, { url: page.url, contentType: String(page.headers['content-type']) });
        pages++;
      }),
    );
  }),
);
const cpu = process.cpuUsage(c0);
console.log(`reference ${pages} ${((performance.now() - t0) / 1000).toFixed(3)} ${((cpu.user + cpu.system) / 1e6).toFixed(3)}`);
