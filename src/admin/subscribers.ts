// Subscribers in the newsroom (editors and administrators): search and filters with counts per
// newsletter, add (double opt-in or confirmed), unsubscribe, delete for good after a confirmation
// page, CSV import (multipart upload, report with the lines that failed) and CSV export. Thin
// handlers over src/newsletters/subscribers.ts; URLs in src/admin/routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../platform/validate.ts';
import type { WebDeps } from '../web/site.ts';
import { NotFoundError, TooLargeError, ValidationError, pathId } from '../platform/errors.ts';
import { getNewsletterBySlug, listNewsletters } from '../newsletters/newsletters.ts';
import { addSubscriber, deleteSubscriber, exportSubscribersCsv, importSubscribersCsv, listSubscribers, subscriberCounts, unsubscribe } from '../newsletters/subscribers.ts';
import { getPerson, subscriptionsOf } from '../newsletters/signup.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import type { Notice } from './layout.ts';
import { parserLimit, uploadedBytes } from './uploads.ts';
import {
  deleteConfirmPage, importReportPage, subscribersPage, subscribersQuery, SUBSCRIBERS_PATH, SUBSCRIBERS_PER_PAGE, type AddValues, type SubscriberFilter,
} from './pages/subscribers.ts';

/** CSV files up to this size are imported (the admin's multipart limit for images is lower). */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const listQuery = z.object({
  q: z.string().max(200, 'Searches are limited to 200 characters.').optional(),
  newsletter: z.union([z.literal(''), z.string().regex(SLUG, 'Choose a newsletter from the list.').max(120)]).optional(),
  status: z.union([z.literal(''), z.enum(['pending', 'confirmed', 'unsubscribed'])]).optional(),
  page: z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,5}$/, 'Pages are numbered from 1.')]).optional(),
});

function personId(req: FastifyRequest): number {
  return pathId(req.params, 'There is no such subscriber.');
}

/** Where to go back to after an action on the list: only the subscribers screen itself. */
function safeBack(v: unknown): string {
  return typeof v === 'string' && v.length <= 2000 && (v === SUBSCRIBERS_PATH || v.startsWith(SUBSCRIBERS_PATH + '?')) && /^[\x21-\x7e]*$/.test(v) ? v : SUBSCRIBERS_PATH;
}

function withNotice(url: string, notice: string): string {
  return url + (url.includes('?') ? '&' : '?') + `notice=${notice}`;
}

