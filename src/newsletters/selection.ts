// Which stories an edition carries: the newsletter's rules (newsletters.rules, jsonb) and the ranking.
//
// THE RULE
//   Window. Candidates are articles published in (start, end], where end is the moment the edition is
//   built and start is the end of the newsletter's previous edition (not counting cancelled ones), so
//   nothing is missed and nothing repeats between editions. The first edition looks back
//   `window_hours` (default 24, or 168 for a newsletter sent on one day a week); a window never
//   reaches back more than `max_window_hours` (default max(72, 3 x window_hours)) so that an edition
//   after a long pause is not a month of news. With `since: "window"` the window is always the last
//   `window_hours`. Articles already in an earlier edition of the same newsletter are left out.
//   Filters. `sections` and `formats` (lists of slugs) narrow the candidates; `editors_pick_only`
//   keeps only editor's picks.
//   Ranking ("rank": "digest", the default):
//       score = format weight                     (formats.weight; 1.0 without a format)
//             x 1.5 if it is an editor's pick
//             x (1 + 0.25 x min(4, n))            prominence: n = other published pieces on the same
//                                                 story (story_key) in the week before `end`
//             x 0.5 ^ (age / half_life)           recency: age in hours at `end`, half_life_hours
//                                                 default 24
//     ties go to the more recent article, then the higher id. With "rank": "recency" the score is
//     ignored and the newest come first.
//   The wire leads ("rank": "digest" only). Articles on one of the day's `wire_top` biggest stories on
//   the newswire (default 10; 0 turns it off; the wire's own ranking at `end`, src/newswire/stories)
//   come first, in the wire's rank order (articles on the same story by score), so the biggest
//   stories of the day lead the digest and the rest (features, smaller stories) follow by score.
//   Limit. The best `limit` (default 10, at most 50) are the edition, in score order.
// The defaults of the three seeded newsletters are in src/newsletters/newsletters.ts.
import type { Db } from '../db/index.ts';
import type { Newsletter } from './newsletters.ts';
import { wireRanks } from '../newswire/coverage/coverage.ts';

export interface EditionRules {
  limit: number;
  sections: string[] | null;
  formats: string[] | null;
  editorsPickOnly: boolean;
  since: 'last_edition' | 'window';
  windowHours: number;
  maxWindowHours: number;
  rank: 'digest' | 'recency';
  halfLifeHours: number;
  /** How many of the day's top wire stories lead the digest (0: the wire does not rank it). */
  wireTop: number;
}

