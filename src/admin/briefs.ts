// "Draft a brief" from the newsroom: the button beside a story (the Stories screen, the edition
// composer's "not covered yet" list) posts here with the session's CSRF token (the frame checks it),
// and the editor lands in the new draft, or in the story's existing draft brief. Thin over
// src/newswire/briefs/draft.ts; the URL is in src/admin/routes.ts.
import type { FastifyRequest } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import { storyIdParam } from '../newswire/stories/store.ts';
import { draftBrief } from '../newswire/briefs/draft.ts';
import type { AdminHelpers, Handler } from './newsroom.ts';

const storyIdOf = (req: FastifyRequest): number => storyIdParam(req.params);

export function briefScreens(web: WebDeps, h: AdminHelpers) {
  /** POST /admin/stories/:id/brief: create the draft (or find the story's draft) and open it. */
  const draft: Handler = async (req, reply) => {
    const s = h.session(req);
    const r = await draftBrief(web.db, storyIdOf(req), { staffId: s.staff.id, now: web.clock.now() });
    return reply.redirect(`/admin/articles/${r.article.id}?notice=${r.created ? 'brief_drafted' : 'brief_exists'}`, 303);
  };
  return { draft };
}
