// The Admin API's "Draft a brief" (issue 12, part 4): POST /api/admin/stories/{id}/brief creates a
// draft Speed Read from the story's coverage (201), or answers with the story's existing draft brief
// (200). The draft belongs to the key (like any article it creates). URL and access in routes.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { ForbiddenError } from '../platform/errors.ts';
import { storyIdParam } from '../newswire/stories/store.ts';
import { can } from '../staff/roles.ts';
import { draftBrief } from '../newswire/briefs/draft.ts';
import { getAdminArticle } from './articles.ts';

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function briefsApi(deps: Deps) {
  const draft: Handler = async (req, reply) => {
    const key = req.apiKey!;
    if (!can(key.role!, 'articles.write_own_drafts')) throw new ForbiddenError('This key may not write articles.');
    const r = await draftBrief(deps.db, storyIdParam(req.params), { staffId: key.created_by, apiKeyId: key.id, now: deps.clock.now() });
    const article = await getAdminArticle(deps.db, r.article.id);
    return reply.code(r.created ? 201 : 200).send({
      data: article,
      meta: {
        created: r.created,
        story: { id: r.story.id, slug: r.story.slug, title: r.story.title },
        ...(r.draft ? { sources: r.draft.sources.length, quotes: r.draft.whatHappened.length + r.draft.perspectives.reduce((n, s) => n + (s.quotes?.length ?? 0), 0) } : {}),
      },
    });
  };
  return { draft };
}
