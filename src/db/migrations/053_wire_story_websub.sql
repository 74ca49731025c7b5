-- WebSub pings for story feeds (issue #12): the ping job looks for public stories changed since its
-- cursor (settings 'websub.stories_pinged_through'); stories are touched (updated_at) whenever they
-- gain items or an editor decides, so this finds the few changed among a week's tens of thousands.
CREATE INDEX wire_stories_updated ON wire_stories (updated_at) WHERE merged_into IS NULL;
