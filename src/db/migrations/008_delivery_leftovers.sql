-- What the first delivery engine left behind (issue 8). It leased rows by setting them 'sending' with
-- locked_until; the engine since then never writes either: a row stays 'queued' until its result is
-- recorded, and the runner owns the edition (editions.runner). A row still 'sending' can only come from
-- a run of that first engine interrupted before this migration: it goes back in the queue, as that
-- engine's requeue path did, and the next run sends it.
UPDATE deliveries SET status = 'queued', next_attempt_at = '-infinity' WHERE status = 'sending';
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('queued', 'sent', 'failed', 'skipped'));
ALTER TABLE deliveries DROP COLUMN locked_until;
