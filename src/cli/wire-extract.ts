// `newsdesk wire extract FILE... [--url URL]` (issue #11): the newswire's article extraction on saved
// pages, offline (no database, no data directory, no network). One JSON object per line on stdout,
// in input order: {"file","title","byline","published","lang","text"}, or {"file","error"} for a file
// that cannot be read or parsed; the other files still come out.
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { extractArticle } from '../newswire/extract/index.ts';

const gunzip = promisify(zlib.gunzip);

/** Saved pages are HTML; anything this large is not an article page (and would only cost memory). */
const MAX_BYTES = 50 * 1024 * 1024;

export interface ExtractLine {
  file: string;
  title?: string | null;
  byline?: string | null;
  published?: string | null;
  lang?: string | null;
  text?: string;
  error?: string;
}

/** Reads one .html or .html.gz file and extracts it; never throws. */
export async function extractFile(file: string, cwd: string, url?: string): Promise<ExtractLine> {
  const full = path.resolve(cwd, file);
  let bytes: Buffer;
  try {
    const st = await fs.stat(full);
    if (st.isDirectory()) return { file, error: 'is a directory, not an HTML file' };
    if (st.size > MAX_BYTES) return { file, error: `too large (${st.size} bytes; the limit is ${MAX_BYTES})` };
    bytes = await fs.readFile(full);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { file, error: err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : `cannot read: ${err.message}` };
  }
  const gz = /\.gz$/i.test(file) || (bytes[0] === 0x1f && bytes[1] === 0x8b);
  if (gz) {
    try {
      bytes = await gunzip(bytes, { maxOutputLength: MAX_BYTES });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return { file, error: err.code === 'ERR_BUFFER_TOO_LARGE' || /too large|maxOutputLength/i.test(err.message) ? `decompresses to more than ${MAX_BYTES} bytes` : `not valid gzip: ${err.message}` };
    }
  }
  if (!looksLikeHtml(bytes)) return { file, error: 'not an HTML document (binary content)' };
  try {
    const a = extractArticle(bytes, { url });
    return { file, title: a.title, byline: a.byline, published: a.published, lang: a.lang, text: a.text };
  } catch (e) {
    return { file, error: `cannot parse: ${(e as Error).message}` };
  }
}

/** Text, not an image or an archive: no NUL bytes in the first 8 KB (UTF-16 pages start with a BOM). */
function looksLikeHtml(b: Buffer): boolean {
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return true;
  return !b.subarray(0, 8192).includes(0);
}

export const wireExtractCommand: Command = {
  name: 'wire extract',
  summary: 'Extract the article (title, byline, date, language, text) from saved HTML pages, as JSON lines',
  usage: 'newsdesk wire extract FILE... [--url URL]\n  Each FILE is an HTML page (.html, or gzip-compressed .html.gz). Prints one JSON object per line, in\n  input order: {"file","title","byline","published","lang","text"}, or {"file","error"} for a file that\n  cannot be read or parsed. --url gives the page\'s address (resolves links, and dates in the path).\n  Offline: no database, no network.',
  options: { url: { type: 'string' } },
  remote: false,
  offline: true,
  async run({ io, cwd }, { values, positionals }) {
    if (!positionals.length) throw new UsageError('Give at least one HTML file.');
    const url = values.url as string | undefined;
    if (url !== undefined) {
      let ok = false;
      try {
        ok = /^https?:$/.test(new URL(url).protocol);
      } catch {
        /* not a URL */
      }
      if (!ok) throw new UsageError(`--url must be an absolute http(s) URL, got "${url}".`);
    }
    let failed = 0;
    // One file at a time: extraction is CPU-bound, and the output order is the input order.
    for (const file of positionals) {
      const line = await extractFile(file, cwd, url);
      if (line.error) failed++;
      io.out(JSON.stringify(line));
    }
    return failed === positionals.length ? 1 : 0;
  },
};
