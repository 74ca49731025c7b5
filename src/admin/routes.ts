// The newsroom's route table: every URL under /admin, one line each: METHOD, path, who may use it,
// handler. `access` is enforced by the frame (src/admin/newsroom.ts) before the handler runs: 'public'
// needs no session (the sign-in pages), 'signed in' any staff member, a permission (src/staff/roles.ts)
// a role that has it. Article screens also check, per article, that it is the staff member's own or
// that their role may touch anyone's, and who may publish. Every state-changing request must come
// from this site with the session's CSRF token; multipart forms check the token once they have read
// it (`csrfInHandler`). Handlers live in signin.ts, account.ts, articles.ts, settings.ts,
// newsletters.ts, subscribers.ts, members.ts, bounces.ts, outbox.ts, wire.ts, stories.ts and briefs.ts.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web/site.ts';
import { adminHelpers, registerNewsroom, type Access, type AdminHelpers, type AdminRoute, type Handler } from './newsroom.ts';
import { signInScreens } from './signin.ts';
import { accountScreens } from './account.ts';
import { articleScreens } from './articles.ts';
import { settingsScreens } from './settings.ts';
import { authorScreens } from './authors.ts';
import { newsletterScreens } from './newsletters.ts';
import { subscriberScreens } from './subscribers.ts';
import { outboxScreens } from './outbox.ts';
import { bounceScreens } from './bounces.ts';
import { wireScreens } from './wire.ts';
import { frontScreens } from './front.ts';
import { briefScreens } from './briefs.ts';
import { memberScreens } from './members.ts';
import { storyScreens } from './stories.ts';

const get = (url: string, access: Access, handler: Handler): AdminRoute => ({ method: 'GET', url, access, handler });
const post = (url: string, access: Access, handler: Handler, opts: { csrfInHandler?: boolean } = {}): AdminRoute => ({ method: 'POST', url, access, handler, ...opts });
const MULTIPART = { csrfInHandler: true };
/** Every staff member may write drafts; which articles, and publishing, are checked per article. */
const WRITERS = 'articles.write_own_drafts';

