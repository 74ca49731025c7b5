// An edition as an email: a responsive, table-based HTML part with inline styles (what Gmail, Outlook,
// Apple Mail and Yahoo all render alike; a dark-mode block for clients that honour it) and a plain
// text part. Rendered once per edition; the per-recipient values are slots (src/newsletters/delivery/
// mime.ts) filled at send time: greeting, unsubscribe_url, preferences_url.
// Emails are not web pages: inline styles are right here, and the site's CSP does not apply.
import { accentOf } from '../publication/brand.ts';
//
// Each story carries the text its reader may have, decided by THE access rule (src/members/access.ts,
// channel 'email', no meter): public articles in full; members articles in full for recipients with an
// account; paid ones for paying members; otherwise the lead-in and a link. The edition is rendered once
// per access level (`renderEditionTiers`), never per recipient; the delivery engine picks the version
// by the recipient's access when it sends.
import { html, raw, type SafeHtml } from '../platform/html.ts';
import { decideAccess, leadInHtml, type Viewer } from '../members/access.ts';
import { htmlToText, markdownToHtml } from '../platform/sanitize.ts';
import { absoluteUrls } from '../platform/absolute-urls.ts';
import type { ArticleSummary } from '../articles/types.ts';
import { humanDate } from '../platform/time.ts';
import { formatNumber } from '../platform/numbers.ts';
import { slot, stripSlotChars } from './delivery/mime.ts';

export interface EditionContent {
  publication: { name: string; siteUrl: string; timeZone: string; locale: string; accentColor?: string };
  newsletter: { slug: string; name: string; description: string };
  edition: { number: number; subject: string; intro: string; date: Date };
  /** With the body and lead-in when stories are to carry their text (the edition's send and tests). */
  items: Array<ArticleSummary & { body_html?: string; lead_html?: string | null }>;
  /** Per article id: the spread of the wire story it is on (src/newswire/coverage/coverage.ts). */
  coverage?: Record<number, { slug: string; outlets: number; left: number; center: number; right: number }>;
}

/** Access levels of newsletter recipients: no account, an account, paying. */
export const EMAIL_TIERS = ['anonymous', 'member', 'paid'] as const;
export type EmailTier = (typeof EMAIL_TIERS)[number];

const TIER_VIEWERS: Record<EmailTier, Viewer> = {
  anonymous: { kind: 'anonymous' },
  member: { kind: 'member', personId: 0, paid: false },
  paid: { kind: 'member', personId: 0, paid: true },
};

export type RenderedTiers = Record<EmailTier, { html: string; text: string }>;

/** The edition once per access level. */
export function renderEditionTiers(c: EditionContent): RenderedTiers {
  return { anonymous: renderEditionEmail(c, 'anonymous'), member: renderEditionEmail(c, 'member'), paid: renderEditionEmail(c, 'paid') };
}

export const editionPath = (slug: string, number: number) => `/newsletters/${slug}/${number}`;

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const SERIF = "Georgia,'Times New Roman',serif";

