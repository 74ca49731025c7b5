// Plans and the subscriptions that grant paid access: imported (print, app stores, an old system:
// `newsdesk members import`), Stripe (webhooks), and complimentary access staff grant until a date.
// A subscription belongs to the `people` row of its address, so one loaded before the reader registers
// is theirs the moment they do, and one loaded later attaches to the existing account.
//
// Whether a subscription grants access now (paidSql):
//   active     until expires_at (none: no expiry)
//   cancelled  until expires_at, if it has one (paid up to then, not renewing); otherwise not
//   past_due   for the grace period (7 days by default) from when it became past due
//   expired    never
import { lazyPackage } from '../platform/lazy.ts';
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { slugify } from '../platform/sanitize.ts';
import { zonedTimeToUtc } from '../platform/time.ts';
import { parseEmail, parseName, textProblem } from '../newsletters/signup.ts';
import { getPublication } from '../publication/settings.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { fromSpreadsheetSafe } from '../platform/csv.ts';
import { yieldToEventLoop } from '../platform/runtime.ts';

/** Rows between two turns of the event loop (yieldToEventLoop). */
const YIELD_EVERY = 20;

const csvSync = lazyPackage<typeof import('csv-parse/sync')>('csv-parse/sync');


export const SUBSCRIPTION_STATUSES = ['active', 'past_due', 'cancelled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** SQL: whether the person `personCol` has paid access at `now` (a timestamptz) with `grace` days. */
export function paidSql(personCol: string, now: string, grace: string): string {
  return `EXISTS (SELECT 1 FROM member_subscriptions ms WHERE ms.person_id = ${personCol} AND (
      (ms.status = 'active' AND (ms.expires_at IS NULL OR ms.expires_at > ${now}::timestamptz))
   OR (ms.status = 'cancelled' AND ms.expires_at > ${now}::timestamptz)
   OR (ms.status = 'past_due' AND ms.status_changed_at + make_interval(days => ${grace}::int) > ${now}::timestamptz)))`;
}

// ---------------------------------------------------------------------------------------------
// Plans

export interface Plan {
  id: number;
  slug: string;
  name: string;
  description: string;
  kind: 'stripe' | 'offline';
  currency: string;
  monthly_amount: number | null;
  yearly_amount: number | null;
  stripe_price_monthly: string | null;
  stripe_price_yearly: string | null;
  features: string[];
  active: boolean;
  position: number;
}

const PLAN_COLUMNS = `id, slug, name, description, kind, currency, monthly_amount, yearly_amount, stripe_price_monthly, stripe_price_yearly, features, active, position`;

export async function listPlans(db: Db, opts: { activeOnly?: boolean } = {}): Promise<Plan[]> {
  return db.query<Plan>(`SELECT ${PLAN_COLUMNS} FROM plans ${opts.activeOnly ? 'WHERE active' : ''} ORDER BY position, id`);
}

export async function getPlan(db: Db, slug: string): Promise<Plan | undefined> {
  return db.one<Plan>(`SELECT ${PLAN_COLUMNS} FROM plans WHERE slug = $1`, [slug]);
}

export interface PlanInput {
  slug?: string;
  name: string;
  description?: string;
  kind?: 'stripe' | 'offline';
  currency?: string;
  monthly_amount?: number | null;
  yearly_amount?: number | null;
  stripe_price_monthly?: string | null;
  stripe_price_yearly?: string | null;
  features?: string[];
  active?: boolean;
  position?: number;
}

function checkPlan(p: PlanInput): Required<PlanInput> {
  if (typeof p.name !== 'string' || !p.name.trim()) throw new ValidationError('A plan needs a name.', { name: 'required' });
  const name = p.name.trim().slice(0, 120);
  const slug = p.slug ?? slugify(name);
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug) || slug.length > 80) throw new ValidationError('Use lower-case letters, digits and single hyphens in the slug.', { slug: 'invalid' });
  const currency = (p.currency ?? 'usd').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw new ValidationError('The currency is a three-letter ISO code such as usd or eur.', { currency: 'invalid' });
  const amount = (v: unknown, field: string) => {
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000_000) throw new ValidationError('Prices are whole numbers of the currency’s smallest unit (cents).', { [field]: 'invalid' });
    return v;
  };
  const price = (v: unknown, field: string) => {
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'string' || !/^[A-Za-z0-9_]{3,200}$/.test(v)) throw new ValidationError('A Stripe price id looks like price_1Abc….', { [field]: 'invalid' });
    return v;
  };
  const features = (p.features ?? []).map((f) => String(f).trim()).filter(Boolean).slice(0, 30);
  for (const t of [name, p.description ?? '', ...features]) {
    const problem = textProblem(t, 'plan');
    if (problem) throw new ValidationError(problem, { name: 'invalid' });
  }
  return {
    slug, name, description: (p.description ?? '').trim().slice(0, 2000), kind: p.kind === 'offline' ? 'offline' : 'stripe', currency,
    monthly_amount: amount(p.monthly_amount, 'monthly_amount'), yearly_amount: amount(p.yearly_amount, 'yearly_amount'),
    stripe_price_monthly: price(p.stripe_price_monthly, 'stripe_price_monthly'), stripe_price_yearly: price(p.stripe_price_yearly, 'stripe_price_yearly'),
    features, active: p.active ?? true, position: p.position ?? 0,
  };
}