const num = (v: unknown, def: number, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
const slugs = (v: unknown) => (Array.isArray(v) && v.length ? v.filter((x): x is string => typeof x === 'string') : null);

/** The rules of a newsletter with every default filled in (unknown keys are ignored). */
export function parseRules(n: Pick<Newsletter, 'rules' | 'schedule_days'>): EditionRules {
  const r = (n.rules ?? {}) as Record<string, unknown>;
  const weekly = (n.schedule_days?.length ?? 5) <= 1;
  const windowHours = num(r.window_hours, weekly ? 168 : 24, 1, 24 * 62);
  return {
    limit: Math.round(num(r.limit, 10, 1, 50)),
    sections: slugs(r.sections),
    formats: slugs(r.formats),
    editorsPickOnly: r.editors_pick_only === true,
    since: r.since === 'window' ? 'window' : 'last_edition',
    windowHours,
    maxWindowHours: num(r.max_window_hours, Math.max(72, 3 * windowHours), windowHours, 24 * 366),
    rank: r.rank === 'recency' ? 'recency' : 'digest',
    halfLifeHours: num(r.half_life_hours, 24, 1, 24 * 365),
    wireTop: Math.round(num(r.wire_top, 10, 0, 100)),
  };
}

export interface Candidate {
  id: number;
  published_at: Date;
  editors_pick: boolean;
  weight: number;
  siblings: number;
  /** The wire rank of the article's story among the day's top stories (null: not among them). */
  wire_rank?: number | null;
}

export interface RankedCandidate extends Candidate {
  score: number;
}

/** The digest score of one article at `end` (the formula in the header comment). */
export function scoreCandidate(c: Candidate, end: Date, rules: Pick<EditionRules, 'halfLifeHours'>): number {
  const ageHours = Math.max(0, (end.getTime() - c.published_at.getTime()) / 3_600_000);
  const pick = c.editors_pick ? 1.5 : 1;
  const prominence = 1 + 0.25 * Math.min(4, c.siblings);
  const recency = Math.pow(0.5, ageHours / rules.halfLifeHours);
  return (c.weight || 1) * pick * prominence * recency;
}

/** Articles on the day's top wire stories first, in the wire's order. */
function wireOrder(a: Candidate, b: Candidate): number {
  const ra = a.wire_rank ?? Infinity;
  const rb = b.wire_rank ?? Infinity;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

export function rankCandidates(cands: Candidate[], end: Date, rules: EditionRules): RankedCandidate[] {
  const ranked = cands.map((c) => ({ ...c, score: scoreCandidate(c, end, rules) }));
  ranked.sort((a, b) =>
    rules.rank === 'recency'
      ? b.published_at.getTime() - a.published_at.getTime() || b.id - a.id
      : wireOrder(a, b) || b.score - a.score || b.published_at.getTime() - a.published_at.getTime() || b.id - a.id,
  );
  return ranked.slice(0, rules.limit);
}

/** The window (start, end] of a new edition of newsletter `n` built at `end`. */
export async function editionWindow(db: Db, n: Pick<Newsletter, 'id'>, rules: EditionRules, end: Date): Promise<{ start: Date; end: Date }> {
  const floor = new Date(end.getTime() - rules.maxWindowHours * 3_600_000);
  const fallback = new Date(end.getTime() - rules.windowHours * 3_600_000);
  if (rules.since === 'window') return { start: fallback, end };
  const last = await db.one<{ window_end: Date }>(
    `SELECT window_end FROM editions WHERE newsletter_id = $1 AND status <> 'cancelled' ORDER BY window_end DESC LIMIT 1`,
    [n.id],
  );
  if (!last) return { start: fallback, end };
  const start = last.window_end > end ? end : last.window_end < floor ? floor : last.window_end;
  return { start, end };
}

/** The ranked stories for an edition of `n` over (start, end]. */
export async function selectStories(db: Db, n: Pick<Newsletter, 'id'>, rules: EditionRules, window: { start: Date; end: Date }): Promise<RankedCandidate[]> {
  const cands = await db.query<Candidate & { story_key: string | null }>(
    `SELECT a.id, a.published_at, a.editors_pick, coalesce(f.weight, 1)::float8 AS weight, a.story_key,
            CASE WHEN a.story_key IS NULL THEN 0 ELSE
              (SELECT count(*)::int FROM articles b
                WHERE b.status = 'published' AND b.story_key = a.story_key AND b.id <> a.id
                  AND b.published_at > $2::timestamptz - interval '7 days' AND b.published_at <= $2) END AS siblings
       FROM articles a
       LEFT JOIN formats f ON f.id = a.format_id
       LEFT JOIN sections s ON s.id = a.section_id
      WHERE a.status = 'published' AND a.published_at > $1 AND a.published_at <= $2
        AND ($3::text[] IS NULL OR s.slug = ANY($3::text[]))
        AND ($4::text[] IS NULL OR f.slug = ANY($4::text[]))
        AND (NOT $5::boolean OR a.editors_pick)
        AND NOT EXISTS (SELECT 1 FROM edition_items ei JOIN editions e ON e.id = ei.edition_id
                         WHERE ei.article_id = a.id AND e.newsletter_id = $6 AND e.status <> 'cancelled')`,
    [window.start, window.end, rules.sections, rules.formats, rules.editorsPickOnly, n.id],
  );
  if (rules.rank === 'digest' && rules.wireTop > 0 && cands.some((c) => c.story_key)) {
    const ranks = await wireRanks(db, { now: window.end, top: rules.wireTop });
    for (const c of cands) c.wire_rank = (c.story_key && ranks.get(c.story_key)) || null;
  }
  return rankCandidates(cands.map(({ story_key: _, ...c }) => c), window.end, rules);
}
