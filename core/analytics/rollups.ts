import { consumingOutcomes, Outcome } from '../scan/outcomes.js';

/**
 * The analytics rollups (migrations 009, 012), defined once. Each rollup is an aggregate of a
 * source relation; the same definition gives the ingest's upsert (source = the scan_events rows
 * its INSERT … RETURNING just inserted, so a re-delivered batch adds nothing), the rebuild (source =
 * all of a campaign's rows) and the audit's recomputation. The hourly rollups are sums over a scan
 * summary of the source, the device counts sums over the device states the device upsert changed. Hours are UTC (date_bin on the epoch,
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

/** The columns the scan summary and the device rollup read from their source (scan_events' names). */
export const scanSourceColumns = 'campaign_id, scanned_at, batch_id, region, outcome, replay, tier_id, reason_mask, device_id, new_device';
/** The columns a review rollup reads from its source (review_decisions' names, tier_id never null). */
export const reviewSourceColumns = 'campaign_id, decided_at, tier_id, decision';

const redeemed = `NOT replay AND outcome IN (${consumingOutcomes.join(', ')})`;
const prizeReserved = `NOT replay AND outcome IN (${Outcome.Won}, ${Outcome.Held}) AND tier_id IS NOT NULL`;
const hourOf = (column: string) => `date_bin('1 hour', ${column}, timestamptz '1970-01-01 00:00:00+00')`;
/** reason_mask bits 0..30 (core/scan/reasons.ts uses the low ones) */
const highestReasonBit = 30;

/**
 * Scans counted per UTC hour, batch, region, outcome, replay, tier and reason mask: a few dozen
 * rows for a batch of thousands, from which each hourly rollup is a sum. Unknown region and tier
 * are '' (they are part of the rollups' keys).
 */
export const scanSummary = (source: string) => `
  SELECT campaign_id, ${hourOf('scanned_at')} AS hour, batch_id, coalesce(region, '') AS region, outcome, replay,
    coalesce(tier_id, '') AS tier_id, reason_mask, count(*) AS scans
  FROM ${source} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
const scanSummaryTable = `(campaign_id text, hour timestamptz, batch_id integer, region text, outcome smallint, replay boolean,
  tier_id text, reason_mask integer, scans bigint)`;

/** The hourly rollups, each a sum over a scan summary (`source`). */
export const summaryRollups: readonly Rollup[] = [
  {
    table: 'analytics_hourly',
    key: ['campaign_id', 'hour', 'batch_id', 'region', 'outcome', 'replay', 'tier_id'],
    measures: [{ name: 'scans', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, hour, batch_id, region, outcome, replay, tier_id, sum(scans)::bigint
      FROM ${source} GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  },
  {
    // analytics_hourly without batch and region: the pages' scans by outcome, series, heatmap and
    // budget read ~15 rows an hour here instead of ~1,000 there (20 batches × 6 regions)
    table: 'analytics_hourly_totals',
    key: ['campaign_id', 'hour', 'outcome', 'replay', 'tier_id'],
    measures: [{ name: 'scans', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, hour, outcome, replay, tier_id, sum(scans)::bigint
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
      SELECT campaign_id, hour, batch_id, region, sum(scans)::bigint, coalesce(sum(scans) FILTER (WHERE ${redeemed}), 0)::bigint
      FROM ${source} GROUP BY 1, 2, 3, 4`,
  },
  {
    table: 'analytics_hourly_reasons',
    key: ['campaign_id', 'hour', 'outcome', 'reason'],
    measures: [{ name: 'scans', merge: 'sum' }],
    // each flagged summary row times each bit, in one pass over the source (as a lateral join, the
    // planner put the bits outside and read the source once per bit: 31 passes)
    select: (source) => `
      SELECT campaign_id, hour, outcome, bit, sum(scans)::bigint
      FROM (SELECT campaign_id, hour, outcome, reason_mask, scans, generate_series(0, ${highestReasonBit}) AS bit FROM ${source} WHERE reason_mask <> 0) flagged
      WHERE reason_mask & (1 << bit) <> 0 GROUP BY 1, 2, 3, 4`,
  },
];

/**
 * A device's state from its scans in `source`, one row per device: key and measures, then
 * `extra` columns. Most devices of a batch scanned on one day and reserved at most one prize:
 * their arrays need no sorting, and a plain array_agg spares each group the sort an ordered
 * aggregate runs.
 */