/** Create or update a plan by slug. */
export async function upsertPlan(db: Db, input: PlanInput): Promise<Plan> {
  const p = checkPlan(input);
  const row = await db.one<Plan>(
    `INSERT INTO plans (slug, name, description, kind, currency, monthly_amount, yearly_amount, stripe_price_monthly, stripe_price_yearly, features, active, position)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, kind = EXCLUDED.kind, currency = EXCLUDED.currency,
       monthly_amount = EXCLUDED.monthly_amount, yearly_amount = EXCLUDED.yearly_amount, stripe_price_monthly = EXCLUDED.stripe_price_monthly,
       stripe_price_yearly = EXCLUDED.stripe_price_yearly, features = EXCLUDED.features, active = EXCLUDED.active, position = EXCLUDED.position, updated_at = now()
     RETURNING ${PLAN_COLUMNS}`,
    [p.slug, p.name, p.description, p.kind, p.currency, p.monthly_amount, p.yearly_amount, p.stripe_price_monthly, p.stripe_price_yearly, p.features, p.active, p.position],
  );
  await db.notify(CONTENT_CHANNEL, 'plans');
  return row!;
}

// ---------------------------------------------------------------------------------------------
// A member's subscriptions

export interface MemberSubscription {
  id: number;
  plan: { slug: string; name: string } | null;
  status: SubscriptionStatus;
  expires_at: Date | null;
  source: 'import' | 'stripe' | 'comp';
  external_id: string | null;
  note: string;
  stripe_price_id: string | null;
  /** A renewing Stripe subscription: the end of the period paid for. */
  renews_at: Date | null;
  /** Grants access now (see the table at the top). */
  grants: boolean;
}

export async function subscriptionsOfMember(db: Db, personId: number, now: Date, graceDays: number): Promise<MemberSubscription[]> {
  return db.query<MemberSubscription>(
    `SELECT ms.id, CASE WHEN pl.id IS NULL THEN NULL ELSE json_build_object('slug', pl.slug, 'name', pl.name) END AS plan,
            ms.status, ms.expires_at, ms.source, ms.external_id, ms.note, ms.stripe_price_id, ms.renews_at,
            ((ms.status = 'active' AND (ms.expires_at IS NULL OR ms.expires_at > $2::timestamptz))
              OR (ms.status = 'cancelled' AND ms.expires_at > $2::timestamptz)
              OR (ms.status = 'past_due' AND ms.status_changed_at + make_interval(days => $3::int) > $2::timestamptz)) AS grants
       FROM member_subscriptions ms LEFT JOIN plans pl ON pl.id = ms.plan_id
      WHERE ms.person_id = $1
      ORDER BY 10 DESC, ms.expires_at DESC NULLS FIRST, ms.id DESC`,
    [personId, now, graceDays],
  );
}

/** Complimentary access granted by staff until a date (null: no end). Replaces an earlier grant. */
export async function grantComplimentary(db: Db, personId: number, until: Date | null, note: string, now: Date): Promise<void> {
  await db.tx(async (tx) => {
    await tx.query(`DELETE FROM member_subscriptions WHERE person_id = $1 AND source = 'comp'`, [personId]);
    await tx.query(
      `INSERT INTO member_subscriptions (person_id, status, expires_at, source, note, status_changed_at, created_at, updated_at)
       VALUES ($1, 'active', $2, 'comp', $3, $4, $4, $4)`,
      [personId, until, note.slice(0, 1000), now],
    );
    await tx.notify(CONTENT_CHANNEL, 'members');
  });
}

export async function revokeComplimentary(db: Db, personId: number): Promise<void> {
  await db.query(`DELETE FROM member_subscriptions WHERE person_id = $1 AND source = 'comp'`, [personId]);
  await db.notify(CONTENT_CHANNEL, 'members');
}

