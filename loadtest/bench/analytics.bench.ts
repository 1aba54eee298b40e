/**
 * Questions: (1) what do the analytics rollups cost the ingest? Events/s of the same ingest with
 * and without them, interleaved rounds in one run, the order swapped every round (target: the
 * median of the rounds' ratios ≥ 0.8). (2) How fast are the analytics pages over a campaign of N
 * scan events spread over 30 days, 20 batches, 5 regions? The events are COPYed into scan_events, the rollups built by
 * `rebuildRollups` (timed too); then every query the pages run (core/analytics/, for the ranges the
 * pages ask for), the whole overview page through the real admin app (`app.inject()`, signed in as
 * a viewer: session, every query, rendering) for 2, 7 and 30 days, and the CSV export of every
 * table over 30 days, each `--repeat` times after 3 untimed runs: p50 / p95 ms (target p95 < 200 ms at 10 M).
 *   npm run bench -- analytics [--events 50000] [--rounds 2] [--seed 200000] [--repeat 30] [--keep]
 * The full run: --events 200000 --rounds 4 --seed 10000000. `--keep` leaves the seeded database
 * (its URL is printed) for EXPLAIN; drop it by hand afterwards.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { adminSessionKey, buildAdminApp } from '../../admin/app.js';
import { resolveSelection, selectionQuery, type Selection } from '../../admin/analytics/analytics-selection.js';
import { tableIds } from '../../admin/analytics/analytics-tables.js';
import { addUser } from '../../admin/users/user-store.js';
import { loadAppConfig, type AppConfig } from '../../config/app-config.js';
import { readBatchConversion } from '../../core/analytics/batch-conversion.js';
import { readBudgetBurn } from '../../core/analytics/budget-burn.js';
import { readCommittedTotals } from '../../core/analytics/committed-totals.js';
import { readDeviceSegments } from '../../core/analytics/device-segments.js';
import { readDiversion } from '../../core/analytics/diversion.js';
import { readFraudReasons } from '../../core/analytics/fraud-reasons.js';
import { readScanHeatmap } from '../../core/analytics/heatmap.js';
import { readKpiSeries } from '../../core/analytics/kpi-series.js';
import { readLiveNumbers } from '../../core/analytics/live-numbers.js';
import { readOverview } from '../../core/analytics/overview.js';
import { rebuildRollups } from '../../core/analytics/rebuild-rollups.js';
import { readReviewStats } from '../../core/analytics/review-stats.js';
import { readOutcomeSeries } from '../../core/analytics/time-series.js';
import { readTopDevices } from '../../core/analytics/top-devices.js';
import { applyCampaign, loadCampaigns } from '../../core/campaigns/campaign-store.js';
import { createCodeVerifier } from '../../core/codes/code-verifier.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { bringUpServices } from '../../core/services/stack.js';
import { decisionCampaign } from '../../core/testing/decision-fixtures.js';
import { createTestStack, type TestStack } from '../../core/testing/test-stack.js';
import { signInCookie } from './admin-sign-in.js';
import { seedAnalyticsEvents, seedRegions } from './analytics-seed.js';
import { measure } from './ingest.bench.js';
import { countOption } from './options.js';
import { format, median, percentile, printTable } from './stats.js';

const dayMs = 86_400_000;
const DAYS = 30;

const loadAverage = () => loadavg().map((n) => n.toFixed(2)).join(' ');

/** Untimed runs before the timed ones: the first requests of a page compile its code paths and fill caches. */
const WARM_UP = 3;

async function timeRepeated(repeat: number, once: () => Promise<unknown>): Promise<[string, string]> {
  for (let i = 0; i < WARM_UP; i++) await once();
  const millis: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await once();
    millis.push(performance.now() - started);
  }
  millis.sort((a, b) => a - b);
  return [percentile(millis, 50).toFixed(1), percentile(millis, 95).toFixed(1)];
}

