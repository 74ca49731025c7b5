// What keeps the event loop alive, by kind (process.getActiveResourcesInfo()), for a file that checks it
// leaves nothing running: take `activeHandles()` when the file starts, close what it opened, then
// `leftRunning(atStart)` lists what is still there. The embedded databases' own timers (one an open
// instance, counted by test/helpers/db.ts) are left out, as scripts/test-worker.mjs leaves them out.
const PGLITE = Symbol.for('newsdesk.test.pgliteInstances');

export function activeHandles(): Map<string, number> {
  const n = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) n.set(r, (n.get(r) ?? 0) + 1);
  // Postgres arms and disarms that timer itself: an instance without one at the start is no leak at the end.
  n.set('Timeout', Math.max(0, (n.get('Timeout') ?? 0) - ((globalThis as Record<symbol, number>)[PGLITE] ?? 0)));
  return n;
}

/**
 * The kinds there are more of than at `atStart` ("TCPSocketWrap +2"), once sockets had up to `graceMs`
 * to finish closing after their servers; empty when nothing is left.
 */
export async function leftRunning(atStart: Map<string, number>, graceMs = 5_000): Promise<string[]> {
  const extra = () => [...activeHandles()].filter(([k, v]) => v > (atStart.get(k) ?? 0)).map(([k, v]) => `${k} +${v - (atStart.get(k) ?? 0)}`);
  const until = Date.now() + graceMs;
  while (extra().length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return extra();
}
