// The claimer (src/newsletters/delivery/claimer.ts) over a store in memory: no database, no SMTP.
// A table of situations, each run to the end by a fake worker that records what it is handed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Claimer, LATER, newWindowShared, RETRY_READ_EVERY_MS, type ClaimStore, type Claimed, type WindowShared } from '../src/newsletters/delivery/claimer.ts';

interface Row {
  id: number;
  queued: boolean;
  nextAt: number; // -Infinity: never retried
  ok: boolean;
}

class MemoryStore implements ClaimStore {
  rows: Row[];
  sending = true;
  sentAt: number[] = [];
  reads: string[] = [];
  constructor(
    n: number,
    public now: { t: number },
    ids: (i: number) => number = (i) => i + 1,
  ) {
    this.rows = Array.from({ length: n }, (_, i) => ({ id: ids(i), queued: true, nextAt: -Infinity, ok: true }));
  }
  private pick(pred: (r: Row) => boolean, limit: number): Claimed[] {
    if (!this.sending) return [];
    return this.rows
      .filter((r) => r.queued && pred(r))
      .sort((a, b) => a.id - b.id)
      .slice(0, limit)
      .map((r) => ({ id: r.id, person_id: r.id, attempts: 0, email: `p${r.id}@example.net`, name: '', ok: r.ok }));
  }
  async after(after: number, limit: number) {
    this.reads.push(`after ${after}`);
    return this.pick((r) => r.id > after && r.nextAt <= this.now.t, limit);
  }
  async byIds(ids: number[], limit: number) {
    this.reads.push(`ids ${ids.join(',')}`);
    return this.pick((r) => ids.includes(r.id), limit);
  }
  async dueRetries(upTo: number, exclude: number[], limit: number) {
    this.reads.push(`retries <= ${upTo}`);
    return this.pick((r) => r.nextAt > -Infinity && r.nextAt <= this.now.t && r.id <= upTo && !exclude.includes(r.id), limit);
  }
  async sentInWindow(seconds: number) {
    return this.sentAt.filter((t) => t > this.now.t - seconds * 1000).length;
  }
  async left(exclude: number[], retriesOnly: boolean) {
    const q = this.rows.filter((r) => r.queued && !exclude.includes(r.id) && (!retriesOnly || r.nextAt > -Infinity));
    const min = Math.min(...q.map((r) => r.nextAt));
    return { sending: this.sending, queued: q.length, waitMs: q.length ? Math.max(0, min - this.now.t) : 1000 };
  }
  row(id: number) {
    return this.rows.find((r) => r.id === id)!;
  }
}

type Outcome = 'sent' | 'retry' | 'not attempted';

interface Case {
  name: string;
  rows: number;
  ids?: (i: number) => number;
  batchSize: number;
  connections?: number;
  ratePerWindow?: number;
  windowSeconds?: number;
  /** What happens to a row handed out (default: sent). Called once per hand-out. */
  outcome?: (id: number, handedOutBefore: number) => Outcome;
  /** The edition stops sending after this many hand-outs. */
  stopAfter?: number;
  expect: {
    /** Every row handed out this many times in all (default 1 each, by outcome). */
    handOuts?: number;
    sent: number;
    batches?: number[];
    halted?: boolean;
    firstBatches?: number[][];
    leftQueued?: number;
  };
}

