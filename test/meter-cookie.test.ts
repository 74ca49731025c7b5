// The anonymous meter's cookie, read and made with the least work on every counted view (decision
// 0054): it must stay the very token signToken makes and verifyToken checks, reject what verifyToken
// rejects, and the in-place cookie-header walks must answer as splitting the header did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { cookieValue, meterPeriod, readMeterCookie, writeMeterCookie } from '../src/members/paywall.ts';
import { signToken, TokenMac, verifyToken } from '../src/platform/tokens.ts';
import { hasOwnCookie, hasPersonalCookie, isMemberOnly } from '../src/web/page-cache.ts';

const SECRET = 'meter-test-secret-meter-test-secret-0123';
const NOW = new Date('2026-11-20T12:00:00Z');
const PURPOSE = 'members-meter';
const TTL = 40 * 86400;

test('writeMeterCookie makes the same token as signToken, and verifyToken accepts it', { timeout: 10_000 }, () => {
  for (const ids of [[], [7], [1, 22, 333, 4444, 55555], Array.from({ length: 300 }, (_, i) => 100_000 + i)]) {
    const made = writeMeterCookie(SECRET, '2026-11', ids, NOW);
    assert.equal(made, signToken(SECRET, PURPOSE, { p: '2026-11', a: ids }, { ttl: TTL, now: NOW }));
    const v = verifyToken<{ p: string; a: number[] }>(SECRET, PURPOSE, made, NOW);
    assert.ok(v.ok);
    assert.deepEqual(v.data.a, ids);
  }
  // Every body length (mod 3 for base64), odd numbers as the old serialiser wrote them, another period.
  for (let n = 0; n < 40; n++) {
    const ids = Array.from({ length: n }, (_, i) => (i * 7919 + n * 104729) % 10 ** ((i % 9) + 1) + 1);
    const period = n % 2 ? '2026-W48' : '2027-01';
    assert.equal(writeMeterCookie(SECRET, period, ids, NOW), signToken(SECRET, PURPOSE, { p: period, a: ids }, { ttl: TTL, now: NOW }), `${n} ids`);
  }
  const odd = [0, -0, 9, 10, 99, 100, 1e15, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, -7, -0.4, NaN, Infinity];
  // As the old writer serialised them (String(Math.trunc(n)), so NaN as NaN: such a cookie never reads back).
  const oldBody = Buffer.from(`{"p":"2026-11","a":[${odd.map((n) => String(Math.trunc(n))).join(',')}],"exp":${Math.floor(NOW.getTime() / 1000) + TTL}}`).toString('base64url');
  const oldWriter = `${oldBody}.${crypto.createHmac('sha256', SECRET).update(`${PURPOSE}\0${oldBody}`).digest('base64url')}`;
  assert.equal(writeMeterCookie(SECRET, '2026-11', odd, NOW), oldWriter, 'numbers at the edges');
  assert.deepEqual(readMeterCookie(SECRET, writeMeterCookie(SECRET, '2026-11', [0, 5, 2 ** 53 - 1, 2 ** 53 + 2], NOW), '2026-11', NOW), [5, 2 ** 53 - 1, 2 ** 53 + 2]);
  assert.equal(writeMeterCookie(SECRET, '2026-11', [1.7, -2.2], NOW), signToken(SECRET, PURPOSE, { p: '2026-11', a: [1, -2] }, { ttl: TTL, now: NOW }), 'truncated');
  assert.equal(writeMeterCookie(SECRET, 'p\u00e9riode "x"', [3], NOW), signToken(SECRET, PURPOSE, { p: 'p\u00e9riode "x"', a: [3] }, { ttl: TTL, now: NOW }), 'a period that is not plain ASCII');
  assert.deepEqual(readMeterCookie(SECRET, writeMeterCookie(SECRET, 'p\u00e9riode', [3, 4], NOW), 'p\u00e9riode', NOW), [3, 4]);
  // A second secret in the same process signs with its own key.
  assert.notEqual(writeMeterCookie(SECRET + 'x', '2026-11', [1], NOW), writeMeterCookie(SECRET, '2026-11', [1], NOW));
});

