-- Where an item's published time comes from (issue #11): the feed's entry, the article page's own date
-- (article:published_time, JSON-LD datePublished, <time>) for entries that carry none, or, until the
-- page is read, when we first saw the item. Rows from before this migration had the feed's time or the
-- first-seen time; which one is not known, so they count as the feed's.
ALTER TABLE wire_items ADD COLUMN published_source text NOT NULL DEFAULT 'feed'
  CHECK (published_source IN ('feed', 'page', 'seen'));
