// Paid plans through Stripe, with the official `stripe` library: Checkout sessions for a plan's
// price, the customer portal, and the webhooks that make access follow Stripe. See
// docs/decisions/0051-stripe-payments.md.
//
// Webhooks (`receiveStripeWebhook`):
//   - the signature is checked against STRIPE_WEBHOOK_SECRET with the library (bad signature or a
//     timestamp outside the tolerance: a ValidationError, 400, nothing changed);
//   - each event is applied once: its id goes into stripe_events in the same transaction as its effect;
//   - out-of-order events: a subscription row keeps the time of the state it holds (source_updated_at,
//     Stripe's event time); an older event changes nothing, and once Stripe says the subscription has
//     ended (its own ended_at) nothing brings it back;
//   - the member: client_reference_id (checkout) or the member id we put in the subscription's metadata,
//     then the Stripe customer id recorded at checkout, then the customer's email (the `people` row of that
//     address, created if need be, as an imported subscription would be). No call back to Stripe.
//   - an event for a customer we cannot place is recorded ('unknown customer') and answered 200; when
//     the customer becomes known (checkout.session.completed), its waiting events are applied in order.
//
// A subscription grants the plan whose Stripe price it carries; a price no plan knows still grants paid
// access (plan_id NULL, stripe_price_id set) and is flagged on the members screen.
import type StripeClient from 'stripe';
import type { Config, StripeConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../platform/errors.ts';
import { CONTENT_CHANNEL } from '../platform/channels.ts';
import { countDaily } from './stats.ts';
import { getPaywall } from './paywall.ts';
import { getPlan } from './subscriptions.ts';
import { enqueue } from '../platform/jobs.ts';
import { hashId } from './accounts.ts';

/** The outcome of an event for the Stripe customer of a deleted account (recorded without its payload). */
export const FORGOTTEN = 'ignored (account deleted)';

export function paymentsEnabled(config: Pick<Config, 'stripe'>): boolean {
  return !!config.stripe.secretKey;
}

// ---------------------------------------------------------------------------------------------
// The library: loaded on first use (not at start-up), one client per configuration.

let lib: Promise<typeof import('stripe')> | null = null;
const loadLib = () => (lib ??= import('stripe'));
const clients = new Map<string, StripeClient>();

async function client(cfg: StripeConfig): Promise<StripeClient> {
  if (!cfg.secretKey) throw new UnavailableError('Online payments are not set up on this site (STRIPE_SECRET_KEY).');
  const key = `${cfg.secretKey}|${JSON.stringify(cfg.api)}`;
  let c = clients.get(key);
  if (!c) {
    const Stripe = (await loadLib()).default;
    c = new Stripe(cfg.secretKey, {
      ...(cfg.api ? { host: cfg.api.host, port: cfg.api.port, protocol: cfg.api.protocol } : {}),
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
      appInfo: { name: 'Newsdesk' },
    });
    clients.set(key, c);
  }
  return c;
}

/** A Stripe call that failed: logged with Stripe's message, answered as "try again" (503). */
function paymentsDown(deps: Pick<Deps, 'log'>, what: string, err: unknown): never {
  const e = err as { type?: string; message?: string; statusCode?: number; requestId?: string };
  deps.log.error(`stripe: ${what} failed`, { type: e.type, status: e.statusCode, message: e.message, requestId: e.requestId });
  throw new UnavailableError('Payments are not available just now. Please try again in a few minutes.');
}

// ---------------------------------------------------------------------------------------------
// Checkout and the customer portal

export interface CheckoutMember {
  id: number;
  email: string;
  stripe_customer_id: string | null;
  paid: boolean;
}

/** A Checkout session for a plan's monthly or yearly price; returns the URL to send the reader to. */
export async function startCheckout(
  deps: Pick<Deps, 'db' | 'config' | 'log'>,
  member: CheckoutMember,
  planSlug: unknown,
  interval: unknown,
): Promise<string> {
  if (typeof planSlug !== 'string' || !planSlug) throw new ValidationError('Choose a plan.', { plan: 'required' });
  const plan = await getPlan(deps.db, planSlug);
  if (!plan || !plan.active || plan.kind !== 'stripe') throw new NotFoundError('That plan is not on offer.');
  const yearly = interval === 'year';
  if (interval !== undefined && interval !== '' && interval !== 'month' && interval !== 'year') throw new ValidationError('Choose monthly or yearly.', { interval: 'invalid' });
  const price = yearly ? plan.stripe_price_yearly : plan.stripe_price_monthly ?? (interval ? null : plan.stripe_price_yearly);
  if (!price) throw new ValidationError(`The ${plan.name} plan cannot be bought ${yearly ? 'yearly' : 'monthly'} online.`, { interval: 'unavailable' });
  if (member.paid) throw new ConflictError('You already have a subscription. Manage it from your account page.');
  const stripe = await client(deps.config.stripe);
  const site = deps.config.siteUrl;
  const meta = { member_id: String(member.id), plan: plan.slug };
  try {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price, quantity: 1 }],
      client_reference_id: String(member.id),
      ...(member.stripe_customer_id ? { customer: member.stripe_customer_id } : { customer_email: member.email }),
      success_url: `${site}/account?notice=subscribed`,
      cancel_url: `${site}/subscribe`,
      metadata: meta,
      subscription_data: { metadata: meta },
      allow_promotion_codes: true,
    });
    if (!session.url) throw new Error('Stripe answered a Checkout session without a URL');
    return session.url;
  } catch (err) {
    return paymentsDown(deps, 'checkout.sessions.create', err);
  }
}

