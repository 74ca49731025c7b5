// Bounce and complaint webhooks: POST /webhooks/mail/{ses,postmark,mailgun,sendgrid,dsn}. Enabled by
// MAIL_WEBHOOK_SECRET, which the caller presents as ?key=SECRET in the URL (what the providers'
// consoles let you configure) or in the X-Newsdesk-Webhook-Secret header. `dsn` takes a raw message
// (message/rfc822) from a mail server's pipe, for setups that would rather POST than run the CLI:
// what is in it comes from whoever mailed the bounce mailbox, so it acts only with our signed VERP
// return path and is otherwise held for review (src/newsletters/bounces.ts).
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { NotFoundError, UnauthorizedError, ValidationError } from '../platform/errors.ts';
import { guardedFetch } from '../platform/guarded-fetch.ts';
import { parseMailgun, parsePostmark, parseSendgrid, parseSesNotification, processBounceMessage, recordMailEvents, type MailEvent } from '../newsletters/bounces.ts';

const PARSERS: Record<string, (body: any) => MailEvent[]> = {
  ses: parseSesNotification,
  postmark: parsePostmark,
  mailgun: parseMailgun,
  sendgrid: parseSendgrid,
};

function checkSecret(req: FastifyRequest, secret: string): void {
  if (!secret) throw new NotFoundError('Mail webhooks are not enabled on this site (set MAIL_WEBHOOK_SECRET).');
  const given = String((req.query as Record<string, unknown>)?.key ?? req.headers['x-newsdesk-webhook-secret'] ?? '');
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(secret).digest();
  if (!given || !crypto.timingSafeEqual(a, b)) throw new UnauthorizedError('The webhook secret is missing or wrong.');
}

/** The area's body parsers: a mail pipe posts the raw message (SNS posts JSON as text/plain). */
export function rawMessages(scope: FastifyInstance): void {
  for (const type of ['message/rfc822', 'application/octet-stream']) {
    if (!scope.hasContentTypeParser(type)) scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 10 * 1_048_576 }, (_req, body, done) => done(null, body));
  }
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function mailWebhooks(deps: Deps) {
  const dsn: Handler = async (req) => {
      checkSecret(req, deps.config.mailWebhookSecret);
      const raw = Buffer.isBuffer(req.body) ? req.body : typeof req.body === 'string' ? Buffer.from(req.body) : null;
      if (!raw || !raw.length) throw new ValidationError('Send the raw message as the request body (Content-Type: message/rfc822).');
      const r = await processBounceMessage(deps.db, deps.config.secretKey, raw, deps.clock.now());
      return { kind: r.kind, recorded: r.result.recorded, duplicates: r.result.duplicates, unknown: r.result.unknown, suppressed: r.result.suppressed.length, unsubscribed: r.unsubscribed?.length ?? 0, held: r.result.held ?? 0 };
  };

  const provider: Handler = async (req, reply) => {
      const provider = (req.params as { provider: string }).provider;
      const parse = PARSERS[provider];
      if (!parse) throw new NotFoundError(`Unknown mail provider "${provider}". Supported: ${Object.keys(PARSERS).join(', ')}, dsn.`);
      checkSecret(req, deps.config.mailWebhookSecret);
      let body: any = req.body;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch {
          throw new ValidationError('The body is not JSON.');
        }
      }
      if (provider === 'ses' && body?.Type === 'SubscriptionConfirmation') {
        // Confirm the SNS subscription, but only by fetching an https URL on Amazon's SNS hosts.
        let url: URL | null = null;
        try {
          url = new URL(String(body.SubscribeURL));
        } catch {
          /* not a URL */
        }
        if (!url || url.protocol !== 'https:' || !/^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(url.hostname)) {
          throw new ValidationError('The SNS SubscribeURL is not an Amazon SNS address.');
        }
        const res = await guardedFetch(url, { maxRedirects: 0, timeoutMs: 10_000, maxBytes: 65_536 });
        deps.log.info('confirmed SNS subscription', { topic: body.TopicArn, status: res.status });
        return reply.send({ confirmed: res.status >= 200 && res.status < 300 });
      }
      let events: MailEvent[];
      try {
        events = parse(body);
      } catch (e) {
        throw new ValidationError(`The ${provider} notification could not be read: ${(e as Error).message}`);
      }
      const r = await recordMailEvents(deps.db, events, deps.clock.now());
      return { events: events.length, recorded: r.recorded, duplicates: r.duplicates, unknown: r.unknown, suppressed: r.suppressed.length };
  };

  return { dsn, provider };
}
