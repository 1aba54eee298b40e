import type { Redis } from 'ioredis';
import type pg from 'pg';
import { getCampaign } from '../campaigns/campaign-store.js';
import { ScangateError } from '../errors.js';
import { campaignKeys } from '../redis/keys.js';
import { scriptCommands } from '../redis/scripts.js';
import { MAX_NOTE_LENGTH, notePattern, packedTierIds, reviewDecisions, reviewerPattern, settleReviewKeys, type ReviewDecision, type ReviewSettlement } from '../redis/settle-review.js';

export interface ReviewDeps {
  readonly redis: Redis;
  readonly pool: pg.Pool;
  readonly keyPrefix: string;
  /** ms since the epoch; the review event's time */
  readonly clock?: () => number;
}

/** One held scan to approve or reject: the campaign's code and the held scan's id. */
export interface HeldScanReview extends ReviewSettlement {
  readonly campaignId: string;
}

const scanIdPattern = /^\d{1,20}-\d{1,20}$/;

function invalid(detail: string): ScangateError {
  return new ScangateError('GW_ERR_REVIEW_INVALID', detail);
}

export function isReviewDecision(value: string): value is ReviewDecision {
  return (reviewDecisions as readonly string[]).includes(value);
}

/** The checks the stream's reader (gateway/ingest/event-decoder.ts) applies, made before anything is written. */
function checkReview(review: HeldScanReview): void {
  if (!isReviewDecision(review.decision)) throw invalid(`decision must be ${reviewDecisions.join(' or ')}`);
  if (!scanIdPattern.test(review.scanId)) throw invalid('scanId is not a scan id');
  if (!reviewerPattern.test(review.reviewer)) throw invalid('reviewer must be 1 to 100 printable characters');
  if (review.note !== null && !notePattern.test(review.note)) throw invalid(`note must be at most ${MAX_NOTE_LENGTH} printable characters`);
}

/**
 * Approves or rejects one held scan through settleReview-5.lua: atomic in the campaign's slot,
 * and written to Postgres by the ingest (review_decisions, redemptions.review, audit_log).
 * Rejects with GW_ERR_REVIEW_INVALID, GW_ERR_CAMPAIGN_UNKNOWN, GW_ERR_NOT_HELD (404),
 * GW_ERR_ALREADY_SETTLED (409), GW_ERR_CAMPAIGN_RECOVERING (503) or GW_ERR_REDIS_UNAVAILABLE.
 */
export async function settleHeldScan(deps: ReviewDeps, review: HeldScanReview): Promise<void> {
  checkReview(review);
  const campaign = await getCampaign(deps.pool, review.campaignId);
  await scriptCommands(deps.redis).settleReview({
    ...review,
    keys: settleReviewKeys(campaignKeys(deps.keyPrefix, campaign.id)),
    now: (deps.clock ?? Date.now)(),
    tierIds: packedTierIds(campaign),
  });
}
