// Saving from the newsroom's editor: create or update with the status change the button asked for
// (save, publish, schedule, unpublish), the staff member's rights checked first and a revision kept;
// autosave (drafts in place, live articles aside); a new feature image; the unsaved preview. The form
// itself (parsing a request body into EditorFields) is the newsroom's (src/admin/article-form.ts).
import type { Article } from './types.ts';
import type { Named } from './types.ts';
import { getArticleById } from './queries.ts';
import { createArticle, parseArticleInput, updateArticle } from './write.ts';
import { recordRevision, snapshotOf, type SaveContext, type Snapshot } from './revisions.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { htmlToText, markdownToHtml, slugify } from '../platform/sanitize.ts';
import { fromLocalInput } from '../platform/time.ts';
import { assertCanEdit, assertCanPublish, getOwnership, type Ownership } from '../staff/permissions.ts';

export type { SaveContext };

/** The article as the editor form holds it: every field a string (or list of strings). */
export interface EditorFields {
  headline: string;
  slug: string;
  dek: string;
  body: string;
  format: string;
  section: string;
  tags: string;
  authors: string[];
  editors_pick: boolean;
  /** public, metered, members or paid; '' keeps the default (the section's, the format's, or metered). */
  access: string;
  feature_image_url: string;
  feature_image_alt: string;
  feature_image_caption: string;
  publish_at: string;
  /** The story key (a wire story's slug links the article to that story); absent: left as it is. */
  story_key?: string;
}

function contentPatch(f: EditorFields): Record<string, unknown> {
  const patch: Record<string, unknown> = {
    headline: f.headline,
    dek: f.dek,
    body: f.body,
    bodyFormat: 'markdown',
    format: f.format || null,
    section: f.section || null,
    tags: f.tags.split(',').map((t) => t.trim()).filter(Boolean),
    authors: f.authors,
    editorsPick: f.editors_pick,
    featureImageUrl: f.feature_image_url || null,
    featureImageAlt: f.feature_image_alt,
    featureImageCaption: f.feature_image_caption,
  };
  if (f.slug) patch.slug = f.slug;
  if (f.access) patch.access = f.access;
  if (f.story_key !== undefined) patch.storyKey = f.story_key || null;
  return patch;
}

export type EditorAction = 'save' | 'publish' | 'schedule' | 'unpublish';

/**
 * Save the editor's form: create or update, with the status change the button asked for, checking the
 * staff member's rights first. Records a revision. Returns the saved article.
 */
export async function saveFromEditor(ctx: SaveContext, id: number | null, f: EditorFields, action: EditorAction): Promise<Article> {
  const { db, staff, now } = ctx;
  return db.tx(async (tx) => {
    let own: Ownership | null = null;
    let current: Article | undefined;
    if (id !== null) {
      own = (await getOwnership(tx, id)) ?? null;
      current = await getArticleById(tx, id);
      if (!own || !current) throw new NotFoundError('There is no such article. It may have been deleted.');
      assertCanEdit(staff, own);
    }
    const patch = contentPatch(f);
    if (id === null && !f.authors.length && staff.author_slug) patch.authors = [staff.author_slug];
    const at = f.publish_at ? fromLocalInput(f.publish_at, ctx.timeZone) : null;
    const status = current?.status ?? 'draft';
    if (action === 'publish') {
      patch.status = 'published';
      // Publishing now, unless the article already went out (keep its time) or a past time was given.
      patch.publishedAt = status === 'published' ? current!.published_at : at && at.getTime() <= now.getTime() ? at : now;
    } else if (action === 'schedule') {
      if (!at) throw new ValidationError('Choose when to publish: fill in the publish time.', { publish_at: 'Required to schedule.' });
      if (at.getTime() <= now.getTime()) throw new ValidationError('The publish time is in the past: choose a later time, or publish now.', { publish_at: 'Must be in the future.' });
      patch.status = 'scheduled';
      patch.publishedAt = at;
    } else if (action === 'unpublish') {
      patch.status = 'draft';
    } else if (status === 'scheduled' && at && at.getTime() !== current!.published_at?.getTime()) {
      if (at.getTime() <= now.getTime()) throw new ValidationError('The publish time is in the past: choose a later time, or publish now.', { publish_at: 'Must be in the future.' });
      patch.publishedAt = at;
    }
    // Any change of status, or of the time a scheduled article goes out, is publishing.
    if (action !== 'save' || patch.publishedAt !== undefined) assertCanPublish(staff, own);
    let saved: Article;
    if (id === null) {
      saved = await createArticle(tx, patch, { now });
      await tx.query(`UPDATE articles SET created_by = $2 WHERE id = $1`, [saved.id, staff.id]);
    } else {
      saved = await updateArticle(tx, id, patch, { now });
    }
    await recordRevision(tx, saved.id, staff.id, id === null ? 'create' : 'save', snapshotOf(saved), true, now);
    return saved;
  });
}