test('TokenMac signs as crypto.createHmac does, for any body (the fast path and the general one)', { timeout: 10_000 }, () => {
  const mac = new TokenMac(SECRET, PURPOSE, 64);
  const hmac = (body: string) => crypto.createHmac('sha256', SECRET).update(Buffer.concat([Buffer.from(PURPOSE), Buffer.from([0]), Buffer.from(body, 'utf8')])).digest('base64url');
  for (const body of ['', 'abc', 'eyJwIjoiMjAyNi0xMSJ9', 'A'.repeat(64), 'A'.repeat(65), 'not base64url!', 'caf\u00e9', 'snow\u2603', 'a.b']) {
    assert.equal(mac.sign(body), hmac(body), JSON.stringify(body));
    assert.equal(mac.verify(body, hmac(body)), true, JSON.stringify(body));
  }
  // Lengths met before and after do not disturb each other (kept views of the buffer by length).
  assert.equal(mac.sign('abcdef'), hmac('abcdef'));
  assert.equal(mac.sign('abc'), hmac('abc'));
  const good = hmac('abcdef');
  assert.equal(mac.verify('abcdef', good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A')), false, 'one character changed');
  assert.equal(mac.verify('abcdef', good.slice(0, -1)), false, 'shorter');
  assert.equal(mac.verify('abcdef', ''), false);
  // A key longer than the hash block is hashed first, as HMAC says.
  const long = 'k'.repeat(100);
  const longHmac = crypto.createHmac('sha256', long).update(Buffer.from(`${PURPOSE}\0xyz`)).digest('base64url');
  assert.equal(new TokenMac(long, PURPOSE).sign('xyz'), longHmac);
});

test('readMeterCookie: our own cookies read back; forged, altered, expired, last-period and odd ones are a fresh meter', { timeout: 10_000 }, () => {
  const period = '2026-11';
  assert.deepEqual(readMeterCookie(SECRET, writeMeterCookie(SECRET, period, [3, 1, 2], NOW), period, NOW), [3, 1, 2]);
  assert.deepEqual(readMeterCookie(SECRET, writeMeterCookie(SECRET, period, [], NOW), period, NOW), []);
  const good = writeMeterCookie(SECRET, period, [5, 6], NOW);
  const dot = good.lastIndexOf('.');
  // Altered anywhere: body or signature.
  for (let i = 0; i < good.length; i += 7) {
    if (i === dot) continue;
    const c = good[i] === 'A' ? 'B' : 'A';
    assert.deepEqual(readMeterCookie(SECRET, good.slice(0, i) + c + good.slice(i + 1), period, NOW), [], `altered at ${i}`);
  }
  assert.deepEqual(readMeterCookie(SECRET + 'x', good, period, NOW), [], 'another secret');
  assert.deepEqual(readMeterCookie(SECRET, good.slice(0, dot), period, NOW), [], 'no signature');
  assert.deepEqual(readMeterCookie(SECRET, good + 'x', period, NOW), [], 'longer signature');
  assert.deepEqual(readMeterCookie(SECRET, '', period, NOW), []);
  assert.deepEqual(readMeterCookie(SECRET, undefined, period, NOW), []);
  assert.deepEqual(readMeterCookie(SECRET, '.' + good, period, NOW), []);
  assert.deepEqual(readMeterCookie(SECRET, 'x'.repeat(5000), period, NOW), [], 'too long');
  // A token for another purpose with the same body does not count.
  const other = signToken(SECRET, 'newsletter-confirm', { p: period, a: [5] }, { ttl: TTL, now: NOW });
  assert.deepEqual(readMeterCookie(SECRET, other, period, NOW), []);
  // Expired: 40 days on, and one second past its expiry; still good one second before.
  const exp = Math.floor(NOW.getTime() / 1000) + TTL;
  assert.deepEqual(readMeterCookie(SECRET, good, period, new Date(exp * 1000 + 1000)), []);
  assert.deepEqual(readMeterCookie(SECRET, good, period, new Date(exp * 1000 - 1000)), [5, 6]);
  // Last period's cookie.
  assert.deepEqual(readMeterCookie(SECRET, good, '2026-12', NOW), []);
});

test('readMeterCookie: correctly signed bodies in other forms are judged as verifyToken and the old filter did', { timeout: 10_000 }, () => {
  const period = '2026-11';
  const sign = (data: Record<string, unknown>, exp?: number) => {
    const body = Buffer.from(JSON.stringify(exp === undefined ? { ...data, exp: Math.floor(NOW.getTime() / 1000) + TTL } : { ...data, exp })).toString('base64url');
    return `${body}.${new TokenMac(SECRET, PURPOSE).sign(body)}`;
  };
  const old = (token: string) => {
    const r = verifyToken<{ p: string; a: number[] }>(SECRET, PURPOSE, token, NOW);
    if (!r.ok || r.data.p !== period || !Array.isArray(r.data.a)) return [];
    return r.data.a.filter((n) => Number.isInteger(n) && n > 0).slice(0, 1000);
  };
  const cases: Array<[string, string, number[]]> = [
    ['keys in another order', sign({ a: [1, 2], p: period }), [1, 2]],
    ['an extra key', sign({ p: period, a: [4], z: 1 }), [4]],
    ['zero, negative, fractional and string ids filtered', sign({ p: period, a: [0, -3, 1.5, '7', 8] }), [8]],
    ['a huge id', sign({ p: period, a: [1e20, 9] }), [1e20, 9]],
    ['not an array', sign({ p: period, a: 'x' }), []],
    ['no period', sign({ a: [1] }), []],
    ['no expiry', `${Buffer.from(JSON.stringify({ p: period, a: [1] })).toString('base64url')}.${new TokenMac(SECRET, PURPOSE).sign(Buffer.from(JSON.stringify({ p: period, a: [1] })).toString('base64url'))}`, []],
    ['expiry a string', sign({ p: period, a: [1] }, '9999999999' as unknown as number), []],
    ['fractional expiry in the future', sign({ p: period, a: [2] }, Math.floor(NOW.getTime() / 1000) + 0.5 + 100), [2]],
    ['more than a thousand ids (the first thousand kept)', sign({ p: period, a: Array.from({ length: 1200 }, (_, i) => (i % 9) + 1) }), Array.from({ length: 1000 }, (_, i) => (i % 9) + 1)],
    ['a token longer than 4096 characters', sign({ p: period, a: Array.from({ length: 1200 }, (_, i) => 100_000 + i) }), []],
  ];
  for (const [what, token, expected] of cases) {
    assert.deepEqual(readMeterCookie(SECRET, token, period, NOW), expected, what);
    assert.deepEqual(readMeterCookie(SECRET, token, period, NOW), old(token), `${what}: as before`);
  }
  // Signed bodies close to the canonical form, written by hand: judged exactly as before.
  const exp = Math.floor(NOW.getTime() / 1000) + TTL;
  const raw: Array<[string, number[]]> = [
    [`{"p":"${period}","a":[01],"exp":${exp}}`, []], // a leading zero is not JSON
    [`{"p":"${period}","a":[1,2`, []],
    [`{"p":"${period}","a":[1,],"exp":${exp}}`, []],
    [`{"p":"${period}","a":[1],"exp":${exp}} `, [1]], // trailing white space is JSON
    [`{"p":"${period}","a":[ 1 , 2 ],"exp":${exp}}`, [1, 2]],
    [`{"p":"${period}","a":[1],"exp":${exp}}x`, []],
    [`{"p":"${period}","a":[1],"exp":0${exp}}`, []],
    [`{"p":"${period}","a":[1],"exp":${exp}.5}`, [1]],
    [`{"p":"${period}","a":[1],"exp":-${exp}}`, []],
    [`{"p":"${period}","a":[1],"exp":1}`, []], // long expired
    [`{"p":"${period}","a":[],"exp":${exp}}`, []],
    [`{"p":"${period}","a":[1]}`, []],
  ];
  for (const [json, expected] of raw) {
    const body = Buffer.from(json).toString('base64url');
    const token = `${body}.${new TokenMac(SECRET, PURPOSE).sign(body)}`;
    assert.deepEqual(readMeterCookie(SECRET, token, period, NOW), expected, json);
    assert.deepEqual(old(token), expected, `${json}: as before`);
  }
});

test('cookieValue and the cookie-name checks walk the header as splitting it did', { timeout: 10_000 }, () => {
  const split = (header: string | undefined, name: string) => {
    if (!header) return undefined;
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
    }
    return undefined;
  };
  const headers = [
    undefined, '', 'nd_meter=abc', ' nd_meter = abc ; x=1', 'x=1; nd_meter=first; nd_meter=second', 'flag; nd_meter=v', 'nd_meter', 'nd_meter=',
    'a=b=c; nd_meter=x=y', ';;nd_meter=z;;', 'nd_meterx=1; nd_meter=2', 'x=nd_meter=3', 'theme=dark; nd_member=m; nd_meter=q', 'nd_meter=1;', '=v; nd_meter=w',
  ];
  for (const h of headers) {
    assert.equal(cookieValue(h, 'nd_meter'), split(h, 'nd_meter'), JSON.stringify(h));
    assert.equal(cookieValue(h, 'nd_member'), split(h, 'nd_member'), JSON.stringify(h));
  }
  assert.equal(cookieValue('x=1; nd_meter=first; nd_meter=second', 'nd_meter'), 'first');

  assert.equal(hasPersonalCookie('nd_meter=abc'), false, 'the meter alone is not personal');
  assert.equal(hasPersonalCookie('nd_meter=abc; nd_member=x'), true);
  assert.equal(hasPersonalCookie('flag; nd_session=1'), true);
  assert.equal(hasPersonalCookie('x=nd_session=1'), false);
  assert.equal(hasPersonalCookie('nd_session'), false, 'no value: no cookie');
  assert.equal(hasOwnCookie('flag;  nd_meter=1'), true);
  assert.equal(hasOwnCookie('flag; x=nd_meter'), false);
  assert.equal(isMemberOnly('nd_member=a'), true);
  assert.equal(isMemberOnly('nd_meter=m; nd_member=a; theme=dark'), true);
  assert.equal(isMemberOnly('nd_member=a; nd_member=b'), false, 'two sessions');
  assert.equal(isMemberOnly('nd_member=a; nd_session=s'), false, 'staff too');
  assert.equal(isMemberOnly('nd_meter=m'), false);
  assert.equal(isMemberOnly('nd_signed_up=1; nd_member=a'), false);
  assert.equal(isMemberOnly(undefined), false);
});

test('meterPeriod answers per zone and unit, whichever was asked last', { timeout: 10_000 }, () => {
  const t = new Date('2026-12-31T23:30:00Z');
  assert.equal(meterPeriod(t, 'UTC', 'month'), '2026-12');
  assert.equal(meterPeriod(t, 'Asia/Tokyo', 'month'), '2027-01');
  assert.equal(meterPeriod(t, 'UTC', 'week'), '2026-W53');
  assert.equal(meterPeriod(t, 'UTC', 'month'), '2026-12');
  assert.equal(meterPeriod(new Date('2027-01-01T00:00:00Z'), 'UTC', 'month'), '2027-01', 'the next minute is the next month');
  assert.equal(meterPeriod(t, 'Asia/Tokyo', 'month'), '2027-01');
});
