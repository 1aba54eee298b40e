import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { backoffMs, pause } from './backoff.js';
import { BatchProcessor, IngestStopped, type IngestSink } from './batch-processor.js';
import { claimIdle, ensureGroup, isNoGroup, leaveGroup, readNew } from './consumer-group.js';
import { recordBacklog, type IngestMetrics } from './ingest-metrics.js';
import { readBacklog, trimAcknowledged, type StreamBacklog } from '../../core/redis/stream-backlog.js';
import type { EventStream, StreamEntry } from '../../core/redis/stream-entry.js';

export interface IngestConsumerOptions {
  readonly config: AppConfig['ingest'];
  /** non-blocking commands (claims, acks, trims) */
  readonly redis: Redis;
  /** a connection of its own: XREADGROUP BLOCK holds it */
  readonly blockingRedis: Redis;
  readonly sink: IngestSink;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** the campaigns' events streams, looked up again every few seconds */
  readonly listStreams: () => Promise<EventStream[]>;
}

/** How long an idle read blocks; stop() unblocks it at once. */
const idleBlockMs = 1000;
const discoverEveryMs = 5000;
const maintainEveryMs = 1000;

/** Unique per process and start, so a restarted process never inherits a dead one's entries by name. */
export function consumerName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * One ingest consumer: reads every campaign's events stream through the ingest group and keeps
 * up to `writers` batches in flight to Postgres while it reads the next one. Several processes
 * share the streams through the group; each takes over what a dead one left pending.
 */
export class IngestConsumer {
  readonly name = consumerName();
  private streams: EventStream[] = [];
  private backlogs: StreamBacklog[] = [];
  private readonly stopping = new AbortController();
  private readonly processor: BatchProcessor;
  private readonly inFlight = new Set<Promise<void>>();
  private blockingClientId: number | null = null;
  private blocked = false;
  private running: Promise<void> | null = null;
  private nextDiscovery = 0;
  private nextMaintenance = 0;
  private nextReclaim = 0;
  /** drain(): read without blocking until the streams hold nothing new, or until this time (ms) */
  private drainUntil: number | null = null;
  private drained = false;

  constructor(private readonly options: IngestConsumerOptions) {
    const { config, redis, sink, metrics, logger } = options;
    this.processor = new BatchProcessor({ config, redis, consumer: this.name, sink, metrics, logger, stopping: this.stopping.signal });
    // Kept current across reconnects, so stop() can CLIENT UNBLOCK a read that waits for entries.
    const rememberClientId = (): void => {
      options.blockingRedis.client('ID').then(
        (id) => (this.blockingClientId = Number(id)),
        () => undefined,
      );
    };
    options.blockingRedis.on('ready', rememberClientId);
    if (options.blockingRedis.status === 'ready') rememberClientId();
  }

  start(): void {
    this.running ??= this.loop();
  }