async function drive(c: Case) {
  const now = { t: 1_000_000 };
  const store = new MemoryStore(c.rows, now, c.ids);
  let halted = false;
  let stopped = false;
  const shared: WindowShared = newWindowShared();
  const claimer = new Claimer(
    store,
    {
      batchSize: c.batchSize,
      connections: c.connections ?? 1,
      ratePerWindow: c.ratePerWindow ?? 0,
      windowSeconds: c.windowSeconds ?? 3600,
      now: () => now.t,
      // Time passes only when the claimer waits.
      sleep: async (ms) => void (now.t += ms),
      waitProgress: async (ms) => void (now.t += ms),
      stopped: () => stopped,
      halt: () => ((halted = true), (stopped = true)),
    },
    shared,
  );
  const handed = new Map<number, number>();
  const batches: number[][] = [];
  let handOuts = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    const rows = await claimer.next(false);
    if (rows === null) break;
    assert.notEqual(rows, LATER, 'a worker with nothing in flight never gets LATER');
    const batch = rows as Claimed[];
    batches.push(batch.map((r) => r.id));
    for (const r of batch) {
      // A row is never handed out while it is in flight.
      const times = handed.get(r.id) ?? 0;
      handed.set(r.id, times + 1);
      handOuts++;
      if (c.stopAfter !== undefined && handOuts >= c.stopAfter) store.sending = false;
      const o = c.outcome?.(r.id, times) ?? 'sent';
      const row = store.row(r.id);
      if (o === 'sent') {
        row.queued = false;
        store.sentAt.push(now.t);
        claimer.settled(r.id);
      } else if (o === 'retry') {
        row.nextAt = now.t + 2000;
        claimer.settled(r.id);
      } else claimer.giveBack(r.id);
    }
  }
  claimer.close();
  return { store, batches, handed, handOuts, halted, shared, claimer };
}

const cases: Case[] = [
  { name: 'hands out every row once, in id order, a batch at a time', rows: 10, batchSize: 4, expect: { sent: 10, batches: [4, 4, 2], firstBatches: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]] } },
  { name: 'ids with gaps: the cursor is the last id handed out', rows: 5, ids: (i) => (i + 1) * 100, batchSize: 2, expect: { sent: 5, firstBatches: [[100, 200], [300, 400], [500]] } },
  { name: 'nothing queued: no batch', rows: 0, batchSize: 10, expect: { sent: 0, batches: [] } },
  {
    name: 'rows given back (never attempted) come again first, read by id',
    rows: 6,
    batchSize: 3,
    outcome: (id, before) => (id === 2 && before === 0 ? 'not attempted' : 'sent'),
    expect: { sent: 6, firstBatches: [[1, 2, 3], [2, 4, 5], [6]], handOuts: 7 },
  },
  {
    name: 'a temporary failure comes back once its retry is due, below the cursor',
    rows: 5,
    batchSize: 5,
    outcome: (id, before) => (id === 3 && before < 2 ? 'retry' : 'sent'),
    expect: { sent: 5, handOuts: 7, firstBatches: [[1, 2, 3, 4, 5], [3], [3]] },
  },
  {
    name: 'MAIL_RATE_PER_WINDOW: batches shrink to what the window has left, then wait for it to move on',
    rows: 12,
    batchSize: 10,
    connections: 1,
    ratePerWindow: 5,
    windowSeconds: 60,
    expect: { sent: 12, firstBatches: [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12]] },
  },
  {
    name: 'MAIL_RATE_PER_WINDOW is shared by the connections: each claim takes its share',
    rows: 8,
    batchSize: 10,
    connections: 4,
    ratePerWindow: 8,
    windowSeconds: 60,
    expect: { sent: 8, batches: [2, 2, 1, 1, 1, 1] },
  },
  { name: 'the edition stops sending (paused elsewhere): the run halts, the rest stays queued', rows: 10, batchSize: 3, stopAfter: 4, expect: { sent: 6, halted: true, leftQueued: 4 } },
];

for (const c of cases) {
  test(`claimer: ${c.name}`, { timeout: 10_000 }, async () => {
    const r = await drive(c);
    const sent = r.store.rows.filter((x) => !x.queued).length;
    assert.equal(sent, c.expect.sent, 'rows sent');
    if (c.expect.batches) assert.deepEqual(r.batches.map((b) => b.length), c.expect.batches);
    if (c.expect.firstBatches) assert.deepEqual(r.batches.slice(0, c.expect.firstBatches.length), c.expect.firstBatches);
    assert.equal(r.handOuts, c.expect.handOuts ?? c.expect.sent, "hand-outs: each row once unless it came back");
    assert.equal(r.halted, c.expect.halted ?? false, 'halted');
    if (c.expect.leftQueued !== undefined) assert.equal(r.store.rows.filter((x) => x.queued).length, c.expect.leftQueued);
    assert.equal(r.claimer.inFlight.size, 0, 'nothing left in flight');
    assert.equal(r.shared.inFlight.size, 0, 'the run no longer counts against the window');
  });
}

