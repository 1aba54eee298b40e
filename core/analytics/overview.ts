import type pg from 'pg';
import { consumingOutcomes, outcomeNames, type Outcome, type OutcomeName } from '../scan/outcomes.js';
import { previousRange, rangeParams, type AnalyticsRange } from './analytics-range.js';

/** The KPI cards of one range (formulas: README "Analytics glossary"). */
export interface OverviewKpis {
  readonly scans: number;
  readonly byOutcome: Readonly<Partial<Record<OutcomeName, number>>>;
  readonly replays: number;
  readonly codesRedeemed: number;
  readonly codesActivated: number;
  /** codes redeemed ÷ codes activated (null when none is activated) */
  readonly scanConversion: number | null;
  /** (already_redeemed + replays) ÷ scans (null without scans) */
  readonly repeatScanRate: number | null;
  readonly uniqueDevices: number;
  readonly newDevices: number;
  readonly returningDevices: number;
}


const scansQuery = `
  SELECT outcome, replay, sum(scans)::bigint AS scans FROM analytics_hourly_totals
  WHERE campaign_id = $1 AND hour >= $2 AND hour < $3 GROUP BY outcome, replay`;

/**
 * Devices that scanned on the range's local days [a, b] (exact: those spanning it minus those
 * with a gap covering it), and those first seen on one of them; sums over the small span and
 * gap counts, whatever the number of devices.
 */
const devicesQuery = `
  WITH days AS (SELECT ($2::timestamptz AT TIME ZONE time_zone)::date AS a, (($3::timestamptz - interval '1 millisecond') AT TIME ZONE time_zone)::date AS b FROM campaigns WHERE id = $1)
  SELECT (SELECT coalesce(sum(devices), 0) FROM analytics_device_spans WHERE campaign_id = $1 AND first_day <= b AND last_day >= a)
       - (SELECT coalesce(sum(devices), 0) FROM analytics_device_gaps WHERE campaign_id = $1 AND after_day < a AND before_day > b) AS unique_devices,
    (SELECT coalesce(sum(devices), 0) FROM analytics_device_spans WHERE campaign_id = $1 AND first_day BETWEEN a AND b) AS new_devices
  FROM days`;

/** Printed codes of the batches active now (activation is a state, not an event in the range). */
const activatedQuery = `SELECT coalesce(sum(printed_count), 0)::bigint AS n FROM code_batches WHERE campaign_id = $1 AND status = 'active'`;

async function kpis(pool: pg.Pool, range: AnalyticsRange, codesActivated: number): Promise<OverviewKpis> {
  const [scanRows, deviceRows] = await Promise.all([
    pool.query<{ outcome: Outcome; replay: boolean; scans: string }>(scansQuery, rangeParams(range)),
    pool.query<{ unique_devices: string; new_devices: string }>(devicesQuery, rangeParams(range)),
  ]);
  const byOutcome: Partial<Record<OutcomeName, number>> = {};
  let scans = 0;
  let replays = 0;
  let codesRedeemed = 0;
  for (const row of scanRows.rows) {
    const n = Number(row.scans);
    const name = outcomeNames[row.outcome];
    byOutcome[name] = (byOutcome[name] ?? 0) + n;
    scans += n;
    if (row.replay) replays += n;
    else if (consumingOutcomes.includes(row.outcome)) codesRedeemed += n;
  }
  const uniqueDevices = Number(deviceRows.rows[0]?.unique_devices ?? 0);
  const newDevices = Number(deviceRows.rows[0]?.new_devices ?? 0);
  return {
    scans,
    byOutcome,
    replays,
    codesRedeemed,
    codesActivated,
    scanConversion: codesActivated === 0 ? null : codesRedeemed / codesActivated,
    repeatScanRate: scans === 0 ? null : ((byOutcome.already_redeemed ?? 0) + replays) / scans,
    uniqueDevices,
    newDevices,
    returningDevices: uniqueDevices - newDevices,
  };
}

/** The range's KPIs and those of the period of the same length before it (the cards' change). */
export async function readOverview(pool: pg.Pool, range: AnalyticsRange): Promise<{ current: OverviewKpis; previous: OverviewKpis }> {
  const codesActivated = Number((await pool.query<{ n: string }>(activatedQuery, [range.campaignId])).rows[0]?.n);
  const [current, previous] = await Promise.all([kpis(pool, range, codesActivated), kpis(pool, previousRange(range), codesActivated)]);
  return { current, previous };
}
