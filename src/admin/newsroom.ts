// The newsroom's frame at /admin: one encapsulated Fastify plugin (its cookie and multipart parsers
// apply here only) that loads the session, checks Origin and the CSRF token of every state-changing
// request, sends the signed-out to the sign-in page, checks each route's permission from the table
// (src/admin/routes.ts), and shows errors in the newsroom's own frame. Every admin response is
// `cache-control: no-store`. The helpers screens share (session, ctx, sendPage) are here too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import type { WebDeps } from '../web/site.ts';
import { DomainError, ForbiddenError, UnauthorizedError, ValidationError, asRequestError } from '../platform/errors.ts';
import { wantsJson } from '../platform/http.ts';
import { html } from '../platform/html.ts';
import { getPublication } from '../publication/settings.ts';
import { can, type Permission } from '../staff/roles.ts';
import { csrfMatches, loadSession, SESSION_COOKIE, type SessionInfo } from '../staff/sessions.ts';
import { MAX_IMAGE_BYTES } from '../media/images.ts';
import { adminLayout, type AdminContext, type Notice } from './layout.ts';
import { messagePage } from './pages/signin.ts';
import { parserLimit } from './uploads.ts';

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

export const NOTICES: Record<string, string> = {
  lead: 'The front page’s lead story is changed.',
  created: 'Article created.',
  saved: 'Saved.',
  published: 'Published.',
  scheduled: 'Scheduled.',
  unpublished: 'Unpublished: the article is a draft again.',
  restored: 'Revision restored.',
  image: 'Image uploaded.',
  settings: 'Settings saved.',
  deleted: 'Deleted.',
  profile: 'Profile saved: your byline shows it.',
  author: 'Author saved.',
  invited: 'Invitation sent.',
  staff: 'Staff account updated.',
  password: 'Password saved. Every other session of yours has been signed out.',
  key: 'API key revoked.',
  newsletter: 'Newsletter saved.',
  edition: 'Edition updated.',
  edition_text: 'Subject and intro saved.',
  story_added: 'Story added.',
  story_removed: 'Story removed.',
  story_moved: 'Story moved.',
  edition_scheduled: 'Scheduled: the edition goes out at the time shown.',
  edition_unscheduled: 'Schedule cleared: the edition is a draft again.',
  sending: 'Sending started. The progress below updates as it goes; you can pause at any time.',
  test: 'Test sent to your address.',
  paused: 'Sending paused.',
  resumed: 'Sending resumed.',
  cancelled: 'The send was cancelled: nobody else will get this edition.',
  subscriber_added: 'Subscriber added and confirmed.',
  subscriber_invited: 'Signed up with double opt-in: they are subscribed once they confirm from the verification email (someone who already receives these newsletters is told so instead).',
  unsubscribed: 'Unsubscribed.',
  subscriber_deleted: 'The subscriber was deleted for good.',
  report_applied: 'Report applied: the address is treated as the report says.',
  report_dismissed: 'Report dismissed: nothing was changed.',
  outlet_added: 'Outlet added. Its feeds are polled within a minute or two.',
  outlet_paused: 'Outlet paused: its feeds are not polled until it is resumed.',
  outlet_resumed: 'Outlet resumed.',
  outlet_deleted: 'The outlet was deleted with its items; the stories they were on were recounted, and a story left with none is gone.',
  brief_drafted: 'Brief drafted from the story’s coverage. Every sentence is a quote from an outlet: rewrite it in our words, check the facts and the links, then publish.',
  brief_exists: 'There is already a draft of ours on this story: here it is. Rewrite it, or publish it, before drafting another.',
  story_renamed: 'Story renamed. Its story key stays the same.',
  story_merged: 'Stories merged: the other story\u2019s items and linked articles are now here.',
  story_merged_away: 'That story was merged into this one.',
  story_split: 'Items split off: this is their new story.',
  story_pinned: 'Story pinned to the top of the ranking.',
  story_unpinned: 'Story unpinned.',
  story_hidden: 'Story hidden from the ranking.',
  story_shown: 'Story shown in the ranking again.',
};

