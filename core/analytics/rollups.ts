import { consumingOutcomes, Outcome } from '../scan/outcomes.js';

/**
 * The analytics rollups (migration 009), defined once. Each rollup is an aggregate of a source
 * relation; the same definition gives the ingest's upsert (source = the scan_events rows its
 * INSERT … RETURNING just inserted, so a re-delivered batch adds nothing), the rebuild (source =
 * all of a campaign's rows) and the audit's recomputation. Hours are UTC (date_bin on the epoch,
 * independent of the session's TimeZone); days are campaign-local.
 */

type Merge = 'sum' | 'min' | 'max';

export interface Rollup {
  readonly table: string;
  readonly key: readonly string[];
  readonly measures: readonly { readonly name: string; readonly merge: Merge }[];
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
    table: 'analytics_hourly_reasons',
    key: ['campaign_id', 'hour', 'outcome', 'reason'],
    measures: [{ name: 'scans', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, ${hourOf('scanned_at')}, outcome, bit, count(*)
      FROM ${source}, LATERAL (SELECT bit FROM generate_series(0, ${highestReasonBit}) AS bit WHERE reason_mask & (1 << bit) <> 0) bits
      WHERE reason_mask <> 0 GROUP BY 1, 2, 3, 4`,
  },
  {
    table: 'analytics_device_days',
    key: ['campaign_id', 'day', 'device_id'],
    measures: [{ name: 'scans', merge: 'sum' }],
    select: (source) => `
      SELECT s.campaign_id, (s.scanned_at AT TIME ZONE c.time_zone)::date, s.device_id, count(*)
      FROM ${source} s JOIN campaigns c ON c.id = s.campaign_id GROUP BY 1, 2, 3`,
  },
  {
    table: 'analytics_devices',
    key: ['campaign_id', 'device_id'],
    measures: [
      { name: 'first_seen', merge: 'min' },
      { name: 'last_seen', merge: 'max' },
      { name: 'scans', merge: 'sum' },
      { name: 'codes_redeemed', merge: 'sum' },
    ],
    select: (source) => `
      SELECT campaign_id, device_id, min(scanned_at), max(scanned_at), count(*), count(*) FILTER (WHERE ${redeemed})
      FROM ${source} GROUP BY 1, 2`,
  },
  {
    table: 'analytics_device_prizes',
    key: ['campaign_id', 'device_id', 'tier_id'],
    measures: [{ name: 'prizes', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, device_id, tier_id, count(*) FROM ${source} WHERE ${prizeReserved} GROUP BY 1, 2, 3`,
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

export const allRollups: readonly Rollup[] = [...scanRollups, ...reviewRollups];

function merged(table: string, { name, merge }: Rollup['measures'][number]): string {
  if (merge === 'sum') return `${name} = ${table}.${name} + excluded.${name}`;
  return `${name} = ${merge === 'min' ? 'least' : 'greatest'}(${table}.${name}, excluded.${name})`;
}

/**
 * INSERT … ON CONFLICT DO UPDATE adding `source`'s aggregate to the rollup. Rows go in key
 * order, so concurrent batches lock shared rows in the same order (no deadlock between them).
 */
export function upsertRollup(rollup: Rollup, source: string): string {
  const columns = [...rollup.key, ...rollup.measures.map((m) => m.name)];
  const order = rollup.key.map((_, i) => i + 1).join(', ');
  return `INSERT INTO ${rollup.table} (${columns.join(', ')}) ${rollup.select(source)} ORDER BY ${order}
    ON CONFLICT (${rollup.key.join(', ')}) DO UPDATE SET ${rollup.measures.map((m) => merged(rollup.table, m)).join(', ')}`;
}

/**
 * Data-modifying CTEs (`rollup_0 AS (INSERT …), …`) that add `source`'s aggregates to each rollup;
 * appended to a WITH whose `source` CTE inserts (or selects) the rows.
 */
export function upsertRollupsFrom(rollups: readonly Rollup[], source: string): string {
  return rollups.map((rollup, i) => `, rollup_${i} AS (${upsertRollup(rollup, source)})`).join('');
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
