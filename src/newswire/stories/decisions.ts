// Editors' decisions on stories (issue #12): merge two stories, split items off into a new one,
// rename, pin and hide. Each is written with a row in wire_story_decisions (who, when, which items)
// so that a rebuild or a later re-cluster keeps it (storyConstraints in live.ts maps them to the
// clusterer's constraints), and, when this process's in-memory clusterer is in step with the tables,
// applied to it as well. Merges also point our articles on the merged story at the surviving one.
import type { Db } from '../../db/index.ts';
import { ConflictError, ValidationError } from '../../platform/errors.ts';
import { CONTENT_CHANNEL } from '../../platform/channels.ts';
import { bumpVersion, createStoryRow, liveWire, mergeStoryRows, recountStories, workingTitles, type LiveDeps, type LiveWire } from './live.ts';
import { DECISIONS_SQL, getStory, getStorySettings, toDecision, type WireStory } from './store.ts';

// The decision's kind and its record as read back live with the reads (store.ts); named here too.
export type { DecisionKind, StoryDecision } from './store.ts';
import type { DecisionKind, StoryDecision } from './store.ts';

interface Actor {
  /** The staff member deciding (recorded); null for the API key or the command line. */
  staffId: number | null;
}

async function liveOrConflict(db: Db, id: number | string, what = 'story'): Promise<WireStory> {
  const s = await getStory(db, id);
  if (s.merged_into !== null) throw new ConflictError(`That ${what} was merged into story ${s.merged_into}; act on that one.`);
  return s;
}

async function itemIdsOf(db: Db, story: number): Promise<number[]> {
  return (await db.query<{ id: string }>('SELECT id FROM wire_items WHERE story_id = $1 ORDER BY id', [story])).map((r) => Number(r.id));
}

async function record(tx: Db, d: { kind: DecisionKind; story: number; other?: number | null; items: number[]; from?: number[]; title?: string | null; value?: boolean | null; staffId: number | null }): Promise<void> {
  await tx.query(
    `INSERT INTO wire_story_decisions (kind, story_id, other_story_id, item_ids, from_item_ids, title, value, staff_id)
     VALUES ($1, $2, $3, $4::bigint[], $5::bigint[], $6, $7, $8)`,
    [d.kind, d.story, d.other ?? null, d.items, d.from ?? [], d.title ?? null, d.value ?? null, d.staffId],
  );
}

/**
 * Runs a change to the assignments: under this process's lock, in one transaction that bumps the
 * version; `memory` applies it to the in-memory clusterer when that is in step (else the next cluster
 * run rebuilds). A failed transaction drops the in-memory state.
 */
async function assignmentChange<T>(d: LiveDeps, work: (tx: Db, inStep: boolean, lw: LiveWire) => Promise<T>): Promise<T> {
  const lw = liveWire(d.runtime, d.db);
  return lw.lock(async () => {
    let inStep = false;
    try {
      const { out, bump } = await d.db.tx(async (tx) => {
        const bump = await bumpVersion(tx);
        inStep = lw.inStepWith(bump);
        return { out: await work(tx, inStep, lw), bump };
      });
      if (inStep) lw.advance(bump);
      return out;
    } catch (err) {
      if (inStep) lw.invalidate();
      throw err;
    }
  });
}

/** Merges story `from` into story `into`: its items, its linked articles and a pin move over. */
export async function mergeStories(d: LiveDeps, input: { into: number | string; from: number | string } & Actor): Promise<WireStory> {
  const into = await liveOrConflict(d.db, input.into);
  const from = await liveOrConflict(d.db, input.from, 'other story');
  if (into.id === from.id) throw new ValidationError('A story cannot be merged with itself.', { story: 'Choose another story.' });
  const settings = await getStorySettings(d.db);
  await assignmentChange(d, async (tx, inStep, lw) => {
    const items = [...(await itemIdsOf(tx, into.id)), ...(await itemIdsOf(tx, from.id))].sort((a, b) => a - b);
    await mergeStoryRows(tx, into.id, from.id);
    if (inStep) {
      const c = lw.clusterer!;
      const ca = lw.toCluster.get(into.id);
      const cb = lw.toCluster.get(from.id);
      lw.unmapDb(from.id);
      if (ca !== undefined && cb !== undefined) lw.map(c.merge(ca, cb), into.id);
      else if (cb !== undefined) lw.map(cb, into.id);
    }
    await recountStories(tx, [into.id], settings, workingTitles(lw, [into.id]));
    await record(tx, { kind: 'merge', story: into.id, other: from.id, items, staffId: input.staffId });
  });
  await d.db.notify(CONTENT_CHANNEL, 'stories').catch(() => undefined);
  return getStory(d.db, into.id);
}

