// Paid plans through Stripe: the real `stripe` library against a small Stripe on loopback
// (test/helpers/stripe-server.ts), webhooks signed with the library's own test-header helper.
// Checkout carries the member's id and email; webhooks are verified (bad signature or stale timestamp:
// 400, nothing changes), applied once, ordered by Stripe's times, matched to the member without a call
// back to Stripe; past due keeps access for the grace period; an unknown price still grants access and
// is flagged; an unknown customer is recorded and answered 200; the customer portal from /account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, testConfig } from './helpers/app.ts';
import { deliver, startFakeStripe, stripeEvent, subscriptionObject, WEBHOOK_SECRET } from './helpers/stripe-server.ts';
import { createMemberSession, getMember } from '../src/members/accounts.ts';
import { upsertPlan } from '../src/members/subscriptions.ts';
import { listMembers } from '../src/members/admin.ts';
import { createArticle } from '../src/articles/write.ts';
import { ConfigError } from '../src/config.ts';
import { CANCEL_SUBSCRIPTION_JOB, FORGOTTEN } from '../src/members/stripe.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { jobRegistry } from '../src/jobs.ts';

const NOW = '2026-11-20T12:00:00Z';
const fake = await startFakeStripe();
const t = await startTestApp({ now: NOW, env: { STRIPE_SECRET_KEY: 'sk_test_newsdesk123', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url } });
const { db } = t.deps;
const ORIGIN = { origin: 'https://news.example' };
const GRACE = 7;

await upsertPlan(db, { slug: 'digital', name: 'Digital', currency: 'gbp', monthly_amount: 900, yearly_amount: 9000, stripe_price_monthly: 'price_digital_month', stripe_price_yearly: 'price_digital_year' });
const SECRET = 'Tangerine auditors recount the lighthouse budget';
await createArticle(db, { headline: 'The lighthouse budget', slug: 'lighthouse-budget', body: `Free first paragraph.\n\nFree second.\n\n<!--paywall-->\n\n${SECRET}.`, access: 'paid', status: 'published', publishedAt: new Date(Date.parse(NOW) - 3600_000) }, { now: new Date(NOW) });

async function member(email: string): Promise<{ id: number; cookie: string; csrf: string }> {
  const p = await db.one<{ id: number }>(`INSERT INTO people (email, email_normalized, name, account_at) VALUES ($1, lower($1), '', $2) RETURNING id`, [email, new Date(NOW)]);
  const s = await createMemberSession(db, p!.id, t.clock.now());
  return { id: p!.id, cookie: `nd_member=${s.id}`, csrf: s.csrf };
}
const paid = async (id: number) => (await getMember(db, id, t.clock.now(), GRACE))!.paid;
const at = (s: number) => new Date(Date.parse(NOW) + s * 1000);
function post(path: string, fields: Record<string, string>, cookie: string) {
  return t.get(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...ORIGIN }, body: new URLSearchParams(fields).toString() });
}
const outcome = async (id: string) => (await db.one<{ outcome: string }>(`SELECT outcome FROM stripe_events WHERE id = $1`, [id]))?.outcome;

test('STRIPE_API_URL is parsed once into the library’s host, port and protocol; bad keys stop start-up', () => {
  const c = testConfig({ STRIPE_SECRET_KEY: 'sk_test_abcdef', STRIPE_API_URL: 'http://127.0.0.1:12111' });
  assert.deepEqual(c.stripe.api, { host: '127.0.0.1', port: 12111, protocol: 'http' });
  assert.equal(testConfig().stripe.api, null, 'unset: Stripe itself');
  assert.equal(testConfig().stripe.secretKey, null);
  assert.deepEqual(testConfig({ STRIPE_API_URL: 'https://stripe.internal' }).stripe.api, { host: 'stripe.internal', port: 443, protocol: 'https' });
  assert.throws(() => testConfig({ STRIPE_SECRET_KEY: 'pk_test_publishable' }), (e: unknown) => e instanceof ConfigError && e.variable === 'STRIPE_SECRET_KEY' && !e.message.includes('pk_test'));
  assert.throws(() => testConfig({ STRIPE_WEBHOOK_SECRET: 'nope' }), (e: unknown) => e instanceof ConfigError && e.variable === 'STRIPE_WEBHOOK_SECRET');
  assert.throws(() => testConfig({ STRIPE_API_URL: 'ftp://x' }), (e: unknown) => e instanceof ConfigError && e.variable === 'STRIPE_API_URL');
  assert.throws(() => testConfig({ STRIPE_API_URL: 'http://127.0.0.1:1/v1' }), (e: unknown) => e instanceof ConfigError && e.variable === 'STRIPE_API_URL');
});

