import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { backoffMs, pause } from './backoff.js';
import { ack, keepClaimed } from './consumer-group.js';
import type { DeadLetter } from './dead-letters.js';
import { isEntryError } from './entry-errors.js';
import { decodeEvent } from './event-decoder.js';
import type { IngestMetrics } from './ingest-metrics.js';
import { writeIsolatingFailures, type ItemFailure } from './isolate-failures.js';
import type { IngestEvent } from './scan-event.js';
import { eventPayload, rawPayload, type StreamEntry } from '../../core/redis/stream-entry.js';

/** Where batches go (Postgres in production: scan-event-writer.ts). Both writes are idempotent. */
export interface IngestSink {
  /** Scans and reviews of one batch, in stream order, in one transaction. */
  writeEvents(events: readonly IngestEvent[]): Promise<void>;
  writeDeadLetters(letters: readonly DeadLetter[]): Promise<void>;
}

export interface BatchProcessorOptions {
  readonly config: AppConfig['ingest'];
  readonly redis: Redis;
  readonly consumer: string;
  readonly sink: IngestSink;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** aborted by stop(): a batch waiting for the database gives up and stays pending */
  readonly stopping: AbortSignal;
}

/** Thrown when stop() interrupts a batch that was waiting for the database. */
export class IngestStopped extends Error {}

interface Decoded {
  readonly entry: StreamEntry;
  readonly row: IngestEvent;
}

/**
 * One batch, start to finish: decode, write (one transaction), dead-letter the entries that
 * failed their last allowed delivery, XACK the rest only after COMMIT. An entry that failed with
 * deliveries to spare stays pending and comes back through XAUTOCLAIM after claimIdleMs,
 * possibly to a consumer running newer code.
 */
export class BatchProcessor {
  constructor(private readonly options: BatchProcessorOptions) {}

  async process(batch: readonly StreamEntry[]): Promise<void> {
    const { redis, consumer, config } = this.options;
    // While the batch is in flight (a slow COMMIT, Postgres down), keep its entries from looking
    // idle, or XAUTOCLAIM (ours or another consumer's) would take them over and count a delivery.
    const heartbeat = setInterval(() => void keepClaimed(redis, consumer, batch).catch(() => undefined), config.claimIdleMs / 3);
    try {
      await this.writeAndAcknowledge(batch);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async writeAndAcknowledge(batch: readonly StreamEntry[]): Promise<void> {
    const { decoded, failures } = this.decode(batch);
    const started = performance.now();
    const writeFailures = await writeIsolatingFailures(
      decoded,
      (items) => this.retrying(() => this.options.sink.writeEvents(items.map((d) => d.row))),
      isEntryError,
    );
    this.options.metrics.batchSeconds.observe((performance.now() - started) / 1000);
    for (const { item, error } of writeFailures) failures.push({ item: item.entry, error });

    const dead = failures.filter((f) => f.item.deliveries >= this.options.config.maxDeliveries);
    if (dead.length > 0) await this.deadLetter(dead);
    const retryLater = new Set(failures.filter((f) => !dead.includes(f)).map((f) => f.item));
    for (const { item, error } of failures)
      if (retryLater.has(item))
        this.options.logger.warn({ stream: item.stream.key, id: item.id, deliveries: item.deliveries, err: error }, 'ingest: entry failed, left pending');
    await ack(
      this.options.redis,
      batch.filter((entry) => !retryLater.has(entry)),
    );
    this.countCommitted(decoded, retryLater);
  }

  private decode(batch: readonly StreamEntry[]): { decoded: Decoded[]; failures: ItemFailure<StreamEntry>[] } {
    const decoded: Decoded[] = [];
    const failures: ItemFailure<StreamEntry>[] = [];
    for (const entry of batch) {
      try {
        decoded.push({ entry, row: decodeEvent(entry.stream.campaignId, entry.id, eventPayload(entry)) });
      } catch (error) {
        failures.push({ item: entry, error: error as Error });
      }
    }
    return { decoded, failures };
  }

  private countCommitted(decoded: readonly Decoded[], retryLater: ReadonlySet<StreamEntry>): void {
    const perCampaign = new Map<string, number>();
    for (const { entry } of decoded)
      if (!retryLater.has(entry)) perCampaign.set(entry.stream.campaignId, (perCampaign.get(entry.stream.campaignId) ?? 0) + 1);
    for (const [campaign, count] of perCampaign) this.options.metrics.events.inc({ campaign }, count);
  }

  private async deadLetter(dead: readonly ItemFailure<StreamEntry>[]): Promise<void> {
    const letters: DeadLetter[] = dead.map(({ item, error }) => ({
      campaignId: item.stream.campaignId,
      streamId: item.id,
      payload: rawPayload(item),
      error: error.message,
      deliveries: item.deliveries,
    }));
    await this.retrying(() => this.options.sink.writeDeadLetters(letters));
    for (const letter of letters) this.options.metrics.deadLetters.inc({ campaign: letter.campaignId });
    this.options.logger.error({ deadLetters: letters.map((l) => ({ campaign: l.campaignId, id: l.streamId, error: l.error })) }, 'ingest: entries dead-lettered');
  }

  /**
   * Runs a database write until it succeeds, with capped exponential backoff. Entry errors go
   * back to the caller (they are not the database's fault); stop() abandons the wait and the
   * entries stay pending for whoever runs next.
   */
  private async retrying(write: () => Promise<void>): Promise<void> {
    const { metrics, logger, stopping } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (isEntryError(err)) throw err;
        metrics.retries.inc();
        logger.warn({ err, attempt }, 'ingest: database write failed, retrying');
      }
      await pause(backoffMs(attempt), stopping);
      if (stopping.aborted) throw new IngestStopped('stopped while waiting for the database');
    }
  }
}