/**
 * Autosave: a draft is saved in place; a scheduled or published article is not changed (half-written
 * text must not go live) and the text is kept as an unapplied revision the editor can restore.
 */
export async function autosave(ctx: SaveContext, id: number, f: EditorFields): Promise<{ article: Article; applied: boolean; revisionId: number }> {
  const { db, staff, now } = ctx;
  return db.tx(async (tx) => {
    const own = await getOwnership(tx, id);
    if (!own) throw new NotFoundError('There is no such article. It may have been deleted.');
    assertCanEdit(staff, own);
    const patch = contentPatch(f);
    if (own.status === 'draft') {
      const article = await updateArticle(tx, id, patch, { now });
      const revisionId = await recordRevision(tx, id, staff.id, 'autosave', snapshotOf(article), true, now);
      return { article, applied: true, revisionId };
    }
    const current = (await getArticleById(tx, id))!;
    // Validate as a save would, so that an autosave never keeps what could not be saved.
    parseArticleInput(patch, true);
    const snap: Snapshot = { ...snapshotOf(current), ...snapshotPatch(f) };
    const revisionId = await recordRevision(tx, id, staff.id, 'autosave', snap, false, now);
    return { article: current, applied: false, revisionId };
  });
}

function snapshotPatch(f: EditorFields): Partial<Snapshot> {
  const p = contentPatch(f);
  return {
    headline: f.headline.trim(),
    dek: f.dek.trim(),
    body: f.body,
    format: (p.format as string | null) ?? null,
    section: (p.section as string | null) ?? null,
    tags: p.tags as string[],
    authors: f.authors,
    editorsPick: f.editors_pick,
    featureImageUrl: f.feature_image_url || null,
    featureImageAlt: f.feature_image_alt.trim(),
    featureImageCaption: f.feature_image_caption.trim(),
    ...(f.slug ? { slug: f.slug } : {}),
  };
}

/** A new feature image (already stored): set on the article, with a revision. */
export async function setFeatureImage(ctx: SaveContext, id: number, url: string): Promise<Article> {
  const { db, staff, now } = ctx;
  return db.tx(async (tx) => {
    const own = await getOwnership(tx, id);
    if (!own) throw new NotFoundError('There is no such article.');
    assertCanEdit(staff, own);
    const saved = await updateArticle(tx, id, { featureImageUrl: url }, { now });
    await recordRevision(tx, id, staff.id, 'save', snapshotOf(saved), true, now);
    return saved;
  });
}

export interface PreviewChoices {
  formats: Named[];
  sections: Named[];
  authors: Article['authors'];
}

/**
 * The article as it would read with the editor's unsaved fields: the same Markdown conversion and
 * sanitising as saving, nothing written. Unknown formats, sections and authors are left out.
 */
export function previewArticle(article: Article, f: EditorFields, choices: PreviewChoices, now: Date): Article {
  const bodyHtml = markdownToHtml(f.body);
  return {
    ...article,
    headline: f.headline.trim() || article.headline,
    dek: f.dek.trim(),
    body_source: f.body,
    body_html: bodyHtml,
    body_text: htmlToText(bodyHtml),
    format: choices.formats.find((x) => x.slug === f.format) ?? null,
    section: choices.sections.find((x) => x.slug === f.section) ?? null,
    tags: f.tags.split(',').map((t) => t.trim()).filter(Boolean).map((name) => ({ slug: slugify(name), name })),
    authors: f.authors.map((slug) => choices.authors.find((a) => a.slug === slug)).filter((a): a is NonNullable<typeof a> => !!a),
    editors_pick: f.editors_pick,
    feature_image_url: /^(https?:\/\/|\/(?!\/))/.test(f.feature_image_url) ? f.feature_image_url : null,
    feature_image_alt: f.feature_image_alt.trim(),
    feature_image_caption: f.feature_image_caption.trim(),
    published_at: article.published_at ?? now,
  };
}
