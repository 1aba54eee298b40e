import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { loadAppConfig } from '../../config/app-config.js';
import type { Campaign } from '../../config/campaign-schema.js';
import { setBatchStatus } from '../../core/campaigns/batches.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { mintBatch } from '../../core/campaigns/mint.js';
import { createCodeSigner } from '../../core/codes/code-signer.js';
import { runMigrations } from '../../core/db/migrate.js';
import { createPool } from '../../core/db/pool.js';
import { backlogEntries, readBacklog } from '../../core/redis/stream-backlog.js';
import { eventStream } from '../../core/redis/stream-discovery.js';
import { loadSecrets } from '../../core/secrets.js';
import type { AppendFsync } from '../../core/services/redis-server.js';
import { findFreePort } from '../../core/services/free-port.js';
import { testCampaign } from '../testing/gateway-harness.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../core/testing/private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from '../../core/testing/private-redis.js';
import { createTestDatabase, type TestDatabase } from '../../core/testing/test-database.js';
import { spawnScangate, type ProcessExit, type ScangateProcess } from './scangate-process.js';
import { createRedisClient } from '../../core/redis/redis-client.js';

/**
 * Everything a fault test runs, on private ports and in a temp dir: a Redis of its own (so it can
 * be killed), a database (on a Postgres of its own when the test restarts Postgres), one campaign
 * with one active batch of minted codes, and the real `scangate serve` / `scangate ingest`
 * executables as child processes that the test can crash and restart.
 */
export interface FaultStackOptions {
  readonly redis?: { readonly aof?: boolean; readonly appendfsync?: AppendFsync };
  /** a Postgres server of the test's own, to restart it; default: a database on the shared one */
  readonly privatePostgres?: boolean;
  /** codes minted (all active) */
  readonly codes?: number;
  /** prizes of the campaign's only tier; every scan draws it, so scans past it are no_prize */
  readonly inventory?: number;
}

export interface GatewayProcess extends ScangateProcess {
  readonly baseUrl: string;
}

export interface FaultStack {
  readonly redis: PrivateRedis;
  /** the stack's own Postgres server, when asked for */
  readonly postgres: PrivatePostgres | undefined;
  readonly pool: pg.Pool;
  /** the test's own connection to the stack's Redis (it reconnects after a Redis restart) */
  readonly client: Redis;
  readonly keyPrefix: string;
  readonly campaign: Campaign;
  readonly codes: readonly string[];
  /** where the gateway listens, whichever process currently serves it */
  readonly baseUrl: string;
  /** `scangate serve`, ready (/readyz 200); `ingest: false` leaves the ingest to `startIngest` */
  startGateway(options?: { ingest?: boolean }): Promise<GatewayProcess>;
  /** `scangate ingest` */
  startIngest(): ScangateProcess;
  /**
   * Brings the stack to its steady state before a fault: one decision (a code of an inactive
   * batch: not_activated, it consumes nothing) and the ingest consuming the campaign's stream.
   */
  primeIngest(): Promise<void>;
  /** Runs `scangate <args>` to its end. */
  runCli(args: readonly string[]): Promise<{ exit: ProcessExit; output: string }>;
  /** Waits until the ingest has committed every decision in the campaign's events stream. */
  waitForIngest(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const CAMPAIGN_ID = 'fault';

/** Polls /readyz until it answers 200; fails early when the process exits. */
export async function waitUntilReady(child: ScangateProcess, baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (!child.isRunning()) throw new Error(`scangate serve exited before it was ready:\n${child.logTail()}`);
    if (Date.now() > deadline) throw new Error(`scangate serve was not ready within ${timeoutMs} ms (/readyz ${status}):\n${child.logTail()}`);
    await sleep(100);
  }
}

export async function createFaultStack(options: FaultStackOptions = {}): Promise<FaultStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scangate-fault-'));
  const children = new Set<ScangateProcess>();
  const spawned: { name: string; child: ScangateProcess }[] = [];
  /** the last lines of every process started, for failure messages */
  const logTails = (): string => spawned.map(({ name, child }) => `--- ${name} (pid ${child.pid}):\n${child.logTail(6).split('\n').map((line) => line.slice(0, 300)).join('\n')}`).join('\n');
  const cleanups: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    await Promise.all([...children].map((child) => child.kill('SIGKILL')));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const redis = await startPrivateRedis({ aof: options.redis?.aof ?? true, appendfsync: options.redis?.appendfsync ?? 'always' });
    cleanups.push(() => redis.stop());
    let postgres: PrivatePostgres | undefined;
    let databaseUrl: string;
    if (options.privatePostgres) {
      postgres = await startPrivatePostgres();
      cleanups.push(() => (postgres as PrivatePostgres).stop());
      databaseUrl = postgres.url;
    } else {
      const database: TestDatabase = await createTestDatabase();
      cleanups.push(() => database.drop());
      databaseUrl = database.url;
    }
    const pool = createPool(databaseUrl, { max: 4 });
    cleanups.push(() => pool.end());
    const client = createRedisClient(redis.url, { maxRetriesPerRequest: 3 });
    cleanups.push(async () => client.disconnect());

