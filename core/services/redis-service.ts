import path from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { ScangateError } from '../errors.js';
import { findOnPath } from './find-on-path.js';
import { findFreePort } from './free-port.js';
import { redisAnswers } from './probes.js';
import { startRedisServer } from './redis-server.js';
import { findRunningServer } from './running-server.js';
import { describeUrl, type ServiceHandle, type ServiceLog } from './service-types.js';

export const localRedisUrl = 'redis://127.0.0.1:6379';

export interface FindRedisOptions {
  /** Where to look for a Redis that is already running. */
  readonly localUrl?: string;
  /** The PATH searched for redis-server. */
  readonly searchPath?: string;
}

const keep = (url: string): ServiceHandle => ({ url, started: false, stop: async () => undefined });

/**
 * REDIS_URL as given; else a Redis answering on 127.0.0.1:6379; else the redis-server this data
 * dir already runs; else a new redis-server on a free port with its data under <dataDir>/redis,
 * AOF on with `appendfsync always` (the shipped durability default).
 */
export async function findOrStartRedis(
  config: Pick<AppConfig, 'redisUrl' | 'dataDir'>,
  log: ServiceLog,
  options: FindRedisOptions = {},
): Promise<ServiceHandle> {
  if (config.redisUrl) {
    log.info(`redis: using REDIS_URL ${describeUrl(config.redisUrl)}`);
    return keep(config.redisUrl);
  }
  const localUrl = options.localUrl ?? localRedisUrl;
  if (await redisAnswers(localUrl)) {
    log.info(`redis: using the Redis already running at ${describeUrl(localUrl)}`);
    return keep(localUrl);
  }
  const dir = path.join(config.dataDir, 'redis');
  const running = await findRunningServer(dir, 'redis-server', redisAnswers);
  if (running) {
    log.info(`redis: using the redis-server an earlier run left running on ${describeUrl(running.url)} (pid ${running.pid}, data in ${dir})`);
    return keep(running.url);
  }
  const binary = findOnPath('redis-server', options.searchPath);
  if (!binary) {
    throw new ScangateError(
      'GW_ERR_SERVICE_START',
      'no Redis answers on 127.0.0.1:6379 and redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL',
    );
  }
  const server = await startRedisServer({ binary, dir, port: await findFreePort(), aof: true, appendfsync: 'always' });
  log.info(`redis: started redis-server on ${describeUrl(server.url)} (pid ${server.pid}, AOF appendfsync always, data in ${dir})`);
  return { url: server.url, started: true, stop: () => server.stop() };
}
