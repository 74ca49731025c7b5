// The outlet registry (issue #11): who the wire reads, their lean and where that rating comes from,
// their feeds, and each outlet's health. Plain async functions with their SQL.
import type { Db } from '../db/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { slugify } from '../platform/sanitize.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import type { Runtime } from '../platform/runtime.ts';
import { LEANS, parseLean, type Lean } from './leans.ts';
import { deleteOutletItems, lockClusterState, outletLeanChanged } from './stories/live.ts';

export { LEANS, parseLean, type Lean } from './leans.ts';
export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export interface Feed {
  id: number;
  url: string;
  format: 'rss' | 'rdf' | 'atom' | 'json' | null;
  title: string | null;
  last_polled_at: string | null;
  last_new_item_at: string | null;
  last_error: string | null;
  next_poll_at: string;
  websub_hub: string | null;
  /** WebSub: none, requested, subscribed, denied or unsubscribing (decision 0043). */
  websub_state: string;
  websub_lease_until: string | null;
  /** When the hub was last asked (to subscribe, renew or unsubscribe). */
  websub_requested_at: string | null;
  /** When the hub last pushed content that was taken (signed, of a verified subscription, a feed). */
  websub_last_push_at: string | null;
  /** Why the last subscription request or push failed; null when all is well. */
  websub_error: string | null;
}

export interface Outlet {
  id: number;
  name: string;
  slug: string;
  home_url: string;
  lean: Lean;
  rating_source: string | null;
  rating_confidence: Confidence | null;
  country: string | null;
  language: string | null;
  fetch_allowed: boolean;
  active: boolean;
  demo: boolean;
  created_at: string;
  updated_at: string;
  feeds: Feed[];
  // Health
  last_polled_at: string | null;
  last_new_item_at: string | null;
  /** The newest error of a feed whose last poll failed; null when every feed's last poll was clean. */
  last_error: string | null;
  /** Items first seen in the last seven days, divided by seven. */
  items_per_day: number;
  items_total: number;
  /** Article pages that could not be fetched or extracted in the last seven days. */
  page_errors: number;
}

export interface OutletInput {
  name?: string;
  slug?: string;
  url?: string;
  feeds?: string[];
  lean?: string;
  rating_source?: string | null;
  rating_confidence?: string | null;
  country?: string | null;
  language?: string | null;
  fetch_allowed?: boolean;
  active?: boolean;
  demo?: boolean;
}

