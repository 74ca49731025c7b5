// Article screens: the list with filters and search, the editor, and revisions with their diff.
import { escapeHtml, html, raw, type SafeHtml } from '../../platform/html.ts';
import type { Article, ArticleStatus, Named } from '../../articles/types.ts';
import { humanDateTime } from '../../platform/time.ts';
import { adminLayout, csrfField, type AdminContext, type Notice } from '../layout.ts';
import type { AdminListFilter, AdminListRow } from '../../articles/queries.ts';
import type { EditorFields } from '../../articles/editor.ts';
import type { FieldDiff, Revision } from '../../articles/revisions.ts';

export interface Choices {
  formats: Named[];
  sections: Named[];
  authors: Named[];
}

const STATUS_LABEL: Record<ArticleStatus, string> = { draft: 'Draft', scheduled: 'Scheduled', published: 'Published' };

/** An example of the publish-time format, tomorrow at 09:30 in the zone. */
function exampleTime(tz: string): string {
  const d = new Date(Date.now() + 86_400_000);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  return `${day} 09:30`;
}

/** A moment in the newsroom: in the publication's time zone, worded in its locale (en-GB when unknown). */
export function when(d: Date | null, tz: string, locale: string | undefined): string {
  return d ? humanDateTime(new Date(d), tz, locale ?? 'en-GB') : '';
}

function options(list: Named[], selected: string, empty: string): SafeHtml {
  return html`<option value="">${empty}</option>${list.map((o) => html`<option value="${o.slug}"${o.slug === selected ? raw(' selected') : ''}>${o.name}</option>`)}`;
}

export function statusBadge(s: ArticleStatus): SafeHtml {
  return html`<span class="badge badge--${s}">${STATUS_LABEL[s]}</span>`;
}

export function articleListPage(ctx: AdminContext, tz: string, f: AdminListFilter, choices: Choices, rows: AdminListRow[], page: number, more: boolean, notice?: Notice | null): string {
  const query = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) q.set(k, String(v));
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `/admin/articles?${s}` : '/admin/articles';
  };
  const filtered = Object.values(f).some(Boolean);
  return adminLayout(
    ctx,
    'Articles',
    html`<div class="page-head"><h1>Articles</h1><a class="button" href="/admin/articles/new">New article</a></div>
<form class="filters" method="get" action="/admin/articles" role="search" aria-label="Filter articles">
  <div><label for="f-q">Search</label><input id="f-q" type="search" name="q" value="${f.q ?? ''}" maxlength="200"></div>
  <div><label for="f-status">Status</label><select id="f-status" name="status">
    <option value="">Any status</option>
    ${(['draft', 'scheduled', 'published'] as const).map((s) => html`<option value="${s}"${f.status === s ? raw(' selected') : ''}>${STATUS_LABEL[s]}</option>`)}
  </select></div>
  <div><label for="f-format">Format</label><select id="f-format" name="format">${options(choices.formats, f.format ?? '', 'Any format')}</select></div>
  <div><label for="f-section">Section</label><select id="f-section" name="section">${options(choices.sections, f.section ?? '', 'Any section')}</select></div>
  <div><label for="f-author">Author</label><select id="f-author" name="author">${options(choices.authors, f.author ?? '', 'Any author')}</select></div>
  <div class="filters-actions"><button type="submit">Filter</button>${filtered ? html` <a href="/admin/articles">Clear</a>` : ''}</div>
</form>
${rows.length
  ? html`<table class="list">
  <caption class="visually-hidden">Articles, most recently edited first${page > 1 ? `, page ${page}` : ''}</caption>
  <thead><tr><th scope="col">Headline</th><th scope="col">Status</th><th scope="col">Format · Section</th><th scope="col">By</th><th scope="col">Updated</th></tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr>
    <td data-label="Headline"><a href="/admin/articles/${r.id}">${r.headline}</a></td>
    <td data-label="Status">${statusBadge(r.status)}${r.status !== 'draft' ? html` <span class="muted">${when(r.published_at, tz, ctx.locale)}</span>` : ''}</td>
    <td data-label="Format · Section">${[r.format_name, r.section_name].filter(Boolean).join(' · ')}</td>
    <td data-label="By">${r.authors}</td>
    <td data-label="Updated">${when(r.updated_at, tz, ctx.locale)}</td>
  </tr>`,
  )}</tbody>
</table>`
  : html`<p>${filtered ? 'No articles match these filters.' : 'There are no articles yet.'}</p>`}
