// The settings screen and its forms: publication, logo, formats, sections, newsletters, staff and API
// keys (URLs and the permission each needs in src/admin/routes.ts). A form that fails comes back with
// the message and what was typed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WebDeps } from '../web/site.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, pathId, INT_ID_MAX } from '../platform/errors.ts';
import { getPublication, setPublicationSetting } from '../publication/settings.ts';
import { parseInput } from '../platform/validate.ts';
import { isTimeZone, parseClockTime } from '../platform/time.ts';
import { upsertFormat, upsertSection } from '../articles/write.ts';
import { listNewsletters, upsertNewsletter } from '../newsletters/newsletters.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../staff/api-keys.ts';
import { can } from '../staff/roles.ts';
import { changeRole, createStaff, disableStaff, enableStaff, listStaff } from '../staff/staff.ts';
import { sendInvitation } from '../staff/signin.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';
import { deleteNewsletterPage, deleteTaxonomyPage, partAllowed, partTitle, settingsIndexPage, settingsPage, SETTINGS_PARTS, type FormValues, type SettingsPart, type TaxonomyRow } from './pages/settings.ts';
import { deleteTaxonomy, getTaxonomy, listTaxonomy } from '../articles/taxonomy.ts';
import { deleteNewsletter, getNewsletterBySlug, newsletterUsage } from '../newsletters/newsletters.ts';
import { listOutboxMessages } from '../newsletters/delivery/transport.ts';
import type { Notice } from './layout.ts';
import { imageFromForm } from './uploads.ts';
import { accentProblem, normalizeHex } from '../publication/brand.ts';

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
  return pathId(req.params, 'No such record.', INT_ID_MAX);
}

