// Static assets (stylesheet, script, logo) are few and small: read once at start, served from memory
// with a content hash ETag. Only files in src/web/assets are reachable.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export function loadAssets(dir = DIR): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = fs.readFileSync(path.join(dir, name));
    out.set(name, { body, type, etag: `"${crypto.createHash('sha1').update(body).digest('base64url').slice(0, 16)}"` });
  }
  return out;
}
