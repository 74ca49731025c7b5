// The serving process: the HTTP app (the three route tables: web/, admin/, api/ routes.ts, plus the
// CLI's forwarding endpoint), the page cache and its invalidation, and the background work (scheduler,
// job worker with the list in src/jobs.ts). `createApp` is what tests use;
// `startServer` adds listening and background work; `serve` (src/main.ts) adds signals.
import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import compress from '@fastify/compress';
import zlib from 'node:zlib';
import type { Deps } from './deps.ts';
import { createHttpApp, SECURITY_HEADERS } from './platform/http.ts';
import { PageCache } from './web/page-cache.ts';
import { loadSite, type WebDeps } from './web/site.ts';
import { registerWebRoutes } from './web/routes.ts';
import { registerAdminRoutes } from './admin/routes.ts';
import { registerApi } from './api/routes.ts';
import { errorPage } from './web/pages/public.ts';
import { CONTENT_CHANNEL, STORY_CHANNEL } from './platform/channels.ts';
import { storyPageKeys } from './web/stories.ts';
import { queueStoryWebsubPing, queueWebsubPing } from './publication/websub.ts';
import { findRedirect } from './articles/queries.ts';
import { startScheduler } from './articles/scheduler.ts';
import { startJobWorker } from './platform/jobs.ts';
import { startWireScheduler } from './newswire/poller.ts';
import { jobRegistry, longJobs } from './jobs.ts';
import { registerInternalCli } from './cli/remote.ts';
import { runCommand } from './cli/run.ts';
import { startEditionScheduler } from './newsletters/delivery/scheduler.ts';
import { startDbMaintenance } from './db/maintenance.ts';
import { anonymousGate, memberGate } from './web/members.ts';
import { WallCounter } from './members/stats.ts';

export interface App {
  app: FastifyInstance;
  cache: PageCache;
  deps: WebDeps;
  /** Token accepted by /_internal/cli (set by `serve` once it has written internal.json). */
  setInternalToken(token: string | null): void;
}

export async function createApp(deps: Deps): Promise<App> {
  const cache = new PageCache(deps.config.pageCacheEntries, { ...SECURITY_HEADERS, 'cache-control': 'public, max-age=0, must-revalidate' });
  const web: WebDeps = { ...deps, cache, walls: new WallCounter() };
  // Anonymous readers of gated articles are answered from the cache through THE access rule.
  cache.setGate(anonymousGate(web));
  // Signed-in readers too, once their session is known (kept briefly in memory; see 0053).
  cache.setMemberGate(memberGate(web));
  // Any content change, from this process or (on PostgreSQL) another, drops every cached page.
  // (Not a ChannelCache, src/platform/channel-cache.ts: the page cache stores rendered bytes by
  // generation, drops by payload on STORY_CHANNEL, and its listeners do more than drop: pings.)
  // With WEBSUB_HUB, a change also queues the hub's ping (deduplicated: every process may hear it).
  await deps.db.listen(CONTENT_CHANNEL, () => {
    cache.clear();
    if (deps.config.websubHub) {
      queueWebsubPing(deps.db, deps.config.websubHub, deps.clock.now()).catch((err) => deps.log.error('websub ping not queued', { err }));
      // Editors' decisions and big cluster batches come this way too: the story ping finds what changed.
      queueStoryWebsubPing(deps.db, deps.config.websubHub, deps.clock.now()).catch((err) => deps.log.error('websub story ping not queued', { err }));
    }
  });
  // A wire story's coverage changed (a JSON list of slugs): only its pages, its feeds and our articles
  // on it are dropped (src/newswire/coverage/coverage.ts announces it).
  await deps.db.listen(STORY_CHANNEL, (payload) => {
    let slugs: unknown;
    try {
      slugs = JSON.parse(payload);
    } catch {
      slugs = null;
    }
    // With WEBSUB_HUB, the stories' feeds are pinged too (one queued ping for a burst of batches).
    if (deps.config.websubHub) {
      queueStoryWebsubPing(deps.db, deps.config.websubHub, deps.clock.now()).catch((err) => deps.log.error('websub story ping not queued', { err }));
    }
    if (!Array.isArray(slugs)) return cache.clear();
    storyPageKeys(deps.db, slugs as string[])
      .then((keys) => cache.drop(keys))
      .catch((err) => {
        deps.log.error('story pages not dropped; dropping every cached page', { err });
        cache.clear();
      });
  });
  const app = createHttpApp({
    log: deps.log,
    trustProxy: deps.config.trustProxy,
    cache,
    resolveRedirect: (path) => findRedirect(deps.db, path).then((slug) => (slug ? '/' + slug : undefined)),
    renderError: async (_req, status, title, message) => {
      const site = await loadSite(deps).catch(() => null);
      return errorPage(site, status, title, message);
    },
  });
  // Answers the page cache does not hold (API JSON, search, the newsroom, private pages, errors) are
  // compressed as they go out, at a brotli quality fit for work done per request. Cached pages carry
  // their own stored variants (Content-Encoding already set: left alone); the CLI's stream is hijacked.
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
  await app.register(formbody, { bodyLimit: 1_048_576 });
  await registerApi(app, deps);
  registerAdminRoutes(app, web);
  registerWebRoutes(app, web);
  let internalToken: string | null = null;
  registerInternalCli(app, deps, () => internalToken, runCommand);
  await app.ready();
  return { app, cache, deps: web, setInternalToken: (t) => (internalToken = t) };
}

