-- Fixed-window rate-limit counts shared by every process on one PostgreSQL server (issue 9): the
-- Content APIs' limit per client, the sign-up and sign-in limits. UNLOGGED: a crash may forget the
-- counts (the windows start again), and no WAL is written per request. The embedded database has
-- one process and counts in memory instead (src/platform/rate-limit.ts).
CREATE UNLOGGED TABLE rate_limits (
  key text PRIMARY KEY,
  count int NOT NULL,
  reset_at timestamptz NOT NULL
);
