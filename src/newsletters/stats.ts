// Numbers the newsroom's dashboard shows about newsletters: each active newsletter's confirmed
// subscribers week by week (with the last 30 days' joins and leaves), and the last editions sent with
// what became of them (sent, failed, bounced, and who unsubscribed before the next edition).
import type { Db } from '../db/index.ts';

export interface NewsletterGrowth {
  id: number;
  slug: string;
  name: string;
  /** Confirmed subscribers now. */
  confirmed: number;
  /** Confirmed in the last 30 days, and unsubscribed in the last 30 days (of the confirmed). */
  joined30: number;
  left30: number;
  /** Confirmed subscribers at the end of each of the last `weeks` weeks, oldest first; the last is now. */
  weekly: number[];
}

const DAY = 86_400_000;

/**
 * Subscribers per newsletter and their growth. One pass over the subscriptions grouped by week (joins
 * and leaves), then counted back from today's total, so the cost does not grow with the weeks shown.
 */
export async function newsletterGrowth(db: Db, now: Date, weeks = 12): Promise<NewsletterGrowth[]> {
  const since = new Date(now.getTime() - weeks * 7 * DAY);
  const [totals, moves] = await Promise.all([
    db.query<{ id: number; slug: string; name: string; confirmed: number; joined30: number; left30: number }>(
      `SELECT n.id, n.slug, n.name,
              count(*) FILTER (WHERE s.status = 'confirmed')::int AS confirmed,
              count(*) FILTER (WHERE s.status = 'confirmed' AND s.confirmed_at > $1)::int AS joined30,
              count(*) FILTER (WHERE s.status = 'unsubscribed' AND s.unsubscribed_at > $1 AND s.confirmed_at IS NOT NULL)::int AS left30
         FROM newsletters n LEFT JOIN subscriptions s ON s.newsletter_id = n.id
        WHERE n.active
        GROUP BY n.id ORDER BY n.position, n.name`,
      [new Date(now.getTime() - 30 * DAY)],
    ),
    // Joins (confirmed since `since`) and leaves (unsubscribed since `since`, having been confirmed),
    // by whole weeks before now: week 0 is the last seven days.
    db.query<{ newsletter_id: number; w: number; joined: number; left: number }>(
      `SELECT newsletter_id, w, sum(joined)::int AS joined, sum(lft)::int AS left FROM (
         SELECT newsletter_id, floor(extract(epoch FROM ($2::timestamptz - confirmed_at)) / 604800)::int AS w, 1 AS joined, 0 AS lft
           FROM subscriptions WHERE confirmed_at > $1 AND confirmed_at <= $2
         UNION ALL
         SELECT newsletter_id, floor(extract(epoch FROM ($2::timestamptz - unsubscribed_at)) / 604800)::int, 0, 1
           FROM subscriptions WHERE status = 'unsubscribed' AND confirmed_at IS NOT NULL AND unsubscribed_at > $1 AND unsubscribed_at <= $2
       ) m GROUP BY newsletter_id, w`,
      [since, now],
    ),
  ]);
  return totals.map((t) => {
    // weekly[weeks-1] = now; going back one week undoes that week's joins and leaves.
    const weekly = new Array<number>(weeks).fill(0);
    let level = t.confirmed;
    for (let i = weeks - 1, w = 0; i >= 0; i--, w++) {
      weekly[i] = Math.max(0, level);
      const m = moves.filter((x) => x.newsletter_id === t.id && x.w === w);
      for (const x of m) level = level - x.joined + x.left;
    }
    return { ...t, weekly };
  });
}

export interface EditionReport {
  id: number;
  newsletter: string;
  number: number;
  subject: string;
  sent_at: Date;
  sent: number;
  failed: number;
  bounced: number;
  unsubscribed: number;
}

/**
 * The last editions sent, newest first, each with its deliveries sent and failed, the bounces reported
 * against them (by VERP delivery id), and the subscribers of that newsletter who unsubscribed after it
 * went out and before the next edition of the same newsletter did.
 */
export async function recentEditionReports(db: Db, limit = 5): Promise<EditionReport[]> {
  return db.query<EditionReport>(
    `WITH last AS (
       SELECT e.id, e.newsletter_id, n.name AS newsletter, e.number, e.subject, e.sent_at, coalesce(e.send_started_at, e.sent_at) AS started,
              (SELECT min(coalesce(x.send_started_at, x.sent_at)) FROM editions x
                WHERE x.newsletter_id = e.newsletter_id AND x.status IN ('sent', 'sending', 'paused') AND x.number > e.number) AS next_started
         FROM editions e JOIN newsletters n ON n.id = e.newsletter_id
        WHERE e.status = 'sent' ORDER BY e.sent_at DESC, e.id DESC LIMIT $1)
     SELECT l.id, l.newsletter, l.number, l.subject, l.sent_at,
            (SELECT count(*) FROM deliveries d WHERE d.edition_id = l.id AND d.status = 'sent')::int AS sent,
            (SELECT count(*) FROM deliveries d WHERE d.edition_id = l.id AND d.status = 'failed')::int AS failed,
            (SELECT count(DISTINCT me.delivery_id) FROM mail_events me JOIN deliveries d ON d.id = me.delivery_id
              WHERE d.edition_id = l.id AND me.kind IN ('hard_bounce', 'soft_bounce'))::int AS bounced,
            (SELECT count(*) FROM subscriptions s WHERE s.newsletter_id = l.newsletter_id AND s.status = 'unsubscribed'
              AND s.unsubscribed_at >= l.started AND (l.next_started IS NULL OR s.unsubscribed_at < l.next_started))::int AS unsubscribed
       FROM last l ORDER BY l.sent_at DESC, l.id DESC`,
    [limit],
  );
}

/** How many readers a send of this newsletter would go to now: confirmed and not suppressed (as startSend queues). */
export async function countRecipients(db: Db, newsletterId: number): Promise<number> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::int AS n FROM subscriptions s JOIN people p ON p.id = s.person_id
      WHERE s.newsletter_id = $1 AND s.status = 'confirmed' AND p.suppressed_at IS NULL`,
    [newsletterId],
  );
  return r?.n ?? 0;
}
