// Evaluation streams built from the self-written stories in test/fixtures/wire-cluster-eval/
// ({dev,test}.stories: the same events headlined as outlets on the left, center and right would).
// Each set runs the split's stories three times (other outlets, URLs and times; 20 days or more apart,
// outside each other's window), which steadies the figures of a few hundred stories.
// Two kinds of set per split, as the acceptance sets of issue 12 describe them:
// - "headlines": every item as a feed delivers it: mostly the headline alone (a lead for about a third,
//   and always for roundups such as "Business Highlights", whose story is only in the text), outlets
//   drawn by lean, URLs with a slug or an opaque id, an aggregator's " - Outlet" now and then, times
//   that are coarse (rounded to the hour, a date only) or the fetch time, ids that mean nothing;
// - "lcr": one left, one center and one right item per story, each with its lead (as the roundups of
//   left/center/right coverage give them), the stories spread over 30 days or all within one day.
// Outlet names come from ../shared/datasets/outlet-ratings at run time when present (test use only;
// never committed), else invented ones. Deterministic for a seed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng, type LabelledItem } from './cluster-synthetic.ts';
import { DEMO_OUTLETS, demoWireItems } from '../../src/demo/wire.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = path.join(root, 'test/fixtures/wire-cluster-eval');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-09-07T00:00:00Z');

type Lean = 'L' | 'C' | 'R';
interface StoryItem {
  lean: Lean;
  title: string;
  lead: string;
}
interface Story {
  key: string;
  startHour: number;
  /** Days its coverage spans ("# key @H ~D"; 0: not given, the stream decides). */
  spanDays: number;
  items: StoryItem[];
}

/**
 * Parses a .stories file: "# key @H" (or "# key @H ~D": its coverage spans D days) opens a story;
 * "# singletons" makes every following line a story of its own.
 */
export function readStories(file: string): Story[] {
  const out: Story[] = [];
  let cur: Story | null = null;
  let singles = false;
  let n = 0;
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      const head = line.match(/^#\s*([\w-]+)\s*@(\d+(?:\.\d+)?)(?:\s*~(\d+(?:\.\d+)?))?\s*$/);
      if (head) {
        cur = { key: head[1]!, startHour: Number(head[2]), spanDays: Number(head[3] ?? 0), items: [] };
        out.push(cur);
        singles = false;
        return;
      }
      if (/^#\s*singletons\s*$/.test(line)) {
        singles = true;
        cur = null;
        return;
      }
      if (line.startsWith('#')) return;
      const m = line.match(/^([LCR])\|([^|]+)\|(.*)$/);
      if (!m) throw new Error(`${file}:${i + 1}: expected "L|headline|lead" (lean L, C or R)`);
      const item = { lean: m[1] as Lean, title: m[2]!.trim(), lead: m[3]!.trim() };
      if (singles) out.push({ key: `single-${path.basename(file)}-${n++}`, startHour: (n * 37) % 72, spanDays: 0, items: [item] });
      else if (cur) (cur as Story).items.push(item);
      else throw new Error(`${file}:${i + 1}: an item before any "# key @H" line`);
    });
  return out;
}

/** Outlets per lean: AllSides news outlets when ../shared has them (left and lean left are L, and so on). */
export function outletsByLean(useShared = true): Record<Lean, string[]> {
  const csv = path.resolve(root, '../shared/datasets/outlet-ratings/allsides-ratings-2022-09.csv');
  const out: Record<Lean, string[]> = { L: [], C: [], R: [] };
  if (useShared && fs.existsSync(csv)) {
    for (const l of fs.readFileSync(csv, 'utf8').split('\n').slice(1)) {
      let name: string;
      let rest: string;
      if (l.startsWith('"')) {
        const end = l.indexOf('"', 1);
        name = l.slice(1, end);
        rest = l.slice(end + 2);
      } else {
        const c = l.indexOf(',');
        name = l.slice(0, c);
        rest = l.slice(c + 1);
      }
      const [bias, type] = rest.split(',');
      if (type !== 'News' || !name || name.length > 60) continue;
      const lean: Lean | null = bias === 'Left' || bias === 'Lean Left' ? 'L' : bias === 'Center' ? 'C' : bias === 'Right' || bias === 'Lean Right' ? 'R' : null;
      if (lean) out[lean].push(name.replace(/\s*\((?:Online News|News)\)\s*$/, ''));
    }
  }
  for (const l of ['L', 'C', 'R'] as Lean[]) {
    if (out[l].length < 20) out[l] = Array.from({ length: 60 }, (_, i) => `${l === 'L' ? 'Progress' : l === 'C' ? 'Civic' : 'Liberty'} ${['Daily', 'Post', 'Herald', 'Wire', 'Times', 'Review'][i % 6]} ${i + 1}`);
  }
  return out;
}

