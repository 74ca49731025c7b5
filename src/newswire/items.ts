// The wire's items as the newsroom and the Admin API read them: the river (newest first, filtered by
// outlet, lean, language, search and time) and one item. Part 2 (stories) reads the same table:
// outlet, url, title, text, published time and story_id.
import type { Db } from '../db/index.ts';
import { NotFoundError } from '../platform/errors.ts';
import type { Lean } from './outlets.ts';

export interface WireItem {
  id: number;
  outlet: { id: number; slug: string; name: string };
  lean: Lean;
  title: string;
  url: string;
  published: string;
  first_seen_at: string;
  summary: string | null;
  /** The extracted article text, or the feed's summary when the page could not be had; null while pending. */
  text: string | null;
  byline: string | null;
  lang: string | null;
  image_url: string | null;
  extract_status: 'pending' | 'done' | 'failed' | 'skipped';
  extract_error: string | null;
  story_id: number | null;
}

export interface ItemFilter {
  /** Outlet slug. */
  outlet?: string;
  lean?: Lean;
  language?: string;
  q?: string;
  since?: Date;
  limit?: number;
  offset?: number;
  /** Leave the text out (lists that show only a lead). */
  lead?: boolean;
}

function toItem(r: any): WireItem {
  return {
    id: Number(r.id),
    outlet: { id: r.outlet_id, slug: r.outlet_slug, name: r.outlet_name },
    lean: r.lean,
    title: r.title,
    url: r.url,
    published: new Date(r.published_at).toISOString(),
    first_seen_at: new Date(r.first_seen_at).toISOString(),
    summary: r.summary,
    text: r.text,
    byline: r.byline,
    lang: r.lang,
    image_url: r.image_url,
    extract_status: r.extract_status,
    extract_error: r.extract_error,
    story_id: r.story_id === null ? null : Number(r.story_id),
  };
}

export async function listItems(db: Db, f: ItemFilter = {}): Promise<{ items: WireItem[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.outlet) where.push(`o.slug = $${params.push(f.outlet)}`);
  if (f.lean) where.push(`o.lean = $${params.push(f.lean)}`);
  if (f.language) where.push(`coalesce(i.lang, o.language) = $${params.push(f.language.toLowerCase().split(/[-_]/)[0])}`);
  if (f.since) where.push(`i.published_at >= $${params.push(f.since)}`);
  // The full-text index is a table of its own (migration 071: a change of story rewrites no entry of it).
  if (f.q && f.q.trim()) where.push(`i.id IN (SELECT s.item_id FROM wire_item_search s WHERE s.search @@ plainto_tsquery('simple', $${params.push(f.q.trim().slice(0, 200))}))`);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id ${w}`, params);
  const limit = Math.max(1, Math.min(500, f.limit ?? 50));
  const text = f.lead ? 'left(coalesce(i.text, i.summary), 400)' : 'i.text';
  const rows = await db.query(
    `SELECT i.id, i.outlet_id, o.slug AS outlet_slug, o.name AS outlet_name, o.lean, i.title, i.url, i.published_at, i.first_seen_at,
            i.summary, ${text} AS text, i.byline, coalesce(i.lang, o.language) AS lang, i.image_url, i.extract_status, i.extract_error, i.story_id
       FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id ${w}
      ORDER BY i.published_at DESC, i.id DESC LIMIT ${limit} OFFSET ${Math.max(0, Number(f.offset ?? 0))}`,
    params,
  );
  return { items: rows.map(toItem), total: total?.n ?? 0 };
}

export async function getItem(db: Db, id: number): Promise<WireItem & { html: string | null }> {
  const r = await db.one(
    `SELECT i.id, i.outlet_id, o.slug AS outlet_slug, o.name AS outlet_name, o.lean, i.title, i.url, i.published_at, i.first_seen_at,
            i.summary, i.text, i.html, i.byline, coalesce(i.lang, o.language) AS lang, i.image_url, i.extract_status, i.extract_error, i.story_id
       FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id WHERE i.id = $1`,
    [id],
  );
  if (!r) throw new NotFoundError('No such wire item.');
  return { ...toItem(r), html: r.html };
}
