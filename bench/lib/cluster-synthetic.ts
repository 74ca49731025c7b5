// Synthetic news streams for the clustering benchmarks: events with invented people, places and
// organisations, each covered by a heavy-tailed number of outlets over a few days in varied wording
// (paraphrase templates, surnames only, generic roundup headlines whose story is only in the text,
// URL slugs or opaque URLs, coarse and out-of-order times). Written for this project; deterministic
// for a seed. Outlet names come from the caller (bench/cluster-quality.ts reads them from
// ../shared/datasets/outlet-ratings when present, for test use only; otherwise invented ones).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WireItem } from '../../src/newswire/cluster/clusterer.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LabelledItem extends WireItem {
  story: string;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const SYL = ['ka', 'lo', 'mer', 'dan', 'vi', 'sto', 'rel', 'an', 'tor', 'bel', 'gra', 'hen', 'mo', 'ric', 'sa', 'wen', 'dor', 'pel', 'quin', 'ty', 'las', 'ber', 'ni', 'cor', 'fal', 've', 'mund', 'ash', 'ol', 'ray'];
const FIRST = ['Maria', 'James', 'Aisha', 'Tomas', 'Elena', 'David', 'Priya', 'Oluwaseun', 'Hannah', 'Kenji', 'Sofia', 'Marcus', 'Leila', 'Pavel', 'Grace', 'Omar', 'Ingrid', 'Diego', 'Nadia', 'Samuel'];
const ROLES = ['prime minister', 'finance minister', 'chief executive', 'governor', 'mayor', 'senator', 'central bank chief', 'health secretary', 'coach', 'foreign minister'];
const ORG_KIND = ['Bank', 'Motors', 'Airlines', 'Energy', 'Pharma', 'Telecom', 'Foods', 'Systems', 'Mining', 'Media'];
const GENERIC = ['Business Highlights', 'The Latest', 'Morning Briefing', "Today's headlines", 'What you need to know today', 'News in brief', 'Evening wrap', 'Top stories this hour', 'Markets at a glance', 'The day in five minutes'];

function word(r: () => number, n = 2 + Math.floor(r() * 2)): string {
  let w = '';
  for (let i = 0; i < n; i++) w += SYL[Math.floor(r() * SYL.length)];
  return w[0]!.toUpperCase() + w.slice(1);
}
const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

interface Event {
  kind: number;
  person: string;
  surname: string;
  role: string;
  place: string;
  country: string;
  org: string;
  n: number;
  start: number;
}

