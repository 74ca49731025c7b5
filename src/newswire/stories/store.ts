// Stories of the newswire (issue #12) as the newsroom, the Admin API and the public pages read them: one
// story, its items with their outlets, the day's ranking, the spread of its coverage by lean, and our
// own articles linked to it (articles.story_key = wire_stories.slug). Writing stories is the live
// wire's (live.ts) and the editors' (decisions.ts).
import type { Db } from '../../db/index.ts';
import { NotFoundError, ValidationError, pathId } from '../../platform/errors.ts';
import { localDate, zonedTimeToUtc } from '../../platform/time.ts';
import type { Lean } from '../leans.ts';

/** An editor's decision on a story (written by decisions.ts, read here). */
export type DecisionKind = 'merge' | 'split' | 'rename' | 'pin' | 'hide';

export interface StoryDecision {
  id: number;
  kind: DecisionKind;
  story_id: number | null;
  other_story_id: number | null;
  item_ids: number[];
  from_item_ids: number[];
  title: string | null;
  value: boolean | null;
  staff: { id: number; name: string } | null;
  created_at: string;
}

export type Side = 'left' | 'center' | 'right';
export const SIDES: readonly Side[] = ['left', 'center', 'right'];

export interface WireStory {
  id: number;
  slug: string;
  title: string;
  title_by_editor: boolean;
  first_seen_at: string;
  last_updated_at: string;
  item_count: number;
  outlet_count: number;
  left_count: number;
  center_count: number;
  right_count: number;
  /** A blindspot for that side: the side that barely covers the story. */
  blindspot: Side | null;
  pinned: boolean;
  hidden: boolean;
  merged_into: number | null;
  created_at: string;
  updated_at: string;
}

export interface StoryItem {
  id: number;
  outlet: { id: number; slug: string; name: string; lean: Lean };
  /** The outlet's lean group; null for mixed and unrated outlets. */
  side: Side | null;
  url: string;
  title: string;
  text: string | null;
  summary: string | null;
  published: string;
}

export interface Spread {
  left: number;
  center: number;
  right: number;
  /** Distinct outlets, including mixed and unrated ones. */
  outlets: number;
  /** Outlets with a lean group (left + center + right). */
  rated: number;
  /** Shares of `rated`, 0 when nothing is rated. */
  shares: Record<Side, number>;
  blindspot: Side | null;
}

export interface StorySettings {
  /** A blindspot needs at least this many outlets with a lean group. */
  blindspotMinOutlets: number;
  /** ... and at least this share of them (0..1) from one group. */
  blindspotShare: number;
}

export const defaultStorySettings: StorySettings = { blindspotMinOutlets: 6, blindspotShare: 0.8 };

export interface RankedStory extends WireStory {
  rank: number;
  score: number;
  /** The day's figures the rank was computed from. */
  day: { items: number; outlets: number; left: number; center: number; right: number; new_outlets_6h: number; last: string };
  /** The story's outlets by name, as storyOutlets gives them: only when asked for (`outlets: true`). */
  outlets?: StoryOutlet[];
}

/** The lean group of an outlet's lean: left = left + lean-left, center, right = lean-right + right. */
export function sideOf(lean: Lean | string): Side | null {
  if (lean === 'left' || lean === 'lean-left') return 'left';
  if (lean === 'center') return 'center';
  if (lean === 'lean-right' || lean === 'right') return 'right';
  return null;
}

/**
 * The blindspot of a coverage: with at least `blindspotMinOutlets` rated outlets and at least
 * `blindspotShare` of them from one group, the story is a blindspot for the side that barely covers
 * it: the right when the left dominates, the left when the right does, and, when the center
 * dominates, whichever wing has fewer outlets (none on a tie).
 */
export function blindspotOf(counts: { left: number; center: number; right: number }, settings: StorySettings = defaultStorySettings): Side | null {
  const rated = counts.left + counts.center + counts.right;
  if (rated < settings.blindspotMinOutlets || rated === 0) return null;
  const need = settings.blindspotShare * rated - 1e-9;
  if (counts.left >= need) return 'right';
  if (counts.right >= need) return 'left';
  if (counts.center >= need) {
    if (counts.left < counts.right) return 'left';
    if (counts.right < counts.left) return 'right';
  }
  return null;
}

/** The spread of a story's coverage (its stored counts), with the blindspot under `settings`. */
export function spreadOf(story: Pick<WireStory, 'left_count' | 'center_count' | 'right_count' | 'outlet_count'>, settings: StorySettings = defaultStorySettings): Spread {
  const counts = { left: story.left_count, center: story.center_count, right: story.right_count };
  const rated = counts.left + counts.center + counts.right;
  const share = (n: number) => (rated ? n / rated : 0);
  return {
    ...counts,
    outlets: story.outlet_count,
    rated,
    shares: { left: share(counts.left), center: share(counts.center), right: share(counts.right) },
    blindspot: blindspotOf(counts, settings),
  };
}

// ---- settings -------------------------------------------------------------------------------

const SETTING_KEYS = { blindspotMinOutlets: 'wire.blindspot_min_outlets', blindspotShare: 'wire.blindspot_share' } as const;
/** The settings rows that hold the story settings (read with another statement by the live wire). */
export const STORY_SETTING_KEYS: readonly string[] = Object.values(SETTING_KEYS);

