// The newsroom's own frame: a plain, quick layout (not the public site's), with a skip link, landmarks,
// the navigation the signed-in person's role allows, and the sign-out form. Every page is sent with
// `cache-control: no-store` by the routes.
import { html, type SafeHtml } from '../platform/html.ts';
import { can } from '../staff/roles.ts';
import type { SessionInfo } from '../staff/sessions.ts';

export interface AdminContext {
  session: SessionInfo;
  publicationName: string;
  /** Path of the current page, to mark the navigation. */
  path: string;
  /** The publication's locale, for the wording of dates (absent only on pages outside a publication's context). */
  locale?: string;
  /** No SMTP_URL: mail goes to the outbox in DATA_DIR, and the navigation links to its viewer. */
  outbox?: boolean;
}

export interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

function navItem(ctx: AdminContext, href: string, label: string): SafeHtml {
  const current = href === '/admin' ? ctx.path === '/admin' : ctx.path.startsWith(href);
  return html`<li><a href="${href}"${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
}

export function csrfField(ctx: AdminContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.session.csrf}">`;
}

export function noticeBox(notice: Notice | null | undefined): SafeHtml {
  if (!notice) return html``;
  return notice.kind === 'error'
    ? html`<div class="notice notice--error" role="alert">${notice.text}</div>`
    : html`<div class="notice notice--ok" role="status">${notice.text}</div>`;
}

export function adminLayout(ctx: AdminContext, title: string, main: SafeHtml, opts: { notice?: Notice | null; bodyClass?: string } = {}): string {
  const role = ctx.session.staff.role;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} | ${ctx.publicationName} newsroom</title>
<link rel="stylesheet" href="/assets/admin.css">
<link rel="stylesheet" href="/assets/brand.css">
<link rel="icon" href="/assets/logo.png" type="image/png">
<script src="/assets/admin.js" defer></script>
</head>
<body class="admin ${opts.bodyClass ?? ''}" data-csrf="${ctx.session.csrf}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="admin-header">
  <a class="admin-brand" href="/admin">${ctx.publicationName} <span>newsroom</span></a>
  <nav class="admin-nav" aria-label="Newsroom">
    <ul>
      ${navItem(ctx, '/admin', 'Dashboard')}
      ${navItem(ctx, '/admin/articles', 'Articles')}
      ${can(role, 'articles.manage_all') ? navItem(ctx, '/admin/front', 'Front page') : ''}
      ${can(role, 'newsletters.manage') ? navItem(ctx, '/admin/newsletters', 'Newsletters') : ''}
      ${can(role, 'newsletters.manage') ? navItem(ctx, '/admin/members', 'Members') : ''}
      ${navItem(ctx, '/admin/stories', 'Stories')}
      ${navItem(ctx, '/admin/wire', 'Wire')}
      ${navItem(ctx, '/admin/outlets', 'Outlets')}
      ${ctx.outbox && can(role, 'newsletters.manage') ? navItem(ctx, '/admin/outbox', 'Outbox') : ''}
      ${can(role, 'settings.manage') || can(role, 'taxonomy.manage') ? navItem(ctx, '/admin/settings', 'Settings') : ''}
      ${navItem(ctx, '/admin/account', 'Account')}
      <li><a href="/" target="_blank" rel="noopener">View site</a></li>
    </ul>
  </nav>
  <form class="admin-signout" method="post" action="/admin/signout">${csrfField(ctx)}<span class="who">${ctx.session.staff.name || ctx.session.staff.email} (${role})</span> <button type="submit" class="link-button">Sign out</button></form>
</header>
<main id="main" class="admin-main" tabindex="-1">
${noticeBox(opts.notice)}
${main}
</main>
</body>
</html>
`.value;
}

/** Pages seen before signing in: the same look, no navigation. */
export function publicAdminLayout(publicationName: string, title: string, main: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} | ${publicationName} newsroom</title>
<link rel="stylesheet" href="/assets/admin.css">
<link rel="icon" href="/assets/logo.png" type="image/png">
</head>
<body class="admin admin--signin">
<header class="admin-header"><a class="admin-brand" href="/">${publicationName} <span>newsroom</span></a></header>
<main id="main" class="admin-main admin-main--narrow" tabindex="-1">
${main}
</main>
</body>
</html>
`.value;
}
