// Members in the newsroom: the list with search and filters, a member's page (notes, complimentary
// access until a date), CSV import with the command's report, CSV export, the charts, the plans and
// the paywall settings. Thin handlers over src/members/*; URLs and permissions in src/admin/routes.ts
// (editors see and annotate members; plans and the paywall are administrators' settings).
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput } from '../platform/validate.ts';
import type { WebDeps } from '../web/site.ts';
import { TooLargeError, ValidationError, pathId } from '../platform/errors.ts';
import { parseDay } from '../platform/time.ts';
import { can } from '../staff/roles.ts';
import { listFormats, listSections } from '../articles/queries.ts';
import { exportMembersCsv, listMembers, memberDetail, updateMember } from '../members/admin.ts';
import { importMembersCsv, listPlans, parseExpiry, upsertPlan } from '../members/subscriptions.ts';
import { getPaywall, updatePaywall } from '../members/paywall.ts';
import { membersOverTime, weeklyFunnel } from '../members/stats.ts';
import { paymentsEnabled, recentStripeEvents } from '../members/stripe.ts';
import { getPublication } from '../publication/settings.ts';
import type { AdminHelpers, Handler } from './newsroom.ts';
import type { Notice } from './layout.ts';
import { parserLimit, uploadedBytes } from './uploads.ts';
import { MAX_CSV_BYTES } from './subscribers.ts';
import {
  insightsPage, memberImportReportPage, memberPage, MEMBER_STATUSES, MEMBERS_PATH, MEMBERS_PER_PAGE, membersPage, paywallAdminPage, plansAdminPage, type MemberFilterView,
} from './pages/members.ts';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const listQuery = z.object({
  q: z.string().max(200, 'Searches are limited to 200 characters.').optional(),
  plan: z.union([z.literal(''), z.string().regex(SLUG, 'Choose a plan from the list.').max(120)]).optional(),
  status: z.union([z.literal(''), z.enum(MEMBER_STATUSES)]).optional(),
  page: z.union([z.literal(''), z.string().regex(/^[1-9]\d{0,5}$/, 'Pages are numbered from 1.')]).optional(),
});

const NOTICES: Record<string, string> = {
  note: 'Notes saved.',
  comp: 'Complimentary access saved.',
  comp_revoked: 'Complimentary access revoked.',
  plan: 'Plan saved.',
  paywall: 'Paywall settings saved. Pages already open show the change once reloaded.',
};
const noticeOf = (q: unknown): Notice | null => {
  const n = (q as Record<string, unknown> | undefined)?.notice;
  return typeof n === 'string' && NOTICES[n] ? { kind: 'ok', text: NOTICES[n]! } : null;
};

function memberId(req: FastifyRequest): number {
  return pathId(req.params, 'There is no such member.');
}

const field = (body: unknown, k: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[k];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
};
const fields = (body: unknown, k: string): string[] => {
  const v = (body as Record<string, unknown> | undefined)?.[k];
  return (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]).map(String);
};

/** "9", "9.5", "9,50" → 950 cents; empty → null. */
function cents(v: string, name: string): number | null {
  const s = v.trim();
  if (!s) return null;
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) throw new ValidationError(`Write the ${name} as an amount such as 9 or 9.50.`, { [name]: 'invalid' });
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function whole(v: string, name: string, what: string): number {
  if (!/^\d{1,4}$/.test(v.trim())) throw new ValidationError(`${what} is a whole number.`, { [name]: 'invalid' });
  return Number(v.trim());
}