/** The story settings as one JSON object (key -> value), a scalar subquery for statements that read them with other things (storySettingsFrom maps it). */
export const STORY_SETTINGS_JSON = `(SELECT json_object_agg(key, value) FROM settings WHERE key IN (${STORY_SETTING_KEYS.map((k) => `'${k.replace(/'/g, "''")}'`).join(', ')}))`;

export async function getStorySettings(db: Db): Promise<StorySettings> {
  const rows = await db.query<{ key: string; value: unknown }>(`SELECT key, value FROM settings WHERE key = ANY($1)`, [STORY_SETTING_KEYS]);
  return storySettingsFrom(Object.fromEntries(rows.map((r) => [r.key, r.value])));
}

/** The story settings from the settings rows' values by key (defaults where absent or unusable). */
export function storySettingsFrom(got: Record<string, unknown> | null | undefined): StorySettings {
  const min = got?.[SETTING_KEYS.blindspotMinOutlets];
  const share = got?.[SETTING_KEYS.blindspotShare];
  return {
    blindspotMinOutlets: typeof min === 'number' && Number.isInteger(min) && min >= 1 ? min : defaultStorySettings.blindspotMinOutlets,
    blindspotShare: typeof share === 'number' && share > 0.5 && share <= 1 ? share : defaultStorySettings.blindspotShare,
  };
}

