// The newsletters a publication runs: lookups, an upsert for the admin UI, the Admin API and the
// seeding of the three defaults. The table is defined in src/db/migrations/002_newsletters.sql.
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { ConflictError, NotFoundError } from '../platform/errors.ts';
import { parseInput } from '../platform/validate.ts';
import { forgetNewsletterCache } from './signup.ts';

export interface Newsletter {
  id: number;
  slug: string;
  name: string;
  description: string;
  sender_name: string;
  sender_email: string;
  reply_to: string;
  /** ISO weekdays, 1 = Monday ... 7 = Sunday, in the publication's time zone. */
  schedule_days: number[];
  /** Local time "HH:MM" in the publication's time zone. */
  schedule_time: string;
  /** The rules that pick an edition's stories; interpreted by the edition builder (part B). */
  rules: Record<string, unknown>;
  signup_default: boolean;
  position: number;
  active: boolean;
  created_at: Date;
}

const COLUMNS = `id, slug, name, description, sender_name, sender_email, reply_to, schedule_days, schedule_time, rules,
  signup_default, position, active, created_at`;

export async function getNewsletterBySlug(db: Db, slug: string): Promise<Newsletter | undefined> {
  return db.one<Newsletter>(`SELECT ${COLUMNS} FROM newsletters WHERE slug = $1`, [slug]);
}

export async function getNewsletter(db: Db, id: number): Promise<Newsletter | undefined> {
  return db.one<Newsletter>(`SELECT ${COLUMNS} FROM newsletters WHERE id = $1`, [id]);
}

