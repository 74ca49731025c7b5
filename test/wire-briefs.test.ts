// "Draft a brief" end to end (issue 12, part 4): the newsroom's POST /admin/stories/:id/brief (CSRF)
// and the Admin API's POST /api/admin/stories/{id}/brief create a draft Speed Read linked to the
// story, quoting only text the items carry, attributed, escaped; a second request finds that draft.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { signedIn } from './helpers/newsroom.ts';
import { bridgeItems, seedStory, type SeedItem } from './helpers/wire-stories.ts';
import { DEMO_OUTLETS, seedDemoWire } from '../src/demo/wire.ts';
import { clusterPending } from '../src/newswire/stories/live.ts';
import { mergeStories, splitStory } from '../src/newswire/stories/decisions.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { getArticleById } from '../src/articles/queries.ts';
import { draftBrief } from '../src/newswire/briefs/draft.ts';
import { markdownToHtml, sanitizeHtml } from '../src/platform/sanitize.ts';

const t = await startTestApp({ now: '2026-03-10T12:00:00Z' });
const db = t.deps.db;
const T = { timeout: 60_000 };
const editorKey = (await createApiKey(db, { name: 'ed', kind: 'admin', role: 'editor' })).secret;

async function api(path: string, key = editorKey, method = 'POST') {
  const res = await fetch(t.url + path, { method, headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: await res.json() };
}

test('the newsroom drafts a brief from a story: a Speed Read draft, linked, quoting and attributing', T, async () => {
  const story = await seedStory(db, { slug: 'harbour-bridge-closed', title: 'Harbour Bridge closed after crack found' }, bridgeItems());
  const { c, staff } = await signedIn(t, 'brief-editor@example.com', 'editor', 'Brief Editor');
  // Without the session's CSRF token the post is refused and nothing is made.
  const forged = await c.request(`/admin/stories/${story.id}/brief`, { method: 'POST', form: { _csrf: 'forged' } });
  assert.equal(forged.status, 403);
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles WHERE story_key = $1`, [story.slug]))!.n, 0);

  const res = await c.post(`/admin/stories/${story.id}/brief`);
  assert.equal(res.status, 303);
  const m = /^\/admin\/articles\/(\d+)\?notice=brief_drafted$/.exec(res.headers.get('location') ?? '');
  assert.ok(m, res.headers.get('location') ?? 'no location');
  const a = (await getArticleById(db, Number(m[1])))!;
  assert.equal(a.status, 'draft');
  assert.equal(a.story_key, story.slug);
  assert.equal(a.format?.name, 'Speed Read');
  assert.equal(a.headline, 'Harbour Bridge closed after crack found');
  const owner = await db.one<{ created_by: number }>(`SELECT created_by FROM articles WHERE id = $1`, [a.id]);
  assert.equal(owner!.created_by, staff.id);
  // What happened, the three sides (none on the right), the sources with the outlets' own links.
  assert.match(a.body_html, /<h2>What happened<\/h2>/);
  assert.match(a.body_html, /40-centimetre crack/);
  assert.match(a.body_html, /From the left[\s\S]*From the center[\s\S]*From the right[\s\S]*No outlet on the right has covered this story yet\./);
  for (const it of bridgeItems()) assert.ok(a.body_html.includes(`href="${new URL(it.url).href}"`), `links to ${it.url}`);
  // Every quoted sentence is one an item carries.
  const texts = bridgeItems().flatMap((i) => [i.text, i.summary, i.title]).filter(Boolean).join(' \n ');
  for (const q of a.body_html.matchAll(/“([^”]+)”/g)) assert.ok(texts.includes(q[1]!.replace(/&amp;/g, '&')), `quoted verbatim: ${q[1]}`);
  // The newsroom's editor is Markdown: the body reads the same through it.
  assert.equal(markdownToHtml(a.body_source).replace(/\s+/g, ' ').trim(), sanitizeHtml(a.body_source).replace(/\s+/g, ' ').trim());
  const editor = await c.page(`/admin/articles/${a.id}?notice=brief_drafted`);
  assert.match(editor, /Brief drafted from the story’s coverage/);

  // Again: the same draft, not a second one.
  const again = await c.post(`/admin/stories/${story.id}/brief`);
  assert.equal(again.headers.get('location'), `/admin/articles/${a.id}?notice=brief_exists`);
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles WHERE story_key = $1`, [story.slug]))!.n, 1);
  // A story that is not there.
  assert.equal((await c.post('/admin/stories/999999/brief')).status, 404);
  assert.equal((await c.post('/admin/stories/abc/brief')).status, 404);
});

