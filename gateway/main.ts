import type { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AppConfig } from '../config/app-config.js';
import { createCodeVerifier } from '../core/codes/code-verifier.js';
import { createPool } from '../core/db/pool.js';
import { startIngest, type RunningIngest } from './ingest/start-ingest.js';
import { createGatewayMetrics } from './metrics.js';
import { createAssessor } from './scan/assessor.js';
import { noAddressPlaces, openAddressPlaces } from './scan/address-places.js';
import { persistenceRisk, readRedisPersistence } from '../core/redis/persistence-check.js';
import { lazyFreeRisk, readLazyFreeExpire } from '../core/redis/lazyfree-check.js';
import { createRedisClient } from '../core/redis/redis-client.js';
import { scriptCommands } from '../core/redis/scripts.js';
import { createUndeliveredAnswers, MARK_RECORDED } from '../core/redis/undelivered-answers.js';
import { createDecisionBatcher } from './scan/decision-batcher.js';
import { loadSecrets, type Secrets } from '../core/secrets.js';
import { hasEpoch, prepareCampaignState } from '../core/state/campaign-state.js';
import { createStateRecovery } from '../core/state/state-recovery.js';
import { databaseUrl, redisUrl } from '../core/services/stack.js';
import { createAssessQueue } from './http/assess-queue.js';
import { createCampaignCatalog } from './http/campaign-catalog.js';
import { createDeviceCookies } from './http/device-cookie.js';
import { createForgedLimiter } from './http/forged-limiter.js';
import { createGatewayApp } from './http/gateway-app.js';
import { createInFlight } from './http/in-flight.js';
import { startInvalidAttemptTally } from './http/invalid-attempt-tally.js';
import { talliedForgedLimiter } from './http/tallied-forged-limiter.js';
import { createKeyCompromiseSignal } from './http/key-compromise-signal.js';
import { listen, type Listening } from './http/listen.js';
import { startOpsServer, type OpsServer } from './http/ops-server.js';
import { createScanService } from './http/scan-service.js';

export interface GatewayDeps {
  readonly logger?: Logger;
  readonly secrets?: Secrets;
  /** serve /metrics on config.opsPort (default true; forked processes leave it to the primary) */
  readonly opsServer?: boolean;
  /**
   * Geolocate client addresses for the fraud rules (core/geo; default true). Opened in the
   * background once per process: scans before it is open carry no place. Tests that do not look
   * at places pass false and spare the open's CPU.
   */
  readonly geolocation?: boolean;
}

export interface RunningGateway {
  /** the public port actually bound */
  readonly port: number;
  /** the ops (metrics) port, when this process serves one */
  readonly opsPort: number | undefined;
  readonly registry: Registry;
  /** settles when the geolocation databases are open (true), failed to open or are off (false) */
  readonly geolocationReady: Promise<boolean>;
  /** Graceful stop: refuse new scans, answer those in flight (up to shutdownGraceMs), then close everything. */
  stop(): Promise<void>;
}

/** How often campaigns are re-read from Postgres, so a campaign applied while the gateway runs is served. */
const CAMPAIGN_REFRESH_MS = 5000;
const READINESS_PING_TIMEOUT_MS = 1000;
/** How long start waits for Redis before going on without it (campaigns are prepared at the next refresh). */
const REDIS_START_WAIT_MS = 3000;
/** A stopping gateway closes its connections once no request has come for this long (see InFlight.settled). */
const SHUTDOWN_QUIET_MS = 100;
/** How long a stopping gateway's ingest may spend committing the decisions still unread. */
const INGEST_DRAIN_MS = 5000;

/** Resolves with `fallback` after `ms` unless `promise` settles first. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((resolve) => setTimeout(resolve, ms, fallback).unref())]);
}

function redisReady(redis: Redis): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => redis.once('ready', () => resolve(true)));
}

/** The durability promises assume AOF with appendfsync always; a Redis that was found, not started, may differ. */
async function warnOfPersistenceRisk(redis: Redis, logger: Logger): Promise<void> {
  const persistence = await readRedisPersistence(redis);
  const risk = persistence && persistenceRisk(persistence);
  if (risk) logger.warn({ ...persistence }, `Redis persistence: ${risk} (README: "Redis persistence and lost scans")`);
}

