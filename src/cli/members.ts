// Members commands. `members import` is `remote`: while `newsdesk serve` holds the embedded database it
// runs inside it (src/cli/remote.ts), reading the file relative to the caller's directory.
import { formatNumber } from '../platform/numbers.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from './command.ts';
import { UsageError, stoppedMessage } from './command.ts';
import { importMembersCsv, type MemberImportReport } from '../members/subscriptions.ts';

/** The one-line summary of an import, shared by the command, the newsroom and the Admin API's docs. */
export function importSummary(r: MemberImportReport, file: string): string {
  return (
    `Read ${r.total} row(s) from ${file}: ${r.created} subscription(s) added, ${r.updated} updated, ${r.unchanged} unchanged, ` +
    `${r.attached} attached to existing accounts, ${r.errors.length} skipped.` +
    (r.plansCreated.length ? ` New offline plan(s): ${r.plansCreated.join(', ')}.` : '')
  );
}

export const membersImportCommand: Command = {
  name: 'members import',
  summary: 'Import subscriptions sold elsewhere (print, app stores, an old system) from a CSV file',
  usage:
    'newsdesk members import FILE.csv\n' +
    '  The first line names the columns: email,name,plan,status,expires_at (plus optional external_id, note).\n' +
    '  plan is a plan’s slug or name (one not yet defined is created as an offline plan, without a Stripe\n' +
    '  price); status is active, past_due, cancelled or expired; expires_at is an ISO 8601 date (access to\n' +
    '  the end of that day in the publication’s time zone) or time, empty for no expiry. Ghost’s members\n' +
    '  export is recognised too. Re-running it updates rows, never duplicates them; bad rows are reported\n' +
    '  by line and skipped. Exits 0 when the file was read, non-zero when it cannot be read at all.',
  remote: true,
  async run({ deps, io, cwd }, args) {
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new UsageError('Name one CSV file.');
    const full = path.resolve(cwd, file);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch (e: any) {
      throw new UsageError(`Cannot read ${full}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
    }
    const r = await importMembersCsv(deps, text, { onProgress: (done, total) => io.progress(done, total, 'rows'), signal: deps.runtime.stopping });
    for (const e of r.errors) io.err(`Line ${e.line}: ${e.message}`);
    if (r.stopped) {
      io.out(
        `Stopped after ${formatNumber(r.done!, deps.config.locale)} row(s) of ${path.basename(full)}: ${r.created} subscription(s) added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.errors.length} skipped so far. ` +
          'Every row read so far is imported; importing the file again continues (rows already imported are left as they are).',
      );
      io.err(stoppedMessage(deps));
      return 1;
    }
    io.out(importSummary(r, path.basename(full)));
    return 0;
  },
};

export const memberCommands: Command[] = [membersImportCommand];
