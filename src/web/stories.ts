// Wire stories on the public site (issue 12, part 5): a story's page (/story/{slug}) with our articles
// on it and its coverage by side, the story's feeds, and "How it was covered" for our articles linked
// to a story. All cached pages; a change to a story's coverage drops exactly these pages
// (STORY_CHANNEL, heard in src/server.ts through storyPageKeys). URLs in src/web/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Article } from '../articles/types.ts';
import type { SafeHtml } from '../platform/html.ts';
import { listPublished, listPublishedFull } from '../articles/queries.ts';
import { NotFoundError } from '../platform/errors.ts';
import { storyCoverage } from '../newswire/coverage/coverage.ts';
import { sendCached } from './page-cache.ts';
import { loadSite, type WebDeps } from './site.ts';
import { FEED_TYPES, renderFeed, type FeedKind } from './feeds.ts';
import { articleCoverage, storyPage, storyPath } from './pages/story.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const STORY_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FEED_SIZE = 20;
const FEED_KINDS: readonly FeedKind[] = ['xml', 'atom', 'json'];

/** "How it was covered" for an article whose story_key names a wire story readers may see; else null. */
export async function coverageForArticle(db: Db, a: Pick<Article, 'story_key' | 'type' | 'status'>, locale?: string): Promise<SafeHtml | null> {
  if (!a.story_key || a.type === 'page' || !STORY_SLUG.test(a.story_key)) return null;
  const c = await storyCoverage(db, a.story_key, { perSide: 3 });
  if (!c) return null;
  // The article itself is on the story; when it is published, the story's page is public.
  return articleCoverage(c, a.status === 'published' || c.public, locale);
}

/** The page-cache keys a change to these stories makes stale: their pages and feeds, our articles on them. */
export async function storyPageKeys(db: Db, slugs: readonly string[]): Promise<string[]> {
  const ok = slugs.filter((s) => typeof s === 'string' && STORY_SLUG.test(s));
  if (!ok.length) return [];
  const keys = new Set<string>();
  // A story's page answers under its own slug and redirects from those merged into it: drop them all.
  const related = await db.query<{ slug: string }>(
    `SELECT DISTINCT s2.slug FROM wire_stories s JOIN wire_stories s2 ON s2.id = s.id OR s2.merged_into = s.id OR s2.id = s.merged_into WHERE s.slug = ANY($1::text[])`,
    [ok],
  );
  const all = [...new Set([...ok, ...related.map((r) => r.slug)])];
  for (const s of all) {
    keys.add(storyPath(s));
    for (const k of FEED_KINDS) keys.add(`${storyPath(s)}/feed.${k}`);
  }
  const articles = await db.query<{ slug: string }>(`SELECT slug FROM articles WHERE story_key = ANY($1::text[]) AND status = 'published'`, [all]);
  for (const a of articles) keys.add('/' + a.slug);
  return [...keys];
}

export function storyPages(deps: WebDeps) {
  const { db, cache } = deps;

  /** The story, redirecting a merged story's address to the story it went into; 404 unless public. */
  async function publicStory(req: FastifyRequest, reply: FastifyReply, suffix = '') {
    const { slug } = req.params as { slug: string };
    const c = STORY_SLUG.test(slug) ? await storyCoverage(db, slug) : null;
    if (!c || !c.public) throw new NotFoundError('There is no story page at this address.');
    if (c.mergedFrom) {
      reply.redirect(storyPath(c.story.slug) + suffix, 301);
      return null;
    }
    return c;
  }

  const page: Handler = async (req, reply) => {
    const c = await publicStory(req, reply);
    if (!c) return reply;
    const site = await loadSite(deps);
    // Our articles: headline, dek and byline only, whoever may read them in full (no gated text here).
    const articles = await listPublished(db, { storyKeys: c.slugs }, 50);
    return sendCached(req, reply, cache, 'text/html; charset=utf-8', storyPage(site, c, articles));
  };

  const feed = (kind: FeedKind): Handler => async (req, reply) => {
    const c = await publicStory(req, reply, `/feed.${kind}`);
    if (!c) return reply;
    const site = await loadSite(deps);
    // renderFeed asks THE access rule for each item: gated articles carry their lead-in only.
    const items = await listPublishedFull(db, { storyKeys: c.slugs }, FEED_SIZE);
    const path = storyPath(c.story.slug);
    const hub = deps.config.websubHub;
    const body = renderFeed(site, kind, { title: `${site.publication.name}: ${c.story.title}`, description: `${site.publication.name} on “${c.story.title}”`, path, base: `${path}/feed`, items, hub });
    const newest = items.reduce<Date | null>((m, a) => (!m || a.updated_at > m ? a.updated_at : m), null);
    return sendCached(req, reply, cache, FEED_TYPES[kind], body, 200, {
      ...(newest ? { 'last-modified': newest.toUTCString() } : {}),
      ...(hub ? { link: `<${hub}>; rel="hub", <${site.url(`${path}/feed.${kind}`)}>; rel="self"` } : {}),
    });
  };

  return { page, feed };
}