export function subscriberScreens(web: WebDeps, h: AdminHelpers) {
  const { db } = web;
  const now = () => web.clock.now();

  async function renderList(req: FastifyRequest, reply: FastifyReply, filter: SubscriberFilter, page: number, notice: Notice | null, add?: AddValues, status = 200) {
    const ctx = await h.ctx(req);
    const [{ rows, total }, counts, newsletters] = await Promise.all([
      listSubscribers(db, { ...filter, limit: SUBSCRIBERS_PER_PAGE, offset: (page - 1) * SUBSCRIBERS_PER_PAGE }),
      subscriberCounts(db),
      listNewsletters(db),
    ]);
    return h.sendPage(reply, subscribersPage(ctx, ctx.timeZone, { filter, page, rows, total, counts, newsletters, add }, notice), status);
  }

  const list: Handler = async (req, reply) => {
    const q = parseInput(listQuery, req.query);
    const filter: SubscriberFilter = { q: q.q?.trim() || undefined, newsletter: q.newsletter || undefined, status: q.status || undefined };
    return renderList(req, reply, filter, Number(q.page || 1), noticeFrom(req.query));
  };

  // Add one person. Without "already agreed" this is a sign-up: they get the verification email.
  const add: Handler = async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const chosen = (Array.isArray(body.newsletters) ? body.newsletters : body.newsletters === undefined ? [] : [body.newsletters]).map(String);
    const values: AddValues = { email: String(body.email ?? ''), name: String(body.name ?? ''), newsletters: chosen, confirmed: body.confirmed === 'on' };
    try {
      if (!chosen.length) throw new ValidationError('Choose at least one newsletter.');
      for (const slug of chosen) if (!(await getNewsletterBySlug(db, slug))) throw new ValidationError(`There is no newsletter called “${slug.slice(0, 60)}”.`);
      await addSubscriber(web, { email: values.email, name: values.name, newsletters: chosen, confirmed: values.confirmed, source: 'admin' });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return renderList(req, reply, {}, 1, { kind: 'error', text: e.message }, values, 400);
    }
    return reply.redirect(`${subscribersQuery({ q: values.email!.trim() })}&notice=${values.confirmed ? 'subscriber_added' : 'subscriber_invited'}`, 303);
  };

  const unsubscribeOne: Handler = async (req, reply) => {
    const id = personId(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!(await getPerson(db, id))) throw new NotFoundError('There is no such subscriber. They may have been deleted.');
    let newsletterId: number | null = null;
    if (typeof body.newsletter === 'string' && body.newsletter) {
      const n = await getNewsletterBySlug(db, body.newsletter);
      if (!n) throw new ValidationError('Choose a newsletter from the list.');
      newsletterId = n.id;
    }
    await unsubscribe(db, id, newsletterId, now());
    return reply.redirect(withNotice(safeBack(body.back), 'unsubscribed'), 303);
  };

  const deleteForm: Handler = async (req, reply) => {
    const id = personId(req);
    const person = await getPerson(db, id);
    if (!person) throw new NotFoundError('There is no such subscriber. They may have been deleted already.');
    const all = await listNewsletters(db);
    const subs = await subscriptionsOf(db, id, all.map((n) => n.id));
    return h.sendPage(reply, deleteConfirmPage(await h.ctx(req), person, subs));
  };

  const remove: Handler = async (req, reply) => {
    const person = await getPerson(db, personId(req));
    if (!person) throw new NotFoundError('There is no such subscriber. They may have been deleted already.');
    await deleteSubscriber(db, person.email);
    return reply.redirect(`${SUBSCRIBERS_PATH}?notice=subscriber_deleted`, 303);
  };

  // CSV import: the form's fields (CSRF token, newsletter, confirmed) come before the file.
  const importCsv: Handler = async (req, reply) => {
    if (!req.isMultipart()) throw new ValidationError('Send the CSV as a file upload (multipart/form-data).');
    // Read every part: the fields (whichever order they come in) and the one file, size-limited.
    const fields: Record<string, string> = {};
    let file: { name: string; buf: Buffer } | null = null;
    const tooLarge = () => new TooLargeError(`That file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB. Split it into smaller files and import each.`);
    try {
      for await (const part of req.parts({ limits: { fileSize: parserLimit(MAX_CSV_BYTES), files: 1, fields: 10 } })) {
        if (part.type === 'file') file = { name: part.filename ?? '', buf: await uploadedBytes(part, MAX_CSV_BYTES, tooLarge) };
        else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      }
    } catch (e) {
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      throw e;
    }
    h.checkCsrf(req, req.headers['x-csrf-token'] ?? fields._csrf);
    const slug = fields.newsletter ?? '';
    const newsletter = SLUG.test(slug) ? await getNewsletterBySlug(db, slug) : undefined;
    if (!newsletter) throw new ValidationError('Choose the newsletter to import into.');
    if (!file || (!file.name && !file.buf.length)) throw new ValidationError('Choose a CSV file to import.');
    const buf = file.buf;
    if (!buf.length) throw new ValidationError('The file is empty. Choose a CSV file with a header line and one row per subscriber.');
    if (buf.includes(0)) throw new ValidationError('That file is not a CSV text file. Export it as CSV (comma-separated values) and try again.');
    const confirmed = fields.confirmed === 'on';
    const result = await importSubscribersCsv(web, buf.toString('utf8'), { newsletter: newsletter.slug, confirmed });
    return h.sendPage(reply, importReportPage(await h.ctx(req), newsletter, confirmed, result, file.name.slice(0, 200)));
  };

  const exportCsv: Handler = async (req, reply) => {
    const n = (req.query as Record<string, unknown>).newsletter;
    const slug = typeof n === 'string' && n ? n : undefined;
    if (slug && !SLUG.test(slug)) throw new NotFoundError('There is no such newsletter.');
    const { csv, count } = await exportSubscribersCsv(db, { newsletter: slug });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="subscribers-${slug ?? 'all'}-${now().toISOString().slice(0, 10)}.csv"`)
      .header('x-total-count', String(count))
      .send(csv);
  };

  return { list, add, unsubscribeOne, deleteForm, remove, importCsv, exportCsv };
}
