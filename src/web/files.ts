// Files and probes the public site serves: the health check, the static assets (from memory, with
// an ETag), the favicon, and uploaded images (/uploads/NAME, content-hash names, cached for a year).
// Their URLs are in src/web/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../platform/errors.ts';
import { readUpload } from '../media/images.ts';
import { siteAssets } from './assets.ts';
import { brandCss, brandVersion } from '../publication/brand.ts';
import { getPublication } from '../publication/settings.ts';
import type { WebDeps } from './site.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function files(deps: WebDeps) {
  const assets = siteAssets();

  const healthz: Handler = async (_req, reply) => {
    try {
      await deps.db.query('SELECT 1');
      return reply.header('cache-control', 'no-store').send({ status: 'ok' });
    } catch {
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable', reason: 'database' });
    }
  };

  const asset: Handler = async (req, reply) => {
    const a = assets.get((req.params as { name: string }).name);
    if (!a) throw new NotFoundError('No such asset');
    // The URL pages use names the content's hash: that one never changes meaning, so it is kept a year.
    const v = (req.query as Record<string, unknown>).v;
    reply.header('cache-control', v === a.version ? 'public, max-age=31536000, immutable' : 'public, max-age=3600').header('etag', a.etag);
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    return reply.type(a.type).send(a.body);
  };

  /** The publication's brand colours as CSS custom properties (no inline styles: the CSP forbids them). */
  const brand: Handler = async (req, reply) => {
    const pub = await getPublication(deps.db, deps.config);
    const css = brandCss(pub);
    const etag = `"${brandVersion(pub)}"`;
    const v = (req.query as Record<string, unknown>).v;
    reply.header('cache-control', v === brandVersion(pub) ? 'public, max-age=31536000, immutable' : 'public, max-age=300').header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/css; charset=utf-8').send(css);
  };

  const favicon: Handler = async (_req, reply) => reply.redirect('/assets/logo.png', 301);

  const upload: Handler = async (req, reply) => {
    const file = await readUpload(deps.config.dataDir, (req.params as { name: string }).name);
    if (!file) throw new NotFoundError('No such file.');
    // Names are content hashes: a name never changes meaning.
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(file.type).send(file.body);
  };

  return { healthz, asset, brand, favicon, upload };
}
