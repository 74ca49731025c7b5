// Formats, sections, tags and authors as the Admin API manages them: lists with article counts,
// create, update and delete, each input validated. Creating and updating formats, sections and
// authors goes through the upserts in write.ts; tags have no other writer, so their SQL lives here.
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { ConflictError, NotFoundError } from '../platform/errors.ts';
import { slugify } from '../platform/sanitize.ts';
import { upsertAuthor, upsertFormat, upsertSection } from './write.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { parseInput } from '../platform/validate.ts';

export type TaxonomyKind = 'formats' | 'sections' | 'tags' | 'authors';

const slug = z.string().trim().min(1).max(120).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens');
const imageUrl = z.string().trim().max(2000).regex(/^(https?:\/\/|\/(?!\/))/, 'must be an http(s) URL or a path starting with /');

const schemas = {
  formats: z.object({ slug: slug.optional(), name: z.string().trim().min(1, 'a name is required').max(200), description: z.string().trim().max(2000).optional(), position: z.number().int().min(0).max(10_000).optional(), weight: z.number().min(0).max(10).optional() }),
  sections: z.object({ slug: slug.optional(), name: z.string().trim().min(1, 'a name is required').max(200), description: z.string().trim().max(2000).optional(), position: z.number().int().min(0).max(10_000).optional() }),
  tags: z.object({ slug: slug.optional(), name: z.string().trim().min(1, 'a name is required').max(200) }),
  authors: z.object({ slug: slug.optional(), name: z.string().trim().min(1, 'a name is required').max(200), bio: z.string().trim().max(5000).optional(), photoUrl: imageUrl.nullish() }),
};

const COLUMNS: Record<TaxonomyKind, string> = {
  formats: 'x.id, x.slug, x.name, x.description, x.position, x.weight',
  sections: 'x.id, x.slug, x.name, x.description, x.position',
  tags: 'x.id, x.slug, x.name',
  authors: 'x.id, x.slug, x.name, x.bio, x.photo_url',
};

const COUNT: Record<TaxonomyKind, string> = {
  formats: `(SELECT count(*)::int FROM articles a WHERE a.format_id = x.id)`,
  sections: `(SELECT count(*)::int FROM articles a WHERE a.section_id = x.id)`,
  tags: `(SELECT count(*)::int FROM article_tags at WHERE at.tag_id = x.id)`,
  authors: `(SELECT count(*)::int FROM article_authors aa WHERE aa.author_id = x.id)`,
};

const ORDER: Record<TaxonomyKind, string> = { formats: 'x.position, x.name', sections: 'x.position, x.name', tags: 'x.name', authors: 'x.name' };

export async function listTaxonomy(db: Db, kind: TaxonomyKind) {
  return db.query(`SELECT ${COLUMNS[kind]}, ${COUNT[kind]} AS article_count FROM ${kind} x ORDER BY ${ORDER[kind]}`);
}

export async function getTaxonomy(db: Db, kind: TaxonomyKind, s: string) {
  const row = await db.one(`SELECT ${COLUMNS[kind]}, ${COUNT[kind]} AS article_count FROM ${kind} x WHERE x.slug = $1`, [s]);
  if (!row) throw new NotFoundError(`No ${kind.slice(0, -1)} "${s}"`);
  return row;
}

async function save(db: Db, kind: TaxonomyKind, data: any, s: string) {
  if (kind === 'formats') await upsertFormat(db, { ...data, slug: s });
  else if (kind === 'sections') await upsertSection(db, { ...data, slug: s });
  else if (kind === 'authors') await upsertAuthor(db, { slug: s, name: data.name, bio: data.bio, photoUrl: data.photoUrl });
  else {
    await db.query(`INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name`, [s, data.name]);
    await db.notify(CONTENT_CHANNEL, 'tags');
  }
}

export async function createTaxonomy(db: Db, kind: TaxonomyKind, input: unknown) {
  const data = parseInput(schemas[kind], input, { what: kind.slice(0, -1) }) as any;
  const s = data.slug ?? slugify(data.name);
  if (!s) throw new ConflictError(`"${data.name}" gives no usable slug; give one`);
  if (await db.one(`SELECT 1 FROM ${kind} WHERE slug = $1`, [s])) throw new ConflictError(`A ${kind.slice(0, -1)} with slug "${s}" already exists`);
  await save(db, kind, data, s);
  return getTaxonomy(db, kind, s);
}

/** Change a name, description and so on; the slug stays (it is part of public URLs). */
export async function updateTaxonomy(db: Db, kind: TaxonomyKind, s: string, patch: unknown) {
  const current = (await getTaxonomy(db, kind, s)) as any;
  const data = parseInput((schemas[kind] as z.ZodObject<any>).partial(), patch, { what: kind.slice(0, -1) }) as any;
  const merged = {
    name: current.name, description: current.description, position: current.position, weight: current.weight, bio: current.bio, photoUrl: current.photo_url,
    ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)),
  };
  await save(db, kind, merged, s);
  return getTaxonomy(db, kind, s);
}

/** Delete: articles keep existing (their format or section becomes none; tags and bylines drop off). */
export async function deleteTaxonomy(db: Db, kind: TaxonomyKind, s: string): Promise<void> {
  const r = await db.query(`DELETE FROM ${kind} WHERE slug = $1 RETURNING id`, [s]);
  if (!r.length) throw new NotFoundError(`No ${kind.slice(0, -1)} "${s}"`);
  await db.notify(CONTENT_CHANNEL, kind);
}
