// What a signed-in staff member may do to a particular article. The rule is roles.ts's
// mayOnArticle (the same one the Admin API asks); this file says what "own" means in the newsroom:
// an article is someone's own when they created it or their byline is on it.
import type { Db } from '../db/index.ts';
import { ForbiddenError } from '../platform/errors.ts';
import { mayOnArticle } from './roles.ts';
import type { Staff } from './staff.ts';

export interface Ownership {
  id: number;
  status: 'draft' | 'scheduled' | 'published';
  created_by: number | null;
  author_ids: number[];
}

export async function getOwnership(db: Db, articleId: number): Promise<Ownership | undefined> {
  return db.one<Ownership>(
    `SELECT a.id, a.status, a.created_by,
            coalesce((SELECT array_agg(aa.author_id) FROM article_authors aa WHERE aa.article_id = a.id), '{}') AS author_ids
       FROM articles a WHERE a.id = $1`,
    [articleId],
  );
}

export function owns(staff: Staff, o: Ownership): boolean {
  return o.created_by === staff.id || (staff.author_id !== null && o.author_ids.includes(staff.author_id));
}

const facts = (staff: Staff, o: Ownership) => ({ own: owns(staff, o), status: o.status });

export function canEdit(staff: Staff, o: Ownership): boolean {
  return mayOnArticle(staff.role, 'edit', facts(staff, o));
}

/** Reading it as stored (the preview): their own, anything published, or anything for editors. */
export function canView(staff: Staff, o: Ownership): boolean {
  return mayOnArticle(staff.role, 'view', facts(staff, o));
}

/** Publishing, scheduling and unpublishing (any change of status or of the publish time of a live article). */
export function canPublish(staff: Staff, o: Ownership | null): boolean {
  return mayOnArticle(staff.role, 'publish', o === null ? null : facts(staff, o));
}

export function assertCanEdit(staff: Staff, o: Ownership): void {
  if (canEdit(staff, o)) return;
  throw new ForbiddenError(
    staff.role === 'contributor' && owns(staff, o)
      ? 'This article is no longer a draft: ask an editor to change it.'
      : 'You can only edit your own articles. Ask an editor to change this one.',
  );
}

export function assertCanPublish(staff: Staff, o: Ownership | null): void {
  if (canPublish(staff, o)) return;
  throw new ForbiddenError(
    staff.role === 'contributor'
      ? 'Contributors write drafts; an editor or the author publishes them. Save it as a draft instead.'
      : 'You can only publish your own articles.',
  );
}
