// Sign-in pages: email and password, or a magic link by email; the link's confirmation page.
import { html } from '../../platform/html.ts';
import { noticeBox, publicAdminLayout, type Notice } from '../layout.ts';

export function signInPage(pub: string, formToken: string, opts: { next?: string; email?: string; notice?: Notice | null; noStaff?: boolean; noSmtp?: boolean } = {}): string {
  const next = opts.next ?? '';
  return publicAdminLayout(
    pub,
    'Sign in',
    html`<h1>Sign in to the newsroom</h1>
${noticeBox(opts.notice)}
${opts.noStaff
  ? html`<section class="card notice" id="first-admin" aria-labelledby="first-admin-title">
  <h2 id="first-admin-title">No one can sign in yet</h2>
  <p>This newsroom has no accounts. Create the first administrator on the server, in the folder Newsdesk runs in (with the same <code>DATA_DIR</code> or <code>DATABASE_URL</code>), while it runs:</p>
  <pre><code>npx newsdesk staff create --email you@example.com --name "Your Name" --role administrator</code></pre>
  <p>It prints a link that signs you in once; then set a password under Account.</p>
</section>`
  : ''}
<section aria-labelledby="pw-title" class="card">
  <h2 id="pw-title">With your password</h2>
  <form method="post" action="/admin/signin" class="stack">
    <input type="hidden" name="_signin" value="${formToken}">
    <input type="hidden" name="next" value="${next}">
    <label for="signin-email">Email address</label>
    <input id="signin-email" type="email" name="email" required autocomplete="username" maxlength="254" value="${opts.email ?? ''}">
    <label for="signin-password">Password</label>
    <input id="signin-password" type="password" name="password" required autocomplete="current-password" maxlength="200">
    <button type="submit">Sign in</button>
  </form>
</section>
<section aria-labelledby="link-title" class="card">
  <h2 id="link-title">With a link by email</h2>
  <p>No password, or forgotten it? We will email you a link that signs you in once.</p>
  ${opts.noSmtp ? html`<p class="hint" id="signin-mail-note">This server sends no mail (SMTP_URL is not set): the link is written to the <code>outbox-staff</code> folder in its DATA_DIR instead, for whoever runs the server to pass on.</p>` : ''}
  <form method="post" action="/admin/signin/link" class="stack">
    <input type="hidden" name="_signin" value="${formToken}">
    <label for="link-email">Email address</label>
    <input id="link-email" type="email" name="email" required autocomplete="email" maxlength="254" value="${opts.email ?? ''}">
    <button type="submit">Email me a sign-in link</button>
  </form>
</section>`,
  );
}

export function linkConfirmPage(pub: string, formToken: string, token: string, who: string): string {
  return publicAdminLayout(
    pub,
    'Sign in',
    html`<h1>Sign in to the newsroom</h1>
<p>This link signs in <strong>${who}</strong>. It works once.</p>
<form method="post" action="/admin/signin/link/use" class="stack">
  <input type="hidden" name="_signin" value="${formToken}">
  <input type="hidden" name="token" value="${token}">
  <button type="submit">Sign in as ${who}</button>
</form>`,
  );
}

export function messagePage(pub: string, title: string, message: string, back = true): string {
  return publicAdminLayout(pub, title, html`<h1>${title}</h1><p role="status">${message}</p>${back ? html`<p><a href="/admin/signin">Back to sign-in</a></p>` : ''}`);
}
