import { afterEach, expect, it } from 'vitest';
import { campaignKeys } from '../../core/redis/keys.js';
import { scanJson } from '../testing/scan-client.js';
import { eventually, within } from '../../core/testing/bounded.js';
import { brokenPromises, compareWithPostgres } from './fault-checks.js';
import { createFaultStack, type FaultStack } from './fault-stack.js';
import { consumedCodes, startScanLoad } from './scan-load.js';

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const wins = (scans: readonly { status: number; outcome?: string; replay?: boolean }[]) =>
  scans.filter((scan) => scan.status === 200 && scan.outcome === 'won' && !scan.replay).length;

it('Redis restarts empty: the campaign answers 503 until `scangate recover` rebuilds it, then no old code redeems again and the budget continues', async () => {
  const s = (stack = await createFaultStack({ codes: 600, inventory: 400, redis: { aof: false } }));
  const keys = campaignKeys(s.keyPrefix, s.campaign.id);
  await s.startGateway();
  await s.primeIngest();
  const before = await within(startScanLoad({ baseUrl: s.baseUrl, codes: s.codes.slice(0, 300), phones: 32 }).done, 30_000, 'scans before the loss');
  expect(wins(before)).toBe(300);
  await s.waitForIngest();

  await s.redis.kill('SIGKILL');
  await s.redis.restart();
  expect(await s.client.exists(keys.epoch, keys.codes, keys.issued)).toBe(0);
  // Held by the test, the rebuild lock keeps the gateway's own recovery off until the 503 is seen.
  await s.client.set(keys.rebuildLock, 'fault-test', 'PX', 30_000);
  const refused = await eventually(async () => (await scanJson(s.baseUrl, s.codes[300] as string)).body.error === 'GW_ERR_CAMPAIGN_RECOVERING', 10_000);
  expect(refused).toBe(true);
  const answer = await scanJson(s.baseUrl, s.codes[300] as string);
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);

  await s.client.del(keys.rebuildLock);
  const recover = await s.runCli(['recover', '--campaign', s.campaign.id]);
  // The gateway's own recovery may get there first: the command then finds the state rebuilding or rebuilt.
  expect(recover.output).toMatch(/"status":"(rebuilt|intact|busy)"/);
  expect(await eventually(async () => (await s.client.exists(keys.epoch)) === 1, 10_000)).toBe(true);

  const consumed = consumedCodes(before);
  const rescans = await within(startScanLoad({ baseUrl: s.baseUrl, codes: consumed, phones: 8 }).done, 30_000, 'rescans of old codes');
  expect(rescans.filter((scan) => scan.outcome !== 'already_redeemed')).toEqual([]);
  expect(rescans).toHaveLength(consumed.length);

  // 300 of 400 prizes went before the loss: exactly 100 are left.
  const after = await within(startScanLoad({ baseUrl: s.baseUrl, codes: s.codes.slice(300), phones: 32 }).done, 30_000, 'scans after the rebuild');
  expect(wins(after)).toBe(100);
  await s.waitForIngest();
  const comparison = await compareWithPostgres(s.pool, s.client, s.keyPrefix, s.campaign, [...before, ...rescans, ...after]);
  expect(brokenPromises(comparison, { everyDecisionRecorded: false })).toEqual([]);
  expect(comparison.issued).toEqual({ grand: 400 });
}, 120_000);
