import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../redis/redis-client.js';

export interface TestRedis {
  readonly redis: Redis;
  /** unique key prefix for this test file; everything under it is deleted by cleanup() */
  readonly prefix: string;
  cleanup(): Promise<void>;
}

export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: the vitest global setup should have set it');
  return url;
}

export async function createTestRedis(): Promise<TestRedis> {
  const redis = createRedisClient(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = `sgtest:${randomBytes(6).toString('hex')}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
