import { mkdir } from 'node:fs/promises';
import { lazyFreeSettings } from '../redis/lazyfree-check.js';
import { redisAnswers } from './probes.js';
import { launchServer, type RunningServer } from './running-server.js';

export type AppendFsync = 'always' | 'everysec' | 'no';

export interface RedisServerOptions {
  /** Path of the redis-server executable. */
  readonly binary: string;
  /** Data directory (AOF files, log). */
  readonly dir: string;
  readonly port: number;
  /** AOF on or off; off means the server keeps nothing across a restart (no RDB snapshots either). */
  readonly aof: boolean;
  readonly appendfsync: AppendFsync;
  /**
   * Rewrite the AOF by itself as it grows (Redis's default, true). A benchmark turns it off and
   * compacts between its runs: a rewrite forks and compresses the whole dataset, which on a box
   * shared with the gateway takes a core away in the middle of a measurement.
   */
  readonly autoAofRewrite?: boolean;
  /**
   * Free deleted and expired keys in a background thread (default true, as production should).
   * A benchmark turns it off to show the stalls it prevents.
   */
  readonly lazyFree?: boolean;
}

/** Runs a redis-server on 127.0.0.1:<port> with its data in `dir`. */
export async function startRedisServer(options: RedisServerOptions): Promise<RunningServer> {
  await mkdir(options.dir, { recursive: true });
  return launchServer({
    name: 'redis-server',
    command: options.binary,
    args: [
      '--port', String(options.port),
      '--bind', '127.0.0.1',
      '--dir', options.dir,
      '--appendonly', options.aof ? 'yes' : 'no',
      '--appendfsync', options.appendfsync,
      '--save', '',
      ...(options.autoAofRewrite === false ? ['--auto-aof-rewrite-percentage', '0'] : []),
      ...lazyFreeSettings.flatMap((setting) => [`--${setting}`, options.lazyFree === false ? 'no' : 'yes']),
      '--daemonize', 'no',
    ],
    dir: options.dir,
    port: options.port,
    url: `redis://127.0.0.1:${options.port}`,
    answers: redisAnswers,
    // SIGTERM: Redis fsyncs the AOF and exits.
    stopSignal: 'SIGTERM',
  });
}
