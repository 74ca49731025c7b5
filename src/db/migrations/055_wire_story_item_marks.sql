-- The day's ranking of wire stories (issue #12, decision 0062) reads each candidate story's items as
-- two arrays on its own row, the items' published times and outlets in published order, instead of
-- looking the items up in wire_items (an index scan and a heap fetch per item of 400 candidates, and
-- an anti-join per outlet for "new in the last 6 hours": about 1,300 lookups a request at 100,000
-- items, bench/stories.ts). Kept by recountStories in the same statement as item_count and
-- outlet_ids; emptied when a story is merged away. Outlets are joined live, so a deleted outlet's
-- items (gone from wire_items by cascade) drop out of the ranking as they did before.
ALTER TABLE wire_stories
  ADD COLUMN item_published timestamptz[] NOT NULL DEFAULT '{}',
  ADD COLUMN item_outlet_ids int[] NOT NULL DEFAULT '{}';
UPDATE wire_stories s SET item_published = a.ts, item_outlet_ids = a.os
  FROM (SELECT story_id, array_agg(published_at ORDER BY published_at, id) AS ts, array_agg(outlet_id ORDER BY published_at, id) AS os
          FROM wire_items WHERE story_id IS NOT NULL GROUP BY story_id) a
 WHERE a.story_id = s.id;
