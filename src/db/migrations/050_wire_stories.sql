-- The newswire, part 2 (issue #12): stories. Incoming wire items are clustered, as they arrive, into
-- stories (src/newswire/stories/); a story keeps its working title, its span, and its coverage counts
-- (distinct outlets per lean group) current. Editors' merges, splits, renames, pins and hides are
-- recorded in wire_story_decisions so that a rebuild or re-cluster of the same items keeps them.
-- Our own articles link to a story through articles.story_key = wire_stories.slug.

CREATE TABLE wire_stories (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Stable once made (articles.story_key and /story/{slug} point at it); a rename keeps it.
  slug text NOT NULL UNIQUE,
  -- The neutral working title (chosen from the items), or an editor's.
  title text NOT NULL,
  title_by_editor boolean NOT NULL DEFAULT false,
  first_seen_at timestamptz NOT NULL,
  last_updated_at timestamptz NOT NULL,
  item_count int NOT NULL DEFAULT 0,
  outlet_count int NOT NULL DEFAULT 0,
  -- Distinct outlets per group: left = left + lean-left, center, right = lean-right + right. Mixed and
  -- unrated outlets count only in outlet_count.
  left_count int NOT NULL DEFAULT 0,
  center_count int NOT NULL DEFAULT 0,
  right_count int NOT NULL DEFAULT 0,
  -- A blindspot for that side: the side that barely covers the story (NULL: none).
  blindspot text CHECK (blindspot IN ('left', 'right', 'center')),
  pinned boolean NOT NULL DEFAULT false,
  hidden boolean NOT NULL DEFAULT false,
  -- Set when an editor merged this story into another; its items moved there.
  merged_into bigint REFERENCES wire_stories(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wire_stories_recent ON wire_stories (last_updated_at DESC) WHERE merged_into IS NULL;
CREATE INDEX wire_stories_first ON wire_stories (first_seen_at DESC) WHERE merged_into IS NULL;
CREATE INDEX wire_stories_blindspot ON wire_stories (last_updated_at DESC) WHERE blindspot IS NOT NULL AND merged_into IS NULL;

-- Part 1 never assigned stories; make sure nothing dangles before the key goes on.
UPDATE wire_items SET story_id = NULL WHERE story_id IS NOT NULL;
ALTER TABLE wire_items ADD CONSTRAINT wire_items_story_fk FOREIGN KEY (story_id) REFERENCES wire_stories(id) ON DELETE SET NULL;
DROP INDEX IF EXISTS wire_items_story;
CREATE INDEX wire_items_story ON wire_items (story_id, published_at, id);
-- Items not clustered yet: what the live wire repairs on start (a crash between storing and clustering).
CREATE INDEX wire_items_unclustered ON wire_items (id) WHERE story_id IS NULL;

-- Editors' decisions, oldest first, mapped on replay to the clusterer's constraints:
--   merge:  story_id survives, other_story_id was merged into it; item_ids = every item of both.
--   split:  item_ids moved out of story_id (from_item_ids stayed) into other_story_id (the new story).
--   rename: title given to story_id; item_ids = its items then.
--   pin / hide: value true or false for story_id; item_ids = its items then.
CREATE TABLE wire_story_decisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('merge', 'split', 'rename', 'pin', 'hide')),
  story_id bigint REFERENCES wire_stories(id) ON DELETE SET NULL,
  other_story_id bigint REFERENCES wire_stories(id) ON DELETE SET NULL,
  item_ids bigint[] NOT NULL DEFAULT '{}',
  from_item_ids bigint[] NOT NULL DEFAULT '{}',
  title text,
  value boolean,
  staff_id int REFERENCES staff(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'rename' OR title IS NOT NULL),
  CHECK (kind NOT IN ('pin', 'hide') OR value IS NOT NULL)
);
CREATE INDEX wire_story_decisions_story ON wire_story_decisions (story_id);
