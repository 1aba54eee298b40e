import type pg from 'pg';
import { outcomeNames, type Outcome } from '../scan/outcomes.js';

/**
 * The campaign's decisions per outcome since its start, as committed by the ingest (rollups):
 * what the live Redis outcomes hash is set beside, so the gap is the ingest's lag.
 */
export interface CommittedTotals {
  readonly source: 'postgres';
  readonly readAt: Date;
  /** outcome name → decisions (replays included, like Redis's hash) */
  readonly outcomes: Readonly<Record<string, number>>;
  /** start of the newest UTC hour holding a committed scan (null before the first) */
  readonly newestHour: Date | null;
}

export async function readCommittedTotals(pool: pg.Pool, campaignId: string, now: () => Date = () => new Date()): Promise<CommittedTotals> {
  const { rows } = await pool.query<{ outcome: Outcome; scans: string; newest: Date | null }>(
    `SELECT outcome, sum(scans)::bigint AS scans, max(hour) AS newest FROM analytics_hourly_totals WHERE campaign_id = $1 GROUP BY 1 HAVING sum(scans) > 0 ORDER BY 1`,
    [campaignId],
  );
  const newest = rows.reduce<Date | null>((latest, row) => (row.newest && (!latest || row.newest > latest) ? row.newest : latest), null);
  return {
    source: 'postgres',
    readAt: now(),
    outcomes: Object.fromEntries(rows.map((row) => [outcomeNames[row.outcome], Number(row.scans)])),
    newestHour: newest,
  };
}
