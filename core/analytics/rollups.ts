import { consumingOutcomes, Outcome } from '../scan/outcomes.js';

/**
 * The analytics rollups (migration 009), defined once. Each rollup is an aggregate of a source
 * relation; the same definition gives the ingest's upsert (source = the scan_events rows its
 * INSERT … RETURNING just inserted, so a re-delivered batch adds nothing), the rebuild (source =
 * all of a campaign's rows) and the audit's recomputation. Hours are UTC (date_bin on the epoch,
 * independent of the session's TimeZone); days are campaign-local.
 */

type Merge = 'sum' | 'min' | 'max' | 'union' | 'concat';

export interface Rollup {
  readonly table: string;
  readonly key: readonly string[];
  readonly measures: readonly { readonly name: string; readonly merge: Merge; readonly previous?: true }[];
  /** SELECT of key columns then measures from `source`, one row per key */
  select(source: string): string;
}

/** The columns a scan rollup reads from its source (scan_events' names). */
export const scanSourceColumns = 'campaign_id, scanned_at, batch_id, region, outcome, replay, tier_id, reason_mask, device_id';
/** The columns a review rollup reads from its source (review_decisions' names, tier_id never null). */
export const reviewSourceColumns = 'campaign_id, decided_at, tier_id, decision';

const redeemed = `NOT replay AND outcome IN (${consumingOutcomes.join(', ')})`;
const prizeReserved = `NOT replay AND outcome IN (${Outcome.Won}, ${Outcome.Held}) AND tier_id IS NOT NULL`;
const hourOf = (column: string) => `date_bin('1 hour', ${column}, timestamptz '1970-01-01 00:00:00+00')`;
/** reason_mask bits 0..30 (core/scan/reasons.ts uses the low ones) */
const highestReasonBit = 30;

