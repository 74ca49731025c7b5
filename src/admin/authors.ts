// The Authors screen (URLs in src/admin/routes.ts) and the signed-in person's own profile on the
// account page: names, bios and photos of the people articles are signed by.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import type { Db } from '../db/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { createTaxonomy, deleteTaxonomy, updateTaxonomy } from '../articles/taxonomy.ts';
import { staffProfile, updateProfile } from '../staff/staff.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { authorDeletePage, authorEditPage, authorsPage, type AuthorRow } from './pages/authors.ts';
import { accountPage } from './pages/account.ts';
import { imageFromForm } from './uploads.ts';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const AUTHOR_COLUMNS = `au.id, au.slug, au.name, au.bio, au.photo_url,
  (SELECT count(*)::int FROM article_authors aa WHERE aa.author_id = au.id) AS article_count,
  (SELECT st.email FROM staff st WHERE st.author_id = au.id) AS staff_email`;

export async function listAuthorRows(db: Db): Promise<AuthorRow[]> {
  return db.query<AuthorRow>(`SELECT ${AUTHOR_COLUMNS} FROM authors au ORDER BY au.name, au.slug`);
}

async function authorRow(db: Db, slug: string): Promise<AuthorRow> {
  const row = await db.one<AuthorRow>(`SELECT ${AUTHOR_COLUMNS} FROM authors au WHERE au.slug = $1`, [slug]);
  if (!row) throw new NotFoundError('There is no such author.');
  return row;
}

function fields(body: unknown): Record<string, string> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return { slug: String(b.slug ?? '').trim(), name: String(b.name ?? ''), bio: String(b.bio ?? '') };
}

export function authorScreens(web: WebDeps, h: AdminHelpers) {
  const { db, config } = web;
  const slugOf = (req: FastifyRequest) => {
    const s = (req.params as { slug?: string }).slug ?? '';
    if (!SLUG.test(s)) throw new NotFoundError('There is no such author.');
    return s;
  };
  /** A mistake comes back on the same form with the message and what was typed. */
  async function retry(req: FastifyRequest, reply: FastifyReply, e: unknown, row: AuthorRow | null) {
    if (!(e instanceof ValidationError || e instanceof ConflictError)) throw e;
    return h.sendPage(reply, authorEditPage(await h.ctx(req), row, { kind: 'error', text: e.message }, fields(req.body)), e.status);
  }

  const list: Handler = async (req, reply) => h.sendPage(reply, authorsPage(await h.ctx(req), await listAuthorRows(db), noticeFrom(req.query)));
  const newForm: Handler = async (req, reply) => h.sendPage(reply, authorEditPage(await h.ctx(req), null, null));
  const create: Handler = async (req, reply) => {
    const f = fields(req.body);
    try {
      const a = (await createTaxonomy(db, 'authors', { slug: f.slug || undefined, name: f.name, bio: f.bio })) as { slug: string };
      return reply.redirect(`/admin/authors/${a.slug}?notice=author`, 303);
    } catch (e) {
      return retry(req, reply, e, null);
    }
  };
  const edit: Handler = async (req, reply) => h.sendPage(reply, authorEditPage(await h.ctx(req), await authorRow(db, slugOf(req)), noticeFrom(req.query)));
  const save: Handler = async (req, reply) => {
    const row = await authorRow(db, slugOf(req));
    const f = fields(req.body);
    try {
      await updateTaxonomy(db, 'authors', row.slug, { name: f.name, bio: f.bio });
      // A staff member's newsroom name follows their byline.
      await db.query(`UPDATE staff SET name = $2 WHERE author_id = $1`, [row.id, f.name.trim()]);
    } catch (e) {
      return retry(req, reply, e, row);
    }
    return reply.redirect(`/admin/authors/${row.slug}?notice=author`, 303);
  };
  const photo: Handler = async (req, reply) => {
    const row = await authorRow(db, slugOf(req));
    const url = await imageFromForm(req, h.checkCsrf, config.dataDir, 'photo', db);
    await updateTaxonomy(db, 'authors', row.slug, { photoUrl: url });
    return reply.redirect(`/admin/authors/${row.slug}?notice=author`, 303);
  };
  const removePhoto: Handler = async (req, reply) => {
    const row = await authorRow(db, slugOf(req));
    await updateTaxonomy(db, 'authors', row.slug, { photoUrl: null });
    return reply.redirect(`/admin/authors/${row.slug}?notice=author`, 303);
  };
  const confirmDelete: Handler = async (req, reply) => h.sendPage(reply, authorDeletePage(await h.ctx(req), await authorRow(db, slugOf(req))));
  /** Only an author who signs no article and is no one's staff byline: no article loses its byline. */
  const remove: Handler = async (req, reply) => {
    const row = await authorRow(db, slugOf(req));
    if (row.article_count > 0 || row.staff_email) return h.sendPage(reply, authorDeletePage(await h.ctx(req), row), 409);
    await deleteTaxonomy(db, 'authors', row.slug);
    return reply.redirect('/admin/authors?notice=deleted', 303);
  };

  // ---- the signed-in person's own profile (account page)
  const ownProfile = (req: FastifyRequest) => staffProfile(db, h.session(req).staff.id);
  const account: Handler = async (req, reply) => h.sendPage(reply, accountPage(await h.ctx(req), noticeFrom(req.query), await ownProfile(req)));
  const saveProfile: Handler = async (req, reply) => {
    const f = fields(req.body);
    try {
      await updateProfile(db, h.session(req).staff.id, { name: f.name, bio: f.bio });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return h.sendPage(reply, accountPage(await h.ctx(req), { kind: 'error', text: e.message }, await ownProfile(req), f), 400);
    }
    return reply.redirect('/admin/account?notice=profile', 303);
  };
  const profilePhoto: Handler = async (req, reply) => {
    const s = h.session(req);
    const url = await imageFromForm(req, h.checkCsrf, config.dataDir, 'photo', db);
    const p = await ownProfile(req);
    await updateProfile(db, s.staff.id, { name: p.name || s.staff.name || s.staff.email.split('@')[0], bio: p.bio }, url);
    return reply.redirect('/admin/account?notice=profile', 303);
  };
  const removeProfilePhoto: Handler = async (req, reply) => {
    const s = h.session(req);
    const p = await ownProfile(req);
    await updateProfile(db, s.staff.id, { name: p.name || s.staff.name || s.staff.email.split('@')[0], bio: p.bio }, null);
    return reply.redirect('/admin/account?notice=profile', 303);
  };

  return { list, newForm, create, edit, save, photo, removePhoto, confirmDelete, remove, account, saveProfile, profilePhoto, removeProfilePhoto };
}
