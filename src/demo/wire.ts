// The demo's newswire (issue #11): a dozen fictional outlets across the spectrum, written for this
// project, and a few days of their coverage of a handful of fictional stories, stored as extracted
// items, so a newcomer sees a living wire with no network. The outlets are marked `demo`: the poller
// never fetches them (their sites are under the reserved .example domain), so fetching from the
// internet stays off until an editor adds a real outlet.
import type { Db } from '../db/index.ts';
import type { Lean } from '../newswire/outlets.ts';
import { localDate, zonedTimeToUtc } from '../platform/time.ts';

interface DemoOutlet {
  name: string;
  slug: string;
  lean: Lean;
  country: string;
  /** How the outlet frames things: a sentence woven into each of its reports. */
  angle: string;
}

export const DEMO_OUTLETS: DemoOutlet[] = [
  { name: 'The Harbour Herald', slug: 'harbour-herald', lean: 'left', country: 'GB', angle: 'Campaigners said working families would bear the cost if ministers did not act.' },
  { name: 'Progress Daily', slug: 'progress-daily', lean: 'left', country: 'US', angle: 'Advocates argued the decision showed how far public institutions have drifted from the people they serve.' },
  { name: 'The Civic Courier', slug: 'civic-courier', lean: 'lean-left', country: 'US', angle: 'Local groups welcomed parts of the plan but asked for stronger protections.' },
  { name: 'Northgate Observer', slug: 'northgate-observer', lean: 'lean-left', country: 'GB', angle: 'Observers noted that similar measures elsewhere had mixed results.' },
  { name: 'Meridian Wire', slug: 'meridian-wire', lean: 'center', country: 'US', angle: 'Officials released the figures on Monday; independent analysts are still reviewing them.' },
  { name: 'The Plain Ledger', slug: 'plain-ledger', lean: 'center', country: 'GB', angle: 'Both supporters and critics agreed that the details would matter more than the headline.' },
  { name: 'Global Desk Report', slug: 'global-desk-report', lean: 'lean-left', country: 'IE', angle: 'Aid and community groups said the announcement, after weeks of difficult negotiations, still left the most vulnerable waiting.' },
  { name: 'The Steady Times', slug: 'steady-times', lean: 'lean-right', country: 'US', angle: 'Business leaders cautioned that the costs to taxpayers had not been fully accounted for.' },
  { name: 'Market Street Journal', slug: 'market-street-journal', lean: 'lean-right', country: 'US', angle: 'Economists warned the measure could weigh on growth if it added to regulation.' },
  { name: 'The Liberty Post', slug: 'liberty-post', lean: 'right', country: 'US', angle: 'Critics called it another example of government overreach that voters did not ask for.' },
  { name: 'Heartland Standard', slug: 'heartland-standard', lean: 'right', country: 'US', angle: 'Residents outside the capital said the decision was made without listening to them.' },
  { name: 'Crosscurrents', slug: 'crosscurrents', lean: 'mixed', country: 'CA', angle: 'Columnists on both sides offered sharply different readings of what it means.' },
];

interface DemoStory {
  key: string;
  hoursAgo: number;
  headlines: string[];
  paragraphs: string[];
  /** The outlets (slugs) that cover it; absent: a fixed pattern of eight in twelve. */
  outlets?: string[];
  /** Published today in the publication's time zone, however early in the day the demo starts. */
  today?: boolean;
  /** Our own demo articles on the same event (their story_key), linked to the wire story once it is clustered. */
  articles?: string;
}

