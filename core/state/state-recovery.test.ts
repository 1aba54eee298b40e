import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignKeys } from '../redis/keys.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { type TestRedis } from '../testing/test-redis.js';
import { lostCampaign } from '../testing/lost-campaign.js';
import { createStateRecovery, ensureCampaignStates, type RecoveryLog } from './state-recovery.js';

let stack: TestStack;
let pool: pg.Pool;
let t: TestRedis;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 4 });
  ({ pool, t } = stack);
});

afterAll(() => stack.stop());

function recordingLog(): RecoveryLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_fields, message) => lines.push(message), warn: (_fields, message) => lines.push(message) };
}

const deps = () => ({ redis: t.redis, pool, keyPrefix: t.prefix });

describe('automatic recovery', () => {
  it('ensureCampaignStates rebuilds the campaigns whose epoch is missing and leaves the others', async () => {
    const lost = await lostCampaign(pool, 'ensure-lost');
    const intact = await lostCampaign(pool, 'ensure-intact');
    await t.redis.set(campaignKeys(t.prefix, intact.campaign.id).epoch, '1');
    const log = recordingLog();
    const results = await ensureCampaignStates(deps(), [lost.campaign, intact.campaign], log);
    expect(results.get(lost.campaign.id)).toMatchObject({ status: 'rebuilt', codes: 5 });
    expect(results.get(intact.campaign.id)).toEqual({ status: 'intact' });
    expect(await t.redis.hlen(campaignKeys(t.prefix, intact.campaign.id).codes)).toBe(0);
    expect(log.lines).toEqual(['campaign state rebuilt from Postgres']);
  });

  it('epochMissing rebuilds in the background, once however often it is told', async () => {
    const lost = await lostCampaign(pool, 'missing-epoch');
    const keys = campaignKeys(t.prefix, lost.campaign.id);
    const log = recordingLog();
    const recovery = createStateRecovery(deps(), log, { minIntervalMs: 60_000 });
    for (let i = 0; i < 50; i++) recovery.epochMissing(lost.campaign);
    await recovery.idle();
    expect(await t.redis.exists(keys.epoch)).toBe(1);
    expect(log.lines).toEqual(['campaign state rebuilt from Postgres']);

    // Lost again within the interval: not retried until it has passed.
    await t.redis.del(keys.epoch);
    recovery.epochMissing(lost.campaign);
    await recovery.idle();
    expect(await t.redis.exists(keys.epoch)).toBe(0);
  });

  it('a failed rebuild is reported and tried again after the interval', async () => {
    const lost = await lostCampaign(pool, 'failing');
    const keys = campaignKeys(t.prefix, lost.campaign.id);
    await t.redis.xadd(keys.events, '*', 'd', 'never ingested');
    const log = recordingLog();
    const recovery = createStateRecovery(deps(), log, { minIntervalMs: 0, rebuild: { drainTimeoutMs: 100 } });
    recovery.epochMissing(lost.campaign);
    await recovery.idle();
    expect(log.lines).toEqual(['campaign state rebuild failed; retried later']);
    expect(await t.redis.exists(keys.epoch)).toBe(0);

    await t.redis.del(keys.events);
    recovery.epochMissing(lost.campaign);
    await recovery.idle();
    expect(log.lines.at(-1)).toBe('campaign state rebuilt from Postgres');
    expect(await t.redis.exists(keys.epoch)).toBe(1);
  });
});
