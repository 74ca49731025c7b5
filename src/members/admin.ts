// The newsroom's and the Admin API's view of members: the list (search, filter by plan and status,
// paginated), one member with their subscription, newsletters and this period's reading, and the
// changes staff make (name, note, complimentary access until a date).
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { parseName, subscriptionsOf } from '../newsletters/signup.ts';
import { getPaywall } from './paywall.ts';
import { grantComplimentary, revokeComplimentary, subscriptionsOfMember, SUBSCRIPTION_STATUSES } from './subscriptions.ts';
import { memberMeterSummary } from './meter.ts';
import { toSafeCsv } from '../platform/csv.ts';
import { getPublication } from '../publication/settings.ts';
import { isoInZone } from '../platform/time.ts';

export interface MemberRow {
  id: number;
  email: string;
  name: string;
  /** The plan of the subscription that grants access now, else of the latest one; null: free. */
  plan: string | null;
  /** Of that subscription; 'free' for a member without one. */
  status: string;
  expires_at: Date | null;
  /** import, stripe, comp; 'account' for a free member. */
  source: string;
  /** A Stripe price no plan knows (paid access granted anyway: flagged for staff). */
  unknown_price: boolean;
  account_at: Date | null;
  created_at: Date;
}

export interface MemberFilter {
  q?: string;
  plan?: string;
  status?: string;
  limit: number;
  offset: number;
}

