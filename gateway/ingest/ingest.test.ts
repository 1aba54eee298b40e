import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestGroup } from '../../core/redis/keys.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { ensureGroup, readNew } from './consumer-group.js';
import { decodeScanEvent } from './event-decoder.js';
import { createIngestHarness, type IngestHarness } from '../testing/ingest-harness.js';
import { appendScanEvents, scanEventMap, type EventMap } from '../../core/testing/scan-event-fixtures.js';
import { ScanEventWriter } from './scan-event-writer.js';
import { backlogEntries, readBacklog } from '../../core/redis/stream-backlog.js';
import { eventPayload } from '../../core/redis/stream-entry.js';

/** Every outcome, replays and missing tiers included; 3 in 10 consume a code (won/no_prize/held, not replays). */
function mixedEvents(count: number, from = 0): EventMap[] {
  const shapes: EventMap[] = [
    { o: Outcome.Won, t: 'gold' },
    { o: Outcome.NoPrize, t: '' },
    { o: Outcome.Held, t: 'silver', sc: 80, rs: 3 },
    { o: Outcome.Won, t: 'gold', rp: 1, first: '1700000000000-0' },
    { o: Outcome.AlreadyRedeemed, t: '', first: '1700000000000-1' },
    { o: Outcome.NotActivated, t: '' },
    { o: Outcome.CampaignEnded, t: '' },
    { o: Outcome.LimitReached, t: '' },
    { o: Outcome.Blocked, t: '', sc: 99, lat: undefined, lon: undefined, rg: '' },
    { o: Outcome.CampaignNotStarted, t: '' },
  ];
  return Array.from({ length: count }, (_, i) => scanEventMap(from + i, shapes[i % shapes.length]));
}

