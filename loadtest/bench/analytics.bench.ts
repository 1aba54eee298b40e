/**
 * Questions: (1) what do the analytics rollups cost the ingest? Events/s of the same ingest with
 * and without them, interleaved rounds in one run (target: with ≥ 0.8 × without). (2) How fast
 * are the analytics page queries (core/analytics/) over a campaign of N scan events spread over
 * 30 days? The events are COPYed into scan_events, the rollups built by `rebuildRollups` (timed
 * too), then each query runs `--repeat` times: p50 / p95 ms (target p95 < 200 ms at 10 M).
 *   npm run bench -- analytics [--events 50000] [--rounds 2] [--seed 200000] [--repeat 30]
 * The full run: --events 200000 --seed 10000000.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadAppConfig } from '../../config/app-config.js';
import type { AnalyticsRange } from '../../core/analytics/analytics-range.js';
import { readBatchConversion } from '../../core/analytics/batch-conversion.js';
import { readBudgetBurn } from '../../core/analytics/budget-burn.js';
import { readDeviceSegments } from '../../core/analytics/device-segments.js';
import { readDiversion } from '../../core/analytics/diversion.js';
import { readFraudReasons } from '../../core/analytics/fraud-reasons.js';
import { readScanHeatmap } from '../../core/analytics/heatmap.js';
import { readOverview } from '../../core/analytics/overview.js';
import { rebuildRollups } from '../../core/analytics/rebuild-rollups.js';
import { readReviewStats } from '../../core/analytics/review-stats.js';
import { readOutcomeSeries } from '../../core/analytics/time-series.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { runMigrations } from '../../core/db/migrate.js';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { bringUpServices } from '../../core/services/stack.js';
import { decisionCampaign } from '../../core/testing/decision-fixtures.js';
import { createTestDatabase } from '../../core/testing/test-database.js';
import { copyLine } from '../../gateway/ingest/copy-text.js';
import { measure } from './ingest.bench.js';
import { countOption } from './options.js';
import { format, percentile, printTable } from './stats.js';
import { createPool } from '../../core/db/pool.js';

const dayMs = 86_400_000;
const DAYS = 30;
const REGIONS = ['CN-SH', 'CN-BJ', 'CN-GD', 'CN-ZJ', 'CN-JS'];
/** outcome, tier, reason mask: roughly a promotion's mix (as ingest.bench.ts) */
const MIX: [Outcome, string | null, number][] = [
  [Outcome.NoPrize, null, 0],
  [Outcome.NoPrize, null, 0],
  [Outcome.NoPrize, null, 0],
  [Outcome.Won, 'grand', 0],
  [Outcome.Won, 'points', 0],
  [Outcome.AlreadyRedeemed, null, reasonBits.clone],
  [Outcome.Held, 'grand', reasonBits.device_velocity | reasonBits.ip_velocity],
  [Outcome.LimitReached, null, 0],
  [Outcome.Blocked, null, reasonBits.ip_device_farm],
  [Outcome.Won, 'points', 0],
];

/** COPYs `events` scan events of the campaign, evenly over DAYS days before `end`, in time order. */
async function seedEvents(pool: pg.Pool, campaignId: string, batches: readonly number[], events: number, end: number): Promise<void> {
  const start = end - DAYS * dayMs;
  await ensureScanEventPartitions(pool, new Date(start), new Date(end));
  const devices = Math.max(1, Math.floor(events / 4));
  function* rows(): Generator<string> {
    const perChunk = 10_000;
    for (let first = 0; first < events; first += perChunk) {
      let chunk = '';
      for (let i = first; i < Math.min(events, first + perChunk); i++) {
        const [outcome, tier, reasons] = MIX[i % MIX.length] as (typeof MIX)[number];
        const at = new Date(start + Math.floor((i / events) * DAYS * dayMs)).toISOString();
        const device = `dev${String((i * 7919) % devices).padStart(19, '0')}`;
        const region = i % 7 === 0 ? null : (REGIONS[(i * 31) % REGIONS.length] as string);
        chunk += copyLine([at, i, batches[i % batches.length] as number, reasons, outcome, 0, i % 13 === 0, false, campaignId, `${i}-0`, `C${i}`, device, '203.0.113.9', tier, region, 'mobile']);
      }
      yield chunk;
    }
  }
  const client = await pool.connect();
  try {
    await pipeline(
      Readable.from(rows()),
      client.query(
        copyFrom(`COPY scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, tier_id, region, ua_class) FROM STDIN`),
      ),
    );
  } finally {
    client.release();
  }
}

