// Read queries for articles. Every public list is "published, newest first" and is served by the
// partial indexes articles_*_idx (see 001_core.sql). The newsroom's lists (every status) are at the end.
import type { Db } from '../db/index.ts';
import type { Article, ArticleStatus, ArticleSummary, Named } from './types.ts';

const SUMMARY_COLUMNS = `
  a.id, a.slug, a.headline, a.dek, a.status, a.published_at, a.updated_at, a.editors_pick,
  a.feature_image_url, a.feature_image_alt, a.access,
  CASE WHEN f.id IS NULL THEN NULL ELSE json_build_object('slug', f.slug, 'name', f.name) END AS format,
  CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('slug', s.slug, 'name', s.name) END AS section,
  coalesce((SELECT json_agg(json_build_object('slug', au.slug, 'name', au.name) ORDER BY aa.position, au.name)
              FROM article_authors aa JOIN authors au ON au.id = aa.author_id
             WHERE aa.article_id = a.id), '[]'::json) AS authors`;

const FROM = `FROM articles a LEFT JOIN formats f ON f.id = a.format_id LEFT JOIN sections s ON s.id = a.section_id`;

export interface ListFilter {
  sectionSlug?: string;
  formatSlug?: string;
  tagSlug?: string;
  authorSlug?: string;
  editorsPick?: boolean;
  since?: Date;
  excludeIds?: number[];
  ids?: number[];
  /** Articles on a story (articles.story_key: a wire story's slug, or the slugs of stories merged into it). */
  storyKeys?: string[];
}

function where(filter: ListFilter, params: unknown[]): string {
  const parts = [`a.status = 'published'`, `a.type = 'post'`]; // pages (Ghost's notion) are in no list
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.sectionSlug) parts.push(`s.slug = ${p(filter.sectionSlug)}`);
  if (filter.formatSlug) parts.push(`f.slug = ${p(filter.formatSlug)}`);
  if (filter.tagSlug) parts.push(`EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id AND t.slug = ${p(filter.tagSlug)})`);
  if (filter.authorSlug) parts.push(`EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id AND au.slug = ${p(filter.authorSlug)})`);
  if (filter.editorsPick !== undefined) parts.push(`a.editors_pick = ${p(filter.editorsPick)}`);
  if (filter.since) parts.push(`a.published_at >= ${p(filter.since)}`);
  if (filter.ids) parts.push(`a.id = ANY(${p(filter.ids)}::int[])`);
  if (filter.storyKeys) parts.push(`a.story_key = ANY(${p(filter.storyKeys)}::text[])`);
  if (filter.excludeIds?.length) parts.push(`a.id <> ALL(${p(filter.excludeIds)}::int[])`);
  return parts.join(' AND ');
}

