// The Admin API's handlers: JSON under /api/admin, for an admin key (Authorization: Bearer <key>),
// which acts with its staff role. The area checks the key and each route's permission before a
// handler runs (src/api/routes.ts lists them); article routes also check ownership
// (src/api/articles.ts). Thin: parse, call the domain, return JSON. Errors are the platform's JSON
// shape {error: {status, code, message, fields}}.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accentProblem, normalizeHex } from '../publication/brand.ts';
import type { Deps } from '../deps.ts';
import { NotFoundError, ValidationError, pathId, INT_ID_MAX } from '../platform/errors.ts';
import { parseInput } from '../platform/validate.ts';
import { isLocale, isTimeZone } from '../platform/time.ts';
import { getPublication, PUBLICATION_KEYS, setPublicationSetting } from '../publication/settings.ts';
import { getNewsletterBySlug, listNewsletters, upsertNewsletter } from '../newsletters/newsletters.ts';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, rotateWebhookSecret, updateWebhook } from '../webhooks/webhooks.ts';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, type ApiKey } from '../staff/api-keys.ts';
import { apiCreateArticle, apiDeleteArticle, assertCanRead, apiSetStatus, apiUpdateArticle, getAdminArticle, listArticles, listQuerySchema } from './articles.ts';
import { listRevisions } from '../articles/revisions.ts';
import { leadProblem } from '../articles/queries.ts';
import { createTaxonomy, deleteTaxonomy, getTaxonomy, listTaxonomy, updateTaxonomy, type TaxonomyKind } from '../articles/taxonomy.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Admin API key of the request (set by the area's key check). */
    apiKey: ApiKey | null;
  }
}

const slugParam = z.object({ slug: z.string().min(1).max(120) });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1), limit: z.coerce.number().int().min(1).max(100).default(50) });

/** The :id of the URL; an id that cannot exist (not plain digits, over an int's range) names nothing (a 404). */
export function idOf(req: FastifyRequest): number {
  return pathId(req.params, `No such ${String((req.params as { id?: unknown }).id ?? '')}`, INT_ID_MAX);
}

const slugOf = (req: FastifyRequest) => parseInput(slugParam, req.params, { what: 'query' }).slug;
const keyOf = (req: FastifyRequest) => req.apiKey!;
const pagination = (page: number, limit: number, total: number) => ({ pagination: { page, limit, total, pages: Math.max(1, Math.ceil(total / limit)) } });

const LEAD_ID = 'must be the id of a published story (a whole number from 1), or null to unpin the lead';

