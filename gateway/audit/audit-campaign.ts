import type { Redis } from 'ioredis';
import type pg from 'pg';
import { auditReport, type AuditReport } from './audit-report.js';
import {
  codesConsumedOnce,
  isDrained,
  issuedWithinInventory,
  noDeadLetters,
  oneRedemptionPerCode,
  outcomeCounts,
  redisMatchesPostgres,
  reviewsApplied,
  backlogCountsMatch,
  reviewsSettledOnce,
  rollupsMatchEvents,
  streamDrained,
} from './audit-checks.js';
import { readPostgresFacts } from './postgres-facts.js';
import { readRedisFacts } from './redis-facts.js';
import { compareRollups } from '../../core/analytics/rollup-audit.js';

export interface AuditTarget {
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly campaignId: string;
  /** tierId -> prizes the campaign may issue */
  readonly inventory: Readonly<Record<string, number>>;
}

/**
 * Read-only, safe under load: one MULTI snapshot of Redis, then one REPEATABLE READ snapshot
 * of Postgres limited to the decisions that Redis snapshot covers (stream ids up to its last
 * entry). Redis counters are compared only when the ingest had committed all of them.
 */
export async function auditCampaign(target: AuditTarget): Promise<AuditReport> {
  const redis = await readRedisFacts(target.redis, target.keyPrefix, target.campaignId);
  const pg = await readPostgresFacts(target.pool, target.campaignId, redis.lastEntryId === '0-0' ? null : redis.lastEntryId);
  const rollups = await compareRollups(target.pool, target.campaignId);
  return auditReport(target.campaignId, [
    outcomeCounts(pg),
    issuedWithinInventory(pg, target.inventory),
    oneRedemptionPerCode(pg),
    codesConsumedOnce(pg),
    reviewsSettledOnce(pg),
    backlogCountsMatch(pg),
    streamDrained(redis),
    ...(isDrained(redis) ? [redisMatchesPostgres(redis, pg), reviewsApplied(pg)] : []),
    noDeadLetters(pg),
    rollupsMatchEvents(rollups),
  ]);
}
