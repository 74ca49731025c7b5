// What a signed-in staff member may do to a particular article, on top of the role grants in
// roles.ts. Contributors write and edit their own drafts; authors also publish, schedule and
// unpublish their own articles; editors and administrators may do anything to any article. An
// article is someone's own when they created it or their byline is on it.
import type { Db } from '../db/index.ts';
import { ForbiddenError } from '../platform/errors.ts';
import { can } from './roles.ts';
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

export function canEdit(staff: Staff, o: Ownership): boolean {
  if (can(staff.role, 'articles.manage_all')) return true;
  if (!owns(staff, o)) return false;
  if (can(staff.role, 'articles.publish_own')) return true;
  return can(staff.role, 'articles.write_own_drafts') && o.status === 'draft';
}

/** Publishing, scheduling and unpublishing (any change of status or of the publish time of a live article). */
export function canPublish(staff: Staff, o: Ownership | null): boolean {
  if (can(staff.role, 'articles.manage_all')) return true;
  return can(staff.role, 'articles.publish_own') && (o === null || owns(staff, o));
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
