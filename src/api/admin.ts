// The Admin API: JSON under /api/admin, authenticated by `Authorization: Bearer <admin key>`. Every
// route names the permission it needs (src/staff/roles.ts); article routes also check ownership
// (src/api/articles.ts). Handlers are thin: parse, call the domain, return JSON. Errors are the
// platform's JSON shape {error: {status, code, message, fields}}.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../platform/errors.ts';
import { parseInput } from '../platform/validate.ts';
import { can, type Permission } from '../staff/roles.ts';
import { getPublication, PUBLICATION_KEYS, setPublicationSetting } from '../publication/settings.ts';
import { getNewsletterBySlug, listNewsletters, upsertNewsletter } from '../newsletters/newsletters.ts';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, rotateWebhookSecret, updateWebhook } from '../webhooks/webhooks.ts';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, type ApiKey, type KeyVerifier } from './keys.ts';
import {
  apiCreateArticle, apiDeleteArticle, apiSetStatus, apiUpdateArticle, getAdminArticle, listArticles, listQuerySchema, listRevisions,
} from './articles.ts';
import { registerNewsletterAdminRoutes } from './newsletters.ts';
import { createTaxonomy, deleteTaxonomy, getTaxonomy, listTaxonomy, updateTaxonomy, type TaxonomyKind } from './taxonomy.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: ApiKey | null;
  }
}

const idParam = z.object({ id: z.coerce.number().int().positive('must be a positive whole number').max(2_147_483_647) });
const slugParam = z.object({ slug: z.string().min(1).max(120) });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1), limit: z.coerce.number().int().min(1).max(100).default(50) });

function id(req: FastifyRequest): number {
  const r = idParam.safeParse(req.params);
  // An id that cannot exist names nothing.
  if (!r.success) throw new NotFoundError(`No such ${(req.params as { id?: string }).id ?? ''}`);
  return r.data.id;
}

function key(req: FastifyRequest, permission?: Permission): ApiKey {
  const k = req.apiKey;
  if (!k) throw new UnauthorizedError('An admin API key is required: Authorization: Bearer <key>.');
  if (permission && !can(k.role!, permission)) throw new ForbiddenError(`A ${k.role} key may not do this (needs ${permission}).`);
  return k;
}

const pagination = (page: number, limit: number, total: number) => ({ pagination: { page, limit, total, pages: Math.max(1, Math.ceil(total / limit)) } });

const settingsPatch = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(1000),
    logoUrl: z.string().trim().max(2000).regex(/^(https?:\/\/|\/(?!\/))/, 'must be an http(s) URL or a path starting with /').nullable(),
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as Europe/London'),
    locale: z.string().refine((l) => {
      try {
        new Intl.DateTimeFormat(l);
        return true;
      } catch {
        return false;
      }
    }, 'a BCP 47 locale such as en-GB'),
    pageSize: z.number().int().min(5).max(100),
  })
  .partial()
  .strict();

