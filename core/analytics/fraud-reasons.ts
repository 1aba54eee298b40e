import type pg from 'pg';
import { outcomeNames, type Outcome, type OutcomeName } from '../scan/outcomes.js';
import { reasonBits, type ReasonCode } from '../scan/reasons.js';
import { rangeParams, type AnalyticsRange } from './analytics-range.js';

export interface ReasonRate {
  readonly outcome: OutcomeName;
  readonly reason: ReasonCode;
  readonly scans: number;
  /** scans ÷ all scans of the range */
  readonly rate: number;
}

const reasonByBit = new Map(Object.entries(reasonBits).map(([code, bit]) => [Math.log2(bit), code as ReasonCode]));

/** Held and blocked scans (or any outcome) per fraud reason, with their share of all scans. */
export async function readFraudReasons(pool: pg.Pool, range: AnalyticsRange): Promise<ReasonRate[]> {
  const [reasons, total] = await Promise.all([
    pool.query<{ outcome: Outcome; reason: number; scans: string }>(
      `SELECT outcome, reason, sum(scans)::bigint AS scans FROM analytics_hourly_reasons
       WHERE campaign_id = $1 AND hour >= $2 AND hour < $3 GROUP BY 1, 2 ORDER BY 1, 2`,
      rangeParams(range),
    ),
    pool.query<{ n: string | null }>(`SELECT sum(scans)::bigint AS n FROM analytics_hourly_totals WHERE campaign_id = $1 AND hour >= $2 AND hour < $3`, rangeParams(range)),
  ]);
  const all = Number(total.rows[0]?.n ?? 0);
  return reasons.rows.flatMap((row) => {
    const reason = reasonByBit.get(row.reason);
    if (reason === undefined) return [];
    const scans = Number(row.scans);
    return [{ outcome: outcomeNames[row.outcome], reason, scans, rate: scans / all }];
  });
}
