// Staff roles and what each may do. Used by the editors' UI (sessions) and the Admin API (API keys
// carry a role), so the same rule applies to both.
export const ROLES = ['contributor', 'author', 'editor', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'articles.write_own_drafts' // contributor: create and edit own drafts
  | 'articles.publish_own' // author: publish, schedule and unpublish own articles
  | 'articles.manage_all' // editor: any article, any author
  | 'taxonomy.manage' // editor: formats, sections, tags, authors
  | 'newsletters.manage' // editor: editions, sends, subscribers
  | 'settings.manage' // administrator: publication settings
  | 'staff.manage' // administrator: staff accounts
  | 'apikeys.manage' // administrator: API keys and webhooks
  | 'webhooks.manage'
  | 'wire.manage'; // editor: the newswire's outlets

const GRANTS: Record<Role, Permission[]> = {
  contributor: ['articles.write_own_drafts'],
  author: ['articles.write_own_drafts', 'articles.publish_own'],
  editor: ['articles.write_own_drafts', 'articles.publish_own', 'articles.manage_all', 'taxonomy.manage', 'newsletters.manage', 'wire.manage'],
  administrator: [
    'articles.write_own_drafts', 'articles.publish_own', 'articles.manage_all', 'taxonomy.manage', 'newsletters.manage',
    'settings.manage', 'staff.manage', 'apikeys.manage', 'webhooks.manage', 'wire.manage',
  ],
};

/** Every permission some role has (the set the route tables may name). */
export const PERMISSIONS: ReadonlySet<Permission> = new Set(Object.values(GRANTS).flat());

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

// ---- articles: the one rule for the newsroom and the Admin API -------------------------------
// Who may do what to one article depends on the role's grants above, on whether the article is the
// actor's own, and on its status. Each surface decides what "own" means for its actor (the newsroom:
// created it or is on its byline, src/staff/permissions.ts; the Admin API: created with that key,
// src/api/articles.ts) and asks here. Reading means everything in it: a draft's text, a scheduled
// piece, its revisions' list; published articles are public anyway.

export type ArticleStatus = 'draft' | 'scheduled' | 'published';
export type ArticleAction =
  | 'view' // read the article as stored (the Admin API's GET, the newsroom's preview)
  | 'edit' // change its fields (and open the editor)
  | 'revisions' // list and read its revisions, restore one: the editor's history, so as for edit
  | 'publish' // publish, schedule, unpublish, or move a live article's time
  | 'delete';

export interface ArticleFacts {
  own: boolean;
  status: ArticleStatus;
}

export const ARTICLE_ACTIONS: readonly ArticleAction[] = ['view', 'edit', 'revisions', 'publish', 'delete'];

/** What `role` may do to an article (`null`: one not yet created). */
export function mayOnArticle(role: Role, action: ArticleAction, a: ArticleFacts | null): boolean {
  if (!can(role, 'articles.write_own_drafts')) return false;
  if (can(role, 'articles.manage_all')) return true;
  const own = a === null || a.own;
  switch (action) {
    case 'view':
      return own || a!.status === 'published';
    case 'edit':
    case 'revisions':
      return own && (can(role, 'articles.publish_own') || a === null || a.status === 'draft');
    case 'publish':
      return own && can(role, 'articles.publish_own');
    case 'delete':
      return mayOnArticle(role, 'edit', a) && (a === null || a.status === 'draft' || mayOnArticle(role, 'publish', a));
  }
}

/** Which articles a role's lists show: every one, or its own and the published ones. */
export function articleListScope(role: Role): 'all' | 'own_or_published' {
  return can(role, 'articles.manage_all') ? 'all' : 'own_or_published';
}