export async function listPublished(db: Db, filter: ListFilter, limit: number, offset = 0): Promise<ArticleSummary[]> {
  const params: unknown[] = [];
  const w = where(filter, params);
  params.push(limit, offset);
  return db.query<ArticleSummary>(
    `SELECT ${SUMMARY_COLUMNS} ${FROM} WHERE ${w} ORDER BY a.published_at DESC, a.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
}

/**
 * Why an article cannot lead the front page (the `leadArticleId` setting), or null when it can: it
 * must exist, be published and be a story (a static page is no news).
 */
export async function leadProblem(db: Db, id: number): Promise<string | null> {
  const a = await db.one<{ status: string; type: string }>(`SELECT status, type FROM articles WHERE id = $1`, [id]);
  if (!a) return `no article has the id ${id}`;
  if (a.type !== 'post') return `article ${id} is a page, not a story: only a published story can lead the front page`;
  if (a.status !== 'published') return `article ${id} is not published (it is ${a.status}): only a published story can lead the front page`;
  return null;
}

export async function countPublished(db: Db, filter: ListFilter): Promise<number> {
  const params: unknown[] = [];
  const row = await db.one<{ n: number }>(`SELECT count(*)::int AS n ${FROM} WHERE ${where(filter, params)}`, params);
  return row?.n ?? 0;
}

const DETAIL_COLUMNS = `${SUMMARY_COLUMNS},
  a.body_source, a.body_format, a.body_html, a.body_text, a.created_at, a.feature_image_caption,
  a.canonical_url, a.story_key, a.type, a.lead_html,
  coalesce((SELECT json_agg(json_build_object('slug', t.slug, 'name', t.name) ORDER BY at.position, t.name)
              FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id), '[]'::json) AS tags`;

const DETAIL_AUTHORS = `coalesce((SELECT json_agg(json_build_object('slug', au.slug, 'name', au.name, 'bio', au.bio, 'photo_url', au.photo_url) ORDER BY aa.position, au.name)
              FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id), '[]'::json) AS authors`;

export async function getPublishedArticle(db: Db, slug: string): Promise<Article | undefined> {
  return db.one<Article>(`SELECT ${DETAIL_COLUMNS}, ${DETAIL_AUTHORS} ${FROM} WHERE a.slug = $1 AND a.status = 'published'`, [slug]);
}

/** Any status: for editors, previews and the API. */
export async function getArticleById(db: Db, id: number): Promise<Article | undefined> {
  return db.one<Article>(`SELECT ${DETAIL_COLUMNS}, ${DETAIL_AUTHORS} ${FROM} WHERE a.id = $1`, [id]);
}

export async function getArticleBySlug(db: Db, slug: string): Promise<Article | undefined> {
  return db.one<Article>(`SELECT ${DETAIL_COLUMNS}, ${DETAIL_AUTHORS} ${FROM} WHERE a.slug = $1`, [slug]);
}

/** Where an old path (a renamed slug, an imported URL) now lives. */
export async function findRedirect(db: Db, fromPath: string): Promise<string | undefined> {
  const row = await db.one<{ slug: string }>(
    `SELECT a.slug FROM article_redirects r JOIN articles a ON a.id = r.article_id WHERE r.from_path = $1 AND a.status = 'published'`,
    [fromPath],
  );
  return row?.slug;
}

/**
 * Related stories, best first: the same story (story_key), then the number of shared tags, then the
 * same section; ties go to the most recent. Only published articles, never the article itself.
 */
export async function relatedArticles(db: Db, articleId: number, limit = 5): Promise<ArticleSummary[]> {
  return db.query<ArticleSummary>(
    `WITH me AS (SELECT id, section_id, story_key FROM articles WHERE id = $1),
          my_tags AS (SELECT tag_id FROM article_tags WHERE article_id = $1),
          scored AS (
            SELECT a.id,
                   (CASE WHEN a.story_key IS NOT NULL AND a.story_key = me.story_key THEN 100 ELSE 0 END)
                 + 10 * (SELECT count(*) FROM article_tags t WHERE t.article_id = a.id AND t.tag_id IN (SELECT tag_id FROM my_tags))
                 + (CASE WHEN a.section_id = me.section_id THEN 5 ELSE 0 END) AS score
              FROM articles a, me
             WHERE a.status = 'published' AND a.type = 'post' AND a.id <> me.id
               AND (a.story_key = me.story_key OR a.section_id = me.section_id
                    OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag_id IN (SELECT tag_id FROM my_tags))))
     SELECT ${SUMMARY_COLUMNS} ${FROM} JOIN scored sc ON sc.id = a.id
      ORDER BY sc.score DESC, a.published_at DESC, a.id DESC
      LIMIT $2`,
    [articleId, limit],
  );
}

export interface SearchHit extends ArticleSummary {
  /** A page (About, Contact) is listed as a page: no byline, date or format. */
  type: 'post' | 'page';
  snippet: string;
  /** The first and last characters of the text the snippet was cut from (to tell whether it was cut). */
  source_head: string;
  source_tail: string;
}

/**
 * PostgreSQL full-text search over headline (A), dek (B) and body (C), best match first. `fullAccess`
 * names the access levels whose body this reader may read (THE access rule decides them, see
 * src/web/reading.ts); for the others only the headline and dek are searched and the snippet is the dek,
 * so neither a hit nor a snippet reveals gated text.
 */
export async function searchPublished(db: Db, q: string, limit: number, offset: number, fullAccess: readonly string[]): Promise<{ hits: SearchHit[]; total: number }> {
  const match = `a.status = 'published' AND ((a.access = ANY($2::text[]) AND a.search_vector @@ websearch_to_tsquery('english', $1))
      OR (NOT (a.access = ANY($2::text[])) AND a.search_vector_free @@ websearch_to_tsquery('english', $1)))`;
  const total = await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles a WHERE ${match}`, [q, fullAccess]);
  if (!total?.n) return { hits: [], total: 0 };
  const hits = await db.query<SearchHit>(
    `SELECT ${SUMMARY_COLUMNS}, a.type,
            ts_headline('english', src.text, websearch_to_tsquery('english', $1), $5) AS snippet,
            left(src.text, 120) AS source_head, right(src.text, 120) AS source_tail
       ${FROM}
       CROSS JOIN LATERAL (SELECT CASE WHEN a.access = ANY($2::text[]) THEN a.body_text ELSE a.dek END AS text) src
      WHERE ${match}
      ORDER BY ts_rank_cd(CASE WHEN a.access = ANY($2::text[]) THEN a.search_vector ELSE a.search_vector_free END, websearch_to_tsquery('english', $1)) DESC, a.published_at DESC
      LIMIT $3 OFFSET $4`,
    // Matches are wrapped in control characters (never in article text) that the page turns into <mark>.
    [q, fullAccess, limit, offset, 'StartSel=\u0002, StopSel=\u0003, MaxWords=35, MinWords=15, MaxFragments=1'],
  );
  return { hits, total: total.n };
}

