// The public archive of a newsletter: the published editions either side of one (its "previous" and
// "next" links). The lists themselves are countPublishedEditions and listEditions (editions.ts).
import type { Db } from '../db/index.ts';

export async function adjacentEditions(db: Db, newsletterId: number, number: number): Promise<{ prev: number | null; next: number | null }> {
  const [prev, next] = await Promise.all([
    db.one<{ number: number }>(`SELECT number FROM editions WHERE newsletter_id = $1 AND number < $2 AND published_at IS NOT NULL ORDER BY number DESC LIMIT 1`, [newsletterId, number]),
    db.one<{ number: number }>(`SELECT number FROM editions WHERE newsletter_id = $1 AND number > $2 AND published_at IS NOT NULL ORDER BY number LIMIT 1`, [newsletterId, number]),
  ]);
  return { prev: prev?.number ?? null, next: next?.number ?? null };
}
