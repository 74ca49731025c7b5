// THE access rule on every channel. A paid article carries a unique sentence after its paywall marker;
// each channel is asked for it as an anonymous reader, a free member, a content key and a paying
// member (an imported subscription, recognised at sign-in): only the paying member ever receives it.
// Plus the meter (anonymous in a signed cookie, registered on the server), the walls, the page cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';
import { createArticle, upsertFormat, upsertSection } from '../src/articles/write.ts';
import { createApiKey } from '../src/staff/api-keys.ts';
import { importMembersCsv } from '../src/members/subscriptions.ts';
import { memberLinkToken } from '../src/members/accounts.ts';
import { listPublished } from '../src/articles/queries.ts';
import { renderEditionEmail } from '../src/newsletters/render.ts';
import { updatePaywall } from '../src/members/paywall.ts';
import { MEMBERS_CHANNEL } from '../src/platform/channels.ts';
import { seedNewsletters } from '../src/newsletters/newsletters.ts';
import { addItem, buildEdition, startSend } from '../src/newsletters/editions.ts';

const NOW = '2026-11-20T12:00:00Z';
const t = await startTestApp({ now: NOW });
const { db } = t.deps;
const PAID_SECRET = 'Quixotic zebras audit the harbour ledger at midnight';
const MEMBERS_SECRET = 'Velvet cormorants annotate the committee minutes';
const METERED_SECRET = 'Ochre lanterns outnumber the tram inspectors';

await upsertFormat(db, { slug: 'speed-read', name: 'Speed Read' });
await upsertSection(db, { slug: 'city', name: 'City' });
const at = (h: number) => new Date(Date.parse(NOW) - h * 3600_000);
const body = (secret: string) => `The first paragraph anyone may read.\n\nThe second paragraph, still free.\n\n<!--paywall-->\n\n${secret}.\n\nMore reporting follows.`;
const paid = await createArticle(db, { headline: 'The harbour accounts', slug: 'harbour-accounts', body: body(PAID_SECRET), section: 'city', access: 'paid', status: 'published', publishedAt: at(1) }, { now: new Date(NOW) });
await createArticle(db, { headline: 'The committee minutes', slug: 'committee-minutes', body: body(MEMBERS_SECRET), section: 'city', access: 'members', status: 'published', publishedAt: at(2) }, { now: new Date(NOW) });
const metered: number[] = [];
for (let i = 1; i <= 5; i++) {
  const a = await createArticle(db, { headline: `Metered story ${i}`, slug: `metered-${i}`, body: `Lead ${i}.\n\nSecond ${i}.\n\n${METERED_SECRET} ${i}.`, section: 'city', status: 'published', publishedAt: at(2 + i) }, { now: new Date(NOW) });
  assert.equal(a.access, 'metered', 'metered is the default');
  metered.push(a.id);
}
await createArticle(db, { headline: 'A public notice', slug: 'public-notice', body: `Open to all. ${METERED_SECRET} public.`, access: 'public', status: 'published', publishedAt: at(10) }, { now: new Date(NOW) });

// A subscription sold elsewhere, for an address that registers later; and a free member.
const report = await importMembersCsv(t.deps, 'email,name,plan,status,expires_at\npayer@example.org,Pay Er,Print,active,2027-12-31\n');
assert.equal(report.created, 1);
const ORIGIN = { origin: 'https://news.example' };
async function signIn(email: string): Promise<string> {
  const token = memberLinkToken(t.deps.config.secretKey, { e: email }, 900, new Date(NOW));
  const r = await t.get('/account/signin/link', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN }, body: new URLSearchParams({ token }).toString() });
  assert.equal(r.status, 303);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}
const payer = await signIn('payer@example.org');
const free = await signIn('free@example.org');
const { secret: contentKey } = await createApiKey(db, { name: 'site', kind: 'content' });

const text = async (path: string, cookie?: string) => {
  const r = await t.get(path, cookie ? { headers: { cookie } } : {});
  return { status: r.status, headers: r.headers, body: await r.text() };
};

