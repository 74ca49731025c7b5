// The publication's identity: name, description, logo, time zone, locale. Defaults come from the
// configuration; editors may override them in the settings table (admin > settings).
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { DEFAULT_ACCENT } from './brand.ts';

export interface Publication {
  name: string;
  description: string;
  logoUrl: string | null;
  timeZone: string;
  locale: string;
  siteUrl: string;
  /** Articles per page on list pages. */
  pageSize: number;
  /** The brand's accent colour, "#rrggbb" (src/publication/brand.ts checks it is readable). */
  accentColor: string;
  /** The story an editor pinned as the front page's lead (null: the newest editor's pick leads). */
  leadArticleId: number | null;
}

export const PUBLICATION_KEYS = ['name', 'description', 'logoUrl', 'timeZone', 'locale', 'pageSize', 'accentColor', 'leadArticleId'] as const;

export async function getPublication(db: Db, config: Config): Promise<Publication> {
  const rows = await db.query<{ key: string; value: any }>(`SELECT key, value FROM settings WHERE key LIKE 'publication.%'`);
  const s = Object.fromEntries(rows.map((r) => [r.key.slice('publication.'.length), r.value]));
  return {
    name: typeof s.name === 'string' ? s.name : config.publicationName,
    description: typeof s.description === 'string' ? s.description : 'News, explained.',
    logoUrl: typeof s.logoUrl === 'string' ? s.logoUrl : null,
    timeZone: typeof s.timeZone === 'string' ? s.timeZone : config.timeZone,
    locale: typeof s.locale === 'string' ? s.locale : config.locale,
    siteUrl: config.siteUrl,
    pageSize: typeof s.pageSize === 'number' ? s.pageSize : 20,
    accentColor: typeof s.accentColor === 'string' && /^#[0-9a-f]{6}$/.test(s.accentColor) ? s.accentColor : DEFAULT_ACCENT,
    leadArticleId: typeof s.leadArticleId === 'number' ? s.leadArticleId : null,
  };
}

export async function setPublicationSetting(db: Db, key: (typeof PUBLICATION_KEYS)[number], value: unknown): Promise<void> {
  await db.query(`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
    `publication.${key}`,
    JSON.stringify(value),
  ]);
  await db.notify(CONTENT_CHANNEL, 'settings');
}
