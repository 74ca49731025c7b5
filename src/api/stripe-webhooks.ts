// Stripe's webhooks at /webhooks/stripe (URL in src/api/routes.ts). The body must reach the signature
// check byte for byte, so this scope reads JSON as a raw buffer. Thin: the members domain verifies,
// records and applies the event (src/members/stripe.ts); a bad signature or a stale timestamp is a
// 400 that changes nothing; an event for a customer we cannot place is recorded and answered 200.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { ValidationError } from '../platform/errors.ts';
import { receiveStripeWebhook } from '../members/stripe.ts';

/** Raw bodies for Stripe's JSON in this scope only (1 MiB: Stripe's events are far smaller). */
export function rawJson(scope: FastifyInstance): void {
  scope.removeContentTypeParser(['application/json']);
  scope.addContentTypeParser(['application/json'], { parseAs: 'buffer', bodyLimit: 1_048_576 }, (_req, body, done) => done(null, body));
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function stripeWebhooks(deps: Deps): { receive: Handler } {
  return {
    receive: async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : typeof req.body === 'string' ? Buffer.from(req.body) : null;
      if (!raw || !raw.length) throw new ValidationError('Send the Stripe event as the JSON request body.');
      const r = await receiveStripeWebhook(deps, raw, req.headers['stripe-signature']);
      return reply.header('cache-control', 'no-store').send({ received: true, ...r });
    },
  };
}
