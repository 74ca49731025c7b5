// The demo publication's pictures, of our own making: each is drawn here as an SVG (flat shapes, no
// text, no fonts), from the article's section and a hash of its slug, then rasterised by sharp and
// stored through the ordinary upload path (src/media/images.ts), so the demo shows feature images,
// thumbnails and responsive sizes exactly as an uploaded photo would. Deterministic: the same slug
// always makes the same picture, so the same file name.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { loadSharp, storeImage, makeSizes, uploadsDir, RENDITION_QUALITY, RENDITION_WIDTHS } from '../media/images.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { demo } from './content.ts';

export const DEMO_IMAGES_JOB = 'demo.images';

/** Which demo articles get a picture: every editor's pick and every other story (lists show both kinds). */
export function demoHasImage(a: { editorsPick: boolean }, index: number): boolean {
  return a.editorsPick || index % 2 === 0;
}

/**
 * DEMO_IMAGES_JOB, queued by seedDemo: draw the demo's pictures and authors' portraits into DATA_DIR's
 * uploads and set them on the demo articles and authors that have none yet (an editor's own choice is
 * never replaced). Idempotent: the same slug makes the same file, and a second run changes nothing.
 */
export async function demoImagesJob(deps: Pick<Deps, 'db' | 'config'>): Promise<void> {
  await drawDemoImages(deps, DEMO_IMAGE_CACHE);
}

/** demoImagesJob with the pictures drawn before kept in `cacheDir` (see storeDemoImage), or none (null). */
export async function drawDemoImages(deps: Pick<Deps, 'db' | 'config'>, cacheDir: string | null): Promise<void> {
  const { db, config } = deps;
  let changed = 0;
  for (const a of demo.authors) {
    const row = await db.one<{ photo_url: string | null }>(`SELECT photo_url FROM authors WHERE slug = $1`, [a.slug]);
    if (!row || row.photo_url) continue;
    const url = await storeDemoImage(db, config.dataDir, demoPortraitSvg(a.slug), 80, cacheDir);
    changed += (await db.query(`UPDATE authors SET photo_url = $2 WHERE slug = $1 AND photo_url IS NULL RETURNING id`, [a.slug, url])).length;
  }
  for (const [i, a] of demo.articles.entries()) {
    if (a.featureImageUrl || !demoHasImage(a, i)) continue;
    const row = await db.one<{ feature_image_url: string | null }>(`SELECT feature_image_url FROM articles WHERE slug = $1`, [a.slug]);
    if (!row || row.feature_image_url) continue;
    const url = await storeDemoImage(db, config.dataDir, demoImageSvg(a.section, a.slug), 82, cacheDir);
    changed += (await db.query(
      `UPDATE articles SET feature_image_url = $2, feature_image_alt = $3, feature_image_caption = 'Illustration: The Ledger design desk'
        WHERE slug = $1 AND feature_image_url IS NULL RETURNING id`,
      [a.slug, url, demoImageAlt(a.section)],
    )).length;
  }
  if (changed) await db.notify(CONTENT_CHANNEL, 'demo images');
}

type Rand = () => number;

function rng(seed: string): Rand {
  let h = crypto.createHash('sha256').update(seed).digest();
  let i = 0;
  return () => {
    if (i + 4 > h.length) {
      h = crypto.createHash('sha256').update(h).digest();
      i = 0;
    }
    const v = h.readUInt32BE(i) / 2 ** 32;
    i += 4;
    return v;
  };
}

/** Colours per section: sky top, sky bottom, two land colours, the accent shape. */
const PALETTES: Record<string, [string, string, string, string, string]> = {
  politics: ['#1f3a5f', '#5b7ea4', '#d9d2c3', '#a99f8c', '#b3261e'],
  home: ['#8fb8d8', '#e7eef2', '#5f8b4c', '#3f6b35', '#e0a030'],
  world: ['#0f4c5c', '#5fa8a0', '#e9d8a6', '#94a187', '#ee9b00'],
  business: ['#2b2d42', '#8d99ae', '#edf2f4', '#bcc3cc', '#ef233c'],
  science: ['#0b1026', '#2c3e73', '#1c2541', '#3a506b', '#f6c453'],
  culture: ['#6d3b47', '#c9a227', '#f2e8cf', '#bc6c25', '#386641'],
  'good-news': ['#ffb4a2', '#ffe8d6', '#6b9080', '#a4c3b2', '#f4a259'],
};

const DESCRIBE: Record<string, string> = {
  politics: 'a stylised debating chamber of columns under an evening sky',
  home: 'rolling hills with a row of small houses',
  world: 'a globe of lines over a sea at dusk',
  business: 'rising bars like a chart against a grey sky',
  science: 'a planet and stars in a deep blue night sky',
  culture: 'overlapping shapes in warm colours, like a theatre poster',
  'good-news': 'a low sun over soft green hills',
};

export function demoImageAlt(section: string): string {
  return `Illustration: ${DESCRIBE[section] ?? DESCRIBE.home}.`;
}

const W = 1600;
const H = 900;

