-- The newsroom: staff accounts and their roles, sign-in sessions, single-use magic-link tokens, article
-- revisions, and who created each article (ownership for contributors and authors).

CREATE TABLE staff (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,                    -- as given, trimmed
  email_normalized text NOT NULL UNIQUE,  -- lower-cased; the identity
  name text NOT NULL DEFAULT '',
  role text NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'administrator')),
  password_hash text,                     -- argon2id; NULL until the person sets a password
  -- The byline this person writes under (so their articles link to /author/SLUG).
  author_id int REFERENCES authors(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);
CREATE UNIQUE INDEX staff_author_idx ON staff (author_id) WHERE author_id IS NOT NULL;

-- Only a SHA-256 hash of the session id is stored: a leaked table lets nobody in.
CREATE TABLE staff_sessions (
  id_hash text PRIMARY KEY,
  staff_id int NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  csrf_secret text NOT NULL,              -- per-session synchroniser token for forms and JSON posts
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  user_agent text NOT NULL DEFAULT ''
);
CREATE INDEX staff_sessions_staff_idx ON staff_sessions (staff_id);
CREATE INDEX staff_sessions_expiry_idx ON staff_sessions (expires_at);

-- Magic sign-in links are signed and expiring; the id of each one used is kept until it expires so
-- that a link works once.
CREATE TABLE staff_signin_tokens_used (
  jti text PRIMARY KEY,
  staff_id int REFERENCES staff(id) ON DELETE CASCADE,
  used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE article_revisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  article_id int NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  staff_id int REFERENCES staff(id) ON DELETE SET NULL,
  kind text NOT NULL DEFAULT 'save' CHECK (kind IN ('create', 'save', 'autosave', 'restore')),
  -- Whether the snapshot is what the article holds (false: an autosave of a live article kept aside).
  applied boolean NOT NULL DEFAULT true,
  snapshot jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_revisions_article_idx ON article_revisions (article_id, id DESC);

ALTER TABLE articles ADD COLUMN created_by int REFERENCES staff(id) ON DELETE SET NULL;
CREATE INDEX articles_created_by_idx ON articles (created_by) WHERE created_by IS NOT NULL;

-- The admin article list: every status, most recently edited first, optionally by status/format/section.
CREATE INDEX articles_admin_updated_idx ON articles (updated_at DESC, id DESC);
CREATE INDEX articles_admin_status_idx ON articles (status, updated_at DESC, id DESC);
CREATE INDEX articles_admin_format_idx ON articles (format_id, updated_at DESC, id DESC);
CREATE INDEX articles_admin_section_idx ON articles (section_id, updated_at DESC, id DESC);
