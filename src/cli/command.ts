// A command of the `newsdesk` CLI: a name of one or more words, options for util.parseArgs, and a
// plain async function of the dependencies. Commands marked `remote` can run inside the serving
// process when the embedded database is held by it (see src/cli/remote.ts).
import type { ParseArgsConfig } from 'node:util';
import type { Deps } from '../deps.ts';
import type { CommandIO } from './io.ts';

export interface CommandContext {
  /** For `offline` commands, `deps.db` refuses every use: they run without a database. */
  deps: Deps;
  io: CommandIO;
  /** Working directory of the person's shell: resolve file arguments against it. */
  cwd: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  /** "migrate", "subscribers import", ... */
  name: string;
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  /** May run inside a running server that holds the embedded database. */
  remote: boolean;
  /** Runs without the database and without a data directory (pure tools such as `wire extract`). */
  offline?: boolean;
  /**
   * The arguments' own checks (throw UsageError), run before any database is opened or created and
   * before a command is forwarded to the server: a mistake in how it was called creates nothing.
   * run() is called only after them, here and in the server.
   */
  check?(args: ParsedArgs): void;
  run(ctx: CommandContext, args: ParsedArgs): Promise<number>;
}

/** A mistake in how a command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * What a command that stopped before its end says: why (the process was asked to stop, see
 * Runtime.stopReason) and that running it again continues. For a command forwarded to the server this
 * is "the server stopped; run the command again to continue" (SERVER_STOPPED in remote.ts).
 */
export function stoppedMessage(deps: Pick<Deps, 'runtime'>): string {
  return `${deps.runtime.stopReason ?? 'stopped'}; run the command again to continue`;
}
