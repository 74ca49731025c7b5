// Double opt-in sign-up: one person per email address, a pending subscription per newsletter chosen,
// and a queued verification email, all in one transaction. Confirming, unsubscribing and changing
// preferences go through signed links (src/newsletters/links.ts and the 'newsletters-verify' token).
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { enqueueMany } from '../platform/jobs.ts';
import { ValidationError } from '../platform/errors.ts';
import { signToken, verifyToken } from '../platform/tokens.ts';
import { emitWebhookEvent, emitWebhookEvents, hasWebhookListeners } from '../webhooks/emit.ts';

export const SIGNUP_SUCCESS = 'Thank you for signing up. You will receive a verification email shortly.';
export const SIGNUP_PROBLEM = 'There was a problem. Please refresh the page and try again.';

export const VERIFY_JOB = 'newsletters.send_verification';
export const ALREADY_JOB = 'newsletters.send_already_subscribed';
export const VERIFY_PURPOSE = 'newsletters-verify';
/** Verification links work for a week. */
export const VERIFY_TTL_DAYS = 7;

// ---------------------------------------------------------------------------------------------
// Email addresses

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * The address as given (trimmed) and its normalised form (lower case), or a ValidationError whose
 * message a reader can act on.
 */
export function parseEmail(input: unknown): { email: string; normalized: string } {
  if (typeof input !== 'string' || !input.trim()) throw new ValidationError('Please enter your email address.', { email: 'missing' });
  const email = input.trim();
  const bad = () => new ValidationError(`“${email.slice(0, 80)}” is not a valid email address. Please check it and try again (for example name@example.com).`, { email: 'invalid' });
  if (email.length > 254) throw bad();
  const at = email.lastIndexOf('@');
  if (at < 1) throw bad();
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).replace(/\.$/, '');
  if (local.length > 64 || !LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) throw bad();
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !/^[A-Za-z]{2,}$|^xn--[A-Za-z0-9-]+$/.test(labels[labels.length - 1]!)) throw bad();
  return { email: `${local}@${domain}`, normalized: `${local}@${domain}`.toLowerCase() };
}

// ---------------------------------------------------------------------------------------------
// Sign-up

export interface SignupInput {
  email: unknown;
  /** Newsletter slugs. */
  newsletters: unknown;
  name?: unknown;
  source?: 'signup' | 'embed' | 'api' | 'admin';
}

export interface SignupResult {
  personId: number;
  /** Newsletters that are now waiting for confirmation (new or re-subscribed, or still pending). */
  pending: number[];
  /** Newsletters asked for that the person already receives. */
  confirmed: number[];
  /** What was queued: a verification email, a "you are already subscribed" note, or nothing. */
  queued: 'verification' | 'already_subscribed' | 'nothing';
}

export interface SignupChoiceRow {
  id: number;
  slug: string;
  name: string;
}

export function parseSlugs(input: unknown): string[] {
  const list = input === undefined || input === null || input === '' ? [] : Array.isArray(input) ? input : [input];
  if (list.length > 50 || !list.every((s) => typeof s === 'string')) throw new ValidationError('Please choose the newsletters you want from the list.', { newsletters: 'invalid' });
  const slugs = [...new Set((list as string[]).map((s) => s.trim()).filter(Boolean))];
  if (!slugs.length) throw new ValidationError('Please choose at least one newsletter.', { newsletters: 'missing' });
  return slugs;
}

/** Active newsletters by slug; an unknown or inactive slug is a ValidationError naming it. */
export async function resolveNewsletters(db: Db, slugs: string[]): Promise<SignupChoiceRow[]> {
  const rows = (await activeNewsletters(db)).filter((n) => slugs.includes(n.slug));
  const unknown = slugs.filter((s) => !rows.some((r) => r.slug === s));
  if (unknown.length) {
    throw new ValidationError(`There is no newsletter called “${unknown[0]!.slice(0, 60)}”. Please refresh the page and choose again.`, { newsletters: 'unknown' });
  }
  return rows;
}

/** Control characters (NUL included) other than whitespace, which parseName turns into spaces first. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
/** A UTF-16 surrogate without its other half: not text (PostgreSQL refuses it, jsonb too). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A problem with a free-text value a reader (or an import) gave, in words they can act on; null if fine. */
export function textProblem(value: string, what: string): string | null {
  if (LONE_SURROGATE.test(value)) return `The ${what} contains characters that are not valid text. Please type it again.`;
  if (CONTROL_CHARS.test(value)) return `The ${what} contains control characters, which cannot be used. Please type it again.`;
  return null;
}