const settingsPatch = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(1000),
    logoUrl: z.string().trim().max(2000).regex(/^(https?:\/\/|\/(?!\/))/, 'must be an http(s) URL or a path starting with /').nullable(),
    timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/London'),
    locale: z.string().refine(isLocale, 'a BCP 47 locale such as en-GB'),
    pageSize: z.number().int().min(5).max(100),
    accentColor: z.string().superRefine((c, ctx) => {
      const problem = accentProblem(c);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }).transform((c) => normalizeHex(c)!),
    // The id of a published story to pin as the front page's lead, or null to unpin (checked against the articles below).
    leadArticleId: z.number({ error: LEAD_ID }).int({ error: LEAD_ID }).positive({ error: LEAD_ID }).max(2_147_483_647, { error: LEAD_ID }).nullable(),
  })
  .partial()
  .strict();

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function adminApi(deps: Deps) {
  const { db, clock } = deps;

  const taxonomy = (kind: TaxonomyKind) => ({
    list: (async () => ({ data: await listTaxonomy(db, kind) })) as Handler,
    get: (async (req) => ({ data: await getTaxonomy(db, kind, slugOf(req)) })) as Handler,
    create: (async (req, reply) => reply.code(201).send({ data: await createTaxonomy(db, kind, req.body) })) as Handler,
    update: (async (req) => ({ data: await updateTaxonomy(db, kind, slugOf(req), req.body) })) as Handler,
    remove: (async (req, reply) => {
      await deleteTaxonomy(db, kind, slugOf(req));
      return reply.code(204).send();
    }) as Handler,
  });

  const handlers = {
    me: (async (req) => {
      const k = keyOf(req);
      return { key: { id: k.id, name: k.name, role: k.role, prefix: k.prefix } };
    }) as Handler,

    // ---- articles
    listArticles: (async (req) => {
      const q = parseInput(listQuerySchema, req.query, { what: 'query' });
      const { items, total } = await listArticles(db, q, keyOf(req));
      return { data: items, meta: pagination(q.page, q.limit, total) };
    }) as Handler,
    createArticle: (async (req, reply) => reply.code(201).send({ data: await apiCreateArticle(db, keyOf(req), req.body, clock.now()) })) as Handler,
    getArticle: (async (req) => {
      const a = await getAdminArticle(db, idOf(req));
      assertCanRead(keyOf(req), a);
      return { data: a };
    }) as Handler,
    updateArticle: (async (req) => ({ data: await apiUpdateArticle(db, keyOf(req), idOf(req), req.body, clock.now()) })) as Handler,
    deleteArticle: (async (req, reply) => {
      await apiDeleteArticle(db, keyOf(req), idOf(req));
      return reply.code(204).send();
    }) as Handler,
    setStatus: (action: 'publish' | 'schedule' | 'unpublish'): Handler => async (req) => ({ data: await apiSetStatus(db, keyOf(req), idOf(req), action, req.body, clock.now()) }),
    articleRevisions: (async (req) => {
      const id = idOf(req);
      assertCanRead(keyOf(req), await getAdminArticle(db, id), 'revisions'); // a 404 for an article that is not there
      return { data: await listRevisions(db, id, 200) };
    }) as Handler,

    // ---- formats, sections, tags, authors
    formats: taxonomy('formats'),
    sections: taxonomy('sections'),
    tags: taxonomy('tags'),
    authors: taxonomy('authors'),

    // ---- settings
    getSettings: (async () => ({ data: await getPublication(db, deps.config) })) as Handler,
    updateSettings: (async (req) => {
      const patch = parseInput(settingsPatch, req.body, { what: 'settings' });
      if (typeof patch.leadArticleId === 'number') {
        const problem = await leadProblem(db, patch.leadArticleId);
        if (problem) throw new ValidationError(`Invalid settings: leadArticleId: ${problem}.`, { leadArticleId: problem });
      }
      await db.tx(async (tx) => {
        for (const k of PUBLICATION_KEYS) if (patch[k] !== undefined) await setPublicationSetting(tx, k, patch[k]);
      });
      return { data: await getPublication(db, deps.config) };
    }) as Handler,

    // ---- webhooks
    listWebhooks: (async () => ({ data: await listWebhooks(db) })) as Handler,
    createWebhook: (async (req, reply) => {
      const { webhook, secret } = await createWebhook(db, req.body);
      return reply.code(201).send({ data: { ...webhook, secret } });
    }) as Handler,
    getWebhook: (async (req) => ({ data: await getWebhook(db, idOf(req)) })) as Handler,
    updateWebhook: (async (req) => ({ data: await updateWebhook(db, idOf(req), req.body) })) as Handler,
    deleteWebhook: (async (req, reply) => {
      await deleteWebhook(db, idOf(req));
      return reply.code(204).send();
    }) as Handler,
    rotateWebhookSecret: (async (req) => ({ data: { secret: await rotateWebhookSecret(db, idOf(req)) } })) as Handler,
    webhookDeliveries: (async (req) => {
      const q = parseInput(pageQuery, req.query, { what: 'query' });
      return { data: await listDeliveries(db, idOf(req), q.limit, (q.page - 1) * q.limit) };
    }) as Handler,

    // ---- API keys
    listKeys: (async () => ({ data: await listApiKeys(db) })) as Handler,
    createKey: (async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('The body must be a JSON object.', { input: 'expected an object' });
      const { key: created, secret } = await createApiKey(db, { name: body.name as string, kind: body.kind as 'admin', role: body.role as any, createdBy: keyOf(req).created_by });
      return reply.code(201).send({ data: { ...created, secret } });
    }) as Handler,
    revokeKey: (async (req, reply) => {
      await getApiKey(db, idOf(req));
      await revokeApiKey(db, idOf(req), clock.now());
      return reply.code(204).send();
    }) as Handler,

    // ---- newsletters
    listNewsletters: (async () => ({ data: await listNewsletters(db) })) as Handler,
    getNewsletter: (async (req) => {
      const n = await getNewsletterBySlug(db, slugOf(req));
      if (!n) throw new NotFoundError('No such newsletter');
      return { data: n };
    }) as Handler,
    putNewsletter: (async (req) => {
      const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
      return { data: await upsertNewsletter(db, { ...(body as any), slug: slugOf(req) }) };
    }) as Handler,
  };
  return handlers;
}
