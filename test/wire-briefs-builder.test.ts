// The brief builder (src/newswire/briefs/builder.ts) and the coverage bar (src/web/pages/coverage.ts),
// pure functions: every quote is a verbatim span of an item and attributed, sides without coverage
// are said so, hostile text is escaped and only the items' own http(s) URLs are linked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBrief, safeHttpUrl, sideOf, splitSentences, type BriefItem } from '../src/newswire/briefs/builder.ts';
import { coverageBar, coverageShares, howItWasCovered } from '../src/web/pages/coverage.ts';

const T = { timeout: 30_000 };

const items: BriefItem[] = [
  {
    id: 1, outlet: 'Daily Progress', lean: 'left', url: 'https://progress.example/bridge-closure',
    title: 'Harbour Bridge closed after crack found',
    text: 'The Harbour Bridge in Portwell was closed on Tuesday after engineers found a 40-centimetre crack in a main girder. About 60,000 vehicles cross the bridge every day. Unions said years of cuts to maintenance budgets were to blame. The city council has promised a review.',
    published: '2026-03-10T08:00:00Z',
  },
  {
    id: 2, outlet: 'Lean Left Ledger', lean: 'lean-left', url: 'https://ledger.example/a/1',
    title: 'Portwell bridge shut: crack in girder',
    text: 'Engineers closed the Harbour Bridge in Portwell on Tuesday. A 40-centimetre crack was found in a main girder during a routine inspection. Commuters face long detours.',
    published: '2026-03-10T08:30:00Z',
  },
  {
    id: 3, outlet: 'Middle Times', lean: 'center', url: 'http://middle.example/news/harbour-bridge',
    title: 'Harbour Bridge closes indefinitely',
    text: 'Portwell’s Harbour Bridge was closed indefinitely on Tuesday after a 40-centimetre crack was discovered in a main girder. The bridge carries about 60,000 vehicles a day. Mayor Ruth Okafor said safety came first.',
    published: '2026-03-10T09:00:00Z',
  },
  {
    id: 4, outlet: 'Unrated Wire', lean: 'unrated', url: 'javascript:alert(1)',
    title: 'Bridge closed',
    summary: 'The Harbour Bridge in Portwell is closed.',
    published: '2026-03-10T09:10:00Z',
  },
];

/** Whitespace-insensitive: is `quote` a span of one of the item's own texts? */
function isVerbatim(quote: string, it: BriefItem): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return [it.text, it.summary, it.title].some((t) => t && norm(t).includes(norm(quote)));
}

test('every quote of the brief is a verbatim span of the item it is attributed to', T, () => {
  const d = buildBrief({ slug: 'harbour-bridge', title: 'Harbour Bridge closed after crack found' }, items);
  const quotes = [...d.whatHappened, ...d.perspectives.flatMap((p) => p.quotes ?? [])];
  assert.ok(quotes.length >= 3, 'what happened and perspectives quote something');
  for (const q of quotes) {
    const it = items.find((i) => i.id === q.itemId)!;
    assert.ok(it, `quote attributed to a real item: ${q.text}`);
    assert.equal(q.outlet, it.outlet);
    assert.equal(q.lean, it.lean);
    assert.ok(isVerbatim(q.text, it), `“${q.text}” is in ${it.outlet}'s own text`);
    // And it is in the body, followed by its outlet's name.
    assert.ok(d.bodyHtml.includes(q.text.replace(/’/g, '’').replace(/&/g, '&amp;')), 'quoted in the body');
  }
  // What happened draws on the facts most outlets share: the crack's size.
  assert.match(d.whatHappened.map((q) => q.text).join(' '), /40-centimetre/);
  assert.equal(d.headline, 'Harbour Bridge closed after crack found');
});

