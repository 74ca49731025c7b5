// The newsroom's front page (what was published today, what is scheduled, the newsletters' next
// editions, the outbox when mail is not sent) and the signed-in person's account (their password).
// URLs in src/admin/routes.ts.
import type { WebDeps } from '../web/site.ts';
import { ValidationError } from '../platform/errors.ts';
import { localDate, zonedTimeToUtc } from '../platform/time.ts';
import { can } from '../staff/roles.ts';
import { setPassword } from '../staff/staff.ts';
import { dashboardArticles } from '../articles/queries.ts';
import { nextEditions } from '../newsletters/next-editions.ts';
import { listOutboxMessages } from '../newsletters/delivery/transport.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { dashboardPage } from './pages/dashboard.ts';
import { accountPage } from './pages/account.ts';

export function accountScreens(web: WebDeps, h: AdminHelpers) {
  const { db, config } = web;
  const now = () => web.clock.now();

  const dashboard: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const [y, m, d] = localDate(now(), ctx.timeZone).split('-').map(Number) as [number, number, number];
    const since = zonedTimeToUtc(y, m, d, 0, 0, ctx.timeZone);
    const [articles, editions] = await Promise.all([dashboardArticles(db, since), nextEditions(web)]);
    // Without SMTP nothing is sent: editors are told where the mail went.
    const outbox = !config.smtpUrl && can(ctx.session.staff.role, 'newsletters.manage') ? listOutboxMessages(config.dataDir, { limit: 0 }).total : null;
    return h.sendPage(reply, dashboardPage(ctx, ctx.timeZone, articles, editions, noticeFrom(req.query), outbox));
  };

  const account: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    return h.sendPage(reply, accountPage(ctx, noticeFrom(req.query)));
  };

  const changePassword: Handler = async (req, reply) => {
    const s = h.session(req);
    const body = req.body as Record<string, unknown>;
    const ctx = await h.ctx(req);
    if (body.password !== body.confirm) {
      return h.sendPage(reply, accountPage(ctx, { kind: 'error', text: 'The two passwords are not the same. Type the new password twice.' }), 400);
    }
    try {
      await setPassword(db, s.staff.id, typeof body.password === 'string' ? body.password : '');
    } catch (e) {
      if (e instanceof ValidationError) return h.sendPage(reply, accountPage(ctx, { kind: 'error', text: e.message }), 400);
      throw e;
    }
    return reply.redirect('/admin/account?notice=password', 303);
  };

  return { dashboard, account, changePassword };
}