/** Expiring velocity buckets stall every scan unless Redis frees them lazily; a found Redis may not. */
async function warnOfLazyFreeOff(redis: Redis, logger: Logger): Promise<void> {
  const lazyFreeExpire = await readLazyFreeExpire(redis);
  const risk = lazyFreeExpire && lazyFreeRisk(lazyFreeExpire);
  if (risk) logger.warn({ lazyFreeExpire }, `Redis housekeeping: ${risk} (README: "Redis in production")`);
}

/**
 * Starts one gateway process: connections to Redis and Postgres, the campaign catalog (loaded
 * before the port opens, every campaign's Redis state prepared), the CPU stage, the decision
 * batcher, the public uWS app, the ops server and, when enabled, the ingest. Redis being down at
 * start is not fatal (scans get 503 until it answers); Postgres being down is.
 */
export async function startGateway(config: AppConfig, deps: GatewayDeps = {}): Promise<RunningGateway> {
  const logger = deps.logger ?? pino({ level: config.logLevel });
  const secrets = deps.secrets ?? loadSecrets(config);
  const limiter = createForgedLimiter({
    perHost: config.gateway.forgedPerIpLimit,
    perNetwork: config.gateway.forgedPerNetworkLimit,
    windowSeconds: config.gateway.forgedWindowSeconds,
    campaignAlarmAt: config.gateway.forgedCampaignAlarmAt,
  });
  const metrics = createGatewayMetrics(undefined, limiter);
  const pool = createPool(databaseUrl(config), { applicationName: 'scangate-gateway' });
  // No offline queue: while Redis is unreachable a scan fails at once (503) instead of waiting.
  const redis = createRedisClient(redisUrl(config), { enableOfflineQueue: false, maxRetriesPerRequest: 1 }, (err) =>
    logger.debug({ err: err.message }, 'redis connection error'),
  );

  const invalidAttempts = startInvalidAttemptTally({ redis, keyPrefix: config.redis.keyPrefix, onFlushError: (err, pending) => logger.warn({ err: err.message, pending }, 'invalid-code attempts not written to Redis') });
  const stateDeps = { redis, pool, keyPrefix: config.redis.keyPrefix };
  // Redis lost a campaign's state (restarted empty, failed over): rebuild it from Postgres by itself.
  const recovery = createStateRecovery(stateDeps, logger);
  const undelivered = createUndeliveredAnswers({ scripts: scriptCommands(redis), keyPrefix: config.redis.keyPrefix, windowSeconds: config.gateway.redeliverWindowSeconds });
  const batcher = createDecisionBatcher({
    redis,
    keyPrefix: config.redis.keyPrefix,
    batchMax: config.gateway.batchMax,
    hooks: {
      batch: (size) => metrics.decisionBatchSize.observe(size),
      depth: (delta) => metrics.decisionQueueDepth.inc(delta),
      scriptSeconds: (seconds) => metrics.scriptSeconds.observe(seconds),
      epochMissing: (campaign) => recovery.epochMissing(campaign),
    },
  });
  const catalog = createCampaignCatalog(pool, {
    refreshMs: CAMPAIGN_REFRESH_MS,
    async onCampaign(campaign) {
      await prepareCampaignState(stateDeps, campaign);
      if (!(await hasEpoch(redis, config.redis.keyPrefix, campaign.id))) recovery.epochMissing(campaign);
    },
    onRefreshError: (err) => logger.warn({ err }, 'campaign refresh failed'),
  });
  const assessor = createAssessor(config, (campaignId) => secrets.drawKey(campaignId));
  const places = deps.geolocation === false ? noAddressPlaces : openAddressPlaces(logger);
  let ops: OpsServer | undefined;
  let ingest: RunningIngest | undefined;
  /**
   * Everything but the public app, in the order a stop needs (also undoes a failed start):
   * stop reading campaigns and rebuilding; let the ingest commit what the answered scans
   * appended; close the batcher, the workers and the ops server; then Redis; Postgres last.
   */
  async function release(): Promise<void> {
    catalog.close();
    await recovery.close();
    // every scan is answered by now: what they appended goes to Postgres before the process ends
    await ingest?.stop({ drainMs: INGEST_DRAIN_MS });
    await Promise.all([batcher.close(), assessor.close(), ops?.close()]);
    await invalidAttempts.stop();
    await redis.quit().catch(() => redis.disconnect());
    await pool.end();
  }

  const service = createScanService({
    verifier: createCodeVerifier(secrets),
    limiter: talliedForgedLimiter(limiter, invalidAttempts),
    devices: createDeviceCookies(secrets.cookieKey, config.publicUrl.startsWith('https:')),
    catalog,
    assessQueue: createAssessQueue(assessor, config.gateway.batchMax, {
      batch: (size) => metrics.assessBatchSize.observe(size),
      depth: (delta) => metrics.assessQueueDepth.inc(delta),
    }),
    decide: (request, assessment, campaign) => batcher.submit(request, assessment, campaign),
    locate: places.locate,
    onForged: () => metrics.forgedCodes.inc(),
    onOutOfRange: createKeyCompromiseSignal({ logger, count: (campaign) => metrics.outOfRangeCodes.inc({ campaign }) }),
    answerLost(lost) {
      metrics.answersUndelivered.inc();
      return undelivered.record(lost).then(
        (result) => void (result !== MARK_RECORDED && logger.warn({ ...lost, result }, 'lost answer not marked for redelivery')),
        (err: unknown) => logger.warn({ err, ...lost }, 'lost answer not marked for redelivery'),
      );
    },
    onRedelivered: () => metrics.answersRedelivered.inc(),
  });

  let stopping = false;
  const inFlight = createInFlight((count) => metrics.requestsInFlight.set(count));
  const app = createGatewayApp({
    config,
    metrics,
    logger,
    inFlight,
    stopping: () => stopping,
    service,
    async readiness() {
      const redisAnswers = await within(
        redis.ping().then(() => true, () => false),
        READINESS_PING_TIMEOUT_MS,
        false,
      );
      return {
        redis: redisAnswers,
        scripts: redisAnswers && batcher.scriptsLoaded(),
        campaigns: catalog.loaded(),
        ingestBacklog: ingest === undefined || !ingest.backlogExceeded(),
      };
    },
  });
  let listening: Listening;
  try {
    if (!(await within(redisReady(redis), REDIS_START_WAIT_MS, false))) logger.warn('Redis is not reachable yet: scans are refused until it is');
    else await Promise.all([warnOfPersistenceRisk(redis, logger), warnOfLazyFreeOff(redis, logger)]);
    await catalog.start();
    if (deps.opsServer !== false)
      ops = await startOpsServer(config.opsHost, config.opsPort, { contentType: metrics.registry.contentType, metrics: () => metrics.registry.metrics() });
    listening = await listen(app, config.host, config.port);
  } catch (err) {
    await release();
    throw err;
  }
  if (config.ingest.enabled) ingest = startIngest(config, { redis, pool, logger, registry: metrics.registry });

  return {
    port: listening.port,
    opsPort: ops?.port,
    registry: metrics.registry,
    geolocationReady: places.ready,
    /** The shutdown order: refuse new scans, answer those in flight, close the connections, release(). */
    async stop() {
      if (stopping) return;
      stopping = true;
      listening.close();
      if (!(await inFlight.settled(SHUTDOWN_QUIET_MS, config.gateway.shutdownGraceMs))) logger.warn({ inFlight: inFlight.count() }, 'stopping with scans still in flight');
      // uWS's close() (not in its typings) ends every connection, idle keep-alives included.
      (app as unknown as { close(): void }).close();
      await release();
    },
  };
}