async function timeQuery(repeat: number, query: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const millis: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await query();
    millis.push(performance.now() - started);
  }
  millis.sort((a, b) => a - b);
  return { p50: percentile(millis, 50), p95: percentile(millis, 95) };
}

export async function run(args: string[]): Promise<void> {
  const events = countOption(args, 'events', 50_000);
  const rounds = countOption(args, 'rounds', 2);
  const seed = countOption(args, 'seed', 200_000);
  const repeat = countOption(args, 'repeat', 30);
  const dataDir = fileURLToPath(new URL('../../../.data/bench', import.meta.url));
  const config = loadAppConfig(process.env, { dataDir });
  const services = await bringUpServices(config, { info: () => undefined }, { postgres: { database: 'postgres' } });
  process.env.DATABASE_URL = services.postgres.url;
  const database = await createTestDatabase();
  const pool = createPool(database.url, { max: 6 });
  try {
    await runMigrations(pool);
    const campaignId = 'bench-analytics';
    const end = Date.UTC(2026, 3, 1);
    await applyCampaign(
      pool,
      decisionCampaign(campaignId, { window: { startsAt: new Date(end - DAYS * dayMs).toISOString(), endsAt: new Date(end + dayMs).toISOString(), timeZone: 'Asia/Shanghai' } }),
      'bench',
    );

    const ingestRows: string[][] = [];
    for (let round = 1; round <= rounds; round++)
      for (const rollups of [false, true]) {
        const m = await measure(config, services.redis.url, pool, { batchSize: 5000, events, writers: 2, campaignId, rollups });
        ingestRows.push([String(round), rollups ? 'with rollups' : 'without', format(m.eventsPerSecond), m.p50.toFixed(1), m.p95.toFixed(1)]);
      }
    printTable(`ingest: ${events} events per run, batch 5000, 2 writers, interleaved rounds`, ['round', 'ingest', 'events/s', 'batch p50 ms', 'batch p95 ms'], ingestRows);

    const batches: number[] = [];
    for (const [i, region] of REGIONS.entries()) {
      const { rows } = await pool.query<{ id: number }>(
        `INSERT INTO code_batches (campaign_id, name, region, serial_first, serial_last, printed_count, status) VALUES ($1, $2, $3, 0, 999999, 1000000, 'active') RETURNING id`,
        [campaignId, `bench-analytics-${i}`, region],
      );
      batches.push(rows[0]?.id as number);
    }
    // Only the seeded events count for the queries: the ingest runs above wrote to the same campaign.
    await pool.query(`DELETE FROM scan_events WHERE campaign_id = $1`, [campaignId]);
    let started = performance.now();
    await seedEvents(pool, campaignId, batches, seed, end);
    const copySeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await rebuildRollups(pool, campaignId);
    const rebuildSeconds = (performance.now() - started) / 1000;
    await pool.query('VACUUM ANALYZE');
    console.log(`\nseeded ${format(seed)} events over ${DAYS} days: COPY ${copySeconds.toFixed(1)} s, rollups rebuilt in ${rebuildSeconds.toFixed(1)} s`);

    const month: AnalyticsRange = { campaignId, from: new Date(end - DAYS * dayMs), to: new Date(end) };
    const week: AnalyticsRange = { campaignId, from: new Date(end - 7 * dayMs), to: new Date(end) };
    const now = new Date(end);
    const queries: [string, () => Promise<unknown>][] = [
      ['overview (30 days + previous)', () => readOverview(pool, month)],
      ['overview (7 days + previous)', () => readOverview(pool, week)],
      ['outcome series, hourly, 7 days', () => readOutcomeSeries(pool, week, 'hour')],
      ['outcome series, daily, 30 days', () => readOutcomeSeries(pool, month, 'day')],
      ['heatmap, 30 days', () => readScanHeatmap(pool, month)],
      ['diversion, 30 days', () => readDiversion(pool, month)],
      ['fraud reasons, 30 days', () => readFraudReasons(pool, month)],
      ['budget burn', () => readBudgetBurn(pool, campaignId, now)],
      ['device segments (RFM)', () => readDeviceSegments(pool, campaignId, now)],
      ['batch conversion', () => readBatchConversion(pool, campaignId)],
      ['review stats, 30 days', () => readReviewStats(pool, month)],
    ];
    const queryRows: string[][] = [];
    for (const [name, query] of queries) {
      const t = await timeQuery(repeat, query);
      queryRows.push([name, t.p50.toFixed(1), t.p95.toFixed(1)]);
    }
    printTable(`analytics queries over ${format(seed)} events, ${repeat} runs each`, ['query', 'p50 ms', 'p95 ms'], queryRows);
  } finally {
    await pool.end();
    await database.drop();
    await services.stop();
  }
}
