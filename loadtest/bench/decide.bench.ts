/**
 * Question: what does micro-batching the decision script buy? Scans/s of the decision batcher
 * alone (no HTTP, no workers) against Redis, every scan a fresh code, at script batch sizes
 * 1, 16, 64 and 256, with the same number of scans in flight. Prints, per batch size: scans/s,
 * µs per scan (wall; Node CPU; Redis CPU), call latency p50/p99, and the ratios to batch size 1.
 * Redis CPU comes from INFO: on a shared Redis it includes other clients' work.
 *   npm run bench -- decide [--scans 20000] [--in-flight 512] [--rounds 3] [--bans 0]
 * --bans N bans N devices that never scan, so every scan pays the ban look-up without being blocked.
 * REDIS_URL picks the Redis (default redis://127.0.0.1:6379); keys live under a random prefix
 * and are deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Campaign } from '../../config/campaign-schema.js';
import { banField } from '../../core/bans/ban-subjects.js';
import { campaignKeyPattern, campaignKeys } from '../../core/redis/keys.js';
import { createDecisionBatcher } from '../../gateway/scan/decision-batcher.js';
import { Outcome } from '../../core/scan/outcomes.js';
import type { ScanDecision } from '../../core/scan/types.js';
import { codeSource, decisionCampaign, fixtureScan, seedCampaignState, type ScanFixture } from '../../core/testing/decision-fixtures.js';
import { countOption } from './options.js';
import { median, percentile } from './stats.js';
import { createRedisClient } from '../../core/redis/redis-client.js';

const BATCH_SIZES = [1, 16, 64, 256];
const DEVICES = 2000;
const ADDRESSES = 250;
const day = 86_400_000;

interface Measurement {
  readonly scansPerSecond: number;
  readonly wallMicros: number;
  readonly nodeMicros: number;
  readonly redisMicros: number;
  readonly p50: number;
  readonly p99: number;
}

function benchCampaign(): Campaign {
  const now = Date.now();
  return decisionCampaign('bench', {
    window: { startsAt: new Date(now - day).toISOString(), endsAt: new Date(now + day).toISOString(), timeZone: 'Asia/Shanghai' },
    tiers: [
      { id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 1_000_000, weight: 1 },
      { id: 'points', kind: 'points', value: 100, unit: 'points', inventory: 1_000_000, weight: 10 },
    ],
    limits: { perConsumerPerDay: 1_000_000, perConsumerPerCampaign: 1_000_000 },
  });
}

/** Fresh codes from 2,000 phones behind 250 addresses; draws spread over both tiers and no prize. */
function freshScans(campaign: Campaign, count: number, nextCode: ReturnType<typeof codeSource>): ScanFixture[] {
  const devices = Array.from({ length: DEVICES }, () => randomBytes(16).toString('base64url'));
  return Array.from({ length: count }, (_, i) =>
    fixtureScan(campaign, nextCode(), { deviceId: devices[i % DEVICES], ip: `198.51.100.${i % ADDRESSES}` }, { tierIndex: (i % 3) - 1 }),
  );
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return read('used_cpu_user') + read('used_cpu_sys');
}

