// Bounce and complaint reports held for review (raw reports without our signed return path): the
// list, and an editor's apply or dismiss. Thin handlers over src/newsletters/bounces.ts; URLs in
// src/admin/routes.ts.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../platform/validate.ts';
import type { WebDeps } from '../web/site.ts';
import { NotFoundError, pathId } from '../platform/errors.ts';
import { listHeldReports, reviewHeldReport } from '../newsletters/bounces.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { BOUNCES_PATH, BOUNCES_PER_PAGE, bouncesPage } from './pages/bounces.ts';

const listQuery = z.object({
  page: z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,5}$/, 'Pages are numbered from 1.')]).optional(),
  notice: z.string().optional(),
});

function reportId(req: FastifyRequest): number {
  return pathId(req.params, 'There is no such report.');
}

export function bounceScreens(web: WebDeps, h: AdminHelpers) {
  const { db } = web;

  const list: Handler = async (req, reply) => {
    const q = parseInput(listQuery, req.query);
    const page = Number(q.page || 1);
    const ctx = await h.ctx(req);
    const { rows, total } = await listHeldReports(db, { limit: BOUNCES_PER_PAGE, offset: (page - 1) * BOUNCES_PER_PAGE });
    return h.sendPage(reply, bouncesPage(ctx, ctx.timeZone, { rows, total, page }, noticeFrom(req.query)));
  };

  const decide = (decision: 'apply' | 'dismiss'): Handler => async (req, reply) => {
    const s = h.session(req);
    const r = await reviewHeldReport(db, reportId(req), decision, s.staff.id, web.clock.now());
    if (!r) throw new NotFoundError('There is no such report waiting for a decision: someone may have decided already.');
    return reply.redirect(`${BOUNCES_PATH}?notice=${decision === 'apply' ? 'report_applied' : 'report_dismissed'}`, 303);
  };

  return { list, apply: decide('apply'), dismiss: decide('dismiss') };
}
