// The live wire (issue #12): items are put into stories as they are stored. The poll run queues the
// cluster job (WIRE_CLUSTER_JOB, one at a time by its dedupe key); the job takes every item whose
// story_id is still NULL, in published order, through this process's in-memory clusterer
// (src/newswire/cluster, decision 0042) and writes the assignments, new stories and their counts in
// one transaction per batch. So an item stored just before a crash is clustered by the next run, and
// `serve` queues a run on start.
//
// The clusterer's state is rebuilt from the tables (the window's assigned items, with the editors'
// decisions as constraints) when this process first clusters, and whenever another writer got in
// between: every write to the assignments bumps wire_cluster_state.version under its row lock and
// draws a new random epoch, and a batch that finds a version or an epoch it did not write rebuilds
// first (the epoch tells a restored backup at the same version apart: decision 0082). Editors'
// decisions made in this process are applied to the in-memory state too (decisions.ts), so they cost
// no rebuild.
import { announceStoryChanges, announceStorySlugs } from '../coverage/coverage.ts';
import type { Db } from '../../db/index.ts';
import type { Log } from '../../platform/log.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { enqueue } from '../../platform/jobs.ts';
import { slugify } from '../../platform/sanitize.ts';
import { StoryClusterer, type AutoSplit, type Constraint, type WireItem } from '../cluster/index.ts';
import { getStorySettings, STORY_SETTING_KEYS, storySettingsFrom, type StorySettings } from './store.ts';

export const WIRE_CLUSTER_JOB = 'newswire.cluster';
/** Days of items the clusterer holds (by published time). */
export const WINDOW_DAYS = 7;
const DAY = 86_400_000;
/** Items per transaction. */
const BATCH = 200;
/** Characters of an item's text the clusterer is given (it reads the lead only). */
const TEXT_CHARS = 2000;

export interface LiveDeps {
  db: Db;
  log: Log;
  clock: Clock;
  runtime: Runtime;
}

/** A batch found the assignments changed by another writer since this process's state was built. */
class StaleStateError extends Error {}

/** One process's clusterer over one database, with the map between its story numbers and stories' ids. */
export class LiveWire {
  clusterer: StoryClusterer | null = null;
  /** wire_cluster_state.version the in-memory state matches. */
  version = -1;
  /** wire_cluster_state.epoch with it: the version names a state only together with the epoch (decision 0082). */
  epoch = '';
  /** Clusterer story number -> wire_stories.id, and back. */
  readonly toDb = new Map<number, number>();
  readonly toCluster = new Map<number, number>();
  /** What the last rebuild took. */
  lastRebuild: { items: number; ms: number } | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  get ready(): boolean {
    return this.clusterer !== null;
  }

  /** Runs `fn` with this state to itself (clustering batches and editors' decisions take turns). */
  lock<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Whether this state is the one `bump` found (its version and epoch): then this process may apply the write itself. */
  inStepWith(bump: ClusterBump): boolean {
    return this.ready && this.version === bump.before && this.epoch === bump.beforeEpoch;
  }

  /** The state now matches what `bump` wrote (after its transaction committed). */
  advance(bump: ClusterBump): void {
    this.version = bump.before + 1;
    this.epoch = bump.epoch;
  }

  invalidate(): void {
    this.clusterer = null;
    this.version = -1;
    this.epoch = '';
    this.toDb.clear();
    this.toCluster.clear();
  }

  map(clusterStory: number, dbStory: number): void {
    const old = this.toDb.get(clusterStory);
    if (old !== undefined && this.toCluster.get(old) === clusterStory) this.toCluster.delete(old);
    this.toDb.set(clusterStory, dbStory);
    this.toCluster.set(dbStory, clusterStory);
  }

  unmapDb(dbStory: number): void {
    const c = this.toCluster.get(dbStory);
    this.toCluster.delete(dbStory);
    if (c !== undefined && this.toDb.get(c) === dbStory) this.toDb.delete(c);
  }
}

/** This process's live wire for `db` (kept in the runtime: two apps in one process share nothing). */
export function liveWire(runtime: Runtime, db: Db): LiveWire {
  const all = runtime.local('newswire.live', () => new WeakMap<Db, LiveWire>());
  let lw = all.get(db);
  if (!lw) all.set(db, (lw = new LiveWire()));
  return lw;
}

/** An item as the clusterer reads it (ITEM_COLS; `wire_items i JOIN wire_outlets o`). */
export interface ItemRow {
  id: string | number;
  outlet_id: number;
  outlet_name: string;
  title: string;
  text: string | null;
  url: string;
  published_at: string | Date;
  story_id: string | number | null;
}

export const ITEM_COLS = `i.id, i.outlet_id, o.name AS outlet_name, i.title, left(coalesce(i.text, i.summary), ${TEXT_CHARS}) AS text, i.url, i.published_at, i.story_id`;

export function toWireItem(r: ItemRow): WireItem {
  return { id: String(r.id), title: r.title, text: r.text, outlet: r.outlet_name, outletKey: `#${r.outlet_id}`, url: r.url, published: new Date(r.published_at).getTime() };
}

