import type { Redis } from 'ioredis';
import { ingestGroup } from '../../core/redis/keys.js';
import type { EventStream, StreamEntry } from '../../core/redis/stream-entry.js';

/**
 * The ingest's side of the consumer group on each campaign's events stream: create it, read new
 * entries, claim a dead consumer's, acknowledge. Replies are read as Buffers (the payload is
 * binary msgpack). Needs Redis >= 7 (XAUTOCLAIM's deleted-ids reply, XINFO lag).
 */

type RawEntry = [Buffer, Buffer[] | null];

function toEntries(stream: EventStream, raw: readonly RawEntry[], deliveries: (id: string) => number): StreamEntry[] {
  const entries: StreamEntry[] = [];
  // A null field list is an entry deleted while pending: nothing left to ingest.
  for (const [rawId, fields] of raw) {
    if (fields === null) continue;
    const id = rawId.toString('latin1');
    entries.push({ stream, id, fields, deliveries: deliveries(id) });
  }
  return entries;
}

function isBusyGroup(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('BUSYGROUP');
}

export function isNoGroup(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}

/** From id 0, so entries written before the group existed are ingested too. */
export async function ensureGroup(redis: Redis, stream: EventStream): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream.key, ingestGroup, '0', 'MKSTREAM');
  } catch (err) {
    if (!isBusyGroup(err)) throw err;
  }
}

/** XREADGROUP ">" over every stream; `blockMs` 0 means do not block. Empty on timeout. */
export async function readNew(
  redis: Redis,
  consumer: string,
  streams: readonly EventStream[],
  count: number,
  blockMs: number,
): Promise<StreamEntry[]> {
  const block = blockMs > 0 ? ['BLOCK', blockMs] : [];
  const reply = (await redis.callBuffer(
    'XREADGROUP',
    'GROUP',
    ingestGroup,
    consumer,
    'COUNT',
    count,
    ...block,
    'STREAMS',
    ...streams.map((s) => s.key),
    ...streams.map(() => '>'),
  )) as [Buffer, RawEntry[]][] | null;
  if (reply === null) return [];
  const byKey = new Map(streams.map((s) => [s.key, s]));
  return reply.flatMap(([key, raw]) => {
    const stream = byKey.get(key.toString('latin1'));
    return stream ? toEntries(stream, raw, () => 1) : [];
  });
}

/** Delivery counts of entries this consumer just claimed (XAUTOCLAIM does not return them). */
async function deliveryCounts(redis: Redis, consumer: string, stream: EventStream, ids: readonly string[]): Promise<Map<string, number>> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.xpending(stream.key, ingestGroup, id, id, 1, consumer);
  const results = (await pipeline.exec()) ?? [];
  const counts = new Map<string, number>();
  for (const [err, rows] of results) {
    if (err) throw err;
    const row = (rows as [string, string, number, number][])[0];
    if (row) counts.set(row[0], row[3]);
  }
  return counts;
}

/**
 * Takes over entries some consumer received but has not acknowledged for `minIdleMs` (it died,
 * or its batch keeps failing). Claiming bumps each entry's delivery count, which the caller
 * compares with maxDeliveries. Returns at most `count` entries.
 */
export async function claimIdle(redis: Redis, consumer: string, stream: EventStream, minIdleMs: number, count: number): Promise<StreamEntry[]> {
  const claimed: StreamEntry[] = [];
  let cursor = '0-0';
  do {
    const [next, raw] = (await redis.callBuffer('XAUTOCLAIM', stream.key, ingestGroup, consumer, minIdleMs, cursor, 'COUNT', count - claimed.length)) as [
      Buffer,
      RawEntry[],
    ];
    cursor = next.toString('latin1');
    const ids = raw.filter(([, fields]) => fields !== null).map(([id]) => id.toString('latin1'));
    if (ids.length === 0) continue;
    const counts = await deliveryCounts(redis, consumer, stream, ids);
    claimed.push(...toEntries(stream, raw, (id) => counts.get(id) ?? 1));
  } while (cursor !== '0-0' && claimed.length < count);
  return claimed;
}

function groupByStream(entries: readonly StreamEntry[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const entry of entries) {
    const ids = byKey.get(entry.stream.key);
    if (ids) ids.push(entry.id);
    else byKey.set(entry.stream.key, [entry.id]);
  }
  return byKey;
}

export async function ack(redis: Redis, entries: readonly StreamEntry[]): Promise<void> {
  const pipeline = redis.pipeline();
  for (const [key, ids] of groupByStream(entries)) pipeline.xack(key, ingestGroup, ...ids);
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err !== null);
  if (failed) throw failed[0];
}

/**
 * Resets the idle time of entries this consumer still holds (JUSTID: delivery counts unchanged),
 * so while a batch waits for Postgres other consumers do not take it over and retry it too.
 */
export async function keepClaimed(redis: Redis, consumer: string, entries: readonly StreamEntry[]): Promise<void> {
  const pipeline = redis.pipeline();
  for (const [key, ids] of groupByStream(entries)) pipeline.xclaim(key, ingestGroup, consumer, 0, ...ids, 'JUSTID');
  await pipeline.exec();
}

/** Removes this consumer from the group when it holds nothing (a clean stop). */
export async function leaveGroup(redis: Redis, consumer: string, streams: readonly EventStream[]): Promise<void> {
  for (const stream of streams) {
    const pending = (await redis.call('XPENDING', stream.key, ingestGroup, '-', '+', 1, consumer)) as unknown[];
    if (pending.length === 0) await redis.xgroup('DELCONSUMER', stream.key, ingestGroup, consumer);
  }
}