${page > 1 || more
  ? html`<nav class="pagination" aria-label="Pages">${page > 1 ? html`<a rel="prev" href="${query(page - 1)}">Previous page</a>` : ''} <span>Page ${page}</span> ${more ? html`<a rel="next" href="${query(page + 1)}">Next page</a>` : ''}</nav>`
  : ''}`,
    { notice },
  );
}

export interface EditorView {
  id: number | null;
  article: Article | null;
  fields: EditorFields;
  choices: Choices;
  timeZone: string;
  canPublish: boolean;
  notice?: Notice | null;
  fieldErrors?: Record<string, string>;
  /** An autosave of a live article kept aside, newer than what is live. */
  pendingAutosave?: Revision | null;
}

function fieldError(v: EditorView, name: string): SafeHtml {
  const e = v.fieldErrors?.[name];
  return e ? html`<p class="field-error" id="err-${name}">${e}</p>` : html``;
}

function describedBy(v: EditorView, name: string, hint?: string): SafeHtml {
  const ids = [hint, v.fieldErrors?.[name] ? `err-${name}` : ''].filter(Boolean).join(' ');
  return ids ? html` aria-describedby="${ids}"${v.fieldErrors?.[name] ? raw(' aria-invalid="true"') : ''}` : html``;
}

export function editorPage(ctx: AdminContext, v: EditorView): string {
  const f = v.fields;
  const a = v.article;
  const status = a?.status ?? 'draft';
  const action = v.id ? `/admin/articles/${v.id}` : '/admin/articles';
  const title = v.id ? `Edit: ${a?.headline ?? f.headline}` : 'New article';
  // A saved article's upload sets its feature image at once; a new one's only stores the file.
  const uploadUrl = v.id ? `/admin/articles/${v.id}/image` : '/admin/uploads/image';
  return adminLayout(
    ctx,
    title,
    html`<div class="page-head">
  <h1>${v.id ? 'Edit article' : 'New article'}</h1>
  <p class="editor-status">${statusBadge(status)}${a && status !== 'draft' ? html` ${when(a.published_at, v.timeZone, ctx.locale)}` : ''}
    ${a?.status === 'published' ? html` · <a href="/${a.slug}" target="_blank" rel="noopener">View live</a>` : ''}
    ${v.id ? html` · <a href="/admin/articles/${v.id}/preview" target="_blank" rel="noopener">Preview</a> · <a href="/admin/articles/${v.id}/revisions">Revisions</a>` : ''}</p>
</div>
${v.pendingAutosave
  ? html`<div class="notice notice--warn" role="status">Changes autosaved at ${when(v.pendingAutosave.created_at, v.timeZone, ctx.locale)} are not live yet. Press “Update” to publish them, or <a href="/admin/articles/${v.id}/revisions/${v.pendingAutosave.id}">compare and restore them</a>.</div>`
  : ''}