  /**
   * Stops reading, lets the batches in flight commit and acknowledge, then leaves the group.
   * A batch still waiting for an unreachable Postgres is abandoned: it stays pending and another
   * consumer (or the next start) claims it after claimIdleMs.
   */
  async stop(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      this.stopping.abort();
      if (this.blocked && this.blockingClientId !== null) await this.options.redis.client('UNBLOCK', this.blockingClientId).catch(() => undefined);
    }
    await this.running;
    await leaveGroup(this.options.redis, this.name, this.streams).catch(() => undefined);
  }

  /**
   * The graceful end of a gateway whose scans are all decided: reads what is still undelivered in
   * the streams, commits it, then stops as stop() does. Bounded by `timeoutMs`: past it, what is
   * left waits for another consumer.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.drainUntil = Date.now() + timeoutMs;
    this.nextDiscovery = 0; // a campaign whose first decisions came in the last seconds has a stream not yet joined
    if (this.blocked && this.blockingClientId !== null) await this.options.redis.client('UNBLOCK', this.blockingClientId).catch(() => undefined);
    const deadline = setTimeout(() => void this.stop(), timeoutMs);
    try {
      await this.running;
    } finally {
      clearTimeout(deadline);
    }
    await this.stop();
  }

  /** Every stream's backlog as last sampled (about once a second). */
  lastBacklogs(): readonly StreamBacklog[] {
    return this.backlogs;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async loop(): Promise<void> {
    for (let failures = 0; !this.stopped && !this.drained; ) {
      try {
        await this.step();
        failures = 0;
      } catch (err) {
        if (isNoGroup(err)) this.nextDiscovery = 0; // the stream was recreated (Redis lost it): rejoin at once
        this.options.logger.error({ err }, 'ingest: read failed, retrying');
        await pause(backoffMs(failures++), this.stopping.signal);
      }
    }
    await Promise.all(this.inFlight);
  }

  private async step(): Promise<void> {
    const now = Date.now();
    if (now >= this.nextDiscovery) await this.discover(now);
    if (this.streams.length === 0) {
      await pause(idleBlockMs, this.stopping.signal);
      return;
    }
    const batch = await this.collect(now);
    if (batch.length > 0) await this.dispatch(batch);
    if (Date.now() >= this.nextMaintenance) await this.maintain();
  }

  private async discover(now: number): Promise<void> {
    const streams = await this.options.listStreams();
    for (const stream of streams) await ensureGroup(this.options.redis, stream);
    this.streams = streams;
    this.nextDiscovery = now + discoverEveryMs;
  }

  /** Claimed entries first, then new ones until the batch is full or batchWaitMs has passed. */
  private async collect(now: number): Promise<StreamEntry[]> {
    const { batchMax, batchWaitMs, claimIdleMs } = this.options.config;
    const batch: StreamEntry[] = [];
    if (now >= this.nextReclaim) {
      for (const stream of this.streams)
        if (batch.length < batchMax) batch.push(...(await claimIdle(this.options.redis, this.name, stream, claimIdleMs, batchMax - batch.length)));
      this.nextReclaim = now + Math.min(claimIdleMs / 2, 5000);
    }
    let deadline = batch.length > 0 ? now + batchWaitMs : null;
    while (batch.length < batchMax && !this.stopped) {
      if (this.drainUntil !== null) {
        // Draining: no waiting for more; an empty read means the streams are all delivered.
        const entries = await readNew(this.options.redis, this.name, this.streams, batchMax - batch.length, 0);
        if (entries.length === 0 || Date.now() >= this.drainUntil) this.drained = true;
        batch.push(...entries);
        break;
      }
      // An idle read wakes up in time for the next reclaim and maintenance.
      const blockMs = Math.floor((deadline ?? Math.min(now + idleBlockMs, this.nextReclaim, this.nextMaintenance)) - Date.now());
      if (blockMs < 1) break;
      this.blocked = true;
      const entries = await readNew(this.options.blockingRedis, this.name, this.streams, batchMax - batch.length, blockMs).finally(
        () => (this.blocked = false),
      );
      if (entries.length === 0 && deadline === null) break;
      batch.push(...entries);
      deadline ??= Date.now() + batchWaitMs;
    }
    return batch;
  }

  /** Starts the batch's write and returns once fewer than `writers` batches are in flight. */
  private async dispatch(batch: readonly StreamEntry[]): Promise<void> {
    const job: Promise<void> = this.processor
      .process(batch)
      .catch((err: unknown) => {
        // Whatever was not acknowledged stays pending and is claimed again after claimIdleMs.
        if (!(err instanceof IngestStopped)) this.options.logger.error({ err, entries: batch.length }, 'ingest: batch failed');
      })
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
    if (this.inFlight.size >= this.options.config.writers) await Promise.race(this.inFlight);
  }

  /** Samples every stream's backlog (metrics, readiness) and trims what Postgres has committed. */
  private async maintain(): Promise<void> {
    const backlogs: StreamBacklog[] = [];
    for (const stream of this.streams) {
      const backlog = await readBacklog(this.options.redis, stream);
      if (backlog === null) continue;
      backlogs.push(backlog);
      await trimAcknowledged(this.options.redis, backlog);
    }
    this.backlogs = backlogs;
    recordBacklog(this.options.metrics, backlogs, Date.now());
    this.nextMaintenance = Date.now() + maintainEveryMs;
  }
}
