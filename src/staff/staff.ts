// Staff accounts: the people who run the newsroom. One row per email address (normalised to lower
// case), a role from src/staff/roles.ts, an optional argon2id password, and a link to the authors
// table so that what they write carries their byline.
import crypto from 'node:crypto';
import { z } from 'zod';
import { lazyPackage } from '../platform/lazy.ts';

const argon2 = lazyPackage<typeof import('@node-rs/argon2')>('@node-rs/argon2');
const hash = (pw: string) => argon2().hash(pw);
const verify = (stored: string, pw: string) => argon2().verify(stored, pw);
import type { Db } from '../db/index.ts';
import { parseInput } from '../platform/validate.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { API_KEYS_CHANNEL, CONTENT_CHANNEL } from '../platform/channels.ts';
import { slugify } from '../platform/sanitize.ts';
import { ROLES, type Role } from './roles.ts';

export interface Staff {
  id: number;
  email: string;
  name: string;
  role: Role;
  author_id: number | null;
  author_slug: string | null;
  created_at: Date;
  disabled_at: Date | null;
  has_password: boolean;
}

const COLUMNS = `st.id, st.email, st.name, st.role, st.author_id, au.slug AS author_slug, st.created_at, st.disabled_at,
  (st.password_hash IS NOT NULL) AS has_password`;
const FROM = `FROM staff st LEFT JOIN authors au ON au.id = st.author_id`;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailSchema = z
  .string({ error: 'Give an email address.' })
  .trim()
  .min(3, 'Give an email address.')
  .max(254, 'That address is too long.')
  .regex(/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/, 'Give a valid email address, like name@example.com.');

export const roleSchema = z.enum(ROLES, { error: `The role must be one of ${ROLES.join(', ')}.` });

const staffInput = z.object({
  email: emailSchema,
  name: z.string().trim().max(120, 'Names are limited to 120 characters.').default(''),
  role: roleSchema,
});

export async function getStaff(db: Db, id: number): Promise<Staff | undefined> {
  return db.one<Staff>(`SELECT ${COLUMNS} ${FROM} WHERE st.id = $1`, [id]);
}

export async function findStaffByEmail(db: Db, email: string): Promise<(Staff & { password_hash: string | null }) | undefined> {
  return db.one(`SELECT ${COLUMNS}, st.password_hash ${FROM} WHERE st.email_normalized = $1`, [normalizeEmail(email)]);
}

export async function listStaff(db: Db): Promise<Staff[]> {
  return db.query<Staff>(`SELECT ${COLUMNS} ${FROM} ORDER BY st.disabled_at IS NOT NULL, st.name, st.email`);
}

/** The byline for a new staff member: an existing author of the same name nobody has claimed, or a new one. */
async function authorFor(db: Db, name: string, email: string): Promise<number> {
  const display = name || email.split('@')[0]!;
  const base = slugify(display) || 'staff';
  const existing = await db.one<{ id: number }>(
    `SELECT au.id FROM authors au WHERE au.slug = $1 AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.author_id = au.id)`,
    [base],
  );
  if (existing) return existing.id;
  for (let i = 1; i < 1000; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    const row = await db.one<{ id: number }>(`INSERT INTO authors (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING id`, [slug, display]);
    if (row) return row.id;
  }
  throw new ConflictError(`No free author slug near "${base}".`);
}

