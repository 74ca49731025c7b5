// What readers see of a story on the wire (issue 12, part 5): its coverage by side (one piece per
// outlet: its first on the story, linking to the outlet's own page) and whether the public may see
// the story at all. A story is public when it is not hidden and at least one of our published
// articles is on it (articles.story_key = its slug): the publication shows the spread of stories it
// has covered, not every cluster the wire makes. A merged story is read through the one it went into.
// Also the announcement a story change makes when readers can see it (STORY_CHANNEL).
import type { Db } from '../../db/index.ts';
import { CONTENT_CHANNEL, STORY_CHANNEL } from '../../platform/channels.ts';
import { localDate } from '../../platform/time.ts';
import { listStories, sideOf, spreadOf, storySettingsFrom, toStory, SIDES, STORY_COLS, STORY_SETTINGS_JSON, type RankedStory, type Side, type Spread, type WireStory } from '../stories/store.ts';

export interface CoveragePiece {
  outlet: string;
  lean: string;
  title: string;
  url: string;
  published: string;
}

export interface StoryCoverage {
  /** The story as readers see it (a merged story's survivor). */
  story: WireStory;
  /** The slug asked for, when it was a story merged into `story`. */
  mergedFrom: string | null;
  /** The story's slug and those of the stories merged into it: our articles may carry any of them. */
  slugs: string[];
  spread: Spread;
  /** One piece per outlet on each side, oldest first (at most `perSide`). */
  sides: Record<Side, CoveragePiece[]>;
  /** Outlets with no lean group (mixed, unrated). */
  unrated: CoveragePiece[];
  /** Whether the story has a public page (storyIsPublic), as the statement that read it found. */
  public: boolean;
}