<form id="editor" class="editor" method="post" action="${action}" data-autosave="${v.id ? `/admin/articles/${v.id}/autosave` : '/admin/articles/autosave'}" data-status="${status}" novalidate>
  ${csrfField(ctx)}
  <div class="editor-main">
    <label for="ed-headline">Headline</label>
    <textarea id="ed-headline" name="headline" required maxlength="300" rows="2" class="input-headline" data-autogrow${describedBy(v, 'headline')}>${f.headline}</textarea>
    ${fieldError(v, 'headline')}
    <label for="ed-dek">Dek <span class="hint">(the standfirst under the headline)</span></label>
    <textarea id="ed-dek" name="dek" rows="2" maxlength="1000"${describedBy(v, 'dek')}>${f.dek}</textarea>
    ${fieldError(v, 'dek')}
    <div class="body-panes">
      <div>
        <label for="ed-body">Body <span class="hint">(Markdown)</span></label>
        <textarea id="ed-body" name="body" rows="22" class="input-body" aria-describedby="body-hint" data-drop-images="/admin/uploads/image">${f.body}</textarea>
        <p id="body-hint" class="hint">**bold**, _italic_, ## heading, [link](https://…), &gt; quote, - list. Drop an image here to upload it into the text. HTML figures and embeds are allowed; unsafe markup is removed.</p>
      </div>
      <section class="live-preview" aria-labelledby="live-preview-title" tabindex="0" hidden data-preview="/admin/preview">
        <h2 id="live-preview-title" class="pane-title">Live preview <span class="preview-flag">Preview</span></h2>
        <div class="article-body site-type" id="live-preview" aria-live="off"></div>
      </section>
    </div>
  </div>
  <div class="editor-side">
    <fieldset>
      <legend>Publishing</legend>
      <label for="ed-publish-at">Publish time</label>
      <input id="ed-publish-at" name="publish_at" inputmode="numeric" placeholder="YYYY-MM-DD HH:MM" maxlength="20" value="${f.publish_at}"${describedBy(v, 'publish_at', 'publish-hint')}>
      <p id="publish-hint" class="hint">A date and a 24-hour time in ${v.timeZone}, like ${exampleTime(v.timeZone)}. Leave it empty to publish now; a future time schedules the article.</p>
      ${fieldError(v, 'publish_at')}
      <div class="buttons">
        <button type="submit" name="action" value="save">${status === 'draft' ? 'Save draft' : 'Update'}</button>
        ${v.canPublish
          ? html`${status !== 'published' ? html`<button type="submit" name="action" value="publish" class="primary" data-confirm-publish>Publish now</button>` : ''}
        <button type="submit" name="action" value="schedule">${status === 'scheduled' ? 'Reschedule' : 'Schedule'}</button>
        ${status !== 'draft' ? html`<button type="submit" name="action" value="unpublish" class="danger">Unpublish</button>` : ''}`
          : html`<p class="hint">An editor publishes your drafts.</p>`}
        ${v.id ? html`<button type="submit" formaction="/admin/articles/${v.id}/preview" formtarget="_blank" class="secondary">Preview changes</button>` : ''}
      </div>
      <p class="save-state" id="save-state" role="status" aria-live="polite">${a ? html`Saved ${when(a.updated_at, v.timeZone, ctx.locale)}` : 'Not saved yet'}</p>
    </fieldset>
    <fieldset>
      <legend>Placement</legend>
      <label for="ed-format">Format</label>
      <select id="ed-format" name="format"${describedBy(v, 'format')}>${options(v.choices.formats, f.format, 'No format')}</select>
      ${fieldError(v, 'format')}
      <label for="ed-section">Section</label>
      <select id="ed-section" name="section"${describedBy(v, 'section')}>${options(v.choices.sections, f.section, 'No section')}</select>
      ${fieldError(v, 'section')}
      <label for="ed-tags">Tags <span class="hint">(comma-separated)</span></label>
      <input id="ed-tags" name="tags" value="${f.tags}" maxlength="2000"${describedBy(v, 'tags')}>
      ${fieldError(v, 'tags')}
      <label class="check"><input type="checkbox" name="editors_pick"${f.editors_pick ? raw(' checked') : ''}> Editor's pick</label>
      <label for="ed-access">Who may read it</label>
      <select id="ed-access" name="access"${describedBy(v, 'access')}>${[
        ['', 'The default (the section’s, the format’s, or metered)'], ['public', 'Everyone (public)'], ['metered', 'Metered: free articles, then register'],
        ['members', 'Registered readers (members)'], ['paid', 'Paying subscribers (paid)'],
      ].map(([value, label]) => html`<option value="${value}"${f.access === value ? raw(' selected') : ''}>${label}</option>`)}</select>
      ${fieldError(v, 'access')}
      <label for="ed-slug">Address <span class="hint">(/slug; empty: from the headline)</span></label>
      <input id="ed-slug" name="slug" value="${f.slug}" maxlength="120" pattern="[a-z0-9]+(-[a-z0-9]+)*"${describedBy(v, 'slug')}>
      ${fieldError(v, 'slug')}
      <label for="ed-story">Story key</label>
      <input id="ed-story" name="story_key" value="${f.story_key ?? ''}" maxlength="200"${describedBy(v, 'storyKey', 'story-hint')}>
      <p class="hint" id="story-hint">A wire story’s key (on its page under Stories) links this article to the story: “How it was covered” below it, and the story’s public page. Articles with the same key are each other’s related stories.</p>
      ${fieldError(v, 'storyKey')}
    </fieldset>
    <fieldset class="authors"${describedBy(v, 'authors')}>
      <legend>Authors</legend>
      ${v.choices.authors.map(
        (au) => html`<label class="check"><input type="checkbox" name="authors" value="${au.slug}"${f.authors.includes(au.slug) ? raw(' checked') : ''}> ${au.name}</label>`,
      )}
      ${fieldError(v, 'authors')}
    </fieldset>
    <fieldset id="feature-image" data-drop-images="${uploadUrl}">
      <legend>Feature image</legend>
      <img class="thumb" id="ed-image-thumb"${f.feature_image_url ? html` src="${f.feature_image_url}"` : raw(' hidden')} alt="">
      <label for="ed-image-file">Upload an image <span class="hint">(JPEG, PNG, GIF or WebP, up to 5 MB; or drop one here)</span></label>
      <input id="ed-image-file" type="file" name="image" form="image-upload" accept="image/jpeg,image/png,image/gif,image/webp" data-upload-to="${uploadUrl}">
      ${v.id ? html`<button type="submit" form="image-upload" class="secondary" data-upload-button>Upload image</button>` : html`<p class="hint js-only-hint">Without JavaScript, save the draft first to upload a file.</p>`}
      <label for="ed-image-url">Image address</label>
      <input id="ed-image-url" name="feature_image_url" value="${f.feature_image_url}" maxlength="2000"${describedBy(v, 'featureImageUrl', 'image-hint')}>
      <p id="image-hint" class="hint">Filled in by an upload, or give the address of an image.</p>
      ${fieldError(v, 'featureImageUrl')}
      <label for="ed-image-alt">Alt text <span class="hint">(what the image shows, for people who cannot see it)</span></label>
      <input id="ed-image-alt" name="feature_image_alt" value="${f.feature_image_alt}" maxlength="500">
      <label for="ed-image-caption">Caption</label>
      <input id="ed-image-caption" name="feature_image_caption" value="${f.feature_image_caption}" maxlength="1000">
    </fieldset>
  </div>
