-- Editions of a newsletter, the stories in each, and one delivery row per recipient per edition.
-- See src/newsletters/editions.ts, src/newsletters/selection.ts and src/newsletters/delivery/.

CREATE TABLE editions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  newsletter_id int NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
  number int NOT NULL,                       -- 1, 2, 3 ... per newsletter: /newsletters/:slug/:number
  subject text NOT NULL DEFAULT '',
  intro text NOT NULL DEFAULT '',            -- editor's intro, Markdown
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
  -- The stories were picked from articles published in (window_start, window_end].
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  scheduled_at timestamptz,                  -- an editor's chosen send time
  slot_at timestamptz,                       -- the newsletter schedule slot this edition fills
  -- Frozen when sending starts, so a resumed send sends exactly the same edition.
  rendered_html text,
  rendered_text text,
  published_at timestamptz,                  -- on the web from this moment (when sending starts)
  send_started_at timestamptz,
  sent_at timestamptz,
  paused_reason text,
  -- Which process runs the send ("host:pid:random") and when it last said so.
  runner text,
  runner_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (newsletter_id, number),
  UNIQUE (newsletter_id, slot_at)
);
CREATE INDEX editions_due_idx ON editions (scheduled_at) WHERE status = 'scheduled';
CREATE INDEX editions_active_idx ON editions (status) WHERE status IN ('sending', 'paused');

CREATE TABLE edition_items (
  edition_id bigint NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
  article_id int NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  position int NOT NULL,
  score real,                                -- null when an editor added it by hand
  added_by text NOT NULL DEFAULT 'auto' CHECK (added_by IN ('auto', 'editor')),
  PRIMARY KEY (edition_id, article_id)
);

CREATE TABLE deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  edition_id bigint NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  -- queued -> sending (claimed, leased) -> sent | failed | skipped; temporary failures go back to queued.
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
  locked_until timestamptz,
  last_error text,
  sent_at timestamptz,
  UNIQUE (edition_id, person_id)
);
-- Workers claim the next queued rows of an edition in id order.
CREATE INDEX deliveries_claim_idx ON deliveries (edition_id, id) WHERE status IN ('queued', 'sending');
CREATE INDEX deliveries_sent_at_idx ON deliveries (sent_at) WHERE sent_at IS NOT NULL;
