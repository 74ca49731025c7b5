// The article editor's form: a request body (form fields or the autosave's JSON) read into
// EditorFields, every field a string cut to a sane length, and an article shown in the form.
// Saving what it holds is the articles domain's (src/articles/editor.ts).
import type { Article } from '../articles/types.ts';
import type { EditorFields } from '../articles/editor.ts';
import { toLocalInput } from '../platform/time.ts';

const str = (v: unknown, max = 2_000_000): string => (typeof v === 'string' ? v.slice(0, max) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].slice(0, max) : '');

export function fieldsFromBody(body: Record<string, unknown>): EditorFields {
  const authors = body.authors;
  return {
    // The headline field wraps over several lines; a line break typed into it is a space.
    headline: str(body.headline, 1000).replace(/\s*[\r\n]+\s*/g, ' '),
    slug: str(body.slug, 200).trim(),
    dek: str(body.dek, 5000),
    body: str(body.body).replace(/\r\n/g, '\n'),
    format: str(body.format, 200),
    section: str(body.section, 200),
    tags: str(body.tags, 5000),
    authors: (Array.isArray(authors) ? authors : authors === undefined ? [] : [authors]).filter((a): a is string => typeof a === 'string' && a !== '').slice(0, 20),
    editors_pick: body.editors_pick === true || body.editors_pick === 'on' || body.editors_pick === 'true',
    access: str(body.access, 20).trim(),
    feature_image_url: str(body.feature_image_url, 2000).trim(),
    feature_image_alt: str(body.feature_image_alt, 1000),
    feature_image_caption: str(body.feature_image_caption, 2000),
    publish_at: str(body.publish_at, 40).trim(),
    // Absent (a client that does not send it): the article keeps its story key.
    ...(body.story_key === undefined ? {} : { story_key: str(body.story_key, 400).trim() }),
  };
}

export function fieldsFromArticle(a: Article, timeZone: string): EditorFields {
  return {
    headline: a.headline,
    slug: a.slug,
    dek: a.dek,
    body: a.body_source,
    format: a.format?.slug ?? '',
    section: a.section?.slug ?? '',
    tags: a.tags.map((t) => t.name).join(', '),
    authors: a.authors.map((x) => x.slug),
    editors_pick: a.editors_pick,
    access: a.access,
    feature_image_url: a.feature_image_url ?? '',
    feature_image_alt: a.feature_image_alt,
    feature_image_caption: a.feature_image_caption,
    publish_at: a.published_at ? toLocalInput(a.published_at, timeZone).replace('T', ' ') : '',
    story_key: a.story_key ?? '',
  };
}
