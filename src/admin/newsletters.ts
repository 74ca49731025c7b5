// Newsletter screens of the newsroom: each newsletter with its next edition, and the edition composer
// (subject, intro, add, remove, reorder, send a test to myself, schedule, start the send, live
// progress), one handler per action. Thin handlers over src/newsletters/editions.ts; URLs in
// src/admin/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { listPublished } from '../articles/queries.ts';
import {
  addItem, buildEdition, cancelSend, getEdition, pauseSend, removeItem, reorderItems, resumeSend, scheduleEdition, sendStatus, setIntro, setSubject, startSend,
} from '../newsletters/editions.ts';
import { sendTest } from '../newsletters/delivery/test-send.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { nextEditions } from '../newsletters/next-editions.ts';
import { cancelConfirmPage, composerPage, newslettersPage, sendConfirmPage } from './pages/newsletters.ts';
import { countRecipients } from '../newsletters/stats.ts';
import { editionPreview, withSampleRecipient } from '../newsletters/preview.ts';
import { MAIL_FRAME_CSP, MESSAGE_PAGE_CSP } from './outbox.ts';
import { topUncovered } from '../newswire/coverage/coverage.ts';
import { fromLocalInput } from '../platform/time.ts';

function num(req: FastifyRequest, name = 'id'): number {
  const v = (req.params as Record<string, string>)[name] ?? '';
  if (!/^[1-9]\d{0,8}$/.test(v)) throw new NotFoundError('There is no such edition.'); // int4 ids
  return Number(v);
}

export function newsletterScreens(web: WebDeps, h: AdminHelpers) {
  const { db } = web;

  const list: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    return h.sendPage(reply, newslettersPage(ctx, ctx.timeZone, await nextEditions(web), noticeFrom(req.query)));
  };

  const build: Handler = async (req, reply) => {
    const e = await buildEdition(web, num(req));
    return reply.redirect(`/admin/newsletters/editions/${e.id}?notice=edition`, 303);
  };

  const composer: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const e = await getEdition(db, num(req));
    const editable = e.status === 'draft' || e.status === 'scheduled';
    const [status, recent, recipients, uncovered] = await Promise.all([
      sendStatus(db, e.id),
      listPublished(db, {}, 40),
      countRecipients(db, e.newsletter.id),
      // The day's top stories on the wire we have not published on: "Draft a brief" beside each.
      editable ? topUncovered(db, { now: web.clock.now(), limit: 8 }) : Promise.resolve([]),
    ]);
    const candidates = recent.filter((a) => !e.items.some((i) => i.id === a.id));
    // The page frames its own preview (this site's URL), nothing else new.
    reply.header('content-security-policy', MESSAGE_PAGE_CSP);
    return h.sendPage(reply, composerPage(ctx, ctx.timeZone, e, status, candidates, noticeFrom(req.query), recipients, uncovered));
  };

  /** The email as readers will get it, for the composer's frames: sandboxed, no script, no forms. */
  const preview: Handler = async (req, reply) => {
    const p = await editionPreview(web, num(req));
    return reply
      .headers({ 'content-security-policy': MAIL_FRAME_CSP, 'x-frame-options': 'SAMEORIGIN', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' })
      .type('text/html; charset=utf-8')
      .send(withSampleRecipient(p.html, web.config.siteUrl));
  };

  /** "Send to 12,408 readers now?" before a send starts. */
  const sendConfirm: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const e = await getEdition(db, num(req));
    return h.sendPage(reply, sendConfirmPage(ctx, e, await countRecipients(db, e.newsletter.id)));
  };

  const status: Handler = async (req, reply) => {
    return reply.send(await sendStatus(db, num(req)));
  };

  // Cancelling a send stops it for good: a confirmation page first.
  const cancelForm: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const e = await getEdition(db, num(req));
    return h.sendPage(reply, cancelConfirmPage(ctx, e, await sendStatus(db, e.id)));
  };

  // Every change to an edition: one form per action, each redirecting back to the composer.
  const back = (reply: FastifyReply, id: number, notice = 'edition') => reply.redirect(`/admin/newsletters/editions/${id}?notice=${notice}`, 303);
  const form = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;
  const articleId = (req: FastifyRequest) => {
    const v = String(form(req).article ?? '');
    if (!/^[1-9]\d{0,9}$/.test(v)) throw new ValidationError('Choose a story.');
    return Number(v);
  };

  const setText: Handler = async (req, reply) => {
    const id = num(req);
    const body = form(req);
    await setSubject(db, id, String(body.subject ?? ''));
    await setIntro(db, id, String(body.intro ?? ''));
    return back(reply, id, 'edition_text');
  };
  const add: Handler = async (req, reply) => {
    const id = num(req);
    await addItem(db, id, articleId(req));
    return back(reply, id, 'story_added');
  };
  const remove: Handler = async (req, reply) => {
    const id = num(req);
    await removeItem(db, id, articleId(req));
    return back(reply, id, 'story_removed');
  };
  /** One place up or down; at either end nothing moves. */
  const move: Handler = async (req, reply) => {
    const id = num(req);
    const e = await getEdition(db, id);
    const ids = e.items.map((i) => i.id);
    const from = ids.indexOf(articleId(req));
    const to = from + (form(req).direction === 'up' ? -1 : 1);
    if (from >= 0 && to >= 0 && to < ids.length) {
      [ids[from], ids[to]] = [ids[to]!, ids[from]!];
      await reorderItems(db, id, ids);
      return back(reply, id, 'story_moved');
    }
    return back(reply, id);
  };
  const test: Handler = async (req, reply) => {
    const id = num(req);
    await sendTest(web, id, h.session(req).staff.email);
    return back(reply, id, 'test');
  };
  const schedule: Handler = async (req, reply) => {
    const id = num(req);
    const ctx = await h.ctx(req);
    const at = String(form(req).at ?? '').trim();
    await scheduleEdition(web, id, at ? fromLocalInput(at, ctx.timeZone, 'at') : null);
    return back(reply, id, at ? 'edition_scheduled' : 'edition_unscheduled');
  };
  // Only from the confirmation page (its `confirm` field): a bare POST is shown the question first.
  const send: Handler = async (req, reply) => {
    const id = num(req);
    if (!form(req).confirm) return reply.redirect(`/admin/newsletters/editions/${id}/send`, 303);
    await startSend(web, id);
    return back(reply, id, 'sending');
  };
  const pause: Handler = async (req, reply) => {
    const id = num(req);
    await pauseSend(db, id);
    return back(reply, id, 'paused');
  };
  const resume: Handler = async (req, reply) => {
    const id = num(req);
    await resumeSend(db, id);
    return back(reply, id, 'resumed');
  };
  const cancel: Handler = async (req, reply) => {
    const id = num(req);
    await cancelSend(db, id);
    return back(reply, id, 'cancelled');
  };

  return { list, build, composer, preview, sendConfirm, status, cancelForm, setText, add, remove, move, test, schedule, send, pause, resume, cancel };
}