export async function listFormats(db: Db): Promise<Array<Named & { id: number; description: string }>> {
  return db.query(`SELECT id, slug, name, description FROM formats ORDER BY position, name`);
}

export async function listSections(db: Db): Promise<Array<Named & { id: number; description: string }>> {
  return db.query(`SELECT id, slug, name, description FROM sections ORDER BY position, name`);
}

export async function getSection(db: Db, slug: string) {
  return db.one<Named & { id: number; description: string }>(`SELECT id, slug, name, description FROM sections WHERE slug = $1`, [slug]);
}

export async function getFormat(db: Db, slug: string) {
  return db.one<Named & { id: number; description: string }>(`SELECT id, slug, name, description FROM formats WHERE slug = $1`, [slug]);
}

export async function getTag(db: Db, slug: string) {
  return db.one<Named & { id: number }>(`SELECT id, slug, name FROM tags WHERE slug = $1`, [slug]);
}

export async function getAuthor(db: Db, slug: string) {
  return db.one<Named & { id: number; bio: string; photo_url: string | null }>(`SELECT id, slug, name, bio, photo_url FROM authors WHERE slug = $1`, [slug]);
}

export async function listAuthors(db: Db) {
  return db.query<Named & { id: number; bio: string; photo_url: string | null }>(`SELECT id, slug, name, bio, photo_url FROM authors ORDER BY name`);
}

/** Everything a sitemap lists, newest first: posts (news), or with type 'page' the static pages. */
export async function listPublishedForSitemap(db: Db, limit: number, offset = 0, since?: Date, type: 'post' | 'page' = 'post') {
  return db.query<{ slug: string; headline: string; published_at: Date; updated_at: Date; tags: string[] }>(
    `SELECT a.slug, a.headline, a.published_at, a.updated_at,
            coalesce((SELECT array_agg(t.name ORDER BY at.position) FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id), '{}') AS tags
       FROM articles a
      WHERE a.status = 'published' AND a.type = $4 AND ($3::timestamptz IS NULL OR a.published_at >= $3)
      ORDER BY a.published_at DESC, a.id DESC LIMIT $1 OFFSET $2`,
    [limit, offset, since ?? null, type],
  );
}

/** The next time a scheduled article is due, if any. */
export async function nextScheduledAt(db: Db): Promise<Date | null> {
  const row = await db.one<{ at: Date | null }>(`SELECT min(published_at) AS at FROM articles WHERE status = 'scheduled'`);
  return row?.at ?? null;
}

/** Published articles with their bodies, newest first: feeds and newsletters. */
export async function listPublishedFull(db: Db, filter: ListFilter, limit: number): Promise<Article[]> {
  const params: unknown[] = [];
  const w = where(filter, params);
  params.push(limit);
  return db.query<Article>(
    `SELECT ${DETAIL_COLUMNS}, ${DETAIL_AUTHORS} ${FROM} WHERE ${w} ORDER BY a.published_at DESC, a.id DESC LIMIT $${params.length}`,
    params,
  );
}

/** The tags and authors that have a published article (the sitemap of list pages). */
export async function listSlugsForSitemap(db: Db): Promise<{ tags: Array<{ slug: string }>; authors: Array<{ slug: string }> }> {
  const [tags, authors] = await Promise.all([
    db.query<{ slug: string }>(`SELECT DISTINCT t.slug FROM tags t JOIN article_tags at ON at.tag_id = t.id JOIN articles a ON a.id = at.article_id AND a.status = 'published' ORDER BY t.slug`),
    db.query<{ slug: string }>(`SELECT DISTINCT au.slug FROM authors au JOIN article_authors aa ON aa.author_id = au.id JOIN articles a ON a.id = aa.article_id AND a.status = 'published' ORDER BY au.slug`),
  ]);
  return { tags, authors };
}

/** Tags with published posts, with how many (the Content API's /tags). */
export async function listPublicTags(db: Db) {
  return db.query<{ slug: string; name: string; article_count: number }>(
    `SELECT t.slug, t.name, count(*)::int AS article_count FROM tags t JOIN article_tags at ON at.tag_id = t.id
       JOIN articles a ON a.id = at.article_id AND a.status = 'published' AND a.type = 'post'
      GROUP BY t.id ORDER BY t.name`,
  );
}

