// The demo publication a fresh install shows: "The Ledger", a small independent news publication that
// summarises the day's news from several perspectives. Everything here was written for this project.
// The people, towns, companies, councils, newspapers and countries are invented; any resemblance to
// real ones is accidental. Data only: src/demo/seed.ts loads it into an empty database.

export type DemoFormatSlug = 'speed-read' | 'the-explainer' | 'recommends';

export interface DemoFormat {
  slug: DemoFormatSlug;
  name: string;
  description: string;
  position: number;
  /** Weight when ranking the day's stories (newsletter digests); 1.0 is neutral. */
  weight: number;
}

export interface DemoSection {
  slug: string;
  name: string;
  description: string;
  position: number;
}

export interface DemoAuthor {
  slug: string;
  name: string;
  bio: string;
  photoUrl: null;
}

export interface DemoArticle {
  headline: string;
  /** Lower-case and hyphenated; unique across the demo. */
  slug: string;
  /** One-sentence standfirst. */
  dek: string;
  /** Markdown. */
  body: string;
  format: DemoFormatSlug;
  /** A section slug from `sections`. */
  section: string;
  /** Tag names; tags are created on first use. */
  tags: string[];
  /** Author slugs from `authors`. */
  authors: string[];
  /**
   * Calendar days before the seeding day (in the publication's time zone) on which the article is
   * published; negative for articles scheduled in the future.
   */
  daysAgo: number;
  /** Local publish hour, 0-23. */
  hour: number;
  editorsPick: boolean;
  /** Shared by the articles covering the same story. */
  storyKey?: string;
  /** Defaults to 'published' (or 'scheduled' when daysAgo is negative). */
  status?: 'published' | 'scheduled' | 'draft';
  featureImageUrl?: string;
  featureImageAlt?: string;
  featureImageCaption?: string;
}

export const formats: DemoFormat[] = [
  {
    slug: 'speed-read',
    name: 'Speed Read',
    description: 'The day’s big stories in a couple of minutes each: what happened, and what everyone is saying about it.',
    position: 1,
    weight: 1.0,
  },
  {
    slug: 'the-explainer',
    name: 'The Explainer',
    description: 'The background you need on the stories everyone is talking about, in plain English.',
    position: 2,
    weight: 1.3,
  },
  {
    slug: 'recommends',
    name: 'Recommends',
    description: 'Books, films, places and other things we think are worth your time.',
    position: 3,
    weight: 0.8,
  },
];

export const sections: DemoSection[] = [
  { slug: 'politics', name: 'Politics', description: 'Government, councils, elections and the arguments between them.', position: 1 },
  { slug: 'national', name: 'National', description: 'News from around the country: transport, weather, towns and the people who live in them.', position: 2 },
  { slug: 'world', name: 'World', description: 'What is happening beyond our shores, and why it matters here.', position: 3 },
  { slug: 'business', name: 'Business', description: 'Money, work, companies and the economy.', position: 4 },
  { slug: 'science', name: 'Science', description: 'Discoveries, health, the environment and the night sky.', position: 5 },
  { slug: 'culture', name: 'Culture', description: 'Books, film, theatre, food and places worth the trip.', position: 6 },
  { slug: 'good-news', name: 'Good news', description: 'Things that went right this week. Our Saturday newsletter picks from here.', position: 7 },
];

export const authors: DemoAuthor[] = [
  {
    slug: 'maren-oakes',
    name: 'Maren Oakes',
    bio: 'Maren Oakes is the editor of The Ledger and writes most mornings’ Speed Reads before the kettle has boiled.',
    photoUrl: null,
  },
  {
    slug: 'tobias-quayle',
    name: 'Tobias Quayle',
    bio: 'Tobias Quayle is our politics editor and spent a decade covering councils before anyone let him near a minister.',
    photoUrl: null,
  },
  {
    slug: 'ines-achterberg',
    name: 'Ines Achterberg',
    bio: 'Ines Achterberg edits the World section and has reported from eleven countries, most of them by train.',
    photoUrl: null,
  },
  {
    slug: 'dev-ramaswamy',
    name: 'Dev Ramaswamy',
    bio: 'Dev Ramaswamy covers business and the economy, and believes every spreadsheet has a story in it somewhere.',
    photoUrl: null,
  },
  {
    slug: 'ruth-kettleby',
    name: 'Ruth Kettleby',
    bio: 'Ruth Kettleby is our science and environment correspondent and a trained marine biologist.',
    photoUrl: null,
  },
  {
    slug: 'colm-fairweather',
    name: 'Colm Fairweather',
    bio: 'Colm Fairweather is The Ledger’s arts editor and reads, watches and eats things so that you can choose wisely.',
    photoUrl: null,
  },
  {
    slug: 'ayo-brennan',
    name: 'Ayo Brennan',
    bio: 'Ayo Brennan reports on communities around the country and puts together our Saturday good-news newsletter.',
    photoUrl: null,
  },
];

