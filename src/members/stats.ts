// Aggregate counts by day (member_daily): nothing personal in them, so they stay when an account is
// deleted. Kinds: wall_shown (registration or plans wall shown), registered, paid, cancelled, deleted.
// Walls shown are counted in memory and written in one statement per flush, so that an anonymous
// reader's page view writes nothing to the database.
import type { Db } from '../db/index.ts';
import { localDate } from '../platform/time.ts';

export type DailyKind = 'wall_shown' | 'registered' | 'paid' | 'cancelled' | 'deleted';

export async function countDaily(db: Db, now: Date, kind: DailyKind, n = 1, timeZone = 'UTC'): Promise<void> {
  await db.query(
    `INSERT INTO member_daily (day, kind, n) VALUES ($1::date, $2, $3) ON CONFLICT (day, kind) DO UPDATE SET n = member_daily.n + EXCLUDED.n`,
    [localDate(now, timeZone), kind, n],
  );
}

/** Walls shown, counted in memory per day and flushed by `flush` (the server calls it every minute and at close). */
export class WallCounter {
  private pending = new Map<string, number>();

  hit(now: Date, timeZone = 'UTC'): void {
    const day = localDate(now, timeZone);
    this.pending.set(day, (this.pending.get(day) ?? 0) + 1);
  }

  async flush(db: Db): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    for (const [day, n] of batch) {
      await db.query(
        `INSERT INTO member_daily (day, kind, n) VALUES ($1::date, 'wall_shown', $2) ON CONFLICT (day, kind) DO UPDATE SET n = member_daily.n + EXCLUDED.n`,
        [day, n],
      );
    }
  }
}

export interface WeeklyFunnel {
  week: string;
  wall_shown: number;
  registered: number;
  paid: number;
}

/** The funnel wall shown → registered → paid, by ISO week (Monday), the last `weeks` weeks. */
export async function weeklyFunnel(db: Db, weeks = 12, now: Date = new Date()): Promise<WeeklyFunnel[]> {
  return db.query<WeeklyFunnel>(
    `WITH w AS (
       SELECT generate_series(date_trunc('week', $2::date::timestamp) - make_interval(weeks => $1::int - 1), date_trunc('week', $2::date::timestamp), interval '1 week')::date AS week
     )
     SELECT to_char(w.week, 'YYYY-MM-DD') AS week,
            coalesce(sum(d.n) FILTER (WHERE d.kind = 'wall_shown'), 0)::int AS wall_shown,
            coalesce(sum(d.n) FILTER (WHERE d.kind = 'registered'), 0)::int AS registered,
            coalesce(sum(d.n) FILTER (WHERE d.kind = 'paid'), 0)::int AS paid
       FROM w LEFT JOIN member_daily d ON d.day >= w.week AND d.day < w.week + 7
      GROUP BY w.week ORDER BY w.week`,
    [weeks, localDate(now, 'UTC')],
  );
}

export interface MembersPoint {
  /** The end of the week (Monday of the next one), 'YYYY-MM-DD'. */
  day: string;
  members: number;
  paying: number;
}

/**
 * Members and paying members at the end of each of the last `weeks` weeks, reconstructed from what is
 * kept: accounts by their registration time, paid access by each subscription's own dates (created,
 * and when it stopped granting: its expiry, the end of the grace period, or its last change of status
 * for one that ended without an expiry). Deleted accounts are not in the history.
 */
export async function membersOverTime(db: Db, now: Date, graceDays: number, weeks = 26): Promise<MembersPoint[]> {
  return db.query<MembersPoint>(
    `WITH points AS (
       SELECT generate_series(date_trunc('week', $1::timestamptz) - make_interval(weeks => $3::int - 1), date_trunc('week', $1::timestamptz), interval '1 week') + interval '1 week' AS at
     ), subs AS (
       SELECT person_id, created_at AS from_at,
              CASE status
                WHEN 'active' THEN coalesce(expires_at, 'infinity'::timestamptz)
                WHEN 'cancelled' THEN coalesce(expires_at, status_changed_at)
                WHEN 'past_due' THEN status_changed_at + make_interval(days => $2::int)
                ELSE coalesce(least(expires_at, ended_at), ended_at, expires_at, status_changed_at) END AS to_at
         FROM member_subscriptions
     )
     SELECT to_char(LEAST(p.at, $1::timestamptz), 'YYYY-MM-DD') AS day,
            (SELECT count(*)::int FROM people pe WHERE (pe.account_at IS NOT NULL AND pe.account_at <= LEAST(p.at, $1::timestamptz))
                OR EXISTS (SELECT 1 FROM subs s WHERE s.person_id = pe.id AND s.from_at <= LEAST(p.at, $1::timestamptz))) AS members,
            (SELECT count(DISTINCT s.person_id)::int FROM subs s WHERE s.from_at <= LEAST(p.at, $1::timestamptz) AND s.to_at > LEAST(p.at, $1::timestamptz)) AS paying
       FROM points p ORDER BY p.at`,
    [now, graceDays, weeks],
  );
}