export function httpUrl(raw: string, field: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new ValidationError(`${field}: not a URL: ${JSON.stringify(raw)}`, { [field]: 'Give an absolute http(s) URL, such as https://example.com/' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError(`${field}: only http and https URLs`, { [field]: 'Give an http or https URL.' });
  if (u.username || u.password) throw new ValidationError(`${field}: a URL with a user name or password`, { [field]: 'Leave credentials out of the URL.' });
  u.hash = '';
  return u.href;
}

interface Clean {
  name?: string;
  slug?: string;
  home_url?: string;
  feeds?: string[];
  lean?: Lean;
  rating_source?: string | null;
  rating_confidence?: Confidence | null;
  country?: string | null;
  language?: string | null;
  fetch_allowed?: boolean;
  active?: boolean;
  demo?: boolean;
}

function clean(input: OutletInput, creating: boolean): Clean {
  const fields: Record<string, string> = {};
  const out: Clean = {};
  const put = <K extends keyof Clean>(k: K, f: () => Clean[K]) => {
    try {
      out[k] = f();
    } catch (e) {
      if (e instanceof ValidationError) Object.assign(fields, Object.keys(e.fields).length ? e.fields : { [k]: e.message });
      else throw e;
    }
  };
  if (input.name !== undefined || creating) {
    put('name', () => {
      const n = (input.name ?? '').replace(/\s+/g, ' ').trim();
      if (!n) throw new ValidationError('name', { name: 'Give the outlet a name.' });
      if (n.length > 200) throw new ValidationError('name', { name: 'At most 200 characters.' });
      return n;
    });
  }
  if (input.slug !== undefined) {
    put('slug', () => {
      const s = slugify(input.slug ?? '');
      if (!s) throw new ValidationError('slug', { slug: 'A slug needs letters or digits.' });
      return s;
    });
  }
  if (input.url !== undefined || creating) {
    put('home_url', () => {
      if (!input.url) throw new ValidationError('url', { url: 'Give the outlet\u2019s home page URL.' });
      return httpUrl(input.url, 'url');
    });
  }
  if (input.feeds !== undefined) {
    put('feeds', () => {
      const seen = new Set<string>();
      for (const f of input.feeds ?? []) seen.add(httpUrl(f, 'feeds'));
      return [...seen];
    });
  }
  if (input.lean !== undefined) {
    put('lean', () => {
      const l = parseLean(input.lean);
      if (!l) throw new ValidationError('lean', { lean: `One of ${LEANS.join(', ')}.` });
      return l;
    });
  }
  if (input.rating_confidence !== undefined) {
    put('rating_confidence', () => {
      if (input.rating_confidence === null || input.rating_confidence === '') return null;
      const c = String(input.rating_confidence).trim().toLowerCase();
      if (!(CONFIDENCES as readonly string[]).includes(c)) throw new ValidationError('rating_confidence', { rating_confidence: `One of ${CONFIDENCES.join(', ')}, or empty.` });
      return c as Confidence;
    });
  }
  if (input.rating_source !== undefined) put('rating_source', () => (input.rating_source ?? '').trim().slice(0, 200) || null);
  if (input.country !== undefined) {
    put('country', () => {
      const c = (input.country ?? '').trim();
      if (!c) return null;
      if (!/^[A-Za-z]{2}$/.test(c)) throw new ValidationError('country', { country: 'A two-letter country code (ISO 3166-1), such as US or GB.' });
      return c.toUpperCase();
    });
  }
  if (input.language !== undefined) {
    put('language', () => {
      const l = (input.language ?? '').trim();
      if (!l) return null;
      if (!/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(l)) throw new ValidationError('language', { language: 'A language code (BCP 47), such as en or de.' });
      return l.split(/[-_]/)[0]!.toLowerCase();
    });
  }
  if (input.fetch_allowed !== undefined) out.fetch_allowed = Boolean(input.fetch_allowed);
  if (input.active !== undefined) out.active = Boolean(input.active);
  if (input.demo !== undefined) out.demo = Boolean(input.demo);
  if (Object.keys(fields).length) throw new ValidationError(`The outlet is not valid: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fields);
  return out;
}

async function uniqueSlug(db: Db, base: string, exceptId?: number): Promise<string> {
  const root = base || 'outlet';
  for (let i = 1; ; i++) {
    const s = i === 1 ? root : `${root}-${i}`;
    const row = await db.one('SELECT 1 FROM wire_outlets WHERE slug = $1 AND ($2::int IS NULL OR id <> $2)', [s, exceptId ?? null]);
    if (!row) return s;
  }
}

async function addFeeds(db: Db, outletId: number, urls: string[]): Promise<void> {
  for (const url of urls) {
    await db.query('INSERT INTO wire_feeds (outlet_id, url) VALUES ($1, $2) ON CONFLICT (outlet_id, url) DO NOTHING', [outletId, url]);
  }
}

export async function createOutlet(db: Db, input: OutletInput): Promise<Outlet> {
  return getOutlet(db, await addOutlet(db, input));
}

/**
 * createOutlet without reading the new outlet back: its id. For a writer of many (the CSV import),
 * where the read (feeds, health and item counts) cost more than the insert.
 */
export async function addOutlet(db: Db, input: OutletInput): Promise<number> {
  const c = clean(input, true);
  return db.tx(async (tx) => {
    if (c.slug && (await tx.one('SELECT 1 FROM wire_outlets WHERE slug = $1', [c.slug]))) throw new ConflictError(`An outlet with the slug "${c.slug}" exists already.`);
    const slug = c.slug ?? (await uniqueSlug(tx, slugify(c.name!)));
    const row = await tx.one<{ id: number }>(
      `INSERT INTO wire_outlets (name, slug, home_url, lean, rating_source, rating_confidence, country, language, fetch_allowed, active, demo)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [c.name, slug, c.home_url, c.lean ?? 'unrated', c.rating_source ?? (c.lean && c.lean !== 'unrated' ? 'editor' : null), c.rating_confidence ?? null, c.country ?? null, c.language ?? null, c.fetch_allowed ?? true, c.active ?? true, c.demo ?? false],
    );
    await addFeeds(tx, row!.id, c.feeds ?? []);
    return row!.id;
  });
}

/** Change what is given; `feeds`, when given, is the whole new list (feeds not in it are removed with their state). */
/**
 * A change of lean recounts the stories the outlet covers in the same transaction (their stored counts
 * by lean group and blindspot: outletLeanChanged), under the cluster state's row lock, so a cluster
 * batch recounting one of them at the same moment cannot store figures from before the change.
 */
export async function updateOutlet(db: Db, id: number, input: OutletInput): Promise<Outlet> {
  await changeOutlet(db, id, input);
  return getOutlet(db, id);
}

