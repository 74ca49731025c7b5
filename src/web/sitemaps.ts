// Sitemaps for search engines: /sitemap.xml is an index of /sitemaps/pages.xml (home and every list
// page) and /sitemaps/articles-N.xml (10,000 articles each); /news-sitemap.xml lists the articles of
// the last two days in Google News format; /robots.txt names both.
import { escapeXml } from '../platform/html.ts';
import type { Site } from './site.ts';

export const ARTICLES_PER_SITEMAP = 10_000;

export function sitemapIndex(site: Site, articleFiles: number, lastmod: Date | null): string {
  const files = ['/sitemaps/pages.xml', ...Array.from({ length: articleFiles }, (_, i) => `/sitemaps/articles-${i + 1}.xml`)];
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${files.map((f) => `<sitemap><loc>${escapeXml(site.url(f))}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ''}</sitemap>`).join('\n')}
</sitemapindex>
`;
}

export function urlset(site: Site, urls: Array<{ path: string; lastmod?: Date | null }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `<url><loc>${escapeXml(site.url(u.path))}</loc>${u.lastmod ? `<lastmod>${u.lastmod.toISOString()}</lastmod>` : ''}</url>`).join('\n')}
</urlset>
`;
}

export function newsSitemap(site: Site, items: Array<{ slug: string; headline: string; published_at: Date; tags: string[] }>): string {
  const pub = site.publication;
  const language = newsLanguage(pub.locale);
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
${items
  .map(
    (a) => `<url><loc>${escapeXml(site.url('/' + a.slug))}</loc><news:news><news:publication><news:name>${escapeXml(pub.name)}</news:name><news:language>${language}</news:language></news:publication><news:publication_date>${a.published_at.toISOString()}</news:publication_date><news:title>${escapeXml(a.headline)}</news:title>${a.tags.length ? `<news:keywords>${escapeXml(a.tags.join(', '))}</news:keywords>` : ''}</news:news></url>`,
  )
  .join('\n')}
</urlset>
`;
}

/** Google News wants an ISO 639 code ("en", "fil"), except for Chinese: "zh-cn" (simplified) or "zh-tw" (traditional). */
export function newsLanguage(locale: string): string {
  let l: Intl.Locale;
  try {
    l = new Intl.Locale(locale).maximize();
  } catch {
    return locale.split('-')[0]!.toLowerCase();
  }
  if (l.language === 'zh') return l.script === 'Hant' ? 'zh-tw' : 'zh-cn';
  return l.language;
}

export function robotsTxt(site: Site): string {
  return `User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /ghost/api/
Disallow: /search
Disallow: /newsletters/confirm
Disallow: /newsletters/preferences

Sitemap: ${site.url('/sitemap.xml')}
Sitemap: ${site.url('/news-sitemap.xml')}
`;
}