test('article page: the paid sentence reaches only the paying member; the wall and JSON-LD say so', { timeout: 20_000 }, async () => {
  for (const [who, cookie] of [['anonymous', undefined], ['free member', free]] as const) {
    const r = await text('/harbour-accounts', cookie);
    assert.equal(r.status, 200, who);
    assert.ok(!r.body.includes(PAID_SECRET), `${who} must not receive the paid text`);
    assert.match(r.body, /The second paragraph, still free\./, `${who} gets the lead-in`);
    assert.match(r.body, /Subscribed\? Register your account with the same email as your subscription\./);
    assert.match(r.body, /"isAccessibleForFree":false/);
    assert.doesNotMatch(r.body, /hasPart/);
    assert.match(r.headers.get('cache-control')!, /private/);
  }
  const r = await text('/harbour-accounts', payer);
  assert.ok(r.body.includes(PAID_SECRET), 'the paying member reads it, recognised by the imported subscription');
  assert.match(r.headers.get('cache-control')!, /private/);
  // The paying member's page never reaches the shared cache: anonymous readers still get the lead-in.
  const after = await text('/harbour-accounts');
  assert.ok(!after.body.includes(PAID_SECRET));
  assert.equal(after.headers.get('x-cache'), 'HIT', 'anonymous readers are answered from the cache');
});

test('members article: the registration wall for anonymous readers, the full text for a free member', { timeout: 20_000 }, async () => {
  const anon = await text('/committee-minutes');
  assert.ok(!anon.body.includes(MEMBERS_SECRET));
  assert.match(anon.body, /<h2 id="paywall-title">Continue reading for free<\/h2>/);
  assert.match(anon.body, /<form class="register-form" method="post" action="\/account\/register">/);
  assert.ok((await text('/committee-minutes', free)).body.includes(MEMBERS_SECRET));
});

test('the anonymous meter: three free articles a month in a signed cookie, counted once each; then the registration wall', { timeout: 30_000 }, async () => {
  let cookie = '';
  const view = async (n: number) => {
    const r = await t.get(`/metered-${n}`, cookie ? { headers: { cookie } } : {});
    const set = r.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return { body: await r.text(), set };
  };
  const v1 = await view(1);
  assert.ok(v1.body.includes(`${METERED_SECRET} 1`));
  assert.match(v1.body, /2 free articles left this month/);
  assert.match(v1.set!, /^nd_meter=.*; HttpOnly; SameSite=Lax; Secure$/);
  const again = await view(1);
  assert.ok(again.body.includes(`${METERED_SECRET} 1`), 're-opening a counted article is free');
  assert.equal(again.set, null, 'and counts nothing');
  assert.match((await view(2)).body, /1 free article left this month/);
  assert.ok((await view(3)).body.includes(`${METERED_SECRET} 3`));
  const walled = await view(4);
  assert.ok(!walled.body.includes(`${METERED_SECRET} 4`), 'the fourth is walled');
  assert.match(walled.body, /Continue reading for free/);
  assert.ok((await view(2)).body.includes(`${METERED_SECRET} 2`), 'already counted: still free');
  // Nothing about anonymous readers was written to the database.
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_reads`))!.n, 0);
  // A forged or altered cookie counts as no cookie.
  const value = cookie.slice('nd_meter='.length);
  const altered = 'nd_meter=' + value.slice(0, 10) + (value[10] === 'x' ? 'y' : 'x') + value.slice(11);
  const r = await t.get('/metered-4', { headers: { cookie: altered } });
  assert.ok((await r.text()).includes(`${METERED_SECRET} 4`), 'an altered cookie is no cookie: a fresh meter');
  // Next month the meter starts again.
  t.clock.set('2026-12-01T00:30:00Z');
  assert.ok((await t.get('/metered-4', { headers: { cookie } }).then((x) => x.text())).includes(`${METERED_SECRET} 4`));
  t.clock.set(NOW);
});

test('a registered reader’s meter is on the server: one row per article, the first time; carried over at sign-in', { timeout: 30_000 }, async () => {
  // An anonymous reader reads two, then signs in: those two are already counted on the account.
  let cookie = '';
  for (const n of [1, 2]) {
    const r = await t.get(`/metered-${n}`, cookie ? { headers: { cookie } } : {});
    cookie = r.headers.get('set-cookie')?.split(';')[0] ?? cookie;
  }
  const token = memberLinkToken(t.deps.config.secretKey, { e: 'reader@example.org' }, 900, new Date(NOW));
  const r = await t.get('/account/signin/link', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...ORIGIN }, body: new URLSearchParams({ token }).toString() });
  const session = r.headers.get('set-cookie')!.split(';')[0]!;
  const pid = (await db.one<{ id: number }>(`SELECT id FROM people WHERE email_normalized = 'reader@example.org'`))!.id;
  const rows = async () => (await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_reads WHERE person_id = $1`, [pid]))!.n;
  assert.equal(await rows(), 2);
  const page = await text('/metered-1', session);
  assert.match(page.body, /8 free articles left this month/);
  assert.equal(await rows(), 2, 're-reading writes nothing');
  await text('/metered-3', session);
  assert.equal(await rows(), 3, 'a new article: one row');
  await updatePaywall(db, { member_limit: 3 });
  const walled = await text('/metered-4', session);
  assert.ok(!walled.body.includes(`${METERED_SECRET} 4`));
  assert.match(walled.body, /You have read all your free articles/);
  await updatePaywall(db, { member_limit: 10 });
  const account = await text('/account', session);
  assert.match(account.body, /You have read 3 of 10 free articles this month/);
});

