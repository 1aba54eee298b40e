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

it('Postgres crashes and restarts under load: scans go on being decided, nothing is lost, the backlog drains', async () => {
  const s = (stack = await createFaultStack({ codes: 600, privatePostgres: true }));
  await s.startGateway();
  await s.primeIngest();
  const load = startScanLoad({ baseUrl: s.baseUrl, codes: s.codes, phones: 32, rescanEvery: 5 });
  await within(load.answered(150), 20_000, 'first scans answered');

  await s.postgres?.kill('SIGKILL');
  // The stream is the buffer: the gateway keeps answering while Postgres is down.
  await within(load.answered(350), 20_000, 'scans answered while Postgres is down');
  await s.postgres?.restart();

  const scans = await within(load.done, 30_000, 'load finished');
  await s.waitForIngest(30_000);
  const comparison = await compareWithPostgres(s.pool, s.client, s.keyPrefix, s.campaign, scans);
  expect(brokenPromises(comparison, { everyDecisionRecorded: true })).toEqual([]);
  expect(comparison.decisionsInPostgres).toBeGreaterThanOrEqual(600);
}, 120_000);
