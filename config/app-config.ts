import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from './format-issues.js';

/**
 * The one application config schema. Defaults live here; the environment and an optional JSON
 * file (SCANGATE_CONFIG) override them; the result is validated once at boot and frozen.
 */
const port = z.number().int().min(0).max(65535);

export const appConfigSchema = z
  .object({
    port: port.default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    /** the ops server (/metrics); ADMIN_PORT (8081) belongs to the admin console */
    opsPort: port.default(9464),
    opsHost: z.string().min(1).default('127.0.0.1'),
    /** the admin console (admin/), its own process; loopback unless said otherwise */
    adminPort: port.default(8081),
    adminHost: z.string().min(1).default('127.0.0.1'),
    /** the console's URL as browsers see it (a TLS proxy in front); https makes its cookies Secure */
    adminUrl: z.string().url().optional(),
    /** how often the console rejects held scans older than their campaign's review.expireAfterHours */
    reviewSweepMinutes: z.number().int().min(1).max(1440).default(5),
    publicUrl: z.string().url().default('http://localhost:8080'),
    dataDir: z.string().min(1).default('.data'),
    redisUrl: z.string().url().optional(),
    databaseUrl: z.string().url().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    redis: z
      .object({
        /** Prepended to every key (before the campaign hash tag); lets tests and tenants share a Redis. */
        keyPrefix: z.string().regex(/^[A-Za-z0-9:_-]*$/).default('sg:'),
      })
      .strict()
      .default({}),
    gateway: z
      .object({
        processes: z.number().int().min(1).max(64).default(1),
        /** Scans of one campaign decided in one Lua call, at most. */
        batchMax: z.number().int().min(1).max(4096).default(256),
        maxUrlBytes: z.number().int().min(64).default(2048),
        maxBodyBytes: z.number().int().min(64).default(4096),
        /** Forged codes per host (IPv4 address, IPv6 /64) per window; past it the host's further forged codes get 429. */
        forgedPerIpLimit: z.number().int().min(1).default(30),
        /** The same for the host's network (IPv4 /24, IPv6 /48): an attacker rotating addresses, many hosts behind one NAT. */
        forgedPerNetworkLimit: z.number().int().min(1).default(300),
        forgedWindowSeconds: z.number().int().min(1).default(60),
        /** Forged codes per campaign per window (per process, any number of addresses) that raise the enumeration alarm. */
        forgedCampaignAlarmAt: z.number().int().min(1).default(1000),
        /** Take the client address from X-Forwarded-For (its last hop); only behind a proxy that sets it. */
        trustProxy: z.boolean().default(false),
        /** Seconds a client is told to wait when Redis is unreachable or state is rebuilding. */
        retryAfterSeconds: z.number().int().min(1).default(5),
        shutdownGraceMs: z.number().int().min(0).default(8000),
        /** How long an answer lost to a dropped connection can be redelivered to the same phone's retry. */
        redeliverWindowSeconds: z.number().int().min(1).max(86_400).default(600),
      })
      .strict()
      .default({}),
    workers: z
      .object({
        /** 'inline' scores and draws on the event loop; 'pool' uses piscina worker threads. */
        mode: z.enum(['inline', 'pool']).default('inline'),
        threads: z.number().int().min(1).max(64).default(1),
      })
      .strict()
      .default({}),
    ingest: z
      .object({
        enabled: z.boolean().default(true),
        batchMax: z.number().int().min(1).max(100_000).default(5000),
        batchWaitMs: z.number().int().min(1).default(50),
        claimIdleMs: z.number().int().min(100).default(30_000),
        maxDeliveries: z.number().int().min(1).default(5),
        backlogDegradedAt: z.number().int().min(1).default(1_000_000),
        /** Batches written to Postgres at once (each on its own connection) while the next is read. */
        writers: z.number().int().min(1).max(16).default(2),
      })
      .strict()
      .default({}),
  })
  .strict();

export type AppConfig = Readonly<z.infer<typeof appConfigSchema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function envInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name}: expected a whole number, got "${raw}"`);
  return Number(raw);
}

function envString(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`SCANGATE_CONFIG: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`SCANGATE_CONFIG: ${file} is not a JSON object: ${(err as Error).message}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Environment variables win over the config file, which wins over defaults. */
export function loadAppConfig(env: Env = process.env, overrides: Record<string, unknown> = {}): AppConfig {
  const fromFile = env.SCANGATE_CONFIG ? readConfigFile(env.SCANGATE_CONFIG) : {};
  const fromEnv: Record<string, unknown> = {
    port: envInt(env, 'PORT'),
    opsPort: envInt(env, 'OPS_PORT'),
    adminPort: envInt(env, 'ADMIN_PORT'),
    adminUrl: envString(env, 'SCANGATE_ADMIN_URL'),
    redisUrl: envString(env, 'REDIS_URL'),
    databaseUrl: envString(env, 'DATABASE_URL'),
    dataDir: envString(env, 'SCANGATE_DATA_DIR'),
    publicUrl: envString(env, 'SCANGATE_PUBLIC_URL'),
    logLevel: envString(env, 'LOG_LEVEL'),
  };
  for (const key of Object.keys(fromEnv)) if (fromEnv[key] === undefined) delete fromEnv[key];
  const merged: Record<string, unknown> = { ...fromFile, ...fromEnv, ...overrides };
  // Unless a public URL is given, printed scan URLs point at this machine on the gateway's PORT.
  if (merged.publicUrl === undefined && typeof merged.port === 'number' && merged.port > 0) merged.publicUrl = `http://localhost:${merged.port}`;
  const result = appConfigSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(`invalid config: ${formatZodIssues(result.error)}`);
  const config = { ...result.data, dataDir: path.resolve(result.data.dataDir), publicUrl: result.data.publicUrl.replace(/\/+$/, '') };
  return deepFreeze(config);
}
