import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../../core/testing/bounded.js';
import { campaignKeyPattern } from '../../core/redis/keys.js';
import { createGatewayHarness, testCampaign, type GatewayHarness } from '../testing/gateway-harness.js';
import { scanJson } from '../testing/scan-client.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await createGatewayHarness({ ingest: { enabled: true, batchWaitMs: 10 } });
});
afterAll(() => harness?.close());

const redemptions = async (campaignId: string): Promise<number> =>
  Number((await harness.pool.query<{ n: string }>('SELECT count(*) AS n FROM redemptions WHERE campaign_id = $1', [campaignId])).rows[0]?.n);

it('rebuilds a campaign whose Redis state was lost by itself: 503 meanwhile, then the old decisions stand', async () => {
  const batch = await harness.addBatch(testCampaign('self-healing'));
  const gateway = await harness.startGateway();
  const base = `http://127.0.0.1:${gateway.port}`;
  const redeemed = batch.fresh();
  const first = await scanJson(base, redeemed);
  expect(first.body.outcome).toBe('won');
  expect(await eventually(async () => (await redemptions('self-healing')) === 1, 10_000)).toBe(true);

  // Redis forgets the campaign, stream and all, as a restart without AOF would.
  const { redis, prefix } = harness.redis;
  const keys = await redis.keys(campaignKeyPattern(prefix, 'self-healing'));
  expect(keys.length).toBeGreaterThan(0);
  await redis.del(...keys);

  const refused = await scanJson(base, batch.fresh());
  expect(refused.status).toBe(503);
  expect(refused.body.error).toBe('GW_ERR_CAMPAIGN_RECOVERING');
  // that refusal is what starts the rebuild: no operator, no restart
  expect(await eventually(async () => (await scanJson(base, redeemed, { cookie: first.cookie })).status === 200, 10_000)).toBe(true);

  const replay = await scanJson(base, redeemed, { cookie: first.cookie });
  expect(replay.body).toMatchObject({ outcome: 'won', replay: true, scanId: first.body.scanId });
  expect((await scanJson(base, redeemed)).body.outcome).toBe('already_redeemed');
  expect((await scanJson(base, batch.fresh())).body.outcome).toBe('won');
});
