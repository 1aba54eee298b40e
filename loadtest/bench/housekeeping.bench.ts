/**
 * Question: does Redis's housekeeping stall scans at peak? Each minute's velocity bucket gains
 * three fields per fresh scan from a new phone (about a million at peak) and expires 3 minutes
 * after its minute; freeing such a hash in Redis's main thread stops every client for hundreds of
 * milliseconds, once a minute. `lazyfree-lazy-expire yes` frees it in a background thread.
 *
 * Fresh scans (each a new code, from a new device at a new address, as at a real peak) go through
 * the decision batcher and the real script (no HTTP, no workers) to a private redis-server (AOF
 * as --aof says, no automatic AOF rewrite: a rewrite's fork would be a stall of its own), on the
 * real clock so the buckets roll over and expire as in production. First a closed loop of
 * --in-flight phones for --max-seconds finds the maximum rate; then scans are sent at half that
 * rate on a fixed schedule (open loop: a stall delays every scan sent during it, and they all
 * count) for --seconds, with lazyfree off and then on (--lazyfree both), each on a new server.
 * Prints per 10 s window: scans, p50, p99 and max latency (from submit to answer), keys Redis
 * expired, and SPIKE where the window's p99 is more than 3x the median window's; then Redis's
 * own LATENCY LATEST (events over 50 ms, e.g. expire-del). --rate sets the open loop's rate
 * instead (the maximum is then not measured: on a busy machine it varies from run to run).
 * Before the open loop, the minute buckets of the 3 minutes before it are filled as that rate
 * would have filled them, with the time to live the script gives them, so a bucket expires at
 * every minute boundary of the run, as in the middle of a peak.
 *   npm run bench -- housekeeping [--seconds 300] [--max-seconds 10] [--in-flight 256] [--rate N] [--aof always|off] [--lazyfree both|off|on]
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Campaign } from '../../config/campaign-schema.js';
import { createRedisClient } from '../../core/redis/redis-client.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { bucketTtlSeconds, MINUTE_MS } from '../../core/scan/campaign-params.js';
import { createDecisionBatcher, type DecisionBatcher } from '../../gateway/scan/decision-batcher.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { codeSource, decisionCampaign, fixtureScan, seedCampaignState } from '../../core/testing/decision-fixtures.js';
import { startPrivateRedis, type PrivateRedis } from '../../core/testing/private-redis.js';
import { latencyWindows, type LatencySample } from './latency-windows.js';
import { choiceOption, countOption } from './options.js';
import { format, printTable } from './stats.js';
import { runInterruptible } from './interruptible.js';

const BATCH_ID = 1;
const PREFIX = 'sgbench:';
const WINDOW_MS = 10_000;
/** The open loop sends what is due every tick. */
const TICK_MS = 5;
/** Redis's latency monitor records events that take longer than this. */
const LATENCY_THRESHOLD_MS = 50;
const day = 86_400_000;

interface Options {
  readonly seconds: number;
  readonly maxSeconds: number;
  readonly inFlight: number;
  /** scans/s of the open loop; 0: half the measured maximum */
  readonly rate: number;
  readonly aof: boolean;
  readonly lazyFree: readonly boolean[];
}

function parseOptions(args: readonly string[]): Options {
  const lazyFree = choiceOption(args, 'lazyfree', ['both', 'off', 'on'] as const, 'both');
  return {
    seconds: countOption(args, 'seconds', 300),
    maxSeconds: countOption(args, 'max-seconds', 10),
    inFlight: countOption(args, 'in-flight', 256),
    rate: args.includes('--rate') ? countOption(args, 'rate', 1) : 0,
    aof: choiceOption(args, 'aof', ['always', 'off'] as const, 'always') === 'always',
    lazyFree: lazyFree === 'both' ? [false, true] : [lazyFree === 'on'],
  };
}

/** Open around now (the real clock decides the buckets), prizes and limits out of reach. */
function benchCampaign(): Campaign {
  const now = Date.now();
  return decisionCampaign('housekeeping', {
    window: { startsAt: new Date(now - day).toISOString(), endsAt: new Date(now + day).toISOString(), timeZone: 'Asia/Shanghai' },
    tiers: [{ id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 100_000_000, weight: 1 }],
    limits: { perConsumerPerDay: 100_000_000, perConsumerPerCampaign: 100_000_000 },
  });
}

