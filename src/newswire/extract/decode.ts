// Bytes of an HTML document to a string, the way browsers do it (WHATWG Encoding and the HTML
// "encoding sniffing" steps, simplified): a byte order mark wins, then the charset of the HTTP
// Content-Type, then a <meta charset> / <meta http-equiv="Content-Type"> in the first 1024 bytes
// (we look at 4 KB: many pages put it after a long comment or scripts), then UTF-8 if the bytes are
// valid UTF-8, else windows-1252. Node 20 ships full ICU, so TextDecoder knows every legacy label
// (iso-8859-*, windows-125x, gbk, shift_jis, euc-kr, koi8-r, big5, ...); labels are the WHATWG ones,
// so "iso-8859-1" and "ascii" decode as windows-1252, exactly as in a browser.

const PRESCAN_BYTES = 4096;

// Node 20's TextDecoder decodes "windows-1252" (and so "iso-8859-1", "ascii", "latin1", which WHATWG
// maps to it) as ISO-8859-1: bytes 0x80-0x9F come out as C1 control characters instead of € ‚ ƒ „ …
// “ ” – — ™ and the rest. Those bytes are exactly the ones that differ, so they are mapped after the
// fact (WHATWG index-windows-1252; 0x81, 0x8D, 0x8F, 0x90 and 0x9D stay as they are, as in browsers).
const CP1252 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]!);
}

function decodeWith(d: TextDecoder, bytes: Uint8Array): string {
  return d.encoding === 'windows-1252' ? decodeWindows1252(bytes) : d.decode(bytes);
}

/** The charset parameter of a Content-Type header value, or null. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const v = (m?.[1] ?? m?.[2] ?? '').trim();
  return v || null;
}

function bomEncoding(b: Uint8Array): { encoding: string; skip: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  return null;
}

/** The charset declared by a <meta> in the first bytes of the document, or null. */
export function charsetFromMeta(b: Uint8Array): string | null {
  // latin1 maps bytes one to one, so the ASCII markup reads the same in any ASCII-compatible encoding.
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, PRESCAN_BYTES)).toString('latin1');
  const re = /<meta\b[^>]*>/gi;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    const tag = m[0];
    const direct = /\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(tag);
    if (direct) return direct[1]!;
  }
  return null;
}

function decoderFor(label: string | null): TextDecoder | null {
  if (!label) return null;
  try {
    const d = new TextDecoder(label.trim().toLowerCase());
    // A page that says UTF-16 in its markup cannot be UTF-16 (the markup was readable as ASCII).
    if (d.encoding.startsWith('utf-16')) return new TextDecoder('utf-8');
    return d;
  } catch {
    return null;
  }
}

export interface Decoded {
  text: string;
  /** The WHATWG name of the encoding used, e.g. "utf-8", "windows-1252". */
  encoding: string;
}

export function decodeHtml(bytes: Uint8Array, contentType?: string | null): Decoded {
  const bom = bomEncoding(bytes);
  if (bom) return { text: new TextDecoder(bom.encoding).decode(bytes.subarray(bom.skip)), encoding: bom.encoding };
  const declared = decoderFor(charsetFromContentType(contentType)) ?? decoderFor(charsetFromMeta(bytes));
  if (declared && declared.encoding !== 'utf-8') {
    // Pages re-saved as UTF-8 keep their old <meta charset>. Text in a legacy encoding that happens
    // to form valid multi-byte UTF-8 throughout is vanishingly rare, so valid UTF-8 wins.
    if (!charsetFromContentType(contentType) && hasHighBytes(bytes)) {
      try {
        return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
      } catch {
        /* not UTF-8: the declaration is right */
      }
    }
    return { text: decodeWith(declared, bytes), encoding: declared.encoding };
  }
  return utf8OrWindows1252(bytes);
}

function hasHighBytes(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return true;
  return false;
}

/**
 * UTF-8 when the bytes are (mostly) UTF-8. Old CMS templates declare UTF-8 and serve windows-1252, and
 * pages without a declaration are either: when most bytes above 0x7F do not form UTF-8 sequences the
 * text is windows-1252; a stray bad byte in a UTF-8 page stays a replacement character, as in a browser.
 */
function utf8OrWindows1252(bytes: Uint8Array): Decoded {
  const text = new TextDecoder('utf-8').decode(bytes);
  let bad = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) bad++;
  if (bad === 0) return { text, encoding: 'utf-8' };
  let high = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) high++;
  if (bad * 2 >= high) return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  return { text, encoding: 'utf-8' };
}
