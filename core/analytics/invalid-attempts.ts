import type { Redis } from 'ioredis';
import { campaignKeys } from '../redis/keys.js';
import { previousRange, type AnalyticsRange } from './analytics-range.js';
import { localMinute } from './wall-clock.js';

/**
 * Invalid-code attempts: forged or garbled codes whose BATCH field names one of the campaign's
 * batches (answered `invalid`, or 429 past their address's budget). They never reach Redis one by
 * one (invariant 4): each gateway process tallies them per campaign and UTC hour in memory and
 * adds the tallies to the campaign's `invalidAttempts` hash every few seconds. So they are not in
 * Postgres, no rebuild restores them, and they lag by up to one flush.
 */

/** How often a gateway writes its tallies (the pages say so beside the number). */
export const invalidAttemptFlushSeconds = 5;

/**
 * Hours kept in the hash: the longest range a page shows (92 days) and the period before it that
 * its cards compare with. The gateways trim older fields, and the key expires this long after
 * its last write, so it holds at most 184 × 24 fields.
 */
export const invalidAttemptRetentionDays = 184;

const hourMs = 3_600_000;

/** The hash field an instant is counted under: its UTC hour's start, in epoch seconds. */
export const invalidAttemptField = (instantMs: number): string => String(Math.floor(instantMs / hourMs) * 3600);

/** The oldest hour start (epoch seconds) still kept at `nowMs`. */
export const oldestKeptHour = (nowMs: number): number => Math.floor((nowMs - invalidAttemptRetentionDays * 24 * hourMs) / hourMs) * 3600;

export interface InvalidAttemptPoint {
  /** the bucket's start, campaign-local wall time as 'YYYY-MM-DD HH:00' (the rollup series' names) */
  readonly bucket: string;
  readonly attempts: number;
}

export interface InvalidAttempts {
  readonly source: 'gateway-counters';
  readonly readAt: Date;
  /** attempts in the UTC hours starting in the range */
  readonly current: number;
  /** the same for the period of the same length before it */
  readonly previous: number;
  /** every hour still kept (the last `invalidAttemptRetentionDays` days) */
  readonly kept: number;
  /** per campaign-local hour or day of the range, buckets with attempts only */
  readonly series: readonly InvalidAttemptPoint[];
}

export interface InvalidAttemptView {
  readonly grain: 'hour' | 'day';
  /** the campaign's time zone: buckets are named in it, like the rollups' series */
  readonly timeZone: string;
}

/** Hour start (ms) → attempts. */
type HourCounts = ReadonlyMap<number, number>;

function sumRange(hours: HourCounts, range: AnalyticsRange): number {
  const [from, to] = [range.from.getTime(), range.to.getTime()];
  let sum = 0;
  for (const [hour, attempts] of hours) if (hour >= from && hour < to) sum += attempts;
  return sum;
}

/** Like the rollups' `date_trunc(grain, hour AT TIME ZONE zone)`: a half-hour zone's hour lands in the local hour it starts in. */
function series(hours: HourCounts, range: AnalyticsRange, view: InvalidAttemptView): InvalidAttemptPoint[] {
  const [from, to] = [range.from.getTime(), range.to.getTime()];
  const buckets = new Map<string, number>();
  for (const [hour, attempts] of hours) {
    if (hour < from || hour >= to) continue;
    const local = localMinute(hour, view.timeZone);
    const bucket = view.grain === 'day' ? `${local.slice(0, 10)} 00:00` : `${local.slice(0, 13)}:00`;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + attempts);
  }
  return [...buckets].sort(([a], [b]) => a.localeCompare(b)).map(([bucket, attempts]) => ({ bucket, attempts }));
}

/**
 * A campaign's invalid-code attempts for a range, the period before it and per bucket, from one
 * HGETALL (at most 184 × 24 fields). Read only: the gateways write and trim the hash.
 */
export async function readInvalidAttempts(redis: Redis, keyPrefix: string, range: AnalyticsRange, view: InvalidAttemptView, now: () => Date = () => new Date()): Promise<InvalidAttempts> {
  const hash = await redis.hgetall(campaignKeys(keyPrefix, range.campaignId).invalidAttempts);
  const hours = new Map(Object.entries(hash).map(([field, attempts]) => [Number(field) * 1000, Number(attempts)]));
  let kept = 0;
  for (const attempts of hours.values()) kept += attempts;
  return {
    source: 'gateway-counters',
    readAt: now(),
    current: sumRange(hours, range),
    previous: sumRange(hours, previousRange(range)),
    kept,
    series: series(hours, range, view),
  };
}
