// Every API on one registration call from src/server.ts: the Admin API, the Content API, the
// Ghost-compatible Content API and the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { KeyVerifier } from './keys.ts';
import { ResponseCache } from './response-cache.ts';
import { registerAdminApi } from './admin.ts';
import { registerContentApi } from './content.ts';
import { registerGhostContentApi } from '../ghost/content.ts';
import { openApiDocument } from './openapi.ts';
import { registerMailWebhooks } from './mail-webhooks.ts';

export interface RegisteredRoute {
  method: string;
  url: string;
}

const routesByApp = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every /api and /ghost/api route registered (the OpenAPI test compares them with the document). */
export function apiRoutes(app: FastifyInstance): RegisteredRoute[] {
  return routesByApp.get(app) ?? [];
}

export async function registerApi(app: FastifyInstance, deps: Deps): Promise<void> {
  const routes: RegisteredRoute[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/') && !r.url.startsWith('/ghost/api/')) return;
    for (const method of [r.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: r.url });
  });
  const verifier = new KeyVerifier(deps.db);
  await verifier.start();
  // PAGE_CACHE_ENTRIES=0 turns this cache off too (benchmarks measure the uncached path that way).
  const cache = new ResponseCache(deps.config.pageCacheEntries);
  await cache.start(deps.db);
  await registerAdminApi(app, deps, verifier);
  await registerContentApi(app, deps, verifier, cache);
  await registerGhostContentApi(app, deps, verifier, cache);
  registerMailWebhooks(app, deps);
  const doc = JSON.stringify(openApiDocument(deps.config.siteUrl));
  app.get('/api/openapi.json', async (_req, reply) =>
    reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(doc),
  );
}
