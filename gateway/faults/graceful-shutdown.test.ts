import { afterEach, expect, it } from 'vitest';
import { backlogEntries, readBacklog } from '../../core/redis/stream-backlog.js';
import { eventStream } from '../../core/redis/stream-discovery.js';
import { within } from '../../core/testing/bounded.js';
import { brokenPromises, compareWithPostgres } from './fault-checks.js';
import { createFaultStack, type FaultStack } from './fault-stack.js';
import { startScanLoad } from './scan-load.js';

let stack: FaultStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('SIGTERM under load: scans in flight are answered, the ingest flushes, the process exits 0 within 10 s', async () => {
  const s = (stack = await createFaultStack({ codes: 3000 }));
  const gateway = await s.startGateway();
  await s.primeIngest();
  const load = startScanLoad({ baseUrl: s.baseUrl, codes: s.codes, phones: 64, rescanEvery: 5 });
  await within(load.answered(300), 20_000, 'first scans answered');

  // No new scans from here: each phone only finishes the one it has in flight.
  load.stop();
  const exit = await within(gateway.kill('SIGTERM'), 10_000, 'gateway exit after SIGTERM');
  expect(exit, gateway.logTail()).toEqual({ code: 0, signal: null });

  const scans = await load.done;
  // A request refused a connection was never sent; any other failure is a dropped scan.
  expect(scans.filter((scan) => scan.status === 0 && scan.failure !== 'ECONNREFUSED')).toEqual([]);
  expect(scans.filter((scan) => scan.status !== 0 && scan.status !== 200 && scan.error !== 'GW_ERR_SHUTTING_DOWN')).toEqual([]);

  // Flushed before exit: nothing is left for another ingest to pick up.
  const backlog = await readBacklog(s.client, eventStream(s.keyPrefix, s.campaign.id));
  expect(backlog && backlogEntries(backlog)).toBe(0);
  const comparison = await compareWithPostgres(s.pool, s.client, s.keyPrefix, s.campaign, scans);
  expect(brokenPromises(comparison, { everyDecisionRecorded: true })).toEqual([]);
}, 60_000);
