import type pg from 'pg';
import { outcomeNames, type Outcome, type OutcomeName } from '../scan/outcomes.js';
import { rangeParams, type AnalyticsRange } from './analytics-range.js';

export interface OutcomePoint {
  /** the bucket's start, campaign-local wall time as 'YYYY-MM-DD HH:00' */
  readonly bucket: string;
  readonly outcome: OutcomeName;
  readonly scans: number;
}

/** Scans per outcome per campaign-local hour or day (replays under their outcome). */
export async function readOutcomeSeries(pool: pg.Pool, range: AnalyticsRange, grain: 'hour' | 'day'): Promise<OutcomePoint[]> {
  const { rows } = await pool.query<{ bucket: string; outcome: Outcome; scans: string }>(
    `SELECT to_char(date_trunc($4, h.hour AT TIME ZONE c.time_zone), 'YYYY-MM-DD HH24:00') AS bucket, h.outcome, sum(h.scans)::bigint AS scans
     FROM analytics_hourly_totals h JOIN campaigns c ON c.id = h.campaign_id
     WHERE h.campaign_id = $1 AND h.hour >= $2 AND h.hour < $3
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [...rangeParams(range), grain],
  );
  return rows.map((row) => ({ bucket: row.bucket, outcome: outcomeNames[row.outcome], scans: Number(row.scans) }));
}
