// The Admin API's handlers for subscribers and editions (all need newsletters.manage; the URLs and
// the check are in src/api/routes.ts). Thin: they parse and call the newsletters domain
// (src/newsletters/subscribers.ts, signup.ts, editions.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { NotFoundError, pathId } from '../platform/errors.ts';
import { getNewsletterBySlug } from '../newsletters/newsletters.ts';
import { addSubscriber, deleteSubscriber, exportSubscribersCsv, findPersonIdByEmail, importSubscribersCsv, listSubscribers } from '../newsletters/subscribers.ts';
import { unsubscribe } from '../newsletters/signup.ts';
import {
  buildEdition, getEdition, listEditions, reorderItems, scheduleEdition, sendStatus, setIntro, setSubject, startSend, type EditionStatus,
} from '../newsletters/editions.ts';
import { parseInput } from '../platform/validate.ts';

const EDITION_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const satisfies readonly EditionStatus[];
const slug = z.string().max(120).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a newsletter slug');
const page = { page: z.coerce.number().int().min(1).max(100_000).default(1), limit: z.coerce.number().int().min(1).max(500).default(50) };

function editionId(req: FastifyRequest): number {
  return pathId(req.params, 'No such edition');
}

async function personByEmail(deps: Deps, email: string): Promise<number> {
  const id = await findPersonIdByEmail(deps.db, email);
  if (id === null) throw new NotFoundError(`No subscriber with the address ${email}`);
  return id;
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function newsletterApi(deps: Deps) {
  const { db, clock } = deps;
  const handlers = {} as Record<'listSubscribers' | 'addSubscriber' | 'unsubscribe' | 'deleteSubscriber' | 'importSubscribers' | 'exportSubscribers' | 'listEditions' | 'buildEdition' | 'getEdition' | 'updateEdition' | 'reorderItems' | 'scheduleEdition' | 'startSend' | 'sendStatus', Handler>;

  // ---- subscribers ----
  handlers.listSubscribers = async (req) => {
    const q = parseInput(z.object({ newsletter: slug.optional(), status: z.enum(['pending', 'confirmed', 'unsubscribed']).optional(), q: z.string().max(200).optional(), ...page }), req.query, { what: 'query' });
    const { rows, total } = await listSubscribers(db, { newsletter: q.newsletter, status: q.status, q: q.q, limit: q.limit, offset: (q.page - 1) * q.limit });
    return { data: rows, meta: { pagination: { page: q.page, limit: q.limit, total, pages: Math.max(1, Math.ceil(total / q.limit)) } } };
  };
  handlers.addSubscriber = async (req, reply) => {
    const b = parseInput(
      z.object({ email: z.string().min(3).max(320), name: z.string().max(200).optional(), newsletters: z.array(slug).min(1, 'name at least one newsletter').max(50), confirmed: z.boolean().default(false), consentAt: z.coerce.date().optional() }),
      req.body,
      { what: 'subscriber' },
    );
    const r = await addSubscriber(deps, { ...b, source: 'api' });
    return reply.code(201).send({ data: { person_id: r.personId, confirmed: b.confirmed } });
  };
  handlers.unsubscribe = async (req) => {
    const b = parseInput(z.object({ email: z.string().min(3).max(320), newsletter: slug.optional() }), req.body, { what: 'request' });
    const personId = await personByEmail(deps, b.email);
    let newsletterId: number | null = null;
    if (b.newsletter) {
      const n = await getNewsletterBySlug(db, b.newsletter);
      if (!n) throw new NotFoundError(`No newsletter "${b.newsletter}"`);
      newsletterId = n.id;
    }
    return { data: { unsubscribed: await unsubscribe(db, personId, newsletterId, clock.now()) } };
  };
  handlers.deleteSubscriber = async (req, reply) => {
    const { email } = req.params as { email: string };
    const r = await deleteSubscriber(db, email);
    if (!r.deleted) throw new NotFoundError(`No subscriber with the address ${email}`);
    return reply.code(204).send();
  };
  handlers.importSubscribers = async (req) => {
    const b = parseInput(z.object({ csv: z.string().min(1, 'the CSV text is empty').max(50_000_000), newsletter: slug, confirmed: z.boolean().default(false) }), req.body, { what: 'import' });
    return { data: await importSubscribersCsv(deps, b.csv, { newsletter: b.newsletter, confirmed: b.confirmed }) };
  };
  handlers.exportSubscribers = async (req, reply) => {
    const q = parseInput(z.object({ newsletter: slug.optional() }), req.query, { what: 'query' });
    const { csv, count } = await exportSubscribersCsv(db, { newsletter: q.newsletter });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="subscribers${q.newsletter ? '-' + q.newsletter : ''}.csv"`)
      .header('x-total-count', String(count))
      .send(csv);
  };

  // ---- editions ----
  handlers.listEditions = async (req) => {
    const q = parseInput(z.object({ newsletter: slug.optional(), status: z.enum(EDITION_STATUSES).optional(), ...page }), req.query, { what: 'query' });
    return { data: await listEditions(db, { newsletter: q.newsletter, status: q.status ? [q.status] : undefined, limit: q.limit, offset: (q.page - 1) * q.limit }) };
  };
  handlers.buildEdition = async (req, reply) => {
    const p = parseInput(z.object({ slug }), req.params, { what: 'query' });
    if (!(await getNewsletterBySlug(db, p.slug))) throw new NotFoundError(`No newsletter "${p.slug}"`);
    return reply.code(201).send({ data: await buildEdition(deps, p.slug) });
  };
  handlers.getEdition = async (req) => {
    return { data: await getEdition(db, editionId(req)) };
  };
  handlers.updateEdition = async (req) => {
    const id = editionId(req);
    const b = parseInput(z.object({ intro: z.string().max(20_000).optional(), subject: z.string().max(300).optional() }).strict(), req.body, { what: 'edition' });
    await getEdition(db, id);
    if (b.intro !== undefined) await setIntro(db, id, b.intro);
    if (b.subject !== undefined) await setSubject(db, id, b.subject);
    return { data: await getEdition(db, id) };
  };
  handlers.reorderItems = async (req) => {
    const b = parseInput(z.object({ articleIds: z.array(z.number().int().positive()).max(200) }), req.body, { what: 'items' });
    return { data: await reorderItems(db, editionId(req), b.articleIds) };
  };
  handlers.scheduleEdition = async (req) => {
    const b = parseInput(z.object({ at: z.coerce.date().nullable() }), req.body, { what: 'schedule' });
    return { data: await scheduleEdition(deps, editionId(req), b.at) };
  };
  handlers.startSend = async (req) => {
    const r = await startSend(deps, editionId(req));
    return { data: { edition: r.edition, queued: r.queued } };
  };
  handlers.sendStatus = async (req) => {
    return { data: await sendStatus(db, editionId(req)) };
  };
  return handlers;
}
