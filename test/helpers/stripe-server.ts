// A small HTTP server on loopback that answers the few Stripe API endpoints Newsdesk calls, so the
// real `stripe` library can be tested without reaching Stripe (STRIPE_API_URL points the library's
// host, port and protocol here). It checks what Stripe would (a Bearer secret key, a form-encoded
// body, the required fields) and logs every request with its decoded form fields. Also: Stripe-style
// signed webhook deliveries, made with the library's own test-header helper.
import http from 'node:http';
import crypto from 'node:crypto';
import { after } from 'node:test';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface StripeRequest {
  method: string;
  path: string;
  auth: string;
  idempotencyKey: string | undefined;
  /** The form fields as sent (`line_items[0][price]` and so on). */
  form: Record<string, string>;
}

export interface FakeStripe {
  url: string;
  requests: StripeRequest[];
  /**
   * Make the next calls fail with this HTTP status and Stripe error (null: answer normally). With
   * `retry: false` the answer says so (Stripe-Should-Retry: false, as Stripe's own may), and the
   * library gives up at once instead of retrying after its waits (half a second, then a second).
   */
  failWith: { status: number; type: string; message: string; retry?: boolean } | null;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${crypto.randomBytes(8).toString('hex')}`;

function stripeError(res: http.ServerResponse, status: number, type: string, message: string, param?: string, retry?: boolean) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...(retry === false ? { 'stripe-should-retry': 'false' } : {}) });
  res.end(JSON.stringify({ error: { type, message, ...(param ? { param } : {}) } }));
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const s: FakeStripe = { url: '', requests: [], failWith: null, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const form = Object.fromEntries(new URLSearchParams(body));
      const path = (req.url ?? '/').split('?')[0]!;
      const auth = String(req.headers.authorization ?? '');
      s.requests.push({ method: req.method ?? 'GET', path, auth, idempotencyKey: req.headers['idempotency-key'] as string | undefined, form });
      if (!/^Bearer (sk|rk)_/.test(auth)) return stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided.');
      if (s.failWith) return stripeError(res, s.failWith.status, s.failWith.type, s.failWith.message, undefined, s.failWith.retry);
      const ok = (o: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': id('req') });
        res.end(JSON.stringify(o));
      };
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        if (!form.mode) return stripeError(res, 400, 'invalid_request_error', 'Missing required param: mode.', 'mode');
        if (!form.success_url) return stripeError(res, 400, 'invalid_request_error', 'Missing required param: success_url.', 'success_url');
        if (form.mode === 'subscription' && !form['line_items[0][price]']) return stripeError(res, 400, 'invalid_request_error', 'You must provide at least one recurring price.', 'line_items');
        if (form.customer && form.customer_email) return stripeError(res, 400, 'invalid_request_error', 'You may only specify one of these parameters: customer, customer_email.', 'customer');
        if (form['line_items[0][price]'] && !/^price_/.test(form['line_items[0][price]'])) return stripeError(res, 400, 'invalid_request_error', `No such price: '${form['line_items[0][price]']}'`, 'line_items[0][price]');
        const sid = id('cs_test');
        return ok({
          id: sid, object: 'checkout.session', mode: form.mode, url: `https://checkout.stripe.test/c/pay/${sid}`, client_reference_id: form.client_reference_id ?? null,
          customer: form.customer ?? null, customer_email: form.customer_email ?? null, success_url: form.success_url, cancel_url: form.cancel_url ?? null,
          metadata: Object.fromEntries(Object.entries(form).filter(([k]) => k.startsWith('metadata[')).map(([k, v]) => [k.slice(9, -1), v])), status: 'open', payment_status: 'unpaid',
        });
      }
      if (req.method === 'POST' && path === '/v1/billing_portal/sessions') {
        if (!form.customer) return stripeError(res, 400, 'invalid_request_error', 'Missing required param: customer.', 'customer');
        if (!/^cus_/.test(form.customer)) return stripeError(res, 400, 'invalid_request_error', `No such customer: '${form.customer}'`, 'customer');
        const pid = id('bps');
        return ok({ id: pid, object: 'billing_portal.session', customer: form.customer, return_url: form.return_url ?? null, url: `https://billing.stripe.test/p/session/${pid}` });
      }
      // Cancel a subscription at once (stripe.subscriptions.cancel). Ids starting sub_gone are unknown to this Stripe.
      const cancel = /^\/v1\/subscriptions\/([A-Za-z0-9_]+)$/.exec(path);
      if (req.method === 'DELETE' && cancel) {
        const sub = cancel[1]!;
        if (sub.startsWith('sub_gone')) return stripeError(res, 404, 'invalid_request_error', `No such subscription: '${sub}'`, 'id');
        return ok({ id: sub, object: 'subscription', status: 'canceled', canceled_at: Math.floor(Date.now() / 1000), ended_at: Math.floor(Date.now() / 1000) });
      }
      return stripeError(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${path}).`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  s.url = `http://127.0.0.1:${port}`;
  s.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  after(() => s.close());
  return s;
}

// ---------------------------------------------------------------------------------------------
// Webhook deliveries

export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdefghijklmnopqrstuv';

let seq = 0;
export function stripeEvent(type: string, object: Record<string, unknown>, created: Date, eventId?: string): Record<string, unknown> {
  return { id: eventId ?? `evt_test_${++seq}_${crypto.randomBytes(4).toString('hex')}`, object: 'event', api_version: '2026-10-28.endive', type, created: Math.floor(created.getTime() / 1000), livemode: false, data: { object } };
}

/** POST an event to /webhooks/stripe signed as Stripe would, at `signedAt` (default: the event's time). */
export async function deliver(siteUrl: string, event: Record<string, unknown>, opts: { signedAt?: Date; secret?: string; tamper?: boolean } = {}): Promise<Response> {
  const payload = JSON.stringify(event);
  const timestamp = Math.floor((opts.signedAt ?? new Date((event.created as number) * 1000)).getTime() / 1000);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET, timestamp });
  const body = opts.tamper ? payload.replace('"livemode":false', '"livemode":true ') : payload;
  return fetch(siteUrl + '/webhooks/stripe', { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
}

/** A Stripe subscription object in the current API's shape (the period on the item). */
export function subscriptionObject(o: { id: string; customer: string; status: string; price: string; periodEnd: Date; cancelAt?: Date | null; endedAt?: Date | null; memberId?: number }): Record<string, unknown> {
  const end = Math.floor(o.periodEnd.getTime() / 1000);
  return {
    id: o.id, object: 'subscription', customer: o.customer, status: o.status, cancel_at: o.cancelAt ? Math.floor(o.cancelAt.getTime() / 1000) : null,
    cancel_at_period_end: false, canceled_at: o.endedAt ? Math.floor(o.endedAt.getTime() / 1000) : null, ended_at: o.endedAt ? Math.floor(o.endedAt.getTime() / 1000) : null,
    metadata: o.memberId ? { member_id: String(o.memberId) } : {},
    items: { object: 'list', data: [{ id: 'si_' + o.id.slice(4), object: 'subscription_item', price: { id: o.price, object: 'price' }, current_period_start: end - 30 * 86400, current_period_end: end }] },
  };
}
