// The HTTP app shell: Fastify behind a plain Node server whose request handler first offers the
// request to a cache in front of the framework (the public site's page cache, src/web/page-cache.ts;
// see docs/decisions/0003-page-cache.md).
// Security headers and the one error handler that maps typed domain errors to responses live here.
import http from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DomainError, ValidationError, asRequestError } from './errors.ts';
import type { Log } from './log.ts';
import { lazyPackage } from './lazy.ts';

/** A cache answered before any framework work (implemented by the public site's page cache). */
export interface FrontCache {
  /**
   * Answer the request from the cache if it can; false lets the app handle it. A promise (a signed-in
   * reader's session being looked up) settles to the same: true answered, false to the app.
   */
  tryServe(req: http.IncomingMessage, res: http.ServerResponse): boolean | Promise<boolean>;
  /** Bumped on every invalidation: a page whose render began before it is not stored. */
  readonly generation: number;
}

/** No inline scripts or styles anywhere: every script and stylesheet is a file under /assets. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "media-src 'self' https:",
  "frame-src https://www.youtube.com https://www.youtube-nocookie.com https://player.vimeo.com",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'cross-origin-opener-policy': 'same-origin',
};

export interface ErrorRenderer {
  (req: FastifyRequest, status: number, title: string, message: string): Promise<string> | string;
}

export interface HttpOptions {
  log: Log;
  trustProxy: boolean;
  cache?: FrontCache;
  /** Renders HTML error pages in the site's look; JSON is used for /api and JSON clients. */
  renderError: ErrorRenderer;
  bodyLimit?: number;
  /** Where an unknown path has moved to (renamed or imported articles), if anywhere. */
  resolveRedirect?: (path: string) => Promise<string | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Front-cache generation when the request started (see PageCache.store). */
    cacheGeneration: number;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in required',
  403: 'Forbidden',
  404: 'Page not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Too large',
  415: 'Unsupported content',
  422: 'Invalid input',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Unavailable',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasUnstorableText(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return v.includes('\u0000') || LONE_SURROGATE.test(v);
  if (depth > 20 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasUnstorableText(x, depth + 1));
  for (const [k, x] of Object.entries(v)) if (hasUnstorableText(k, depth + 1) || hasUnstorableText(x, depth + 1)) return true;
  return false;
}

export function wantsJson(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/') || req.url.startsWith('/ghost/api/') || req.url.startsWith('/webhooks/')) return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

// Fastify loads ajv and fast-json-stringify (about 150 ms) when an instance is created. No route here
// declares a JSON schema (input is checked by parseInput, src/platform/validate.ts), so they are
// loaded only when a schema first needs compiling: the compilers are Fastify's own, built on demand.
type CompilerSelector = () => (...args: any[]) => any;
const ajvCompiler = lazyPackage<CompilerSelector>('@fastify/ajv-compiler');
const serializerCompiler = lazyPackage<CompilerSelector>('@fastify/fast-json-stringify-compiler');
let validatorFactory: ReturnType<CompilerSelector> | null = null;
let serializerFactory: ReturnType<CompilerSelector> | null = null;
const LAZY_SCHEMA_COMPILERS = {
  compilersFactory: {
    buildValidator: (...args: any[]) => (validatorFactory ??= ajvCompiler()())(...args),
    buildSerializer: (...args: any[]) => (serializerFactory ??= serializerCompiler()())(...args),
  },
};

export function createHttpApp(opts: HttpOptions): FastifyInstance {
  const { cache, log } = opts;
  const app = Fastify({
    trustProxy: opts.trustProxy,
    schemaController: LAZY_SCHEMA_COMPILERS,
    logger: false,
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
    // Malformed URLs (bad percent-encoding and the like) get our 400 page, not a bare error.
    // They are answered before any hook runs, so the security headers are set here too.
    frameworkErrors: (err, req, reply) => {
      reply.headers(SECURITY_HEADERS);
      void sendError(req, reply, 400, err.message);
    },
    serverFactory: (handler) =>
      http.createServer((req, res) => {
        const served = cache ? cache.tryServe(req, res) : false;
        if (served === true) return;
        if (served === false) return handler(req, res);
        served.then(
          (ok) => ok || handler(req, res),
          (err) => {
            log.error('front cache failed; the app answers', { err });
            if (!res.headersSent) handler(req, res);
          },
        );
      }),
  });

  async function sendError(req: FastifyRequest, reply: FastifyReply, status: number, message: string, fields?: Record<string, string>) {
    const title = TITLES[status] ?? 'Error';
    reply.code(status);
    if (wantsJson(req)) return reply.type('application/json; charset=utf-8').send({ error: { status, code: title.toLowerCase().replace(/ /g, '_'), message, fields } });
    let body: string;
    try {
      body = await opts.renderError(req, status, title, message);
    } catch (e) {
      log.error('error page failed to render', { err: e });
      body = `<!doctype html><meta charset="utf-8"><title>${status}</title><h1>${title}</h1>`;
    }
    return reply.type('text/html; charset=utf-8').send(body);
  }

  app.decorateRequest('cacheGeneration', 0);
  app.addHook('onRequest', async (req, reply) => {
    req.cacheGeneration = cache?.generation ?? 0;
    reply.headers(SECURITY_HEADERS);
    // Text that PostgreSQL cannot store (NUL) is refused at the door, not discovered by a query.
    if (/%00|\u0000/i.test(req.url)) throw new ValidationError('The address contains a character we do not accept (NUL).');
  });
  // The same for bodies: every string in a JSON or form body must be storable text.
  app.addHook('preValidation', async (req) => {
    if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body) && hasUnstorableText(req.body, 0)) {
      throw new ValidationError('The request contains text we cannot store (a NUL character or a broken Unicode sequence).');
    }
  });

  app.setNotFoundHandler(async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      const q = req.url.indexOf('?');
      const path = q === -1 ? req.url : req.url.slice(0, q);
      const query = q === -1 ? '' : req.url.slice(q);
      // One address per page: /section/politics/ answers with a permanent redirect to /section/politics.
      if (path.length > 1 && path.endsWith('/') && !/^\/[\/\\]/.test(path)) return reply.redirect(path.replace(/\/+$/, '') + query, 301);
      if (opts.resolveRedirect) {
        const to = await opts.resolveRedirect(path).catch(() => undefined);
        if (to) return reply.redirect(to + query, 301);
      }
    }
    return sendError(req, reply, 404, 'There is nothing at this address. It may have moved, or the link may be mistyped.');
  });

  app.setErrorHandler((original: any, req, reply) => {
    const err: any = asRequestError(original);
    if (err !== original) log.warn('database refused a value from the request', { err: original, method: req.method, url: req.url });
    if (err instanceof DomainError) {
      if (err.status === 503) {
        log.warn('database unavailable', { err: original, method: req.method, url: req.url });
        reply.header('retry-after', '30');
      }
      return sendError(req, reply, err.status, err.message, err instanceof ValidationError ? err.fields : undefined);
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      log.error('request failed', { err, method: req.method, url: req.url });
      return sendError(req, reply, 500, 'There was a problem on our side. Please try again in a moment.');
    }
    return sendError(req, reply, status, err.message);
  });

  return app;
}
