// A WebSub hub's content push for one of the wire's feeds (see websub.ts for the subscription): the
// signature checked against the subscription's secret, then the entries stored exactly as a poll stores
// them (deduplicated by GUID and canonical URL), and a poll run queued to fetch the new pages politely.
// Apart from websub.ts so that the poller (which renews subscriptions) and this (which stores like the
// poller) do not import each other.
import { FeedParseError, parseFeedDocument } from './feeds.ts';
import { scheduleWirePoll, storeEntries } from './poller.ts';
import { isToken, validHubSignature, type WebsubDeps } from './websub.ts';

export interface PushResult {
  /** 202 (taken, or ignored as the spec asks), or 404 (no such subscription). */
  status: 202 | 404;
  accepted: boolean;
  newItems: number;
  reason?: string;
}

/** A hub's content push: checked against the secret, then stored like a poll's entries. */
export async function receiveWebsubPush(d: WebsubDeps, token: string, body: Buffer, contentType: string, signature: string | undefined): Promise<PushResult> {
  if (!isToken(token)) return { status: 404, accepted: false, newItems: 0, reason: 'No such subscription.' };
  const f = await d.db.one<{ id: number; outlet_id: number; fetch_allowed: boolean; url: string; websub_secret: string | null; websub_state: string; websub_topic: string | null }>(
    `SELECT f.id, f.outlet_id, o.fetch_allowed, f.url, f.websub_secret, f.websub_state, f.websub_topic
       FROM wire_feeds f JOIN wire_outlets o ON o.id = f.outlet_id WHERE f.websub_token = $1`,
    [token],
  );
  if (!f) return { status: 404, accepted: false, newItems: 0, reason: 'No such subscription.' };
  const ignore = async (reason: string) => {
    await d.db.query('UPDATE wire_feeds SET websub_error = $2 WHERE id = $1', [f.id, `a push was ignored: ${reason}`]);
    d.log.warn('websub push ignored', { feed: f.id, reason });
    return { status: 202 as const, accepted: false, newItems: 0, reason };
  };
  if (f.websub_state !== 'subscribed' || !f.websub_secret) return ignore('no verified subscription');
  if (!validHubSignature(signature, body, f.websub_secret)) return ignore(signature ? 'its X-Hub-Signature does not match the secret' : 'it carries no X-Hub-Signature');
  let parsed;
  try {
    parsed = parseFeedDocument(body, f.websub_topic ?? f.url, contentType);
  } catch (e) {
    return ignore(`its content cannot be read (${e instanceof FeedParseError ? e.message : (e as Error).message})`);
  }
  const now = new Date();
  const fresh = await d.db.tx(async (tx) => {
    const ids = await storeEntries(tx, { id: f.id, outlet_id: f.outlet_id, fetch_allowed: f.fetch_allowed }, parsed.entries, now);
    await tx.query(
      `UPDATE wire_feeds SET websub_last_push_at = $2, websub_error = NULL, last_new_item_at = CASE WHEN $3 THEN $2 ELSE last_new_item_at END WHERE id = $1`,
      [f.id, now, ids.length > 0],
    );
    return ids;
  });
  // The new items' pages are fetched by a poll run, politely, like any others.
  if (fresh.length) await scheduleWirePoll(d.db);
  return { status: 202, accepted: true, newItems: fresh.length };
}