test('claimer: a worker whose own batch is in flight gets LATER when nothing else is queued, and the rows once they come back', { timeout: 10_000 }, async () => {
  const now = { t: 0 };
  const store = new MemoryStore(3, now);
  const claimer = new Claimer(store, { batchSize: 5, connections: 1, ratePerWindow: 0, windowSeconds: 60, now: () => now.t, sleep: async () => {}, waitProgress: async () => {}, stopped: () => false, halt: () => {} }, newWindowShared());
  const first = (await claimer.next(false)) as Claimed[];
  assert.deepEqual(first.map((r) => r.id), [1, 2, 3]);
  // While they are on the wire, the next claim (double buffering) finds nothing else.
  assert.equal(await claimer.next(true), LATER);
  // Row 2's connection broke before it was attempted: it is given back and handed out again.
  store.row(1).queued = store.row(3).queued = false;
  claimer.settled(1);
  claimer.settled(3);
  claimer.giveBack(2);
  assert.deepEqual(((await claimer.next(false)) as Claimed[]).map((r) => r.id), [2]);
  store.row(2).queued = false;
  claimer.settled(2);
  assert.equal(await claimer.next(false), null);
});

test('claimer: the retry read runs at least every few seconds even while the cursor has rows', { timeout: 10_000 }, async () => {
  const now = { t: 0 };
  const store = new MemoryStore(20, now);
  const claimer = new Claimer(store, { batchSize: 2, connections: 1, ratePerWindow: 0, windowSeconds: 60, now: () => now.t, sleep: async () => {}, waitProgress: async () => {}, stopped: () => false, halt: () => {} }, newWindowShared());
  const a = (await claimer.next(false)) as Claimed[]; // 1, 2
  // Row 1 failed for now; its retry is due in one second.
  store.row(1).nextAt = now.t + 1000;
  claimer.settled(1);
  store.row(2).queued = false;
  claimer.settled(2);
  assert.deepEqual(a.map((r) => r.id), [1, 2]);
  now.t += 2000;
  store.reads = [];
  // Not yet time for the retry read: the cursor goes on.
  const b = (await claimer.next(false)) as Claimed[];
  assert.deepEqual(b.map((r) => r.id), [3, 4]);
  assert.ok(!store.reads.some((r) => r.startsWith('retries')));
  for (const r of b) (store.row(r.id).queued = false), claimer.settled(r.id);
  now.t += RETRY_READ_EVERY_MS;
  const c = (await claimer.next(false)) as Claimed[];
  assert.deepEqual(c.map((r) => r.id), [1, 5], 'the due retry first, then the cursor');
});

test('claimer: runs in one process share the window: rows in flight in one count against the other', { timeout: 10_000 }, async () => {
  const now = { t: 0 };
  const shared = newWindowShared();
  const opts = { batchSize: 10, connections: 1, ratePerWindow: 6, windowSeconds: 60, now: () => now.t, sleep: async (ms: number) => void (now.t += ms), waitProgress: async () => {}, stopped: () => false, halt: () => {} };
  const s1 = new MemoryStore(10, now);
  const s2 = new MemoryStore(10, now);
  const c1 = new Claimer(s1, opts, shared);
  const c2 = new Claimer(s2, opts, shared);
  const a = (await c1.next(false)) as Claimed[];
  assert.equal(a.length, 6);
  // All six in flight in run 1: run 2 has nothing left in the window and leaves its worker waiting.
  assert.equal(await c2.next(true), LATER);
  c1.close();
  const b = (await c2.next(false)) as Claimed[];
  assert.equal(b.length, 6);
});
