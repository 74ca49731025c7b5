-- Paid plans through Stripe (issue 10): what a renewing subscription shows the reader, and the
-- Stripe customer an event names, so that events recorded before the customer was known (a
-- subscription event that arrives before its checkout.session.completed) are applied once it is.

-- The end of the period Stripe has been paid for, shown as "renews on" for a renewing subscription
-- (access itself follows Stripe's status: an active, renewing subscription has no expires_at).
ALTER TABLE member_subscriptions ADD COLUMN renews_at timestamptz;
-- Stripe's customer id on the subscription itself (the person's may change hands with an address).
ALTER TABLE member_subscriptions ADD COLUMN stripe_customer_id text;

ALTER TABLE stripe_events ADD COLUMN customer_id text;
ALTER TABLE stripe_events ADD COLUMN subscription_id text;
-- Events waiting for their customer: outcome 'unknown customer'.
CREATE INDEX stripe_events_waiting_idx ON stripe_events (customer_id, created_at) WHERE outcome = 'unknown customer';
CREATE INDEX stripe_events_received_idx ON stripe_events (received_at DESC);
-- Stripe's own end of the subscription (ended_at): once set the subscription is over for good, and
-- no event that arrives later out of order brings it back.
ALTER TABLE member_subscriptions ADD COLUMN ended_at timestamptz;
