// Ghost's Content API on Newsdesk, the reads: the parameters (include, filter, limit, page, fields,
// formats, order) and the response shapes ({posts: [...], meta: {pagination}}) that Ghost documents,
// so that @tryghost/content-api and the front ends built on it work unchanged. The HTTP side (paths,
// content keys, {errors: [...]} on failure) is src/api/ghost.ts.
import type { Deps } from '../deps.ts';
import type { Db } from '../db/index.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { getPublication } from '../publication/settings.ts';
import { listSections } from '../articles/queries.ts';
import { column, compileNql, parseNql, related, type FieldCompiler } from './nql.ts';
import { ghostAuthor, ghostPost, ghostTag, ghostTime, pickFields, type GhostPostRow, type PostShape } from './serialize.ts';

const ghostTimeOf = (d: Date) => ghostTime(d)!;

// ---- parameters --------------------------------------------------------------------------------

export interface BrowseParams {
  filter: string | null;
  limit: number | 'all';
  page: number;
  order: string | null;
  fields: string[] | null;
  include: Set<string>;
  formats: Set<string>;
  /** The time relative dates in filters (now-7d) count from. */
  now: Date;
}

function str(q: Record<string, unknown>, name: string): string | null {
  const v = q[name];
  if (v === undefined || v === '') return null;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

const list = (s: string | null) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

export function parseBrowse(query: unknown, opts: { includes: string[]; defaultLimit?: number; now?: Date }): BrowseParams {
  const q = (query ?? {}) as Record<string, unknown>;
  const limitRaw = str(q, 'limit');
  let limit: number | 'all' = opts.defaultLimit ?? 15;
  if (limitRaw !== null) {
    if (limitRaw === 'all') limit = 'all';
    else if (/^\d{1,5}$/.test(limitRaw) && Number(limitRaw) >= 1) limit = Number(limitRaw);
    else if (/^0+$/.test(limitRaw)) limit = opts.defaultLimit ?? 15; // Ghost reads limit=0 as its default
    else throw new ValidationError(`Validation error, cannot list: limit must be a positive whole number or "all" (got "${limitRaw}").`, { limit: 'invalid' });
  }
  const pageRaw = str(q, 'page');
  let page = 1;
  if (pageRaw !== null) {
    if (!/^\d{1,6}$/.test(pageRaw) || Number(pageRaw) < 1) throw new ValidationError(`Validation error, cannot list: page must be a whole number from 1 (got "${pageRaw}").`, { page: 'invalid' });
    page = Number(pageRaw);
  }
  // As Ghost: an include it does not know is ignored, not refused.
  const include = new Set(list(str(q, 'include')).filter((i) => opts.includes.includes(i)));
  const formats = new Set(list(str(q, 'formats')));
  for (const f of formats) {
    if (!['html', 'plaintext', 'mobiledoc', 'lexical'].includes(f)) throw new ValidationError(`Unknown format "${f}". Possible: html, plaintext.`, { formats: `unknown ${f}` });
  }
  const fields = str(q, 'fields') ? list(str(q, 'fields')) : null;
  if (!formats.size) formats.add('html');
  if (fields?.includes('plaintext')) formats.add('plaintext');
  return { filter: str(q, 'filter'), limit, page, order: str(q, 'order'), fields, include, formats, now: opts.now ?? new Date() };
}

function orderBy(order: string | null, allowed: Record<string, string>, fallback: string): string {
  if (!order) return fallback;
  const parts = order.split(',').map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  for (const part of parts) {
    const m = /^([a-z_]+)(?:\s+(asc|desc))?$/i.exec(part);
    const col = m && allowed[m[1]!.toLowerCase()];
    if (!m || !col) throw new ValidationError(`Cannot order by "${part}". Possible: ${Object.keys(allowed).join(', ')}, each with asc or desc.`, { order: 'invalid' });
    out.push(`${col} ${(m[2] ?? 'asc').toUpperCase()}`);
  }
  return out.join(', ') + ', ' + fallback;
}

function pagination(p: BrowseParams, total: number) {
  if (p.limit === 'all') return { page: 1, limit: 'all', pages: 1, total, next: null, prev: null };
  const pages = Math.max(1, Math.ceil(total / p.limit));
  return { page: p.page, limit: p.limit, pages, total, next: p.page < pages ? p.page + 1 : null, prev: p.page > 1 ? p.page - 1 : null };
}

function limitSql(p: BrowseParams, params: unknown[]): string {
  if (p.limit === 'all') return '';
  params.push(p.limit, (p.page - 1) * p.limit);
  return ` LIMIT $${params.length - 1} OFFSET $${params.length}`;
}

// ---- posts and pages ---------------------------------------------------------------------------

const TAGS_OF = (cond: string) => `EXISTS (SELECT 1 FROM article_tags at JOIN tags x ON x.id = at.tag_id WHERE at.article_id = a.id AND ${cond})`;
const AUTHORS_OF = (cond: string) => `EXISTS (SELECT 1 FROM article_authors aa JOIN authors x ON x.id = aa.author_id WHERE aa.article_id = a.id AND ${cond})`;
const PRIMARY_TAG = `(SELECT x.slug FROM article_tags at JOIN tags x ON x.id = at.tag_id WHERE at.article_id = a.id ORDER BY at.position, x.name LIMIT 1)`;
const PRIMARY_AUTHOR = `(SELECT x.slug FROM article_authors aa JOIN authors x ON x.id = aa.author_id WHERE aa.article_id = a.id ORDER BY aa.position, x.name LIMIT 1)`;

const always = (result: boolean, accepted: string): FieldCompiler => (op, values) => {
  const match = op === '=' && values.some((v) => String(v) === accepted);
  return result && match ? 'true' : 'false';
};

export const POST_FILTER_FIELDS: Record<string, FieldCompiler> = {
  id: column('a.id', 'int'),
  uuid: column('a.uuid::text', 'text'),
  slug: column('a.slug', 'text'),
  title: column('a.headline', 'text'),
  featured: column('a.editors_pick', 'bool'),
  published_at: column('a.published_at', 'time'),
  updated_at: column('a.updated_at', 'time'),
  created_at: column('a.created_at', 'time'),
  custom_excerpt: column('a.dek', 'text'),
  // Stored site-relative or absolute; Ghost's filters compare the absolute URL it returns.
  feature_image: column(`CASE WHEN a.feature_image_url LIKE '/%' AND a.feature_image_url NOT LIKE '//%' THEN $1::text || a.feature_image_url ELSE a.feature_image_url END`, 'text'),
  feature_image_alt: column(`nullif(a.feature_image_alt, '')`, 'text'),
  feature_image_caption: column(`nullif(a.feature_image_caption, '')`, 'text'),
  tag: related(TAGS_OF),
  tags: related(TAGS_OF),
  author: related(AUTHORS_OF),
  authors: related(AUTHORS_OF),
  primary_tag: column(PRIMARY_TAG, 'text'),
  primary_author: column(PRIMARY_AUTHOR, 'text'),
  visibility: column(`(CASE a.access WHEN 'public' THEN 'public' WHEN 'paid' THEN 'paid' ELSE 'members' END)`, 'text'),
  status: always(true, 'published'),
};

const POST_ORDER: Record<string, string> = {
  published_at: 'a.published_at', updated_at: 'a.updated_at', created_at: 'a.created_at', title: 'lower(a.headline)', slug: 'a.slug', id: 'a.id', featured: 'a.editors_pick',
};

function postColumns(p: { include: Set<string>; formats: Set<string> }): string {
  const cols = [
    'a.id', 'a.uuid', 'a.type', 'a.slug', 'a.headline', 'a.dek', 'a.body_text', 'a.feature_image_url', 'a.feature_image_alt', 'a.feature_image_caption',
    'a.editors_pick', 'a.published_at', 'a.updated_at', 'a.created_at', 'a.canonical_url', 'a.access', 'a.lead_html',
    // The body's HTML is also where a gated article's lead-in comes from when it has no paywall marker.
    'a.body_html',
  ];
  if (p.include.has('authors')) {
    cols.push(`coalesce((SELECT json_agg(json_build_object('id', x.id, 'slug', x.slug, 'name', x.name, 'bio', x.bio, 'photo_url', x.photo_url) ORDER BY aa.position, x.name)
                 FROM article_authors aa JOIN authors x ON x.id = aa.author_id WHERE aa.article_id = a.id), '[]'::json) AS authors`);
  }
  if (p.include.has('tags')) {
    cols.push(`coalesce((SELECT json_agg(json_build_object('id', x.id, 'slug', x.slug, 'name', x.name) ORDER BY at.position, x.name)
                 FROM article_tags at JOIN tags x ON x.id = at.tag_id WHERE at.article_id = a.id), '[]'::json) AS tags`);
  }
  return cols.join(', ');
}

const shapeOf = (p: BrowseParams): PostShape => ({ formats: p.formats, includeAuthors: p.include.has('authors'), includeTags: p.include.has('tags'), fields: p.fields });

export async function browsePosts(db: Db, site: string, type: 'post' | 'page', p: BrowseParams) {
  const params: unknown[] = [site, type];
  let where = `a.status = 'published' AND a.type = $2 AND $1::text IS NOT NULL`;
  if (p.filter) where += ` AND ${compileNql(parseNql(p.filter), POST_FILTER_FIELDS, params, p.filter, { now: p.now })}`;
  const total = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles a WHERE ${where}`, params))!.n;
  const listParams = [...params];
  const rows = total
    ? await db.query<GhostPostRow>(
        `SELECT ${postColumns(p)} FROM articles a WHERE ${where} ORDER BY ${orderBy(p.order, POST_ORDER, 'a.published_at DESC, a.id DESC')}${limitSql(p, listParams)}`,
        listParams,
      )
    : [];
  const shape = shapeOf(p);
  return { items: rows.map((r) => ghostPost(site, r, shape)), meta: { pagination: pagination(p, total) } };
}

export async function readPost(db: Db, site: string, type: 'post' | 'page', by: { id?: string; slug?: string }, p: BrowseParams) {
  const noun = type === 'post' ? 'Post' : 'Page';
  let cond: string;
  let v: unknown;
  if (by.id !== undefined) {
    if (!/^\d{1,10}$/.test(by.id)) throw new NotFoundError(`${noun} not found.`);
    cond = 'a.id = $2';
    v = Number(by.id);
  } else {
    cond = 'a.slug = $2';
    v = by.slug;
  }
  const row = await db.one<GhostPostRow>(`SELECT ${postColumns(p)} FROM articles a WHERE a.status = 'published' AND a.type = $1 AND ${cond}`, [type, v]);
  if (!row) throw new NotFoundError(`${noun} not found.`);
  return ghostPost(site, row, shapeOf(p));
}

// ---- tags and authors --------------------------------------------------------------------------

const PUBLISHED_POST = `a.status = 'published' AND a.type = 'post'`;

const TAG_FIELDS: Record<string, FieldCompiler> = {
  id: column('x.id', 'int'), slug: column('x.slug', 'text'), name: column('x.name', 'text'), visibility: always(true, 'public'),
};
const AUTHOR_FIELDS: Record<string, FieldCompiler> = { id: column('x.id', 'int'), slug: column('x.slug', 'text'), name: column('x.name', 'text') };

export interface Resource {
  table: 'tags' | 'authors';
  noun: string;
  columns: string;
  count: string;
  visible: string;
  fields: Record<string, FieldCompiler>;
  order: Record<string, string>;
  serialize: (site: string, row: any, withCount: boolean) => Record<string, unknown>;
}

export const TAGS: Resource = {
  table: 'tags',
  noun: 'Tag',
  columns: 'x.id, x.slug, x.name',
  count: `(SELECT count(*)::int FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE at.tag_id = x.id AND ${PUBLISHED_POST})`,
  visible: `EXISTS (SELECT 1 FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE at.tag_id = x.id AND a.status = 'published')`,
  fields: TAG_FIELDS,
  order: { name: 'lower(x.name)', slug: 'x.slug', id: 'x.id' },
  serialize: ghostTag,
};

export const AUTHORS: Resource = {
  table: 'authors',
  noun: 'Author',
  columns: 'x.id, x.slug, x.name, x.bio, x.photo_url',
  count: `(SELECT count(*)::int FROM article_authors aa JOIN articles a ON a.id = aa.article_id WHERE aa.author_id = x.id AND ${PUBLISHED_POST})`,
  // Like Ghost, only people with published work are public.
  visible: `EXISTS (SELECT 1 FROM article_authors aa JOIN articles a ON a.id = aa.article_id WHERE aa.author_id = x.id AND a.status = 'published')`,
  fields: AUTHOR_FIELDS,
  order: { name: 'lower(x.name)', slug: 'x.slug', id: 'x.id' },
  serialize: ghostAuthor,
};

export async function browseResource(db: Db, site: string, r: Resource, p: BrowseParams) {
  const params: unknown[] = [];
  let where = r.visible;
  if (p.filter) where += ` AND ${compileNql(parseNql(p.filter), r.fields, params, p.filter, { now: p.now })}`;
  const total = (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${r.table} x WHERE ${where}`, params))!.n;
  const withCount = p.include.has('count.posts');
  const listParams = [...params];
  const rows = total
    ? await db.query(
        `SELECT ${r.columns}${withCount ? `, ${r.count} AS post_count` : ''} FROM ${r.table} x WHERE ${where}
          ORDER BY ${orderBy(p.order, r.order, 'lower(x.name) ASC, x.id ASC')}${limitSql(p, listParams)}`,
        listParams,
      )
    : [];
  return { items: rows.map((row) => pickFields(r.serialize(site, row, withCount), p.fields)), meta: { pagination: pagination(p, total) } };
}

