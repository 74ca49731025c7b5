// A full re-cluster of the wire's items (issue #12: "Merges and splits are recorded so a later
// re-cluster keeps the editors' decisions"), run by `newsdesk wire recluster [--since DATE]`: the items
// published since DATE (default: the live window) go through the clusterer from scratch, in published
// order, with the editors' recorded merges, splits and renames as constraints (storyConstraints), and
// the result is written back so that public addresses do not break:
//   - each new cluster keeps the id and slug of the stored story it shares most items with (greedy, by
//     overlap, one cluster per story), so /story/{slug} and articles' story keys stay;
//   - a cluster that overlaps no remaining story becomes a new story;
//   - a stored story left with no items is marked merged into the story that took most of its items,
//     like an editor's merge: its address redirects there, our articles on it follow, a pin carries
//     over. It is not recorded as an editor's decision (the next re-cluster may decide otherwise);
//   - renames go to the story holding most of the items they were given with (later ones win); pins
//     and hides stay with their story.
// Items published before DATE keep their story. The write is one transaction that bumps the live
// wire's version (every process rebuilds its clusterer from the tables before clustering again); if
// another process changed the assignments while this one was clustering, nothing is written and the
// command says to run it again. Items stored meanwhile wait for the live wire, as always.
import type { Db } from '../../db/index.ts';
import { ConflictError, ValidationError } from '../../platform/errors.ts';
import { CONTENT_CHANNEL } from '../../platform/channels.ts';
import { clusterItems } from '../cluster/index.ts';
import { announceStoryChanges } from '../coverage/coverage.ts';
import { getStorySettings } from './store.ts';
import {
  WINDOW_DAYS, bumpVersion, clusterStamp, createStoryRow, liveWire, mergeStoryRows, recountStories, storeSeams, storyConstraints, toWireItem, type LiveDeps, ITEM_COLS, type ItemRow,
} from './live.ts';

const DAY = 86_400_000;

export interface ReclusterSummary {
  since: string;
  items: number;
  /** Stories after the re-cluster that hold items of the range. */
  stories: number;
  /** Of those, stories that kept their id and slug. */
  kept: number;
  /** Of those, new stories. */
  created: number;
  /** Stored stories whose items all went into others: their slugs redirect. */
  absorbed: Array<{ id: number; slug: string; into: number; intoSlug: string }>;
  /** Items that changed story. */
  moved: number;
  /** Editors' decisions applied as constraints. */
  decisions: { merges: number; splits: number; renames: number };
}

/** Parses --since: a date (YYYY-MM-DD, midnight UTC) or an ISO 8601 time. */
export function parseSince(v: string, now: Date): Date {
  const s = v.trim();
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(s) ? new Date(s) : new Date(NaN);
  if (Number.isNaN(d.getTime()) || (/^\d{4}-\d{2}-\d{2}$/.test(s) && d.toISOString().slice(0, 10) !== s)) {
    throw new ValidationError(`"${v}" is not a date: give YYYY-MM-DD or an ISO 8601 time such as 2026-11-20T06:00:00Z.`, { since: 'A date.' });
  }
  if (d.getTime() > now.getTime()) throw new ValidationError(`--since ${v} is in the future: nothing was published after it.`, { since: 'A past date.' });
  return d;
}


