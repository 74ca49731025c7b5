// The `newsdesk` command line: `serve` runs the site; every other command comes from
// src/cli/registry.ts. Configuration is parsed once here and passed down.
// Only what every invocation needs is imported up front; the server, the database driver and each
// command's module load when the command needs them, so `newsdesk --help` stays a fraction of a second.
import { ConfigError, configWarnings, ensureSecrets, loadConfig, type Config } from './config.ts';
import type { Deps } from './deps.ts';
import { terminalIO, type CommandIO } from './cli/io.ts';
import { commands, findCommand, loadCommand } from './cli/registry.ts';
import { dataDirWarning, privateUmask, secureDataDir } from './platform/data-dir.ts';

const SERVE_USAGE = 'newsdesk serve\n  Runs the site on HOST:PORT (default 127.0.0.1:3000), applying migrations on the embedded database\n  and adding the demo publication to an empty database unless DEMO_CONTENT=false.';

function help(io: CommandIO): void {
  io.out('Usage: newsdesk <command> [options]\n');
  io.out('Commands:');
  const rows: Array<[string, string]> = [['serve', 'Run the site, the scheduler and background jobs'], ...commands.map((c) => [c.name, c.summary] as [string, string])];
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [name, summary] of rows) io.out(`  ${name.padEnd(width)}${summary}`);
  io.out('\nRun "newsdesk <command> --help" for a command\'s options. Configuration comes from environment');
  io.out('variables or ./.env: PORT, HOST, SITE_URL, DATA_DIR, DATABASE_URL, TIME_ZONE, SMTP_URL, MAIL_FROM (see README).');
}

/** Embedded database: migrate on open. PostgreSQL: refuse to run on an old schema. */
async function prepareSchema(deps: Deps, io: CommandIO): Promise<boolean> {
  const { migrate, pendingMigrations } = await import('./db/migrate.ts');
  if (deps.db.kind === 'pglite') {
    const ran = await migrate(deps.db);
    if (ran.length) deps.log.info('applied migrations', { migrations: ran });
    return true;
  }
  const pending = await pendingMigrations(deps.db);
  if (pending.length) {
    io.err(`The database needs ${pending.length} migration(s) (${pending.join(', ')}). Run "newsdesk migrate" first.`);
    return false;
  }
  return true;
}

export async function main(argv: string[]): Promise<number> {
  let locale: string | undefined;
  const io = terminalIO(undefined, undefined, () => locale);
  if (!argv.length || ['--help', '-h', 'help'].includes(argv[0]!)) {
    help(io);
    return 0;
  }
  const found = argv[0] === 'serve' ? null : findCommand(argv);
  if (argv[0] !== 'serve' && !found) {
    io.err(`Unknown command "${argv.join(' ')}". Run "newsdesk --help" for the list.`);
    return 2;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(`Usage: ${found ? (await loadCommand(found.command)).usage : SERVE_USAGE}`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
    locale = config.locale;
    if (found?.command.offline) return await runOffline(argv, config, io);
    // A mistake in the arguments is said before anything is created in DATA_DIR (database, secrets).
    if (found) {
      const usage = await (await import('./cli/run.ts')).usageProblem(argv, io);
      if (usage !== null) return usage;
    }
    if (found && (await wrongDataDir(config, io))) return 1;
    // Everything this process creates in DATA_DIR (PGlite's files included) is private to its account.
    privateUmask();
    const warning = dataDirWarning(config.dataDir, secureDataDir(config.dataDir));
    if (warning) io.err(`Warning: ${warning}`);
    config = ensureSecrets(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`Configuration error: ${e.message}`);
      return 78;
    }
    throw e;
  }
  if (!found) return serve(config, io, argv.slice(1));

  const { buildDeps } = await import('./deps.ts');
  const { DatabaseBusyError } = await import('./db/index.ts');
  const { runCommand } = await import('./cli/run.ts');
  let deps: Deps;
  try {
    deps = await buildDeps(config);
  } catch (e) {
    if (e instanceof DatabaseBusyError) {
      const { forwardToServer, readInternalEndpoint } = await import('./cli/remote.ts');
      const ep = readInternalEndpoint(config.dataDir);
      if (found.command.remote && ep && ep.pid === e.pid) return forwardToServer(ep, argv, io);
      io.err(e.message);
      if (!found.command.remote) io.err(`"newsdesk ${found.command.name}" needs the database to itself: stop the server, run it, and start the server again.`);
      return 1;
    }
    io.err(`Cannot open the database: ${(e as Error).message}`);
    return 1;
  }
  // SIGTERM or Ctrl+C while a command runs on the database itself: like the server's shutdown, long
  // work (a send, an import) stops at its next safe point with everything done so far recorded, the
  // command says so, and the exit code is 128 + the signal's number (143, 130). A second signal stops
  // at once.
  let signalled: number | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + (signal === 'SIGINT' ? 2 : 15);
    if (signalled !== null) {
      io.err(`${signal} again: stopping at once.`);
      process.exit(code);
    }
    signalled = code;
    io.err(`${signal}: stopping after the current batch (${signal === 'SIGINT' ? 'press Ctrl+C' : 'send it'} again to stop at once) ...`);
    void deps.runtime.shutdown(`stopped by ${signal}`);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    if (found.command.name !== 'migrate' && !(await prepareSchema(deps, io))) return 1;
    const code = await runCommand(argv, process.cwd(), io, deps);
    return signalled !== null && code !== 0 ? signalled : code;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await deps.db.close();
  }
}

