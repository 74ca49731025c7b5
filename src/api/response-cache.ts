// Content API answers kept in memory by request (path and query without the key), dropped on any
// content change like the page cache, and on any key revoked. Unlike the page cache it sits behind
// key checks and rate limits: a cached answer is only given to a request that passed them.
import type { Db } from '../db/index.ts';
import { API_KEYS_CHANNEL, CONTENT_CHANNEL } from '../platform/channels.ts';
import { ChannelCache } from '../platform/channel-cache.ts';

export class ResponseCache {
  private cache: ChannelCache<string, string> | null = null;
  constructor(private readonly maxEntries = 2000) {}

  /** Listen for changes (the API does not start without it); answers are kept from then on. */
  async start(db: Db): Promise<void> {
    this.cache = new ChannelCache(db, { channels: [CONTENT_CHANNEL, API_KEYS_CHANNEL], maxEntries: this.maxEntries });
    await this.cache.listen();
  }

  clear(): void {
    this.cache?.clear();
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

  /**
   * The cached body, or compute it: kept unless content changed meanwhile, the oldest answer dropped
   * past maxEntries (0: nothing kept); requests for the same answer while it is computed share it.
   */
  get(key: string, compute: () => Promise<string>): Promise<string> {
    return this.cache ? this.cache.get(key, compute) : compute();
  }
}
