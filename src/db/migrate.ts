// Forward-only migrations: numbered .sql files in ./migrations, each applied once in its own
// transaction and recorded in schema_migrations. Never edit a released file; add a new one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './index.ts';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{3,}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.split('_')[0]), name: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/**
 * The versions applied: one query on every start (a restart asks nothing else of the schema). The
 * table is created when there is none yet (42P01: undefined_table), on a database never migrated.
 */
async function applied(db: Db): Promise<Set<number>> {
  try {
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    return new Set(rows.map((r) => r.version));
  } catch (e) {
    if ((e as { code?: string }).code !== '42P01') throw e;
  }
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  return new Set();
}

/** Apply every pending migration; returns the names applied. */
export async function migrate(db: Db, dir = DIR): Promise<string[]> {
  const done = await applied(db);
  const ran: string[] = [];
  for (const m of listMigrations(dir)) {
    if (done.has(m.version)) continue;
    await db.tx(async (tx) => {
      // Serialise concurrent migrators on a server; the second one finds the row and skips.
      if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7405501)');
      const again = await tx.one('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (again) return;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      ran.push(m.name);
    });
  }
  return ran;
}

/** Migrations that exist in the code but not in the database. */
export async function pendingMigrations(db: Db, dir = DIR): Promise<string[]> {
  const done = await applied(db);
  return listMigrations(dir)
    .filter((m) => !done.has(m.version))
    .map((m) => m.name);
}
