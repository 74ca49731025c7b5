// Content API answers kept in memory by request (path and query without the key), dropped on any
// content change like the page cache. Unlike the page cache it sits behind key checks and rate
// limits: a cached answer is only given to a request that passed them.
import type { Db } from '../db/index.ts';
import { API_KEYS_CHANNEL, CONTENT_CHANNEL } from '../platform/channels.ts';

export class ResponseCache {
  private entries = new Map<string, string>();
  private gen = 0;
  constructor(private readonly maxEntries = 2000) {}

  async start(db: Db): Promise<void> {
    await db.listen(CONTENT_CHANNEL, () => this.clear());
    await db.listen(API_KEYS_CHANNEL, () => this.clear());
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
  }

  /** The cache key of a request: its path and query, minus `key`, in a stable order. */
  static keyOf(url: string): string {
    const q = url.indexOf('?');
    if (q === -1) return url;
    const params = new URLSearchParams(url.slice(q + 1));
    params.delete('key');
    params.sort();
    const rest = params.toString();
    return url.slice(0, q) + (rest ? '?' + rest : '');
  }

  /** The cached body, or compute it (and keep it unless content changed meanwhile). */
  async get(key: string, compute: () => Promise<string>): Promise<string> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const gen = this.gen;
    const body = await compute();
    if (this.maxEntries > 0 && gen === this.gen) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, body);
    }
    return body;
  }
}