export async function registerAdminApi(app: FastifyInstance, deps: Deps, verifier: KeyVerifier): Promise<void> {
  const { db, clock } = deps;
  await app.register(
    async (api) => {
      api.decorateRequest('apiKey', null);
      api.addHook('onRequest', async (req, reply) => {
        reply.header('cache-control', 'no-store');
        const h = req.headers.authorization ?? '';
        const m = /^Bearer\s+(\S+)$/i.exec(h);
        if (!m) throw new UnauthorizedError(h ? 'Use Authorization: Bearer <admin key>.' : 'An admin API key is required: Authorization: Bearer <key>.');
        const k = await verifier.verify(m[1]!, 'admin', clock.now());
        if (!k) throw new UnauthorizedError('Unknown or revoked admin API key.');
        req.apiKey = k;
      });

      api.get('/me', async (req) => {
        const k = key(req);
        return { key: { id: k.id, name: k.name, role: k.role, prefix: k.prefix } };
      });

      // ---- articles ----
      api.get('/articles', async (req) => {
        key(req);
        const q = parseInput(listQuerySchema, req.query, { what: 'query' });
        const { items, total } = await listArticles(db, q);
        return { data: items, meta: pagination(q.page, q.limit, total) };
      });
      api.post('/articles', async (req, reply) => {
        const a = await apiCreateArticle(db, key(req), req.body, clock.now());
        return reply.code(201).send({ data: a });
      });
      api.get('/articles/:id', async (req) => {
        key(req);
        return { data: await getAdminArticle(db, id(req)) };
      });
      api.patch('/articles/:id', async (req) => ({ data: await apiUpdateArticle(db, key(req), id(req), req.body, clock.now()) }));
      api.delete('/articles/:id', async (req, reply) => {
        await apiDeleteArticle(db, key(req), id(req));
        return reply.code(204).send();
      });
      for (const action of ['publish', 'schedule', 'unpublish'] as const) {
        api.post(`/articles/:id/${action}`, async (req) => ({ data: await apiSetStatus(db, key(req), id(req), action, req.body, clock.now()) }));
      }
      api.get('/articles/:id/revisions', async (req) => {
        key(req);
        return { data: await listRevisions(db, id(req)) };
      });

      // ---- formats, sections, tags, authors ----
      for (const kind of ['formats', 'sections', 'tags', 'authors'] as TaxonomyKind[]) {
        api.get(`/${kind}`, async (req) => {
          key(req);
          return { data: await listTaxonomy(db, kind) };
        });
        api.get(`/${kind}/:slug`, async (req) => {
          key(req);
          return { data: await getTaxonomy(db, kind, parseInput(slugParam, req.params, { what: 'query' }).slug) };
        });
        api.post(`/${kind}`, async (req, reply) => reply.code(201).send({ data: await createTaxonomy(db, kind, (key(req, 'taxonomy.manage'), req.body)) }));
        api.patch(`/${kind}/:slug`, async (req) => ({ data: await updateTaxonomy(db, kind, (key(req, 'taxonomy.manage'), parseInput(slugParam, req.params, { what: 'query' }).slug), req.body) }));
        api.delete(`/${kind}/:slug`, async (req, reply) => {
          key(req, 'taxonomy.manage');
          await deleteTaxonomy(db, kind, parseInput(slugParam, req.params, { what: 'query' }).slug);
          return reply.code(204).send();
        });
      }

      // ---- settings ----
      api.get('/settings', async (req) => {
        key(req);
        return { data: await getPublication(db, deps.config) };
      });
      api.patch('/settings', async (req) => {
        key(req, 'settings.manage');
        const patch = parseInput(settingsPatch, req.body, { what: 'settings' });
        await db.tx(async (tx) => {
          for (const k of PUBLICATION_KEYS) if (patch[k] !== undefined) await setPublicationSetting(tx, k, patch[k]);
        });
        return { data: await getPublication(db, deps.config) };
      });

      // ---- webhooks ----
      api.get('/webhooks', async (req) => {
        key(req, 'webhooks.manage');
        return { data: await listWebhooks(db) };
      });
      api.post('/webhooks', async (req, reply) => {
        key(req, 'webhooks.manage');
        const { webhook, secret } = await createWebhook(db, req.body);
        return reply.code(201).send({ data: { ...webhook, secret } });
      });
      api.get('/webhooks/:id', async (req) => ({ data: await getWebhook(db, (key(req, 'webhooks.manage'), id(req))) }));
      api.patch('/webhooks/:id', async (req) => ({ data: await updateWebhook(db, (key(req, 'webhooks.manage'), id(req)), req.body) }));
      api.delete('/webhooks/:id', async (req, reply) => {
        key(req, 'webhooks.manage');
        await deleteWebhook(db, id(req));
        return reply.code(204).send();
      });
      api.post('/webhooks/:id/rotate-secret', async (req) => ({ data: { secret: await rotateWebhookSecret(db, (key(req, 'webhooks.manage'), id(req))) } }));
      api.get('/webhooks/:id/deliveries', async (req) => {
        key(req, 'webhooks.manage');
        const q = parseInput(pageQuery, req.query, { what: 'query' });
        return { data: await listDeliveries(db, id(req), q.limit, (q.page - 1) * q.limit) };
      });

      // ---- API keys ----
      api.get('/api-keys', async (req) => {
        key(req, 'apikeys.manage');
        return { data: await listApiKeys(db) };
      });
      api.post('/api-keys', async (req, reply) => {
        const k = key(req, 'apikeys.manage');
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('The body must be a JSON object.', { input: 'expected an object' });
        const { key: created, secret } = await createApiKey(db, { name: body.name as string, kind: body.kind as 'admin', role: body.role as any, createdBy: k.created_by });
        return reply.code(201).send({ data: { ...created, secret } });
      });
      api.delete('/api-keys/:id', async (req, reply) => {
        key(req, 'apikeys.manage');
        await getApiKey(db, id(req));
        await revokeApiKey(db, id(req), clock.now());
        return reply.code(204).send();
      });

      // ---- newsletters ----
      api.get('/newsletters', async (req) => {
        key(req, 'newsletters.manage');
        return { data: await listNewsletters(db) };
      });
      api.get('/newsletters/:slug', async (req) => {
        key(req, 'newsletters.manage');
        const n = await getNewsletterBySlug(db, parseInput(slugParam, req.params, { what: 'query' }).slug);
        if (!n) throw new NotFoundError('No such newsletter');
        return { data: n };
      });
      api.put('/newsletters/:slug', async (req) => {
        key(req, 'newsletters.manage');
        const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
        return { data: await upsertNewsletter(db, { ...(body as any), slug: parseInput(slugParam, req.params, { what: 'query' }).slug }) };
      });
      registerNewsletterAdminRoutes(api, deps, (req) => void key(req, 'newsletters.manage'));
    },
    { prefix: '/api/admin' },
  );
}
