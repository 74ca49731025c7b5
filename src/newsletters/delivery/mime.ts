// MIME for newsletters, rendered once per edition and personalised by splicing.
//
// An edition is rendered once into a MessageTemplate: every header and both body parts are encoded
// up front (quoted-printable bodies, RFC 2047 headers), with named slots where the per-recipient
// values go (To, Message-ID, Date, List-Unsubscribe, greeting, unsubscribe and preference links).
// Making one recipient's message is then a join of pre-encoded pieces and a few small encodings:
// no template engine and no MIME library per recipient (see docs/decisions/0011-delivery-engine.md).
//
// Quoted-printable is written so that the message never needs SMTP dot-stuffing: a "." at the start
// of a line is encoded as =2E. Each slot starts on a fresh line (after a soft line break), so the
// pre-encoded pieces keep valid line lengths whatever is spliced between them.
import crypto from 'node:crypto';

/** A slot in rendered text: SLOT_OPEN + key + SLOT_CLOSE (private-use characters, stripped from content). */
export const SLOT_OPEN = '\uE000';
export const SLOT_CLOSE = '\uE001';
export const slot = (key: string) => SLOT_OPEN + key + SLOT_CLOSE;
export const stripSlotChars = (s: string) => s.replace(/[\uE000\uE001]/g, '');

const HEX = '0123456789ABCDEF';
const MAX_LINE = 76;

/**
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text, starting at the beginning of a line. Line breaks in
 * the text become CRLF; output lines are at most 76 characters; "." at the start of a line is encoded.
 */
export function qpEncode(text: string): string {
  const bytes = Buffer.from(text.replace(/\r\n?/g, '\n'), 'utf8');
  let out = '';
  let line = '';
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      out += line + '\r\n';
      line = '';
      continue;
    }
    let tok: string;
    const nextIsBreak = i + 1 >= n || bytes[i + 1] === 0x0a;
    if ((b >= 33 && b <= 126 && b !== 61 && !(b === 46 && line.length === 0)) || ((b === 32 || b === 9) && !nextIsBreak)) {
      tok = String.fromCharCode(b);
    } else {
      tok = '=' + HEX[b >> 4] + HEX[b & 15];
    }
    if (line.length + tok.length > MAX_LINE - 1) {
      out += line + '=\r\n';
      line = '';
      if (tok === '.') tok = '=2E';
    }
    line += tok;
  }
  return out + line;
}

