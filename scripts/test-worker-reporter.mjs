// The node:test reporter of a shared test process (scripts/test-worker.mjs): every top-level test there
// is a whole file, its tests nested one level below. When a file's test ends, this prints the file's
// tests as Node's spec reporter would for the file alone (with the file's own failure, when it failed
// for a reason other than its tests: it did not load, it timed out, it left something running), then
// the counts, then one line that scripts/test.mjs reads: RESULT_MARK + JSON {file, ok, tests, ...}.
import { spec as Spec } from 'node:test/reporters';

const RECYCLE = Symbol.for('newsdesk.test.recycle');
const CPU_START = Symbol.for('newsdesk.test.cpuStart');
const PHASES = Symbol.for('newsdesk.test.phases');
export const RESULT_MARK = '\u001e#newsdesk-test-result ';

/** The spec reporter's text for a list of events. */
async function specText(events) {
  const s = new Spec();
  let out = '';
  s.on('data', (d) => (out += d));
  const ended = new Promise((r) => s.on('end', r));
  for (const e of events) s.write(e);
  s.end();
  await ended;
  return out;
}

export default async function* report(source) {
  let events = [];
  for await (const ev of source) {
    const d = ev.data;
    if (!d || typeof d.nesting !== 'number') continue;
    if (d.nesting > 0) {
      events.push({ ...ev, data: { ...d, nesting: d.nesting - 1 } });
      continue;
    }
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    const mine = events;
    events = [];
    const done = mine.filter((e) => e.data.nesting === 0 && (e.type === 'test:pass' || e.type === 'test:fail'));
    const fail = done.filter((e) => e.type === 'test:fail').length;
    const skipped = done.filter((e) => e.type === 'test:pass' && e.data.skip !== undefined).length;
    const todo = done.filter((e) => e.data.todo !== undefined).length;
    const own = ev.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed';
    if (own) mine.push(ev); // the file's own failure, under its name
    let text = await specText(mine);
    text += `ℹ tests ${done.length}\nℹ pass ${done.length - fail - skipped - todo}\nℹ fail ${fail}\nℹ skipped ${skipped}\nℹ todo ${todo}\nℹ duration_ms ${d.details?.duration_ms ?? 0}\n`;
    const recycle = globalThis[RECYCLE] ?? null;
    globalThis[RECYCLE] = undefined;
    if (recycle) text += `ℹ note: ${recycle}: the next file runs in a new process\n`;
    const used = process.cpuUsage(globalThis[CPU_START]);
    const cpuMs = Math.round((used.user + used.system) / 1000);
    const phases = globalThis[PHASES] ?? null;
    globalThis[PHASES] = undefined;
    const result = { file: d.name, ok: ev.type === 'test:pass', tests: done.length, fail, skipped, recycle, cpuMs, phases };
    yield text + RESULT_MARK + JSON.stringify(result) + '\n';
  }
}
