// Uploaded images (feature images, the publication's logo, author photos): checked by their first
// bytes (not by the name or type the browser claims), size-limited (an upload over MAX_IMAGE_BYTES is
// refused whole, never stored cut short), stored under DATA_DIR/uploads with a name made from a hash
// of their content, and served at /uploads/NAME. On upload and import, makeSizes re-encodes each as
// WebP at the RENDITION_WIDTHS narrower than itself (/uploads/NAME-WIDTH.webp, with sharp) and records
// them in media_images, so pages offer a responsive srcset (docs/decisions/0070-site-design.md).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Db } from '../db/index.ts';
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

/** An original (`<hash>.<ext>`) or one of its sizes (`<hash>-<width>.webp`). */
export const UPLOAD_NAME_RE = /^[a-f0-9]{32}(?:\.(jpg|png|gif|webp)|-(\d{3,4})\.webp)$/;

/** The widths the site's srcset offers: a phone thumbnail up to a wide desktop lead image. */
export const RENDITION_WIDTHS = [320, 640, 960, 1280, 1600] as const;
/** The WebP quality of the sizes. */
export const RENDITION_QUALITY = 78;

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
    return { body: await fs.promises.readFile(path.join(uploadsDir(dataDir), name)), type: IMAGE_TYPES[name.split('.')[1]!] ?? 'image/webp' };
  } catch {
    return null;
  }
}

/** What pages need to offer an image at the right size: its own dimensions and the sizes made. */
export interface ImageInfo {
  path: string;
  width: number;
  height: number;
  widths: number[];
}

const ORIGINAL_RE = /^\/uploads\/([a-f0-9]{32})\.(jpg|png|gif|webp)$/;

/** The public path of one size of an original (`/uploads/<hash>-<width>.webp`). */
export function sizePath(original: string, width: number): string {
  const m = ORIGINAL_RE.exec(original);
  if (!m) throw new Error(`not an upload path: ${original}`);
  return `/uploads/${m[1]}-${width}.webp`;
}

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp> | null = null;
/** sharp is loaded on first use: a server that never receives an image never pays for it. */
export function loadSharp(): Promise<Sharp> {
  // No libvips operation cache and one thread: renditions are made once per upload, and the cache and
  // thread pool would otherwise stay in the serving process's memory (about 100 MB after the demo's).
  sharpModule ??= import('sharp').then((m) => {
    m.default.cache(false);
    m.default.concurrency(1);
    return m.default;
  });
  return sharpModule;
}

/**
 * Make the WebP sizes of a stored original (one of ours, at `/uploads/…`) and record them. Sizes are
 * never wider than the original; an animated GIF keeps its animation and gets no sizes (a still of
 * its first frame would not be the same picture). Idempotent: an image done already is returned as
 * recorded. A file sharp cannot decode is refused with a ValidationError (nothing recorded).
 */
export async function makeSizes(db: Db, dataDir: string, publicPath: string): Promise<ImageInfo> {
  const m = ORIGINAL_RE.exec(publicPath);
  if (!m) throw new ValidationError('That is not one of our uploaded images.');
  const known = await db.one<ImageInfo>(`SELECT path, width, height, widths FROM media_images WHERE path = $1`, [publicPath]);
  if (known) return known;
  const sharp = await loadSharp();
  const dir = uploadsDir(dataDir);
  const file = path.join(dir, `${m[1]}.${m[2]}`);
  let meta: { width?: number; height?: number; pages?: number; orientation?: number };
  try {
    meta = await sharp(file).metadata();
  } catch {
    throw new ValidationError('That image could not be read: the file may be damaged.', { image: 'Unreadable image.' });
  }
  if (!meta.width || !meta.height) throw new ValidationError('That image has no size we can read.', { image: 'Unreadable image.' });
  // EXIF orientations 5 to 8 turn the picture a quarter: its displayed width is its stored height.
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  const widths: number[] = [];
  if (!((meta.pages ?? 1) > 1)) {
    // Decoded once; each size is a clone of the same pipeline (libvips shares the decoded image).
    const base = sharp(file).rotate();
    const todo: Array<Promise<unknown>> = [];
    for (const w of RENDITION_WIDTHS) {
      if (w >= width) break;
      widths.push(w);
      const out = path.join(dir, `${m[1]}-${w}.webp`);
      if (fs.existsSync(out)) continue;
      const tmp = `${out}.${process.pid}.tmp`;
      todo.push(base.clone().resize({ width: w, withoutEnlargement: true }).webp({ quality: RENDITION_QUALITY }).toFile(tmp).then(() => fs.renameSync(tmp, out)));
    }
    await Promise.all(todo);
  }
  await db.query(
    `INSERT INTO media_images (path, width, height, widths) VALUES ($1, $2, $3, $4::int[]) ON CONFLICT (path) DO NOTHING`,
    [publicPath, width, height, widths],
  );
  return { path: publicPath, width, height, widths };
}

/** Keep an uploaded image and make its sizes: what the newsroom's upload handlers call. */
export async function storeUpload(db: Db, dataDir: string, buf: Buffer, opts: { maxBytes?: number } = {}): Promise<ImageInfo> {
  const url = storeImage(dataDir, buf, opts);
  return makeSizes(db, dataDir, url);
}

/** The recorded sizes of several images at once (pages look up every image they show in one query). */
export async function imageInfos(db: Db, paths: Array<string | null | undefined>): Promise<Map<string, ImageInfo>> {
  const wanted = [...new Set(paths.filter((p): p is string => !!p && ORIGINAL_RE.test(p)))];
  if (!wanted.length) return new Map();
  const rows = await db.query<ImageInfo>(`SELECT path, width, height, widths FROM media_images WHERE path = ANY($1::text[])`, [wanted]);
  return new Map(rows.map((r) => [r.path, r]));
}