/** Commands that touch no database run with a database that refuses every use, and create no DATA_DIR. */
async function runOffline(argv: string[], config: Config, io: CommandIO): Promise<number> {
  const refuse = () => Promise.reject(new Error('this command runs without a database'));
  const db = new Proxy({} as Deps['db'], { get: (_t, prop) => (prop === 'kind' ? 'none' : prop === 'close' ? async () => {} : refuse) });
  const { buildDeps } = await import('./deps.ts');
  const { runCommand } = await import('./cli/run.ts');
  const deps = await buildDeps(config, { db });
  return runCommand(argv, process.cwd(), io, deps);
}

async function serve(config: Config, io: CommandIO, rest: string[]): Promise<number> {
  if (rest.length) {
    io.err(`Unexpected argument(s): ${rest.join(' ')}\nUsage: ${SERVE_USAGE}`);
    return 2;
  }
  if (!config.databaseUrl && !(await firstStart(config, io))) return 1;
  const { buildDeps } = await import('./deps.ts');
  const { DatabaseBusyError } = await import('./db/index.ts');
  // Open the database while the server's modules load: PGlite compiles its WASM on other threads, and
  // reading the modules waits on the disk, so the two overlap (a few hundred ms of every start).
  const opening = buildDeps(config).then(
    (d) => ({ deps: d, error: null }),
    (e: unknown) => ({ deps: null, error: e }),
  );
  const [{ startServer }, { seedPublication }] = await Promise.all([import('./server.ts'), import('./publication/setup.ts')]);
  const opened = await opening;
  let deps: Deps;
  try {
    if (!opened.deps) throw opened.error;
    deps = opened.deps;
  } catch (e) {
    if (e instanceof DatabaseBusyError) {
      io.err(`Newsdesk is already running with DATA_DIR ${config.dataDir} (pid ${e.pid}).`);
      return 1;
    }
    io.err(`Cannot open the database: ${(e as Error).message}`);
    return 1;
  }
  const { log } = deps;
  try {
    if (!(await prepareSchema(deps, io))) {
      await deps.db.close();
      return 1;
    }
    await seedPublication(deps, (line) => io.out(line));
  } catch (e) {
    await deps.db.close();
    throw e;
  }
  let server;
  try {
    server = await startServer(deps, { port: config.port, host: config.host });
  } catch (e: any) {
    await deps.db.close();
    if (e.code === 'EADDRINUSE') {
      io.err(`Port ${config.port} on ${config.host} is already in use. Stop the other program or set PORT to a free port.`);
      return 1;
    }
    throw e;
  }
  // The signals are handled from the moment the server listens: a page can be answered before the
  // "serving" line, and a SIGTERM right after it must still be a graceful stop (it waits for the
  // steps below, so internal.json is never left behind).
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let announced: Promise<void> = Promise.resolve();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await announced.catch(() => {});
      await server.close();
      if (deps.db.kind === 'pglite') (await import('./cli/remote.ts')).removeInternalEndpoint(config.dataDir);
      await deps.db.close();
      log.info('stopped');
      io.out('Newsdesk stopped.');
      resolveExit(0);
    } catch (err) {
      log.error('shutdown failed', { err });
      resolveExit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  announced = (async () => {
    if (deps.db.kind === 'pglite') {
      const { writeInternalEndpoint } = await import('./cli/remote.ts');
      server.setInternalToken(writeInternalEndpoint(config.dataDir, server.url).token);
    }
    log.info('serving', { site: config.siteUrl, listening: server.url, database: deps.db.kind, data_dir: config.dataDir });
    for (const warning of configWarnings(config)) {
      log.warn('configuration', { warning });
      io.err(`Warning: ${warning}`);
    }
    // Asked before the "serving" line (which scripts wait for before they may signal), printed after it.
    const hint = await firstAdminLines(deps, config);
    if (stopping) return;
    io.out(`Newsdesk is serving ${config.siteUrl} (listening on ${server.url}). Press Ctrl+C to stop.`);
    for (const line of hint) io.out(line);
  })();
  await announced;
  return exited;
}

