import { randomBytes } from 'node:crypto';
import type { Campaign, PrizeTier } from '../../config/campaign-schema.js';
import { Outcome, outcomeNames, type OutcomeName } from '../../core/scan/outcomes.js';
import { reasonsFromMask, type ReasonCode } from '../../core/scan/reasons.js';
import type { ScanDecision } from '../../core/scan/types.js';

/**
 * The public answer to a scan: a contract that clients and external load tests depend on, so
 * the field names never change. `firstScannedAt` is present when the code was redeemed before
 * (already_redeemed and replays); `reasons` only for held and blocked scans.
 */
export interface ScanAnswer {
  readonly outcome: OutcomeName;
  readonly prize: PrizeAnswer | null;
  readonly scanId: string;
  readonly replay: boolean;
  readonly firstScannedAt?: string;
  readonly reasons?: readonly ReasonCode[];
}

export interface PrizeAnswer {
  readonly tier: string;
  readonly kind: PrizeTier['kind'];
  readonly value: number;
  readonly unit: string;
}

/** Outcomes whose answer names the prize: issued, or reserved pending review. Another device never learns it. */
const prizeOutcomes = new Set([Outcome.Won, Outcome.Held]);
const reasonOutcomes = new Set([Outcome.Held, Outcome.Blocked]);

export function answerFromDecision(decision: ScanDecision, campaign: Campaign): ScanAnswer {
  const tier = prizeOutcomes.has(decision.outcome) ? campaign.tiers[decision.tierIndex] : undefined;
  return {
    outcome: outcomeNames[decision.outcome],
    prize: tier ? { tier: tier.id, kind: tier.kind, value: tier.value, unit: tier.unit } : null,
    scanId: decision.scanId,
    replay: decision.replay,
    ...(decision.firstScannedAt ? { firstScannedAt: new Date(decision.firstScannedAt).toISOString() } : {}),
    ...(reasonOutcomes.has(decision.outcome) ? { reasons: reasonsFromMask(decision.reasonMask) } : {}),
  };
}

/** Random per process, so references from several gateway processes do not collide. */
const invalidIdPrefix = `inv-${randomBytes(4).toString('hex')}`;
let invalidCount = 0;

/**
 * Invalid codes are answered before Redis, so no decision and no stream entry exists for them.
 * Their scanId is `inv-` and 16 hex digits (8 random per process, 8 counting): a reference for
 * support and logs only, never stored, so it can not collide with (or be mistaken for) a stream
 * entry id such as `1700000000000-0`. A counter, not randomBytes per answer: forged floods are
 * answered by the thousand per second, and crypto randomness per answer halved that rate.
 */
export function invalidAnswer(): ScanAnswer {
  invalidCount = (invalidCount + 1) >>> 0;
  return { outcome: 'invalid', prize: null, scanId: `${invalidIdPrefix}${invalidCount.toString(16).padStart(8, '0')}`, replay: false };
}

/** 404 for an invalid code (there is no such genuine code), 200 for every decided outcome. */
export function answerStatus(answer: ScanAnswer): 200 | 404 {
  return answer.outcome === 'invalid' ? 404 : 200;
}
