import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { loadAppConfig, type AppConfig } from '../../config/app-config.js';
import { defaultDatabase, findOrStartPostgres, localPostgresUrl, withDatabase, type FindPostgresOptions } from './postgres-service.js';
import { postgresAnswers, redisAnswers } from './probes.js';
import { findOrStartRedis, localRedisUrl, type FindRedisOptions } from './redis-service.js';
import type { ServiceHandle, ServiceLog } from './service-types.js';

export interface ServiceUrls {
  readonly redisUrl: string;
  readonly databaseUrl: string;
}

export interface Services {
  readonly redis: ServiceHandle;
  /** URL names the scangate database (or DATABASE_URL's); the database may not exist yet. */
  readonly postgres: ServiceHandle;
  /** Stops what bringUpServices started, Postgres first, and forgets services.json. */
  stop(): Promise<void>;
}

export interface BringUpOptions {
  readonly redis?: FindRedisOptions;
  readonly postgres?: FindPostgresOptions;
}

type StackConfig = Pick<AppConfig, 'redisUrl' | 'databaseUrl' | 'dataDir'>;

const servicesFileSchema = z.object({ redisUrl: z.string().url(), databaseUrl: z.string().url(), pid: z.number().int() });

/** Where `npm start` records the servers it uses, for CLI commands run from another terminal. */
export const servicesFile = (dataDir: string): string => path.join(dataDir, 'services.json');

function readServicesFile(dataDir: string): z.infer<typeof servicesFileSchema> | undefined {
  try {
    return servicesFileSchema.parse(JSON.parse(readFileSync(servicesFile(dataDir), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Finds or starts Redis and Postgres (see findOrStartRedis / findOrStartPostgres) and records their URLs. */
export async function bringUpServices(config: StackConfig, log: ServiceLog, options: BringUpOptions = {}): Promise<Services> {
  const redis = await findOrStartRedis(config, log, options.redis);
  let postgres: ServiceHandle;
  try {
    postgres = await findOrStartPostgres(config, log, options.postgres);
  } catch (err) {
    await redis.stop();
    throw err;
  }
  await mkdir(config.dataDir, { recursive: true });
  // 0600: a configured URL may carry a password.
  await writeFile(servicesFile(config.dataDir), `${JSON.stringify({ redisUrl: redis.url, databaseUrl: postgres.url, pid: process.pid }, null, 2)}\n`, { mode: 0o600 });
  return {
    redis,
    postgres,
    async stop() {
      // Another run that reuses these servers writes the same file; only the run that owns them removes it.
      if (redis.started || postgres.started) await rm(servicesFile(config.dataDir), { force: true });
      await postgres.stop();
      await redis.stop();
    },
  };
}

/** The Postgres URL a process uses: DATABASE_URL, else the local server's scangate database. */
export function databaseUrl(config: Pick<AppConfig, 'databaseUrl'>): string {
  return config.databaseUrl ?? withDatabase(localPostgresUrl, defaultDatabase);
}

/** The Redis URL a process uses: REDIS_URL, else the local server. */
export function redisUrl(config: Pick<AppConfig, 'redisUrl'>): string {
  return config.redisUrl ?? localRedisUrl;
}

/**
 * The URLs a CLI command should use: REDIS_URL / DATABASE_URL; else the ones a running
 * `npm start` recorded in services.json, if they still answer; else the local defaults.
 */
export async function resolveServiceUrls(config: StackConfig): Promise<ServiceUrls> {
  const recorded = readServicesFile(config.dataDir);
  const pick = async (configured: string | undefined, recordedUrl: string | undefined, answers: (url: string) => Promise<boolean>, fallback: string) => {
    if (configured) return configured;
    if (recordedUrl && (await answers(recordedUrl))) return recordedUrl;
    return fallback;
  };
  const [redisUrl, databaseUrl] = await Promise.all([
    pick(config.redisUrl, recorded?.redisUrl, redisAnswers, localRedisUrl),
    pick(config.databaseUrl, recorded?.databaseUrl, postgresAnswers, withDatabase(localPostgresUrl, defaultDatabase)),
  ]);
  return { redisUrl, databaseUrl };
}

/**
 * The environment a CLI command runs with: REDIS_URL / DATABASE_URL as resolveServiceUrls finds
 * them, so `scangate mint` in a second terminal reaches the servers a running `npm start` started.
 */
export async function withRecordedServices(env: Readonly<Record<string, string | undefined>>): Promise<Record<string, string | undefined>> {
  const config = loadAppConfig(env);
  if (config.redisUrl !== undefined && config.databaseUrl !== undefined) return { ...env };
  const urls = await resolveServiceUrls(config);
  return { ...env, REDIS_URL: urls.redisUrl, DATABASE_URL: urls.databaseUrl };
}
