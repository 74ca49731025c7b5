// Webhooks: where to POST which events. The secret signs every delivery (src/webhooks/deliver.ts);
// it is returned when the webhook is created or its secret rotated, and never listed.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { NotFoundError } from '../platform/errors.ts';
import { WEBHOOK_EVENTS } from './emit.ts';
import { parseInput } from '../platform/validate.ts';

export interface Webhook {
  id: number;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookDelivery {
  id: number;
  webhook_id: number;
  event: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  response_code: number | null;
  error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  attempt_log: Array<{ attempt: number; started_at: string; duration_ms: number; response_code: number | null; error: string | null }>;
}

const COLUMNS = `id, name, url, events, active, created_at, updated_at`;

const urlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL without credentials');

const eventsSchema = z
  .array(z.string().refine((e) => e === '*' || (WEBHOOK_EVENTS as readonly string[]).includes(e), { message: `unknown event; known: ${WEBHOOK_EVENTS.join(', ')}, or *` }))
  .min(1, 'subscribe to at least one event')
  .max(WEBHOOK_EVENTS.length + 1);

const createSchema = z.object({
  name: z.string().trim().max(200).default(''),
  url: urlSchema,
  events: eventsSchema,
  active: z.boolean().default(true),
});
const patchSchema = z.object({
  name: z.string().trim().max(200).optional(),
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  active: z.boolean().optional(),
});

const parse = <T extends z.ZodType>(schema: T, input: unknown) => parseInput(schema, input, { what: 'webhook' });

const newSecret = () => `whsec_${crypto.randomBytes(24).toString('base64url')}`;

export async function createWebhook(db: Db, input: unknown): Promise<{ webhook: Webhook; secret: string }> {
  const data = parse(createSchema, input);
  const secret = newSecret();
  const webhook = await db.one<Webhook>(
    `INSERT INTO webhooks (name, url, events, secret, active) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [data.name, data.url, [...new Set(data.events)], secret, data.active],
  );
  return { webhook: webhook!, secret };
}

export async function listWebhooks(db: Db): Promise<Webhook[]> {
  return db.query<Webhook>(`SELECT ${COLUMNS} FROM webhooks ORDER BY id`);
}

export async function getWebhook(db: Db, id: number): Promise<Webhook> {
  const w = await db.one<Webhook>(`SELECT ${COLUMNS} FROM webhooks WHERE id = $1`, [id]);
  if (!w) throw new NotFoundError(`No webhook ${id}`);
  return w;
}

export async function updateWebhook(db: Db, id: number, patch: unknown): Promise<Webhook> {
  const data = parse(patchSchema, patch);
  const w = await db.one<Webhook>(
    `UPDATE webhooks SET name = coalesce($2, name), url = coalesce($3, url), events = coalesce($4, events), active = coalesce($5, active), updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, data.name ?? null, data.url ?? null, data.events ? [...new Set(data.events)] : null, data.active ?? null],
  );
  if (!w) throw new NotFoundError(`No webhook ${id}`);
  return w;
}

/** A new signing secret; the old one stops signing at once. */
export async function rotateWebhookSecret(db: Db, id: number): Promise<string> {
  const secret = newSecret();
  const r = await db.one(`UPDATE webhooks SET secret = $2, updated_at = now() WHERE id = $1 RETURNING id`, [id, secret]);
  if (!r) throw new NotFoundError(`No webhook ${id}`);
  return secret;
}

export async function deleteWebhook(db: Db, id: number): Promise<void> {
  const r = await db.query(`DELETE FROM webhooks WHERE id = $1 RETURNING id`, [id]);
  if (!r.length) throw new NotFoundError(`No webhook ${id}`);
}

/** The delivery log of one webhook, newest first, each with its attempts. */
export async function listDeliveries(db: Db, webhookId: number, limit = 50, offset = 0): Promise<WebhookDelivery[]> {
  await getWebhook(db, webhookId);
  return db.query<WebhookDelivery>(
    `SELECT d.id, d.webhook_id, d.event, d.payload, d.status, d.attempts, d.response_code, d.error, d.created_at, d.last_attempt_at, d.delivered_at,
            coalesce((SELECT json_agg(json_build_object('attempt', x.attempt, 'started_at', x.started_at, 'duration_ms', x.duration_ms,
                                                        'response_code', x.response_code, 'error', x.error) ORDER BY x.attempt)
                        FROM webhook_attempts x WHERE x.delivery_id = d.id), '[]'::json) AS attempt_log
       FROM webhook_deliveries d WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2 OFFSET $3`,
    [webhookId, limit, offset],
  );
}
