import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { fakeCode } from '../../core/testing/scan-event-fixtures.js';
import { createTestStack, type TestStack } from '../../core/testing/test-stack.js';
import type { ReviewEventRow, ScanEventRow } from './scan-event.js';
import { ScanEventWriter } from './scan-event-writer.js';

/**
 * What the ingest writes for the review queue (migration 014): a held redemption carries its
 * event's score and reasons, other outcomes none; the backlog counts move once per held row and
 * once per review applied, however often a batch is written.
 */

const at = Date.UTC(2026, 11, 1, 10);
let serial = 0;

function scan(campaignId: string, outcome: Outcome, fields: Partial<ScanEventRow> = {}): ScanEventRow {
  serial += 1;
  return {
    kind: 'scan', campaignId, eventId: `${at + serial}-0`, scannedAt: at + serial, code: fakeCode(7, serial), batchId: 7, serial,
    deviceId: `device-${serial}`, ip: '203.0.113.9', outcome, tierId: outcome === Outcome.Held ? 'grand' : outcome === Outcome.Won ? 'points' : null,
    replay: false, score: 10, reasonMask: 0, ruleWeights: null, firstScanId: null, uaClass: 'mobile', region: 'CN-SH', lat: null, lon: null,
    newDevice: true, redelivered: false, userAgent: null, ...fields,
  };
}

function review(held: ScanEventRow, decision: 'approve' | 'reject', n: number): ReviewEventRow {
  return {
    kind: 'review', campaignId: held.campaignId, eventId: `${at + 10_000 + n}-0`, decidedAt: at + 10_000 + n, code: held.code, scanId: held.eventId,
    decision, reviewer: 'alice', note: null, tierId: held.tierId as string,
  };
}

describe('ingest: held redemptions for the review queue', () => {
  let stack: TestStack;
  let writer: ScanEventWriter;
  beforeAll(async () => {
    stack = await createTestStack();
    writer = new ScanEventWriter(stack.pool, ensureScanEventPartitions);
  });
  afterAll(() => stack.stop());

  const counts = async (campaignId: string) => {
    const { rows } = await stack.pool.query<{ tier_id: string; kind: string; scans: string }>(
      'SELECT tier_id, kind, scans FROM review_backlog_counts WHERE campaign_id = $1 AND scans <> 0 ORDER BY tier_id, kind',
      [campaignId],
    );
    return rows.map((row) => `${row.tier_id} ${row.kind} ${row.scans}`);
  };
  const pendingByHand = async (campaignId: string) =>
    Number((await stack.pool.query<{ n: string }>(`SELECT count(*) AS n FROM redemptions WHERE campaign_id = $1 AND status = 'held'`, [campaignId])).rows[0]?.n);

  it('writes a held scan’s score and reasons on its redemption once, none on other outcomes; a batch written twice changes nothing', async () => {
    const farm = reasonBits.ip_device_farm | reasonBits.region_diversion;
    const held = [
      scan('hr', Outcome.Held, { score: 71, reasonMask: farm }),
      scan('hr', Outcome.Held, { score: 64, reasonMask: reasonBits.device_velocity }),
      scan('hr', Outcome.Held, { score: 90, reasonMask: reasonBits.headless_agent, tierId: 'points' }),
    ];
    const others = [scan('hr', Outcome.Won, { score: 33, reasonMask: reasonBits.ip_velocity }), scan('hr', Outcome.NoPrize, { score: 5 })];
    const replay = scan('hr', Outcome.Held, { code: held[0]?.code as string, replay: true, score: 99, reasonMask: reasonBits.clone });
    const batch = [...held, ...others, replay];
    await writer.writeEvents(batch);
    await writer.writeEvents(batch);

    const { rows } = await stack.pool.query<{ code: string; outcome: number; score: number | null; reason_mask: number | null }>(
      `SELECT code, outcome, score, reason_mask FROM redemptions WHERE campaign_id = 'hr' ORDER BY serial`,
    );
    expect(rows).toEqual([
      { code: held[0]?.code, outcome: Outcome.Held, score: 71, reason_mask: farm },
      { code: held[1]?.code, outcome: Outcome.Held, score: 64, reason_mask: reasonBits.device_velocity },
      { code: held[2]?.code, outcome: Outcome.Held, score: 90, reason_mask: reasonBits.headless_agent },
      { code: others[0]?.code, outcome: Outcome.Won, score: null, reason_mask: null },
      { code: others[1]?.code, outcome: Outcome.NoPrize, score: null, reason_mask: null },
    ]);
    expect(await counts('hr')).toEqual(['grand held 2', 'points held 1']);
    expect(await pendingByHand('hr')).toBe(3);
  });

  it('moves the counts once per review applied, also when the review commits before its held scan, and when written twice', async () => {
    const first = scan('hs', Outcome.Held, { score: 70 });
    const second = scan('hs', Outcome.Held, { score: 75 });
    const late = scan('hs', Outcome.Held, { score: 80 });
    await writer.writeEvents([first, second]);
    const reviews = [review(first, 'approve', 1), review(second, 'reject', 2)];
    await writer.writeEvents(reviews);
    await writer.writeEvents(reviews);
    expect(await counts('hs')).toEqual(['grand held 2', 'grand reviewed 2']);
    expect(await pendingByHand('hs')).toBe(0);

    // the review lands first, kept alone; the held scan's batch applies it
    const early = [review(late, 'approve', 3)];
    await writer.writeEvents(early);
    expect(await counts('hs')).toEqual(['grand held 2', 'grand reviewed 2']);
    await writer.writeEvents([late]);
    await writer.writeEvents([late, ...early]);
    expect(await counts('hs')).toEqual(['grand held 3', 'grand reviewed 3']);
    expect(await pendingByHand('hs')).toBe(0);
  });
});
