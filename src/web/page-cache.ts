// Rendered public pages are kept in memory and served before any framework work: a cache hit is a
// Map lookup and one write. Any change to what the public sees (CONTENT_CHANNEL, from this process or
// another on the same PostgreSQL server) drops every entry, so an edit shows on every page that lists
// it at once. A render that started before a change is never stored after it (the generation check).
//
// Keys are canonical: the page's path and, of the query, only the parameters that page reads (today
// only `?page=N` on lists), in canonical form. A shared link with `?utm_source=…`, `fbclid` or
// `gclid` is answered with the canonical page's cached bytes, a 200 (no redirect: the reader's
// address bar and the analytics that read it stay as they were). Pages are stored under the key built
// from their route (`/section/:slug` with its slug), never under the raw URL, so no spelling of an
// address (extra parameters, percent-encoding) can add an entry: the cache holds canonical keys only.
// See docs/decisions/0003-page-cache.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FrontCache } from '../platform/http.ts';

/**
 * The query parameters any cached page reads, each with its canonical form: a string to keep,
 * undefined to drop (the default value, the same page), null when the request cannot be answered
 * from the cache at all (a value the page refuses with a 400, which must stay a 400).
 */
const PAGE_PARAMS = {
  // ?page=N on lists: page 1 is the list itself; anything but a whole number is the page's 400.
  page: (v: string): string | null | undefined => (v === '1' ? undefined : /^[1-9]\d{0,5}$/.test(v) ? v : null),
} satisfies Record<string, (v: string) => string | null | undefined>;

export type PageParam = keyof typeof PAGE_PARAMS;
const ALL_PARAMS = Object.keys(PAGE_PARAMS) as PageParam[];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A public page kept in the page cache, with the query parameters it reads (see src/web/routes.ts). */
    pageCache?: { query?: readonly PageParam[] };
  }
}

/**
 * The cache key of a path and query string: the path, then the parameters in `reads` that are
 * present, in canonical form and a fixed order. Every other parameter is dropped. Null when the
 * request must not be answered from the cache (a read parameter given twice, or a refused value).
 */
export function cacheKey(path: string, query: string, reads: readonly PageParam[] = ALL_PARAMS): string | null {
  if (!query || !reads.length) return path;
  const params = new URLSearchParams(query);
  const kept: string[] = [];
  for (const name of [...reads].sort()) {
    const values = params.getAll(name);
    if (!values.length) continue;
    if (values.length > 1) return null;
    const v = PAGE_PARAMS[name](values[0]!);
    if (v === null) return null;
    if (v !== undefined) kept.push(`${name}=${encodeURIComponent(v)}`);
  }
  return kept.length ? `${path}?${kept.join('&')}` : path;
}

/** Split a request URL into path and query (without the '?'). */
function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q === -1 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

/**
 * Whether a Cookie header carries one of our own cookies (names starting `nd_`: the newsroom's
 * session today, members' sessions next), which makes the request personal. The names are parsed:
 * another cookie on the host whose name or value merely contains `nd_` (`background_color=1`)
 * does not make a page personal.
 */
export function hasOwnCookie(header: string | undefined): boolean {
  return !!header && someCookieName(header, isOwnName);
}

/**
 * Whether a Cookie header carries one of our cookies that names a person (a newsroom or reader
 * session): every one of ours except the anonymous meter (`nd_meter`), which no page but a gated
 * article reads, and which gated entries decide on per request.
 */
export function hasPersonalCookie(header: string | undefined): boolean {
  return !!header && someCookieName(header, isPersonalName);
}

const isOwnName = (name: string) => name.startsWith('nd_');
const isPersonalName = (name: string) => name.startsWith('nd_') && name !== 'nd_meter';

/**
 * Whether any cookie's name (trimmed; pairs without '=' have none) passes `test`. The header is walked
 * in place, not split: this runs on every request the cache sees.
 */
function someCookieName(header: string, test: (name: string) => boolean): boolean {
  let start = 0;
  const len = header.length;
  while (start < len) {
    const eq = header.indexOf('=', start);
    if (eq === -1) return false;
    let end = header.indexOf(';', start);
    if (end === -1) end = len;
    if (eq < end && test(header.slice(start, eq).trim())) return true;
    start = end + 1;
  }
  return false;
}

/** Requests that are never answered from, nor stored into, the shared cache. */
function isPersonal(headers: IncomingMessage['headers']): boolean {
  return !!headers.authorization || hasPersonalCookie(headers.cookie);
}

