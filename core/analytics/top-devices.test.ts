import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCampaign } from '../campaigns/campaign-store.js';
import { ensureScanEventPartitions } from '../db/partitions.js';
import { Outcome } from '../scan/outcomes.js';
import { decisionCampaign } from '../testing/decision-fixtures.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { rebuildRollups } from './rebuild-rollups.js';
import { readTopDevices } from './top-devices.js';

const CAMPAIGN = 'top-devices';
const day = 86_400_000;
const T0 = Date.UTC(2026, 2, 9, 4);

interface Scan {
  readonly device: string;
  readonly outcome: Outcome;
  readonly tier?: string;
  readonly at: number;
  readonly ip?: string;
}

/** Devices on both sides of the partial index (two codes redeemed or more), ties broken by scans then id. */
const scans: Scan[] = [
  { device: 'heavy-a', outcome: Outcome.Won, tier: 'grand', at: T0, ip: '203.0.113.1' },
  { device: 'heavy-a', outcome: Outcome.Won, tier: 'points', at: T0 + day, ip: '203.0.113.2' },
  { device: 'heavy-a', outcome: Outcome.NoPrize, at: T0 + 2 * day, ip: '198.51.100.7' },
  { device: 'heavy-b', outcome: Outcome.Won, tier: 'points', at: T0 },
  { device: 'heavy-b', outcome: Outcome.NoPrize, at: T0 + 1000 },
  { device: 'heavy-b', outcome: Outcome.AlreadyRedeemed, at: T0 + 2000 },
  { device: 'heavy-c', outcome: Outcome.NoPrize, at: T0 },
  { device: 'heavy-c', outcome: Outcome.NoPrize, at: T0 + day },
  { device: 'light-a', outcome: Outcome.Won, tier: 'points', at: T0 },
  { device: 'light-a', outcome: Outcome.Blocked, at: T0 + 1000 },
  { device: 'light-a', outcome: Outcome.Blocked, at: T0 + 2000 },
  { device: 'light-b', outcome: Outcome.NoPrize, at: T0 },
  { device: 'light-c', outcome: Outcome.Blocked, at: T0 },
];

describe('top devices', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await createTestStack();
    await applyCampaign(stack.pool, decisionCampaign(CAMPAIGN), 'test');
    await ensureScanEventPartitions(stack.pool, new Date(T0), new Date(T0 + 3 * day));
    for (const [i, scan] of scans.entries())
      await stack.pool.query(
        `INSERT INTO scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, ua_class, tier_id)
         VALUES ($1, $2, 1, 0, $3, 0, false, false, $4, $5, $6, $7, $8, 'mobile', $9)`,
        [new Date(scan.at), i, scan.outcome, CAMPAIGN, `${i}-0`, `C${i}`, scan.device, scan.ip ?? '192.0.2.1', scan.tier ?? null],
      );
    await rebuildRollups(stack.pool, CAMPAIGN);
  });
  afterAll(() => stack.stop());

  const order = ['heavy-a', 'heavy-b', 'heavy-c', 'light-a', 'light-b', 'light-c'];

  it('orders by codes redeemed, then scans, then id, across the partial index and the devices outside it', async () => {
    expect((await readTopDevices(stack.pool, CAMPAIGN, 2)).map((d) => d.deviceId)).toEqual(order.slice(0, 2));
    expect((await readTopDevices(stack.pool, CAMPAIGN, 4)).map((d) => d.deviceId)).toEqual(order.slice(0, 4));
    const all = await readTopDevices(stack.pool, CAMPAIGN);
    expect(all.map((d) => [d.deviceId, d.codesRedeemed, d.scans])).toEqual([
      ['heavy-a', 3, 3],
      ['heavy-b', 2, 3],
      ['heavy-c', 2, 2],
      ['light-a', 1, 3],
      ['light-b', 1, 1],
      ['light-c', 0, 1],
    ]);
  });

  it('prices the prizes and shows the address of the newest scan', async () => {
    const [top] = await readTopDevices(stack.pool, CAMPAIGN, 1);
    expect(top).toMatchObject({ deviceId: 'heavy-a', value: { CNY: 888, points: 100 }, lastAddress: '198.51.100.7' });
    expect(top?.lastSeen.getTime()).toBe(T0 + 2 * day);
  });
});
