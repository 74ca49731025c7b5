-- Admin and Content API keys, webhooks and their delivery log, Ghost compatibility (pages, uuids) and
-- the mapping that lets a Ghost import run twice without duplicating anything.

-- API keys: only a SHA-256 hash of the secret is kept, plus a short prefix to recognise it by.
CREATE TABLE api_keys (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('admin', 'content')),
  -- Admin keys act with a staff role (src/staff/roles.ts); content keys only read published content.
  role text CHECK (role IN ('contributor', 'author', 'editor', 'administrator')),
  prefix text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  created_by bigint,                 -- staff id, when created in the newsroom
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  CHECK ((kind = 'admin') = (role IS NOT NULL))
);

-- Articles written through an admin key belong to that key: contributor and author keys may only
-- change their own (see src/api/permissions.ts).
ALTER TABLE articles ADD COLUMN api_key_id int REFERENCES api_keys(id) ON DELETE SET NULL;

-- Webhooks: POST a signed JSON body to `url` for each subscribed event.
CREATE TABLE webhooks (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL DEFAULT '',
  url text NOT NULL,
  events text[] NOT NULL,
  -- HMAC-SHA256 key for X-Newsdesk-Signature; needed in clear to sign.
  secret text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per event per webhook; the job 'webhooks.deliver' sends it, retrying with backoff.
CREATE TABLE webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id int NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  response_code int,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  delivered_at timestamptz
);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt int NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms int NOT NULL,
  response_code int,
  error text
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);

-- Ghost has posts and pages; pages are articles that no list shows (they still render at /{slug}).
ALTER TABLE articles ADD COLUMN type text NOT NULL DEFAULT 'post' CHECK (type IN ('post', 'page'));
-- A stable public identifier (Ghost's post uuid; kept from a Ghost import).
ALTER TABLE articles ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX articles_uuid_idx ON articles (uuid);

-- Ghost import: Ghost's object id -> ours, so that a second run updates instead of duplicating.
CREATE TABLE ghost_import_map (
  kind text NOT NULL CHECK (kind IN ('post', 'user', 'tag')),
  ghost_id text NOT NULL,
  local_id int NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, ghost_id)
);
