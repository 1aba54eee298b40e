import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { AppConfig } from '../../config/app-config.js';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { IngestConsumer } from './ingest-consumer.js';
import { summarizeLag, type IngestLag } from './ingest-lag.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { ScanEventWriter } from './scan-event-writer.js';
import type { EventStream } from '../../core/redis/stream-entry.js';
import { discoverEventStreams } from '../../core/redis/stream-discovery.js';
import { duplicateRedisClient } from '../../core/redis/redis-client.js';

export interface IngestDeps {
  /** the process's Redis connection; the ingest duplicates it for its blocking reads */
  readonly redis: Redis;
  readonly pool: pg.Pool;
  readonly logger: Logger;
  /** where the ingest's metrics are registered (the process's registry); a private one if absent */
  readonly registry?: Registry;
  /** which streams to consume; default: every campaign's events stream under the key prefix */
  readonly listStreams?: () => Promise<EventStream[]>;
}

export interface RunningIngest {
  /** this process's consumer name in the ingest group */
  readonly consumer: string;
  /**
   * Finishes the batches in flight (commit, ack), leaves the group, closes its connection. With
   * `drainMs` (a gateway stopping after its last scan), first commits what is still unread in the
   * streams, for at most that long.
   */
  stop(options?: { drainMs?: number }): Promise<void>;
  /** Lag as last sampled (about once a second). */
  lag(): IngestLag;
  /** For /readyz: the backlog has reached config.ingest.backlogDegradedAt. */
  backlogExceeded(): boolean;
}

/** Runs the stream → Postgres ingest in this process until stop(). */
export function startIngest(config: AppConfig, deps: IngestDeps): RunningIngest {
  const blockingRedis = duplicateRedisClient(deps.redis, (err) => deps.logger.debug({ err: err.message }, 'redis connection error'));
  const consumer = new IngestConsumer({
    config: config.ingest,
    redis: deps.redis,
    blockingRedis,
    sink: new ScanEventWriter(deps.pool, ensureScanEventPartitions),
    metrics: createIngestMetrics(deps.registry ?? new Registry()),
    logger: deps.logger,
    listStreams: deps.listStreams ?? (() => discoverEventStreams(deps.redis, config.redis.keyPrefix)),
  });
  consumer.start();
  deps.logger.info({ consumer: consumer.name }, 'ingest: started');
  return {
    consumer: consumer.name,
    async stop(options = {}) {
      await (options.drainMs === undefined ? consumer.stop() : consumer.drain(options.drainMs));
      blockingRedis.disconnect();
      deps.logger.info({ consumer: consumer.name }, 'ingest: stopped');
    },
    lag: () => summarizeLag(consumer.lastBacklogs(), Date.now()),
    backlogExceeded: () => summarizeLag(consumer.lastBacklogs(), Date.now()).entries >= config.ingest.backlogDegradedAt,
  };
}