test('the perspectives give one outlet per side, with outlet, lean and its own link', T, () => {
  const d = buildBrief({ slug: 'harbour-bridge', title: 'Harbour Bridge' }, items);
  const bySide = Object.fromEntries(d.perspectives.map((p) => [p.side, p.quotes]));
  assert.ok(bySide.left && ['left', 'lean-left'].includes(bySide.left[0]!.lean!));
  assert.equal(bySide.center![0]!.outlet, 'Middle Times');
  assert.equal(bySide.right, null, 'no outlet on the right');
  assert.match(d.bodyHtml, /No outlet on the right has covered this story yet\./);
  assert.match(d.bodyHtml, /<a href="http:\/\/middle\.example\/news\/harbour-bridge" rel="nofollow noopener">Middle Times<\/a><\/cite> <span class="brief-lean">\(Center\)<\/span>/);
  // The sources are all listed; the javascript: URL is linked nowhere.
  assert.equal(d.sources.length, 4);
  assert.doesNotMatch(d.bodyHtml, /javascript:/i);
  assert.match(d.bodyHtml, /Unrated Wire<\/cite> <span class="brief-lean">\(Not rated\)<\/span>: Bridge closed/);
  // Every link in the body is one of the items' own http(s) URLs.
  const hrefs = [...d.bodyHtml.matchAll(/(?:href|cite)="([^"]*)"/g)].map((m) => m[1]);
  const allowed = new Set(items.map((i) => safeHttpUrl(i.url)).filter(Boolean));
  for (const h of hrefs) assert.ok(allowed.has(h!), `only the items' URLs are linked: ${h}`);
});

