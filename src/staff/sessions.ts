// Signed-in sessions for the newsroom. The browser holds a random 256-bit session id in the
// `nd_session` cookie; the database keeps only its SHA-256 hash, the staff member, the expiry and a
// per-session CSRF secret that every state-changing request must echo (form field or header).
import crypto from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { Staff } from './staff.ts';

export const SESSION_COOKIE = 'nd_session';
/** Idle lifetime: a session unused for this long ends. */
export const SESSION_IDLE_MS = 14 * 86400_000;
/** Absolute lifetime: sign in again after this long whatever happens. */
export const SESSION_MAX_MS = 60 * 86400_000;

export interface SessionInfo {
  staff: Staff;
  csrf: string;
  idHash: string;
  expiresAt: Date;
}

export function hashSessionId(id: string): string {
  return crypto.createHash('sha256').update(id).digest('base64url');
}

export async function createSession(db: Db, staffId: number, now: Date, userAgent = ''): Promise<{ id: string; csrf: string; expiresAt: Date }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const csrf = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  await db.query(
    `INSERT INTO staff_sessions (id_hash, staff_id, csrf_secret, created_at, last_seen_at, expires_at, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6)`,
    [hashSessionId(id), staffId, csrf, now, expiresAt, userAgent.slice(0, 300)],
  );
  // Housekeeping: expired sessions and used link ids past their expiry are of no further use.
  await db.query(`DELETE FROM staff_sessions WHERE expires_at < $1`, [now]);
  await db.query(`DELETE FROM staff_signin_tokens_used WHERE expires_at < $1`, [now]);
  return { id, csrf, expiresAt };
}

/** The live session for a cookie value, or null (unknown, expired, or the account is disabled). */
export async function loadSession(db: Db, id: string | undefined, now: Date): Promise<SessionInfo | null> {
  if (!id || id.length > 100) return null;
  const idHash = hashSessionId(id);
  const row = await db.one<Staff & { csrf_secret: string; expires_at: Date; last_seen_at: Date; session_created_at: Date }>(
    `SELECT st.id, st.email, st.name, st.role, st.author_id, au.slug AS author_slug, st.created_at, st.disabled_at,
            (st.password_hash IS NOT NULL) AS has_password,
            s.csrf_secret, s.expires_at, s.last_seen_at, s.created_at AS session_created_at
       FROM staff_sessions s JOIN staff st ON st.id = s.staff_id LEFT JOIN authors au ON au.id = st.author_id
      WHERE s.id_hash = $1`,
    [idHash],
  );
  if (!row || row.disabled_at || row.expires_at.getTime() <= now.getTime()) return null;
  let expiresAt = row.expires_at;
  // Slide the idle expiry forward, at most once a minute, never past the absolute limit.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, row.session_created_at.getTime() + SESSION_MAX_MS));
    await db.query(`UPDATE staff_sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1`, [idHash, now, expiresAt]);
  }
  const { csrf_secret, expires_at: _e, last_seen_at: _l, session_created_at: _c, ...staff } = row;
  return { staff, csrf: csrf_secret, idHash, expiresAt };
}

export async function destroySession(db: Db, idHash: string): Promise<void> {
  await db.query(`DELETE FROM staff_sessions WHERE id_hash = $1`, [idHash]);
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: SessionInfo, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  // Compare bytes, not characters: a token with multi-byte characters must not make timingSafeEqual throw.
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