export async function readResource(db: Db, site: string, r: Resource, by: { id?: string; slug?: string }, p: BrowseParams) {
  const withCount = p.include.has('count.posts');
  if (by.id !== undefined && !/^\d{1,10}$/.test(by.id)) throw new NotFoundError(`${r.noun} not found.`);
  const row = await db.one(
    `SELECT ${r.columns}${withCount ? `, ${r.count} AS post_count` : ''} FROM ${r.table} x WHERE ${r.visible} AND ${by.id !== undefined ? 'x.id = $1' : 'x.slug = $1'}`,
    [by.id !== undefined ? Number(by.id) : by.slug],
  );
  if (!row) throw new NotFoundError(`${r.noun} not found.`);
  return pickFields(r.serialize(site, row, withCount), p.fields);
}

/** Ghost's /settings/: the publication as Ghost describes a site. */
export async function ghostSettings(deps: Deps) {
  const pub = await getPublication(deps.db, deps.config);
  const sections = await listSections(deps.db);
  const site = deps.config.siteUrl;
  return {
    title: pub.name,
    description: pub.description,
    logo: pub.logoUrl ? (pub.logoUrl.startsWith('/') ? site + pub.logoUrl : pub.logoUrl) : `${site}/assets/logo.png`,
    icon: `${site}/assets/logo.png`,
    accent_color: null,
    cover_image: null,
    facebook: null,
    twitter: null,
    lang: pub.locale.split('-')[0],
    locale: pub.locale,
    timezone: pub.timeZone,
    codeinjection_head: null,
    codeinjection_foot: null,
    navigation: [{ label: 'Home', url: '/' }, ...sections.map((s) => ({ label: s.name, url: `/section/${s.slug}` }))],
    secondary_navigation: [],
    meta_title: null,
    meta_description: null,
    og_image: null,
    og_title: null,
    og_description: null,
    twitter_image: null,
    twitter_title: null,
    twitter_description: null,
    members_support_address: null,
    // Members and paid subscriptions: none on this site yet, described as Ghost describes a site
    // with membership turned off. These become real values when members exist.
    members_enabled: false,
    members_invite_only: false,
    members_signup_access: 'none',
    paid_members_enabled: false,
    firstpromoter_account: null,
    portal_button_style: 'icon-and-text',
    portal_button_signup_text: 'Subscribe',
    portal_button_icon: null,
    portal_signup_terms_html: null,
    portal_signup_checkbox_required: false,
    portal_plans: ['free'],
    portal_default_plan: 'yearly',
    portal_name: true,
    portal_button: false,
    comments_enabled: 'off',
    recommendations_enabled: false,
    outbound_link_tagging: false,
    default_email_address: null,
    support_email_address: null,
    editor_default_email_recipients: 'visibility',
    version: GHOST_API_VERSION,
    url: site + '/',
  };
}

/** The Ghost version whose Content API this one matches (settings.version, the Content-Version header). */
export const GHOST_API_VERSION = '5.0';

/** Ghost's /newsletters/: the active newsletters readers can sign up to, in their order. */
export async function ghostNewsletters(deps: Deps, p: BrowseParams) {
  const rows = await deps.db.query<{ id: number; slug: string; name: string; description: string; sender_email: string; signup_default: boolean; position: number; created_at: Date; updated_at: Date | null }>(
    `SELECT id, slug, name, description, sender_email, signup_default, position, created_at, created_at AS updated_at FROM newsletters WHERE active ORDER BY position, name`,
  );
  const items = rows.map((n) => pickFields({
    id: String(n.id), uuid: null, name: n.name, description: n.description || null, slug: n.slug, sender_email: n.sender_email || null,
    subscribe_on_signup: n.signup_default, visibility: 'members', sort_order: n.position,
    created_at: ghostTimeOf(n.created_at), updated_at: ghostTimeOf(n.updated_at ?? n.created_at),
  }, p.fields));
  const total = items.length;
  const page = p.limit === 'all' ? items : items.slice((p.page - 1) * p.limit, p.page * p.limit);
  return { newsletters: page, meta: { pagination: pagination(p, total) } };
}
