// WebSub (W3C): when WEBSUB_HUB is set, the feeds name the hub (rel="hub" in RSS and Atom, `hubs` in
// JSON Feed, and a Link header), and every content change queues one ping (WEBSUB_PING_JOB in
// src/jobs.ts, deduplicated while one is waiting, a few seconds late so that a burst of changes is one
// ping). The ping is the publish notification hubs accept: a form POST of hub.mode=publish and
// hub.url=<feed> for each feed that changed: the site's feeds, and the RSS, Atom and JSON feeds of the
// sections, formats, tags and authors of every article changed since the last ping that went through
// (a cursor in `settings`, advanced only when every topic was accepted, so a retried ping re-sends
// them). The hub then fetches them. Through the guarded client.
//
// Story feeds (/story/{slug}/feed.{xml,atom,json}, issue #12) have a job of their own
// (WEBSUB_STORY_PING_JOB): the live wire announces stories that gained items (STORY_CHANNEL, only for
// stories with a public page), which queues it, deduplicated and a few seconds late, so that the
// batches of a poll are one ping; it pings the feeds of every public story changed since its own
// cursor (settings 'websub.stories_pinged_through'), at most MAX_STORY_FEEDS stories a run (a
// follow-up run is queued for the rest). A story gaining items changes its feed's title (the working
// title) and page, so the hub re-reads it; an article of ours on a story changing pings that story's
// feeds with the list feeds above.
import type { Deps } from '../deps.ts';
import { enqueue } from '../platform/jobs.ts';
import { guardedFetch } from '../platform/guarded-fetch.ts';
import type { Db } from '../db/index.ts';
import { changedPublicStories } from '../newswire/coverage/coverage.ts';

export const WEBSUB_PING_JOB = 'websub.ping';
export const WEBSUB_STORY_PING_JOB = 'websub.story_ping';

const FEED_FILES = ['feed.xml', 'feed.atom', 'feed.json'];
const CURSOR_KEY = 'websub.pinged_through';
const STORY_CURSOR_KEY = 'websub.stories_pinged_through';
/** At most this many stories' feeds per story ping. */
export const MAX_STORY_FEEDS = 40;
/** At most this many list feeds per ping (a mass import changes every list: the site feeds carry it). */
export const MAX_LIST_TOPICS = 120;

/** The site-wide feeds: pinged on every change. */
export function websubTopics(siteUrl: string): string[] {
  return FEED_FILES.map((f) => `${siteUrl}/${f}`);
}

/**
 * The list feeds (section, format, tag, author, and the wire story it is on) of the articles changed after `since` that are or were
 * public (published now, or published once), with the newest change seen; sorted, so pings are stable.
 */
export async function changedListFeeds(db: Db, siteUrl: string, since: Date | string): Promise<{ topics: string[]; through: string | null }> {
  const rows = await db.query<{ kind: string; slug: string; through: string | null }>(
    `WITH changed AS (
       SELECT id, format_id, section_id, story_key, updated_at FROM articles
        WHERE updated_at > $1::timestamptz AND (status = 'published' OR published_at IS NOT NULL))
     SELECT 'section' AS kind, s.slug, (SELECT max(updated_at)::text FROM changed) AS through FROM changed c JOIN sections s ON s.id = c.section_id
     UNION SELECT 'format', f.slug, (SELECT max(updated_at)::text FROM changed) FROM changed c JOIN formats f ON f.id = c.format_id
     UNION SELECT 'tag', t.slug, (SELECT max(updated_at)::text FROM changed) FROM changed c JOIN article_tags at ON at.article_id = c.id JOIN tags t ON t.id = at.tag_id
     UNION SELECT 'author', a.slug, (SELECT max(updated_at)::text FROM changed) FROM changed c JOIN article_authors aa ON aa.article_id = c.id JOIN authors a ON a.id = aa.author_id
     UNION SELECT 'story', ws.slug, (SELECT max(updated_at)::text FROM changed) FROM changed c JOIN wire_stories ws ON ws.slug = c.story_key AND ws.merged_into IS NULL AND NOT ws.hidden
     UNION SELECT '', '', (SELECT max(updated_at)::text FROM changed)`,
    [since],
  );
  const lists = rows.filter((r) => r.kind).map((r) => `${r.kind}/${r.slug}`).sort();
  const through = rows.find((r) => r.through)?.through;
  const topics = lists.slice(0, MAX_LIST_TOPICS / FEED_FILES.length).flatMap((l) => FEED_FILES.map((f) => `${siteUrl}/${l}/${f}`));
  // The cursor keeps the database's own text (microseconds): a Date would drop them and re-send.
  return { topics, through: through ?? null };
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
  const { db, config } = deps;
  const cursor = await db.one<{ value: string }>(`SELECT value FROM settings WHERE key = $1`, [CURSOR_KEY]);
  // The first ping looks back a day: enough for the change that queued it.
  const since = cursor ? cursor.value : new Date(deps.clock.now().getTime() - 86_400_000);
  const lists = await changedListFeeds(db, config.siteUrl, since);
  for (const topic of [...websubTopics(config.siteUrl), ...lists.topics]) await publish(deps, hub, topic);
  if (lists.through) {
    await db.query(
      `INSERT INTO settings (key, value) VALUES ($1, to_jsonb($2::text))
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [CURSOR_KEY, lists.through],
    );
  }
  deps.log.info('websub ping sent', { hub, lists: lists.topics.length / FEED_FILES.length });
}

/** Queue a story-feed ping (no-op without a hub); one waiting at a time, so a burst of batches is one. */
export async function queueStoryWebsubPing(db: Db, hub: string | null, now: Date): Promise<void> {
  if (!hub) return;
  await enqueue(db, WEBSUB_STORY_PING_JOB, {}, { dedupeKey: WEBSUB_STORY_PING_JOB, runAt: new Date(now.getTime() + 5_000), maxAttempts: 6 });
}

async function publish(deps: Deps, hub: string, topic: string): Promise<void> {
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

/**
 * The story job: tell the hub the feeds of the public stories changed since the cursor. A refusal or
 * a network failure throws before the cursor moves (the queue retries, and re-sends them all).
 */
export async function websubStoryPingJob(deps: Deps): Promise<void> {
  const hub = deps.config.websubHub;
  if (!hub) return;
  const { db, config } = deps;
  const cursor = await db.one<{ value: string }>(`SELECT value FROM settings WHERE key = $1`, [STORY_CURSOR_KEY]);
  const since = cursor ? cursor.value : new Date(deps.clock.now().getTime() - 86_400_000);
  const changed = await changedPublicStories(db, since, MAX_STORY_FEEDS);
  if (!changed.slugs.length) return;
  for (const slug of changed.slugs) for (const f of FEED_FILES) await publish(deps, hub, `${config.siteUrl}/story/${slug}/${f}`);
  await db.query(
    `INSERT INTO settings (key, value) VALUES ($1, to_jsonb($2::text)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [STORY_CURSOR_KEY, changed.through],
  );
  // More changed than one run pings: the rest in the next run (this one still holds the dedupe key).
  if (changed.more) await enqueue(db, WEBSUB_STORY_PING_JOB, {}, { dedupeKey: `${WEBSUB_STORY_PING_JOB}:next`, maxAttempts: 6 });
  deps.log.info('websub story ping sent', { hub, stories: changed.slugs.length, more: changed.more });
}
