// The extraction worker thread (see pool.ts): one page at a time, in order, from the pool's messages.
import { parentPort } from 'node:worker_threads';
import { extractArticle } from './index.ts';

export interface ExtractRequest {
  id: number;
  body: Uint8Array;
  url: string | undefined;
  contentType: string | null | undefined;
}

parentPort!.on('message', (m: ExtractRequest) => {
  try {
    const article = extractArticle(m.body, { url: m.url, contentType: m.contentType });
    parentPort!.postMessage({ id: m.id, article });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error)?.message ?? String(e) });
  }
});
parentPort!.postMessage({ ready: true });
