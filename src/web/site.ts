// What every public page needs besides its own content: the publication, the navigation, the
// newsletters the sign-up box offers, and absolute URLs. Read from the database when something a
// reader sees has changed (kept in memory until then: siteData()).
import type { Deps } from '../deps.ts';
import type { PageCache } from './page-cache.ts';
import type { WallCounter } from '../members/stats.ts';
import { getPublication, type Publication } from '../publication/settings.ts';
import { listFormats, listSections } from '../articles/queries.ts';
import type { Named } from '../articles/types.ts';
import { listNewsletters } from '../newsletters/newsletters.ts';
import { imageInfos, type ImageInfo } from '../media/images.ts';
import { brandVersion } from '../publication/brand.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { channelCache } from '../platform/channel-cache.ts';

export interface WebDeps extends Deps {
  cache: PageCache;
  /** Paywall walls shown, counted in memory and flushed by the server (src/members/stats.ts). */
  walls?: WallCounter;
}

export interface SignupChoice {
  slug: string;
  name: string;
  description: string;
  /** When it comes, in words: "Every weekday at 07:00", "Saturdays at 08:00". */
  frequency: string;
  /** Ticked by default in the sign-up box. */
  checked: boolean;
}

export interface Site {
  publication: Publication;
  sections: Named[];
  formats: Named[];
  newsletters: SignupChoice[];
  /** Absolute URL of a site path. */
  url(path: string): string;
  logoUrl: string;
  /** The publication's own uploaded logo (site path), shown in the header; null: the name alone. */
  brandLogo: string | null;
  /** The brand stylesheet's versioned URL (/assets/brand.css?v=…). */
  brandCssUrl: string;
  /** The sizes made of the images this page shows (src/media/images.ts), filled by the handler. */
  images: Map<string, ImageInfo>;
}

const DAY_NAMES = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];

/** A newsletter's schedule in words, from its ISO weekdays and local time. */
export function frequencyOf(days: number[], time: string): string {
  const set = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort();
  const at = /^\d\d:\d\d$/.test(time) ? ` at ${time}` : '';
  if (!set.length) return 'From time to time';
  if (set.length === 7) return `Every day${at}`;
  if (set.join() === '1,2,3,4,5') return `Every weekday${at}`;
  if (set.join() === '6,7') return `Weekends${at}`;
  const single = (d: number) => DAY_NAMES[d - 1]!.slice(0, -1);
  if (set.length >= 3 && set[set.length - 1]! - set[0]! === set.length - 1) return `${single(set[0]!)} to ${single(set[set.length - 1]!)}${at}`;
  const names = set.map((d) => DAY_NAMES[d - 1]!);
  return `${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`}${at}`;
}

/** The newsletters the sign-up box offers: the active ones, in their order, ticked as configured. */
async function signupChoices(deps: Deps): Promise<SignupChoice[]> {
  const rows = await listNewsletters(deps.db, { activeOnly: true });
  return rows.map((n) => ({ slug: n.slug, name: n.name, description: n.description, frequency: frequencyOf(n.schedule_days, n.schedule_time), checked: n.signup_default }));
}

interface SiteData {
  publication: Publication;
  sections: Named[];
  formats: Named[];
  newsletters: SignupChoice[];
}

/**
 * The site's four reads, kept in memory per database until anything a reader sees changes
 * (CONTENT_CHANNEL: settings, sections, formats and newsletters all announce there, from this process
 * or another) and at most SITE_TTL_MS: every uncached page needs them, and they change a few times a
 * day. Kept only once the listener is in place (a change before it would be missed; a failed listen:
 * not kept at all) and by the config they were read with; a failed read is not kept
 * (src/platform/channel-cache.ts).
 */
const SITE_TTL_MS = 60_000;
const siteMemos = channelCache<Deps['config'], SiteData>({ channels: [CONTENT_CHANNEL], ttlMs: SITE_TTL_MS, maxEntries: 4 });

function readSiteData(deps: Deps): Promise<SiteData> {
  return Promise.all([getPublication(deps.db, deps.config), listSections(deps.db), listFormats(deps.db), signupChoices(deps)]).then(
    ([publication, sections, formats, newsletters]) => ({ publication, sections, formats, newsletters }),
  );
}

function siteData(deps: Deps): Promise<SiteData> {
  return siteMemos.of(deps.db).get(deps.config, () => readSiteData(deps));
}

export async function loadSite(deps: Deps): Promise<Site> {
  const { publication, sections, formats, newsletters } = await siteData(deps);
  const base = deps.config.siteUrl;
  const url = (p: string) => (/^https?:\/\//.test(p) ? p : base + (p.startsWith('/') ? p : '/' + p));
  return {
    publication,
    sections: sections.map(({ slug, name }) => ({ slug, name })),
    formats: formats.map(({ slug, name }) => ({ slug, name })),
    newsletters,
    url,
    logoUrl: url(publication.logoUrl ?? '/assets/logo.png'),
    brandLogo: publication.logoUrl,
    brandCssUrl: `/assets/brand.css?v=${brandVersion(publication)}`,
    images: new Map(),
  };
}

/** Look up the sizes of the images a page shows (feature images, author photos) into site.images. */
export async function withImages(deps: Deps, site: Site, paths: Array<string | null | undefined>): Promise<Site> {
  const found = await imageInfos(deps.db, [...paths, site.brandLogo]);
  for (const [k, v] of found) site.images.set(k, v);
  return site;
}
