// Rendered public pages are kept in memory and served before any framework work: a cache hit is a
// Map lookup and one write. Any content change (NOTIFY content_changed, from this process or another
// on the same PostgreSQL server) drops every entry, so an edit shows on every page that lists it at
// once. A render that started before a change is never stored after it (the generation check).
import type { IncomingMessage, ServerResponse } from 'node:http';
import crypto from 'node:crypto';

export interface CachedPage {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  etag: string;
}

export class PageCache {
  private entries = new Map<string, CachedPage>();
  private gen = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number, private readonly baseHeaders: Record<string, string>) {}

  get generation(): number {
    return this.gen;
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Store a page rendered at `generation`; dropped if content changed meanwhile. */
  store(key: string, generation: number, status: number, contentType: string, body: Buffer | string, extraHeaders: Record<string, string> = {}): CachedPage {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    const etag = `"${crypto.createHash('sha1').update(buf).digest('base64url').slice(0, 22)}"`;
    const page: CachedPage = {
      status,
      body: buf,
      etag,
      headers: { ...this.baseHeaders, 'content-type': contentType, 'content-length': String(buf.length), etag, 'x-cache': 'HIT', ...extraHeaders },
    };
    if (this.maxEntries > 0 && generation === this.gen) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, page);
    }
    return page;
  }

  /** Answer the request from the cache if we can; returns false to let the app handle it. */
  tryServe(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    // Personalised requests (signed-in members, API keys) are never served from the shared cache.
    if (req.headers.authorization || (req.headers.cookie && req.headers.cookie.includes('nd_'))) return false;
    const page = this.entries.get(req.url!);
    if (!page) {
      this.misses++;
      return false;
    }
    this.hits++;
    if (req.headers['if-none-match'] === page.etag) {
      res.writeHead(304, { etag: page.etag, 'cache-control': page.headers['cache-control'] ?? 'no-cache' });
      res.end();
      return true;
    }
    res.writeHead(page.status, page.headers);
    res.end(req.method === 'HEAD' ? undefined : page.body);
    return true;
  }
}
