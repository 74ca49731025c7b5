// WebSub (W3C): when WEBSUB_HUB is set, the feeds name the hub (rel="hub" in RSS and Atom, `hubs` in
// JSON Feed, and a Link header), and every content change queues one ping (WEBSUB_PING_JOB in
// src/jobs.ts, deduplicated while one is waiting, a few seconds late so that a burst of changes is one
// ping). The ping is the publish notification hubs accept: a form POST of hub.mode=publish and
// hub.url=<feed> for each of the site's feeds; the hub then fetches them. Through the guarded client.
import type { Deps } from '../deps.ts';
import { enqueue } from '../platform/jobs.ts';
import { guardedFetch } from '../platform/guarded-fetch.ts';
import type { Db } from '../db/index.ts';

export const WEBSUB_PING_JOB = 'websub.ping';

/** The topics pinged: the site-wide feeds (list feeds name the hub too, and hubs re-fetch on subscription). */
export function websubTopics(siteUrl: string): string[] {
  return ['/feed.xml', '/feed.atom', '/feed.json'].map((p) => siteUrl + p);
}

/** Queue a ping (no-op without a hub); one waiting ping at a time. */
export async function queueWebsubPing(db: Db, hub: string | null, now: Date): Promise<void> {
  if (!hub) return;
  await enqueue(db, WEBSUB_PING_JOB, {}, { dedupeKey: WEBSUB_PING_JOB, runAt: new Date(now.getTime() + 5_000), maxAttempts: 6 });
}

/** The job: tell the hub every topic changed. A refusal or a network failure throws (the queue retries). */
export async function websubPingJob(deps: Deps): Promise<void> {
  const hub = deps.config.websubHub;
  if (!hub) return;
  for (const topic of websubTopics(deps.config.siteUrl)) {
    const res = await guardedFetch(hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Newsdesk-WebSub/1' },
      body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
      discardBody: true,
      timeoutMs: 10_000,
      allowPrivate: deps.config.webhooksAllowPrivate,
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`WebSub hub ${hub} answered ${res.status} for ${topic}`);
  }
  deps.log.info('websub ping sent', { hub });
}