export function adminRoutes(web: WebDeps, h: AdminHelpers): AdminRoute[] {
  const s = signInScreens(web, h);
  const me = accountScreens(web, h);
  const a = articleScreens(web, h);
  const set = settingsScreens(web, h);
  const au = authorScreens(web, h);
  const n = newsletterScreens(web, h);
  const sub = subscriberScreens(web, h);
  const out = outboxScreens(web, h);
  const b = bounceScreens(web, h);
  const w = wireScreens(web, h);
  const fp = frontScreens(web, h);
  const br = briefScreens(web, h);
  const m = memberScreens(web, h);
  const st = storyScreens(web, h);
  return [
    // ---- signing in and out
    get('/admin/signin', 'public', s.signInForm),
    post('/admin/signin', 'public', s.signIn), // email and password
    post('/admin/signin/link', 'public', s.requestLink), // queues the email, whatever the address
    get('/admin/signin/link', 'public', s.linkForm), // the link in the email: a button, for mail scanners
    post('/admin/signin/link/use', 'public', s.useLink),
    post('/admin/signout', 'signed in', s.signOut),

    // ---- dashboard and account
    get('/admin', 'signed in', me.dashboard),
    get('/admin/account', 'signed in', au.account), // with the profile: name, bio, photo
    post('/admin/account/profile', 'signed in', au.saveProfile),
    post('/admin/account/photo', 'signed in', au.profilePhoto, MULTIPART),
    post('/admin/account/photo/remove', 'signed in', au.removeProfilePhoto),
    post('/admin/account/password', 'signed in', me.changePassword),

    // ---- articles
    get('/admin/articles', WRITERS, a.list),
    get('/admin/articles/new', WRITERS, a.newForm),
    post('/admin/articles', WRITERS, a.create), // save, publish or schedule: the button pressed
    post('/admin/articles/autosave', WRITERS, a.autosaveNew), // JSON; the first autosave creates the draft
    get('/admin/articles/:id', WRITERS, a.edit),
    post('/admin/articles/:id', WRITERS, a.update), // save, publish, schedule or unpublish
    post('/admin/articles/:id/autosave', WRITERS, a.autosaveExisting), // JSON
    post('/admin/preview', WRITERS, a.markdownPreview), // JSON: the body's HTML while typing
    get('/admin/articles/:id/preview', WRITERS, a.preview), // the saved article as readers see it
    post('/admin/articles/:id/preview', WRITERS, a.previewUnsaved), // the form's unsaved state
    post('/admin/articles/:id/image', WRITERS, a.uploadImage, MULTIPART),
    post('/admin/uploads/image', WRITERS, a.uploadLoose, MULTIPART), // stored only: a new article's image, or one dropped into a body
    get('/admin/articles/:id/revisions', WRITERS, a.revisions),
    get('/admin/articles/:id/revisions/:rev', WRITERS, a.revision), // with the diff against now
    post('/admin/articles/:id/revisions/:rev/restore', WRITERS, a.restore),

    // ---- settings, staff, API keys (the settings page shows each part to those who may change it)
    // ---- authors: the people articles are signed by
    get('/admin/authors', 'taxonomy.manage', au.list),
    get('/admin/authors/new', 'taxonomy.manage', au.newForm),
    post('/admin/authors', 'taxonomy.manage', au.create),
    get('/admin/authors/:slug', 'taxonomy.manage', au.edit),
    post('/admin/authors/:slug', 'taxonomy.manage', au.save),
    post('/admin/authors/:slug/photo', 'taxonomy.manage', au.photo, MULTIPART),
    post('/admin/authors/:slug/photo/remove', 'taxonomy.manage', au.removePhoto),
    get('/admin/authors/:slug/delete', 'taxonomy.manage', au.confirmDelete),
    post('/admin/authors/:slug/delete', 'taxonomy.manage', au.remove),

    get('/admin/settings', 'signed in', set.show), // the index: one card per part this person may change
    get('/admin/settings/publication', 'settings.manage', set.pages.publication),
    get('/admin/settings/formats', 'taxonomy.manage', set.pages.formats), // ?edit=SLUG fills the form
    get('/admin/settings/sections', 'taxonomy.manage', set.pages.sections),
    get('/admin/settings/newsletters', 'newsletters.manage', set.pages.newsletters),
    get('/admin/settings/mail', 'settings.manage', set.pages.mail), // read-only: set in the environment
    get('/admin/settings/staff', 'staff.manage', set.pages.staff),
    get('/admin/settings/api-keys', 'apikeys.manage', set.pages['api-keys']),
    get('/admin/settings/formats/:slug/delete', 'taxonomy.manage', set.confirmDeleteTaxonomy('formats')),
    post('/admin/settings/formats/:slug/delete', 'taxonomy.manage', set.deleteTaxonomyRow('formats')),
    get('/admin/settings/sections/:slug/delete', 'taxonomy.manage', set.confirmDeleteTaxonomy('sections')),
    post('/admin/settings/sections/:slug/delete', 'taxonomy.manage', set.deleteTaxonomyRow('sections')),
    get('/admin/settings/newsletters/:slug/delete', 'newsletters.manage', set.confirmDeleteNewsletter),
    post('/admin/settings/newsletters/:slug/delete', 'newsletters.manage', set.deleteNewsletterRow),
    post('/admin/settings/publication', 'settings.manage', set.publication),
    post('/admin/settings/logo', 'settings.manage', set.uploadLogo, MULTIPART),
    post('/admin/settings/formats', 'taxonomy.manage', set.formats),
    post('/admin/settings/sections', 'taxonomy.manage', set.sections),
    post('/admin/settings/newsletters', 'newsletters.manage', set.newsletters),
    post('/admin/staff', 'staff.manage', set.inviteStaff),
    post('/admin/staff/:id/role', 'staff.manage', set.changeStaffRole),
    post('/admin/staff/:id/disable', 'staff.manage', set.disableStaffMember),
    post('/admin/staff/:id/enable', 'staff.manage', set.enableStaffMember),
    post('/admin/api-keys', 'apikeys.manage', set.createKey), // shows the secret once
    post('/admin/api-keys/:id/revoke', 'apikeys.manage', set.revokeKey),

    // ---- the front page's lead story (src/admin/front.ts)
    get('/admin/front', 'articles.manage_all', fp.show),
    post('/admin/front/lead', 'articles.manage_all', fp.pin), // pin a published story, or unpin

    // ---- newsletters and editions
    get('/admin/newsletters/embed', 'newsletters.manage', fp.embed), // the sign-up form other sites paste
    get('/admin/newsletters', 'newsletters.manage', n.list),
    post('/admin/newsletters/:id/build', 'newsletters.manage', n.build), // the next edition from the newsletter's rules
    get('/admin/newsletters/editions/:id', 'newsletters.manage', n.composer),
    get('/admin/newsletters/editions/:id/status', 'newsletters.manage', n.status), // JSON: live progress
    post('/admin/newsletters/editions/:id/text', 'newsletters.manage', n.setText), // subject and intro
    post('/admin/newsletters/editions/:id/add', 'newsletters.manage', n.add),
    post('/admin/newsletters/editions/:id/remove', 'newsletters.manage', n.remove),
    post('/admin/newsletters/editions/:id/move', 'newsletters.manage', n.move), // one place up or down
    post('/admin/newsletters/editions/:id/test', 'newsletters.manage', n.test), // to the editor's own address
    post('/admin/newsletters/editions/:id/schedule', 'newsletters.manage', n.schedule),
    get('/admin/newsletters/editions/:id/preview', 'newsletters.manage', n.preview), // the email, for the composer's frames
    get('/admin/newsletters/editions/:id/send', 'newsletters.manage', n.sendConfirm), // "Send to N readers now?"
    post('/admin/newsletters/editions/:id/send', 'newsletters.manage', n.send), // only with the confirmation's field
    post('/admin/newsletters/editions/:id/pause', 'newsletters.manage', n.pause),
    post('/admin/newsletters/editions/:id/resume', 'newsletters.manage', n.resume),
    get('/admin/newsletters/editions/:id/cancel', 'newsletters.manage', n.cancelForm), // asks first: a cancel is for good
    post('/admin/newsletters/editions/:id/cancel', 'newsletters.manage', n.cancel),

    // ---- the newswire: the wire for every staff member, outlet changes for wire.manage
    get('/admin/wire', 'signed in', w.river),
    get('/admin/wire/items/:id', 'signed in', w.item),
    get('/admin/outlets', 'signed in', w.outlets),
    post('/admin/outlets', 'wire.manage', w.add), // feeds found from the home page when none are given
    post('/admin/outlets/:id/pause', 'wire.manage', w.pause),
    post('/admin/outlets/:id/resume', 'wire.manage', w.resume),
    get('/admin/outlets/:id/delete', 'wire.manage', w.confirmRemove), // what the deletion takes with it
    post('/admin/outlets/:id/delete', 'wire.manage', w.remove),
    post('/admin/stories/:id/brief', WRITERS, br.draft), // "Draft a brief": a Speed Read draft from the story's coverage
    // ---- the wire's stories: the ranking, a story and the blindspots for everyone; decisions for wire.manage
    get('/admin/stories', 'signed in', st.list), // today's ranking (or ?date=), live
    get('/admin/stories/blindspots', 'signed in', st.blindspots), // the week's
    post('/admin/stories/settings', 'wire.manage', st.settings), // the blindspot settings
    get('/admin/stories/:id', 'signed in', st.show),
    post('/admin/stories/:id/pin', 'wire.manage', st.pin),
    post('/admin/stories/:id/hide', 'wire.manage', st.hide),
    post('/admin/stories/:id/rename', 'wire.manage', st.rename),
    post('/admin/stories/:id/merge', 'wire.manage', st.merge), // another story into this one
    post('/admin/stories/:id/split', 'wire.manage', st.split), // the ticked items into a new story

    // ---- subscribers
    get('/admin/newsletters/subscribers', 'newsletters.manage', sub.list),
    post('/admin/newsletters/subscribers', 'newsletters.manage', sub.add), // double opt-in unless "already agreed"
    post('/admin/newsletters/subscribers/:id/unsubscribe', 'newsletters.manage', sub.unsubscribeOne),
    get('/admin/newsletters/subscribers/:id/delete', 'newsletters.manage', sub.deleteForm),
    post('/admin/newsletters/subscribers/:id/delete', 'newsletters.manage', sub.remove), // for good
    post('/admin/newsletters/subscribers/import', 'newsletters.manage', sub.importCsv, MULTIPART),
    get('/admin/newsletters/subscribers/export', 'newsletters.manage', sub.exportCsv),

    // ---- members (src/admin/members.ts): editors see members and annotate them; plans and the paywall are settings
    get('/admin/members', 'newsletters.manage', m.list),
    get('/admin/members/export', 'newsletters.manage', m.exportCsv), // CSV, with the list's filters
    post('/admin/members/import', 'newsletters.manage', m.importCsv, MULTIPART), // the report of `newsdesk members import`
    get('/admin/members/insights', 'newsletters.manage', m.insights), // SVG charts, Stripe's latest events
    get('/admin/members/plans', 'newsletters.manage', m.plans),
    post('/admin/members/plans', 'settings.manage', m.savePlan), // create or update by slug
    get('/admin/members/paywall', 'settings.manage', m.paywall),
    post('/admin/members/paywall', 'settings.manage', m.savePaywall),
    get('/admin/members/:id', 'newsletters.manage', m.show),
    post('/admin/members/:id/note', 'newsletters.manage', m.saveNote),
    post('/admin/members/:id/complimentary', 'newsletters.manage', m.grantComp), // until the end of a day
    post('/admin/members/:id/complimentary/revoke', 'newsletters.manage', m.revokeComp),

    // ---- bounce and complaint reports without our signed return path, held for an editor
    get('/admin/newsletters/bounces', 'newsletters.manage', b.list),
    post('/admin/newsletters/bounces/:id/apply', 'newsletters.manage', b.apply),
    post('/admin/newsletters/bounces/:id/dismiss', 'newsletters.manage', b.dismiss),

    // ---- the outbox (mail written to DATA_DIR/outbox when SMTP_URL is not set)
    get('/admin/outbox', 'newsletters.manage', out.list),
    get('/admin/outbox/:file', 'newsletters.manage', out.show),
    get('/admin/outbox/:file/html', 'newsletters.manage', out.showHtml), // sandboxed, for an iframe
    get('/admin/outbox/:file/raw', 'newsletters.manage', out.showRaw),
  ];
}

export function registerAdminRoutes(app: FastifyInstance, web: WebDeps): void {
  const h = adminHelpers(web);
  registerNewsroom(app, web, h, adminRoutes(web, h));
}
