// Newsletter screens of the newsroom: each newsletter with its next edition and state. The edition
// composer and the subscriber screens call the newsletters capability's domain functions
// (src/newsletters/editions.ts, subscribers.ts) once they exist.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import type { AdminHelpers } from './routes.ts';
import { noticeFrom } from './routes.ts';
import { nextEditions } from './newsletters.ts';
import { newslettersPage } from './pages/newsletters.ts';

export function registerNewsletterRoutes(admin: FastifyInstance, web: WebDeps, h: AdminHelpers): void {
  admin.get('/admin/newsletters', async (req, reply) => {
    h.need(req, 'newsletters.manage');
    const ctx = await h.ctx(req);
    return h.sendPage(reply, newslettersPage(ctx, ctx.timeZone, await nextEditions(web), noticeFrom(req.query)));
  });
}
