// Reading a file from a newsroom form (multipart). The parser stops reading a file at its size limit
// and marks the stream truncated; toBuffer() is meant to throw then, but when the limit falls on the
// last chunk it returns the cut-short bytes (the upload test failed that way in one clean run). So
// nothing here trusts it: the truncated flag and the byte count are checked explicitly, and the
// parser's limit is one byte above ours, so that a file over the limit is always longer than it.
import type { MultipartFile } from '@fastify/multipart';
import type { TooLargeError } from '../platform/errors.ts';

/** The parser's fileSize limit for files we accept up to `maxBytes`. */
export const parserLimit = (maxBytes: number) => maxBytes + 1;

/** The whole file, or `tooLarge()` thrown (a 413) when it is over `maxBytes`. */
export async function uploadedBytes(part: Pick<MultipartFile, 'toBuffer' | 'file'>, maxBytes: number, tooLarge: () => TooLargeError): Promise<Buffer> {
  let buf: Buffer;
  try {
    buf = await part.toBuffer();
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw e;
  }
  if (part.file.truncated || buf.length > maxBytes) throw tooLarge();
  return buf;
}