function slugify(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const ROUNDUP = /^(?:business highlights|the latest|morning briefing|your \w+ briefing)/i;

/**
 * An outlet of the lean: big outlets publish far more than small ones (Zipf over the pool), and an outlet
 * rarely covers one story twice (one item in ten may be its second item on the story: a follow-up).
 */
function outletFor(r: () => number, pool: string[], used: Set<string>): string {
  const zipf = () => pool[Math.min(pool.length - 1, Math.floor(Math.exp(r() * Math.log(pool.length + 1))) - 1)]!;
  const again = r() < 0.1;
  for (let k = 0; k < 30; k++) {
    const o = zipf();
    if (again || !used.has(o)) {
      used.add(o);
      return o;
    }
  }
  return zipf();
}

function urlFor(r: () => number, outlet: string, title: string): string {
  const host = 'www.' + slugify(outlet).replace(/-/g, '').slice(0, 24) + '.example';
  const u = r();
  if (u < 0.55) return `https://${host}/${['news', 'politics', 'world', 'business', '2026/09'][Math.floor(r() * 5)]}/${slugify(title).slice(0, 80)}-${Math.floor(r() * 1e6)}`;
  if (u < 0.85) return `https://${host}/article/${Math.floor(r() * 1e9)}`;
  return `https://${host}/?p=${Math.floor(r() * 1e6)}`;
}

function coarse(r: () => number, t: number): number {
  const u = r();
  if (u < 0.25) return Math.floor(t / HOUR) * HOUR; // rounded to the hour
  if (u < 0.4) return Math.ceil(t / (3 * HOUR)) * 3 * HOUR + Math.floor(r() * 4) * HOUR; // the fetch time, hours late
  if (u < 0.45) return Math.floor(t / DAY) * DAY; // a date only
  return Math.round(t / 60_000) * 60_000;
}

/** Passes of the same stories (other outlets, times, URLs) are this far apart: outside each other's window. */
const PASS_GAP = 20 * DAY;
const PASSES = 3;

const id = (r: () => number) => Math.floor(r() * 2 ** 48).toString(36);

/** A headline stream: every item as a feed gives it. */
export function headlineStream(stories: Story[], seed: number, outlets: Record<Lean, string[]>, passes = 1): LabelledItem[] {
  const r = rng(seed);
  const out: LabelledItem[] = [];
  for (let pass = 0; pass < passes; pass++)
  for (const s of stories) {
    const used = new Set<string>();
    for (const it of s.items) {
      const outlet = outletFor(r, outlets[it.lean], used);
      const t = T0 + pass * PASS_GAP + s.startHour * HOUR + -Math.log(1 - r() * 0.995) * 9 * HOUR;
      let title = it.title;
      if (r() < 0.12) title += ` - ${outlet}`;
      const keepLead = it.lead && (ROUNDUP.test(it.title) || r() < 0.35);
      out.push({ id: id(r), title, text: keepLead ? it.lead : null, outlet, url: urlFor(r, outlet, it.title), published: coarse(r, t), story: `${s.key}#${pass}` });
    }
  }
  // The order of the lines means nothing.
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Left/center/right coverage: per story one item of each lean that has a lead. */
export function lcrStream(stories: Story[], seed: number, outlets: Record<Lean, string[]>, spreadDays: number, passes = 1): LabelledItem[] {
  const r = rng(seed);
  const out: LabelledItem[] = [];
  for (let pass = 0; pass < passes; pass++)
  for (const s of stories) {
    if (s.items.length < 2) continue;
    const base = T0 + pass * (spreadDays + 20) * DAY;
    const start = base + r() * spreadDays * DAY;
    const used = new Set<string>();
    let sides = 0;
    const picked: StoryItem[] = [];
    for (const lean of ['L', 'C', 'R'] as Lean[]) {
      const cands = s.items.filter((i) => i.lean === lean && i.lead);
      if (!cands.length) continue;
      picked.push(cands[Math.floor(r() * cands.length)]!);
      sides++;
    }
    if (sides < 2) continue;
    for (const it of picked) {
      const outlet = outletFor(r, outlets[it.lean], used);
      const t = spreadDays <= 1 ? base + r() * DAY : start + r() * 12 * HOUR;
      out.push({ id: id(r), title: it.title, text: it.lead, outlet, url: urlFor(r, outlet, it.title), published: coarse(r, t), story: `${s.key}#${pass}` });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * An aggregator's dump (issue 12's held-out kind, e.g. the UCI News Aggregator set): headlines only
 * (a lead for one item in twenty), drawn from many outlets of every lean, each outlet's URL a slug or
 * an opaque id, times the aggregator's fetch time (coarse: the hour, the fetch round, hours late;
 * the order of the lines means nothing). A story's lines are in the order its coverage came (first
 * reports, then updates, reactions, analysis, follow-ups): its items spread over its span ("~D" in the
 * file, else one day for a story of under 10 lines and three for a bigger one), most of them early
 * (item at position p of the story, 0..1, comes at span * p^2, jittered by a few hours). A wire story
 * is often carried as it is by other outlets: about one item in eight has a copy (same headline,
 * another outlet, hours later). `passes` runs the stories again 20 days apart (other outlets, times).
 */
export function aggregatorStream(stories: Story[], seed: number, outlets: Record<Lean, string[]>, passes = 1): LabelledItem[] {
  const r = rng(seed);
  const out: LabelledItem[] = [];
  const all = [...outlets.L, ...outlets.C, ...outlets.R];
  for (let pass = 0; pass < passes; pass++)
  for (const s of stories) {
    const used = new Set<string>();
    const n = s.items.length;
    const span = (s.spanDays || (n >= 10 ? 3 : 1)) * DAY;
    s.items.forEach((it, i) => {
      const p = n === 1 ? 0 : (i + r()) / n;
      const jitter = (r() - 0.3) * 6 * HOUR;
      const t = T0 + pass * PASS_GAP + s.startHour * HOUR + Math.max(0, span * p * p + jitter);
      // An aggregator lists outlets of every size: a quarter of the items come from anyone at all.
      const outlet = r() < 0.25 ? all[Math.floor(r() * all.length)]! : outletFor(r, outlets[it.lean], used);
      let title = it.title;
      if (r() < 0.05) title += ` - ${outlet}`;
      const text = it.lead && r() < 0.05 ? it.lead : null;
      const fetched = (at: number) => (r() < 0.5 ? Math.ceil(at / HOUR) * HOUR : coarse(r, at + r() * 2 * HOUR));
      out.push({ id: id(r), title, text, outlet, url: urlFor(r, outlet, it.title), published: fetched(t), story: `${s.key}#${pass}` });
      if (r() < 0.125) {
        const copy = outletFor(r, all, used);
        out.push({ id: id(r), title: it.title, text: null, outlet: copy, url: urlFor(r, copy, it.title), published: fetched(t + r() * 8 * HOUR), story: `${s.key}#${pass}` });
      }
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * A dense headline stream (decision 0084): the stories of a dense split all within `days` (about two),
 * as headlineStream gives them (mostly the headline alone, a lead for about a third, outlets by lean,
 * coarse times), but an item follows its story's start by hours (a mean of 5) rather than half a day,
 * and every singleton falls anywhere in the days: many stories of one kind and many sharing a name are
 * in the window at once, as in a real wire of hundreds of outlets. Deterministic for a seed.
 */
export function denseStream(stories: Story[], seed: number, outlets: Record<Lean, string[]>, passes = 1, days = 2): LabelledItem[] {
  const r = rng(seed);
  const out: LabelledItem[] = [];
  const span = days * DAY;
  for (let pass = 0; pass < passes; pass++)
  for (const s of stories) {
    const used = new Set<string>();
    const single = s.items.length === 1 && s.key.startsWith('single-');
    const start = single ? r() * span : Math.min(s.startHour * HOUR, span - 6 * HOUR);
    for (const it of s.items) {
      const outlet = outletFor(r, outlets[it.lean], used);
      const t = T0 + pass * PASS_GAP + Math.min(span, start + (single ? 0 : -Math.log(1 - r() * 0.99) * 5 * HOUR));
      let title = it.title;
      if (r() < 0.12) title += ` - ${outlet}`;
      const keepLead = it.lead && (ROUNDUP.test(it.title) || r() < 0.35);
      out.push({ id: id(r), title, text: keepLead ? it.lead : null, outlet, url: urlFor(r, outlet, it.title), published: coarse(r, t), story: `${s.key}#${pass}` });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The dense splits (dense-dev.stories, dense-test.stories) as dense headline streams. */
export function denseSets(outlets: Record<Lean, string[]>, reseed = 0): NamedSet[] {
  const out: NamedSet[] = [];
  for (const split of ['dev', 'test'] as const) {
    const file = path.join(DIR, `dense-${split}.stories`);
    if (!fs.existsSync(file)) continue;
    const seed = reseed > 0 ? 1000 * reseed + 11 : split === 'dev' ? 404 : 505;
    out.push({ name: `dense ${split}`, items: denseStream(readStories(file), seed, outlets, PASSES) });
  }
  return out;
}

export interface NamedSet {
  name: string;
  items: LabelledItem[];
}

/**
 * The evaluation sets of both splits; names carry "dev" or "test". `useShared: false`: invented outlet names only (tests).
 * `reseed` n > 0: the same stories with other outlets, URLs, times and ids (seed n), to tell a change from noise.
 */
export function evalSets(useShared = true, reseed = 0): NamedSet[] {
  const outlets = outletsByLean(useShared);
  const out: NamedSet[] = [];
  // "styles" was written after tuning on "dev" began, in headline styles the other splits use little:
  // it checks that the clusterer is not fitted to them (held out like "test").
  for (const split of ['dev', 'test', 'styles'] as const) {
    const file = path.join(DIR, `${split}.stories`);
    if (!fs.existsSync(file)) continue;
    const stories = readStories(file);
    const seed = reseed > 0 ? 1000 * reseed + 7 : split === 'dev' ? 101 : split === 'test' ? 202 : 303;
    out.push({ name: `headlines ${split}`, items: headlineStream(stories, seed, outlets, PASSES) });
    out.push({ name: `lcr ${split}, over 30 days`, items: lcrStream(stories, seed + 1, outlets, 30, PASSES) });
    out.push({ name: `lcr ${split}, within one day`, items: lcrStream(stories, seed + 2, outlets, 1, PASSES) });
  }
  // Big stories as an aggregator clusters them (big-{dev,test}.stories; decision 0083).
  for (const split of ['dev', 'test'] as const) {
    const file = path.join(DIR, `big-${split}.stories`);
    if (!fs.existsSync(file)) continue;
    const seed = reseed > 0 ? 1000 * reseed + 9 : split === 'dev' ? 404 : 505;
    out.push({ name: `aggregator ${split}`, items: aggregatorStream(readStories(file), seed, outlets, PASSES) });
  }
  out.push(...denseSets(outlets, reseed));
  return out;
}

/** The demo wire's items (src/demo/wire.ts) labelled by the demo story they were written for. */
export function demoWireSet(): NamedSet {
  const now = new Date('2026-11-20T18:00:00Z');
  const names = new Map(DEMO_OUTLETS.map((o) => [o.slug, o.name]));
  return {
    name: 'demo wire',
    items: demoWireItems(now, 18 * 3_600_000).map((it, i) => ({ id: `w${i}`, title: it.title, text: it.text, outlet: names.get(it.outlet) ?? it.outlet, url: it.url, published: it.published.getTime(), story: it.story })),
  };
}

/** A labelled JSONL file: one item a line, {"id","title","text"?,"outlet"?,"url"?,"published","story"}. */
export function readLabelled(file: string): LabelledItem[] {
  const out: LabelledItem[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const o = JSON.parse(line);
    const published = Date.parse(o.published);
    if (!o.id || !o.title || Number.isNaN(published) || o.story === undefined) throw new Error(`${file}:${i + 1}: needs id, title, published and story`);
    out.push({ id: String(o.id), title: o.title, text: o.text ?? null, outlet: o.outlet ?? null, url: o.url ?? null, published, story: String(o.story) });
  });
  return out;
}