/** A person's name: optional, spaces collapsed, at most 200 characters, no control characters or broken UTF-16. */
export function parseName(input: unknown): string {
  if (input === undefined || input === null) return '';
  if (typeof input !== 'string') throw new ValidationError('The name must be text.', { name: 'invalid' });
  const name = input.trim().replace(/\s+/g, ' ');
  if (name.length > 200) throw new ValidationError('Please keep the name under 200 characters.', { name: 'too long' });
  const problem = textProblem(name, 'name');
  if (problem) throw new ValidationError(problem, { name: 'invalid' });
  return name;
}

// Active newsletters by slug, kept for a few seconds: every sign-up needs them, they rarely change,
// and upsertNewsletter forgets them at once in this process.
const NEWSLETTER_CACHE_MS = 5_000;
const newsletterCache = new WeakMap<Db, { at: number; rows: SignupChoiceRow[] }>();
export function forgetNewsletterCache(db?: Db): void {
  if (db) newsletterCache.delete(db);
  else cacheEpoch++;
}
let cacheEpoch = 0;
const cacheEpochs = new WeakMap<Db, number>();

async function activeNewsletters(db: Db): Promise<SignupChoiceRow[]> {
  const hit = newsletterCache.get(db);
  if (hit && Date.now() - hit.at < NEWSLETTER_CACHE_MS && cacheEpochs.get(db) === cacheEpoch) return hit.rows;
  const rows = await db.query<SignupChoiceRow>(`SELECT id, slug, name FROM newsletters WHERE active ORDER BY position, id`);
  newsletterCache.set(db, { at: Date.now(), rows });
  cacheEpochs.set(db, cacheEpoch);
  return rows;
}

// Many sign-ups, one statement: people (created or found), subscriptions (new ones pending,
// unsubscribed ones pending again, pending and confirmed ones left alone) and what they were before.
const SIGNUP_BATCH_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(email, norm, name, ids, source)
), p AS (
  INSERT INTO people (email, email_normalized, name) SELECT email, norm, name FROM input
  -- A known address: nothing about the person changes until they confirm (the name waits).
  ON CONFLICT (email_normalized) DO UPDATE
    SET signup_name = CASE WHEN people.name = '' AND EXCLUDED.name <> '' THEN EXCLUDED.name ELSE people.signup_name END
  RETURNING id, email_normalized, suppressed_at, name
), want AS (
  SELECT p.id AS person_id, n::int AS newsletter_id, i.source FROM input i JOIN p ON p.email_normalized = i.norm, unnest(string_to_array(i.ids, ',')) AS n
), before AS (
  -- A primary-key lookup per wanted subscription, whatever the statistics say (as a join, a planner
  -- that believed the table small scanned all subscriptions for every batch: 48 ms at 40,000).
  SELECT w.person_id, w.newsletter_id, b.status FROM want w
  CROSS JOIN LATERAL (SELECT s.status FROM subscriptions s WHERE s.person_id = w.person_id AND s.newsletter_id = w.newsletter_id LIMIT 1) b
), s AS (
  INSERT INTO subscriptions (person_id, newsletter_id, status, source)
  SELECT person_id, newsletter_id, 'pending', source FROM want
  ON CONFLICT (person_id, newsletter_id) DO UPDATE
    SET status = 'pending', unsubscribed_at = NULL, source = EXCLUDED.source, updated_at = now()
    WHERE subscriptions.status = 'unsubscribed'
  RETURNING person_id, newsletter_id
)
SELECT p.id, p.email_normalized, p.suppressed_at, p.name,
  coalesce((SELECT array_agg(newsletter_id) FROM s WHERE s.person_id = p.id), '{}') AS changed,
  coalesce((SELECT array_agg(newsletter_id) FROM before b WHERE b.person_id = p.id AND b.status = 'pending'), '{}') AS was_pending,
  coalesce((SELECT array_agg(newsletter_id) FROM before b WHERE b.person_id = p.id AND b.status = 'confirmed'), '{}') AS was_confirmed