export function settingsScreens(web: WebDeps, h: AdminHelpers) {
  const { db, config } = web;
  const now = () => web.clock.now();

  /** Render one settings page; a part this person may not change is refused. */
  async function render(req: FastifyRequest, reply: FastifyReply, part: SettingsPart, notice: Notice | null, failed?: { form: string; values: FormValues }, status = 200, newKey?: { name: string; secret: string }) {
    const ctx = await h.ctx(req);
    const role = ctx.session.staff.role;
    if (!partAllowed(role, part)) throw new ForbiddenError(`Your role cannot change the ${partTitle(part).toLowerCase()} settings.`);
    const q = req.query as Record<string, unknown>;
    const edit = typeof q.edit === 'string' && SLUG.test(q.edit) ? q.edit : null;
    const [publication, formats, sections, newsletters, staff, apiKeys] = await Promise.all([
      getPublication(db, config),
      part === 'formats' ? (listTaxonomy(db, 'formats') as Promise<TaxonomyRow[]>) : [],
      part === 'sections' ? (listTaxonomy(db, 'sections') as Promise<TaxonomyRow[]>) : [],
      part === 'newsletters' ? listNewsletters(db) : [],
      part === 'staff' ? listStaff(db) : [],
      part === 'api-keys' ? listApiKeys(db) : null,
    ]);
    const d = config.delivery.dkim;
    const mail = {
      smtp: config.smtpUrl ? config.smtpUrl.replace(/\/\/[^@/]*@/, '//') : null,
      from: config.mailFrom || null,
      dkim: d ? `${d.selector}._domainkey.${d.domain}` : null,
      webhookSecret: Boolean(config.mailWebhookSecret),
      outbox: listOutboxMessages(config.dataDir, { limit: 0 }).total,
    };
    return h.sendPage(reply, settingsPage(ctx, part, { publication, formats, sections, newsletters, staff, apiKeys, newKey, edit, mail }, notice, failed), status);
  }

  /** Run a settings change; a mistake re-renders its page with the message and the typed values. */
  function form(form: SettingsPart, fn: (req: FastifyRequest, body: Record<string, unknown>) => Promise<string | { secret: string; name: string }>): Handler {
    return async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        const r = await fn(req, body);
        if (typeof r === 'string') return reply.redirect(r, 303);
        return render(req, reply, form, { kind: 'ok', text: 'API key created.' }, undefined, 200, r);
      } catch (e) {
        if (!(e instanceof ValidationError || e instanceof ConflictError || (e instanceof ForbiddenError && form === 'staff'))) throw e;
        return render(req, reply, form, { kind: 'error', text: e.message }, { form, values: formValues(body) }, e.status);
      }
    };
  }

  /** The index: a card per part this person may change. */
  const show: Handler = async (req, reply) => {
    const s = h.session(req);
    if (!SETTINGS_PARTS.some((p) => partAllowed(s.staff.role, p))) throw new ForbiddenError('Only editors and administrators can change settings.');
    return h.sendPage(reply, settingsIndexPage(await h.ctx(req), noticeFrom(req.query)));
  };

  const page = (part: SettingsPart): Handler => async (req, reply) => render(req, reply, part, noticeFrom(req.query));
  const pages = Object.fromEntries(SETTINGS_PARTS.map((p) => [p, page(p)])) as Record<SettingsPart, Handler>;

  const slugParam = (req: FastifyRequest) => {
    const slug = (req.params as { slug?: string }).slug ?? '';
    if (!SLUG.test(slug)) throw new NotFoundError('No such record.');
    return slug;
  };

  /** Deleting a format or section: a page that says what it does to the articles first. */
  const confirmDeleteTaxonomy = (kind: 'formats' | 'sections'): Handler => async (req, reply) =>
    h.sendPage(reply, deleteTaxonomyPage(await h.ctx(req), kind, (await getTaxonomy(db, kind, slugParam(req))) as TaxonomyRow));
  const deleteTaxonomyRow = (kind: 'formats' | 'sections'): Handler => async (req, reply) => {
    await deleteTaxonomy(db, kind, slugParam(req));
    return reply.redirect(`/admin/settings/${kind}?notice=deleted`, 303);
  };

  const confirmDeleteNewsletter: Handler = async (req, reply) => {
    const n = await getNewsletterBySlug(db, slugParam(req));
    if (!n) throw new NotFoundError('There is no such newsletter.');
    return h.sendPage(reply, deleteNewsletterPage(await h.ctx(req), n, await newsletterUsage(db, n.id)));
  };
  const deleteNewsletterRow = form('newsletters', async (req) => {
    await deleteNewsletter(db, slugParam(req));
    return '/admin/settings/newsletters?notice=deleted';
  });

  const publication = form('publication', async (_req, body) => {
    const p = parseInput(publicationInput, body);
    await setPublicationSetting(db, 'name', p.name);
    await setPublicationSetting(db, 'description', p.description);
    await setPublicationSetting(db, 'timeZone', p.time_zone);
    if (p.accent_color) await setPublicationSetting(db, 'accentColor', normalizeHex(p.accent_color)!);
    return '/admin/settings/publication?notice=settings';
  });

  const uploadLogo: Handler = async (req, reply) => {
    await setPublicationSetting(db, 'logoUrl', await imageFromForm(req, h.checkCsrf, config.dataDir, 'logo', db));
    return reply.redirect('/admin/settings/publication?notice=settings', 303);
  };

  const formats = form('formats', async (_req, body) => {
    await upsertFormat(db, parseInput(taxonomyInput, body));
    return '/admin/settings/formats?notice=settings';
  });

  const sections = form('sections', async (_req, body) => {
    await upsertSection(db, parseInput(taxonomyInput, body));
    return '/admin/settings/sections?notice=settings';
  });

  const newsletters = form('newsletters', async (_req, body) => {
    const days = (Array.isArray(body.days) ? body.days : body.days === undefined ? [] : [body.days]).map(Number);
    const existing = typeof body.slug === 'string' ? (await listNewsletters(db)).find((n) => n.slug === body.slug) : undefined;
    await upsertNewsletter(db, {
      slug: String(body.slug ?? '').trim(),
      name: String(body.name ?? ''),
      description: String(body.description ?? ''),
      scheduleDays: days,
      // "7:05" and "07.05" are the same time as "07:05"; anything else reaches the check as typed.
      scheduleTime: parseClockTime(String(body.time ?? '')) ?? String(body.time ?? ''),
      signupDefault: body.signup_default === 'on',
      active: body.active === 'on',
      // Fields this form does not show keep their values.
      ...(existing
        ? { senderName: existing.sender_name, senderEmail: existing.sender_email, replyTo: existing.reply_to, rules: existing.rules, position: existing.position }
        : {}),
    });
    return '/admin/settings/newsletters?notice=newsletter';
  });

  const inviteStaff = form('staff', async (req, body) => {
    const s = h.session(req);
    const staff = await createStaff(db, { email: String(body.email ?? ''), name: String(body.name ?? ''), role: String(body.role ?? '') });
    await sendInvitation(web, staff, s.staff.name || s.staff.email);
    return '/admin/settings/staff?notice=invited';
  });

  const changeStaffRole = form('staff', async (req, body) => {
    await changeRole(db, idOf(req), String(body.role ?? ''));
    return '/admin/settings/staff?notice=staff';
  });

  const disableStaffMember = form('staff', async (req) => {
    const id = idOf(req);
    if (id === h.session(req).staff.id) throw new ValidationError('You cannot disable your own account.');
    await disableStaff(db, id, now());
    return '/admin/settings/staff?notice=staff';
  });

  const enableStaffMember = form('staff', async (req) => {
    await enableStaff(db, idOf(req));
    return '/admin/settings/staff?notice=staff';
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
    return '/admin/settings/api-keys?notice=key';
  });

  return { show, pages, confirmDeleteTaxonomy, deleteTaxonomyRow, confirmDeleteNewsletter, deleteNewsletterRow, publication, uploadLogo, formats, sections, newsletters, inviteStaff, changeStaffRole, disableStaffMember, enableStaffMember, createKey, revokeKey };
}