/** Every newsletter in display order; `activeOnly` for what readers may sign up to. */
export async function listNewsletters(db: Db, opts: { activeOnly?: boolean } = {}): Promise<Newsletter[]> {
  return db.query<Newsletter>(
    `SELECT ${COLUMNS} FROM newsletters ${opts.activeOnly ? 'WHERE active' : ''} ORDER BY position, id`,
  );
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Paths under /newsletters/ that are pages (sign-up, confirm, ...), so never a newsletter's slug. */
export const RESERVED_NEWSLETTER_SLUGS = new Set(['subscribe', 'subscribed', 'confirm', 'unsubscribe', 'preferences', 'embed', 'signup', 'thanks', 'manage']);
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

export const newsletterInput = z.object({
  slug: z
    .string()
    .regex(SLUG, 'Use lower-case letters, digits and single hyphens.')
    .max(60)
    .refine((s) => !RESERVED_NEWSLETTER_SLUGS.has(s), 'That address belongs to one of the newsletter pages (subscribe, confirm, preferences, ...); choose another slug.'),
  name: z.string().trim().min(1, 'Give the newsletter a name.').max(120),
  description: z.string().trim().max(1000).default(''),
  senderName: z.string().trim().max(120).default(''),
  senderEmail: z.union([z.literal(''), z.string().trim().regex(EMAIL, 'Give a valid email address, or leave it empty to use MAIL_FROM.')]).default(''),
  replyTo: z.union([z.literal(''), z.string().trim().regex(EMAIL, 'Give a valid email address, or leave it empty.')]).default(''),
  scheduleDays: z
    .array(z.number().int().min(1, 'Days are 1 (Monday) to 7 (Sunday).').max(7, 'Days are 1 (Monday) to 7 (Sunday).'))
    .max(7)
    .default([1, 2, 3, 4, 5])
    .transform((d) => [...new Set(d)].sort()),
  scheduleTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Give a local time as HH:MM, e.g. 06:30.').default('07:00'),
  rules: z.record(z.string(), z.unknown()).default({}),
  signupDefault: z.boolean().default(false),
  position: z.number().int().min(0).max(10_000).default(0),
  active: z.boolean().default(true),
});
export type NewsletterInput = z.input<typeof newsletterInput>;

/** Create a newsletter, or update the one with the same slug. */
export async function upsertNewsletter(db: Db, input: NewsletterInput): Promise<Newsletter> {
  const n = parseInput(newsletterInput, input, { what: 'newsletter', whole: 'newsletter' });
  const row = await db.one<Newsletter>(
    `INSERT INTO newsletters (slug, name, description, sender_name, sender_email, reply_to, schedule_days, schedule_time, rules, signup_default, position, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7::int[], $8, $9::jsonb, $10, $11, $12)
     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
       sender_name = EXCLUDED.sender_name, sender_email = EXCLUDED.sender_email, reply_to = EXCLUDED.reply_to,
       schedule_days = EXCLUDED.schedule_days, schedule_time = EXCLUDED.schedule_time, rules = EXCLUDED.rules,
       signup_default = EXCLUDED.signup_default, position = EXCLUDED.position, active = EXCLUDED.active
     RETURNING ${COLUMNS}`,
    [n.slug, n.name, n.description, n.senderName, n.senderEmail, n.replyTo, n.scheduleDays, n.scheduleTime, JSON.stringify(n.rules), n.signupDefault, n.position, n.active],
  );
  forgetNewsletterCache();
  await db.notify(CONTENT_CHANNEL, 'newsletters'); // the sign-up box on cached pages lists them
  return row!;
}

/**
 * The publication's default newsletters. Rules are read by the edition builder: `limit` stories,
 * picked `since` the last edition, optionally only from `sections` / `formats`, ranked by `rank`
 * ("digest": format weight, editor's pick, prominence, recency).
 */
export const DEFAULT_NEWSLETTERS: NewsletterInput[] = [
  {
    slug: 'daily',
    name: 'The Daily Digest',
    description: 'The ten things to know today: the biggest stories and best features, every weekday morning.',
    scheduleDays: [1, 2, 3, 4, 5],
    scheduleTime: '06:30',
    rules: { kind: 'digest', limit: 10, since: 'last_edition', rank: 'digest' },
    signupDefault: true,
    position: 1,
  },
  {
    slug: 'morning',
    name: 'Morning Briefing',
    description: 'A short briefing to start the day: the five stories that matter this morning.',
    scheduleDays: [1, 2, 3, 4, 5, 6],
    scheduleTime: '07:00',
    rules: { kind: 'briefing', limit: 5, since: 'last_edition', rank: 'digest' },
    signupDefault: false,
    position: 2,
  },
  {
    slug: 'good-news',
    name: 'The Good News',
    description: 'Things that went right this week, every Saturday morning.',
    scheduleDays: [6],
    scheduleTime: '09:00',
    rules: { kind: 'section', sections: ['good-news'], limit: 8, since: 'last_edition', rank: 'recency' },
    signupDefault: false,
    position: 3,
  },
];

/**
 * The newsletters are the publication's defaults, not demo content: seeded whenever no newsletter
 * exists (also with DEMO_CONTENT=false), so the sign-up box always offers something. Idempotent.
 */
export async function seedNewsletters(db: Db): Promise<{ seeded: boolean; count: number }> {
  return db.tx(async (tx) => {
    if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7405503)');
    const any = await tx.one(`SELECT 1 FROM newsletters LIMIT 1`);
    if (any) return { seeded: false, count: 0 };
    for (const n of DEFAULT_NEWSLETTERS) await upsertNewsletter(tx, n);
    return { seeded: true, count: DEFAULT_NEWSLETTERS.length };
  });
}

/** What deleting a newsletter would lose: its subscriptions (any state) and its editions. */
export async function newsletterUsage(db: Db, id: number): Promise<{ subscribers: number; editions: number }> {
  const r = await db.one<{ subscribers: number; editions: number }>(
    `SELECT (SELECT count(*)::int FROM subscriptions WHERE newsletter_id = $1) AS subscribers,
            (SELECT count(*)::int FROM editions WHERE newsletter_id = $1) AS editions`,
    [id],
  );
  return r!;
}

/**
 * Delete a newsletter nobody receives and that never had an edition. One with subscribers or an
 * archive is refused (deleting would lose them): pause it instead.
 */
export async function deleteNewsletter(db: Db, slug: string): Promise<void> {
  await db.tx(async (tx) => {
    const n = await tx.one<{ id: number; name: string }>(`SELECT id, name FROM newsletters WHERE slug = $1 FOR UPDATE`, [slug]);
    if (!n) throw new NotFoundError(`There is no newsletter "${slug}".`);
    const u = await newsletterUsage(tx, n.id);
    if (u.subscribers || u.editions) {
      throw new ConflictError(`${n.name} has ${u.subscribers} subscriber(s) and ${u.editions} edition(s): deleting it would lose them. Pause it instead.`);
    }
    await tx.query(`DELETE FROM newsletters WHERE id = $1`, [n.id]);
    await tx.notify(CONTENT_CHANNEL, 'newsletters');
  });
}
