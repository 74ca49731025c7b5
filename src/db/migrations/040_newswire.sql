-- The newswire (issue #11): outlets and their lean, their feeds with what polling them needs, the
-- items the feeds bring (with the article text fetched and extracted from each page), and the
-- per-host politeness state shared by every process. Part 2 (stories) stands on wire_items: each
-- item has an outlet, url, title, text, published time and a nullable story_id.

CREATE TABLE wire_outlets (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  home_url text NOT NULL,
  lean text NOT NULL DEFAULT 'unrated'
    CHECK (lean IN ('left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated')),
  -- Where the lean comes from ("AllSides", "editor", ...) and how sure that source is.
  rating_source text,
  rating_confidence text CHECK (rating_confidence IN ('high', 'medium', 'low')),
  country text,                      -- ISO 3166-1 alpha-2, upper case
  language text,                     -- BCP 47 primary subtag, lower case
  -- May the outlet's article pages be fetched and extracted? (Feeds are always read.)
  fetch_allowed boolean NOT NULL DEFAULT true,
  active boolean NOT NULL DEFAULT true,
  -- The demo's fictional outlets, served by this application itself.
  demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wire_feeds (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outlet_id int NOT NULL REFERENCES wire_outlets(id) ON DELETE CASCADE,
  url text NOT NULL,
  -- Known after the first successful parse: rss, rdf, atom or json.
  format text CHECK (format IN ('rss', 'rdf', 'atom', 'json')),
  title text,
  etag text,
  last_modified text,
  next_poll_at timestamptz NOT NULL DEFAULT now(),
  last_polled_at timestamptz,
  last_success_at timestamptz,
  last_new_item_at timestamptz,
  -- NULL when the last poll was clean.
  last_error text,
  last_error_at timestamptz,
  errors_total int NOT NULL DEFAULT 0,
  consecutive_errors int NOT NULL DEFAULT 0,
  -- A WebSub hub the feed advertises (rel="hub"), and the subscription's state.
  websub_hub text,
  websub_self text,
  websub_secret text,
  websub_lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (outlet_id, url)
);
CREATE INDEX wire_feeds_due ON wire_feeds (next_poll_at);

CREATE TABLE wire_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outlet_id int NOT NULL REFERENCES wire_outlets(id) ON DELETE CASCADE,
  feed_id int REFERENCES wire_feeds(id) ON DELETE SET NULL,
  -- The feed's own id for the item (RSS guid, Atom id, JSON Feed id); NULL when it gives none.
  guid text,
  -- Canonical: fragment and tracking parameters stripped.
  url text NOT NULL,
  title text NOT NULL,
  summary text,
  author text,
  -- The feed's time, or the page's, or when we first saw the item.
  published_at timestamptz NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  -- The page: pending until fetched; done (text extracted), failed (extract_error says why), or
  -- skipped (the outlet's pages may not be fetched, robots.txt refuses, or the URL is not http).
  extract_status text NOT NULL DEFAULT 'pending' CHECK (extract_status IN ('pending', 'done', 'failed', 'skipped')),
  extract_error text,
  extract_attempts int NOT NULL DEFAULT 0,
  fetched_at timestamptz,
  byline text,
  lang text,
  image_url text,
  -- Plain text of the article (the feed's summary as text when the page could not be had).
  text text,
  -- The article as sanitised HTML (src/platform/sanitize.ts), never served otherwise.
  html text,
  -- Part 2: the story this item belongs to.
  story_id bigint,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('simple', left(coalesce(text, summary, ''), 20000)), 'B')) STORED
);
CREATE UNIQUE INDEX wire_items_guid ON wire_items (outlet_id, guid) WHERE guid IS NOT NULL;
CREATE UNIQUE INDEX wire_items_url ON wire_items (url);
CREATE INDEX wire_items_river ON wire_items (published_at DESC, id DESC);
CREATE INDEX wire_items_outlet ON wire_items (outlet_id, published_at DESC);
CREATE INDEX wire_items_pending ON wire_items (id) WHERE extract_status = 'pending';
CREATE INDEX wire_items_story ON wire_items (story_id) WHERE story_id IS NOT NULL;
CREATE INDEX wire_items_search ON wire_items USING gin (search);

-- One row per host: when the next request to it may start (the minimum gap, or a Retry-After),
-- so that several processes on one PostgreSQL server stay polite together.
CREATE TABLE wire_hosts (
  host text PRIMARY KEY,
  next_allowed_at timestamptz NOT NULL DEFAULT now(),
  robots_txt text,
  robots_fetched_at timestamptz
);