/** Validates and stores the blindspot settings; the stored blindspot of every story is recomputed. */
export async function setStorySettings(db: Db, input: { blindspotMinOutlets?: unknown; blindspotShare?: unknown }): Promise<StorySettings> {
  const cur = await getStorySettings(db);
  const fields: Record<string, string> = {};
  let min = cur.blindspotMinOutlets;
  let share = cur.blindspotShare;
  if (input.blindspotMinOutlets !== undefined) {
    const n = Number(input.blindspotMinOutlets);
    if (!Number.isInteger(n) || n < 1 || n > 1000) fields.blindspot_min_outlets = 'A whole number of outlets from 1 to 1000.';
    else min = n;
  }
  if (input.blindspotShare !== undefined) {
    let n = Number(input.blindspotShare);
    if (Number.isFinite(n) && n > 1 && n <= 100) n = n / 100; // a percentage
    if (!Number.isFinite(n) || n <= 0.5 || n > 1) fields.blindspot_share = 'A share above 50% and at most 100% (e.g. 80 or 0.8).';
    else share = Math.round(n * 10000) / 10000;
  }
  if (Object.keys(fields).length) throw new ValidationError('Those blindspot settings cannot be used.', fields);
  const next = { blindspotMinOutlets: min, blindspotShare: share };
  await db.tx(async (tx) => {
    for (const [k, key] of Object.entries(SETTING_KEYS)) {
      await tx.query(`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key, JSON.stringify(next[k as keyof StorySettings])]);
    }
    await tx.query(
      `UPDATE wire_stories SET blindspot = b.side FROM (
         SELECT id, CASE
           WHEN left_count + center_count + right_count < $1::int THEN NULL
           WHEN left_count >= $2::float8 * (left_count + center_count + right_count) - 1e-9 THEN 'right'
           WHEN right_count >= $2::float8 * (left_count + center_count + right_count) - 1e-9 THEN 'left'
           WHEN center_count >= $2::float8 * (left_count + center_count + right_count) - 1e-9 AND left_count < right_count THEN 'left'
           WHEN center_count >= $2::float8 * (left_count + center_count + right_count) - 1e-9 AND right_count < left_count THEN 'right'
           ELSE NULL END AS side
         FROM wire_stories) b
       WHERE b.id = wire_stories.id AND wire_stories.blindspot IS DISTINCT FROM b.side`,
      [min, share],
    );
  });
  return next;
}

// ---- reading --------------------------------------------------------------------------------

export const STORY_COLS = `s.id, s.slug, s.title, s.title_by_editor, s.first_seen_at, s.last_updated_at, s.item_count, s.outlet_count,
  s.left_count, s.center_count, s.right_count, s.blindspot, s.pinned, s.hidden, s.merged_into, s.created_at, s.updated_at`;

const iso = (v: unknown) => new Date(v as string).toISOString();

export function toStory(r: any): WireStory {
  return {
    id: Number(r.id),
    slug: r.slug,
    title: r.title,
    title_by_editor: Boolean(r.title_by_editor),
    first_seen_at: iso(r.first_seen_at),
    last_updated_at: iso(r.last_updated_at),
    item_count: Number(r.item_count),
    outlet_count: Number(r.outlet_count),
    left_count: Number(r.left_count),
    center_count: Number(r.center_count),
    right_count: Number(r.right_count),
    blindspot: r.blindspot ?? null,
    pinned: Boolean(r.pinned),
    hidden: Boolean(r.hidden),
    merged_into: r.merged_into === null || r.merged_into === undefined ? null : Number(r.merged_into),
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/** The one wording of a missing story, on every surface (the newsroom, the Admin API, the briefs). */
export const NO_SUCH_STORY = 'No such story.';

function storyId(id: unknown): number {
  const n = typeof id === 'number' ? id : /^\d{1,15}$/.test(String(id)) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new NotFoundError(NO_SUCH_STORY);
  return n;
}

/**
 * A story id from an address (`/admin/stories/{id}`, `/api/admin/stories/{id}`), read by pathId:
 * anything but a plain whole number (`abc`, `0x1`, `1e3`, ` 1`) is the same 404 as an id that names
 * no story.
 */
export function storyIdParam(params: unknown): number {
  return pathId(params, NO_SUCH_STORY);
}

/** One story (a merged one too: merged_into says where its items went). */
export async function getStory(db: Db, id: number | string): Promise<WireStory> {
  const r = await db.one(`SELECT ${STORY_COLS} FROM wire_stories s WHERE s.id = $1`, [storyId(id)]);
  if (!r) throw new NotFoundError(NO_SUCH_STORY);
  return toStory(r);
}

export async function getStoryBySlug(db: Db, slug: string): Promise<WireStory> {
  const r = typeof slug === 'string' && slug.length <= 200 ? await db.one(`SELECT ${STORY_COLS} FROM wire_stories s WHERE s.slug = $1`, [slug]) : undefined;
  if (!r) throw new NotFoundError(NO_SUCH_STORY);
  return toStory(r);
}

/** The story a merged one ended up in (following merged_into), or the story itself. */
export async function liveStory(db: Db, id: number | string): Promise<WireStory> {
  let s = await getStory(db, id);
  for (let hops = 0; s.merged_into !== null && hops < 50; hops++) s = await getStory(db, s.merged_into);
  return s;
}

/** A story's items, oldest first, with their outlets (the story's id is $1). */
const ITEMS_SQL = `SELECT i.id, i.outlet_id, o.slug AS outlet_slug, o.name AS outlet_name, o.lean, i.url, i.title,
            left(coalesce(i.text, i.summary), 4000) AS text, i.summary, i.published_at
       FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
      WHERE i.story_id = $1 ORDER BY i.published_at, i.id`;

/** A story's items, oldest first, with their outlets. */
export async function storyItems(db: Db, id: number | string, opts: { limit?: number } = {}): Promise<StoryItem[]> {
  const limit = Math.max(1, Math.min(5000, opts.limit ?? 1000));
  const rows = await db.query(`${ITEMS_SQL} LIMIT ${limit}`, [storyId(id)]);
  return rows.map(toItem);
}

function toItem(r: any): StoryItem {
  return {
    id: Number(r.id),
    outlet: { id: r.outlet_id, slug: r.outlet_slug, name: r.outlet_name, lean: r.lean },
    side: sideOf(r.lean),
    url: r.url,
    title: r.title,
    text: r.text,
    summary: r.summary,
    published: iso(r.published_at),
  };
}

export interface LinkedArticle {
  id: number;
  slug: string;
  headline: string;
  status: string;
  published_at: string | null;
}

/** Our own articles on the story (articles.story_key = the story's slug), newest first. */
export async function linkedArticles(db: Db, story: Pick<WireStory, 'slug'>): Promise<LinkedArticle[]> {
  const rows = await db.query(`${LINKED_SQL('$1')}`, [story.slug]);
  return rows.map(toLinked);
}

/** Our articles on the story whose slug is `slug` (an SQL expression), newest first. */
const LINKED_SQL = (slug: string) =>
  `SELECT id, slug, headline, status, published_at FROM articles WHERE story_key = ${slug} ORDER BY coalesce(published_at, updated_at) DESC, id DESC LIMIT 200`;

const toLinked = (r: any): LinkedArticle => ({ id: Number(r.id), slug: r.slug, headline: r.headline, status: r.status, published_at: r.published_at ? iso(r.published_at) : null });

/** The editors' decisions on the story with id $1 (either side of a merge or split), newest first. */
export const DECISIONS_SQL = `SELECT d.id, d.kind, d.story_id, d.other_story_id, d.item_ids, d.from_item_ids, d.title, d.value, d.created_at, s.id AS staff_id, s.name AS staff_name, s.email AS staff_email
       FROM wire_story_decisions d LEFT JOIN staff s ON s.id = d.staff_id
      WHERE d.story_id = $1 OR d.other_story_id = $1 ORDER BY d.id DESC LIMIT 100`;

export function toDecision(r: any): StoryDecision {
  return {
    id: Number(r.id),
    kind: r.kind as DecisionKind,
    story_id: r.story_id === null ? null : Number(r.story_id),
    other_story_id: r.other_story_id === null ? null : Number(r.other_story_id),
    item_ids: (r.item_ids ?? []).map(Number),
    from_item_ids: (r.from_item_ids ?? []).map(Number),
    title: r.title,
    value: r.value,
    staff: r.staff_id === null ? null : { id: Number(r.staff_id), name: r.staff_name || r.staff_email },
    created_at: new Date(r.created_at).toISOString(),
  };
}

export interface StoryView {
  story: WireStory;
  /** Its items, oldest first (at most 1000, as storyItems). */
  items: StoryItem[];
  articles: LinkedArticle[];
  decisions: StoryDecision[];
  settings: StorySettings;
  /** With `others`: the stories an editor may merge into it (mergeCandidates). */
  others?: Array<{ id: number; title: string }>;
  /** With `outlets`: its outlets by name (storyOutlets). */
  outlets?: StoryOutlet[];
}

/**
 * A story as the newsroom's story screen and the Admin API's story read it, in one statement
 * (decision 0079) where it was six: the row (NotFoundError when there is none; a merged story too),
 * its items with their outlets (storyItems), our articles on it (linkedArticles), the editors'
 * decisions (storyDecisions), the blindspot settings, and on request the merge candidates
 * (mergeCandidates) and its outlets (storyOutlets). Each is a JSON value of the same rows the separate
 * statement read, with no join between them; the mappers are the same. Planned once per database
 * session (db.prepared; one statement per set of options): on PGlite planning it cost more than running it.
 */
export async function storyView(db: Db, id: number | string, opts: { others?: { now: Date; limit?: number }; outlets?: boolean } = {}): Promise<StoryView> {
  const sid = storyId(id);
  const othersLimit = Math.max(1, Math.min(200, Math.floor(opts.others?.limit ?? 40)));
  const name = `wire_story_view${opts.others ? `_others${othersLimit}` : ''}${opts.outlets ? '_outlets' : ''}`;
  const [got] = await db.prepared<{ story: any; items: any[] | null; articles: any[] | null; decisions: any[] | null; settings: Record<string, unknown> | null; others: any[] | null; outlets: any[] | null }>(
    name,
    opts.others ? ['bigint', 'timestamptz'] : ['bigint'],
    `WITH s AS MATERIALIZED (SELECT ${STORY_COLS}, s.outlet_ids, s.outlet_count > 0 AND cardinality(s.outlet_ids) = 0 AS no_oids FROM wire_stories s WHERE s.id = $1)
     SELECT (SELECT row_to_json(s) FROM s) AS story,
            (SELECT json_agg(x) FROM (${ITEMS_SQL} LIMIT 1000) x) AS items,
            (SELECT json_agg(x) FROM (${LINKED_SQL('(SELECT slug FROM s)')}) x) AS articles,
            (SELECT json_agg(x) FROM (${DECISIONS_SQL}) x) AS decisions,
            ${STORY_SETTINGS_JSON} AS settings,
            ${
              opts.others
                ? `(SELECT json_agg(x) FROM (${MERGE_CANDIDATES_SQL('$2', '$1', othersLimit)}) x)`
                : 'NULL::json'
            } AS others,
            ${
              opts.outlets
                ? `(SELECT json_agg(json_build_array(o.id, o.slug, o.name, o.lean) ORDER BY o.name, o.id) FROM wire_outlets o WHERE o.id = ANY((SELECT outlet_ids FROM s)::int[]))`
                : 'NULL::json'
            } AS outlets`,
    opts.others ? [sid, new Date(opts.others.now.getTime() - 2 * 24 * HOUR).toISOString()] : [sid],
  );
  if (!got?.story) throw new NotFoundError(NO_SUCH_STORY);
  const story = toStory(got.story);
  const view: StoryView = {
    story,
    // json_agg keeps the order of its subquery's rows (each ordered as the separate statement was).
    items: (got.items ?? []).map(toItem),
    articles: (got.articles ?? []).map(toLinked),
    decisions: (got.decisions ?? []).map(toDecision),
    settings: storySettingsFrom(got.settings),
  };
  if (opts.others) view.others = (got.others ?? []).map((r) => ({ id: Number(r.id), title: r.title }));
  if (opts.outlets) {
    if (got.story.no_oids) view.outlets = (await storyOutlets(db, [story.id])).get(story.id) ?? [];
    else {
      const order = new Map<number, { at: number; outlet: StoryOutlet }>();
      for (const [at, [oid, slug, name, lean]] of (got.outlets ?? []).entries()) order.set(Number(oid), { at, outlet: { id: Number(oid), slug, name, lean, side: sideOf(lean) } });
      view.outlets = inOrder(got.story.outlet_ids ?? [], order);
    }
  }
  return view;
}

/** [start, end) of a local calendar day (YYYY-MM-DD) in `timeZone`. */
export function dayRange(date: string, timeZone: string): { start: Date; end: Date } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new ValidationError('Give the date as YYYY-MM-DD.', { date: 'A date such as 2026-11-25.' });
  const [y, mo, d] = m.slice(1).map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) throw new ValidationError('That date is not a real date.', { date: 'Not a real date.' });
  const next = new Date(Date.UTC(y, mo - 1, d + 1));
  return { start: zonedTimeToUtc(y, mo, d, 0, 0, timeZone), end: zonedTimeToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timeZone) };
}

export interface ListStoriesOptions {
  /** Local calendar date in `timeZone`, YYYY-MM-DD; today when absent. */
  date?: string;
  limit?: number;
  /** The publication's time zone; read from the settings (else UTC) when absent. */
  timeZone?: string;
  /** Include hidden stories (ranked after the others, for the newsroom to unhide). */
  includeHidden?: boolean;
  now?: Date;
  /** Each returned story's outlets as well (as storyOutlets gives them), read in the same statement. */
  outlets?: boolean;
}

async function publicationZone(db: Db): Promise<string> {
  const r = await db.one<{ value: unknown }>(`SELECT value FROM settings WHERE key = 'publication.timeZone'`);
  return typeof r?.value === 'string' ? r.value : 'UTC';
}

/** How many candidate stories (by stored outlet count) the day's ranking scores. */
const CANDIDATES = 400;
const HOUR = 3_600_000;

/**
 * The day's ranking score: distinct outlets covering the story that day (log-scaled), how widely
 * across the spectrum (lean groups covered), how fast coverage grows (outlets new to it in the last 6
 * hours) and how recent its last item is (half-life 6 hours). See docs/decisions/0061-story-ranking.md.
 */
export function rankScore(day: { outlets: number; left: number; center: number; right: number; new_outlets_6h: number; last: number }, ref: number): number {
  if (day.outlets <= 0) return 0;
  const groups = (day.left > 0 ? 1 : 0) + (day.center > 0 ? 1 : 0) + (day.right > 0 ? 1 : 0);
  const spread = groups <= 1 ? 0 : (groups - 1) / 2;
  const hours = Math.max(0, (ref - day.last) / HOUR);
  const recency = Math.pow(0.5, hours / 6);
  const growth = Math.min(1, day.new_outlets_6h / day.outlets);
  return Math.log2(1 + day.outlets) * (1 + 0.5 * spread) * (0.6 + 0.4 * recency) * (1 + 0.5 * growth);
}

/** One story's day figures, per outlet, as they follow from its row alone (not from the clock or the leans). */
type OutletDay = [outlet: number, items: number, notBefore: boolean | null, first: number, last: number];

interface RankEntry {
  /** The row version the entry was computed from (the row's xmin): the row's content determines the entry. */
  version: string;
  /** The row as the statement gave it; made a WireStory when first ranked among the returned ones. */
  row: any;
  story?: WireStory;
  outlets: OutletDay[];
  computed: number;
  seen: number;
}

/**
 * The ranking's per-story figures, per database handle and day range, each keyed by its story row's
 * version (decision 0076). A story row's version (xmin, the transaction that wrote it) changes with every
 * write to the row, whoever makes it (the live wire, an editor's pin, hide, merge, split or rename, a
 * settings change recomputing the blindspot, a recount), and a committed row version is written by one
 * transaction; so an entry whose version is still the row's is what the statement would compute for it
 * again, on this server or any other. What moves with the clock (recency, "new in the last 6 hours") and
 * the outlets' leans are applied at every request, never cached.
 *
 * A row version names one content only on the database server that wrote it: another server (a dump
 * restored onto another cluster behind the same address, a promoted standby that had not received the
 * last transactions, a backup restored to an earlier point) hands out transaction ids that this one may
 * already have handed out, and a story may then have the same (id, xmin) with other content. So the
 * entries also name the server they were read from (`pg_postmaster_start_time()`: a server process's
 * start, which every restore onto a cluster, failover or restart changes; decision 0079); the statement
 * uses none of them when another server answers it, and they are dropped.
 */
const rankCaches = new WeakMap<Db, { server: string | null; ranges: Map<string, { used: number; entries: Map<number, RankEntry> }>; last: { candidates: number; read: number } | null }>();
/**
 * An entry is not used after this long whatever its version says: xmin is 32 bits and wraps, so a row
 * version is told apart from one written 2^32 transactions later only by the time between them.
 * Entries are renewed before that, a few a request, so that they do not all expire in one request.
 */
const RANK_ENTRY_MAX_AGE = 10 * 60_000;
/** Entries older than this are read again, at most RANK_RENEW of them a request (the oldest first). */
const RANK_ENTRY_RENEW_AGE = RANK_ENTRY_MAX_AGE / 2;
const RANK_RENEW = 40;
/** The wall clock the entries' ages are measured by (a test moves it). */
export const rankingCacheClock = { now: (): number => Date.now() };
/** Day ranges kept per database handle (today and yesterday are the usual two). */
const RANK_RANGES = 8;

/** Forgets the ranking's cached figures for `db` (a bench's cold run; never needed for correctness). */
export function forgetRankings(db: Db): void {
  rankCaches.delete(db);
}

/** What the last ranking on `db` read: its candidates, and how many of them it read in full (the rest were cached). */
export function lastRankingRead(db: Db): { candidates: number; read: number } | null {
  return rankCaches.get(db)?.last ?? null;
}

/** The columns of a candidate read in full: the story's, its version, and with the outlets asked for its outlet ids. */
const RANK_ROW = [...STORY_COLS.split(',').map((c) => c.trim().replace(/^s\./, '')), 'v'];
const RANK_ROW_OUTLETS = [...RANK_ROW, 'oids'];

/** The day's biggest stories, ranked: pinned first, then by rankScore; hidden ones left out. */
export async function listStories(db: Db, opts: ListStoriesOptions = {}): Promise<RankedStory[]> {
  const timeZone = opts.timeZone ?? (await publicationZone(db));
  const now = opts.now ?? new Date();
  const date = opts.date ?? localDate(now, timeZone);
  const { start, end } = dayRange(date, timeZone);
  const limit = Math.max(1, Math.min(500, Math.floor(opts.limit ?? 50)));
  const ref = Math.min(now.getTime(), end.getTime());
  const since = ref - 6 * HOUR;
  // The figures already computed for this day range, by story, as they stand now (a concurrent request
  // may replace or drop entries of the shared map; this one uses what it sent as known).
  const wall = rankingCacheClock.now();
  let cache = rankCaches.get(db);
  if (!cache) rankCaches.set(db, (cache = { server: null, ranges: new Map(), last: null }));
  const ranges = cache.ranges;
  const rangeKey = `${start.toISOString()}/${end.toISOString()}`;
  let range = ranges.get(rangeKey);
  if (!range) {
    ranges.set(rangeKey, (range = { used: wall, entries: new Map() }));
    if (ranges.size > RANK_RANGES) {
      const oldest = [...ranges].sort((a, b) => a[1].used - b[1].used)[0]!;
      ranges.delete(oldest[0]);
    }
  }
  range.used = wall;
  const known = new Map<number, RankEntry>();
  const renew: Array<[number, RankEntry]> = [];
  for (const [id, e] of range.entries) {
    if (wall - e.computed > RANK_ENTRY_MAX_AGE || wall - e.seen > RANK_ENTRY_MAX_AGE) range.entries.delete(id);
    // The story's outlet ids are read only when the outlets are asked for: an entry read without them
    // is read again by a request that asks (and then kept with them).
    else if (opts.outlets && e.row.oids === undefined) continue;
    else if (wall - e.computed > RANK_ENTRY_RENEW_AGE) renew.push([id, e]);
    else known.set(id, e);
  }
  renew.sort((a, b) => a[1].computed - b[1].computed);
  for (const [id, e] of renew.slice(RANK_RENEW)) known.set(id, e);
  const knownKeys: string[] = [];
  const knownOutlets = new Set<number>();
  for (const [id, e] of known) {
    knownKeys.push(`${id}:${e.version}`);
    for (const o of e.outlets) knownOutlets.add(o[0]);
    if (opts.outlets) for (const o of e.row.oids ?? []) knownOutlets.add(Number(o));
  }
  // One statement, and no lookup per candidate (decision 0062). The candidates come off
  // wire_stories_rank (migration 052) in its order, so the scan stops at the CANDIDATES-th story of the
  // day instead of reading every story of the day; each with its row's version. Only the candidates
  // whose version is not among the known ones (decision 0076) are read in full: their items from their
  // own rows (item_published, item_outlet_ids: migration 055, in published order), not looked up in
  // wire_items: the day's items are the slice between two binary searches (width_bucket) of the times,
  // grouped by (story, outlet), with whether the outlet has an item on the story before the day, its
  // first item that day when it had none before (the only case the first is used in), and its last. The leans of the outlets of every candidate come with them (read
  // live: a deleted outlet's items drop out, as they did from wire_items). JSON values and no join
  // between them, so no plan, however the planner misjudges the sizes (a database not analysed yet),
  // can multiply their rows; and one JSON value parses in a fraction of the time of 400 rows of 17
  // columns. The rows and the figures come column by column (one JSON array a column, the rows rebuilt
  // here), which costs the database about a quarter less than an object or array a row (decision 0079);
  // the known candidates come as their ids only (the statement matched their versions). `tx`: whether
  // this statement runs in a transaction that has written (its own rows' versions may change again
  // before it commits, so nothing it reads is kept).
  const rowCols = opts.outlets ? RANK_ROW_OUTLETS : RANK_ROW;
  const got = await db.one<{
    cand: number[] | null;
    stories: Array<unknown[] | null> | null;
    so: [number[] | null, number[] | null, number[] | null, Array<boolean | null> | null, Array<string | null> | null, string[] | null] | null;
    leans: Record<string, string> | null;
    named: Array<[number, Lean, string, string]> | null;
    tx: boolean;
    server: string;
  }>(
    `WITH c AS MATERIALIZED (
       SELECT ${STORY_COLS}, s.xmin::text AS v, k.known, b.lo, b.hi,
              ${opts.outlets ? 'CASE WHEN NOT k.known THEN s.outlet_ids END AS oids,' : ''}
              CASE WHEN NOT k.known THEN s.item_published END AS ts, CASE WHEN NOT k.known THEN s.item_outlet_ids END AS os,
              CASE WHEN NOT k.known THEN s.item_outlet_ids[1:b.lo] END AS before
         FROM wire_stories s
         CROSS JOIN LATERAL (SELECT ${knownKeys.length ? `(s.id::text || ':' || s.xmin::text) = ANY($3::text[]) AND (SELECT pg_postmaster_start_time()) = $5::timestamptz` : '$3::text[] IS NULL'} AS known) k
         CROSS JOIN LATERAL (SELECT CASE WHEN NOT k.known THEN width_bucket($1::timestamptz - interval '1 microsecond', s.item_published) END AS lo,
                                    CASE WHEN NOT k.known THEN width_bucket($2::timestamptz - interval '1 microsecond', s.item_published) END AS hi) b
        WHERE s.merged_into IS NULL AND s.last_updated_at >= $1 AND s.first_seen_at < $2 ${opts.includeHidden ? '' : 'AND NOT s.hidden'}
        ORDER BY s.pinned DESC, s.outlet_count DESC, s.last_updated_at DESC, s.id LIMIT ${CANDIDATES}),
     so AS MATERIALIZED (
       SELECT c.id AS story_id, u.oid, count(*)::int AS n, bool_and(NOT (u.oid = ANY(c.before))) AS nb,
              CASE WHEN bool_and(NOT (u.oid = ANY(c.before))) THEN min(u.t) END AS first, max(u.t) AS last
         FROM c CROSS JOIN LATERAL unnest(c.ts[c.lo + 1:c.hi], c.os[c.lo + 1:c.hi]) AS u(t, oid)
        WHERE NOT c.known
        GROUP BY c.id, u.oid)
     SELECT (SELECT json_agg(c.id) FROM c WHERE c.known) AS cand,
            (SELECT json_build_array(${rowCols.map((k) => `json_agg(c.${k})`).join(', ')}) FROM c WHERE NOT c.known) AS stories,
            (SELECT json_build_array(json_agg(so.story_id), json_agg(so.oid), json_agg(so.n), json_agg(so.nb), json_agg(so.first), json_agg(so.last)) FROM so) AS so,
            ${
              opts.outlets
                ? `NULL AS leans, (SELECT json_agg(json_build_array(o.id, o.lean, o.slug, o.name) ORDER BY o.name, o.id) FROM wire_outlets o
                    WHERE o.id = ANY($4::int[] || ARRAY(SELECT DISTINCT so.oid FROM so) || ARRAY(SELECT DISTINCT u.oid FROM c CROSS JOIN LATERAL unnest(c.oids) AS u(oid)))) AS named,`
                : `(SELECT json_object_agg(o.id, o.lean) FROM wire_outlets o WHERE o.id = ANY($4::int[] || ARRAY(SELECT DISTINCT so.oid FROM so))) AS leans, NULL AS named,`
            }
            pg_current_xact_id_if_assigned() IS NOT NULL AS tx, (SELECT pg_postmaster_start_time())::text AS server`,
    knownKeys.length ? [start, end, knownKeys, [...knownOutlets], cache.server] : [start, end, knownKeys, [...knownOutlets]],
  );
  // Another database server answered than the one the kept entries were read from: the statement used
  // none of them (`known` asks for the same server), and they are dropped, of every day range.
  if (got && got.server !== cache.server) {
    if (cache.server !== null) {
      cache.ranges = new Map([[rangeKey, range]]);
      range.entries.clear();
    }
    cache.server = got.server;
  }
  // The entries of the candidates read in full (their rows column by column, the figures too).
  const fresh = new Map<number, RankEntry>();
  const rows = got?.stories ?? [];
  for (let i = 0; i < (rows[0]?.length ?? 0); i++) {
    const r: Record<string, unknown> = {};
    for (const [k, name] of rowCols.entries()) r[name] = rows[k]![i];
    fresh.set(Number(r.id), { version: String(r.v), row: r, outlets: [], computed: wall, seen: wall });
  }
  const [soStory, soOutlet, soN, soNb, soFirst, soLast] = got?.so ?? [];
  for (let i = 0; i < (soStory?.length ?? 0); i++) {
    const first = soFirst![i];
    fresh.get(Number(soStory![i]))?.outlets.push([Number(soOutlet![i]), Number(soN![i]), soNb![i]!, first === null || first === undefined ? NaN : Date.parse(first), Date.parse(soLast![i]!)]);
  }
  const keep = !got?.tx;
  cache.last = { candidates: (got?.cand?.length ?? 0) + fresh.size, read: fresh.size };
  // The day's figures per story: distinct outlets with an item that day (by lean group), their items,
  // the outlets new to it in the last 6 hours (none before the day, the first that day at or after
  // `since`), its last item that day.
  const leans: Record<string, string> = got?.leans ?? {};
  // With the outlets asked for: every candidate's outlets with their names, in (name, id) order as the
  // database's collation sorts them (storyOutlets' order).
  const named = new Map<number, { at: number; outlet: StoryOutlet }>();
  for (const [at, [id, lean, slug, name]] of (got?.named ?? []).entries()) {
    leans[String(id)] = lean;
    named.set(Number(id), { at, outlet: { id: Number(id), slug, name, lean, side: sideOf(lean) } });
  }
  // The candidates: those read in full, and those whose kept version the statement found to be the
  // row's (their ids; their order does not matter, the sort below is total).
  const ranked = [];
  const candidates: Array<[number, RankEntry | undefined]> = [...fresh];
  for (const idOf of got?.cand ?? []) candidates.push([Number(idOf), undefined]);
  for (let [id, e] of candidates) {
    if (e) {
      if (keep) range.entries.set(id, e);
    } else {
      e = known.get(id);
      if (!e) throw new Error(`the ranking has no figures for story ${id}`);
      e.seen = wall;
    }
    let items = 0, outlets = 0, left = 0, center = 0, right = 0, new6 = 0, last = -Infinity;
    for (const [outlet, n, nb, first, lastOf] of e.outlets) {
      const lean = leans[String(outlet)];
      if (lean === undefined) continue;
      items += n;
      outlets++;
      const side = sideOf(lean);
      if (side === 'left') left++;
      else if (side === 'center') center++;
      else if (side === 'right') right++;
      if (nb && first >= since) new6++;
      if (lastOf > last) last = lastOf;
    }
    if (!outlets) continue;
    const day = { items, outlets, left, center, right, new_outlets_6h: new6, last: new Date(last).toISOString() };
    ranked.push({ e, id, last, pinned: Boolean(e.row.pinned), hidden: Boolean(e.row.hidden), score: Math.round(rankScore({ ...day, last }, ref) * 1e6) / 1e6, day });
  }
  ranked.sort(
    (a, b) =>
      Number(a.hidden) - Number(b.hidden) ||
      Number(b.pinned) - Number(a.pinned) ||
      b.score - a.score ||
      b.day.outlets - a.day.outlets ||
      b.last - a.last ||
      a.id - b.id,
  );
  const out = ranked.slice(0, limit).map((x, i): RankedStory => ({ ...(x.e.story ??= toStory(x.e.row)), rank: i + 1, score: x.score, day: x.day }));
  if (opts.outlets) {
    const missing: RankedStory[] = [];
    for (const [i, s] of out.entries()) {
      const row = ranked[i]!.e.row;
      if (row.outlet_count > 0 && Array.isArray(row.oids) && row.oids.length === 0) missing.push(s);
      s.outlets = inOrder(row.oids ?? [], named);
    }
    // A story whose stored outlet ids are missing (written without a recount; none should be).
    if (missing.length) {
      const more = await storyOutlets(db, missing.map((s) => s.id));
      for (const s of missing) s.outlets = more.get(s.id) ?? [];
    }
  }
  return out;
}

/** The merge candidates' statement: updated since `since`, not the story `exclude` (SQL expressions). */
const MERGE_CANDIDATES_SQL = (since: string, exclude: string, limit: number) => `SELECT s.id, s.title FROM wire_stories s
      WHERE s.merged_into IS NULL AND NOT s.hidden AND s.last_updated_at >= ${since} AND s.id <> ${exclude}
      ORDER BY s.pinned DESC, s.outlet_count DESC, s.last_updated_at DESC, s.id LIMIT ${limit}`;

/**
 * Stories an editor may merge into another: the live stories of the last two days with the most
 * outlets (stored counts, off wire_stories_rank), titles only. Cheaper than the day's ranking.
 */
export async function mergeCandidates(db: Db, opts: { now: Date; limit?: number; exclude?: number }): Promise<Array<{ id: number; title: string }>> {
  const limit = Math.max(1, Math.min(200, Math.floor(opts.limit ?? 40)));
  const rows = await db.query<{ id: string; title: string }>(MERGE_CANDIDATES_SQL('$1', '$2', limit), [new Date(opts.now.getTime() - 2 * 24 * HOUR), opts.exclude ?? 0]);
  return rows.map((r) => ({ id: Number(r.id), title: r.title }));
}

export interface BlindspotListOptions {
  /** The last day (YYYY-MM-DD, local) of the seven-day list; today when absent. */
  date?: string;
  timeZone?: string;
  limit?: number;
  now?: Date;
}

/** The week's blindspots (the seven local days ending on `date`), most outlets first. */
export async function listBlindspots(db: Db, opts: BlindspotListOptions = {}): Promise<{ from: string; to: string; stories: WireStory[] }> {
  const timeZone = opts.timeZone ?? (await publicationZone(db));
  const now = opts.now ?? new Date();
  const to = opts.date ?? localDate(now, timeZone);
  const { end } = dayRange(to, timeZone);
  const [y, mo, d] = to.split('-').map(Number) as [number, number, number];
  const f = new Date(Date.UTC(y, mo - 1, d - 6));
  const from = f.toISOString().slice(0, 10);
  const { start } = dayRange(from, timeZone);
  const limit = Math.max(1, Math.min(500, Math.floor(opts.limit ?? 100)));
  const rows = await db.query(
    `SELECT ${STORY_COLS} FROM wire_stories s
      WHERE s.blindspot IS NOT NULL AND s.merged_into IS NULL AND NOT s.hidden AND s.last_updated_at >= $1 AND s.first_seen_at < $2
      ORDER BY s.outlet_count DESC, s.last_updated_at DESC, s.id LIMIT ${limit}`,
    [start, end],
  );
  return { from, to, stories: rows.map(toStory) };
}

export interface StoryOutlet {
  id: number;
  slug: string;
  name: string;
  lean: Lean;
  side: Side | null;
}

/** A story's outlets (its stored ids) in the order of `order` (the outlets by (name, id), as the database sorts them); ids not there (deleted outlets) left out. */
function inOrder(oids: Array<number | string>, order: Map<number, { at: number; outlet: StoryOutlet }>): StoryOutlet[] {
  const known = [];
  for (const oid of oids) {
    const o = order.get(Number(oid));
    if (o) known.push(o);
  }
  known.sort((a, b) => a.at - b.at);
  return known.map((o) => ({ ...o.outlet }));
}

/** The distinct outlets of each of `ids`' stories, by name (from the stored outlet_ids, migration 054). */
export async function storyOutlets(db: Db, ids: number[]): Promise<Map<number, StoryOutlet[]>> {
  const out = new Map<number, StoryOutlet[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  // One statement, two JSON values with no join between them (decision 0076): each story's stored outlet
  // ids, and those outlets in (name, id) order, as the database's collation sorts them; each story's
  // outlets are put in that order here, which is the order the join sorted by before. A deleted outlet
  // (none should be left in a story's ids) is left out, as the join left it out.
  const got = await db.one<{ stories: Array<[number, number[], boolean]> | null; outlets: Array<[number, string, string, Lean]> | null }>(
    `WITH s AS MATERIALIZED (SELECT s.id, s.outlet_ids, s.outlet_count > 0 AND cardinality(s.outlet_ids) = 0 AS missing FROM wire_stories s WHERE s.id = ANY($1::bigint[]))
     SELECT (SELECT json_agg(json_build_array(s.id, s.outlet_ids, s.missing)) FROM s) AS stories,
            (SELECT json_agg(json_build_array(o.id, o.slug, o.name, o.lean) ORDER BY o.name, o.id) FROM wire_outlets o
              WHERE o.id = ANY(ARRAY(SELECT DISTINCT u.oid FROM s CROSS JOIN LATERAL unnest(s.outlet_ids) AS u(oid)))) AS outlets`,
    [ids],
  );
  const order = new Map<number, { at: number; outlet: StoryOutlet }>();
  for (const [at, [id, slug, name, lean]] of (got?.outlets ?? []).entries()) order.set(Number(id), { at, outlet: { id: Number(id), slug, name, lean, side: sideOf(lean) } });
  const missingIds: number[] = [];
  for (const [id, oids, missing] of got?.stories ?? []) {
    if (missing) missingIds.push(Number(id));
    if (out.has(Number(id))) out.set(Number(id), inOrder(oids, order));
  }
  // A story whose items were written without a recount (none should be): read its items.
  if (missingIds.length) {
    for (const id of missingIds) out.set(id, []);
    const more = await db.query(
      `SELECT DISTINCT i.story_id, o.id, o.slug, o.name, o.lean FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
        WHERE i.story_id = ANY($1::bigint[]) ORDER BY o.name, o.id`,
      [missingIds],
    );
    for (const r of more) out.get(Number(r.story_id))?.push({ id: r.id, slug: r.slug, name: r.name, lean: r.lean, side: sideOf(r.lean) });
  }
  return out;
}