export const articles: DemoArticle[] = [
  // ---------------------------------------------------------------- Story: the new towns plan
  {
    headline: 'Government names the sites for twelve new towns',
    slug: 'government-names-sites-for-twelve-new-towns',
    dek: 'Ministers promise 300,000 homes within fifteen years; critics ask who will build the schools, surgeries and railway lines.',
    format: 'speed-read',
    section: 'politics',
    tags: ['Housing', 'Planning', 'Local government'],
    authors: ['tobias-quayle'],
    daysAgo: 1,
    hour: 7,
    editorsPick: false,
    storyKey: 'new-towns',
    body: `
## What happened

The government has published the long-awaited list of sites for its twelve new towns. The biggest, on farmland between Stanwick and the Tarn estuary, would eventually house 40,000 people; the smallest, an extension to the market town of Millbrook, about 8,000. Ministers say the towns will provide 300,000 homes over fifteen years, at least a third of them "genuinely affordable", and that each will have a railway station or rapid bus link "from day one".

Development corporations, with powers to buy land and grant planning permission, will be set up for each site by the end of the year.

## What the commentators said

It is about time, said *The Morning Lantern*. For two decades governments have "promised homes and delivered consultations"; a list with names on it is at least a start.

The *Courier-Standard* was less impressed. Several of the sites are in the green belt, and the paper warned that "the bulldozers will arrive long before the trains do". In the *Civic Review*, planning consultant Harriet Solms pointed out that the post-war new towns took thirty years to mature: "Success will be judged by governments not yet elected."

## What next?

Local councils have twelve weeks to respond. Three of the twelve have already said they will ask for a judicial review.
`,
  },
  {
    headline: 'New towns, explained: can we build our way out of the housing shortage?',
    slug: 'new-towns-explained',
    dek: 'The government wants twelve new towns. The last wave took decades, cost a fortune and, mostly, worked. What is different this time?',
    format: 'the-explainer',
    section: 'politics',
    tags: ['Housing', 'Planning', 'Local government'],
    authors: ['tobias-quayle', 'dev-ramaswamy'],
    daysAgo: 0,
    hour: 10,
    editorsPick: true,
    storyKey: 'new-towns',
    body: `
Yesterday's announcement of twelve new towns was greeted with the usual mixture of applause and alarm. Behind the noise are some reasonable questions: why new towns rather than more houses in existing ones, how will they be paid for, and will anyone want to live in them?

## Why new towns at all?

Most homes in this country are built by private developers on sites of a few hundred houses at a time, usually on the edge of an existing town. That model has two problems. It is slow: developers build at the rate they can sell without lowering prices, typically a few dozen homes a year on each site. And it is unpopular, because the new estates lean on schools, surgeries and roads that were already full.

A new town turns that around. A public body buys a large piece of land at something close to its agricultural value, gets planning permission for the whole thing, and then sells plots to builders with strict conditions attached. Because the land rises enormously in value once permission is granted, the development corporation can use that uplift to pay for the roads, schools and parks before most residents arrive.

## Haven't we tried this before?

Yes, and on a large scale. After the Second World War, more than thirty new towns were designated. Some became thriving places, others struggled with concrete town centres that aged badly and with a reputation for being soulless. Almost all of them took longer than planned. Urbanists still argue about them, but most agree on one lesson: the towns that did well were the ones with good transport links and a mix of jobs, not just bedrooms.

## What is different this time?

Three things, according to ministers.

- **Land prices.** The development corporations will be able to buy land compulsorily at prices that exclude the "hope value" of future planning permission. Landowners' groups have already said they will challenge this.
- **Transport first.** Each town is supposed to have a station or a dedicated rapid bus route before the first residents move in. Critics note that no money has yet been set aside for the three new railway stations this would require.
- **Design codes.** Builders will have to follow a local design code covering street widths, building heights and materials, in an attempt to avoid the anonymous estates that give new housing a bad name.

## Who is against it?

Opposition comes from several directions. Rural campaigners object to building on green fields, four of the twelve sites being partly in the green belt. Some councils complain that decisions are being taken over their heads. And a number of economists argue that the money would go further if it were spent enabling more homes in existing cities, where the jobs already are.

"New towns are a good answer to the question of where to put 300,000 homes," says Felix Abernethy of the Eastmere Institute for Urban Studies. "They are a less good answer to the question of why homes are so expensive in the first place."

## So will it work?

It is too early to say, and that is rather the point. Even on the government's own timetable, the first residents will not move in for five years and the last towns will not be finished for fifteen. The test is whether the promised stations, schools and surgeries arrive at the same time as the houses, which has rarely happened before.

The one thing almost everyone agrees on is that doing nothing is no longer an option. The average home now costs more than eight times the average salary. A generation ago it was four.
`,
  },
  // ---------------------------------------------------------------- Story: the four-day week trial
  {
    headline: 'Four-day week trial ends, and most firms are keeping it',
    slug: 'four-day-week-trial-ends-most-firms-keep-it',
    dek: 'Thirty-four of the forty Eastmere employers in the year-long trial say they will stick with a shorter week.',
    format: 'speed-read',
    section: 'business',
    tags: ['Work', 'Economy', 'Four-day week'],
    authors: ['dev-ramaswamy'],
    daysAgo: 0,
    hour: 8,
    editorsPick: false,
    storyKey: 'four-day-week',
    body: `
## What happened

The largest trial of a four-day working week in the country has ended, and most of the companies that took part intend to carry on. Of the forty employers in the Eastmere region that cut hours by a fifth without cutting pay, thirty-four will keep the arrangement, four will return to five days and two are "still deciding". Researchers at the University of Eastmere found that sick days fell by almost a third and staff turnover halved, while revenue was broadly flat.

## What the commentators said

"The sky has not fallen in," wrote Priya Halloran in *The Morning Lantern*. Firms that feared chaos found that meetings got shorter and people stopped pretending to be busy.

The *Courier-Standard* urged caution. The firms volunteered, so they were always likely to succeed; and a design agency is not a hospital. "Try running an A&E department on a four-day week," the paper said.

Several commentators noted that the four firms dropping out were all in manufacturing, where output is tied more closely to hours on the shop floor.

## What next?

The regional council, which part-funded the trial, will decide next month whether to offer a shorter week to its own 3,000 staff.
`,
  },
  {
    headline: 'The four-day week: what the Eastmere trial can, and can’t, tell us',
    slug: 'four-day-week-what-the-eastmere-trial-can-tell-us',
    dek: 'Shorter weeks seem to make people happier without making firms poorer. But the small print matters.',
    format: 'the-explainer',
    section: 'business',
    tags: ['Work', 'Economy', 'Four-day week'],
    authors: ['dev-ramaswamy'],
    daysAgo: 6,
    hour: 9,
    editorsPick: true,
    storyKey: 'four-day-week',
    body: `
Forty employers in Eastmere have spent most of a year paying their staff the same wages for four days' work instead of five. The final results are due shortly, but the interim figures published this week have already started an argument. Here is what we know.

## What did the trial involve?

The companies, ranging from a ten-person software studio to a bakery chain with 400 staff, agreed to the "100-80-100" model: 100 per cent of pay for 80 per cent of the time, in return for a commitment to keep 100 per cent of output. How they did that was up to them. Most closed on Fridays; some staggered days off so that customers could still reach someone every weekday.

Researchers at the University of Eastmere collected data on revenue, absence, staff turnover and wellbeing before and during the trial.

## What do the interim results say?

At the halfway point:

- Revenue at participating firms was, on average, almost exactly where it had been a year earlier, in line with firms of a similar size that were not in the trial.
- Sick days were down by 29 per cent.
- Fewer than half as many staff had left as over the same period the previous year.
- Around nine in ten employees said they were less tired at the end of the week.

## Why might output not fall?

The optimistic explanation is that a lot of the working week is wasted. Firms in the trial reported cutting meetings to twenty-five minutes, banning internal email before ten o'clock and giving people blocks of time without interruptions. A four-day deadline, one manager said, "made us admit how much we were doing just to look busy".

There are also knock-on savings. Fewer people off sick means less overtime and fewer agency staff; lower turnover means less spent on recruiting and training.

## What are the caveats?

There are three big ones.

**The firms chose to take part.** Bosses who volunteer for a four-day week are likely to be enthusiastic about it and to run the kind of business where it can work. That does not make the results wrong, but it means they may not apply everywhere.

**Output is hard to measure.** Revenue is a rough proxy. For a bakery, it is fairly clear how much was produced; for a marketing agency, much less so.

**Not every job can be compressed.** The trial included almost no firms where work is tied to opening hours or shift patterns, such as care homes, hospitals or public transport. Those would need more staff to cover the missing day, which costs money.

## Who is watching?

Just about everyone. Several large employers have asked to join a second round. Trade unions have welcomed the findings but say a shorter week must not become a reason to intensify work. Business groups argue that, at a time of low productivity growth, cutting hours is a risk the wider economy cannot afford.

## The bottom line

The Eastmere trial suggests that, for office-based firms willing to rethink how they work, a four-day week can be close to free. Whether it can work for the nurse, the bus driver and the warehouse picker is a different and much harder question, and this trial was not designed to answer it.
`,
  },
  // ---------------------------------------------------------------- Story: Aldermoor bridge
  {
    headline: 'Aldermoor’s suspension bridge shut after cracks found',
    slug: 'aldermoor-suspension-bridge-shut-after-cracks-found',
    dek: 'The 150-year-old crossing over the River Tarn was closed overnight, turning a five-minute walk into a forty-minute drive.',
    format: 'speed-read',
    section: 'national',
    tags: ['Transport', 'Infrastructure', 'Aldermoor'],
    authors: ['maren-oakes'],
    daysAgo: 4,
    hour: 7,
    editorsPick: false,
    storyKey: 'aldermoor-bridge',
    body: `
## What happened

Aldermoor's Victorian suspension bridge, which carries 9,000 people a day across the River Tarn, was closed without warning on Tuesday night after an inspection found cracks in two of the iron hangers that hold up the deck. The county council said it had "no choice" and that the bridge would stay shut until engineers were sure it was safe. The nearest alternative crossing is eleven miles downstream.

## What the papers said

The *Northern Beacon* led with the human cost: pupils at Aldermoor Academy facing an hour on a replacement bus, and shops on the east bank reporting their quietest day in years. "A town cut in half," its front page said.

Writing in the *Courier-Standard*, Gideon Marr blamed "a decade of patch-and-mend" budgets for bridges and roads. The council's own papers, he noted, had rated the bridge "poor" three years ago.

Others defended the council. It was better to close a bridge on the strength of a worrying inspection, said the *Civic Review*, than to explain afterwards why it had not.

## What next?

A temporary ferry will run from Monday. Engineers hope to say within a fortnight whether pedestrians can be allowed back while repairs are made.
`,
  },
  {
    headline: 'Why our Victorian bridges are showing their age',
    slug: 'why-victorian-bridges-are-showing-their-age',
    dek: 'The closure at Aldermoor is a reminder that thousands of crossings were built for horses and carts, and are now carrying lorries.',
    format: 'the-explainer',
    section: 'national',
    tags: ['Transport', 'Infrastructure', 'Local government'],
    authors: ['maren-oakes', 'ruth-kettleby'],
    daysAgo: 3,
    hour: 12,
    editorsPick: false,
    storyKey: 'aldermoor-bridge',
    body: `
When Aldermoor's suspension bridge opened, the heaviest thing likely to cross it was a brewer's dray. This week it was closed after inspectors found cracks in the iron rods that hold up its deck. It is not the only old bridge with problems, and it will not be the last.

## How many old bridges are there?

A great many. Councils look after tens of thousands of road bridges, and a large share were built before 1900, in stone, brick, cast iron or wrought iron. Many more carry railways, canals and footpaths. Most of them are perfectly sound: a well-built masonry arch can last for centuries. The trouble tends to come with metal.

## What goes wrong?

Iron and steel corrode when water and air get at them, and corrosion is often hidden inside joints or under paint. Metal also suffers from **fatigue**: every vehicle that crosses flexes the structure slightly, and over millions of cycles tiny cracks can grow from points where stress concentrates, such as bolt holes and welds. Victorian engineers designed generously, but they were not designing for forty-tonne lorries, or for the sheer number of crossings a modern town generates.

Suspension bridges add a particular weakness. The deck hangs from vertical rods, called hangers, attached to the main chains or cables. If a hanger cracks, its load shifts to its neighbours, which then work harder. That is why a crack in one or two hangers is treated so seriously.

## How are bridges checked?

Most council bridges get a quick visual inspection every two years and a close "principal" inspection every six. Inspectors look for rust, cracking, movement and water where it should not be. Some larger structures now carry sensors that record strain and vibration continuously and raise an alarm if something changes.

The difficulty is that much of what matters cannot be seen. At Aldermoor, the cracks were only found when paint was stripped from the hangers for a routine repaint.

## Why not just replace them?

Money, mostly, and affection. A new bridge of Aldermoor's size would cost tens of millions of pounds and take years to design and build. Many old bridges are listed, so they cannot simply be knocked down. And repairing them is often cheaper and greener than starting again, provided problems are caught early.

The snag is that maintenance budgets have been squeezed for years. Councils say they face a backlog of repairs running into billions of pounds. When money is short, painting and drainage, the unglamorous jobs that stop corrosion in the first place, are usually the first to be postponed.

## What happens at Aldermoor now?

Engineers will model how the loads have redistributed and decide whether the deck can safely carry people on foot while the damaged hangers are replaced. If so, pedestrians could be back within weeks. Cars are likely to be kept off for much longer, possibly permanently, with a weight limit when the bridge reopens.

## The wider lesson

Engineers have a saying: the cheapest bridge is the one you look after. Aldermoor's bridge has stood for a century and a half, and with care could stand for another. The question for councils up and down the country is whether they can afford the care before they have to afford the closure.
`,
  },
  {
    headline: 'Aldermoor bridge reopens to walkers and cyclists',
    slug: 'aldermoor-bridge-reopens-to-walkers-and-cyclists',
    dek: 'After engineers fitted temporary steel supports, the crossing is open again on foot, though cars face a much longer wait.',
    format: 'speed-read',
    section: 'national',
    tags: ['Transport', 'Infrastructure', 'Aldermoor'],
    authors: ['maren-oakes'],
    daysAgo: 0,
    hour: 9,
    editorsPick: false,
    storyKey: 'aldermoor-bridge',
    body: `
## What happened

Pedestrians and cyclists were back on Aldermoor's suspension bridge this morning, less than a fortnight after it was closed when cracks were found in two of its iron hangers. Engineers have fitted temporary steel cradles beneath the deck to take the weight off the damaged rods. Cars and buses will stay off until the hangers are replaced, which the county council expects to take at least six months.

The first person across, at 6am, was a retired postman who said he had crossed the bridge "every day for sixty years, bar these twelve".

## What people said

There was relief on both banks. The *Northern Beacon* reported that a café on the east side had sold out of bacon rolls by half past seven. Aldermoor Academy said the replacement school bus would be withdrawn on Monday.

Some were less forgiving. Traders' groups want compensation for lost business, and the *Courier-Standard* said the episode should "shame every council that has let its bridges go unpainted".

## What next?

The council has promised a public meeting on the long-term repairs, including whether to impose a permanent weight limit.
`,
  },
  // ---------------------------------------------------------------- Story: the Estravian election
  {
    headline: 'Estravia’s election: what is at stake, and why it matters here',
    slug: 'estravia-election-what-is-at-stake',
    dek: 'A small republic’s vote could decide the future of a new rail corridor, a gas pipeline and a fragile regional alliance.',
    format: 'the-explainer',
    section: 'world',
    tags: ['Elections', 'Europe', 'Estravia'],
    authors: ['ines-achterberg'],
    daysAgo: 5,
    hour: 10,
    editorsPick: false,
    storyKey: 'estravia-election',
    body: `
On Sunday, the 4.2 million voters of Estravia choose a new parliament. It is a small country, and most people here could not find it on a map. But its election will be watched closely in a dozen capitals. Here is why.

## Who is standing?

Three groups are in with a chance.

- **The Civic Alliance**, a centrist coalition that has governed for eight years. It is pro-European, pro-business and, after two terms, fairly unpopular.
- **Renewal**, a new party founded by a former mayor of the capital, Ilse Varnik, only eighteen months ago. It campaigns against corruption and for lower energy bills, and draws most of its support from young urban voters.
- **The Homeland Party**, a nationalist party that wants to cancel a pipeline deal with neighbouring Corvara and hold a referendum on leaving the regional trade bloc.

Polls have the three within six points of one another, which under Estravia's proportional system almost guarantees a coalition.

## Why does a small country matter?

Geography, mainly. Estravia sits between the sea and the landlocked states to its east. Two big projects run through it: the **Northern Corridor**, a high-speed railway that would link the port of Sel to four neighbouring capitals, and a gas pipeline from Corvara's offshore fields. Both need Estravian approval at every stage. A government hostile to either could delay them for years.

## What are voters worried about?

Less about geopolitics than about prices. Household energy bills have roughly doubled in three years, and rents in the capital have risen faster than anywhere else in the region. A series of scandals over public procurement, including a hospital that was paid for twice and never finished, has left many voters distrustful of all the established parties.

## What could happen?

There are three plausible outcomes.

1. **The Civic Alliance holds on** with the support of one or two smaller parties. Policy stays broadly the same, but the government is weak.
2. **Renewal leads a new coalition.** Most likely if it comes first, but it has no experience of government and has ruled out working with the Homeland Party.
3. **The Homeland Party enters government.** Unlikely on current polling, but possible if the centrist parties cannot agree. This is the outcome neighbouring governments fear most.

## What would it mean for us?

Directly, not a great deal: trade with Estravia is modest. Indirectly, rather more. Several British engineering firms have contracts on the Northern Corridor, and the pipeline is expected to lower gas prices across the region, which would eventually feed through to wholesale markets here.

## When will we know?

Polls close at 8pm local time on Sunday and a preliminary result is usually available by midnight. Forming a coalition has, in the past, taken anything from a week to four months.

Whatever the result, the campaign has already changed Estravian politics. Two years ago, the three parties now in contention would have been the Civic Alliance and two fringe groups. However Sunday goes, the old certainties will not return.
`,
  },
  {
    headline: 'Estravia’s newcomers top the poll, and start hunting for partners',
    slug: 'estravia-newcomers-top-the-poll',
    dek: 'Renewal, a party not yet two years old, came first in Sunday’s election but will need at least two partners to govern.',
    format: 'speed-read',
    section: 'world',
    tags: ['Elections', 'Europe', 'Estravia'],
    authors: ['ines-achterberg'],
    daysAgo: 1,
    hour: 7,
    editorsPick: false,
    storyKey: 'estravia-election',
    body: `
## What happened

Renewal, the anti-corruption party founded eighteen months ago, won the most votes in Estravia's parliamentary election with 27 per cent, narrowly ahead of the governing Civic Alliance on 25 per cent. The nationalist Homeland Party came third with 19 per cent, a little below its poll ratings. Turnout, at 71 per cent, was the highest in two decades.

Renewal's leader, the former mayor Ilse Varnik, told supporters in the capital that "the era of the same faces is over", and said she would begin talks with every party "that believes in clean government and cheaper bills".

## What the papers said

*Vesterpost*, Estravia's best-selling daily, called the result "a political earthquake with no obvious rebuilding plan". Renewal has no experience of governing and its policies on the pipeline and the rail corridor remain vague.

Neighbouring governments were relieved that the Homeland Party fell short. *The Morning Lantern* noted, however, that nearly a fifth of voters backed a party promising to leave the regional trade bloc, "a warning the centre ignores at its peril".

## What next?

Talks begin on Wednesday. The most likely outcome is a coalition of Renewal, the Civic Alliance and the small Green List, though the first two spent the campaign calling each other corrupt and naive respectively.
`,
  },
  // ---------------------------------------------------------------- Story: the comet
  {
    headline: 'Amateur astronomers spot a comet that could be visible to the naked eye',
    slug: 'amateur-astronomers-spot-comet',
    dek: 'Comet Lindqvist–Adair was found by two backyard observers and may brighten enough to be seen without binoculars next month.',
    format: 'speed-read',
    section: 'science',
    tags: ['Space', 'Night sky', 'Comet Lindqvist–Adair'],
    authors: ['ruth-kettleby'],
    daysAgo: 10,
    hour: 8,
    editorsPick: false,
    storyKey: 'comet',
    body: `
## What happened

A newly discovered comet could become bright enough to see with the naked eye early next month, astronomers say. Comet Lindqvist–Adair was spotted independently, on the same night, by a retired teacher in Kelmscot Bay using a telescope in her garden and by an amateur observer in northern Scandinavia. It is currently a faint smudge, visible only in telescopes, but it is heading towards the Sun and is expected to brighten sharply over the coming weeks.

## What the experts said

"This is exactly what amateurs are good at," said Dr Owen Peregrine of the University of Eastmere's observatory. Professional surveys are designed to find asteroids that might hit us; patient people scanning the sky by hand still find comets.

Astronomers were careful not to promise too much. Comets are notoriously unpredictable: some brighten spectacularly, others fall apart as they approach the Sun. "Comets are like cats," Dr Peregrine said. "They have tails and they do exactly what they want."

## What next?

Observers around the world will track the comet nightly. If it holds together, the best views from here should come in the first two weeks of next month, low in the north-western sky shortly after sunset.
`,
  },
  {
    headline: 'Comet Lindqvist–Adair: how to see it, and why it might fizzle',
    slug: 'comet-lindqvist-adair-how-to-see-it',
    dek: 'Everything you need to know about the season’s comet, from where to look to why astronomers are keeping their fingers crossed.',
    format: 'the-explainer',
    section: 'science',
    tags: ['Space', 'Night sky', 'Comet Lindqvist–Adair'],
    authors: ['ruth-kettleby'],
    daysAgo: 9,
    hour: 14,
    editorsPick: true,
    storyKey: 'comet',
    body: `
Last week two amateur astronomers, working hundreds of miles apart, found the same faint comet on the same night. If all goes well, Comet Lindqvist–Adair will be visible to the naked eye next month. Here is what to expect.

## What is a comet, anyway?

A comet is a lump of ice, dust and rock, typically a few miles across, left over from the formation of the solar system. Most spend their lives in the cold far beyond the planets. Occasionally one is nudged onto a path that brings it close to the Sun. As it warms, its ices turn straight into gas, carrying dust with them. That forms a glowing cloud around the nucleus, called the coma, and often one or two tails that can stretch for millions of miles, always pointing away from the Sun.

## Where has this one come from?

Early measurements suggest Lindqvist–Adair is on a very long, elongated orbit and has probably not been near the Sun for tens of thousands of years, possibly ever. That is both exciting and worrying. Exciting, because "fresh" comets contain plenty of ice and can be very active. Worrying, because they sometimes brighten early and then disappoint, or break apart altogether when they meet the Sun's heat for the first time.

## When and where should I look?

If the comet behaves, the best time will be the first two weeks of next month.

- **Look north-west**, low in the sky, about forty-five minutes after sunset.
- **Find a clear horizon.** The comet will never be high, so buildings and trees will get in the way. A hilltop or a beach facing west is ideal.
- **Get away from lights.** Street lighting washes out faint objects. Even a few miles outside a town makes a big difference.
- **Give your eyes time.** It takes twenty minutes for your eyes to adapt fully to the dark, and one glance at a phone screen undoes it.

## Will I need binoculars?

Probably, at least to begin with. Ordinary binoculars will show the coma as a fuzzy ball and possibly the start of a tail. If the comet reaches the brightness some predictions suggest, it should be visible without any help from a dark site, looking like a small, smudged star with a faint streak pointing away from where the Sun has set.

## What about photographs?

Modern phones do surprisingly well. Rest the phone on something steady, use night mode and take an exposure of a few seconds. You will often capture more of the tail in a photo than you can see with your eyes.

## Why might it fizzle?

Predicting comet brightness is notoriously hard. Astronomers extrapolate from how quickly the comet has brightened so far, but the rate can change suddenly. A comet might run out of the most volatile ices, or its nucleus might crack under the stress of heating and spinning. Several much-hyped comets in the past turned into faint disappointments.

## And if it is spectacular?

Then it will be the brightest comet seen from here in years, and a good excuse to stand in a dark field with a flask of tea. Keep an eye on our Science section: we will update our forecast as the comet approaches.
`,
  },
  {
    headline: 'Recommends: four dark-sky spots for comet watching',
    slug: 'recommends-four-dark-sky-spots',
    dek: 'With Comet Lindqvist–Adair brightening, here are four places where the night is still properly dark.',
    format: 'recommends',
    section: 'science',
    tags: ['Night sky', 'Travel', 'Comet Lindqvist–Adair'],
    authors: ['ruth-kettleby', 'colm-fairweather'],
    daysAgo: 7,
    hour: 18,
    editorsPick: false,
    storyKey: 'comet',
    body: `
The single biggest improvement you can make to any view of the night sky is to get away from street lights. These four places, all reachable without an expedition, have skies dark enough to show the Milky Way on a clear night, and good north-western horizons for this month's comet.

## Harrow Fell, above Aldermoor

A bare, rounded hill twenty minutes' walk from a small car park, with nothing taller than heather between you and the horizon. The local astronomy society holds open evenings on the summit on clear Saturdays and is cheerfully welcoming to beginners. Bring a head torch with a red setting and something warm to sit on.

## Kelmscot Bay, the north beach

The west-facing beach beyond the harbour wall is where one of the comet's discoverers lives, which seems only fair. The sea makes a perfect flat horizon, and the village switches off its promenade lights after eleven. The Anchor, at the top of the slipway, does a fine bowl of chowder for afterwards.

## The Eastmere levels

Flat, open farmland criss-crossed by drainage ditches, with some of the darkest skies in the south of the country. Park at the old pumping station and walk along the embankment. It is very exposed, so it can be bitterly cold even in spring, but on a still night the sky seems to come right down to the ground.

## Cresswell Forest observatory

For those who would rather not sit in a field, the community observatory on the edge of Cresswell Forest runs ticketed comet evenings next month, with telescopes, volunteers who know what they are looking at and, crucially, a heated hut. Book early: its meteor shower nights sold out in an afternoon last year.

**Our tip:** whichever you choose, check the forecast for cloud rather than rain. A dry night can still be hopelessly overcast.
`,
  },
  // ---------------------------------------------------------------- World
  {
    headline: 'Tavish Islands ask for help as high tides flood the capital',
    slug: 'tavish-islands-ask-for-help-as-tides-flood-capital',
    dek: 'Seawater swamped homes, the main hospital and the only runway, and the government has asked neighbours for emergency aid.',
    format: 'speed-read',
    section: 'world',
    tags: ['Climate', 'Oceans', 'Weather'],
    authors: ['ines-achterberg'],
    daysAgo: 2,
    hour: 7,
    editorsPick: false,
    body: `
## What happened

The government of the Tavish Islands, a Pacific archipelago of 60,000 people, has declared a state of emergency after exceptionally high tides combined with a storm surge to flood large parts of the capital, Port Amberly. The islands' only international runway was under half a metre of water, and patients were moved to the upper floor of the main hospital. No deaths have been reported. The prime minister appealed for drinking water, generators and temporary shelter.

## What the commentators said

The floods were "a preview, not a freak", wrote Nadia Corrin in *The Morning Lantern*. The highest point on the main island is barely four metres above sea level, and tides that were once exceptional now arrive almost every year.

In the *Civic Review*, Lotte Vance argued that richer countries should stop treating such appeals as charity: "The islands did almost nothing to cause rising seas, and they will be among the first to lose their land to them."

The *Courier-Standard* focused on the immediate response, urging ministers to send a navy supply ship already in the region.

## What next?

Aid flights are expected as soon as the runway drains. The government says it will revive plans, shelved for lack of money, to raise the capital's sea wall by a metre.
`,
  },
  {
    headline: 'Estravia and Corvara agree to share a high-speed rail line',
    slug: 'estravia-and-corvara-agree-rail-line',
    dek: 'The deal would cut the journey between the two capitals from seven hours to under three, if it survives Estravia’s election.',
    format: 'speed-read',
    section: 'world',
    tags: ['Transport', 'Europe', 'Estravia'],
    authors: ['ines-achterberg'],
    daysAgo: 12,
    hour: 8,
    editorsPick: false,
    body: `
## What happened

The governments of Estravia and Corvara have signed an agreement to build and operate a shared high-speed line between their capitals, as part of the planned Northern Corridor. Trains would run at up to 250km/h, cutting a seven-hour journey on the existing single-track line to two hours and forty minutes. The cost, to be split between the two countries with help from a regional development bank, is estimated at the equivalent of £6bn.

## What the papers said

*Vesterpost*, Estravia's biggest newspaper, welcomed a "historic handshake" but wondered why it had been signed less than a fortnight before a general election. The opposition Renewal party called it "a cheque written on the next government's account".

In Corvara, the reaction was warmer. The line would give the country's landlocked eastern provinces a fast connection to the port of Sel for the first time.

*The Morning Lantern* pointed out that the last attempt at a cross-border line in the region took twenty-two years and ran four times over budget.

## What next?

Both parliaments must ratify the deal. Construction, if it goes ahead, is due to start in three years.
`,
  },
  {
    headline: 'Why the world is running short of the right kind of sand',
    slug: 'why-the-world-is-running-short-of-sand',
    dek: 'It sounds absurd, given the deserts. But the sand that builds cities is scarce, and the scramble for it is doing real damage.',
    format: 'the-explainer',
    section: 'world',
    tags: ['Economy', 'Oceans', 'Rivers', 'Infrastructure'],
    authors: ['ines-achterberg', 'ruth-kettleby'],
    daysAgo: 16,
    hour: 10,
    editorsPick: false,
    body: `
After water, sand and gravel are the materials humanity uses most. Every road, every concrete tower and every pane of glass depends on them. And in places, astonishingly, they are running out.

## Surely there is sand everywhere?

There is plenty of sand; the problem is its shape. Desert sand has been blown about by the wind for thousands of years, which rounds and polishes the grains. Rounded grains do not lock together, so concrete made with them is weak. Builders need angular sand, the kind found in riverbeds, lake beds, floodplains and the seabed, where water has moved the grains without smoothing them.

That is why a country with a desert on its doorstep may still import sand for its skyscrapers.

## How much do we use?

Estimates vary, but the world is thought to use several tens of billions of tonnes of sand and gravel a year, enough to build a wall many metres high and wide around the equator every year. Demand has soared with the growth of cities, particularly in Asia and Africa, and with land reclamation projects that build new coastline by pumping sand from the seabed.

## What is the harm in digging it up?

Rivers and coasts rely on sand staying roughly where it is.

- **Rivers.** Removing sand from a riverbed lowers it, which can undermine bridges, drain nearby wells and wetlands and let salt water push further upstream.
- **Coasts.** Beaches are constantly topped up by sand carried along the shore. Dredge offshore, and beaches downstream can wash away.
- **Wildlife.** Dredging destroys the habitats of fish, turtles and river dolphins, and stirs up silt that smothers corals and seagrass.

In some countries, sand mining is so lucrative and so loosely regulated that it has attracted organised crime, with illegal dredgers working rivers at night.

## Can anything replace it?

Partly. The main options are:

- **Crushed rock**, known as manufactured sand, which is already widely used, though it takes energy to produce.
- **Recycled concrete and glass**, ground down and reused in new construction.
- **Less concrete**, through better design, timber buildings and refurbishing old buildings instead of demolishing them.

Researchers are also experimenting with ways to make desert sand usable, for instance by binding it with different materials, though none is yet in widespread use.

## Does it affect us here?

Less than some places. This country gets much of its building sand from land-based quarries and licensed marine dredging, which is monitored. But the problem is global: rising prices for sand and gravel abroad feed into the cost of imported building materials, and the environmental damage of unregulated mining is borne by some of the world's poorest communities.

## The bottom line

Sand is cheap because nobody has to pay for the rivers and beaches it is taken from. Until that changes, it will keep being treated as endless, which it is not.

Better monitoring would help: satellites can now spot dredgers at work on remote rivers, and some governments have begun requiring sand to be traced from quarry to building site, much as timber is.
`,
  },
  {
    headline: 'Corvara brings in water rationing as drought deepens',
    slug: 'corvara-brings-in-water-rationing',
    dek: 'Households in three southern provinces will have running water for only part of each day after the driest winter on record.',
    format: 'speed-read',
    section: 'world',
    tags: ['Climate', 'Europe', 'Weather'],
    authors: ['ines-achterberg'],
    daysAgo: 18,
    hour: 7,
    editorsPick: false,
    body: `
## What happened

Corvara's government has introduced water rationing in three southern provinces after the driest winter since records began. Taps in towns and cities across the region will be turned off overnight from next week, and filling swimming pools, washing cars and watering gardens with hosepipes have been banned. Reservoirs in the south are at 19 per cent of capacity, against a usual 60 per cent at this time of year.

## What the papers said

Farmers, who use around three-quarters of the country's water, have so far been exempt, which drew fierce criticism. "Why should a family in a flat go without a shower while golf courses stay green?" asked one Corvaran newspaper.

*The Morning Lantern* saw a warning for Europe as a whole: winters in the region are getting drier, and "rationing will not stay a southern problem for long".

The *Courier-Standard* argued that Corvara's real failure was not the weather but its leaking pipes, which lose an estimated third of all treated water before it reaches a tap.

## What next?

The government has promised emergency funding for desalination plants on the coast, though the first will not open for at least two years. Meteorologists say spring rain could ease the shortage, but not end it.
`,
  },
  // ---------------------------------------------------------------- Business
  {
    headline: 'Marlow & Pike to close forty of its corner shops',
    slug: 'marlow-and-pike-to-close-forty-shops',
    dek: 'The 120-year-old convenience chain blames rents and energy bills; 600 jobs are at risk.',
    format: 'speed-read',
    section: 'business',
    tags: ['Retail', 'Work', 'Economy'],
    authors: ['dev-ramaswamy'],
    daysAgo: 2,
    hour: 8,
    editorsPick: false,
    body: `
## What happened

Marlow & Pike, the convenience chain that began as a single grocer's in Hollinsford in the 1900s, is to close forty of its 210 shops over the next six months, putting about 600 jobs at risk. The company said the closures were "painful but necessary" after two years in which its energy bills had doubled and rents in many town centres had continued to rise even as footfall fell. It promised to offer staff jobs in nearby branches wherever possible.

## What the commentators said

The *Northern Beacon*, whose patch includes a dozen of the affected shops, said the closures would hit older residents hardest: in several villages, Marlow & Pike is the last place to buy a pint of milk without a car.

Writing in the *Civic Review*, retail analyst Gideon Marr said the chain had been slow to adapt, with no delivery service and a loyalty scheme "still run on cardboard stamps". Its rivals, he noted, are opening small shops, not closing them.

The *Courier-Standard* blamed business rates, arguing that the system punishes shops with physical premises while online retailers pay comparatively little.

## What next?

A list of the affected branches will be published next week. Several parish councils have already asked whether community groups could take over the leases.
`,
  },
  {
    headline: 'Interest rates held again, as borrowers and savers wait',
    slug: 'interest-rates-held-again',
    dek: 'The central bank kept rates on hold for a fourth month, but hinted that a cut could come before the summer.',
    format: 'speed-read',
    section: 'business',
    tags: ['Economy', 'Housing', 'Money'],
    authors: ['dev-ramaswamy'],
    daysAgo: 11,
    hour: 7,
    editorsPick: false,
    body: `
## What happened

The central bank has left interest rates unchanged for the fourth month running, but signalled that it could begin cutting them "in the coming months" if inflation keeps falling. Seven of the nine members of its rate-setting committee voted to hold; two wanted an immediate cut. Inflation is now 2.6 per cent, down from a peak of more than 10 per cent two years ago.

## What the commentators said

Mortgage holders will be frustrated, said *The Morning Lantern*: more than a million households are due to come off cheap fixed-rate deals this year and face much higher repayments. "Caution has a cost, and it is paid monthly."

The *Courier-Standard* backed the bank. Cutting too early, it argued, risks inflation returning, "and nobody wants to live through that again".

Savers, noted the *Daily Packet*, have quietly done rather well. Easy-access accounts are still paying more than inflation for the first time in over a decade, although the best rates are already starting to slip.

## What next?

The next decision is in six weeks. Financial markets now expect a first cut of a quarter of a percentage point by the summer, with one or two more by the end of the year.
`,
  },
  {
    headline: 'Why is everything a subscription now?',
    slug: 'why-is-everything-a-subscription-now',
    dek: 'Cars, printers, coffee, even heated seats: companies love recurring payments. Here is why, and how to keep on top of them.',
    format: 'the-explainer',
    section: 'business',
    tags: ['Money', 'Technology', 'Economy'],
    authors: ['dev-ramaswamy'],
    daysAgo: 19,
    hour: 9,
    editorsPick: false,
    body: `
Once upon a time you bought a thing and then you owned it. Now you can subscribe to your music, films, software, razor blades, pet food, printer ink, meal kits and, in some cases, features of your own car. How did we get here?

## Why do companies love subscriptions?

Because a customer who pays every month is worth far more, and is far more predictable, than one who pays once.

- **Predictable income.** A business that knows roughly what will come in next month can plan, borrow and invest more easily. Investors reward that: companies with recurring revenue tend to be valued much more highly than those that rely on one-off sales.
- **Inertia.** Once you have signed up, staying subscribed requires no effort, while cancelling requires some. Many people keep paying for services they barely use.
- **Smaller numbers.** £8.99 a month feels cheaper than £107.88 a year, even though it is the same.
- **Data.** A subscriber provides a continuous stream of information about what they like, which helps a company sell them more.

## Is it bad for customers?

Not necessarily. Subscriptions can be genuinely good value. A music service gives you access to tens of millions of songs for less than the price of one album a month. Software that updates itself is more secure than software that does not. Spreading the cost of something expensive can make it affordable.

The trouble comes in three forms: prices that creep up once you are hooked, services that are deliberately hard to cancel, and "subscriptions" for things that used to come with the product, such as a feature that is physically built into a car but switched off unless you pay monthly.

## How much are we spending?

More than we think. Surveys regularly find that people underestimate their subscription spending by a third or more, largely because they forget about small ones. Free trials that turn into paid plans are a particular culprit.

## What are the rules?

Consumer law already requires companies to be clear about what you are signing up for and to let you cancel. New rules on the way will go further: firms will have to remind customers before a free trial ends or a long subscription renews, and make cancelling as easy as signing up, ideally in a single step.

## How do I keep on top of mine?

A few simple habits help:

1. **Do an audit.** Go through three months of bank and card statements and list every recurring payment. Most people find at least one they had forgotten.
2. **Cancel, then resubscribe.** Many streaming services can be dropped for a few months and picked up again when there is something you want to watch.
3. **Diary the trials.** When you start a free trial, put a reminder in your calendar for a couple of days before it ends.
4. **Ask for a discount.** Starting to cancel often produces a better offer. Take it only if you actually want the service.

## The bottom line

Subscriptions are not a scam; they are a business model, and sometimes a good deal. But they work best for companies when customers are not paying attention. The simplest defence is to pay some.
`,
  },
  // ---------------------------------------------------------------- Science
  {
    headline: 'Eastmere barley thrives on half the fertiliser, trial finds',
    slug: 'eastmere-barley-half-the-fertiliser',
    dek: 'A variety bred to work with soil microbes produced nearly the same harvest with far less nitrogen.',
    format: 'speed-read',
    section: 'science',
    tags: ['Farming', 'Climate', 'Research'],
    authors: ['ruth-kettleby'],
    daysAgo: 1,
    hour: 10,
    editorsPick: false,
    body: `
## What happened

A new variety of barley developed at the University of Eastmere produced 94 per cent of a normal harvest with only half the usual amount of nitrogen fertiliser, according to results from three years of field trials on farms in the region. The plant has been bred to release compounds from its roots that encourage soil bacteria to convert nitrogen from the air into a form the crop can use, a trick that peas and beans manage naturally but cereals do not.

## Why it matters

Nitrogen fertiliser is expensive to make, using large amounts of natural gas, and when too much is applied it washes into rivers, where it feeds algal blooms, or escapes into the air as nitrous oxide, a potent greenhouse gas. Farming groups welcomed anything that would cut their bills.

"If this holds up across different soils and seasons, it is a genuinely big deal," Dr Amara Lyle, a soil scientist not involved in the work, told *The Morning Lantern*.

## The caveats

The trials were on fairly similar soils in one region, and yields in a dry year were more variable. The *Courier-Standard* noted that previous "wonder crops" had performed less well once they left the research plots.

## What next?

Seed could reach farmers within four years, subject to approval. The team is now trying the same approach with wheat.
`,
  },
  {
    headline: 'Do we really need eight hours’ sleep? What the research says',
    slug: 'do-we-really-need-eight-hours-sleep',
    dek: 'The eight-hour rule is a decent rule of thumb. But the science of sleep is more interesting, and more forgiving, than a single number.',
    format: 'the-explainer',
    section: 'science',
    tags: ['Health', 'Research'],
    authors: ['ruth-kettleby'],
    daysAgo: 14,
    hour: 9,
    editorsPick: false,
    body: `
Few pieces of health advice are as familiar as "get eight hours' sleep". Yet many of us manage less, and some people insist they feel fine on six. What does the research actually say?

## Where does eight hours come from?

It is an average, and a reasonable one. Large surveys of sleep and health find that adults who regularly sleep about seven to nine hours a night tend to have the best outcomes on everything from heart health to mood. Eight sits neatly in the middle. But "on average" hides a great deal of variation between people.

## Why do we sleep at all?

Scientists are still working out the full answer, but several functions are now well established.

- **Memory.** During sleep, the brain replays and strengthens the day's memories and discards some of the less important ones.
- **Cleaning.** Fluid flows through the brain more freely during deep sleep, helping to clear waste products that build up while we are awake.
- **Repair.** Growth hormone is released, and the body repairs tissue.
- **Regulation.** Sleep helps to regulate appetite, blood sugar and the immune system.

## What happens if I get less?

In the short term, most people who sleep badly for a night or two feel irritable and find it harder to concentrate. Reaction times slow, which is why tired driving is so dangerous. Over months and years, regularly sleeping less than about six hours is associated with higher risks of several conditions, including heart disease and type 2 diabetes.

That word "associated" is important. People who sleep little often differ in other ways, such as working night shifts or living with chronic pain, so it is hard to untangle cause and effect. Laboratory studies that deliberately restrict sleep suggest at least part of the link is causal.

## Can some people really thrive on six hours?

A very small number of people appear to carry genetic variants that let them feel and function well on much less sleep. They are rare. Far more people who say they are fine on six hours have simply become used to feeling tired; in tests, their performance is measurably worse even when they do not notice it.

## Is more always better?

No. People who regularly sleep much more than nine hours also tend to have worse health, though here the explanation is probably that illness makes people sleep more, rather than the other way round.

## What matters besides the total?

Researchers increasingly emphasise **regularity**: going to bed and getting up at roughly the same times each day, including weekends. A consistent routine seems to matter almost as much as the number of hours. **Quality** counts too: sleep that is constantly interrupted, for instance by untreated sleep apnoea, is less restorative however long it lasts.

## So what should I do?

The advice from sleep researchers is refreshingly unglamorous:

1. Keep regular hours.
2. Get daylight in the morning and keep evenings dim.
3. Keep the bedroom cool, dark and quiet.
4. Go easy on caffeine after lunchtime and alcohol in the evening.
5. If you cannot sleep, get up and do something calm rather than lying there worrying about it.

And if you regularly wake up exhausted despite a decent night, it is worth talking to a doctor. Sometimes the problem is not how much you sleep, but how well.
`,
  },
  {
    headline: 'Robot porters cut waiting times on hospital wards, trial finds',
    slug: 'robot-porters-cut-hospital-waiting-times',
    dek: 'Autonomous trolleys that ferry samples and medicines freed up nurses for nearly an hour a shift at Stanwick General.',
    format: 'speed-read',
    section: 'science',
    tags: ['Health', 'Technology', 'Research', 'Stanwick'],
    authors: ['ruth-kettleby', 'dev-ramaswamy'],
    daysAgo: 21,
    hour: 8,
    editorsPick: false,
    body: `
## What happened

A six-month trial of self-driving delivery trolleys at Stanwick General Hospital found that nurses on participating wards spent an average of 52 fewer minutes per shift fetching and carrying. The knee-high robots, made by the Eastmere firm Orrin Robotics, travel the corridors and use the lifts on their own, carrying blood samples to the laboratory and medicines from the pharmacy. The time patients waited for test results fell by a fifth.

## What people said

Nurses were broadly positive, though one told the *Northern Beacon* the robots "have all the patience of a toddler in a lift queue". Patients, particularly children, reportedly enjoyed them.

The *Courier-Standard* said the trial showed how technology could ease staff shortages. *The Morning Lantern* was more cautious, pointing out that the hospital's porters' union had only agreed to the trial on condition that no jobs were cut. Porters now spend more time moving patients, which, the union says, "is the part of the job that needs a human".

## What next?

The hospital plans to extend the trial to all wards. Independent researchers will now check whether the time saved translates into measurably better care.
`,
  },
  // ---------------------------------------------------------------- Culture
  {
    headline: 'Recommends: The Lamp at Skerry Point, a novel of small lives and big weather',
    slug: 'recommends-the-lamp-at-skerry-point',
    dek: 'Nell Haddow’s debut, about a lighthouse keeper’s daughter in the 1950s, is the most absorbing novel we have read this year.',
    format: 'recommends',
    section: 'culture',
    tags: ['Books', 'Fiction'],
    authors: ['colm-fairweather'],
    daysAgo: 0,
    hour: 6,
    editorsPick: true,
    body: `
*The Lamp at Skerry Point* by Nell Haddow (Greyling Press, 352 pages)

It is 1953 and Ada Rennie is twelve. Her father keeps the lighthouse on Skerry Point, a rock so far out that the supply boat comes once a fortnight if the weather allows, which it often does not. Her mother has gone to the mainland "to rest" and has not come back. For company Ada has her father, who speaks mainly in weather forecasts; the assistant keeper, a young man with a gramophone and a secret; and the gannets.

That, more or less, is the set-up, and for a long while not much else happens. This is a novel of routine: the trimming of wicks, the polishing of brass, the log book filled in every four hours. Haddow makes it mesmerising. She has a gift for the physical world, for the smell of paraffin and the particular grey of a sea about to turn, and for the way a child absorbs adult silences without understanding them.

The plot, when it arrives, arrives with a storm, and I will say nothing about it except that the last eighty pages are as tense as anything I have read in years, and that Haddow earns every tear she extracts.

If there is a weakness, it is the framing device, in which an elderly Ada returns to the now-automated lighthouse. It is handled gracefully but feels unnecessary; the story needs no explaining.

It is rare to find a first novel so confident in its own quietness. Read it on a wet weekend, ideally with the wind rattling the windows.

**Best for:** anyone who loved a long book about a small place. **Not for:** readers who need a plot by page ten.
`,
  },
  {
    headline: 'Recommends: Low Water, a film about a river, a drought and a family',
    slug: 'recommends-low-water',
    dek: 'A gentle, beautifully shot drama about three generations of a farming family waiting for rain.',
    format: 'recommends',
    section: 'culture',
    tags: ['Film', 'Farming'],
    authors: ['colm-fairweather'],
    daysAgo: 3,
    hour: 17,
    editorsPick: false,
    body: `
*Low Water* (cert 12A, 1hr 48min), in cinemas now

Summer on the Eastmere levels, and the river that runs past the Callow family's farm has shrunk to a string of warm brown pools. Grandfather Abel, who has farmed the land for sixty years, insists it will rain by the end of the month, as it always has. His daughter, Jo, has quietly begun talking to a developer. Her teenage son, Kit, just wants to get to the city.

Director Saoirse Imrie, making her first feature after years of documentaries, has a documentary-maker's eye for work: the film is full of long, unhurried scenes of hay being turned, fences mended and animals moved to the last green corner of a field. It sounds slow, and it is, but it is never dull, because beneath the routine everybody is holding something back.

The performances are superb, particularly the young actor playing Kit, who conveys a great deal while saying almost nothing. The actor playing Abel, a stubborn and oddly comic presence, is nearly as good. And the cinematography, all bleached skies and cracked mud, makes the heat almost physical. I came out wanting a glass of water.

The film does not quite know how to end; a late development feels borrowed from a louder film. But it is a small flaw in a work of real tenderness, about land, inheritance and the slow realisation that the future might not look like the past.

**See it if** you liked quiet family dramas and big skies. **Skip it if** you need a car chase.
`,
  },
  {
    headline: 'Row over plan to sell Stanwick’s old library building',
    slug: 'row-over-plan-to-sell-stanwick-library',
    dek: 'The council says the move will fund a modern library; campaigners say it is selling the town’s best building to pay its bills.',
    format: 'speed-read',
    section: 'culture',
    tags: ['Libraries', 'Local government', 'Stanwick'],
    authors: ['tobias-quayle'],
    daysAgo: 9,
    hour: 12,
    editorsPick: false,
    body: `
## What happened

Stanwick town council has voted to sell its Edwardian library building on Market Street, with the library moving into a refurbished unit in the town's shopping centre. The council says the old building needs £3m of repairs it cannot afford, and that the new library will be larger, step-free and open for longer. A petition against the sale has gathered 11,000 signatures, in a town of 48,000 people.

## What the commentators said

"You do not sell the family silver to pay the gas bill," wrote Priya Halloran in *The Morning Lantern*, arguing that the building, paid for by public subscription in 1908, belongs to the town rather than to the council of the day.

The *Courier-Standard* took the council's side. Libraries are about books and people, not buildings, it said, and "a warm, accessible library in a shopping centre is worth more than a cold, leaking one in a beautiful shell".

The *Civic Review* noted that at least two similar moves elsewhere had increased visitor numbers, because people passing by drop in.

## What next?

Campaigners have asked for the building to be listed, which would complicate any sale. The council says no buyer will be chosen before the summer, and has promised that the library service will not close for a single day during the move.
`,
  },
  {
    headline: 'Recommends: a weekend in Cresswell Haven',
    slug: 'recommends-a-weekend-in-cresswell-haven',
    dek: 'A small harbour town with a good bookshop, better fish and a tide-powered mill you can watch at work.',
    format: 'recommends',
    section: 'culture',
    tags: ['Travel', 'Food', 'Cresswell Haven'],
    authors: ['colm-fairweather'],
    daysAgo: 13,
    hour: 16,
    editorsPick: false,
    body: `
Cresswell Haven is the kind of place that most people drive past on the way somewhere bigger. That is their loss. The town, a tidy huddle of pastel cottages around a working harbour, packs more into a mile than many cities.

## What to do

Start at the **tide mill**, a weather-boarded building on the creek that has ground flour using the ebb tide since the 1700s. Volunteers run it on tide days (check the times on the door) and sell the flour in the shop. Then walk the **harbour wall** out to the little green light at the end, and back along the shingle.

On a wet afternoon, lose an hour in **Haven Books**, a shop that somehow keeps expanding into the buildings either side of it. Its map and nature-writing room is the best I know.

## Where to eat

**The Net Loft**, upstairs over the fish market, serves whatever came in that morning, simply cooked, at long shared tables. Book ahead for Saturday. For breakfast, the **Bakehouse** on Quay Street does cardamom buns that people queue down the street for, using flour from the tide mill.

## Where to stay

The **Pilot's House**, a former harbour master's home with four rooms, has views straight down the estuary and a landlady who will lend you binoculars for the wading birds. Cheaper options are a short walk uphill.

## Getting there

The branch line from Eastmere takes fifty minutes and is a pleasure in itself, running along the estuary for the last few miles. You do not need a car once you arrive.

**Our tip:** go out of season. In October the crowds have gone, the mill still runs, and the estuary fills with geese.
`,
  },
  {
    headline: 'Recommends: Cold Kitchen, a cookbook for the far north',
    slug: 'recommends-cold-kitchen-cookbook',
    dek: 'Recipes from the fishing villages and hill farms of the northern isles, with stories worth reading even if you never cook.',
    format: 'recommends',
    section: 'culture',
    tags: ['Books', 'Food'],
    authors: ['colm-fairweather'],
    daysAgo: 20,
    hour: 18,
    editorsPick: false,
    body: `
*Cold Kitchen: Cooking from the Northern Isles* by Rhoda Flett (Saltmarsh Books, 288 pages)

There is a genre of cookbook that is really a travel book with recipes attached, and a genre that is really a memoir with recipes attached. *Cold Kitchen* is both, and better than most of either.

Rhoda Flett grew up on a small island where, she writes, "the shop sold three vegetables, and two of them were potatoes". The book is organised by season, and each chapter opens with a short essay: on lambing in sleet, on the grandmother who could gut a fish faster than anyone on the pier, on the strange luxury of the first rhubarb.

The recipes are honest and, for the most part, easy. There is a fish soup thickened with oatmeal that has become a regular in my kitchen, a recipe for bannocks that actually works, and an extraordinary dark, spiced fruit loaf that improves for a week in a tin. Some dishes call for ingredients you will struggle to find away from the coast, but Flett suggests sensible substitutes.

What lifts the book is its attitude. This is food shaped by scarcity, and Flett writes about thrift without a trace of piety: nothing is wasted because nothing could be, and the result is cooking of great resourcefulness and warmth.

The photography, of grey seas, steaming pans and very muddy boots, is lovely too.

**Best for:** winter cooks and armchair travellers. **Start with:** the oatmeal fish soup, on a cold night.
`,
  },
  {
    headline: 'The return of the village hall',
    slug: 'the-return-of-the-village-hall',
    dek: 'Written off as relics of the jumble-sale era, village and community halls are busier than they have been for decades. Why?',
    format: 'the-explainer',
    section: 'culture',
    tags: ['Communities', 'Local government', 'Hollinsford'],
    authors: ['ayo-brennan'],
    daysAgo: 24,
    hour: 15,
    editorsPick: false,
    body: `
There are thousands of village and community halls in this country: brick, timber, tin-roofed, some grand, most modest. For years they were seen as a little old-fashioned, home to whist drives, flower shows and the annual pantomime. Now many are booked solid. What changed?

## Who owns them?

Most are owned by charities, run by volunteer committees and paid for through hire fees, fundraising and the occasional grant. Many were built as war memorials after 1918 or 1945, or by public subscription, which is why so many carry a plaque in the porch. A few belong to parish councils or churches.

## Why are they busy again?

Several trends have come together.

- **Everything else closed.** In many villages the pub, the shop, the bank and the post office have gone. The hall is often the last shared indoor space left.
- **Working from home.** Some halls now rent desks on weekdays to people who want to get out of the house, with decent broadband and a proper kettle.
- **Warm spaces.** When energy bills rose sharply, many halls opened as free warm spaces for people struggling to heat their homes. Some kept the habit, as weekly lunches or drop-in mornings.
- **Health and exercise.** Yoga, pilates, baby groups, dementia cafés and physiotherapy classes all need a room with a floor, and halls are cheap.
- **Culture on the road.** Rural touring schemes bring theatre, music and films to halls, often selling out audiences that would never make the journey to a city.

## What are the pressures?

Money and people. Halls are expensive to heat and maintain; many were built cheaply and are now showing their age, with leaky roofs and draughty windows. Insurance and safety rules have become more demanding. And the volunteers who run them are, on average, getting older, with fewer younger people stepping forward to take on the paperwork.

## How are they adapting?

The most successful halls have started to think like small businesses. Some have installed solar panels and heat pumps, cutting bills and, in a few cases, selling electricity back to the grid. Others share a paid part-time manager with neighbouring villages. In Hollinsford, the hall committee now includes two sixth-formers, who run its social media and a monthly gig night that pays for the heating.

## Does it matter?

Researchers who study loneliness say places like these are more important than they look. A hall is somewhere people meet who would otherwise never cross paths: the retired farmer, the new family from the city, the teenager with nowhere else to go. In an age of online everything, a room where people simply turn up is rarer, and more valuable, than it used to be.

## How can I help?

Use it. Book it for a party, go to the quiz, join the committee if you can spare the time. If you have a skill, from bookkeeping to plumbing, offer it; most committees are desperate for help with the practical jobs. Halls rarely close because nobody cares about them. They close because nobody comes.
`,
  },
  // ---------------------------------------------------------------- Good news
  {
    headline: 'Otters are back on the River Tarn after four decades',
    slug: 'otters-back-on-the-river-tarn',
    dek: 'A family of otters has been filmed near Aldermoor, the clearest sign yet that a long clean-up of the river is working.',
    format: 'speed-read',
    section: 'good-news',
    tags: ['Nature', 'Rivers', 'Aldermoor'],
    authors: ['ayo-brennan', 'ruth-kettleby'],
    daysAgo: 1,
    hour: 9,
    editorsPick: true,
    body: `
## What happened

A mother otter and two cubs have been filmed on the River Tarn just upstream of Aldermoor, the first confirmed breeding on the river for more than forty years. The footage was captured by a motion-triggered camera set up by volunteers from the Tarn Rivers Trust, who had found droppings and footprints on a shingle bank last autumn but had not dared to hope for a family.

## Why it matters

Otters disappeared from much of the country in the second half of the last century, largely because of pesticides that built up in the fish they ate, and because rivers were badly polluted. The Tarn, which once ran past a dozen mills and a tannery, was among the worst affected.

Since then, the trust and local farmers have planted more than twenty miles of riverbank trees, fenced cattle away from the water and removed two old weirs that stopped fish moving upstream. Otters sit at the top of the river's food chain, so their return suggests that everything beneath them, from insects to trout, is recovering too.

"Otters do not come back to a dead river," said the trust's director, Martha Greaves. "This is forty years of hard work by hundreds of people, on a single bit of film."

## What next?

The trust is asking people not to go looking for the holt, as the animals are easily disturbed. It will share more footage over the summer.
`,
  },
  {
    headline: 'Retired engineers fix 600 bikes so pupils can ride to school',
    slug: 'retired-engineers-fix-600-bikes',
    dek: 'A Hollinsford workshop run by volunteers in their seventies is turning donated wrecks into free bikes for children.',
    format: 'speed-read',
    section: 'good-news',
    tags: ['Communities', 'Education', 'Hollinsford'],
    authors: ['ayo-brennan'],
    daysAgo: 5,
    hour: 8,
    editorsPick: false,
    body: `
## What happened

A group of retired engineers in Hollinsford has repaired and given away its 600th bicycle, three years after starting in a borrowed garage. The Spoke Shed, as it is known, collects bikes that people no longer want, many rescued from skips and sheds, and fixes them up for pupils at the town's schools whose families cannot afford one. Each bike comes with a helmet, a lock, lights and a short course on how to mend a puncture.

## How it started

The idea came from a former railway engineer, Dennis Achebe-Lowe, who noticed that the bike racks at his granddaughter's school were almost empty. "Half the children lived within two miles," he said. "They were getting driven because they had nothing to ride." He put a notice in the post office asking for unwanted bikes and fellow volunteers; both arrived in greater numbers than he expected.

The shed now has fourteen regular volunteers, the youngest of them 67, who work three mornings a week in a unit lent by the council.

## What difference has it made?

At two primary schools, the share of pupils cycling to school has tripled. Teachers say children arrive more awake, and the traffic jam at the school gate has noticeably shrunk.

## What next?

The volunteers are now teaching older pupils to repair bikes themselves, with the aim of handing the workshop over to them "before we are all too creaky to bend down".
`,
  },
  {
    headline: 'Seagrass meadow off Kelmscot Bay has doubled in size',
    slug: 'seagrass-meadow-off-kelmscot-bay-doubles',
    dek: 'Four years after volunteers began planting seeds by hand, an underwater meadow is spreading on its own.',
    format: 'speed-read',
    section: 'good-news',
    tags: ['Nature', 'Oceans', 'Climate'],
    authors: ['ruth-kettleby'],
    daysAgo: 12,
    hour: 11,
    editorsPick: false,
    body: `
## What happened

A seagrass meadow in the shallow waters off Kelmscot Bay has doubled in size in two years, according to a survey by divers and marine scientists. The meadow now covers about eleven hectares, up from just over five. Much of the new growth comes from plants that have spread naturally from patches seeded by volunteers, a sign that the restoration has passed the point where it needs constant help.

## Why it matters

Seagrass is one of the most useful plants in the sea. Its meadows shelter young fish, including species caught commercially, as well as seahorses and cuttlefish. Its roots stabilise sand and reduce coastal erosion, and it stores carbon in the seabed many times faster, area for area, than a forest on land.

Most of the seagrass around our coasts has been lost over the past century, to disease, pollution and damage from boat anchors and moorings.

## How they did it

Volunteers, including local schoolchildren, collected seeds from the few remaining plants each summer, and then sowed them in small hessian bags dropped onto the seabed. The harbour authority replaced traditional moorings with "eco-moorings" that float above the seabed instead of scraping across it.

## What next?

The team wants to link the Kelmscot meadow with a smaller one three miles along the coast, creating a single stretch of habitat. Local fishermen, initially sceptical, now report more young fish inshore.
`,
  },
  {
    headline: 'Cresswell Haven’s “library of things” lends its 10,000th item',
    slug: 'cresswell-haven-library-of-things-10000th-loan',
    dek: 'Drills, tents, sewing machines and a much-borrowed chocolate fountain: a town’s shared cupboard reaches a milestone.',
    format: 'speed-read',
    section: 'good-news',
    tags: ['Communities', 'Libraries', 'Cresswell Haven'],
    authors: ['ayo-brennan'],
    daysAgo: 17,
    hour: 10,
    editorsPick: false,
    body: `
## What happened

A "library of things" in Cresswell Haven has made its 10,000th loan. Run by volunteers from a converted ice-cream kiosk by the harbour, the library lends out about 450 items that most households need only occasionally: drills, ladders, carpet cleaners, camping gear, party supplies, a sewing machine and a pressure washer that is, according to the volunteers, "booked solid every spring". Members pay what they can, from nothing to £30 a year.

The milestone loan was a wallpaper steamer, borrowed by a couple doing up their first home.

## Why it works

The average power drill, the organisers point out, is used for about fifteen minutes in its whole life. Sharing saves money, space and a surprising amount of waste. The library estimates that its members have avoided buying more than six tonnes of stuff since it opened.

It has also become something of a social hub. "People come in for a gazebo and stay for half an hour," said one volunteer, Pippa Oyelaran. Experienced members run free repair and "how to use it" sessions on Saturday mornings.

## Most popular item

A chocolate fountain, donated by a local hotel, has been borrowed 212 times, mostly for children's birthday parties and, memorably, one wedding.

## What next?

The volunteers have helped set up similar libraries in two nearby towns and are publishing a free guide for anyone who wants to start one.
`,
  },
  {
    headline: 'Recommends: five country walks that end at a very good café',
    slug: 'recommends-five-walks-that-end-at-a-cafe',
    dek: 'Short enough for a Sunday morning, long enough to earn the cake.',
    format: 'recommends',
    section: 'good-news',
    tags: ['Travel', 'Nature', 'Food'],
    authors: ['ayo-brennan', 'colm-fairweather'],
    daysAgo: 23,
    hour: 9,
    editorsPick: false,
    body: `
A walk is better with a destination, and the best destination is a table with a pot of tea on it. Here are five of our favourites, all under six miles, all suitable for reasonably fit walkers in decent shoes.

## 1. The Tarn towpath, Aldermoor (4 miles)

Follow the river upstream from the suspension bridge through water meadows and a beech wood, keeping an eye out for kingfishers, and (if you are very lucky) otters. Finish at the **Lock Keeper's Cottage**, whose scones are the size of a fist.

## 2. Harrow Fell circuit (5.5 miles)

A proper climb, rewarded with views across three counties on a clear day. The path down drops straight into the village of Fellside and the **Old Forge Tearoom**, which has a wood-burner and an honesty shelf of second-hand books.

## 3. Cresswell Haven harbour and saltmarsh (3 miles)

Flat and easy, following the sea wall around the saltmarsh and back through the town. Good for families and for birdwatchers in winter. End at the **Bakehouse** for a cardamom bun, if there are any left.

## 4. The Eastmere drove roads (6 miles)

Old green lanes once used to drive cattle to market, now quiet, broad grassy tracks between hedges full of blackberries in September. The walk ends at the **Pumping Station Café**, in the restored engine house, which serves soup in enamel mugs.

## 5. Millbrook and the three bridges (3.5 miles)

A gentle loop crossing the brook by a packhorse bridge, a clapper bridge and a slightly alarming rope bridge built by the local scouts. Finish at **Dot's**, on the market square, where the lemon drizzle has a devoted following.

**Our tip:** most of these cafés close by four, and several are shut on Mondays. Check before you set out, and take cash for the smaller ones.
`,
  },
  {
    headline: 'Is the hedgehog turning a corner?',
    slug: 'is-the-hedgehog-turning-a-corner',
    dek: 'After decades of decline, there are signs that hedgehogs are holding their own in towns. Gardeners may deserve much of the credit.',
    format: 'the-explainer',
    section: 'good-news',
    tags: ['Nature', 'Communities', 'Hollinsford'],
    authors: ['ruth-kettleby', 'ayo-brennan'],
    daysAgo: 26,
    hour: 8,
    editorsPick: true,
    body: `
The hedgehog is one of the country's best-loved animals and, for most of the past half-century, one of its most troubling conservation stories. Its numbers have fallen steeply. But recent surveys contain a surprise: in towns, at least, the decline appears to have slowed and in places reversed.

## How bad was the decline?

Counting hedgehogs is hard; they are small, nocturnal and shy. But every long-running survey, from counts of animals killed on roads to sightings recorded by volunteers, points the same way. In the countryside, numbers have fallen dramatically since the 1990s, by well over half on many estimates.

## Why did they decline?

There is no single cause, but the main suspects are:

- **Loss of habitat.** Hedgerows have been removed and fields enlarged, leaving fewer places to nest and forage.
- **Fewer insects.** Hedgehogs eat beetles, caterpillars and worms, and the abundance of many insects has fallen.
- **Roads.** Hedgehogs roam more than a mile a night looking for food and mates, and many are killed crossing roads.
- **Badgers.** Badgers eat hedgehogs and compete with them for food. Where badgers are common, hedgehogs tend to be scarce.

## So what is happening in towns?

The latest surveys suggest that in urban and suburban areas, hedgehog numbers have stabilised and in some places risen. Researchers are cautious, because the data are patchy, but the trend has been consistent enough to raise hopes.

Towns turn out to have some advantages. There are fewer badgers, gardens provide plenty of cover and food, and hedgehogs benefit from a great deal of human goodwill.

## What are people doing?

A lot, as it turns out.

- **Hedgehog highways.** A hedgehog needs to move between gardens, but solid fences stop it. Cutting a hole about the size of a CD at the bottom of a fence or wall reconnects territory. In Hollinsford, residents have made more than 1,200 such holes, each marked with a small painted sign.
- **Wilder gardens.** Leaving a corner to grow long, with a log pile and fallen leaves, provides insects to eat and places to nest and hibernate.
- **Safer gardens.** Checking long grass before strimming, covering drains and giving ponds a ramp or sloping side so that a hedgehog that falls in can climb out.
- **Food and water.** A shallow dish of water helps in dry weather. Meaty cat or dog food, or specialist hedgehog food, can help, though never milk or bread, which make hedgehogs ill.

## Is the job done?

Far from it. The rural decline has not turned around, and a stable town population is still far smaller than the one the country had a few decades ago. Conservationists say the next challenge is reconnecting the countryside: restoring hedgerows, leaving field margins uncultivated, and building wildlife crossings under busy roads.

## Why it matters

Hedgehogs are what ecologists call an indicator species: when they do well, it is usually a sign that the insects, soil and plants around them are doing well too. A hedgehog snuffling across the lawn at dusk is more than a charming sight. It is a small piece of evidence that the places we live in can still make room for wildlife.
`,
  },
  // ---------------------------------------------------------------- Politics and home
  {
    headline: 'Eastmere voters back a council tax rise to save their buses',
    slug: 'eastmere-voters-back-council-tax-rise-for-buses',
    dek: 'In a rare local referendum, 58 per cent agreed to pay more to keep rural bus routes running.',
    format: 'speed-read',
    section: 'politics',
    tags: ['Local government', 'Transport', 'Elections'],
    authors: ['tobias-quayle'],
    daysAgo: 15,
    hour: 7,
    editorsPick: false,
    body: `
## What happened

Voters in Eastmere have approved a council tax rise of 6 per cent, above the level that would normally trigger a referendum, to protect the region's rural bus network. The yes campaign won 58 per cent of the vote on a turnout of 39 per cent, high for a local poll. The extra money, about £9m a year, will keep twenty-three routes that the council said it would otherwise have to cut, and restore Sunday services on eight.

## What the commentators said

*The Morning Lantern* hailed "a vote for the idea that some things are worth paying for". The bus routes serve many older people and teenagers who cannot drive, and the campaign was led by a coalition of sixth-formers and pensioners.

The *Courier-Standard* struck a warier note. Ratepayers had been "asked to rescue a service the council had let wither", and the result might tempt other councils to push for bigger rises rather than finding savings.

Writing in the *Civic Review*, Felix Abernethy said the real lesson was that people will accept higher taxes when they can see exactly what they are buying. "Nobody has ever won a referendum on 'general pressures'."

## What next?

The first restored Sunday services start next month. Two neighbouring councils have said they are considering referendums of their own.
`,
  },
  {
    headline: 'Who empties your bins? A guide to the layers of local government',
    slug: 'guide-to-the-layers-of-local-government',
    dek: 'County, district, unitary, parish: who is responsible for what, and why it is so confusing.',
    format: 'the-explainer',
    section: 'politics',
    tags: ['Local government', 'Elections'],
    authors: ['tobias-quayle'],
    daysAgo: 27,
    hour: 9,
    editorsPick: false,
    body: `
If you have ever reported a pothole to the wrong council, you are in good company. Local government in this country is a patchwork, and who does what depends on where you live. Here is a guide.

## Why so many councils?

Largely history. Local government has been reorganised repeatedly, and rarely all at once. The result is that some areas have one council that does everything, while others have two or even three tiers, each with different jobs.

## The two-tier areas

In much of the countryside, there are two main councils.

- **The county council** runs the big, expensive services: schools, social care for adults and children, roads and transport, libraries and waste disposal.
- **The district council** (sometimes called a borough or city council) handles more local services: bin collections, planning applications, housing, council tax collection, parks, leisure centres and environmental health.

Notice the split on rubbish: the district empties your bin, but the county decides what happens to the contents afterwards. This is why recycling rules can seem so baffling.

## The one-tier areas

Many cities and a growing number of rural areas have a **unitary authority**, which does the jobs of both county and district. Larger city regions may also have a **combined authority**, often led by an elected mayor, which takes on strategic matters such as transport and economic development across several councils.

## And parish councils?

Beneath all of these, many villages and small towns have a **parish or town council**. They have modest powers and budgets, raised through a small addition to council tax, and look after things like allotments, bus shelters, village greens, benches and, sometimes, community halls. They are often the first port of call for residents with a local gripe, even when they cannot fix it themselves.

## Where does the money come from?

Councils are funded by a mixture of council tax, a share of business rates, fees and charges (such as parking), and grants from central government. The proportions vary a great deal. A council with many expensive-to-care-for older residents and a small tax base relies much more on government grants than a prosperous suburban district.

The biggest and fastest-growing costs are social care and support for children with special educational needs. Because councils are legally required to provide these, other services, including libraries, parks and bus subsidies, are often cut first when money is short.

## How do I find out who is responsible?

The simplest way is to search for your postcode on any council website: most will tell you which councils cover your address. For a pothole, try the county or unitary council; for a missed bin collection, the district or unitary. Parish councils will usually point you in the right direction if you ask, and many councils now have apps for reporting problems with a photograph and a location.

## Why does it matter?

Because local elections decide who runs services people use every day, and turnout is often below a third. Knowing which council does what makes it easier to hold the right people to account, and to vote for them, or against them, accordingly.
`,
  },
  {
    headline: 'Storm Ivo leaves thousands without power in the north-west',
    slug: 'storm-ivo-leaves-thousands-without-power',
    dek: 'Gusts of more than 80mph brought down trees and power lines, and closed bridges and railway lines across the region.',
    format: 'speed-read',
    section: 'national',
    tags: ['Weather', 'Energy', 'Transport'],
    authors: ['maren-oakes'],
    daysAgo: 6,
    hour: 7,
    editorsPick: false,
    body: `
## What happened

Storm Ivo swept across the north-west overnight, with gusts of up to 84mph recorded on exposed coasts. About 70,000 homes lost power at the height of the storm, most of them in rural areas where overhead lines were brought down by falling trees. Several main roads were closed, the coastal railway line was suspended after debris was blown onto the tracks, and the harbour at Kelmscot Bay saw waves breaking over the sea wall. No serious injuries have been reported.

## What the papers said

The *Northern Beacon* praised the engineers who worked through the night to reconnect homes, and the farmers who turned out with tractors to clear roads.

The *Courier-Standard* asked why, after several severe storms in recent winters, so many power lines in rural areas remain above ground. Burying them is expensive, the paper conceded, "but so is leaving pensioners without heat for three days".

The *Daily Packet* led with a trampoline that was blown across four gardens in Millbrook before landing, undamaged, on a greenhouse.

## What next?

Most homes should be reconnected by tonight, though the network operator warned that some remote properties could wait until the weekend. Forecasters say the rest of the week will be blustery but calmer.
`,
  },
  // ---------------------------------------------------------------- Scheduled (the scheduler publishes these)
  {
    headline: 'Recommends: The Glass Orchard, a play about sisters and an inheritance',
    slug: 'recommends-the-glass-orchard',
    dek: 'A funny, furious family drama that transfers from a tiny fringe theatre to the Eastmere Playhouse this week.',
    format: 'recommends',
    section: 'culture',
    tags: ['Theatre', 'Fiction'],
    authors: ['colm-fairweather'],
    daysAgo: -1,
    hour: 6,
    editorsPick: false,
    body: `
*The Glass Orchard* by Tamsin Achterley, Eastmere Playhouse, until the end of next month

Three sisters meet in their late father's greenhouse, the one he spent forty years filling with fig trees and tomato vines, to decide what to do with the family nursery. The eldest wants to sell. The middle one wants to keep it going. The youngest, who actually looked after their father in his last years, would quite like someone to ask her.

It is a familiar set-up, and Tamsin Achterley knows it. What makes *The Glass Orchard* special is how funny it is: the first half plays almost as farce, with a prospective buyer who keeps turning up at the wrong moment and a will that nobody can find. Then, without any change of pace, the jokes start to cut, and by the interval you realise you have been watching a play about grief all along.

The three leads are excellent, the youngest sister especially, given a long monologue in the second half about watering the plants at 3am that silenced the whole theatre. The set, a real glass house with real plants that visibly wilt under the lights as the evening goes on, is a small marvel.

The ending is a little too neat, but that is a quibble. This is the best new play we have seen in a long time, and a deserved transfer from the fringe. Tickets for the smaller Eastmere venue went quickly; book now.

**Best for:** anyone with siblings. **Bring:** tissues, for the second half.
`,
  },
  {
    headline: 'Service charges, explained: who actually gets the tip?',
    slug: 'service-charges-explained-who-gets-the-tip',
    dek: 'Tipping rules have changed. Here is what happens to the 12.5 per cent at the bottom of your restaurant bill.',
    format: 'the-explainer',
    section: 'business',
    tags: ['Money', 'Work', 'Food'],
    authors: ['dev-ramaswamy'],
    daysAgo: -2,
    hour: 8,
    editorsPick: false,
    body: `
You have finished your meal, the bill arrives, and there at the bottom is a line you did not order: "discretionary service charge, 12.5 per cent". Who gets that money, and do you have to pay it?

## Do I have to pay?

A discretionary or optional service charge is exactly that: optional. If you were unhappy with the service, you can ask for it to be removed, and the restaurant should do so. A mandatory service charge is different, but it must be made clear before you order, usually on the menu, and it is unusual for smaller groups.

## Why 12.5 per cent?

There is no law setting the figure. Ten per cent was the norm for decades; 12.5 per cent crept in first at smarter city restaurants and has spread outwards, helped by card machines that suggest it as the default. Some places now suggest 15 per cent. Restaurateurs argue that the charge reflects rising wages and costs; critics say it is a way of raising prices without changing the menu.

## Where does the money go?

Until recently, the honest answer was "it depends". Some restaurants passed every penny to staff; others kept part of it to cover costs, or deducted administrative fees. Tips paid by card were particularly easy to divert, because they went into the business's bank account first.

The rules have now been tightened. Employers must pass on all tips, gratuities and service charges to workers, without deductions, whether customers pay in cash or by card. They must have a written policy on how tips are shared out, make it available to staff, and pay tips out by the end of the month after they were received.

## Who shares in it?

Usually not only the person who served you. Many restaurants operate a "tronc", a pooled fund shared among front-of-house and kitchen staff according to an agreed formula. That means the chef and the washer-up, whom you never see, also benefit. Owners who work in the business can only receive a share for the work they actually do alongside their staff.

## Should I tip on top of a service charge?

There is no need. If the service charge is on the bill, that is the tip. If you want to reward a particular person, cash handed directly to them is the surest way for them to receive it, although under most tronc policies it should still be declared and shared.

## What about takeaways and cafés?

Tipping is much less expected at counters and for deliveries, and card machines that prompt for a tip before you have been served are an increasing source of irritation. The same rules apply, though: any tips collected must go to the workers.

## The bottom line

The service charge is now, by law, the staff's money. If you are happy with the service, paying it is the simplest way to make sure the people who looked after you are rewarded. If you are not, you are entitled to say so, and to ask for it to be taken off.
`,
  },
  // ---------------------------------------------------------------- Draft (visible only in the newsroom)
  {
    headline: 'Week in review: bridges, ballots and a very bright comet',
    slug: 'week-in-review-draft',
    dek: 'Notes towards Saturday’s round-up of the week; not for publication yet.',
    format: 'speed-read',
    section: 'politics',
    tags: ['Week in review'],
    authors: ['maren-oakes'],
    daysAgo: 0,
    hour: 16,
    editorsPick: false,
    status: 'draft',
    body: `
## Running order (provisional)

1. Aldermoor bridge: reopened to walkers. Check the date for the public meeting on repairs.
2. Estravia: coalition talks. Ines to file by Friday noon.
3. New towns: councils' responses so far. Tobias to update the count of judicial reviews.
4. Four-day week: final report. Dev has the full figures.
5. Good news: the otters, and the seagrass follow-up if Ruth gets the survey maps.

## To do

- A line on the comet forecast for the weekend: still on track?
- Pick of the week from Colm.
- Reader letters: the bus referendum drew more post than anything this month.
`,
  },
];

export const publicationDescription =
  'The day’s news from every side, in a few minutes. An independent digest of what happened and what everyone is saying about it.';

export const demo = { formats, sections, authors, articles, publicationDescription };
