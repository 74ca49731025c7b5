// WebSub (W3C Recommendation) for the wire's feeds, the subscriber's side (issue #11). A feed that
// advertises a hub (rel="hub", with rel="self" naming the topic) is subscribed to when WIRE_WEBSUB is
// on: a form POST to the hub (hub.mode=subscribe, hub.topic, hub.callback, hub.secret,
// hub.lease_seconds) through the guarded client. The hub verifies by a GET to the callback that must
// echo hub.challenge, for the topic we asked for; then it POSTs the feed's new content, signed with the
// secret (X-Hub-Signature: sha1=..., sha256=..., sha384=... or sha512=...: an HMAC of the body). A push
// with a missing or wrong signature is ignored (and answered 2xx, as the spec asks, so a forger learns
// nothing); a good one is parsed and stored exactly as a poll would (deduplicated by GUID and URL), and
// a poll run is queued to fetch the new pages. Leases are renewed by the poll run when a third of the
// lease (at most a day) is left; a hub that did not verify within an hour is asked again; one that
// denied us, after a day. Polling goes on beside push: it is the safety net.
import crypto from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { Log } from '../platform/log.ts';
import { guardedFetch } from '../platform/guarded-fetch.ts';
import { describeFetchError } from './fetcher.ts';

export interface WebsubDeps {
  db: Db;
  config: Config;
  log: Log;
}

interface SubRow {
  id: number;
  url: string;
  outlet_id: number;
  fetch_allowed: boolean;
  websub_hub: string;
  websub_self: string | null;
  websub_topic: string | null;
  websub_token: string | null;
  websub_secret: string | null;
  websub_state: string;
  websub_lease_until: Date | null;
}

/** The callback URL a hub is given for a feed's subscription. */
export function websubCallback(config: Config, token: string): string {
  return `${config.wire.websubCallbackBase}/api/wire/websub/${token}`;
}

/** Feeds whose subscription is due: never asked, not verified within an hour, denied a day ago, or a lease running out. */
const DUE = `f.websub_hub IS NOT NULL AND o.active AND NOT o.demo AND (
    f.websub_state = 'none'
    OR (f.websub_state = 'requested' AND f.websub_requested_at < now() - interval '1 hour')
    OR (f.websub_state = 'denied' AND f.websub_requested_at < now() - interval '1 day')
    OR (f.websub_state = 'unsubscribing' AND f.websub_requested_at < now() - interval '1 hour')
    OR (f.websub_state = 'subscribed' AND (f.websub_lease_until IS NULL
        OR f.websub_lease_until < now() + least(interval '1 day', make_interval(secs => coalesce(f.websub_lease_seconds, 86400) / 3.0))
        OR f.websub_topic IS DISTINCT FROM coalesce(f.websub_self, f.url))))`;

/** Subscriptions to end: the outlet was paused, or WIRE_WEBSUB switched off, while a lease runs. */
const ENDING = `f.websub_hub IS NOT NULL AND f.websub_token IS NOT NULL AND f.websub_lease_until > now()
    AND (f.websub_state = 'subscribed' OR (f.websub_state = 'unsubscribing' AND f.websub_requested_at < now() - interval '1 hour'))
    AND (NOT o.active OR $2::boolean = false)`;

/** Ask the hub of one feed for a subscription (or its renewal), or (`mode` unsubscribe) to end it. Returns null, or why it failed (also stored). */
export async function subscribeFeed(d: WebsubDeps, feedId: number, mode: 'subscribe' | 'unsubscribe' = 'subscribe'): Promise<string | null> {
  const f = await d.db.one<SubRow>(
    `SELECT f.id, f.url, f.outlet_id, o.fetch_allowed, f.websub_hub, f.websub_self, f.websub_topic, f.websub_token, f.websub_secret, f.websub_state, f.websub_lease_until
       FROM wire_feeds f JOIN wire_outlets o ON o.id = f.outlet_id WHERE f.id = $1 AND f.websub_hub IS NOT NULL`,
    [feedId],
  );
  if (!f) return 'the feed advertises no hub';
  // Ending a subscription names the topic it was for.
  const topic = mode === 'unsubscribe' ? (f.websub_topic ?? f.websub_self ?? f.url) : (f.websub_self ?? f.url);
  // The token and secret stay across renewals: pushes under the current lease keep verifying.
  const token = f.websub_token ?? crypto.randomBytes(24).toString('base64url');
  const secret = f.websub_secret ?? crypto.randomBytes(32).toString('hex');
  // The request is recorded before it is sent: a hub may verify at once (before its 202 reaches us),
  // and the verification is only accepted for a request on record. A renewal keeps the subscription
  // it renews until the hub verifies the new request; an ending subscription is 'unsubscribing'
  // until the hub verifies that (pushes are no longer taken meanwhile).
  await d.db.query(
    `UPDATE wire_feeds SET websub_token = $2, websub_secret = $3, websub_topic = $4, websub_requested_at = now(), websub_error = NULL,
            websub_state = CASE WHEN $5 THEN 'unsubscribing'
                                WHEN websub_state = 'subscribed' AND websub_lease_until > now() THEN 'subscribed' ELSE 'requested' END
      WHERE id = $1`,
    [f.id, token, secret, topic, mode === 'unsubscribe'],
  );
  const cfg = d.config.wire;
  let error: string | null = null;
  try {
    const res = await guardedFetch(f.websub_hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': cfg.userAgent },
      body: new URLSearchParams({
        'hub.mode': mode,
        'hub.topic': topic,
        'hub.callback': websubCallback(d.config, token),
        'hub.secret': secret,
        'hub.lease_seconds': String(cfg.websubLeaseSeconds),
      }).toString(),
      timeoutMs: cfg.timeoutMs,
      maxBytes: 64 * 1024,
      maxRedirects: cfg.maxRedirects,
      allowPrivate: cfg.allowPrivate,
    });
    if (res.status < 200 || res.status >= 300) {
      const said = res.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
      error = `the hub ${f.websub_hub} refused the ${mode === 'subscribe' ? 'subscription' : 'unsubscription'}: HTTP ${res.status}${said ? ` (${said})` : ''}`;
    }
  } catch (e) {
    error = `the hub ${f.websub_hub} could not be reached: ${describeFetchError(e)}`;
  }
  // Only a failed request's reason: the state is the hub's to move now (its verification, or its
  // denial with a reason of its own, may already have come).
  if (error) await d.db.query(`UPDATE wire_feeds SET websub_error = $2 WHERE id = $1`, [f.id, error]);
  if (error) d.log.warn('websub subscribe failed', { feed: f.id, error });
  return error;
}