const deviceStateSelect = (source: string, extra = '') => `
  SELECT campaign_id, device_id, min(scanned_at), max(scanned_at),
    CASE WHEN min(day) = max(day) THEN ARRAY[min(day)] ELSE ARRAY(SELECT DISTINCT d FROM unnest(array_agg(day)) d ORDER BY d) END,
    count(*), count(*) FILTER (WHERE ${redeemed}),
    CASE WHEN count(*) FILTER (WHERE ${prizeReserved}) <= 1 THEN coalesce(array_agg(tier_id) FILTER (WHERE ${prizeReserved}), '{}')
      ELSE ARRAY(SELECT t FROM unnest(array_agg(tier_id) FILTER (WHERE ${prizeReserved})) t ORDER BY t) END${extra}
  FROM (SELECT s.campaign_id, s.device_id, s.scanned_at, (s.scanned_at AT TIME ZONE c.time_zone)::date AS day, s.outcome, s.replay, s.tier_id, s.new_device
        FROM ${source} s JOIN campaigns c ON c.id = s.campaign_id) scans
  GROUP BY 1, 2`;

/** One row per device, from the scans themselves (`source`): the only rollup a batch writes a row per device of. */
export const deviceStateRollup: Rollup = {
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
  select: (source) => deviceStateSelect(source),
};

/**
 * Counts over devices, added up from device states (campaign_id, weight, days, codes_redeemed,
 * prizes), each counted `weight` times (±n): the states a batch gave its devices and those it
 * replaced, so a device moves between rows as its scans change; a rebuild or an audit counts the
 * stored devices (+1).
 */
