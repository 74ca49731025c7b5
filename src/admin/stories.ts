// The newsroom's Stories screens (issue #12): today's ranking, a story, the week's blindspots for
// every staff member; pin, hide, rename, merge, split and the blindspot settings for those with
// wire.manage. Thin handlers over src/newswire/stories/; URLs in src/admin/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { localDate, parseDay } from '../platform/time.ts';
import { can } from '../staff/roles.ts';
import { getStorySettings, listBlindspots, listStories, setStorySettings, spreadOf, storyIdParam, storyView, NO_SUCH_STORY } from '../newswire/stories/store.ts';
import { hideStory, mergeStories, pinStory, renameStory, splitStory } from '../newswire/stories/decisions.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { STORIES_PATH, blindspotsPage, storiesPage, storyPage } from './pages/stories.ts';
import type { Notice } from './layout.ts';

const idOf = (req: FastifyRequest): number => storyIdParam(req.params);

/**
 * `?date=`: the day (undefined when absent or empty: today), or, for anything that is not a day, what
 * was typed with the field's error; the screen then shows today with the message beside the field (400).
 */
function dateOf(req: FastifyRequest): { day?: string; typed?: string; error?: string } {
  const v = (req.query as { date?: unknown } | undefined)?.date;
  if (v === undefined || v === '') return {};
  const day = typeof v === 'string' ? parseDay(v) : null;
  if (!day) return { typed: typeof v === 'string' ? v : String(v), error: DATE_ERROR };
  return { day };
}
const DATE_ERROR = 'Give the day as a date written year-month-day, such as 2026-11-25.';
const dateNotice = (error: string): Notice => ({ kind: 'error', text: `${error} Showing today instead.` });

function body(req: FastifyRequest): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/** Where to go back to after pin or hide: a Stories URL only. */
function backTo(v: unknown, fallback: string): string {
  return typeof v === 'string' && /^\/admin\/stories(?:\/\d{1,15})?(?:\?date=\d{4}-\d{2}-\d{2})?$/.test(v) ? v : fallback;
}

