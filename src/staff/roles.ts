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

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
