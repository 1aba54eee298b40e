/**
 * Question: how many decisions per second does the ingest move from a campaign's events stream
 * into Postgres (COPY → staging, INSERT … ON CONFLICT DO NOTHING into scan_events and
 * redemptions, COMMIT, XACK), at batch sizes 500 / 5,000 / 20,000? Target: ≥ 50k events/s.
 * For each size: pre-fill a stream the way the decision script does (a realistic outcome mix),
 * start one ingest consumer, time until the group has acknowledged everything. Prints events/s
 * and the batch write time p50/p95/p99 (COPY to COMMIT). Runs in a throwaway database.
 *   npm run bench -- ingest [--events 100000] [--writers 2]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import { loadAppConfig, type AppConfig } from '../../config/app-config.js';
import { runMigrations } from '../../core/db/migrate.js';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import type { IngestSink } from '../../gateway/ingest/batch-processor.js';
import { IngestConsumer } from '../../gateway/ingest/ingest-consumer.js';
import { createIngestMetrics } from '../../gateway/ingest/ingest-metrics.js';
import { appendScanEvents, scanEventMap, type EventMap } from '../../core/testing/scan-event-fixtures.js';
import { ScanEventWriter } from '../../gateway/ingest/scan-event-writer.js';
import { readBacklog } from '../../core/redis/stream-backlog.js';
import { eventStream } from '../../core/redis/stream-discovery.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { bringUpServices } from '../../core/services/stack.js';
import { createTestDatabase } from '../../core/testing/test-database.js';
import { createRedisClient } from '../../core/redis/redis-client.js';
import { countOption } from './options.js';
import { percentile } from './stats.js';
import { createPool } from '../../core/db/pool.js';

const BATCH_SIZES = [500, 5000, 20_000];

/** Roughly a promotion's mix: most scans win or lose, some are replays, refusals and holds. */
const OUTCOME_MIX: EventMap[] = [
  { o: Outcome.NoPrize, t: '' },
  { o: Outcome.NoPrize, t: '' },
  { o: Outcome.NoPrize, t: '' },
  { o: Outcome.Won, t: 'gold' },
  { o: Outcome.Won, t: 'silver' },
  { o: Outcome.Won, t: 'gold', rp: 1, first: '1700000000000-0' },
  { o: Outcome.AlreadyRedeemed, t: '', first: '1700000000000-1' },
  { o: Outcome.Held, t: 'gold', sc: 70, rs: 6 },
  { o: Outcome.LimitReached, t: '' },
  { o: Outcome.Blocked, t: '', sc: 95, rs: 1, lat: undefined, lon: undefined, rg: '' },
];

export interface Measurement {
  readonly eventsPerSecond: number;
  readonly batches: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Times each batch write, COPY to COMMIT. */
function timedSink(writer: ScanEventWriter, batchMillis: number[]): IngestSink {
  return {
    async writeEvents(rows) {
      const started = performance.now();
      await writer.writeEvents(rows);
      batchMillis.push(performance.now() - started);
    },
    writeDeadLetters: (letters) => writer.writeDeadLetters(letters),
  };
}

export interface IngestRun {
  readonly batchSize: number;
  readonly events: number;
  readonly writers: number;
  /** the campaign the events belong to (its stream's name; the rollups need it in Postgres) */
  readonly campaignId: string;
  /** false: the ingest without analytics rollups, what analytics.bench.ts compares with */
  readonly rollups: boolean;
}

/** One ingest run over a pre-filled stream of `events` decisions; shared with analytics.bench.ts. */
export async function measure(config: AppConfig, redisUrl: string, pool: pg.Pool, run: IngestRun): Promise<Measurement> {
  const { batchSize, events, writers } = run;
  const prefix = `sgbench:${randomBytes(4).toString('hex')}:`;
  const stream = eventStream(prefix, run.campaignId);
  const redis = createRedisClient(redisUrl);
  const blockingRedis = createRedisClient(redisUrl);
  try {
    await appendScanEvents(
      redis,
      stream.key,
      Array.from({ length: events }, (_, i) => scanEventMap(i, OUTCOME_MIX[i % OUTCOME_MIX.length])),
    );
    const batchMillis: number[] = [];
    const consumer = new IngestConsumer({
      config: { ...config.ingest, batchMax: batchSize, batchWaitMs: 50, writers },
      redis,
      blockingRedis,
      sink: timedSink(new ScanEventWriter(pool, ensureScanEventPartitions, { rollups: run.rollups }), batchMillis),
      metrics: createIngestMetrics(new Registry()),
      logger: pino({ level: 'warn' }),
      listStreams: async () => [stream],
    });
    const started = performance.now();
    consumer.start();
    for (;;) {
      const backlog = await readBacklog(redis, stream);
      if (backlog && backlog.pending === 0 && backlog.undelivered === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    await consumer.stop();
    batchMillis.sort((a, b) => a - b);
    return {
      eventsPerSecond: events / seconds,
      batches: batchMillis.length,
      p50: percentile(batchMillis, 50),
      p95: percentile(batchMillis, 95),
      p99: percentile(batchMillis, 99),
    };
  } finally {
    await redis.del(stream.key);
    redis.disconnect();
    blockingRedis.disconnect();
  }
}

export async function run(args: string[]): Promise<void> {
  const events = countOption(args, 'events', 100_000);
  const writers = countOption(args, 'writers', 2);
  const dataDir = fileURLToPath(new URL('../../../.data/bench', import.meta.url));
  const config = loadAppConfig(process.env, { dataDir });
  const services = await bringUpServices(config, { info: () => undefined }, { postgres: { database: 'postgres' } });
  process.env.DATABASE_URL = services.postgres.url;
  const database = await createTestDatabase();
  const pool = createPool(database.url, { max: writers + 2 });
  try {
    await runMigrations(pool);
    console.log(`ingest: ${events} events per batch size, ${writers} batch writes in flight, one consumer; batch ms = COPY to COMMIT`);
    console.log(['batch', 'events/s', 'batches', 'p50 ms', 'p95 ms', 'p99 ms'].map((c) => c.padStart(9)).join(' '));
    for (const batchSize of BATCH_SIZES) {
      const m = await measure(config, services.redis.url, pool, { batchSize, events, writers, campaignId: `bench-${batchSize}`, rollups: true });
      console.log(
        [String(batchSize), m.eventsPerSecond.toFixed(0), String(m.batches), m.p50.toFixed(1), m.p95.toFixed(1), m.p99.toFixed(1)].map((c) => c.padStart(9)).join(' '),
      );
    }
  } finally {
    await pool.end();
    await database.drop();
    await services.stop();
  }
}
