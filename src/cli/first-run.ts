// A newcomer's first steps on the command line (issue 14, item 6): the exact command that creates the
// first administrator, and a refusal to create a second, empty database when the server the command
// should talk to runs with another DATA_DIR (run from the wrong folder, the command used to make a new
// ./data and print a sign-in link for a server that had never heard of the account).
import crypto from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';

/** The path the ping answers with: a digest of the data directory, so that nothing about it leaks. */
export function dataDirDigest(dataDir: string): string {
  return crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 32);
}

/** Quote an argument for a POSIX shell only when it needs it. */
function sh(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that creates the first administrator of this installation, as a person can paste it:
 * the DATA_DIR is named when it is not the default one of the directory the server runs in (or a
 * DATABASE_URL is needed, which is never printed: it may hold a password).
 */
export function firstAdminCommand(config: Pick<Config, 'dataDir' | 'databaseUrl'>, cwd = process.cwd()): string {
  const env: string[] = [];
  if (config.databaseUrl) env.push('DATABASE_URL=…');
  else if (path.resolve(config.dataDir) !== path.resolve(cwd, 'data')) env.push(`DATA_DIR=${sh(path.resolve(config.dataDir))}`);
  return [...env, 'npx newsdesk staff create --email you@example.com --name "Your Name" --role administrator'].join(' ');
}

/**
 * Is a Newsdesk server answering on this configuration's port with another data directory? Asked only
 * when the command is about to create a new embedded database; a quick loopback request.
 */
export async function serverWithOtherDataDir(config: Pick<Config, 'dataDir' | 'port'>, timeoutMs = 800): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${config.port}/_internal/ping`, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) return false;
    const body = (await res.json()) as { newsdesk?: unknown; dataDir?: unknown };
    return body.newsdesk === true && typeof body.dataDir === 'string' && body.dataDir !== dataDirDigest(config.dataDir);
  } catch {
    return false;
  }
}

/** The lines start-up prints while no one can sign in to the newsroom (none once an account exists). */
export async function firstAdminHint(db: Db, config: Pick<Config, 'dataDir' | 'databaseUrl'>, cwd = process.cwd()): Promise<string[]> {
  const row = await db.one<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM staff WHERE disabled_at IS NULL) AS any`);
  if (row?.any) return [];
  return ['No one can sign in to the newsroom yet. Create the first administrator (in another terminal, while this runs):', `  ${firstAdminCommand(config, cwd)}`];
}
