// Every command of the `newsdesk` CLI except `serve` (which main.ts runs itself). Each capability
// adds its commands here.
//
// Entries are lazy: the registry names each command and says where it lives, and the module (with the
// domain code behind it) is imported only when that command runs. `newsdesk --help` and a mistyped
// command therefore load this file and nothing else. test/cli-registry.test.ts loads every entry and
// checks that what is written here matches the command it loads. A plain `Command` object is accepted
// too (it is then loaded with the registry, which costs start-up time for every command).
import type { Command } from './command.ts';

/** What the registry knows of a command without loading it. */
export interface CommandInfo {
  name: string;
  summary: string;
  remote: boolean;
  offline?: boolean;
}

export interface LazyCommand extends CommandInfo {
  load(): Promise<Command>;
}

export type CommandEntry = Command | LazyCommand;

function lazy<M>(info: CommandInfo, from: () => Promise<M>, pick: (m: M) => Command): LazyCommand {
  return { ...info, load: async () => pick(await from()) };
}

export const commands: CommandEntry[] = [
  lazy({ name: 'migrate', summary: 'Apply pending database migrations', remote: false }, () => import('./core.ts'), (m) => m.migrateCommand),
  lazy({ name: 'setup', summary: 'Create the database (migrations, default newsletters, demo content) and exit', remote: false }, () => import('./core.ts'), (m) => m.setupCommand),
  lazy({ name: 'publish', summary: 'Create or update an article from a Markdown file with front matter, and publish it', remote: true }, () => import('./core.ts'), (m) => m.publishCommand),
  lazy({ name: 'staff create', summary: 'Create a staff account and print a one-time sign-in link', remote: true }, () => import('./staff.ts'), (m) => m.staffCreateCommand),
  lazy({ name: 'apikeys create', summary: 'Create an Admin or Content API key (the secret is shown once)', remote: true }, () => import('./api.ts'), (m) => m.apiKeysCreateCommand),
  lazy({ name: 'apikeys list', summary: 'List API keys (never their secrets)', remote: true }, () => import('./api.ts'), (m) => m.apiKeysListCommand),
  lazy({ name: 'apikeys revoke', summary: 'Revoke an API key (it stops working at once)', remote: true }, () => import('./api.ts'), (m) => m.apiKeysRevokeCommand),
  lazy({ name: 'import ghost', summary: 'Import posts, pages, authors and tags from a Ghost JSON export (safe to run again)', remote: true }, () => import('./ghost.ts'), (m) => m.importGhostCommand),
  lazy({ name: 'subscribers import', summary: 'Import subscribers from a CSV file (email, name, newsletters, consent time)', remote: true }, () => import('./subscribers.ts'), (m) => m.subscribersImportCommand),
  lazy({ name: 'subscribers export', summary: 'Export subscribers as CSV', remote: true }, () => import('./subscribers.ts'), (m) => m.subscribersExportCommand),
  lazy({ name: 'subscribers delete', summary: 'Delete a person for good: subscriptions, deliveries and bounce records included', remote: true }, () => import('./subscribers.ts'), (m) => m.subscribersDeleteCommand),
  lazy({ name: 'bounces process', summary: 'Read bounce, complaint and unsubscribe mails (.eml files) from the bounce mailbox', remote: true }, () => import('./subscribers.ts'), (m) => m.bouncesProcessCommand),
  lazy({ name: 'editions send', summary: "Build today's edition of a newsletter (unless one is waiting) and send it now", remote: true }, () => import('./editions.ts'), (m) => m.editionsSendCommand),
  lazy({ name: 'editions status', summary: "Each newsletter's latest editions and their delivery counts", remote: true }, () => import('./editions.ts'), (m) => m.editionsStatusCommand),
  lazy({ name: 'wire cluster', summary: 'Cluster news items (JSON lines) into stories, offline', remote: false, offline: true }, () => import('./wire-cluster.ts'), (m) => m.wireClusterCommand),
  lazy({ name: 'wire recluster', summary: 'Re-cluster the wire\u2019s items into stories, keeping the editors\u2019 merges, splits and renames', remote: true }, () => import('./wire-recluster.ts'), (m) => m.wireReclusterCommand),
  lazy({ name: 'wire extract', summary: 'Extract the article (title, byline, date, language, text) from saved HTML pages, as JSON lines', remote: false, offline: true }, () => import('./wire-extract.ts'), (m) => m.wireExtractCommand),
  lazy({ name: 'outlets add', summary: 'Add an outlet to the newswire (its feeds given, or found from its home page)', remote: true }, () => import('./outlets.ts'), (m) => m.outletsAddCommand),
  lazy({ name: 'outlets import', summary: 'Import outlets from a CSV file (our columns, or the AllSides ratings export)', remote: true }, () => import('./outlets.ts'), (m) => m.outletsImportCommand),
  lazy({ name: 'outlets list', summary: 'List the newswire\u2019s outlets with their lean, feeds and health', remote: true }, () => import('./outlets.ts'), (m) => m.outletsListCommand),
  lazy({ name: 'outlets discover', summary: 'Find the feeds of a home page', remote: true }, () => import('./outlets.ts'), (m) => m.outletsDiscoverCommand),
  lazy({ name: 'wire poll', summary: 'Poll the newswire\u2019s feeds now, then fetch and extract the new items\u2019 pages', remote: true }, () => import('./outlets.ts'), (m) => m.wirePollCommand),
  lazy({ name: 'members import', summary: 'Import subscriptions sold elsewhere (print, app stores, an old system) from a CSV file', remote: true }, () => import('./members.ts'), (m) => m.membersImportCommand),
];

/** The command itself, loading its module if needed. */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  return 'run' in entry ? entry : entry.load();
}

/** The command named by the first words of argv (longest name wins), and the remaining arguments. */
export function findCommand(argv: string[]): { command: CommandEntry; rest: string[] } | null {
  let best: { command: CommandEntry; rest: string[] } | null = null;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}