// ---------------------------------------------------------------------------------------------
// Import: `newsdesk members import FILE.csv`, POST /api/admin/members/import, the newsroom's form

export interface MemberImportError {
  line: number;
  message: string;
}

export interface MemberImportReport {
  /** Data rows read. */
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Of the rows imported, those whose address already had a reader account (attached at once). */
  attached: number;
  /** Plans the file named that did not exist, created as offline plans. */
  plansCreated: string[];
  errors: MemberImportError[];
  /** The import stopped early (the process is shutting down, `signal`): rows after `done` were not read. */
  stopped?: boolean;
  /** Rows read (and written) when it stopped. */
  done?: number;
}

const COLUMN_ALIASES: Record<string, string[]> = {
  email: ['email', 'email address', 'e-mail'],
  name: ['name', 'full name'],
  plan: ['plan', 'tier', 'tiers', 'product'],
  status: ['status', 'subscription status'],
  expires_at: ['expires_at', 'expires at', 'expiry', 'expires', 'expiration', 'renews_at', 'end_date'],
  external_id: ['external_id', 'external id', 'id', 'subscription_id', 'customer_id'],
  note: ['note', 'notes'],
  // Ghost's members export
  complimentary_plan: ['complimentary_plan'],
  stripe_customer_id: ['stripe_customer_id'],
  created_at: ['created_at'],
  deleted_at: ['deleted_at'],
};

function columnIndex(header: string[]): Record<string, number> {
  const norm = header.map((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, ' '));
  const idx: Record<string, number> = {};
  for (const [key, aliases] of Object.entries(COLUMN_ALIASES)) {
    const i = norm.findIndex((h) => aliases.includes(h));
    if (i !== -1) idx[key] = i;
  }
  return idx;
}

/**
 * An expiry as the file gives it: an ISO 8601 date means the end of that day in the publication's
 * time zone (access until midnight); a date and time without an offset is that time in the zone; with
 * an offset or Z, that instant. Empty: no expiry. Anything else: an error for the row.
 */
export function parseExpiry(v: string, timeZone: string): Date | null | 'invalid' {
  const s = v.trim();
  if (!s) return null;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const check = new Date(Date.UTC(y, mo - 1, d));
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return 'invalid';
    const next = new Date(Date.UTC(y, mo - 1, d + 1));
    return zonedTimeToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timeZone);
  }
  m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(s);
  if (m) {
    const t = zonedTimeToUtc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), timeZone);
    if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number.isNaN(t.getTime())) return 'invalid';
    return new Date(t.getTime() + Number(m[6] ?? 0) * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(s)) {
    const t = new Date(s.replace(' ', 'T'));
    return Number.isNaN(t.getTime()) ? 'invalid' : t;
  }
  return 'invalid';
}

interface ParsedRow {
  line: number;
  email: string;
  name: string;
  plan: string | null;
  status: SubscriptionStatus | null;
  expires: Date | null;
  externalId: string | null;
  note: string;
  stripeCustomer: string | null;
  /** Ghost: a member without a paid tier is a free reader account. */
  ghostFree: boolean;
}