test('the Admin API drafts a brief (201), then answers with it (200); refusals are clear', T, async () => {
  const story = await seedStory(db, { slug: 'api-bridge', title: 'API bridge story' }, bridgeItems('2026-03-09').map((i) => ({ ...i, url: i.url + '?api' })));
  const first = await api(`/api/admin/stories/${story.id}/brief`);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.equal(first.body.meta.created, true);
  assert.equal(first.body.meta.story.slug, 'api-bridge');
  assert.equal(first.body.data.status, 'draft');
  assert.equal(first.body.data.story_key, 'api-bridge');
  assert.equal(first.body.meta.sources, 4);
  const second = await api(`/api/admin/stories/${story.id}/brief`);
  assert.equal(second.status, 200);
  assert.equal(second.body.data.id, first.body.data.id);
  assert.equal(second.body.meta.created, false);
  assert.equal((await api('/api/admin/stories/424242/brief')).status, 404);
  assert.equal((await api('/api/admin/stories/x/brief')).status, 404);
  assert.equal((await fetch(`${t.url}/api/admin/stories/${story.id}/brief`, { method: 'POST' })).status, 401);
  const empty = await seedStory(db, { slug: 'empty-story', title: 'Empty' }, []);
  const r = await api(`/api/admin/stories/${empty.id}/brief`);
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /no items/);
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM articles WHERE story_key = 'empty-story'`))!.n, 0);
  const doc = await (await fetch(t.url + '/api/openapi.json')).json();
  assert.ok(doc.paths['/api/admin/stories/{id}/brief']?.post);
});

test('a hostile story title and hostile item text are escaped in the draft and in the editor', T, async () => {
  const story = await seedStory(db, { slug: 'hostile', title: '<script>alert(1)</script> Senate passes bill' }, [
    { outlet: '<img src=x onerror=alert(2)>', lean: 'right', url: 'https://r.example/x?a=1&b=2', title: '<b>Senate</b> passes Clean Water bill', text: 'The Senate passed the Clean Water bill by 61 votes to 39 on Monday <script>alert(3)</script>. Critics said the bill went too far.', published: '2026-03-10T07:00:00Z' },
    { outlet: 'Center Post', lean: 'center', url: 'javascript:alert(4)', title: 'Senate passes Clean Water bill', text: 'The Senate passed the Clean Water bill on Monday by 61 votes to 39 after a long debate.', published: '2026-03-10T07:30:00Z' },
  ]);
  const r = await draftBrief(db, story.id, { now: new Date('2026-03-10T12:00:00Z') });
  assert.equal(r.article.headline, '<script>alert(1)</script> Senate passes bill');
  assert.doesNotMatch(r.article.body_html, /<script|<img|onerror=alert\(2\)>|javascript:|<b>Senate/);
  assert.match(r.article.body_html, /&lt;img src=x onerror=alert\(2\)&gt;/);
  const { c } = await signedIn(t, 'hostile-editor@example.com', 'editor');
  const page = await c.page(`/admin/articles/${r.article.id}`);
  assert.doesNotMatch(page, /<script>alert\(1\)|<img src=x/);
});

test('a brief leaves out the sentences an outlet repeats on its other stories (its stock framing), on the demo wire too', T, async () => {
  const stock = 'Observers noted that the region has seen many such announcements before.';
  const mk = (outlet: string, lean: SeedItem['lean'], slug: string, text: string, h: number): SeedItem => ({ outlet, lean, title: `${slug} news`, url: `https://${slug}.example/${outlet.length}/${h}`, text, published: `2026-03-09T0${h}:00:00Z` });
  await seedStory(db, { slug: 'museum-reopens', title: 'Museum reopens' }, [mk('Stock Outlet', 'left', 'museum', `The Lowther museum reopens on Friday after a two-year refit. ${stock}`, 1)]);
  await seedStory(db, { slug: 'ferry-fares', title: 'Ferry fares rise' }, [mk('Stock Outlet', 'left', 'ferry', `Ferry fares to the islands rise by 4 percent in April. ${stock}`, 2)]);
  const own = 'Parents at the school gate said the early closing would upend their mornings.';
  const story = await seedStory(db, { slug: 'school-hours', title: 'School hours change' }, [
    mk('Stock Outlet', 'left', 'school', `Schools in Lowther will open at 8.00 and close at 14.30 from September, the council said. ${stock} ${own}`, 3),
    mk('Other Centre', 'center', 'school', 'Schools in Lowther will open at 8.00 and close at 14.30 from September, the council said on Monday.', 4),
  ]);
  const r = await draftBrief(db, story.id);
  const quotes = [...r.draft!.whatHappened, ...r.draft!.perspectives.flatMap((p) => p.quotes ?? [])].map((q) => q.text);
  assert.ok(!quotes.includes(stock), JSON.stringify(quotes));
  assert.ok(!r.article.body_html.includes('many such announcements'));
  assert.ok(quotes.includes(own), 'the outlet\'s own line about the story is its perspective');

  // The demo wire: each demo outlet's framing sentence is on every one of its items, so on other stories.
  const demo = await startTestApp({});
  {
    await seedDemoWire(demo.deps.db, demo.clock.now(), 'UTC');
    await clusterPending(demo.deps);
    const stories = await demo.deps.db.query<{ id: number }>('SELECT id FROM wire_stories WHERE merged_into IS NULL AND item_count >= 3 ORDER BY item_count DESC, id LIMIT 3');
    assert.ok(stories.length >= 1);
    for (const s of stories) {
      const b = await draftBrief(demo.deps.db, s.id);
      for (const o of DEMO_OUTLETS) assert.ok(!b.article.body_html.includes(o.angle), `story ${s.id} quotes ${o.name}'s framing: ${o.angle}`);
      assert.ok(b.draft!.perspectives.some((p) => p.quotes?.length), `story ${s.id} still has perspectives`);
    }
  }
});