</form>
<form id="image-upload" method="post" action="${uploadUrl}" enctype="multipart/form-data" data-upload hidden>${csrfField(ctx)}</form>
<dialog id="publish-confirm" aria-labelledby="publish-confirm-title">
  <h2 id="publish-confirm-title">Publish now?</h2>
  <p>“<span data-headline></span>” goes on the site, into the feeds and to search at once.</p>
  <div class="buttons"><button type="button" class="primary" data-confirm>Publish</button> <button type="button" data-cancel>Not yet</button></div>
</dialog>`,
    { notice: v.notice, bodyClass: 'page-editor' },
  );
}

function renderChanges(d: FieldDiff): SafeHtml {
  return html`<div class="diff" role="group" aria-label="${d.label}">${d.changes.map((c) =>
    c.added ? html`<ins>${c.value}</ins>` : c.removed ? html`<del>${c.value}</del>` : html`<span>${c.value}</span>`,
  )}</div>`;
}

export function revisionsPage(ctx: AdminContext, tz: string, article: Article, revisions: Revision[]): string {
  return adminLayout(
    ctx,
    `Revisions: ${article.headline}`,
    html`<p class="crumbs"><a href="/admin/articles/${article.id}">← Back to the editor</a></p>
<h1>Revisions of “${article.headline}”</h1>
${revisions.length
  ? html`<ol class="revisions">${revisions.map(
      (r) => html`<li><a href="/admin/articles/${article.id}/revisions/${r.id}">${when(r.created_at, tz, ctx.locale)}</a> · ${r.kind}${r.applied ? '' : ' (not live)'} · ${r.staff_name ?? (r.staff_id ? 'a former staff member' : 'the command line, the API or a removed account')} · <span class="muted">${r.snapshot.headline}</span></li>`,
    )}</ol>`
  : html`<p>No revisions yet. Each save keeps one.</p>`}`,
  );
}

export function revisionPage(ctx: AdminContext, tz: string, article: Article, rev: Revision, diffs: FieldDiff[], canRestore: boolean): string {
  return adminLayout(
    ctx,
    `Revision ${rev.id}`,
    html`<p class="crumbs"><a href="/admin/articles/${article.id}/revisions">← All revisions</a></p>
<h1>Revision of ${when(rev.created_at, tz, ctx.locale)}</h1>
<p>By ${rev.staff_name ?? (rev.staff_id ? 'a former staff member' : 'the command line, the API or a removed account')} (${rev.kind}${rev.applied ? '' : ', not live'}). Differences from this revision to the article as it is now: <del>removed since</del>, <ins>added since</ins>.</p>
${diffs.length ? diffs.map((d) => html`<section class="diff-field"><h2>${d.label}</h2>${renderChanges(d)}</section>`) : html`<p>This revision is the same as the article now.</p>`}
${canRestore && diffs.length
  ? html`<form method="post" action="/admin/articles/${article.id}/revisions/${rev.id}/restore">${csrfField(ctx)}<button type="submit">Restore this revision</button> <span class="hint">Its text, placement and image come back; status and publish time stay as they are.</span></form>`
  : ''}`,
  );
}

/**
 * The article page as readers will see it, in the site's own type, with a banner saying it is a
 * preview (and whether it is live), so that a preview tab is never taken for the site.
 */
export function withPreviewBanner(page: string, status: ArticleStatus): string {
  const note = status === 'published' ? 'This article is live; this preview shows it as saved or as you changed it.' : `Not published: this is how the ${status === 'scheduled' ? 'scheduled' : 'draft'} article will look.`;
  const banner = `<div class="preview-banner" role="note"><strong>Preview</strong> ${escapeHtml(note)}</div>`;
  return page
    .replace('</head>', '<link rel="stylesheet" href="/assets/preview.css">\n</head>')
    .replace(/<body([^>]*)>/, (m) => `${m}\n${banner}`);
}

/** After an upload without JavaScript: the stored image's address, to paste where it is wanted. */
export function uploadedPage(ctx: AdminContext, url: string): string {
  return adminLayout(
    ctx,
    'Image uploaded',
    html`<h1>Image uploaded</h1>
<p><img class="thumb" src="${url}" alt=""></p>
<p>Its address: <code>${url}</code>. Paste it into an image field, or into the body as <code>![what it shows](${url})</code>.</p>
<p>Use your browser's Back button to return to the article.</p>`,
  );
}
