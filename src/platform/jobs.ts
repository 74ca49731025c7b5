// A Postgres-backed job queue. A job is a plain idempotent function (deps, payload) registered by name
// in src/jobs.ts. Payloads carry ids, not objects. Claiming uses FOR UPDATE SKIP LOCKED so several
// workers (or processes on a PostgreSQL server) never take the same job; a claimed job holds a lease
// (locked_until) so a job whose process died is picked up again once the lease runs out.
import type { Db } from '../db/index.ts';
import type { Log } from './log.ts';

export interface EnqueueOptions {
  runAt?: Date;
  /** While a job with this key is queued or running, enqueueing another is a no-op. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export async function enqueue(db: Db, name: string, payload: Record<string, unknown> = {}, opts: EnqueueOptions = {}): Promise<number | null> {
  const row = await db.one<{ id: number }>(
    `INSERT INTO jobs (name, payload, run_at, dedupe_key, max_attempts)
     VALUES ($1, $2::jsonb, coalesce($3::timestamptz, now()), $4, $5)
     ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING
     RETURNING id`,
    [name, JSON.stringify(payload), opts.runAt ?? null, opts.dedupeKey ?? null, opts.maxAttempts ?? 8],
  );
  return row?.id ?? null;
}

/**
 * enqueue for many jobs of one kind at once, in one statement, in the order given (a bulk writer's
 * batch). Each is deduplicated by its key as enqueue does, also against another of the same batch.
 */
export async function enqueueMany(db: Db, name: string, jobs: Array<{ payload: Record<string, unknown>; dedupeKey?: string }>, opts: Omit<EnqueueOptions, 'dedupeKey'> = {}): Promise<void> {
  if (!jobs.length) return;
  await db.query(
    `INSERT INTO jobs (name, payload, run_at, dedupe_key, max_attempts)
     SELECT $1, u.p::jsonb, coalesce($4::timestamptz, now()), u.k, $5 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(p, k, n) ORDER BY u.n
     ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING`,
    [name, jobs.map((j) => JSON.stringify(j.payload)), jobs.map((j) => j.dedupeKey ?? null), opts.runAt ?? null, opts.maxAttempts ?? 8],
  );
}

export interface ClaimedJob {
  id: number;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

/** Which jobs a worker takes: only these names, or all but these (a long-running kind gets a worker of its own). */
export interface JobLane {
  only?: string[];
  except?: string[];
}

export async function claimJobs(db: Db, limit: number, leaseSeconds = 300, lane: JobLane = {}): Promise<ClaimedJob[]> {
  // A job whose lease ran out on its last allowed attempt (its process died every time) has failed.
  await db.query(
    `UPDATE jobs SET status = 'failed', finished_at = now(), locked_until = NULL,
            last_error = coalesce(last_error, 'lease expired on the last attempt')
      WHERE status = 'running' AND locked_until < now() AND attempts >= max_attempts`,
  );
  return db.query<ClaimedJob>(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1,
            locked_until = now() + make_interval(secs => $2)
      WHERE id IN (
        SELECT id FROM jobs
         WHERE run_at <= now()
           AND (status = 'queued' OR (status = 'running' AND locked_until < now()))
           AND ($3::text[] IS NULL OR name = ANY($3::text[]))
           AND ($4::text[] IS NULL OR NOT (name = ANY($4::text[])))
         ORDER BY run_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
      RETURNING id, name, payload, attempts, max_attempts`,
    [limit, leaseSeconds, lane.only ?? null, lane.except ?? null],
  );
}

/**
 * Mark a claimed job done. With `attempts` (the claim's attempt number) only that claim may finish it:
 * a worker whose lease ran out and was taken over cannot overwrite the newer claim's outcome.
 */
export async function finishJob(db: Db, id: number, attempts?: number): Promise<void> {
  await db.query(
    `UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL
      WHERE id = $1 AND ($2::int IS NULL OR (status = 'running' AND attempts = $2))`,
    [id, attempts ?? null],
  );
}

/** Exponential backoff: 30 s, 1 min, 2 min ... capped at 1 h. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

export async function failJob(db: Db, job: ClaimedJob, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const final = job.attempts >= job.max_attempts;
  await db.query(
    `UPDATE jobs SET status = $2, last_error = $3, locked_until = NULL,
            run_at = CASE WHEN $2 = 'queued' THEN now() + make_interval(secs => $4) ELSE run_at END,
            finished_at = CASE WHEN $2 = 'failed' THEN now() ELSE NULL END
      WHERE id = $1 AND status = 'running' AND attempts = $5`,
    [job.id, final ? 'failed' : 'queued', message.slice(0, 2000), backoffSeconds(job.attempts), job.attempts],
  );
}

export type JobHandler<D> = (deps: D, payload: any) => Promise<void>;

/** Run every due job once (tests and the CLI call this directly). Returns how many ran. */
export async function runDueJobs<D extends { db: Db; log: Log }>(deps: D, registry: Record<string, JobHandler<D>>, limit = 20, lane: JobLane = {}): Promise<number> {
  const jobs = await claimJobs(deps.db, limit, 300, lane);
  for (const job of jobs) {
    const handler = registry[job.name];
    try {
      if (!handler) throw new Error(`no job named ${job.name}`);
      await handler(deps, job.payload);
      await finishJob(deps.db, job.id, job.attempts);
    } catch (err) {
      deps.log.warn('job failed', { job_id: job.id, job: job.name, attempts: job.attempts, err });
      await failJob(deps.db, job, err);
    }
  }
  return jobs.length;
}

/** Poll for due jobs until stopped. */
export function startJobWorker<D extends { db: Db; log: Log }>(deps: D, registry: Record<string, JobHandler<D>>, intervalMs = 1000, lane: JobLane = {}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    if (stopped) return;
    try {
      while (!stopped && (await runDueJobs(deps, registry, lane.only ? 1 : 20, lane)) > 0);
    } catch (err) {
      deps.log.error('job worker tick failed', { err });
    }
    if (!stopped) timer = setTimeout(() => (running = tick()), intervalMs);
  };
  timer = setTimeout(() => (running = tick()), 10);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
