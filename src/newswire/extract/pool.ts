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
  /**
   * A worker's old-generation heap limit (MB; default 96). The largest dev-set pages, ~2 MB of
   * HTML, need a third of it; markup as dense as a 2 MB page of 20,000 paragraphs needs most of it
   * (64 is too little), and a 10 MB page of 100,000 paragraphs more than 192.
   */
  heapMb?: number;
  /**
   * A worker's young-generation limit (MB; default 8). V8's own size for it is up to 3 x 16 MB,
   * mostly garbage at any time, that the serving process would carry for nothing; 8 costs a few per
   * cent of extraction time in more scavenges (decision 0044).
   */
  youngMb?: number;
  /** How long a new worker may take to start before the pool extracts on the calling thread instead (ms). */
  startMs?: number;
  /** Tests: the worker's boot code (default: load src/newswire/extract/worker.ts). */
  boot?: string;
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
  /** Sent to the worker, in order; the first is being extracted (its time limit runs). */
  tasks: Task[];
  timer: NodeJS.Timeout | null;
}

/**
 * Pages handed to a worker at once: the next one waits in the worker's own queue, so the worker
 * does not idle while the main thread, busy with a database query, has yet to read its last answer.
 */
const PER_WORKER = 2;

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
  const startMs = o.startMs ?? 20_000;
  /** Set when a worker could not start: from then on pages are extracted on this thread. */
  let inline: string | null = null;
  const heapMb = o.heapMb ?? 96;
  const youngMb = o.youngMb ?? 8;
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;

  /** The first page sent to the worker is the one being extracted: its time limit starts now. */
  const arm = (slot: Slot) => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (!slot.tasks.length) return slot.worker.unref(); // idle workers do not keep the process alive
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      // The worker is ended and gets no page again; the pages behind this one go back to the queue.
      const [late, ...behind] = slot.tasks;
      slot.tasks = [];
      remove(slot);
      void slot.worker.terminate();
      queue.unshift(...behind);
      late?.reject(new ExtractFailedError(`extraction took longer than ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`));
      pump();
    }, timeoutMs);
    slot.timer.unref?.();
  };

  const remove = (slot: Slot) => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
  };

  const spawn = (): Slot => {
    const worker = new Worker(o.boot ?? BOOT, {
      eval: true,
      workerData: { build: BUILD_SCRIPT },
      // Both generations bounded: the worker's heap is part of the serving process's memory (decision 0044).
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: youngMb },
    });
    const slot: Slot = { worker, ready: false, tasks: [], timer: null };
    worker.unref();
    // A worker that never says it is ready (a loader that deadlocks in the thread, say) must not
    // leave the pages waiting for it forever: after startMs it is ended and the pool extracts on
    // this thread from then on. The timer keeps the process alive while pages wait for the worker.
    const starting = setTimeout(() => {
      if (slot.ready || !slots.includes(slot)) return;
      void worker.terminate();
      gone(`the extraction worker did not start within ${Math.round(startMs / 1000)} s`);
    }, startMs);
    worker.once('message', () => clearTimeout(starting));
    worker.once('exit', () => clearTimeout(starting));
    worker.on('message', (m: { ready?: true; id?: number; article?: ExtractedArticle; error?: string }) => {
      if (m.ready) {
        slot.ready = true;
        return pump();
      }
      const t = slot.tasks[0];
      if (!t || t.id !== m.id) return;
      slot.tasks.shift();
      arm(slot);
      if (m.error !== undefined) t.reject(new ExtractFailedError(m.error));
      else t.resolve(m.article!);
      pump();
    });
    const gone = (why: string) => {
      if (!slots.includes(slot)) return;
      remove(slot);
      const [current, ...behind] = slot.tasks;
      slot.tasks = [];
      if (closed) {
        for (const t of [current, ...behind]) t?.reject(new ExtractFailedError('the extraction pool is closed', true));
        return;
      }
      if (!slot.ready) {
        // A worker that could not even start: no respawning forever; what waits, and every page
        // after it, is extracted on this thread (slower, never stuck).
        inline = why;
        for (const q of queue.splice(0)) runInline(q);
        return;
      }
      current?.reject(new ExtractFailedError(why)); // the page it was on broke it (memory, most likely)
      queue.unshift(...behind);
      pump();
    };
    worker.on('error', (e: Error & { code?: string }) =>
      gone(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `extraction ran out of memory (over ${heapMb} MB)` : `extraction failed: ${e.message}`),
    );
    worker.on('exit', (code) => gone(`the extraction worker stopped (exit code ${code})`));
    slots.push(slot);
    return slot;
  };

  const runInline = (t: Task) => {
    try {
      t.resolve(extractArticle(t.body, t.opts));
    } catch (e) {
      t.reject(new ExtractFailedError(`extraction failed: ${(e as Error).message}`));
    }
  };

  const pump = () => {
    while (queue.length && !closed) {
      let best: Slot | null = null;
      for (const s of slots) if (s.ready && s.tasks.length < PER_WORKER && (!best || s.tasks.length < best.tasks.length)) best = s;
      // A new worker (up to the size) rather than a second page for a busy one.
      if (!best || (best.tasks.length > 0 && slots.length < o.size)) {
        if (slots.length < o.size && !slots.some((s) => !s.ready)) spawn();
        if (!best) return;
      }
      const t = queue.shift()!;
      best.tasks.push(t);
      if (best.tasks.length === 1) arm(best);
      best.worker.postMessage({ id: t.id, body: t.body, url: t.opts.url, contentType: t.opts.contentType });
    }
  };

  return {
    extract(body, opts) {
      if (closed) return Promise.reject(new ExtractFailedError('the extraction pool is closed', true));
      return new Promise<ExtractedArticle>((resolve, reject) => {
        const t = { id: nextId++, body, opts, resolve, reject };
        if (inline !== null) return runInline(t);
        queue.push(t);
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