type ScanSource = ReturnType<typeof scanSource>;

/** Fresh scans: a new code, a new device (fixtureScan's default) and a new IPv4 address each. */
function scanSource(campaign: Campaign) {
  const nextCode = codeSource(BATCH_ID);
  let n = 0;
  return () => {
    const i = n++;
    return fixtureScan(campaign, nextCode(), { ip: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`, receivedAt: Date.now() });
  };
}

/** Submits one scan and records when it was sent and how long it took; a scan not won is a broken run. */
function scanner(batcher: DecisionBatcher, campaign: Campaign, nextScan: ScanSource, startedAt: number) {
  const samples: LatencySample[] = [];
  let unexpected = 0;
  return {
    samples,
    unexpected: () => unexpected,
    async scan(): Promise<void> {
      const scan = nextScan();
      const sent = performance.now();
      const decision = await batcher.submit(scan.request, scan.assessment, campaign);
      samples.push({ sentAtMs: sent - startedAt, latencyMs: performance.now() - sent });
      if (decision.outcome !== Outcome.Won) unexpected++;
    },
  };
}

/** `inFlight` phones, each sending its next scan as soon as the last is answered: scans/s. */
async function maximumRate(batcher: DecisionBatcher, campaign: Campaign, nextScan: ScanSource, inFlight: number, seconds: number): Promise<number> {
  const started = performance.now();
  const run = scanner(batcher, campaign, nextScan, started);
  const until = started + seconds * 1000;
  const phone = async () => {
    while (performance.now() < until) await run.scan();
  };
  await Promise.all(Array.from({ length: inFlight }, phone));
  if (run.unexpected() > 0) throw new Error(`${run.unexpected()} fresh scans were not won`);
  return run.samples.length / ((performance.now() - started) / 1000);
}

/** `rate` scans/s on a fixed schedule for `seconds`, whatever the answers take. */
async function openLoop(
  batcher: DecisionBatcher,
  campaign: Campaign,
  nextScan: ScanSource,
  { rate, seconds }: { rate: number; seconds: number },
  onWindow: () => Promise<void>,
): Promise<LatencySample[]> {
  const started = performance.now();
  const run = scanner(batcher, campaign, nextScan, started);
  const pending: Promise<void>[] = [];
  let sent = 0;
  let nextWindow = WINDOW_MS;
  for (let elapsed = 0; elapsed < seconds * 1000; elapsed = performance.now() - started) {
    for (const due = Math.floor((rate * elapsed) / 1000); sent < due; sent++) pending.push(run.scan());
    if (elapsed >= nextWindow) {
      nextWindow += WINDOW_MS;
      void onWindow();
    }
    await sleep(TICK_MS);
  }
  await Promise.all(pending);
  if (run.unexpected() > 0) throw new Error(`${run.unexpected()} fresh scans were not won`);
  return run.samples;
}

/** Fields of one velocity bucket per scan: d:<device>, i:<address>, c:<consumer>. */
const FIELDS_PER_SCAN = 3;
const FIELDS_PER_HSET = 1000;

/**
 * The minute buckets of the 3 minutes before the run, as a peak at `rate` left them (filled and
 * expiring when the script's EXPIRE would let them), so one expires at each of the run's first
 * minute boundaries instead of from its fourth minute on.
 */
async function fillEarlierBuckets(redis: Redis, campaignId: string, rate: number): Promise<number> {
  const keys = campaignKeys(PREFIX, campaignId);
  const now = Date.now();
  const minute = Math.floor(now / MINUTE_MS);
  const fields = Math.round(rate * 60 * FIELDS_PER_SCAN);
  for (let bucket = minute - 3; bucket < minute; bucket++) {
    const key = keys.velocity(bucket);
    const pipeline = redis.pipeline();
    for (let from = 0; from < fields; from += FIELDS_PER_HSET) {
      const pairs: string[] = [];
      for (let i = from; i < Math.min(fields, from + FIELDS_PER_HSET); i++) pairs.push(`d:earlier-${i}`, '1');
      pipeline.hset(key, ...pairs);
    }
    // the last scan of the bucket's minute set its time to live
    pipeline.pexpireat(key, (bucket + 1) * MINUTE_MS + bucketTtlSeconds.minute * 1000);
    await pipeline.exec();
  }
  return fields;
}

async function info(redis: Redis, name: string): Promise<number> {
  const text = await redis.info();
  return Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

async function measure(server: PrivateRedis, options: Options, label: string): Promise<void> {
  const redis = createRedisClient(server.url, { maxRetriesPerRequest: 1 });
  // INFO on a connection of its own, so it never waits behind the scans' script calls.
  const monitor = createRedisClient(server.url, { maxRetriesPerRequest: 1 });
  const batcher = createDecisionBatcher({ redis, keyPrefix: PREFIX, batchMax: 256 });
  try {
    await monitor.config('SET', 'latency-monitor-threshold', String(LATENCY_THRESHOLD_MS));
    const campaign = benchCampaign();
    await seedCampaignState(redis, PREFIX, campaign.id, [BATCH_ID]);
    // one source for both phases: every scan of the run is fresh
    const nextScan = scanSource(campaign);
    const maxRate = options.rate > 0 ? 0 : await maximumRate(batcher, campaign, nextScan, options.inFlight, options.maxSeconds);
    const rate = options.rate > 0 ? options.rate : maxRate / 2;
    const filled = await fillEarlierBuckets(redis, campaign.id, rate);
    const measured = maxRate > 0 ? `maximum ${format(maxRate)} scans/s (${options.inFlight} in flight, ${options.maxSeconds} s); now ` : '';
    console.log(`\n${label}: ${measured}${format(rate)} scans/s for ${options.seconds} s; the 3 earlier minute buckets hold ${format(filled)} fields each`);
    await monitor.latency('RESET');
    const expiredAt: number[] = [await info(monitor, 'expired_keys')];
    const samples = await openLoop(batcher, campaign, nextScan, { rate, seconds: options.seconds }, async () => void expiredAt.push(await info(monitor, 'expired_keys')));
    expiredAt.push(await info(monitor, 'expired_keys'));
    const windows = latencyWindows(samples, WINDOW_MS);
    printTable(
      `${label}: per ${WINDOW_MS / 1000} s window (latency in ms; SPIKE: p99 > 3x the median window's)`,
      ['from s', 'scans', 'p50', 'p99', 'max', 'expired keys', ''],
      windows.map((w, i) => [
        String(w.fromSeconds),
        format(w.count),
        format(w.p50, 2),
        format(w.p99, 2),
        format(w.max, 1),
        String((expiredAt[i + 1] ?? 0) - (expiredAt[i] ?? 0)),
        w.spike ? 'SPIKE' : '',
      ]),
    );
    const spikes = windows.filter((w) => w.spike).length;
    console.log(`${label}: ${spikes} of ${windows.length} windows spiked; keys expired in the run: ${(expiredAt.at(-1) ?? 0) - (expiredAt[0] ?? 0)}`);
    const events = (await monitor.latency('LATEST')) as [string, number, number, number][];
    console.log(`${label}: Redis LATENCY LATEST (> ${LATENCY_THRESHOLD_MS} ms): ${events.length === 0 ? 'none' : events.map(([event, , last, max]) => `${event} last ${last} ms, max ${max} ms`).join('; ')}`);
  } finally {
    await batcher.close();
    redis.disconnect();
    monitor.disconnect();
  }
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  console.log(
    `housekeeping: fresh scans from new phones through the decision batcher, a private redis-server per setting (AOF ${options.aof ? 'always' : 'off'}, no automatic rewrite), lazyfree ${options.lazyFree.map((on) => (on ? 'on' : 'off')).join(' then ')}`,
  );
  await runInterruptible(async (teardown, signal) => {
    for (const lazyFree of options.lazyFree) {
      signal.throwIfAborted();
      const server = await startPrivateRedis({ aof: options.aof, appendfsync: 'always', autoAofRewrite: false, lazyFree });
      teardown.add(() => server.stop());
      // each setting on a server of its own: the first one's data would weigh on the second
      await measure(server, options, `lazyfree ${lazyFree ? 'on' : 'off'}`).finally(() => server.stop());
    }
  });
}