export function noticeFrom(query: unknown): Notice | null {
  const n = (query as Record<string, unknown> | undefined)?.notice;
  return typeof n === 'string' && NOTICES[n] ? { kind: 'ok', text: NOTICES[n]! } : null;
}

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Who may use a newsroom URL: anyone (the sign-in pages), any signed-in staff member, or a permission. */
export type Access = 'public' | 'signed in' | Permission;

export interface AdminRoute {
  method: 'GET' | 'POST';
  url: string;
  access: Access;
  handler: Handler;
  /** A multipart form: its handler checks the CSRF field once it has read the fields. */
  csrfInHandler?: boolean;
}

export interface AdminHelpers {
  /** The signed-in session (the preHandler has made sure there is one). */
  session(req: FastifyRequest): SessionInfo;
  need(req: FastifyRequest, permission: Permission): SessionInfo;
  ctx(req: FastifyRequest): Promise<AdminContext & { timeZone: string; locale: string }>;
  sendPage(reply: FastifyReply, page: string, status?: number): FastifyReply;
  /** Check the CSRF token of a multipart form (fields come before the file). */
  checkCsrf(req: FastifyRequest, token: unknown): void;
}

/** The helpers every screen uses, for the newsroom's deps. */
export function adminHelpers(web: WebDeps): AdminHelpers {
  const { db, config } = web;
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
      return { session: helpers.session(req), publicationName: pub.name, path: req.url.split('?')[0]!, timeZone: pub.timeZone, locale: pub.locale, outbox: !config.smtpUrl };
    },
    sendPage(reply, page, status = 200) {
      return reply.code(status).type('text/html; charset=utf-8').send(page);
    },
    checkCsrf(req, token) {
      if (!req.newsroom || !csrfMatches(req.newsroom, token)) {
        throw new ForbiddenError('This form has expired or did not come from the newsroom. Go back, reload the page and try again.');
      }
    },
  };
  return helpers;
}

/** Mount the newsroom: the frame around the routes of the table. */
export function registerNewsroom(app: FastifyInstance, web: WebDeps, helpers: AdminHelpers, routes: AdminRoute[]): void {
  const { db, config } = web;
  const now = () => web.clock.now();
  const siteOrigin = new URL(config.siteUrl).origin;

  app.register(async (admin) => {
    await admin.register(cookie);
    await admin.register(multipart, { limits: { fileSize: parserLimit(MAX_IMAGE_BYTES), files: 1, fields: 20, parts: 25 } });
    admin.decorateRequest('newsroom', null);

    admin.addHook('onRequest', async (req, reply) => {
      reply.header('cache-control', 'no-store');
      req.newsroom = await loadSession(db, req.cookies[SESSION_COOKIE], now());
    });

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
        helpers.checkCsrf(req, req.headers['x-csrf-token'] ?? body?._csrf);
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
      const name = await getPublication(db, config).then((p) => p.name, () => config.publicationName);
      if (!req.newsroom) return reply.type('text/html; charset=utf-8').send(messagePage(name, status === 429 ? 'Too many attempts' : 'Something went wrong', message));
      const ctx: AdminContext = { session: req.newsroom, publicationName: name, path: req.url, outbox: !config.smtpUrl };
      return reply
        .type('text/html; charset=utf-8')
        .send(adminLayout(ctx, 'Error', html`<h1>${status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong'}</h1><p role="alert">${message}</p><p>Use your browser's Back button to return to what you were doing, or <a href="/admin">go to the dashboard</a>.</p>`));
    });

    for (const r of routes) {
      const access = r.access;
      admin.route({
        method: r.method,
        url: r.url,
        config: { newsroomPublic: access === 'public', csrfInHandler: r.csrfInHandler ?? false },
        handler: (req, reply) => {
          if (access !== 'public' && access !== 'signed in') helpers.need(req, access);
          return r.handler(req, reply);
        },
      });
    }
  });
}
