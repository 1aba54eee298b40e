import { afterEach, expect, it } from 'vitest';
import { within } from '../../core/testing/bounded.js';
import { brokenPromises, compareWithPostgres } from './fault-checks.js';
import { createFaultStack, type FaultStack } from './fault-stack.js';
import { consumedCodes, startScanLoad } from './scan-load.js';

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('kill -9 Redis (AOF always) under load, restart it: no acknowledged decision is lost', async () => {
  const s = (stack = await createFaultStack({ codes: 600, redis: { aof: true, appendfsync: 'always' } }));
  await s.startGateway();
  await s.primeIngest();
  const load = startScanLoad({ baseUrl: s.baseUrl, codes: s.codes, phones: 32, rescanEvery: 5 });
  await within(load.answered(200), 20_000, 'first scans answered');

  await s.redis.kill('SIGKILL');
  await s.redis.restart();

  const scans = await within(load.done, 30_000, 'load finished');
  await s.waitForIngest();
  const comparison = await compareWithPostgres(s.pool, s.client, s.keyPrefix, s.campaign, scans);
  expect(brokenPromises(comparison, { everyDecisionRecorded: true })).toEqual([]);

  // Redis still knows every code it told a phone was consumed: nobody else can have it.
  const consumed = consumedCodes(scans);
  const rescans = await within(startScanLoad({ baseUrl: s.baseUrl, codes: consumed, phones: 8 }).done, 30_000, 'rescans finished');
  expect(rescans.filter((scan) => scan.outcome !== 'already_redeemed')).toEqual([]);
  expect(rescans).toHaveLength(consumed.length);
}, 90_000);