test('a split story’s shared lead is its own fact, not boilerplate: an outlet’s lead on both halves is quoted, its stock line on a genuinely other story is not', T, async () => {
  const lead = 'The Greyford dam on the river Lenn will be raised by six metres at a cost of 310 million, the water board said.';
  const stock = 'Readers can send us their tips at any time of the day.';
  const at = (h: number) => `2026-03-08T${String(h).padStart(2, '0')}:00:00Z`;
  const item = (outlet: string, lean: SeedItem['lean'], path: string, title: string, text: string, h: number): SeedItem => ({ outlet, lean, title, url: `https://${lean}.example/${path}`, text, published: at(h) });
  // The outlet's stock line is also on a story about something else entirely: that is its boilerplate.
  await seedStory(db, { slug: 'greyford-bus-depot', title: 'Bus depot closes' }, [item('Lenn Valley Post', 'left', 'depot', 'Depot closes', `The Greyford bus depot closes in May. ${stock}`, 1)]);
  const story = await seedStory(db, { slug: 'greyford-dam', title: 'Greyford dam to be raised' }, [
    item('Lenn Valley Post', 'left', 'dam', 'Dam to be raised by six metres', `${lead} ${stock}`, 2),
    item('Greyford Gazette', 'center', 'dam', 'Water board to raise Greyford dam', 'The water board will raise the Greyford dam on the river Lenn by six metres, at a cost of 310 million.', 3),
    // The outlet's update repeats its lead, then turns to the protest that an editor will split off.
    item('Lenn Valley Post', 'left', 'protest', 'Farmers protest at dam plan', `${lead} Farmers from Upper Lenn marched on the board’s offices on Sunday, saying their fields would flood.`, 5),
    item('Lenn Right Review', 'right', 'protest', 'Upper Lenn farmers march', 'Farmers from Upper Lenn marched on the water board’s offices on Sunday, saying their fields would flood.', 6),
  ]);
  const ids = await db.query<{ id: number }>(`SELECT id FROM wire_items WHERE url = ANY($1::text[]) ORDER BY id`, [['https://left.example/protest', 'https://right.example/protest']]);
  const protest = await splitStory(t.deps, { story: story.id, items: ids.map((r) => r.id), staffId: null });
  // Later the split-off story is merged into another one: its items (the lead among them) move on.
  const march = await seedStory(db, { slug: 'upper-lenn-march', title: 'Upper Lenn march' }, [item('Lenn Right Review', 'right', 'march', 'March on the board', 'Farmers from Upper Lenn marched again on Monday.', 7)]);
  await mergeStories(t.deps, { into: march.id, from: protest.id, staffId: null });

  const quotesOf = (r: Awaited<ReturnType<typeof draftBrief>>) => [...r.draft!.whatHappened, ...r.draft!.perspectives.flatMap((p) => p.quotes ?? [])];
  const dam = quotesOf(await draftBrief(db, story.id));
  assert.ok(dam.some((q) => q.outlet === 'Lenn Valley Post' && q.text === lead), `the outlet's lead is the dam story's own fact: ${JSON.stringify(dam)}`);
  assert.ok(!dam.some((q) => q.text === stock), 'its stock line, also on a genuinely other story, is still boilerplate');
  const other = quotesOf(await draftBrief(db, march.id));
  assert.ok(!other.some((q) => q.text === stock));
  assert.ok(other.some((q) => q.outlet === 'Lenn Valley Post'), `the other half quotes the outlet too: ${JSON.stringify(other)}`);
});
