-- Newsletters: one person record per email address (shared later by reader accounts and the paywall),
-- the newsletters a publication runs, and who is subscribed to which.

CREATE TABLE people (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,                 -- as given, trimmed
  email_normalized text NOT NULL UNIQUE, -- lower-cased; the identity
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the address must never be mailed again: hard bounce, complaint, repeated soft bounces.
  suppressed_at timestamptz,
  suppressed_reason text,
  soft_bounces int NOT NULL DEFAULT 0
);

CREATE TABLE newsletters (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  sender_name text NOT NULL DEFAULT '',
  sender_email text NOT NULL DEFAULT '',
  reply_to text NOT NULL DEFAULT '',
  -- Schedule in the publication's time zone: ISO weekdays (1 = Monday) and a local time.
  schedule_days int[] NOT NULL DEFAULT '{1,2,3,4,5}',
  schedule_time text NOT NULL DEFAULT '07:00' CHECK (schedule_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  -- The rules that pick an edition's stories (documented in src/newsletters/selection.ts).
  rules jsonb NOT NULL DEFAULT '{}',
  signup_default boolean NOT NULL DEFAULT false,  -- ticked in the sign-up box
  position int NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subscriptions (
  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  newsletter_id int NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
  source text NOT NULL DEFAULT 'signup',   -- signup, import, admin, api
  consent_at timestamptz,                  -- when the person agreed (confirmation or imported consent time)
  confirmed_at timestamptz,
  unsubscribed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, newsletter_id)
);
-- Sends read "every confirmed subscriber of newsletter N" in person order.
CREATE INDEX subscriptions_confirmed_idx ON subscriptions (newsletter_id, person_id) WHERE status = 'confirmed';

-- Bounces and complaints as received (DSN to the bounce mailbox, provider webhooks), for the record.
CREATE TABLE mail_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint REFERENCES people(id) ON DELETE CASCADE,
  email_normalized text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('hard_bounce', 'soft_bounce', 'complaint', 'delivered')),
  source text NOT NULL,          -- dsn, ses, mailgun, postmark, sendgrid
  detail text NOT NULL DEFAULT '',
  delivery_id bigint,            -- the delivery row a VERP address named, if any
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_events_person_idx ON mail_events (person_id, received_at DESC);
