-- WebSub subscriptions of the wire's feeds (issue #11): a feed that advertises a hub (websub_hub,
-- websub_self, from migration 040) is subscribed to when WIRE_WEBSUB is on. The hub reaches us at
-- <callback base>/api/wire/websub/<websub_token>; it verifies the request by echoing hub.challenge,
-- then pushes content signed with websub_secret (X-Hub-Signature). The lease is renewed before it ends.
ALTER TABLE wire_feeds
  ADD COLUMN websub_state text NOT NULL DEFAULT 'none'
    CHECK (websub_state IN ('none', 'requested', 'subscribed', 'denied', 'unsubscribing')),
  -- The topic asked for (the feed's rel="self", else its URL): a verification must name it.
  ADD COLUMN websub_topic text,
  -- The callback's last path segment: which feed a hub's request is about. Kept across renewals.
  ADD COLUMN websub_token text,
  ADD COLUMN websub_requested_at timestamptz,
  ADD COLUMN websub_lease_seconds int,
  -- NULL while all is well: why the last request to the hub, or its last push, failed.
  ADD COLUMN websub_error text,
  ADD COLUMN websub_last_push_at timestamptz;
CREATE UNIQUE INDEX wire_feeds_websub_token ON wire_feeds (websub_token) WHERE websub_token IS NOT NULL;