const STORIES: DemoStory[] = [
  {
    // Covered by every outlet, most of it within the hour: the top of today's ranking.
    key: 'aldermoor-reopens',
    hoursAgo: 1.5,
    today: true,
    articles: 'aldermoor-bridge',
    outlets: DEMO_OUTLETS.map((o) => o.slug),
    headlines: ['Aldermoor bridge reopens to walkers and cyclists after repairs', 'Temporary steel supports let Aldermoor bridge reopen on foot', 'Aldermoor crossing back open, but drivers face a long wait', 'Walkers return to Aldermoor bridge as cars stay barred'],
    paragraphs: [
      'The Victorian suspension bridge at Aldermoor reopened to pedestrians and cyclists on Friday morning, ten days after cracks in two iron hangers forced its closure.',
      'Engineers fitted temporary steel supports beside the damaged hangers, and the county council said the crossing over the River Tarn was safe for people on foot and on bicycles.',
      'Cars and buses will stay on an eleven-mile diversion until permanent repairs are finished, which the council expects to take until the spring.',
    ],
  },
  {
    // Covered almost only by the left group: a blindspot for the right.
    key: 'ashgrove-rent-freeze',
    hoursAgo: 3,
    today: true,
    outlets: ['harbour-herald', 'progress-daily', 'civic-courier', 'northgate-observer', 'global-desk-report', 'meridian-wire', 'crosscurrents'],
    headlines: ['Tenants win two-year rent freeze on Ashgrove estates', 'Ashgrove landlord agrees rent freeze after tenant campaign', 'Rent freeze for 4,000 Ashgrove households after union talks', 'Ashgrove tenants’ union secures rent freeze and repairs deal'],
    paragraphs: [
      'Tenants on the three Ashgrove housing estates will pay the same rent for the next two years, after their union reached an agreement with the estates’ owner, Larchfield Homes.',
      'The deal covers about 4,000 households and includes a schedule of repairs to damp flats and broken lifts, with an independent surveyor checking the work.',
      'Larchfield Homes said the agreement gave it the stability to plan its investment, and the union said it would watch closely that the repairs were done on time.',
    ],
  },
  {
    key: 'river-bridge',
    hoursAgo: 5,
    headlines: ['City approves £40m river bridge after decade of delay', 'River bridge finally gets the green light', 'Council backs costly new river crossing', 'Bridge vote splits council as costs climb'],
    paragraphs: [
      'The city council voted on Tuesday to build a new pedestrian and cycle bridge across the river, ending a debate that has run for more than ten years.',
      'The crossing is expected to cost about £40 million, with most of the money coming from a regional transport fund and the rest from the city’s own budget.',
      'Construction could begin next spring and would take roughly two years, according to the council’s transport committee.',
    ],
  },
  {
    key: 'water-rates',
    hoursAgo: 20,
    headlines: ['Water rates to rise 9% as utility cites ageing pipes', 'Households face steep water bill increase', 'Regulator signs off on water price rise', 'Water bills up again: who pays for the pipes?'],
    paragraphs: [
      'The regional water utility will raise rates by nine per cent from April, after the regulator approved its five-year investment plan.',
      'The company says the money will replace pipes laid more than a century ago and cut leaks, which lose about a fifth of the water it treats.',
      'Consumer groups said the rise comes on top of other increases in household costs and asked for more help for low-income customers.',
    ],
  },
  {
    key: 'school-meals',
    hoursAgo: 30,
    headlines: ['Westland expands free school meals to every primary pupil', 'Free school lunches for all Westland primary children from autumn', 'Westland school meal expansion carries a hefty price tag', 'Universal school meals in Westland: a win for families or a budget strain?'],
    paragraphs: [
      'Every primary school pupil in Westland will be offered a free school lunch from the autumn term, under a plan announced by the state education department.',
      'The programme will cost about $310 million a year and replace a means-tested scheme that officials say missed many eligible children.',
      'School kitchens will receive grants for equipment, and the department will review the scheme after two years.',
    ],
  },
  {
    key: 'port-strike',
    hoursAgo: 44,
    headlines: ['Port workers walk out over automation plans', 'Dock strike halts container traffic', 'Strike at the port threatens holiday deliveries', 'Unions and port operator trade blame as strike begins'],
    paragraphs: [
      'Workers at the country’s second-largest container port began a 48-hour strike on Thursday in a dispute over plans to automate cranes and yard vehicles.',
      'The port operator said the changes were needed to stay competitive and promised that no permanent staff would lose their jobs.',
      'Shipping companies diverted several vessels to other ports, and retailers warned of delays to deliveries ahead of the holidays.',
    ],
  },
  {
    key: 'heat-study',
    hoursAgo: 60,
    headlines: ['Bramford heat study finds city streets up to 7C hotter than suburbs', 'Bramford University researchers map the hottest streets in the city', 'Bramford heat study prompts calls for more trees and shade', 'How much hotter is Bramford? New heat study stirs debate'],
    paragraphs: [
      'A Bramford University heat study has found that some dense neighbourhoods are up to seven degrees hotter than nearby suburbs on summer afternoons.',
      'The researchers used sensors on buses and bicycles to measure temperatures across the city over three summers.',
      'They recommend planting trees, adding shade at bus stops and using lighter materials for roofs and pavements.',
    ],
  },
  {
    key: 'library-hours',
    hoursAgo: 70,
    headlines: ['Libraries to open on Sundays under new funding deal', 'Sunday opening returns to city libraries', 'Library deal adds hours but leaves branches short of staff', 'More library hours, but at what cost?'],
    paragraphs: [
      'Public libraries will open on Sundays again from next month after the city agreed a three-year funding deal with the library service.',
      'The deal adds about 20 hours of opening a week across the network and funds a mobile library for outlying villages.',
      'Staff representatives said they welcomed the hours but that several branches still had vacancies to fill.',
    ],
  },
];

const HOUR = 3600_000;

