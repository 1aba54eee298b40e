import type { Redis } from 'ioredis';
import pg from 'pg';
import { createRedisClient } from '../redis/redis-client.js';

/** The rows of one query on a connection of its own (for checking a server a test started). */
export async function queryOnce(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Runs `use` with a Redis client of its own, closed afterwards. */
export async function withRedisClient<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = createRedisClient(url, { maxRetriesPerRequest: 1 });
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}
