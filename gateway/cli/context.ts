import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { loadAppConfig, type AppConfig } from '../../config/app-config.js';
import { createPool } from '../../core/db/pool.js';
import { loadSecrets, type Secrets } from '../../core/secrets.js';
import { createRedisClient } from '../../core/redis/redis-client.js';
import { databaseUrl, redisUrl } from '../../core/services/stack.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What a command may use. Everything is created on first use (a command that needs no Redis never
 * connects to it) and closed once by the CLI after the command ends.
 */
export interface CliContext {
  readonly env: Env;
  /** read by commands that take a secret on stdin (admin-user --password-stdin) */
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** who audit rows name for changes made from this command line */
  readonly actor: string;
  config(): AppConfig;
  secrets(): Secrets;
  pool(): pg.Pool;
  redis(): Redis;
  /** a line on stdout (results) */
  print(line: string): void;
  /** a line on stderr (progress, summaries, warnings) */
  note(line: string): void;
  close(): Promise<void>;
}

function osUser(env: Env): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? 'unknown';
  }
}

function lazy<T>(create: () => T): { get: () => T; created: () => T | undefined } {
  let value: T | undefined;
  return { get: () => (value ??= create()), created: () => value };
}

export function createCliContext(options: { env?: Env; stdin?: Readable; stdout?: Writable; stderr?: Writable } = {}): CliContext {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const config = lazy(() => loadAppConfig(env));
  const secrets = lazy(() => loadSecrets(config.get(), env));
  const pool = lazy(() => createPool(databaseUrl(config.get())));
  // One retry, then a command fails fast when Redis is down instead of queueing forever.
  const redis = lazy(() => createRedisClient(redisUrl(config.get()), { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 }));
  return {
    env,
    stdin: options.stdin ?? process.stdin,
    stdout,
    stderr,
    actor: `cli:${osUser(env)}`,
    config: config.get,
    secrets: secrets.get,
    pool: pool.get,
    redis: redis.get,
    print: (line) => void stdout.write(`${line}\n`),
    note: (line) => void stderr.write(`${line}\n`),
    async close() {
      const client = redis.created();
      if (client?.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client?.disconnect();
      await pool.created()?.end();
    },
  };
}