    const [port, opsPort, ingestOpsPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const keyPrefix = 'sg:';
    const baseUrl = `http://127.0.0.1:${port}`;
    // Short waits so a crashed ingest's entries are claimed within a test's seconds.
    const baseConfig = { host: '127.0.0.1', opsHost: '127.0.0.1', publicUrl: baseUrl, redis: { keyPrefix } };
    const ingestConfig = { claimIdleMs: 1000, batchWaitMs: 20, batchMax: 500 };
    const configFile = (name: string, config: object): string => {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(config));
      return file;
    };
    const files = {
      withIngest: configFile('serve', { ...baseConfig, ingest: { enabled: true, ...ingestConfig } }),
      withoutIngest: configFile('serve-alone', { ...baseConfig, ingest: { enabled: false, ...ingestConfig } }),
      ingest: configFile('ingest', { ...baseConfig, ingest: { enabled: true, ...ingestConfig } }),
    };
    const env = (file: string, opsPort: number): Record<string, string> => ({
      PORT: String(port),
      OPS_PORT: String(opsPort),
      REDIS_URL: redis.url,
      DATABASE_URL: databaseUrl,
      SCANGATE_DATA_DIR: dir,
      SCANGATE_CONFIG: file,
      LOG_LEVEL: 'info',
    });

    await runMigrations(pool);
    const config = loadAppConfig({}, { dataDir: dir, publicUrl: baseUrl });
    const signer = createCodeSigner(loadSecrets(config, {}));
    const count = options.codes ?? 400;
    const campaign = testCampaign(CAMPAIGN_ID, {
      tiers: [{ id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: options.inventory ?? count, weight: 1 }],
    });
    await applyCampaign(pool, campaign, 'fault-test');
    const { batch } = await mintBatch({ pool, signer, publicUrl: baseUrl, campaignId: campaign.id, count, out: discard() });
    await setBatchStatus(pool, batch.id, true, { client, prefix: keyPrefix });
    const codes = Array.from({ length: count }, (_, i) => signer.sign(batch.id, batch.serialFirst + i));
    const inactive = await mintBatch({ pool, signer, publicUrl: baseUrl, campaignId: campaign.id, count: 1, out: discard() });
    const primingCode = signer.sign(inactive.batch.id, inactive.batch.serialFirst);

    const spawn = (args: string[], file: string, opsPort: number, command: string): ScangateProcess => {
      const name = `${command}-${spawned.length + 1}`;
      const child = spawnScangate(args, env(file, opsPort), path.join(dir, `${name}.log`));
      children.add(child);
      spawned.push({ name, child });
      void child.exited.then(() => children.delete(child));
      return child;
    };

    async function waitForIngest(timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const backlog = await readBacklog(client, eventStream(keyPrefix, campaign.id));
        const waiting = backlog === null ? 0 : backlogEntries(backlog);
        if (waiting === 0) return;
        if (Date.now() > deadline) throw new Error(`the ingest left ${waiting} decisions uncommitted after ${timeoutMs} ms\n${logTails()}`);
        await sleep(100);
      }
    }

    return {
      redis,
      postgres,
      pool,
      client,
      keyPrefix,
      campaign,
      codes,
      baseUrl,
      async startGateway(start = {}) {
        const child = spawn(['serve'], start.ingest === false ? files.withoutIngest : files.withIngest, opsPort, 'serve');
        await waitUntilReady(child, baseUrl, 30_000);
        return { ...child, baseUrl };
      },
      startIngest: () => spawn(['ingest'], files.ingest, ingestOpsPort, 'ingest'),
      async runCli(args) {
        const child = spawn([...args], files.withoutIngest, ingestOpsPort, 'cli');
        const exit = await child.exited;
        return { exit, output: child.logTail(50) };
      },
      async primeIngest() {
        const response = await fetch(`${baseUrl}/s/${primingCode}`, { headers: { accept: 'application/json' } });
        const answer = (await response.json()) as { outcome?: string };
        if (answer.outcome !== 'not_activated') throw new Error(`priming scan answered ${response.status} ${JSON.stringify(answer)}`);
        await waitForIngest();
      },
      waitForIngest,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
