// The newsroom at /admin: sign-in, sessions, CSRF and Origin checks, and every screen's routes, in one
// encapsulated Fastify plugin (its cookie and multipart parsers apply here only). Handlers are thin:
// parse with zod or the editor's field parser, call the domain, render. Every admin response is
// `cache-control: no-store`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import crypto from 'node:crypto';
import type { WebDeps } from '../web/site.ts';
import { DomainError, ForbiddenError, UnauthorizedError, ValidationError, asRequestError } from '../platform/errors.ts';
import { wantsJson } from '../platform/http.ts';
import { html } from '../platform/html.ts';
import { signToken, verifyToken } from '../platform/tokens.ts';
import { getPublication } from '../publication/settings.ts';
import { can, type Permission } from '../staff/roles.ts';
import { csrfMatches, createSession, destroySession, loadSession, SESSION_COOKIE, SESSION_MAX_MS, type SessionInfo } from '../staff/sessions.ts';
import { addressKey, consumeSignInToken, peekSignInToken, requestSignInLink, signInLimiters } from '../staff/signin.ts';
import { checkPassword, setPassword } from '../staff/staff.ts';
import { adminLayout, type AdminContext, type Notice } from './layout.ts';
import { linkConfirmPage, messagePage, signInPage } from './pages/signin.ts';
import { registerArticleRoutes } from './article-routes.ts';
import { registerSettingsRoutes } from './settings-routes.ts';
import { registerNewsletterRoutes } from './newsletter-routes.ts';
import { registerSubscriberRoutes } from './subscriber-routes.ts';
import { registerOutboxRoutes } from './outbox-routes.ts';
import { listOutboxMessages } from '../newsletters/delivery/transport.ts';
import { dashboardPage } from './pages/dashboard.ts';
import { accountPage } from './pages/account.ts';
import { dashboardArticles } from '../articles/queries.ts';
import { MAX_IMAGE_BYTES } from '../media/images.ts';
import { parserLimit } from './uploads.ts';
import { zonedTimeToUtc, localDate } from '../platform/time.ts';
import { nextEditions } from '../newsletters/next-editions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The newsroom session of a signed-in staff member (admin routes only). */
    newsroom: SessionInfo | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (sign-in pages). */
    newsroomPublic?: boolean;
    /** Multipart forms: the handler checks the CSRF field once it has read the form. */
    csrfInHandler?: boolean;
  }
}

const SIGNIN_FORM_COOKIE = 'nd_signin';
const SIGNIN_FORM_PURPOSE = 'staff-signin-form';

export const NOTICES: Record<string, string> = {
  created: 'Article created.',
  saved: 'Saved.',
  published: 'Published.',
  scheduled: 'Scheduled.',
  unpublished: 'Unpublished: the article is a draft again.',
  restored: 'Revision restored.',
  image: 'Image uploaded.',
  settings: 'Settings saved.',
  invited: 'Invitation sent.',
  staff: 'Staff account updated.',
  password: 'Password saved.',
  key: 'API key revoked.',
  newsletter: 'Newsletter saved.',
  edition: 'Edition updated.',
  test: 'Test sent to your address.',
  paused: 'Sending paused.',
  resumed: 'Sending resumed.',
  cancelled: 'The send was cancelled: nobody else will get this edition.',
  subscriber_added: 'Subscriber added and confirmed.',
  subscriber_invited: 'Signed up with double opt-in: they are subscribed once they confirm from the verification email (someone who already receives these newsletters is told so instead).',
  unsubscribed: 'Unsubscribed.',
  subscriber_deleted: 'The subscriber was deleted for good.',
};

export function noticeFrom(query: unknown): Notice | null {
  const n = (query as Record<string, unknown> | undefined)?.notice;
  return typeof n === 'string' && NOTICES[n] ? { kind: 'ok', text: NOTICES[n]! } : null;
}

export interface AdminHelpers {
  /** The signed-in session (the preHandler has made sure there is one). */
  session(req: FastifyRequest): SessionInfo;
  need(req: FastifyRequest, permission: Permission): SessionInfo;
  ctx(req: FastifyRequest): Promise<AdminContext & { timeZone: string }>;
  sendPage(reply: FastifyReply, page: string, status?: number): FastifyReply;
  /** Check the CSRF token of a multipart form (fields come before the file). */
  checkCsrf(req: FastifyRequest, token: unknown): void;
}

