-- Stripe customers of deleted accounts (issue 10): Stripe keeps sending their events after the account
-- is gone (the cancellation's customer.subscription.deleted, a last invoice), and those payloads carry
-- the customer's address. An event for a customer listed here is recorded without its payload, so a
-- deletion stays a deletion. Only a SHA-256 of Stripe's customer id is kept.
CREATE TABLE stripe_forgotten_customers (
  customer_hash text PRIMARY KEY,
  forgotten_at timestamptz NOT NULL DEFAULT now()
);
