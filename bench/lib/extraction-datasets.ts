// The extraction development sets in ../shared/datasets/ (relative to the repository root): WCXB dev
// articles (full-text truth), trafilatura's evaluation pages (snippets) and Mozilla Readability's test
// pages (expected HTML). Test data only: read in place, never copied into the repository.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { htmlToText } from '../../src/platform/sanitize.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DATASETS = path.resolve(ROOT, '../shared/datasets');
export const DEV = path.join(DATASETS, 'extraction-dev');

export interface DevPage {
  set: 'wcxb' | 'traf' | 'rtp';
  id: string;
  url: string;
  domain: string;
  lang: string;
  /** Raw bytes of the page, as fetched. */
  bytes: Buffer;
  /** Full main text (WCXB, Readability test pages), or null (snippet-only pages). */
  truth: string | null;
  with: string[];
  without: string[];
}

/** Null when ../shared/datasets/extraction-dev is not there: callers skip with a message. */
export function devSetsPresent(): boolean {
  return fs.existsSync(path.join(DEV, 'wcxb-dev-articles', 'index.tsv'));
}

function readTsv(file: string): Record<string, string>[] {
  const [head, ...rows] = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const cols = head!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
}

export function loadWcxb(limit = Infinity): DevPage[] {
  const dir = path.join(DEV, 'wcxb-dev-articles');
  const out: DevPage[] = [];
  for (const row of readTsv(path.join(dir, 'index.tsv'))) {
    if (out.length >= limit) break;
    const gt = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth', row.id + '.json'), 'utf8')).ground_truth;
    out.push({
      set: 'wcxb',
      id: row.id!,
      url: row.url!,
      domain: row.domain!,
      lang: row.lang!,
      bytes: zlib.gunzipSync(fs.readFileSync(path.join(dir, 'html', row.id + '.html.gz'))),
      truth: gt.main_content ?? '',
      with: gt.with ?? [],
      without: gt.without ?? [],
    });
  }
  return out;
}

export function loadTrafilatura(limit = Infinity): DevPage[] {
  const dir = path.join(DEV, 'trafilatura-eval');
  const evaldata = JSON.parse(fs.readFileSync(path.join(dir, 'evaldata.json'), 'utf8')) as Record<string, { file: string; with?: string[]; without?: string[] }>;
  const langOf = new Map(readTsv(path.join(dir, 'index.tsv')).map((r) => [r.file!, r.lang!]));
  const out: DevPage[] = [];
  for (const [key, v] of Object.entries(evaldata)) {
    if (out.length >= limit) break;
    const file = v.file + '.gz';
    let domain = '';
    try {
      domain = new URL(key).hostname.replace(/^www\./, '');
    } catch {
      /* hard:: keys */
    }
    out.push({
      set: 'traf',
      id: key,
      url: /^https?:\/\//.test(key) ? key : '',
      domain,
      lang: langOf.get(file) ?? '',
      bytes: zlib.gunzipSync(fs.readFileSync(path.join(dir, 'html', file))),
      truth: null,
      with: v.with ?? [],
      without: v.without ?? [],
    });
  }
  return out;
}

export function loadReadabilityTestPages(limit = Infinity): DevPage[] {
  const dir = path.join(DATASETS, 'readability-test-pages');
  if (!fs.existsSync(dir)) return [];
  const out: DevPage[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (out.length >= limit) break;
    const src = path.join(dir, name, 'source.html');
    if (!fs.existsSync(src)) continue;
    out.push({
      set: 'rtp',
      id: name,
      url: 'http://fakehost/test/page.html',
      domain: name,
      lang: '',
      bytes: fs.readFileSync(src),
      truth: htmlToText(fs.readFileSync(path.join(dir, name, 'expected.html'), 'utf8')),
      with: [],
      without: [],
    });
  }
  return out;
}

/**
 * The decoding rule of the dev set's README (used for the Readability baseline, which takes a
 * string): UTF-8 if valid, else the <meta charset> of the first 4 KB, else windows-1252.
 */
export function decodeLikeBaseline(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const head = bytes.subarray(0, 4096).toString('latin1');
    const m = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head);
    try {
      if (m) return new TextDecoder(m[1]!).decode(bytes);
    } catch {
      /* unknown label */
    }
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * The held-out discipline: each page falls in half "A" (develop on it) or "B" (check on it) by a hash
 * of its id, so the halves are fixed and independent of the order of files.
 */
export function halfOf(id: string): 'A' | 'B' {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % 2 === 0 ? 'A' : 'B';
}

/**
 * Pages of WCXB that come from news outlets and news magazines (by domain; our own reading of the
 * 709 domains, not upstream's labels), for the "news subset" figure.
 */
export const NEWS_DOMAINS = new Set([
  'abc7ny.com', 'artlyst.com', 'bdcnetwork.com', 'bgr.com', 'bssnews.net', 'businessweekly.co.uk', 'cio.com',
  'cnx-software.com', 'commercialappeal.com', 'creativeboom.com', 'dynamicbusiness.com', 'echolive.ie',
  'economictimes.indiatimes.com', 'edweek.org', 'em360tech.com', 'eurogamer.net', 'filmmakermagazine.com',
  'freightwaves.com', 'gameinformer.com', 'hechingerreport.org', 'helpnetsecurity.com', 'ign.com',
  'insurancebusinessmag.com', 'iotinsider.com', 'itbrief.news', 'mashable.com', 'modernfarmer.com', 'movieweb.com',
  'nationalgeographic.com', 'nbcnews.com', 'newsweek.com', 'nextgov.com', 'npr.org', 'nytimes.com', 'pcworld.com',
  'quantamagazine.org', 'restaurantbusinessonline.com', 'scientificamerican.com', 'scottishconstructionnow.com',
  'securityinfowatch.com', 'securityweek.com', 'sfist.com', 'siliconangle.com', 'statnews.com', 'talkandroid.com',
  'technologymagazine.com', 'theatlantic.com', 'thecolumbiastar.com', 'thequietus.com', 'timesofindia.indiatimes.com',
  'today.com', 'usatoday.com', 'utne.com', 'webpronews.com', 'xda-developers.com', 'amateurphotographer.com',
  'dataversity.net', 'digit.in', 'freightwaves.com',
]);