/** Headline paraphrases per kind of event: [headline templates, lead templates]. */
const KINDS: Array<[string[], string[]]> = [
  [
    ['{org} to cut {n} jobs', '{org} announces {n} job cuts', '{org} layoffs: {n} roles to go in {place}', 'Hundreds of jobs at risk as {org} restructures', '{org} shedding {n} workers amid slump', '{place} braces for {org} job losses'],
    ['{org} said on {day} it would cut {n} jobs, mostly at its {place} operations, as demand weakens.', 'The {country} company {org} plans to shed {n} positions, its chief executive told staff in {place}.'],
  ],
  [
    ['{person} resigns as {role}', '{role} {surname} quits', '{surname} steps down after weeks of pressure', '{country} {role} {surname} announces resignation', 'Why {surname} had to go', '{surname} out as {role} of {country}'],
    ['{person}, the {role} of {country}, resigned on {day} after weeks of pressure over a funding scandal.', '{surname} told reporters in {place} that stepping down was "the right thing to do".'],
  ],
  [
    ['Earthquake of magnitude {m} strikes {place}', '{place} quake kills at least {n}', 'Rescuers search rubble after {country} earthquake', 'Strong earthquake hits {country}, dozens feared dead', 'Aftershocks rattle {place} as death toll rises to {n}'],
    ['A magnitude {m} earthquake struck near {place}, {country}, on {day}, killing at least {n} people.', 'Rescue teams in {place} worked through the night after the quake flattened buildings across {country}.'],
  ],
  [
    ['{org} agrees ${n}bn takeover of {org2}', '{org} to buy {org2} in ${n} billion deal', 'Regulators to scrutinise {org}-{org2} merger', '{org2} shares soar on {org} bid', '{org} and {org2} confirm merger talks'],
    ['{org} has agreed to buy rival {org2} for ${n} billion, creating the largest group of its kind in {country}.', 'Shares in {org2} jumped after {org} confirmed a ${n} billion offer on {day}.'],
  ],
  [
    ['{country} votes in snap election', '{person} claims victory in {country} election', 'Polls close in {country} as {surname} seeks second term', '{country} election: turnout hits {n}%', "{surname}'s party wins most seats in {country}"],
    ['Voters in {country} went to the polls on {day} in an election called by {role} {person}.', 'Early results in {country} gave {surname} a lead, with turnout put at {n}%.'],
  ],
  [
    ['Storm {storm} batters {place}', 'Storm {storm}: {n} dead as floods hit {country}', 'Thousands without power after Storm {storm}', '{place} floods: residents evacuated', 'Storm {storm} moves north after pounding coast'],
    ['Storm {storm} brought winds of up to {n} km/h to {place} on {day}, cutting power to thousands of homes.', 'Emergency services in {country} rescued residents from flooded streets as Storm {storm} swept through {place}.'],
  ],
  [
    ['Court blocks {org} plan for {place} plant', 'Judge halts {org} project in {place}', '{org} loses legal fight over {place} site', 'Campaigners celebrate ruling against {org}', 'Ruling deals blow to {org} expansion'],
    ['A court in {country} blocked {org} from building its planned plant near {place}, ruling the environmental review was flawed.', 'Judge {person} said {org} had failed to consult residents of {place}.'],
  ],
  [
    ['{surname} signs for {org} in record ${n}m deal', '{person} completes move to {org}', '{org} unveil {surname} after transfer saga', 'Record fee: {surname} joins {org}', '{surname} move to {org} confirmed'],
    ['{org} confirmed the signing of {person} for a record ${n} million on {day}.', 'The forward, {surname}, passed a medical in {place} before joining {org} on a five-year contract.'],
  ],
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function fill(t: string, e: Event, r: () => number, org2: string, storm: string): string {
  return t
    .replace(/\{person\}/g, e.person)
    .replace(/\{surname\}/g, e.surname)
    .replace(/\{role\}/g, e.role)
    .replace(/\{place\}/g, e.place)
    .replace(/\{country\}/g, e.country)
    .replace(/\{org\}/g, e.org)
    .replace(/\{org2\}/g, org2)
    .replace(/\{storm\}/g, storm)
    .replace(/\{n\}/g, String(e.n))
    .replace(/\{m\}/g, (5 + (e.n % 30) / 10).toFixed(1))
    .replace(/\{day\}/g, pick(r, DAYS));
}

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export interface StreamOptions {
  seed: number;
  items: number;
  /** Days the stream covers. */
  days: number;
  outlets: string[];
  /** Share of items with body text. */
  textShare?: number;
  /** Share of items whose headline is a generic roundup title. */
  genericShare?: number;
}

/** A labelled stream in published order (times coarse for some items; the caller may shuffle). */
export function syntheticStream(o: StreamOptions): LabelledItem[] {
  const r = rng(o.seed);
  const t0 = Date.parse('2026-06-01T00:00:00Z');
  const out: LabelledItem[] = [];
  const countries = Array.from({ length: 40 }, () => word(r, 3) + pick(r, ['ia', 'land', 'stan', 'a', 'ova']));
  const places = Array.from({ length: 300 }, () => word(r) + pick(r, ['ton', 'burg', ' City', 'ville', 'port', 'field', '']));
  const orgs = Array.from({ length: 400 }, () => word(r) + ' ' + pick(r, ORG_KIND));
  const domains = o.outlets.map((n) => 'www.' + slugify(n).replace(/-/g, '') + '.example');
  let ev = 0;
  while (out.length < o.items) {
    const kind = Math.floor(r() * KINDS.length);
    const surname = word(r);
    const e: Event = {
      kind,
      person: pick(r, FIRST) + ' ' + surname,
      surname,
      role: pick(r, ROLES),
      place: pick(r, places),
      country: pick(r, countries),
      org: pick(r, orgs),
      n: 2 + Math.floor(r() * 900),
      start: t0 + r() * o.days * 86_400_000,
    };
    const org2 = pick(r, orgs);
    const storm = word(r);
    // Heavy-tailed coverage: most events get a few items, some get dozens.
    const size = Math.max(1, Math.min(80, Math.floor(1 / (r() * 0.95 + 0.05) ** 1.1)));
    const story = `s${ev++}`;
    const [heads, leads] = KINDS[kind]!;
    for (let k = 0; k < size && out.length < o.items; k++) {
      const oi = Math.floor(r() * o.outlets.length);
      const outlet = o.outlets[oi]!;
      const generic = r() < (o.genericShare ?? 0.05);
      let title = generic ? pick(r, GENERIC) : fill(pick(r, heads), e, r, org2, storm);
      if (generic && r() < 0.5) title += ': ' + fill(pick(r, heads), e, r, org2, storm).split(' ').slice(0, 3).join(' ');
      const hasText = generic || r() < (o.textShare ?? 0.5);
      const text = hasText ? fill(pick(r, leads), e, r, org2, storm) + ' ' + fill(pick(r, leads), e, r, org2, storm) : undefined;
      const url = r() < 0.7 ? `https://${domains[oi]}/news/${slugify(title)}-${Math.floor(r() * 1e6)}` : `https://${domains[oi]}/a/${Math.floor(r() * 1e9)}`;
      // Coverage decays over about two days; some feeds give the fetch time, rounded to the hour.
      let t = e.start + -Math.log(1 - r() * 0.999) * 14 * 3_600_000;
      if (r() < 0.2) t = Math.ceil(t / 3_600_000) * 3_600_000;
      out.push({ id: `x${out.length.toString(36)}${Math.floor(r() * 1e6).toString(36)}`, title, text, outlet, url, published: Math.round(t), story });
    }
  }
  return out.sort((a, b) => a.published - b.published);
}

/** Invented outlet names when the ratings dataset is not at hand. */
export function inventedOutlets(n: number, seed = 7): string[] {
  const r = rng(seed);
  const kinds = ['Times', 'Herald', 'Post', 'Daily', 'Courier', 'Observer', 'Gazette', 'Report', 'Wire', 'News'];
  return Array.from({ length: n }, (_, i) => `The ${word(r)} ${kinds[i % kinds.length]}`);
}

/** Outlet names of the AllSides ratings (test use only: CC BY-NC) when ../shared has them, else invented ones. */
export function outletNames(): string[] {
  const csv = path.resolve(root, '../shared/datasets/outlet-ratings/allsides-ratings-2022-09.csv');
  if (!fs.existsSync(csv)) return inventedOutlets(300);
  const names = fs
    .readFileSync(csv, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => (l.startsWith('"') ? l.slice(1, l.indexOf('"', 1)) : l.split(',')[0]!))
    .filter((n) => n && n.length < 60);
  return [...new Set(names)].slice(0, 600);
}
