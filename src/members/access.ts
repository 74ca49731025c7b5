// THE access rule: what a given viewer may see of a given article, on a given channel. Every channel
// (article pages, feeds, search, sitemaps, both Content APIs, edition pages, every newsletter email)
// calls `decideAccess` and renders the lead-in unless it answers `full`. Nothing else in the code base
// decides who reads the gated text. See docs/decisions/0050-members-access-and-meter.md.
//
// The meter applies only to article pages read in a browser (channel 'page'); on every other channel
// an article that is not `public` is gated, since a feed reader, a search index or an API client has
// no meter: `metered` and `members` articles are full for identified members (an account, a paying
// member, staff), `paid` ones for paying members and staff.

export const ACCESS_LEVELS = ['public', 'metered', 'members', 'paid'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export function isAccessLevel(v: unknown): v is AccessLevel {
  return typeof v === 'string' && (ACCESS_LEVELS as readonly string[]).includes(v);
}

/** Who is looking. A newsletter subscriber without an account is `anonymous`. */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'member'; personId: number; paid: boolean }
  /** Newsroom staff, and Admin API keys (they read what their role allows: everything published). */
  | { kind: 'staff' };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

/** What the rule needs to know about an article. */
export interface GatedArticle {
  id: number;
  access: AccessLevel;
  /** The article's format, section and tags are exempt from the meter (metered articles read free). */
  meterExempt?: boolean;
}

/** The browser's meter for this period: the articles already counted, and the limit for this viewer. */
export interface MeterState {
  enabled: boolean;
  limit: number;
  counted: readonly number[];
}

export type Channel = 'page' | 'feed' | 'search' | 'api' | 'email' | 'edition';

export interface AccessDecision {
  full: boolean;
  /** Without full access, which wall the page shows: the register form, or the plans. */
  wall: 'register' | 'plans' | null;
  /** A metered page view that must be counted now (first time this period). */
  count: boolean;
  /** Free metered articles left this period after this view (page channel, metered articles only). */
  remaining: number | null;
}

const FULL: AccessDecision = { full: true, wall: null, count: false, remaining: null };

export function decideAccess(article: GatedArticle, viewer: Viewer, channel: Channel, meter?: MeterState): AccessDecision {
  if (article.access === 'public' || viewer.kind === 'staff') return FULL;
  if (viewer.kind === 'member' && viewer.paid) return FULL;
  const registered = viewer.kind === 'member';
  if (article.access === 'paid') return { full: false, wall: 'plans', count: false, remaining: null };
  if (article.access === 'members') return registered ? FULL : { full: false, wall: 'register', count: false, remaining: null };
  // metered
  if (channel !== 'page') return registered ? FULL : { full: false, wall: 'register', count: false, remaining: null };
  if (!meter || !meter.enabled || article.meterExempt) return FULL;
  const used = meter.counted.length;
  if (meter.counted.includes(article.id)) return { full: true, wall: null, count: false, remaining: Math.max(0, meter.limit - used) };
  if (used < meter.limit) return { full: true, wall: null, count: true, remaining: meter.limit - used - 1 };
  return { full: false, wall: registered ? 'plans' : 'register', count: false, remaining: 0 };
}

// ---------------------------------------------------------------------------------------------
// The lead-in

/** The paywall marker in Markdown or HTML bodies; Ghost's paywall card arrives as `<!--members-only-->`. */
export const PAYWALL_MARKER = /<!--\s*(?:paywall|members-only)\s*-->/i;

/** The part of a body source before the paywall marker, or null when there is none. */
export function sourceBeforeMarker(source: string): string | null {
  const m = PAYWALL_MARKER.exec(source);
  return m ? source.slice(0, m.index) : null;
}

/** The body source without its paywall marker (the full text). */
export function stripMarker(source: string): string {
  return source.replace(new RegExp(PAYWALL_MARKER.source, 'gi'), '');
}

/**
 * The first `n` top-level blocks of sanitised body HTML that are paragraphs (with whatever headings or
 * figures sit between them). The HTML is our own sanitiser's output, so top-level `<p>` elements do
 * not nest; anything after the n-th paragraph is cut, never hidden.
 */
export function firstParagraphs(bodyHtml: string, n = 2): string {
  let pos = 0;
  let found = 0;
  const re = /<\/p>/gi;
  let m: RegExpExecArray | null;
  while (found < n && (m = re.exec(bodyHtml))) {
    found++;
    pos = m.index + m[0].length;
  }
  return found ? bodyHtml.slice(0, pos) : '';
}

/** The lead-in HTML of an article: the stored part before the marker, or the first two paragraphs. */
export function leadInHtml(a: { lead_html?: string | null; body_html: string }): string {
  return a.lead_html != null ? a.lead_html : firstParagraphs(a.body_html, 2);
}

/** Plain text of a lead-in (for feeds' summaries and snippets). */
export function leadInText(leadHtml: string): string {
  return leadHtml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Ghost's `visibility` for an access level. */
export function ghostVisibility(access: AccessLevel): 'public' | 'members' | 'paid' {
  return access === 'public' ? 'public' : access === 'paid' ? 'paid' : 'members';
}

/** An access level for Ghost's `visibility` (`tiers` means specific paid tiers: paid). */
export function accessFromGhost(visibility: unknown): AccessLevel {
  return visibility === 'public' ? 'public' : visibility === 'members' ? 'members' : visibility === 'paid' || visibility === 'tiers' ? 'paid' : 'metered';
}

/** The access levels whose full text this viewer may have on a channel without a meter (search's SQL). */
export function fullAccessLevels(viewer: Viewer, channel: Exclude<Channel, 'page'>): AccessLevel[] {
  return ACCESS_LEVELS.filter((access) => decideAccess({ id: 0, access }, viewer, channel).full);
}
