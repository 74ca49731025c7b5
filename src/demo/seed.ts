// Fills an empty database with the demo publication (src/demo/content.ts) so that a fresh install
// shows a living site: articles across every format, section and author, published over the past
// four weeks relative to `now`, plus two scheduled articles and a draft. Does nothing once the
// database holds any article, so it is safe to call on every start.
import type { Db } from '../db/index.ts';
import { createArticle, upsertAuthor, upsertFormat, upsertSection } from '../articles/write.ts';
import { setPublicationSetting } from '../publication/settings.ts';
import { localDate, zonedTimeToUtc } from '../platform/time.ts';
import { demo, type DemoArticle } from './content.ts';
import type { AccessLevel } from '../members/access.ts';
import { upsertPlan } from '../members/subscriptions.ts';
import { DEMO_IMAGES_JOB } from './images.ts';
import { enqueue } from '../platform/jobs.ts';

/**
 * The demo's paywall: Speed Reads are public (the format's default); these explainers are for
 * registered readers or subscribers; everything else is metered (the default).
 */
const DEMO_ACCESS: Record<string, AccessLevel> = {
  'why-the-world-is-running-short-of-sand': 'members',
  'do-we-really-need-eight-hours-sleep': 'members',
  'four-day-week-what-the-eastmere-trial-can-tell-us': 'paid',
  'estravia-election-what-is-at-stake': 'paid',
  'why-is-everything-a-subscription-now': 'paid',
};

/** Two demo members, both with reader accounts: one free, one paying (a subscription "sold elsewhere"). */
export const DEMO_MEMBERS = { free: 'free.reader@example.com', paying: 'paying.reader@example.com' };

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


/** The publication's static pages, linked from every page's footer. */
const DEMO_PAGES = [
  { slug: 'about', headline: 'About The Ledger', dek: 'A small, independent newsroom that explains the news.', body: 'The Ledger is a small, independent publication. Every morning our editors pick the stories that matter and explain them plainly: what happened, why it matters and what people are saying about it.\n\nWe are funded by our readers. We take no money from the people we write about.' },
  { slug: 'contact', headline: 'Contact us', dek: 'How to reach the newsroom.', body: 'Write to the newsroom at **newsroom@example.com**. Corrections go to **corrections@example.com**: we correct every mistake we are told about, at the foot of the article.\n\nFor your newsletters, use the link at the foot of any email we send you.' },
  { slug: 'privacy', headline: 'Privacy', dek: 'What we keep about you, and why.', body: 'We keep your email address to send you the newsletters you asked for, and nothing more. We use no advertising trackers and load nothing from other companies’ servers.\n\nOne cookie remembers that you have signed up, so that we stop asking you to. You can unsubscribe from any email in one click.' },
];

export async function seedDemo(db: Db, opts: { now: Date; timeZone: string }): Promise<{ seeded: boolean; articles: number }> {
  if (await db.one(`SELECT 1 FROM articles LIMIT 1`)) return { seeded: false, articles: 0 };
  return db.tx(async (tx) => {
    // Checked again inside the transaction, in case another process seeded in the meantime.
    if (await tx.one(`SELECT 1 FROM articles LIMIT 1`)) return { seeded: false, articles: 0 };
    for (const f of demo.formats) await upsertFormat(tx, f);
    await tx.query(`UPDATE formats SET default_access = 'public' WHERE slug = 'speed-read'`);
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
          ...(DEMO_ACCESS[a.slug] ? { access: DEMO_ACCESS[a.slug] } : {}),
          ...(a.featureImageUrl
            ? { featureImageUrl: a.featureImageUrl, featureImageAlt: a.featureImageAlt ?? '', featureImageCaption: a.featureImageCaption ?? '' }
            : {}),
        },
        { now: opts.now },
      );
      count++;
    }
    for (const p of DEMO_PAGES) {
      // About, Contact and Privacy are for everyone: never behind the meter.
      const created = await createArticle(tx, { ...p, body: p.body + '\n', bodyFormat: 'markdown', access: 'public', status: 'published', publishedAt: new Date(opts.now.getTime() - 60 * 86400_000), authors: [] }, { now: opts.now });
      await tx.query(`UPDATE articles SET type = 'page' WHERE id = $1`, [created.id]);
    }
    await seedDemoMembers(tx, opts.now);
    // The pictures take seconds to draw: the job queue makes them once the site is up (src/demo/images.ts).
    await enqueue(tx, DEMO_IMAGES_JOB, {}, { dedupeKey: DEMO_IMAGES_JOB });
    return { seeded: true, articles: count };
  });
}

async function seedDemoMembers(db: Db, now: Date): Promise<void> {
  await upsertPlan(db, {
    slug: 'digital', name: 'Digital', description: 'Every article, every newsletter, the full archive.', currency: 'gbp',
    monthly_amount: 900, yearly_amount: 9000, features: ['Every article in full', 'A private full-text feed', 'The full newsletter archive'], position: 1,
  });
  await upsertPlan(db, { slug: 'print-digital', name: 'Print + Digital', description: 'The Saturday paper delivered, and everything online.', kind: 'offline', currency: 'gbp', monthly_amount: 1800, position: 2 });
  const people = await db.query<{ id: number; email: string }>(
    `INSERT INTO people (email, email_normalized, name, account_at, created_at) VALUES ($1, $1, 'Fran Free', $3, $3), ($2, $2, 'Pat Paying', $3, $3)
     ON CONFLICT (email_normalized) DO UPDATE SET account_at = coalesce(people.account_at, EXCLUDED.account_at) RETURNING id, email`,
    [DEMO_MEMBERS.free, DEMO_MEMBERS.paying, now],
  );
  const paying = people.find((p) => p.email === DEMO_MEMBERS.paying)!;
  await db.query(
    `INSERT INTO member_subscriptions (person_id, plan_id, status, source, external_id, note, status_changed_at, created_at, updated_at)
     SELECT $1, id, 'active', 'import', 'DEMO-1', 'demo member', $2, $2, $2 FROM plans WHERE slug = 'print-digital'
     ON CONFLICT DO NOTHING`,
    [paying.id, now],
  );
}
