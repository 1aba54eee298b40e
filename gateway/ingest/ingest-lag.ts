import type { Redis } from 'ioredis';
import { backlogEntries, oldestUnackedAgeMs, readBacklog, type StreamBacklog } from '../../core/redis/stream-backlog.js';
import { discoverEventStreams } from '../../core/redis/stream-discovery.js';

/** How far Postgres is behind the decisions, over every campaign. */
export interface IngestLag {
  /** stream entries not yet committed to Postgres (pending + undelivered) */
  readonly entries: number;
  /** age of the oldest of them, 0 when there are none */
  readonly oldestAgeMs: number;
  readonly streams: readonly StreamBacklog[];
}

export function summarizeLag(streams: readonly StreamBacklog[], now: number): IngestLag {
  let entries = 0;
  let oldestAgeMs = 0;
  for (const backlog of streams) {
    entries += backlogEntries(backlog);
    oldestAgeMs = Math.max(oldestAgeMs, oldestUnackedAgeMs(backlog, now));
  }
  return { entries, oldestAgeMs, streams };
}

/** Reads the lag now, read-only (benchmarks sample it under load; the audit reports it). */
export async function sampleIngestLag(redis: Redis, keyPrefix: string): Promise<IngestLag> {
  const streams: StreamBacklog[] = [];
  for (const stream of await discoverEventStreams(redis, keyPrefix)) {
    const backlog = await readBacklog(redis, stream);
    if (backlog) streams.push(backlog);
  }
  return summarizeLag(streams, Date.now());
}