FROM p`;

/** Jobs of one kind for many people at once, one queued per person (enqueue's dedupe rule). */
function queuePerPerson(db: Db, name: string, payloads: Array<{ personId: number } & Record<string, unknown>>, maxAttempts: number): Promise<void> {
  return enqueueMany(db, name, payloads.map((payload) => ({ payload, dedupeKey: `${name}:${payload.personId}` })), { maxAttempts });
}

/** Queue one verification email per person (deduplicated like enqueue), in one statement. */
export async function queueVerifications(db: Db, personIds: number[]): Promise<void> {
  await queuePerPerson(db, VERIFY_JOB, personIds.map((personId) => ({ personId })), 6);
}

interface PendingSignup {
  email: string;
  normalized: string;
  name: string;
  chosen: SignupChoiceRow[];
  source: string;
  resolve(r: SignupResult): void;
  reject(e: unknown): void;
}

/** Write sign-ups in one transaction; every item gets its result. Throws if the transaction fails. */
async function writeSignups(db: Db, items: PendingSignup[]): Promise<SignupResult[]> {
  return db.tx(async (tx) => {
    const rows = await tx.query<{ id: number; email_normalized: string; suppressed_at: Date | null; name: string; changed: number[]; was_pending: number[]; was_confirmed: number[] }>(
      SIGNUP_BATCH_SQL,
      [items.map((i) => i.email), items.map((i) => i.normalized), items.map((i) => i.name), items.map((i) => i.chosen.map((n) => n.id).join(',')), items.map((i) => i.source)],
    );
    const byEmail = new Map(rows.map((r) => [r.email_normalized, r]));
    const verify: number[] = [];
    const already: Array<{ personId: number; newsletterIds: number[] }> = [];
    const created: Array<{ item: PendingSignup; row: (typeof rows)[number] }> = [];
    const results = items.map((item) => {
      const row = byEmail.get(item.normalized)!;
      const pending = [...new Set([...row.changed, ...row.was_pending])];
      let queued: SignupResult['queued'] = 'nothing';
      if (!row.suppressed_at) {
        if (pending.length) {
          verify.push(row.id);
          queued = 'verification';
        } else {
          already.push({ personId: row.id, newsletterIds: item.chosen.map((n) => n.id) });
          queued = 'already_subscribed';
        }
      }
      if (row.changed.length) created.push({ item, row });
      return { personId: row.id, pending, confirmed: row.was_confirmed, queued };
    });
    await queueVerifications(tx, verify);
    await queuePerPerson(tx, ALREADY_JOB, already, 4);
    // Payloads only when a webhook listens (asked once per batch).
    if (created.length && (await hasWebhookListeners(tx, 'subscriber.created'))) {
      await emitWebhookEvents(
        tx,
        created.map(({ item, row }) => ({
          event: 'subscriber.created',
          payload: { subscriber: { id: row.id, email: item.email, name: row.name, status: 'pending', source: item.source, newsletters: item.chosen.filter((n) => row.changed.includes(n.id)).map((n) => n.slug) } },
        })),
      );
    }
    return results;
  });
}

/**
 * Group commit: sign-ups that arrive while a write is under way wait and go together in the next
 * transaction (up to MAX_BATCH). On the embedded database, which runs one statement at a time, this
 * is what lets sign-ups keep up with a burst; each reader still gets an answer only once their rows
 * are committed. If a batch fails, its items are retried one by one, so one bad item fails alone.
 */
const MAX_BATCH = 256;
const writers = new WeakMap<Db, { queue: PendingSignup[]; running: boolean }>();

function submit(db: Db, item: Omit<PendingSignup, 'resolve' | 'reject'>): Promise<SignupResult> {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = { queue: [], running: false }));
  const writer = w;
  return new Promise<SignupResult>((resolve, reject) => {
    writer.queue.push({ ...item, resolve, reject });
    if (!writer.running) void drain(db, writer);
  });
}

async function drain(db: Db, w: { queue: PendingSignup[]; running: boolean }): Promise<void> {
  w.running = true;
  try {
    // Let the event loop read the requests already waiting on their sockets first (PGlite runs on
    // this thread and holds it while a statement runs), so they join this batch instead of the next.
    await new Promise((r) => setImmediate(r));
    while (w.queue.length) {
      // One row per address per statement: a second sign-up for the same address waits a turn.
      const batch: PendingSignup[] = [];
      const seen = new Set<string>();
      const rest: PendingSignup[] = [];
      for (const item of w.queue) {
        if (batch.length < MAX_BATCH && !seen.has(item.normalized)) {
          seen.add(item.normalized);
          batch.push(item);
        } else rest.push(item);
      }
      w.queue = rest;
      try {
        const results = await writeSignups(db, batch);
        batch.forEach((item, i) => item.resolve(results[i]!));
      } catch (e) {
        if (batch.length === 1) batch[0]!.reject(e);
        else {
          for (const item of batch) {
            try {
              item.resolve((await writeSignups(db, [item]))[0]!);
            } catch (err) {
              item.reject(err);
            }
          }
        }
      }
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    w.running = false;
  }
}

/**
 * Sign someone up (double opt-in). Always the same outcome for the reader, whatever the address's
 * history; what happens behind differs:
 *  - new or unsubscribed newsletters become pending, and a verification email is queued (at most one
 *    queued per person at a time: repeated sign-ups do not flood a mailbox);
 *  - if everything asked for is already confirmed, a short "you are already subscribed" note with a
 *    preferences link is queued instead (so only the mailbox owner learns it);
 *  - a suppressed address (hard bounce, complaint) is stored but never mailed.
 * Person, subscriptions, queued job and webhook events are written in one transaction.
 */
export async function signup(deps: Pick<Deps, 'db'>, input: SignupInput): Promise<SignupResult> {
  const { email, normalized } = parseEmail(input.email);
  const slugs = parseSlugs(input.newsletters);
  const name = parseName(input.name);
  const source = input.source ?? 'signup';
  const chosen = await resolveNewsletters(deps.db, slugs);
  return submit(deps.db, { email, normalized, name, chosen, source });
}

// ---------------------------------------------------------------------------------------------
// Confirmation

/** The link in the verification email; `name` is a name given at sign-up that waits for this confirmation. */
export function confirmationToken(secret: string, personId: number, newsletterIds: number[], now: Date, name = ''): string {
  return signToken(secret, VERIFY_PURPOSE, name ? { p: personId, n: newsletterIds, nm: name } : { p: personId, n: newsletterIds }, { ttl: VERIFY_TTL_DAYS * 86_400, now });
}

export type ConfirmationCheck =
  | { ok: true; personId: number; newsletterIds: number[]; name: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function checkConfirmationToken(secret: string, token: unknown, now: Date): ConfirmationCheck {
  const r = verifyToken<{ p: number; n: number[]; nm?: unknown }>(secret, VERIFY_PURPOSE, token, now);
  if (!r.ok) return r;
  const { p, n, nm } = r.data;
  if (!Number.isSafeInteger(p) || !Array.isArray(n) || !n.every(Number.isSafeInteger)) return { ok: false, reason: 'malformed' };
  if (nm !== undefined && (typeof nm !== 'string' || nm.length > 200)) return { ok: false, reason: 'malformed' };
  return { ok: true, personId: p, newsletterIds: n, name: nm ?? '' };
}

export interface SubscriptionView {
  newsletter_id: number;
  slug: string;
  name: string;
  description: string;
  status: 'pending' | 'confirmed' | 'unsubscribed' | null;
}

/** A person's subscriptions among the given newsletters (or all active ones), with names. */
export async function subscriptionsOf(db: Db, personId: number, newsletterIds?: number[]): Promise<SubscriptionView[]> {
  return db.query<SubscriptionView>(
    `SELECT n.id AS newsletter_id, n.slug, n.name, n.description, s.status
       FROM newsletters n
       LEFT JOIN subscriptions s ON s.newsletter_id = n.id AND s.person_id = $1
      WHERE ${newsletterIds ? 'n.id = ANY($2::int[])' : 'n.active'}
      ORDER BY n.position, n.id`,
    newsletterIds ? [personId, newsletterIds] : [personId],
  );
}

export async function getPerson(db: Db, personId: number) {
  return db.one<{ id: number; email: string; email_normalized: string; name: string; signup_name: string; suppressed_at: Date | null }>(
    `SELECT id, email, email_normalized, name, signup_name, suppressed_at FROM people WHERE id = $1`,
    [personId],
  );
}

/**
 * Confirm the pending subscriptions a verification link names. Idempotent; returns what is now
 * confirmed. A name the link carries (given at sign-up for an address we knew) is applied now, if the
 * person still has none.
 */
export async function confirmSubscriptions(db: Db, personId: number, newsletterIds: number[], now: Date, name = ''): Promise<SubscriptionView[]> {
  return db.tx(async (tx) => {
    if (name) await tx.query(`UPDATE people SET name = $2, signup_name = '' WHERE id = $1 AND name = ''`, [personId, name]);
    const changed = await tx.query<{ newsletter_id: number }>(
      `UPDATE subscriptions SET status = 'confirmed', confirmed_at = $3, consent_at = coalesce(consent_at, $3), updated_at = $3
        WHERE person_id = $1 AND newsletter_id = ANY($2::int[]) AND status = 'pending'
        RETURNING newsletter_id`,
      [personId, newsletterIds, now],
    );
    const views = await subscriptionsOf(tx, personId, newsletterIds);
    if (changed.length) {
      const person = await getPerson(tx, personId);
      await emitWebhookEvent(tx, 'subscriber.confirmed', {
        subscriber: { id: personId, email: person?.email, name: person?.name, status: 'confirmed', newsletters: views.filter((v) => changed.some((c) => c.newsletter_id === v.newsletter_id)).map((v) => v.slug) },
      });
    }
    return views.filter((v) => v.status === 'confirmed');
  });
}

// ---------------------------------------------------------------------------------------------
// Unsubscribe and preferences

/**
 * Unsubscribe a person from one newsletter, or from all with `newsletterId` null. Takes effect at
 * once: deliveries check the subscription when they send. Idempotent; returns the slugs that changed.
 */
export async function unsubscribe(db: Db, personId: number, newsletterId: number | null, now: Date): Promise<string[]> {
  return db.tx(async (tx) => {
    const rows = await tx.query<{ slug: string }>(
      `UPDATE subscriptions s SET status = 'unsubscribed', unsubscribed_at = $3, updated_at = $3
         FROM newsletters n
        WHERE n.id = s.newsletter_id AND s.person_id = $1 AND ($2::int IS NULL OR s.newsletter_id = $2) AND s.status <> 'unsubscribed'
        RETURNING n.slug`,
      [personId, newsletterId, now],
    );
    if (rows.length) {
      const person = await getPerson(tx, personId);
      await emitWebhookEvent(tx, 'subscriber.unsubscribed', {
        subscriber: { id: personId, email: person?.email, name: person?.name, status: 'unsubscribed', newsletters: rows.map((r) => r.slug) },
      });
    }
    return rows.map((r) => r.slug);
  });
}

/**
 * Set which newsletters a person receives, from the preference page (reached through a signed link
 * sent to their address, so choosing a newsletter there confirms it directly). Newsletters not chosen
 * are unsubscribed.
 */
export async function setPreferences(db: Db, personId: number, slugs: string[], now: Date): Promise<{ subscribed: string[]; unsubscribed: string[] }> {
  const chosen = slugs.length ? await resolveNewsletters(db, slugs) : [];
  return db.tx(async (tx) => {
    const person = await getPerson(tx, personId);
    if (!person) return { subscribed: [], unsubscribed: [] };
    const subscribed = await tx.query<{ newsletter_id: number }>(
      `INSERT INTO subscriptions (person_id, newsletter_id, status, source, consent_at, confirmed_at, created_at, updated_at)
       SELECT $1, n, 'confirmed', 'preferences', $3, $3, $3, $3 FROM unnest($2::int[]) AS n
       ON CONFLICT (person_id, newsletter_id) DO UPDATE
         SET status = 'confirmed', confirmed_at = $3, consent_at = coalesce(subscriptions.consent_at, $3), unsubscribed_at = NULL, updated_at = $3
         WHERE subscriptions.status <> 'confirmed'
       RETURNING newsletter_id`,
      [personId, chosen.map((n) => n.id), now],
    );
    const dropped = await tx.query<{ slug: string }>(
      `UPDATE subscriptions s SET status = 'unsubscribed', unsubscribed_at = $3, updated_at = $3
         FROM newsletters n
        WHERE n.id = s.newsletter_id AND s.person_id = $1 AND NOT (s.newsletter_id = ANY($2::int[])) AND s.status <> 'unsubscribed'
        RETURNING n.slug`,
      [personId, chosen.map((n) => n.id), now],
    );
    const subSlugs = chosen.filter((n) => subscribed.some((s) => s.newsletter_id === n.id)).map((n) => n.slug);
    if (subSlugs.length) {
      await emitWebhookEvent(tx, 'subscriber.confirmed', { subscriber: { id: personId, email: person.email, name: person.name, status: 'confirmed', newsletters: subSlugs } });
    }
    if (dropped.length) {
      await emitWebhookEvent(tx, 'subscriber.unsubscribed', { subscriber: { id: personId, email: person.email, name: person.name, status: 'unsubscribed', newsletters: dropped.map((d) => d.slug) } });
    }
    return { subscribed: subSlugs, unsubscribed: dropped.map((d) => d.slug) };
  });
}
