// Sending one webhook delivery (the job DELIVER_JOB, 'webhooks.deliver', in src/jobs.ts). The body is JSON; the signature header is
// `X-Newsdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's
// secret>`, so a receiver can check both origin and freshness (reject old timestamps against replay).
// A non-2xx answer, a timeout or a refused address throws: the job queue retries with exponential
// backoff up to MAX_DELIVERY_ATTEMPTS, and every attempt is logged in webhook_attempts.
//
// No SSRF: the request goes through platform/guarded-fetch.ts (addresses checked after resolving and
// connected to as checked; private ones refused unless WEBHOOKS_ALLOW_PRIVATE). Redirects are not
// followed: a receiver that answers 3xx has not taken the delivery, and a signed POST is not replayed
// to wherever it points.
import crypto from 'node:crypto';
import type { Deps } from '../deps.ts';
import { FetchError, guardedFetch } from '../platform/guarded-fetch.ts';
import { MAX_DELIVERY_ATTEMPTS } from './emit.ts';

export const DELIVERY_TIMEOUT_MS = 10_000;

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const v1 = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/** Receiver side (and tests): true when the header signs this body within `toleranceSeconds`. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, body, t).split('v1=')[1]!);
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

interface DeliveryRow {
  id: number;
  webhook_id: number;
  event: string;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
  active: boolean;
}

/** The job: one attempt at one delivery. Idempotent: a delivery that already succeeded is left alone. */
export async function deliverWebhook(deps: Deps, payload: { deliveryId: number }): Promise<void> {
  const { db, config, clock } = deps;
  const d = await db.one<DeliveryRow>(
    `SELECT d.id, d.webhook_id, d.event, d.payload, d.status, d.attempts, d.created_at, w.url, w.secret, w.active
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1`,
    [payload.deliveryId],
  );
  if (!d || d.status !== 'pending') return; // webhook deleted, or already done
  const attempt = d.attempts + 1;
  const started = clock.now();
  const t0 = performance.now();
  const body = JSON.stringify({ id: d.id, event: d.event, created_at: d.created_at, site_url: config.siteUrl, data: d.payload });
  const ts = Math.floor(started.getTime() / 1000);
  let code: number | null = null;
  let error: string | null = null;
  try {
    const res = await guardedFetch(d.url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Newsdesk-Webhooks/1',
        'x-newsdesk-event': d.event,
        'x-newsdesk-delivery': String(d.id),
        'x-newsdesk-signature': signPayload(d.secret, body, ts),
      },
      timeoutMs: DELIVERY_TIMEOUT_MS,
      maxRedirects: 0,
      discardBody: true, // the receiver's body does not interest us
      allowPrivate: config.webhooksAllowPrivate,
    });
    code = res.status;
    if (code < 200 || code >= 300) error = `the receiver answered HTTP ${code}`;
  } catch (e) {
    error = (e instanceof FetchError ? e.message : (e as Error).message) || String(e);
    code = null;
  }
  const duration = Math.round(performance.now() - t0);
  const final = !!error && attempt >= MAX_DELIVERY_ATTEMPTS;
  await db.tx(async (tx) => {
    await tx.query(`INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, response_code, error) VALUES ($1, $2, $3, $4, $5, $6)`, [
      d.id, attempt, started, duration, code, error,
    ]);
    await tx.query(
      `UPDATE webhook_deliveries SET attempts = $2, response_code = $3, error = $4, last_attempt_at = $5,
              status = $6, delivered_at = CASE WHEN $6 = 'succeeded' THEN $5::timestamptz ELSE NULL END
        WHERE id = $1`,
      [d.id, attempt, code, error, started, error ? (final ? 'failed' : 'pending') : 'succeeded'],
    );
  });
  if (error) throw new Error(`webhook ${d.webhook_id} delivery ${d.id} attempt ${attempt}: ${error}`);
}
