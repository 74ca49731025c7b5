// Authors (issue 14, item 7): the people articles are signed by, each with a name, a bio and a photo
// (shown on their author page and beside bylines), and whose staff account, if any, they are. Listed
// with Edit and Delete per row; the signed-in person edits their own on the account page.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';

export interface AuthorRow {
  id: number;
  slug: string;
  name: string;
  bio: string;
  photo_url: string | null;
  article_count: number;
  staff_email: string | null;
}

function photo(url: string | null, name: string): SafeHtml | string {
  return url ? html`<img class="avatar" src="${url}" alt="" width="48" height="48" loading="lazy">` : html`<span class="avatar avatar--empty" aria-hidden="true">${(name.trim()[0] ?? '?').toUpperCase()}</span>`;
}

export function authorsPage(ctx: AdminContext, rows: AuthorRow[], notice: Notice | null): string {
  return adminLayout(
    ctx,
    'Authors',
    html`<div class="page-head"><h1>Authors</h1><a class="button" href="/admin/authors/new">Add an author</a></div>
${rows.length
  ? html`<table class="list"><caption class="visually-hidden">Authors</caption>
  <thead><tr><th scope="col"><span class="visually-hidden">Photo</span></th><th scope="col">Name</th><th scope="col">Page</th><th scope="col" class="num">Articles</th><th scope="col">Staff account</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
  <tbody>${rows.map((r) => html`<tr>
    <td data-label="Photo">${photo(r.photo_url, r.name)}</td>
    <td data-label="Name">${r.name}${r.bio ? '' : html`<br><span class="muted">No bio yet</span>`}</td>
    <td data-label="Page"><a href="/author/${r.slug}">/author/${r.slug}</a></td>
    <td data-label="Articles" class="num">${r.article_count}</td>
    <td data-label="Staff account">${r.staff_email ?? html`<span class="muted">none</span>`}</td>
    <td data-label="Actions" class="row-actions"><a href="/admin/authors/${r.slug}" aria-label="Edit ${r.name}">Edit</a> <a class="danger-link" href="/admin/authors/${r.slug}/delete" aria-label="Delete ${r.name}">Delete</a></td>
  </tr>`)}</tbody></table>`
  : html`<p>No authors yet. Staff accounts get one when they are created.</p>`}`,
    { notice },
  );
}

/** The profile fields: name, bio, photo. Used for an author and for one's own account. */
export function profileFields(ctx: AdminContext, a: { name: string; bio: string; photo_url: string | null }, opts: { action: string; photoAction: string | null; values?: Record<string, string>; button: string; slug?: { value: string; editable: boolean } }): SafeHtml {
  const v = (k: string, fallback: string) => (opts.values && k in opts.values ? opts.values[k]! : fallback);
  return html`<form method="post" action="${opts.action}" class="stack">
  ${csrfField(ctx)}
  ${opts.slug
    ? html`<label for="author-slug">Address (slug)</label><input id="author-slug" name="slug" maxlength="120" pattern="[a-z0-9]+(-[a-z0-9]+)*" value="${v('slug', opts.slug.value)}"${opts.slug.editable ? raw(' required') : raw(' readonly aria-describedby="author-slug-hint"')}>${opts.slug.editable ? '' : html`<span class="hint" id="author-slug-hint">Part of public links: it stays.</span>`}`
    : ''}
  <label for="profile-name">Name <span class="hint">(as it appears on bylines)</span></label>
  <input id="profile-name" name="name" required maxlength="120" value="${v('name', a.name)}" autocomplete="name">
  <label for="profile-bio">Bio <span class="hint">(a sentence or two, shown on the author page)</span></label>
  <textarea id="profile-bio" name="bio" rows="4" maxlength="2000">${v('bio', a.bio)}</textarea>
  <button type="submit">${opts.button}</button>
</form>
${opts.photoAction
  ? html`<form method="post" action="${opts.photoAction}" enctype="multipart/form-data" class="stack photo-form">
  ${csrfField(ctx)}
  <div class="photo-current">${photo(a.photo_url, a.name)}<span>${a.photo_url ? 'Current photo' : 'No photo yet'}</span></div>
  <label for="profile-photo">Photo <span class="hint">(square works best; PNG, JPEG, GIF or WebP, up to 5 MB)</span></label>
  <input id="profile-photo" type="file" name="photo" accept="image/png,image/jpeg,image/gif,image/webp" required>
  <button type="submit">Upload photo</button>
</form>${a.photo_url ? html`<form method="post" action="${opts.photoAction}/remove">${csrfField(ctx)}<button type="submit" class="link-like">Remove the photo</button></form>` : ''}`
  : html`<p class="hint">Save the author first, then add a photo.</p>`}`;
}

export function authorEditPage(ctx: AdminContext, a: AuthorRow | null, notice: Notice | null, values?: Record<string, string>): string {
  const title = a ? `Author: ${a.name}` : 'Add an author';
  return adminLayout(
    ctx,
    title,
    html`<p class="crumbs"><a href="/admin/authors">← Authors</a></p>
<h1>${a ? a.name : 'Add an author'}</h1>
${a?.staff_email ? html`<p class="hint">This is the byline of the staff account ${a.staff_email}; they can also edit it themselves under Account.</p>` : ''}
<section class="card">${profileFields(ctx, a ?? { name: '', bio: '', photo_url: null }, {
      action: a ? `/admin/authors/${a.slug}` : '/admin/authors',
      photoAction: a ? `/admin/authors/${a.slug}/photo` : null,
      values,
      button: a ? 'Save author' : 'Add author',
      slug: { value: a?.slug ?? '', editable: !a },
    })}</section>`,
    { notice },
  );
}

export function authorDeletePage(ctx: AdminContext, a: AuthorRow): string {
  const blocked = a.article_count > 0 || a.staff_email !== null;
  return adminLayout(
    ctx,
    `Delete the author ${a.name}`,
    html`<p class="crumbs"><a href="/admin/authors">← Authors</a></p>
<h1>Delete the author “${a.name}”?</h1>
<section class="card">
${blocked
  ? html`<p>${a.article_count ? `${a.name} is the byline of ${a.article_count} article${a.article_count === 1 ? '' : 's'}: change their bylines first, so that no article loses its author.` : `${a.name} is the byline of the staff account ${a.staff_email}: disable that account in Staff settings instead.`}</p><p><a href="/admin/authors">Back to the authors</a></p>`
  : html`<p>No article is signed by ${a.name}. The page /author/${a.slug} will answer “not found”.</p>
<form method="post" action="/admin/authors/${a.slug}/delete" class="buttons">${csrfField(ctx)}<button type="submit" class="danger">Delete the author</button> <a href="/admin/authors">Keep</a></form>`}
</section>`,
  );
}
