import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { Campaign } from '../../config/campaign-schema.js';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { decideScans, type ScanFixture } from '../../core/testing/decision-fixtures.js';
import { consumesCode } from '../../core/scan/outcomes.js';
import type { ScanDecision } from '../../core/scan/types.js';

const day = 86_400_000;

/**
 * Decides scans through the real decision script, then writes their rows to Postgres as the
 * ingest would (scan_events; redemptions for a consumed code). The console may not import the
 * gateway's ingest, so its tests put the ingest's result in place themselves.
 */
export async function decideAndRecord(
  redis: Redis,
  prefix: string,
  pool: pg.Pool,
  campaign: Campaign,
  scans: readonly ScanFixture[],
  at: number,
  userAgent: string | null = null,
): Promise<ScanDecision[]> {
  const decisions = await decideScans(redis, prefix, campaign, scans, at);
  await ensureScanEventPartitions(pool, new Date(at - day), new Date(at + day));
  for (const [i, decision] of decisions.entries()) {
    const { request, assessment } = scans[i] as ScanFixture;
    const tierId = decision.tierIndex >= 0 ? (campaign.tiers[decision.tierIndex]?.id ?? null) : null;
    await pool.query(
      `INSERT INTO scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, tier_id, ua_class, user_agent, region)
       VALUES ($1, $2, $3, $4, $5, $6, $16, false, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [new Date(at), request.serial, request.batchId, decision.reasonMask, decision.outcome, decision.score, campaign.id, decision.scanId, request.code, request.deviceId, request.ip, tierId, assessment.uaClass, userAgent, assessment.region, decision.replay],
    );
    if (consumesCode(decision.outcome) && !decision.replay)
      await pool.query(
        `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, redeemed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [campaign.id, request.code, request.batchId, request.serial, request.deviceId, tierId, decision.outcome, decision.scanId, new Date(at)],
      );
  }
  return decisions;
}
