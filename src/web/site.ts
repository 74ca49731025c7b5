// What every public page needs besides its own content: the publication, the navigation, the
// newsletters the sign-up box offers, and absolute URLs. Loaded once per rendered (uncached) page.
import type { Deps } from '../deps.ts';
import type { PageCache } from './page-cache.ts';
import { getPublication, type Publication } from '../publication/settings.ts';
import { listFormats, listSections } from '../articles/queries.ts';
import type { Named } from '../articles/types.ts';

export interface WebDeps extends Deps {
  cache: PageCache;
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

/**
 * Providers of the newsletters offered in the sign-up box. The newsletters capability registers one
 * at start-up (src/newsletters/web.ts); without one the box offers no choice and the endpoint answers.
 */
const signupProviders: Array<(deps: Deps) => Promise<SignupChoice[]>> = [];
export function registerSignupChoices(provider: (deps: Deps) => Promise<SignupChoice[]>): void {
  if (!signupProviders.includes(provider)) signupProviders.push(provider);
}

export async function loadSite(deps: Deps): Promise<Site> {
  const [publication, sections, formats, ...choices] = await Promise.all([
    getPublication(deps.db, deps.config),
    listSections(deps.db),
    listFormats(deps.db),
    ...signupProviders.map((p) => p(deps)),
  ]);
  const base = deps.config.siteUrl;
  const url = (p: string) => (/^https?:\/\//.test(p) ? p : base + (p.startsWith('/') ? p : '/' + p));
  return {
    publication,
    sections: sections.map(({ slug, name }) => ({ slug, name })),
    formats: formats.map(({ slug, name }) => ({ slug, name })),
    newsletters: choices.flat(),
    url,
    logoUrl: url(publication.logoUrl ?? '/assets/logo.png'),
  };
}
