import { Redis, type RedisOptions } from 'ioredis';

/** What a client does with a connection error (the commands it fails still reject with it). */
export type RedisErrorListener = (err: Error) => void;

const ignoreConnectionError: RedisErrorListener = () => undefined;

/**
 * Every ioredis client of scangate comes from here (lint forbids `new Redis` elsewhere), so each
 * has an 'error' listener: without one, ioredis prints "[ioredis] Unhandled error event" for
 * every reconnect attempt during a Redis outage.
 */
export function createRedisClient(url: string, options: RedisOptions = {}, onError: RedisErrorListener = ignoreConnectionError): Redis {
  const client = new Redis(url, options);
  client.on('error', onError);
  return client;
}

/** A second connection with the same options (ioredis does not copy listeners to a duplicate). */
export function duplicateRedisClient(client: Redis, onError: RedisErrorListener = ignoreConnectionError): Redis {
  const duplicate = client.duplicate();
  duplicate.on('error', onError);
  return duplicate;
}