/** Re-clusters the items published since `since` (default: the live window) and writes the result. */
export async function reclusterWire(d: LiveDeps, opts: { since?: Date; onProgress?: (done: number, total: number) => void } = {}): Promise<ReclusterSummary> {
  const now = d.clock.now();
  const since = opts.since ?? new Date(now.getTime() - WINDOW_DAYS * DAY);
  const lw = liveWire(d.runtime, d.db);
  return lw.lock(async () => {
    const read = await clusterStamp(d.db);
    const rows: ItemRow[] = [];
    for (let after: { at: Date; id: number } | null = null; ; ) {
      const page: ItemRow[] = await d.db.query<ItemRow>(
        `SELECT ${ITEM_COLS} FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
          WHERE i.published_at >= $1 ${after ? 'AND (i.published_at, i.id) > ($2, $3)' : ''} ORDER BY i.published_at, i.id LIMIT 5000`,
        after ? [since, after.at, after.id] : [since],
      );
      rows.push(...page);
      if (page.length < 5000) break;
      const last = page[page.length - 1]!;
      after = { at: new Date(last.published_at), id: Number(last.id) };
      await new Promise<void>((r) => setImmediate(r));
    }
    const constraints = await storyConstraints(d.db);
    const decisions = {
      merges: constraints.filter((c) => c.kind === 'merge').length,
      splits: constraints.filter((c) => c.kind === 'split').length,
      renames: constraints.filter((c) => c.kind === 'rename').length,
    };
    const summary: ReclusterSummary = { since: since.toISOString(), items: rows.length, stories: 0, kept: 0, created: 0, absorbed: [], moved: 0, decisions };
    if (!rows.length) return summary;

    const items = rows.map(toWireItem);
    const byId = new Map(items.map((it) => [it.id, it]));
    const { assignments, clusterer, seams } = clusterItems(items, { windowDays: WINDOW_DAYS }, constraints);
    const oldOf = new Map(rows.map((r) => [String(r.id), r.story_id === null ? null : Number(r.story_id)]));

    // Overlap of each new cluster with each stored story, then a greedy one-to-one match by overlap.
    const overlap = new Map<string, { cluster: number; story: number; n: number }>();
    const clusterSize = new Map<number, number>();
    for (const [item, cluster] of assignments) {
      clusterSize.set(cluster, (clusterSize.get(cluster) ?? 0) + 1);
      const old = oldOf.get(item);
      if (old === null || old === undefined) continue;
      const k = `${cluster}:${old}`;
      const o = overlap.get(k);
      if (o) o.n++;
      else overlap.set(k, { cluster, story: old, n: 1 });
    }
    const pairs = [...overlap.values()].sort((a, b) => b.n - a.n || a.story - b.story || a.cluster - b.cluster);
    const toDb = new Map<number, number>();
    const taken = new Set<number>();
    /** Each stored story's largest overlap: where its items went, if it is left empty. */
    const bestOf = new Map<number, { cluster: number; story: number; n: number }>();
    for (const p of pairs) if (!bestOf.has(p.story)) bestOf.set(p.story, p);
    for (const p of pairs) {
      if (toDb.has(p.cluster) || taken.has(p.story)) continue;
      toDb.set(p.cluster, p.story);
      taken.add(p.story);
    }

    const settings = await getStorySettings(d.db);
    const clusters = [...clusterSize.keys()].sort((a, b) => a - b);
    try {
      await d.db.tx(async (tx) => {
        const bump = await bumpVersion(tx);
        if (bump.before !== read.version || bump.beforeEpoch !== read.epoch) throw new ConflictError('The wire’s stories changed while re-clustering (another process clustered or an editor decided): nothing was written; run it again.');
        for (const cluster of clusters) {
          if (toDb.has(cluster)) continue;
          const view = clusterer.story(cluster)!;
          toDb.set(cluster, await createStoryRow(tx, view.title || byId.get(view.items[0]!)!.title, new Date(view.first)));
          summary.created++;
        }
        const assign: Array<{ id: number; story: number }> = [];
        for (const [item, cluster] of assignments) {
          const story = toDb.get(cluster)!;
          if (oldOf.get(item) !== story) {
            assign.push({ id: Number(item), story });
            summary.moved++;
          }
        }
        for (let i = 0; i < assign.length; i += 5000) {
          await tx.query(
            `UPDATE wire_items SET story_id = a.story FROM json_to_recordset($1::json) AS a(id bigint, story bigint) WHERE wire_items.id = a.id`,
            [JSON.stringify(assign.slice(i, i + 5000))],
          );
        }
        // The range's seams are the re-cluster's (what a rebuild on start gives back to the clusterer).
        await tx.query('DELETE FROM wire_item_seams WHERE item_id = ANY($1::bigint[])', [rows.map((r) => Number(r.id))]);
        await storeSeams(tx, [...seams].map(([id, pre]) => ({ id: Number(id), pre: pre.map(Number) })));
        // Stored stories left empty go into the story that took most of their items.
        const oldStories = [...new Set([...oldOf.values()].filter((x): x is number => x !== null))];
        const left = new Set(
          (await tx.query<{ story_id: string }>('SELECT DISTINCT story_id FROM wire_items WHERE story_id = ANY($1::bigint[])', [oldStories])).map((r) => Number(r.story_id)),
        );
        const touched = new Set<number>([...toDb.values()]);
        for (const old of oldStories.sort((a, b) => a - b)) {
          if (left.has(old)) {
            touched.add(old);
            continue;
          }
          const best = bestOf.get(old)!;
          const into = toDb.get(best.cluster)!;
          await mergeStoryRows(tx, into, old);
          const slugs = await tx.query<{ id: string; slug: string }>('SELECT id, slug FROM wire_stories WHERE id = ANY($1::bigint[])', [[old, into]]);
          const slug = (id: number) => slugs.find((r) => Number(r.id) === id)!.slug;
          summary.absorbed.push({ id: old, slug: slug(old), into, intoSlug: slug(into) });
          touched.delete(old);
        }
        // Editors' titles: each rename goes to the story now holding most of the items it was given
        // with (later ones win). The story that held most of them before loses its editor's title when
        // the rename went elsewhere and none lands on it; other stories keep theirs.
        const ids = [...touched];
        const mostOf = (list: string[], storyOf: (item: string) => number | null | undefined): number => {
          const count = new Map<number, number>();
          for (const i of list) {
            const s = storyOf(i);
            if (s !== undefined && s !== null) count.set(s, (count.get(s) ?? 0) + 1);
          }
          let best = -1;
          let n = 0;
          for (const [s, k] of count) if (k > n || (k === n && s < best)) [best, n] = [s, k];
          return best;
        };
        const renameTo = new Map<number, string>();
        const renameFrom = new Set<number>();
        for (const c of constraints) {
          if (c.kind !== 'rename') continue;
          const to = mostOf(c.items, (i) => {
            const k = assignments.get(i);
            return k === undefined ? undefined : toDb.get(k);
          });
          if (to === -1) continue;
          renameTo.set(to, c.title);
          const from = mostOf(c.items, (i) => oldOf.get(i));
          if (from !== -1 && from !== to) renameFrom.add(from);
        }
        const lose = [...renameFrom].filter((id) => !renameTo.has(id) && touched.has(id));
        if (lose.length) await tx.query('UPDATE wire_stories SET title_by_editor = false WHERE id = ANY($1::bigint[])', [lose]);
        for (const [id, title] of renameTo) await tx.query('UPDATE wire_stories SET title = $2, title_by_editor = true WHERE id = $1', [id, title.slice(0, 500)]);
        const titles = new Map<number, string>();
        for (const cluster of clusters) {
          const id = toDb.get(cluster)!;
          const t = clusterer.story(cluster)?.title;
          if (t && !renameTo.has(id)) titles.set(id, t);
        }
        await recountStories(tx, ids, settings, titles);
        await announceStoryChanges(tx, ids);
        summary.stories = clusters.length;
        summary.kept = clusters.length - summary.created;
      });
    } finally {
      // Whatever happened, this process's clusterer is rebuilt from the tables before it clusters again.
      lw.invalidate();
    }
    await d.db.notify(CONTENT_CHANNEL, 'stories').catch(() => undefined);
    return summary;
  });
}
