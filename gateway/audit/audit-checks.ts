import type { AuditCheck } from './audit-report.js';
import type { RollupComparison } from '../../core/analytics/rollup-audit.js';
import type { PostgresFacts } from './postgres-facts.js';
import type { RedisFacts } from './redis-facts.js';

/** Each function is one named check of the audit; the facts were read beforehand. */

export function outcomeCounts(pg: PostgresFacts): AuditCheck {
  return { name: 'outcome_counts', ok: true, counts: pg.outcomes };
}

export function issuedWithinInventory(pg: PostgresFacts, inventory: Readonly<Record<string, number>>): AuditCheck {
  const tiers = Object.entries(inventory).map(([tier, limit]) => ({ tier, issued: pg.issued[tier] ?? 0, inventory: limit }));
  const unknownTiers = Object.keys(pg.issued).filter((tier) => !(tier in inventory));
  return { name: 'issued_within_inventory', ok: tiers.every((t) => t.issued <= t.inventory) && unknownTiers.length === 0, tiers, unknownTiers };
}

export function oneRedemptionPerCode(pg: PostgresFacts): AuditCheck {
  return { name: 'one_redemption_per_code', ok: pg.codesRedeemedTwice === 0, codesRedeemedTwice: pg.codesRedeemedTwice };
}

/** Every code-consuming decision consumed a different code, and each has its redemption row. */
export function codesConsumedOnce(pg: PostgresFacts): AuditCheck {
  const { consumingEvents, consumedCodes, redemptions } = pg;
  return { name: 'codes_consumed_once', ok: consumingEvents === consumedCodes && consumedCodes === redemptions, consumingEvents, consumedCodes, redemptions };
}

export function isDrained(redis: RedisFacts): boolean {
  return redis.pending === 0 && redis.lastDeliveredId === redis.lastEntryId;
}

export function streamDrained(redis: RedisFacts): AuditCheck {
  return {
    name: 'stream_drained',
    ok: isDrained(redis),
    ...(isDrained(redis) ? {} : { detail: 'not drained: Redis counters are not compared with Postgres' }),
    pending: redis.pending,
    lastEntryId: redis.lastEntryId,
    lastDeliveredId: redis.lastDeliveredId,
  };
}

function differences(name: string, redis: Readonly<Record<string, number>>, pg: Readonly<Record<string, number>>): { counter: string; key: string; redis: number; postgres: number }[] {
  const keys = new Set([...Object.keys(redis), ...Object.keys(pg)]);
  return [...keys].filter((key) => (redis[key] ?? 0) !== (pg[key] ?? 0)).map((key) => ({ counter: name, key, redis: redis[key] ?? 0, postgres: pg[key] ?? 0 }));
}

/** Only meaningful once every entry up to the Redis snapshot is committed (see streamDrained). */
export function redisMatchesPostgres(redis: RedisFacts, pg: PostgresFacts): AuditCheck {
  const mismatches = [...differences('issued', redis.issued, pg.issued), ...differences('held', redis.held, pg.held), ...differences('outcomes', redis.outcomes, pg.outcomes)];
  return { name: 'redis_matches_postgres', ok: mismatches.length === 0, mismatches };
}

export function noDeadLetters(pg: PostgresFacts): AuditCheck {
  return { name: 'no_dead_letters', ok: pg.deadLetters === 0, deadLetters: pg.deadLetters };
}

/** Each held scan was settled at most once. */
export function reviewsSettledOnce(pg: PostgresFacts): AuditCheck {
  return { name: 'reviews_settled_once', ok: pg.scansReviewedTwice === 0, scansReviewedTwice: pg.scansReviewedTwice };
}

/** Every review decision shows in its redemption; only meaningful once drained (its held scan may still be in flight). */
export function reviewsApplied(pg: PostgresFacts): AuditCheck {
  return { name: 'reviews_applied', ok: pg.reviewsUnapplied === 0, reviewsUnapplied: pg.reviewsUnapplied };
}

/** The backlog counts the review queue shows equal a count of the held and reviewed redemptions. */
export function backlogCountsMatch(pg: PostgresFacts): AuditCheck {
  return { name: 'backlog_counts_match', ok: pg.backlogCountMismatches.length === 0, mismatches: pg.backlogCountMismatches };
}

/** The analytics rollups equal a recomputation from the events (exactly: both commit together). */
export function rollupsMatchEvents(comparison: RollupComparison): AuditCheck {
  const { prunedBefore, differences } = comparison;
  return {
    name: 'rollups_match_events',
    ok: differences.length === 0,
    ...(prunedBefore === null ? {} : { detail: `not compared: events before ${prunedBefore.toISOString()} were pruned` }),
    differences,
  };
}
