// The Admin API's newswire handlers (issue #11): outlets with their health, and the wire's items.
// URLs and access are in src/api/routes.ts; these parse and call src/newswire/.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { pathId, INT_ID_MAX } from '../platform/errors.ts';
import { parseInput } from '../platform/validate.ts';
import { createOutlet, deleteOutlet, getOutlet, listOutlets, updateOutlet, LEANS, type Outlet } from '../newswire/outlets.ts';
import { getItem, listItems } from '../newswire/items.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
const page = { page: z.coerce.number().int().min(1).max(100_000).default(1), limit: z.coerce.number().int().min(1).max(500).default(50) };

function idOf(req: FastifyRequest, what: string): number {
  return pathId(req.params, `No such ${what}`, what === 'outlet' ? INT_ID_MAX : Number.MAX_SAFE_INTEGER);
}

const outletBody = z
  .object({
    name: z.string().max(200),
    url: z.string().max(2000),
    feeds: z.array(z.string().max(2000)).max(50),
    lean: z.string().max(40),
    rating_source: z.string().max(200).nullable(),
    rating_confidence: z.string().max(20).nullable(),
    country: z.string().max(10).nullable(),
    language: z.string().max(40).nullable(),
    fetch_allowed: z.boolean(),
    active: z.boolean(),
  })
  .partial()
  .strict();

/** The outlet as the API shows it (the health fields named by the issue included). */
function show(o: Outlet) {
  return o;
}

export function wireApi(deps: Deps) {
  const { db } = deps;
  const h = {} as Record<'listOutlets' | 'createOutlet' | 'getOutlet' | 'updateOutlet' | 'deleteOutlet' | 'listItems' | 'getItem', Handler>;
  h.listOutlets = async (req) => {
    const q = parseInput(z.object({ lean: z.enum(LEANS).optional(), q: z.string().max(200).optional(), ...page }), req.query, { what: 'query' });
    const { outlets, total } = await listOutlets(db, { lean: q.lean, q: q.q, limit: q.limit, offset: (q.page - 1) * q.limit });
    return { data: outlets.map(show), meta: { pagination: { page: q.page, limit: q.limit, total, pages: Math.max(1, Math.ceil(total / q.limit)) } } };
  };
  h.createOutlet = async (req, reply) => {
    const b = parseInput(outletBody.required({ name: true, url: true }), req.body, { what: 'outlet' });
    return reply.code(201).send({ data: show(await createOutlet(db, b)) });
  };
  h.getOutlet = async (req) => ({ data: show(await getOutlet(db, idOf(req, 'outlet'))) });
  h.updateOutlet = async (req) => {
    const id = idOf(req, 'outlet');
    const b = parseInput(outletBody, req.body ?? {}, { what: 'outlet' });
    return { data: show(await updateOutlet(db, id, b)) };
  };
  h.deleteOutlet = async (req, reply) => {
    await deleteOutlet(db, idOf(req, 'outlet'), { runtime: deps.runtime });
    return reply.code(204).send();
  };
  h.listItems = async (req) => {
    const q = parseInput(
      z.object({
        outlet: z.string().max(120).optional(),
        lean: z.enum(LEANS).optional(),
        language: z.string().max(20).regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/).optional(),
        q: z.string().max(200).optional(),
        since: z.coerce.date().optional(),
        ...page,
      }),
      req.query,
      { what: 'query' },
    );
    const { items, total } = await listItems(db, { outlet: q.outlet || undefined, lean: q.lean, language: q.language, q: q.q, since: q.since, limit: q.limit, offset: (q.page - 1) * q.limit });
    return { data: items.map(apiItem), meta: { pagination: { page: q.page, limit: q.limit, total, pages: Math.max(1, Math.ceil(total / q.limit)) } } };
  };
  h.getItem = async (req) => {
    const it = await getItem(db, idOf(req, 'wire item'));
    return { data: { ...apiItem(it), html: it.html } };
  };
  return h;
}

/** Each item with `outlet`, `lean`, `title`, `url`, `published`, `summary` and the extracted `text`. */
function apiItem(i: Awaited<ReturnType<typeof listItems>>['items'][number]) {
  return {
    id: i.id,
    outlet: i.outlet.slug,
    outlet_name: i.outlet.name,
    lean: i.lean,
    title: i.title,
    url: i.url,
    published: i.published,
    summary: i.summary,
    text: i.text,
    byline: i.byline,
    lang: i.lang,
    image_url: i.image_url,
    extract_status: i.extract_status,
    extract_error: i.extract_error,
    story_id: i.story_id,
  };
}
