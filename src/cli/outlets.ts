// The newswire's commands (issue #11): `outlets add`, `outlets import`, `outlets list`,
// `outlets discover` and `wire poll`. All are `remote`: while `newsdesk serve` holds the embedded
// database they run inside it (src/cli/remote.ts), reading files relative to the caller's directory.
import { formatNumber } from '../platform/numbers.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from './command.ts';
import { UsageError, stoppedMessage } from './command.ts';
import { ValidationError, NotFoundError, ConflictError } from '../platform/errors.ts';
import { createOutlet, getOutletBySlug, listOutlets, LEANS, parseLean } from '../newswire/outlets.ts';
import { importOutletsCsv } from '../newswire/import.ts';
import { discoverFeeds } from '../newswire/discover.ts';
import { pollWire } from '../newswire/poller.ts';

function userError(e: unknown): never {
  if (e instanceof ValidationError || e instanceof NotFoundError || e instanceof ConflictError) throw new UsageError(e.message);
  throw e;
}

export const outletsAddCommand: Command = {
  name: 'outlets add',
  summary: 'Add an outlet to the newswire (its feeds given, or found from its home page)',
  usage:
    'newsdesk outlets add --name NAME --url URL [--feed URL]... [--lean LEAN] [--country CC] [--language LANG] [--no-fetch]\n' +
    `  LEAN is one of ${LEANS.join(', ')}. Without --feed, the home page is read for its feeds\n` +
    '  (<link rel="alternate"> and the usual paths). --no-fetch: read the feeds only, never the article pages.',
  options: { name: { type: 'string' }, url: { type: 'string' }, feed: { type: 'string', multiple: true }, lean: { type: 'string' }, country: { type: 'string' }, language: { type: 'string' }, 'no-fetch': { type: 'boolean', default: false } },
  remote: true,
  async run({ deps, io }, { values, positionals }) {
    if (positionals.length) throw new UsageError(`Unexpected argument(s): ${positionals.join(' ')}`);
    if (typeof values.name !== 'string' || !values.name.trim()) throw new UsageError('Give the outlet a name with --name NAME.');
    if (typeof values.url !== 'string') throw new UsageError('Give the outlet\u2019s home page with --url URL.');
    if (values.lean !== undefined && !parseLean(values.lean as string)) throw new UsageError(`--lean must be one of ${LEANS.join(', ')}; got "${values.lean}".`);
    let feeds = (values.feed as string[] | undefined) ?? [];
    if (!feeds.length) {
      try {
        new URL(values.url);
      } catch {
        throw new UsageError(`--url must be an absolute http(s) URL, got "${values.url}".`);
      }
      io.out(`Looking for feeds on ${values.url} ...`);
      const found = await discoverFeeds(deps.config.wire, values.url);
      for (const n of found.notes) io.err(`  ${n}`);
      feeds = found.feeds.map((f) => f.url);
      for (const f of found.feeds) io.out(`  found ${f.format} feed ${f.url} (${f.items} item(s))`);
      if (!feeds.length) io.err('No feed found: the outlet is added without one; add one with the Admin API or the Outlets screen.');
    }
    try {
      const o = await createOutlet(deps.db, { name: values.name, url: values.url, feeds, lean: values.lean as string | undefined, country: values.country as string | undefined, language: values.language as string | undefined, fetch_allowed: !values['no-fetch'] });
      io.out(`Added ${o.name} (${o.slug}), lean ${o.lean}, ${o.feeds.length} feed(s)${o.fetch_allowed ? '' : ', article pages not fetched'}.`);
    } catch (e) {
      userError(e);
    }
    return 0;
  },
};