function hills(r: Rand, color: string, base: number, amp: number): string {
  let d = `M0 ${H} L0 ${base}`;
  const n = 5 + Math.floor(r() * 4);
  for (let i = 1; i <= n; i++) {
    const x = (W / n) * i;
    const cx = x - W / n / 2;
    d += ` Q${cx.toFixed(0)} ${(base - amp * (0.4 + r())).toFixed(0)} ${x.toFixed(0)} ${(base - amp * r() * 0.5).toFixed(0)}`;
  }
  return `<path d="${d} L${W} ${H} Z" fill="${color}"/>`;
}

/** The SVG of a demo feature image for an article in `section`. */
export function demoImageSvg(section: string, seed: string): string {
  const r = rng(seed);
  const [skyTop, skyBottom, land1, land2, accent] = PALETTES[section] ?? PALETTES.home!;
  const parts: string[] = [
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient></defs>`,
    `<rect width="${W}" height="${H}" fill="url(#sky)"/>`,
  ];
  const sunX = 200 + r() * 1200;
  const sunY = 160 + r() * 220;
  switch (section) {
    case 'science':
      for (let i = 0; i < 90; i++) parts.push(`<circle cx="${(r() * W).toFixed(0)}" cy="${(r() * H * 0.8).toFixed(0)}" r="${(1 + r() * 3).toFixed(1)}" fill="#fff" opacity="${(0.4 + r() * 0.6).toFixed(2)}"/>`);
      parts.push(`<circle cx="${sunX}" cy="${sunY + 120}" r="${150 + r() * 80}" fill="${accent}"/>`, `<ellipse cx="${sunX}" cy="${sunY + 120}" rx="330" ry="46" fill="none" stroke="#fff" stroke-width="10" opacity=".7"/>`);
      parts.push(hills(r, land2, 760, 120), hills(r, land1, 840, 80));
      break;
    case 'politics': {
      parts.push(`<circle cx="${sunX}" cy="${sunY}" r="90" fill="${accent}" opacity=".85"/>`);
      parts.push(`<rect x="300" y="620" width="1000" height="280" fill="${land2}"/>`, `<polygon points="260,620 800,400 1340,620" fill="${land1}"/>`);
      for (let i = 0; i < 8; i++) parts.push(`<rect x="${340 + i * 120}" y="640" width="44" height="260" fill="${land1}"/>`);
      break;
    }
    case 'business':
      parts.push(`<circle cx="${sunX}" cy="${sunY}" r="80" fill="#fff" opacity=".5"/>`);
      for (let i = 0; i < 9; i++) {
        const h = 140 + i * 50 + r() * 120;
        parts.push(`<rect x="${170 + i * 145}" y="${H - h}" width="100" height="${h}" fill="${i === 8 ? accent : i % 2 ? land1 : land2}"/>`);
      }
      break;
    case 'world':
      parts.push(`<circle cx="${sunX}" cy="${sunY}" r="70" fill="${accent}"/>`);
      parts.push(`<circle cx="800" cy="520" r="300" fill="${land2}"/>`);
      for (let i = 1; i < 6; i++) parts.push(`<ellipse cx="800" cy="520" rx="${i * 55}" ry="300" fill="none" stroke="${land1}" stroke-width="6"/>`);
      for (let i = 1; i < 5; i++) parts.push(`<line x1="${800 - Math.sqrt(300 ** 2 - (i * 60 - 300) ** 2)}" y1="${220 + i * 120}" x2="${800 + Math.sqrt(300 ** 2 - (i * 120 - 300) ** 2 || 0)}" y2="${220 + i * 120}" stroke="${land1}" stroke-width="6"/>`);
      parts.push(`<rect y="760" width="${W}" height="140" fill="${skyTop}" opacity=".85"/>`);
      break;
    case 'culture':
      for (let i = 0; i < 7; i++) {
        const c = [accent, land1, land2, skyTop][i % 4];
        parts.push(`<circle cx="${(r() * W).toFixed(0)}" cy="${(r() * H).toFixed(0)}" r="${(120 + r() * 220).toFixed(0)}" fill="${c}" opacity=".8"/>`);
      }
      parts.push(`<rect x="0" y="780" width="${W}" height="120" fill="${skyTop}"/>`);
      break;
    default: {
      parts.push(`<circle cx="${sunX}" cy="${sunY}" r="${90 + r() * 50}" fill="${accent}"/>`);
      parts.push(hills(r, land2, 620, 160), hills(r, land1, 760, 120));
      if (section === 'national') {
        for (let i = 0; i < 5; i++) {
          const x = 300 + i * 210 + r() * 40;
          parts.push(`<rect x="${x}" y="700" width="130" height="110" fill="#f4efe6"/>`, `<polygon points="${x - 15},700 ${x + 65},630 ${x + 145},700" fill="${accent}"/>`, `<rect x="${x + 50}" y="750" width="30" height="60" fill="${skyTop}"/>`);
        }
      }
    }
  }
  // Drawn on a 1600 × 900 canvas, rendered at 1280 × 720: large enough for the widest place the site
  // shows it, and quicker to make on a first start.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720" viewBox="0 0 ${W} ${H}">${parts.join('')}</svg>`;
}

/** A demo author's portrait: a flat, faceless bust in the colours of their desk. */
export function demoPortraitSvg(seed: string): string {
  const r = rng(seed);
  const bg = ['#e9d8a6', '#a8dadc', '#f1c0b9', '#cdd7b6', '#d7c9e8'][Math.floor(r() * 5)]!;
  const coat = ['#1f3a5f', '#6d3b47', '#2b2d42', '#386641', '#7f5539'][Math.floor(r() * 5)]!;
  const skin = ['#f1c27d', '#e0ac69', '#c68642', '#8d5524', '#ffdbac'][Math.floor(r() * 5)]!;
  const hair = ['#2b1d0e', '#5a3825', '#a0522d', '#d9b38c', '#444'][Math.floor(r() * 5)]!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><rect width="400" height="400" fill="${bg}"/>
<path d="M60 400 Q70 280 200 270 Q330 280 340 400 Z" fill="${coat}"/><rect x="175" y="220" width="50" height="60" fill="${skin}"/>
<ellipse cx="200" cy="170" rx="78" ry="92" fill="${skin}"/><path d="M120 160 Q125 70 200 72 Q285 70 282 165 Q270 110 200 108 Q140 110 120 160 Z" fill="${hair}"/></svg>`;
}

/**
 * Where this install keeps the demo pictures it has drawn: node_modules/.cache/newsdesk/demo-images/,
 * beside the database template (decision 0006). Drawing one (the SVG rasterised, then its WebP sizes)
 * takes about 0.1 s of CPU; every new DATA_DIR with the demo (a test, a bench, a second publication)
 * would draw the same 27 pictures again.
 */
export const DEMO_IMAGE_CACHE = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'), 'node_modules', '.cache', 'newsdesk', 'demo-images');

/** A cache entry's name: everything the files depend on (the drawing, its quality, the sizes made, sharp and its libraries). */
function cacheKey(sharp: Awaited<ReturnType<typeof loadSharp>>, svg: string, quality: number): string {
  const v = sharp.versions as Record<string, string | undefined>;
  const what = JSON.stringify([svg, quality, RENDITION_WIDTHS, RENDITION_QUALITY, v.sharp, v.vips, v.rsvg, v.mozjpeg, v.webp]);
  return crypto.createHash('sha256').update(what).digest('hex').slice(0, 40);
}

/** A complete cache entry (each is written whole to a directory of its own, then renamed), or null. */
function readCached(entry: string): { original: Buffer; sizes: Array<[string, Buffer]> } | null {
  try {
    const original = fs.readFileSync(path.join(entry, 'original.jpg'));
    const sizes = fs.readdirSync(entry).filter((f) => /^\d+\.webp$/.test(f)).map((f): [string, Buffer] => [f, fs.readFileSync(path.join(entry, f))]);
    return { original, sizes };
  } catch {
    return null;
  }
}

/** Keep a drawn picture's files for the next DATA_DIR; best effort (a read-only install draws each time). */
function saveCached(entry: string, dataDir: string, original: Buffer, url: string, widths: number[]): void {
  const tmp = `${entry}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'original.jpg'), original);
    const name = path.basename(url, '.jpg');
    for (const w of widths) fs.copyFileSync(path.join(uploadsDir(dataDir), `${name}-${w}.webp`), path.join(tmp, `${w}.webp`));
    fs.renameSync(tmp, entry); // whole or not at all; another process's entry, made first, stays
  } catch {
    /* only a shortcut */
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Rasterise an SVG with sharp, keep it as an upload and make its sizes; returns its public path. With
 * `cacheDir`, a picture drawn before from the same SVG with the same sharp is not drawn again: its
 * files (the same bytes) are copied from there into the uploads, and recorded as makeSizes records any.
 */
export async function storeDemoImage(db: Db, dataDir: string, svg: string, quality = 82, cacheDir: string | null = null): Promise<string> {
  const sharp = await loadSharp();
  const entry = cacheDir ? path.join(cacheDir, cacheKey(sharp, svg, quality)) : null;
  const cached = entry ? readCached(entry) : null;
  if (cached) {
    const url = storeImage(dataDir, cached.original);
    const name = path.basename(url, '.jpg');
    for (const [file, bytes] of cached.sizes) {
      const out = path.join(uploadsDir(dataDir), `${name}-${file}`);
      if (fs.existsSync(out)) continue;
      fs.writeFileSync(`${out}.${process.pid}.tmp`, bytes); // as makeSizes writes them
      fs.renameSync(`${out}.${process.pid}.tmp`, out);
    }
    await makeSizes(db, dataDir, url); // finds the sizes made: reads the original's dimensions, records them
    return url;
  }
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality }).toBuffer();
  const url = storeImage(dataDir, jpeg);
  const info = await makeSizes(db, dataDir, url);
  if (entry) saveCached(entry, dataDir, jpeg, url, info.widths);
  return url;
}
