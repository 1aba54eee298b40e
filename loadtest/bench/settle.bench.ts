/**
 * Question: how long does settling one held scan take (settleReview-5.lua, one reviewer at a
 * time, as the console calls it)? Holds `--scans` scans, then settles each (approve and reject
 * alternating) and prints the call latency p50/p95/p99 in ms. The target is < 5 ms.
 * It runs against a private redis-server (AOF, appendfsync always, as shipped), started and
 * stopped here; settleHeldScan adds one Postgres read of the campaign, not measured here.
 *   npm run bench -- settle [--scans 2000]
 */
import { performance } from 'node:perf_hooks';
import { campaignKeys } from '../../core/redis/keys.js';
import { createRedisClient } from '../../core/redis/redis-client.js';
import { scriptCommands } from '../../core/redis/scripts.js';
import { packedTierIds, settleReviewKeys } from '../../core/redis/settle-review.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, seedCampaignState, FIXTURE_NOW } from '../../core/testing/decision-fixtures.js';
import { startPrivateRedis } from '../../core/testing/private-redis.js';
import { countOption } from './options.js';
import { format, percentile } from './stats.js';

const BATCH = 1;
const HELD_PER_CALL = 100;

export async function run(args: string[]): Promise<void> {
  const scans = countOption(args, 'scans', 2000);
  const server = await startPrivateRedis({ aof: true, appendfsync: 'always' });
  const redis = createRedisClient(server.url);
  try {
    const campaign = decisionCampaign('settle-bench');
    const prefix = 'bench:';
    await seedCampaignState(redis, prefix, campaign.id, [BATCH]);
    const nextCode = codeSource(BATCH);
    const held: { code: string; scanId: string }[] = [];
    while (held.length < scans) {
      const batch = Array.from({ length: Math.min(HELD_PER_CALL, scans - held.length) }, () => fixtureScan(campaign, nextCode(), {}, { score: 60, tierIndex: 1 }));
      const decisions = await decideScans(redis, prefix, campaign, batch);
      decisions.forEach((decision, i) => {
        if (decision.outcome === Outcome.Held) held.push({ code: batch[i]?.request.code as string, scanId: decision.scanId });
      });
    }
    const commands = scriptCommands(redis);
    const keys = settleReviewKeys(campaignKeys(prefix, campaign.id));
    const tierIds = packedTierIds(campaign);
    const latencies: number[] = [];
    for (const [i, scan] of held.entries()) {
      const started = performance.now();
      await commands.settleReview({ ...scan, keys, tierIds, now: FIXTURE_NOW, decision: i % 2 === 0 ? 'approve' : 'reject', reviewer: 'bench', note: 'checked' });
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const ms = (p: number) => format(percentile(latencies, p), 3);
    console.log(`settle (${latencies.length} held scans, one at a time, AOF always): p50 ${ms(50)} ms, p95 ${ms(95)} ms, p99 ${ms(99)} ms`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}
