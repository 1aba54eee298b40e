import { loadCampaigns } from '../campaigns/campaign-store.js';
import { settleMany, type SettleStatus } from './settle-many.js';
import type { ReviewDeps } from './settle.js';

/** The sweeper's reviewer name: audit_log and review_decisions show it as the actor. */
export const SYSTEM_REVIEWER = 'system';
/** Held scans rejected per campaign per sweep; the next sweep takes the rest. */
const SWEEP_PAGE = 1000;

export type SweepReport = Record<SettleStatus, number>;

/**
 * Rejects every held scan older than its campaign's `review.expireAfterHours` (reviewer
 * `system`, the note says why), oldest first. The reservation returns to inventory; Postgres shows
 * the rejection (and its audit_log row) once the ingest has written the review event, so a sweep
 * before that finds the scan already settled, which changes nothing.
 */
export async function sweepExpiredHolds(deps: ReviewDeps, now: number): Promise<SweepReport> {
  const report: SweepReport = { settled: 0, already_settled: 0, not_found: 0, invalid: 0, failed: 0 };
  for (const campaign of await loadCampaigns(deps.pool)) {
    const hours = campaign.review.expireAfterHours;
    const { rows } = await deps.pool.query<{ code: string; event_id: string }>(
      `SELECT code, event_id FROM redemptions WHERE campaign_id = $1 AND status = 'held' AND redeemed_at < $2 ORDER BY redeemed_at LIMIT $3`,
      [campaign.id, new Date(now - hours * 3_600_000), SWEEP_PAGE],
    );
    const note = `not reviewed within ${hours} hours`;
    const reviews = rows.map((row) => ({ campaignId: campaign.id, code: row.code, scanId: row.event_id, decision: 'reject' as const, reviewer: SYSTEM_REVIEWER, note }));
    for (const outcome of await settleMany({ ...deps, clock: () => now }, reviews)) report[outcome.status] += 1;
  }
  return report;
}
