import { afterEach, expect, it } from 'vitest';
import { within } from '../../core/testing/bounded.js';
import { brokenPromises, compareWithPostgres } from './fault-checks.js';
import { createFaultStack, type FaultStack } from './fault-stack.js';
import { startScanLoad } from './scan-load.js';

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('kill -9 the gateway under load, restart it: every win a phone saw is in Postgres, no code twice, prizes within inventory', async () => {
  const s = (stack = await createFaultStack({ codes: 600, inventory: 400 }));
  const gateway = await s.startGateway();
  await s.primeIngest();
  const load = startScanLoad({ baseUrl: s.baseUrl, codes: s.codes, phones: 32, rescanEvery: 5 });
  await within(load.answered(200), 20_000, 'first scans answered');

  await gateway.kill('SIGKILL');
  await s.startGateway();

  const scans = await within(load.done, 30_000, 'load finished');
  await s.waitForIngest();
  const comparison = await compareWithPostgres(s.pool, s.client, s.keyPrefix, s.campaign, scans);
  expect(brokenPromises(comparison, { everyDecisionRecorded: true })).toEqual([]);
  // Every code was scanned until a phone got an answer, so the whole inventory went out.
  expect(comparison.issued).toEqual({ grand: 400 });
}, 90_000);