/** `inFlight` scans outstanding: lanes of `batchSize` scans each, submitted in one turn (one script call). */
async function measure(redis: Redis, prefix: string, campaign: Campaign, scans: readonly ScanFixture[], batchSize: number, inFlight: number): Promise<Measurement> {
  const batcher = createDecisionBatcher({ redis, keyPrefix: prefix, batchMax: batchSize });
  const latencies: number[] = [];
  const unexpected: ScanDecision[] = [];
  let next = 0;
  const lane = async () => {
    while (next < scans.length) {
      const batch = scans.slice(next, (next += batchSize));
      const sent = performance.now();
      const decisions = await Promise.all(batch.map((scan) => batcher.submit(scan.request, scan.assessment, campaign)));
      latencies.push(performance.now() - sent);
      for (const decision of decisions) if (decision.outcome !== Outcome.Won && decision.outcome !== Outcome.NoPrize) unexpected.push(decision);
    }
  };
  const redisBefore = await redisCpuSeconds(redis);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(inFlight / batchSize)) }, lane));
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = (await redisCpuSeconds(redis)) - redisBefore;
  await batcher.close();
  if (unexpected.length > 0) throw new Error(`${unexpected.length} fresh scans were not won/no_prize, e.g. outcome ${unexpected[0]?.outcome}`);
  latencies.sort((a, b) => a - b);
  return {
    scansPerSecond: (scans.length / wall) * 1000,
    wallMicros: (wall * 1000) / scans.length,
    nodeMicros: (cpu.user + cpu.system) / scans.length,
    redisMicros: (redisCpu * 1e6) / scans.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** `count` bans of devices that never scan, in force all day. */
async function seedBans(redis: Redis, prefix: string, campaign: Campaign, count: number): Promise<void> {
  const ends = Date.now() + day;
  const bans = Array.from({ length: count }, () => [banField('device', randomBytes(16).toString('base64url')), ends]);
  if (count > 0) await redis.hset(campaignKeys(prefix, campaign.id).bans, Object.fromEntries(bans));
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

const COLUMNS = ['batch', 'scans/s', 'wall µs', 'node µs', 'redis µs', 'p50 ms', 'p99 ms', 'scans/s ×1', 'node µs ×1'];

export async function run(args: string[]): Promise<void> {
  const count = countOption(args, 'scans', 20_000);
  const inFlight = countOption(args, 'in-flight', 512);
  const rounds = countOption(args, 'rounds', 3);
  const bans = args.includes('--bans') ? countOption(args, 'bans', 1) : 0;
  const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefix = `sgbench:${randomBytes(6).toString('hex')}:`;
  const campaign = benchCampaign();
  const nextCode = codeSource(1);
  const persistence = (await redis.config('GET', 'append*')) as string[];
  const setting = (name: string) => persistence[persistence.indexOf(name) + 1];
  console.log(`decide: ${count} fresh scans per round, ${inFlight} in flight, median of ${rounds} rounds; ${bans} bans; Redis appendonly=${setting('appendonly')} appendfsync=${setting('appendfsync')}; µs are per scan`);
  console.log(COLUMNS.map((name) => name.padStart(10)).join(' '));
  let base: Measurement | undefined;
  try {
    for (const batchSize of BATCH_SIZES) {
      const results: Measurement[] = [];
      for (let round = -1; round < rounds; round++) {
        await deleteKeys(redis, campaignKeyPattern(prefix, campaign.id));
        await seedCampaignState(redis, prefix, campaign.id, [1]);
        await seedBans(redis, prefix, campaign, bans);
        // Round -1 warms up the JIT and the script cache and is not counted.
        const scans = freshScans(campaign, round < 0 ? Math.min(count, 2000) : count, nextCode);
        const result = await measure(redis, prefix, campaign, scans, batchSize, inFlight);
        if (round >= 0) results.push(result);
      }
      const middle = median(results.map((r) => r.scansPerSecond));
      const result = results.find((r) => r.scansPerSecond === middle) as Measurement;
      base ??= result;
      const cells = [
        String(batchSize),
        result.scansPerSecond.toFixed(0),
        result.wallMicros.toFixed(2),
        result.nodeMicros.toFixed(2),
        result.redisMicros.toFixed(2),
        result.p50.toFixed(3),
        result.p99.toFixed(3),
        (result.scansPerSecond / base.scansPerSecond).toFixed(2),
        (result.nodeMicros / base.nodeMicros).toFixed(2),
      ];
      console.log(cells.map((cell) => cell.padStart(10)).join(' '));
    }
  } finally {
    await deleteKeys(redis, campaignKeyPattern(prefix, campaign.id));
    redis.disconnect();
  }
}