/** Members: people with a reader account or a paid subscription (newsletter-only subscribers are not members). */
export async function listMembers(deps: Pick<Deps, 'db' | 'clock'>, f: MemberFilter, opts: { forExport?: boolean } = {}): Promise<{ rows: MemberRow[]; total: number }> {
  if (f.status && f.status !== 'free' && !(SUBSCRIPTION_STATUSES as readonly string[]).includes(f.status)) {
    throw new ValidationError('status is one of free, active, past_due, cancelled, expired.', { status: 'invalid' });
  }
  const grace = (await getPaywall(deps.db)).grace_days;
  const params: unknown[] = [deps.clock.now(), grace];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const where: string[] = [`(p.account_at IS NOT NULL OR cur.id IS NOT NULL)`];
  if (f.q) where.push(`(p.email_normalized LIKE ${p('%' + f.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%')} OR lower(p.name) LIKE $${params.length})`);
  if (f.plan) where.push(`pl.slug = ${p(f.plan)}`);
  if (f.status === 'free') where.push(`cur.id IS NULL`);
  else if (f.status) where.push(`cur.status = ${p(f.status)}`);
  const from = `FROM people p
    LEFT JOIN LATERAL (
      SELECT ms.* FROM member_subscriptions ms WHERE ms.person_id = p.id
       ORDER BY ((ms.status = 'active' AND (ms.expires_at IS NULL OR ms.expires_at > $1::timestamptz))
              OR (ms.status = 'cancelled' AND ms.expires_at > $1::timestamptz)
              OR (ms.status = 'past_due' AND ms.status_changed_at + make_interval(days => $2::int) > $1::timestamptz)) DESC,
                ms.updated_at DESC, ms.id DESC
       LIMIT 1) cur ON true
    LEFT JOIN plans pl ON pl.id = cur.plan_id
    WHERE ${where.join(' AND ')}`;
  const total = (await deps.db.one<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params))!.n;
  const rows = await deps.db.query<MemberRow>(
    `SELECT p.id, p.email, p.name, pl.slug AS plan, coalesce(cur.status, 'free') AS status, cur.expires_at,
            coalesce(cur.source, 'account') AS source, (cur.stripe_price_id IS NOT NULL AND cur.plan_id IS NULL) AS unknown_price,
            p.account_at, p.created_at${opts.forExport ? `, cur.external_id, coalesce(cur.note, '') AS note` : ''}
       ${from} ORDER BY p.created_at DESC, p.id DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
    params,
  );
  return { rows, total };
}

export async function memberDetail(deps: Pick<Deps, 'db' | 'clock' | 'config'>, id: number) {
  const person = await deps.db.one<{ id: number; email: string; name: string; account_at: Date | null; created_at: Date; member_note: string; stripe_customer_id: string | null }>(
    `SELECT id, email, name, account_at, created_at, member_note, stripe_customer_id FROM people WHERE id = $1`,
    [id],
  );
  if (!person) throw new NotFoundError(`There is no member ${id}.`);
  const grace = (await getPaywall(deps.db)).grace_days;
  const [subscriptions, newsletters, reading] = await Promise.all([
    subscriptionsOfMember(deps.db, id, deps.clock.now(), grace),
    subscriptionsOf(deps.db, id),
    memberMeterSummary(deps, id),
  ]);
  return {
    ...person,
    note: person.member_note,
    subscriptions,
    newsletters: newsletters.filter((n) => n.status).map((n) => ({ slug: n.slug, name: n.name, status: n.status })),
    reading,
  };
}

/** Staff changes: name, note, complimentary access until a date (null: revoke; a date in the past is refused). */
export async function updateMember(deps: Pick<Deps, 'db' | 'clock'>, id: number, patch: { name?: unknown; note?: unknown; complimentary_until?: unknown; complimentary_note?: unknown }): Promise<void> {
  const db: Db = deps.db;
  if (!(await db.one(`SELECT 1 FROM people WHERE id = $1`, [id]))) throw new NotFoundError(`There is no member ${id}.`);
  if (patch.name !== undefined) await db.query(`UPDATE people SET name = $2 WHERE id = $1`, [id, parseName(patch.name)]);
  if (patch.note !== undefined) {
    if (typeof patch.note !== 'string' || patch.note.length > 5000) throw new ValidationError('The note is text of at most 5000 characters.', { note: 'invalid' });
    await db.query(`UPDATE people SET member_note = $2 WHERE id = $1`, [id, patch.note]);
  }
  if (patch.complimentary_until !== undefined) {
    if (patch.complimentary_until === null || patch.complimentary_until === '') return revokeComplimentary(db, id);
    const until = typeof patch.complimentary_until === 'string' ? new Date(patch.complimentary_until) : null;
    if (!until || Number.isNaN(until.getTime())) throw new ValidationError('complimentary_until is an ISO 8601 date or time, or null to revoke.', { complimentary_until: 'invalid' });
    if (until.getTime() <= deps.clock.now().getTime()) throw new ValidationError('complimentary_until must be in the future.', { complimentary_until: 'in the past' });
    const note = typeof patch.complimentary_note === 'string' && patch.complimentary_note.trim() ? patch.complimentary_note.trim().slice(0, 500) : 'granted by staff';
    await grantComplimentary(db, id, until, note, deps.clock.now());
  }
}

/**
 * The members as CSV, with the import's columns first (email,name,plan,status,expires_at,external_id,
 * note), so a file exported here imports again; then source, registered_at, created_at and whether the
 * Stripe price is one no plan knows. A free member has an empty plan and status (the import skips such
 * rows and says so). Every cell is spreadsheet-safe.
 */
export async function exportMembersCsv(deps: Pick<Deps, 'db' | 'clock' | 'config'>, f: Omit<MemberFilter, 'limit' | 'offset'>): Promise<{ csv: string; count: number }> {
  const tz = (await getPublication(deps.db, deps.config)).timeZone;
  const { rows } = await listMembers(deps, { ...f, limit: 10_000_000, offset: 0 }, { forExport: true });
  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  // An expiry at local midnight is the end of the day before, as the import reads a bare date.
  const expiry = (d: Date | null) => {
    if (!d) return '';
    const local = isoInZone(d, tz);
    return /T00:00:00/.test(local) ? isoInZone(new Date(d.getTime() - 1), tz).slice(0, 10) : d.toISOString();
  };
  const csv = toSafeCsv([
    ['email', 'name', 'plan', 'status', 'expires_at', 'external_id', 'note', 'source', 'registered_at', 'created_at', 'unknown_price'],
    ...rows.map((r) => {
      const x = r as MemberRow & { external_id: string | null; note: string };
      return [r.email, r.name, r.plan ?? '', r.status === 'free' ? '' : r.status, expiry(r.expires_at), x.source === 'import' ? x.external_id ?? '' : '', x.note ?? '', r.source, iso(r.account_at), iso(r.created_at), r.unknown_price ? 'yes' : ''];
    }),
  ]);
  return { csv, count: rows.length };
}
