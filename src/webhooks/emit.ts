// Emitting a webhook event: inside the caller's transaction, one delivery row and one queued job per
// active webhook subscribed to the event. If the change rolls back, so do its deliveries; the job
// worker sends them after commit (src/webhooks/deliver.ts).
import type { Db } from '../db/index.ts';
import { enqueueMany } from '../platform/jobs.ts';

export const WEBHOOK_EVENTS = [
  'article.published',
  'article.updated',
  'article.unpublished',
  'article.deleted',
  'subscriber.created',
  'subscriber.confirmed',
  'subscriber.unsubscribed',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const DELIVER_JOB = 'webhooks.deliver';
/** Attempts per delivery before it is marked failed (backoff 30 s, 1, 2, 4, 8, 16, 32 min). */
export const MAX_DELIVERY_ATTEMPTS = 8;

async function subscribers(db: Db, event: string): Promise<number[]> {
  const rows = await db.query<{ id: number }>(`SELECT id FROM webhooks WHERE active AND ($1 = ANY(events) OR '*' = ANY(events)) ORDER BY id`, [event]);
  return rows.map((r) => r.id);
}

/** Whether any active webhook takes `event` (lets bulk writers skip building payloads nobody reads). */
export async function hasWebhookListeners(db: Db, event: string): Promise<boolean> {
  return (await subscribers(db, event)).length > 0;
}

/** Queue a delivery of `event` with `payload` to every active webhook subscribed to it. */
export async function emitWebhookEvent(db: Db, event: string, payload: Record<string, unknown>): Promise<void> {
  await emitWebhookEvents(db, [{ event, payload }]);
}

/**
 * Queue deliveries of many events at once (a bulk writer's batch, such as an import's; emitWebhookEvent
 * is one of them): one delivery row and one job per event and subscribed webhook, in the events' order,
 * in a query per distinct event and two statements in all.
 */
export async function emitWebhookEvents(db: Db, events: Array<{ event: string; payload: Record<string, unknown> }>): Promise<void> {
  const hooksOf = new Map<string, number[]>();
  for (const e of events) if (!hooksOf.has(e.event)) hooksOf.set(e.event, await subscribers(db, e.event));
  await enqueueDeliveries(db, events.map((e) => ({ ...e, hooks: hooksOf.get(e.event)! })));
}

/** The delivery rows and jobs of events whose webhooks are known, in the events' order: two statements. */
async function enqueueDeliveries(db: Db, events: Array<{ hooks: number[]; event: string; payload: Record<string, unknown> }>): Promise<void> {
  const hookIds: number[] = [];
  const names: string[] = [];
  const payloads: string[] = [];
  for (const e of events) {
    if (!e.hooks.length) continue;
    const json = JSON.stringify(e.payload);
    for (const id of e.hooks) (hookIds.push(id), names.push(e.event), payloads.push(json));
  }
  if (!hookIds.length) return;
  const rows = await db.query<{ id: number }>(
    `INSERT INTO webhook_deliveries (webhook_id, event, payload)
     SELECT u.w, u.e, u.p::jsonb FROM unnest($1::int[], $2::text[], $3::text[]) WITH ORDINALITY AS u(w, e, p, n) ORDER BY u.n
     RETURNING id`,
    [hookIds, names, payloads],
  );
  // Identities are drawn in the order the rows are inserted: sorted, they are the events' order.
  const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  await enqueueMany(db, DELIVER_JOB, ids.map((id) => ({ payload: { deliveryId: id }, dedupeKey: `webhook-delivery:${id}` })), { maxAttempts: MAX_DELIVERY_ATTEMPTS });
}

type Status = 'draft' | 'scheduled' | 'published';

/**
 * The article event a status change means, if any: into published is article.published, out of it
 * article.unpublished (or article.deleted when the row is gone), an edit of a published article
 * article.updated. Drafts and schedules changing among themselves are nobody's business outside.
 */
export function articleEventFor(before: Status | null, after: Status | null): WebhookEvent | null {
  if (after === null) return before === null ? null : 'article.deleted';
  if (after === 'published') return before === 'published' ? 'article.updated' : 'article.published';
  return before === 'published' ? 'article.unpublished' : null;
}

/**
 * Emit the event for an article's status change (see articleEventFor), with the article as payload.
 * `deleted` carries the last known fields of a deleted article. Costs one query when nobody listens.
 */
export async function emitArticleChange(db: Db, articleId: number, before: Status | null, after: Status | null, deleted?: { slug: string; headline: string }): Promise<void> {
  const event = articleEventFor(before, after);
  if (!event) return;
  const hooks = await subscribers(db, event);
  if (!hooks.length) return;
  let article: Record<string, unknown>;
  if (after === null) {
    article = { id: articleId, slug: deleted?.slug ?? null, headline: deleted?.headline ?? null, status: 'deleted', path: deleted ? `/${deleted.slug}` : null };
  } else {
    const row = await db.one(
      `SELECT a.id, a.uuid, a.type, a.slug, a.headline, a.dek, a.status, a.published_at, a.updated_at, a.created_at,
              a.feature_image_url, a.editors_pick, f.slug AS format, s.slug AS section,
              coalesce((SELECT json_agg(au.slug ORDER BY aa.position) FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id), '[]'::json) AS authors,
              coalesce((SELECT json_agg(t.slug ORDER BY at.position) FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id), '[]'::json) AS tags
         FROM articles a LEFT JOIN formats f ON f.id = a.format_id LEFT JOIN sections s ON s.id = a.section_id
        WHERE a.id = $1`,
      [articleId],
    );
    if (!row) return;
    article = { ...row, path: `/${row.slug}` };
  }
  await enqueueDeliveries(db, [{ hooks, event, payload: { article, previous_status: before } }]);
}