/**
 * A gated article (not `public`) for anonymous readers: both variants, the full text (with a slot for
 * the meter's banner) and the lead-in with its wall. Which one a request gets, and the meter cookie
 * it carries away, is decided per request from its cookie by the gate (src/web/members.ts, which asks
 * THE access rule). The lead-in variant is built without the gated text, so serving it cannot leak it.
 */
export interface GatedEntry {
  articleId: number;
  /** What the gate needs to decide without the database. */
  rule: unknown;
  /** The full variant split around the banner's slot. */
  fullHead: Buffer;
  fullTail: Buffer;
  lead: Buffer;
  contentType: string;
  /**
   * The lead-in for signed-in readers without access (the plans wall, no register form), when the
   * entry serves them too (see PageCache.setMemberGate); absent, signed-in readers go to the app.
   */
  memberLead?: Buffer;
}

/**
 * The bytes a gated entry answers with, made once and kept with the entry: each full variant with its
 * banner in place (one per distinct banner: a handful, "2 free articles left this month" and the
 * like), and the lead-in; each also compressed (br, gzip) the first time a client that accepts it
 * asks. Nothing is concatenated or compressed per request.
 */
interface GatedBody {
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  /** The whole header list for each way this body is sent (encoding and x-cache), but Set-Cookie. */
  heads?: Map<string, string[]>;
}
const MAX_BANNERS = 64;
const gatedBodies = new WeakMap<GatedEntry, { lead: GatedBody; memberLead?: GatedBody; full: Map<string, GatedBody> }>();

function bodiesOf(entry: GatedEntry) {
  let b = gatedBodies.get(entry);
  if (!b) gatedBodies.set(entry, (b = { lead: { raw: entry.lead }, memberLead: entry.memberLead ? { raw: entry.memberLead } : undefined, full: new Map() }));
  return b;
}

function gatedBody(entry: GatedEntry, answer: { full: boolean; banner: string }, member: boolean): GatedBody {
  const b = bodiesOf(entry);
  if (!answer.full) return member && b.memberLead ? b.memberLead : b.lead;
  let body = b.full.get(answer.banner);
  if (!body) {
    body = { raw: Buffer.concat([entry.fullHead, Buffer.from(answer.banner), entry.fullTail]) };
    if (b.full.size < MAX_BANNERS) b.full.set(answer.banner, body);
  }
  return body;
}

function encodedBody(body: GatedBody, enc: 'br' | 'gzip' | null): Buffer | null {
  if (!enc || body.raw.length < MIN_COMPRESS_BYTES) return null;
  if (enc === 'br') return (body.br ??= brotli(body.raw));
  return (body.gzip ??= zlib.gzipSync(body.raw, { level: 6 }));
}

/** Headers as the flat [name, value, …] list node:http writes without re-validating an object's keys one by one. */
function flatHeaders(h: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k in h) out.push(k, h[k]!);
  return out;
}

export interface GateAnswer {
  full: boolean;
  /** The banner's HTML for the full variant ('' for none). */
  banner: string;
  setCookie: string | null;
}

export type Gate = (cookieHeader: string | undefined, entry: GatedEntry) => GateAnswer;

/**
 * The gate for signed-in readers (a reader session cookie and nothing else personal): THE access rule
 * with their session and meter (both kept briefly in memory by src/members). Null when the cookie names
 * no live session: the app then answers as it would anyone.
 */
export type MemberGate = (cookieHeader: string, entry: GatedEntry) => Promise<GateAnswer | null>;

/** The reader session cookie: the one personal cookie the member gate answers for in front of the app. */
export const MEMBER_SESSION_COOKIE = 'nd_member';

/**
 * Whether a Cookie header's own cookies are a reader session and at most the meter: requests with any
 * other of ours (a newsroom session, the signed-up marker that takes the sign-up boxes out) go to the app.
 */
export function isMemberOnly(header: string | undefined): boolean {
  if (!header) return false;
  let member = false;
  let start = 0;
  const len = header.length;
  while (start < len) {
    const eq = header.indexOf('=', start);
    if (eq === -1) break;
    let end = header.indexOf(';', start);
    if (end === -1) end = len;
    if (eq < end) {
      const name = header.slice(start, eq).trim();
      if (name.startsWith('nd_') && name !== 'nd_meter') {
        if (name !== MEMBER_SESSION_COOKIE || member) return false;
        member = true;
      }
    }
    start = end + 1;
  }
  return member;
}

