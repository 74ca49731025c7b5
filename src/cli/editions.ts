// `newsdesk editions send SLUG` and `newsdesk editions status`. Both are `remote`: with the embedded
// database held by a running server, they run inside it (src/cli/remote.ts), progress bar included.
import { formatNumber } from '../platform/numbers.ts';
import type { Command } from './command.ts';
import { UsageError, stoppedMessage } from './command.ts';
import type { Deps } from '../deps.ts';
import { getNewsletterBySlug, listNewsletters } from '../newsletters/newsletters.ts';
import { buildEdition, discardEmptyDraft, listEditions, pendingEdition, sendStatus, startSend, type Edition, type SendStatus } from '../newsletters/editions.ts';
import { runSend } from '../newsletters/delivery/runner.ts';

async function activeEdition(deps: Deps, newsletterId: number): Promise<Edition | undefined> {
  const [e] = await listEditions(deps.db, { newsletter: newsletterId, status: ['sending', 'paused'], limit: 1 });
  return e;
}

const summary = (s: SendStatus, locale: string) => `${formatNumber(s.sent, locale)} sent, ${formatNumber(s.failed, locale)} failed, ${formatNumber(s.skipped, locale)} skipped, ${formatNumber(s.queued, locale)} queued`;

export const editionsSendCommand: Command = {
  name: 'editions send',
  summary: "Build today's edition of a newsletter (unless one is waiting) and send it now",
  usage:
    'newsdesk editions send SLUG\n  Sends the edition in progress, or the draft/scheduled one, or builds a new one from the newsletter\'s rules,\n  with a progress bar; returns when the send is done. Running it again after an interruption completes the send.',
  remote: true,
  async run({ deps, io }, args) {
    const slug = args.positionals[0];
    if (!slug || args.positionals.length > 1) throw new UsageError('Name one newsletter, e.g. "newsdesk editions send daily".');
    const n = await getNewsletterBySlug(deps.db, slug);
    if (!n) {
      const all = await listNewsletters(deps.db);
      io.err(`Error: there is no newsletter "${slug}". Newsletters: ${all.map((x) => x.slug).join(', ') || 'none'}.`);
      return 1;
    }
    let edition = await activeEdition(deps, n.id);
    if (edition?.status === 'paused') {
      io.err(`Error: edition No. ${edition.number} of ${n.name} is paused (${edition.paused_reason ?? 'no reason given'}). Resume it in the app, or cancel it, first.`);
      return 1;
    }
    if (edition) {
      io.out(`Continuing the send of ${n.name} No. ${edition.number}: "${edition.subject}".`);
    } else {
      edition = await pendingEdition(deps.db, n.id);
      // An empty draft (no stories, no intro, no schedule: what a build with nothing to pick from
      // leaves) is not an editor's work: build afresh instead of being blocked by it.
      if (edition && (await discardEmptyDraft(deps.db, edition.id))) edition = undefined;
      if (!edition) {
        const built = await buildEdition(deps, n.id);
        if (!built.items.length) {
          await discardEmptyDraft(deps.db, built.id);
          io.err(`Error: no stories for ${n.name}: nothing matching its rules was published since the last edition. Nothing was sent and no draft was kept; publish stories, or build and fill an edition in the newsroom.`);
          return 1;
        }
        io.out(`Built ${n.name} No. ${built.number} with ${built.items.length} stor${built.items.length === 1 ? 'y' : 'ies'}: "${built.subject}".`);
        edition = built;
      }
      const started = await startSend(deps, edition.id);
      io.out(`Sending to ${formatNumber(started.queued, deps.config.locale)} subscriber${started.queued === 1 ? '' : 's'} ${deps.config.smtpUrl ? `through ${new URL(deps.config.smtpUrl).host}` : `into the outbox (${deps.config.dataDir}/outbox; set SMTP_URL to send)`}.`);
    }
    const id = edition.id;
    const progress = (s: SendStatus) => io.progress(s.sent + s.failed + s.skipped, s.total, `${formatNumber(s.sent, deps.config.locale)} sent, ${formatNumber(s.failed, deps.config.locale)} failed`);
    let result: SendStatus = await runSend(deps, id, { onProgress: progress });
    if ((result as { runningElsewhere?: boolean }).runningElsewhere) {
      io.out('Another Newsdesk process is sending this edition; following its progress.');
      while (result.status === 'sending') {
        await new Promise((r) => setTimeout(r, 500));
        result = await sendStatus(deps.db, id);
        progress(result);
      }
    }
    if (result.status === 'sent') {
      io.out(`Done: ${n.name} No. ${result.number}: ${summary(result, deps.config.locale)}.`);
      if (result.failed) io.out(`${result.failed} address${result.failed === 1 ? ' was' : 'es were'} refused; see the edition's deliveries in the app.`);
      return 0;
    }
    if ((result as { shutdown?: boolean }).shutdown) {
      // The process is shutting down (SIGTERM to the server, or to this command run directly): every
      // message answered so far is recorded.
      io.err(stoppedMessage(deps));
      return 1;
    }
    if (result.status === 'paused') io.err(`Error: the send was paused: ${result.pausedReason ?? 'no reason given'} (${summary(result, deps.config.locale)}).`);
    else if (result.status === 'cancelled') io.err(`Error: the send was cancelled (${summary(result, deps.config.locale)}).`);
    else io.err(`Error: the send stopped before the end (${summary(result, deps.config.locale)}). Run the command again to continue it.`);
    return 1;
  },
};

export const editionsStatusCommand: Command = {
  name: 'editions status',
  summary: "Each newsletter's latest editions and their delivery counts",
  usage: 'newsdesk editions status',
  remote: true,
  async run({ deps, io }, args) {
    if (args.positionals.length) throw new UsageError('"editions status" takes no arguments.');
    const newsletters = await listNewsletters(deps.db);
    if (!newsletters.length) {
      io.out('There are no newsletters.');
      return 0;
    }
    for (const n of newsletters) {
      io.out(`${n.name} (${n.slug})${n.active ? '' : ' [inactive]'}`);
      const editions = await listEditions(deps.db, { newsletter: n.id, limit: 3 });
      if (!editions.length) io.out('  no editions yet');
      for (const e of editions) {
        const s = await sendStatus(deps.db, e.id);
        const when = e.sent_at ?? e.send_started_at ?? e.scheduled_at ?? e.created_at;
        io.out(`  No. ${e.number}  ${e.status.padEnd(9)} ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC  ${s.total ? summary(s, deps.config.locale) : 'no deliveries'}${e.paused_reason ? `  (${e.paused_reason})` : ''}`);
      }
    }
    return 0;
  },
};
