// Sending one webhook delivery (the job DELIVER_JOB, 'webhooks.deliver', in src/jobs.ts). The body is JSON; the signature header is
// `X-Newsdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's
// secret>`, so a receiver can check both origin and freshness (reject old timestamps against replay).
// A non-2xx answer, a timeout or a refused address throws: the job queue retries with exponential
// backoff up to MAX_DELIVERY_ATTEMPTS, and every attempt is logged in webhook_attempts.
//
// No SSRF: the host name is resolved once, every address is checked (loopback, private, link-local,
// unique-local, CGNAT and the like are refused unless WEBHOOKS_ALLOW_PRIVATE), and the connection goes
// to the checked address, so a DNS answer cannot change between the check and the request.
import crypto from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Deps } from '../deps.ts';
import { MAX_DELIVERY_ATTEMPTS } from './emit.ts';

export const DELIVERY_TIMEOUT_MS = 10_000;

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const v1 = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/** Receiver side (and tests): true when the header signs this body within `toleranceSeconds`. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, body, t).split('v1=')[1]!);
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

// Addresses a webhook may not reach unless WEBHOOKS_ALLOW_PRIVATE: everything that is not ordinary
// public unicast. IPv6 forms that carry an IPv4 address (mapped, compatible, translated, 6to4) are
// checked by that IPv4 address.
const PRIVATE_V4 = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
] as const) PRIVATE_V4.addSubnet(net4, prefix, 'ipv4');

const PRIVATE_V6 = new net.BlockList();
PRIVATE_V6.addAddress('::', 'ipv6');
PRIVATE_V6.addAddress('::1', 'ipv6');
for (const [net6, prefix] of [
  ['64:ff9b::', 96], // NAT64 (reaches any IPv4 address through the gateway)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (an obfuscated IPv4 address inside)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) PRIVATE_V6.addSubnet(net6, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad converted). */
function ipv6Groups(ip: string): number[] | null {
  let s = ip;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (quad) {
    if (!net.isIPv4(quad[1]!)) return null;
    const [a, b, c, d] = quad[1]!.split('.').map(Number) as [number, number, number, number];
    s = s.slice(0, -quad[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const part = (h: string) => (h ? h.split(':').map((g) => parseInt(g, 16)) : []);
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const groups = [...head, ...new Array(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function v4Of(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** True for addresses a webhook may not reach unless private targets are allowed (and for anything that is not an IP address). */
export function isPrivateAddress(address: string): boolean {
  const ip = address.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, zone id
  if (net.isIPv4(ip)) return PRIVATE_V4.check(ip, 'ipv4');
  if (!net.isIPv6(ip)) return true;
  const g = ipv6Groups(ip);
  if (!g) return true;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  // ::ffff:0:0/96 (IPv4-mapped), ::/96 (IPv4-compatible, which includes :: and ::1), ::ffff:0:0:0/96 (IPv4-translated).
  if ((zero(0, 5) && g[5] === 0xffff) || zero(0, 6) || (zero(0, 4) && g[4] === 0xffff && g[5] === 0)) {
    return PRIVATE_V4.check(v4Of(g[6]!, g[7]!), 'ipv4');
  }
  // 6to4: 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD.
  if (g[0] === 0x2002 && PRIVATE_V4.check(v4Of(g[1]!, g[2]!), 'ipv4')) return true;
  return PRIVATE_V6.check(g.map((x) => x.toString(16)).join(':'), 'ipv6');
}

class DeliveryError extends Error {
  constructor(message: string, readonly responseCode: number | null = null) {
    super(message);
  }
}

function post(url: string, body: string, headers: Record<string, string>, allowPrivate: boolean): Promise<{ status: number }> {
  const u = new URL(url);
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return (callback as any)(err);
      const list = addresses as unknown as dns.LookupAddress[];
      const bad = list.find((a) => !allowPrivate && isPrivateAddress(a.address));
      if (bad) return (callback as any)(new DeliveryError(`refused: ${hostname} resolves to the private address ${bad.address}`));
      if ((options as any).all) return (callback as any)(null, list);
      return (callback as any)(null, list[0]!.address, list[0]!.family);
    });
  };
  // A literal IP in the URL never goes through lookup: check it here.
  const literal = u.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(literal) && !allowPrivate && isPrivateAddress(literal)) {
    return Promise.reject(new DeliveryError(`refused: ${literal} is a private address`));
  }
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup, timeout: DELIVERY_TIMEOUT_MS, agent: false },
      (res) => {
        res.resume(); // the receiver's body does not interest us
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new DeliveryError(`timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

interface DeliveryRow {
  id: number;
  webhook_id: number;
  event: string;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
  active: boolean;
}

/** The job: one attempt at one delivery. Idempotent: a delivery that already succeeded is left alone. */
export async function deliverWebhook(deps: Deps, payload: { deliveryId: number }): Promise<void> {
  const { db, config, clock } = deps;
  const d = await db.one<DeliveryRow>(
    `SELECT d.id, d.webhook_id, d.event, d.payload, d.status, d.attempts, d.created_at, w.url, w.secret, w.active
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1`,
    [payload.deliveryId],
  );
  if (!d || d.status !== 'pending') return; // webhook deleted, or already done
  const attempt = d.attempts + 1;
  const started = clock.now();
  const t0 = performance.now();
  const body = JSON.stringify({ id: d.id, event: d.event, created_at: d.created_at, site_url: config.siteUrl, data: d.payload });
  const ts = Math.floor(started.getTime() / 1000);
  let code: number | null = null;
  let error: string | null = null;
  try {
    const res = await post(d.url, body, {
      'content-type': 'application/json',
      'user-agent': 'Newsdesk-Webhooks/1',
      'x-newsdesk-event': d.event,
      'x-newsdesk-delivery': String(d.id),
      'x-newsdesk-signature': signPayload(d.secret, body, ts),
    }, config.webhooksAllowPrivate);
    code = res.status;
    if (code < 200 || code >= 300) error = `the receiver answered HTTP ${code}`;
  } catch (e) {
    error = (e as Error).message || String(e);
    code = e instanceof DeliveryError ? e.responseCode : null;
  }
  const duration = Math.round(performance.now() - t0);
  const final = !!error && attempt >= MAX_DELIVERY_ATTEMPTS;
  await db.tx(async (tx) => {
    await tx.query(`INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, response_code, error) VALUES ($1, $2, $3, $4, $5, $6)`, [
      d.id, attempt, started, duration, code, error,
    ]);
    await tx.query(
      `UPDATE webhook_deliveries SET attempts = $2, response_code = $3, error = $4, last_attempt_at = $5,
              status = $6, delivered_at = CASE WHEN $6 = 'succeeded' THEN $5::timestamptz ELSE NULL END
        WHERE id = $1`,
      [d.id, attempt, code, error, started, error ? (final ? 'failed' : 'pending') : 'succeeded'],
    );
  });
  if (error) throw new Error(`webhook ${d.webhook_id} delivery ${d.id} attempt ${attempt}: ${error}`);
}
