// Subscriber and bounce commands. All are `remote`: while `newsdesk serve` holds the embedded
// database they run inside it (src/cli/remote.ts), reading files relative to the caller's directory.
import { formatNumber } from '../platform/numbers.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from './command.ts';
import { UsageError, stoppedMessage } from './command.ts';
import { deleteSubscriber, exportSubscribersCsv, importSubscribersCsv } from '../newsletters/subscribers.ts';
import { processBounceMessage } from '../newsletters/bounces.ts';

/** A file the import can open (twice, streaming): refused here, before anything is read, if it cannot be. */
function openableFile(full: string): () => fs.ReadStream {
  try {
    fs.closeSync(fs.openSync(full, 'r'));
    if (fs.statSync(full).isDirectory()) throw Object.assign(new Error('it is a folder'), { code: 'EISDIR' });
  } catch (e: any) {
    throw new UsageError(`Cannot read ${full}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
  }
  return () => fs.createReadStream(full);
}

export const subscribersImportCommand: Command = {
  name: 'subscribers import',
  summary: 'Import subscribers from a CSV file (email, name, newsletters, consent time)',
  usage:
    'newsdesk subscribers import FILE.csv --newsletter SLUG [--confirmed]\n' +
    '  The first line names the columns: email (required), name (or first name/last name), newsletters\n' +
    '  (slugs separated by ";", added to SLUG), consent time (ISO 8601). With --confirmed the people gave\n' +
    '  their consent elsewhere and are subscribed at once; otherwise each gets a verification email.\n' +
    '  Bad rows are reported by line and skipped; the rest are imported. Running it again changes nothing;\n' +
    '  people who unsubscribed or bounced are never re-subscribed by an import.',
  options: { newsletter: { type: 'string' }, confirmed: { type: 'boolean', default: false } },
  remote: true,
  async run({ deps, io, cwd }, args) {
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new UsageError('Name one CSV file.');
    const slug = args.values.newsletter;
    if (typeof slug !== 'string' || !slug) throw new UsageError('Say which newsletter with --newsletter SLUG.');
    const full = path.resolve(cwd, file);
    // Streamed, a batch at a time: a large file is never in memory whole (in the serving process when forwarded).
    const r = await importSubscribersCsv(deps, openableFile(full), {
      newsletter: slug,
      confirmed: Boolean(args.values.confirmed),
      onProgress: (done, total) => io.progress(done, total, 'rows'),
      signal: deps.runtime.stopping,
    });
    for (const e of r.errors) io.err(`Line ${e.line}: ${e.message}`);
    if (r.stopped) {
      io.out(
        `Stopped after ${formatNumber(r.done!, deps.config.locale)} row(s) of ${path.basename(full)}: ${r.added} added, ${r.unchanged} already subscribed, ${r.keptOut} kept out, ${r.errors.length} skipped so far. ` +
          'Every row read so far is imported; importing the file again continues (rows already imported are left as they are).',
      );
      io.err(stoppedMessage(deps));
      return 1;
    }
    io.out(
      `Read ${r.total} row(s) from ${path.basename(full)}: ${r.added} added${args.values.confirmed ? ' (confirmed)' : `, ${r.verificationQueued} verification email(s) queued`}, ` +
        `${r.unchanged} already subscribed, ${r.keptOut} kept out (unsubscribed or suppressed), ${r.errors.length} skipped.`,
    );
    return r.errors.length && !r.added && !r.unchanged ? 1 : 0;
  },
};

export const subscribersExportCommand: Command = {
  name: 'subscribers export',
  summary: 'Export subscribers as CSV',
  usage: 'newsdesk subscribers export [--newsletter SLUG] [--output FILE]\n  Writes to FILE, or to standard output.',
  options: { newsletter: { type: 'string' }, output: { type: 'string' } },
  remote: true,
  async run({ deps, io, cwd }, args) {
    if (args.positionals.length) throw new UsageError(`Unexpected argument(s): ${args.positionals.join(' ')}`);
    const { csv, count } = await exportSubscribersCsv(deps.db, { newsletter: args.values.newsletter as string | undefined });
    if (typeof args.values.output === 'string') {
      const full = path.resolve(cwd, args.values.output);
      fs.writeFileSync(full, csv, { mode: 0o600 });
      io.out(`Wrote ${count} subscriber(s) to ${full}.`);
    } else {
      for (const line of csv.replace(/\n$/, '').split('\n')) io.out(line);
    }
    return 0;
  },
};

export const subscribersDeleteCommand: Command = {
  name: 'subscribers delete',
  summary: 'Delete a person for good: subscriptions, deliveries and bounce records included',
  usage: 'newsdesk subscribers delete EMAIL',
  remote: true,
  async run({ deps, io }, args) {
    const email = args.positionals[0];
    if (!email || args.positionals.length > 1) throw new UsageError('Name one email address.');
    const r = await deleteSubscriber(deps.db, email);
    io.out(r.deleted ? `Deleted ${email} and everything kept about them.` : `There is no subscriber ${email}; nothing was kept about that address.`);
    return 0;
  },
};

export const bouncesProcessCommand: Command = {
  name: 'bounces process',
  summary: 'Read bounce, complaint and unsubscribe mails (.eml files) from the bounce mailbox',
  usage:
    'newsdesk bounces process FILE_OR_DIR...\n' +
    '  Each .eml file (or every .eml file in a folder) is one message delivered to the bounce mailbox\n' +
    '  (bounces@ the MAIL_FROM domain): RFC 3464 delivery reports, RFC 5965 complaints and the mailto\n' +
    '  unsubscribe requests. Processing a file twice counts it once. Use "-" to read one message from\n' +
    '  standard input (for an MTA pipe) when not forwarded to a running server.',
  remote: true,
  async run({ deps, io, cwd }, args) {
    if (!args.positionals.length) throw new UsageError('Name at least one .eml file or folder.');
    const files: string[] = [];
    for (const p of args.positionals) {
      if (p === '-') {
        files.push('-');
        continue;
      }
      const full = path.resolve(cwd, p);
      let st: fs.Stats;
      try {
        st = fs.statSync(full);
      } catch {
        throw new UsageError(`Cannot read ${full}: no such file or folder`);
      }
      if (st.isDirectory()) files.push(...fs.readdirSync(full).filter((f) => f.endsWith('.eml')).sort().map((f) => path.join(full, f)));
      else files.push(full);
    }
    let hard = 0, soft = 0, complaints = 0, unsubscribed = 0, duplicates = 0, unknown = 0, ignored = 0, failed = 0, held = 0;
    const suppressed: string[] = [];
    for (const [i, file] of files.entries()) {
      try {
        const raw = file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
        const r = await processBounceMessage(deps.db, deps.config.secretKey, raw, deps.clock.now());
        for (const e of r.events) {
          if (e.kind === 'hard_bounce') hard++;
          else if (e.kind === 'soft_bounce') soft++;
          else if (e.kind === 'complaint') complaints++;
        }
        if (r.kind === 'other') ignored++;
        unsubscribed += r.unsubscribed?.length ?? 0;
        duplicates += r.result.duplicates;
        unknown += r.result.unknown;
        held += r.result.held ?? 0;
        suppressed.push(...r.result.suppressed);
      } catch (e) {
        failed++;
        io.err(`${file}: ${(e as Error).message}`);
      }
      io.progress(i + 1, files.length, 'messages');
    }
    io.out(`Read ${files.length} message(s): ${hard} hard bounce(s), ${soft} soft bounce(s), ${complaints} complaint(s), ${unsubscribed} unsubscribe(s); ` +
      `${duplicates} already seen, ${unknown} for unknown addresses, ${ignored} not a report, ${failed} unreadable.`);
    if (held) io.out(`Held for review: ${held} report(s) without our signed return path (not acted on; an editor applies or dismisses them under Newsletters → Bounces).`);
    if (suppressed.length) io.out(`Suppressed: ${suppressed.join(', ')}`);
    return failed ? 1 : 0;
  },
};

export const subscriberCommands: Command[] = [subscribersImportCommand, subscribersExportCommand, subscribersDeleteCommand, bouncesProcessCommand];
