-- Stories merged into a story (issue #12): a merge moves whatever had been merged into the loser on to
-- the survivor (`UPDATE wire_stories ... WHERE merged_into = $loser`, src/newswire/stories/live.ts),
-- and the live wire merges stories while it clusters. Without an index that was a scan of every story
-- (30,000 and more with 100,000 items in the window: the slowest live adds in bench/stories.ts); the
-- foreign key's ON DELETE SET NULL looks them up the same way.
CREATE INDEX wire_stories_merged_into ON wire_stories (merged_into) WHERE merged_into IS NOT NULL;