/** updateOutlet without reading the outlet back (the CSV import's, for the same reason as addOutlet). */
export async function changeOutlet(db: Db, id: number, input: OutletInput): Promise<void> {
  const c = clean(input, false);
  let recounted: number[] = [];
  await db.tx(async (tx) => {
    // The cluster state's lock before the outlet's row, in the order deleteOutlet takes them.
    if (c.lean !== undefined) await lockClusterState(tx);
    const cur = await tx.one<{ id: number; lean: Lean }>('SELECT id, lean FROM wire_outlets WHERE id = $1 FOR UPDATE', [id]);
    if (!cur) throw new NotFoundError('No such outlet.');
    if (c.slug && (await tx.one('SELECT 1 FROM wire_outlets WHERE slug = $1 AND id <> $2', [c.slug, id]))) throw new ConflictError(`An outlet with the slug "${c.slug}" exists already.`);
    const cols: Array<[string, unknown]> = [];
    for (const k of ['name', 'slug', 'home_url', 'lean', 'rating_source', 'rating_confidence', 'country', 'language', 'fetch_allowed', 'active'] as const) {
      if (c[k] !== undefined) cols.push([k, c[k]]);
    }
    if (c.lean !== undefined && c.rating_source === undefined) cols.push(['rating_source', c.lean === 'unrated' ? null : 'editor']);
    if (cols.length) {
      await tx.query(`UPDATE wire_outlets SET ${cols.map(([k], i) => `${k} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1`, [id, ...cols.map(([, v]) => v)]);
    }
    // A new lean moves the outlet's stories' counts by lean group now, not at their next item.
    if (c.feeds !== undefined) {
      await tx.query('DELETE FROM wire_feeds WHERE outlet_id = $1 AND NOT (url = ANY($2::text[]))', [id, c.feeds]);
      await addFeeds(tx, id, c.feeds);
    }
    // A paused outlet resumed is due at once.
    if (c.active === true) await tx.query('UPDATE wire_feeds SET next_poll_at = least(next_poll_at, now()) WHERE outlet_id = $1', [id]);
    if (c.lean !== undefined && c.lean !== cur.lean) recounted = await outletLeanChanged(tx, id);
  });
  if (recounted.length) await db.notify(CONTENT_CHANNEL, 'stories').catch(() => undefined);
}

/**
 * Deletes an outlet with its feeds and its items (the foreign keys' cascade: the wire keeps no item
 * without its outlet). The stories that held the items are recounted in the same transaction, and a
 * story left with no item is deleted (deleteOutletItems, decision 0068). With `runtime`, this
 * process's live clusterer forgets the items at once; without it, it rebuilds before it next clusters.
 */
export async function deleteOutlet(db: Db, id: number, opts: { runtime?: Runtime } = {}): Promise<void> {
  const out = await deleteOutletItems(db, opts.runtime, id, async (tx) => {
    if (!(await tx.query('DELETE FROM wire_outlets WHERE id = $1 RETURNING id', [id])).length) throw new NotFoundError('No such outlet.');
  });
  if (out.stories.length) await db.notify(CONTENT_CHANNEL, 'stories').catch(() => undefined);
}

/** What deleting an outlet would take with it: its items, the stories they are on, and those left with none. */
export interface OutletDeletionImpact {
  items: number;
  stories: number;
  /** Stories every item of which is the outlet's: deleted with it. */
  storiesRemoved: number;
}

export async function outletDeletionImpact(db: Db, id: number): Promise<OutletDeletionImpact> {
  const r = await db.one<{ items: number; stories: number; removed: number }>(
    `WITH mine AS (SELECT DISTINCT story_id FROM wire_items WHERE outlet_id = $1 AND story_id IS NOT NULL)
     SELECT (SELECT count(*) FROM wire_items WHERE outlet_id = $1)::int AS items,
            (SELECT count(*) FROM mine)::int AS stories,
            (SELECT count(*) FROM (SELECT i.story_id FROM wire_items i JOIN mine m ON m.story_id = i.story_id
                                    GROUP BY i.story_id HAVING bool_and(i.outlet_id = $1)) x)::int AS removed`,
    [id],
  );
  return { items: r?.items ?? 0, stories: r?.stories ?? 0, storiesRemoved: r?.removed ?? 0 };
}

export async function addFeed(db: Db, outletId: number, url: string): Promise<void> {
  await addFeeds(db, outletId, [httpUrl(url, 'feed')]);
}

const OUTLET_SQL = `
  SELECT o.*,
         coalesce((SELECT json_agg(json_build_object('id', f.id, 'url', f.url, 'format', f.format, 'title', f.title,
                    'last_polled_at', f.last_polled_at, 'last_new_item_at', f.last_new_item_at, 'last_error', f.last_error,
                    'next_poll_at', f.next_poll_at, 'websub_hub', f.websub_hub, 'websub_state', f.websub_state,
                    'websub_lease_until', f.websub_lease_until, 'websub_requested_at', f.websub_requested_at,
                    'websub_last_push_at', f.websub_last_push_at, 'websub_error', f.websub_error) ORDER BY f.id)
                     FROM wire_feeds f WHERE f.outlet_id = o.id), '[]'::json) AS feeds,
         (SELECT max(f.last_polled_at) FROM wire_feeds f WHERE f.outlet_id = o.id) AS last_polled_at,
         (SELECT max(i.first_seen_at) FROM wire_items i WHERE i.outlet_id = o.id) AS last_new_item_at,
         (SELECT f.last_error FROM wire_feeds f WHERE f.outlet_id = o.id AND f.last_error IS NOT NULL ORDER BY f.last_error_at DESC NULLS LAST LIMIT 1) AS last_error,
         (SELECT count(*) FROM wire_items i WHERE i.outlet_id = o.id AND i.first_seen_at > now() - interval '7 days') AS items_week,
         (SELECT count(*) FROM wire_items i WHERE i.outlet_id = o.id) AS items_total,
         (SELECT count(*) FROM wire_items i WHERE i.outlet_id = o.id AND i.extract_status = 'failed' AND i.first_seen_at > now() - interval '7 days') AS page_errors
    FROM wire_outlets o`;

function toOutlet(r: any): Outlet {
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  const feeds = (typeof r.feeds === 'string' ? JSON.parse(r.feeds) : r.feeds) as any[];
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    home_url: r.home_url,
    lean: r.lean,
    rating_source: r.rating_source,
    rating_confidence: r.rating_confidence,
    country: r.country,
    language: r.language,
    fetch_allowed: r.fetch_allowed,
    active: r.active,
    demo: r.demo,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    feeds: feeds.map((f) => ({
      ...f,
      last_polled_at: iso(f.last_polled_at),
      last_new_item_at: iso(f.last_new_item_at),
      next_poll_at: iso(f.next_poll_at)!,
      websub_lease_until: iso(f.websub_lease_until),
      websub_requested_at: iso(f.websub_requested_at),
      websub_last_push_at: iso(f.websub_last_push_at),
    })),
    last_polled_at: iso(r.last_polled_at),
    last_new_item_at: iso(r.last_new_item_at),
    last_error: r.last_error,
    items_per_day: Math.round((Number(r.items_week) / 7) * 10) / 10,
    items_total: Number(r.items_total),
    page_errors: Number(r.page_errors),
  };
}

export async function getOutlet(db: Db, id: number): Promise<Outlet> {
  const r = await db.one(`${OUTLET_SQL} WHERE o.id = $1`, [id]);
  if (!r) throw new NotFoundError('No such outlet.');
  return toOutlet(r);
}

export async function getOutletBySlug(db: Db, slug: string): Promise<Outlet> {
  const r = await db.one(`${OUTLET_SQL} WHERE o.slug = $1`, [slug]);
  if (!r) throw new NotFoundError(`No outlet with the slug "${slug}".`);
  return toOutlet(r);
}

export interface OutletFilter {
  lean?: Lean;
  active?: boolean;
  q?: string;
  limit?: number;
  offset?: number;
}

export async function listOutlets(db: Db, f: OutletFilter = {}): Promise<{ outlets: Outlet[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.lean) where.push(`o.lean = $${params.push(f.lean)}`);
  if (f.active !== undefined) where.push(`o.active = $${params.push(f.active)}`);
  if (f.q) where.push(`(o.name ILIKE $${params.push('%' + f.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%')} OR o.home_url ILIKE $${params.length})`);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM wire_outlets o ${w}`, params);
  const limit = f.limit ?? 1000;
  const rows = await db.query(`${OUTLET_SQL} ${w} ORDER BY o.name, o.id LIMIT ${Number(limit)} OFFSET ${Number(f.offset ?? 0)}`, params);
  return { outlets: rows.map(toOutlet), total: total?.n ?? 0 };
}

/** An outlet found by home page: the same host (www. ignored). */
export async function findOutletByHost(db: Db, homeUrl: string): Promise<{ id: number; slug: string } | undefined> {
  const host = new URL(homeUrl).host.toLowerCase().replace(/^www\./, '');
  const rows = await db.query<{ id: number; slug: string; home_url: string }>('SELECT id, slug, home_url FROM wire_outlets ORDER BY id');
  return rows.find((r) => {
    try {
      return new URL(r.home_url).host.toLowerCase().replace(/^www\./, '') === host;
    } catch {
      return false;
    }
  });
}