test('choosing a plan creates a Checkout session with the member’s id and email, and sends the reader to it', async () => {
  const m = await member('reader.one@example.org');
  const page = await (await t.get('/subscribe', { headers: { cookie: m.cookie } })).text();
  assert.match(page, /action="\/subscribe\/checkout"/);
  assert.doesNotMatch(page, /not set up/);
  const before = fake.requests.length;
  const r = await post('/subscribe/checkout', { plan: 'digital', interval: 'year', _csrf: m.csrf }, m.cookie);
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location')!, /^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
  const sent = fake.requests.slice(before).find((q) => q.path === '/v1/checkout/sessions')!;
  assert.equal(sent.auth, 'Bearer sk_test_newsdesk123');
  assert.equal(sent.form.mode, 'subscription');
  assert.equal(sent.form.client_reference_id, String(m.id));
  assert.equal(sent.form.customer_email, 'reader.one@example.org');
  assert.equal(sent.form['line_items[0][price]'], 'price_digital_year');
  assert.equal(sent.form['subscription_data[metadata][member_id]'], String(m.id));
  assert.equal(sent.form.success_url, 'https://news.example/account?notice=subscribed');

  // Without the form's token nothing is created; signed out, the reader registers first.
  const n = fake.requests.length;
  assert.equal((await post('/subscribe/checkout', { plan: 'digital', _csrf: 'wrong' }, m.cookie)).status, 403);
  const anon = await t.get('/subscribe/checkout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...ORIGIN }, body: 'plan=digital' });
  assert.equal(anon.status, 303);
  assert.match(anon.headers.get('location')!, /^\/account\/register\?next=/);
  assert.equal(fake.requests.length, n, 'no Stripe call without a member and a valid token');
  // An unknown plan, and Stripe failing, are clear errors.
  assert.equal((await post('/subscribe/checkout', { plan: 'nope', _csrf: m.csrf }, m.cookie)).status, 404);
  fake.failWith = { status: 400, type: 'invalid_request_error', message: 'No such price' };
  try {
    const down = await post('/subscribe/checkout', { plan: 'digital', _csrf: m.csrf }, m.cookie);
    assert.equal(down.status, 503);
    assert.match(await down.text(), /Payments are not available just now/);
  } finally {
    fake.failWith = null;
  }
});

test('a bad signature or a stale timestamp is refused with 400 and changes nothing', async () => {
  const m = await member('sig@example.org');
  const sub = subscriptionObject({ id: 'sub_sig', customer: 'cus_sig', status: 'active', price: 'price_digital_month', periodEnd: at(30 * 86400), memberId: m.id });
  const ev = stripeEvent('customer.subscription.created', sub, at(0));
  const bad = await deliver(t.url, ev, { secret: 'whsec_someone_else_entirely_0000' });
  assert.equal(bad.status, 400);
  const tampered = await deliver(t.url, ev, { tamper: true });
  assert.equal(tampered.status, 400);
  const stale = await deliver(t.url, ev, { signedAt: at(-301) });
  assert.equal(stale.status, 400);
  assert.match((await stale.json()).error.message, /tolerance/i);
  assert.equal((await deliver(t.url, ev, { signedAt: at(301) })).status, 400, 'nor from the future');
  const noHeader = await fetch(t.url + '/webhooks/stripe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ev) });
  assert.equal(noHeader.status, 400);
  assert.equal(await outcome(ev.id as string), undefined, 'not recorded');
  assert.equal(await paid(m.id), false);
  // The same event, signed properly, is applied.
  const ok = await deliver(t.url, ev);
  assert.equal(ok.status, 200);
  assert.equal(await paid(m.id), true);
});

test('checkout, then the subscription’s events: applied once, in Stripe’s order, past due keeps access for the grace period', async () => {
  const m = await member('payer@example.org');
  const T = at(100);
  // Stripe often sends the subscription before the checkout session: without our metadata it waits for its customer.
  const bare = subscriptionObject({ id: 'sub_pay', customer: 'cus_pay', status: 'active', price: 'price_digital_month', periodEnd: at(100 + 30 * 86400) });
  const created = stripeEvent('customer.subscription.created', bare, T);
  const r1 = await deliver(t.url, created);
  assert.equal(r1.status, 200);
  assert.equal((await r1.json()).outcome, 'unknown customer');
  assert.equal(await paid(m.id), false);

  const session = { id: 'cs_test_pay', object: 'checkout.session', mode: 'subscription', client_reference_id: String(m.id), customer: 'cus_pay', customer_details: { email: 'payer@example.org' }, subscription: 'sub_pay', payment_status: 'paid', metadata: { member_id: String(m.id), plan: 'digital' } };
  const done = stripeEvent('checkout.session.completed', session, at(101));
  assert.equal((await deliver(t.url, done)).status, 200);
  assert.equal(await paid(m.id), true);
  assert.equal((await db.one<{ stripe_customer_id: string }>(`SELECT stripe_customer_id FROM people WHERE id = $1`, [m.id]))!.stripe_customer_id, 'cus_pay');
  assert.match((await outcome(created.id as string))!, /^applied/, 'the waiting event was applied once its customer was known');
  const row = await db.one<{ plan: string; renews_at: Date; expires_at: Date | null }>(`SELECT pl.slug AS plan, ms.renews_at, ms.expires_at FROM member_subscriptions ms JOIN plans pl ON pl.id = ms.plan_id WHERE ms.external_id = 'sub_pay'`);
  assert.equal(row!.plan, 'digital');
  assert.equal(row!.expires_at, null, 'a renewing subscription has no expiry of its own');
  assert.equal(row!.renews_at.toISOString(), at(100 + 30 * 86400).toISOString());

  // The same event twice changes things once.
  const again = await deliver(t.url, done);
  assert.equal((await again.json()).outcome, 'duplicate');
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_subscriptions WHERE external_id = 'sub_pay'`))!.n, 1);

  // The paying member reads the paid article in full; the account page shows the plan and the portal.
  const article = await (await t.get('/lighthouse-budget', { headers: { cookie: m.cookie } })).text();
  assert.ok(article.includes(SECRET));
  const account = await (await t.get('/account', { headers: { cookie: m.cookie } })).text();
  assert.match(account, /Digital · renews/);
  assert.match(account, /action="\/account\/billing"/);
  const before = fake.requests.length;
  const portal = await post('/account/billing', { _csrf: m.csrf }, m.cookie);
  assert.equal(portal.status, 303);
  assert.match(portal.headers.get('location')!, /^https:\/\/billing\.stripe\.test\/p\/session\/bps_/);
  const sent = fake.requests.slice(before).find((q) => q.path === '/v1/billing_portal/sessions')!;
  assert.equal(sent.form.customer, 'cus_pay');
  assert.equal(sent.form.return_url, 'https://news.example/account');

  // Payment fails: past due (at T+1000), then an older "active" update arrives late and changes nothing.
  const failed = stripeEvent('invoice.payment_failed', { id: 'in_1', object: 'invoice', customer: 'cus_pay', customer_email: 'payer@example.org', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_pay', metadata: {} } }, lines: { data: [] } }, at(1000));
  assert.equal((await deliver(t.url, failed, { signedAt: t.clock.now() })).status, 200);
  const late = stripeEvent('customer.subscription.updated', bare, at(500));
  assert.equal((await (await deliver(t.url, late, { signedAt: t.clock.now() })).json()).outcome, 'stale (older than the state held)');
  assert.equal((await db.one<{ status: string }>(`SELECT status FROM member_subscriptions WHERE external_id = 'sub_pay'`))!.status, 'past_due');
  assert.equal(await paid(m.id), true, 'past due keeps access during the grace period');
  t.clock.set(at(1000 + 8 * 86400));
  try {
    assert.equal(await paid(m.id), false, 'and not after it (7 days)');
    assert.ok(!(await (await t.get('/lighthouse-budget', { headers: { cookie: m.cookie } })).text()).includes(SECRET));
    // The invoice is paid after all: active again.
    const paidInvoice = stripeEvent('invoice.paid', { id: 'in_1', object: 'invoice', customer: 'cus_pay', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_pay', metadata: {} } }, lines: { data: [{ period: { end: Math.floor(at(1000 + 38 * 86400).getTime() / 1000) } }] } }, at(1000 + 8 * 86400));
    assert.equal((await deliver(t.url, paidInvoice, { signedAt: t.clock.now() })).status, 200);
    assert.equal(await paid(m.id), true);

    // Deleted: access ends; a late, older update cannot revive it, nor can a newer one without ended_at.
    const ended = subscriptionObject({ id: 'sub_pay', customer: 'cus_pay', status: 'canceled', price: 'price_digital_month', periodEnd: at(1000 + 38 * 86400), endedAt: at(1000 + 9 * 86400) });
    const del = stripeEvent('customer.subscription.deleted', ended, at(1000 + 9 * 86400));
    t.clock.set(at(1000 + 9 * 86400 + 60));
    assert.equal((await deliver(t.url, del, { signedAt: t.clock.now() })).status, 200);
    assert.equal(await paid(m.id), false);
    const revive = stripeEvent('customer.subscription.updated', bare, at(1000 + 9 * 86400 + 30));
    assert.match((await (await deliver(t.url, revive, { signedAt: t.clock.now() })).json()).outcome, /^stale/);
    assert.equal(await paid(m.id), false);
  } finally {
    t.clock.set(NOW);
  }
});

test('members are found by customer id, then by email, with no call to Stripe; a price no plan knows is flagged; an unknown customer is recorded', async () => {
  const calls = fake.requests.length;
  // By email: a reader with an account, a subscription sold by a Stripe payment link (no metadata of ours).
  const byEmail = await member('Linked.Reader@example.org');
  const inv = stripeEvent('invoice.paid', { id: 'in_email', object: 'invoice', customer: 'cus_email', customer_email: 'linked.reader@example.org', parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_email', metadata: {} } }, lines: { data: [{ pricing: { price_details: { price: 'price_from_elsewhere' } }, period: { end: Math.floor(at(40 * 86400).getTime() / 1000) } }] } }, at(10));
  assert.equal((await deliver(t.url, inv)).status, 200);
  assert.equal(await paid(byEmail.id), true);
  // Then by the customer id recorded from that invoice: a subscription event with no email at all.
  const upd = stripeEvent('customer.subscription.updated', subscriptionObject({ id: 'sub_email', customer: 'cus_email', status: 'active', price: 'price_from_elsewhere', periodEnd: at(40 * 86400) }), at(20));
  assert.match((await (await deliver(t.url, upd)).json()).outcome, /^applied/);
  const { rows } = await listMembers(t.deps, { q: 'linked.reader', limit: 10, offset: 0 });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.unknown_price, true, 'a price no plan knows is flagged');
  assert.equal(rows[0]!.plan, null);

  // Nobody to match: recorded, answered 200 (so Stripe does not retry forever), nothing granted.
  const orphan = stripeEvent('customer.subscription.created', subscriptionObject({ id: 'sub_orphan', customer: 'cus_orphan', status: 'active', price: 'price_digital_month', periodEnd: at(30 * 86400) }), at(30));
  const r = await deliver(t.url, orphan);
  assert.equal(r.status, 200);
  assert.equal(await outcome(orphan.id as string), 'unknown customer');
  assert.equal((await db.one<{ n: number }>(`SELECT count(*)::int AS n FROM member_subscriptions WHERE external_id = 'sub_orphan'`))!.n, 0);
  // Other event types are recorded and ignored.
  const other = stripeEvent('customer.created', { id: 'cus_x', object: 'customer' }, at(31));
  assert.equal((await deliver(t.url, other)).status, 200);
  assert.equal(await outcome(other.id as string), 'ignored');
  assert.equal(fake.requests.length, calls, 'webhooks never call Stripe');
});

test('without STRIPE_SECRET_KEY the plans page says payments are not set up, and webhooks are refused', async (ctx) => {
  const plain = await startTestApp({ now: NOW, scope: ctx });
  await upsertPlan(plain.deps.db, { slug: 'digital', name: 'Digital', monthly_amount: 900, stripe_price_monthly: 'price_x' });
  const page = await (await plain.get('/subscribe')).text();
  assert.match(page, /Online payments are not set up yet/);
  assert.doesNotMatch(page, /subscribe\/checkout/);
  const ev = stripeEvent('customer.created', { id: 'cus_x' }, new Date(NOW));
  assert.equal((await deliver(plain.url, ev)).status, 404);
});

test('deleting an account cancels its Stripe subscription at once; when Stripe cannot be reached the cancellation is queued, retried and said', { timeout: 60_000 }, async () => {
  const subscribe = async (email: string, sub: string, customer: string) => {
    const m = await member(email);
    const ev = stripeEvent('customer.subscription.created', subscriptionObject({ id: sub, customer, status: 'active', price: 'price_digital_month', periodEnd: at(30 * 86400), memberId: m.id }), at(0));
    assert.equal((await deliver(t.url, ev)).status, 200);
    assert.equal(await paid(m.id), true);
    return m;
  };
  const remove = async (m: { cookie: string; csrf: string }) => {
    const r = await post('/account/delete', { _csrf: m.csrf, confirm: 'delete' }, m.cookie);
    assert.equal(r.status, 200);
    return r.text();
  };
  const cancels = (sub: string) => fake.requests.filter((r) => r.method === 'DELETE' && r.path === `/v1/subscriptions/${sub}`);

  // Stripe answers: cancelled now, with the secret key, and the page says so.
  const one = await subscribe('leaving@example.org', 'sub_leaving', 'cus_leaving');
  const page = await remove(one);
  assert.equal(cancels('sub_leaving').length, 1, 'one cancel call');
  assert.match(cancels('sub_leaving')[0]!.auth, /^Bearer sk_test_/);
  assert.match(page, /Your subscription is cancelled/);
  assert.equal(await db.one(`SELECT 1 FROM people WHERE id = $1`, [one.id]), undefined, 'the account is gone');
  // Stripe's events about that customer keep coming (the cancellation itself, a last invoice): they
  // are recorded without their payload, so the address the deletion removed does not come back.
  const after = stripeEvent('customer.subscription.deleted', { ...subscriptionObject({ id: 'sub_leaving', customer: 'cus_leaving', status: 'canceled', price: 'price_digital_month', periodEnd: at(30 * 86400), endedAt: at(60) }), customer_email: 'leaving@example.org' }, at(60));
  const afterAnswer = await deliver(t.url, after);
  assert.equal(afterAnswer.status, 200);
  assert.equal((await afterAnswer.json()).outcome, FORGOTTEN);
  assert.equal((await (await deliver(t.url, after)).json()).outcome, 'duplicate', 'the same event twice is still one');
  const invoice = stripeEvent('invoice.paid', { id: 'in_last', object: 'invoice', customer: 'cus_leaving', customer_email: 'leaving@example.org', lines: { data: [] } }, at(90));
  assert.equal((await (await deliver(t.url, invoice)).json()).outcome, FORGOTTEN);
  assert.equal(await db.one(`SELECT 1 FROM stripe_events WHERE payload::text LIKE '%leaving@example.org%' OR customer_id = 'cus_leaving'`), undefined, 'no trace of the address or the customer in the events');
  assert.equal(await db.one(`SELECT 1 FROM people WHERE email = 'leaving@example.org'`), undefined, 'and no person made again');

  // Stripe fails: the account is still deleted, the cancellation is a queued job, and the page says so.
  const two = await subscribe('unlucky@example.org', 'sub_unlucky', 'cus_unlucky');
  // Told not to retry, the library gives up at once: what follows is the same, without its waits.
  fake.failWith = { status: 500, type: 'api_error', message: 'Stripe is having a bad day', retry: false };
  const failed = await remove(two);
  assert.equal(cancels('sub_unlucky').length, 1, 'asked once, not retried');
  assert.match(failed, /could not reach our payment provider/);
  assert.match(failed, /keep trying automatically/);
  assert.equal(await db.one(`SELECT 1 FROM people WHERE id = $1`, [two.id]), undefined, 'the deletion is not held up');
  const job = await db.one<{ id: number; status: string; payload: Record<string, unknown> }>(`SELECT id, status, payload FROM jobs WHERE name = $1 AND payload->>'subscription' = 'sub_unlucky'`, [CANCEL_SUBSCRIPTION_JOB]);
  assert.ok(job, 'the cancellation is recorded');
  assert.equal(job.status, 'queued');
  assert.deepEqual(Object.keys(job.payload), ['subscription'], 'nothing personal in the job');
  // Still down: the job runs, fails, and stays queued for another attempt.
  await runDueJobs(t.deps, jobRegistry, 20, { only: [CANCEL_SUBSCRIPTION_JOB] });
  assert.equal((await db.one<{ status: string }>(`SELECT status FROM jobs WHERE id = $1`, [job.id]))!.status, 'queued');
  // Stripe is back: the retry cancels it, once.
  fake.failWith = null;
  await db.query(`UPDATE jobs SET run_at = now() WHERE id = $1`, [job.id]);
  const before = cancels('sub_unlucky').length;
  await runDueJobs(t.deps, jobRegistry, 20, { only: [CANCEL_SUBSCRIPTION_JOB] });
  assert.equal((await db.one<{ status: string }>(`SELECT status FROM jobs WHERE id = $1`, [job.id]))!.status, 'done');
  assert.equal(cancels('sub_unlucky').length, before + 1);

  // A subscription Stripe no longer knows counts as cancelled (nothing to retry forever).
  const three = await subscribe('gone@example.org', 'sub_gone_1', 'cus_gone');
  assert.match(await remove(three), /Your subscription is cancelled/);
  assert.equal(await db.one(`SELECT 1 FROM jobs WHERE payload->>'subscription' = 'sub_gone_1'`), undefined);
});
