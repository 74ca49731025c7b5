// Stories on the wire for tests that read them (briefs, "How it was covered", story pages, the
// digest): outlets, items and a wire_stories row written with SQL, with the counts the live wire
// would keep (distinct outlets per lean group).
import type { Db } from '../../src/db/index.ts';

export interface SeedItem {
  outlet: string;
  lean: 'left' | 'lean-left' | 'center' | 'lean-right' | 'right' | 'mixed' | 'unrated';
  title: string;
  url: string;
  text?: string | null;
  summary?: string | null;
  published: string;
}

const slugOf = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'outlet';

async function outletId(db: Db, name: string, lean: string): Promise<number> {
  const slug = slugOf(name);
  const got = await db.one<{ id: number }>(`SELECT id FROM wire_outlets WHERE slug = $1`, [slug]);
  if (got) return got.id;
  const r = await db.one<{ id: number }>(`INSERT INTO wire_outlets (name, slug, home_url, lean) VALUES ($1, $2, $3, $4) RETURNING id`, [name, slug, `https://${slug}.example/`, lean]);
  return r!.id;
}

/** A story with these items; returns its id and slug. Counts are computed from the items. */
export async function seedStory(db: Db, story: { slug: string; title: string; hidden?: boolean }, items: SeedItem[]): Promise<{ id: number; slug: string }> {
  const times = items.length ? items.map((i) => Date.parse(i.published)) : [Date.parse('2026-03-10T00:00:00Z')];
  const s = await db.one<{ id: number }>(
    `INSERT INTO wire_stories (slug, title, first_seen_at, last_updated_at, hidden) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [story.slug, story.title, new Date(Math.min(...times)), new Date(Math.max(...times)), story.hidden ?? false],
  );
  for (const it of items) {
    const o = await outletId(db, it.outlet, it.lean);
    await db.query(
      `INSERT INTO wire_items (outlet_id, url, title, text, summary, published_at, extract_status, story_id) VALUES ($1, $2, $3, $4, $5, $6, 'done', $7)`,
      [o, it.url, it.title, it.text ?? null, it.summary ?? null, new Date(it.published), s!.id],
    );
  }
  await recount(db, s!.id);
  return { id: s!.id, slug: story.slug };
}

/** Adds an item to a story and recounts it (what the live wire does when an item joins). */
export async function addStoryItem(db: Db, storyId: number, it: SeedItem): Promise<void> {
  const o = await outletId(db, it.outlet, it.lean);
  await db.query(
    `INSERT INTO wire_items (outlet_id, url, title, text, summary, published_at, extract_status, story_id) VALUES ($1, $2, $3, $4, $5, $6, 'done', $7)`,
    [o, it.url, it.title, it.text ?? null, it.summary ?? null, new Date(it.published), storyId],
  );
  await recount(db, storyId);
}

export async function recount(db: Db, storyId: number): Promise<void> {
  await db.query(
    `UPDATE wire_stories s SET item_count = c.items, outlet_count = c.outlets, outlet_ids = c.oids, item_published = c.ts, item_outlet_ids = c.os, left_count = c.l, center_count = c.ce, right_count = c.r,
            last_updated_at = greatest(s.last_updated_at, c.last), updated_at = now()
       FROM (SELECT count(*)::int AS items, count(DISTINCT i.outlet_id)::int AS outlets, coalesce(array_agg(DISTINCT i.outlet_id ORDER BY i.outlet_id), '{}') AS oids,
                    coalesce(array_agg(i.published_at ORDER BY i.published_at, i.outlet_id), '{}') AS ts, coalesce(array_agg(i.outlet_id ORDER BY i.published_at, i.outlet_id), '{}') AS os,
                    count(DISTINCT i.outlet_id) FILTER (WHERE o.lean IN ('left', 'lean-left'))::int AS l,
                    count(DISTINCT i.outlet_id) FILTER (WHERE o.lean = 'center')::int AS ce,
                    count(DISTINCT i.outlet_id) FILTER (WHERE o.lean IN ('lean-right', 'right'))::int AS r,
                    max(i.published_at) AS last
               FROM wire_items i JOIN wire_outlets o ON o.id = i.outlet_id WHERE i.story_id = $1) c
      WHERE s.id = $1`,
    [storyId],
  );
}

/** A bridge story: two outlets on the left, one in the center, none on the right, one unrated. */
export function bridgeItems(day = '2026-03-10'): SeedItem[] {
  return [
    { outlet: 'Daily Progress', lean: 'left', url: 'https://progress.example/bridge-closure', title: 'Harbour Bridge closed after crack found', text: 'The Harbour Bridge in Portwell was closed on Tuesday after engineers found a 40-centimetre crack in a main girder. About 60,000 vehicles cross the bridge every day. Unions said years of cuts to maintenance budgets were to blame.', published: `${day}T08:00:00Z` },
    { outlet: 'Lean Left Ledger', lean: 'lean-left', url: 'https://ledger.example/a/1', title: 'Portwell bridge shut: crack in girder', text: 'Engineers closed the Harbour Bridge in Portwell on Tuesday. A 40-centimetre crack was found in a main girder during a routine inspection. Commuters face long detours.', published: `${day}T08:30:00Z` },
    { outlet: 'Middle Times', lean: 'center', url: 'http://middle.example/news/harbour-bridge', title: 'Harbour Bridge closes indefinitely', text: 'Portwell’s Harbour Bridge was closed indefinitely on Tuesday after a 40-centimetre crack was discovered in a main girder. The bridge carries about 60,000 vehicles a day. Mayor Ruth Okafor said safety came first.', published: `${day}T09:00:00Z` },
    { outlet: 'Unrated Wire', lean: 'unrated', url: 'https://unrated.example/bridge', title: 'Bridge closed', summary: 'The Harbour Bridge in Portwell is closed.', published: `${day}T09:10:00Z` },
  ];
}
