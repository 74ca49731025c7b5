// The Admin API's members, plans and paywall handlers (URLs and permissions in src/api/routes.ts).
// Thin: they parse and call the members domain (src/members/admin.ts, subscriptions.ts, paywall.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { parseInput } from '../platform/validate.ts';
import { pathId } from '../platform/errors.ts';
import { listMembers, memberDetail, updateMember } from '../members/admin.ts';
import { importMembersCsv, listPlans, upsertPlan } from '../members/subscriptions.ts';
import { getPaywall, updatePaywall } from '../members/paywall.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
const slug = z.string().max(120).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a slug');

function memberId(req: FastifyRequest): number {
  return pathId(req.params, 'No such member');
}

export function membersApi(deps: Deps): Record<string, Handler> {
  const { db } = deps;
  return {
    listMembers: async (req) => {
      const q = parseInput(
        z.object({ q: z.string().max(200).optional(), plan: slug.optional(), status: z.enum(['free', 'active', 'past_due', 'cancelled', 'expired']).optional(), page: z.coerce.number().int().min(1).max(100_000).default(1), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        req.query,
        { what: 'query' },
      );
      const { rows, total } = await listMembers(deps, { q: q.q, plan: q.plan, status: q.status, limit: q.limit, offset: (q.page - 1) * q.limit });
      return { data: rows, meta: { pagination: { page: q.page, limit: q.limit, total, pages: Math.max(1, Math.ceil(total / q.limit)) } } };
    },
    getMember: async (req) => ({ data: await memberDetail(deps, memberId(req)) }),
    patchMember: async (req) => {
      const id = memberId(req);
      const b = parseInput(z.object({ name: z.string().optional(), note: z.string().optional(), complimentary_until: z.string().nullable().optional() }).strict(), req.body, { what: 'member' });
      await updateMember(deps, id, b);
      return { data: await memberDetail(deps, id) };
    },
    importMembers: async (req) => {
      const b = parseInput(z.object({ csv: z.string().min(1, 'the CSV text is empty').max(50_000_000) }), req.body, { what: 'import' });
      return { data: await importMembersCsv(deps, b.csv) };
    },
    listPlans: async () => ({ data: await listPlans(db) }),
    createPlan: async (req, reply) => {
      const b = parseInput(
        z.object({
          slug: slug.optional(), name: z.string().min(1).max(120), description: z.string().max(2000).optional(), kind: z.enum(['stripe', 'offline']).optional(),
          currency: z.string().optional(), monthly_amount: z.number().int().nullable().optional(), yearly_amount: z.number().int().nullable().optional(),
          stripe_price_monthly: z.string().nullable().optional(), stripe_price_yearly: z.string().nullable().optional(), features: z.array(z.string().max(300)).max(30).optional(),
          active: z.boolean().optional(), position: z.number().int().optional(),
        }).strict(),
        req.body,
        { what: 'plan' },
      );
      reply.code(201);
      return { data: await upsertPlan(db, b) };
    },
    getPaywall: async () => ({ data: await getPaywall(db) }),
    putPaywall: async (req) => ({ data: await updatePaywall(db, req.body) }),
  };
}
