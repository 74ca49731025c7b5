// `newsdesk wire cluster FILE.jsonl`: the live wire's story clustering, offline. Reads one item a line,
// {"id","title","text"?,"outlet"?,"url"?,"published"}, clusters them one at a time in published order
// (ties by id, so the input's order does not matter) exactly as the live wire does, and writes one
// {"id","story"} line per input item, in input order. No database, no network. A bad line stops the run
// before anything is written, with every bad line named.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { StoryClusterer, streamOrder, type WireItem } from '../newswire/cluster/clusterer.ts';
import { ItemLineError, parseItemLine } from '../newswire/cluster/items.ts';

const MAX_REPORTED = 20;

export const wireClusterCommand: Command = {
  name: 'wire cluster',
  summary: 'Cluster news items (JSON lines) into stories, offline',
  usage:
    'newsdesk wire cluster FILE.jsonl\n' +
    '  FILE.jsonl has one item a line: {"id", "title", "text" (optional), "outlet" (optional), "url" (optional),\n' +
    '  "published" (ISO 8601, like 2026-03-10T14:05:00Z or 20260310T140500+0100; a bare day, 2026-03-10, is\n' +
    '  midnight UTC, and a time with no zone is read as UTC, with a note)}; "-" reads standard input. The items are clustered in published order, one at a time, exactly as\n' +
    '  the live wire would; one {"id", "story"} line per input item is written to standard output in input\n' +
    '  order. Stories are numbered from 1 in the order they start. No database, no network; the same input\n' +
    '  gives the same output. A bad line stops the run before anything is written, with each bad line named.',
  remote: false,
  offline: true,
  async run({ io, cwd }, args) {
    if (args.positionals.length !== 1) throw new UsageError('Name one JSON-lines file, e.g. "newsdesk wire cluster items.jsonl".');
    const arg = args.positionals[0]!;
    const file = arg === '-' ? null : path.resolve(cwd, arg);
    const label = file ? arg : 'standard input';
    if (file) {
      let st: fs.Stats;
      try {
        st = fs.statSync(file);
      } catch {
        io.err(`Error: cannot read ${arg}: no such file.`);
        return 1;
      }
      if (!st.isFile()) {
        io.err(`Error: ${arg} is not a file.`);
        return 1;
      }
    }
    const input = file ? fs.createReadStream(file, { encoding: 'utf8' }) : process.stdin.setEncoding('utf8');
    const items: WireItem[] = [];
    /** The id exactly as given (a number stays a number in the output). */
    const rawIds: Array<string | number> = [];
    const firstLine = new Map<string, number>();
    const errors: string[] = [];
    let errorCount = 0;
    let unzoned = 0;
    let n = 0;
    try {
      for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
        n++;
        try {
          const parsed = parseItemLine(n === 1 ? line.replace(/^\uFEFF/, '') : line, n);
          if (!parsed) continue;
          const it = parsed.item;
          const seen = firstLine.get(it.id);
          if (seen !== undefined) throw new ItemLineError(n, `item "${it.id}" again (first on line ${seen}): every id must be unique`);
          firstLine.set(it.id, n);
          items.push(it);
          rawIds.push(parsed.rawId);
          if (!parsed.zoned) unzoned++;
        } catch (e) {
          if (!(e instanceof ItemLineError)) throw e;
          errorCount++;
          if (errors.length < MAX_REPORTED) errors.push(`${label}: ${e.message}`);
        }
      }
    } catch (e) {
      io.err(`Error: cannot read ${label}: ${(e as Error).message}`);
      return 1;
    }
    if (errorCount) {
      for (const m of errors) io.err(m);
      if (errorCount > errors.length) io.err(`... and ${errorCount - errors.length} more bad line(s).`);
      io.err(`Error: ${errorCount} bad line(s) in ${label}; nothing was clustered. Each line must be a JSON object with "id", "title" and "published".`);
      return 1;
    }
    if (unzoned) io.err(`Note: ${unzoned} item(s) of ${label} give a published time with no time zone; read as UTC.`);
    const clusterer = new StoryClusterer();
    for (const it of [...items].sort(streamOrder)) clusterer.add(it);
    for (let i = 0; i < items.length; i++) io.out(JSON.stringify({ id: rawIds[i], story: clusterer.storyOf(items[i]!.id) }));
    return 0;
  },
};
