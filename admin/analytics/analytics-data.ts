import type pg from 'pg';
import { readBatchConversion } from '../../core/analytics/batch-conversion.js';
import { readBudgetBurn } from '../../core/analytics/budget-burn.js';
import { readCommittedTotals } from '../../core/analytics/committed-totals.js';
import { readDeviceSegments } from '../../core/analytics/device-segments.js';
import { readDiversion } from '../../core/analytics/diversion.js';
import { readInvalidAttempts } from '../../core/analytics/invalid-attempts.js';
import { readFraudReasons } from '../../core/analytics/fraud-reasons.js';
import { readScanHeatmap } from '../../core/analytics/heatmap.js';
import { readKpiSeries } from '../../core/analytics/kpi-series.js';
import { readLiveNumbers } from '../../core/analytics/live-numbers.js';
import { readOverview } from '../../core/analytics/overview.js';
import { readReviewStats } from '../../core/analytics/review-stats.js';
import { readOutcomeSeries } from '../../core/analytics/time-series.js';
import { readTopDevices } from '../../core/analytics/top-devices.js';
import type { BatchRedisTarget } from '../../core/campaigns/batches.js';
import type { Selection } from './analytics-selection.js';

/** Days of issuing that set a tier's pace (the budget burn's run-out day). */
export const paceDays = 3;

interface LoadContext {
  readonly pool: pg.Pool;
  readonly redis: BatchRedisTarget | undefined;
  readonly selection: Selection;
  readonly now: Date;
}

/** Numbers read from Redis, or why there are none: the page still shows the committed ones. */
export type RedisRead<T> = { readonly numbers: T } | { readonly unavailable: true };

async function fromRedis<T>(redis: BatchRedisTarget | undefined, read: (target: BatchRedisTarget) => Promise<T>): Promise<RedisRead<T>> {
  if (!redis) return { unavailable: true };
  try {
    return { numbers: await read(redis) };
  } catch {
    return { unavailable: true };
  }
}

/** Every query a page or export may need, by name: each table loads only what it shows. */
const loaders = {
  overview: ({ pool, selection }: LoadContext) => readOverview(pool, selection.range),
  kpiSeries: ({ pool, selection }: LoadContext) => readKpiSeries(pool, selection.range, selection.grain),
  outcomeSeries: ({ pool, selection }: LoadContext) => readOutcomeSeries(pool, selection.range, selection.grain),
  committed: ({ pool, selection, now }: LoadContext) => readCommittedTotals(pool, selection.campaign.id, () => now),
  live: ({ redis, selection, now }: LoadContext) => fromRedis(redis, ({ client, prefix }) => readLiveNumbers(client, prefix, selection.campaign.id, () => now)),
  /** the gateways' counters: the range, the period before it, and the series' buckets */
  invalidAttempts: ({ redis, selection, now }: LoadContext) =>
    fromRedis(redis, ({ client, prefix }) =>
      readInvalidAttempts(client, prefix, selection.range, { grain: selection.grain, timeZone: selection.campaign.window.timeZone }, () => now),
    ),
  burn: ({ pool, selection, now }: LoadContext) => readBudgetBurn(pool, selection.campaign.id, now, paceDays),
  diversion: ({ pool, selection }: LoadContext) => readDiversion(pool, selection.range),
  heatmap: ({ pool, selection }: LoadContext) => readScanHeatmap(pool, selection.range),
  reasons: ({ pool, selection }: LoadContext) => readFraudReasons(pool, selection.range),
  reviews: ({ pool, selection }: LoadContext) => readReviewStats(pool, selection.range),
  segments: ({ pool, selection, now }: LoadContext) => readDeviceSegments(pool, selection.campaign.id, now),
  topDevices: ({ pool, selection }: LoadContext) => readTopDevices(pool, selection.campaign.id),
  batches: ({ pool, selection }: LoadContext) => readBatchConversion(pool, selection.campaign.id),
};

export type AnalyticsData = { -readonly [K in keyof typeof loaders]: Awaited<ReturnType<(typeof loaders)[K]>> };
export type DataKey = keyof AnalyticsData;
export const allDataKeys = Object.keys(loaders) as DataKey[];

/** Runs the named queries side by side (each one statement on the pool). */
export async function loadAnalytics<K extends DataKey>(context: LoadContext, keys: readonly K[]): Promise<Pick<AnalyticsData, K>> {
  const values = await Promise.all(keys.map((key) => (loaders[key] as (c: LoadContext) => Promise<unknown>)(context)));
  return Object.fromEntries(keys.map((key, i) => [key, values[i]])) as Pick<AnalyticsData, K>;
}
