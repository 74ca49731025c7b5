// Fills an empty database with the demo publication (src/demo/content.ts) so that a fresh install
// shows a living site: articles across every format, section and author, published over the past
// four weeks relative to `now`, plus two scheduled articles and a draft. Does nothing once the
// database holds any article, so it is safe to call on every start.
import type { Db } from '../db/index.ts';
import { createArticle, upsertAuthor, upsertFormat, upsertSection } from '../articles/write.ts';
import { setPublicationSetting } from '../publication/settings.ts';
import { demo, type DemoArticle } from './content.ts';

const MINUTE = 60_000;

/** Offset of `timeZone` from UTC at the instant `at`, in milliseconds (positive east of Greenwich). */
function zoneOffset(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The local calendar date of `at` in `timeZone`. */
function localDate(at: Date, timeZone: string): { y: number; m: number; d: number } {
  const local = new Date(at.getTime() + zoneOffset(at, timeZone));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth(), d: local.getUTCDate() };
}

/** The instant at which the wall clock in `timeZone` shows the given local date and time. */
function zonedTime(y: number, m: number, d: number, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(y, m, d, hour, minute);
  let guess = wall - zoneOffset(new Date(wall), timeZone);
  // Near a daylight-saving change the offset at the guess may differ; one correction settles it.
  guess = wall - zoneOffset(new Date(guess), timeZone);
  return new Date(guess);
}

/**
 * When a demo article goes out: `daysAgo` calendar days before today (in the publication's time
 * zone) at its local hour. Today's articles never land in the future: a time later than now is
 * pulled back to shortly before now, keeping their order by hour.
 */
export function demoPublishedAt(a: Pick<DemoArticle, 'daysAgo' | 'hour'>, index: number, now: Date, timeZone: string): Date {
  const today = localDate(now, timeZone);
  const minute = (index * 17) % 60;
  const at = zonedTime(today.y, today.m, today.d - a.daysAgo, a.hour, minute, timeZone);
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
