// A week of the newswire for the benches: 300 outlets across the spectrum and ITEMS items of a
// synthetic stream (bench/lib/cluster-synthetic.ts) in the seven days before "now", bulk-inserted in their
// stories (the stream's own events: a heavy tail of story sizes) with the counts the live wire keeps,
// and LIVE more items of the same stream (not inserted) that arrive after them.
import type { Db } from '../../src/db/index.ts';
import { recountStories, storySlug } from '../../src/newswire/stories/live.ts';
import { streamOrder } from '../../src/newswire/cluster/clusterer.ts';
import { defaultStorySettings } from '../../src/newswire/stories/store.ts';
import { outletNames, syntheticStream, type LabelledItem } from './cluster-synthetic.ts';

const DAY = 86_400_000;
const LEANS = ['left', 'lean-left', 'center', 'lean-right', 'right', 'center', 'lean-left', 'lean-right', 'mixed', 'unrated'] as const;

export interface SeededWire {
  base: LabelledItem[];
  live: LabelledItem[];
  /** A minute after the last live item. */
  now: Date;
  outletId: Map<string, number>;
  stories: number;
}

export async function seedWireWeek(db: Db, o: { items: number; live: number }): Promise<SeededWire> {
  const names = outletNames().slice(0, 300);
  // Events start over eight days and their coverage trails off over the next two, so the stream is cut
  // inside it, where the rate is even: the N items before the cut are the window, the LIVE after it arrive.
  const stream = syntheticStream({ seed: 4242, items: Math.ceil((o.items + o.live) * 1.4), days: 8, outlets: names }).sort(streamOrder);
  const cut = Date.parse('2026-06-01T00:00:00Z') + 7 * DAY + 14 * 3_600_000;
  const j = stream.findIndex((it) => it.published >= cut);
  if (j < o.items || j + o.live > stream.length) throw new Error('the synthetic stream is too short for the cut');
  const base = stream.slice(j - o.items, j);
  const live = stream.slice(j, j + o.live);
  // Shift it so that the cut is 14:00 on 2026-11-20 (UTC): "today" has fourteen hours of stories.
  const shift = Date.parse('2026-11-20T14:00:00Z') - cut;
  for (const it of [...base, ...live]) it.published += shift;
  const now = new Date(live[live.length - 1]!.published + 60_000);

  const outletRows = await db.query<{ id: number; name: string }>(
    `INSERT INTO wire_outlets (name, slug, home_url, lean, fetch_allowed)
     SELECT o.name, 'bench-' || o.i, 'https://bench-' || o.i || '.example/', o.lean, false FROM json_to_recordset($1::json) AS o(i int, name text, lean text)
     RETURNING id, name`,
    [JSON.stringify(names.map((name, i) => ({ i, name, lean: LEANS[i % LEANS.length] })))],
  );
  const outletId = new Map(outletRows.map((r) => [r.name, r.id]));
  // One story per event of the stream, numbered in order of its first item (as the live wire makes them).
  const storyOf = new Map<string, number>();
  const stories: Array<{ id: number; slug: string; title: string; at: string }> = [];
  for (const it of base) {
    if (storyOf.has(it.story)) continue;
    const id = stories.length + 1;
    storyOf.set(it.story, id);
    stories.push({ id, slug: storySlug(it.title, id), title: it.title.slice(0, 500), at: new Date(it.published).toISOString() });
  }
  for (let i = 0; i < stories.length; i += 10_000) {
    await db.query(
      `INSERT INTO wire_stories (id, slug, title, first_seen_at, last_updated_at) OVERRIDING SYSTEM VALUE
       SELECT s.id, s.slug, s.title, s.at::timestamptz, s.at::timestamptz FROM json_to_recordset($1::json) AS s(id bigint, slug text, title text, at text)`,
      [JSON.stringify(stories.slice(i, i + 10_000))],
    );
  }
  await db.query(`SELECT setval(pg_get_serial_sequence('wire_stories', 'id'), $1::bigint)`, [stories.length]);
  const CHUNK = 5_000;
  for (let i = 0; i < base.length; i += CHUNK) {
    const rows = base.slice(i, i + CHUNK).map((it, k) => ({
      o: outletId.get(it.outlet!)!,
      g: `bench:${i + k}`,
      u: it.url,
      t: it.title,
      x: it.text ?? null,
      p: new Date(it.published).toISOString(),
      s: storyOf.get(it.story)!,
    }));
    await db.query(
      `INSERT INTO wire_items (outlet_id, guid, url, title, text, published_at, first_seen_at, extract_status, story_id)
       SELECT r.o, r.g, r.u, r.t, r.x, r.p::timestamptz, r.p::timestamptz, 'done', r.s FROM json_to_recordset($1::json) AS r(o int, g text, u text, t text, x text, p text, s bigint)`,
      [JSON.stringify(rows)],
    );
  }
  await recountStories(db, stories.map((x) => x.id), defaultStorySettings);
  // As `serve` leaves an embedded database (src/db/maintenance.ts: analysed hourly, vacuumed every six hours).
  await db.exec('VACUUM ANALYZE');
  return { base, live, now, outletId, stories: stories.length };
}
