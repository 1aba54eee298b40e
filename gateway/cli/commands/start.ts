import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import pino from 'pino';
import { loadAppConfig, type AppConfig } from '../../../config/app-config.js';
import { loadCampaignFile } from '../../../config/campaign-schema.js';
import { setBatchStatus, type Batch } from '../../../core/campaigns/batches.js';
import { applyCampaign } from '../../../core/campaigns/campaign-store.js';
import { mintBatch } from '../../../core/campaigns/mint.js';
import { startGateway } from '../../main.js';
import { createCodeSigner } from '../../../core/codes/code-signer.js';
import { ensureDatabase } from '../../../core/db/ensure-database.js';
import { runMigrations } from '../../../core/db/migrate.js';
import { createPool } from '../../../core/db/pool.js';
import { repoPath } from '../../../core/paths.js';
import { loadSecrets, type Secrets } from '../../../core/secrets.js';
import type { ServiceLog } from '../../../core/services/service-types.js';
import { bringUpServices, type BringUpOptions, type Services } from '../../../core/services/stack.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import type { CliContext } from '../context.js';
import { listenForShutdown } from '../shutdown-signal.js';
import { createRedisClient } from '../../../core/redis/redis-client.js';
import { systemClock } from '../../../admin/clock.js';
import { startAdmin, type RunningAdmin } from '../../../admin/server.js';
import { ensureDemoLogin } from '../../../admin/users/demo-login.js';

const demoCodes = 12;
const demoHoneypots = 2;
const urlsShown = 3;

export interface DemoBatch {
  readonly batch: Batch;
  readonly campaignVersion: number;
  /** code,url CSV of the printed codes */
  readonly csvFile: string;
  /** the first few scan URLs of the CSV */
  readonly sampleUrls: readonly string[];
}

export interface StartedStack {
  readonly services: Services;
  readonly demo: DemoBatch;
  /** Stops the servers startStack started (none when it found them running). */
  stop(): Promise<void>;
}

export interface StartStackOptions {
  readonly secrets?: Secrets;
  /** who the audit rows name */
  readonly actor?: string;
  readonly services?: BringUpOptions;
  /** Checked between the steps: once aborted, start-up stops what it started and throws. */
  readonly signal?: AbortSignal;
}

async function firstUrls(csvFile: string, count: number): Promise<string[]> {
  const urls: string[] = [];
  const lines = createInterface({ input: createReadStream(csvFile) });
  for await (const line of lines) {
    if (line === 'code,url') continue;
    urls.push(line.slice(line.indexOf(',') + 1));
    if (urls.length === count) break;
  }
  lines.close();
  return urls;
}

/** Applies the demo campaign, then mints a new demo batch (every start: its URLs are all unscanned) and activates it. */
async function seedDemo(config: AppConfig, pool: pg.Pool, redis: Redis, secrets: Secrets, actor: string, log: ServiceLog): Promise<DemoBatch> {
  const campaign = loadCampaignFile(repoPath('config/campaigns/demo.json'));
  const applied = await applyCampaign(pool, campaign, actor);
  log.info(`campaign ${campaign.id}: version ${applied.version}${applied.changed ? ' stored' : ' (unchanged)'}`);

  const csvFile = path.join(config.dataDir, 'demo-codes.csv');
  const { batch } = await mintBatch({
    pool,
    signer: createCodeSigner(secrets),
    publicUrl: config.publicUrl,
    campaignId: campaign.id,
    count: demoCodes,
    honeypots: demoHoneypots,
    out: createWriteStream(csvFile, { mode: 0o600 }),
  });
  const active = await setBatchStatus(pool, batch.id, true, { client: redis, prefix: config.redis.keyPrefix }, actor);
  log.info(`batch ${active.name} (id ${active.id}): ${demoCodes} codes + ${demoHoneypots} honeypots, ${active.status}; codes in ${csvFile}`);
  return { batch: active, campaignVersion: applied.version, csvFile, sampleUrls: await firstUrls(csvFile, urlsShown) };
}

/**
 * The bring-up half of `npm start`: finds or starts Redis and Postgres, creates and migrates the
 * database, applies config/campaigns/demo.json, mints and activates a demo batch. The caller
 * serves it and then calls stop().
 */