export const scanRollups: readonly Rollup[] = [
  {
    table: 'analytics_hourly',
    key: ['campaign_id', 'hour', 'batch_id', 'region', 'outcome', 'replay', 'tier_id'],
    measures: [{ name: 'scans', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, ${hourOf('scanned_at')}, batch_id, coalesce(region, ''), outcome, replay, coalesce(tier_id, ''), count(*)
      FROM ${source} GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  },
  {
    // analytics_hourly without batch and region: the pages' scans by outcome, series, heatmap and
    // budget read ~15 rows an hour here instead of ~1,000 there (20 batches × 6 regions)
    table: 'analytics_hourly_totals',
    key: ['campaign_id', 'hour', 'outcome', 'replay', 'tier_id'],
    measures: [{ name: 'scans', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, ${hourOf('scanned_at')}, outcome, replay, coalesce(tier_id, ''), count(*)
      FROM ${source} GROUP BY 1, 2, 3, 4, 5`,
  },
  {
    // analytics_hourly without outcome, replay and tier: the diversion matrix and batch conversion
    table: 'analytics_hourly_batches',
    key: ['campaign_id', 'hour', 'batch_id', 'region'],
    measures: [
      { name: 'scans', merge: 'sum' },
      { name: 'codes_redeemed', merge: 'sum' },
    ],
    select: (source) => `
      SELECT campaign_id, ${hourOf('scanned_at')}, batch_id, coalesce(region, ''), count(*), count(*) FILTER (WHERE ${redeemed})
      FROM ${source} GROUP BY 1, 2, 3, 4`,
  },
  {
    table: 'analytics_hourly_reasons',
    key: ['campaign_id', 'hour', 'outcome', 'reason'],
    measures: [{ name: 'scans', merge: 'sum' }],
    // each flagged row times each bit, in one pass over the source (as a lateral join, the planner
    // put the bits outside and read the source once per bit: 31 passes)
    select: (source) => `
      SELECT campaign_id, hour, outcome, bit, count(*)
      FROM (SELECT campaign_id, ${hourOf('scanned_at')} AS hour, outcome, reason_mask, generate_series(0, ${highestReasonBit}) AS bit FROM ${source} WHERE reason_mask <> 0) flagged
      WHERE reason_mask & (1 << bit) <> 0 GROUP BY 1, 2, 3, 4`,
  },
  {
    table: 'analytics_devices',
    key: ['campaign_id', 'device_id'],
    measures: [
      { name: 'first_seen', merge: 'min' },
      { name: 'last_seen', merge: 'max' },
      { name: 'days', merge: 'union', previous: true },
      { name: 'scans', merge: 'sum' },
      { name: 'codes_redeemed', merge: 'sum', previous: true },
      { name: 'prizes', merge: 'concat', previous: true },
    ],
    select: (source) => `
      SELECT s.campaign_id, s.device_id, min(s.scanned_at), max(s.scanned_at),
        array_agg(DISTINCT (s.scanned_at AT TIME ZONE c.time_zone)::date ORDER BY (s.scanned_at AT TIME ZONE c.time_zone)::date),
        count(*), count(*) FILTER (WHERE ${redeemed}), coalesce(array_agg(s.tier_id ORDER BY s.tier_id) FILTER (WHERE ${prizeReserved}), '{}')
      FROM ${source} s JOIN campaigns c ON c.id = s.campaign_id GROUP BY 1, 2`,
  },
];

/** The columns a device rollup reads from its source: device states, each counted `weight` times (±1). */
export const deviceStateColumns = 'campaign_id, weight, days, codes_redeemed, prizes';

/**
 * Counts over devices, added up from device states: the states a batch gave its devices (+1)
 * and the states it replaced (−1), so a device moves between rows as its scans change; a
 * rebuild or an audit counts the stored devices (+1).
 */
export const deviceRollups: readonly Rollup[] = [
  {
    table: 'analytics_device_spans',
    key: ['campaign_id', 'first_day', 'last_day', 'codes_redeemed'],
    measures: [{ name: 'devices', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, days[1], days[cardinality(days)], codes_redeemed, sum(weight)
      FROM ${source} GROUP BY 1, 2, 3, 4 HAVING sum(weight) <> 0`,
  },
  {
    table: 'analytics_device_span_prizes',
    key: ['campaign_id', 'first_day', 'last_day', 'codes_redeemed', 'tier_id'],
    measures: [{ name: 'prizes', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, days[1], days[cardinality(days)], codes_redeemed, tier_id, sum(weight)
      FROM ${source}, unnest(prizes) tier_id GROUP BY 1, 2, 3, 4, 5 HAVING sum(weight) <> 0`,
  },
  {
    table: 'analytics_device_gaps',
    key: ['campaign_id', 'after_day', 'before_day'],
    measures: [{ name: 'devices', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, days[i], days[i + 1], sum(weight)
      FROM ${source}, generate_series(1, cardinality(days) - 1) i WHERE days[i + 1] > days[i] + 1 GROUP BY 1, 2, 3 HAVING sum(weight) <> 0`,
  },
];

export const reviewRollups: readonly Rollup[] = [
  {
    table: 'analytics_reviews_hourly',
    key: ['campaign_id', 'hour', 'tier_id', 'decision'],
    measures: [{ name: 'reviews', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, ${hourOf('decided_at')}, tier_id, decision, count(*) FROM ${source} GROUP BY 1, 2, 3, 4`,
  },
];

export const allRollups: readonly Rollup[] = [...scanRollups, ...deviceRollups, ...reviewRollups];

/** Arrays stay sorted (union: and distinct), so equal rollups are equal rows whatever the batches. */
const mergeExpressions: Record<Merge, (stored: string, added: string) => string> = {
  sum: (stored, added) => `${stored} + ${added}`,
  min: (stored, added) => `least(${stored}, ${added})`,
  max: (stored, added) => `greatest(${stored}, ${added})`,
  union: (stored, added) => `ARRAY(SELECT DISTINCT unnest(${stored} || ${added}) ORDER BY 1)`,
  concat: (stored, added) => `ARRAY(SELECT unnest(${stored} || ${added}) ORDER BY 1)`,
};

function merged(table: string, { name, merge, previous }: Rollup['measures'][number]): string {
  const value = mergeExpressions[merge](`${table}.${name}`, `excluded.${name}`);
  return previous ? `${name} = ${value}, previous_${name} = ${table}.${name}` : `${name} = ${value}`;
}

/**
 * INSERT … ON CONFLICT DO UPDATE adding `source`'s aggregate to the rollup. Rows go in key
 * order, so concurrent batches lock shared rows in the same order (no deadlock between them).
 */
export function upsertRollup(rollup: Rollup, source: string): string {
  const columns = [...rollup.key, ...rollup.measures.map((m) => m.name)];
  const order = rollup.key.map((_, i) => i + 1).join(', ');
  const returning = rollup.measures.some((m) => m.previous) ? ' RETURNING *' : '';
  return `INSERT INTO ${rollup.table} (${columns.join(', ')}) ${rollup.select(source)} ORDER BY ${order}
    ON CONFLICT (${rollup.key.join(', ')}) DO UPDATE SET ${rollup.measures.map((m) => merged(rollup.table, m)).join(', ')}${returning}`;
}

/**
 * The rows a rollup holds: a device count that went back to 0 (all of its devices moved on) stays
 * as a row of zeros, which every sum reads as no row.
 */
export function storedRollupRows(rollup: Rollup, columns: string): string {
  const counts = rollup.measures.every((m) => m.merge === 'sum');
  return `SELECT ${columns} FROM ${rollup.table} WHERE campaign_id = $1${counts ? ` AND (${rollup.measures.map((m) => `${m.name} <> 0`).join(' OR ')})` : ''}`;
}

/** The states the devices CTE gave its devices (+1) and those it replaced (−1). */
const changedDeviceStates = (devices: string) => `
  SELECT campaign_id, 1 AS weight, days, codes_redeemed, prizes FROM ${devices}
  UNION ALL SELECT campaign_id, -1, previous_days, previous_codes_redeemed, previous_prizes FROM ${devices} WHERE previous_days IS NOT NULL`;

/** A campaign's stored devices as a device rollup source (audit). */
export const campaignDevices = `SELECT campaign_id, 1 AS weight, days, codes_redeemed, prizes FROM analytics_devices WHERE campaign_id = $1`;

/**
 * Data-modifying CTEs (`rollup_0 AS (INSERT …), …`) that add `source`'s aggregates to each rollup;
 * appended to a WITH whose `source` CTE inserts (or selects) the rows.
 */
export function upsertRollupsFrom(rollups: readonly Rollup[], source: string): string {
  return rollups.map((rollup, i) => `, rollup_${i} AS (${upsertRollup(rollup, source)})`).join('');
}

/** upsertRollupsFrom for scans: the scan rollups, then the device rollups from what the devices' upsert returned. */
export function upsertScanRollupsFrom(source: string): string {
  const devices = `rollup_${scanRollups.findIndex((r) => r.table === 'analytics_devices')}`;
  const deviceCtes = deviceRollups.map((rollup, i) => `, device_rollup_${i} AS (${upsertRollup(rollup, 'device_states')})`).join('');
  return `${upsertRollupsFrom(scanRollups, source)}, device_states AS (${changedDeviceStates(devices)})${deviceCtes}`;
}

/**
 * Serialises a rebuild with the ingest, per campaign: each ingest transaction takes the shared
 * lock of every campaign it writes, a rebuild the exclusive one, so a rebuild neither misses nor
 * double-counts a batch committing meanwhile.
 */
export const lockCampaignRollupsShared = `
  SELECT pg_advisory_xact_lock_shared(hashtextextended('analytics:' || campaign_id, 0))
  FROM (SELECT DISTINCT unnest($1::text[]) AS campaign_id ORDER BY 1) campaigns`;
export const lockCampaignRollupsExclusive = `SELECT pg_advisory_xact_lock(hashtextextended('analytics:' || $1::text, 0))`;

/** A campaign's scans as a rollup source (rebuild, audit). */
export const campaignScans = `SELECT ${scanSourceColumns} FROM scan_events WHERE campaign_id = $1`;
/** A campaign's reviews as a rollup source; reviews ingested before migration 009 take their redemption's tier. */
export const campaignReviews = `
  SELECT d.campaign_id, d.decided_at, coalesce(d.tier_id, r.tier_id, '') AS tier_id, d.decision
  FROM review_decisions d LEFT JOIN redemptions r ON r.campaign_id = d.campaign_id AND r.code = d.code
  WHERE d.campaign_id = $1`;
