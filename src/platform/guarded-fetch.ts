// The one way out to someone else's server: an HTTP(S) request that cannot be pointed at us. Used by
// webhook deliveries, the SNS subscription confirmation, and (next) the newswire's feed poller and
// page fetcher.
//
//   - Private-address guard (SSRF): the host name is resolved once, every address is checked
//     (loopback, private, link-local, unique-local, CGNAT and the like are refused unless
//     `allowPrivate`), and the connection goes to the checked address, so a DNS answer cannot change
//     between the check and the request. A literal IP in the URL is checked the same way.
//   - Redirects are followed up to `maxRedirects`, each target re-checked (scheme, address) before it
//     is requested; 303 (and 301/302 after a POST) turn into a GET without a body; credentials are
//     not carried to another origin.
//   - One deadline (`timeoutMs`) for the whole exchange, redirects and body included: a server that
//     trickles bytes is cut off like one that never answers.
//   - The body is read up to `maxBytes` (after decompression: a small gzip bomb is refused too);
//     beyond that the request is destroyed and a FetchError says so.
// Failures are FetchErrors with a `code`; an HTTP status, any status, is a response, not an error.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

export type FetchErrorCode = 'bad_url' | 'private_address' | 'timeout' | 'too_large' | 'too_many_redirects' | 'network';

export class FetchError extends Error {
  constructor(readonly code: FetchErrorCode, message: string, readonly url: string) {
    super(message);
  }
}

export interface GuardedFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For the whole exchange: every redirect and the body included. Default 10 s. */
  timeoutMs?: number;
  /** The most body bytes read (decompressed). Default 5 MB. */
  maxBytes?: number;
  /** Redirects followed (each re-checked); 0 answers the 3xx itself. Default 5. */
  maxRedirects?: number;
  /**
   * Allow loopback and private addresses (local development, tests), or only those a predicate
   * accepts (an outlet on the intranet, say). Default false: every private address is refused.
   */
  allowPrivate?: boolean | ((address: string) => boolean);
  /** Do not keep the body (a webhook receiver's answer): it is read and dropped. */
  discardBody?: boolean;
  /** Ask for gzip/deflate/brotli and decompress (default true; off when `discardBody`). */
  decompress?: boolean;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  /** Every URL redirected to, in order. */
  redirects: string[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

// ---- which addresses are private -------------------------------------------------------------

// Everything that is not ordinary public unicast. IPv6 forms that carry an IPv4 address (mapped,
// compatible, translated, 6to4) are checked by that IPv4 address.
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

/** True for addresses we may not reach unless private targets are allowed (and for anything that is not an IP address). */
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

// ---- the request -------------------------------------------------------------------------------

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that say who we are to one origin: not carried to another one by a redirect. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

function parseTarget(url: string | URL, base?: URL): URL {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    throw new FetchError('bad_url', `not a URL: ${String(url).slice(0, 200)}`, String(url));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new FetchError('bad_url', `refused: only http and https URLs (${u.protocol})`, u.href);
  if (u.username || u.password) throw new FetchError('bad_url', 'refused: a URL with a user name or password', u.href);
  return u;
}

/** A DNS lookup that refuses private answers: the connection then goes to the address checked here. */
type Allow = (address: string) => boolean;

function refused(allow: Allow, address: string): boolean {
  return isPrivateAddress(address) && !allow(address);
}

function guardedLookup(allow: Allow, href: string): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return (callback as any)(err);
      const list = addresses as unknown as dns.LookupAddress[];
      const bad = list.find((a) => refused(allow, a.address));
      if (bad) return (callback as any)(new FetchError('private_address', `refused: ${hostname} resolves to the private address ${bad.address}`, href));
      if ((options as any).all) return (callback as any)(null, list);
      return (callback as any)(null, list[0]!.address, list[0]!.family);
    });
  };
}