export const deviceRollups: readonly Rollup[] = [
  {
    table: 'analytics_device_spans',
    key: ['campaign_id', 'first_day', 'last_day', 'codes_redeemed'],
    measures: [{ name: 'devices', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, days[1], days[cardinality(days)], codes_redeemed, sum(weight)::bigint
      FROM ${source} GROUP BY 1, 2, 3, 4 HAVING sum(weight) <> 0`,
  },
  {
    table: 'analytics_device_span_prizes',
    key: ['campaign_id', 'first_day', 'last_day', 'codes_redeemed', 'tier_id'],
    measures: [{ name: 'prizes', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, days[1], days[cardinality(days)], codes_redeemed, tier_id, sum(weight)::bigint
      FROM ${source}, unnest(prizes) tier_id GROUP BY 1, 2, 3, 4, 5 HAVING sum(weight) <> 0`,
  },
  {
    table: 'analytics_device_gaps',
    key: ['campaign_id', 'after_day', 'before_day'],
    measures: [{ name: 'devices', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, days[i], days[i + 1], sum(weight)::bigint
      FROM ${source}, generate_series(1, cardinality(days) - 1) i WHERE days[i + 1] > days[i] + 1 GROUP BY 1, 2, 3 HAVING sum(weight) <> 0`,
  },
];
const deviceStatesTable = '(campaign_id text, weight bigint, days date[], codes_redeemed bigint, prizes text[])';

export const reviewRollups: readonly Rollup[] = [
  {
    table: 'analytics_reviews_hourly',
    key: ['campaign_id', 'hour', 'tier_id', 'decision'],
    measures: [{ name: 'reviews', merge: 'sum' }],
    select: (source) => `
      SELECT campaign_id, ${hourOf('decided_at')}, tier_id, decision, count(*) FROM ${source} GROUP BY 1, 2, 3, 4`,
  },
];

export const allRollups: readonly Rollup[] = [...summaryRollups, deviceStateRollup, ...deviceRollups, ...reviewRollups];

/** Arrays stay sorted (union: and distinct), so equal rollups are equal rows whatever the batches. */
const mergeExpressions: Record<Merge, (stored: string, added: string) => string> = {
  sum: (stored, added) => `${stored} + ${added}`,
  min: (stored, added) => `least(${stored}, ${added})`,
  max: (stored, added) => `greatest(${stored}, ${added})`,
  // a device's next scans are mostly on its last day or a later one, and mostly reserve no prize:
  // then the merged array is one of the two or their concatenation, no sort needed
  union: (stored, added) => `CASE WHEN ${added} <@ ${stored} THEN ${stored} WHEN ${stored}[cardinality(${stored})] < ${added}[1] THEN ${stored} || ${added}
    ELSE ARRAY(SELECT DISTINCT unnest(${stored} || ${added}) ORDER BY 1) END`,
  concat: (stored, added) => `CASE WHEN cardinality(${added}) = 0 THEN ${stored} WHEN cardinality(${stored}) = 0 THEN ${added}
    ELSE ARRAY(SELECT unnest(${stored} || ${added}) ORDER BY 1) END`,
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
  return upsertRows(rollup, rollup.select(source));
}

/** INSERT … ON CONFLICT DO UPDATE of `rows` (the rollup's key and measure columns), in key order. */
function upsertRows(rollup: Rollup, rows: string): string {
  return `${insertRows(rollup, rows)}
    ON CONFLICT (${rollup.key.join(', ')}) DO UPDATE SET ${rollup.measures.map((m) => merged(rollup.table, m)).join(', ')}${returningStates(rollup)}`;
}

/** INSERT of `rows` (the rollup's key and measure columns) in key order, without ON CONFLICT. */
function insertRows(rollup: Rollup, rows: string): string {
  const order = rollup.key.map((_, i) => i + 1).join(', ');
  return `INSERT INTO ${rollup.table} (${rollupColumns(rollup).join(', ')}) ${rows} ORDER BY ${order}`;
}

const rollupColumns = (rollup: Rollup) => [...rollup.key, ...rollup.measures.map((m) => m.name)];

/** What a device rollup needs of each changed row: its new and its previous state. */
function returningStates(rollup: Rollup): string {
  const returned = rollup.measures.flatMap((m) => (m.previous ? [m.name, `previous_${m.name}`] : []));
  return returned.length > 0 ? ` RETURNING campaign_id, ${returned.join(', ')}` : '';
}

/**
 * The rows a rollup holds: a device count that went back to 0 (all of its devices moved on) stays
 * as a row of zeros, which every sum reads as no row.
 */
export function storedRollupRows(rollup: Rollup, columns: string): string {
  const counts = rollup.measures.every((m) => m.merge === 'sum');
  return `SELECT ${columns} FROM ${rollup.table} WHERE campaign_id = $1${counts ? ` AND (${rollup.measures.map((m) => `${m.name} <> 0`).join(' OR ')})` : ''}`;
}

/**
 * The states the device writes (CTEs returning returningStates) gave their devices (+1) and those
 * they replaced (−1), counted per distinct state: a batch of 5,000 devices new today is two or
 * three states.
 */
const changedDeviceStates = (...devices: string[]) => `
  SELECT campaign_id, sum(weight) AS weight, days, codes_redeemed, prizes FROM (${devices
    .map((written) => `
    SELECT campaign_id, 1 AS weight, days, codes_redeemed, prizes FROM ${written}
    UNION ALL SELECT campaign_id, -1, previous_days, previous_codes_redeemed, previous_prizes FROM ${written} WHERE previous_days IS NOT NULL`)
    .join('\n    UNION ALL')}
  ) states GROUP BY campaign_id, days, codes_redeemed, prizes`;

/** A campaign's stored devices as a device rollup source (audit). */
export const campaignDevices = `SELECT campaign_id, 1 AS weight, days, codes_redeemed, prizes FROM analytics_devices WHERE campaign_id = $1`;

/** Data-modifying CTEs (`name_0 AS (INSERT …)`, …) adding `source`'s aggregate to each rollup. */
function upsertCtes(rollups: readonly Rollup[], source: string, name: string): string[] {
  return rollups.map((rollup, i) => `${name}_${i} AS (${upsertRollup(rollup, source)})`);
}
const appended = (ctes: readonly string[]) => ctes.map((cte) => `, ${cte}`).join('');

/** upsertCtes for reviews, appended to a WITH whose `source` CTE inserts (or selects) the decisions. */
export function upsertRollupsFrom(rollups: readonly Rollup[], source: string): string {
  return appended(upsertCtes(rollups, source, 'rollup'));
}

/**
 * Every scan rollup from `source` in one statement (the rebuild): the summary, its hourly sums,
 * the device upsert and the device counts moved by what it returned.
 */
export function upsertScanRollupsFrom(source: string): string {
  return appended([
    `summary AS (${scanSummary(source)})`,
    ...upsertCtes(summaryRollups, 'summary', 'rollup'),
    `devices AS (${upsertRollup(deviceStateRollup, source)})`,
    `device_states AS (${changedDeviceStates('devices')})`,
    ...upsertCtes(deviceRollups, 'device_states', 'device_rollup'),
  ]);
}

/**
 * The ingest adds a batch in two steps of one transaction. Staged right after the events' insert:
 * the device writes (rows of this batch's devices only) and, into two session temp tables, the
 * batch's scan summary and device state changes — from the batch's staged scans when its plain
 * INSERT inserted every one of them (stageNewScanRollups), else from the rows the
 * INSERT … ON CONFLICT returned (stageScanRollupsFrom). Added just before COMMIT: the hourly and device
 * counts from those few staged rows. The counts' rows (this hour's, today's spans) are the ones
 * every concurrent batch of the campaign updates; taken last, their locks make the other writer
 * wait for one short statement and a COMMIT, not for this batch's whole insert.
 */
export const createRollupStaging = [
  `CREATE TEMP TABLE IF NOT EXISTS staged_scan_summary ${scanSummaryTable} ON COMMIT DELETE ROWS`,
  `CREATE TEMP TABLE IF NOT EXISTS staged_device_states ${deviceStatesTable} ON COMMIT DELETE ROWS`,
];

/**
 * CTEs appended to the WITH whose `source` CTE inserted the batch's scans with ON CONFLICT DO
 * NOTHING (see createRollupStaging): the rows Postgres returns are exactly the scans that are
 * new, so a batch written again adds nothing. Every device is upserted.
 */
export function stageScanRollupsFrom(source: string): string {
  return appended([
    `staged_summary AS (INSERT INTO staged_scan_summary ${scanSummary(source)})`,
    `devices AS (${upsertRollup(deviceStateRollup, source)})`,
    `staged_states AS (INSERT INTO staged_device_states ${changedDeviceStates('devices')})`,
  ]);
}

/** A time in ms since the epoch (a bigint column or parameter) as the timestamptz scan_events stores. */
export const timeOfEpochMs = (ms: string) => `(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

/**
 * deviceStateSelect when every device in `source` has one scan: its state is that scan's, no
 * aggregation. Then `new_device` (the scan minted the device's id).
 */
const singleScanDeviceStates = (source: string) => `
  SELECT campaign_id, device_id, scanned_at, scanned_at, ARRAY[day], 1::bigint, CASE WHEN ${redeemed} THEN 1 ELSE 0 END::bigint,
    CASE WHEN ${prizeReserved} THEN ARRAY[tier_id] ELSE '{}'::text[] END, new_device
  FROM (SELECT s.campaign_id, s.device_id, s.scanned_at, (s.scanned_at AT TIME ZONE c.time_zone)::date AS day, s.outcome, s.replay, s.tier_id, s.new_device
        FROM ${source} s JOIN campaigns c ON c.id = s.campaign_id) scans`;

/**
 * Stages the rollups of a batch every scan of which the transaction has just inserted (a plain
 * INSERT succeeded), `scans` selecting them (scanSourceColumns); reading them there rather than
 * from the insert's RETURNING spares Postgres a copy of every row. A device minted for this
 * batch's scan (new_device: the phone came without a cookie) cannot have a row yet, so its row is
 * a plain INSERT, sparing the upsert's check and confirmation; should another writer
 * have committed it first (the same phone's next scans, in a concurrent batch), the INSERT fails
 * with a unique violation and the writer writes the batch again through stageScanRollupsFrom.
 * `devicesScanOnce`: no device has two scans in the batch (the writer knows), so the device
 * states need no aggregation.
 */
export function stageNewScanRollups(scans: string, devicesScanOnce: boolean): string {
  const source = 'batch_scans';
  const columns = rollupColumns(deviceStateRollup).join(', ');
  const states = devicesScanOnce ? singleScanDeviceStates(source) : deviceStateSelect(source, ', bool_or(new_device)');
  const mintedStates = `(SELECT campaign_id, days, codes_redeemed, prizes, NULL::date[] AS previous_days, NULL::bigint AS previous_codes_redeemed,
    NULL::text[] AS previous_prizes FROM batch_devices WHERE minted) minted_states`;
  return `WITH ${[
    `${source} AS (${scans})`,
    `staged_summary AS (INSERT INTO staged_scan_summary ${scanSummary(source)})`,
    `batch_devices (${columns}, minted) AS MATERIALIZED (${states})`,
    // in key order too: the same phone's next scans (cookie set) may be upserted by a concurrent
    // batch, in key order, while this one inserts it; unsorted, two such devices could deadlock
    `minted_devices AS (${insertRows(deviceStateRollup, `SELECT ${columns} FROM batch_devices WHERE minted`)})`,
    `known_devices AS (${upsertRows(deviceStateRollup, `SELECT ${columns} FROM batch_devices WHERE NOT minted`)})`,
    // a minted device had no state before: its new one is the batch's
    `staged_states AS (INSERT INTO staged_device_states ${changedDeviceStates(mintedStates, 'known_devices')})`,
  ].join(', ')} SELECT 1`;
}

/** Adds what stageScanRollupsFrom staged to the counts (see createRollupStaging). */
export const addStagedRollups = `WITH ${[...upsertCtes(summaryRollups, 'staged_scan_summary', 'rollup'), ...upsertCtes(deviceRollups, 'staged_device_states', 'device_rollup')].join(', ')} SELECT 1`;

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
/** A campaign's scan summary: the source the hourly rollups are recomputed from (audit). */
export const campaignScanSummary = scanSummary(`(${campaignScans}) campaign_scans`);
/** A campaign's reviews as a rollup source; reviews ingested before migration 009 take their redemption's tier. */
export const campaignReviews = `
  SELECT d.campaign_id, d.decided_at, coalesce(d.tier_id, r.tier_id, '') AS tier_id, d.decision
  FROM review_decisions d LEFT JOIN redemptions r ON r.campaign_id = d.campaign_id AND r.code = d.code
  WHERE d.campaign_id = $1`;