/** Moves some of a story's items into a new story of their own; returns the new story. */
export async function splitStory(d: LiveDeps, input: { story: number | string; items: Array<number | string> } & Actor): Promise<WireStory> {
  const story = await liveOrConflict(d.db, input.story);
  const ids = [...new Set((input.items ?? []).map((x) => (typeof x === 'number' ? x : /^\d{1,15}$/.test(String(x).trim()) ? Number(String(x).trim()) : NaN)))];
  if (!ids.length) throw new ValidationError('Choose the items to split off.', { items: 'Choose at least one item.' });
  if (ids.some((x) => !Number.isSafeInteger(x) || x < 1)) throw new ValidationError('Item ids are whole numbers.', { items: 'Not an item id.' });
  const settings = await getStorySettings(d.db);
  const created = await assignmentChange(d, async (tx, inStep, lw) => {
    const all = await itemIdsOf(tx, story.id);
    const have = new Set(all);
    const foreign = ids.filter((x) => !have.has(x));
    if (foreign.length) throw new ValidationError(`Item${foreign.length > 1 ? 's' : ''} ${foreign.join(', ')} ${foreign.length > 1 ? 'are' : 'is'} not in this story.`, { items: 'Only items of this story can be split off.' });
    const moving = new Set(ids);
    const staying = all.filter((x) => !moving.has(x));
    if (!staying.length) throw new ValidationError('Splitting off every item would leave the story empty; rename it instead.', { items: 'Leave at least one item in the story.' });
    const first = await tx.one<{ title: string; published_at: string }>('SELECT title, published_at FROM wire_items WHERE id = ANY($1::bigint[]) ORDER BY published_at, id LIMIT 1', [ids]);
    const fresh = await createStoryRow(tx, first!.title, new Date(first!.published_at));
    await tx.query('UPDATE wire_items SET story_id = $1 WHERE story_id = $2 AND id = ANY($3::bigint[])', [fresh, story.id, ids]);
    if (inStep) {
      const c = lw.clusterer!;
      const known = ids.map(String).filter((i) => c.storyOf(i) !== undefined);
      if (known.length) lw.map(c.split(known), fresh);
    }
    await recountStories(tx, [story.id, fresh], settings, workingTitles(lw, [story.id, fresh]));
    await record(tx, { kind: 'split', story: story.id, other: fresh, items: ids.sort((a, b) => a - b), from: staying, staffId: input.staffId });
    return fresh;
  });
  await d.db.notify(CONTENT_CHANNEL, 'stories').catch(() => undefined);
  return getStory(d.db, created);
}

/** Gives a story an editor's title (the slug stays: links to the story keep working). */
export async function renameStory(d: LiveDeps, input: { story: number | string; title: unknown } & Actor): Promise<WireStory> {
  const story = await liveOrConflict(d.db, input.story);
  const title = typeof input.title === 'string' ? input.title.replace(/\s+/g, ' ').trim() : '';
  if (!title) throw new ValidationError('Give the story a title.', { title: 'Required.' });
  if (title.length > 300) throw new ValidationError('A story title is at most 300 characters.', { title: 'At most 300 characters.' });
  await assignmentChange(d, async (tx, inStep, lw) => {
    const items = await itemIdsOf(tx, story.id);
    await tx.query('UPDATE wire_stories SET title = $2, title_by_editor = true, updated_at = now() WHERE id = $1', [story.id, title]);
    if (inStep) {
      const c = lw.toCluster.get(story.id);
      if (c !== undefined) lw.clusterer!.rename(c, title);
    }
    await record(tx, { kind: 'rename', story: story.id, items, title, staffId: input.staffId });
  });
  await d.db.notify(CONTENT_CHANNEL, 'stories').catch(() => undefined);
  return getStory(d.db, story.id);
}

async function flag(d: LiveDeps, kind: 'pin' | 'hide', input: { story: number | string; value: unknown } & Actor): Promise<WireStory> {
  const story = await liveOrConflict(d.db, input.story);
  const v = input.value;
  const value = v === true || v === 'true' || v === '1' || v === 'on' ? true : v === false || v === 'false' || v === '0' || v === 'off' ? false : null;
  if (value === null) throw new ValidationError(`Say whether to ${kind} the story (true or false).`, { [kind === 'pin' ? 'pinned' : 'hidden']: 'true or false.' });
  await d.db.tx(async (tx) => {
    const items = await itemIdsOf(tx, story.id);
    await tx.query(`UPDATE wire_stories SET ${kind === 'pin' ? 'pinned' : 'hidden'} = $2, updated_at = now() WHERE id = $1`, [story.id, value]);
    await record(tx, { kind, story: story.id, items, value, staffId: input.staffId });
  });
  await d.db.notify(CONTENT_CHANNEL, 'stories').catch(() => undefined);
  return getStory(d.db, story.id);
}

/** Pins a story to the top of the day's ranking (or unpins it). */
export function pinStory(d: LiveDeps, input: { story: number | string; pinned: unknown } & Actor): Promise<WireStory> {
  return flag(d, 'pin', { story: input.story, value: input.pinned, staffId: input.staffId });
}

/** Hides a story from the day's ranking (or shows it again). */
export function hideStory(d: LiveDeps, input: { story: number | string; hidden: unknown } & Actor): Promise<WireStory> {
  return flag(d, 'hide', { story: input.story, value: input.hidden, staffId: input.staffId });
}

/** The decisions on a story (as the surviving or the other story), newest first. */
export async function storyDecisions(db: Db, story: number): Promise<StoryDecision[]> {
  return (await db.query(DECISIONS_SQL, [story])).map(toDecision);
}
