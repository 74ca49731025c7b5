-- Members and the paywall (issue 10): who may read what of an article, reader accounts (the same
-- `people` row as the newsletter subscriber), plans, the subscriptions that grant paid access (imported,
-- Stripe, complimentary), readers' sessions and single-use sign-in links, the registered reader's meter,
-- Stripe's events as received, and aggregate counts that outlive deleted accounts.

-- What a reader without access sees of an article is its lead-in: the body up to the paywall marker
-- (kept here, sanitised like the body), or the first two paragraphs when lead_html is NULL.
ALTER TABLE articles ADD COLUMN access text NOT NULL DEFAULT 'metered' CHECK (access IN ('public', 'metered', 'members', 'paid'));
ALTER TABLE articles ADD COLUMN lead_html text;
-- A format or section can give its new articles a default access level (the section wins).
ALTER TABLE formats ADD COLUMN default_access text CHECK (default_access IN ('public', 'metered', 'members', 'paid'));
ALTER TABLE sections ADD COLUMN default_access text CHECK (default_access IN ('public', 'metered', 'members', 'paid'));

-- A person with account_at set has a reader account; without it, a newsletter subscriber (or the
-- holder of an imported subscription) who has not registered yet.
ALTER TABLE people ADD COLUMN account_at timestamptz;
ALTER TABLE people ADD COLUMN member_note text NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN stripe_customer_id text;
-- SHA-256 of the secret in the private full-text feed URL (NULL: none issued or revoked).
ALTER TABLE people ADD COLUMN feed_token_hash text;
CREATE UNIQUE INDEX people_stripe_customer_idx ON people (stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;
CREATE UNIQUE INDEX people_feed_token_idx ON people (feed_token_hash) WHERE feed_token_hash IS NOT NULL;
CREATE INDEX people_account_idx ON people (account_at DESC) WHERE account_at IS NOT NULL;

CREATE TABLE plans (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- 'offline': sold elsewhere (created by an import), no Stripe price; 'stripe': sold on /subscribe.
  kind text NOT NULL DEFAULT 'stripe' CHECK (kind IN ('stripe', 'offline')),
  currency text NOT NULL DEFAULT 'usd' CHECK (currency ~ '^[a-z]{3}$'),
  monthly_amount int CHECK (monthly_amount >= 0),   -- minor units (cents)
  yearly_amount int CHECK (yearly_amount >= 0),
  stripe_price_monthly text UNIQUE,
  stripe_price_yearly text UNIQUE,
  features text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  position int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE member_subscriptions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  plan_id int REFERENCES plans(id) ON DELETE SET NULL,
  status text NOT NULL CHECK (status IN ('active', 'past_due', 'cancelled', 'expired')),
  -- Access ends here (NULL: no expiry). Imported dates mean the end of that day in the publication's zone.
  expires_at timestamptz,
  source text NOT NULL CHECK (source IN ('import', 'stripe', 'comp')),
  -- The import's external_id, or Stripe's subscription id; with source, the identity on re-runs.
  external_id text,
  note text NOT NULL DEFAULT '',
  stripe_price_id text,
  -- When the status last changed (a past_due subscription keeps access for the grace period from here).
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  -- The source's own time of the state we hold (Stripe's event time): older events change nothing.
  source_updated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX member_subscriptions_external_idx ON member_subscriptions (source, external_id) WHERE external_id IS NOT NULL;
-- Without an external id an imported row is identified by its person and plan.
CREATE UNIQUE INDEX member_subscriptions_import_idx ON member_subscriptions (person_id, plan_id) WHERE source = 'import' AND external_id IS NULL;
CREATE INDEX member_subscriptions_person_idx ON member_subscriptions (person_id);
CREATE INDEX member_subscriptions_plan_idx ON member_subscriptions (plan_id, status);

-- Readers' sessions: only a SHA-256 of the cookie's random id is kept.
CREATE TABLE member_sessions (
  id_hash text PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  csrf_secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX member_sessions_person_idx ON member_sessions (person_id);
CREATE INDEX member_sessions_expiry_idx ON member_sessions (expires_at);

-- The id of every sign-in (or email-change) link used, kept until it expires: a link works once.
CREATE TABLE member_tokens_used (
  jti text PRIMARY KEY,
  used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- A registered reader's meter: one row per article read in full under the meter in a period
-- ('2026-12' or '2026-W49' in the publication's time zone). Anonymous readers' meters are cookies.
CREATE TABLE member_reads (
  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  period text NOT NULL,
  article_id int NOT NULL,
  read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, period, article_id)
);

-- Stripe's webhook events as received: each applied once; unknown customers recorded, not retried.
CREATE TABLE stripe_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL DEFAULT '',
  payload jsonb NOT NULL
);

-- Aggregate counts by day, with nothing personal in them (they stay when an account is deleted):
-- wall_shown, registered, paid, cancelled.
CREATE TABLE member_daily (
  day date NOT NULL,
  kind text NOT NULL,
  n int NOT NULL DEFAULT 0,
  PRIMARY KEY (day, kind)
);
