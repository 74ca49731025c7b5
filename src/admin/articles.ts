// The newsroom's article screens: list, editor (create, save, publish, schedule, unpublish), autosave,
// Markdown preview, the page preview, feature image upload, revisions with diff and restore. Thin
// handlers over src/articles/editor.ts and revisions.ts; URLs in src/admin/routes.ts.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../platform/validate.ts';
import type { WebDeps } from '../web/site.ts';
import { loadSite, withImages } from '../web/site.ts';
import { articlePage } from '../web/pages/public.ts';
import { getArticleById, listAdminArticles, listAuthors, listFormats, listSections, relatedArticles, type AdminListFilter } from '../articles/queries.ts';
import type { Article } from '../articles/types.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, pathId, INT_ID_MAX } from '../platform/errors.ts';
import { markdownToHtml } from '../platform/sanitize.ts';
import { wantsJson } from '../platform/http.ts';
import { clockTimeInZone } from '../platform/time.ts';
import { assertCanEdit, canEdit, canPublish, canView, getOwnership } from '../staff/permissions.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { autosave, previewArticle, saveFromEditor, setFeatureImage, type EditorAction } from '../articles/editor.ts';
import { diffSnapshots, getRevision, listRevisions, restoreRevision, snapshotOf, type Revision } from '../articles/revisions.ts';
import { fieldsFromArticle, fieldsFromBody } from './article-form.ts';
import { articleListPage, editorPage, revisionPage, revisionsPage, uploadedPage, withPreviewBanner, type Choices } from './pages/articles.ts';
import { imageTooLarge, MAX_IMAGE_BYTES, storeUpload } from '../media/images.ts';
import { imageFromForm, uploadedBytes } from './uploads.ts';
import { articleListScope } from '../staff/roles.ts';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const listQuery = z.object({
  status: z.enum(['draft', 'scheduled', 'published', ''], { error: 'Status is draft, scheduled or published.' }).optional(),
  format: z.string().regex(SLUG, 'Unknown format.').or(z.literal('')).optional(),
  section: z.string().regex(SLUG, 'Unknown section.').or(z.literal('')).optional(),
  author: z.string().regex(SLUG, 'Unknown author.').or(z.literal('')).optional(),
  q: z.string().max(200, 'Search terms are limited to 200 characters.').optional(),
  page: z.string().regex(/^[1-9]\d{0,5}$/, 'The page number must be a whole number from 1 upwards.').optional(),
  notice: z.string().optional(),
});

const ACTIONS = ['save', 'publish', 'schedule', 'unpublish'] as const;
const NOTICE_FOR: Record<EditorAction, string> = { save: 'saved', publish: 'published', schedule: 'scheduled', unpublish: 'unpublished' };

function idParam(req: FastifyRequest): number {
  return pathId(req.params, 'There is no such article.', INT_ID_MAX);
}

