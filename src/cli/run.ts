// Run a command with given dependencies: used by the CLI itself and by the server when a command is
// forwarded to it (src/cli/remote.ts).
import { parseArgs } from 'node:util';
import type { Deps } from '../deps.ts';
import { DomainError, asRequestError } from '../platform/errors.ts';
import { UsageError, type Command, type ParsedArgs } from './command.ts';
import type { CommandIO } from './io.ts';
import { findCommand, loadCommand } from './registry.ts';

export function parseCommandArgs(command: Command, rest: string[]): ParsedArgs {
  try {
    const r = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    return { values: r.values as ParsedArgs['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * A command's arguments checked before anything is opened (its options, then its own check): the exit
 * code 2 with the message and the usage when they are wrong, null when the command may go on.
 */
export async function usageProblem(argv: string[], io: CommandIO): Promise<number | null> {
  const found = findCommand(argv);
  if (!found) return null;
  const command = await loadCommand(found.command);
  try {
    command.check?.(parseCommandArgs(command, found.rest));
    return null;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`Error: ${e.message}`);
    io.err(`Usage: ${command.usage}`);
    return 2;
  }
}

export async function runCommand(argv: string[], cwd: string, io: CommandIO, deps: Deps): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    io.err(`Unknown command "${argv.join(' ')}". Run "newsdesk --help" for the list.`);
    return 2;
  }
  const command = await loadCommand(found.command);
  try {
    const args = parseCommandArgs(command, found.rest);
    command.check?.(args);
    return await command.run({ deps, io, cwd }, args);
  } catch (raw) {
    // A value the database refused came from the input (a file, an argument): say so, not SQL.
    const e = asRequestError(raw);
    if (e instanceof UsageError) {
      io.err(`Error: ${e.message}`);
      io.err(`Usage: ${command.usage}`);
      return 2;
    }
    if (e instanceof DomainError) {
      io.err(`Error: ${e.message}`);
      return 1;
    }
    throw raw;
  }
}