/** Only http(s) addresses are ever linked from our pages. */
function httpUrl(u: string): string | null {
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The coverage of the story with `slug`, or null when there is no such story or it is hidden. Does
 * not check that the story is public (`public` says whether it is: storyIsPublic's rule, read in the
 * same statement): an article page linked to the story shows it.
 */
export async function storyCoverage(db: Db, slug: string, opts: { perSide?: number } = {}): Promise<StoryCoverage | null> {
  if (typeof slug !== 'string' || slug.length > 200 || slug.includes('\0')) return null;
  // One statement (decision 0079) for what were four to six: the story asked for, followed through
  // merged_into to the story it went into (at most 50 hops, as liveStory), that story's row, its first
  // piece per outlet, the blindspot settings, its slug and the slugs merged into it (storySlugs), and
  // whether one of our published articles is on one of them (storyIsPublic). JSON values with no join
  // between them; the pieces are read only for a story readers may see. Planned once per database
  // session (db.prepared): on PGlite planning it took most of its time (decision 0079).
  const [got] = await db.prepared<{
    story: Record<string, unknown> | null;
    pieces: Array<[string, string, string, string, string]> | null;
    settings: Record<string, unknown> | null;
    slugs: string[] | null;
    public: boolean | null;
  }>(
    'wire_story_coverage',
    ['text'],
    `WITH RECURSIVE chain(id, merged_into, hops) AS (
       SELECT id, merged_into, 0 FROM wire_stories WHERE slug = $1
       UNION ALL SELECT s.id, s.merged_into, c.hops + 1 FROM chain c JOIN wire_stories s ON s.id = c.merged_into WHERE c.hops < 50),
     live AS MATERIALIZED (SELECT ${STORY_COLS} FROM wire_stories s WHERE s.id = (SELECT id FROM chain ORDER BY hops DESC LIMIT 1)),
     m(id, slug, depth) AS (
       SELECT id, slug, 0 FROM live
       UNION ALL SELECT s.id, s.slug, m.depth + 1 FROM wire_stories s JOIN m ON s.merged_into = m.id WHERE m.depth < 50),
     shown AS (SELECT id FROM live WHERE NOT hidden AND merged_into IS NULL)
     SELECT (SELECT row_to_json(live) FROM live) AS story,
            (SELECT json_agg(json_build_array(p.name, p.lean, p.url, p.title, p.published_at) ORDER BY p.outlet_id) FROM (
               SELECT DISTINCT ON (i.outlet_id) i.outlet_id, o.name, o.lean, i.url, i.title, i.published_at
                 FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id
                WHERE i.story_id = (SELECT id FROM shown)
                ORDER BY i.outlet_id, i.published_at, i.id) p) AS pieces,
            ${STORY_SETTINGS_JSON} AS settings,
            (SELECT json_agg(DISTINCT m.slug) FROM m WHERE EXISTS (SELECT 1 FROM shown)) AS slugs,
            EXISTS (SELECT 1 FROM articles a WHERE a.story_key IN (SELECT m.slug FROM m) AND a.status = 'published' AND EXISTS (SELECT 1 FROM shown)) AS public`,
    [slug],
  );
  if (!got?.story) return null;
  const story = toStory(got.story);
  if (story.hidden || story.merged_into !== null) return null;
  const perSide = Math.max(1, Math.min(500, opts.perSide ?? 50));
  const rows = (got.pieces ?? []).map(([name, lean, url, title, published_at]) => ({ name, lean, url, title, published_at }));
  rows.sort((a, b) => new Date(a.published_at).getTime() - new Date(b.published_at).getTime() || a.name.localeCompare(b.name));
  const sides: Record<Side, CoveragePiece[]> = { left: [], center: [], right: [] };
  const unrated: CoveragePiece[] = [];
  for (const r of rows) {
    const url = httpUrl(r.url);
    if (!url) continue;
    const piece = { outlet: r.name, lean: r.lean, title: r.title.replace(/\s+/g, ' ').trim(), url, published: new Date(r.published_at).toISOString() };
    const side = sideOf(r.lean);
    if (side) {
      if (sides[side].length < perSide) sides[side].push(piece);
    } else if (unrated.length < perSide) unrated.push(piece);
  }
  const spread = spreadOf(story, storySettingsFrom(got.settings));
  const slugs = [story.slug, ...(got.slugs ?? []).filter((s) => s !== story.slug).sort()];
  return { story, mergedFrom: story.slug === slug ? null : slug, slugs, spread, sides, unrated, public: Boolean(got.public) };
}

/**
 * After stories' coverage changed (items joined, counts moved, a title changed): tell the page caches
 * which public stories changed, so that the story pages and our articles on them are rendered again,
 * and nothing else is dropped. A story no published article of ours is on has no public page: nothing
 * to announce. Call inside the transaction that made the change (the notice goes out at commit).
 * `ids` are story ids; a story merged away announces the story it went into under its own slug too,
 * since our articles may still carry the old slug.
 */
export async function announceStoryChanges(db: Db, ids: readonly number[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.query<{ slug: string }>(
    `SELECT DISTINCT a.story_key AS slug
       FROM wire_stories s
       JOIN wire_stories m ON m.id = s.id OR m.merged_into = s.id
       JOIN articles a ON a.story_key = m.slug AND a.status = 'published'
      WHERE s.id = ANY($1::bigint[])`,
    [ids],
  );
  return announceStorySlugs(db, rows.map((r) => r.slug));
}

/**
 * Announces that the stories of these slugs (those with a published article of ours, as
 * announceStoryChanges finds them; the live wire finds them in the statement that writes a batch)
 * changed.
 */
export async function announceStorySlugs(db: Db, found: readonly string[]): Promise<string[]> {
  const slugs = [...new Set(found)].sort();
  if (!slugs.length) return [];
  const payload = JSON.stringify(slugs);
  // NOTIFY carries at most 8000 bytes: a change that big is announced as a content change.
  if (payload.length > 7000) await db.notify(CONTENT_CHANNEL, 'stories');
  else await db.notify(STORY_CHANNEL, payload);
  return slugs;
}

/**
 * The public stories (not hidden, not merged away, with a published article of ours on them or on a
 * story merged into them: the ones with a page and feeds) whose row changed after `since` (a story
 * gaining items is recounted, which touches it; so do editors' decisions), oldest change first: at
 * most `limit` of them, plus any that changed at the same instant as the last one, so that a cursor
 * set to `through` skips nothing. `more`: others changed later.
 */
export async function changedPublicStories(db: Db, since: Date | string, limit: number): Promise<{ slugs: string[]; through: string | null; more: boolean }> {
  const rows = await db.query<{ slug: string; at: string; through: string | null; total: string }>(
    `WITH cand AS (
       SELECT s.slug, s.updated_at FROM wire_stories s
        WHERE s.updated_at > $1::timestamptz AND s.merged_into IS NULL AND NOT s.hidden
          AND EXISTS (SELECT 1 FROM wire_stories m JOIN articles a ON a.story_key = m.slug AND a.status = 'published'
                       WHERE m.id = s.id OR m.merged_into = s.id)),
     lim AS (SELECT max(updated_at) AS t FROM (SELECT updated_at FROM cand ORDER BY updated_at LIMIT $2::int) x)
     SELECT cand.slug, cand.updated_at::text AS at, (SELECT t::text FROM lim) AS through, (SELECT count(*) FROM cand) AS total
       FROM cand WHERE cand.updated_at <= (SELECT t FROM lim) ORDER BY cand.slug`,
    [since, limit],
  );
  if (!rows.length) return { slugs: [], through: null, more: false };
  return { slugs: rows.map((r) => r.slug), through: rows[0]!.through, more: Number(rows[0]!.total) > rows.length };
}

export { SIDES };
export type { Side };

// ---- the day's ranking, as our publication uses it (the digest, the edition composer) -------------

/**
 * The wire's ranking for the publication's use at `now`: today's stories in the wire's order (in the
 * publication's time zone), then yesterday's that are not among them, in theirs; ranks renumbered.
 * An edition built early in the morning still leads with the stories of the last day, not with the
 * few items that came in since midnight alone.
 */
export async function recentRanking(db: Db, now: Date, limit: number): Promise<RankedStory[]> {
  const today = await listStories(db, { now, limit });
  const out = [...today];
  if (out.length < limit) {
    const zone = await db.one<{ value: unknown }>(`SELECT value FROM settings WHERE key = 'publication.timeZone'`);
    const tz = typeof zone?.value === 'string' ? zone.value : 'UTC';
    const [y, m, d] = localDate(now, tz).split('-').map(Number) as [number, number, number];
    const yesterday = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
    const seen = new Set(out.map((s) => s.id));
    for (const s of await listStories(db, { now, date: yesterday, timeZone: tz, limit })) {
      if (out.length >= limit) break;
      if (!seen.has(s.id)) out.push(s);
    }
  }
  return out.map((s, i) => ({ ...s, rank: i + 1 }));
}

/**
 * The wire rank (1 = the day's biggest) of the day's top `top` stories at `now`, by every slug our
 * articles may carry for them (a story's own and those merged into it). The digest ranks our articles
 * on these stories by it (src/newsletters/selection.ts).
 */
export async function wireRanks(db: Db, opts: { now: Date; top: number }): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (opts.top <= 0) return out;
  const ranked = await recentRanking(db, opts.now, opts.top);
  if (!ranked.length) return out;
  for (const s of ranked) out.set(s.slug, s.rank);
  const merged = await db.query<{ slug: string; into: number }>(`SELECT slug, merged_into AS into FROM wire_stories WHERE merged_into = ANY($1::bigint[])`, [ranked.map((s) => s.id)]);
  const rankOf = new Map(ranked.map((s) => [s.id, s.rank]));
  for (const m of merged) if (!out.has(m.slug)) out.set(m.slug, rankOf.get(Number(m.into))!);
  return out;
}

export interface UncoveredStory {
  id: number;
  slug: string;
  title: string;
  rank: number;
  outlets: number;
  left: number;
  center: number;
  right: number;
  blindspot: Side | null;
  /** Our newest draft on the story, when someone has started one. */
  draft: { id: number; headline: string } | null;
}

/**
 * The day's top stories on the wire that we have not published on yet (in wire rank order, at most
 * `limit`), each with our draft on it if there is one: what the edition composer offers to brief.
 */
export async function topUncovered(db: Db, opts: { now: Date; limit?: number; scan?: number }): Promise<UncoveredStory[]> {
  const limit = Math.max(1, Math.min(50, opts.limit ?? 8));
  const ranked = await recentRanking(db, opts.now, Math.max(limit, opts.scan ?? 40));
  if (!ranked.length) return [];
  const rows = await db.query<{ id: number; published: boolean; draft_id: number | null; draft_headline: string | null }>(
    `SELECT s.id,
            EXISTS (SELECT 1 FROM wire_stories m JOIN articles a ON a.story_key = m.slug
                     WHERE (m.id = s.id OR m.merged_into = s.id) AND a.status = 'published') AS published,
            d.id AS draft_id, d.headline AS draft_headline
       FROM wire_stories s
       LEFT JOIN LATERAL (SELECT a.id, a.headline FROM articles a WHERE a.story_key = s.slug AND a.status <> 'published'
                           ORDER BY a.created_at DESC, a.id DESC LIMIT 1) d ON true
      WHERE s.id = ANY($1::bigint[])`,
    [ranked.map((s) => s.id)],
  );
  const by = new Map(rows.map((r) => [Number(r.id), r]));
  const out: UncoveredStory[] = [];
  for (const s of ranked) {
    const r = by.get(s.id);
    if (!r || r.published) continue;
    out.push({
      id: s.id, slug: s.slug, title: s.title, rank: s.rank, outlets: s.outlet_count, left: s.left_count, center: s.center_count, right: s.right_count,
      blindspot: s.blindspot, draft: r.draft_id ? { id: Number(r.draft_id), headline: r.draft_headline! } : null,
    });
    if (out.length >= limit) break;
  }
  return out;
}

/** The slugs of every public story (for the sitemap): shown, and one of our published articles on it or on a story merged into it. */
export async function publicStorySlugs(db: Db, limit = 10_000): Promise<string[]> {
  const rows = await db.query<{ slug: string }>(
    `SELECT DISTINCT s.slug FROM wire_stories s
       JOIN wire_stories m ON m.id = s.id OR m.merged_into = s.id
       JOIN articles a ON a.story_key = m.slug AND a.status = 'published'
      WHERE NOT s.hidden AND s.merged_into IS NULL
      ORDER BY s.slug LIMIT ${Math.max(1, Math.min(50_000, Math.floor(limit)))}`,
  );
  return rows.map((r) => r.slug);
}

export interface CoverageLine {
  /** The story's public page slug (a merged story's survivor). */
  slug: string;
  outlets: number;
  left: number;
  center: number;
  right: number;
}

/** For each article on a shown wire story: that story's spread (the digest email's "How it was covered" line). */
export async function coverageOfArticles(db: Db, articleIds: readonly number[]): Promise<Map<number, CoverageLine>> {
  const out = new Map<number, CoverageLine>();
  if (!articleIds.length) return out;
  const rows = await db.query<{ id: number; slug: string; outlets: number; l: number; c: number; r: number }>(
    `SELECT a.id, live.slug, live.outlet_count AS outlets, live.left_count AS l, live.center_count AS c, live.right_count AS r
       FROM articles a
       JOIN wire_stories s ON s.slug = a.story_key
       JOIN wire_stories live ON live.id = coalesce(s.merged_into, s.id)
      WHERE a.id = ANY($1::int[]) AND NOT live.hidden AND live.merged_into IS NULL AND live.outlet_count > 0`,
    [articleIds],
  );
  for (const r of rows) out.set(Number(r.id), { slug: r.slug, outlets: Number(r.outlets), left: Number(r.l), center: Number(r.c), right: Number(r.r) });
  return out;
}
