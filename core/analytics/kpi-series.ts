import type pg from 'pg';
import { consumingOutcomes, Outcome } from '../scan/outcomes.js';
import { rangeParams, type AnalyticsRange } from './analytics-range.js';

/** The counts behind the KPI cards' sparklines, per campaign-local hour or day. */
export interface KpiPoint {
  /** the bucket's start, campaign-local wall time as 'YYYY-MM-DD HH:00' */
  readonly bucket: string;
  readonly scans: number;
  /** first scans of a code that consumed it (the overview's codes redeemed) */
  readonly codesRedeemed: number;
  /** already_redeemed + replays (the repeat-scan rate's numerator) */
  readonly repeatScans: number;
}

/** Per bucket with at least one scan; the formulas are the overview's (README "Analytics glossary"). */
export async function readKpiSeries(pool: pg.Pool, range: AnalyticsRange, grain: 'hour' | 'day'): Promise<KpiPoint[]> {
  const { rows } = await pool.query<{ bucket: string; scans: string; redeemed: string | null; already: string | null; replays: string | null }>(
    `SELECT to_char(date_trunc($4, h.hour AT TIME ZONE c.time_zone), 'YYYY-MM-DD HH24:00') AS bucket, sum(h.scans)::bigint AS scans,
       sum(h.scans) FILTER (WHERE NOT h.replay AND h.outcome = ANY($5::smallint[]))::bigint AS redeemed,
       sum(h.scans) FILTER (WHERE h.outcome = ${Outcome.AlreadyRedeemed})::bigint AS already,
       sum(h.scans) FILTER (WHERE h.replay)::bigint AS replays
     FROM analytics_hourly_totals h JOIN campaigns c ON c.id = h.campaign_id
     WHERE h.campaign_id = $1 AND h.hour >= $2 AND h.hour < $3
     GROUP BY 1 ORDER BY 1`,
    [...rangeParams(range), grain, consumingOutcomes],
  );
  return rows.map((row) => ({
    bucket: row.bucket,
    scans: Number(row.scans),
    codesRedeemed: Number(row.redeemed ?? 0),
    repeatScans: Number(row.already ?? 0) + Number(row.replays ?? 0),
  }));
}
