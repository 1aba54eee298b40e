import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, setBatchStatus } from '../campaigns/batches.js';
import { applyCampaign } from '../campaigns/campaign-store.js';
import { ensureScanEventPartitions } from '../db/partitions.js';
import { campaignKeys } from '../redis/keys.js';
import { decisionCampaign } from '../testing/decision-fixtures.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { type TestRedis } from '../testing/test-redis.js';
import { hasEpoch, prepareCampaignState } from './campaign-state.js';

let stack: TestStack;
let pool: pg.Pool;
let t: TestRedis;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 2 });
  ({ pool, t } = stack);
});
afterAll(() => stack.stop());

async function campaignWithBatches(id: string): Promise<{ active: number; inactive: number }> {
  await applyCampaign(pool, decisionCampaign(id), 'test');
  const active = await createBatch(pool, { campaignId: id, printedCount: 10 });
  const inactive = await createBatch(pool, { campaignId: id, printedCount: 10 });
  await setBatchStatus(pool, active.id, true);
  return { active: active.id, inactive: inactive.id };
}

describe('prepareCampaignState', () => {
  it('gives a campaign without decisions its epoch and mirrors batch activation from Postgres', async () => {
    const { active, inactive } = await campaignWithBatches('fresh');
    const keys = campaignKeys(t.prefix, 'fresh');
    expect(await hasEpoch(t.redis, t.prefix, 'fresh')).toBe(false);
    await prepareCampaignState({ redis: t.redis, pool, keyPrefix: t.prefix }, decisionCampaign('fresh'));
    expect(await hasEpoch(t.redis, t.prefix, 'fresh')).toBe(true);
    expect(await t.redis.hgetall(keys.batches)).toEqual({ [active]: '1', [inactive]: '0' });

    const epoch = await t.redis.get(keys.epoch);
    await setBatchStatus(pool, inactive, true);
    await prepareCampaignState({ redis: t.redis, pool, keyPrefix: t.prefix }, decisionCampaign('fresh'));
    expect(await t.redis.get(keys.epoch)).toBe(epoch);
    expect(await t.redis.hget(keys.batches, String(inactive))).toBe('1');
  });

  it('leaves the epoch missing when Postgres holds decisions that Redis lost', async () => {
    const { active } = await campaignWithBatches('lost');
    const scannedAt = new Date();
    await ensureScanEventPartitions(pool, scannedAt, scannedAt);
    await pool.query(
      `INSERT INTO scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, ua_class)
       VALUES ($1, 0, $2, 0, 1, 0, false, false, 'lost', '1-0', 'CODE', 'device', '203.0.113.1', 'mobile')`,
      [scannedAt, active],
    );
    await prepareCampaignState({ redis: t.redis, pool, keyPrefix: t.prefix }, decisionCampaign('lost'));
    expect(await hasEpoch(t.redis, t.prefix, 'lost')).toBe(false);
    expect(await t.redis.hget(campaignKeys(t.prefix, 'lost').batches, String(active))).toBe('1');
  });
});
