import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { Campaign } from '../../config/campaign-schema.js';
import { insertScanRow } from './scan-rows.js';
import { decideScans, type ScanFixture } from '../../core/testing/decision-fixtures.js';
import { consumesCode, Outcome } from '../../core/scan/outcomes.js';
import type { ScanDecision } from '../../core/scan/types.js';

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
  for (const [i, decision] of decisions.entries()) {
    const { request, assessment } = scans[i] as ScanFixture;
    const tierId = decision.tierIndex >= 0 ? (campaign.tiers[decision.tierIndex]?.id ?? null) : null;
    await insertScanRow(pool, {
      campaignId: campaign.id,
      batchId: request.batchId,
      eventId: decision.scanId,
      code: request.code,
      outcome: decision.outcome,
      at: new Date(at),
      deviceId: request.deviceId,
      serial: request.serial,
      ip: request.ip,
      uaClass: assessment.uaClass,
      reasonMask: decision.reasonMask,
      score: decision.score,
      tierId,
      replay: decision.replay,
      userAgent,
      region: assessment.region ?? null,
    });
    if (consumesCode(decision.outcome) && !decision.replay)
      await pool.query(
        `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, redeemed_at, score, reason_mask)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          campaign.id, request.code, request.batchId, request.serial, request.deviceId, tierId, decision.outcome, decision.scanId, new Date(at),
          ...(decision.outcome === Outcome.Held ? [decision.score, decision.reasonMask] : [null, null]),
        ],
      );
  }
  return decisions;
}
