-- The initial schema. Applied by gateway/db/migrate.ts in one transaction (which also keeps the
-- schema_migrations table). All times are timestamptz, stored UTC. Tables that grow with scans
-- (scan_events, redemptions) have no foreign keys and no random keys: the ingest writes them at
-- tens of thousands of rows per second, and their keys arrive in roughly increasing order.

-- Campaigns: the current version's columns for queries; every applied file in campaign_versions.
CREATE TABLE campaigns (
  id text PRIMARY KEY,
  name text NOT NULL,
  current_version integer NOT NULL CHECK (current_version >= 1),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  time_zone text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaign_versions (
  campaign_id text NOT NULL REFERENCES campaigns (id),
  version integer NOT NULL CHECK (version >= 1),
  -- the campaign as parsed (defaults filled in), so a later change of defaults alters no stored version
  body jsonb NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL,
  PRIMARY KEY (campaign_id, version)
);

-- The prize tiers of each campaign's current version; rank 0 is the top prize (the draw's tier index).
CREATE TABLE prize_tiers (
  campaign_id text NOT NULL REFERENCES campaigns (id),
  tier_id text NOT NULL,
  rank smallint NOT NULL CHECK (rank >= 0),
  kind text NOT NULL CHECK (kind IN ('cash', 'points', 'coupon', 'product')),
  value numeric NOT NULL CHECK (value >= 0),
  unit text NOT NULL,
  inventory bigint NOT NULL CHECK (inventory >= 0),
  weight double precision NOT NULL CHECK (weight >= 0),
  PRIMARY KEY (campaign_id, tier_id),
  UNIQUE (campaign_id, rank)
);

-- A print run. Its id is the code's BATCH field, 25 bits; serials are numbered within the batch.
CREATE TABLE code_batches (
  id integer GENERATED ALWAYS AS IDENTITY (MAXVALUE 33554431) PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES campaigns (id),
  name text NOT NULL UNIQUE,
  region text,
  serial_first bigint NOT NULL CHECK (serial_first >= 0),
  serial_last bigint NOT NULL CHECK (serial_last <= 34359738367),
  printed_count bigint NOT NULL CHECK (printed_count >= 1),
  honeypot_count integer NOT NULL DEFAULT 0 CHECK (honeypot_count >= 0),
  status text NOT NULL DEFAULT 'inactive' CHECK (status IN ('inactive', 'active')),
  created_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz,
  deactivated_at timestamptz,
  CHECK (serial_last - serial_first + 1 = printed_count + honeypot_count)
);
CREATE INDEX code_batches_campaign ON code_batches (campaign_id);

-- Canary codes: minted and signed like the rest but never printed, so a scan of one means leaked keys or data.
CREATE TABLE honeypot_codes (
  batch_id integer NOT NULL REFERENCES code_batches (id) ON DELETE CASCADE,
  serial bigint NOT NULL,
  code text NOT NULL UNIQUE,
  PRIMARY KEY (batch_id, serial)
);

-- Every decision, from the campaign's Redis stream (the outbox). (campaign_id, event_id) is the
-- event's identity: event_id is the stream entry id, so a redelivered entry inserts nothing.
-- Columns run from 8-byte to 1-byte types to variable length: no alignment padding per row.
CREATE TABLE scan_events (
  scanned_at timestamptz NOT NULL,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  serial bigint NOT NULL,
  batch_id integer NOT NULL,
  reason_mask integer NOT NULL,
  lat real,
  lon real,
  outcome smallint NOT NULL,
  score smallint NOT NULL,
  replay boolean NOT NULL,
  new_device boolean NOT NULL,
  campaign_id text NOT NULL,
  event_id text NOT NULL,
  code text NOT NULL,
  device_id text NOT NULL,
  ip inet NOT NULL,
  tier_id text,
  -- for already_redeemed scans and replays: the event that redeemed the code
  first_scan_id text,
  ua_class text NOT NULL,
  region text,
  PRIMARY KEY (campaign_id, event_id, scanned_at)
) PARTITION BY RANGE (scanned_at);
-- Rows arrive in time order, so a BRIN index on time costs kilobytes where a btree costs gigabytes.
CREATE INDEX scan_events_scanned_at ON scan_events USING brin (scanned_at);
-- A code's history (fraud review, tracing).
CREATE INDEX scan_events_code ON scan_events (campaign_id, code);

-- One row per code consumed by a won, no_prize or held decision; the key makes "at most once" hold
-- in Postgres too. outcome is the decision; review settles a held one; status is what it came to.
CREATE TABLE redemptions (
  campaign_id text NOT NULL,
  code text NOT NULL,
  batch_id integer NOT NULL,
  serial bigint NOT NULL,
  device_id text NOT NULL,
  tier_id text,
  outcome smallint NOT NULL CHECK (outcome IN (1, 2, 8)),
  review text CHECK (review IN ('approved', 'rejected')),
  status text NOT NULL GENERATED ALWAYS AS (
    coalesce(review, CASE outcome WHEN 1 THEN 'won' WHEN 2 THEN 'no_prize' WHEN 8 THEN 'held' END)
  ) STORED CHECK (status IN ('won', 'no_prize', 'held', 'approved', 'rejected')),
  event_id text NOT NULL,
  redeemed_at timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, code),
  CHECK (review IS NULL OR outcome = 8)
);
-- The review queue is the small set of held rows not yet reviewed.
CREATE INDEX redemptions_review_queue ON redemptions (campaign_id, redeemed_at) WHERE status = 'held';
CREATE INDEX redemptions_device ON redemptions (campaign_id, device_id);

CREATE TABLE review_decisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id text NOT NULL,
  code text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
  reviewer text NOT NULL,
  note text,
  decided_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (campaign_id, code) REFERENCES redemptions (campaign_id, code)
);
CREATE INDEX review_decisions_code ON review_decisions (campaign_id, code);

CREATE TABLE admin_users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'reviewer', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

-- Who changed what: campaign applies, batch (de)activations, reviews, user changes.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_subject ON audit_log (subject, at);
