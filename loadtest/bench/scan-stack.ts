import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadAppConfig, type AppConfig } from '../../config/app-config.js';
import type { Campaign } from '../../config/campaign-schema.js';
import { setBatchStatus } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { mintBatch } from '../../core/campaigns/mint.js';
import { CODE_LENGTH } from '../../core/codes/code-format.js';
import { createCodeSigner } from '../../core/codes/code-signer.js';
import { runMigrations } from '../../core/db/migrate.js';
import { createPool } from '../../core/db/pool.js';
import { waitUntilReady, type GatewayProcess } from '../../gateway/faults/fault-stack.js';
import { spawnScangate, type ScangateProcess } from '../../gateway/faults/scangate-process.js';
import { backlogEntries, oldestUnackedAgeMs, readBacklog } from '../../core/redis/stream-backlog.js';
import { eventStream } from '../../core/redis/stream-discovery.js';
import { repoPath } from '../../core/paths.js';
import { loadSecrets } from '../../core/secrets.js';
import { findFreePort } from '../../core/services/free-port.js';
import { findOrStartPostgres } from '../../core/services/postgres-service.js';
import { testCampaign } from '../../gateway/testing/gateway-harness.js';
import { startPrivateRedis } from '../../core/testing/private-redis.js';
import { createTestDatabase } from '../../core/testing/test-database.js';
import type { Teardown } from './teardown.js';
import { createRedisClient } from '../../core/redis/redis-client.js';

export type WorkersMode = AppConfig['workers']['mode'];
/** in the gateway process (`serve` with ingest.enabled), or a `scangate ingest` process of its own */
export type IngestPlacement = 'in-process' | 'separate';

/**
 * The scan benchmark's stack, the way the fault tests build theirs: a private redis-server (AOF,
 * appendfsync always), a fresh database (on DATABASE_URL's server, else the local or embedded
 * Postgres) with migrations, one campaign and one active batch minted through the real
 * functions, and `scangate serve` as a child process, started once per workers mode.
 */
export interface ScanStack {
  /** every minted code, all active, none scanned yet */
  readonly codes: readonly string[];
  /** codes of the same batch and key id with a wrong tag: they fail only at the MAC */
  readonly forgedCodes: readonly string[];
  /**
   * Starts `scangate serve` (with the ingest inside unless it runs separately) and waits for
   * /readyz 200. `gateway` is its `gateway` config section (default: no forged-code budget).
   */
  startGateway(workers: WorkersMode, gateway?: Record<string, unknown>): Promise<GatewayProcess>;
  /** SIGTERM (graceful: drains, flushes the ingest), SIGKILL if it takes too long. */
  stopGateway(gateway: ScangateProcess): Promise<void>;
  /**
   * Waits until the ingest has committed every decision so far, so that no run pays for the one
   * before it; returns how many were left and how long committing them took.
   */
  waitForIngest(): Promise<{ entries: number; seconds: number }>;
  /** Age of the campaign's oldest decision not yet committed to Postgres (0: none), ms. */
  ingestLagMs(): Promise<number>;
  /**
   * With `aofRewrite: 'between-runs'`: rewrites Redis's AOF now and waits until it is done, so
   * that no run pays for the growth of the ones before it; returns how long that took (s).
   * With 'auto' Redis rewrites when it likes, during runs too, and this returns 0 at once.
   */
  compactAof(): Promise<number>;
}

/**
 * When Redis rewrites its AOF: as it grows (Redis's default, as in production), or only between
 * the benchmark's runs (a rewrite forks and compresses the dataset; on these two shared cores one
 * landing in a run took about a third off that run's fresh-code rate).
 */
export type AofRewrite = 'auto' | 'between-runs';

const CAMPAIGN_ID = 'scan-bench';
/** Far above anything a run reaches: every scan takes the normal path (won or no_prize). */
const UNLIMITED = 1_000_000_000;
const FORGED_CODES = 10_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const INGEST_TIMEOUT_MS = 120_000;
const AOF_REWRITE_TIMEOUT_MS = 300_000;
const KEY_PREFIX = 'sg:';

/** Half the draws win, half lose; no limit, velocity rule or fraud threshold is ever reached. */
function benchCampaign(): Campaign {
  return testCampaign(CAMPAIGN_ID, {
    tiers: [{ id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: UNLIMITED, weight: 1 }],
    noPrizeWeight: 1,
    limits: { perConsumerPerDay: UNLIMITED, perConsumerPerCampaign: UNLIMITED },
    // The schema caps both at 100 (holdAt below blockAt); the counter rules never fire at these thresholds.
    fraud: { holdAt: 99, blockAt: 100, deviceScansPerMinute: UNLIMITED, ipScansPerMinute: UNLIMITED, devicesPerIp: UNLIMITED },
  });
}

async function readMintedCodes(csv: string): Promise<string[]> {
  const codes: string[] = [];
  for await (const line of createInterface({ input: createReadStream(csv) })) {
    if (line.length > CODE_LENGTH && line[CODE_LENGTH] === ',') codes.push(line.slice(0, CODE_LENGTH));
  }
  return codes;
}

async function postgresDatabase(teardown: Teardown, log: (line: string) => void): Promise<string> {
  // createTestDatabase creates its database on DATABASE_URL's server (it names the maintenance database).
  const server = await findOrStartPostgres({ databaseUrl: process.env.DATABASE_URL, dataDir: repoPath('.data', 'bench') }, { info: log }, { database: 'postgres' });
  teardown.add(() => server.stop());
  process.env.DATABASE_URL = server.url;
  const database = await createTestDatabase();
  teardown.add(() => database.drop());
  return database.url;
}

