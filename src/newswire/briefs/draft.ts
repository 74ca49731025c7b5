// "Draft a brief" (issue 12, part 4): a story's items become a DRAFT article in the Speed Read format,
// linked to the story (articles.story_key = the story's slug), that an editor rewrites before it is
// published. The text is the extractive builder's (builder.ts): quoted, attributed, escaped, linking
// only to the items' own http(s) URLs. A story that already has a draft brief gets that draft back
// (a second click opens the same draft instead of making another). Drafts announce nothing: the
// public site does not change until the editor publishes.
import type { Db } from '../../db/index.ts';
import { ValidationError } from '../../platform/errors.ts';
import { CONTENT_CHANNEL } from '../../platform/channels.ts';
import { createArticle } from '../../articles/write.ts';
import { getArticleById } from '../../articles/queries.ts';
import type { Article } from '../../articles/types.ts';
import { liveStory, storyItems, type WireStory } from '../stories/store.ts';
import { buildBrief, type BriefDraft, type ElsewhereItem } from './builder.ts';

/** The format a brief is written in. */
export const BRIEF_FORMAT = { slug: 'speed-read', name: 'Speed Read', description: 'The day’s big stories in a couple of minutes each: what happened, and what everyone is saying about it.' };

/** Items a brief reads at most (oldest first; a story's first day carries what happened). */
const MAX_ITEMS = 300;
/** Each outlet's latest items on other stories a brief compares with, to know its boilerplate. */
const ELSEWHERE_ITEMS = 20;

/** At most this many rounds and stories in a story's split kin (a runaway chain stops there). */
const KIN_ROUNDS = 20;
const KIN_MAX = 1000;

/**
 * The stories that were once one story with this one, by the editors' recorded splits
 * (wire_story_decisions, kind 'split': the story split and the story it made), followed through
 * later splits and through merges either way (a story merged into another holds its items there),
 * this story included. What an outlet wrote on one of them is not evidence of its boilerplate: a
 * split puts the coverage of one event on two stories, and an outlet's lead written for that event
 * (repeated in its update, then split off with it) sits in both halves. Such a sentence is the
 * story's own fact. Walked a round at a time over indexed columns (the decisions' story ids,
 * `merged_into`), not over the decisions' item lists, which a wire of many splits makes slow.
 */
async function splitKin(db: Db, storyId: number): Promise<number[]> {
  const kin = new Set<number>([storyId]);
  let frontier = [storyId];
  for (let round = 0; frontier.length && round < KIN_ROUNDS && kin.size < KIN_MAX; round++) {
    const edges = await db.query<{ a: number | null; b: number | null }>(
      `SELECT d.story_id AS a, d.other_story_id AS b FROM wire_story_decisions d
        WHERE d.kind = 'split' AND (d.story_id = ANY($1::bigint[]) OR d.other_story_id = ANY($1::bigint[]))
       UNION ALL
       SELECT s.id, s.merged_into FROM wire_stories s
        WHERE s.merged_into IS NOT NULL AND (s.id = ANY($1::bigint[]) OR s.merged_into = ANY($1::bigint[]))`,
      [frontier],
    );
    const next: number[] = [];
    for (const e of edges) {
      for (const x of [e.a, e.b]) {
        if (x === null || kin.has(Number(x))) continue;
        kin.add(Number(x));
        next.push(Number(x));
      }
    }
    frontier = next;
  }
  return [...kin];
}

/**
 * The latest items of the story's outlets on other stories (at most ELSEWHERE_ITEMS an outlet, their
 * lead only): what buildBrief compares with to leave out the sentences an outlet repeats on every
 * story (its stock framing, a standing credit), whatever the outlet. "Other" means another event:
 * the stories split from or into this one (splitKin) are not compared with. (Requiring a sentence on
 * two other stories instead would miss the boilerplate of an outlet with one other story in the
 * window, and still fail a story split in three; the recorded splits say which stories share this
 * one's coverage. A re-cluster that moved items without a split is not followed.) The clusterer's
 * own splits (seams) are not editors' decisions and stay other stories: it splits a side off only
 * once that side is unlike the rest.
 */