/** Authors with published posts, with how many (the Content API's /authors). */
export async function listPublicAuthors(db: Db) {
  return db.query<{ slug: string; name: string; bio: string; photo_url: string | null; article_count: number }>(
    `SELECT au.slug, au.name, au.bio, au.photo_url, count(*)::int AS article_count FROM authors au JOIN article_authors aa ON aa.author_id = au.id
       JOIN articles a ON a.id = aa.article_id AND a.status = 'published' AND a.type = 'post'
      GROUP BY au.id ORDER BY au.name`,
  );
}

// ---- The newsroom's lists: every status ------------------------------------------------------

export const LIST_PAGE_SIZE = 25;

export interface AdminListFilter {
  status?: ArticleStatus;
  format?: string;
  section?: string;
  author?: string;
  q?: string;
  /** Only this staff member's own articles (created by them, or with their byline) and published ones. */
  ownOrPublished?: { staffId: number; authorId: number | null };
}

export interface AdminListRow {
  id: number;
  slug: string;
  headline: string;
  status: ArticleStatus;
  published_at: Date | null;
  updated_at: Date;
  format_name: string | null;
  section_name: string | null;
  authors: string;
  created_by: number | null;
}

/** One page of the admin list, most recently edited first; `more` says whether another page follows. */
export async function listAdminArticles(db: Db, f: AdminListFilter, page: number): Promise<{ rows: AdminListRow[]; more: boolean }> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (f.status) where.push(`a.status = ${p(f.status)}`);
  if (f.format) where.push(`a.format_id = (SELECT id FROM formats WHERE slug = ${p(f.format)})`);
  if (f.section) where.push(`a.section_id = (SELECT id FROM sections WHERE slug = ${p(f.section)})`);
  if (f.author) where.push(`EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id AND aa.author_id = (SELECT id FROM authors WHERE slug = ${p(f.author)}))`);
  if (f.q) where.push(`a.search_vector @@ websearch_to_tsquery('english', ${p(f.q)})`);
  if (f.ownOrPublished) {
    const mine = f.ownOrPublished;
    where.push(`(a.status = 'published' OR a.created_by = ${p(mine.staffId)}${mine.authorId !== null ? ` OR EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id AND aa.author_id = ${p(mine.authorId)})` : ''})`);
  }
  const limit = p(LIST_PAGE_SIZE + 1);
  const offset = p((page - 1) * LIST_PAGE_SIZE);
  // The page's ids first, then their details: rows skipped by OFFSET are only walked in the index,
  // not joined and given their bylines (page 40 took 38 ms p50 when every skipped row was).
  const rows = await db.query<AdminListRow>(
    `WITH page AS (
       SELECT a.id FROM articles a ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY a.updated_at DESC, a.id DESC LIMIT ${limit} OFFSET ${offset})
     SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.updated_at, f.name AS format_name, s.name AS section_name,
            coalesce((SELECT string_agg(au.name, ', ' ORDER BY aa.position) FROM article_authors aa JOIN authors au ON au.id = aa.author_id
                       WHERE aa.article_id = a.id), '') AS authors, a.created_by
       FROM page JOIN articles a ON a.id = page.id LEFT JOIN formats f ON f.id = a.format_id LEFT JOIN sections s ON s.id = a.section_id
      ORDER BY a.updated_at DESC, a.id DESC`,
    params,
  );
  return { rows: rows.slice(0, LIST_PAGE_SIZE), more: rows.length > LIST_PAGE_SIZE };
}

/** What the dashboard shows: published since the start of the local day, and what is scheduled. */
export async function dashboardArticles(db: Db, since: Date) {
  const [today, scheduled, drafts] = await Promise.all([
    db.query<AdminListRow>(
      `SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.updated_at, NULL AS format_name, NULL AS section_name, '' AS authors, a.created_by
         FROM articles a WHERE a.status = 'published' AND a.published_at >= $1 ORDER BY a.published_at DESC LIMIT 50`,
      [since],
    ),
    db.query<AdminListRow>(
      `SELECT a.id, a.slug, a.headline, a.status, a.published_at, a.updated_at, NULL AS format_name, NULL AS section_name, '' AS authors, a.created_by
         FROM articles a WHERE a.status = 'scheduled' ORDER BY a.published_at LIMIT 50`,
    ),
    db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles WHERE status = 'draft'`),
  ]);
  return { today, scheduled, drafts: drafts!.n };
}