export const outletsImportCommand: Command = {
  name: 'outlets import',
  summary: 'Import outlets from a CSV file (our columns, or the AllSides ratings export)',
  usage:
    'newsdesk outlets import FILE.csv\n' +
    '  Columns: name,url,feed_url,lean,country,language (a second row with the same name adds a feed).\n' +
    '  The AllSides Media Bias Ratings export is recognised by its header; its news outlets are imported\n' +
    '  with their rating (source AllSides, with its confidence). Matching outlets (by name) are updated;\n' +
    '  running an import twice changes nothing. Bad rows are reported by line and skipped.',
  remote: true,
  async run({ deps, io, cwd }, { positionals }) {
    if (positionals.length !== 1) throw new UsageError('Name one CSV file.');
    const full = path.resolve(cwd, positionals[0]!);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch (e: any) {
      throw new UsageError(`Cannot read ${full}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    let r;
    try {
      r = await importOutletsCsv(deps.db, text, { onProgress: (d, t) => io.progress(d, t, 'outlets'), signal: deps.runtime.stopping });
    } catch (e) {
      userError(e);
    }
    for (const s of r.skipped) io.err(`Line ${s.line}: ${s.message}`);
    if (r.stopped) {
      io.out(
        `Stopped after ${formatNumber(r.done!, deps.config.locale)} row(s) of ${path.basename(full)}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped.length} skipped so far. ` +
          'Every row read so far is imported; importing the file again continues (outlets already imported are left as they are).',
      );
      io.err(stoppedMessage(deps));
      return 1;
    }
    io.out(`Read ${r.total} row(s) (${r.format === 'allsides' ? 'AllSides ratings export' : 'Newsdesk columns'}): ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped.length} skipped.`);
    return r.skipped.length && !r.added && !r.updated && !r.unchanged ? 1 : 0;
  },
};

export const outletsListCommand: Command = {
  name: 'outlets list',
  summary: 'List the newswire\u2019s outlets with their lean, feeds and health',
  usage: 'newsdesk outlets list [--lean LEAN] [--json]',
  options: { lean: { type: 'string' }, json: { type: 'boolean', default: false } },
  remote: true,
  async run({ deps, io }, { values }) {
    const lean = values.lean === undefined ? undefined : parseLean(values.lean as string);
    if (lean === null) throw new UsageError(`--lean must be one of ${LEANS.join(', ')}.`);
    const { outlets } = await listOutlets(deps.db, { lean });
    if (values.json) {
      for (const o of outlets) io.out(JSON.stringify(o));
      return 0;
    }
    if (!outlets.length) {
      io.out('No outlets yet. Add one with: newsdesk outlets add --name NAME --url URL');
      return 0;
    }
    const rows = outlets.map((o) => [o.slug, o.lean, String(o.feeds.length), o.active ? 'active' : 'paused', o.last_polled_at?.slice(0, 16).replace('T', ' ') ?? 'never', String(o.items_per_day), o.last_error ?? '']);
    const head = ['SLUG', 'LEAN', 'FEEDS', 'STATE', 'LAST POLL (UTC)', 'ITEMS/DAY', 'LAST ERROR'];
    const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ').trimEnd();
    io.out(fmt(head));
    for (const r of rows) io.out(fmt(r));
    io.out(`${outlets.length} outlet(s).`);
    return 0;
  },
};

export const outletsDiscoverCommand: Command = {
  name: 'outlets discover',
  summary: 'Find the feeds of a home page',
  usage: 'newsdesk outlets discover URL\n  Reads <link rel="alternate"> on the page, then tries the usual feed paths; lists each feed found.',
  remote: true,
  async run({ deps, io }, { positionals }) {
    if (positionals.length !== 1) throw new UsageError('Give one home page URL.');
    try {
      if (!/^https?:$/.test(new URL(positionals[0]!).protocol)) throw new Error();
    } catch {
      throw new UsageError(`Not an http(s) URL: ${positionals[0]}`);
    }
    const r = await discoverFeeds(deps.config.wire, positionals[0]!);
    for (const n of r.notes) io.err(n);
    for (const f of r.feeds) io.out(`${f.url}\t${f.format}\t${f.items} item(s)\t${f.title ?? ''}`.trimEnd());
    return r.feeds.length ? 0 : 1;
  },
};

export const wirePollCommand: Command = {
  name: 'wire poll',
  summary: 'Poll the newswire\u2019s feeds now, then fetch and extract the new items\u2019 pages',
  usage:
    'newsdesk wire poll [--outlet SLUG]\n' +
    '  Polls every active outlet\u2019s feeds (or one outlet\u2019s) now, whatever their interval, still honouring\n' +
    '  each host\u2019s gap (WIRE_HOST_GAP_MS) and Retry-After; returns when the new pages are fetched and\n' +
    '  extracted, with a summary per outlet.',
  options: { outlet: { type: 'string' } },
  remote: true,
  async run({ deps, io }, { values, positionals }) {
    if (positionals.length) throw new UsageError(`Unexpected argument(s): ${positionals.join(' ')}`);
    const slug = values.outlet as string | undefined;
    if (slug !== undefined) {
      try {
        const o = await getOutletBySlug(deps.db, slug);
        if (!o.active) throw new UsageError(`${o.name} is paused; resume it first.`);
        if (o.demo) throw new UsageError(`${o.name} is a demo outlet: its items are part of the demo and it has nothing to poll.`);
        if (!o.feeds.length) throw new UsageError(`${o.name} has no feed to poll.`);
      } catch (e) {
        userError(e);
      }
    }
    const r = await pollWire(deps, { outlet: slug, force: true, onProgress: (d, t) => io.progress(d, t, 'feeds and pages') });
    if (!r.feeds && !r.pages) {
      io.out('Nothing to poll: no active outlet with a feed (the demo\u2019s outlets are never polled). Add one with: newsdesk outlets add --name NAME --url URL');
      return 0;
    }
    for (const o of r.outlets) {
      io.out(`${o.name} (${o.slug}): ${o.newItems} new item(s), ${o.extracted} extracted, ${o.errors.length} error(s)`);
      for (const e of o.errors) io.err(`  ${o.slug}: ${e}`);
    }
    io.out(`Polled ${r.feeds} feed(s): ${r.newItems} new item(s), ${r.extracted} of ${r.pages} page(s) extracted, ${r.errors} error(s)${r.leftOver ? `, ${r.leftOver} left for a later poll (a host asked to wait)` : ''}.`);
    return r.errors && !r.newItems && !r.extracted ? 1 : 0;
  },
};

export const wireCommands: Command[] = [outletsAddCommand, outletsImportCommand, outletsListCommand, outletsDiscoverCommand, wirePollCommand];
