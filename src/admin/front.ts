// The newsroom's front-page screen: which story leads the site's front page (the newest editor's pick
// of the week, unless an editor pins another), with a button to pin any recent story and one to go
// back to the automatic choice; and the sign-up form other sites paste (moved here from the public
// /newsletters/embed: it is for the publication's own developers, not for readers). URLs in
// src/admin/routes.ts.
import type { WebDeps } from '../web/site.ts';
import { loadSite } from '../web/site.ts';
import { html, type SafeHtml } from '../platform/html.ts';
import { NotFoundError, ValidationError } from '../platform/errors.ts';
import { listPublished } from '../articles/queries.ts';
import { getPublication, setPublicationSetting } from '../publication/settings.ts';
import { frontPage } from '../web/reading.ts';
import { embedSnippet } from '../web/pages/newsletters.ts';
import { humanDateTime } from '../platform/time.ts';
import { adminLayout, csrfField, noticeBox, type AdminContext, type Notice } from './layout.ts';
import { noticeFrom, type AdminHelpers, type Handler } from './newsroom.ts';

export function frontScreens(web: WebDeps, h: AdminHelpers) {
  const { db, config } = web;

  const show: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const pub = await getPublication(db, config);
    const [f, recent] = await Promise.all([frontPage(web, pub.leadArticleId, 1, pub.pageSize), listPublished(db, {}, 30)]);
    const pinned = pub.leadArticleId !== null && f?.lead?.id === pub.leadArticleId;
    return h.sendPage(reply, frontPageScreen(ctx, ctx.timeZone, f?.lead ?? null, pinned, recent, noticeFrom(req.query)));
  };

  const pin: Handler = async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.action === 'unpin') {
      await setPublicationSetting(db, 'leadArticleId', null);
      return reply.redirect('/admin/front?notice=lead', 303);
    }
    const id = typeof body.article === 'string' && /^[1-9]\d{0,8}$/.test(body.article) ? Number(body.article) : null;
    if (id === null) throw new ValidationError('Choose the story to lead the front page.');
    if (!(await listPublished(db, { ids: [id] }, 1)).length) throw new NotFoundError('That story is not published: only a published story can lead the front page.');
    await setPublicationSetting(db, 'leadArticleId', id);
    return reply.redirect('/admin/front?notice=lead', 303);
  };

  const embed: Handler = async (req, reply) => {
    const ctx = await h.ctx(req);
    const site = await loadSite(web);
    return h.sendPage(reply, embedScreen(ctx, site.url('/newsletters/subscribe'), embedSnippet(site), site.newsletters.map((n) => n.slug)));
  };

  return { show, pin, embed };
}

type Row = { id: number; headline: string; published_at: Date | null; editors_pick: boolean };

function frontPageScreen(ctx: AdminContext, tz: string, lead: Row | null, pinned: boolean, recent: Row[], notice: Notice | null): string {
  const when = (d: Date | null) => (d ? humanDateTime(d, tz, ctx.locale ?? 'en-GB') : '');
  const rows: SafeHtml[] = recent.map(
    (a) => html`<tr><td>${a.headline}${a.editors_pick ? html` <span class="hint">(editor's pick)</span>` : ''}</td><td>${when(a.published_at)}</td>
<td>${lead?.id === a.id ? html`<strong>Leading</strong>` : html`<form method="post" action="/admin/front/lead">${csrfField(ctx)}<input type="hidden" name="article" value="${String(a.id)}"><button type="submit">Pin as lead</button></form>`}</td></tr>`,
  );
  return adminLayout(
    ctx,
    'Front page',
    html`<h1>Front page</h1>
${noticeBox(notice ?? null)}
<section class="card" aria-labelledby="lead-title"><h2 id="lead-title">Lead story</h2>
${lead
  ? html`<p><strong>${lead.headline}</strong> (${when(lead.published_at)}) ${pinned ? 'is pinned by an editor.' : 'leads as the newest editor’s pick of the past week.'}</p>`
  : html`<p>Nothing is published yet.</p>`}
${pinned ? html`<form method="post" action="/admin/front/lead">${csrfField(ctx)}<input type="hidden" name="action" value="unpin"><button type="submit">Unpin: let the newest editor’s pick lead</button></form>` : ''}
</section>
<section class="card" aria-labelledby="recent-title"><h2 id="recent-title">Pin another story</h2>
<table><caption class="visually-hidden">Recent published stories</caption><thead><tr><th scope="col">Story</th><th scope="col">Published</th><th scope="col">Lead</th></tr></thead><tbody>${rows}</tbody></table>
</section>`,
  );
}

function embedScreen(ctx: AdminContext, endpoint: string, snippet: string, slugs: string[]): string {
  return adminLayout(
    ctx,
    'Sign-up form for other sites',
    html`<h1>Add our sign-up form to another site</h1>
<p>Paste this HTML into any page. It needs no script; readers who sign up land on the site's thank-you page and get the usual confirmation email. Style it with the <code>newsdesk-signup</code> class.</p>
<pre><code>${snippet}</code></pre>
<h2>Or use the JSON endpoint</h2>
<pre><code>POST ${endpoint}
Content-Type: application/json

{"email": "reader@example.com", "newsletters": [${slugs.map((s) => `"${s}"`).join(', ')}]}</code></pre>
<p>It answers <code>{"message": "…"}</code> on success and <code>{"error": {"status", "code", "message", "fields"}}</code> otherwise. Browsers may only call it from the site's own pages; servers may call it directly.</p>`,
  );
}
