// The newsroom's front page (what was published today, what is scheduled, the newsletters' next
// editions, the outbox when mail is not sent) and the signed-in person's account (their password).
// URLs in src/admin/routes.ts.
import type { WebDeps } from '../web/site.ts';
import { ValidationError } from '../platform/errors.ts';
import { localDate, zonedTimeToUtc } from '../platform/time.ts';
import { can } from '../staff/roles.ts';
import { changeOwnPassword, staffProfile } from '../staff/staff.ts';
import { WindowLimiter } from '../platform/rate-limit.ts';
import { dashboardArticles } from '../articles/queries.ts';
import { nextEditions } from '../newsletters/next-editions.ts';
import { listOutboxMessages } from '../newsletters/delivery/transport.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { dashboardPage } from './pages/dashboard.ts';
import { newsletterGrowth, recentEditionReports } from '../newsletters/stats.ts';

/** Weeks of subscriber growth the dashboard draws. */
const WEEKS = 12;

/** "20 Nov" in the publication's zone and locale. */
function shortDate(d: Date, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone }).format(d);
}
import { accountPage } from './pages/account.ts';

export function accountScreens(web: WebDeps, h: AdminHelpers) {
  const { db, config } = web;
  const now = () => web.clock.now();

  const dashboard: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const [y, m, d] = localDate(now(), ctx.timeZone).split('-').map(Number) as [number, number, number];
    const since = zonedTimeToUtc(y, m, d, 0, 0, ctx.timeZone);
    const t = now();
    const [articles, editions, growth, reports] = await Promise.all([dashboardArticles(db, since), nextEditions(web), newsletterGrowth(db, t, WEEKS), recentEditionReports(db, 5)]);
    // Without SMTP nothing is sent: editors are told where the mail went.
    const outbox = !config.smtpUrl && can(ctx.session.staff.role, 'newsletters.manage') ? listOutboxMessages(config.dataDir, { limit: 0 }).total : null;
    const weeks = Array.from({ length: WEEKS }, (_, i) => shortDate(new Date(t.getTime() - (WEEKS - 1 - i) * 7 * 86_400_000), ctx.timeZone, ctx.locale));
    return h.sendPage(reply, dashboardPage(ctx, ctx.timeZone, articles, editions, noticeFrom(req.query), outbox, { growth, weeks, reports }));
  };

  // Guessing the current password through an open session: a few tries per account per 15 minutes.
  const wrongCurrent = new WindowLimiter(6, 15 * 60_000);

  const changePassword: Handler = async (req, reply) => {
    const s = h.session(req);
    // A form post is an object; JSON null, a bare value or an unparsed body is an empty form (a 400 below, never a 500).
    const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
    const ctx = await h.ctx(req);
    const problem = async (text: string, status = 400) => h.sendPage(reply, accountPage(ctx, { kind: 'error', text }, await staffProfile(db, s.staff.id)), status);
    if (typeof body.password !== 'string' || body.password !== body.confirm) return problem('The two passwords are not the same. Type the new password twice.');
    try {
      await changeOwnPassword(db, s.staff.id, { current: body.current, password: body.password }, s.idHash);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      if (e.fields.current === 'Wrong password.' && !wrongCurrent.hit(String(s.staff.id), now())) {
        return problem('Too many wrong passwords: wait 15 minutes, or sign out and sign in with a link by email.', 429);
      }
      return problem(e.message);
    }
    return reply.redirect('/admin/account?notice=password', 303);
  };

  return { dashboard, changePassword };
}
