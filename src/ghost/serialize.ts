// Ghost's Content API object shapes (v5), from our rows. Keys Ghost has and we have no notion of
// (code injection, social images, newsletters) are present and null, as on a Ghost site that never
// set them, so front ends that read them find what they expect.
import { absoluteUrls } from '../platform/absolute-urls.ts';
import { ANONYMOUS, decideAccess, ghostVisibility, leadInHtml, leadInText, type AccessLevel } from '../members/access.ts';

export interface GhostPostRow {
  id: number;
  uuid: string;
  type: 'post' | 'page';
  slug: string;
  headline: string;
  dek: string;
  body_html?: string;
  body_text: string;
  access: AccessLevel;
  lead_html: string | null;
  feature_image_url: string | null;
  feature_image_alt: string;
  feature_image_caption: string;
  editors_pick: boolean;
  published_at: Date;
  updated_at: Date;
  created_at: Date;
  canonical_url: string | null;
  authors?: GhostAuthorRow[];
  tags?: GhostTagRow[];
}

export interface GhostTagRow {
  id: number;
  slug: string;
  name: string;
  description?: string | null;
  post_count?: number;
}

export interface GhostAuthorRow {
  id: number;
  slug: string;
  name: string;
  bio: string | null;
  photo_url: string | null;
  post_count?: number;
}

/** Ghost writes times as 2019-11-26T02:43:13.000+00:00. */
export function ghostTime(d: Date | string | null): string | null {
  if (d === null) return null;
  return (d instanceof Date ? d : new Date(d)).toISOString().replace('Z', '+00:00');
}

export function absolute(siteUrl: string, u: string | null): string | null {
  if (!u) return null;
  return u.startsWith('/') ? siteUrl + u : u;
}

export function readingTime(text: string): number {
  const words = text.trim() ? text.trim().split(/\s+/).length : 0;
  return words ? Math.max(1, Math.round(words / 275)) : 0;
}

export function ghostTag(site: string, t: GhostTagRow, withCount: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: String(t.id),
    name: t.name,
    slug: t.slug,
    description: t.description || null,
    feature_image: null,
    visibility: 'public',
    og_image: null,
    og_title: null,
    og_description: null,
    twitter_image: null,
    twitter_title: null,
    twitter_description: null,
    meta_title: null,
    meta_description: null,
    codeinjection_head: null,
    codeinjection_foot: null,
    canonical_url: null,
    accent_color: null,
    url: `${site}/tag/${t.slug}`,
  };
  if (withCount) o.count = { posts: t.post_count ?? 0 };
  return o;
}

export function ghostAuthor(site: string, a: GhostAuthorRow, withCount: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: String(a.id),
    name: a.name,
    slug: a.slug,
    profile_image: absolute(site, a.photo_url),
    cover_image: null,
    bio: a.bio || null,
    website: null,
    location: null,
    facebook: null,
    twitter: null,
    meta_title: null,
    meta_description: null,
    url: `${site}/author/${a.slug}`,
  };
  if (withCount) o.count = { posts: a.post_count ?? 0 };
  return o;
}

export interface PostShape {
  formats: Set<string>;
  includeAuthors: boolean;
  includeTags: boolean;
  fields: string[] | null;
}

export function ghostPost(site: string, r: GhostPostRow, shape: PostShape): Record<string, unknown> {
  // A content key is no member: gated text is replaced by the lead-in (src/members/access.ts decides).
  const full = decideAccess({ id: r.id, access: r.access }, ANONYMOUS, 'api').full;
  const lead = full ? '' : leadInHtml({ lead_html: r.lead_html, body_html: r.body_html ?? '' });
  const plaintext = full ? r.body_text : leadInText(lead);
  const o: Record<string, unknown> = {
    id: String(r.id),
    uuid: r.uuid,
    title: r.headline,
    slug: r.slug,
  };
  // As Ghost: links and images in the html are absolute, resolved against the post's URL.
  if (shape.formats.has('html')) o.html = absoluteUrls(full ? (r.body_html ?? '') : lead, `${site}/${r.slug}`);
  if (shape.formats.has('plaintext')) o.plaintext = plaintext;
  if (shape.formats.has('mobiledoc')) o.mobiledoc = null;
  if (shape.formats.has('lexical')) o.lexical = null;
  Object.assign(o, {
    comment_id: String(r.id),
    feature_image: absolute(site, r.feature_image_url),
    feature_image_alt: r.feature_image_alt || null,
    feature_image_caption: r.feature_image_caption || null,
    featured: r.editors_pick,
    visibility: ghostVisibility(r.access),
    created_at: ghostTime(r.created_at),
    updated_at: ghostTime(r.updated_at),
    published_at: ghostTime(r.published_at),
    custom_excerpt: r.dek || null,
    codeinjection_head: null,
    codeinjection_foot: null,
    custom_template: null,
    canonical_url: r.canonical_url,
  });
  if (shape.includeTags) {
    const tags = (r.tags ?? []).map((t) => ghostTag(site, t, false));
    o.tags = tags;
    o.primary_tag = tags[0] ?? null;
  }
  if (shape.includeAuthors) {
    const authors = (r.authors ?? []).map((a) => ghostAuthor(site, a, false));
    o.authors = authors;
    o.primary_author = authors[0] ?? null;
  }
  Object.assign(o, {
    url: `${site}/${r.slug}`,
    excerpt: r.dek || plaintext.slice(0, 500),
    reading_time: readingTime(plaintext),
    access: full,
    comments: false,
    og_image: null,
    og_title: null,
    og_description: null,
    twitter_image: null,
    twitter_title: null,
    twitter_description: null,
    meta_title: null,
    meta_description: null,
    email_subject: null,
    frontmatter: null,
  });
  if (!shape.fields) return o;
  // `fields` narrows the post's own attributes; requested relations stay.
  const keep = new Set(shape.fields);
  if (shape.includeTags) keep.add('tags').add('primary_tag');
  if (shape.includeAuthors) keep.add('authors').add('primary_author');
  return Object.fromEntries(Object.entries(o).filter(([k]) => keep.has(k)));
}

export function pickFields(o: Record<string, unknown>, fields: string[] | null, keepAlso: string[] = []): Record<string, unknown> {
  if (!fields) return o;
  const keep = new Set([...fields, ...keepAlso]);
  return Object.fromEntries(Object.entries(o).filter(([k]) => keep.has(k)));
}