interface Hop {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function decoded(res: http.IncomingMessage, decompress: boolean): Readable {
  if (!decompress) return res;
  const enc = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return res.pipe(zlib.createGunzip());
  if (enc === 'deflate') return res.pipe(zlib.createInflate());
  if (enc === 'br') return res.pipe(zlib.createBrotliDecompress());
  return res;
}

interface Settings {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allow: Allow;
  decompress: boolean;
}

function oneRequest(u: URL, method: string, headers: Record<string, string>, body: string | Buffer | undefined, o: Settings, deadline: number, readBody: boolean): Promise<Hop> {
  const literal = u.hostname.replace(/^\[|\]$/g, '');
  // A literal IP in the URL never goes through the lookup: check it here.
  if (net.isIP(literal) && refused(o.allow, literal)) {
    return Promise.reject(new FetchError('private_address', `refused: ${literal} is a private address`, u.href));
  }
  const lib = u.protocol === 'https:' ? https : http;
  const remaining = Math.max(1, deadline - Date.now());
  const timeoutMessage = `timed out after ${Math.round(o.timeoutMs / 100) / 10} s`;
  return new Promise<Hop>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, hop?: Hop) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(hop!);
    };
    const req = lib.request(
      u,
      {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        lookup: guardedLookup(o.allow, u.href),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (!readBody || method === 'HEAD' || status === 204 || status === 304 || (REDIRECTS.has(status) && res.headers.location)) {
          res.resume(); // nobody reads it
          res.on('end', () => finish(null, { status, headers: res.headers, body: Buffer.alloc(0) }));
          res.on('error', (e) => finish(new FetchError('network', e.message, u.href)));
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (!o.decompress && Number.isFinite(declared) && declared > o.maxBytes) {
          req.destroy();
          return finish(new FetchError('too_large', `the answer is larger than ${o.maxBytes} bytes (${declared})`, u.href));
        }
        const stream = decoded(res, o.decompress);
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size > o.maxBytes) {
            req.destroy();
            stream.destroy();
            return finish(new FetchError('too_large', `the answer is larger than ${o.maxBytes} bytes`, u.href));
          }
          chunks.push(c);
        });
        stream.on('end', () => finish(null, { status, headers: res.headers, body: Buffer.concat(chunks) }));
        stream.on('error', (e) => finish(new FetchError('network', `the answer could not be read: ${e.message}`, u.href)));
        res.on('error', (e) => finish(new FetchError('network', e.message, u.href)));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(new FetchError('timeout', timeoutMessage, u.href));
    }, remaining);
    req.on('error', (e) => finish(e instanceof FetchError ? e : new FetchError('network', e.message, u.href)));
    req.end(body);
  });
}

/** Fetch `url` within the guards above. Resolves with any HTTP status; rejects with a FetchError. */
export async function guardedFetch(url: string | URL, opts: GuardedFetchOptions = {}): Promise<GuardedResponse> {
  const allowPrivate = opts.allowPrivate ?? false;
  const o: Settings = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    maxRedirects: opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    allow: typeof allowPrivate === 'function' ? allowPrivate : () => allowPrivate,
    decompress: (opts.decompress ?? true) && !opts.discardBody,
  };
  const deadline = Date.now() + o.timeoutMs;
  let u = parseTarget(url);
  let method = (opts.method ?? 'GET').toUpperCase();
  let body = opts.body;
  let headers: Record<string, string> = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (o.decompress && !headers['accept-encoding']) headers['accept-encoding'] = 'gzip, deflate, br';
  const redirects: string[] = [];
  for (;;) {
    const hop = await oneRequest(u, method, headers, body, o, deadline, !opts.discardBody);
    const location = hop.headers.location;
    if (!REDIRECTS.has(hop.status) || !location || o.maxRedirects === 0) {
      return { status: hop.status, headers: hop.headers, body: hop.body, url: u.href, redirects };
    }
    if (redirects.length >= o.maxRedirects) throw new FetchError('too_many_redirects', `more than ${o.maxRedirects} redirects`, u.href);
    const next = parseTarget(location, u);
    if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type'));
    }
    if (next.origin !== u.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIALS.includes(k)));
    redirects.push(next.href);
    u = next;
  }
}
