// The claimer's reads (claimer.ts: ClaimStore) in SQL. Reads only: the runner owns the edition
// (editions.runner) and hands rows to its workers from memory, so a row is written once, when its
// result is recorded (recorder.ts).
import type { Db } from '../../db/index.ts';
import type { ClaimStore, Claimed } from './claimer.ts';
import { paidSql } from '../../members/subscriptions.ts';

/**
 * `graceDays`: the paywall's grace period for past-due payments, for each recipient's tier (which
 * version of the email they get: no account, an account, paying), decided when their row is claimed.
 */
export function sqlClaimStore(db: Db, editionId: number, newsletterId: number, graceDays = 7): ClaimStore {
  const grace = Math.max(0, Math.min(365, Math.trunc(graceDays) || 0));
  const select = async (where: string, extra: unknown[], limit: number): Promise<Claimed[]> => {
    // The batch comes back as one JSON array rather than `limit` rows: PGlite spends about 3 us per
    // field of every row it returns (a 500-row, 6-column batch took 13 ms as rows and 3.5 ms as one
    // value), and node-postgres likewise parses one value faster than 500 rows.
    // The plan must not depend on statistics (PGlite never analyses by itself): the edition's rows
    // are picked first (LIMIT inside), then each person and subscription is looked up by primary key
    // (LATERAL ... LIMIT 1 keeps these lookups per row; otherwise a planner that believes the tables
    // small hash-joins all of people and subscriptions for every batch).
    // Anyone who unsubscribed or was suppressed since the send was queued comes back with ok = false
    // and is recorded as skipped.
    // The tier is one index probe of member_subscriptions per row (most people have none).
    const r = await db.one<{ batch: Array<[number, number, number, string, string, boolean, 0 | 1 | 2]> }>(
      `SELECT coalesce(json_agg(json_build_array(d.id, d.person_id, d.attempts, p.email, p.name,
                       p.suppressed_at IS NULL AND s.status IS NOT DISTINCT FROM 'confirmed',
                       CASE WHEN p.paid THEN 2 WHEN p.account_at IS NOT NULL THEN 1 ELSE 0 END) ORDER BY d.id), '[]'::json) AS batch
         FROM (SELECT d.id, d.person_id, d.attempts FROM deliveries d
                WHERE d.edition_id = $1 AND d.status = 'queued' AND ${where}
                  AND EXISTS (SELECT 1 FROM editions WHERE id = $1 AND status = 'sending')
                ORDER BY d.id LIMIT $2) d
         CROSS JOIN LATERAL (SELECT email, name, suppressed_at, account_at, ${paidSql('pp.id', 'now()', String(grace))} AS paid
                               FROM people pp WHERE pp.id = d.person_id LIMIT 1) p
         LEFT JOIN LATERAL (SELECT status FROM subscriptions WHERE person_id = d.person_id AND newsletter_id = $3 LIMIT 1) s ON true`,
      [editionId, limit, newsletterId, ...extra],
    );
    // Both drivers parse json values.
    return (r?.batch ?? []).map(([id, person_id, attempts, email, name, ok, tier]) => ({ id, person_id, attempts, email, name, ok, tier }));
  };
  return {
    after: (after, limit) => select(`d.id > $4 AND d.next_attempt_at <= now()`, [after], limit),
    byIds: (ids, limit) => select(`d.id = ANY($4::bigint[])`, [ids], limit),
    // Through deliveries_retry_idx: only rows that were ever retried have next_attempt_at set.
    dueRetries: (upTo, exclude, limit) =>
      select(`d.next_attempt_at > '-infinity' AND d.next_attempt_at <= now() AND d.id <= $5 AND NOT (d.id = ANY($4::bigint[]))`, [exclude, upTo], limit),
    async sentInWindow(seconds) {
      // From the 10-second buckets the recorder keeps; the bucket the window starts in counts whole,
      // so the count errs on the safe side.
      const r = await db.one<{ n: number }>(
        `SELECT coalesce(sum(sent), 0)::int AS n FROM delivery_counts WHERE bucket > now() - make_interval(secs => $1 + 10)`,
        [seconds],
      );
      return r?.n ?? 0;
    },
    async left(exclude, retriesOnly) {
      const r = await db.one<{ st: string | null; queued: number; wait_ms: number | null }>(
        `SELECT (SELECT status FROM editions WHERE id = $1) AS st,
                count(*)::int AS queued,
                extract(epoch FROM greatest(min(next_attempt_at), now()) - now()) * 1000 AS wait_ms
           FROM deliveries WHERE edition_id = $1 AND status = 'queued' AND NOT (id = ANY($2::bigint[]))
                ${retriesOnly ? `AND next_attempt_at > '-infinity'` : ''}`,
        [editionId, exclude],
      );
      return { sending: r?.st === 'sending', queued: r?.queued ?? 0, waitMs: Number(r?.wait_ms ?? 1000) };
    },
  };
}
