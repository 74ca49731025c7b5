// The Admin API's stories handlers (issue #12): the day's ranking, one story with its items and our
// linked articles, the week's blindspots, the blindspot settings, and the editors' decisions (merge,
// split, rename, pin, hide), each recorded with the key's owner. URLs and access are in
// src/api/routes.ts; these parse and call src/newswire/stories/.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { parseInput } from '../platform/validate.ts';
import { parseDay } from '../platform/time.ts';
import { getPublication } from '../publication/settings.ts';
import {
  getStory, getStorySettings, listBlindspots, listStories, setStorySettings, spreadOf, storyIdParam, storyView,
  type StoryOutlet, type WireStory,
} from '../newswire/stories/store.ts';
import { hideStory, mergeStories, pinStory, renameStory, splitStory } from '../newswire/stories/decisions.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
const DATE_FORMAT = 'Expected a day written YYYY-MM-DD, such as 2026-11-25.';
/** A calendar day as YYYY-MM-DD (2026-02-30 is refused too): a 400 naming `date` and the format. */
const DATE = z.string({ error: DATE_FORMAT }).regex(/^\d{4}-\d{2}-\d{2}$/, DATE_FORMAT).refine((v) => parseDay(v) === v, DATE_FORMAT);
/** `?date=2026-11-25`, or today when absent or empty (`?date=`), as on the newsroom's Stories screens. */
const DAY = z.preprocess((v) => (v === '' ? undefined : v), DATE.optional());

/** The story id in the address: a malformed one is the same 404 as a missing one (storyIdParam). */
const idOf = (req: FastifyRequest): number => storyIdParam(req.params);

/** A story as the API shows it: counts by lean group, the blindspot flag and the side it is for. */
export function apiStory(s: WireStory, outlets?: StoryOutlet[]) {
  return {
    id: s.id,
    slug: s.slug,
    title: s.title,
    title_by_editor: s.title_by_editor,
    item_count: s.item_count,
    outlet_count: s.outlet_count,
    ...(outlets ? { outlets: outlets.map((o) => ({ slug: o.slug, name: o.name, lean: o.lean })) } : {}),
    counts: { left: s.left_count, center: s.center_count, right: s.right_count },
    blindspot: s.blindspot !== null,
    blindspot_for: s.blindspot,
    first_seen_at: s.first_seen_at,
    last_updated_at: s.last_updated_at,
    pinned: s.pinned,
    hidden: s.hidden,
    merged_into: s.merged_into,
  };
}

function actor(req: FastifyRequest): number | null {
  return (req as unknown as { apiKey?: { created_by: number | null } | null }).apiKey?.created_by ?? null;
}

export function storiesApi(deps: Deps) {
  const { db } = deps;
  const zone = async () => (await getPublication(db, deps.config)).timeZone;
  const h = {} as Record<'list' | 'get' | 'blindspots' | 'getSettings' | 'putSettings' | 'update' | 'merge' | 'split', Handler>;
  h.list = async (req) => {
    const q = parseInput(z.object({ date: DAY, limit: z.coerce.number().int().min(1).max(500).default(50), hidden: z.enum(['true', 'false']).optional() }).strict(), req.query, { what: 'query' });
    const timeZone = await zone();
    // The outlets come with the ranking, in its statement (decision 0076).
    const ranked = await listStories(db, { date: q.date, limit: q.limit, timeZone, includeHidden: q.hidden === 'true', now: deps.clock.now(), outlets: true });
    return {
      data: ranked.map((s) => ({ ...apiStory(s, s.outlets), rank: s.rank, score: s.score, day: s.day })),
      meta: { date: q.date ?? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(deps.clock.now()), time_zone: timeZone },
    };
  };
  h.get = async (req) => {
    // The story with its items, articles, decisions, outlets and the settings: one statement (decision 0079).
    const { story: s, items, articles, decisions, outlets, settings } = await storyView(db, idOf(req), { outlets: true });
    return {
      data: {
        ...apiStory(s, outlets),
        spread: spreadOf(s, settings),
        items: items.map((i) => ({ id: i.id, outlet: i.outlet.slug, outlet_name: i.outlet.name, lean: i.outlet.lean, side: i.side, title: i.title, url: i.url, published: i.published, summary: i.summary })),
        articles,
        decisions,
      },
    };
  };
  h.blindspots = async (req) => {
    const q = parseInput(z.object({ date: DAY, limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(), req.query, { what: 'query' });
    const r = await listBlindspots(db, { date: q.date, limit: q.limit, timeZone: await zone(), now: deps.clock.now() });
    return { data: r.stories.map((s) => apiStory(s)), meta: { from: r.from, to: r.to } };
  };
  h.getSettings = async () => {
    const s = await getStorySettings(db);
    return { data: { blindspot_min_outlets: s.blindspotMinOutlets, blindspot_share: s.blindspotShare } };
  };
  h.putSettings = async (req) => {
    const b = parseInput(z.object({ blindspot_min_outlets: z.number().optional(), blindspot_share: z.number().optional() }).strict(), req.body ?? {}, { what: 'settings' });
    const s = await setStorySettings(db, { blindspotMinOutlets: b.blindspot_min_outlets, blindspotShare: b.blindspot_share });
    return { data: { blindspot_min_outlets: s.blindspotMinOutlets, blindspot_share: s.blindspotShare } };
  };
  h.update = async (req) => {
    const id = idOf(req);
    const b = parseInput(z.object({ title: z.string().max(1000), pinned: z.boolean(), hidden: z.boolean() }).partial().strict(), req.body ?? {}, { what: 'story' });
    const staffId = actor(req);
    let s = await getStory(db, id);
    if (b.title !== undefined) s = await renameStory(deps, { story: id, title: b.title, staffId });
    if (b.pinned !== undefined && b.pinned !== s.pinned) s = await pinStory(deps, { story: id, pinned: b.pinned, staffId });
    if (b.hidden !== undefined && b.hidden !== s.hidden) s = await hideStory(deps, { story: id, hidden: b.hidden, staffId });
    return { data: apiStory(s) };
  };
  h.merge = async (req) => {
    const id = idOf(req);
    const b = parseInput(z.object({ from: z.number().int().positive() }).strict(), req.body ?? {}, { what: 'merge' });
    return { data: apiStory(await mergeStories(deps, { into: id, from: b.from, staffId: actor(req) })) };
  };
  h.split = async (req, reply) => {
    const id = idOf(req);
    const b = parseInput(z.object({ items: z.array(z.number().int().positive()).min(1).max(5000) }).strict(), req.body ?? {}, { what: 'split' });
    return reply.code(201).send({ data: apiStory(await splitStory(deps, { story: id, items: b.items, staffId: actor(req) })) });
  };
  return h;
}