export function memberScreens(web: WebDeps, h: AdminHelpers) {
  const { db } = web;
  const canSettings = (req: FastifyRequest) => can(h.session(req).staff.role, 'settings.manage');

  const list: Handler = async (req, reply) => {
    const q = parseInput(listQuery, req.query);
    const filter: MemberFilterView = { q: q.q?.trim() || undefined, plan: q.plan || undefined, status: q.status || undefined };
    const page = Number(q.page || 1);
    const ctx = await h.ctx(req);
    const [{ rows, total }, plans] = await Promise.all([
      listMembers(web, { ...filter, limit: MEMBERS_PER_PAGE, offset: (page - 1) * MEMBERS_PER_PAGE }),
      listPlans(db),
    ]);
    return h.sendPage(reply, membersPage(ctx, ctx.timeZone, { filter, page, rows, total, plans, canSettings: canSettings(req), paymentsEnabled: paymentsEnabled(web.config) }, noticeOf(req.query)));
  };

  const show: Handler = async (req, reply) => {
    const member = await memberDetail(web, memberId(req));
    const ctx = await h.ctx(req);
    const pub = await getPublication(db, web.config);
    return h.sendPage(reply, memberPage(ctx, ctx.timeZone, pub.locale, { member, canSettings: canSettings(req) }, noticeOf(req.query)));
  };

  const saveNote: Handler = async (req, reply) => {
    const id = memberId(req);
    await updateMember(web, id, { note: field(req.body, 'note') });
    return reply.redirect(`${MEMBERS_PATH}/${id}?notice=note`, 303);
  };

  /** Complimentary access until the end of a day in the publication's time zone. */
  const grantComp: Handler = async (req, reply) => {
    const id = memberId(req);
    const tz = (await getPublication(db, web.config)).timeZone;
    const day = field(req.body, 'until').trim();
    const normal = parseDay(day);
    const until = normal ? parseExpiry(normal, tz) : 'invalid';
    if (until === null || until === 'invalid') throw new ValidationError('Give the last day of the complimentary access, written year-month-day, like 2026-11-25.', { until: 'A date such as 2026-11-25.' });
    await updateMember(web, id, { complimentary_until: until.toISOString(), complimentary_note: field(req.body, 'note') });
    return reply.redirect(`${MEMBERS_PATH}/${id}?notice=comp`, 303);
  };

  const revokeComp: Handler = async (req, reply) => {
    const id = memberId(req);
    await updateMember(web, id, { complimentary_until: null });
    return reply.redirect(`${MEMBERS_PATH}/${id}?notice=comp_revoked`, 303);
  };

  // CSV import: the same domain function and report as `newsdesk members import`.
  const importCsv: Handler = async (req, reply) => {
    if (!req.isMultipart()) throw new ValidationError('Send the CSV as a file upload (multipart/form-data).');
    const form: Record<string, string> = {};
    let file: { name: string; buf: Buffer } | null = null;
    const tooLarge = () => new TooLargeError(`That file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB. Split it into smaller files and import each.`);
    try {
      for await (const part of req.parts({ limits: { fileSize: parserLimit(MAX_CSV_BYTES), files: 1, fields: 10 } })) {
        if (part.type === 'file') file = { name: part.filename ?? '', buf: await uploadedBytes(part, MAX_CSV_BYTES, tooLarge) };
        else if (typeof part.value === 'string') form[part.fieldname] = part.value;
      }
    } catch (e) {
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      throw e;
    }
    h.checkCsrf(req, req.headers['x-csrf-token'] ?? form._csrf);
    if (!file || (!file.name && !file.buf.length)) throw new ValidationError('Choose a CSV file to import.');
    if (!file.buf.length) throw new ValidationError('The file is empty. Choose a CSV file whose first line names the columns email,name,plan,status,expires_at.');
    if (file.buf.includes(0)) throw new ValidationError('That file is not a CSV text file. Export it as CSV (comma-separated values) and try again.');
    const report = await importMembersCsv(web, file.buf.toString('utf8'));
    return h.sendPage(reply, memberImportReportPage(await h.ctx(req), report, file.name.slice(0, 200), canSettings(req)));
  };

  const exportCsv: Handler = async (req, reply) => {
    const q = parseInput(listQuery, req.query);
    const { csv, count } = await exportMembersCsv(web, { q: q.q?.trim() || undefined, plan: q.plan || undefined, status: q.status || undefined });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="members-${web.clock.now().toISOString().slice(0, 10)}.csv"`)
      .header('x-total-count', String(count))
      .send(csv);
  };

  const insights: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const grace = (await getPaywall(db)).grace_days;
    const now = web.clock.now();
    const [series, funnel, events] = await Promise.all([membersOverTime(db, now, grace, 26), weeklyFunnel(db, 12, now), recentStripeEvents(db, 30)]);
    return h.sendPage(reply, insightsPage(ctx, ctx.timeZone, { series, funnel, events, canSettings: canSettings(req), paymentsEnabled: paymentsEnabled(web.config) }));
  };

  const plans: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    return h.sendPage(reply, plansAdminPage(ctx, await listPlans(db), canSettings(req), noticeOf(req.query)));
  };

  const savePlan: Handler = async (req, reply) => {
    const b = req.body;
    const slug = field(b, 'slug').trim();
    const position = field(b, 'position').trim();
    await upsertPlan(db, {
      slug: slug || undefined,
      name: field(b, 'name'),
      description: field(b, 'description'),
      kind: field(b, 'kind') === 'offline' ? 'offline' : 'stripe',
      currency: field(b, 'currency').trim() || 'usd',
      monthly_amount: cents(field(b, 'monthly_amount'), 'monthly price'),
      yearly_amount: cents(field(b, 'yearly_amount'), 'yearly price'),
      stripe_price_monthly: field(b, 'stripe_price_monthly').trim() || null,
      stripe_price_yearly: field(b, 'stripe_price_yearly').trim() || null,
      features: field(b, 'features').split(/\r?\n/),
      active: field(b, 'active') === 'on',
      position: position ? whole(position, 'position', 'The order') : 0,
    });
    return reply.redirect(`${MEMBERS_PATH}/plans?notice=plan`, 303);
  };

  const paywall: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const [p, formats, sections] = await Promise.all([getPaywall(db), listFormats(db), listSections(db)]);
    return h.sendPage(reply, paywallAdminPage(ctx, p, { formats, sections }, noticeOf(req.query)));
  };

  const savePaywall: Handler = async (req, reply) => {
    const b = req.body;
    await updatePaywall(db, {
      meter_enabled: field(b, 'meter_enabled') === 'on',
      anonymous_limit: whole(field(b, 'anonymous_limit'), 'anonymous_limit', 'The anonymous limit'),
      member_limit: whole(field(b, 'member_limit'), 'member_limit', 'The registered limit'),
      period: field(b, 'period'),
      exempt_formats: fields(b, 'exempt_formats'),
      exempt_sections: fields(b, 'exempt_sections'),
      exempt_tags: field(b, 'exempt_tags').split(',').map((s) => s.trim()).filter(Boolean),
      grace_days: whole(field(b, 'grace_days'), 'grace_days', 'The grace period'),
    });
    return reply.redirect(`${MEMBERS_PATH}/paywall?notice=paywall`, 303);
  };

  return { list, show, saveNote, grantComp, revokeComp, importCsv, exportCsv, insights, plans, savePlan, paywall, savePaywall };
}

