-- The distinct outlets of each wire story, kept with its counts (issue #12): the Admin API's ranking
-- lists every story's outlets, and reading them from the items of fifty stories (a thousand rows and
-- more with 100,000 items in the window, bench/stories.ts) cost more than the ranking itself. Kept by
-- recountStories in the same statement as outlet_count; emptied when a story is merged away.
ALTER TABLE wire_stories ADD COLUMN outlet_ids int[] NOT NULL DEFAULT '{}';
UPDATE wire_stories s SET outlet_ids = a.ids
  FROM (SELECT story_id, array_agg(DISTINCT outlet_id ORDER BY outlet_id) AS ids FROM wire_items WHERE story_id IS NOT NULL GROUP BY story_id) a
 WHERE a.story_id = s.id;