test('feeds: the lead-in and a link for every gated article, for every reader', { timeout: 20_000 }, async () => {
  for (const path of ['/feed.xml', '/feed.atom', '/feed.json', '/section/city/feed.xml', '/section/city/feed.json']) {
    for (const cookie of [undefined, payer]) {
      const r = await text(path, cookie);
      assert.equal(r.status, 200, path);
      for (const s of [PAID_SECRET, MEMBERS_SECRET, `${METERED_SECRET} 1`]) assert.ok(!r.body.includes(s), `${path}: ${s}`);
      assert.match(r.body, /Continue reading on/);
      if (path.startsWith('/feed')) assert.ok(r.body.includes(`${METERED_SECRET} public`), 'public articles in full');
    }
  }
});

test('search: gated articles match and show only what the reader may read', { timeout: 20_000 }, async () => {
  const anon = await text('/search?q=zebras');
  assert.match(anon.body, /No results|0 results/);
  assert.ok(!anon.body.includes(PAID_SECRET));
  const byHeadline = await text('/search?q=harbour');
  assert.match(byHeadline.body, /href="\/harbour-accounts"/, 'found by its headline');
  assert.ok(!byHeadline.body.includes(PAID_SECRET));
  const freeMember = await text('/search?q=zebras', free);
  assert.ok(!freeMember.body.includes('harbour-accounts'));
  const paying = await text('/search?q=zebras', payer);
  assert.match(paying.body, /href="\/harbour-accounts"/);
  assert.match(paying.body, /<mark>zebras<\/mark>/i);
});

test('Content API and Ghost’s Content API: a content key gets the lead-in, and Ghost’s visibility', { timeout: 20_000 }, async () => {
  const a = await (await t.get(`/api/content/articles/harbour-accounts?key=${contentKey}`)).json();
  assert.equal(a.data.gated, true);
  assert.equal(a.data.access, 'paid');
  assert.ok(!JSON.stringify(a).includes(PAID_SECRET));
  assert.match(a.data.body_html, /still free/);
  const list = await (await t.get(`/api/content/articles?key=${contentKey}&limit=50`)).text();
  assert.ok(!list.includes(PAID_SECRET) && !list.includes(MEMBERS_SECRET));
  const g = await (await t.get(`/ghost/api/content/posts/?key=${contentKey}&formats=html,plaintext&limit=all`)).json();
  const text = JSON.stringify(g);
  for (const s of [PAID_SECRET, MEMBERS_SECRET, `${METERED_SECRET} 1`]) assert.ok(!text.includes(s), s);
  const vis = Object.fromEntries(g.posts.map((p: any) => [p.slug, p.visibility]));
  assert.equal(vis['harbour-accounts'], 'paid');
  assert.equal(vis['committee-minutes'], 'members');
  assert.equal(vis['metered-1'], 'members');
  assert.equal(vis['public-notice'], 'public');
  const paidOnly = await (await t.get(`/ghost/api/content/posts/?key=${contentKey}&filter=visibility:paid`)).json();
  assert.deepEqual(paidOnly.posts.map((p: any) => p.slug), ['harbour-accounts']);
  const tiers = await (await t.get(`/ghost/api/content/tiers/?key=${contentKey}`)).json();
  assert.deepEqual(tiers.tiers.map((x: any) => x.type), ['free', 'paid']);
  assert.equal(tiers.tiers[1].name, 'Print');
});

