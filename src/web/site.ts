// What every public page needs besides its own content: the publication, the navigation, the
// newsletters the sign-up box offers, and absolute URLs. Loaded once per rendered (uncached) page.
import type { Deps } from '../deps.ts';
import type { PageCache } from './page-cache.ts';
import type { WallCounter } from '../members/stats.ts';
import { getPublication, type Publication } from '../publication/settings.ts';
import { listFormats, listSections } from '../articles/queries.ts';
import type { Named } from '../articles/types.ts';
import { listNewsletters } from '../newsletters/newsletters.ts';

export interface WebDeps extends Deps {
  cache: PageCache;
  /** Paywall walls shown, counted in memory and flushed by the server (src/members/stats.ts). */
  walls?: WallCounter;
}

export interface SignupChoice {
  slug: string;
  name: string;
  description: string;
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
}

/** The newsletters the sign-up box offers: the active ones, in their order, ticked as configured. */
async function signupChoices(deps: Deps): Promise<SignupChoice[]> {
  const rows = await listNewsletters(deps.db, { activeOnly: true });
  return rows.map((n) => ({ slug: n.slug, name: n.name, description: n.description, checked: n.signup_default }));
}

export async function loadSite(deps: Deps): Promise<Site> {
  const [publication, sections, formats, newsletters] = await Promise.all([
    getPublication(deps.db, deps.config),
    listSections(deps.db),
    listFormats(deps.db),
    signupChoices(deps),
  ]);
  const base = deps.config.siteUrl;
  const url = (p: string) => (/^https?:\/\//.test(p) ? p : base + (p.startsWith('/') ? p : '/' + p));
  return {
    publication,
    sections: sections.map(({ slug, name }) => ({ slug, name })),
    formats: formats.map(({ slug, name }) => ({ slug, name })),
    newsletters,
    url,
    logoUrl: url(publication.logoUrl ?? '/assets/logo.png'),
  };
}