test('a hostile title and hostile text are escaped everywhere in the body', T, () => {
  const evil: BriefItem[] = [
    { id: 'a', outlet: '<img src=x onerror=alert(1)>', lean: 'right', url: 'https://r.example/x?a=1&b="2"', title: '<script>alert("t")</script> Senate passes "Clean Water" bill', text: 'The Senate passed the Clean Water bill by 61 votes to 39 on Monday <b>night</b>. Critics said the bill went too far.', published: 1 },
    { id: 'b', outlet: 'Center Post', lean: 'center', url: 'https://c.example/y', title: 'Senate passes Clean Water bill', text: 'The Senate passed the Clean Water bill on Monday by 61 votes to 39 after a long debate. It now goes to the House.', published: 2 },
  ];
  const d = buildBrief({ slug: 's', title: '<script>alert(1)</script> Senate passes Clean Water bill' }, evil);
  assert.equal(d.headline, '<script>alert(1)</script> Senate passes Clean Water bill', 'the headline is text; templates escape it');
  assert.doesNotMatch(d.bodyHtml, /<script|<img|<b>|onerror=alert\(1\)>/);
  assert.match(d.bodyHtml, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(d.bodyHtml, /href="https:\/\/r\.example\/x\?a=1&amp;b=%222%22"/);
  assert.match(d.bodyHtml, /&lt;b&gt;night&lt;\/b&gt;/);
});

test('headlines alone still make a brief: the most shared headline, quoted as a headline', T, () => {
  const heads: BriefItem[] = [
    { id: 1, outlet: 'A', lean: 'left', url: 'https://a.example/1', title: 'Storm Anna floods Leeds city centre', published: 1 },
    { id: 2, outlet: 'B', lean: 'right', url: 'https://b.example/1', title: 'Leeds under water as Storm Anna hits', published: 2 },
    { id: 3, outlet: 'C', lean: 'center', url: 'https://c.example/1', title: 'Storm Anna: Leeds flooded', published: 3 },
  ];
  const d = buildBrief({ slug: 'anna', title: 'Storm Anna floods Leeds' }, heads);
  assert.equal(d.whatHappened.length, 1);
  assert.equal(d.whatHappened[0]!.from, 'headline');
  for (const p of d.perspectives) {
    assert.ok(p.quotes, `${p.side} has its headline`);
    assert.ok(heads.some((h) => h.title === p.quotes![0]!.text));
  }
  assert.match(d.bodyHtml, /\(headline\)/);
});

test('the brief does not depend on the order the items come in', T, () => {
  const a = buildBrief({ slug: 'x', title: 'X' }, items);
  const b = buildBrief({ slug: 'x', title: 'X' }, [...items].reverse());
  assert.equal(a.bodyHtml, b.bodyHtml);
});

test('sentences split at stops, not at abbreviations, initials or decimals', T, () => {
  assert.deepEqual(splitSentences('Mr. Smith met J. Jones in the U.S. on Monday. Growth was 3.5 per cent! "It is over," she said. Next.'), [
    'Mr. Smith met J. Jones in the U.S. on Monday.',
    'Growth was 3.5 per cent!',
    '"It is over," she said.',
    'Next.',
  ]);
  assert.equal(sideOf('lean-left'), 'left');
  assert.equal(sideOf('lean-right'), 'right');
  assert.equal(sideOf('mixed'), null);
  assert.equal(safeHttpUrl('data:text/html,x'), null);
  assert.equal(safeHttpUrl(' https://x.example/a '), 'https://x.example/a');
});

test('the coverage bar: shares add up to 100, counts are text, nothing is styled inline', T, () => {
  assert.deepEqual(coverageShares({ left: 1, center: 1, right: 1 }), { left: 34, center: 33, right: 33 });
  assert.deepEqual(coverageShares({ left: 0, center: 0, right: 0 }), { left: 0, center: 0, right: 0 });
  assert.deepEqual(coverageShares({ left: 7, center: 2, right: 0 }), { left: 78, center: 22, right: 0 });
  const bar = coverageBar({ left: 7, center: 2, right: 0 }).value;
  assert.match(bar, /aria-label="Coverage by outlets’ lean: 7 left, 2 center, 0 right"/);
  assert.match(bar, /<rect class="coverage-left" x="0" y="0" width="78"/);
  assert.match(bar, /<rect class="coverage-center" x="78" y="0" width="22"/);
  assert.doesNotMatch(bar, /coverage-right"/);
  assert.doesNotMatch(bar, /style=/);
  assert.match(coverageBar({ left: 0, center: 0, right: 0 }).value, /No outlet with a rated lean/);
});

test('"How it was covered" escapes headlines and links only http(s) pages', T, () => {
  const h = howItWasCovered({
    storyPath: '/story/harbour-bridge',
    counts: { left: 2, center: 1, right: 0 },
    outlets: 4,
    blindspot: 'right',
    sides: {
      left: [{ outlet: 'A <b>', lean: 'left', title: '<script>x</script>', url: 'javascript:alert(1)' }],
      center: [{ outlet: 'C', lean: 'center', title: 'Fine', url: 'https://c.example/1' }],
      right: [],
    },
  }).value;
  assert.doesNotMatch(h, /<script>|javascript:|<b>/);
  assert.match(h, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.match(h, /<a href="https:\/\/c\.example\/1" rel="nofollow noopener" class="coverage-link">Fine<\/a>/);
  assert.match(h, /No coverage from the right yet\./);
  assert.match(h, /A blindspot for the right/);
  assert.match(h, /href="\/story\/harbour-bridge"/);
});

test('a side is given in the outlet’s own words, not in wire copy that everyone reprinted', T, () => {
  const wire = 'The regional water utility will raise rates by nine per cent from April, after the regulator approved its plan.';
  const mk = (id: number, outlet: string, lean: string, own: string): BriefItem => ({ id, outlet, lean, url: `https://o${id}.example/w`, title: 'Water rates to rise 9%', text: `${wire}\n\n${own}\n\nThe company says the money will replace old pipes.`, published: id });
  const d = buildBrief({ slug: 'w', title: 'Water rates to rise' }, [
    mk(1, 'Left One', 'left', 'Campaigners said working families would bear the cost if ministers did not act.'),
    mk(2, 'Centre One', 'center', 'Both supporters and critics agreed that the details would matter more than the headline.'),
    mk(3, 'Right One', 'right', 'Critics called it another example of overreach that customers did not ask for.'),
  ]);
  const side = (s: string) => d.perspectives.find((p) => p.side === s)!.quotes!.map((q) => q.text);
  assert.ok(side('left').includes('Campaigners said working families would bear the cost if ministers did not act.'), JSON.stringify(side('left')));
  assert.ok(side('right').includes('Critics called it another example of overreach that customers did not ask for.'));
  assert.ok(side('center').includes('Both supporters and critics agreed that the details would matter more than the headline.'));
  for (const s of ['left', 'center', 'right']) assert.ok(!side(s).includes(wire), `${s} does not repeat the wire copy`);
  assert.ok(d.whatHappened.some((q) => q.text === wire), 'the shared wire copy is what happened');
});

test('a sentence an outlet repeats on its other stories is its boilerplate: never quoted, whatever the outlet', T, () => {
  const stockLeft = 'Campaigners said working families would bear the cost if ministers did not act.';
  const stockRight = 'Critics called it another example of government overreach that voters did not ask for.';
  const story = (id: number, outlet: string, lean: string, own: string, stock: string): BriefItem => ({
    id, outlet, lean, url: `https://o${id}.example/tram`, title: 'Tram line to close for repairs',
    text: `The Eastfield tram line will close for six weeks from May while its tracks are replaced, the city said.\n\n${stock}\n\n${own}`, published: id,
  });
  const own = { left: 'Drivers’ union officials said the closure would hit night-shift workers hardest.', right: 'Shop owners on Market Row warned the six weeks would cost them their spring trade.' };
  const items = [
    story(1, 'Left Paper', 'left', own.left, stockLeft),
    story(2, 'Centre Paper', 'center', 'The tracks were last replaced in 1998.', 'Officials released the figures on Monday.'),
    story(3, 'Right Paper', 'right', own.right, stockRight),
  ];
  const quoted = (d: ReturnType<typeof buildBrief>) => [...d.whatHappened, ...d.perspectives.flatMap((p) => p.quotes ?? [])].map((q) => q.text);
  // Without the outlets' other items the stock lines look like the outlets' own views, and are picked.
  const blind = buildBrief({ slug: 't', title: 'Tram line to close' }, items);
  assert.ok(quoted(blind).includes(stockLeft) && quoted(blind).includes(stockRight), JSON.stringify(quoted(blind)));
  // Each outlet's items on other stories carry the same lines: boilerplate.
  const elsewhere = [
    { outlet: 'Left Paper', text: `The museum reopens on Friday after a two-year refit.\n\n${stockLeft}` },
    { outlet: 'Left Paper', summary: `Ferry fares rise by 4 percent. ${stockLeft}` },
    { outlet: 'Right Paper', text: `The council approved a new budget on Tuesday. ${stockRight} The vote was close.` },
    // Another outlet writing Centre Paper's line elsewhere does not make it Centre Paper's boilerplate.
    { outlet: 'Left Paper', text: 'Officials released the figures on Monday.' },
  ];
  const d = buildBrief({ slug: 't', title: 'Tram line to close' }, items, { elsewhere });
  assert.ok(!quoted(d).includes(stockLeft), JSON.stringify(quoted(d)));
  assert.ok(!quoted(d).includes(stockRight), JSON.stringify(quoted(d)));
  assert.ok(!d.bodyHtml.includes('working families') && !d.bodyHtml.includes('overreach'), 'in no part of the body');
  const side = (s: string) => d.perspectives.find((p) => p.side === s)!.quotes!.map((q) => q.text);
  assert.ok(side('left').includes(own.left), JSON.stringify(side('left')));
  assert.ok(side('right').includes(own.right), JSON.stringify(side('right')));
  // A line an outlet repeats only within this story (two of its items on it) is not boilerplate.
  const twice = buildBrief({ slug: 't', title: 'Tram line to close' }, [...items, { ...story(4, 'Left Paper', 'left', own.left, stockLeft), url: 'https://o4.example/tram-update' }]);
  assert.ok(quoted(twice).includes(stockLeft));
});

test('the sources name each outlet once, with its first piece on the story', T, () => {
  const d = buildBrief({ slug: 'x', title: 'X' }, [
    ...items,
    { id: 9, outlet: 'Daily Progress', lean: 'left', url: 'https://progress.example/bridge-update', title: 'Bridge: the update', text: 'Engineers returned on Wednesday.', published: '2026-03-11T08:00:00Z' },
  ]);
  assert.deepEqual(d.sources.map((s) => s.outlet), ['Daily Progress', 'Lean Left Ledger', 'Middle Times', 'Unrated Wire']);
  assert.equal(d.sources[0]!.url, 'https://progress.example/bridge-closure');
});
