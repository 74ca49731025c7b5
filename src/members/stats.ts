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
export async function weeklyFunnel(db: Db, weeks = 12): Promise<WeeklyFunnel[]> {
  return db.query<WeeklyFunnel>(
    `SELECT to_char(date_trunc('week', day), 'YYYY-MM-DD') AS week,
            coalesce(sum(n) FILTER (WHERE kind = 'wall_shown'), 0)::int AS wall_shown,
            coalesce(sum(n) FILTER (WHERE kind = 'registered'), 0)::int AS registered,
            coalesce(sum(n) FILTER (WHERE kind = 'paid'), 0)::int AS paid
       FROM member_daily
      WHERE day >= (current_date - ($1::int * 7))
      GROUP BY 1 ORDER BY 1`,
    [weeks],
  );
}
