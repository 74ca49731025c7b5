// The story clusterer (src/newswire/cluster) and `newsdesk wire cluster`: the B-cubed scorer on hand-made
// cases, determinism, incremental = batch, rebuilding from stored assignments, editors' constraints
// kept on re-cluster, the neutral title, the command's format and its errors, and a quality floor on
// the self-written fixture set.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LOW_FEATURES, StoryClusterer, clusterItems, defaultClusterOptions, streamOrder, type WireItem } from '../src/newswire/cluster/clusterer.ts';
import { scoreClustering } from '../src/newswire/cluster/metrics.ts';
import { parseItemLine, parseIsoDateTime, ItemLineError } from '../src/newswire/cluster/items.ts';
import { plainText } from '../src/platform/sanitize.ts';
import { cleanTitle, entities, isTitleCase, rawTokens, slugWords, stem, unshout } from '../src/newswire/cluster/text.ts';
import { evalSets } from '../bench/lib/cluster-eval.ts';

const T = { timeout: 60_000 };
const BIN = fileURLToPath(new URL('../bin/newsdesk.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/wire-cluster/stories.jsonl', import.meta.url));
const dir = fs.mkdtempSync(path.join(process.env.NEWSDESK_TEST_TMP ?? os.tmpdir(), 'wire-cluster-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

type Labelled = WireItem & { story: string };
const fixture: Labelled[] = fs
  .readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => {
    const o = JSON.parse(l);
    return { ...o, published: Date.parse(o.published) };
  });

/** A deterministic shuffle (the items' order must not matter). */
function shuffled<X>(a: X[], seed: number): X[] {
  const out = [...a];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const labels = (pairs: Array<[string, string | number]>) => new Map(pairs);

test('B-cubed and pairwise scores on hand-made clusterings', T, () => {
  const truth = labels([['a', 1], ['b', 1], ['c', 1], ['d', 2], ['e', 2]]);
  const perfect = scoreClustering(truth, labels([['a', 'x'], ['b', 'x'], ['c', 'x'], ['d', 'y'], ['e', 'y']]));
  assert.deepEqual([perfect.bcubed.precision, perfect.bcubed.recall, perfect.bcubed.f1], [1, 1, 1]);
  assert.deepEqual([perfect.pairwise.precision, perfect.pairwise.recall, perfect.pairwise.f1], [1, 1, 1]);

  // Everything in one story: recall 1; B-cubed precision = (3*3/5 + 2*2/5)/5 = 13/25.
  const one = scoreClustering(truth, labels([['a', 0], ['b', 0], ['c', 0], ['d', 0], ['e', 0]]));
  assert.equal(one.bcubed.recall, 1);
  assert.ok(Math.abs(one.bcubed.precision - 13 / 25) < 1e-12);
  assert.ok(Math.abs(one.pairwise.precision - 4 / 10) < 1e-12); // 3 + 1 true pairs of 10
  assert.equal(one.predictedStories, 1);

  // Every item alone: precision 1; B-cubed recall = (3 * 1/3 + 2 * 1/2)/5 = 2/5; no predicted pairs.
  const alone = scoreClustering(truth, labels([['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]]));
  assert.equal(alone.bcubed.precision, 1);
  assert.ok(Math.abs(alone.bcubed.recall - 2 / 5) < 1e-12);
  assert.equal(alone.pairwise.recall, 0);
  assert.equal(alone.pairwise.f1, 0);

  // One item of story 1 put with story 2: a, b right; c wrong.
  const mixed = scoreClustering(truth, labels([['a', 'p'], ['b', 'p'], ['c', 'q'], ['d', 'q'], ['e', 'q']]));
  // precision: a,b: 2/2; c,d,e: 1/3, 2/3, 2/3 -> (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15
  assert.ok(Math.abs(mixed.bcubed.precision - 11 / 15) < 1e-12);
  // recall: a,b: 2/3; c: 1/3; d,e: 2/2 -> (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = 11/15
  assert.ok(Math.abs(mixed.bcubed.recall - 11 / 15) < 1e-12);
  // Labels of different types are different stories ("1" is not 1).
  const typed = scoreClustering(labels([['a', 1], ['b', '1']]), labels([['a', 7], ['b', 7]]));
  assert.equal(typed.trueStories, 2);
  assert.throws(() => scoreClustering(truth, labels([['a', 1]])), /no prediction for item "b"/);
});

test('text features: clean-up, stems, Title Case, entities, slugs', T, () => {
  assert.equal(cleanTitle('UPDATE 2-McDonald\'s US sales continue to struggle - Reuters', 'Reuters'), "McDonald's US sales continue to struggle");
  assert.equal(cleanTitle('Stocks slip as investors eye Asia  ...'), 'Stocks slip as investors eye Asia');
  assert.equal(cleanTitle('Storm Odile batters the coast - BBC News', 'BBC'), 'Storm Odile batters the coast', 'the outlet\'s name and a word or two after it');
  assert.equal(cleanTitle('Senate passes the bill | CNN Politics', 'CNN'), 'Senate passes the bill');
  assert.equal(cleanTitle('Fed holds rates - The Hill', 'The Hill'), 'Fed holds rates');
  assert.equal(cleanTitle('Voters back the plan: Reuters poll', 'Reuters'), 'Voters back the plan: Reuters poll', 'after a colon, the outlet must end the headline');
  assert.equal(cleanTitle('Oil falls: Reuters', 'Reuters'), 'Oil falls');
  assert.equal(cleanTitle('Storm hits the coast - BBC weather forecasters say more rain is due', 'BBC'), 'Storm hits the coast - BBC weather forecasters say more rain is due', 'more than two words on: the headline\'s own');
  assert.equal(stem('bans'), 'ban');
  assert.equal(stem('banned'), 'ban');
  assert.equal(stem('cities'), 'city');
  assert.equal(stem('focus'), 'focus');
  // -ing, -ed, -s and a final e meet: "ruling", "rules", "ruled"; "announced", "announces"; "planning" is not "plane".
  for (const w of ['ruling', 'rules', 'ruled', 'rule']) assert.equal(stem(w), 'rule', w);
  assert.equal(stem('announced'), stem('announces'));
  assert.equal(stem('agreed'), stem('agrees'));
  assert.equal(stem('planning'), 'plan');
  assert.notEqual(stem('plane'), stem('plan'));
  // A country and its people are one name.
  assert.equal(stem('british'), stem('britain'));
  assert.equal(stem('israelis'), 'israel');
  for (const [people, place] of [['romanian', 'romania'], ['haitian', 'haiti'], ['filipinos', 'philippines'], ['portuguese', 'portugal']]) assert.equal(stem(people!), stem(place!), people);
  // A hyphenated name gives its parts too: "Kroger-Albertsons deal" names Kroger and Albertsons.
  const pair = entities(rawTokens('Judges block the Kroger-Albertsons deal'), false, () => 0);
  assert.ok(pair.includes('kroger') && pair.includes(stem('albertsons')) && pair.includes('kroger-' + stem('albertsons')), JSON.stringify(pair));
  assert.deepEqual(entities(rawTokens('Talks in Cairo as U.S. and British envoys meet on Monday'), false, () => 0), ['cairo', 'usa', 'uk']);
  assert.ok(isTitleCase(rawTokens('Neil Young Announces Launch Of Music Service')));
  assert.ok(!isTitleCase(rawTokens('Neil Young announces launch of a music service')));
  const e = entities(rawTokens('Rescuers search rubble after Port Aveline earthquake, says UN'), false, () => 0);
  assert.ok(e.includes('port avelin') && e.includes('un'), JSON.stringify(e));
  assert.ok(!e.includes('rescuer'), 'a sentence-initial capital is not a name');
  // A full stop the word took still ends the sentence; an abbreviation's or an initial's does not; a
  // capital after a semicolon is a name.
  const lead = entities(rawTokens('The utility approved the plan.\n\nCritics said Acme Inc. Chairman Bo Ray would gain.'), false, () => 0);
  assert.ok(!lead.includes('critic') && lead.includes(stem('acme')) && lead.includes('ray'), JSON.stringify(lead));
  assert.deepEqual(entities(rawTokens('Aid bill stalls. Sen. Warren and J. Smith object'), false, () => 0), ['warren', 'smith']);
  assert.deepEqual(entities(rawTokens('Extreme heat grips the Southwest; Phoenix hits 118 degrees'), false, () => 0), ['southwest', 'phoenix']);
  assert.deepEqual(slugWords('https://news.example/2026/05/06/harbour-line-freezes-ferry-fares-123456?x=1'), ['harbour', 'line', 'freez', 'ferry', 'fare']);
  assert.deepEqual(slugWords('https://news.example/a/123456789'), []);
});

test('the same input gives the same stories, whatever the order of the lines', T, () => {
  const a = clusterItems(fixture).assignments;
  const b = clusterItems(fixture).assignments;
  assert.deepEqual([...a], [...b]);
  for (const seed of [1, 2, 3]) {
    const c = clusterItems(shuffled(fixture, seed)).assignments;
    for (const it of fixture) assert.equal(c.get(it.id), a.get(it.id), `item ${it.id} with seed ${seed}`);
  }
  // Ties in time are broken by id, not by position: give every item the same time and shuffle.
  const flat = fixture.map((it) => ({ ...it, published: Date.parse('2026-05-06T00:00:00Z') }));
  const f1 = clusterItems(flat).assignments;
  const f2 = clusterItems(shuffled(flat, 9)).assignments;
  assert.deepEqual([...flat.map((i) => f1.get(i.id))], [...flat.map((i) => f2.get(i.id))]);
});

test('adding items one at a time equals the batch; rebuilding from stored assignments then resuming equals an uninterrupted run', T, () => {
  const batch = clusterItems(fixture).assignments;
  const ordered = [...fixture].sort(streamOrder);
  const live = new StoryClusterer();
  const seen: number[] = [];
  for (const it of ordered) {
    const r = live.add(it);
    assert.equal(r.created, !seen.includes(r.story), 'created exactly when the story is new');
    seen.push(r.story);
  }
  for (const it of fixture) assert.equal(live.storyOf(it.id), batch.get(it.id));
  // Adding an item again changes nothing (a replay after a crash).
  const again = live.add(ordered[3]!);
  assert.equal(again.story, batch.get(ordered[3]!.id));
  assert.equal(live.size, fixture.length);

  // Crash after 30 items were stored with their stories: restore those, cluster the rest.
  const cut = 30;
  const restored = new StoryClusterer();
  for (const it of ordered.slice(0, cut)) restored.restore(it, batch.get(it.id)!);
  for (const it of ordered.slice(cut)) restored.add(it);
  for (const it of fixture) assert.equal(restored.storyOf(it.id), batch.get(it.id), `item ${it.title}`);
});

test('expire frees old stories: their items keep their story and title, new items start new stories', T, () => {
  const c = new StoryClusterer();
  const t0 = Date.parse('2026-05-01T08:00:00Z');
  c.add({ id: 'a', title: 'Storm Odile batters the west coast of Kestria', published: t0 });
  c.add({ id: 'b', title: 'Storm Odile: rail lines closed on the west coast of Kestria', published: t0 + 3_600_000 });
  const s = c.storyOf('a')!;
  assert.equal(c.storyOf('b'), s);
  const title = c.story(s)!.title;
  assert.equal(c.expire(t0 + 10 * 86_400_000), 0, 'not yet: within twice the window');
  assert.equal(c.expire(t0 + 30 * 86_400_000), 1);
  assert.equal(c.story(s)!.title, title);
  assert.deepEqual(c.story(s)!.items, ['a', 'b']);
  const late = c.add({ id: 'c', title: 'Storm Odile batters the west coast of Kestria', published: t0 + 30 * 86_400_000 });
  assert.ok(late.created && late.story !== s);
});

test('remove forgets items: their story is recomputed from the rest, an emptied one is closed, and the statistics are as if they never came', T, () => {
  const ordered = [...fixture].sort(streamOrder);
  const outlet = ordered[0]!.outlet;
  const gone = ordered.filter((it) => it.outlet === outlet);
  const kept = ordered.filter((it) => it.outlet !== outlet);
  assert.ok(gone.length > 1 && kept.length > 10);
  const without = new StoryClusterer();
  for (const it of kept) without.add(it);
  // The outlet's items arrive after the others (in this order only, so that nothing they did changed
  // where the others went), then are removed.
  const withItems = new StoryClusterer();
  for (const it of kept) withItems.add(it);
  for (const it of gone) withItems.add(it);
  const before = new Map(kept.map((it) => [it.id, withItems.storyOf(it.id)]));
  const emptied = withItems.remove([...gone.map((it) => it.id), 'no-such-item']);
  for (const it of gone) assert.equal(withItems.storyOf(it.id), undefined, 'forgotten');
  assert.equal(withItems.size, kept.length);
  for (const id of emptied) assert.equal(withItems.story(id), undefined, 'an emptied story is not shown');
  for (const it of kept) {
    const s = withItems.story(before.get(it.id)!)!;
    assert.ok(s.items.includes(it.id));
    assert.ok(!s.outlets.includes(outlet!), 'the outlet is no longer among the story\'s');
  }
  // New items after the removal go where they go without the outlet's items ever having come.
  const probe = kept.slice(-5).map((it, i) => ({ ...it, id: `again-${i}` }));
  for (const it of probe) {
    const a = withItems.add(it);
    const b = without.add(it);
    assert.equal(a.created, b.created, `probe ${it.title}`);
    assert.deepEqual(withItems.story(a.story)!.items.filter((i) => !i.startsWith('again-')).sort(), without.story(b.story)!.items.filter((i) => !i.startsWith('again-')).sort());
  }
  // A story whose every item is removed takes no new item: a like one starts a story of its own.
  const lone = new StoryClusterer();
  const first = lone.add({ id: 'x', title: 'Storm Odile batters the west coast of Kestria', published: Date.parse('2026-05-01T08:00:00Z') });
  assert.deepEqual(lone.remove(['x']), [first.story]);
  const next = lone.add({ id: 'y', title: 'Storm Odile batters the west coast of Kestria', published: Date.parse('2026-05-01T09:00:00Z') });
  assert.ok(next.created && next.story !== first.story);
});

test('stories: a neutral working title, outlets, first and last seen', T, () => {
  const c = new StoryClusterer();
  const t0 = Date.parse('2026-05-06T08:00:00Z');
  const items: WireItem[] = [
    { id: 'a', title: 'SHOCKING: Harbour Line ferry fares FROZEN!', outlet: 'Loud Daily', published: t0 },
    { id: 'b', title: 'Harbour Line freezes ferry fares for a year after Calder Island protests', outlet: 'Morning Lantern', published: t0 + 3_600_000 },
    { id: 'c', title: 'Harbour Line ferry fares frozen after Calder Island protests', outlet: 'Civic Review', published: t0 + 7_200_000 },
  ];
  for (const it of items) c.add(it);
  const s = c.story(c.storyOf('a')!)!;
  assert.equal(c.storyOf('b'), s.id);
  assert.equal(c.storyOf('c'), s.id);
  assert.doesNotMatch(s.title, /SHOCKING|!/);
  assert.deepEqual(s.outlets, ['Civic Review', 'Loud Daily', 'Morning Lantern']);
  assert.equal(s.first, t0);
  assert.equal(s.last, t0 + 7_200_000);
  c.rename(s.id, '  Ferry fares frozen ');
  assert.equal(c.story(s.id)!.title, 'Ferry fares frozen');
  assert.throws(() => c.rename(s.id, '   '), /cannot be empty/);
});

test("editors' merges, splits and renames are kept when the items are clustered again", T, () => {
  const ordered = [...fixture].sort(streamOrder);
  const live = new StoryClusterer();
  for (const it of ordered) live.add(it);
  const of = (story: string) => fixture.filter((i) => i.story === story).map((i) => i.id);
  // The two storms are different stories; an editor decides they are one.
  const [odile, pablo] = [of('storm'), of('storm2')];
  const sOdile = live.storyOf(odile[0]!)!;
  const sPablo = live.storyOf(pablo[0]!)!;
  assert.notEqual(sOdile, sPablo);
  let merged = live.merge(sOdile, sPablo);
  for (const i of [...odile, ...pablo]) merged = live.merge(merged, live.storyOf(i)!);
  for (const i of [...odile, ...pablo]) assert.equal(live.storyOf(i), merged);
  // The quake story loses its aid item to a story of its own.
  const quake = of('quake');
  const aid = fixture.find((i) => i.story === 'quake' && /aid/.test(i.title))!;
  const sAid = live.split([aid.id]);
  assert.equal(live.storyOf(aid.id), sAid);
  for (const i of quake) if (i !== aid.id) assert.notEqual(live.storyOf(i), sAid);
  live.rename(live.storyOf(of('ferry')[0]!)!, 'Island ferry fares');
  const constraints = live.constraints();
  assert.deepEqual([...new Set(constraints.map((c) => c.kind))], ['merge', 'split', 'rename']);

  // Re-cluster from scratch (shuffled input) with the recorded decisions.
  const again = clusterItems(shuffled(fixture, 4), {}, JSON.parse(JSON.stringify(constraints)));
  const a = again.assignments;
  const mergedStory = a.get(odile[0]!);
  for (const i of [...odile, ...pablo]) assert.equal(a.get(i), mergedStory, 'merged items stay together');
  for (const i of quake) if (i !== aid.id) assert.notEqual(a.get(i), a.get(aid.id), 'the split item stays apart');
  assert.equal(again.clusterer.story(a.get(of('ferry')[0]!)!)!.title, 'Island ferry fares');
  // Without the constraints, the clusterer would have decided otherwise.
  const plain = clusterItems(fixture).assignments;
  assert.notEqual(plain.get(odile[0]!), plain.get(pablo[0]!));

  // A new item like the split one, arriving later, may join the split story but never the quake story.
  const late: WireItem = { id: 'late', title: 'International aid arrives in quake zone', published: Date.parse('2026-05-06T16:00:00Z') };
  const rc = new StoryClusterer({}, constraints);
  for (const it of ordered) rc.add(it);
  rc.add(late);
  assert.ok(rc.storyOf(late.id) !== undefined);
  assert.throws(() => live.split(['nope']), /unknown item "nope"/);
  assert.throws(() => live.merge(sOdile, 999_999), /unknown story 999999/);
});

test('quality floor on the self-written fixture set (B-cubed F1)', T, () => {
  const truth = new Map(fixture.map((i) => [i.id, i.story]));
  const r = scoreClustering(truth, clusterItems(fixture).assignments);
  assert.ok(r.bcubed.precision >= 0.9, `B-cubed precision ${r.bcubed.precision.toFixed(3)}`);
  assert.ok(r.bcubed.f1 >= 0.8, `B-cubed F1 ${r.bcubed.f1.toFixed(3)}`);
  // Far better than exact headline matching, which finds nothing here.
  assert.ok(r.pairwise.f1 >= 0.6, `pairwise F1 ${r.pairwise.f1.toFixed(3)}`);
});

test('quality floors on the self-written left/center/right stories (bench/lib/cluster-eval.ts), held-out split included', T, () => {
  // Invented outlet names, so the figures do not depend on ../shared. Floors sit below what the clusterer
  // reaches (docs/decisions/0042-clustering.md) so that a change that loses quality fails here.
  const floors: Record<string, number> = {
    // With the learned model of a join under the threshold (decision 0042, eighth round); before it, in
    // the same order: 0.837, 0.830, 0.956, 0.942, 0.862, 0.866, 0.857, 0.919, 0.875. The figures are those
    // with the word vectors' leading directions removed and the model retrained (decision 0085); before
    // that, in the same order: 0.868, 0.846, 0.963, 0.973, 0.865, 0.879, 0.875, 0.941, 0.888.
    'headlines dev': 0.84, // 0.873
    'headlines test': 0.815, // 0.852
    'lcr dev, over 30 days': 0.93, // 0.966
    'lcr test, over 30 days': 0.94, // 0.976
    'lcr dev, within one day': 0.875, // 0.910
    'lcr test, within one day': 0.85, // 0.880
    // Held out too, written in other headline styles (test/fixtures/wire-cluster-eval/styles.stories).
    'headlines styles': 0.845, // 0.875
    'lcr styles, over 30 days': 0.91, // 0.936
    'lcr styles, within one day': 0.86, // 0.894
    // Big stories as an aggregator lists them, headlines only (big-{dev,test}.stories; decision 0083):
    // far under the bar of issue 12, the floors hold what the clusterer reaches today.
    'aggregator dev': 0.545, // 0.574 (bridgeScore 0.12; 0.540 with 0.18)
    'aggregator test': 0.55, // 0.582 (bridgeScore 0.12; 0.541 with 0.18)
    // Dense streams: some 80 stories in two days, many sharing a name (dense-dev.stories; decision 0084).
    'dense dev': 0.755, // 0.784 (0.791 with bridgeScore 0.18, 0.805 with windowCommonFrom 1)
    'dense test': 0.755, // 0.783 (held out: dense-test.stories, written apart from dense dev)
  };
  const sets = evalSets(false);
  assert.deepEqual(sets.map((s) => s.name).sort(), Object.keys(floors).sort());
  for (const s of sets) {
    const r = scoreClustering(new Map(s.items.map((i) => [i.id, i.story])), clusterItems(s.items).assignments);
    assert.ok(r.bcubed.f1 >= floors[s.name]!, `${s.name}: B-cubed F1 ${r.bcubed.f1.toFixed(3)} under ${floors[s.name]}`);
    // Precision: 0.8 everywhere but the dense days, where many stories share a name (0.791 and 0.811 now, with bridgeScore 0.12).
    const pFloor = s.name.startsWith('dense') ? 0.77 : 0.8;
    assert.ok(r.bcubed.precision >= pFloor, `${s.name}: B-cubed precision ${r.bcubed.precision.toFixed(3)} under ${pFloor}`);
  }
});

test("a headline's first word can be a name; an outlet's second item on a story within hours counts less", T, () => {
  const t = Date.parse('2026-05-06T08:00:00Z');
  // These check the scores, so the rules decide under the threshold (no learned model, `lowModel`).
  const together = (items: WireItem[], o = {}) => {
    const a = clusterItems(items, { lowModel: null, ...o }).assignments;
    return a.get(items[0]!.id) === a.get(items[1]!.id);
  };
  // "Nvidia" opens both headlines: without it the names (Microsoft; Jensen Huang) differ and the gate shuts.
  const nvidia: WireItem[] = [
    { id: 'n1', title: 'Nvidia overtakes Microsoft as most valuable company', outlet: 'A', published: t },
    { id: 'n2', title: 'Nvidia most valuable company as Jensen Huang cheers', outlet: 'B', published: t + 3_600_000 },
  ];
  assert.ok(together(nvidia));
  // (With the gate at 0.3 rather than the default 0.6, so that a shut gate keeps them apart.)
  assert.ok(together(nvidia, { entityGate: 0.3 }));
  assert.ok(!together(nvidia, { initialName: 0, entityGate: 0.3 }));
  const odile: WireItem[] = [
    { id: 'o1', title: 'Storm Odile batters the west coast', outlet: 'Coast Post', published: t },
    { id: 'o2', title: 'Storm Odile: rail lines closed and flights cancelled', outlet: 'Coast Post', published: t + 2 * 3_600_000 },
  ];
  assert.ok(together(odile, { outletPenalty: 1 }));
  assert.ok(!together(odile, { outletPenalty: 0.01 }));
  // Another outlet, or the same one more than outletHours later, is not penalised.
  assert.ok(together([odile[0]!, { ...odile[1]!, outlet: 'Hill Times' }], { outletPenalty: 0.01 }));
  assert.ok(together([odile[0]!, { ...odile[1]!, published: t + 30 * 3_600_000 }], { outletPenalty: 0.01, outletHours: 24 }));
  assert.ok(!together([odile[0]!, { ...odile[1]!, published: t + 20 * 3_600_000 }], { outletPenalty: 0.01, outletHours: 24 }));
  // The outlet is who `outletKey` says (the live wire gives the outlet's id): renamed in between, still one outlet;
  // two outlets of one name are two.
  assert.ok(!together([{ ...odile[0]!, outletKey: '#7' }, { ...odile[1]!, outlet: 'Coast Post & Herald', outletKey: '#7' }], { outletPenalty: 0.01 }));
  assert.ok(together([{ ...odile[0]!, outletKey: '#7' }, { ...odile[1]!, outletKey: '#8' }], { outletPenalty: 0.01 }));
  // The outlet's own update of its item (a near-duplicate headline) is not penalised: that is how a
  // wire service refiles ("UPDATE 2-"); with the exception off, it is.
  const update: WireItem[] = [odile[0]!, { id: 'o3', title: 'UPDATE 1-Storm Odile batters the west coast, thousands without power', outlet: 'Coast Post', published: t + 3_600_000 }];
  assert.ok(together(update, { outletPenalty: 0.01 }));
  assert.ok(!together(update, { outletPenalty: 0.01, outletDuplicate: 0 }));
});

test('a name that many stories in the window hold is weak evidence on its own (windowCommon); a story sharing its own event words keeps its score', T, () => {
  const t = Date.parse('2026-05-06T08:00:00Z');
  const H = 3_600_000;
  // Two stories on two events hold "Biden"; a third event's headline shares only that name with them.
  const items: WireItem[] = [
    { id: 'r1', title: 'Biden vetoes bill to overturn rail safety rule', outlet: 'A', published: t },
    { id: 'r2', title: 'Biden sides with unions, vetoes rail bill', outlet: 'B', published: t + H },
    { id: 'r3', title: 'Senate falls short of votes to override Biden rail veto', outlet: 'C', published: t + 2 * H },
    { id: 's1', title: 'Biden blocks Nippon Steel takeover of U.S. Steel', outlet: 'D', published: t + 3 * H },
    { id: 's2', title: 'U.S. Steel shares tumble after Biden blocks Nippon deal', outlet: 'E', published: t + 4 * H },
    { id: 'x', title: 'Biden signs order', outlet: 'F', published: t + 5 * H },
    { id: 'y', title: 'Biden asylum order: migrants turned back at border', outlet: 'G', published: t + 6 * H },
    { id: 'z', title: 'Biden rail veto stands as override fails', outlet: 'H', published: t + 7 * H },
  ];
  // Over the threshold only (no rule or model under it), so the scores decide. Two stories hold the
  // name here: the discount starts above one (the default waits for more than three, decision 0083's note).
  const run = (o: object) => {
    const c = new StoryClusterer({ lowModel: null, lowThreshold: 0, loneThreshold: 0, bridgeScore: 0, windowCommonFrom: 1, ...o });
    return new Map(items.map((it) => [it.id, c.add(it)]));
  };
  const off = run({ windowCommon: 0 });
  assert.equal(off.get('x')!.story, off.get('r1')!.story, 'without the discount the order joins the rail veto on "Biden" alone');
  assert.ok(off.get('x')!.score >= defaultClusterOptions.threshold);
  const on = run({});
  assert.ok(on.get('x')!.created, 'with it, the order starts a story of its own');
  assert.equal(on.get('y')!.story, on.get('x')!.story, 'and its follow-up, sharing "order", joins it');
  // The rail story's own words beside the name: it joins, its score not discounted (windowCommonShare 0
  // discounts every common term, and the same story then scores it lower).
  assert.equal(on.get('z')!.story, on.get('r1')!.story);
  const always = run({ windowCommonShare: 0 });
  assert.ok(always.get('x')!.created);
  assert.ok(always.get('z')!.score < on.get('z')!.score);
});

test('an item whose best story is its only candidate joins it from loneThreshold; another story near it takes that away', T, () => {
  const t = Date.parse('2026-08-09T10:00:00Z');
  const a: WireItem = { id: 'a', title: 'Musk sues advertisers who fled X over hate speech', text: 'X Corp filed an antitrust lawsuit accusing the World Federation of Advertisers of an illegal boycott.', outlet: 'One', published: t };
  const b: WireItem = { id: 'b', title: 'World Federation of Advertisers shuts down brand safety group after X lawsuit', text: 'The industry group said its Global Alliance for Responsible Media would end its work.', outlet: 'Two', published: t + 3 * 3_600_000 };
  // Shares "brand safety group" with b only.
  const c: WireItem = { id: 'c', title: 'Brand safety group names its new chair', text: 'The group picked a former Unilever executive.', outlet: 'Three', published: t - 3_600_000 };
  // The other rules off (a threshold no pair reaches, no clear winner, no bridge): only the lone rule joins.
  const only = { threshold: 0.9, lowThreshold: 0, bridgeScore: 0, lowModel: null };
  const together = (items: WireItem[], o: object) => {
    const r = clusterItems(items, o).assignments;
    return r.get('a') === r.get('b');
  };
  assert.ok(together([a, b], only));
  assert.ok(!together([a, b], { ...only, loneThreshold: 0 }));
  assert.ok(!together([c, a, b], only), 'b has two candidates: a is not alone');
  assert.ok(!together([a, b], { ...only, loneThreshold: 0.95 }), 'under loneThreshold');
});

test('under the threshold the learned model decides (lowModel), in place of the lone and clear-winner rules', T, () => {
  const t = Date.parse('2026-08-09T10:00:00Z');
  const a: WireItem = { id: 'a', title: 'Musk sues advertisers who fled X over hate speech', text: 'X Corp filed an antitrust lawsuit accusing the World Federation of Advertisers of an illegal boycott.', outlet: 'One', published: t };
  const b: WireItem = { id: 'b', title: 'World Federation of Advertisers shuts down brand safety group after X lawsuit', text: 'The industry group said its Global Alliance for Responsible Media would end its work.', outlet: 'Two', published: t + 3 * 3_600_000 };
  const together = (o: object) => {
    const r = clusterItems([a, b], { threshold: 0.9, bridgeScore: 0, ...o }).assignments;
    return r.get('a') === r.get('b');
  };
  const bias = (z: number) => [z, ...new Array(LOW_FEATURES - 1).fill(0)];
  // The rules join b (the lone candidate); a model that never joins keeps it apart, whatever the rules say.
  assert.ok(together({ lowModel: null }));
  assert.ok(!together({ lowModel: bias(-1) }));
  // With every rule off, a model that always joins still joins.
  assert.ok(!together({ lowModel: null, lowThreshold: 0, loneThreshold: 0 }));
  assert.ok(together({ lowModel: bias(1), lowThreshold: 0, loneThreshold: 0 }));
  // The default is a model (bench/lib/cluster-train.ts), and a malformed one is a clear error.
  assert.equal(defaultClusterOptions.lowModel?.length, LOW_FEATURES);
  assert.throws(() => new StoryClusterer({ lowModel: [1, 2, 3] }), /lowModel: expected null or 19 finite numbers/);
  assert.throws(() => new StoryClusterer({ lowModel: bias(Number.NaN) }), /lowModel/);
});

test('an item that scores with two fragments of one story bridges them (merged, and reported); names that disagree keep them apart', T, () => {
  const t = Date.parse('2026-07-10T08:00:00Z');
  const H = 3_600_000;
  const items: WireItem[] = [
    { id: 'a', title: 'Phoenix swelters at 118 as climate change makes heat waves deadlier', outlet: 'A', published: t },
    { id: 'b', title: 'Heat wave bakes Southwest; officials urge residents to stay indoors', outlet: 'B', published: t + H },
    { id: 'x1', title: 'Storm Odile batters the west coast', outlet: 'C', published: t + H },
    { id: 'x2', title: 'Council approves new library budget', outlet: 'D', published: t + H },
    { id: 'c', title: 'Extreme heat grips the Southwest; Phoenix hits 118 degrees', outlet: 'F', published: t + 2 * H },
  ];
  // A threshold no item reaches and no clear-winner rule: only the bridge can join "c".
  const strict = { threshold: 0.9, lowThreshold: 0, lowModel: null };
  const run = (o: object) => {
    const c = new StoryClusterer({ ...strict, ...o });
    const out = items.map((i) => c.add(i));
    return { c, last: out[out.length - 1]! };
  };
  const on = run({});
  assert.equal(on.last.story, on.c.storyOf('a'));
  assert.equal(on.c.storyOf('b'), on.c.storyOf('a'));
  assert.deepEqual(on.last.merged, [2], 'the merged-away story is reported, for the live wire to merge its rows');
  assert.ok(on.last.score >= 0.18 && on.last.score < 0.9, `score ${on.last.score}`);
  assert.equal(on.c.story(2), undefined);
  const off = run({ bridgeScore: 0 });
  assert.notEqual(off.c.storyOf('c'), off.c.storyOf('a'));
  assert.notEqual(off.c.storyOf('a'), off.c.storyOf('b'));
  const namesApart = run({ bridgeItemNames: 0.95 });
  assert.notEqual(namesApart.c.storyOf('a'), namesApart.c.storyOf('b'));
  // An editor's split is never undone by a bridge.
  const c = new StoryClusterer(strict, [{ kind: 'split', items: ['b'], from: ['a'] }]);
  for (const i of items) c.add(i);
  assert.notEqual(c.storyOf('a'), c.storyOf('b'));
});

/**
 * Two same-day stories that share "EU" and "fine" (decision 0042, seventh round): the first Meta item
 * joins the Apple story under the threshold, the second Meta item follows it there over the threshold,
 * and only the seam keeps the two stories apart.
 */
const seamAt = (h: number, m = 0) => Date.parse('2026-09-28T00:00:00Z') + h * 3_600_000 + m * 60_000;
const twins: WireItem[] = [
  { id: 'a1', title: 'Spotify welcomes EU decision against Apple', text: 'Spotify said the European Commission had sent a powerful message in its decision on App Store rules.', outlet: 'Left Daily', published: seamAt(4, 46) },
  { id: 'm1', title: 'Meta fined 1.2 billion euros by EU privacy regulator', text: "Ireland's Data Protection Commission fined Meta a record 1.2 billion euros for transferring European users' data to the United States.", outlet: 'Center Wire', published: seamAt(4, 56) },
  { id: 'm2', title: 'Record EU fine for Meta over Facebook data transfers', text: 'Privacy groups said the penalty showed that Facebook had ignored European law for years.', outlet: 'Right Post', published: seamAt(9, 56) },
  { id: 'a2', title: 'Europe hits Apple with $2 billion fine for squeezing Spotify', text: 'EU regulators said Apple abused its dominance of the App Store to the detriment of music streaming rivals.', outlet: 'Center Times', published: seamAt(12, 13) },
];

test('a seam: a twin story that joined under the threshold is split off once its second item is there, and the split is reported', T, () => {
  const c = new StoryClusterer();
  const out = twins.map((i) => c.add(i));
  assert.deepEqual(out[1]!.seam, ['a1'], 'the low join opens a seam: the items the story held before it');
  assert.ok(out[1]!.score < 0.3, `m1 joined under the threshold (${out[1]!.score})`);
  assert.equal(out[1]!.story, out[0]!.story);
  assert.equal(out[2]!.story, out[0]!.story, 'm2 follows m1 into the joined story');
  assert.deepEqual(out[3]!.split, [{ from: out[0]!.story, story: 2, items: ['m1', 'm2'] }], 'the split, for the live wire to write');
  assert.equal(c.storyOf('a2'), c.storyOf('a1'));
  assert.equal(c.storyOf('m1'), 2);
  assert.equal(c.storyOf('m2'), 2);
  assert.deepEqual(c.story(2)!.items, ['m1', 'm2']);
  assert.deepEqual(c.story(1)!.items, ['a1', 'a2']);
  assert.deepEqual(c.constraints(), [], 'nothing is recorded as an editor\'s decision');
  // Without seams the four stay one story; with headlines alone (no lead on every item) no seam splits.
  const off = new StoryClusterer({ seamMin: 0 });
  for (const i of twins) off.add(i);
  assert.equal(new Set(twins.map((i) => off.storyOf(i.id))).size, 1);
  const bare = new StoryClusterer();
  for (const i of twins) bare.add({ ...i, text: i.id === 'a1' ? null : i.text });
  assert.ok(twins.every((i) => bare.storyOf(i.id) === bare.storyOf('a1')));
  // A new item of either story then joins its own.
  const m3 = c.add({ id: 'm3', title: 'Meta to appeal record EU privacy fine over Facebook data transfers', text: 'Meta said the Irish regulator had singled it out.', outlet: 'Right Post 2', published: seamAt(14) });
  assert.equal(m3.story, 2);
});

test("a seam never splits an editor's merge group, and seams are the same after a restart that restores them; the split is deterministic", T, () => {
  // An editor merged an Apple item with a Meta item: that story is never split.
  const merged = new StoryClusterer({}, [{ kind: 'merge', items: ['a1', 'm2'] }]);
  const out = twins.map((i) => merged.add(i));
  assert.ok(out.every((a) => a.split.length === 0));
  assert.equal(new Set(twins.map((i) => merged.storyOf(i.id))).size, 1);
  assert.deepEqual(merged.constraints(), [{ kind: 'merge', items: ['a1', 'm2'] }]);
  // Nor once an editor merges after the seam opened: the group is checked when the story grows.
  const later = new StoryClusterer();
  later.add(twins[0]!);
  later.add(twins[1]!);
  const m2 = later.add(twins[2]!);
  const other = later.add({ id: 'z', title: 'Council approves new library budget for Kestria', published: seamAt(10) });
  later.merge(m2.story, other.story);
  assert.deepEqual(later.add(twins[3]!).split, []);
  assert.equal(later.storyOf('m1'), later.storyOf('a2'));

  // Restart after three items: the stored assignments and the stored seam give the same split.
  const restored = new StoryClusterer();
  for (const i of twins.slice(0, 3)) restored.restore(i, 1);
  restored.restoreSeam('m1', ['a1']);
  assert.deepEqual(restored.add(twins[3]!).split, [{ from: 1, story: 2, items: ['m1', 'm2'] }]);
  const forgot = new StoryClusterer();
  for (const i of twins.slice(0, 3)) forgot.restore(i, 1);
  assert.deepEqual(forgot.add(twins[3]!).split, [], 'without its seam the story is not watched');

  // Deterministic: the same stories and seams whatever the order of the lines.
  const a = clusterItems(twins);
  for (const seed of [1, 2, 3, 4]) {
    const b = clusterItems(shuffled(twins, seed));
    assert.deepEqual([...twins.map((i) => b.assignments.get(i.id))], [...twins.map((i) => a.assignments.get(i.id))], `seed ${seed}`);
    assert.deepEqual([...b.seams], [...a.seams]);
  }
  assert.deepEqual([...a.seams], [['m1', ['a1']]]);
  assert.notEqual(a.assignments.get('m1'), a.assignments.get('a1'));
});

test('live arrival out of published order still finds the stories', T, () => {
  // Feeds deliver late: add the items in a shuffled order, as a live wire might receive them.
  const live = new StoryClusterer();
  for (const it of shuffled(fixture, 17)) live.add(it);
  const predicted = new Map(fixture.map((i) => [i.id, live.storyOf(i.id)!]));
  const r = scoreClustering(new Map(fixture.map((i) => [i.id, i.story])), predicted);
  assert.ok(r.bcubed.f1 >= 0.75, `B-cubed F1 ${r.bcubed.f1.toFixed(3)}`);
  assert.ok(r.bcubed.precision >= 0.9, `B-cubed precision ${r.bcubed.precision.toFixed(3)}`);
});

test('sentence vectors (decision 0081): ignored while the sentence family is off; with it on, items whose vectors agree join though their words barely do', T, () => {
  // A vector near axis k of 8 dimensions (the small second part keeps them from being exact copies).
  // The family rescores the stories the terms retrieve (one shared word here: "night"); it finds none.
  const near = (k: number, j: number) => Float32Array.from({ length: 8 }, (_, d) => (d === k ? 1 : d === (k + 1 + j) % 8 ? 0.1 : 0));
  const t0 = Date.parse('2026-11-20T08:00:00Z');
  const items: WireItem[] = [
    { id: 'a', title: 'Police officer shot during night patrol', published: t0, sentence: near(0, 1) },
    { id: 'b', title: 'Cop wounded by gunfire on night beat', published: t0 + 3_600_000, sentence: near(0, 2) },
    { id: 'c', title: 'Bakery wins award for sourdough loaf', published: t0 + 7_200_000, sentence: near(4, 1) },
  ];
  // A strict stream: no joins under the threshold (no learned model, no lone-candidate or clear-winner rule).
  const strict = { lowModel: null, loneThreshold: 0, lowThreshold: 0 };
  const off = clusterItems(items, strict).assignments;
  assert.notEqual(off.get('a'), off.get('b'), 'without the family the two wordings stay apart');
  // Vectors present and the family off: exactly the clustering without them.
  const withVectors = fixture.map((it, i) => ({ ...it, sentence: near(i % 8, 1) }));
  assert.deepEqual(clusterItems(withVectors).assignments, clusterItems(fixture).assignments);
  const on = clusterItems(items, { ...strict, sentence: 2, sentenceBase: 0.3 }).assignments;
  assert.equal(on.get('a'), on.get('b'), 'the vectors agree: one story');
  assert.notEqual(on.get('a'), on.get('c'));
});

test('input lines: every mistake named with its line', T, () => {
  assert.equal(parseItemLine('   ', 3), null);
  const ok = parseItemLine('{"id": 7, "title": "A", "published": "2026-05-06T08:00:00+02:00", "extra": 1}', 1)!;
  assert.equal(ok.item.id, '7');
  assert.equal(ok.rawId, 7);
  assert.equal(ok.item.published, Date.parse('2026-05-06T06:00:00Z'));
  const bad: Array<[string, RegExp]> = [
    ['{"id":', /line 5: not valid JSON/],
    ['[1,2]', /line 5: expected a JSON object/],
    ['{"title":"A","published":"2026-05-06T08:00:00Z"}', /line 5: "id" is missing/],
    ['{"id":"x","published":"2026-05-06T08:00:00Z"}', /line 5: item "x": "title" is missing/],
    ['{"id":"x","title":"A"}', /line 5: item "x": "published" is missing/],
    ['{"id":"x","title":"A","published":"May 6"}', /"published" is not an ISO 8601 date-time/],
    ['{"id":"x","title":"A","published":"2026-02-30T08:00:00Z"}', /"published" is not an ISO 8601 date/],
    ['{"id":"x","title":"A","published":"2026-05-06T25:00:00Z"}', /"published" is not an ISO 8601 date/],
    ['{"id":"x","title":"A","published":"2026-05-06T08:00:00+25:00"}', /"published" is not an ISO 8601 date/],
    ['{"id":"x","title":"A","published":"1746518400000"}', /"published" is not an ISO 8601 date/],
    ['{"id":"x","title":"A","published":"2026-05-06T08:00:00Z","url":5}', /"url" must be a string/],
  ];
  for (const [line, re] of bad) assert.throws(() => parseItemLine(line, 5), (e: unknown) => e instanceof ItemLineError && re.test(e.message), line);
  // Every ISO 8601 form a feed or a database dump gives is read; a time with no zone is UTC, and said so.
  const at = Date.parse('2026-05-06T06:00:00Z');
  const forms: Array<[string, number, boolean]> = [
    ['2026-05-06T06:00:00Z', at, true],
    ['2026-05-06t06:00z', at, true],
    ['2026-05-06 08:00:00+02', at, true],
    ['2026-05-06T01:30:00-0430', at, true],
    ['2026-05-06T06:00:00.250Z', at + 250, true],
    ['2026-05-06T06:00:00,5Z', at + 500, true],
    ['20260506T080000+0200', at, true],
    ['20260506T0600Z', at, true],
    ['2026-05-06T06:00:00', at, false],
    ['2026-05-06 06:00', at, false],
    ['2026-05-06', Date.parse('2026-05-06T00:00:00Z'), true],
    ['20260506', Date.parse('2026-05-06T00:00:00Z'), true],
  ];
  for (const [p, ms, zoned] of forms) {
    const r = parseItemLine(JSON.stringify({ id: 'x', title: 'A', published: p }), 1)!;
    assert.equal(r.item.published, ms, p);
    assert.equal(r.zoned, zoned, p);
  }
  assert.equal(parseIsoDateTime('2028-02-29')?.ms, Date.parse('2028-02-29T00:00:00Z'), 'a leap day');
  assert.equal(parseIsoDateTime('2026-02-29'), null);
});

function cli(args: string[], input?: string) {
  const dataDir = path.join(dir, 'data-should-not-exist');
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, cwd: dir, env: { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir } });
  assert.ok(!fs.existsSync(dataDir), 'an offline command creates no data directory');
  return r;
}

test('newsdesk wire cluster: one {"id","story"} line per input item, in input order, offline', T, () => {
  const file = path.join(dir, 'items.jsonl');
  fs.writeFileSync(file, fs.readFileSync(FIXTURE, 'utf8').replace(/"story": "[^"]*", /g, '').replace(/, "story": "[^"]*"/g, '') + '\n\n');
  const r = cli(['wire', 'cluster', 'items.jsonl']);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.length, fixture.length);
  out.forEach((o, i) => {
    assert.deepEqual(Object.keys(o), ['id', 'story']);
    assert.equal(o.id, fixture[i]!.id);
    assert.equal(typeof o.story, 'number');
  });
  const batch = clusterItems(fixture).assignments;
  for (const o of out) assert.equal(o.story, batch.get(o.id), 'the command clusters exactly as the library does');
  assert.equal(Math.min(...out.map((o) => o.story)), 1);
  // Same output again, and from standard input with the lines reversed.
  assert.equal(cli(['wire', 'cluster', file]).stdout, r.stdout);
  const reversed = fs.readFileSync(file, 'utf8').trim().split('\n').reverse().join('\n');
  const rs = cli(['wire', 'cluster', '-'], reversed);
  assert.equal(rs.status, 0, rs.stderr);
  const byId = new Map(rs.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((o) => [o.id, o.story]));
  for (const o of out) assert.equal(byId.get(o.id), o.story);
  // Numeric ids come back as numbers.
  const num = cli(['wire', 'cluster', '-'], '{"id": 12, "title": "Storm Odile batters the coast", "published": "2026-05-04T05:00:00Z"}\n');
  assert.equal(num.stdout, '{"id":12,"story":1}\n');
  // Help names the fields.
  const help = cli(['wire', 'cluster', '--help']);
  assert.match(help.stdout, /"published" \(ISO 8601/);
  // A time with no zone is read as UTC, with a note on standard error; the story is the same.
  const local = cli(['wire', 'cluster', '-'], '{"id": "a", "title": "Storm Odile batters the coast", "published": "2026-05-04T05:00:00"}\n{"id": "b", "title": "Storm Odile batters the coast", "published": "2026-05-04T06:00:00Z"}\n');
  assert.equal(local.status, 0, local.stderr);
  assert.equal(local.stdout, '{"id":"a","story":1}\n{"id":"b","story":1}\n');
  assert.match(local.stderr, /1 item\(s\) of standard input give a published time with no time zone; read as UTC/);
});

test('newsdesk wire cluster: bad lines, duplicate ids, a missing file and a missing argument are clear errors', T, () => {
  const file = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(
    file,
    [
      '{"id":"a","title":"Storm Odile batters the coast","published":"2026-05-04T05:00:00Z"}',
      '{"id":"b","title":"No time"}',
      'not json',
      '{"id":"a","title":"Again","published":"2026-05-04T06:00:00Z"}',
    ].join('\n'),
  );
  const r = cli(['wire', 'cluster', 'bad.jsonl']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '', 'nothing is written when a line is bad');
  assert.match(r.stderr, /bad\.jsonl: line 2: item "b": "published" is missing/);
  assert.match(r.stderr, /bad\.jsonl: line 3: not valid JSON/);
  assert.match(r.stderr, /bad\.jsonl: line 4: item "a" again \(first on line 1\)/);
  assert.match(r.stderr, /3 bad line\(s\) in bad\.jsonl; nothing was clustered/);
  const missing = cli(['wire', 'cluster', 'nope.jsonl']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read nope\.jsonl: no such file/);
  const none = cli(['wire', 'cluster']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /Name one JSON-lines file/);
  const folder = cli(['wire', 'cluster', '.']);
  assert.equal(folder.status, 1);
  assert.match(folder.stderr, /is not a file/);
});

test('headlines and texts with character references or markup cluster as their plain text does', T, () => {
  assert.equal(plainText('Trump&#39;s tariffs hit AT&amp;T &quot;hard&quot;'), 'Trump\'s tariffs hit AT&T "hard"');
  assert.equal(plainText('<p>Storm <b>Odile</b> hits</p><script>track()</script>'), 'Storm Odile hits');
  assert.equal(plainText('Stocks < 1% & bonds'), 'Stocks < 1% & bonds', 'a lone "<" or "&" is text');
  assert.equal(plainText('Bad &#99999999; and &#0; refs'), 'Bad \ufffd and \ufffd refs', 'a reference to no character is U+FFFD, not a crash');
  assert.equal(plainText('May&rsquo;s &ldquo;deal&rdquo; &mdash; the vote'), 'May\u2019s \u201cdeal\u201d \u2014 the vote', 'every named reference');
  assert.equal(plainText('Floods hit<br>Lagos</p><p>Rescue teams'), 'Floods hit Lagos Rescue teams', 'a block ends in a space');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/\u2019/g, '&rsquo;').replace(/ /g, () => ' ').replace(/(\w) (\w)/, '$1&nbsp;$2');
  const marked = fixture.map((it) => ({
    ...it,
    title: esc(it.title),
    // As a feed's summary often comes: the page's markup around the text, every attribute a word.
    text: it.text ? `<div class="story-body article-content"><figure class="lead-image wide"><img src="https://cdn.example/images/lead-photo.jpg" alt=""></figure><p>${esc(it.text)}</p><p><a href="https://tracker.example/click?id=1"></a></p></div>` : it.text,
  }));
  assert.ok(marked.some((it, i) => it.title !== fixture[i]!.title), 'the fixture has headlines to escape');
  assert.deepEqual(clusterItems(marked).assignments, clusterItems(fixture).assignments);
});

test('a headline in capitals throughout is read as Title Case: its names are the stream\'s names', T, () => {
  assert.equal(unshout('TRUMP SIGNS BILL TO BAN TIKTOK'), 'Trump Signs Bill To Ban Tiktok');
  assert.equal(unshout('Trump signs bill to ban TikTok'), null);
  assert.equal(unshout('NATO, EU, UK'), null, 'a few acronyms are not shouting');
  const capRatio = (w: string) => (['trump', 'tiktok'].includes(w) ? 1 : 0);
  const tt = rawTokens(unshout('TRUMP SIGNS BILL TO BAN TIKTOK')!);
  assert.deepEqual(entities(tt, isTitleCase(tt), capRatio), ['trump', 'tiktok']);
  const shouted = rawTokens('TRUMP SIGNS BILL TO BAN TIKTOK');
  assert.ok(entities(shouted, isTitleCase(shouted), capRatio).includes('bill'), 'read as it stands, every word is a name');
  // In a stream: the shouted headline joins its story, not the other bill signed that day.
  const t0 = Date.parse('2026-04-24T12:00:00Z');
  const items: WireItem[] = [
    { id: 'a', title: 'Trump signs bill that could ban TikTok nationwide', outlet: 'A', published: t0 },
    { id: 'b', title: 'TikTok vows court fight after Trump signs law', outlet: 'B', published: t0 + 3_600_000 },
    { id: 'c', title: 'Governor Hochul signs bill to raise New York minimum wage', outlet: 'C', published: t0 + 7_200_000 },
    { id: 'd', title: 'Hochul signs New York wage bill into law', outlet: 'D', published: t0 + 8_000_000 },
    { id: 'e', title: 'TRUMP SIGNS BILL TO BAN TIKTOK', outlet: 'E', published: t0 + 9_000_000 },
  ];
  const a = clusterItems(items, { lowModel: null }).assignments;
  assert.equal(a.get('a'), a.get('b'));
  assert.equal(a.get('c'), a.get('d'));
  assert.equal(a.get('e'), a.get('a'));
});
