// API keys. Admin keys act with a staff role through the Admin API; content keys read published
// content through the Content API (ours and Ghost's paths). The secret is shown once, at creation;
// only its SHA-256 hash is stored (the secrets are long random strings, so a fast hash is enough and a
// slow one would cost every request), plus a short prefix so people can tell keys apart.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { NotFoundError } from '../platform/errors.ts';
import { parseInput } from '../platform/validate.ts';
import { ROLES, type Role } from './roles.ts';
import { API_KEYS_CHANNEL } from '../platform/channels.ts';
import { ChannelCache } from '../platform/channel-cache.ts';

export type ApiKeyKind = 'admin' | 'content';

export interface ApiKey {
  id: number;
  name: string;
  kind: ApiKeyKind;
  role: Role | null;
  prefix: string;
  created_by: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}


const COLUMNS = `id, name, kind, role, prefix, created_by, created_at, last_used_at, revoked_at`;

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/**
 * Content keys are 26 lower-case hex characters, the shape of Ghost's, so Ghost's clients (which
 * check it) accept them. Admin keys are longer and say what they are.
 */
function newSecret(kind: ApiKeyKind): string {
  return kind === 'content' ? crypto.randomBytes(13).toString('hex') : `nd_admin_${crypto.randomBytes(32).toString('base64url')}`;
}

const createSchema = z
  .object({
    name: z.string().trim().min(1, 'a name is required').max(200),
    kind: z.enum(['admin', 'content'], { message: 'admin or content' }),
    role: z.enum(ROLES, { message: `one of ${ROLES.join(', ')}` }).nullish(),
    createdBy: z.number().int().positive().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'admin' && !v.role) ctx.addIssue({ code: 'custom', path: ['role'], message: `an admin key needs a role: ${ROLES.join(', ')}` });
    if (v.kind === 'content' && v.role) ctx.addIssue({ code: 'custom', path: ['role'], message: 'content keys have no role: they only read published content' });
  });

export type CreateApiKeyInput = z.input<typeof createSchema>;

/** Create a key. The secret is returned here and never again. */
export async function createApiKey(db: Db, input: CreateApiKeyInput): Promise<{ key: ApiKey; secret: string }> {
  const { name, kind, role, createdBy } = parseInput(createSchema, input, { what: 'API key' });
  const secret = newSecret(kind);
  const prefix = kind === 'content' ? secret.slice(0, 6) : secret.slice(0, 13);
  const key = await db.one<ApiKey>(
    `INSERT INTO api_keys (name, kind, role, prefix, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [name, kind, kind === 'admin' ? role : null, prefix, hashSecret(secret), createdBy ?? null],
  );
  return { key: key!, secret };
}

export async function listApiKeys(db: Db, opts: { includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
  return db.query<ApiKey>(`SELECT ${COLUMNS} FROM api_keys ${opts.includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY created_at DESC, id DESC`);
}

export async function getApiKey(db: Db, id: number): Promise<ApiKey> {
  const key = await db.one<ApiKey>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
  if (!key) throw new NotFoundError(`No API key ${id}`);
  return key;
}

/** Revoke a key: it stops working at once (in every process listening on API_KEYS_CHANNEL). */
export async function revokeApiKey(db: Db, id: number, now = new Date()): Promise<ApiKey> {
  const key = await db.one<ApiKey>(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING ${COLUMNS}`, [id, now]);
  if (!key) throw new NotFoundError(`No API key ${id}`);
  await db.notify(API_KEYS_CHANNEL, String(id));
  return key;
}

/**
 * The live key with this secret, if any. Looks up by hash, then compares the hashes in constant time.
 * A key made by a staff member works only while their account does: none while it is disabled, and
 * an admin key acts with no more than its maker's current role (a key kept after a demotion does not
 * keep the old powers).
 */
export async function findKeyBySecret(db: Db, secret: string, kind: ApiKeyKind): Promise<ApiKey | null> {
  if (!secret || secret.length > 200) return null;
  const hash = hashSecret(secret);
  const row = await db.one<ApiKey & { secret_hash: string; staff_role: Role | null; staff_disabled: boolean | null }>(
    `SELECT ${COLUMNS.split(', ').map((c) => `k.${c}`).join(', ')}, k.secret_hash, s.role AS staff_role, (s.disabled_at IS NOT NULL) AS staff_disabled
       FROM api_keys k LEFT JOIN staff s ON s.id = k.created_by
      WHERE k.secret_hash = $1 AND k.kind = $2 AND k.revoked_at IS NULL`,
    [hash, kind],
  );
  if (!row || !crypto.timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(hash))) return null;
  const { secret_hash: _, staff_role, staff_disabled, ...key } = row;
  if (staff_disabled) return null;
  if (key.role && staff_role && ROLES.indexOf(staff_role) < ROLES.indexOf(key.role)) key.role = staff_role;
  return key;
}

/** Record use, at most once a minute per key (a write per request would cost more than the request). */
export async function touchApiKey(db: Db, id: number, now: Date): Promise<void> {
  await db.query(`UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, [id, now]);
}

/**
 * Verifies secrets with a short in-memory cache (the Content API answers well over a thousand
 * requests a second; a database round trip per request for the key would halve that). Revocations
 * clear the cache through API_KEYS_CHANNEL; the TTL bounds staleness if a notification is missed.
 * Nothing is kept until start()'s listen has succeeded (src/platform/channel-cache.ts). Unknown
 * secrets are kept too (null), so the cache is bounded.
 */
export class KeyVerifier {
  private cache: ChannelCache<string, ApiKey | null>;
  /** When each key's use was last recorded here (ms), by key id: at most one write a minute a key. */
  private touched = new Map<number, number>();
  constructor(private db: Db, ttlMs = 10_000) {
    this.cache = new ChannelCache(db, { channels: [API_KEYS_CHANNEL], ttlMs, maxEntries: 10_000 });
  }

  async start(): Promise<() => Promise<void>> {
    await this.cache.listen();
    return () => this.cache.close();
  }

  async verify(secret: string, kind: ApiKeyKind, now: Date): Promise<ApiKey | null> {
    const key = await this.cache.get(`${kind}:${hashSecret(secret)}`, () => findKeyBySecret(this.db, secret, kind));
    const t = Date.now();
    if (key && t - (this.touched.get(key.id) ?? 0) > 60_000) {
      if (this.touched.size > 10_000) this.touched.clear();
      this.touched.set(key.id, t);
      await touchApiKey(this.db, key.id, now);
    }
    return key;
  }

  clear(): void {
    this.cache.clear();
  }
}