/**
 * Our demo articles' story keys and the wire items on the same events (by URL): once the items are
 * clustered, the articles are pointed at the wire story's slug (seedPublication does it).
 */
export function demoStoryLinks(): Array<{ storyKey: string; urlSuffix: string }> {
  return STORIES.filter((s) => s.articles).map((s) => ({ storyKey: s.articles!, urlSuffix: `/${s.key}` }));
}

export interface DemoWireItem {
  /** The outlet's slug. */
  outlet: string;
  /** The demo story's key: what the clusterer should find (bench/cluster-quality.ts scores it). */
  story: string;
  title: string;
  summary: string;
  text: string;
  url: string;
  published: Date;
}

/**
 * The demo wire's items, outlet by outlet, as seedDemoWire stores them: `sinceMidnight` (ms) keeps
 * today's stories after local midnight. Pure, so the clustering benchmarks score the demo's stories.
 */
export function demoWireItems(now: Date, sinceMidnight: number): DemoWireItem[] {
  const out: DemoWireItem[] = [];
  for (const [oi, o] of DEMO_OUTLETS.entries()) {
    const home = `https://${o.slug}.example/`;
    for (const [si, s] of STORIES.entries()) {
      // Not every outlet covers every story; the pattern is fixed, so the demo is the same each time.
      if (s.outlets ? !s.outlets.includes(o.slug) : (oi + si) % 3 === 2) continue;
      const title = s.headlines[(oi + si) % s.headlines.length]!;
      let ago = s.hoursAgo * HOUR - ((oi * 7) % 60) * 60_000;
      if (!s.today) ago = s.hoursAgo * HOUR + ((oi * 37) % 180) * 60_000;
      else ago = Math.max(0, Math.min(ago, sinceMidnight * (0.9 - oi * 0.05)));
      const published = new Date(now.getTime() - ago);
      const text = [s.paragraphs[0]!, o.angle, ...s.paragraphs.slice(1)].join('\n\n');
      const url = `${home}${published.toISOString().slice(0, 10).replace(/-/g, '/')}/${s.key}`;
      out.push({ outlet: o.slug, story: s.key, title, summary: s.paragraphs[0]!, text, url, published });
    }
  }
  return out;
}

/** Add the demo outlets and their items unless the wire has outlets already. Returns what was added. */
export async function seedDemoWire(db: Db, now: Date, timeZone = 'UTC'): Promise<{ outlets: number; items: number }> {
  // Today's stories fall between local midnight and now, however early the demo starts.
  const midnight = zonedTimeToUtc(...(localDate(now, timeZone).split('-').map(Number) as [number, number, number]), 0, 0, timeZone).getTime();
  const sinceMidnight = Math.max(60_000, now.getTime() - midnight);
  if (await db.one('SELECT 1 FROM wire_outlets LIMIT 1')) return { outlets: 0, items: 0 };
  return db.tx(async (tx) => {
    if (await tx.one('SELECT 1 FROM wire_outlets LIMIT 1')) return { outlets: 0, items: 0 };
    let items = 0;
    for (const [oi, o] of DEMO_OUTLETS.entries()) {
      const home = `https://${o.slug}.example/`;
      const row = await tx.one<{ id: number }>(
        `INSERT INTO wire_outlets (name, slug, home_url, lean, rating_source, rating_confidence, country, language, fetch_allowed, active, demo)
         VALUES ($1, $2, $3, $4, 'demo', 'high', $5, 'en', false, true, true) RETURNING id`,
        [o.name, o.slug, home, o.lean, o.country],
      );
      const feed = await tx.one<{ id: number }>(
        `INSERT INTO wire_feeds (outlet_id, url, format, title, last_polled_at, last_success_at, next_poll_at)
         VALUES ($1, $2, 'rss', $3, $4, $4, $4) RETURNING id`,
        [row!.id, `${home}feed.xml`, o.name, new Date(now.getTime() - 7 * 60_000)],
      );
      for (const it of demoWireItems(now, sinceMidnight).filter((i) => i.outlet === o.slug)) {
        await tx.query(
          `INSERT INTO wire_items (outlet_id, feed_id, guid, url, title, summary, published_at, first_seen_at, extract_status, fetched_at, byline, lang, text)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 'done', $7, $8, 'en', $9)`,
          [row!.id, feed!.id, `${o.slug}:${it.story}`, it.url, it.title, it.summary, it.published, `${o.name} staff`, it.text],
        );
        items++;
      }
      await tx.query('UPDATE wire_feeds SET last_new_item_at = (SELECT max(first_seen_at) FROM wire_items WHERE feed_id = $1) WHERE id = $1', [feed!.id]);
    }
    return { outlets: DEMO_OUTLETS.length, items };
  });
}
