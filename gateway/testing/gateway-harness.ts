import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type pg from 'pg';
import pino from 'pino';
import { loadAppConfig, type AppConfig } from '../../config/app-config.js';
import { parseCampaign, type Campaign } from '../../config/campaign-schema.js';
import { loadBatchIndex, setBatchStatus } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { mintBatch } from '../../core/campaigns/mint.js';
import { createCodeSigner } from '../../core/codes/code-signer.js';
import { runMigrations } from '../../core/db/migrate.js';
import { createPool } from '../../core/db/pool.js';
import { startGateway, type RunningGateway } from '../main.js';
import { loadSecrets, type Secrets } from '../../core/secrets.js';
import { createTestDatabase, type TestDatabase } from '../../core/testing/test-database.js';
import { createTestRedis, testRedisUrl, type TestRedis } from '../../core/testing/test-redis.js';

const day = 24 * 3600 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A campaign for gateway tests: open now, every scan wins the one tier, limits, velocity and serial-run rules out of the way. */
export function testCampaign(id: string, changes: Partial<Record<keyof Campaign, unknown>> = {}): Campaign {
  return parseCampaign({
    id,
    name: `Test campaign ${id}`,
    window: { startsAt: iso(Date.now() - day), endsAt: iso(Date.now() + 30 * day), timeZone: 'Asia/Shanghai' },
    tiers: [{ id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 100_000, weight: 1, claim: 'Show this page at a partner store.' }],
    noPrizeWeight: 0,
    limits: { perConsumerPerDay: 1000, perConsumerPerCampaign: 1000 },
    // serial_run off: fresh() hands out serial after serial, which is exactly a leaked-file walk
    // (core/redis/redeem-batch-rules.test.ts tests that rule)
    fraud: { holdAt: 90, blockAt: 95, deviceScansPerMinute: 100_000, ipScansPerMinute: 100_000, devicesPerIp: 100_000, rules: { serial_run: { enabled: false } } },
    ...changes,
  });
}

/** One batch of a campaign: its codes handed out one by one, and its honeypots. */
export interface TestBatch {
  readonly id: number;
  /** a code nobody has scanned yet (throws when the batch runs out) */
  fresh(): string;
  readonly honeypots: readonly string[];
  /** the last serial minted (printed codes and honeypots) */
  readonly serialLast: number;
  /** a correctly signed code of this batch with any serial, minted or not */
  sign(serial: number): string;
}

export interface GatewayHarness {
  readonly config: AppConfig;
  readonly secrets: Secrets;
  readonly pool: pg.Pool;
  readonly redis: TestRedis;
  /** Adds a campaign and a batch of `count` codes (+ honeypots), active unless said otherwise. */
  addBatch(campaign: Campaign, options?: { count?: number; honeypots?: number; active?: boolean }): Promise<TestBatch>;
  /**
   * Starts a gateway on port 0 with these config changes (default: the harness's). Geolocation is
   * off unless asked for (`{ geolocation: true }`; await the gateway's `geolocationReady`).
   */
  startGateway(overrides?: Record<string, unknown>, options?: { geolocation?: boolean }): Promise<RunningGateway>;
  close(): Promise<void>;
}

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * What a gateway test needs: its own database (migrated) and Redis key prefix, generated keys in
 * a temp dir, campaigns and batches minted through the real commands' functions, and gateways
 * on port 0 that it stops on close().
 */
export async function createGatewayHarness(overrides: Record<string, unknown> = {}): Promise<GatewayHarness> {
  const db: TestDatabase = await createTestDatabase();
  const redis = await createTestRedis();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'scangate-gateway-'));
  const config = loadAppConfig({}, {
    port: 0,
    opsPort: 0,
    host: '127.0.0.1',
    dataDir,
    redisUrl: testRedisUrl(),
    databaseUrl: db.url,
    logLevel: 'silent',
    redis: { keyPrefix: redis.prefix },
    ingest: { enabled: false },
    ...overrides,
  });
  const pool = createPool(db.url, { max: 4 });
  await runMigrations(pool);
  const secrets = loadSecrets(config, {});
  const signer = createCodeSigner(secrets);
  const gateways: RunningGateway[] = [];

  return {
    config,
    secrets,
    pool,
    redis,
    async addBatch(campaign, options = {}) {
      await applyCampaign(pool, campaign, 'test');
      const { batch } = await mintBatch({ pool, signer, publicUrl: config.publicUrl, campaignId: campaign.id, count: options.count ?? 50, honeypots: options.honeypots ?? 0, out: discard() });
      if (options.active ?? true) await setBatchStatus(pool, batch.id, true, { client: redis.redis, prefix: redis.prefix });
      const honeypotSerials = (await loadBatchIndex(pool)).get(batch.id)?.honeypotSerials ?? new Set<number>();
      let next = batch.serialFirst;
      return {
        id: batch.id,
        honeypots: [...honeypotSerials].map((serial) => signer.sign(batch.id, serial)),
        serialLast: batch.serialLast,
        sign: (serial) => signer.sign(batch.id, serial),
        fresh() {
          while (honeypotSerials.has(next)) next++;
          if (next > batch.serialLast) throw new Error(`batch ${batch.id} has no fresh codes left`);
          return signer.sign(batch.id, next++);
        },
      };
    },
    async startGateway(more = {}, options = {}) {
      const gateway = await startGateway(loadAppConfig({}, { ...config, ...more }), { secrets, logger: pino({ level: 'silent' }), geolocation: options.geolocation ?? false });
      gateways.push(gateway);
      return gateway;
    },
    async close() {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await pool.end();
      await redis.cleanup();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