export function readMemberCsv(text: string, timeZone: string): { rows: ParsedRow[]; errors: MemberImportError[]; total: number } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = csvSync().parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as never;
  } catch (e) {
    throw new ValidationError(`The file is not readable CSV: ${(e as Error).message}`);
  }
  if (!records.length) throw new ValidationError('The file is empty: the first line must name the columns (email,name,plan,status,expires_at).');
  const idx = columnIndex(records[0]!.record);
  const ghost = idx.complimentary_plan !== undefined || (idx.plan !== undefined && records[0]!.record[idx.plan]!.trim().toLowerCase() === 'tiers');
  if (idx.email === undefined) throw new ValidationError('The first line must name the columns, with an email column (email,name,plan,status,expires_at).');
  if (!ghost && (idx.plan === undefined || idx.status === undefined)) {
    throw new ValidationError('The first line must name the columns email,name,plan,status,expires_at (external_id and note are optional).');
  }
  const rows: ParsedRow[] = [];
  const errors: MemberImportError[] = [];
  // Our own export writes formula-like cells with a leading apostrophe: read back as they were.
  const cell = (r: string[], k: string) => (idx[k] === undefined ? '' : fromSpreadsheetSafe((r[idx[k]!] ?? '').trim()));
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    try {
      const { email } = parseEmail(cell(record, 'email'));
      const name = parseName(cell(record, 'name'));
      const note = cell(record, 'note').slice(0, 2000);
      const noteProblem = textProblem(note, 'note');
      if (noteProblem) throw new ValidationError(noteProblem);
      const externalId = cell(record, 'external_id') || null;
      if (externalId && (externalId.length > 200 || textProblem(externalId, 'external_id'))) throw new ValidationError('The external_id must be short plain text.');
      let plan = cell(record, 'plan') || null;
      let status = cell(record, 'status').toLowerCase() || null;
      let expiresRaw = cell(record, 'expires_at');
      let ghostFree = false;
      if (ghost) {
        if (cell(record, 'deleted_at')) throw new ValidationError('This member was deleted in Ghost; skipped.');
        // Ghost: `tiers` lists paid tiers (comma-separated); `complimentary_plan` true is a complimentary member.
        const tier = (plan ?? '').split(',')[0]!.trim();
        const comp = /^(true|1|yes)$/i.test(cell(record, 'complimentary_plan'));
        plan = tier || (comp ? 'Complimentary' : null);
        status = plan ? (status && (SUBSCRIPTION_STATUSES as readonly string[]).includes(status) ? status : 'active') : null;
        ghostFree = !plan;
        if (!idx.expires_at) expiresRaw = '';
      } else {
        if (!plan) throw new ValidationError('The plan is missing (a plan’s slug or name).');
        if (!status) throw new ValidationError('The status is missing (active, past_due, cancelled or expired).');
      }
      if (status && !(SUBSCRIPTION_STATUSES as readonly string[]).includes(status)) {
        throw new ValidationError(`The status “${status.slice(0, 40)}” is not one of active, past_due, cancelled, expired.`);
      }
      if (plan && (plan.length > 120 || textProblem(plan, 'plan'))) throw new ValidationError('The plan must be a plan’s slug or name (plain text, at most 120 characters).');
      if (plan && !slugify(plan)) throw new ValidationError(`The plan “${plan.slice(0, 40)}” has no letters or digits to make a slug from.`);
      const expires = parseExpiry(expiresRaw, timeZone);
      if (expires === 'invalid') throw new ValidationError(`The expiry “${expiresRaw.slice(0, 40)}” is not an ISO 8601 date or time (for example 2027-01-31 or 2027-01-31T23:59:00Z).`);
      const stripeCustomer = cell(record, 'stripe_customer_id') || null;
      rows.push({ line, email, name, plan, status: status as SubscriptionStatus | null, expires, externalId, note, stripeCustomer: stripeCustomer && /^cus_[A-Za-z0-9]+$/.test(stripeCustomer) ? stripeCustomer : null, ghostFree });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errors.push({ line, message: e.message });
    }
  }
  return { rows, errors, total: records.length - 1 };
}

/**
 * Import subscriptions from CSV text. Re-running it updates rows, never duplicates them. Each row is
 * written in its own transaction; with `signal` raised (a shutdown, SIGTERM or Ctrl+C: decision 0013)
 * the import stops before the next row and reports `stopped` and the rows done, every one of them
 * committed, so running it again continues where it stopped.
 */