/**
 * A command about to create a new embedded database (none in DATA_DIR yet) while a Newsdesk server
 * answers on PORT with another data directory was run from the wrong place: refuse, create nothing.
 */
async function wrongDataDir(config: Config, io: CommandIO): Promise<boolean> {
  if (config.databaseUrl) return false;
  const fs = await import('node:fs');
  const path = await import('node:path');
  if (fs.existsSync(path.join(config.dataDir, 'pglite'))) return false;
  const { serverWithOtherDataDir } = await import('./cli/first-run.ts');
  if (!(await serverWithOtherDataDir(config))) return false;
  io.err(`There is no Newsdesk database in DATA_DIR (${config.dataDir}), and the Newsdesk server on port ${config.port} runs with another data directory.`);
  io.err(`Run the command where the server runs, or with its DATA_DIR, e.g. DATA_DIR=/path/to/its/data npx newsdesk ...; nothing was created.`);
  return true;
}

/** No one can sign in yet: say, on start-up, the exact command that creates the first administrator. */
async function firstAdminLines(deps: Deps, config: Config): Promise<string[]> {
  try {
    const { firstAdminHint } = await import('./cli/first-run.ts');
    return await firstAdminHint(deps.db, config);
  } catch (err) {
    deps.log.warn('could not count staff', { err });
    return [];
  }
}

/**
 * First start on the embedded database (no DATA_DIR/pglite yet): openDb will copy the migrated template
 * built at install (src/db/template.ts). When it is missing (installed with --ignore-scripts, cache
 * removed, migrations changed), build it first, in a child process: creating a PGlite cluster grows
 * the WASM heap to ~900 MB, which a process never gives back, so the server should not do it itself.
 * If the template cannot be stored (read-only node_modules), `newsdesk setup` creates the database in
 * DATA_DIR directly, also in a child process.
 */
async function firstStart(config: Config, io: CommandIO): Promise<boolean> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  if (fs.existsSync(path.join(config.dataDir, 'pglite'))) return true;
  const { findTemplate } = await import('./db/template.ts');
  if (findTemplate()) {
    io.out(`Creating the embedded database in ${config.dataDir} from the template built at install ...`);
    return true;
  }
  io.out(`Creating the embedded database in ${config.dataDir} (one time; the template built at install is missing) ...`);
  const script = fileURLToPath(new URL('../scripts/prepare.mjs', import.meta.url));
  let r = spawnSync(process.execPath, [script, '--template'], { stdio: 'inherit', env: process.env });
  if (r.status === 0 && findTemplate()) return true;
  io.out('Could not store the template; creating the database in place ...');
  r = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url)), 'setup'], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    io.err('Creating the database failed (see above).');
    return false;
  }
  return true;
}
