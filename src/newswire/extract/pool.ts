// Article extraction off the main thread (issue #11's ingest rate): the poller hands each fetched
// page to a small pool of worker threads running extractArticle, so the embedded database (which
// runs on the main thread) and the extractor use two cores instead of taking turns on one, and the
// extractor's transient trees live in a heap of their own, bounded by `resourceLimits`. A page that
// takes longer than `timeoutMs`, or that makes its worker run out of memory, fails with
// ExtractFailedError and its worker is replaced. Size 0 extracts on the calling thread (same
// results: the same function).
//
// Loading the worker's code: the source is TypeScript, run compiled by scripts/build.mjs (`newsdesk`)
// or through tsx (tests, benches), and neither's loader reaches a worker thread; the thread asks
// scripts/build.mjs for the current build of the sources, or tsx when there is none.
import { Worker } from 'node:worker_threads';
import { extractArticle, type ExtractOptions, type ExtractedArticle } from './index.ts';

export class ExtractFailedError extends Error {
  /** `passing`: not the page's fault (the pool was closed, a worker could not start); worth trying again later. */
  constructor(message: string, readonly passing = false) {
    super(message);
    this.name = 'ExtractFailedError';
  }
}

export interface ExtractPool {
  extract(body: Uint8Array, opts: ExtractOptions): Promise<ExtractedArticle>;
  /** Ends the workers (pending pages fail). */
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Worker threads; 0 = on the calling thread. */
  size: number;
  /** The longest one page may take (ms). */
  timeoutMs?: number;
  /** A worker's old-generation heap limit (MB). */
  heapMb?: number;
}

const BUILD_SCRIPT = new URL('../../../scripts/build.mjs', import.meta.url).href;
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.build)
  .then((b) => b.importSourceInThread('src/newswire/extract/worker.ts'))
  .catch((e) => { setImmediate(() => { throw e; }); });
`;

interface Task {
  id: number;
  body: Uint8Array;
  opts: ExtractOptions;
  resolve: (a: ExtractedArticle) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

export function createExtractPool(o: PoolOptions): ExtractPool {
  if (o.size <= 0) {
    return {
      async extract(body, opts) {
        return extractArticle(body, opts);
      },
      async close() {},
    };
  }
  const timeoutMs = o.timeoutMs ?? 30_000;
  const heapMb = o.heapMb ?? 192;
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): Slot => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { build: BUILD_SCRIPT },
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
    });
    worker.unref(); // idle workers do not keep the process alive; one at work does (see pump)
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    worker.on('message', (m: { ready?: true; id?: number; article?: ExtractedArticle; error?: string }) => {
      if (m.ready) {
        slot.ready = true;
        return pump();
      }
      const t = slot.task;
      if (!t || t.id !== m.id) return;
      finish(slot);
      if (m.error !== undefined) t.reject(new ExtractFailedError(m.error));
      else t.resolve(m.article!);
      pump();
    });
    const gone = (why: string) => {
      const i = slots.indexOf(slot);
      if (i < 0) return;
      slots.splice(i, 1);
      const t = slot.task;
      finish(slot);
      if (t) t.reject(new ExtractFailedError(why, !slot.ready));
      // A worker that could not even start fails what waits (rather than respawning forever).
      if (!slot.ready) for (const q of queue.splice(0)) q.reject(new ExtractFailedError(why, true));
      pump();
    };
    worker.on('error', (e: Error & { code?: string }) =>
      gone(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `extraction ran out of memory (over ${heapMb} MB)` : `extraction failed: ${e.message}`),
    );
    worker.on('exit', (code) => gone(`the extraction worker stopped (exit code ${code})`));
    slots.push(slot);
    return slot;
  };

  const finish = (slot: Slot) => {
    if (slot.task) slot.worker.unref();
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
  };

  const pump = () => {
    while (queue.length && !closed) {
      let slot = slots.find((s) => s.ready && !s.task);
      if (!slot) {
        if (slots.length < o.size) spawn();
        return;
      }
      const t = queue.shift()!;
      slot.task = t;
      const s = slot;
      slot.timer = setTimeout(() => {
        const task = s.task;
        finish(s);
        slots.splice(slots.indexOf(s), 1); // no page goes to it again; the next page gets a new worker
        void s.worker.terminate();
        task?.reject(new ExtractFailedError(`extraction took longer than ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`));
        pump();
      }, timeoutMs);
      slot.timer.unref?.();
      slot.worker.ref();
      slot.worker.postMessage({ id: t.id, body: t.body, url: t.opts.url, contentType: t.opts.contentType });
    }
  };

  return {
    extract(body, opts) {
      if (closed) return Promise.reject(new ExtractFailedError('the extraction pool is closed', true));
      return new Promise<ExtractedArticle>((resolve, reject) => {
        queue.push({ id: nextId++, body, opts, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const q of queue.splice(0)) q.reject(new ExtractFailedError('the extraction pool is closed', true));
      await Promise.all(slots.slice().map((s) => s.worker.terminate()));
    },
  };
}
