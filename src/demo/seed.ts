// Fills an empty database with the demo publication (src/demo/content.ts) so that a fresh install
// shows a living site: articles across every format, section and author, published over the past
// four weeks relative to `now`, plus two scheduled articles and a draft. Does nothing once the
// database holds any article, so it is safe to call on every start.
import type { Db } from '../db/index.ts';
import { createArticle, upsertAuthor, upsertFormat, upsertSection } from '../articles/write.ts';
import { setPublicationSetting } from '../publication/settings.ts';
import { localDate, zonedTimeToUtc } from '../platform/time.ts';
import { demo, type DemoArticle } from './content.ts';

const MINUTE = 60_000;

/**
 * When a demo article goes out: `daysAgo` calendar days before today (in the publication's time
 * zone) at its local hour. Today's articles never land in the future: a time later than now is
 * pulled back to shortly before now, keeping their order by hour.
 */
export function demoPublishedAt(a: Pick<DemoArticle, 'daysAgo' | 'hour'>, index: number, now: Date, timeZone: string): Date {
  const [y, m, d] = localDate(now, timeZone).split('-').map(Number) as [number, number, number];
  const minute = (index * 17) % 60;
  // Days before the 1st roll back into the previous month (Date.UTC counts them that way).
  const at = zonedTimeToUtc(y, m, d - a.daysAgo, a.hour, minute, timeZone);
  if (a.daysAgo < 0) {
    // Scheduled: always in the future, whatever the hour.
    return at.getTime() > now.getTime() + 10 * MINUTE ? at : new Date(now.getTime() + (60 - a.daysAgo * 24 * 60) * MINUTE);
  }
  const latest = Math.floor(now.getTime() / MINUTE) * MINUTE - (10 + (24 - a.hour) * 5) * MINUTE;
  return at.getTime() > latest ? new Date(latest) : at;
}

export async function seedDemo(db: Db, opts: { now: Date; timeZone: string }): Promise<{ seeded: boolean; articles: number }> {
  if (await db.one(`SELECT 1 FROM articles LIMIT 1`)) return { seeded: false, articles: 0 };
  return db.tx(async (tx) => {
    // Checked again inside the transaction, in case another process seeded in the meantime.
    if (await tx.one(`SELECT 1 FROM articles LIMIT 1`)) return { seeded: false, articles: 0 };
    for (const f of demo.formats) await upsertFormat(tx, f);
    for (const s of demo.sections) await upsertSection(tx, s);
    for (const a of demo.authors) await upsertAuthor(tx, a);
    await setPublicationSetting(tx, 'description', demo.publicationDescription);
    let count = 0;
    for (const [i, a] of demo.articles.entries()) {
      const status = a.status ?? (a.daysAgo < 0 ? 'scheduled' : 'published');
      await createArticle(
        tx,
        {
          headline: a.headline,
          slug: a.slug,
          dek: a.dek,
          body: a.body.trim() + '\n',
          bodyFormat: 'markdown',
          format: a.format,
          section: a.section,
          tags: a.tags,
          authors: a.authors,
          status,
          publishedAt: status === 'draft' ? null : demoPublishedAt(a, i, opts.now, opts.timeZone),
          editorsPick: a.editorsPick,
          storyKey: a.storyKey ?? null,
          ...(a.featureImageUrl
            ? { featureImageUrl: a.featureImageUrl, featureImageAlt: a.featureImageAlt ?? '', featureImageCaption: a.featureImageCaption ?? '' }
            : {}),
        },
        { now: opts.now },
      );
      count++;
    }
    return { seeded: true, articles: count };
  });
}
