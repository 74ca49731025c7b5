-- Recording a delivery (queued -> sent) is the hottest write of a send: one row per message. It was a
-- full update: a new row version on another page, plus an entry in every index, because two indexes
-- mentioned the columns it changes (the claim index's predicate on status, the index on sent_at).
-- Now no index mentions status or sent_at and each page keeps half its room, so recording is a HOT
-- update (same page, no index entries): 8.2 -> 3.6 ms per 250 rows on PGlite, and no index bloat
-- from a send. See docs/decisions/0011-delivery-engine.md.
ALTER TABLE deliveries SET (fillfactor = 50);
DROP INDEX deliveries_claim_idx;
DROP INDEX deliveries_sent_at_idx;

-- The runner reads an edition's rows in id order from a cursor.
CREATE INDEX deliveries_edition_idx ON deliveries (edition_id, id);
-- Rows waiting for a retry. Only a temporary failure sets next_attempt_at (queued rows start at
-- -infinity), so this index holds the few rows that were ever retried, and the runner finds the due
-- ones without walking the edition.
CREATE INDEX deliveries_retry_idx ON deliveries (edition_id, next_attempt_at) WHERE next_attempt_at > '-infinity';
-- A person's deliveries: deleting a person (ON DELETE CASCADE) and the soft-bounce rule look them up.
CREATE INDEX deliveries_person_idx ON deliveries (person_id);

-- Messages sent per 10-second bucket, for MAIL_RATE_PER_WINDOW: counted here, in the same statement
-- that records them, instead of from an index on deliveries.sent_at. Buckets older than the longest
-- window (31 days) are deleted when a send starts.
CREATE TABLE delivery_counts (
  bucket timestamptz PRIMARY KEY,
  sent int NOT NULL
);

-- The newsroom's article list filtered by section and format together: with one index per column the
-- planner assumed the two independent and, for a pair that matches nothing, walked the whole list in
-- updated_at order. The statistics tell it they are not independent; the index answers the pair.
CREATE INDEX articles_admin_section_format_idx ON articles (section_id, format_id, updated_at DESC, id DESC);
CREATE STATISTICS articles_format_section_stats (dependencies, ndistinct) ON format_id, section_id FROM articles;
