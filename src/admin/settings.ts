// The settings screen and its forms: publication, logo, formats, sections, newsletters, staff and API
// keys (URLs and the permission each needs in src/admin/routes.ts). A form that fails comes back with
// the message and what was typed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WebDeps } from '../web/site.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors.ts';
import { getPublication, setPublicationSetting } from '../publication/settings.ts';
import { parseInput } from '../platform/validate.ts';
import { isTimeZone } from '../platform/time.ts';
import { listFormats, listSections } from '../articles/queries.ts';
import { upsertFormat, upsertSection } from '../articles/write.ts';
import { listNewsletters, upsertNewsletter } from '../newsletters/newsletters.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../staff/api-keys.ts';
import { can } from '../staff/roles.ts';
import { changeRole, createStaff, disableStaff, enableStaff, listStaff } from '../staff/staff.ts';
import { sendInvitation } from '../staff/signin.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { settingsPage, type FormValues } from './pages/settings.ts';
import type { Notice } from './layout.ts';
import { imageTooLarge, MAX_IMAGE_BYTES, storeUpload } from '../media/images.ts';
import { accentProblem, normalizeHex } from '../publication/brand.ts';
import { uploadedBytes } from './uploads.ts';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const taxonomyInput = z.object({
  slug: z.string().trim().regex(SLUG, 'The address uses lower-case letters, digits and single hyphens.').max(120),
  name: z.string().trim().min(1, 'Give it a name.').max(120),
  description: z.string().trim().max(500).default(''),
  position: z.coerce.number({ error: 'The position is a whole number.' }).int('The position is a whole number.').min(0).max(1000).default(0),
});

