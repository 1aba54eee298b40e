import { ScangateError } from '../errors.js';
import { findOnPath } from '../services/find-on-path.js';
import { startRedisServer, type AppendFsync } from '../services/redis-server.js';
import { startPrivateServer, type PrivateServer } from './private-server.js';

export type PrivateRedis = PrivateServer;

/** A redis-server of its own (url redis://127.0.0.1:<port>), with the persistence asked for. */
export async function startPrivateRedis(options: { appendfsync?: AppendFsync; aof?: boolean; autoAofRewrite?: boolean; lazyFree?: boolean } = {}): Promise<PrivateRedis> {
  const binary = findOnPath('redis-server');
  if (!binary) throw new ScangateError('GW_ERR_SERVICE_START', 'redis-server is not on PATH (apt-get install redis-server)');
  const aof = options.aof ?? true;
  const appendfsync = options.appendfsync ?? 'always';
  return startPrivateServer('redis', (dir, port) => startRedisServer({ binary, dir, port, aof, appendfsync, autoAofRewrite: options.autoAofRewrite ?? true, lazyFree: options.lazyFree ?? true }));
}