/** The HTML and text parts, with slots for the per-recipient values. */
export function renderEditionEmail(c: EditionContent, tier: EmailTier = 'anonymous'): { html: string; text: string } {
  const { publication: pub, newsletter: nl, edition: ed } = c;
  const viewer = TIER_VIEWERS[tier];
  // The publication's brand colour (src/publication/brand.ts: always readable on white).
  const accent = pub.accentColor ? accentOf({ accentColor: pub.accentColor }) : '#9a3412';
  const clean = (s: string) => stripSlotChars(s);
  const webUrl = pub.siteUrl + editionPath(nl.slug, ed.number);
  const date = humanDate(ed.date, pub.timeZone, pub.locale);
  // Cleaned after rendering as well: Markdown turns "&#xE000;" into the slot character itself, which
  // would open a per-recipient slot (a test send failed, a real send retried for half an hour).
  // A mail client has no base URL: the intro's site-relative links are resolved against the web copy.
  const introHtml = ed.intro.trim() ? absoluteUrls(clean(markdownToHtml(clean(ed.intro))), webUrl) : '';
  const url = (a: ArticleSummary) => `${pub.siteUrl}/${a.slug}`;
  const preheader = c.items[0] ? clean(c.items[0].dek || c.items[0].headline) : clean(nl.description);

  const covered = (a: ArticleSummary) => c.coverage?.[a.id];
  const num = (x: number) => formatNumber(x, pub.locale);
  const coveredText = (k: NonNullable<ReturnType<typeof covered>>) => `${num(k.outlets)} outlet${k.outlets === 1 ? '' : 's'}: ${num(k.left)} left, ${num(k.center)} center, ${num(k.right)} right`;
  const storyUrl = (slug: string) => `${pub.siteUrl}/story/${encodeURIComponent(slug)}`;
  /** The text of a story for this tier: the whole body, or the lead-in and what would open the rest. */
  const bodyOf = (a: EditionContent['items'][number]): { html: string; gated: 'members' | 'paid' | null } | null => {
    if (a.body_html === undefined) return null;
    const full = decideAccess({ id: a.id, access: a.access ?? 'metered' }, viewer, 'email').full;
    const text = full ? a.body_html : leadInHtml({ lead_html: a.lead_html ?? null, body_html: a.body_html });
    return { html: absoluteUrls(clean(text), url(a)), gated: full ? null : a.access === 'paid' ? 'paid' : 'members' };
  };
  const gateNote = (a: ArticleSummary, gated: 'members' | 'paid'): SafeHtml =>
    gated === 'paid'
      ? html`<p class="nd-text" style="margin:0 0 10px;font:italic 15px/1.5 ${FONT};color:#333333;">The rest of this story is for subscribers. <a href="${pub.siteUrl}/subscribe" style="color:${accent};">Subscribe</a>, or <a href="${url(a)}" style="color:${accent};">read it on the site</a> if you already do.</p>`
      : html`<p class="nd-text" style="margin:0 0 10px;font:italic 15px/1.5 ${FONT};color:#333333;">Continue reading for free: <a href="${pub.siteUrl}/account/register?next=${encodeURIComponent('/' + a.slug)}" style="color:${accent};">register with this address</a> and the whole story comes in these emails too.</p>`;

  const story = (a: EditionContent['items'][number], i: number): SafeHtml => {
    const body = bodyOf(a);
    return html`<tr><td class="nd-story" style="padding:20px 0;border-top:1px solid #e4e1da;">
  ${a.format && textLabel(a.format.name, a.headline) ? html`<p style="margin:0 0 6px;font:600 12px/1.4 ${FONT};letter-spacing:.06em;text-transform:uppercase;color:${accent};">${i + 1}. ${clean(a.format.name)}</p>` : html`<p style="margin:0 0 6px;font:600 12px/1.4 ${FONT};color:${accent};">${i + 1}.</p>`}
  <h2 style="margin:0 0 8px;font:700 21px/1.3 ${SERIF};"><a class="nd-link" href="${url(a)}" style="color:#111111;text-decoration:none;">${clean(a.headline)}</a></h2>
  ${a.dek ? html`<p class="nd-text" style="margin:0 0 10px;font:16px/1.5 ${FONT};color:#333333;">${clean(a.dek)}</p>` : ''}
  ${covered(a) ? html`<p class="nd-text" style="margin:0 0 10px;font:13px/1.4 ${FONT};color:#555555;">How it was covered: ${coveredText(covered(a)!)} &middot; <a href="${storyUrl(covered(a)!.slug)}" style="color:#555555;">see every side</a></p>` : ''}
  ${body ? html`<div class="nd-text nd-body" style="margin:0 0 10px;font:16px/1.6 ${FONT};color:#222222;">${raw(body.html)}</div>${body.gated ? gateNote(a, body.gated) : ''}` : ''}
  <p style="margin:0;font:14px/1.4 ${FONT};"><a href="${url(a)}" style="color:${accent};text-decoration:underline;">${body && !body.gated ? 'Read it on the site' : 'Read the story'}</a>${a.authors.length ? html`<span style="color:#6b6b6b;"> &middot; ${a.authors.map((au) => clean(au.name)).join(', ')}</span>` : ''}</p>
</td></tr>`;
  };

  const doc = html`<!doctype html>
<html lang="${pub.locale}" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting" content="">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${clean(ed.subject)}</title>
<style>
@media (max-width:620px){.nd-container{width:100%!important}.nd-pad{padding-left:16px!important;padding-right:16px!important}}
.nd-body img{max-width:100%!important;height:auto!important}
@media (prefers-color-scheme:dark){body,.nd-bg{background:#111111!important}.nd-card{background:#1c1c1c!important}.nd-link,.nd-title{color:#f5f5f5!important}.nd-text{color:#d4d4d4!important}.nd-story{border-color:#333333!important}}
</style>
</head>
<body class="nd-bg" style="margin:0;padding:0;background:#f4f1ea;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">${preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="nd-bg" style="background:#f4f1ea;">
<tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" class="nd-container nd-card" style="width:600px;max-width:600px;background:#ffffff;">
<tr><td class="nd-pad" style="padding:28px 32px 8px;">
  <p style="margin:0;font:600 13px/1.4 ${FONT};letter-spacing:.08em;text-transform:uppercase;color:#6b6b6b;">${clean(pub.name)}</p>
  <h1 class="nd-title" style="margin:4px 0 0;font:700 28px/1.2 ${SERIF};color:#111111;">${clean(nl.name)}</h1>
  <p style="margin:6px 0 0;font:14px/1.4 ${FONT};color:#6b6b6b;">${date} &middot; No. ${ed.number} &middot; <a href="${webUrl}" style="color:#6b6b6b;">View in your browser</a></p>
</td></tr>
<tr><td class="nd-pad nd-text" style="padding:16px 32px 0;font:16px/1.5 ${FONT};color:#333333;">
  <p style="margin:0 0 12px;">${raw(slot('greeting'))}</p>
  ${introHtml ? html`<div style="margin:0 0 8px;">${raw(introHtml)}</div>` : ''}
</td></tr>
<tr><td class="nd-pad" style="padding:0 32px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${c.items.map(story)}
</table>
</td></tr>
<tr><td class="nd-pad" style="padding:24px 32px 32px;border-top:1px solid #e4e1da;font:13px/1.5 ${FONT};color:#6b6b6b;">
  <p style="margin:0 0 8px;">You receive ${clean(nl.name)} because you subscribed at ${pub.siteUrl.replace(/^https?:\/\//, '')}.</p>
  <p style="margin:0;"><a href="${raw(slot('preferences_url'))}" style="color:#6b6b6b;">Manage your newsletters</a> &middot; <a href="${raw(slot('unsubscribe_url'))}" style="color:#6b6b6b;">Unsubscribe</a> &middot; <a href="${pub.siteUrl}/newsletters/${nl.slug}" style="color:#6b6b6b;">Past editions</a></p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;

  const lines: string[] = [];
  lines.push(`${clean(pub.name)}: ${clean(nl.name)}`, `${date}, No. ${ed.number}`, `View in your browser: ${webUrl}`, '', slot('greeting'), '');
  if (introHtml) lines.push(clean(htmlToText(introHtml)), '');
  c.items.forEach((a, i) => {
    lines.push(`${i + 1}. ${textLabel(a.format?.name ?? null, a.headline)}${clean(a.headline)}`);
    if (a.dek) lines.push(clean(a.dek));
    const k = covered(a);
    if (k) lines.push(`How it was covered: ${coveredText(k)} (${storyUrl(k.slug)})`);
    const body = bodyOf(a);
    if (body) {
      lines.push('', clean(htmlToText(body.html)));
      if (body.gated === 'paid') lines.push('', `The rest of this story is for subscribers: ${pub.siteUrl}/subscribe`);
      else if (body.gated) lines.push('', `Continue reading for free: register with this address at ${pub.siteUrl}/account/register`);
    }
    lines.push(url(a), '');
  });
  lines.push('--', `You receive ${clean(nl.name)} because you subscribed at ${pub.siteUrl.replace(/^https?:\/\//, '')}.`);
  lines.push(`Manage your newsletters: ${slot('preferences_url')}`, `Unsubscribe: ${slot('unsubscribe_url')}`, '');
  return { html: doc.value, text: lines.join('\n') };
}

/**
 * The format's label before a headline in the text part ("SPEED READ: …"), unless the headline already
 * begins with the format's name ("Recommends: …" is not "RECOMMENDS: Recommends: …").
 */
export function textLabel(format: string | null, headline: string): string {
  if (!format) return '';
  const f = format.trim();
  if (!f || headline.trim().toLowerCase().startsWith(f.toLowerCase())) return '';
  return f.toUpperCase() + ': ';
}
