// Uploaded images (feature images, the publication's logo): checked by their first bytes (not by the
// name or type the browser claims), size-limited (an upload over MAX_IMAGE_BYTES is refused whole,
// never stored cut short), stored under DATA_DIR/uploads with a name made from
// a hash of their content, and served at /uploads/NAME.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { TooLargeError, ValidationError } from '../platform/errors.ts';

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export function imageTooLarge(maxBytes = MAX_IMAGE_BYTES): TooLargeError {
  return new TooLargeError(`That file is larger than ${maxBytes / 1024 / 1024} MB. Choose a smaller image.`);
}

export const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

export const UPLOAD_NAME_RE = /^[a-f0-9]{32}\.(jpg|png|gif|webp)$/;

/** The image type of a file from its signature, or null when it is not one we accept. */
export function sniffImage(buf: Buffer): keyof typeof IMAGE_TYPES | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf.length >= 6 && /^GIF8[79]a$/.test(buf.subarray(0, 6).toString('latin1'))) return 'gif';
  if (buf.length >= 12 && buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return null;
}

export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

/**
 * Keep an image; returns its public path. The same file uploaded twice is stored once. With
 * `maxBytes` (uploads), a larger file is refused with a TooLargeError (413).
 */
export function storeImage(dataDir: string, buf: Buffer, opts: { maxBytes?: number } = {}): string {
  if (!buf.length) throw new ValidationError('Choose an image file to upload.', { image: 'No file was chosen.' });
  if (opts.maxBytes !== undefined && buf.length > opts.maxBytes) throw imageTooLarge(opts.maxBytes);
  const ext = sniffImage(buf);
  if (!ext) throw new ValidationError('That file is not a JPEG, PNG, GIF or WebP image.', { image: 'Not an image we accept.' });
  const name = `${crypto.createHash('sha256').update(buf).digest('hex').slice(0, 32)}.${ext}`;
  const dir = uploadsDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, buf, { mode: 0o600 }); // served by the server, not by the file system
    fs.renameSync(tmp, file);
  }
  return `/uploads/${name}`;
}

/** A stored upload by its public name, or null (no such file, or a name that is not one of ours). */
export async function readUpload(dataDir: string, name: string): Promise<{ body: Buffer; type: string } | null> {
  if (!UPLOAD_NAME_RE.test(name)) return null;
  try {
    return { body: await fs.promises.readFile(path.join(uploadsDir(dataDir), name)), type: IMAGE_TYPES[name.split('.')[1]!]! };
  } catch {
    return null;
  }
}