/** Encode a piece so that what follows starts at the beginning of a line (soft break when needed). */
function qpPiece(text: string): string {
  const enc = qpEncode(text);
  return enc === '' || enc.endsWith('\r\n') ? enc : enc + '=\r\n';
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtmlText = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

/** RFC 2047 encoded words (B encoding) for a header value with non-ASCII, folded; ASCII passes through. */
export function encodeHeaderText(value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  // Split on characters so that no UTF-8 sequence is cut; each word's payload stays under 75 chars.
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** A mailbox for From/To/Reply-To: `"Name" <addr>` with the name quoted or encoded as needed. */
export function formatAddress(name: string, address: string): string {
  const n = name.replace(/[\r\n]+/g, ' ').trim();
  if (!n) return `<${address}>`;
  if (/^[\x20-\x7e]*$/.test(n)) return `"${n.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${encodeHeaderText(n)} <${address}>`;
}

/** RFC 5322 date: "Fri, 20 Nov 2026 12:00:00 +0000". */
export function rfc2822Date(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (x: number) => String(x).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface TemplateInput {
  /** Headers in order; values may contain slots (already encoded apart from the slots). */
  headers: Array<[string, string]>;
  text: string;
  html: string;
}

/** Per-recipient values. Header slot values are spliced as given (already encoded); body values are plain text. */
export type SlotValues = Record<string, string>;

type Piece = string | { key: string; html: boolean; qp: boolean };

export interface MessageTemplate {
  /** Header pieces, ending with the blank line. */
  head: Piece[];
  /** The body's fixed pieces as bytes (encoded once per edition), for personaliseChunks. */
  bodyChunks: Array<Buffer | Exclude<Piece, string>>;
  /** Names of the headers (lower-case) in order, for DKIM's h= list. */
  headerNames: string[];
  boundary: string;
}

function splitSlots(s: string, mk: (key: string) => Piece, encode: (text: string) => string): Piece[] {
  const out: Piece[] = [];
  const re = /\uE000([a-z_]+)\uE001/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    out.push(encode(s.slice(last, m.index)));
    out.push(mk(m[1]!));
    last = m.index + m[0].length;
  }
  out.push(encode(s.slice(last)));
  return out.filter((p) => p !== '');
}

/** Compile an edition's message once: headers, multipart/alternative with QP text and HTML parts. */
export function compileTemplate(input: TemplateInput): MessageTemplate {
  // "=_" never occurs in quoted-printable output, so the boundary cannot collide with the bodies.
  const boundary = `=_nd_${crypto.randomBytes(12).toString('hex')}`;
  const head: Piece[] = [];
  for (const [name, value] of input.headers) {
    if (/[\r\n]/.test(value.replace(/\r\n[ \t]/g, ''))) throw new Error(`header ${name} has a bare line break`);
    head.push(...splitSlots(`${name}: ${value}\r\n`, (key) => ({ key, html: false, qp: false }), (t) => t));
  }
  head.push(`MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n`);
  const headerNames = [...input.headers.map(([n]) => n.toLowerCase()), 'mime-version', 'content-type'];
  const body: Piece[] = [
    `This is a multipart message in MIME format.\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`,
    ...splitSlots(input.text, (key) => ({ key, html: false, qp: true }), qpPiece),
    `\r\n--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`,
    ...splitSlots(input.html, (key) => ({ key, html: true, qp: true }), qpPiece),
    `\r\n--${boundary}--\r\n`,
  ];
  const merged = merge(body);
  // Fixed pieces are 7-bit (QP and ASCII headers), so latin1 gives their exact bytes.
  const bodyChunks = merged.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
  return { head: merge(head), bodyChunks, headerNames, boundary };
}

function merge(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else out.push(p);
  }
  return out;
}

function fill(pieces: Piece[], values: SlotValues): string {
  let s = '';
  for (const p of pieces) {
    if (typeof p === 'string') {
      s += p;
      continue;
    }
    s += slotValue(p, values);
  }
  return s;
}

function slotValue(p: Exclude<Piece, string>, values: SlotValues): string {
  const v = values[p.key];
  if (v === undefined) throw new Error(`no value for slot ${p.key}`);
  return p.qp ? qpPiece(p.html ? escapeHtmlText(v) : v) : v;
}

/**
 * One recipient's header block as a string and body as a list of buffers: the edition's fixed
 * pieces are shared (never copied per recipient), only the slot values are new bytes. Written to
 * the socket as they are (one writev), so a 20 KB body costs no per-recipient copy or string join.
 */
export function personaliseChunks(t: MessageTemplate, values: SlotValues): { head: string; body: Buffer[] } {
  const body: Buffer[] = new Array(t.bodyChunks.length);
  // A link appears in both parts; encoded alike (no HTML escaping needed), it is encoded once.
  let seen: Map<string, Buffer> | undefined;
  for (let i = 0; i < t.bodyChunks.length; i++) {
    const p = t.bodyChunks[i]!;
    if (Buffer.isBuffer(p)) {
      body[i] = p;
      continue;
    }
    const v = values[p.key];
    if (v === undefined) throw new Error(`no value for slot ${p.key}`);
    const text = p.html ? escapeHtmlText(v) : v;
    const key = `${p.qp ? 'q' : 'r'}${text}`;
    let b = (seen ??= new Map()).get(key);
    if (!b) seen.set(key, (b = Buffer.from(p.qp ? qpPiece(text) : text, 'latin1')));
    body[i] = b;
  }
  return { head: fill(t.head, values), body };
}

/** SMTP DATA never needs to change our messages, but anything else is made safe here. */
export function dotStuff(raw: Buffer): Buffer {
  if (raw[0] !== 0x2e && raw.indexOf('\n.') === -1) return raw;
  return Buffer.from(raw.toString('latin1').replace(/^\./, '..').replace(/\n\./g, '\n..'), 'latin1');
}

/** Buffers checked once and known not to need dot-stuffing inside (the edition's fixed pieces). */
const dotSafe = new WeakSet<Buffer>();

/** Does a message given as chunks need dot-stuffing? (A "." at the start of any line.) */
export function needsDotStuffing(chunks: readonly Buffer[]): boolean {
  let atLineStart = true;
  for (const c of chunks) {
    if (!c.length) continue;
    if (atLineStart && c[0] === 0x2e) return true;
    if (!dotSafe.has(c)) {
      if (c.indexOf('\n.') !== -1) return true;
      if (c.length > 1024) dotSafe.add(c);
    }
    atLineStart = c[c.length - 1] === 0x0a;
  }
  return false;
}
