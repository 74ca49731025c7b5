// The day's ranking of wire stories as it was computed before decision 0062, word for word: decision
// 0061's statement over wire_items by (story_id, published_at), with an anti-join for the outlets new
// in the last 6 hours. Kept as the reference that test/wire-stories-rank.test.ts compares
// listStories' output with, and that bench/stories.ts measures it against in the same run.
import type { Db } from '../../src/db/index.ts';
import { dayRange, rankScore, toStory, type ListStoriesOptions, type RankedStory } from '../../src/newswire/stories/store.ts';
import { localDate } from '../../src/platform/time.ts';

const HOUR = 3_600_000;
const STORY_COLS = `s.id, s.slug, s.title, s.title_by_editor, s.first_seen_at, s.last_updated_at, s.item_count, s.outlet_count,
  s.left_count, s.center_count, s.right_count, s.blindspot, s.pinned, s.hidden, s.merged_into, s.created_at, s.updated_at`;
const iso = (v: unknown) => new Date(v as string).toISOString();

/** The day's ranking as listStories computed it before decision 0062 (same options, same output). */
export async function referenceRanking(d: Db, opts: ListStoriesOptions & { timeZone: string; now: Date }): Promise<RankedStory[]> {
  const { timeZone, now } = opts;
  const date = opts.date ?? localDate(now, timeZone);
  const { start, end } = dayRange(date, timeZone);
  const limit = Math.max(1, Math.min(500, Math.floor(opts.limit ?? 50)));
  const ref = Math.min(now.getTime(), end.getTime());
  const rows = await d.query(
    `WITH c AS MATERIALIZED (
       SELECT ${STORY_COLS} FROM wire_stories s
        WHERE s.merged_into IS NULL AND s.last_updated_at >= $1 AND s.first_seen_at < $2 ${opts.includeHidden ? '' : 'AND NOT s.hidden'}
        ORDER BY s.pinned DESC, s.outlet_count DESC, s.last_updated_at DESC, s.id LIMIT 400),
     so AS MATERIALIZED (
       SELECT i.story_id, i.outlet_id, min(o.lean) AS lean, count(*) AS n, min(i.published_at) AS first, max(i.published_at) AS last
         FROM c JOIN wire_items i ON i.story_id = c.id AND i.published_at >= $1 AND i.published_at < $2
         JOIN wire_outlets o ON o.id = i.outlet_id
        GROUP BY i.story_id, i.outlet_id),
     d AS (
       SELECT so.story_id, sum(so.n)::int AS items, count(*)::int AS outlets,
              count(*) FILTER (WHERE so.lean IN ('left', 'lean-left'))::int AS l,
              count(*) FILTER (WHERE so.lean = 'center')::int AS ce,
              count(*) FILTER (WHERE so.lean IN ('lean-right', 'right'))::int AS r,
              count(*) FILTER (WHERE so.first >= $3 AND NOT EXISTS (
                SELECT 1 FROM wire_items e WHERE e.story_id = so.story_id AND e.outlet_id = so.outlet_id AND e.published_at < so.first))::int AS new6,
              max(so.last) AS last
         FROM so GROUP BY so.story_id)
     SELECT c.*, d.items AS d_items, d.outlets AS d_outlets, d.l AS d_l, d.ce AS d_c, d.r AS d_r, d.new6 AS d_new6, d.last AS d_last
       FROM c JOIN d ON d.story_id = c.id`,
    [start, end, new Date(ref - 6 * HOUR)],
  );
  const ranked = rows.map((r) => {
    const day = { items: Number(r.d_items), outlets: Number(r.d_outlets), left: Number(r.d_l), center: Number(r.d_c), right: Number(r.d_r), new_outlets_6h: Number(r.d_new6), last: iso(r.d_last) };
    return { ...toStory(r), rank: 0, score: Math.round(rankScore({ ...day, last: Date.parse(day.last) }, ref) * 1e6) / 1e6, day };
  });
  ranked.sort(
    (a, b) =>
      Number(a.hidden) - Number(b.hidden) ||
      Number(b.pinned) - Number(a.pinned) ||
      b.score - a.score ||
      b.day.outlets - a.day.outlets ||
      Date.parse(b.day.last) - Date.parse(a.day.last) ||
      a.id - b.id,
  );
  const out = ranked.slice(0, limit);
  out.forEach((s, i) => (s.rank = i + 1));
  return out;
}
