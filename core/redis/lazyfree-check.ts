import type { Redis } from 'ioredis';

/**
 * Without these, Redis frees a deleted or expired key in its main thread while every client
 * waits: an expiring minute bucket of the velocity counters holds about a million fields at peak,
 * and freeing a 1.2 M-field hash took 369 ms. With them a background thread frees it. The Redis
 * that scangate starts runs with all of them on; README "Redis in production" lists them.
 */
export const lazyFreeSettings = ['lazyfree-lazy-expire', 'lazyfree-lazy-server-del', 'lazyfree-lazy-user-del'] as const;

/** lazyfree-lazy-expire as the server reports it, or null when it will not say (CONFIG refused). */
export async function readLazyFreeExpire(redis: Redis): Promise<string | null> {
  try {
    const [, value] = (await redis.config('GET', 'lazyfree-lazy-expire')) as string[];
    return value ?? null;
  } catch {
    return null;
  }
}

/**
 * Why expiring buckets would stall scans with this setting, or null when they will not. Only the
 * expiry matters at run time: scangate itself deletes big keys with UNLINK.
 */
export function lazyFreeRisk(lazyFreeExpire: string): string | null {
  if (lazyFreeExpire === 'yes') return null;
  return 'lazyfree-lazy-expire is off: every expiring velocity bucket (about a million fields a minute at peak) is freed in Redis\'s main thread, stalling every scan for hundreds of milliseconds';
}