/** The poll run's share: subscribe to hubs not yet asked, and renew leases running out (a few each run). */
export async function maintainWebsub(d: WebsubDeps, limit = 20): Promise<{ asked: number; failed: number; ended: number }> {
  // Paused outlets (or WebSub switched off) end their running subscriptions, so hubs stop pushing.
  const ending = await d.db.query<{ id: number }>(
    `SELECT f.id FROM wire_feeds f JOIN wire_outlets o ON o.id = f.outlet_id WHERE ${ENDING} ORDER BY f.id LIMIT $1`,
    [limit, d.config.wire.websub],
  );
  let failed = 0;
  for (const r of ending) if (await subscribeFeed(d, r.id, 'unsubscribe')) failed++;
  if (!d.config.wire.websub) return { asked: 0, failed, ended: ending.length };
  const due = await d.db.query<{ id: number }>(
    `SELECT f.id FROM wire_feeds f JOIN wire_outlets o ON o.id = f.outlet_id WHERE ${DUE} ORDER BY f.websub_requested_at NULLS FIRST, f.id LIMIT $1`,
    [limit],
  );
  for (const r of due) if (await subscribeFeed(d, r.id)) failed++;
  return { asked: due.length, failed, ended: ending.length };
}

export type VerifyResult = { status: 200; challenge: string } | { status: 404; message: string };

/**
 * The hub's verification GET: for a subscription we asked for (the token's feed, the topic we named),
 * records the lease and echoes the challenge; a denial is recorded. Anything else is 404.
 */
export async function verifyWebsub(db: Db, token: string, q: Record<string, unknown>): Promise<VerifyResult> {
  if (!isToken(token)) return { status: 404, message: 'No such subscription.' };
  const mode = typeof q['hub.mode'] === 'string' ? q['hub.mode'] : '';
  const topic = typeof q['hub.topic'] === 'string' ? q['hub.topic'] : '';
  const f = await db.one<{ id: number; websub_topic: string | null; websub_state: string }>(
    'SELECT id, websub_topic, websub_state FROM wire_feeds WHERE websub_token = $1',
    [token],
  );
  if (!f) return { status: 404, message: 'No such subscription.' };
  if (mode === 'denied') {
    const reason = typeof q['hub.reason'] === 'string' ? q['hub.reason'].replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 300) : 'no reason given';
    await db.query(`UPDATE wire_feeds SET websub_state = 'denied', websub_error = $2, websub_lease_until = NULL WHERE id = $1`, [f.id, `the hub denied the subscription: ${reason}`]);
    return { status: 200, challenge: '' };
  }
  const challenge = typeof q['hub.challenge'] === 'string' ? q['hub.challenge'] : '';
  if (!challenge || challenge.length > 1000) return { status: 404, message: 'Not a subscription this site asked for.' };
  if (mode === 'unsubscribe') {
    // Confirmed only when we asked to end it, for its topic.
    if (f.websub_state !== 'unsubscribing' || topic !== f.websub_topic) return { status: 404, message: 'Not an unsubscription this site asked for.' };
    await db.query(`UPDATE wire_feeds SET websub_state = 'none', websub_error = NULL, websub_lease_until = NULL, websub_lease_seconds = NULL WHERE id = $1`, [f.id]);
    return { status: 200, challenge };
  }
  if (mode !== 'subscribe') return { status: 404, message: 'Not a subscription this site asked for.' };
  if (!f.websub_topic || topic !== f.websub_topic || f.websub_state === 'none' || f.websub_state === 'unsubscribing') return { status: 404, message: 'Not a subscription this site asked for.' };
  const lease = Number(q['hub.lease_seconds']);
  const seconds = Number.isFinite(lease) && lease > 0 ? Math.min(Math.floor(lease), 10 * 365 * 24 * 3600) : null;
  await db.query(
    `UPDATE wire_feeds SET websub_state = 'subscribed', websub_error = NULL, websub_lease_seconds = $2,
            websub_lease_until = CASE WHEN $2::int IS NULL THEN NULL ELSE now() + make_interval(secs => $2::int) END
      WHERE id = $1`,
    [f.id, seconds],
  );
  return { status: 200, challenge };
}

/** A callback token as subscribeFeed makes them (base64url); anything else names no subscription. */
export function isToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{16,64}$/.test(token);
}

/** Whether `header` (X-Hub-Signature: method=hex) is the HMAC of `body` with `secret`. */
export function validHubSignature(header: string | undefined, body: Buffer, secret: string): boolean {
  const m = /^\s*(sha1|sha256|sha384|sha512)=([0-9a-f]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const want = crypto.createHmac(m[1]!.toLowerCase(), secret).update(body).digest();
  const got = Buffer.from(m[2]!.toLowerCase(), 'hex');
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}
