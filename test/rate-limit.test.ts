// The one fixed-window limiter (src/platform/rate-limit.ts), used by the sign-up and the sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowLimiter } from '../src/platform/rate-limit.ts';

test('a fixed window: the limit per key, a fresh window after it ends, keys apart', () => {
  const l = new WindowLimiter(3, 60_000);
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  assert.deepEqual([1, 2, 3, 4].map((i) => l.hit('a', t0 + i)), [true, true, true, false]);
  assert.equal(l.hit('b', t0 + 5), true, 'another key has its own allowance');
  assert.equal(l.hit('a', new Date(t0 + 59_999)), false, 'a Date works as the time too');
  assert.equal(l.hit('a', new Date(t0 + 60_001)), true, 'the next window');
});

test('a limit of 0 allows everything; expired windows are swept', () => {
  const open = new WindowLimiter(0, 1000);
  for (let i = 0; i < 50; i++) assert.equal(open.hit('x', i), true);
  const l = new WindowLimiter(5, 1000);
  for (let i = 0; i < 999; i++) l.hit(`k${i}`, 0);
  assert.equal(l.size, 999);
  l.hit('late', 10_000); // the thousandth hit sweeps what has expired
  assert.equal(l.size, 1);
});