export async function createStaff(db: Db, input: { email: string; name?: string; role: string }): Promise<Staff> {
  const data = parseInput(staffInput, input);
  const id = await db.tx(async (tx) => {
    if (await tx.one(`SELECT 1 FROM staff WHERE email_normalized = $1`, [normalizeEmail(data.email)])) {
      throw new ConflictError(`There is already a staff account for ${data.email}.`);
    }
    const authorId = await authorFor(tx, data.name, data.email);
    const row = await tx.one<{ id: number }>(
      `INSERT INTO staff (email, email_normalized, name, role, author_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [data.email, normalizeEmail(data.email), data.name, data.role, authorId],
    );
    return row!.id;
  });
  return (await getStaff(db, id))!;
}

async function administratorsLeft(db: Db, exceptId: number): Promise<number> {
  const row = await db.one<{ n: number }>(
    `SELECT count(*)::int AS n FROM staff WHERE role = 'administrator' AND disabled_at IS NULL AND id <> $1`,
    [exceptId],
  );
  return row!.n;
}

export async function changeRole(db: Db, id: number, role: string): Promise<Staff> {
  const newRole = parseInput(roleSchema, role);
  return db.tx(async (tx) => {
    const current = await getStaff(tx, id);
    if (!current) throw new NotFoundError('No such staff member.');
    if (current.role === 'administrator' && newRole !== 'administrator' && (await administratorsLeft(tx, id)) === 0) {
      throw new ForbiddenError('This is the only administrator: make someone else an administrator first.');
    }
    await tx.query(`UPDATE staff SET role = $2 WHERE id = $1`, [id, newRole]);
    await tx.notify(API_KEYS_CHANNEL, 'staff'); // their keys act with no more than the new role
    return (await getStaff(tx, id))!;
  });
}

/** Disable an account: its sessions end at once and it can no longer sign in. */
export async function disableStaff(db: Db, id: number, now: Date): Promise<void> {
  await db.tx(async (tx) => {
    const current = await getStaff(tx, id);
    if (!current) throw new NotFoundError('No such staff member.');
    if (current.role === 'administrator' && (await administratorsLeft(tx, id)) === 0) {
      throw new ForbiddenError('This is the only administrator: the account cannot be disabled.');
    }
    await tx.query(`UPDATE staff SET disabled_at = coalesce(disabled_at, $2) WHERE id = $1`, [id, now]);
    await tx.query(`DELETE FROM staff_sessions WHERE staff_id = $1`, [id]);
    // Their API keys stop working too (src/staff/api-keys.ts refuses keys of disabled staff): every
    // process forgets the keys it verified.
    await tx.notify(API_KEYS_CHANNEL, 'staff');
  });
}

export async function enableStaff(db: Db, id: number): Promise<void> {
  const rows = await db.query(`UPDATE staff SET disabled_at = NULL WHERE id = $1 RETURNING id`, [id]);
  if (!rows.length) throw new NotFoundError('No such staff member.');
  await db.notify(API_KEYS_CHANNEL, 'staff');
}

export const passwordSchema = z
  .string({ error: 'Choose a password.' })
  .min(12, 'Use at least 12 characters for a password.')
  .max(200, 'Passwords are limited to 200 characters.');

/** Set (or replace) a password. Hashed with argon2id, the library's default algorithm. */
export async function setPassword(db: Db, id: number, password: string): Promise<void> {
  const pw = parseInput(passwordSchema, password);
  const h = await hash(pw);
  const rows = await db.query(`UPDATE staff SET password_hash = $2 WHERE id = $1 RETURNING id`, [id, h]);
  if (!rows.length) throw new NotFoundError('No such staff member.');
}

/**
 * A signed-in person changes their own password: the current one is asked for when there is one (a
 * session left open on someone else's screen must not be enough to take the account), and every
 * other session of theirs ends, so whoever else was signed in is signed out.
 */
export async function changeOwnPassword(db: Db, id: number, input: { current: unknown; password: unknown }, keepSessionHash: string): Promise<{ endedSessions: number }> {
  const row = await db.one<{ password_hash: string | null }>(`SELECT password_hash FROM staff WHERE id = $1 AND disabled_at IS NULL`, [id]);
  if (!row) throw new NotFoundError('No such staff member.');
  if (row.password_hash) {
    const current = typeof input.current === 'string' ? input.current.slice(0, 200) : '';
    if (!current) throw new ValidationError('Type your current password as well.', { current: 'Required.' });
    if (!(await verify(row.password_hash, current).catch(() => false))) throw new ValidationError('That is not your current password.', { current: 'Wrong password.' });
  }
  const pw = parseInput(passwordSchema, typeof input.password === 'string' ? input.password : '');
  const h = await hash(pw);
  return db.tx(async (tx) => {
    await tx.query(`UPDATE staff SET password_hash = $2 WHERE id = $1`, [id, h]);
    const ended = await tx.query(`DELETE FROM staff_sessions WHERE staff_id = $1 AND id_hash <> $2 RETURNING 1`, [id, keepSessionHash]);
    return { endedSessions: ended.length };
  });
}

// A real argon2id hash of a random string, verified against when the address is unknown so that an
// unknown address costs as much time as a wrong password.
let dummyHash: Promise<string> | null = null;

/** The staff member whose address and password these are, or null. Same cost whether or not the address exists. */
export async function checkPassword(db: Db, email: string, password: string): Promise<Staff | null> {
  const found = typeof email === 'string' && email.length <= 254 ? await findStaffByEmail(db, email) : undefined;
  const pw = typeof password === 'string' ? password.slice(0, 200) : '';
  if (!found?.password_hash || found.disabled_at) {
    dummyHash ??= hash(crypto.randomUUID());
    await verify(await dummyHash, pw || 'x').catch(() => false);
    return null;
  }
  const ok = await verify(found.password_hash, pw).catch(() => false);
  if (!ok) return null;
  const { password_hash: _, ...staff } = found;
  return staff;
}

const profileInput = z.object({
  name: z.string({ error: 'Give your name.' }).trim().min(1, 'Give your name: it is your byline.').max(120, 'Names are limited to 120 characters.'),
  bio: z.string().trim().max(2000, 'A bio is limited to 2,000 characters.').default(''),
});

/**
 * A staff member's own profile: their name (in the newsroom and on their byline), their bio and, when
 * given, their photo, kept on the author record their articles are signed with (created and linked if
 * they have none yet). Public pages change, so the caches hear it.
 */
export async function updateProfile(db: Db, staffId: number, input: { name?: unknown; bio?: unknown }, photoUrl?: string | null): Promise<Staff> {
  const data = parseInput(profileInput, input);
  await db.tx(async (tx) => {
    const st = await tx.one<{ author_id: number | null; email: string }>(`SELECT author_id, email FROM staff WHERE id = $1 FOR UPDATE`, [staffId]);
    if (!st) throw new NotFoundError('There is no such staff account.');
    await tx.query(`UPDATE staff SET name = $2 WHERE id = $1`, [staffId, data.name]);
    const authorId = st.author_id ?? (await authorFor(tx, data.name, st.email));
    if (!st.author_id) await tx.query(`UPDATE staff SET author_id = $2 WHERE id = $1`, [staffId, authorId]);
    await tx.query(
      `UPDATE authors SET name = $2, bio = $3, photo_url = CASE WHEN $4::boolean THEN $5 ELSE photo_url END WHERE id = $1`,
      [authorId, data.name, data.bio, photoUrl !== undefined, photoUrl ?? null],
    );
    await tx.notify(CONTENT_CHANNEL, 'authors');
  });
  return (await getStaff(db, staffId))!;
}

/** The public face of a staff member: their byline's name, bio and photo (their own name until they have one). */
export async function staffProfile(db: Db, staffId: number): Promise<{ name: string; bio: string; photo_url: string | null }> {
  const r = await db.one<{ name: string; bio: string | null; photo_url: string | null }>(
    `SELECT coalesce(au.name, st.name) AS name, au.bio, au.photo_url FROM staff st LEFT JOIN authors au ON au.id = st.author_id WHERE st.id = $1`,
    [staffId],
  );
  if (!r) throw new NotFoundError('There is no such staff account.');
  return { name: r.name, bio: r.bio ?? '', photo_url: r.photo_url };
}
