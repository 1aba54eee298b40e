import type pg from 'pg';
import { rangeParams, type AnalyticsRange } from './analytics-range.js';

export interface ReviewStats {
  readonly approved: number;
  readonly rejected: number;
  /** approved ÷ (approved + rejected), null with no review in the range */
  readonly approvalRate: number | null;
  /** held and unreviewed now, and the oldest one's decision time (the queue: redemptions, not scan_events) */
  readonly backlog: number;
  readonly oldestHeldAt: Date | null;
}

/** Reviews decided in the range, and the review queue now. */
export async function readReviewStats(pool: pg.Pool, range: AnalyticsRange): Promise<ReviewStats> {
  const [decided, queue] = await Promise.all([
    pool.query<{ approved: string | null; rejected: string | null }>(
      `SELECT sum(reviews) FILTER (WHERE decision = 'approve')::bigint AS approved, sum(reviews) FILTER (WHERE decision = 'reject')::bigint AS rejected
       FROM analytics_reviews_hourly WHERE campaign_id = $1 AND hour >= $2 AND hour < $3`,
      rangeParams(range),
    ),
    pool.query<{ backlog: string; oldest: Date | null }>(
      `SELECT count(*) AS backlog, min(redeemed_at) AS oldest FROM redemptions WHERE campaign_id = $1 AND status = 'held'`,
      [range.campaignId],
    ),
  ]);
  const approved = Number(decided.rows[0]?.approved ?? 0);
  const rejected = Number(decided.rows[0]?.rejected ?? 0);
  return {
    approved,
    rejected,
    approvalRate: approved + rejected === 0 ? null : approved / (approved + rejected),
    backlog: Number(queue.rows[0]?.backlog ?? 0),
    oldestHeldAt: queue.rows[0]?.oldest ?? null,
  };
}
