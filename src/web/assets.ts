// Static assets: the stylesheet, script and logo in src/web/assets, and the self-hosted fonts
// (openly licensed, from their npm packages: docs/dependencies.md). Few and small: read once, served
// from memory with a content hash ETag. Pages link them as /assets/NAME?v=HASH (assetUrl): a request
// naming the current hash is cached for a year (immutable), so a changed file is a new URL and
// returning readers never download an unchanged one. Only these files are reachable.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The fonts, by the name they are served under: Source Serif 4 (headlines and text) and Inter (the
 * interface: navigation, bylines, forms), each the Latin subset of its variable font (every weight in
 * one file). Both SIL Open Font License 1.1.
 */
export const FONT_FILES: Record<string, string> = {
  'source-serif-4-latin-wght-normal.woff2': '@fontsource-variable/source-serif-4/files/source-serif-4-latin-wght-normal.woff2',
  'source-serif-4-latin-wght-italic.woff2': '@fontsource-variable/source-serif-4/files/source-serif-4-latin-wght-italic.woff2',
  'inter-latin-wght-normal.woff2': '@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
};

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** The content hash that versions its URL (assetUrl). */
  version: string;
}

function hashOf(body: Buffer): string {
  return crypto.createHash('sha1').update(body).digest('base64url').slice(0, 16);
}

function asset(body: Buffer, type: string): Asset {
  const version = hashOf(body);
  return { body, type, etag: `"${version}"`, version };
}

export function loadAssets(dir = DIR): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const require = createRequire(import.meta.url);
  for (const [name, spec] of Object.entries(FONT_FILES)) {
    try {
      out.set(name, asset(fs.readFileSync(require.resolve(spec)), TYPES['.woff2']!));
    } catch {
      // A missing font package: the stylesheet's fallback fonts take over; nothing else breaks.
    }
  }
  const names = fs.readdirSync(dir).filter((n) => TYPES[path.extname(n)]);
  // Stylesheets last: their url(/assets/NAME) references get the versions of the files they name.
  for (const name of names.sort((a, b) => Number(a.endsWith('.css')) - Number(b.endsWith('.css')))) {
    let body = fs.readFileSync(path.join(dir, name));
    if (name.endsWith('.css')) {
      body = Buffer.from(body.toString('utf8').replace(/url\(\/assets\/([A-Za-z0-9._-]+)\)/g, (m, ref: string) => {
        const a = out.get(ref);
        return a ? `url(/assets/${ref}?v=${a.version})` : m;
      }));
    }
    out.set(name, asset(body, TYPES[path.extname(name)]!));
  }
  return out;
}

let shared: Map<string, Asset> | null = null;
/** The assets of this process, loaded once (pages and the asset route share them). */
export function siteAssets(): Map<string, Asset> {
  shared ??= loadAssets();
  return shared;
}

/** The versioned URL of an asset: /assets/NAME?v=HASH (or /assets/NAME for one that is not there). */
export function assetUrl(name: string): string {
  const a = siteAssets().get(name);
  return a ? `/assets/${name}?v=${a.version}` : `/assets/${name}`;
}