/** A customer portal session for a member with a Stripe customer; returns its URL. */
export async function startPortal(deps: Pick<Deps, 'config' | 'log'>, member: { stripe_customer_id: string | null }): Promise<string> {
  if (!member.stripe_customer_id) throw new NotFoundError('There is no online billing for this account: your subscription was not bought on this site.');
  const stripe = await client(deps.config.stripe);
  try {
    const session = await stripe.billingPortal.sessions.create({ customer: member.stripe_customer_id, return_url: `${deps.config.siteUrl}/account` });
    return session.url;
  } catch (err) {
    return paymentsDown(deps, 'billingPortal.sessions.create', err);
  }
}

// ---------------------------------------------------------------------------------------------
// Cancelling when an account is deleted

export const CANCEL_SUBSCRIPTION_JOB = 'members.cancel_stripe_subscription';
/** With the queue's backoff (capped at an hour), about two days of attempts before a job is marked failed. */
const CANCEL_ATTEMPTS = 50;

export interface CancellationOutcome {
  /** Stripe subscriptions cancelled now. */
  cancelled: number;
  /** Those Stripe could not be asked about now: recorded as jobs, retried until Stripe answers. */
  queued: number;
}

/** Whether a Stripe error says the subscription is already gone (cancelled before, or unknown to Stripe). */
function alreadyGone(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: string; message?: string };
  return e.statusCode === 404 || e.code === 'resource_missing' || /already (been )?cancel/i.test(e.message ?? '');
}

/** Cancel one Stripe subscription at once (no proration, no final invoice); true when it is cancelled or gone. */
async function cancelAtStripe(deps: Pick<Deps, 'config'>, subscription: string): Promise<void> {
  const stripe = await client(deps.config.stripe);
  try {
    await stripe.subscriptions.cancel(subscription, {}, { idempotencyKey: `newsdesk-cancel-${subscription}` });
  } catch (err) {
    if (!alreadyGone(err)) throw err;
  }
}

/**
 * Before an account is deleted: every Stripe subscription of this person that has not ended is
 * cancelled immediately. One Stripe cannot be asked about now (unreachable, an error, or payments no
 * longer configured) is not lost: a job (CANCEL_SUBSCRIPTION_JOB, holding only Stripe's subscription
 * id) retries it with backoff, and the outcome says so, for the page to tell the reader.
 */
