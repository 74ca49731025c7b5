-- Bounce and complaint reports that prove nothing (issue 9): a raw report mailed to the bounce
-- mailbox without our signed VERP return path can be written by anyone and can name anyone, so it
-- no longer suppresses or unsubscribes the addresses inside it. It is kept here for an editor, who
-- applies it (the usual rules then run) or dismisses it. Signed VERP reports and authenticated
-- provider webhooks still act at once (mail_events).
CREATE TABLE mail_reports_review (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL,                    -- dsn, arf
  kind text NOT NULL CHECK (kind IN ('hard_bounce', 'soft_bounce', 'complaint')),
  email_normalized text NOT NULL,
  detail text NOT NULL DEFAULT '',
  message_id text NOT NULL DEFAULT '',
  subject text NOT NULL DEFAULT '',
  source_ref text,                         -- the same report read again is not held twice
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'dismissed')),
  reviewed_by bigint REFERENCES staff(id) ON DELETE SET NULL,
  reviewed_at timestamptz
);
CREATE UNIQUE INDEX mail_reports_review_ref_idx ON mail_reports_review (source, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX mail_reports_review_pending_idx ON mail_reports_review (received_at DESC, id DESC) WHERE status = 'pending';
