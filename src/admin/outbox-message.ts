// Reading one outbox message (.eml written without SMTP_URL) for the newsroom's outbox viewer: its
// header fields in order, decoded, and its first text/plain and text/html parts. The MIME walk is the
// bounce parser's (src/newsletters/bounces.ts); this adds header decoding and 8-bit bodies.
import { parseMime } from '../newsletters/bounces.ts';

type MimePart = ReturnType<typeof parseMime>;

export interface OutboxMessage {
  /** Header fields in the order written, names as usual capitalised, values decoded. */
  headers: Array<{ name: string; value: string }>;
  text: string | null;
  html: string | null;
  /** Parts that are neither (attachments and the like): type and name. */
  others: string[];
}

/** RFC 2047 encoded words (UTF-8 or Latin-1, B or Q), and raw 8-bit UTF-8 read as Latin-1. */
export function decodeHeader(value: string): string {
  // Raw 8-bit bytes first (the file was read as Latin-1); encoded words are plain ASCII.
  const text = /[\x80-\xff]/.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value;
  return text.replace(/=\?([\w-]+)\?([bq])\?([^?]*)\?=(?:\s+(?==\?))?/gi, (m, charset: string, enc: string, text: string) => {
    const cs = charset.toLowerCase();
    if (cs !== 'utf-8' && cs !== 'us-ascii' && cs !== 'iso-8859-1' && cs !== 'latin1') return m;
    const bytes = enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    return bytes.toString(cs === 'utf-8' ? 'utf8' : 'latin1');
  });
}

function headerName(key: string): string {
  const special: Record<string, string> = { 'message-id': 'Message-ID', 'mime-version': 'MIME-Version', 'list-id': 'List-ID', 'dkim-signature': 'DKIM-Signature' };
  return special[key] ?? key.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/** The part's text: base64 and quoted-printable were decoded as UTF-8; 7/8-bit bodies are raw bytes. */
function bodyText(p: MimePart): string {
  const enc = (p.headers.get('content-transfer-encoding') ?? '').toLowerCase().trim();
  return enc === 'base64' || enc === 'quoted-printable' ? p.body : Buffer.from(p.body, 'latin1').toString('utf8');
}

export function readMessage(raw: Buffer): OutboxMessage {
  const root = parseMime(raw.toString('latin1'));
  const headers: OutboxMessage['headers'] = [];
  for (const [key, value] of root.headers) for (const v of value.split('\n')) headers.push({ name: headerName(key), value: decodeHeader(v) });
  let text: string | null = null;
  let html: string | null = null;
  const others: string[] = [];
  const walk = (p: MimePart) => {
    if (p.children.length) return p.children.forEach(walk);
    const attachment = /^attachment/i.test(p.headers.get('content-disposition') ?? '');
    if (!attachment && p.contentType === 'text/plain' && text === null) text = bodyText(p);
    else if (!attachment && p.contentType === 'text/html' && html === null) html = bodyText(p);
    else others.push(`${p.contentType}${p.params.name ? ` (${decodeHeader(p.params.name)})` : ''}`);
  };
  walk(root);
  return { headers, text, html, others };
}