export async function startStack(config: AppConfig, log: ServiceLog, options: StartStackOptions = {}): Promise<StartedStack> {
  const services = await bringUpServices(config, log, options.services);
  try {
    options.signal?.throwIfAborted();
    const { database, created } = await ensureDatabase(services.postgres.url);
    if (created) log.info(`postgres: created database ${database}`);
    const pool = createPool(services.postgres.url, { max: 2, applicationName: 'scangate-start' });
    const redis = createRedisClient(services.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      const { applied } = await runMigrations(pool);
      log.info(`postgres: ${applied.length > 0 ? `applied migrations ${applied.join(', ')}` : 'schema up to date'}`);
      options.signal?.throwIfAborted();
      await redis.connect();
      const demo = await seedDemo(config, pool, redis, options.secrets ?? loadSecrets(config), options.actor ?? 'scangate-start', log);
      return { services, demo, stop: () => services.stop() };
    } finally {
      redis.disconnect();
      await pool.end();
    }
  } catch (err) {
    await services.stop();
    throw err;
  }
}

export const startCommand: CliCommand = {
  name: 'start',
  bringsUpServices: true,
  summary: 'bring up Redis and Postgres (found or started), migrate, seed the demo campaign with a fresh batch, and serve it',
  usage: [
    'scangate start   (npm start)',
    '  uses REDIS_URL / DATABASE_URL, else 127.0.0.1:6379 / :5432, else starts redis-server and the',
    '  embedded Postgres under SCANGATE_DATA_DIR; then serves the gateway (one process) on PORT until',
    '  Ctrl-C / SIGTERM, and stops what it started',
  ].join('\n'),
  async run(args, ctx) {
    parseCommandArgs(args, {}, []);
    const log: ServiceLog = { info: (line) => ctx.note(line) };
    const shutdown = listenForShutdown(log);
    try {
      let stack: StartedStack;
      try {
        stack = await startStack(ctx.config(), log, { secrets: ctx.secrets(), actor: ctx.actor, signal: shutdown.abortSignal });
      } catch (err) {
        if (shutdown.abortSignal.aborted) return; // Ctrl-C during start-up: what was started is stopped
        throw err;
      }
      try {
        await serveDemo(ctx, stack, shutdown.received);
      } finally {
        await stack.stop();
        const stopped = [stack.services.redis.started && 'redis-server', stack.services.postgres.started && 'the embedded Postgres'].filter(Boolean);
        if (stopped.length > 0) ctx.note(`stopped ${stopped.join(' and ')}`);
      }
    } finally {
      shutdown.dispose();
    }
  },
};

/** The console against the stack's services, with the demo admin whose login start prints. */
async function startDemoAdmin(ctx: CliContext, config: AppConfig, pool: pg.Pool, redis: Redis): Promise<RunningAdmin> {
  const demo = await ensureDemoLogin(pool, config.dataDir, ctx.actor);
  const admin = await startAdmin(config, ctx.secrets(), { pool, redis: { client: redis, prefix: config.redis.keyPrefix }, clock: systemClock });
  ctx.note(`admin console: ${admin.url} (log in as ${demo.username} / ${demo.password}; kept in ${demo.file})`);
  return admin;
}

/** The gateway (with the ingest) and the admin console against the services the stack found or started, until shutdown. */
async function serveDemo(ctx: CliContext, stack: StartedStack, shutdown: Promise<unknown>): Promise<void> {
  const config = loadAppConfig(ctx.env, { redisUrl: stack.services.redis.url, databaseUrl: stack.services.postgres.url });
  // JSON logs on stderr: stdout carries only the scan URLs, so `npm start | head -3` gets them.
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination(2));
  const gateway = await startGateway(config, { logger, secrets: ctx.secrets() });
  const pool = createPool(stack.services.postgres.url, { max: 4, applicationName: 'scangate-admin' });
  const redis = createRedisClient(stack.services.redis.url, { maxRetriesPerRequest: 1 });
  let admin: RunningAdmin | undefined;
  try {
    admin = await startDemoAdmin(ctx, config, pool, redis);
    ctx.note(`gateway: http://${config.host}:${gateway.port} (metrics on http://${config.opsHost}:${gateway.opsPort}/metrics); Ctrl-C stops everything`);
    ctx.note(`scan URLs of the demo batch (all ${demoCodes} in ${stack.demo.csvFile}):`);
    for (const url of stack.demo.sampleUrls) ctx.print(url);
    await shutdown;
  } finally {
    await admin?.stop();
    await gateway.stop();
    redis.disconnect();
    await pool.end();
  }
}