describe('ingest: stream → Postgres', () => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await createIngestHarness();
  });
  afterEach(() => h.stopConsumers());
  afterAll(() => h.close());

  const eventsOf = (campaign: string) => h.count('SELECT count(*) AS n FROM scan_events WHERE campaign_id = $1', [campaign]);
  const redemptionsOf = (campaign: string) => h.count('SELECT count(*) AS n FROM redemptions WHERE campaign_id = $1', [campaign]);

  it('lands every decision once, and a redemption only for codes a scan consumed', async () => {
    await appendScanEvents(h.t.redis, h.stream('lands').key, mixedEvents(250));
    await appendScanEvents(h.t.redis, h.stream('lands-too').key, mixedEvents(30, 1000));
    const registry = new Registry();
    h.consumer({ registry }).start();
    await h.waitUntilDrained();
    expect(await eventsOf('lands')).toBe(250);
    expect(await redemptionsOf('lands')).toBe(75);
    expect(await eventsOf('lands-too')).toBe(30);
    expect(await h.count(`SELECT count(*) AS n FROM redemptions WHERE campaign_id = 'lands' AND outcome NOT IN (1, 2, 8)`)).toBe(0);
    const row = await h.pool.query(`SELECT * FROM scan_events WHERE campaign_id = 'lands' AND outcome = $1 LIMIT 1`, [Outcome.Blocked]);
    expect(row.rows[0]).toMatchObject({ lat: null, region: null, tier_id: null, score: 99, ua_class: 'mobile', replay: false });
    const metric = await registry.getSingleMetric('scangate_ingest_events_total')?.get();
    expect(metric?.values.find((v) => v.labels.campaign === 'lands')?.value).toBe(250);
  });

  it("keeps each fired rule's weight (rw) in rule_weights, and a region from the address where no coordinates came", async () => {
    const hosting = 1 << 15;
    const ipDiversion = 1 << 16;
    const diverted = 1 << 18;
    await appendScanEvents(h.t.redis, h.stream('weights').key, [
      scanEventMap(0, { o: Outcome.Blocked, t: '', sc: 80, rs: hosting, rw: [80], lat: undefined, lon: undefined, rg: 'CN-BJ' }),
      scanEventMap(1, { o: Outcome.Held, t: 'gold', sc: 55, rs: ipDiversion | diverted, rw: [25, 30], lat: undefined, lon: undefined, rg: 'CN-GD' }),
      scanEventMap(2, { o: Outcome.Won, t: 'gold' }),
    ]);
    h.consumer().start();
    await h.waitUntilDrained();
    const rows = await h.pool.query(`SELECT reason_mask, score, rule_weights, region, lat FROM scan_events WHERE campaign_id = 'weights' ORDER BY outcome DESC`);
    expect(rows.rows).toEqual([
      { reason_mask: hosting, score: 80, rule_weights: [80], region: 'CN-BJ', lat: null },
      { reason_mask: ipDiversion | diverted, score: 55, rule_weights: [25, 30], region: 'CN-GD', lat: null },
      expect.objectContaining({ reason_mask: 0, rule_weights: null }),
    ]);
  });

  it('inserts nothing twice when entries committed by a consumer that died before XACK are redelivered', async () => {
    const stream = h.stream('redelivered');
    await appendScanEvents(h.t.redis, stream.key, mixedEvents(120));
    // A consumer reads everything, commits it, and dies before acknowledging.
    await ensureGroup(h.t.redis, stream);
    const delivered = await readNew(h.t.redis, 'died-after-commit', [stream], 1000, 0);
    await new ScanEventWriter(h.pool, async () => undefined).writeEvents(
      delivered.map((e) => decodeScanEvent(stream.campaignId, e.id, eventPayload(e))),
    );
    expect(await eventsOf('redelivered')).toBe(120);

    h.consumer().start();
    await h.waitUntilDrained();
    expect(await eventsOf('redelivered')).toBe(120);
    expect(await redemptionsOf('redelivered')).toBe(36);
    expect((await readBacklog(h.t.redis, stream))?.pending).toBe(0);
  });

  it("takes over another consumer's idle entries with XAUTOCLAIM", async () => {
    const stream = h.stream('claimed');
    await appendScanEvents(h.t.redis, stream.key, mixedEvents(40));
    await ensureGroup(h.t.redis, stream);
    await readNew(h.t.redis, 'crashed', [stream], 25, 0);
    h.consumer().start();
    await h.waitUntilDrained();
    expect(await eventsOf('claimed')).toBe(40);
    const consumers = (await h.t.redis.xinfo('CONSUMERS', stream.key, ingestGroup)) as unknown[][];
    const crashed = consumers.find((c) => c[1] === 'crashed');
    expect(crashed?.[3]).toBe(0); // pending
  });

  it('shares the work between several consumers, each decision landing once', async () => {
    await appendScanEvents(h.t.redis, h.stream('shared').key, mixedEvents(600));
    const a = h.consumer({ ingest: { batchMax: 50 } });
    const b = h.consumer({ ingest: { batchMax: 50 } });
    a.start();
    b.start();
    await h.waitUntilDrained();
    expect(await eventsOf('shared')).toBe(600);
    expect(await redemptionsOf('shared')).toBe(180);
  });

  it('stops gracefully: what it received is committed and acknowledged, the rest waits', async () => {
    const stream = h.stream('stopping');
    await appendScanEvents(h.t.redis, stream.key, mixedEvents(2000));
    const consumer = h.consumer({ ingest: { batchMax: 100 } });
    consumer.start();
    await h.waitUntil('some rows landed', async () => (await eventsOf('stopping')) > 0);
    await consumer.stop();
    const backlog = await readBacklog(h.t.redis, stream);
    expect(backlog?.pending).toBe(0);
    expect((await eventsOf('stopping')) + (backlog?.undelivered ?? 0)).toBe(2000);
  });

  it('drains on a gateway\'s graceful stop: everything in the streams is committed, a campaign stream it had not joined too', async () => {
    const known = h.stream('drain-known');
    await appendScanEvents(h.t.redis, known.key, mixedEvents(10));
    const consumer = h.consumer({ ingest: { batchMax: 100 } });
    consumer.start();
    await h.waitUntil('the first rows landed', async () => (await eventsOf('drain-known')) === 10);
    // the last decisions before the stop, one of them in a stream the consumer has not discovered yet
    await appendScanEvents(h.t.redis, known.key, mixedEvents(700));
    const late = h.stream('drain-late');
    await appendScanEvents(h.t.redis, late.key, mixedEvents(30));
    await consumer.drain(10_000);
    expect(await eventsOf('drain-known')).toBe(710);
    expect(await eventsOf('drain-late')).toBe(30);
    for (const stream of [known, late]) {
      const backlog = await readBacklog(h.t.redis, stream);
      expect(backlog && backlogEntries(backlog)).toBe(0);
    }
  });
});
