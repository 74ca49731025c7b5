// The demo's own articles on its wire stories (issue 12): two Speed Reads, written for this project,
// on the demo wire's river bridge and water rates stories, linked to the stories the demo's items
// were clustered into (articles.story_key = the story's slug). So the demo shows "How it was
// covered" under them, a public story page at /story/{slug}, and a daily digest led by the wire's
// biggest story. Seeded with the demo wire only, after it is clustered (src/publication/setup.ts).
import type { Db } from '../db/index.ts';
import { createArticle } from '../articles/write.ts';

interface DemoWireArticle {
  /** The demo wire story's key (src/demo/wire.ts): its items' guids end with it. */
  wireKey: string;
  slug: string;
  headline: string;
  dek: string;
  hoursAgo: number;
  section: string;
  tags: string[];
  body: string;
}

const ARTICLES: DemoWireArticle[] = [
  {
    wireKey: 'river-bridge',
    slug: 'the-river-bridge-gets-its-green-light',
    headline: 'The river bridge gets its green light, ten years on',
    dek: 'A £40m crossing for walkers and cyclists is approved. Everyone agrees on the price; nobody agrees on whether it is worth it.',
    hoursAgo: 2,
    section: 'national',
    tags: ['Transport', 'Infrastructure'],
    body: `## What happened

The city council voted on Tuesday to build a pedestrian and cycle bridge across the river, after more than ten years of studies, consultations and false starts. The crossing should cost about £40 million, most of it from the regional transport fund. Work could start next spring and take two years.

## What the coverage said

Papers on the left mostly welcomed the vote but asked who the bridge is really for: campaigners want cheaper bus fares too, and say working families should not pay for a project that mainly serves commuters with bicycles.

Papers in the centre stuck to the figures and the timetable, and noted that supporters and critics alike think the details of the contract will matter more than the vote.

Papers on the right led with the bill. Business leaders warned that the council has not yet said what happens if costs overrun, as they did on the tram depot.

## What next

The transport committee will publish the design and the contract in the autumn. See how every outlet covered it below.`,
  },
  {
    wireKey: 'water-rates',
    slug: 'why-your-water-bill-is-going-up-again',
    headline: 'Why your water bill is going up again',
    dek: 'A nine per cent rise from April pays for century-old pipes. Who should carry the cost is the argument.',
    hoursAgo: 18,
    section: 'business',
    tags: ['Money', 'Utilities'],
    body: `## What happened

The regional water utility will raise its rates by nine per cent from April, after the regulator approved its five-year investment plan. The company says the money will replace pipes laid more than a century ago, which leak about a fifth of the water it treats.

## What the coverage said

On the left, the rise was framed as one more cost for households already stretched, with consumer groups asking for more help for low-income customers.

In the centre, outlets set out the regulator's reasoning and the size of the leaks, and asked whether the five-year plan will be checked against results.

On the right, the question was whether the utility should have spent its profits on the pipes years ago instead of passing the bill to customers now.`,
  },
];

/**
 * Add the demo's articles on its wire stories, each linked to the story its wire items were
 * clustered into. Does nothing for an article whose slug exists or whose story is not there.
 */
export async function seedDemoWireArticles(db: Db, now: Date): Promise<number> {
  let added = 0;
  for (const a of ARTICLES) {
    if (await db.one(`SELECT 1 FROM articles WHERE slug = $1`, [a.slug])) continue;
    const story = await db.one<{ slug: string }>(
      `SELECT s.slug FROM wire_items i JOIN wire_stories s ON s.id = i.story_id
        WHERE i.guid LIKE '%:' || $1 AND s.merged_into IS NULL
        GROUP BY s.slug ORDER BY count(*) DESC, s.slug LIMIT 1`,
      [a.wireKey],
    );
    if (!story) continue;
    const hasAuthor = await db.one(`SELECT 1 FROM authors WHERE slug = 'maren-oakes'`);
    const hasSection = await db.one(`SELECT 1 FROM sections WHERE slug = $1`, [a.section]);
    const hasFormat = await db.one(`SELECT 1 FROM formats WHERE slug = 'speed-read'`);
    await createArticle(
      db,
      {
        headline: a.headline,
        slug: a.slug,
        dek: a.dek,
        body: a.body,
        format: hasFormat ? 'speed-read' : null,
        section: hasSection ? a.section : null,
        tags: a.tags,
        authors: hasAuthor ? ['maren-oakes'] : [],
        status: 'published',
        access: 'public',
        publishedAt: new Date(now.getTime() - a.hoursAgo * 3600_000),
        storyKey: story.slug,
      },
      { now },
    );
    added++;
  }
  return added;
}
