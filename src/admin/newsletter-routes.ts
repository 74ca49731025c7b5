// Newsletter screens of the newsroom: each newsletter with its next edition, and the edition composer
// (subject, intro, add, remove, reorder, send a test to myself, schedule, start the send, live
// progress). Thin routes over the newsletters capability's domain functions (src/newsletters/editions.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { listPublished } from '../articles/queries.ts';
import {
  addItem, buildEdition, cancelSend, getEdition, pauseSend, removeItem, reorderItems, resumeSend, scheduleEdition, sendStatus, sendTest, setIntro, setSubject, startSend,
} from '../newsletters/editions.ts';
import type { AdminHelpers } from './routes.ts';
import { noticeFrom } from './routes.ts';
import { nextEditions } from '../newsletters/next-editions.ts';
import { cancelConfirmPage, composerPage, newslettersPage } from './pages/newsletters.ts';
import { fromLocalInput } from '../platform/time.ts';

function num(req: FastifyRequest, name = 'id'): number {
  const v = (req.params as Record<string, string>)[name] ?? '';
  if (!/^[1-9]\d{0,8}$/.test(v)) throw new NotFoundError('There is no such edition.'); // int4 ids
  return Number(v);
}

export function registerNewsletterRoutes(admin: FastifyInstance, web: WebDeps, h: AdminHelpers): void {
  const { db } = web;

  admin.get('/admin/newsletters', async (req, reply) => {
    h.need(req, 'newsletters.manage');
    const ctx = await h.ctx(req);
    return h.sendPage(reply, newslettersPage(ctx, ctx.timeZone, await nextEditions(web), noticeFrom(req.query)));
  });

  admin.post('/admin/newsletters/:id/build', async (req, reply) => {
    h.need(req, 'newsletters.manage');
    const e = await buildEdition(web, num(req));
    return reply.redirect(`/admin/newsletters/editions/${e.id}?notice=edition`, 303);
  });

  admin.get('/admin/newsletters/editions/:id', async (req, reply) => {
    h.need(req, 'newsletters.manage');
    const ctx = await h.ctx(req);
    const e = await getEdition(db, num(req));
    const [status, recent] = await Promise.all([sendStatus(db, e.id), listPublished(db, {}, 40)]);
    const candidates = recent.filter((a) => !e.items.some((i) => i.id === a.id));
    return h.sendPage(reply, composerPage(ctx, ctx.timeZone, e, status, candidates, noticeFrom(req.query)));
  });

  admin.get('/admin/newsletters/editions/:id/status', async (req, reply) => {
    h.need(req, 'newsletters.manage');
    return reply.send(await sendStatus(db, num(req)));
  });

  // Cancelling a send stops it for good: a confirmation page first.
  admin.get('/admin/newsletters/editions/:id/cancel', async (req, reply) => {
    h.need(req, 'newsletters.manage');
    const ctx = await h.ctx(req);
    const e = await getEdition(db, num(req));
    return h.sendPage(reply, cancelConfirmPage(ctx, e, await sendStatus(db, e.id)));
  });

  // Every change to an edition: one form per action, each redirecting back to the composer.
  admin.post('/admin/newsletters/editions/:id/:action', async (req, reply) => {
    const s = h.need(req, 'newsletters.manage');
    const id = num(req);
    const action = (req.params as { action: string }).action;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const articleId = () => {
      const v = String(body.article ?? '');
      if (!/^[1-9]\d{0,9}$/.test(v)) throw new ValidationError('Choose a story.');
      return Number(v);
    };
    let notice = 'edition';
    switch (action) {
      case 'text':
        await setSubject(db, id, String(body.subject ?? ''));
        await setIntro(db, id, String(body.intro ?? ''));
        break;
      case 'add':
        await addItem(db, id, articleId());
        break;
      case 'remove':
        await removeItem(db, id, articleId());
        break;
      case 'move': {
        const e = await getEdition(db, id);
        const ids = e.items.map((i) => i.id);
        const from = ids.indexOf(articleId());
        const to = from + (body.direction === 'up' ? -1 : 1);
        if (from < 0 || to < 0 || to >= ids.length) break;
        [ids[from], ids[to]] = [ids[to]!, ids[from]!];
        await reorderItems(db, id, ids);
        break;
      }
      case 'test':
        await sendTest(web, id, s.staff.email);
        notice = 'test';
        break;
      case 'schedule': {
        const ctx = await h.ctx(req);
        const at = String(body.at ?? '').trim();
        await scheduleEdition(web, id, at ? fromLocalInput(at, ctx.timeZone, 'at') : null);
        break;
      }
      case 'send':
        await startSend(web, id);
        break;
      case 'pause':
        await pauseSend(db, id);
        notice = 'paused';
        break;
      case 'resume':
        await resumeSend(db, id);
        notice = 'resumed';
        break;
      case 'cancel':
        await cancelSend(db, id);
        notice = 'cancelled';
        break;
      default:
        throw new NotFoundError('There is no such action.');
    }
    return reply.redirect(`/admin/newsletters/editions/${id}?notice=${notice}`, 303);
  });
}
