import type { Redis } from 'ioredis';
import { ingestGroup } from './keys.js';
import { streamIdMs, type EventStream } from './stream-entry.js';

/** What the ingest group has not yet committed to Postgres on one stream. */
export interface StreamBacklog {
  readonly stream: EventStream;
  /** delivered to some consumer, not acknowledged */
  readonly pending: number;
  /** not yet delivered to any consumer */
  readonly undelivered: number;
  /** id of the oldest entry not acknowledged, null when nothing is outstanding */
  readonly oldestUnackedId: string | null;
  /** the group's last-delivered-id ("0-0" before the first read) */
  readonly lastDeliveredId: string;
}

export function backlogEntries(backlog: StreamBacklog): number {
  return backlog.pending + backlog.undelivered;
}

export function oldestUnackedAgeMs(backlog: StreamBacklog, now: number): number {
  return backlog.oldestUnackedId === null ? 0 : Math.max(0, now - streamIdMs(backlog.oldestUnackedId));
}

function fieldsToRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}

/** Null when the stream does not exist. Before the group exists every entry counts as undelivered. Read-only. */
export async function readBacklog(redis: Redis, stream: EventStream): Promise<StreamBacklog | null> {
  let groups: unknown[][];
  try {
    groups = (await redis.call('XINFO', 'GROUPS', stream.key)) as unknown[][];
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('ERR no such key')) return null;
    throw err;
  }
  const group = groups.map(fieldsToRecord).find((g) => g.name === ingestGroup) ?? { pending: 0, 'last-delivered-id': '0-0', lag: null };
  const pending = Number(group.pending);
  const lastDeliveredId = String(group['last-delivered-id']);
  // lag is nil when Redis cannot compute it (entries deleted in the middle): the stream length
  // is then an upper bound, which errs on the side of reporting a backlog.
  const undelivered = group.lag === null ? Number(await redis.xlen(stream.key)) : Number(group.lag);
  let oldestUnackedId: string | null = null;
  if (pending > 0) {
    const summary = (await redis.xpending(stream.key, ingestGroup)) as [number, string | null, string | null, unknown];
    oldestUnackedId = summary[1];
  } else if (undelivered > 0) {
    const next = await redis.xrange(stream.key, `(${lastDeliveredId}`, '+', 'COUNT', 1);
    oldestUnackedId = next[0]?.[0] ?? null;
  }
  return { stream, pending, undelivered, oldestUnackedId, lastDeliveredId };
}

/**
 * Drops entries the group has acknowledged: everything strictly below the oldest entry still
 * pending, or, with nothing pending, below the last delivered one. Entries are only ever appended
 * with larger ids, so this bound cannot pass an entry that is not yet in Postgres.
 */
export async function trimAcknowledged(redis: Redis, backlog: StreamBacklog): Promise<number> {
  const below = backlog.pending > 0 ? backlog.oldestUnackedId : backlog.lastDeliveredId;
  if (below === null || below === '0-0') return 0;
  return Number(await redis.xtrim(backlog.stream.key, 'MINID', below));
}