export function storyScreens(web: WebDeps, h: AdminHelpers) {
  const { db } = web;

  const list: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const now = web.clock.now();
    const today = localDate(now, ctx.timeZone);
    const asked = dateOf(req);
    const date = asked.day ?? today;
    const stories = await listStories(db, { date, timeZone: ctx.timeZone, now, includeHidden: true, limit: 60 });
    const field = asked.error ? { typed: asked.typed ?? '', error: asked.error } : undefined;
    const page = storiesPage(ctx, { date, today, stories, canManage: can(ctx.session.staff.role, 'wire.manage'), canDraft: can(ctx.session.staff.role, 'articles.write_own_drafts'), updated: now, field }, asked.error ? dateNotice(asked.error) : noticeFrom(req.query));
    return h.sendPage(reply, page, asked.error ? 400 : 200);
  };

  const render = async (req: FastifyRequest, reply: FastifyReply, id: number, notice: Notice | null, status = 200, form?: { title?: string; from?: string }) => {
    const ctx = await h.ctx(req);
    // The story, its items, our articles, the decisions, the settings and the merge candidates: one statement (decision 0079).
    const { story, items, articles, decisions, settings, others = [] } = await storyView(db, id, { others: { now: web.clock.now(), limit: 40 } });
    if (story.merged_into !== null) return reply.redirect(`${STORIES_PATH}/${story.merged_into}?notice=story_merged_away`, 303);
    const page = storyPage(ctx, { story, spread: spreadOf(story, settings), items, articles, decisions, others, canManage: can(ctx.session.staff.role, 'wire.manage'), canDraft: can(ctx.session.staff.role, 'articles.write_own_drafts'), form }, notice);
    return h.sendPage(reply, page, status);
  };

  const show: Handler = async (req, reply) => render(req, reply, idOf(req), noticeFrom(req.query));

  /** Runs an editor's change; a refusal shows the story again with the reason. */
  const change = (fn: (req: FastifyRequest, id: number, staffId: number) => Promise<{ to: number; notice: string }>): Handler => async (req, reply) => {
    const id = idOf(req);
    const s = h.session(req);
    try {
      const r = await fn(req, id, s.staff.id);
      return reply.redirect(`${STORIES_PATH}/${r.to}?notice=${r.notice}`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError || e instanceof ConflictError)) throw e;
      const b = body(req);
      return render(req, reply, id, { kind: 'error', text: e.message }, e instanceof ConflictError ? 409 : 400, { title: typeof b.title === 'string' ? b.title : undefined, from: typeof b.from === 'string' ? b.from : undefined });
    }
  };

  const rename = change(async (req, id, staffId) => {
    await renameStory(web, { story: id, title: body(req).title, staffId });
    return { to: id, notice: 'story_renamed' };
  });

  const merge = change(async (req, id, staffId) => {
    const b = body(req);
    const raw = String(b.from_id ?? '').trim() || String(b.from ?? '').trim();
    if (!/^[1-9]\d{0,14}$/.test(raw)) throw new ValidationError('Choose the story to merge into this one.', { from: 'Choose a story.' });
    try {
      await mergeStories(web, { into: id, from: Number(raw), staffId });
    } catch (e) {
      if (e instanceof NotFoundError) throw new ValidationError(`There is no story ${raw}.`, { from: NO_SUCH_STORY });
      throw e;
    }
    return { to: id, notice: 'story_merged' };
  });

  const split = change(async (req, id, staffId) => {
    const v = body(req).items;
    const items = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
    const created = await splitStory(web, { story: id, items, staffId });
    return { to: created.id, notice: 'story_split' };
  });

  const flag = (kind: 'pin' | 'hide'): Handler => async (req, reply) => {
    const id = idOf(req);
    const b = body(req);
    const staffId = h.session(req).staff.id;
    if (kind === 'pin') await pinStory(web, { story: id, pinned: b.pinned, staffId });
    else await hideStory(web, { story: id, hidden: b.hidden, staffId });
    const on = kind === 'pin' ? b.pinned === 'true' : b.hidden === 'true';
    const notice = kind === 'pin' ? (on ? 'story_pinned' : 'story_unpinned') : on ? 'story_hidden' : 'story_shown';
    const to = backTo(b.back, `${STORIES_PATH}/${id}`);
    return reply.redirect(`${to}${to.includes('?') ? '&' : '?'}notice=${notice}`, 303);
  };

  const renderBlindspots = async (req: FastifyRequest, reply: FastifyReply, notice: Notice | null, status = 200) => {
    const ctx = await h.ctx(req);
    const asked = dateOf(req);
    const [week, settings] = await Promise.all([listBlindspots(db, { date: asked.day, timeZone: ctx.timeZone, now: web.clock.now() }), getStorySettings(db)]);
    const field = asked.error ? { typed: asked.typed ?? '', error: asked.error } : undefined;
    return h.sendPage(reply, blindspotsPage(ctx, { ...week, settings, canManage: can(ctx.session.staff.role, 'wire.manage'), field }, asked.error && !notice ? dateNotice(asked.error) : notice), asked.error && status === 200 ? 400 : status);
  };

  const blindspots: Handler = async (req, reply) => renderBlindspots(req, reply, noticeFrom(req.query));

  const settings: Handler = async (req, reply) => {
    const b = body(req);
    try {
      await setStorySettings(db, { blindspotMinOutlets: b.blindspot_min_outlets, blindspotShare: b.blindspot_share });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return renderBlindspots(req, reply, { kind: 'error', text: `${e.message} ${Object.values(e.fields).join(' ')}` }, 400);
    }
    return reply.redirect(`${STORIES_PATH}/blindspots?notice=settings`, 303);
  };

  return { list, show, rename, merge, split, pin: flag('pin'), hide: flag('hide'), blindspots, settings };
}
