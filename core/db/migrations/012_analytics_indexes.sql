-- Analytics pages at 10 M events (BENCHMARKS.md, analytics): what made them slow, and its cure.

-- analytics_hourly holds a row per hour, batch, scanned region, outcome, replay and tier: ~1,100
-- an hour for 20 batches over 5 regions, 0.8 M for 30 days, and every page query summed them.
-- Two narrower rollups of the same scans (core/analytics/rollups.ts; the ingest adds to them in
-- the same statement, rebuild and audit cover them like the others): one without batch and
-- region (~15 rows an hour: scans by outcome, series, heatmap, budget), one without outcome,
-- replay and tier (batch × region: diversion, batch conversion). analytics_hourly stays for the
-- Grafana dashboard.
CREATE TABLE analytics_hourly_totals (
  campaign_id text NOT NULL,
  hour timestamptz NOT NULL,
  outcome smallint NOT NULL,
  replay boolean NOT NULL,
  tier_id text NOT NULL,
  scans bigint NOT NULL,
  PRIMARY KEY (campaign_id, hour, outcome, replay, tier_id)
);

CREATE TABLE analytics_hourly_batches (
  campaign_id text NOT NULL,
  hour timestamptz NOT NULL,
  batch_id integer NOT NULL,
  region text NOT NULL,
  scans bigint NOT NULL,
  -- first scans that consumed their code (won, no_prize, held; replays excluded)
  codes_redeemed bigint NOT NULL,
  PRIMARY KEY (campaign_id, hour, batch_id, region)
);

-- Filled from analytics_hourly, which is exact (a rebuild would give the same rows).
INSERT INTO analytics_hourly_totals (campaign_id, hour, outcome, replay, tier_id, scans)
SELECT campaign_id, hour, outcome, replay, tier_id, sum(scans) FROM analytics_hourly GROUP BY 1, 2, 3, 4, 5;
INSERT INTO analytics_hourly_batches (campaign_id, hour, batch_id, region, scans, codes_redeemed)
SELECT campaign_id, hour, batch_id, region, sum(scans), coalesce(sum(scans) FILTER (WHERE NOT replay AND outcome IN (1, 2, 8)), 0)
FROM analytics_hourly GROUP BY 1, 2, 3, 4;

-- The top devices (core/analytics/top-devices.ts): a campaign's 20 devices with the most codes
-- redeemed, then scans, then id. Without an index in that order the query sorts every device
-- of the campaign (2.5 M rows at 10 M events, 3.4 s); with it, it reads 20 entries. The index
-- costs the ingest, which upserts analytics_devices: a full one (every new device inserted here
-- too) measured 0.84× the ingest's events/s without it. Partial, it holds only the devices
-- that redeemed two codes or more: a batch's new devices (one or no code yet) skip it, and the
-- top 20 come from it whenever at least 20 devices did.
CREATE INDEX analytics_devices_top ON analytics_devices (campaign_id, codes_redeemed DESC, scans DESC, device_id) WHERE codes_redeemed >= 2;
