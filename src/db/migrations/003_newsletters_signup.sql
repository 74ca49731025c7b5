-- Sign-up, bounces and subscribers (issue #3, part A).

-- A bounce or webhook event processed twice (a DSN file read again, a provider retrying a webhook)
-- must count once: each event carries a reference unique within its source.
ALTER TABLE mail_events ADD COLUMN source_ref text;
CREATE UNIQUE INDEX mail_events_source_ref_idx ON mail_events (source, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX mail_events_email_idx ON mail_events (email_normalized);

-- Admin lists: subscribers of a newsletter by status, newest first.
CREATE INDEX subscriptions_newsletter_status_idx ON subscriptions (newsletter_id, status, created_at DESC);