/** Walls shown are counted in memory (an anonymous view writes nothing) and written once a minute. */
function startWallFlush(web: WebDeps): { stop(): Promise<void> } {
  const flush = () => web.walls?.flush(web.db).catch((err) => web.log.error('wall counts not written', { err }));
  const timer = setInterval(flush, 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

export interface RunningServer extends App {
  url: string;
  close(): Promise<void>;
}

export async function startServer(deps: Deps, opts: { port: number; host: string; background?: boolean }): Promise<RunningServer> {
  const built = await createApp(deps);
  await built.app.listen({ port: opts.port, host: opts.host });
  const addr = built.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = ['0.0.0.0', '::', ''].includes(opts.host) ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const background = opts.background === false ? [] : [
        startScheduler(deps),
        startJobWorker(deps, jobRegistry, 1000, { except: longJobs }),
        startJobWorker(deps, jobRegistry, 2000, { only: longJobs }),
        startWireScheduler(deps),
        startEditionScheduler(deps),
        // Upkeep of the embedded database waits for a second without public requests (cache hits or misses).
        startDbMaintenance(deps, { activity: () => built.cache.hits + built.cache.misses }),
        startWallFlush(built.deps),
      ];
  let closing: Promise<void> | null = null;
  return {
    ...built,
    url: `http://${host}:${port}`,
    close() {
      // Sends first: they stop before their next message, with every answered message recorded, so a
      // forwarded `editions send` answers ("the server stopped; run the command again to continue")
      // and its streaming request ends. Then stop taking requests, let those in flight finish, and
      // stop the background work.
      closing ??= (async () => {
        await deps.runtime.shutdown('the server stopped');
        // Fastify closes the listener and the idle keep-alive connections once, then waits for the
        // rest. A connection whose response was still going out then (a compressed answer's last
        // bytes, a request whose body was still arriving) is idle once answered, and would be held
        // open until a keep-alive timeout ran out (the client's 3 s, the server's 5 s): every close
        // in the test suite that followed such an answer waited that long. Idle ones are closed as
        // they come, until the server has closed.
        const server = built.app.server;
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        try {
          await built.app.close();
        } finally {
          clearInterval(sweep);
        }
        await Promise.all(background.map((b) => b.stop()));
      })();
      return closing;
    },
  };
}
