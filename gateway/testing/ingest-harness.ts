import type { Redis } from 'ioredis';
import type pg from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import { loadAppConfig, type AppConfig } from '../../config/app-config.js';
import { runMigrations } from '../../core/db/migrate.js';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { createTestDatabase, type TestDatabase } from '../../core/testing/test-database.js';
import { createTestRedis, testRedisUrl, type TestRedis } from '../../core/testing/test-redis.js';
import { IngestConsumer } from '../ingest/ingest-consumer.js';
import { createIngestMetrics } from '../ingest/ingest-metrics.js';
import { sampleIngestLag } from '../ingest/ingest-lag.js';
import { ScanEventWriter } from '../ingest/scan-event-writer.js';
import type { IngestSink } from '../ingest/batch-processor.js';
import { discoverEventStreams, eventStream } from '../../core/redis/stream-discovery.js';
import type { EventStream } from '../../core/redis/stream-entry.js';
import { createRedisClient } from '../../core/redis/redis-client.js';
import { createPool } from '../../core/db/pool.js';

/** Shared set-up of the ingest tests: a database of their own, a key prefix, ingest consumers. */
export interface IngestHarness {
  readonly t: TestRedis;
  readonly db: TestDatabase;
  readonly pool: pg.Pool;
  readonly config: AppConfig;
  /** the schema ingest needs, on another database (a private Postgres) */
  migrate(pool: pg.Pool): Promise<void>;
  stream(campaignId: string): EventStream;
  consumer(options?: { sink?: IngestSink; pool?: pg.Pool; registry?: Registry; ingest?: Partial<AppConfig['ingest']> }): IngestConsumer;
  waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  waitUntilDrained(): Promise<void>;
  count(sql: string, params?: unknown[]): Promise<number>;
  /** Stops every consumer started so far (run after each test: a consumer left running would ingest the next test's streams). */
  stopConsumers(): Promise<void>;
  close(): Promise<void>;
}

async function migrate(pool: pg.Pool): Promise<void> {
  await runMigrations(pool);
}

export async function createIngestHarness(ingest: Partial<AppConfig['ingest']> = {}): Promise<IngestHarness> {
  const t = await createTestRedis();
  const db = await createTestDatabase();
  const pool = createPool(db.url, { max: 6 });
  await migrate(pool);
  const config = loadAppConfig(process.env, {
    redis: { keyPrefix: t.prefix },
    ingest: { batchMax: 100, batchWaitMs: 10, claimIdleMs: 300, maxDeliveries: 3, ...ingest },
  });
  const logger = pino({ level: 'silent' });
  let connections: Redis[] = [];
  let consumers: IngestConsumer[] = [];
  const harness: IngestHarness = {
    t,
    db,
    pool,
    config,
    migrate,
    stream: (campaignId) => eventStream(t.prefix, campaignId),
    consumer(options = {}) {
      const redis = createRedisClient(testRedisUrl());
      const blockingRedis = createRedisClient(testRedisUrl());
      connections.push(redis, blockingRedis);
      const consumer = new IngestConsumer({
        config: { ...config.ingest, ...options.ingest },
        redis,
        blockingRedis,
        sink: options.sink ?? new ScanEventWriter(options.pool ?? pool, ensureScanEventPartitions),
        metrics: createIngestMetrics(options.registry ?? new Registry()),
        logger,
        listStreams: () => discoverEventStreams(redis, t.prefix),
      });
      consumers.push(consumer);
      return consumer;
    },
    async waitUntil(what, condition, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    waitUntilDrained: () => harness.waitUntil('the streams are drained', async () => (await sampleIngestLag(t.redis, t.prefix)).entries === 0),
    async count(sql, params = []) {
      const { rows } = await pool.query<{ n: string }>(sql, params);
      return Number(rows[0]?.n);
    },
    async stopConsumers() {
      await Promise.all(consumers.map((c) => c.stop()));
      for (const connection of connections) connection.disconnect();
      consumers = [];
      connections = [];
    },
    async close() {
      await harness.stopConsumers();
      await pool.end();
      await db.drop();
      await t.cleanup();
    },
  };
  return harness;
}
