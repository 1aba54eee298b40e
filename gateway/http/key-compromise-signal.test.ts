import { describe, expect, it } from 'vitest';
import type { BatchIndexEntry } from '../../core/campaigns/batches.js';
import { createKeyCompromiseSignal } from './key-compromise-signal.js';

const batch = (campaignId: string): BatchIndexEntry => ({
  campaignId,
  name: `${campaignId}-1`,
  region: null,
  status: 'active',
  serialFirst: 0,
  serialLast: 99,
  honeypotSerials: new Set(),
});

describe('key-compromise signal', () => {
  it('counts every out-of-range code but logs at most once per batch per minute', () => {
    let now = 1_000_000;
    const logged: Record<string, unknown>[] = [];
    const counted: string[] = [];
    const signal = createKeyCompromiseSignal({ logger: { error: (fields: object) => logged.push(fields as Record<string, unknown>) }, count: (c) => counted.push(c), now: () => now });
    const spring = batch('spring');
    for (let i = 0; i < 50; i++) signal({ batchId: 7, batch: spring, serial: 100 + i, keyId: 1 });
    signal({ batchId: 8, batch: batch('autumn'), serial: 500, keyId: 2 });
    expect(counted).toHaveLength(51);
    expect(logged.map((line) => [line.batch, line.serial])).toEqual([
      [7, 100],
      [8, 500],
    ]);
    now += 59_999;
    signal({ batchId: 7, batch: spring, serial: 200, keyId: 1 });
    expect(logged).toHaveLength(2);
    now += 1;
    signal({ batchId: 7, batch: spring, serial: 201, keyId: 1 });
    expect(logged).toHaveLength(3);
    expect(logged[2]).toMatchObject({ campaign: 'spring', batch: 7, serial: 201, keyId: 1, serialRange: [0, 99], suppressedSinceLastLog: 50 });
  });
});