test('newsletter emails carry no gated text for any recipient', { timeout: 10_000 }, async () => {
  const items = await listPublished(db, {}, 20);
  const { html, text: plain } = renderEditionEmail({
    publication: { name: 'The Ledger', siteUrl: 'https://news.example', timeZone: 'UTC', locale: 'en-GB' },
    newsletter: { slug: 'daily', name: 'Daily', description: '' },
    edition: { number: 1, subject: 'Today', intro: '', date: new Date(NOW) },
    items,
  });
  assert.ok(items.some((a) => a.id === paid.id));
  for (const s of [PAID_SECRET, MEMBERS_SECRET, METERED_SECRET]) {
    assert.ok(!html.includes(s) && !plain.includes(s), s);
  }
});

test('the edition web page: each story’s text as the reader may read it, the lead-in and the way on otherwise', { timeout: 30_000 }, async () => {
  await seedNewsletters(db);
  const e = await buildEdition(t.deps, 'daily');
  for (const slug of ['harbour-accounts', 'committee-minutes', 'metered-1', 'public-notice']) {
    const id = (await db.one<{ id: number }>(`SELECT id FROM articles WHERE slug = $1`, [slug]))!.id;
    if (!e.items.some((i) => i.id === id)) await addItem(db, e.id, id);
  }
  await startSend(t.deps, e.id);
  const path = `/newsletters/daily/${e.number}`;
  const anon = await text(path);
  assert.equal(anon.status, 200);
  for (const s of [PAID_SECRET, MEMBERS_SECRET, `${METERED_SECRET} 1`]) assert.ok(!anon.body.includes(s), `anonymous: not ${s}`);
  assert.ok(anon.body.includes(`${METERED_SECRET} public`), 'a public story in full');
  assert.match(anon.body, /The second paragraph, still free\./, 'the lead-in of the gated stories');
  assert.match(anon.body, /The rest of this story is for subscribers/);
  assert.match(anon.body, /Continue reading for free/);
  // On PostgreSQL the send's change notice arrives through LISTEN, after its commit: a render under way
  // when it lands is not stored. Nothing changes after it, so within a few requests the page is a hit.
  let cached = await text(path);
  for (let i = 0; i < 5 && cached.headers.get('x-cache') !== 'HIT'; i++) cached = await text(path);
  assert.equal(cached.headers.get('x-cache'), 'HIT', 'the anonymous page is the cached one');
  assert.equal(cached.body, anon.body);
  assert.ok(!cached.body.includes(PAID_SECRET));
  // A free member: members and metered stories in full, the paid one still the lead-in; never stored.
  const member = await text(path, free);
  assert.ok(member.body.includes(MEMBERS_SECRET) && member.body.includes(`${METERED_SECRET} 1`));
  assert.ok(!member.body.includes(PAID_SECRET));
  assert.match(member.headers.get('cache-control')!, /^private/);
  // A paying member reads all of it; anonymous readers still get the lead-ins afterwards.
  const paying = await text(path, payer);
  assert.ok(paying.body.includes(PAID_SECRET) && paying.body.includes(MEMBERS_SECRET));
  assert.doesNotMatch(paying.body, /The rest of this story is for subscribers/);
  assert.match(paying.headers.get('cache-control')!, /^private/);
  assert.ok(!(await text(path)).body.includes(PAID_SECRET));
  // A content key is no member: the API-key request gets the lead-ins.
  const withKey = await t.get(path, { headers: { authorization: `Bearer ${contentKey}` } });
  assert.ok(!(await withKey.text()).includes(PAID_SECRET));
});

test('/subscribe lists the plans and says when payments are not set up', { timeout: 10_000 }, async () => {
  const { upsertPlan } = await import('../src/members/subscriptions.ts');
  await upsertPlan(db, { name: 'Digital', currency: 'usd', monthly_amount: 1000, yearly_amount: 10000, features: ['Every article'] });
  const r = await text('/subscribe');
  assert.equal(r.status, 200);
  assert.match(r.body, /<h2>Digital<\/h2><p class="plan-price">US\$10\.00 a month or US\$100\.00 a year<\/p>/);
  assert.doesNotMatch(r.body, /<h2>Print<\/h2>/, 'offline plans are not sold here');
  assert.match(r.body, /Online payments are not set up yet/);
  assert.match(r.body, /Subscribed\? Register your account with the same email as your subscription\./);
});