/** Ingest runs with and without rollups, the order swapped every round so neither always runs on a warmer (or busier) machine. */
async function ingestRounds(config: AppConfig, redisUrl: string, pool: pg.Pool, campaignId: string, events: number, rounds: number): Promise<void> {
  const rows: string[][] = [];
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? [false, true] : [true, false];
    const runs = new Map<boolean, Awaited<ReturnType<typeof measure>>>();
    for (const rollups of order) runs.set(rollups, await measure(config, redisUrl, pool, { batchSize: 5000, events, writers: 2, campaignId, rollups }));
    const [without, withRollups] = [runs.get(false), runs.get(true)] as [Awaited<ReturnType<typeof measure>>, Awaited<ReturnType<typeof measure>>];
    const ratio = withRollups.eventsPerSecond / without.eventsPerSecond;
    ratios.push(ratio);
    rows.push([
      String(round),
      order[0] ? 'with first' : 'without first',
      format(without.eventsPerSecond),
      format(withRollups.eventsPerSecond),
      ratio.toFixed(2),
      without.p95.toFixed(1),
      withRollups.p95.toFixed(1),
    ]);
  }
  printTable(
    `ingest: ${format(events)} events per run, batch 5000, 2 writers, interleaved rounds (events/s; batch ms = COPY to COMMIT)`,
    ['round', 'order', 'without', 'with rollups', 'ratio', 'p95 ms without', 'p95 ms with'],
    rows,
  );
  console.log(`median ratio with ÷ without over ${rounds} rounds: ${median(ratios).toFixed(2)} (target ≥ 0.8)`);
}

const BATCHES = 20;

/** The campaign's batches (four per region) and its live counters in Redis, as a running campaign has them. */
async function seedCampaignState(stack: TestStack, campaignId: string): Promise<number[]> {
  const batches: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const region = seedRegions[i % seedRegions.length] as string;
    const { rows } = await stack.pool.query<{ id: number }>(
      `INSERT INTO code_batches (campaign_id, name, region, serial_first, serial_last, printed_count, status) VALUES ($1, $2, $3, 0, 999999, 1000000, 'active') RETURNING id`,
      [campaignId, `bench-analytics-${i}`, region],
    );
    batches.push(rows[0]?.id as number);
  }
  const keys = campaignKeys(stack.t.prefix, campaignId);
  await stack.t.redis
    .multi()
    .hset(keys.outcomes, { won: 3_000_000, no_prize: 3_000_000, held: 1_000_000, already_redeemed: 1_000_000 })
    .hset(keys.issued, { grand: 1000, points: 100_000 })
    .hset(keys.held, { grand: 20 })
    .exec();
  return batches;
}

/** Every query the analytics pages run, for the ranges they ask for. */
function pageQueries(pool: pg.Pool, stack: TestStack, selections: Record<'days2' | 'days7' | 'days30', Selection>, now: Date): [string, () => Promise<unknown>][] {
  const { days2, days7, days30 } = selections;
  const campaignId = days30.campaign.id;
  return [
    ['overview (30 days + previous)', () => readOverview(pool, days30.range)],
    ['overview (7 days + previous)', () => readOverview(pool, days7.range)],
    ['KPI series, daily, 30 days', () => readKpiSeries(pool, days30.range, 'day')],
    ['KPI series, daily, 7 days', () => readKpiSeries(pool, days7.range, 'day')],
    ['KPI series, hourly, 2 days', () => readKpiSeries(pool, days2.range, 'hour')],
    ['outcome series, daily, 30 days', () => readOutcomeSeries(pool, days30.range, 'day')],
    ['outcome series, daily, 7 days', () => readOutcomeSeries(pool, days7.range, 'day')],
    ['outcome series, hourly, 2 days', () => readOutcomeSeries(pool, days2.range, 'hour')],
    ['committed totals', () => readCommittedTotals(pool, campaignId)],
    ['live numbers (Redis)', () => readLiveNumbers(stack.t.redis, stack.t.prefix, campaignId)],
    ['heatmap, 30 days', () => readScanHeatmap(pool, days30.range)],
    ['diversion, 30 days', () => readDiversion(pool, days30.range)],
    ['fraud reasons, 30 days', () => readFraudReasons(pool, days30.range)],
    ['review stats, 30 days', () => readReviewStats(pool, days30.range)],
    ['budget burn', () => readBudgetBurn(pool, campaignId, now)],
    ['device segments (RFM)', () => readDeviceSegments(pool, campaignId, now)],
    ['top devices (20)', () => readTopDevices(pool, campaignId)],
    ['batch conversion', () => readBatchConversion(pool, campaignId)],
  ];
}

