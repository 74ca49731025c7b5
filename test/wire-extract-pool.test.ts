// The poller's extraction worker threads (src/newswire/extract/pool.ts): the same results as
// extracting on the calling thread, pages matched to their own results when many are in flight on
// several workers, a page over the time limit or the heap limit failed (as the page's fault) without stopping the
// pool, and a closed pool refusing pages as a passing failure (tried again on a later run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractArticle } from '../src/newswire/extract/index.ts';
import { createExtractPool, ExtractFailedError } from '../src/newswire/extract/pool.ts';

const T = { timeout: 60_000 };

function page(n: number, paragraphs = 6): Buffer {
  const p = Array.from({ length: paragraphs }, (_, k) => `<p>Report number ${n}, paragraph ${k}: the council met on Tuesday and agreed, after a long debate, a timetable for the new rules on harbour traffic.</p>`).join('');
  return Buffer.from(`<!doctype html><html lang="en"><head><meta charset="windows-1252"><title>Story ${n} | Paper</title></head><body><nav><a href="/">Home</a></nav><article><h1>Story ${n}</h1><p class="byline">By A. Writer</p>${p}<p>Caf\xe9 owners said \x93no\x94.</p></article><footer>Footer</footer></body></html>`, 'latin1');
}

test('a worker gives what extractArticle gives on this thread', T, async () => {
  const pool = createExtractPool({ size: 1 });
  try {
    const body = page(1);
    const opts = { url: 'https://paper.example/2026/11/20/story-1', contentType: 'text/html' };
    const inThread = await pool.extract(body, opts);
    assert.deepEqual(inThread, extractArticle(body, opts));
    assert.match(inThread.text, /Café owners said “no”\./);
    assert.equal(inThread.encoding, 'windows-1252');
  } finally {
    await pool.close();
  }
});

test('many pages at once on two workers each get their own article', T, async () => {
  const pool = createExtractPool({ size: 2 });
  try {
    const results = await Promise.all(Array.from({ length: 40 }, (_, n) => pool.extract(page(n), { url: `https://paper.example/a/${n}` })));
    results.forEach((a, n) => {
      assert.equal(a.title, `Story ${n}`);
      assert.match(a.text, new RegExp(`^Report number ${n}, paragraph 0`));
    });
  } finally {
    await pool.close();
  }
});

test('a page over the time limit fails as the page\u2019s fault, and the pool goes on', T, async () => {
  // A millisecond: no worker parses two megabytes of HTML in that time.
  const pool = createExtractPool({ size: 1, timeoutMs: 1 });
  try {
    const huge = page(7, 15_000);
    await assert.rejects(pool.extract(huge, {}), (e: unknown) => e instanceof ExtractFailedError && !e.passing && /longer than/.test(e.message));
    // The worker was ended; the next page gets a new one (and, at 1 ms, fails the same way, not as "closed").
    await assert.rejects(pool.extract(huge, {}), (e: unknown) => e instanceof ExtractFailedError && !e.passing && /longer than/.test(e.message));
  } finally {
    await pool.close();
  }
});

test('a page that needs more memory than the worker may have fails as the page\u2019s fault; the next page gets a new worker', T, async () => {
  const pool = createExtractPool({ size: 1, heapMb: 48 });
  try {
    const huge = Buffer.from('<html><body><article>' + '<div class="x"><p>Text, with commas, for scoring <a href="/l">a link</a> and <b>bold</b>.</p></div>'.repeat(100_000) + '</article></body></html>');
    await assert.rejects(pool.extract(huge, {}), (e: unknown) => e instanceof ExtractFailedError && !e.passing && /out of memory \(over 48 MB\)/.test(e.message));
    const next = await pool.extract(page(5), {});
    assert.equal(next.title, 'Story 5');
  } finally {
    await pool.close();
  }
});

test('a closed pool refuses pages as a passing failure; size 0 extracts on this thread', T, async () => {
  const pool = createExtractPool({ size: 1 });
  await pool.close();
  await assert.rejects(pool.extract(page(2), {}), (e: unknown) => e instanceof ExtractFailedError && e.passing);
  // Closed with pages in flight: each is either done or refused as passing, never failed as the page's fault.
  const busy = createExtractPool({ size: 1 });
  const inFlight = Array.from({ length: 6 }, (_, n) => busy.extract(page(n, 400), {}).then(() => 'done', (e: unknown) => (e instanceof ExtractFailedError && e.passing ? 'passing' : `bad: ${e}`)));
  assert.equal(await inFlight[0], 'done'); // the worker is up; the others are queued or in it
  await busy.close();
  const outcomes = await Promise.all(inFlight);
  for (const r of outcomes) assert.ok(r === 'done' || r === 'passing', r);
  assert.ok(outcomes.includes('passing'), 'some were still waiting when the pool closed');
  const inline = createExtractPool({ size: 0 });
  const a = await inline.extract(page(3), {});
  assert.equal(a.title, 'Story 3');
  await inline.close();
});

test('a worker that never starts does not leave pages waiting: after the start limit they are extracted on this thread', T, async () => {
  // Boot code that never says it is ready (as a loader deadlocked in the thread would behave).
  const pool = createExtractPool({ size: 1, startMs: 300, boot: 'setInterval(() => {}, 1000);' });
  try {
    const bodies = [page(7), page(8)];
    const got = await Promise.all(bodies.map((b) => pool.extract(b, { contentType: 'text/html' })));
    for (const [i, a] of got.entries()) assert.deepEqual(a, extractArticle(bodies[i]!, { contentType: 'text/html' }));
    // And the pages after it too, without another wait for a worker.
    assert.equal((await pool.extract(page(9), {})).title, 'Story 9');
  } finally {
    await pool.close();
  }
});
