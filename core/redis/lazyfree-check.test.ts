import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis.js';
import { lazyFreeRisk, lazyFreeSettings, readLazyFreeExpire } from './lazyfree-check.js';
import { createRedisClient } from './redis-client.js';

describe('Redis lazy free check', () => {
  const started: PrivateRedis[] = [];
  const clients: ReturnType<typeof createRedisClient>[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await Promise.all(started.splice(0).map((server) => server.stop()));
  });
  const connect = async (options: { lazyFree?: boolean }) => {
    const server = await startPrivateRedis({ aof: false, ...options });
    started.push(server);
    const client = createRedisClient(server.url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };

  it('the Redis scangate starts frees deleted and expired keys in the background, and the check is content', async () => {
    const client = await connect({});
    for (const setting of lazyFreeSettings) expect(await client.config('GET', setting)).toEqual([setting, 'yes']);
    const lazyFreeExpire = await readLazyFreeExpire(client);
    expect(lazyFreeExpire).toBe('yes');
    expect(lazyFreeRisk(lazyFreeExpire as string)).toBeNull();
  });

  it('names the stall when expired keys are freed in the main thread', async () => {
    const client = await connect({ lazyFree: false });
    const lazyFreeExpire = await readLazyFreeExpire(client);
    expect(lazyFreeExpire).toBe('no');
    expect(lazyFreeRisk(lazyFreeExpire as string)).toMatch(/lazyfree-lazy-expire is off/);
  });
});