export async function startScanStack(options: {
  dir: string;
  codes: number;
  ingest: IngestPlacement;
  aofRewrite: AofRewrite;
  teardown: Teardown;
  log: (line: string) => void;
}): Promise<ScanStack> {
  const { dir, teardown, log } = options;
  const redis = await startPrivateRedis({ aof: true, appendfsync: 'always', autoAofRewrite: options.aofRewrite === 'auto' });
  teardown.add(() => redis.stop());
  const databaseUrl = await postgresDatabase(teardown, log);
  const client = createRedisClient(redis.url, { maxRetriesPerRequest: 3 });
  teardown.add(async () => client.disconnect());
  const pool = createPool(databaseUrl, { max: 4 });
  teardown.add(() => pool.end());
  await runMigrations(pool);

  const [port, opsPort] = [await findFreePort(), await findFreePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  // Generates the code, cookie and draw keys in `dir`, where the gateway (SCANGATE_DATA_DIR) reads them.
  const secrets = loadSecrets(loadAppConfig({}, { dataDir: dir, publicUrl: baseUrl }), {});
  const signer = createCodeSigner(secrets);
  const campaign = benchCampaign();
  await applyCampaign(pool, campaign, 'scan-bench');
  const csv = path.join(dir, 'codes.csv');
  const started = performance.now();
  const { batch } = await mintBatch({ pool, signer, publicUrl: baseUrl, campaignId: campaign.id, count: options.codes, out: createWriteStream(csv) });
  // Postgres only: the gateway mirrors batch activation into Redis when it loads the campaign.
  await setBatchStatus(pool, batch.id, true);
  const codes = await readMintedCodes(csv);
  log(`minted and activated ${codes.length.toLocaleString('en-US')} codes in ${((performance.now() - started) / 1000).toFixed(1)} s (${csv})`);

  const wrongKey = createCodeSigner({ codeKeys: new Map([[secrets.signingKeyId, randomBytes(32)]]), signingKeyId: secrets.signingKeyId });
  const forgedCodes = Array.from({ length: FORGED_CODES }, (_, i) => wrongKey.sign(batch.id, batch.serialFirst + (i % options.codes)));

  const baseConfig = { host: '127.0.0.1', opsHost: '127.0.0.1', publicUrl: baseUrl, logLevel: 'warn', redis: { keyPrefix: KEY_PREFIX } };
  const serviceEnv = { REDIS_URL: redis.url, DATABASE_URL: databaseUrl, SCANGATE_DATA_DIR: dir };
  const writeConfig = (name: string, config: object): string => {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...baseConfig, ...config }));
    return file;
  };
  let gatewayStarts = 0;
  const stopGateway = async (gateway: ScangateProcess): Promise<void> => {
    const killer = setTimeout(() => void gateway.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await gateway.kill('SIGTERM');
    clearTimeout(killer);
  };

  if (options.ingest === 'separate') {
    const env = { ...serviceEnv, OPS_PORT: String(await findFreePort()), SCANGATE_CONFIG: writeConfig('ingest', { ingest: { enabled: true } }) };
    const ingest = spawnScangate(['ingest'], env, path.join(dir, 'ingest.log'));
    teardown.add(() => stopGateway(ingest));
  }

  async function waitForIngest(): Promise<{ entries: number; seconds: number }> {
    const started = performance.now();
    const waiting = async () => {
      const backlog = await readBacklog(client, eventStream(KEY_PREFIX, campaign.id));
      return backlog === null ? 0 : backlogEntries(backlog);
    };
    const entries = await waiting();
    for (let left = entries; left > 0; left = await waiting()) {
      if (performance.now() - started > INGEST_TIMEOUT_MS) throw new Error(`the ingest left ${left} decisions uncommitted after ${INGEST_TIMEOUT_MS / 1000} s`);
      await sleep(100);
    }
    return { entries, seconds: (performance.now() - started) / 1000 };
  }

  async function compactAof(): Promise<number> {
    if (options.aofRewrite === 'auto') return 0;
    const started = performance.now();
    await client.bgrewriteaof();
    for (;;) {
      const persistence = await client.info('persistence');
      if (persistence.includes('aof_rewrite_in_progress:0') && persistence.includes('aof_rewrite_scheduled:0')) break;
      if (performance.now() - started > AOF_REWRITE_TIMEOUT_MS) throw new Error(`Redis was still rewriting its AOF after ${AOF_REWRITE_TIMEOUT_MS / 1000} s`);
      await sleep(100);
    }
    return (performance.now() - started) / 1000;
  }

  return {
    codes,
    forgedCodes,
    compactAof,
    stopGateway,
    waitForIngest,
    async ingestLagMs() {
      const backlog = await readBacklog(client, eventStream(KEY_PREFIX, campaign.id));
      return backlog === null ? 0 : oldestUnackedAgeMs(backlog, Date.now());
    },
    // One IP sends every forged code: without unlimited budgets the limiter answers 429 after 30 per minute.
    async startGateway(workers, gateway = { forgedPerIpLimit: UNLIMITED, forgedPerNetworkLimit: UNLIMITED }) {
      const name = `serve-${workers}-${++gatewayStarts}`;
      const configFile = writeConfig(name, {
        gateway,
        workers: { mode: workers, threads: 1 },
        ingest: { enabled: options.ingest === 'in-process' },
      });
      const env = { ...serviceEnv, PORT: String(port), OPS_PORT: String(opsPort), SCANGATE_CONFIG: configFile };
      const child = spawnScangate(['serve'], env, path.join(dir, `${name}.log`));
      teardown.add(() => stopGateway(child));
      await waitUntilReady(child, baseUrl, READY_TIMEOUT_MS);
      return { ...child, baseUrl };
    },
  };
}
