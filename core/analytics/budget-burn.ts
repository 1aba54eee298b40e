import type pg from 'pg';
import { Outcome } from '../scan/outcomes.js';

export interface TierBurn {
  readonly tierId: string;
  readonly kind: string;
  readonly value: number;
  readonly unit: string;
  readonly inventory: number;
  /** won + held − rejected: prizes given or still reserved (Redis's `issued`) */
  readonly issued: number;
  /** held and not yet reviewed */
  readonly held: number;
  /** issued × value, in unit */
  readonly valueSpent: number;
  /** issued in the pace window ÷ its days */
  readonly perDay: number;
  /** when inventory runs out at that pace (null: no pace, or already out) */
  readonly runsOutAt: Date | null;
}

const dayMs = 86_400_000;
/** Days of recent issuing that set the pace (the Grafana campaign dashboard repeats it as a literal). */
export const budgetPaceDays = 3;

/** Per tier since the start, and over the pace window [now − paceDays, now). */
const burnQuery = `
  WITH scans AS (
    SELECT tier_id, sum(scans) FILTER (WHERE outcome IN (${Outcome.Won}, ${Outcome.Held})) AS reserved,
      sum(scans) FILTER (WHERE outcome = ${Outcome.Held}) AS held,
      sum(scans) FILTER (WHERE outcome IN (${Outcome.Won}, ${Outcome.Held}) AND hour >= $2) AS reserved_recent
    FROM analytics_hourly_totals WHERE campaign_id = $1 AND NOT replay AND tier_id <> '' AND hour < $3 GROUP BY tier_id
  ), reviews AS (
    SELECT tier_id, sum(reviews) AS reviewed, sum(reviews) FILTER (WHERE decision = 'reject') AS rejected,
      sum(reviews) FILTER (WHERE decision = 'reject' AND hour >= $2) AS rejected_recent
    FROM analytics_reviews_hourly WHERE campaign_id = $1 AND hour < $3 GROUP BY tier_id
  )
  SELECT t.tier_id, t.kind, t.value::float8 AS value, t.unit, t.inventory,
    coalesce(s.reserved, 0) - coalesce(r.rejected, 0) AS issued,
    coalesce(s.held, 0) - coalesce(r.reviewed, 0) AS held,
    coalesce(s.reserved_recent, 0) - coalesce(r.rejected_recent, 0) AS issued_recent
  FROM prize_tiers t LEFT JOIN scans s USING (tier_id) LEFT JOIN reviews r USING (tier_id)
  WHERE t.campaign_id = $1 ORDER BY t.rank`;

/** Each tier's budget burn, and the day it runs out at the pace of the last `paceDays` days. */
export async function readBudgetBurn(pool: pg.Pool, campaignId: string, now: Date, paceDays = budgetPaceDays): Promise<TierBurn[]> {
  const paceStart = new Date(now.getTime() - paceDays * dayMs);
  const { rows } = await pool.query<{ tier_id: string; kind: string; value: number; unit: string; inventory: string; issued: string; held: string; issued_recent: string }>(
    burnQuery,
    [campaignId, paceStart, now],
  );
  return rows.map((row) => {
    const inventory = Number(row.inventory);
    const issued = Number(row.issued);
    const perDay = Number(row.issued_recent) / paceDays;
    const left = inventory - issued;
    return {
      tierId: row.tier_id,
      kind: row.kind,
      value: row.value,
      unit: row.unit,
      inventory,
      issued,
      held: Number(row.held),
      valueSpent: issued * row.value,
      perDay,
      runsOutAt: perDay > 0 && left > 0 ? new Date(now.getTime() + (left / perDay) * dayMs) : null,
    };
  });
}