export async function cancelStripeSubscriptions(deps: Pick<Deps, 'db' | 'config' | 'log'>, personId: number): Promise<CancellationOutcome> {
  const rows = await deps.db.query<{ external_id: string }>(
    `SELECT external_id FROM member_subscriptions
      WHERE person_id = $1 AND source = 'stripe' AND external_id IS NOT NULL AND ended_at IS NULL AND status <> 'expired'`,
    [personId],
  );
  const out: CancellationOutcome = { cancelled: 0, queued: 0 };
  for (const { external_id: subscription } of rows) {
    try {
      await cancelAtStripe(deps, subscription);
      out.cancelled++;
    } catch (err) {
      const e = err as { type?: string; message?: string; statusCode?: number };
      deps.log.warn('stripe: subscription not cancelled now; queued to retry', { subscription, type: e.type, status: e.statusCode, message: e.message });
      await enqueue(deps.db, CANCEL_SUBSCRIPTION_JOB, { subscription }, { dedupeKey: `${CANCEL_SUBSCRIPTION_JOB}:${subscription}`, maxAttempts: CANCEL_ATTEMPTS });
      out.queued++;
    }
  }
  return out;
}

/** The job: cancel the subscription at Stripe (done when Stripe says it is cancelled or gone; else retried). */
export async function cancelStripeSubscriptionJob(deps: Deps, payload: { subscription?: unknown }): Promise<void> {
  if (typeof payload.subscription !== 'string' || !/^sub_[A-Za-z0-9]+$/.test(payload.subscription)) return;
  await cancelAtStripe(deps, payload.subscription);
}

// ---------------------------------------------------------------------------------------------
// Webhooks

/** Stripe's default tolerance: a signature older (or newer) than this is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The few fields of Stripe's objects we read (any API version: older ones kept some elsewhere). */
interface StripeObject {
  id?: string;
  object?: string;
  [k: string]: unknown;
}

interface StripeEvent {
  id: string;
  type: string;
  created: number;
  data: { object: StripeObject };
}

export interface WebhookOutcome {
  event: string;
  type: string;
  outcome: string;
}

