/**
 * Question: what does each Redis persistence setting cost the decision path? Scans/s of the
 * decision batcher (no HTTP, no workers; every scan a fresh code, so each one writes the code,
 * the counters and a stream entry) against a private redis-server started for each setting:
 * AOF with appendfsync always (the shipped default), everysec, no, and AOF off; with 64 and 256
 * scans in flight (independent phones: the batcher groups what arrives in one event-loop turn).
 * Prints scans/s and per-scan latency p50/p95/p99, each cell the median of several rounds. The
 * settings take turns within each round, so a machine that gets busier or quieter meanwhile
 * skews them alike.
 *   npm run bench -- durability [--scans 10000] [--rounds 5]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Campaign } from '../../config/campaign-schema.js';
import { createDecisionBatcher } from '../../gateway/scan/decision-batcher.js';
import { Outcome } from '../../core/scan/outcomes.js';
import type { AppendFsync } from '../../core/services/redis-server.js';
import { codeSource, decisionCampaign, fixtureScan, FIXTURE_NOW, seedCampaignState, type ScanFixture } from '../../core/testing/decision-fixtures.js';
import { startPrivateRedis } from '../../core/testing/private-redis.js';
import { countOption } from './options.js';
import { percentile } from './stats.js';
import { createRedisClient } from '../../core/redis/redis-client.js';

const SETTINGS: readonly { name: string; aof: boolean; appendfsync: AppendFsync }[] = [
  { name: 'AOF always', aof: true, appendfsync: 'always' },
  { name: 'AOF everysec', aof: true, appendfsync: 'everysec' },
  { name: 'AOF no', aof: true, appendfsync: 'no' },
  { name: 'AOF off', aof: false, appendfsync: 'no' },
];
const IN_FLIGHT = [64, 256];
const DEVICES = 2000;
const BATCH_ID = 1;
const PREFIX = 'sgbench:';

interface Measurement {
  readonly scansPerSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

function benchCampaign(): Campaign {
  return decisionCampaign('durability', {
    tiers: [{ id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 10_000_000, weight: 1 }],
    limits: { perConsumerPerDay: 10_000_000, perConsumerPerCampaign: 10_000_000 },
  });
}

function freshScans(campaign: Campaign, count: number, nextCode: ReturnType<typeof codeSource>): ScanFixture[] {
  const devices = Array.from({ length: DEVICES }, () => randomBytes(16).toString('base64url'));
  return Array.from({ length: count }, (_, i) => fixtureScan(campaign, nextCode(), { deviceId: devices[i % DEVICES], ip: `198.51.100.${i % 250}` }));
}

/** `inFlight` phones, each submitting its next scan as soon as the last one is answered. */
async function measure(redis: Redis, campaign: Campaign, scans: readonly ScanFixture[], inFlight: number): Promise<Measurement> {
  const batcher = createDecisionBatcher({ redis, keyPrefix: PREFIX, batchMax: 256, clock: () => FIXTURE_NOW });
  const latencies: number[] = [];
  let next = 0;
  let unexpected = 0;
  const phone = async () => {
    while (next < scans.length) {
      const scan = scans[next++] as ScanFixture;
      const sent = performance.now();
      const decision = await batcher.submit(scan.request, scan.assessment, campaign);
      latencies.push(performance.now() - sent);
      if (decision.outcome !== Outcome.Won) unexpected++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, phone));
  const seconds = (performance.now() - started) / 1000;
  await batcher.close();
  if (unexpected > 0) throw new Error(`${unexpected} fresh scans were not won`);
  latencies.sort((a, b) => a - b);
  return { scansPerSecond: scans.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
}

const COLUMNS = ['setting', 'in flight', 'scans/s', 'p50 ms', 'p95 ms', 'p99 ms'];
const row = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(14) : cell.padStart(10))).join(' ');

const medianRound = (results: readonly Measurement[]): Measurement =>
  [...results].sort((a, b) => a.scansPerSecond - b.scansPerSecond)[Math.floor((results.length - 1) / 2)] as Measurement;

export async function run(args: string[]): Promise<void> {
  const count = countOption(args, 'scans', 10_000);
  const rounds = countOption(args, 'rounds', 5);
  const campaign = benchCampaign();
  const servers = await Promise.all(SETTINGS.map((setting) => startPrivateRedis({ aof: setting.aof, appendfsync: setting.appendfsync })));
  const clients = servers.map((server) => createRedisClient(server.url, { maxRetriesPerRequest: 1 }));
  console.log(`durability: ${count} fresh scans per round, median of ${rounds} rounds, a private redis-server per setting (data dir on ${process.env.TMPDIR ?? '/tmp'})`);
  console.log(row(COLUMNS));
  try {
    for (const inFlight of IN_FLIGHT) {
      const results = SETTINGS.map((): Measurement[] => []);
      const nextCode = codeSource(BATCH_ID);
      // Round -1 warms up the JIT and the script caches and is not counted.
      for (let round = -1; round < rounds; round++) {
        for (const [i, redis] of clients.entries()) {
          await redis.flushall();
          await seedCampaignState(redis, PREFIX, campaign.id, [BATCH_ID]);
          const result = await measure(redis, campaign, freshScans(campaign, round < 0 ? Math.min(count, 2000) : count, nextCode), inFlight);
          if (round >= 0) results[i]?.push(result);
        }
      }
      for (const [i, setting] of SETTINGS.entries()) {
        const median = medianRound(results[i] ?? []);
        console.log(row([setting.name, String(inFlight), median.scansPerSecond.toFixed(0), median.p50.toFixed(2), median.p95.toFixed(2), median.p99.toFixed(2)]));
      }
    }
  } finally {
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((server) => server.stop()));
  }
}
