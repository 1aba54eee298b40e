import type { Redis } from 'ioredis';
import { campaignKeys } from '../redis/keys.js';

/**
 * The campaign's live counters, read from Redis in one MULTI (a consistent snapshot): they run
 * ahead of the rollups by the ingest's lag. Pages show them beside the committed numbers,
 * labelled with their source and the time they were read.
 */
export interface LiveNumbers {
  readonly source: 'redis';
  readonly readAt: Date;
  /** outcome name → decisions (replays included) */
  readonly outcomes: Readonly<Record<string, number>>;
  /** tier id → prizes issued (held reservations included) */
  readonly issued: Readonly<Record<string, number>>;
  /** tier id → reservations awaiting review */
  readonly held: Readonly<Record<string, number>>;
}

const numbers = (hash: Record<string, string>): Record<string, number> => Object.fromEntries(Object.entries(hash).map(([key, value]) => [key, Number(value)]));

export async function readLiveNumbers(redis: Redis, keyPrefix: string, campaignId: string, now: () => Date = () => new Date()): Promise<LiveNumbers> {
  const keys = campaignKeys(keyPrefix, campaignId);
  const replies = (await redis.multi().hgetall(keys.outcomes).hgetall(keys.issued).hgetall(keys.held).exec()) ?? [];
  const [outcomes, issued, held] = replies.map(([err, hash]) => {
    if (err) throw err;
    return numbers(hash as Record<string, string>);
  });
  return { source: 'redis', readAt: now(), outcomes: outcomes ?? {}, issued: issued ?? {}, held: held ?? {} };
}
