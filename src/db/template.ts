// The embedded database template: a PGlite cluster already created (initdb) and migrated, built once
// at install (`npm install` runs scripts/prepare.mjs) into node_modules/.cache/newsdesk/pglite/<key>/.
// Creating a PGlite cluster takes 5 to 30 s of CPU and grows the WASM heap to ~900 MB that a process
// never gives back; copying a ready one takes a fraction of a second. Two forms of the same cluster:
//   pgdata/   a data directory: a new DATA_DIR/pglite is a copy of it (openDb does that itself);
//   dump.tar  the same cluster as a PGlite dump: the test runner loads it into in-memory databases.
// <key> names the PGlite version and a hash of the migration files, so a template is used only by the
// code it was built for; any other is rebuilt on demand (src/db/template-build.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATE_CACHE = path.join(ROOT, 'node_modules', '.cache', 'newsdesk', 'pglite');

export interface Template {
  dir: string;
  pgdata: string;
  dump: string;
}

function pgliteVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    let dir = path.dirname(req.resolve('@electric-sql/pglite'));
    while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/** The template's name for the installed PGlite and the current migrations. */
export function templateKey(): string {
  const h = crypto.createHash('sha256');
  // Every file of the migrations folder (what src/db/migrate.ts applies), read here rather than through
  // migrate.ts, which depends on the database module that depends on this one.
  const dir = path.join(ROOT, 'src', 'db', 'migrations');
  for (const f of fs.readdirSync(dir).sort()) h.update(`${f}\0${fs.readFileSync(path.join(dir, f))}\0`);
  return `${pgliteVersion()}-${h.digest('hex').slice(0, 16)}`;
}

export function templateAt(key: string): Template {
  const dir = path.join(TEMPLATE_CACHE, key);
  return { dir, pgdata: path.join(dir, 'pgdata'), dump: path.join(dir, 'dump.tar') };
}

/** The template for the current code, or null when it has not been built. */
export function findTemplate(key = templateKey()): Template | null {
  const t = templateAt(key);
  return fs.existsSync(path.join(t.dir, 'ready')) ? t : null;
}

/**
 * Create `target` (a PGlite data directory that does not exist yet) as a copy of the template.
 * Returns false when there is no template. The copy is made beside the target and renamed into place,
 * so an interrupted copy never leaves a half database behind.
 */
export function copyTemplate(target: string, template = findTemplate()): boolean {
  if (!template) return false;
  if (fs.existsSync(target)) throw new Error(`${target} exists already: not creating a database over it`);
  const tmp = `${target}.copy-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    fs.cpSync(template.pgdata, tmp, { recursive: true });
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}
