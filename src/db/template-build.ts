// Building the embedded database template (src/db/template.ts): initdb, every migration, then the
// data directory and a dump of it into the cache. Run at install by scripts/prepare.mjs, by `serve` on
// a first start that finds no template, and by the test runner.
import fs from 'node:fs';
import path from 'node:path';
import { openDb, pgliteOf } from './index.ts';
import { listMigrations, migrate } from './migrate.ts';
import { findTemplate, templateAt, templateKey, TEMPLATE_CACHE, type Template } from './template.ts';

/**
 * Build the template for the current code (initdb, migrations, dump) and store it in the cache.
 * `say` hears a line per step. Several builders at once are safe: each works in its own temporary
 * directory and the first to finish wins.
 */
export async function buildTemplate(say: (line: string) => void = () => {}): Promise<Template> {
  const key = templateKey();
  const existing = findTemplate(key);
  if (existing) return existing;
  const t = templateAt(key);
  fs.mkdirSync(TEMPLATE_CACHE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(TEMPLATE_CACHE, `.tmp-${key}-`));
  const started = Date.now();
  const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  try {
    say('  initialising PostgreSQL (the slow part, done once) ...');
    // openDb on tmp creates tmp/pglite; it must not pick up a template itself (there is none yet).
    const db = await openDb({ databaseUrl: null, dataDir: tmp, noTemplate: true });
    try {
      say(`  applying ${listMigrations().length} migrations (${secs()}) ...`);
      await migrate(db);
      say(`  saving the template (${secs()}) ...`);
      const dump = await pgliteOf(db)!.dumpDataDir('none');
      fs.writeFileSync(path.join(tmp, 'dump.tar'), Buffer.from(await dump.arrayBuffer()));
    } finally {
      await db.close();
    }
    fs.renameSync(path.join(tmp, 'pglite'), path.join(tmp, 'pgdata'));
    fs.rmSync(path.join(tmp, 'pglite.lock'), { force: true });
    fs.writeFileSync(path.join(tmp, 'ready'), `${new Date().toISOString()}\n`);
    try {
      fs.renameSync(tmp, t.dir);
    } catch (e) {
      if (!findTemplate(key)) throw e; // another builder finished first: use theirs
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  pruneTemplates(key);
  say(`  database template ready (${secs()})`);
  return templateAt(key);
}

/** Templates for other code are left from earlier versions: remove them (and stale temporary ones). */
function pruneTemplates(keep: string): void {
  for (const name of fs.readdirSync(TEMPLATE_CACHE)) {
    if (name === keep) continue;
    const p = path.join(TEMPLATE_CACHE, name);
    try {
      if (name.startsWith('.tmp-') && Date.now() - fs.statSync(p).mtimeMs < 3600_000) continue; // being built
      fs.rmSync(p, { recursive: true, force: true });
    } catch {
      /* gone meanwhile */
    }
  }
}
