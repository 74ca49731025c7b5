// Every background job by name. Jobs are plain idempotent async functions of (deps, payload), queued
// in the jobs table (src/platform/jobs.ts) and run by the worker that `serve` starts.
import type { Deps } from './deps.ts';
import type { JobHandler } from './platform/jobs.ts';

export const jobRegistry: Record<string, JobHandler<Deps>> = {};

export function registerJobs(handlers: Record<string, JobHandler<Deps>>): void {
  Object.assign(jobRegistry, handlers);
}
