import type { Redis } from 'ioredis';
import { pack } from 'msgpackr';
import { parseCampaign, type Campaign } from '../../config/campaign-schema.js';
import { createCodeSigner, type CodeSigner } from '../codes/code-signer.js';
import { newDeviceId } from '../scan/device-id.js';

import { campaignKeys } from '../redis/keys.js';
import { appendScan, redeemBatchKeys } from '../redis/redeem-batch.js';
import { scriptCommands } from '../redis/scripts.js';
import { packedCampaignParams, timeBuckets } from '../scan/campaign-params.js';
import { mirrorBatches } from '../state/batch-mirror.js';
import type { ScanAssessment, ScanDecision, ScanRequest } from '../scan/types.js';

/** Tests mint device ids as the gateway does. */
export { newDeviceId };

/**
 * Scans for the decision script without HTTP or workers (its tests and benchmark): genuine codes
 * under a fixed test key, devices, a campaign, and its Redis state seeded as the gateway would.
 */
const day = 86_400_000;

/** 2026-03-10 12:00 in Asia/Shanghai: the default clock of decision tests. */
export const FIXTURE_NOW = Date.UTC(2026, 2, 10, 4, 0, 0);

/** A genuine code (signed under the fixture key) with the fields the decision reads from it. */
export interface FixtureCode {
  readonly code: string;
  readonly batchId: number;
  readonly serial: number;
}

let signer: CodeSigner | undefined;

/** Fresh codes of one batch, serial after serial. */
export function codeSource(batchId: number): () => FixtureCode {
  signer ??= createCodeSigner({ codeKeys: new Map([[0, Buffer.alloc(32, 0x5a)]]), signingKeyId: 0 });
  const sign = signer;
  let serial = 0;
  return () => ({ code: sign.sign(batchId, serial), batchId, serial: serial++ });
}


/**
 * A campaign open from a day before to ten days after FIXTURE_NOW, two tiers, rules out of the
 * way: thresholds at their top, and serial_run off because codeSource hands out serial after
 * serial (tests of that rule switch it on).
 */
export function decisionCampaign(id: string, changes: Record<string, unknown> = {}): Campaign {
  return parseCampaign({
    id,
    name: `Decision test ${id}`,
    window: { startsAt: new Date(FIXTURE_NOW - day).toISOString(), endsAt: new Date(FIXTURE_NOW + 10 * day).toISOString(), timeZone: 'Asia/Shanghai' },
    tiers: [
      { id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 1000, weight: 1 },
      { id: 'points', kind: 'points', value: 100, unit: 'points', inventory: 100_000, weight: 1 },
    ],
    noPrizeWeight: 1,
    limits: { perConsumerPerDay: 100_000, perConsumerPerCampaign: 100_000 },
    fraud: { holdAt: 50, blockAt: 80, deviceScansPerMinute: 100_000, ipScansPerMinute: 100_000, devicesPerIp: 100_000, rules: { serial_run: { enabled: false } } },
    ...changes,
  });
}

export interface ScanFixture {
  readonly request: ScanRequest;
  readonly assessment: ScanAssessment;
}

/** A clean scan from a phone that drew the top tier; override either half. */
export function fixtureScan(
  campaign: Campaign,
  { code, batchId, serial }: FixtureCode,
  request: Partial<ScanRequest> = {},
  assessment: Partial<ScanAssessment> = {},
): ScanFixture {
  return {
    request: {
      code,
      campaignId: campaign.id,
      batchId,
      serial,
      deviceId: newDeviceId(),
      newDevice: false,
      ip: '203.0.113.10',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)',
      forgedAttempts: 0,
      receivedAt: FIXTURE_NOW,
      ...request,
    },
    assessment: { score: 0, reasonMask: 0, tierIndex: 0, region: null, uaClass: 'mobile', ...assessment },
  };
}

/** Marks the campaign's state complete (epoch) and the given batches active, as prepareCampaignState would. */
export async function seedCampaignState(redis: Redis, prefix: string, campaignId: string, activeBatches: readonly number[]): Promise<void> {
  const keys = campaignKeys(prefix, campaignId);
  const transaction = redis.multi().set(keys.epoch, String(FIXTURE_NOW));
  if (activeBatches.length > 0) mirrorBatches(transaction, keys.batches, new Map(activeBatches.map((batchId) => [batchId, true])));
  await transaction.exec();
}

/** Decides `scans` of `campaign` in one redeemBatch call at `now`, straight through the script registry. */
export function decideScans(redis: Redis, prefix: string, campaign: Campaign, scans: readonly ScanFixture[], now = FIXTURE_NOW): Promise<ScanDecision[]> {
  const flat: unknown[] = [];
  for (const scan of scans) appendScan(flat, scan.request, scan.assessment);
  const keys = redeemBatchKeys(campaignKeys(prefix, campaign.id), timeBuckets(campaign.window.timeZone, now));
  return scriptCommands(redis).redeemBatch({ keys, params: packedCampaignParams(campaign), now, scans: pack(flat) });
}
