-- Foundation: publication settings, the content model and the job queue.

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);

CREATE TABLE formats (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  position int NOT NULL DEFAULT 0,
  -- Weight used when ranking the day's stories (newsletter digests); 1.0 is neutral.
  weight real NOT NULL DEFAULT 1.0
);

CREATE TABLE sections (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  position int NOT NULL DEFAULT 0
);

CREATE TABLE authors (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  bio text NOT NULL DEFAULT '',
  photo_url text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tags (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL
);

CREATE TABLE articles (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  headline text NOT NULL,
  dek text NOT NULL DEFAULT '',
  body_source text NOT NULL DEFAULT '',
  body_format text NOT NULL DEFAULT 'markdown' CHECK (body_format IN ('markdown', 'html')),
  body_html text NOT NULL DEFAULT '',   -- sanitised on write, rendered as-is
  body_text text NOT NULL DEFAULT '',   -- plain text of body_html, for search and excerpts
  format_id int REFERENCES formats(id) ON DELETE SET NULL,
  section_id int REFERENCES sections(id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'published')),
  published_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  editors_pick boolean NOT NULL DEFAULT false,
  feature_image_url text,
  feature_image_alt text NOT NULL DEFAULT '',
  feature_image_caption text NOT NULL DEFAULT '',
  canonical_url text,
  -- Articles sharing a story key cover the same story ("related: same story" ranks them first).
  story_key text,
  CHECK (status = 'draft' OR published_at IS NOT NULL),
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', headline), 'A') ||
    setweight(to_tsvector('english', dek), 'B') ||
    setweight(to_tsvector('english', body_text), 'C')
  ) STORED
);
-- Every public list is "published, newest first", optionally filtered by section or format.
CREATE INDEX articles_published_idx ON articles (published_at DESC) WHERE status = 'published';
CREATE INDEX articles_section_idx ON articles (section_id, published_at DESC) WHERE status = 'published';
CREATE INDEX articles_format_idx ON articles (format_id, published_at DESC) WHERE status = 'published';
CREATE INDEX articles_scheduled_idx ON articles (published_at) WHERE status = 'scheduled';
CREATE INDEX articles_story_idx ON articles (story_key) WHERE story_key IS NOT NULL;
CREATE INDEX articles_search_idx ON articles USING gin (search_vector);

CREATE TABLE article_authors (
  article_id int NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  author_id int NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
  position int NOT NULL DEFAULT 0,
  PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author_idx ON article_authors (author_id);

CREATE TABLE article_tags (
  article_id int NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag_id int NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  position int NOT NULL DEFAULT 0,
  PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag_idx ON article_tags (tag_id);

-- Old slugs (renames, imports) answer with a permanent redirect to the article.
CREATE TABLE article_redirects (
  from_path text PRIMARY KEY,
  article_id int NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);

-- The job queue: plain idempotent functions registered by name in src/jobs.ts, claimed with
-- FOR UPDATE SKIP LOCKED, enqueued in the same transaction as the change that causes them.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 8,
  locked_until timestamptz,
  last_error text,
  dedupe_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status IN ('queued', 'running');
CREATE UNIQUE INDEX jobs_dedupe_idx ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');
