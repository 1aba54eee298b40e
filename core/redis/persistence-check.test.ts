import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../testing/private-redis.js';
import { persistenceRisk, readRedisPersistence } from './persistence-check.js';
import { createRedisClient } from './redis-client.js';

describe('Redis persistence check', () => {
  let server: PrivateRedis;
  let client: Redis;
  beforeAll(async () => {
    server = await startPrivateRedis({ aof: true, appendfsync: 'always' });
    client = createRedisClient(server.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('reads the settings of a real server and finds AOF always safe', async () => {
    const persistence = await readRedisPersistence(client);
    expect(persistence).toEqual({ appendonly: 'yes', appendfsync: 'always' });
    expect(persistenceRisk(persistence as NonNullable<typeof persistence>)).toBeNull();
  });

  it('names the risk of every weaker setting', async () => {
    await client.config('SET', 'appendfsync', 'everysec');
    const everysec = await readRedisPersistence(client);
    expect(persistenceRisk(everysec as NonNullable<typeof everysec>)).toMatch(/appendfsync is everysec/);
    expect(persistenceRisk({ appendonly: 'no', appendfsync: 'always' })).toMatch(/AOF is off/);
  });
});
