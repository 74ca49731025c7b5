-- The live wire's change counter gets an epoch (decision 0082). `version` alone names a state of the
-- stored stories only within one line of history: a database restored from a backup taken at the
-- version a process last wrote (or one whose history went another way after a restore) has that
-- version with other stories, and the process would go on clustering into stories that are not
-- there. Every bump now also draws a new random `epoch` and keeps the one it replaced in
-- `prev_epoch` (so the bump's RETURNING gives both); a process is in step only when the version and
-- the epoch it last read or wrote are both the row's.
ALTER TABLE wire_cluster_state
  ADD COLUMN epoch text NOT NULL DEFAULT '',
  ADD COLUMN prev_epoch text NOT NULL DEFAULT '';
