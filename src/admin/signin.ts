// Signing in to the newsroom: the sign-in page, password sign-in, asking for a sign-in link (the
// email is a job, queued alike for any address), the link's confirmation page and its use, signing
// out. Attempt limits per client address and per email address. URLs in src/admin/routes.ts; the
// tokens and sessions are the staff domain's (src/staff/signin.ts, sessions.ts).
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import { ForbiddenError, UnauthorizedError } from '../platform/errors.ts';
import { signToken, verifyToken } from '../platform/tokens.ts';
import { getPublication } from '../publication/settings.ts';
import { createSession, destroySession, SESSION_COOKIE, SESSION_MAX_MS } from '../staff/sessions.ts';
import { addressKey, consumeSignInToken, peekSignInToken, requestSignInLink, signInLimiters } from '../staff/signin.ts';
import { checkPassword } from '../staff/staff.ts';
import type { AdminHelpers, Handler } from './newsroom.ts';
import { linkConfirmPage, messagePage, signInPage } from './pages/signin.ts';

const SIGNIN_FORM_COOKIE = 'nd_signin';
const SIGNIN_FORM_PURPOSE = 'staff-signin-form';

export function signInScreens(web: WebDeps, h: AdminHelpers) {
  const { db, config } = web;
  const now = () => web.clock.now();
  const secure = config.siteUrl.startsWith('https:');
  const limiters = signInLimiters();
  const pubName = async () => (await getPublication(db, config)).name;

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
    // Only our own newsroom, and only characters a Location header may carry (a CR, LF or other
    // control or non-ASCII character would make the redirect itself fail).
    return typeof next === 'string' && next.length <= 2000 && /^\/admin(?:[/?#]|$)/.test(next) && !next.startsWith('//') && /^[\x21-\x7e]*$/.test(next) ? next : '/admin';
  }

  async function startSession(req: FastifyRequest, reply: FastifyReply, staffId: number) {
    // A fresh id on every sign-in (no fixation); the old session, if any, ends.
    if (req.newsroom) await destroySession(db, req.newsroom.idHash);
    const s = await createSession(db, staffId, now(), String(req.headers['user-agent'] ?? ''));
    reply.setCookie(SESSION_COOKIE, s.id, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: Math.floor(SESSION_MAX_MS / 1000) });
    reply.clearCookie(SIGNIN_FORM_COOKIE, { path: '/admin' });
  }

  /** Over the per-source limits (src/staff/signin.ts): this source, and this source with this address. */
  function limited(req: FastifyRequest, email: unknown): boolean {
    const t = now();
    const ipOk = limiters.perIp.hit(req.ip, t);
    const addrOk = limiters.perSourceAndAddress.hit(`${req.ip}|${addressKey(email)}`, t);
    return !(ipOk && addrOk);
  }

  const TOO_MANY = 'Too many sign-in attempts. Wait fifteen minutes and try again.';

  /** What the sign-in page tells a newcomer: whether anyone can sign in yet, and where sign-in mail goes. */
  async function signInSetting(): Promise<{ noStaff: boolean; noSmtp: boolean }> {
    const row = await db.one<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM staff WHERE disabled_at IS NULL) AS any`);
    return { noStaff: !row?.any, noSmtp: !config.smtpUrl };
  }

  const signInForm: Handler = async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    if (req.newsroom) return reply.redirect(safeNext(q.next), 303);
    return h.sendPage(reply, signInPage(await pubName(), signInFormToken(reply), { ...(await signInSetting()), next: safeNext(q.next) }));
  };

  const signIn: Handler = async (req, reply) => {
    checkSignInForm(req);
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    if (limited(req, email)) {
      return h.sendPage(reply, signInPage(await pubName(), signInFormToken(reply), { ...(await signInSetting()), next: safeNext(body.next), email, notice: { kind: 'error', text: TOO_MANY } }), 429);
    }
    const staff = await checkPassword(db, email, typeof body.password === 'string' ? body.password : '');
    // Wrong passwords for this address from everywhere: over the limit, only the right one gets in.
    if (!staff && (limiters.wrongPerAddress.over(addressKey(email), now()) || !limiters.wrongPerAddress.hit(addressKey(email), now()))) {
      return h.sendPage(reply, signInPage(await pubName(), signInFormToken(reply), { ...(await signInSetting()), next: safeNext(body.next), email, notice: { kind: 'error', text: TOO_MANY } }), 429);
    }
    if (!staff) {
      // The same answer whether the address is unknown, disabled, has no password or the password is wrong.
      return h.sendPage(
        reply,
        signInPage(await pubName(), signInFormToken(reply), { ...(await signInSetting()), next: safeNext(body.next), email, notice: { kind: 'error', text: 'That email address and password do not match. Try again, or ask for a sign-in link.' } }),
        401,
      );
    }
    await startSession(req, reply, staff.id);
    return reply.redirect(safeNext(body.next), 303);
  };

  const requestLink: Handler = async (req, reply) => {
    checkSignInForm(req);
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
    if (limited(req, email)) return h.sendPage(reply, messagePage(await pubName(), 'Too many attempts', TOO_MANY), 429);
    if (email) {
      // Only a job is queued, for any address alike (the job sends the mail if there is an account):
      // neither this answer nor how long it takes tells whether the address exists.
      try {
        await requestSignInLink(web, email);
      } catch (err) {
        web.log.error('sign-in link request not queued', { err });
      }
    }
    return h.sendPage(
      reply,
      messagePage(await pubName(), 'Check your email', `If ${email || 'that address'} belongs to a newsroom account, a sign-in link is on its way. It works once, within twenty minutes.`),
    );
  };

  // The link in the email opens a confirmation page; signing in takes a press of its button, so that
  // mail scanners that fetch links do not use them up.
  const linkForm: Handler = async (req, reply) => {
    const token = (req.query as Record<string, unknown>).token;
    const name = await pubName();
    try {
      const staff = await peekSignInToken(db, config.secretKey, token, now());
      return h.sendPage(reply, linkConfirmPage(name, signInFormToken(reply), String(token), staff.email));
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      return h.sendPage(reply, signInPage(name, signInFormToken(reply), { ...(await signInSetting()), notice: { kind: 'error', text: e.message } }), 401);
    }
  };

  const useLink: Handler = async (req, reply) => {
    checkSignInForm(req);
    const token = (req.body as Record<string, unknown> | undefined)?.token;
    try {
      const staff = await consumeSignInToken(db, config.secretKey, token, now());
      await startSession(req, reply, staff.id);
      return reply.redirect('/admin', 303);
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      return h.sendPage(reply, signInPage(await pubName(), signInFormToken(reply), { ...(await signInSetting()), notice: { kind: 'error', text: e.message } }), 401);
    }
  };

  const signOut: Handler = async (req, reply) => {
    await destroySession(db, h.session(req).idHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/admin/signin', 303);
  };

  return { signInForm, signIn, requestLink, linkForm, useLink, signOut };
}
