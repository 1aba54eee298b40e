import type { Redis } from 'ioredis';

/** How this Redis persists, as far as it tells (managed services may refuse CONFIG GET). */
export interface RedisPersistence {
  readonly appendonly: string;
  readonly appendfsync: string;
}

/** null when the server will not say. */
export async function readRedisPersistence(redis: Redis): Promise<RedisPersistence | null> {
  try {
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
    const [, appendfsync] = (await redis.config('GET', 'appendfsync')) as string[];
    return appendonly === undefined || appendfsync === undefined ? null : { appendonly, appendfsync };
  } catch {
    return null;
  }
}

/**
 * Why acknowledged scans could be lost in a Redis crash with these settings, or null when they
 * cannot (AOF with appendfsync always, the setting every durability promise assumes).
 */
export function persistenceRisk(persistence: RedisPersistence): string | null {
  if (persistence.appendonly !== 'yes') return 'AOF is off: a Redis restart loses every decision not yet in Postgres';
  if (persistence.appendfsync !== 'always') return `appendfsync is ${persistence.appendfsync}: a Redis crash can lose acknowledged decisions`;
  return null;
}
