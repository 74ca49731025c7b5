// Core commands: migrate, and publishing an article from a Markdown file with front matter.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { migrate } from '../db/migrate.ts';
import { createArticle, updateArticle } from '../articles/write.ts';
import { getArticleBySlug } from '../articles/queries.ts';
import { slugify } from '../platform/sanitize.ts';
import { seedPublication } from '../publication/setup.ts';

export const setupCommand: Command = {
  name: 'setup',
  summary: 'Create the database (migrations, default newsletters, demo content) and exit',
  usage: 'newsdesk setup',
  remote: false,
  async run({ deps, io }) {
    await seedPublication(deps, (line) => io.out(line));
    io.out('The database is ready.');
    return 0;
  },
};

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations',
  usage: 'newsdesk migrate',
  remote: false,
  async run({ deps, io }) {
    const ran = await migrate(deps.db);
    io.out(ran.length ? `Applied ${ran.length} migration(s): ${ran.join(', ')}` : 'The database is up to date.');
    return 0;
  },
};

/** Split "---\nyaml\n---\nbody" into front matter and body. */
export function parseFrontMatter(text: string): { data: Record<string, unknown>; body: string } {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new UsageError('The file must start with front matter between two "---" lines (headline, dek, format, section, tags, authors, published).');
  let data: unknown;
  try {
    data = YAML.parse(m[1]!);
  } catch (e) {
    throw new UsageError(`The front matter is not valid YAML: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError('The front matter must be a set of "key: value" lines.');
  return { data: data as Record<string, unknown>, body: m[2]! };
}

const list = (v: unknown): string[] | undefined =>
  v === undefined || v === null ? undefined : Array.isArray(v) ? v.map(String) : String(v).split(',').map((s) => s.trim()).filter(Boolean);

/** Front matter keys (documented in the README) to the article input. */
export function frontMatterToInput(data: Record<string, unknown>, body: string, draft: boolean): Record<string, unknown> {
  const known = new Set(['headline', 'title', 'slug', 'dek', 'format', 'section', 'tags', 'authors', 'author', 'published', 'date', 'editors_pick', 'feature_image', 'feature_image_alt', 'feature_image_caption', 'canonical_url', 'story', 'access']);
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length) throw new UsageError(`Unknown front matter key(s): ${unknown.join(', ')}. Known keys: ${[...known].join(', ')}.`);
  const published = data.published ?? data.date;
  const input: Record<string, unknown> = {
    headline: data.headline ?? data.title,
    slug: data.slug,
    dek: data.dek,
    body,
    bodyFormat: 'markdown',
    format: typeof data.format === 'string' ? slugify(data.format) : data.format,
    section: typeof data.section === 'string' ? slugify(data.section) : data.section,
    tags: list(data.tags),
    authors: list(data.authors ?? data.author),
    editorsPick: data.editors_pick,
    featureImageUrl: data.feature_image,
    featureImageAlt: data.feature_image_alt,
    featureImageCaption: data.feature_image_caption,
    canonicalUrl: data.canonical_url,
    storyKey: data.story,
    // public, metered (the default), members or paid (src/members/access.ts)
    access: data.access,
    status: draft ? 'draft' : 'published',
    publishedAt: published instanceof Date ? published : published === undefined ? undefined : String(published),
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  return input;
}

export const publishCommand: Command = {
  name: 'publish',
  summary: 'Create or update an article from a Markdown file with front matter, and publish it',
  usage: 'newsdesk publish FILE.md [--draft]\n  Front matter: headline, dek, format, section, tags, authors, published (a future time schedules it),\n  and optionally slug, editors_pick, feature_image, feature_image_alt, feature_image_caption, canonical_url, story.\n  Running it again with the same slug updates the article.',
  options: { draft: { type: 'boolean', default: false } },
  remote: true,
  async run({ deps, io, cwd }, args) {
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new UsageError('Name one Markdown file.');
    const full = path.resolve(cwd, file);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch (e: any) {
      throw new UsageError(`Cannot read ${full}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    const { data, body } = parseFrontMatter(text);
    const input = frontMatterToInput(data, body, Boolean(args.values.draft));
    const now = deps.clock.now();
    const existing = typeof input.slug === 'string' ? await getArticleBySlug(deps.db, input.slug) : undefined;
    const article = existing
      ? await updateArticle(deps.db, existing.id, input, { now, createMissingAuthors: true })
      : await createArticle(deps.db, input, { now, createMissingAuthors: true });
    const where = `${deps.config.siteUrl}/${article.slug}`;
    const verb = existing ? 'Updated' : 'Created';
    if (article.status === 'published') io.out(`${verb} and published "${article.headline}": ${where}`);
    else if (article.status === 'scheduled') io.out(`${verb} "${article.headline}", scheduled for ${article.published_at!.toISOString()}: ${where}`);
    else io.out(`${verb} draft "${article.headline}" (id ${article.id}).`);
    return 0;
  },
};