const publicationInput = z.object({
  name: z.string().trim().min(1, 'The publication needs a name.').max(120, 'Names are limited to 120 characters.'),
  description: z.string().trim().max(300, 'Descriptions are limited to 300 characters.').default(''),
  time_zone: z.string().refine(isTimeZone, 'Choose a time zone from the list.'),
  accent_color: z.string().trim().optional().superRefine((c, ctx) => {
    const problem = c ? accentProblem(c) : null;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  for (const [k, val] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    out[k] = Array.isArray(val) ? val.map(String).join(',') : String(val ?? '');
  }
  return out;
}

function idOf(req: FastifyRequest): number {
  const id = (req.params as { id?: string }).id ?? '';
  if (!/^[1-9]\d{0,9}$/.test(id)) throw new NotFoundError('No such record.');
  return Number(id);
}

export function settingsScreens(web: WebDeps, h: AdminHelpers) {
  const { db, config } = web;
  const now = () => web.clock.now();

  async function render(req: FastifyRequest, reply: FastifyReply, notice: Notice | null, failed?: { form: string; values: FormValues }, status = 200, newKey?: { name: string; secret: string }) {
    const ctx = await h.ctx(req);
    const role = ctx.session.staff.role;
    const [publication, formats, sections, newsletters, staff, apiKeys] = await Promise.all([
      getPublication(db, config),
      listFormats(db),
      listSections(db),
      can(role, 'newsletters.manage') ? listNewsletters(db) : [],
      can(role, 'staff.manage') ? listStaff(db) : [],
      can(role, 'apikeys.manage') ? listApiKeys(db) : null,
    ]);
    return h.sendPage(reply, settingsPage(ctx, { publication, formats, sections, newsletters, staff, apiKeys, newKey }, notice, failed), status);
  }

  /** Run a settings change; a mistake re-renders the page with the message and the typed values. */
  function form(form: string, fn: (req: FastifyRequest, body: Record<string, unknown>) => Promise<string | { secret: string; name: string }>): Handler {
    return async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        const r = await fn(req, body);
        if (typeof r === 'string') return reply.redirect(r, 303);
        return render(req, reply, { kind: 'ok', text: 'API key created.' }, undefined, 200, r);
      } catch (e) {
        if (!(e instanceof ValidationError || e instanceof ConflictError || (e instanceof ForbiddenError && form === 'staff'))) throw e;
        return render(req, reply, { kind: 'error', text: e.message }, { form, values: formValues(body) }, e.status);
      }
    };
  }

  const show: Handler = async (req, reply) => {
    const s = h.session(req);
    if (!can(s.staff.role, 'settings.manage') && !can(s.staff.role, 'taxonomy.manage')) throw new ForbiddenError('Only editors and administrators can change settings.');
    return render(req, reply, noticeFrom(req.query));
  };

  const publication = form('publication', async (_req, body) => {
    const p = parseInput(publicationInput, body);
    await setPublicationSetting(db, 'name', p.name);
    await setPublicationSetting(db, 'description', p.description);
    await setPublicationSetting(db, 'timeZone', p.time_zone);
    if (p.accent_color) await setPublicationSetting(db, 'accentColor', normalizeHex(p.accent_color)!);
    return '/admin/settings?notice=settings';
  });

  const uploadLogo: Handler = async (req, reply) => {
    if (!req.isMultipart()) throw new ValidationError('Send the logo as a file upload.');
    const part = await req.file();
    const field = part?.fields._csrf;
    h.checkCsrf(req, req.headers['x-csrf-token'] ?? (field && !Array.isArray(field) && field.type === 'field' ? field.value : undefined));
    if (!part) throw new ValidationError('Choose an image file to upload.');
    const { path: url } = await storeUpload(db, config.dataDir, await uploadedBytes(part, MAX_IMAGE_BYTES, () => imageTooLarge()), { maxBytes: MAX_IMAGE_BYTES });
    await setPublicationSetting(db, 'logoUrl', url);
    return reply.redirect('/admin/settings?notice=settings', 303);
  };

  const formats = form('formats', async (_req, body) => {
    await upsertFormat(db, parseInput(taxonomyInput, body));
    return '/admin/settings?notice=settings#formats';
  });

  const sections = form('sections', async (_req, body) => {
    await upsertSection(db, parseInput(taxonomyInput, body));
    return '/admin/settings?notice=settings#sections';
  });

  const newsletters = form('newsletters', async (_req, body) => {
    const days = (Array.isArray(body.days) ? body.days : body.days === undefined ? [] : [body.days]).map(Number);
    const existing = typeof body.slug === 'string' ? (await listNewsletters(db)).find((n) => n.slug === body.slug) : undefined;
    await upsertNewsletter(db, {
      slug: String(body.slug ?? '').trim(),
      name: String(body.name ?? ''),
      description: String(body.description ?? ''),
      scheduleDays: days,
      scheduleTime: String(body.time ?? ''),
      signupDefault: body.signup_default === 'on',
      active: body.active === 'on',
      // Fields this form does not show keep their values.
      ...(existing
        ? { senderName: existing.sender_name, senderEmail: existing.sender_email, replyTo: existing.reply_to, rules: existing.rules, position: existing.position }
        : {}),
    });
    return '/admin/settings?notice=newsletter#newsletters';
  });

  const inviteStaff = form('staff', async (req, body) => {
    const s = h.session(req);
    const staff = await createStaff(db, { email: String(body.email ?? ''), name: String(body.name ?? ''), role: String(body.role ?? '') });
    await sendInvitation(web, staff, s.staff.name || s.staff.email);
    return '/admin/settings?notice=invited#staff';
  });

  const changeStaffRole = form('staff', async (req, body) => {
    await changeRole(db, idOf(req), String(body.role ?? ''));
    return '/admin/settings?notice=staff#staff';
  });

  const disableStaffMember = form('staff', async (req) => {
    const id = idOf(req);
    if (id === h.session(req).staff.id) throw new ValidationError('You cannot disable your own account.');
    await disableStaff(db, id, now());
    return '/admin/settings?notice=staff#staff';
  });

  const enableStaffMember = form('staff', async (req) => {
    await enableStaff(db, idOf(req));
    return '/admin/settings?notice=staff#staff';
  });

  const createKey = form('api-keys', async (req, body) => {
    const kind = String(body.kind ?? '');
    const { key, secret } = await createApiKey(db, {
      name: String(body.name ?? ''),
      kind: kind as 'admin' | 'content',
      role: kind === 'admin' && body.role ? (String(body.role) as never) : null,
      createdBy: h.session(req).staff.id,
    });
    return { name: key.name, secret };
  });

  const revokeKey = form('api-keys', async (req) => {
    await revokeApiKey(db, idOf(req), now());
    return '/admin/settings?notice=key#api-keys';
  });

  return { show, publication, uploadLogo, formats, sections, newsletters, inviteStaff, changeStaffRole, disableStaffMember, enableStaffMember, createKey, revokeKey };
}