test('the private full-text feed: paying members only, at a secret URL, revocable', { timeout: 20_000 }, async () => {
  const form = (cookie: string, fields: Record<string, string>) =>
    t.get('/account/feed', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...ORIGIN }, body: new URLSearchParams(fields).toString() });
  const csrfOf = async (cookie: string) => (await text('/account', cookie)).body.match(/name="_csrf" value="([^"]+)"/)![1]!;
  assert.equal((await form(free, { _csrf: await csrfOf(free) })).status, 403);
  const page = await (await form(payer, { _csrf: await csrfOf(payer) })).text();
  const url = page.match(/https:\/\/news\.example(\/account\/feed\/[A-Za-z0-9_-]+)/)![1]!;
  const feed = await text(url);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('cache-control')!, /no-store/);
  assert.ok(feed.body.includes(PAID_SECRET) && feed.body.includes(MEMBERS_SECRET));
  const second = await (await form(payer, { _csrf: await csrfOf(payer) })).text();
  const url2 = second.match(/https:\/\/news\.example(\/account\/feed\/[A-Za-z0-9_-]+)/)![1]!;
  assert.equal((await text(url)).status, 404, 'a new address revokes the old');
  assert.equal((await text(url2)).status, 200);
  await form(payer, { _csrf: await csrfOf(payer), action: 'revoke' });
  assert.equal((await text(url2)).status, 404);
  assert.equal((await text('/account/feed/guessed-token-guessed-token')).status, 404);
});

// Last: it signs the paying member out everywhere.
test('signed-in readers are answered from the cached variants through the member gate, and an ended session stops at once', { timeout: 30_000 }, async () => {
  const heard: string[] = [];
  const unlisten = await db.listen(MEMBERS_CHANNEL, (p) => heard.push(p));
  // Warm the entry (any reader), then each reader twice: the second answer comes from the page cache.
  await text('/harbour-accounts');
  const reader = await signIn('cached.reader@example.org');
  for (const [who, cookie, full] of [['free member', free, false], ['reader', reader, false], ['paying member', payer, true]] as const) {
    for (let i = 0; i < 2; i++) {
      const r = await text('/harbour-accounts', cookie);
      assert.equal(r.status, 200, who);
      assert.equal(r.headers.get('x-cache'), 'HIT', `${who}: from the cached variants`);
      assert.equal(r.body.includes(PAID_SECRET), full, `${who}: the paid text only with access`);
      assert.match(r.headers.get('cache-control')!, /^private/);
      assert.equal(r.headers.get('set-cookie'), null, `${who}: no meter cookie`);
      if (!full) {
        assert.match(r.body, /This story is for subscribers/);
        assert.doesNotMatch(r.body, /<form class="register-form"/, `${who}: signed in, so no register form`);
      }
    }
  }
  // Compressed for clients that accept it, and still without the paid text.
  const br = await t.get('/harbour-accounts', { headers: { cookie: free, 'accept-encoding': 'br' } });
  assert.equal(br.headers.get('content-encoding'), 'br');
  assert.ok(!(await br.text()).includes(PAID_SECRET));
  // A forged session cookie is no session: the anonymous page, no paid text.
  const forged = await text('/harbour-accounts', 'nd_member=' + 'A'.repeat(43));
  assert.ok(!forged.body.includes(PAID_SECRET));
  assert.match(forged.body, /<form class="register-form"|Register<\/a> or/);
  // The paying member signs out everywhere: the same cookie reads as nobody at once (the session kept in
  // memory is dropped, and every other process is told on MEMBERS_CHANNEL).
  const account = await text('/account', payer);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(account.body)![1]!;
  const out = await t.get('/account/signout-everywhere', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: payer, ...ORIGIN }, body: new URLSearchParams({ _csrf: csrf }).toString() });
  assert.equal(out.status, 200);
  assert.ok(heard.length >= 1, 'the change is announced to every process');
  const after = await text('/harbour-accounts', payer);
  assert.ok(!after.body.includes(PAID_SECRET), 'an ended session reads nothing paid, not even for a few seconds');
  await unlisten();
});
