import type { Redis } from 'ioredis';
import { campaignKeys, ingestGroup } from '../../core/redis/keys.js';

/** The campaign's live counters and the ingest's position, read in one MULTI (one instant). */
export interface RedisFacts {
  readonly issued: Readonly<Record<string, number>>;
  readonly held: Readonly<Record<string, number>>;
  readonly outcomes: Readonly<Record<string, number>>;
  /** the last decision appended ("0-0": none): the counters cover exactly the entries up to it */
  readonly lastEntryId: string;
  /** entries delivered to the ingest and not acknowledged */
  readonly pending: number;
  /** the last entry the ingest group has read ("0-0": none, or no group yet) */
  readonly lastDeliveredId: string;
}

function counts(hash: unknown): Record<string, number> {
  return Object.fromEntries(Object.entries(hash as Record<string, string>).map(([field, value]) => [field, Number(value)]));
}

function record(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

const isNoSuchKey = (err: Error | null): boolean => err !== null && err.message.startsWith('ERR no such key');

export async function readRedisFacts(redis: Redis, keyPrefix: string, campaignId: string): Promise<RedisFacts> {
  const keys = campaignKeys(keyPrefix, campaignId);
  const replies = (await redis.multi().hgetall(keys.issued).hgetall(keys.held).hgetall(keys.outcomes).xinfo('STREAM', keys.events).xinfo('GROUPS', keys.events).exec()) ?? [];
  for (const [err] of replies) if (err && !isNoSuchKey(err)) throw err;
  const [issued, held, outcomes, stream, groups] = replies.map(([err, value]) => (err ? null : value));
  const group = ((groups ?? []) as unknown[][]).map(record).find((g) => g.name === ingestGroup);
  return {
    issued: counts(issued),
    held: counts(held),
    outcomes: counts(outcomes),
    lastEntryId: stream ? String(record(stream as unknown[])['last-generated-id']) : '0-0',
    pending: Number(group?.pending ?? 0),
    lastDeliveredId: String(group?.['last-delivered-id'] ?? '0-0'),
  };
}
