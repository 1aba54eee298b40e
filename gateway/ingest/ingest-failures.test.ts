import type pg from 'pg';
import { Packr } from 'msgpackr';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../../core/testing/private-postgres.js';
import { createIngestHarness, type IngestHarness } from '../testing/ingest-harness.js';
import { appendScanEvents, scanEventMap } from '../../core/testing/scan-event-fixtures.js';
import { readBacklog } from '../../core/redis/stream-backlog.js';
import { createPool } from '../../core/db/pool.js';

const packr = new Packr({ useRecords: false });

async function metricValue(registry: Registry, name: string, campaign?: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.filter((v) => campaign === undefined || v.labels.campaign === campaign).reduce((sum, v) => sum + v.value, 0) ?? 0;
}

describe('ingest failures', () => {
  let h: IngestHarness;
  beforeAll(async () => {
    h = await createIngestHarness({ maxDeliveries: 3, claimIdleMs: 200 });
  });
  afterEach(() => h.stopConsumers());
  afterAll(() => h.close());

  const eventsOf = (campaign: string) => h.count('SELECT count(*) AS n FROM scan_events WHERE campaign_id = $1', [campaign]);

  it('moves a malformed entry to the dead letters after maxDeliveries, with its raw payload', async () => {
    const stream = h.stream('poison');
    const garbage = Buffer.from([0xc1, 0x00, 0xff]);
    await appendScanEvents(h.t.redis, stream.key, [scanEventMap(1), scanEventMap(2)]);
    const garbageId = await h.t.redis.xadd(stream.key, '*', 'd', garbage);
    const shapeId = await h.t.redis.xadd(stream.key, '*', 'x', 'y', 'z', '1');
    const stale = packr.pack({ ...scanEventMap(3), v: 2 });
    const staleId = await h.t.redis.xadd(stream.key, '*', 'd', stale);
    await appendScanEvents(h.t.redis, stream.key, [scanEventMap(4)]);
    const registry = new Registry();
    h.consumer({ registry }).start();

    await h.waitUntilDrained();
    expect(await eventsOf('poison')).toBe(3);
    const letters = await h.pool.query<{ stream_id: string; payload: Buffer; error: string; deliveries: number }>(
      'SELECT stream_id, payload, error, deliveries FROM ingest_dead_letters WHERE campaign_id = $1 ORDER BY stream_id',
      ['poison'],
    );
    expect(letters.rows.map((r) => [r.stream_id, r.deliveries])).toEqual([
      [garbageId, 3],
      [shapeId, 3],
      [staleId, 3],
    ]);
    expect(letters.rows[0]?.payload).toEqual(garbage);
    expect(packr.unpack(letters.rows[1]!.payload)).toEqual([Buffer.from('x'), Buffer.from('y'), Buffer.from('z'), Buffer.from('1')]);
    expect(letters.rows[2]?.payload).toEqual(stale);
    expect(letters.rows.map((r) => r.error)).toEqual([
      expect.stringContaining('not msgpack'),
      expect.stringContaining('exactly one field "d"'),
      expect.stringContaining('unsupported event version 2'),
    ]);
    expect(await metricValue(registry, 'scangate_ingest_dead_letters_total', 'poison')).toBe(3);
  });

  it('isolates a row Postgres rejects: its neighbours land, it alone is dead-lettered', async () => {
    await h.pool.query('ALTER TABLE scan_events ADD CONSTRAINT reject_serial_666 CHECK (serial <> 666)');
    try {
      const stream = h.stream('rejected');
      await appendScanEvents(
        h.t.redis,
        stream.key,
        Array.from({ length: 50 }, (_, i) => scanEventMap(640 + i)),
      );
      h.consumer({ ingest: { batchMax: 1000, batchWaitMs: 50 } }).start();
      await h.waitUntilDrained();
      expect(await eventsOf('rejected')).toBe(49);
      const letters = await h.pool.query<{ error: string; deliveries: number }>('SELECT error, deliveries FROM ingest_dead_letters WHERE campaign_id = $1', [
        'rejected',
      ]);
      expect(letters.rows).toEqual([{ error: expect.stringContaining('reject_serial_666'), deliveries: 3 }]);
    } finally {
      await h.pool.query('ALTER TABLE scan_events DROP CONSTRAINT reject_serial_666');
    }
  });

  describe('while Postgres is down', () => {
    let server: PrivatePostgres;
    let pool: pg.Pool;
    beforeAll(async () => {
      server = await startPrivatePostgres();
      pool = createPool(server.url, { max: 4 });
      await h.migrate(pool);
    });
    afterAll(async () => {
      await pool.end();
      await server.stop();
    });

    it('retries with backoff, acknowledges nothing, reports the backlog, then drains once it is back', async () => {
      const stream = h.stream('outage');
      pool.on('error', () => undefined); // idle connections die with the server
      await server.kill();
      const registry = new Registry();
      const consumer = h.consumer({ pool, registry, ingest: { backlogDegradedAt: 100, batchMax: 50 } });
      consumer.start();
      await appendScanEvents(h.t.redis, stream.key, Array.from({ length: 300 }, (_, i) => scanEventMap(i)));

      await h.waitUntil('the write was retried', async () => (await metricValue(registry, 'scangate_ingest_retries_total')) >= 3);
      const during = await readBacklog(h.t.redis, stream);
      expect(during!.pending + during!.undelivered).toBe(300);
      await h.waitUntil('the lag metric shows the backlog', async () => (await metricValue(registry, 'scangate_ingest_backlog_entries', 'outage')) === 300);

      await server.restart();
      await h.waitUntilDrained();
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM scan_events WHERE campaign_id = $1', ['outage']);
      expect(rows[0]?.n).toBe(300);
      expect(await metricValue(registry, 'scangate_ingest_dead_letters_total')).toBe(0);
    });
  });
});
