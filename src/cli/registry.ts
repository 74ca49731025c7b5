// Every command of the `newsdesk` CLI except `serve` (which main.ts runs itself). Each capability
// adds its commands here.
import type { Command } from './command.ts';
import { migrateCommand, publishCommand, setupCommand } from './core.ts';
import { staffCreateCommand } from './staff.ts';
import { apiKeysCreateCommand, apiKeysListCommand, apiKeysRevokeCommand } from './api.ts';
import { importGhostCommand } from './ghost.ts';
import { subscriberCommands } from './subscribers.ts';
import { editionsSendCommand, editionsStatusCommand } from './editions.ts';
import { wireExtractCommand } from './wire-extract.ts';
import { wireClusterCommand } from './wire-cluster.ts';
import { memberCommands } from './members.ts';

export const commands: Command[] = [migrateCommand, setupCommand, publishCommand, staffCreateCommand, apiKeysCreateCommand, apiKeysListCommand, apiKeysRevokeCommand, importGhostCommand];
commands.push(...subscriberCommands);
commands.push(editionsSendCommand, editionsStatusCommand);
commands.push(wireClusterCommand);
commands.push(wireExtractCommand);
commands.push(...memberCommands);

/** The command named by the first words of argv (longest name wins), and the remaining arguments. */
export function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  let best: { command: Command; rest: string[] } | null = null;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}
