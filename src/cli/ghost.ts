// `newsdesk import ghost FILE.json`: migrate a Ghost JSON export (src/ghost/import.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { importGhost } from '../ghost/import.ts';

export const importGhostCommand: Command = {
  name: 'import ghost',
  summary: 'Import posts, pages, authors and tags from a Ghost JSON export (safe to run again)',
  usage:
    'newsdesk import ghost FILE.json [--images DIR]\n  FILE.json is Ghost Admin → Settings → Advanced → Export. Running it again updates what the first run\n  imported instead of duplicating it. Drafts stay drafts, scheduled posts stay scheduled; members-only\n  posts are imported as drafts. Old Ghost URLs (/slug/) keep working.\n  --images DIR  Ghost\'s content/images folder (the export holds no image files): the images the posts,\n                feature images and author photos use are copied into the uploads and their links rewritten.',
  options: { images: { type: 'string' } },
  remote: true,
  async run({ deps, io, cwd }, args) {
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new UsageError('Name one Ghost export file (.json).');
    const full = path.resolve(cwd, file);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(full, 'utf8'));
    } catch (e: any) {
      throw new UsageError(e.code === 'ENOENT' ? `Cannot read ${full}: no such file` : e instanceof SyntaxError ? `${full} is not valid JSON: ${e.message}` : `Cannot read ${full}: ${e.message}`);
    }
    let images: { from: string; dataDir: string } | undefined;
    if (typeof args.values.images === 'string') {
      const from = path.resolve(cwd, args.values.images);
      if (!fs.existsSync(from) || !fs.statSync(from).isDirectory()) throw new UsageError(`--images: ${from} is not a folder (give Ghost's content/images folder).`);
      images = { from, dataDir: deps.config.dataDir };
    }
    const started = Date.now();
    const r = await importGhost(deps.db, json, { now: deps.clock.now(), images, onProgress: (done, total) => io.progress(done, total, 'importing') });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    io.out(`Imported ${full}${r.ghostVersion ? ` (Ghost ${r.ghostVersion})` : ''} in ${secs} s:`);
    io.out(`  posts:   ${r.posts.created} created, ${r.posts.updated} updated, ${r.posts.skipped} skipped`);
    io.out(`  pages:   ${r.pages.created} created, ${r.pages.updated} updated, ${r.pages.skipped} skipped`);
    io.out(`  authors: ${r.authors.created} created, ${r.authors.updated} updated`);
    io.out(`  tags:    ${r.tags.created} created, ${r.tags.updated} updated, ${r.tags.skipped} skipped`);
    const im = r.images;
    if (im.referenced) {
      if (!im.copiedFrom) {
        io.out(`  images:  ${im.referenced} of Ghost's own images (/content/images/...) are referred to but not copied: an export holds no files.`);
        io.out(`           Run the import again with --images PATH/TO/ghost/content/images to copy them.`);
      } else {
        io.out(`  images:  ${im.copied} of ${im.referenced} copied from ${im.copiedFrom}`);
        const list = (label: string, xs: string[]) => xs.length && io.out(`           ${label}: ${xs.slice(0, 20).join(', ')}${xs.length > 20 ? `, and ${xs.length - 20} more` : ''}`);
        list(`${im.missing.length} not found in that folder (left pointing to the old path)`, im.missing);
        list(`${im.refused.length} not a JPEG, PNG, GIF or WebP image (left pointing to the old path)`, im.refused);
      }
    }
    if (r.skipped.length) {
      io.out('Skipped:');
      for (const s of r.skipped) io.out(`  ${s.kind} ${s.slug}: ${s.reason}`);
    }
    if (r.notes.length) {
      io.out('Notes:');
      for (const n of r.notes) io.out(`  ${n.slug}: ${n.note}`);
    }
    return 0;
  },
};
