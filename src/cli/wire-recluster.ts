// `newsdesk wire recluster [--since DATE]` (issue #12): re-runs the story clusterer over the items
// published since DATE (default: the live wire's window) with the editors' recorded merges, splits and
// renames, keeping story ids and slugs where a story survives and redirecting the slugs of stories that
// were absorbed (src/newswire/stories/recluster.ts). Remote: inside `newsdesk serve` when it holds the
// embedded database.
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { ConflictError, ValidationError } from '../platform/errors.ts';
import { WINDOW_DAYS } from '../newswire/stories/live.ts';
import { parseSince, reclusterWire } from '../newswire/stories/recluster.ts';

export const wireReclusterCommand: Command = {
  name: 'wire recluster',
  summary: 'Re-cluster the wire\u2019s items into stories, keeping the editors\u2019 merges, splits and renames',
  usage:
    'newsdesk wire recluster [--since DATE]\n' +
    `  Runs the story clusterer again over the items published since DATE (YYYY-MM-DD, or an ISO 8601 time;\n` +
    `  default: the last ${WINDOW_DAYS} days), in published order, with the editors\u2019 recorded merges, splits and\n` +
    '  renames. A story keeps its id and address (/story/{slug}) when it survives (the new story sharing most\n' +
    '  of its items takes it); the address of a story whose items all went into another redirects there.\n' +
    '  Pins and hides stay with their story. Items published before DATE keep their story.',
  options: { since: { type: 'string' } },
  remote: true,
  async run({ deps, io }, { values, positionals }) {
    if (positionals.length) throw new UsageError(`Unexpected argument(s): ${positionals.join(' ')}`);
    let since: Date | undefined;
    if (values.since !== undefined) {
      if (typeof values.since !== 'string' || !values.since.trim()) throw new UsageError('--since needs a date, e.g. --since 2026-11-20.');
      try {
        since = parseSince(values.since, deps.clock.now());
      } catch (e) {
        if (e instanceof ValidationError) throw new UsageError(e.message);
        throw e;
      }
    }
    try {
      const r = await reclusterWire(deps, { since });
      if (!r.items) {
        io.out(`No items published since ${r.since}: nothing to re-cluster.`);
        return 0;
      }
      io.out(
        `Re-clustered ${r.items} item(s) published since ${r.since} into ${r.stories} stories: ${r.kept} kept their address, ${r.created} new, ${r.absorbed.length} absorbed into others; ${r.moved} item(s) changed story.`,
      );
      io.out(`Editors\u2019 decisions kept: ${r.decisions.merges} merge(s), ${r.decisions.splits} split(s), ${r.decisions.renames} rename(s).`);
      for (const a of r.absorbed) io.out(`  /story/${a.slug} now redirects to /story/${a.intoSlug} (story ${a.id} went into ${a.into})`);
      return 0;
    } catch (e) {
      if (e instanceof ConflictError) {
        io.err(e.message);
        return 1;
      }
      throw e;
    }
  },
};