/** Verify, record and apply one webhook delivery. */
export async function receiveStripeWebhook(deps: Pick<Deps, 'db' | 'config' | 'clock' | 'log'>, raw: Buffer, signature: unknown): Promise<WebhookOutcome> {
  const secret = deps.config.stripe.webhookSecret;
  if (!secret) throw new NotFoundError('Stripe webhooks are not set up on this site (STRIPE_WEBHOOK_SECRET).');
  if (typeof signature !== 'string' || !signature) throw new ValidationError('The Stripe-Signature header is missing.');
  const Stripe = (await loadLib()).default;
  let event: StripeEvent;
  try {
    const nowMs = deps.clock.now().getTime();
    event = Stripe.webhooks.constructEvent(raw, signature, secret, WEBHOOK_TOLERANCE_SECONDS, undefined, nowMs) as unknown as StripeEvent;
    // The library refuses signatures that are too old; one from too far in the future is refused too.
    const ts = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
    if (ts * 1000 - nowMs > WEBHOOK_TOLERANCE_SECONDS * 1000) throw new Error('Timestamp outside the tolerance zone (in the future)');
  } catch (err) {
    throw new ValidationError(`The Stripe signature was not accepted: ${(err as Error).message.split('\n')[0]!.slice(0, 200)}`);
  }
  if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.created !== 'number' || !event.data?.object) {
    throw new ValidationError('The Stripe event has no id, type, created time or object.');
  }
  const grace = (await getPaywall(deps.db)).grace_days;
  const ctx: ApplyContext = { now: deps.clock.now(), grace };
  const result = await deps.db.tx(async (tx) => {
    const obj = event.data.object;
    const customer = customerOf(obj);
    if (customer && (await tx.one(`SELECT 1 FROM stripe_forgotten_customers WHERE customer_hash = $1`, [hashId(customer)]))) {
      // A deleted account's customer: its events carry the address the deletion removed, so only
      // that the event came is kept (for the log and for dedupe), not what it says.
      const kept = await tx.query(
        `INSERT INTO stripe_events (id, type, created_at, received_at, payload, outcome)
         VALUES ($1, $2, to_timestamp($3), $4, '{}'::jsonb, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type, event.created, ctx.now, FORGOTTEN],
      );
      return { outcome: kept.length ? FORGOTTEN : 'duplicate', changed: false };
    }
    const inserted = await tx.query(
      `INSERT INTO stripe_events (id, type, created_at, received_at, payload, customer_id, subscription_id)
       VALUES ($1, $2, to_timestamp($3), $4, $5::jsonb, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [event.id, event.type, event.created, ctx.now, JSON.stringify(event), customerOf(obj), subscriptionIdOf(event.type, obj)],
    );
    if (!inserted.length) return { outcome: 'duplicate', changed: false };
    const outcome = await applyEvent(tx, ctx, event);
    await tx.query(`UPDATE stripe_events SET outcome = $2 WHERE id = $1`, [event.id, outcome.outcome]);
    return outcome;
  });
  if (result.changed) await deps.db.notify(CONTENT_CHANNEL, 'members');
  if (result.outcome === 'unknown customer') deps.log.warn('stripe: event for a customer we cannot place, recorded', { event: event.id, type: event.type });
  return { event: event.id, type: event.type, outcome: result.outcome };
}

interface ApplyContext {
  now: Date;
  grace: number;
}

interface Applied {
  outcome: string;
  changed: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const idOf = (v: unknown): string | null => str(v) ?? (v && typeof v === 'object' ? str((v as StripeObject).id) : null);
const obj = (v: unknown): StripeObject => (v && typeof v === 'object' ? (v as StripeObject) : {});
const seconds = (v: unknown): Date | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? new Date(v * 1000) : null);

function customerOf(o: StripeObject): string | null {
  return idOf(o.customer);
}

/** The subscription an event is about (checkout sessions, subscriptions, invoices of any API version). */
function subscriptionIdOf(type: string, o: StripeObject): string | null {
  if (type.startsWith('customer.subscription.')) return str(o.id);
  if (type.startsWith('checkout.session.')) return idOf(o.subscription);
  if (type.startsWith('invoice.')) return idOf(obj(obj(o.parent).subscription_details).subscription) ?? idOf(o.subscription);
  return null;
}

function memberRefOf(o: StripeObject): number | null {
  const ref = str(o.client_reference_id) ?? str(obj(o.metadata).member_id) ?? str(obj(obj(obj(o.parent).subscription_details).metadata).member_id) ?? str(obj(o.subscription_details).member_id);
  return ref && /^\d{1,15}$/.test(ref) ? Number(ref) : null;
}

function emailOf(o: StripeObject): string | null {
  const e = str(obj(o.customer_details).email) ?? str(o.customer_email) ?? str(obj(o.customer).email);
  return e && e.length <= 254 && /^[^@\s]+@[^@\s]+$/.test(e) ? e : null;
}

async function applyEvent(tx: Db, ctx: ApplyContext, event: StripeEvent): Promise<Applied> {
  const o = event.data.object;
  const at = new Date(event.created * 1000);
  switch (event.type) {
    case 'checkout.session.completed':
      return checkoutCompleted(tx, ctx, o, at);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return subscriptionChanged(tx, ctx, o, at, event.type === 'customer.subscription.deleted');
    case 'invoice.paid':
    case 'invoice.payment_failed':
      return invoiceEvent(tx, ctx, o, at, event.type === 'invoice.paid');
    default:
      return { outcome: 'ignored', changed: false };
  }
}

/**
 * The person an event belongs to: an existing subscription row, the member id we sent, the customer
 * id recorded at checkout, then the customer's email (its `people` row, created if there is none).
 */
async function findPerson(tx: Db, hints: { subscription?: string | null; ref?: number | null; customer?: string | null; email?: string | null }): Promise<number | null> {
  if (hints.subscription) {
    const r = await tx.one<{ person_id: number }>(`SELECT person_id FROM member_subscriptions WHERE source = 'stripe' AND external_id = $1`, [hints.subscription]);
    if (r) return r.person_id;
  }
  if (hints.ref) {
    const r = await tx.one<{ id: number }>(`SELECT id FROM people WHERE id = $1`, [hints.ref]);
    if (r) return r.id;
  }
  if (hints.customer) {
    const r = await tx.one<{ id: number }>(`SELECT id FROM people WHERE stripe_customer_id = $1`, [hints.customer]);
    if (r) return r.id;
  }
  if (hints.email) {
    const r = await tx.one<{ id: number }>(
      `INSERT INTO people (email, email_normalized) VALUES ($1, lower($1))
       ON CONFLICT (email_normalized) DO UPDATE SET email_normalized = EXCLUDED.email_normalized RETURNING id`,
      [hints.email],
    );
    return r!.id;
  }
  return null;
}

/** Record the customer on the person (first one wins; a customer id belongs to one person). */
async function recordCustomer(tx: Db, personId: number, customer: string | null): Promise<boolean> {
  if (!customer) return false;
  const rows = await tx.query(
    `UPDATE people SET stripe_customer_id = $2 WHERE id = $1 AND stripe_customer_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM people WHERE stripe_customer_id = $2) RETURNING id`,
    [personId, customer],
  );
  return rows.length > 0;
}

async function checkoutCompleted(tx: Db, ctx: ApplyContext, o: StripeObject, at: Date): Promise<Applied> {
  if (o.mode !== 'subscription') return { outcome: 'ignored (not a subscription)', changed: false };
  const customer = customerOf(o);
  const subscription = idOf(o.subscription);
  const personId = await findPerson(tx, { ref: memberRefOf(o), customer, email: emailOf(o) });
  if (!personId) return { outcome: 'unknown customer', changed: false };
  const newCustomer = await recordCustomer(tx, personId, customer);
  let changed = newCustomer;
  if (subscription) {
    const existing = await tx.one(`SELECT id FROM member_subscriptions WHERE source = 'stripe' AND external_id = $1`, [subscription]);
    if (!existing) {
      // The subscription's own events say more (price, period); until they come, the payment
      // Checkout took grants the plan the reader chose. source_updated_at stays NULL: any
      // subscription event, whatever its time, replaces this state.
      const paid = o.payment_status === 'paid' || o.payment_status === 'no_payment_required';
      const plan = str(obj(o.metadata).plan);
      await writeState(tx, ctx, personId, subscription, {
        status: paid ? 'active' : 'expired', expiresAt: null, renewsAt: null, endedAt: null, price: null, customer,
        planSlug: plan, rank: paid ? 1 : 0,
      }, null);
      changed = true;
    }
  }
  // Events that waited for this customer are applied now, in Stripe's order.
  if (customer) changed = (await replayWaiting(tx, ctx, customer)) || changed;
  return { outcome: 'applied', changed };
}

async function replayWaiting(tx: Db, ctx: ApplyContext, customer: string): Promise<boolean> {
  const waiting = await tx.query<{ id: string; payload: StripeEvent }>(
    `SELECT id, payload FROM stripe_events WHERE customer_id = $1 AND outcome = 'unknown customer' ORDER BY created_at, received_at`,
    [customer],
  );
  let changed = false;
  for (const w of waiting) {
    const r = await applyEvent(tx, ctx, w.payload);
    if (r.outcome === 'unknown customer') continue;
    await tx.query(`UPDATE stripe_events SET outcome = $2 WHERE id = $1`, [w.id, `${r.outcome} (after checkout)`]);
    changed = changed || r.changed;
  }
  return changed;
}

/** What we keep of a subscription's state. */
interface SubState {
  status: 'active' | 'past_due' | 'cancelled' | 'expired';
  expiresAt: Date | null;
  renewsAt: Date | null;
  endedAt: Date | null;
  price: string | null;
  customer: string | null;
  /** Checkout's chosen plan, when the price is not known yet. */
  planSlug?: string | null;
  /** For events in the same second: an incomplete subscription (0) never replaces a live one (1); an ended one (2) wins. */
  rank: number;
}

function firstItem(sub: StripeObject): StripeObject {
  const items = obj(sub.items).data;
  return Array.isArray(items) && items.length ? obj(items[0]) : {};
}

/** Stripe's subscription object as our state (current_period_end on the item since API 2025-03-31, on the subscription before). */
function stateOfSubscription(sub: StripeObject, deleted: boolean, at: Date): SubState {
  const item = firstItem(sub);
  const price = idOf(item.price) ?? idOf(item.plan) ?? idOf(sub.plan);
  const periodEnd = seconds(item.current_period_end) ?? seconds(sub.current_period_end);
  const status = deleted ? 'canceled' : String(sub.status ?? '');
  const customer = customerOf(sub);
  const base = { price, customer, renewsAt: periodEnd, endedAt: null as Date | null };
  switch (status) {
    case 'active':
    case 'trialing': {
      const cancelAt = seconds(sub.cancel_at) ?? (sub.cancel_at_period_end === true ? periodEnd : null);
      return cancelAt
        ? { ...base, status: 'cancelled', expiresAt: cancelAt, renewsAt: null, rank: 1 }
        : { ...base, status: 'active', expiresAt: null, rank: 1 };
    }
    case 'past_due':
      return { ...base, status: 'past_due', expiresAt: null, rank: 1 };
    case 'canceled': {
      const ended = seconds(sub.ended_at) ?? seconds(sub.canceled_at) ?? at;
      return { ...base, status: 'expired', expiresAt: ended, renewsAt: null, endedAt: ended, rank: 2 };
    }
    case 'incomplete_expired': {
      const ended = seconds(sub.ended_at) ?? at;
      return { ...base, status: 'expired', expiresAt: ended, renewsAt: null, endedAt: ended, rank: 2 };
    }
    case 'incomplete':
      return { ...base, status: 'expired', expiresAt: null, renewsAt: null, rank: 0 };
    default: // unpaid, paused: no access until Stripe says otherwise
      return { ...base, status: 'expired', expiresAt: null, renewsAt: null, rank: 1 };
  }
}

async function subscriptionChanged(tx: Db, ctx: ApplyContext, sub: StripeObject, at: Date, deleted: boolean): Promise<Applied> {
  const id = str(sub.id);
  if (!id) return { outcome: 'ignored (no subscription id)', changed: false };
  const customer = customerOf(sub);
  const personId = await findPerson(tx, { subscription: id, ref: memberRefOf(sub), customer, email: emailOf(sub) });
  if (!personId) return { outcome: 'unknown customer', changed: false };
  await recordCustomer(tx, personId, customer);
  return writeState(tx, ctx, personId, id, stateOfSubscription(sub, deleted, at), at);
}

async function invoiceEvent(tx: Db, ctx: ApplyContext, inv: StripeObject, at: Date, paid: boolean): Promise<Applied> {
  const subscription = subscriptionIdOf('invoice.', inv);
  if (!subscription) return { outcome: 'ignored (not a subscription invoice)', changed: false };
  const customer = customerOf(inv);
  const personId = await findPerson(tx, { subscription, ref: memberRefOf(inv), customer, email: emailOf(inv) });
  if (!personId) return { outcome: 'unknown customer', changed: false };
  await recordCustomer(tx, personId, customer);
  const current = await tx.one<{ status: string; ended_at: Date | null }>(
    `SELECT status, ended_at FROM member_subscriptions WHERE source = 'stripe' AND external_id = $1`,
    [subscription],
  );
  const lines = obj(inv.lines).data;
  const line = Array.isArray(lines) && lines.length ? obj(lines[0]) : {};
  const price = idOf(obj(obj(line.pricing).price_details).price) ?? idOf(line.price) ?? idOf(line.plan);
  const periodEnd = seconds(obj(line.period).end);
  if (paid) {
    // A paid invoice: a past-due subscription is active again; a new one is active until its own events say more.
    if (current && current.status !== 'past_due') return { outcome: 'applied (no change)', changed: false };
    return writeState(tx, ctx, personId, subscription, { status: 'active', expiresAt: null, renewsAt: periodEnd, endedAt: null, price, customer, rank: 1 }, at, { keepPrice: !!current });
  }
  // A failed payment: past due (access for the grace period from now); already past due stays so.
  if (current && current.status !== 'active') return { outcome: 'applied (no change)', changed: false };
  return writeState(tx, ctx, personId, subscription, { status: 'past_due', expiresAt: null, renewsAt: null, endedAt: null, price, customer, rank: 1 }, at, { keepPrice: !!current, keepRenews: true });
}

function grants(s: { status: string; expires_at: Date | null; status_changed_at: Date }, now: Date, grace: number): boolean {
  const t = now.getTime();
  if (s.status === 'active') return !s.expires_at || s.expires_at.getTime() > t;
  if (s.status === 'cancelled') return !!s.expires_at && s.expires_at.getTime() > t;
  if (s.status === 'past_due') return s.status_changed_at.getTime() + grace * 86400_000 > t;
  return false;
}

/**
 * Write a subscription's state unless what we hold is newer: an event older than the state we have
 * changes nothing; in the same second, a lower rank changes nothing; an ended subscription stays ended.
 * `at` null (Checkout's provisional state) only creates a row.
 */
async function writeState(tx: Db, ctx: ApplyContext, personId: number, subscription: string, s: SubState, at: Date | null, opts: { keepPrice?: boolean; keepRenews?: boolean } = {}): Promise<Applied> {
  // One subscription at a time, whichever server the event reached.
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('stripe-sub:' || $1))`, [subscription]);
  const old = await tx.one<{ id: number; status: string; expires_at: Date | null; status_changed_at: Date; source_updated_at: Date | null; ended_at: Date | null; rank: number; stripe_price_id: string | null; plan_id: number | null; renews_at: Date | null }>(
    `SELECT id, status, expires_at, status_changed_at, source_updated_at, ended_at, stripe_price_id, plan_id, renews_at,
            CASE WHEN ended_at IS NOT NULL THEN 2 WHEN status = 'expired' AND expires_at IS NULL THEN 0 ELSE 1 END AS rank
       FROM member_subscriptions WHERE source = 'stripe' AND external_id = $1 FOR UPDATE`,
    [subscription],
  );
  if (old) {
    if (old.ended_at && !s.endedAt) return { outcome: 'stale (the subscription has ended)', changed: false };
    if (at && old.source_updated_at) {
      const diff = at.getTime() - old.source_updated_at.getTime();
      if (diff < 0 || (diff === 0 && s.rank < old.rank)) return { outcome: 'stale (older than the state held)', changed: false };
    }
    if (!at) return { outcome: 'applied (no change)', changed: false };
  }
  const price = opts.keepPrice && old ? old.stripe_price_id : s.price;
  let planId: number | null = null;
  if (price) {
    const p = await tx.one<{ id: number }>(`SELECT id FROM plans WHERE stripe_price_monthly = $1 OR stripe_price_yearly = $1`, [price]);
    planId = p?.id ?? null;
  } else if (old) {
    planId = old.plan_id;
  } else if (s.planSlug) {
    planId = (await getPlan(tx, s.planSlug))?.id ?? null;
  }
  const renews = opts.keepRenews && old ? old.renews_at : s.renewsAt;
  const changedAt = old && old.status === s.status ? old.status_changed_at : at ?? ctx.now;
  const row = old
    ? await tx.one<{ status: string; expires_at: Date | null; status_changed_at: Date }>(
        `UPDATE member_subscriptions SET person_id = $2, plan_id = $3, status = $4, expires_at = $5, renews_at = $6, ended_at = $7, stripe_price_id = $8,
                stripe_customer_id = coalesce($9, stripe_customer_id), status_changed_at = $10, source_updated_at = $11, updated_at = $12
          WHERE id = $1 RETURNING status, expires_at, status_changed_at`,
        [old.id, personId, planId, s.status, s.expiresAt, renews, s.endedAt, price, s.customer, changedAt, at, ctx.now],
      )
    : await tx.one<{ status: string; expires_at: Date | null; status_changed_at: Date }>(
        `INSERT INTO member_subscriptions (person_id, plan_id, status, expires_at, renews_at, ended_at, source, external_id, stripe_price_id, stripe_customer_id,
                                           status_changed_at, source_updated_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'stripe', $7, $8, $9, $10, $11, $12, $12) RETURNING status, expires_at, status_changed_at`,
        [personId, planId, s.status, s.expiresAt, renews, s.endedAt, subscription, price, s.customer, changedAt, at, ctx.now],
      );
  const before = old ? grants(old, ctx.now, ctx.grace) : false;
  const after = grants(row!, ctx.now, ctx.grace);
  if (!before && after) await countDaily(tx, ctx.now, 'paid');
  if (before && !after && s.endedAt) await countDaily(tx, ctx.now, 'cancelled');
  return { outcome: 'applied', changed: true };
}

// ---------------------------------------------------------------------------------------------
// The newsroom's view of what Stripe sent

export interface StripeEventRow {
  id: string;
  type: string;
  created_at: Date;
  received_at: Date;
  outcome: string;
  customer_id: string | null;
}

export async function recentStripeEvents(db: Db, limit = 50): Promise<StripeEventRow[]> {
  return db.query<StripeEventRow>(
    `SELECT id, type, created_at, received_at, outcome, customer_id FROM stripe_events ORDER BY received_at DESC, id LIMIT $1`,
    [limit],
  );
}