/** The slot in a full variant where the meter's banner goes. */
export const BANNER_SLOT = '<!--nd:meter-banner-->';

export interface CachedPage {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  etag: string;
  /** The headers as a flat list, for writeHead. */
  flat: string[];
  /** The same bytes compressed once when stored (br and gzip), for clients that accept them. */
  encoded?: { br: Variant; gzip: Variant };
}

interface Variant {
  body: Buffer;
  etag: string;
  headers: Record<string, string>;
  /** The same headers as a flat list, for writeHead (precomputed: a hit does no header work). */
  flat?: string[];
}

/** Worth compressing: text of a kilobyte or more (HTML, feeds, sitemaps, JSON, CSS, JS). */
const COMPRESSIBLE = /^(text\/|application\/(?:[a-z+.-]*\+)?(?:xml|json)|application\/(?:javascript|feed\+json))/i;
const MIN_COMPRESS_BYTES = 1024;

// Clients send a handful of distinct Accept-Encoding values ("gzip, deflate, br, zstd" and the like):
// each is parsed once, not on every cache hit.
const encodingMemo = new Map<string, 'br' | 'gzip' | null>();

/** The encoding to answer with, from Accept-Encoding: br, then gzip, unless refused with q=0. */
export function chooseEncoding(header: string | string[] | undefined): 'br' | 'gzip' | null {
  if (!header) return null;
  if (typeof header !== 'string') return parseEncoding(header);
  const hit = encodingMemo.get(header);
  if (hit !== undefined) return hit;
  const v = parseEncoding(header);
  if (header.length <= 200) {
    if (encodingMemo.size >= 256) encodingMemo.clear();
    encodingMemo.set(header, v);
  }
  return v;
}

