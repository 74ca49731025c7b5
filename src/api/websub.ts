// The WebSub callback of the wire's feeds (issue #11): GET is a hub verifying a subscription (the
// challenge echoed as text/plain), POST is a hub pushing content (the raw body, checked against the
// secret by src/newswire/push.ts). The URL's last segment names the subscription. Public, so it is
// rate-limited per client address (routes.ts) and tells nothing about other subscriptions.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { verifyWebsub } from '../newswire/websub.ts';
import { receiveWebsubPush } from '../newswire/push.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** The scope's bodies are taken raw, whatever their type (feeds come as RSS, Atom, JSON or anything). */
export function rawPushBodies(scope: FastifyInstance, maxBytes: number): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
}

const tokenOf = (req: FastifyRequest) => String((req.params as { token?: string }).token ?? '').slice(0, 200);

export function websubApi(deps: Deps): { verify: Handler; push: Handler } {
  const verify: Handler = async (req, reply) => {
    const r = await verifyWebsub(deps.db, tokenOf(req), (req.query ?? {}) as Record<string, unknown>);
    reply.header('cache-control', 'no-store');
    if (r.status === 404) return reply.code(404).type('text/plain; charset=utf-8').send(r.message);
    return reply.code(200).type('text/plain; charset=utf-8').send(r.challenge);
  };
  const push: Handler = async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : '');
    const sig = req.headers['x-hub-signature'];
    const r = await receiveWebsubPush(deps, tokenOf(req), body, String(req.headers['content-type'] ?? ''), Array.isArray(sig) ? sig[0] : sig);
    reply.header('cache-control', 'no-store');
    if (r.status === 404) return reply.code(404).type('text/plain; charset=utf-8').send(r.reason ?? 'No such subscription.');
    // Taken or ignored alike: a hub (or a forger) learns nothing from the answer.
    return reply.code(202).type('text/plain; charset=utf-8').send('Accepted');
  };
  return { verify, push };
}