export function articleScreens(web: WebDeps, h: AdminHelpers) {
  const { db } = web;
  const now = () => web.clock.now();

  async function choices(): Promise<Choices> {
    const [formats, sections, authors] = await Promise.all([listFormats(db), listSections(db), listAuthors(db)]);
    return { formats, sections, authors };
  }

  async function pendingAutosave(article: Article): Promise<Revision | null> {
    if (article.status === 'draft') return null;
    const [last] = await listRevisions(db, article.id, 1);
    return last && !last.applied ? last : null;
  }

  const list: Handler = async (req, reply) => {
    const q = parseInput(listQuery, req.query);
    const filter: AdminListFilter = {
      status: q.status || undefined,
      format: q.format || undefined,
      section: q.section || undefined,
      author: q.author || undefined,
      q: q.q?.trim() || undefined,
    };
    const page = Number(q.page ?? 1);
    const ctx = await h.ctx(req);
    const me = ctx.session.staff;
    if (articleListScope(me.role) !== 'all') filter.ownOrPublished = { staffId: me.id, authorId: me.author_id };
    const [{ rows, more }, ch] = await Promise.all([listAdminArticles(db, filter, page), choices()]);
    return h.sendPage(reply, articleListPage(ctx, ctx.timeZone, filter, ch, rows, page, more, noticeFrom(req.query)));
  };

  const newForm: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const s = ctx.session;
    const fields = fieldsFromBody({});
    if (s.staff.author_slug) fields.authors = [s.staff.author_slug];
    return h.sendPage(reply, editorPage(ctx, { id: null, article: null, fields, choices: await choices(), timeZone: ctx.timeZone, canPublish: canPublish(s.staff, null) }));
  };

  const edit: Handler = async (req, reply) => {
    const id = idParam(req);
    const ctx = await h.ctx(req);
    const [article, own, ch] = await Promise.all([getArticleById(db, id), getOwnership(db, id), choices()]);
    if (!article || !own) throw new NotFoundError('There is no such article. It may have been deleted.');
    assertCanEdit(ctx.session.staff, own);
    return h.sendPage(
      reply,
      editorPage(ctx, {
        id,
        article,
        fields: fieldsFromArticle(article, ctx.timeZone),
        choices: ch,
        timeZone: ctx.timeZone,
        canPublish: canPublish(ctx.session.staff, own),
        notice: noticeFrom(req.query),
        pendingAutosave: await pendingAutosave(article),
      }),
    );
  };

  // Saving the form: on a mistake the editor comes back with everything as typed and the message.
  async function save(req: FastifyRequest, id: number | null) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const action = (ACTIONS as readonly string[]).includes(String(body.action)) ? (body.action as EditorAction) : 'save';
    const fields = fieldsFromBody(body);
    const ctx = await h.ctx(req);
    try {
      const saved = await saveFromEditor({ db, staff: ctx.session.staff, now: now(), timeZone: ctx.timeZone }, id, fields, action);
      return { saved, action };
    } catch (e) {
      if (!(e instanceof ValidationError || e instanceof ConflictError || e instanceof ForbiddenError)) throw e;
      const article = id ? ((await getArticleById(db, id)) ?? null) : null;
      const own = id ? ((await getOwnership(db, id)) ?? null) : null;
      const fieldErrors = e instanceof ValidationError ? e.fields : {};
      const page = editorPage(ctx, {
        id,
        article,
        fields,
        choices: await choices(),
        timeZone: ctx.timeZone,
        canPublish: canPublish(ctx.session.staff, own),
        notice: { kind: 'error', text: `Not saved: ${e.message}` },
        fieldErrors,
      });
      return { page, status: e.status };
    }
  }

  const create: Handler = async (req, reply) => {
    const r = await save(req, null);
    if ('page' in r) return h.sendPage(reply, r.page!, r.status);
    return reply.redirect(`/admin/articles/${r.saved.id}?notice=${r.action === 'save' ? 'created' : NOTICE_FOR[r.action]}`, 303);
  };

  const update: Handler = async (req, reply) => {
    const r = await save(req, idParam(req));
    if ('page' in r) return h.sendPage(reply, r.page!, r.status);
    return reply.redirect(`/admin/articles/${r.saved.id}?notice=${NOTICE_FOR[r.action]}`, 303);
  };

  // Autosave (JSON). A new article is created as a draft by its first autosave.
  const autosaveNew: Handler = async (req, reply) => {
    const s = h.session(req);
    const fields = fieldsFromBody((req.body ?? {}) as Record<string, unknown>);
    if (!fields.headline.trim()) throw new ValidationError('Give the article a headline before it can be saved.', { headline: 'Required.' });
    const { timeZone } = await h.ctx(req);
    const saved = await saveFromEditor({ db, staff: s.staff, now: now(), timeZone }, null, fields, 'save');
    // savedAtText: the time in the publication's zone, for "All changes saved at …" (not the browser's zone).
    return reply.send({ id: saved.id, url: `/admin/articles/${saved.id}`, applied: true, savedAt: saved.updated_at, savedAtText: clockTimeInZone(new Date(saved.updated_at), timeZone), status: saved.status });
  };

  const autosaveExisting: Handler = async (req, reply) => {
    const id = idParam(req);
    const s = h.session(req);
    const fields = fieldsFromBody((req.body ?? {}) as Record<string, unknown>);
    const { timeZone } = await h.ctx(req);
    const r = await autosave({ db, staff: s.staff, now: now(), timeZone }, id, fields);
    const at = now();
    return reply.send({ id, applied: r.applied, revisionId: r.revisionId, savedAt: at, savedAtText: clockTimeInZone(at, timeZone), status: r.article.status });
  };

  // Live preview of the Markdown body: the same conversion and sanitising as saving.
  const markdownPreview: Handler = async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const source = typeof body.body === 'string' ? body.body : '';
    if (source.length > 2_000_000) throw new ValidationError('The body is too long to preview.');
    return reply.send({ html: markdownToHtml(source) });
  };

  // The page exactly as readers will see it: the saved article (GET) or the form's unsaved state (POST).
  async function renderPreview(article: Article) {
    const site = await loadSite(web);
    const related = await relatedArticles(db, article.id, 4);
    await withImages(web, site, [article.feature_image_url, ...article.authors.map((a) => a.photo_url), ...related.map((r) => r.feature_image_url)]);
    return withPreviewBanner(articlePage(site, article, related), article.status);
  }

  const preview: Handler = async (req, reply) => {
    const id = idParam(req);
    const s = h.session(req);
    const [article, own] = await Promise.all([getArticleById(db, id), getOwnership(db, id)]);
    if (!article || !own) throw new NotFoundError('There is no such article.');
    if (!canView(s.staff, own)) throw new ForbiddenError('You can only preview your own articles.');
    return h.sendPage(reply, await renderPreview(article));
  };

  const previewUnsaved: Handler = async (req, reply) => {
    const id = idParam(req);
    const s = h.session(req);
    const [article, own, ch, authors] = await Promise.all([getArticleById(db, id), getOwnership(db, id), choices(), listAuthors(db)]);
    if (!article || !own) throw new NotFoundError('There is no such article.');
    assertCanEdit(s.staff, own);
    const preview = previewArticle(article, fieldsFromBody((req.body ?? {}) as Record<string, unknown>), { ...ch, authors }, now());
    return h.sendPage(reply, await renderPreview(preview));
  };

  // An image for an article not saved yet, or dropped into the body: stored, its address answered
  // (JSON for the editor's script; a short page otherwise). Nothing else changes.
  const uploadLoose: Handler = async (req, reply) => {
    const url = await imageFromForm(req, h.checkCsrf, web.config.dataDir, 'image', db);
    if (wantsJson(req)) return reply.send({ url });
    return h.sendPage(reply, uploadedPage(await h.ctx(req), url));
  };

  // Feature image upload (multipart). With JavaScript it answers JSON and the editor shows the image.
  const uploadImage: Handler = async (req, reply) => {
    const id = idParam(req);
    if (!req.isMultipart()) throw new ValidationError('Send the image as a file upload (multipart/form-data).');
    const part = await req.file();
    const field = part?.fields._csrf;
    const token = req.headers['x-csrf-token'] ?? (field && !Array.isArray(field) && field.type === 'field' ? field.value : undefined);
    h.checkCsrf(req, token);
    const s = h.session(req);
    const own = await getOwnership(db, id);
    if (!own) throw new NotFoundError('There is no such article.');
    assertCanEdit(s.staff, own);
    if (!part) throw new ValidationError('Choose an image file to upload.', { image: 'No file was chosen.' });
    const buf = await uploadedBytes(part, MAX_IMAGE_BYTES, () => imageTooLarge());
    const { path: url } = await storeUpload(db, web.config.dataDir, buf, { maxBytes: MAX_IMAGE_BYTES }); // with its sizes
    const article = await setFeatureImage({ db, staff: s.staff, now: now(), timeZone: (await h.ctx(req)).timeZone }, id, url);
    if (wantsJson(req)) return reply.send({ url, id: article.id });
    return reply.redirect(`/admin/articles/${id}?notice=image`, 303);
  };

  // ---- Revisions ----

  async function editable(req: FastifyRequest) {
    const id = idParam(req);
    const s = h.session(req);
    const [article, own] = await Promise.all([getArticleById(db, id), getOwnership(db, id)]);
    if (!article || !own) throw new NotFoundError('There is no such article.');
    assertCanEdit(s.staff, own);
    return { id, article, own, s };
  }

  const revisions: Handler = async (req, reply) => {
    const { id, article } = await editable(req);
    const ctx = await h.ctx(req);
    return h.sendPage(reply, revisionsPage(ctx, ctx.timeZone, article, await listRevisions(db, id)));
  };

  const revision: Handler = async (req, reply) => {
    const { id, article, own, s } = await editable(req);
    const revId = String((req.params as { rev: string }).rev);
    if (!/^[1-9]\d{0,15}$/.test(revId)) throw new NotFoundError('There is no such revision.');
    const rev = await getRevision(db, id, Number(revId));
    const ctx = await h.ctx(req);
    return h.sendPage(reply, revisionPage(ctx, ctx.timeZone, article, rev, diffSnapshots(rev.snapshot, snapshotOf(article)), canEdit(s.staff, own)));
  };

  const restore: Handler = async (req, reply) => {
    const { id, s } = await editable(req);
    const revId = String((req.params as { rev: string }).rev);
    if (!/^[1-9]\d{0,15}$/.test(revId)) throw new NotFoundError('There is no such revision.');
    await restoreRevision({ db, staff: s.staff, now: now(), timeZone: (await h.ctx(req)).timeZone }, id, Number(revId));
    return reply.redirect(`/admin/articles/${id}?notice=restored`, 303);
  };

  return { list, newForm, edit, create, update, autosaveNew, autosaveExisting, markdownPreview, preview, previewUnsaved, uploadImage, uploadLoose, revisions, revision, restore };
}
