// A small, known publication for tests (the demo content is tested on its own in demo.test.ts).
// Its articles are public (src/members/access.ts): the tests that use it are about reading, not the paywall;
// the paywall's tests make their own metered, members and paid articles.
import type { Db } from '../../src/db/index.ts';
import { createArticle, upsertAuthor, upsertFormat, upsertSection } from '../../src/articles/write.ts';

export async function seedFixtures(db: Db, now: Date) {
  await upsertFormat(db, { slug: 'speed-read', name: 'Speed Read', position: 1 });
  await upsertFormat(db, { slug: 'the-explainer', name: 'The Explainer', position: 2, weight: 1.3 });
  await upsertFormat(db, { slug: 'recommends', name: 'Recommends', position: 3, weight: 0.8 });
  await upsertSection(db, { slug: 'politics', name: 'Politics', description: 'Power and policy.', position: 1 });
  await upsertSection(db, { slug: 'science', name: 'Science', description: 'Discoveries.', position: 2 });
  await upsertAuthor(db, { slug: 'ada-quill', name: 'Ada Quill', bio: 'Politics editor.' });
  await upsertAuthor(db, { slug: 'ben-marsh', name: 'Ben Marsh', bio: 'Science writer.' });
  const h = (hours: number) => new Date(now.getTime() - hours * 3600_000);
  const a1 = await createArticle(
    db,
    {
      headline: 'Council approves the riverside tram line',
      slug: 'riverside-tram',
      dek: 'A decade of argument ends with a narrow vote.',
      body: 'The council voted **27 to 25** on Tuesday night to build the tram.\n\nSupporters said it would cut traffic; opponents said the cost was too high.\n\n## What happens next\n\nConstruction begins in the spring, and the first trams run in three years.',
      format: 'speed-read', section: 'politics', tags: ['Transport', 'Local government'], authors: ['ada-quill'],
      access: 'public', status: 'published', publishedAt: h(5), editorsPick: true, storyKey: 'tram',
    },
    { now },
  );
  const a2 = await createArticle(
    db,
    {
      headline: 'Why trams are back in fashion',
      slug: 'why-trams',
      dek: 'Cities are rediscovering an old technology.',
      body: 'Trams were ripped out of most cities in the 1950s.\n\nNow they are returning, for reasons of cost, capacity and air quality.',
      format: 'the-explainer', section: 'politics', tags: ['Transport'], authors: ['ada-quill', 'ben-marsh'],
      access: 'public', status: 'published', publishedAt: h(30), storyKey: 'tram',
    },
    { now },
  );
  const a3 = await createArticle(
    db,
    {
      headline: 'A comet will be visible this weekend',
      slug: 'comet-weekend',
      dek: 'Look north-east after dusk.',
      body: 'Astronomers say the comet will be bright enough to see without a telescope.',
      format: 'speed-read', section: 'science', tags: ['Space'], authors: ['ben-marsh'],
      access: 'public', status: 'published', publishedAt: h(72),
    },
    { now },
  );
  const a4 = await createArticle(
    db,
    {
      headline: 'Five podcasts about the night sky',
      slug: 'night-sky-podcasts',
      dek: 'Our pick of the best listening.',
      body: 'From beginners to experts, these shows explain what is above us.',
      format: 'recommends', section: 'science', tags: ['Space', 'Podcasts'], authors: ['ben-marsh'],
      access: 'public', status: 'published', publishedAt: h(24 * 10),
    },
    { now },
  );
  const draft = await createArticle(db, { headline: 'Secret draft', slug: 'secret-draft', body: 'Not yet.', authors: ['ada-quill'] }, { now });
  return { a1, a2, a3, a4, draft };
}
