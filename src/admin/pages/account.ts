// The signed-in person's own account: who they are, and their password.
import { html } from '../../platform/html.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import { profileFields } from './authors.ts';

export function accountPage(ctx: AdminContext, notice: Notice | null, profile: { name: string; bio: string; photo_url: string | null } | null = null, values?: Record<string, string>): string {
  const st = ctx.session.staff;
  return adminLayout(
    ctx,
    'Account',
    html`<h1>Your account</h1>
<dl class="facts"><dt>Email</dt><dd>${st.email}</dd><dt>Name</dt><dd>${st.name || '—'}</dd><dt>Role</dt><dd>${st.role}</dd>
${st.author_slug ? html`<dt>Byline</dt><dd><a href="/author/${st.author_slug}">/author/${st.author_slug}</a></dd>` : ''}</dl>
<section class="card" aria-labelledby="profile-title">
  <h2 id="profile-title">Your profile</h2>
  <p>How readers see you: the name on your byline, and the bio and photo on your author page.</p>
  ${profileFields(ctx, profile ?? { name: st.name, bio: '', photo_url: null }, { action: '/admin/account/profile', photoAction: '/admin/account/photo', values, button: 'Save profile' })}
</section>
<section class="card" aria-labelledby="pw-title">
  <h2 id="pw-title">${st.has_password ? 'Change your password' : 'Set a password'}</h2>
  <p>You can always sign in with a link by email instead. Saving a new password signs you out everywhere else.</p>
  <form method="post" action="/admin/account/password" class="stack">
    ${csrfField(ctx)}
    <input type="text" name="username" value="${st.email}" autocomplete="username" hidden>
    ${st.has_password
      ? html`<label for="pw-current">Current password</label>
    <input id="pw-current" type="password" name="current" required maxlength="200" autocomplete="current-password">`
      : ''}
    <label for="pw-new">New password <span class="hint">(at least 12 characters)</span></label>
    <input id="pw-new" type="password" name="password" required minlength="12" maxlength="200" autocomplete="new-password">
    <label for="pw-confirm">The same again</label>
    <input id="pw-confirm" type="password" name="confirm" required minlength="12" maxlength="200" autocomplete="new-password">
    <button type="submit">Save password</button>
  </form>
</section>`,
    { notice },
  );
}