/** The editors' recorded merges, splits and renames as the clusterer's constraints, oldest first. */
export async function storyConstraints(db: Db): Promise<Constraint[]> {
  const rows = await db.query<{ kind: string; item_ids: unknown[]; from_item_ids: unknown[]; title: string | null }>(
    `SELECT kind, item_ids, from_item_ids, title FROM wire_story_decisions WHERE kind IN ('merge', 'split', 'rename') ORDER BY id`,
  );
  const out: Constraint[] = [];
  for (const r of rows) {
    const items = (r.item_ids ?? []).map(String);
    if (!items.length) continue;
    if (r.kind === 'merge') out.push({ kind: 'merge', items });
    else if (r.kind === 'split') out.push({ kind: 'split', items, from: (r.from_item_ids ?? []).map(String) });
    else if (r.title) out.push({ kind: 'rename', items, title: r.title });
  }
  return out;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Items a rebuild first clusters on a scratch clusterer, then drops (rehearse()). */
const REHEARSAL = 800;

/**
 * Clusters `items` on a scratch clusterer that is then dropped, before the state is restored: the
 * engine compiles the add path (the candidates, the scoring) on them, and the layouts of the
 * clusterer's objects settle before 100,000 of them are made, so that the first few hundred live adds
 * after a start run optimised code instead of the interpreter, which boxes every number it computes
 * (at 30,000 items their first hundred allocate about 90 KB an add instead of 190 KB; decision 0074).
 * Rehearsing after the restore does not do it: the restored objects' layouts change under the
 * compiled code. The real state is untouched: clusterers share only the memo tables of pure
 * functions (stems, the vectors of unknown words).
 */
function rehearse(items: WireItem[]): void {
  const scratch = new StoryClusterer({ windowDays: WINDOW_DAYS });
  for (const it of items) scratch.add(it);
}

/** Rebuilds the in-memory state from the tables: the window's assigned items, in published order. */
export async function rebuildLiveWire(d: LiveDeps, lw: LiveWire): Promise<void> {
  const t0 = Date.now();
  lw.invalidate();
  const stamp = await clusterStamp(d.db);
  const c = new StoryClusterer({ windowDays: WINDOW_DAYS }, await storyConstraints(d.db));
  const since = new Date(d.clock.now().getTime() - WINDOW_DAYS * DAY);
  let after: { at: Date; id: number } | null = null;
  let n = 0;
  for (;;) {
    const rows: ItemRow[] = await d.db.query<ItemRow>(
      `SELECT ${ITEM_COLS} FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
        WHERE i.story_id IS NOT NULL AND i.published_at >= $1 ${after ? 'AND (i.published_at, i.id) > ($2, $3)' : ''}
        ORDER BY i.published_at, i.id LIMIT 5000`,
      after ? [since, after.at, after.id] : [since],
    );
    if (!rows.length) break;
    if (!n) rehearse(rows.slice(0, REHEARSAL).map(toWireItem));
    for (const r of rows) {
      const sid = Number(r.story_id);
      c.restore(toWireItem(r), sid);
      if (!lw.toCluster.has(sid)) lw.map(sid, sid);
    }
    n += rows.length;
    const last = rows[rows.length - 1]!;
    after = { at: new Date(last.published_at), id: Number(last.id) };
    // Let the process answer requests between pages: a rebuild of a full window takes seconds.
    await tick();
    if (rows.length < 5000) break;
  }
  // The seams of the window's items (decision 0042, seventh round), once their stories are whole.
  const seams = await d.db.query<{ item_id: string | number; pre_item_ids: unknown[] }>(
    `SELECT s.item_id, s.pre_item_ids FROM wire_item_seams s JOIN wire_items i ON i.id = s.item_id
      WHERE i.story_id IS NOT NULL AND i.published_at >= $1 ORDER BY s.item_id`,
    [since],
  );
  for (const r of seams) c.restoreSeam(String(r.item_id), (r.pre_item_ids ?? []).map(String));
  lw.clusterer = c;
  lw.version = stamp.version;
  lw.epoch = stamp.epoch;
  lw.lastRebuild = { items: n, ms: Date.now() - t0 };
  d.log.info('wire stories: clusterer rebuilt', { items: n, ms: lw.lastRebuild.ms });
}

/** What a bump found and wrote: the version and epoch before it, and the epoch it drew (the version is `before + 1`). */
export interface ClusterBump {
  before: number;
  beforeEpoch: string;
  epoch: string;
}

/** The SET and RETURNING of a bump: a new random epoch each time, the one it replaces kept to be returned. */
const BUMP_SET = `version = version + 1, prev_epoch = epoch, epoch = gen_random_uuid()::text, updated_at = now()`;
const BUMP_RETURNING = `version - 1 AS before, prev_epoch AS before_epoch, epoch`;
type BumpRow = { before: string | number; before_epoch: string; epoch: string };
const toBump = (r: BumpRow): ClusterBump => ({ before: Number(r.before), beforeEpoch: r.before_epoch, epoch: r.epoch });

/** Bumps the version (and draws a new epoch) under its row lock; returns what it found and wrote. */
export async function bumpVersion(tx: Db): Promise<ClusterBump> {
  return toBump((await tx.one<BumpRow>(`UPDATE wire_cluster_state SET ${BUMP_SET} WHERE id = 1 RETURNING ${BUMP_RETURNING}`))!);
}

/** The version and epoch now stored (what a re-cluster compares its bump with). */
export async function clusterStamp(db: Db): Promise<{ version: number; epoch: string }> {
  const r = await db.one<{ version: string | number; epoch: string }>('SELECT version, epoch FROM wire_cluster_state WHERE id = 1');
  return { version: Number(r!.version), epoch: r!.epoch };
}

/** The slug of a new story: a few words of its first title and its id (unique, and stable from then on). */
export function storySlug(title: string, id: number): string {
  return `${slugWords(title)}-${id}`;
}

function slugWords(title: string): string {
  const words = slugify(title).split('-').filter(Boolean).slice(0, 8).join('-').slice(0, 60).replace(/-+$/, '');
  return words || 'story';
}

/** Inserts a story row (in one statement: its slug ends in the id it is given); returns its id. */
export async function createStoryRow(tx: Db, title: string, at: Date): Promise<number> {
  const r = await tx.one<{ id: string | number }>(
    `INSERT INTO wire_stories (id, slug, title, first_seen_at, last_updated_at) OVERRIDING SYSTEM VALUE
     SELECT n.id, $1 || '-' || n.id, $2, $3, $3 FROM (SELECT nextval(pg_get_serial_sequence('wire_stories', 'id')) AS id) n
     RETURNING id`,
    [slugWords(title), title.slice(0, 500), at],
  );
  return Number(r!.id);
}

/**
 * Moves every item of story `loser` into `survivor`, marks the loser merged into it (and whatever had
 * been merged into the loser), keeps a pin, and points our articles on the loser at the survivor.
 */
export async function mergeStoryRows(tx: Db, survivor: number, loser: number): Promise<void> {
  if (survivor === loser) return;
  await tx.query('UPDATE wire_items SET story_id = $1 WHERE story_id = $2', [survivor, loser]);
  await tx.query('UPDATE wire_stories SET merged_into = $1, updated_at = now() WHERE merged_into = $2', [survivor, loser]);
  await tx.query(
    `UPDATE wire_stories s SET pinned = s.pinned OR l.pinned, updated_at = now() FROM wire_stories l WHERE s.id = $1 AND l.id = $2`,
    [survivor, loser],
  );
  await tx.query(
    `UPDATE wire_stories SET merged_into = $1, item_count = 0, outlet_count = 0, outlet_ids = '{}', item_published = '{}', item_outlet_ids = '{}', left_count = 0, center_count = 0, right_count = 0,
            blindspot = NULL, pinned = false, updated_at = now() WHERE id = $2`,
    [survivor, loser],
  );
  await tx.query(
    `UPDATE articles SET story_key = (SELECT slug FROM wire_stories WHERE id = $1)
      WHERE story_key = (SELECT slug FROM wire_stories WHERE id = $2)`,
    [survivor, loser],
  );
}

/** SQL for the blindspot of counts l, c, r under settings $min (int) and $share (float8). */
function blindspotSql(l: string, c: string, r: string, min: string, share: string): string {
  const tot = `(${l} + ${c} + ${r})`;
  return `CASE
    WHEN ${tot} < ${min}::int OR ${tot} = 0 THEN NULL
    WHEN ${l} >= ${share}::float8 * ${tot} - 1e-9 THEN 'right'
    WHEN ${r} >= ${share}::float8 * ${tot} - 1e-9 THEN 'left'
    WHEN ${c} >= ${share}::float8 * ${tot} - 1e-9 AND ${l} < ${r} THEN 'left'
    WHEN ${c} >= ${share}::float8 * ${tot} - 1e-9 AND ${r} < ${l} THEN 'right'
    ELSE NULL END`;
}

/**
 * Recomputes stories' counts (items, distinct outlets, per lean group), span and blindspot from their
 * items, and their working title where an editor has not given one; and the items' published times
 * and outlets in published order, ties by outlet (item_published, item_outlet_ids: what the day's
 * ranking reads, migration 055, decision 0062; the order is (time, outlet) so that the live wire can
 * insert an item into them without knowing the other items' ids, decision 0063). A story left without
 * items (its outlet deleted) is deleted (dropEmptyStories, decision 0068); returns those. Every write that moves items between
 * stories other than a live batch (which updates the stories it touches incrementally, clusterBatch),
 * or changes a clustered item's published time or outlet, ends with this for the stories it touched.
 */
export async function recountStories(tx: Db, ids: number[], settings: StorySettings, titles: Map<number, string> = new Map()): Promise<number[]> {
  if (!ids.length) return [];
  const t = [...titles].filter(([id]) => ids.includes(id)).map(([id, title]) => ({ id, title: title.slice(0, 500) }));
  const updated = await tx.query<{ id: string | number }>(
    `UPDATE wire_stories s SET item_count = a.n, outlet_count = a.outlets, outlet_ids = a.oids, left_count = a.l, center_count = a.c, right_count = a.r,
            item_published = a.ts, item_outlet_ids = a.os, first_seen_at = a.first, last_updated_at = a.last,
            blindspot = ${blindspotSql('a.l', 'a.c', 'a.r', '$2', '$3')},
            title = CASE WHEN s.title_by_editor OR t.title IS NULL OR t.title = '' THEN s.title ELSE t.title END,
            updated_at = now()
       FROM (SELECT i.story_id, count(*)::int AS n, count(DISTINCT i.outlet_id)::int AS outlets,
                    array_agg(DISTINCT i.outlet_id ORDER BY i.outlet_id) AS oids,
                    array_agg(i.published_at ORDER BY i.published_at, i.outlet_id) AS ts, array_agg(i.outlet_id ORDER BY i.published_at, i.outlet_id) AS os,
                    count(DISTINCT i.outlet_id) FILTER (WHERE o.lean IN ('left', 'lean-left'))::int AS l,
                    count(DISTINCT i.outlet_id) FILTER (WHERE o.lean = 'center')::int AS c,
                    count(DISTINCT i.outlet_id) FILTER (WHERE o.lean IN ('lean-right', 'right'))::int AS r,
                    min(i.published_at) AS first, max(i.published_at) AS last
               FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
              WHERE i.story_id = ANY($1::bigint[]) GROUP BY i.story_id) a
       LEFT JOIN json_to_recordset($4::json) AS t(id bigint, title text) ON t.id = a.story_id
      WHERE s.id = a.story_id
      RETURNING s.id`,
    [ids, settings.blindspotMinOutlets, settings.blindspotShare, JSON.stringify(t)],
  );
  // A story the aggregate has no row for has no item left: only those are looked at again.
  const counted = new Set(updated.map((r) => Number(r.id)));
  const rest = [...new Set(ids)].filter((id) => !counted.has(id));
  return rest.length ? dropEmptyStories(tx, rest) : [];
}

/**
 * Of `ids`, the live stories left with no items (their outlet was deleted, and its items with it) are
 * deleted, with the stories merged into them (empty too: a merge moved their items). Unlike a story
 * merged away, such a story has nowhere to send its readers, and a row kept with zero counts would be
 * a ghost in the ranking, the screens and the API (decision 0068). Returns the ids deleted of `ids`.
 */
async function dropEmptyStories(tx: Db, ids: number[]): Promise<number[]> {
  const empty = (
    await tx.query<{ id: string | number }>(
      `SELECT s.id FROM wire_stories s
        WHERE s.id = ANY($1::bigint[]) AND s.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM wire_items i WHERE i.story_id = s.id)`,
      [ids],
    )
  ).map((r) => Number(r.id));
  if (!empty.length) return [];
  await tx.query(
    `DELETE FROM wire_stories s
      WHERE (s.id = ANY($1::bigint[]) OR s.merged_into = ANY($1::bigint[])) AND NOT EXISTS (SELECT 1 FROM wire_items i WHERE i.story_id = s.id)`,
    [empty],
  );
  return empty.sort((a, b) => a - b);
}

/** Takes the cluster state's row lock without bumping the version (a recount that moves no item). */
export async function lockClusterState(tx: Db): Promise<void> {
  await tx.one('SELECT id FROM wire_cluster_state WHERE id = 1 FOR UPDATE');
}

/** The stories holding items of an outlet. */
export async function storiesOfOutlet(tx: Db, outletId: number): Promise<number[]> {
  const rows = await tx.query<{ story_id: string | number }>('SELECT DISTINCT story_id FROM wire_items WHERE outlet_id = $1 AND story_id IS NOT NULL', [outletId]);
  return rows.map((r) => Number(r.story_id)).sort((a, b) => a - b);
}

/**
 * An outlet's lean changed, in `tx` (which took lockClusterState before the change): the stories it
 * covers are recounted (their counts by lean group and blindspot are stored; the spread bar and the
 * blindspot list read them, the day's ranking reads leans live) and announced. Returns them.
 */
export async function outletLeanChanged(tx: Db, outletId: number): Promise<number[]> {
  const ids = await storiesOfOutlet(tx, outletId);
  if (!ids.length) return [];
  await recountStories(tx, ids, await getStorySettings(tx));
  await announceStoryChanges(tx, ids);
  return ids;
}

/**
 * Deletes an outlet and, by the foreign key's cascade, its items (the wire keeps no item without its
 * outlet): `remove(tx)` deletes the outlet's row (it throws when there is none: nothing is written). One
 * transaction that bumps the cluster state's version; the stories that held the items are announced,
 * then recounted, and one left with no item is deleted (recountStories). This process's clusterer
 * (with `runtime`), when in step, forgets the items (StoryClusterer.remove) and costs no rebuild; any
 * other clusterer finds the version moved and rebuilds before its next batch. Returns the stories
 * touched and those deleted.
 */
export async function deleteOutletItems(db: Db, runtime: Runtime | undefined, outletId: number, remove: (tx: Db) => Promise<void>): Promise<{ stories: number[]; deleted: number[] }> {
  const lw = runtime ? liveWire(runtime, db) : null;
  const run = async () => {
    const out = await db.tx(async (tx) => {
      const bump = await bumpVersion(tx);
      const items = (await tx.query<{ id: string | number }>('SELECT id FROM wire_items WHERE outlet_id = $1 AND story_id IS NOT NULL', [outletId])).map((r) => String(r.id));
      const stories = await storiesOfOutlet(tx, outletId);
      await remove(tx);
      // Announced first: a story about to be deleted is looked up by its row.
      await announceStoryChanges(tx, stories);
      const deleted = await recountStories(tx, stories, await getStorySettings(tx));
      return { items, stories, deleted, bump };
    });
    if (lw) {
      if (lw.inStepWith(out.bump)) {
        // A clustered story emptied while its stored story kept items older than the window keeps
        // its mapping: an item an editor's merge ties to it goes back into that stored story.
        lw.clusterer!.remove(out.items);
        for (const id of out.deleted) lw.unmapDb(id);
        lw.advance(out.bump);
      } else lw.invalidate();
    }
    return { stories: out.stories, deleted: out.deleted };
  };
  return lw ? lw.lock(run) : run();
}

/**
 * An item's published time changed after it was stored (its page gave the date its feed did not): when
 * it is in a story already, the story's span and the times the day's ranking reads are recounted.
 * Under the cluster state's row lock (not bumped: the assignments did not change), so a cluster batch
 * recounting the same story at the same moment cannot write figures from before this change.
 */
export async function itemRestamped(db: Db, itemId: number): Promise<void> {
  if (!(await db.one('SELECT 1 FROM wire_items WHERE id = $1 AND story_id IS NOT NULL', [itemId]))) return;
  await db.tx(async (tx) => {
    await tx.one('SELECT id FROM wire_cluster_state WHERE id = 1 FOR UPDATE');
    const r = await tx.one<{ story_id: string | number | null }>('SELECT story_id FROM wire_items WHERE id = $1', [itemId]);
    if (r?.story_id === null || r?.story_id === undefined) return;
    const id = Number(r.story_id);
    await recountStories(tx, [id], await getStorySettings(tx));
    await announceStoryChanges(tx, [id]);
  });
}

/** The working titles of stories, from the in-memory clusterer. */
export function workingTitles(lw: LiveWire, dbIds: Iterable<number>): Map<number, string> {
  const out = new Map<number, string>();
  if (!lw.clusterer) return out;
  for (const id of dbIds) {
    const c = lw.toCluster.get(id);
    const title = c === undefined ? undefined : lw.clusterer.storyTitle(c);
    if (title) out.set(id, title);
  }
  return out;
}

/**
 * The outlets of an id array (SQL expression) with their count and counts by lean group, the leans
 * as they are now: a subquery giving oids, n, l, c, r (what the live batch and its merge store).
 */
function outletsByLean(ids: string): string {
  return `(SELECT coalesce(array_agg(o.id ORDER BY o.id), '{}') AS oids, count(*)::int AS n,
                 count(*) FILTER (WHERE o.lean IN ('left', 'lean-left'))::int AS l, count(*) FILTER (WHERE o.lean = 'center')::int AS c,
                 count(*) FILTER (WHERE o.lean IN ('lean-right', 'right'))::int AS r
            FROM wire_outlets o WHERE o.id = ANY(${ids}))`;
}

/**
 * The statement that writes a live batch (clusterBatch's fast path, decisions 0063 and 0075): the new
 * stories' ids, the items' stories, the bridge merges the clusterer made between stored stories, and
 * each touched story's stored fields updated from its row, its new items and the rows of the stories
 * merged into it (no re-aggregation of its earlier items): item_count plus the new items and the
 * merged stories' items; the (time, outlet) pairs appended, or merged in order when an item is older
 * than the story's last or a story was merged in; the outlets the union of the stored, the merged and
 * the new ones, counted by lean group with the outlets' leans as they are now (as a recount does) and
 * the blindspot from those counts; the span widened; a pin carried over; the working title. A merged
 * story (a loser) is what mergeStoryRows makes of it: its items and the stories merged into it moved
 * to the survivor, our articles on it pointed at the survivor, the row emptied and marked merged. New
 * stories are inserted with their fields computed from their items. It returns the new stories' ids,
 * the slugs to announce (a published article of ours on a touched story, on a loser, or on one merged
 * into either: announceStoryChanges's query, and the survivor's slug when our article on a loser
 * moves to it), whether other items wait for a story, and the rows the merges found.
 * $1: [{id, key}] each item and its clusterer story; $2: [{key, story, title, words}] each touched
 * clusterer story, its stored id (null: new), working title and the slug words of a new one;
 * $3, $4: the blindspot settings; $5: [{loser, survivor}] the stored stories merged away and the
 * stored story each ends in (one the batch's items are in: clusterBatch checks). An item someone else
 * gave a story meanwhile is left as it is (and not counted); under the cluster state's row lock there
 * is no such one.
 */
const when = (on: boolean, sql: string) => (on ? sql : '');
function batchSql(m: boolean): string {
  return `
WITH j AS (SELECT * FROM json_to_recordset($1::json) AS j(id bigint, key int)),
 st AS (SELECT * FROM json_to_recordset($2::json) AS st(key int, story bigint, title text, words text)),
${when(m, `
 lm AS (SELECT * FROM json_to_recordset($5::json) AS lm(loser bigint, survivor bigint)),
 lr AS MATERIALIZED (SELECT lm.survivor, l.id, l.slug, l.item_count, l.item_published, l.item_outlet_ids, l.outlet_ids, l.first_seen_at, l.last_updated_at, l.pinned
                       FROM lm JOIN wire_stories l ON l.id = lm.loser AND l.merged_into IS NULL),
 la AS (SELECT lr.survivor, sum(lr.item_count)::int AS n, bool_or(lr.pinned) AS pinned,
               min(lr.first_seen_at) FILTER (WHERE lr.item_count > 0) AS first, max(lr.last_updated_at) FILTER (WHERE lr.item_count > 0) AS last
          FROM lr GROUP BY lr.survivor),`)}
 fresh AS MATERIALIZED (SELECT st.key, nextval(pg_get_serial_sequence('wire_stories', 'id')) AS id FROM st WHERE st.story IS NULL),
 ids AS MATERIALIZED (SELECT st.key, coalesce(st.story, f.id) AS id, st.story IS NULL AS new, st.title, st.words FROM st LEFT JOIN fresh f ON f.key = st.key),
 moved AS (UPDATE wire_items i SET story_id = ids.id FROM j JOIN ids ON ids.key = j.key
            WHERE i.id = j.id AND i.story_id IS NULL RETURNING i.story_id, i.outlet_id, i.published_at),
${when(m, `
 mv AS (UPDATE wire_items i SET story_id = lr.survivor FROM lr WHERE i.story_id = lr.id RETURNING i.id),
 chain AS (UPDATE wire_stories c SET merged_into = lr.survivor, updated_at = now() FROM lr WHERE c.merged_into = lr.id RETURNING c.id),
 lz AS (UPDATE wire_stories l SET merged_into = lr.survivor, item_count = 0, outlet_count = 0, outlet_ids = '{}', item_published = '{}', item_outlet_ids = '{}',
               left_count = 0, center_count = 0, right_count = 0, blindspot = NULL, pinned = false, updated_at = now()
          FROM lr WHERE l.id = lr.id RETURNING l.id),
 art AS (UPDATE articles a SET story_key = sv.slug FROM lr JOIN wire_stories sv ON sv.id = lr.survivor WHERE a.story_key = lr.slug RETURNING a.id),`)}
 add AS (SELECT m.story_id, count(*)::int AS n, min(m.published_at) AS first, max(m.published_at) AS last,
                array_agg(m.published_at ORDER BY m.published_at, m.outlet_id) AS ts, array_agg(m.outlet_id ORDER BY m.published_at, m.outlet_id) AS os,
                array_agg(DISTINCT m.outlet_id) AS oids
           FROM moved m GROUP BY m.story_id),
 upd AS (UPDATE wire_stories s SET
            item_count = s.item_count + a.n${when(m, ` + coalesce(la.n, 0),
            pinned = s.pinned OR coalesce(la.pinned, false)`)},
            (item_published, item_outlet_ids) = (
              SELECT coalesce(array_agg(u.t ORDER BY u.t, u.o), s.item_published || a.ts), coalesce(array_agg(u.o ORDER BY u.t, u.o), s.item_outlet_ids || a.os)
                FROM (SELECT * FROM unnest(s.item_published, s.item_outlet_ids) UNION ALL SELECT * FROM unnest(a.ts, a.os)${when(m, `
                      UNION ALL SELECT x.t, x.o FROM lr CROSS JOIN LATERAL unnest(lr.item_published, lr.item_outlet_ids) AS x(t, o) WHERE lr.survivor = s.id`)}) AS u(t, o)
               WHERE ${when(m, 'la.survivor IS NOT NULL OR ')}coalesce(a.first <= s.item_published[cardinality(s.item_published)], false)),
            (outlet_ids, outlet_count, left_count, center_count, right_count, blindspot) = (
              SELECT q.oids, q.n, q.l, q.c, q.r, ${blindspotSql('q.l', 'q.c', 'q.r', '$3', '$4')}
                FROM ${outletsByLean(`s.outlet_ids || a.oids${when(m, ` || coalesce((SELECT array_agg(x.oid) FROM lr CROSS JOIN LATERAL unnest(lr.outlet_ids) AS x(oid) WHERE lr.survivor = s.id), '{}')`)}`)} q),
            first_seen_at = CASE WHEN s.item_count > 0 THEN least(s.first_seen_at, a.first${when(m, ', la.first')}) ELSE ${m ? 'least(a.first, la.first)' : 'a.first'} END,
            last_updated_at = CASE WHEN s.item_count > 0 THEN greatest(s.last_updated_at, a.last${when(m, ', la.last')}) ELSE ${m ? 'greatest(a.last, la.last)' : 'a.last'} END,
            title = CASE WHEN s.title_by_editor OR ids.title IS NULL OR ids.title = '' THEN s.title ELSE ids.title END,
            updated_at = now()
           FROM add a JOIN ids ON ids.id = a.story_id${when(m, ' LEFT JOIN la ON la.survivor = a.story_id')}
          WHERE s.id = a.story_id AND NOT ids.new
          RETURNING s.id, s.slug),
 ins AS (INSERT INTO wire_stories (id, slug, title, first_seen_at, last_updated_at, item_count, item_published, item_outlet_ids,
                                   outlet_ids, outlet_count, left_count, center_count, right_count, blindspot) OVERRIDING SYSTEM VALUE
         SELECT ids.id, ids.words || '-' || ids.id, ids.title, a.first, a.last, a.n, a.ts, a.os, q.oids, q.n, q.l, q.c, q.r, ${blindspotSql('q.l', 'q.c', 'q.r', '$3', '$4')}
           FROM ids JOIN add a ON a.story_id = ids.id
          CROSS JOIN LATERAL ${outletsByLean('a.oids')} q
          WHERE ids.new
          RETURNING id, slug)
SELECT (SELECT coalesce(json_agg(json_build_array(ids.key, ids.id)), '[]') FROM ids JOIN ins ON ins.id = ids.id) AS created,
       (SELECT count(*)::int FROM moved) AS moved,
       ${m ? `(SELECT coalesce(json_agg(DISTINCT x.k), '[]') FROM (
          SELECT a.story_key AS k FROM articles a
           WHERE a.status = 'published' AND a.story_key IN (SELECT slug FROM upd UNION ALL SELECT slug FROM ins UNION ALL SELECT slug FROM lr
                                                            UNION ALL SELECT m.slug FROM wire_stories m WHERE m.merged_into IN (SELECT id FROM upd UNION ALL SELECT id FROM lr))
          UNION ALL
          SELECT sv.slug FROM lr JOIN wire_stories sv ON sv.id = lr.survivor
           WHERE EXISTS (SELECT 1 FROM articles a WHERE a.status = 'published' AND a.story_key = lr.slug)) x)` : `(SELECT coalesce(json_agg(DISTINCT a.story_key), '[]') FROM articles a
         WHERE a.status = 'published' AND a.story_key IN (SELECT slug FROM upd UNION ALL SELECT slug FROM ins
                                                          UNION ALL SELECT m.slug FROM wire_stories m WHERE m.merged_into IN (SELECT id FROM upd)))`} AS slugs,
       EXISTS (SELECT 1 FROM wire_items w WHERE w.story_id IS NULL AND w.id <> ALL (SELECT j.id FROM j)) AS more${when(m, `,
       (SELECT count(*)::int FROM lz) AS losers, (SELECT count(*)::int FROM mv) AS merged_items,
       (SELECT count(*)::int FROM lm WHERE lm.survivor NOT IN (SELECT id FROM upd)) AS lost`)}`;
}
/** BATCH_SQL without merges ($1-$4): what nearly every batch runs, with nothing of the merges to set up. */
export const BATCH_SQL = batchSql(false);
/** BATCH_SQL with the batch's bridge merges ($5). */
export const BATCH_MERGE_SQL = batchSql(true);

/**
 * Stores seams the clusterer reported (`Assignment.seam`, or a re-cluster's), for rebuildLiveWire to give
 * back: each item with the items its story held before it. An item's seam once stored is kept.
 */
export async function storeSeams(tx: Db, seams: ReadonlyArray<{ id: number; pre: readonly number[] }>): Promise<void> {
  for (let i = 0; i < seams.length; i += 5000) {
    await tx.query(
      `INSERT INTO wire_item_seams (item_id, pre_item_ids) SELECT s.id, s.pre FROM json_to_recordset($1::json) AS s(id bigint, pre bigint[]) ON CONFLICT (item_id) DO NOTHING`,
      [JSON.stringify(seams.slice(i, i + 5000).map((x) => ({ id: x.id, pre: `{${x.pre.join(',')}}` })))],
    );
  }
}

/**
 * Clusters a batch and writes it in one transaction; returns whether other items wait for a story.
 * The clusterer places every item first. A batch whose merges are all between stories stored before
 * it (nearly every one; most have none) is written by one statement (BATCH_SQL) that updates the
 * touched stories incrementally; a batch with a merge that involves a story made in it takes the
 * general path: story rows made one by one, the merges, the items' stories, and a recount of every
 * touched story from its items.
 */
async function clusterBatch(tx: Db, lw: LiveWire, rows: ItemRow[], settings: StorySettings): Promise<boolean> {
  const c = lw.clusterer!;
  // Every item placed; a story new in this batch keeps the title it had when its first item made it
  // (its slug's words).
  const placed: Array<{ story: number; merged: number[]; split: AutoSplit[]; made: string | null; at: Date }> = [];
  const made = new Map<number, string>();
  const seams: Array<{ id: number; pre: number[] }> = [];
  let splits = false;
  for (const r of rows) {
    const a = c.add(toWireItem(r));
    // A story split off (the clusterer's seams) is made with the title it has then.
    for (const sp of a.split) if (!made.has(sp.story)) made.set(sp.story, c.storyTitle(sp.story) ?? r.title);
    const isNew = !lw.toDb.has(a.story) && !made.has(a.story);
    if (isNew) made.set(a.story, c.storyTitle(a.story) ?? r.title);
    placed.push({ story: a.story, merged: a.merged, split: a.split, made: isNew ? made.get(a.story)! : null, at: new Date(r.published_at) });
    if (a.seam) seams.push({ id: Number(r.id), pre: a.seam.map(Number) });
    if (a.split.length) splits = true;
  }
  // The seams opened, kept for a rebuild on start (rebuildLiveWire).
  await storeSeams(tx, seams);
  // The clusterer's merges between stories stored before this batch (a bridge: the item's story and
  // the one merged into it) are written by the batch's statement (decision 0075): each loser with the
  // stored story it ends in (a later merge of the batch may take the survivor on into a third). A
  // merge that involves a story made in this batch, or one whose survivor holds none of the batch's
  // items, takes the general path below.
  const merges = placed.flatMap((p) => p.merged.map((m) => ({ survivor: p.story, loser: m })));
  const stored = (key: number) => lw.toDb.has(key) && !made.has(key);
  // A split moves items stored before the batch: the general path.
  if (!splits && merges.every((m) => stored(m.survivor) && stored(m.loser))) {
    const into = new Map<number, number>();
    for (const m of merges) {
      const survivor = lw.toDb.get(m.survivor)!;
      const loser = lw.toDb.get(m.loser)!;
      if (survivor !== loser) into.set(loser, survivor);
    }
    const end = (id: number) => {
      for (let hops = 0; into.has(id) && hops <= into.size; hops++) id = into.get(id)!;
      return id;
    };
    const lost = [...into.keys()].map((loser) => ({ loser, survivor: end(loser) })).filter((m) => m.loser !== m.survivor);
    // Each item's story as it stands after the batch (a later item may have merged stories).
    const items = rows.map((r) => ({ id: Number(r.id), key: c.storyOf(String(r.id))! }));
    const st = [...new Set(items.map((i) => i.key))].map((key) => {
      const story = lw.toDb.get(key) ?? null;
      const title = (c.storyTitle(key) || made.get(key) || '').slice(0, 500);
      return { key, story, title, words: story === null ? slugWords(made.get(key) ?? title) : null };
    });
    const ends = new Set(st.map((x) => x.story));
    if (lost.every((m) => ends.has(m.survivor))) {
      // Prepared: planning this statement took longer than running it (decision 0063).
      // Two texts: a batch without merges (nearly every one) sets up nothing of them.
      const params = [JSON.stringify(items), JSON.stringify(st), settings.blindspotMinOutlets, settings.blindspotShare];
      type Out = { created: Array<[number, number]>; slugs: string[]; more: boolean; losers?: number; lost?: number };
      const [out] = lost.length
        ? await tx.prepared<Out>('wire_live_batch_merge', ['json', 'json', 'int', 'float8', 'json'], BATCH_MERGE_SQL, [...params, JSON.stringify(lost)])
        : await tx.prepared<Out>('wire_live_batch', ['json', 'json', 'int', 'float8'], BATCH_SQL, params);
      if (!out) throw new Error('the live batch statement returned nothing');
      if (lost.length && (out.losers !== lost.length || out.lost !== 0)) {
        throw new Error(`the live wire's merges of stories ${lost.map((m) => `${m.loser} into ${m.survivor}`).join(', ')} found ${out.losers} of the merged rows and ${out.lost} survivor(s) not written`);
      }
      for (const m of lost) lw.unmapDb(m.loser);
      for (const [key, id] of out.created) lw.map(key, Number(id));
      // Readers' pages of the stories we have published on (their coverage changed): dropped at commit.
      await announceStorySlugs(tx, out.slugs);
      return Boolean(out.more);
    }
  }
  // A batch with a merge that involves a story made in it (or, never seen, a survivor that holds none
  // of its items), or with a split: the story rows, the merges and the items' stories in the order the
  // clusterer made them, then every touched story recounted from its items.
  const touched = new Set<number>();
  const resplit: Array<{ id: number; key: number }> = [];
  for (const p of placed) {
    for (const sp of p.split) {
      // The clusterer split story `from`: its seam's side is a new story, and the items of it stored
      // before this batch move there (the batch's own are written with the rest below).
      const from = lw.toDb.get(sp.from);
      if (from !== undefined) touched.add(from);
      if (!lw.toDb.has(sp.story)) lw.map(sp.story, await createStoryRow(tx, made.get(sp.story) ?? c.storyTitle(sp.story) ?? '', p.at));
      for (const i of sp.items) resplit.push({ id: Number(i), key: sp.story });
    }
    let story = lw.toDb.get(p.story);
    if (story === undefined) {
      story = await createStoryRow(tx, p.made ?? made.get(p.story) ?? '', p.at);
      lw.map(p.story, story);
    }
    for (const m of p.merged) {
      const loser = lw.toDb.get(m);
      if (loser === undefined || loser === story) continue;
      await mergeStoryRows(tx, story, loser);
      lw.unmapDb(loser);
      touched.delete(loser);
    }
    touched.add(story);
  }
  const assign = rows.map((r) => ({ id: Number(r.id), story: lw.toDb.get(c.storyOf(String(r.id))!)! }));
  await tx.query(
    `UPDATE wire_items SET story_id = a.story FROM json_to_recordset($1::json) AS a(id bigint, story bigint)
      WHERE wire_items.id = a.id AND wire_items.story_id IS NULL`,
    [JSON.stringify(assign)],
  );
  for (const a of assign) touched.add(a.story);
  if (resplit.length) {
    // Each split item where it is after the whole batch (a later split or merge may have moved it on).
    const batch = new Set(rows.map((r) => Number(r.id)));
    const moved = [...new Map(resplit.filter((x) => !batch.has(x.id)).map((x) => [x.id, lw.toDb.get(c.storyOf(String(x.id))!)!])).entries()].map(([id, story]) => ({ id, story }));
    if (moved.length) {
      await tx.query(
        `UPDATE wire_items SET story_id = a.story FROM json_to_recordset($1::json) AS a(id bigint, story bigint) WHERE wire_items.id = a.id AND wire_items.story_id IS NOT NULL`,
        [JSON.stringify(moved)],
      );
    }
    for (const m of moved) touched.add(m.story);
  }
  await recountStories(tx, [...touched], settings, workingTitles(lw, touched));
  await announceStoryChanges(tx, [...touched]);
  return true;
}

export interface ClusterRunSummary {
  clustered: number;
  rebuilt: boolean;
  /** Items still waiting (the run stopped at its deadline or on shutdown). */
  leftOver: boolean;
}

/**
 * The start of a batch's transaction, in one statement: when items wait for a story, the cluster
 * state's version is bumped under its row lock (`before`: the version before); and the next batch of
 * them, oldest first, with the story settings ($1: their keys as a JSON array).
 */
const PENDING_SQL = `
WITH b AS (UPDATE wire_cluster_state SET ${BUMP_SET}
            WHERE id = 1 AND EXISTS (SELECT 1 FROM wire_items WHERE story_id IS NULL) RETURNING ${BUMP_RETURNING})
SELECT ${ITEM_COLS}, (SELECT json_object_agg(key, value) FROM settings WHERE key IN (SELECT json_array_elements_text($1::json))) AS settings,
       (SELECT before FROM b) AS before, (SELECT before_epoch FROM b) AS before_epoch, (SELECT epoch FROM b) AS epoch
  FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
 WHERE i.story_id IS NULL ORDER BY i.published_at, i.id LIMIT ${BATCH}`;

/**
 * Clusters every item not yet in a story, oldest published first, in batches; stops at `deadline`
 * (epoch ms) or on shutdown, leaving the rest for the next run.
 */
export async function clusterPending(d: LiveDeps, opts: { deadline?: number } = {}): Promise<ClusterRunSummary> {
  const lw = liveWire(d.runtime, d.db);
  let clustered = 0;
  let rebuilt = false;
  let stale = 0;
  for (;;) {
    if (d.runtime.stopping.aborted || (opts.deadline !== undefined && Date.now() > opts.deadline)) {
      const more = await d.db.one('SELECT 1 FROM wire_items WHERE story_id IS NULL LIMIT 1');
      return { clustered, rebuilt, leftOver: Boolean(more) };
    }
    const n = await lw.lock(async () => {
      if (!lw.ready) {
        await rebuildLiveWire(d, lw);
        rebuilt = true;
      }
      try {
        const got = await d.db.tx(async (tx) => {
          // The version bumped, the batch and the story settings in one statement (decision 0063).
          const rows = await tx.prepared<ItemRow & BumpRow & { settings: Record<string, unknown> | null }>('wire_live_pending', ['text'], PENDING_SQL, [
            JSON.stringify(STORY_SETTING_KEYS),
          ]);
          if (!rows.length) return { n: 0, more: false, bump: null };
          const bump = toBump(rows[0]!);
          if (!lw.inStepWith(bump)) throw new StaleStateError(`wire_cluster_state is at ${bump.before} (epoch ${bump.beforeEpoch}), this process at ${lw.version} (epoch ${lw.epoch})`);
          return { n: rows.length, more: await clusterBatch(tx, lw, rows, storySettingsFrom(rows[0]!.settings)), bump };
        });
        if (got.bump) lw.advance(got.bump);
        return got;
      } catch (err) {
        // The in-memory state may be ahead of the tables now: rebuild it before the next batch.
        lw.invalidate();
        if (err instanceof StaleStateError) return { n: -1, more: true };
        throw err;
      }
    });
    if (n.n === 0) return { clustered, rebuilt, leftOver: false };
    if (n.n < 0) {
      if (++stale > 5) throw new Error('the story assignments keep changing under this process (another process is clustering): left to it');
      continue;
    }
    stale = 0;
    clustered += n.n;
    // The batch's statement said whether other items wait (items stored after it are the next run's:
    // storing an item queues one).
    if (!n.more) return { clustered, rebuilt, leftOver: false };
  }
}

/** How long one cluster run may go on (below the job queue's 5-minute lease). */
const RUN_BUDGET_MS = 2 * 60_000;

/** The job: cluster what is waiting; a run cut short queues the next one. */
export async function wireClusterJob(d: LiveDeps): Promise<void> {
  const r = await clusterPending(d, { deadline: Date.now() + RUN_BUDGET_MS });
  if (r.clustered) d.log.info('wire stories: items clustered', { items: r.clustered, rebuilt: r.rebuilt });
  if (r.leftOver) await enqueue(d.db, WIRE_CLUSTER_JOB, {}, { dedupeKey: `${WIRE_CLUSTER_JOB}:next`, maxAttempts: 5 });
}

/** Queue a cluster run when an item waits for its story (or always, with `warm`: builds the state on start). */
export async function scheduleWireCluster(db: Db, opts: { warm?: boolean } = {}): Promise<boolean> {
  if (!opts.warm && !(await db.one('SELECT 1 FROM wire_items WHERE story_id IS NULL LIMIT 1'))) return false;
  return (await enqueue(db, WIRE_CLUSTER_JOB, {}, { dedupeKey: WIRE_CLUSTER_JOB, maxAttempts: 5 })) !== null;
}
