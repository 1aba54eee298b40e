import type { Redis } from 'ioredis';
import { invalidAttemptField, invalidAttemptFlushSeconds, invalidAttemptRetentionDays, oldestKeptHour } from '../../core/analytics/invalid-attempts.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { systemClock, type Clock } from '../clock.js';
import { UNATTRIBUTED } from './enumeration-alarm.js';

export interface InvalidAttemptTally {
  /** Counts one invalid-code attempt naming `campaign` at `now` (ms): a Map increment, no I/O. */
  record(campaign: string, now: number): void;
  /** Writes what is pending now (the timer does it every few seconds); true when all of it was written. Never rejects. */
  flush(): Promise<boolean>;
  /** (hour, campaign) tallies waiting for a flush */
  pending(): number;
  /** attempts given up because tallies piled up past `maxPendingHours` while flushes failed */
  dropped(): number;
  /** Stops the timer, then flushes what is pending one last time. */
  stop(): Promise<void>;
}

export interface InvalidAttemptTallyOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly clock?: Clock;
  /** default invalidAttemptFlushSeconds, which the pages print beside the number */
  readonly flushMs?: number;
  /** distinct hours kept while flushes fail, the oldest given up first; times the catalog's campaigns, it bounds the memory */
  readonly maxPendingHours?: number;
  /** A flush failed, its tallies wait for the next one: called at the first failure after a success, and at stop (they are then lost). */
  readonly onFlushError?: (err: Error, pending: number) => void;
}

const hourMs = 3_600_000;
/** A week of a Redis outage is kept; a longer one loses its oldest hours first. */
const defaultMaxPendingHours = 7 * 24;
const retentionSeconds = invalidAttemptRetentionDays * 86_400;
/** How long a stop waits for the last flush. */
const finalFlushWaitMs = 2000;

/** hour field (epoch seconds) → campaign → attempts */
type Tallies = Map<string, Map<string, number>>;

interface Write {
  readonly field: string;
  readonly campaign: string;
  readonly attempts: number;
}

/**
 * Invalid-code attempts per campaign and UTC hour, tallied in the gateway process and added to
 * each campaign's `invalidAttempts` hash every few seconds: one pipeline per flush (an HINCRBY per
 * campaign and hour, an EXPIRE per campaign), never a round trip per forged code. Unattributed
 * codes (naming no known batch) are not written. A tally Redis refused stays pending for the next
 * flush (at most `maxPendingHours` distinct hours; campaigns are only those of the catalog), so a
 * Redis blip loses nothing; a reply lost after Redis applied the write counts it twice.
 * Once an hour per campaign, a flush also deletes the hash's fields older than the retention.
 */
export function startInvalidAttemptTally(options: InvalidAttemptTallyOptions): InvalidAttemptTally {
  const { redis, keyPrefix, clock = systemClock } = options;
  const maxPendingHours = options.maxPendingHours ?? defaultMaxPendingHours;
  const keyOf = (campaign: string) => campaignKeys(keyPrefix, campaign).invalidAttempts;
  let pending: Tallies = new Map();
  let dropped = 0;
  let failing = false;
  const stopping = new AbortController();
  // the field of the current hour, so that recording allocates nothing within an hour
  let currentHour = -1;
  let currentField = '';
  /** campaign → the hour its hash was last trimmed in */
  const trimmedIn = new Map<string, string>();

  function add(field: string, campaign: string, attempts: number): void {
    let campaigns = pending.get(field);
    if (!campaigns) pending.set(field, (campaigns = new Map()));
    campaigns.set(campaign, (campaigns.get(campaign) ?? 0) + attempts);
    if (pending.size > maxPendingHours) dropOldestHour();
  }

  function dropOldestHour(): void {
    let oldest: string | undefined;
    for (const field of pending.keys()) if (oldest === undefined || Number(field) < Number(oldest)) oldest = field;
    if (oldest === undefined) return;
    for (const attempts of (pending.get(oldest) as Map<string, number>).values()) dropped += attempts;
    pending.delete(oldest);
  }

  async function trim(campaigns: readonly string[]): Promise<void> {
    const hour = invalidAttemptField(clock.now());
    const due = campaigns.filter((campaign) => trimmedIn.get(campaign) !== hour);
    if (due.length === 0) return;
    const oldest = oldestKeptHour(clock.now());
    const listing = redis.pipeline();
    for (const campaign of due) listing.hkeys(keyOf(campaign));
    const fields = (await listing.exec()) ?? [];
    const deleting = redis.pipeline();
    due.forEach((campaign, i) => {
      const [err, keys] = fields[i] ?? [new Error('no reply')];
      if (err) return;
      const stale = (keys as string[]).filter((field) => Number(field) < oldest);
      if (stale.length > 0) deleting.hdel(keyOf(campaign), ...stale);
      trimmedIn.set(campaign, hour);
    });
    if (deleting.length > 0) await deleting.exec();
  }

  async function flushOnce(): Promise<boolean> {
    if (pending.size === 0) return true;
    const writing = pending;
    pending = new Map();
    const writes: Write[] = [];
    const pipeline = redis.pipeline();
    for (const [field, campaigns] of writing)
      for (const [campaign, attempts] of campaigns) {
        writes.push({ field, campaign, attempts });
        pipeline.hincrby(keyOf(campaign), field, attempts);
      }
    const campaigns = [...new Set(writes.map((write) => write.campaign))];
    for (const campaign of campaigns) pipeline.expire(keyOf(campaign), retentionSeconds);
    let failure: Error | null = null;
    try {
      const replies = (await pipeline.exec()) ?? [];
      writes.forEach((write, i) => {
        const err = replies[i]?.[0] ?? (replies[i] ? null : new Error('no reply'));
        if (!err) return;
        failure ??= err;
        add(write.field, write.campaign, write.attempts);
      });
    } catch (err) {
      failure = err as Error;
      for (const write of writes) add(write.field, write.campaign, write.attempts);
    }
    const wasFailing = failing;
    failing = failure !== null;
    if (failure) {
      if (!wasFailing || stopping.signal.aborted) options.onFlushError?.(failure, pendingCount());
      return false;
    }
    await trim(campaigns).catch(() => undefined); // the EXPIRE bounds the hash meanwhile; the next flush tries again
    return true;
  }

  const pendingCount = () => {
    let count = 0;
    for (const campaigns of pending.values()) count += campaigns.size;
    return count;
  };

  let flushing: Promise<boolean> = Promise.resolve(true);
  const flush = () => (flushing = flushing.then(flushOnce));

  const flushMs = options.flushMs ?? invalidAttemptFlushSeconds * 1000;
  const timer = (async () => {
    while (!stopping.signal.aborted) {
      await clock.sleep(flushMs, stopping.signal);
      if (!stopping.signal.aborted) await flush();
    }
  })();
  let stopped: Promise<void> | undefined;

  return {
    record(campaign, now) {
      if (campaign === UNATTRIBUTED) return;
      const hour = Math.floor(now / hourMs);
      if (hour !== currentHour) [currentHour, currentField] = [hour, invalidAttemptField(now)];
      add(currentField, campaign, 1);
    },
    flush,
    pending: pendingCount,
    dropped: () => dropped,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await timer;
        // a Redis that accepts the connection but never answers must not hold the gateway's stop
        const gaveUp = new AbortController();
        await Promise.race([flush(), clock.sleep(finalFlushWaitMs, gaveUp.signal)]);
        gaveUp.abort();
      })();
      return stopped;
    },
  };
}