export async function run(args: string[]): Promise<void> {
  const events = countOption(args, 'events', 50_000);
  const rounds = countOption(args, 'rounds', 2);
  const seed = countOption(args, 'seed', 200_000);
  const repeat = countOption(args, 'repeat', 30);
  const keep = args.includes('--keep');
  const dataDir = fileURLToPath(new URL('../../../.data/bench', import.meta.url));
  const config = loadAppConfig(process.env, { dataDir });
  const services = await bringUpServices(config, { info: () => undefined }, { postgres: { database: 'postgres' } });
  process.env.DATABASE_URL = services.postgres.url;
  process.env.REDIS_URL = services.redis.url;
  const stack = await createTestStack({ poolMax: 8 });
  const { pool } = stack;
  let app: FastifyInstance | undefined;
  try {
    console.log(`load average (1, 5, 15 min) at the start: ${loadAverage()}`);
    const campaignId = 'bench-analytics';
    const end = Date.UTC(2026, 3, 1);
    const zone = 'Asia/Shanghai';
    await applyCampaign(pool, decisionCampaign(campaignId, { window: { startsAt: new Date(end - DAYS * dayMs).toISOString(), endsAt: new Date(end + dayMs).toISOString(), timeZone: zone } }), 'bench');

    await ingestRounds(config, services.redis.url, pool, campaignId, events, rounds);
    console.log(`load average after the ingest rounds: ${loadAverage()}`);

    const batches = await seedCampaignState(stack, campaignId);
    // Only the seeded events count for the queries: the ingest runs above wrote to the same campaign.
    await pool.query(`DELETE FROM scan_events WHERE campaign_id = $1`, [campaignId]);
    await pool.query(`DELETE FROM redemptions WHERE campaign_id = $1`, [campaignId]);
    let started = performance.now();
    await seedAnalyticsEvents(pool, { campaignId, batches, events: seed, days: DAYS, end });
    const copySeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await rebuildRollups(pool, campaignId);
    const rebuildSeconds = (performance.now() - started) / 1000;
    await pool.query('VACUUM ANALYZE');
    const { rows: sizes } = await pool.query<{ devices: string; hourly: string }>(
      `SELECT (SELECT count(*) FROM analytics_devices) AS devices, (SELECT count(*) FROM analytics_hourly) AS hourly`,
    );
    console.log(
      `\nseeded ${format(seed)} events over ${DAYS} days: COPY ${copySeconds.toFixed(1)} s, rollups rebuilt in ${rebuildSeconds.toFixed(1)} s ` +
        `(${format(Number(sizes[0]?.devices))} devices, ${format(Number(sizes[0]?.hourly))} hourly rows)`,
    );

    // the ranges the pages ask for, resolved as the pages resolve them (campaign-local days up to `end`'s day)
    const campaigns = await loadCampaigns(pool);
    const lastDay = '2026-04-01';
    const select = (from: string): Selection => {
      const resolved = resolveSelection(campaigns, { campaign: campaignId, from, to: lastDay }, end);
      if (!('selection' in resolved)) throw new Error(`bench selection ${from}: ${resolved.problem}`);
      return resolved.selection;
    };
    const selections = { days2: select('2026-03-31'), days7: select('2026-03-26'), days30: select('2026-03-03') };
    const now = new Date(end);

    const queryRows: string[][] = [];
    for (const [name, query] of pageQueries(pool, stack, selections, now)) queryRows.push([name, ...(await timeRepeated(repeat, query))]);
    printTable(`analytics queries over ${format(seed)} events, ${repeat} runs each (ms)`, ['query', 'p50', 'p95'], queryRows);

    app = await buildAdminApp({
      pool,
      redis: { client: stack.t.redis, prefix: stack.t.prefix },
      clock: () => end,
      verifier: createCodeVerifier({ codeKeys: new Map([[0, randomBytes(32)]]), retiredKeyIds: new Set<number>() }),
      url: 'http://127.0.0.1:8081',
      sessionKey: adminSessionKey(randomBytes(32)),
    });
    const password = `bench-${randomBytes(9).toString('base64url')}`;
    await addUser(pool, 'bench-viewer', 'viewer', password, 'bench');
    const cookie = await signInCookie(app, 'bench-viewer', password);
    const get = async (url: string) => {
      const response = await (app as FastifyInstance).inject({ method: 'GET', url, headers: { cookie } });
      if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode}`);
    };
    const pageRows: string[][] = [];
    for (const [label, selection] of [['2 days (hourly)', selections.days2], ['7 days', selections.days7], ['30 days', selections.days30]] as const)
      pageRows.push([`overview page, ${label}`, ...(await timeRepeated(repeat, () => get(`/analytics?${selectionQuery(selection)}`)))]);
    for (const table of tableIds) pageRows.push([`CSV ${table}, 30 days`, ...(await timeRepeated(repeat, () => get(`/analytics/csv/${table}?${selectionQuery(selections.days30)}`)))]);
    printTable(`analytics pages over ${format(seed)} events, ${repeat} runs each: server time in ms (app.inject, viewer session)`, ['page', 'p50', 'p95'], pageRows);
    console.log(`load average at the end: ${loadAverage()}`);
  } finally {
    await app?.close();
    if (keep) {
      await pool.end();
      await stack.t.cleanup();
      console.log(`kept the database: ${stack.db.url}`);
    } else await stack.stop();
    await services.stop();
  }
}