async function outletsElsewhere(db: Db, storyId: number, outletIds: number[]): Promise<ElsewhereItem[]> {
  if (!outletIds.length) return [];
  const kin = await splitKin(db, storyId);
  const rows = await db.query<{ outlet: string; text: string | null; summary: string | null }>(
    `SELECT o.name AS outlet, x.text, x.summary
       FROM wire_outlets o
       CROSS JOIN LATERAL (
         SELECT left(i.text, 8000) AS text, left(i.summary, 2000) AS summary FROM wire_items i
          WHERE i.outlet_id = o.id AND i.story_id <> ALL($1::bigint[])
          ORDER BY i.published_at DESC LIMIT ${ELSEWHERE_ITEMS}) x
      WHERE o.id = ANY($2::int[])`,
    [kin, outletIds],
  );
  return rows;
}

export interface DraftBriefResult {
  article: Article;
  /** False when the story already had a draft brief, which is returned instead of a new one. */
  created: boolean;
  story: WireStory;
  draft: BriefDraft | null;
}

/** The Speed Read format's slug, creating the format when the publication has none. */
async function briefFormat(db: Db): Promise<string> {
  const row = await db.one<{ slug: string }>(
    `SELECT slug FROM formats WHERE slug = $1 OR lower(name) = lower($2) ORDER BY (slug = $1) DESC, id LIMIT 1`,
    [BRIEF_FORMAT.slug, BRIEF_FORMAT.name],
  );
  if (row) return row.slug;
  const added = await db.query(
    `INSERT INTO formats (slug, name, description, position) VALUES ($1, $2, $3, coalesce((SELECT max(position) + 1 FROM formats), 1)) ON CONFLICT (slug) DO NOTHING RETURNING id`,
    [BRIEF_FORMAT.slug, BRIEF_FORMAT.name, BRIEF_FORMAT.description],
  );
  // A new format is in the site's navigation: the public pages change.
  if (added.length) await db.notify(CONTENT_CHANNEL, 'formats');
  return BRIEF_FORMAT.slug;
}

/** The newest draft of ours linked to the story, if there is one. */
export async function existingDraft(db: Db, slug: string): Promise<Article | undefined> {
  const r = await db.one<{ id: number }>(`SELECT id FROM articles WHERE story_key = $1 AND status = 'draft' ORDER BY created_at DESC, id DESC LIMIT 1`, [slug]);
  return r ? getArticleById(db, r.id) : undefined;
}

/**
 * Draft a brief for story `storyId` (a merged story's brief is drafted for the story it went into).
 * `staffId` becomes the draft's owner (created_by), so that a writer may edit their own brief.
 */
export async function draftBrief(db: Db, storyId: number | string, opts: { staffId?: number | null; apiKeyId?: number | null; now?: Date } = {}): Promise<DraftBriefResult> {
  return db.tx(async (tx) => {
    const story = await liveStory(tx, storyId);
    // One brief at a time per story: a second request waits here, then finds the first one's draft.
    await tx.query(`SELECT id FROM wire_stories WHERE id = $1 FOR UPDATE`, [story.id]);
    const existing = await existingDraft(tx, story.slug);
    if (existing) return { article: existing, created: false, story, draft: null };
    const items = await storyItems(tx, story.id, { limit: MAX_ITEMS });
    if (!items.length) throw new ValidationError('This story has no items yet, so there is nothing to draw a brief from.');
    const elsewhere = await outletsElsewhere(tx, story.id, [...new Set(items.map((i) => i.outlet.id))]);
    const draft = buildBrief(
      { slug: story.slug, title: story.title },
      items.map((i) => ({ id: i.id, outlet: i.outlet.name, lean: i.outlet.lean, url: i.url, title: i.title, text: i.text, summary: i.summary, published: i.published })),
      { elsewhere },
    );
    const format = await briefFormat(tx);
    const article = await createArticle(
      tx,
      {
        headline: draft.headline,
        // Markdown is the newsroom editor's format; the body is a run of HTML blocks, the same either way.
        body: draft.bodyHtml,
        bodyFormat: 'markdown',
        format,
        status: 'draft',
        storyKey: story.slug,
      },
      { now: opts.now },
    );
    if (opts.staffId || opts.apiKeyId) {
      await tx.query(`UPDATE articles SET created_by = coalesce($2, created_by), api_key_id = coalesce($3, api_key_id) WHERE id = $1`, [article.id, opts.staffId ?? null, opts.apiKeyId ?? null]);
    }
    return { article, created: true, story, draft };
  });
}
