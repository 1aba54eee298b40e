import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { backlogEntries, oldestUnackedAgeMs, type StreamBacklog } from '../../core/redis/stream-backlog.js';

export interface IngestMetrics {
  readonly events: Counter<'campaign'>;
  readonly deadLetters: Counter<'campaign'>;
  /** batch writes that failed and were retried (Postgres down, slow or rejecting) */
  readonly retries: Counter;
  readonly batchSeconds: Histogram;
  readonly backlog: Gauge<'campaign'>;
  readonly oldestUnackedSeconds: Gauge<'campaign'>;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    events: new Counter({ name: 'scangate_ingest_events_total', help: 'Decisions committed to Postgres and acknowledged', labelNames: ['campaign'], registers }),
    deadLetters: new Counter({
      name: 'scangate_ingest_dead_letters_total',
      help: 'Stream entries moved to ingest_dead_letters after failing maxDeliveries times',
      labelNames: ['campaign'],
      registers,
    }),
    retries: new Counter({ name: 'scangate_ingest_retries_total', help: 'Batch writes retried after a database failure', registers }),
    batchSeconds: new Histogram({
      name: 'scangate_ingest_batch_seconds',
      help: 'Time to write one batch to Postgres (COPY, INSERT, COMMIT)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    // Every process of `serve --processes N` samples the same streams: the primary keeps the max, not the sum.
    backlog: new Gauge({
      name: 'scangate_ingest_backlog_entries',
      help: 'Events-stream entries not yet committed to Postgres (pending + undelivered)',
      labelNames: ['campaign'],
      aggregator: 'max',
      registers,
    }),
    oldestUnackedSeconds: new Gauge({
      name: 'scangate_ingest_oldest_unacked_seconds',
      help: 'Age of the oldest events-stream entry not yet committed to Postgres',
      labelNames: ['campaign'],
      aggregator: 'max',
      registers,
    }),
  };
}

export function recordBacklog(metrics: IngestMetrics, backlogs: readonly StreamBacklog[], now: number): void {
  for (const backlog of backlogs) {
    const labels = { campaign: backlog.stream.campaignId };
    metrics.backlog.set(labels, backlogEntries(backlog));
    metrics.oldestUnackedSeconds.set(labels, oldestUnackedAgeMs(backlog, now) / 1000);
  }
}
