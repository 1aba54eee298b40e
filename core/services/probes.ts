import pg from 'pg';
import { createRedisClient } from '../redis/redis-client.js';

/** Does a Redis answer PING at this URL (within about a second)? */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = createRedisClient(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  }); // its connection errors are ignored: the failed connect below already says it
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Does a Postgres accept a connection and a query at this URL (within about a second)? */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
