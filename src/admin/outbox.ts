// The outbox viewer (editors and administrators; URLs in src/admin/routes.ts): without SMTP_URL
// every email is an .eml file in DATA_DIR/outbox, listed here newest first and readable one by one. A message's HTML part is never
// put into the newsroom's page: it is served on its own URL with a CSP whose `sandbox` directive and
// `default-src 'none'` forbid scripts, forms and plug-ins, and shown in a sandboxed iframe.
import type { FastifyRequest } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import { NotFoundError } from '../platform/errors.ts';
import { CONTENT_SECURITY_POLICY } from '../platform/http.ts';
import { listOutboxMessages, readOutboxMessage } from '../newsletters/delivery/transport.ts';
import type { AdminHelpers, Handler } from './newsroom.ts';
import { readMessage } from './outbox-message.ts';
import { outboxMessagePage, outboxPage, OUTBOX_PER_PAGE } from './pages/outbox.ts';

/** For the HTML part of a message: inline styles and remote images (as a mail client shows them), nothing else. */
export const MAIL_FRAME_CSP = [
  "default-src 'none'",
  "img-src 'self' https: data:",
  "style-src 'unsafe-inline' https:",
  "font-src https: data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  'sandbox',
].join('; ');

/** The message page itself may frame this site's own URLs (the HTML part), and nothing else new. */
export const MESSAGE_PAGE_CSP = CONTENT_SECURITY_POLICY.replace(/frame-src [^;]*/, "frame-src 'self'");

function message(req: FastifyRequest, dataDir: string): { file: string; raw: Buffer } {
  const file = (req.params as { file?: string }).file ?? '';
  const raw = readOutboxMessage(dataDir, file);
  if (!raw) throw new NotFoundError('There is no such message in the outbox.');
  return { file, raw };
}

export function outboxScreens(web: WebDeps, h: AdminHelpers) {
  const { config } = web;

  const list: Handler = async (req, reply) => {
    const p = String((req.query as Record<string, unknown>).page ?? '1');
    const page = /^[1-9]\d{0,6}$/.test(p) ? Number(p) : 1;
    const messages = listOutboxMessages(config.dataDir, { limit: OUTBOX_PER_PAGE, offset: (page - 1) * OUTBOX_PER_PAGE });
    const ctx = await h.ctx(req);
    return h.sendPage(reply, outboxPage(ctx, ctx.timeZone, messages, page, Boolean(config.smtpUrl)));
  };

  const show: Handler = async (req, reply) => {
    const { file, raw } = message(req, config.dataDir);
    reply.header('content-security-policy', MESSAGE_PAGE_CSP);
    return h.sendPage(reply, outboxMessagePage(await h.ctx(req), file, readMessage(raw)));
  };

  const showHtml: Handler = async (req, reply) => {
    const m = readMessage(message(req, config.dataDir).raw);
    if (m.html === null) throw new NotFoundError('This message has no HTML part.');
    return reply
      .headers({ 'content-security-policy': MAIL_FRAME_CSP, 'x-frame-options': 'SAMEORIGIN', 'referrer-policy': 'no-referrer' })
      .type('text/html; charset=utf-8')
      .send(m.html);
  };

  const showRaw: Handler = async (req, reply) => {
    const { file, raw } = message(req, config.dataDir);
    return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${file}"`).send(raw);
  };

  return { list, show, showHtml, showRaw };
}
