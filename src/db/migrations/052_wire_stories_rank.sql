-- The day's ranking of wire stories (issue #12) takes its candidates, the day's stories with the most
-- outlets, in this index's order, so it stops after the first few hundred instead of reading every
-- story of the day (5,000 and more with 100,000 items in the window: bench/stories.ts). The merge
-- form's list of other stories reads it the same way.
CREATE INDEX wire_stories_rank ON wire_stories (pinned DESC, outlet_count DESC, last_updated_at DESC, id) WHERE merged_into IS NULL;
-- Decisions are listed per story as either side of a merge or split.
CREATE INDEX wire_story_decisions_other ON wire_story_decisions (other_story_id) WHERE other_story_id IS NOT NULL;