export async function importMembersCsv(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  text: string,
  opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<MemberImportReport> {
  const { db } = deps;
  const now = deps.clock.now();
  const tz = (await getPublication(db, deps.config)).timeZone;
  const { rows, errors, total } = readMemberCsv(text, tz);
  const report: MemberImportReport = { total, created: 0, updated: 0, unchanged: 0, attached: 0, plansCreated: [], errors };
  const plans = new Map<string, number>();
  for (const p of await listPlans(db)) {
    plans.set(p.slug, p.id);
    plans.set('name:' + p.name.toLowerCase(), p.id);
  }
  let done = 0;
  for (const r of rows) {
    // PGlite answers in microtasks: without a turn of the event loop now and then, a signal (and, in
    // the server, every other request) would wait for the whole file.
    if (done % YIELD_EVERY === 0) await yieldToEventLoop();
    if (opts.signal?.aborted) {
      // Only what was read: the lines after the stop are reported by the run that reads them.
      Object.assign(report, { stopped: true, done, errors: report.errors.filter((e) => e.line < r.line) });
      break;
    }
    try {
      await db.tx(async (tx) => {
        const person = await tx.one<{ id: number; account_at: Date | null }>(
          `INSERT INTO people (email, email_normalized, name, account_at) VALUES ($1, lower($1), $2, $3)
           ON CONFLICT (email_normalized) DO UPDATE SET name = CASE WHEN people.name = '' THEN EXCLUDED.name ELSE people.name END,
             account_at = coalesce(people.account_at, EXCLUDED.account_at)
           RETURNING id, account_at`,
          [r.email, r.name, r.ghostFree ? now : null],
        );
        if (r.stripeCustomer) {
          await tx.query(
            `UPDATE people SET stripe_customer_id = $2 WHERE id = $1 AND stripe_customer_id IS NULL AND NOT EXISTS (SELECT 1 FROM people WHERE stripe_customer_id = $2)`,
            [person!.id, r.stripeCustomer],
          );
        }
        if (!r.plan || !r.status) {
          report.unchanged++;
          return;
        }
        let planId = plans.get(slugify(r.plan)) ?? plans.get('name:' + r.plan.toLowerCase());
        if (planId === undefined) {
          const created = await tx.one<{ id: number; slug: string }>(
            `INSERT INTO plans (slug, name, kind) VALUES ($1, $2, 'offline') ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id, slug`,
            [slugify(r.plan), r.plan],
          );
          planId = created!.id;
          plans.set(created!.slug, planId);
          plans.set('name:' + r.plan.toLowerCase(), planId);
          report.plansCreated.push(created!.slug);
        }
        const existing = r.externalId
          ? await tx.one<{ id: number; person_id: number; plan_id: number; status: string; expires_at: Date | null; note: string }>(
              `SELECT id, person_id, plan_id, status, expires_at, note FROM member_subscriptions WHERE source = 'import' AND external_id = $1`,
              [r.externalId],
            )
          : await tx.one<{ id: number; person_id: number; plan_id: number; status: string; expires_at: Date | null; note: string }>(
              `SELECT id, person_id, plan_id, status, expires_at, note FROM member_subscriptions WHERE source = 'import' AND external_id IS NULL AND person_id = $1 AND plan_id = $2`,
              [person!.id, planId],
            );
        if (!existing) {
          await tx.query(
            `INSERT INTO member_subscriptions (person_id, plan_id, status, expires_at, source, external_id, note, status_changed_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'import', $5, $6, $7, $7, $7)`,
            [person!.id, planId, r.status, r.expires, r.externalId, r.note, now],
          );
          report.created++;
        } else {
          const same =
            existing.person_id === person!.id && existing.plan_id === planId && existing.status === r.status &&
            (existing.expires_at?.getTime() ?? null) === (r.expires?.getTime() ?? null) && existing.note === r.note;
          if (same) {
            report.unchanged++;
          } else {
            await tx.query(
              `UPDATE member_subscriptions SET person_id = $2, plan_id = $3, status = $4, expires_at = $5, note = $6, updated_at = $7,
                      status_changed_at = CASE WHEN status = $4 THEN status_changed_at ELSE $7 END
                WHERE id = $1`,
              [existing.id, person!.id, planId, r.status, r.expires, r.note, now],
            );
            report.updated++;
          }
        }
        if (person!.account_at) report.attached++;
      });
    } catch (e) {
      if (e instanceof ValidationError) report.errors.push({ line: r.line, message: e.message });
      else throw e;
    }
    opts.onProgress?.(++done, rows.length);
  }
  report.errors.sort((a, b) => a.line - b.line);
  if (report.created || report.updated) await db.notify(CONTENT_CHANNEL, 'members');
  if (rows.length > 200) await db.exec('ANALYZE member_subscriptions; ANALYZE people');
  return report;
}

export async function findPlanOrThrow(db: Db, slug: string): Promise<Plan> {
  const p = await getPlan(db, slug);
  if (!p) throw new NotFoundError(`There is no plan “${slug}”.`);
  return p;
}

/**
 * The plans as Ghost's Content API lists tiers: the free tier first (registration), then each active
 * plan as a paid tier, prices in the currency's smallest unit as Ghost gives them.
 */
export async function ghostTiers(db: Db, site: string): Promise<Array<Record<string, unknown>>> {
  const plans = await listPlans(db, { activeOnly: true });
  const epoch = '2026-01-01T00:00:00.000Z';
  const free = {
    id: 'free', name: 'Free', slug: 'free', description: 'Register for free to read members-only stories and more free articles.', active: true, type: 'free',
    welcome_page_url: `${site}/account`, created_at: epoch, updated_at: epoch, visibility: 'public', benefits: [], currency: null,
    monthly_price: null, yearly_price: null, trial_days: 0,
  };
  return [
    free,
    ...plans.map((p) => ({
      id: String(p.id), name: p.name, slug: p.slug, description: p.description || null, active: p.active, type: 'paid',
      welcome_page_url: `${site}/account`, created_at: epoch, updated_at: epoch, visibility: p.kind === 'stripe' ? 'public' : 'none',
      benefits: p.features, currency: p.currency.toUpperCase(), monthly_price: p.monthly_amount, yearly_price: p.yearly_amount, trial_days: 0,
    })),
  ];
}
