import type pg from 'pg';
import type { Campaign } from '../../config/campaign-schema.js';
import { createBatch } from '../campaigns/batches.js';
import { applyCampaign } from '../campaigns/campaign-store.js';
import { ensureScanEventPartitions } from '../db/partitions.js';
import { consumesCode, Outcome } from '../scan/outcomes.js';
import { codeSource, decisionCampaign, FIXTURE_NOW, newDeviceId, type FixtureCode } from './decision-fixtures.js';

/**
 * A campaign whose Redis state was lost, for the recovery tests: its batches and past decisions
 * are in Postgres (written the way the ingest writes them), nothing is in Redis.
 */
const hour = 3_600_000;

/** A decision as the ingest committed it: its scan_events row and, when it consumed the code, its redemption. */
export interface PastDecision {
  readonly code: FixtureCode;
  readonly device: string;
  readonly outcome: Outcome;
  readonly tier?: string;
  readonly at: number;
  readonly review?: 'approved' | 'rejected';
  readonly reasonMask?: number;
  readonly score?: number;
}

let eventSeq = 0;

/** Records the decision; returns its event id (the scanId a replay answers). */
export async function recordPastDecision(pool: pg.Pool, campaign: Campaign, decision: PastDecision): Promise<string> {
  const eventId = `${decision.at}-${eventSeq++}`;
  const { code, batchId, serial } = decision.code;
  await ensureScanEventPartitions(pool, new Date(decision.at), new Date(decision.at));
  await pool.query(
    `INSERT INTO scan_events (campaign_id, event_id, scanned_at, code, batch_id, serial, device_id, ip, outcome, tier_id, replay, score, reason_mask, ua_class, new_device)
     VALUES ($1, $2, to_timestamp($3 / 1000.0), $4, $5, $6, $7, '203.0.113.10', $8, $9, false, $10, $11, 'mobile', false)`,
    [campaign.id, eventId, decision.at, code, batchId, serial, decision.device, decision.outcome, decision.tier ?? null, decision.score ?? 0, decision.reasonMask ?? 0],
  );
  if (consumesCode(decision.outcome)) {
    await pool.query(
      `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, review, event_id, redeemed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, to_timestamp($10 / 1000.0))`,
      [campaign.id, code, batchId, serial, decision.device, decision.tier ?? null, decision.outcome, decision.review ?? null, eventId, decision.at],
    );
  }
  return eventId;
}

export interface LostCampaign {
  readonly campaign: Campaign;
  readonly activeBatch: number;
  readonly inactiveBatch: number;
  /** a code of the active batch nobody scanned */
  readonly fresh: () => FixtureCode;
  readonly devices: { readonly a: string; readonly b: string; readonly c: string };
  readonly past: {
    readonly wonCode: FixtureCode;
    readonly wonEvent: string;
    readonly heldCode: FixtureCode;
    readonly approvedCode: FixtureCode;
    readonly rejectedCode: FixtureCode;
  };
}

/**
 * grand: 3 prizes, 2 issued (a won by a, a held by b); points: 5, 1 issued (c's approved held
 * scan; c's rejected one was released). Per consumer limits 2 a day, 3 in all: a consumed 2
 * codes (1 today, FIXTURE_NOW's day in Asia/Shanghai), b 1, c 2 (both today). b also scanned a's
 * code (already_redeemed).
 */
export async function lostCampaign(pool: pg.Pool, id: string): Promise<LostCampaign> {
  const campaign = decisionCampaign(id, {
    tiers: [
      { id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 3, weight: 1 },
      { id: 'points', kind: 'points', value: 100, unit: 'points', inventory: 5, weight: 1 },
    ],
    limits: { perConsumerPerDay: 2, perConsumerPerCampaign: 3 },
  });
  await applyCampaign(pool, campaign, 'test');
  const active = await createBatch(pool, { campaignId: campaign.id, printedCount: 100 });
  const inactive = await createBatch(pool, { campaignId: campaign.id, printedCount: 100 });
  await pool.query(`UPDATE code_batches SET status = 'active' WHERE id = $1`, [active.id]);
  const fresh = codeSource(active.id);
  const devices = { a: newDeviceId(), b: newDeviceId(), c: newDeviceId() };
  const past = { wonCode: fresh(), heldCode: fresh(), approvedCode: fresh(), rejectedCode: fresh() };
  const record = (decision: PastDecision) => recordPastDecision(pool, campaign, decision);
  const wonEvent = await record({ code: past.wonCode, device: devices.a, outcome: Outcome.Won, tier: 'grand', at: FIXTURE_NOW - hour });
  await record({ code: fresh(), device: devices.a, outcome: Outcome.NoPrize, at: FIXTURE_NOW - 20 * hour });
  await record({ code: past.wonCode, device: devices.b, outcome: Outcome.AlreadyRedeemed, at: FIXTURE_NOW - hour / 2 });
  await record({ code: past.heldCode, device: devices.b, outcome: Outcome.Held, tier: 'grand', at: FIXTURE_NOW - 2 * hour, reasonMask: 4, score: 60 });
  await record({ code: past.approvedCode, device: devices.c, outcome: Outcome.Held, tier: 'points', review: 'approved', at: FIXTURE_NOW - 3 * hour, score: 55 });
  await record({ code: past.rejectedCode, device: devices.c, outcome: Outcome.Held, tier: 'points', review: 'rejected', at: FIXTURE_NOW - 3 * hour, score: 55 });
  return { campaign, activeBatch: active.id, inactiveBatch: inactive.id, fresh, devices, past: { ...past, wonEvent } };
}
