import { afterEach, expect, it } from 'vitest';
import { readBacklog } from '../../core/redis/stream-backlog.js';
import { eventStream } from '../../core/redis/stream-discovery.js';
import { eventually, within } from '../../core/testing/bounded.js';
import { brokenPromises, compareWithPostgres } from './fault-checks.js';
import { createFaultStack, type FaultStack } from './fault-stack.js';
import { startScanLoad } from './scan-load.js';

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('kill -9 the ingest mid-batch, restart it: every decision reaches Postgres exactly once', async () => {
  const s = (stack = await createFaultStack({ codes: 600 }));
  await s.startGateway({ ingest: false });
  const ingest = s.startIngest();
  await s.primeIngest();
  const load = startScanLoad({ baseUrl: s.baseUrl, codes: s.codes, phones: 32, rescanEvery: 5 });
  await within(load.answered(150), 20_000, 'first scans answered');

  // Mid-batch: entries delivered to the ingest and not yet acknowledged.
  const stream = eventStream(s.keyPrefix, s.campaign.id);
  await eventually(async () => ((await readBacklog(s.client, stream))?.pending ?? 0) > 0, 5000);
  await ingest.kill('SIGKILL');
  await within(load.answered(350), 20_000, 'scans answered while the ingest is down');
  const restarted = s.startIngest();

  const scans = await within(load.done, 30_000, 'load finished');
  await s.waitForIngest();
  const comparison = await compareWithPostgres(s.pool, s.client, s.keyPrefix, s.campaign, scans);
  expect(brokenPromises(comparison, { everyDecisionRecorded: true })).toEqual([]);
  expect(comparison.decisionsInPostgres).toBeGreaterThanOrEqual(600);
  expect(restarted.isRunning()).toBe(true);
}, 90_000);
