// What a new publication starts with: the demo publication (unless DEMO_CONTENT=false) and the default
// newsletters (always). Safe to run on every start: each part does nothing once it is there. `serve`
// runs it after migrating; `newsdesk setup` runs it when creating the embedded database.
import type { Deps } from '../deps.ts';
import { seedDemo } from '../demo/seed.ts';
import { demoStoryLinks, seedDemoWire } from '../demo/wire.ts';
import { clusterPending } from '../newswire/stories/live.ts';
import { seedNewsletters } from '../newsletters/newsletters.ts';
import { seedDemoWireArticles } from '../demo/wire-articles.ts';

export async function seedPublication(deps: Deps, say?: (line: string) => void): Promise<void> {
  if (deps.config.demoContent) {
    const r = await seedDemo(deps.db, { now: deps.clock.now(), timeZone: deps.config.timeZone });
    if (r.seeded) {
      deps.log.info('added the demo publication', { articles: r.articles });
      say?.(`Added the demo publication (${r.articles} articles). Set DEMO_CONTENT=false to start empty.`);
      // The demo's wire comes with the demo publication only (never into a real one on upgrade).
      const w = await seedDemoWire(deps.db, deps.clock.now(), deps.config.timeZone);
      if (w.outlets) {
        // Its items into stories now, so the Stories screen has today's ranking at once.
        const c = await clusterPending(deps);
        // Our demo articles on an event the wire covers link to its story (story_key = the story's slug).
        for (const l of demoStoryLinks()) {
          await deps.db.query(
            `UPDATE articles SET story_key = s.slug FROM (
               SELECT st.slug FROM wire_items i JOIN wire_stories st ON st.id = i.story_id WHERE i.url LIKE '%' || $2
                GROUP BY st.slug ORDER BY count(*) DESC LIMIT 1) s
              WHERE articles.story_key = $1`,
            [l.storyKey, l.urlSuffix],
          );
        }
        // Our own articles on two of its stories: "How it was covered", /story/{slug}, the digest's lead.
        const linked = await seedDemoWireArticles(deps.db, deps.clock.now());
        deps.log.info('added the demo newswire', { ...w, clustered: c.clustered, linked });
      }
    }
  }
  // The newsletters are the publication's defaults, seeded also without demo content.
  if ((await seedNewsletters(deps.db)).seeded) deps.log.info('added the default newsletters');
}
