-- Campaign analytics (issue #12): rollups the ingest maintains in the same transaction as the
-- events it inserts, from exactly the rows that transaction inserted (core/analytics/rollups.ts),
-- so a re-delivered batch changes none of them and `scangate analytics rebuild` recomputes them
-- from scan_events + review_decisions with the same SQL. No analytics page reads scan_events.
-- Hours are UTC (pages convert to the campaign's time zone); days are campaign-local.
-- Unknown dimensions are '' rather than NULL so they can be part of a primary key.
-- Prize value is not stored: each tier's count is priced with prize_tiers at query time, so a
-- rebuild reproduces the rollups exactly (a tier whose value changes must become a new tier id).

-- Every decision, per UTC hour, batch, scanned region, outcome, replay and tier.
-- The diversion matrix is this table joined to code_batches.region; weekday × hour is this
-- table read in the campaign's time zone.
CREATE TABLE analytics_hourly (
  campaign_id text NOT NULL,
  hour timestamptz NOT NULL,
  batch_id integer NOT NULL,
  region text NOT NULL,
  outcome smallint NOT NULL,
  replay boolean NOT NULL,
  tier_id text NOT NULL,
  scans bigint NOT NULL,
  PRIMARY KEY (campaign_id, hour, batch_id, region, outcome, replay, tier_id)
);

-- Decisions per fraud reason (bit index of reason_mask, core/scan/reasons.ts): a scan with
-- several reasons counts once under each.
CREATE TABLE analytics_hourly_reasons (
  campaign_id text NOT NULL,
  hour timestamptz NOT NULL,
  outcome smallint NOT NULL,
  reason smallint NOT NULL,
  scans bigint NOT NULL,
  PRIMARY KEY (campaign_id, hour, outcome, reason)
);

-- One row per device (the only per-device rollup, so a batch upserts each of its devices once):
-- the campaign-local days it scanned on (ascending, distinct), first / last scan, scans, codes
-- redeemed and the tier of each prize reserved (won or held: RFM's monetary, priced at query
-- time; a list rather than counts per tier so a batch's devices take one aggregation level).
-- previous_* hold the row's values before the batch that last changed it, returned to the same
-- statement so it can move the device between the span and gap counts below (Postgres 15's
-- RETURNING shows only the new row); NULL on a row a batch inserted.
CREATE TABLE analytics_devices (
  campaign_id text NOT NULL,
  device_id text NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  days date[] NOT NULL,
  scans bigint NOT NULL,
  codes_redeemed bigint NOT NULL,
  prizes text[] NOT NULL,
  previous_days date[],
  previous_codes_redeemed bigint,
  previous_prizes text[],
  PRIMARY KEY (campaign_id, device_id)
);

-- Devices per (first day, last day, codes redeemed): a few thousand rows at most for a campaign
-- of months, from which new devices, devices active in a range and the recency / frequency
-- segments are sums.
CREATE TABLE analytics_device_spans (
  campaign_id text NOT NULL,
  first_day date NOT NULL,
  last_day date NOT NULL,
  codes_redeemed bigint NOT NULL,
  devices bigint NOT NULL,
  PRIMARY KEY (campaign_id, first_day, last_day, codes_redeemed)
);

-- Prizes reserved per tier by the devices of each span row: the segments' monetary.
CREATE TABLE analytics_device_span_prizes (
  campaign_id text NOT NULL,
  first_day date NOT NULL,
  last_day date NOT NULL,
  codes_redeemed bigint NOT NULL,
  tier_id text NOT NULL,
  prizes bigint NOT NULL,
  PRIMARY KEY (campaign_id, first_day, last_day, codes_redeemed, tier_id)
);

-- Devices per gap between two consecutive days they scanned on (after_day < before_day - 1):
-- a device spanning a range but absent from it has exactly one gap covering it, so exact unique
-- devices over [a, b] = spans with first_day <= b and last_day >= a - gaps with after_day < a and before_day > b.
CREATE TABLE analytics_device_gaps (
  campaign_id text NOT NULL,
  after_day date NOT NULL,
  before_day date NOT NULL,
  devices bigint NOT NULL,
  PRIMARY KEY (campaign_id, after_day, before_day)
);

-- Review decisions per UTC hour of the decision, tier and decision.
CREATE TABLE analytics_reviews_hourly (
  campaign_id text NOT NULL,
  hour timestamptz NOT NULL,
  tier_id text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
  reviews bigint NOT NULL,
  PRIMARY KEY (campaign_id, hour, tier_id, decision)
);

-- The tier whose reservation a review settled (the review event's t), so the review rollup is
-- rebuilt from review_decisions alone; NULL on reviews ingested before this migration
-- (the rebuild then takes the redemption's tier).
ALTER TABLE review_decisions ADD COLUMN tier_id text;

-- `scangate partitions prune` drops scan_events partitions of days before pruned_before; the
-- rollups keep those days, so a rebuild or an audit of a campaign with rollups before it is
-- refused (it would lose or miscount them). One row at most.
CREATE TABLE scan_events_retention (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  pruned_before timestamptz NOT NULL
);