export function registerAdminRoutes(app: FastifyInstance, web: WebDeps): void {
  const { db, config } = web;
  const now = () => web.clock.now();
  const secure = config.siteUrl.startsWith('https:');
  const siteOrigin = new URL(config.siteUrl).origin;
  const limiters = signInLimiters();

  app.register(async (admin) => {
    await admin.register(cookie);
    await admin.register(multipart, { limits: { fileSize: parserLimit(MAX_IMAGE_BYTES), files: 1, fields: 20, parts: 25 } });
    admin.decorateRequest('newsroom', null);

    admin.addHook('onRequest', async (req, reply) => {
      reply.header('cache-control', 'no-store');
      req.newsroom = await loadSession(db, req.cookies[SESSION_COOKIE], now());
    });

    const pubName = async () => (await getPublication(db, config)).name;

    // Browsers say where a state-changing request came from; anything but this site is refused.
    function checkOrigin(req: FastifyRequest) {
      let origin = req.headers.origin;
      if (!origin && req.headers.referer) {
        try {
          origin = new URL(req.headers.referer).origin;
        } catch {
          origin = 'invalid';
        }
      }
      if (!origin) return; // not a browser: the CSRF token alone decides
      const own = [siteOrigin, `${req.protocol}://${req.headers.host}`];
      if (!own.includes(origin)) throw new ForbiddenError('This request came from another site and was refused.');
    }

    function checkCsrf(req: FastifyRequest, token: unknown) {
      if (!req.newsroom || !csrfMatches(req.newsroom, token)) {
        throw new ForbiddenError('This form has expired or did not come from the newsroom. Go back, reload the page and try again.');
      }
    }

    admin.addHook('preHandler', async (req, reply) => {
      const cfg = req.routeOptions.config;
      const mutating = req.method !== 'GET' && req.method !== 'HEAD';
      if (mutating) checkOrigin(req);
      if (cfg.newsroomPublic) return;
      if (!req.newsroom) {
        if (!mutating && !wantsJson(req)) return reply.redirect(`/admin/signin?next=${encodeURIComponent(req.url)}`, 303);
        throw new UnauthorizedError('Your session has ended: sign in again.');
      }
      if (mutating && !cfg.csrfInHandler) {
        const body = req.body as Record<string, unknown> | undefined;
        checkCsrf(req, req.headers['x-csrf-token'] ?? body?._csrf);
      }
    });

    // Errors inside the newsroom are shown in its own frame (JSON for scripts).
    admin.setErrorHandler(async (original: any, req, reply) => {
      const err: any = asRequestError(original);
      const status = err instanceof DomainError ? err.status : typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      let message = err instanceof DomainError || status < 500 ? String(err.message) : 'There was a problem on our side. Please try again in a moment.';
      if (err.code === 'FST_REQ_FILE_TOO_LARGE') message = `That file is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB. Choose a smaller image.`;
      if (status === 500) web.log.error('admin request failed', { err, method: req.method, url: req.url });
      reply.code(status).header('cache-control', 'no-store');
      if (wantsJson(req) || req.headers['content-type']?.startsWith('application/json')) {
        return reply.type('application/json; charset=utf-8').send({ error: { status, message, fields: err instanceof ValidationError ? err.fields : undefined } });
      }
      const name = await pubName().catch(() => config.publicationName);
      if (!req.newsroom) return reply.type('text/html; charset=utf-8').send(messagePage(name, status === 429 ? 'Too many attempts' : 'Something went wrong', message));
      const ctx: AdminContext = { session: req.newsroom, publicationName: name, path: req.url, outbox: !config.smtpUrl };
      return reply
        .type('text/html; charset=utf-8')
        .send(adminLayout(ctx, 'Error', html`<h1>${status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong'}</h1><p role="alert">${message}</p><p>Use your browser's Back button to return to what you were doing, or <a href="/admin">go to the dashboard</a>.</p>`));
    });

    const helpers: AdminHelpers = {
      session(req) {
        if (!req.newsroom) throw new UnauthorizedError('Sign in to continue.');
        return req.newsroom;
      },
      need(req, permission) {
        const s = helpers.session(req);
        if (!can(s.staff.role, permission)) throw new ForbiddenError('Your role does not allow this. Ask an administrator.');
        return s;
      },
      async ctx(req) {
        const pub = await getPublication(db, config);
        return { session: helpers.session(req), publicationName: pub.name, path: req.url.split('?')[0]!, timeZone: pub.timeZone, outbox: !config.smtpUrl };
      },
      sendPage(reply, page, status = 200) {
        return reply.code(status).type('text/html; charset=utf-8').send(page);
      },
      checkCsrf,
    };

    // ---- Sign-in ----------------------------------------------------------------------------------

    /** A token tying the sign-in form to this browser (double submit: cookie and field must match). */
    function signInFormToken(reply: FastifyReply): string {
      const token = signToken(config.secretKey, SIGNIN_FORM_PURPOSE, { n: crypto.randomBytes(9).toString('base64url') }, { ttl: 7200, now: now() });
      reply.setCookie(SIGNIN_FORM_COOKIE, token, { path: '/admin', httpOnly: true, sameSite: 'lax', secure, maxAge: 7200 });
      return token;
    }

    function checkSignInForm(req: FastifyRequest) {
      const field = (req.body as Record<string, unknown> | undefined)?._signin;
      const cookieValue = req.cookies[SIGNIN_FORM_COOKIE];
      if (typeof field !== 'string' || field !== cookieValue || !verifyToken(config.secretKey, SIGNIN_FORM_PURPOSE, field, now()).ok) {
        throw new ForbiddenError('The sign-in form had expired. Reload the page and try again.');
      }
    }

    function safeNext(next: unknown): string {
      return typeof next === 'string' && /^\/admin(?:[/?#]|$)/.test(next) && !next.startsWith('//') ? next : '/admin';
    }

    async function startSession(req: FastifyRequest, reply: FastifyReply, staffId: number) {
      // A fresh id on every sign-in (no fixation); the old session, if any, ends.
      if (req.newsroom) await destroySession(db, req.newsroom.idHash);
      const s = await createSession(db, staffId, now(), String(req.headers['user-agent'] ?? ''));
      reply.setCookie(SESSION_COOKIE, s.id, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: Math.floor(SESSION_MAX_MS / 1000) });
      reply.clearCookie(SIGNIN_FORM_COOKIE, { path: '/admin' });
    }

    function limited(req: FastifyRequest, email: unknown): boolean {
      const t = now();
      const ipOk = limiters.perIp.hit(req.ip, t);
      const addrOk = limiters.perAddress.hit(addressKey(email), t);
      return !(ipOk && addrOk);
    }

    const TOO_MANY = 'Too many sign-in attempts. Wait fifteen minutes and try again.';

    admin.get('/admin/signin', { config: { newsroomPublic: true } }, async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      if (req.newsroom) return reply.redirect(safeNext(q.next), 303);
      return helpers.sendPage(reply, signInPage(await pubName(), signInFormToken(reply), { next: safeNext(q.next) }));
    });

    admin.post('/admin/signin', { config: { newsroomPublic: true } }, async (req, reply) => {
      checkSignInForm(req);
      const body = req.body as Record<string, unknown>;
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      if (limited(req, email)) {
        return helpers.sendPage(reply, signInPage(await pubName(), signInFormToken(reply), { next: safeNext(body.next), email, notice: { kind: 'error', text: TOO_MANY } }), 429);
      }
      const staff = await checkPassword(db, email, typeof body.password === 'string' ? body.password : '');
      if (!staff) {
        // The same answer whether the address is unknown, disabled, has no password or the password is wrong.
        return helpers.sendPage(
          reply,
          signInPage(await pubName(), signInFormToken(reply), { next: safeNext(body.next), email, notice: { kind: 'error', text: 'That email address and password do not match. Try again, or ask for a sign-in link.' } }),
          401,
        );
      }
      await startSession(req, reply, staff.id);
      return reply.redirect(safeNext(body.next), 303);
    });

    admin.post('/admin/signin/link', { config: { newsroomPublic: true } }, async (req, reply) => {
      checkSignInForm(req);
      const body = req.body as Record<string, unknown>;
      const email = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
      if (limited(req, email)) return helpers.sendPage(reply, messagePage(await pubName(), 'Too many attempts', TOO_MANY), 429);
      if (email) {
        // Only a job is queued, for any address alike (the job sends the mail if there is an account):
        // neither this answer nor how long it takes tells whether the address exists.
        try {
          await requestSignInLink(web, email);
        } catch (err) {
          web.log.error('sign-in link request not queued', { err });
        }
      }
      return helpers.sendPage(
        reply,
        messagePage(await pubName(), 'Check your email', `If ${email || 'that address'} belongs to a newsroom account, a sign-in link is on its way. It works once, within twenty minutes.`),
      );
    });

    // The link in the email opens a confirmation page; signing in takes a press of its button, so that
    // mail scanners that fetch links do not use them up.
    admin.get('/admin/signin/link', { config: { newsroomPublic: true } }, async (req, reply) => {
      const token = (req.query as Record<string, unknown>).token;
      const name = await pubName();
      try {
        const staff = await peekSignInToken(db, config.secretKey, token, now());
        return helpers.sendPage(reply, linkConfirmPage(name, signInFormToken(reply), String(token), staff.email));
      } catch (e) {
        if (!(e instanceof UnauthorizedError)) throw e;
        return helpers.sendPage(reply, signInPage(name, signInFormToken(reply), { notice: { kind: 'error', text: e.message } }), 401);
      }
    });

    admin.post('/admin/signin/link/use', { config: { newsroomPublic: true } }, async (req, reply) => {
      checkSignInForm(req);
      const token = (req.body as Record<string, unknown>).token;
      try {
        const staff = await consumeSignInToken(db, config.secretKey, token, now());
        await startSession(req, reply, staff.id);
        return reply.redirect('/admin', 303);
      } catch (e) {
        if (!(e instanceof UnauthorizedError)) throw e;
        return helpers.sendPage(reply, signInPage(await pubName(), signInFormToken(reply), { notice: { kind: 'error', text: e.message } }), 401);
      }
    });

    admin.post('/admin/signout', async (req, reply) => {
      await destroySession(db, helpers.session(req).idHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/admin/signin', 303);
    });

    // ---- Dashboard and account ------------------------------------------------------------------------

    admin.get('/admin', async (req, reply) => {
      const ctx = await helpers.ctx(req);
      const [y, m, d] = localDate(now(), ctx.timeZone).split('-').map(Number) as [number, number, number];
      const since = zonedTimeToUtc(y, m, d, 0, 0, ctx.timeZone);
      const [articles, editions] = await Promise.all([dashboardArticles(db, since), nextEditions(web)]);
      // Without SMTP nothing is sent: editors are told where the mail went.
      const outbox = !config.smtpUrl && can(ctx.session.staff.role, 'newsletters.manage') ? listOutboxMessages(config.dataDir, { limit: 0 }).total : null;
      return helpers.sendPage(reply, dashboardPage(ctx, ctx.timeZone, articles, editions, noticeFrom(req.query), outbox));
    });

    admin.get('/admin/account', async (req, reply) => {
      const ctx = await helpers.ctx(req);
      return helpers.sendPage(reply, accountPage(ctx, noticeFrom(req.query)));
    });

    admin.post('/admin/account/password', async (req, reply) => {
      const s = helpers.session(req);
      const body = req.body as Record<string, unknown>;
      const ctx = await helpers.ctx(req);
      if (body.password !== body.confirm) {
        return helpers.sendPage(reply, accountPage(ctx, { kind: 'error', text: 'The two passwords are not the same. Type the new password twice.' }), 400);
      }
      try {
        await setPassword(db, s.staff.id, typeof body.password === 'string' ? body.password : '');
      } catch (e) {
        if (e instanceof ValidationError) return helpers.sendPage(reply, accountPage(ctx, { kind: 'error', text: e.message }), 400);
        throw e;
      }
      return reply.redirect('/admin/account?notice=password', 303);
    });

    registerArticleRoutes(admin, web, helpers);
    registerSettingsRoutes(admin, web, helpers);
    registerNewsletterRoutes(admin, web, helpers);
    registerSubscriberRoutes(admin, web, helpers);
    registerOutboxRoutes(admin, web, helpers);
  });
}