function parseEncoding(header: string | string[]): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of String(header).toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name!.trim(), q ? Number(q[1]) : 1);
  }
  const ok = (n: string) => (accepted.get(n) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

// Brotli at quality 5: most of its gain for a fraction of quality 11's time (pages are stored often).
function brotli(body: Buffer): Buffer {
  return zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
}

function encodeVariants(page: CachedPage): CachedPage['encoded'] {
  const type = page.headers['content-type'] ?? '';
  if (page.body.length < MIN_COMPRESS_BYTES || !COMPRESSIBLE.test(type)) return undefined;
  const variant = (body: Buffer, suffix: string, encoding: string): Variant => {
    const etag = page.etag.replace(/"$/, `-${suffix}"`);
    const headers = { ...page.headers, 'content-encoding': encoding, 'content-length': String(body.length), etag };
    return { body, etag, headers, flat: flatHeaders(headers) };
  };
  const br = brotli(page.body);
  const gz = zlib.gzipSync(page.body, { level: 6 });
  return { br: variant(br, 'br', 'br'), gzip: variant(gz, 'gz', 'gzip') };
}

/** The bytes, tag and headers to send this request: a compressed variant when it accepts one. */
export function variantFor(page: CachedPage, acceptEncoding: string | string[] | undefined): { body: Buffer; etag: string; headers: Record<string, string>; flat?: string[] } {
  const enc = page.encoded ? chooseEncoding(acceptEncoding) : null;
  return enc ? page.encoded![enc] : page;
}

export class PageCache implements FrontCache {
  private entries = new Map<string, CachedPage>();
  private gated = new Map<string, GatedEntry>();
  private gate: Gate | null = null;
  private memberGate: MemberGate | null = null;
  private gen = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number, private readonly baseHeaders: Record<string, string>) {}

  get generation(): number {
    return this.gen;
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
    this.gated.clear();
  }

  /**
   * Drop some pages only (a wire story's coverage changed: its page, its feeds, our articles on it).
   * The generation moves on too, so that a render that started before the change is not stored
   * after it (the same guarantee as clear()).
   */
  drop(keys: Iterable<string>): void {
    this.gen++;
    for (const k of keys) {
      this.entries.delete(k);
      this.gated.delete(k);
    }
  }

  /** The function that decides each anonymous request for a gated article (set by the server). */
  setGate(gate: Gate): void {
    this.gate = gate;
  }

  /** The function that decides each signed-in reader's request for a gated article (set by the server). */
  setMemberGate(gate: MemberGate): void {
    this.memberGate = gate;
  }

  /** Keep both variants of a gated article rendered at `generation`; dropped if content changed meanwhile. */
  storeGated(key: string, generation: number, entry: GatedEntry): void {
    if (this.maxEntries > 0 && generation === this.gen) {
      this.gated.delete(key);
      if (this.gated.size >= this.maxEntries) this.gated.delete(this.gated.keys().next().value!);
      this.gated.set(key, entry);
    }
  }

  /** Write a gated article to an anonymous reader: the variant the gate chooses, never cached downstream. */
  writeGated(res: ServerResponse, req: Pick<IncomingMessage, 'method' | 'headers'>, entry: GatedEntry, xCache: 'HIT' | 'MISS' = 'HIT'): boolean {
    if (!this.gate) return false;
    this.sendGatedAnswer(res, req, entry, this.gate(req.headers.cookie, entry), false, xCache);
    return true;
  }

  /** The member gate's answer for a signed-in reader's request (null: no live session, or no member gate). */
  memberAnswer(cookieHeader: string | undefined, entry: GatedEntry): Promise<GateAnswer | null> {
    if (!this.memberGate || !cookieHeader || !entry.memberLead) return Promise.resolve(null);
    return this.memberGate(cookieHeader, entry);
  }

  /** Send the body a gate's answer names, compressed when the client accepts it, with precomputed headers. */
  sendGatedAnswer(res: ServerResponse, req: Pick<IncomingMessage, 'method' | 'headers'>, entry: GatedEntry, answer: GateAnswer, member: boolean, xCache: 'HIT' | 'MISS'): void {
    const body = gatedBody(entry, answer, member);
    const enc = chooseEncoding(req.headers['accept-encoding']);
    const encoded = encodedBody(body, enc);
    const bytes = encoded ?? body.raw;
    const way = encoded ? (enc === 'br' ? (xCache === 'HIT' ? 'br|HIT' : 'br|MISS') : xCache === 'HIT' ? 'gzip|HIT' : 'gzip|MISS') : xCache;
    const heads = (body.heads ??= new Map());
    let headers = heads.get(way);
    if (!headers) {
      headers = (encoded ? (enc === 'br' ? this.gatedFlat.br : this.gatedFlat.gzip) : this.gatedFlat.identity).slice();
      headers.push('content-type', entry.contentType, 'content-length', String(bytes.length), 'x-cache', xCache);
      heads.set(way, headers);
    }
    if (answer.setCookie) {
      headers = headers.slice();
      headers.push('set-cookie', answer.setCookie);
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  private readonly gatedFlat = (() => {
    const base = { ...this.baseHeaders, 'cache-control': 'private, no-cache', vary: 'Cookie, Accept-Encoding' };
    return { identity: flatHeaders(base), br: flatHeaders({ ...base, 'content-encoding': 'br' }), gzip: flatHeaders({ ...base, 'content-encoding': 'gzip' }) };
  })();

  get size(): number {
    return this.entries.size + this.gated.size;
  }

  /** Whether a page (or a gated article's variants) is kept under this canonical key (tests). */
  has(key: string): boolean {
    return this.entries.has(key) || this.gated.has(key);
  }

  /** Store a page rendered at `generation`; dropped if content changed meanwhile. */
  store(key: string, generation: number, status: number, contentType: string, body: Buffer | string, extraHeaders: Record<string, string> = {}): CachedPage {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    const etag = `"${crypto.createHash('sha1').update(buf).digest('base64url').slice(0, 22)}"`;
    const headers = { ...this.baseHeaders, 'content-type': contentType, 'content-length': String(buf.length), etag, 'x-cache': 'HIT', vary: 'Accept-Encoding', ...extraHeaders };
    const page: CachedPage = { status, body: buf, etag, headers, flat: flatHeaders(headers) };
    page.encoded = encodeVariants(page);
    if (this.maxEntries > 0 && generation === this.gen) {
      this.entries.delete(key); // re-inserted at the end: eviction takes the oldest
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, page);
    }
    return page;
  }

  /**
   * A signed-in reader's request for a gated article kept here: answered from the entry's bytes once
   * the member gate has their session (resolves false, for the app, when it names none or fails).
   */
  private serveMember(req: IncomingMessage, res: ServerResponse, entry: GatedEntry): Promise<boolean> {
    return this.memberAnswer(req.headers.cookie, entry).then(
      (answer) => {
        if (!answer) return false;
        this.hits++;
        this.sendGatedAnswer(res, req, entry, answer, true, 'HIT');
        return true;
      },
      () => false,
    );
  }

  /** Answer the request from the cache if we can; false (or a promise of false) lets the app handle it. */
  tryServe(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (isPersonal(req.headers)) {
      if (!this.memberGate || req.headers.authorization || !isMemberOnly(req.headers.cookie)) return false;
      const [path, query] = splitUrl(req.url!);
      const key = cacheKey(path, query);
      const gated = key === null ? undefined : this.gated.get(key);
      return gated ? this.serveMember(req, res, gated) : false;
    }
    const [path, query] = splitUrl(req.url!);
    const key = cacheKey(path, query);
    const gated = key === null ? undefined : this.gated.get(key);
    if (gated && this.writeGated(res, req, gated)) {
      this.hits++;
      return true;
    }
    const page = key === null ? undefined : this.entries.get(key);
    if (!page) {
      this.misses++;
      return false;
    }
    this.hits++;
    const v = variantFor(page, req.headers['accept-encoding']);
    if (req.headers['if-none-match'] === v.etag) {
      res.writeHead(304, { etag: v.etag, vary: 'Accept-Encoding', 'cache-control': page.headers['cache-control'] ?? 'no-cache' });
      res.end();
      return true;
    }
    res.writeHead(page.status, v.flat ?? flatHeaders(v.headers));
    res.end(req.method === 'HEAD' ? undefined : v.body);
    return true;
  }
}

/**
 * The canonical key of the page a route rendered: the route's pattern with the request's (decoded,
 * validated) parameters put in, then the query parameters the route reads. Null when the route is
 * not a cached page.
 */
function routeKey(req: FastifyRequest): string | null {
  const spec = req.routeOptions.config.pageCache;
  const pattern = req.routeOptions.url;
  if (!spec || !pattern) return null;
  const params = (req.params ?? {}) as Record<string, string>;
  let ok = true;
  const path = pattern.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    const v = params[name];
    if (typeof v !== 'string') ok = false;
    return encodeURIComponent(v ?? '');
  });
  return ok ? cacheKey(path, splitUrl(req.url)[1], spec.query ?? []) : null;
}

/**
 * Keep a gated article's variants under its route's canonical key and answer this request from them
 * through the gate: an anonymous reader's, or a signed-in reader's (a reader session and nothing else
 * personal) once the member gate knows their session. False when the request is otherwise personal or
 * the cookie names no live session: the caller then renders for the reader.
 */
export async function sendGated(req: FastifyRequest, reply: FastifyReply, cache: PageCache, entry: GatedEntry): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const member = isPersonal(req.headers);
  if (member && (req.headers.authorization || !isMemberOnly(req.headers.cookie))) return false;
  const key = routeKey(req);
  if (key !== null) cache.storeGated(key, req.cacheGeneration, entry);
  if (member) {
    const answer = await cache.memberAnswer(req.headers.cookie, entry);
    if (!answer) return false;
    reply.hijack();
    cache.sendGatedAnswer(reply.raw, req.raw, entry, answer, true, 'MISS');
    return true;
  }
  reply.hijack();
  if (!cache.writeGated(reply.raw, req.raw, entry, 'MISS')) throw new Error('page cache has no gate');
  return true;
}

/**
 * Send a public page and, when its route is a cached page (`config.pageCache`) and the request is not
 * personal, keep it under the route's canonical key (see routeKey).
 */
export function sendCached(
  req: FastifyRequest, reply: FastifyReply, cache: PageCache | undefined, contentType: string, body: string, status = 200, extraHeaders: Record<string, string> = {},
) {
  const headers = { 'cache-control': 'public, max-age=0, must-revalidate', ...extraHeaders };
  const key = cache && req.method === 'GET' && !isPersonal(req.headers) ? routeKey(req) : null;
  if (cache && key !== null) {
    const page = cache.store(key, req.cacheGeneration, status, contentType, body, headers);
    const v = variantFor(page, req.headers['accept-encoding']);
    if (req.headers['if-none-match'] === v.etag) return reply.code(304).headers({ etag: v.etag, vary: 'Accept-Encoding' }).send();
    const encoding = v.headers['content-encoding'];
    return reply
      .code(status)
      .headers({ ...headers, etag: v.etag, vary: 'Accept-Encoding', 'x-cache': 'MISS', ...(encoding ? { 'content-encoding': encoding } : {}) })
      .type(contentType)
      .send(v.body);
  }
  return reply.code(status).headers(headers).type(contentType).send(body);
}
