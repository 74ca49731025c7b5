// DKIM signing (RFC 6376) with node:crypto: rsa-sha256, or ed25519-sha256 (RFC 8463) for an Ed25519
// key. Canonicalization relaxed/simple: headers relaxed, body simple (our bodies are generated
// quoted-printable with CRLF line ends and no trailing whitespace, so simple is exact and cheap).
// The body hash is computed per message, because every recipient's body carries their own links.
import crypto from 'node:crypto';

export interface DkimKey {
  domain: string;
  selector: string;
  privateKey: string;
}

export interface DkimSigner {
  /** The DKIM-Signature header line (with CRLF) to put in front of `head`. `body` as text or as its chunks. */
  sign(head: string, body: string | readonly Buffer[], now?: Date): string;
}

/** Relaxed header canonicalization of one header field "Name: value" (may be folded). */
export function relaxedHeader(name: string, value: string): string {
  return name.toLowerCase().trim() + ':' + value.replace(/\r\n(?=[ \t])/g, '').replace(/[ \t]+/g, ' ').trim() + '\r\n';
}

/** Simple body canonicalization: trailing empty lines removed, exactly one CRLF at the end. */
export function simpleBody(body: string): string {
  const b = body.replace(/(\r\n)+$/, '');
  return b + '\r\n';
}

/** Parse a header block into [name, value] fields in order (folded lines kept in the value). */
export function parseHeaderFields(head: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const line of head.split(/\r\n(?![ \t])/)) {
    if (!line) continue;
    const i = line.indexOf(':');
    if (i > 0) fields.push([line.slice(0, i), line.slice(i + 1)]);
  }
  return fields;
}

const CRLF = Buffer.from('\r\n');

/** sha256 of the simple-canonicalized body, base64. Chunks are hashed in place when the body already ends with exactly one CRLF. */
function bodyHash(body: string | readonly Buffer[]): string {
  if (typeof body === 'string') return crypto.createHash('sha256').update(simpleBody(body), 'latin1').digest('base64');
  const chunks = body.filter((c) => c.length > 0);
  const last = chunks[chunks.length - 1];
  const tail = last ? last.subarray(Math.max(0, last.length - 4)) : Buffer.alloc(0);
  const oneCrlf = last !== undefined && last.length >= 4 && tail.subarray(2).equals(CRLF) && !tail.equals(Buffer.from('\r\n\r\n'));
  if (!oneCrlf) return bodyHash(Buffer.concat(chunks).toString('latin1'));
  const h = crypto.createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('base64');
}

export function createDkimSigner(key: DkimKey, signedHeaders: string[]): DkimSigner {
  const pk = crypto.createPrivateKey(key.privateKey);
  const ed = pk.asymmetricKeyType === 'ed25519';
  const algo = ed ? 'ed25519-sha256' : 'rsa-sha256';
  const wanted = new Set(signedHeaders.map((h) => h.toLowerCase()));
  return {
    sign(head, body, now = new Date()) {
      const fields = parseHeaderFields(head).filter(([n]) => wanted.has(n.toLowerCase()));
      // Sign what is present, bottom-up for repeated names (RFC 6376 5.4.2); ours occur once.
      const names = fields.map(([n]) => n.toLowerCase());
      const bh = bodyHash(body);
      const t = Math.floor(now.getTime() / 1000);
      const value = ` v=1; a=${algo}; c=relaxed/simple; d=${key.domain}; s=${key.selector};\r\n t=${t}; h=${names.join(':')};\r\n bh=${bh};\r\n b=`;
      let data = '';
      for (const [n, v] of fields) data += relaxedHeader(n, v);
      data += relaxedHeader('DKIM-Signature', value).replace(/\r\n$/, '');
      const sig = ed
        ? crypto.sign(null, crypto.createHash('sha256').update(data, 'latin1').digest(), pk)
        : crypto.sign('sha256', Buffer.from(data, 'latin1'), pk);
      const b64 = sig.toString('base64');
      let folded = '';
      for (let i = 0; i < b64.length; i += 72) folded += (i ? '\r\n ' : '') + b64.slice(i, i + 72);
      return `DKIM-Signature:${value}${folded}\r\n`;
    },
  };
}
