// Reading a file from a newsroom form (multipart). The parser stops reading a file at its size limit
// and marks the stream truncated; toBuffer() is meant to throw then, but when the limit falls on the
// last chunk it returns the cut-short bytes (the upload test failed that way in one clean run). So
// nothing here trusts it: the truncated flag and the byte count are checked explicitly, and the
// parser's limit is one byte above ours, so that a file over the limit is always longer than it.
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { ValidationError, type TooLargeError } from '../platform/errors.ts';
import { imageTooLarge, MAX_IMAGE_BYTES, storeImage, storeUpload } from '../media/images.ts';
import type { Db } from '../db/index.ts';

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

/**
 * One image from a newsroom form (logo, photo): a multipart request, its CSRF field checked before the
 * file is read, the file read whole within the image limit (413 over it), checked and stored. Returns
 * its public URL.
 */
export async function imageFromForm(req: FastifyRequest, checkCsrf: (req: FastifyRequest, token: unknown) => void, dataDir: string, field = 'image', db?: Db): Promise<string> {
  if (!req.isMultipart()) throw new ValidationError('Send the image as a file upload.');
  const part = await req.file();
  const csrf = part?.fields._csrf;
  checkCsrf(req, req.headers['x-csrf-token'] ?? (csrf && !Array.isArray(csrf) && csrf.type === 'field' ? csrf.value : undefined));
  if (!part) throw new ValidationError('Choose an image file to upload.', { [field]: 'No file was chosen.' });
  const buf = await uploadedBytes(part, MAX_IMAGE_BYTES, () => imageTooLarge());
  // With the database, the sizes the site's srcset offers are made too (src/media/images.ts).
  return db ? (await storeUpload(db, dataDir, buf, { maxBytes: MAX_IMAGE_BYTES })).path : storeImage(dataDir, buf, { maxBytes: MAX_IMAGE_BYTES });
}
