#!/usr/bin/env node
// Compile src/**/*.ts to plain JavaScript once, so the `newsdesk` command runs without a TypeScript
// loader (docs/decisions/0005-compile-at-install.md). Run by `npm install` (the `prepare` script) and
// again by bin/newsdesk.mjs whenever the sources changed since the last build.
//
// The output goes to node_modules/.cache/newsdesk/build/<fingerprint>/src/, one .js file (and a source
// map) per .ts file, in the same tree. It is never committed (node_modules/ is ignored):
//   - <fingerprint> is a hash of every source file's path, size and modification time, plus this
//     script's format version and esbuild's version, so a stale build is never used.
//   - `import.meta.url` is replaced by the source file's own URL, so paths that code derives from it
//     (migrations, web assets, the package root) still point into the source tree.
//   - relative imports of "./x.ts" become "./x.js"; package imports are left as they are.
//   - a build is written to a temporary sibling and renamed into place, so processes starting at the
//     same moment never see half a build; builds unused for a week are removed.
// Only esbuild (already installed as tsx's compiler) is needed; types are checked by `tsc`, not here.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const FORMAT = 1;
const KEEP_MS = 7 * 24 * 3600_000;

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const buildsDir = path.join(root, 'node_modules', '.cache', 'newsdesk', 'build');

function sources(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function esbuildVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  } catch {
    return 'none';
  }
}

/** The fingerprint of the current sources and the files it covers. A few milliseconds: stat only. */
export function fingerprint() {
  const files = sources(path.join(root, 'src')).sort();
  const h = crypto.createHash('sha256').update(`format ${FORMAT}\nesbuild ${esbuildVersion()}\n`);
  for (const f of files) {
    const st = fs.statSync(f);
    h.update(`${path.relative(root, f)}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return { id: h.digest('hex').slice(0, 20), files };
}

/** The directory of a build of the current sources (holding src/**.js), or null when there is none. */
export function currentBuild(fp = fingerprint()) {
  const dir = path.join(buildsDir, fp.id);
  const ready = path.join(dir, 'ready');
  try {
    const st = fs.statSync(ready);
    if (Date.now() - st.mtimeMs > 24 * 3600_000) fs.utimesSync(ready, new Date(), new Date()); // in use: keep
  } catch {
    return null;
  }
  return dir;
}

const RELATIVE_TS = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"\n]+?)\.ts"/g;

/** Compile the current sources unless a build of them exists; returns the build's directory. */
export async function build({ quiet = true } = {}) {
  const fp = fingerprint();
  const existing = currentBuild(fp);
  if (existing) return existing;
  const started = Date.now();
  const { transform } = await import('esbuild');
  fs.mkdirSync(buildsDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(buildsDir, `.tmp-${fp.id}-`));
  try {
    await Promise.all(
      fp.files.map(async (file) => {
        const rel = path.relative(root, file);
        const out = path.join(tmp, rel.replace(/\.ts$/, '.js'));
        const r = await transform(fs.readFileSync(file, 'utf8'), {
          loader: 'ts',
          format: 'esm',
          target: 'node20',
          sourcemap: 'external',
          sourcefile: pathToFileURL(file).href,
          define: { 'import.meta.url': JSON.stringify(pathToFileURL(file).href) },
        });
        const code = r.code.replace(RELATIVE_TS, (_m, lead, spec) => `${lead}"${spec}.js"`);
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, `${code}//# sourceMappingURL=${path.basename(out)}.map\n`);
        fs.writeFileSync(`${out}.map`, r.map);
      }),
    );
    fs.writeFileSync(path.join(tmp, 'ready'), `${new Date().toISOString()}\n`);
    const dir = path.join(buildsDir, fp.id);
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      // Another process finished the same build first: theirs is as good as ours.
      if (!currentBuild(fp)) throw e;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  prune(fp.id);
  if (!quiet) console.log(`newsdesk: compiled ${fp.files.length} files in ${Date.now() - started} ms (${path.relative(root, buildsDir)}/${fp.id})`);
  return currentBuild(fp);
}

/** Remove builds not used for a week (and temporary leftovers older than an hour). */
function prune(keep) {
  const now = Date.now();
  for (const name of fs.readdirSync(buildsDir)) {
    if (name === keep) continue;
    const p = path.join(buildsDir, name);
    try {
      // bin/newsdesk.mjs touches a build's `ready` file (at most daily) when it uses it.
      const age = now - fs.statSync(path.join(p, name.startsWith('.tmp-') ? '.' : 'ready')).mtimeMs;
      if (age > (name.startsWith('.tmp-') ? 3600_000 : KEEP_MS)) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      /* gone meanwhile, or not a build */
    }
  }
}

/**
 * Import a source module (`src/main.ts`, ...) from the build of the current sources, compiling first
 * if the sources changed; through tsx when no build can be made or NEWSDESK_NO_BUILD=1.
 */
export async function importSource(rel) {
  let dir = null;
  if (process.env.NEWSDESK_NO_BUILD !== '1') {
    try {
      dir = currentBuild() ?? (await build());
    } catch (e) {
      if (process.env.NEWSDESK_DEBUG_BUILD) console.error('newsdesk: no compiled build, running through tsx:', e);
    }
  }
  return importFrom(dir, rel);
}

/** Import `rel` from the build in `dir`, or through tsx when there is none. */
async function importFrom(dir, rel) {
  if (dir) {
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(path.join(dir, rel.replace(/\.ts$/, '.js'))).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(path.join(root, rel)).href);
}

/**
 * Import a source module in a worker thread of a process that already runs the sources (its loader
 * hooks do not reach the thread): from the current build when there is one, else through tsx. Never
 * compiles (the process that started the thread saw to that, or runs through tsx itself).
 */
export async function importSourceInThread(rel) {
  const dir = process.env.NEWSDESK_NO_BUILD === '1' ? null : currentBuild();
  return importFrom(dir, rel);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build({ quiet: false });
}
