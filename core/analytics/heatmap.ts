import type pg from 'pg';
import { rangeParams, type AnalyticsRange } from './analytics-range.js';

export interface HeatmapCell {
  /** ISO weekday in the campaign's time zone: 1 Monday … 7 Sunday */
  readonly weekday: number;
  /** 0–23, campaign-local */
  readonly hour: number;
  readonly scans: number;
}

/**
 * Scans per campaign-local weekday × hour, from the UTC-hour rollup. Exact for zones whose
 * offset is whole hours (Asia/Shanghai); a half-hour zone shifts each bucket by its remainder.
 */
export async function readScanHeatmap(pool: pg.Pool, range: AnalyticsRange): Promise<HeatmapCell[]> {
  const { rows } = await pool.query<{ weekday: number; hour: number; scans: string }>(
    `SELECT extract(isodow FROM h.hour AT TIME ZONE c.time_zone)::int AS weekday, extract(hour FROM h.hour AT TIME ZONE c.time_zone)::int AS hour,
       sum(h.scans)::bigint AS scans
     FROM analytics_hourly_totals h JOIN campaigns c ON c.id = h.campaign_id
     WHERE h.campaign_id = $1 AND h.hour >= $2 AND h.hour < $3
     GROUP BY 1, 2 ORDER BY 1, 2`,
    rangeParams(range),
  );
  return rows.map((row) => ({ weekday: row.weekday, hour: row.hour, scans: Number(row.scans) }));
}
