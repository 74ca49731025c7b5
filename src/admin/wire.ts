// The newswire in the newsroom: the wire (river and item view) for every staff member, the Outlets
// screen for all, its changes for those with wire.manage. Thin handlers over src/newswire/; URLs in
// src/admin/routes.ts.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../platform/validate.ts';
import type { WebDeps } from '../web/site.ts';
import { ValidationError, ConflictError, pathId, INT_ID_MAX } from '../platform/errors.ts';
import { can } from '../staff/roles.ts';
import { createOutlet, deleteOutlet, getOutlet, listOutlets, outletDeletionImpact, updateOutlet, LEANS } from '../newswire/outlets.ts';
import { discoverFeeds } from '../newswire/discover.ts';
import { getItem, listItems } from '../newswire/items.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { OUTLETS_PATH, WIRE_PER_PAGE, outletDeletePage, outletsPage, wireItemPage, wirePage, type OutletForm } from './pages/wire.ts';

const wireQuery = z.object({
  q: z.string().max(200, 'Searches are limited to 200 characters.').optional(),
  outlet: z.union([z.literal(''), z.string().regex(/^[a-z0-9-]{1,120}$/, 'Choose an outlet from the list.')]).optional(),
  lean: z.union([z.literal(''), z.enum(LEANS)]).optional(),
  language: z.union([z.literal(''), z.string().regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/, 'A language code, such as en.')]).optional(),
  page: z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,5}$/, 'Pages are numbered from 1.')]).optional(),
});

function idOf(req: FastifyRequest, what: string): number {
  return pathId(req.params, `There is no such ${what}.`, what === 'outlet' ? INT_ID_MAX : Number.MAX_SAFE_INTEGER);
}

export function wireScreens(web: WebDeps, h: AdminHelpers) {
  const { db } = web;

  const river: Handler = async (req, reply) => {
    const q = parseInput(wireQuery, req.query);
    const filter = { q: q.q?.trim() || undefined, outlet: q.outlet || undefined, lean: q.lean || undefined, language: q.language || undefined };
    const page = Number(q.page || 1);
    const [{ items, total }, { outlets }] = await Promise.all([
      listItems(db, { ...filter, lean: filter.lean as never, limit: WIRE_PER_PAGE, offset: (page - 1) * WIRE_PER_PAGE, lead: true }),
      listOutlets(db),
    ]);
    return h.sendPage(reply, wirePage(await h.ctx(req), { filter, page, items, total, outlets }, noticeFrom(req.query)));
  };

  const item: Handler = async (req, reply) => h.sendPage(reply, wireItemPage(await h.ctx(req), await getItem(db, idOf(req, 'wire item'))));

  const render = async (req: FastifyRequest, reply: any, notice: ReturnType<typeof noticeFrom>, form?: OutletForm, status = 200) => {
    const ctx = await h.ctx(req);
    const { outlets } = await listOutlets(db);
    return h.sendPage(reply, outletsPage(ctx, outlets, can(ctx.session.staff.role, 'wire.manage'), notice, form, web.config.wire.websub), status);
  };

  const outlets: Handler = async (req, reply) => render(req, reply, noticeFrom(req.query));

  const add: Handler = async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const form: OutletForm = { name: String(b.name ?? ''), url: String(b.url ?? ''), feeds: String(b.feeds ?? ''), lean: String(b.lean ?? 'unrated'), country: String(b.country ?? ''), language: String(b.language ?? ''), fetch: b.fetch === 'on' };
    try {
      let feeds = form.feeds!.split(/\s+/).map((s) => s.trim()).filter(Boolean);
      if (!feeds.length && form.url) {
        try {
          new URL(form.url);
          feeds = (await discoverFeeds(web.config.wire, form.url)).feeds.map((f) => f.url);
        } catch {
          /* the URL's own validation below says what is wrong */
        }
      }
      await createOutlet(db, { name: form.name, url: form.url, feeds, lean: form.lean, country: form.country || null, language: form.language || null, fetch_allowed: form.fetch });
    } catch (e) {
      if (!(e instanceof ValidationError || e instanceof ConflictError)) throw e;
      return render(req, reply, { kind: 'error', text: e.message }, form, 400);
    }
    return reply.redirect(`${OUTLETS_PATH}?notice=outlet_added`, 303);
  };

  const setActive = (active: boolean): Handler => async (req, reply) => {
    await updateOutlet(db, idOf(req, 'outlet'), { active });
    return reply.redirect(`${OUTLETS_PATH}?notice=${active ? 'outlet_resumed' : 'outlet_paused'}`, 303);
  };

  /** The confirmation: what the deletion takes with it (items, stories recounted, stories gone). */
  const confirmRemove: Handler = async (req, reply) => {
    const id = idOf(req, 'outlet');
    const outlet = await getOutlet(db, id);
    return h.sendPage(reply, outletDeletePage(await h.ctx(req), outlet, await outletDeletionImpact(db, id)));
  };

  const remove: Handler = async (req, reply) => {
    const id = idOf(req, 'outlet');
    await getOutlet(db, id);
    await deleteOutlet(db, id, { runtime: web.runtime });
    return reply.redirect(`${OUTLETS_PATH}?notice=outlet_deleted`, 303);
  };

  return { river, item, outlets, add, pause: setActive(false), resume: setActive(true), confirmRemove, remove };
}
