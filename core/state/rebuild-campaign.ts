import { setTimeout as sleep } from 'node:timers/promises';
import type { ChainableCommander, Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import type pg from 'pg';
import type { Campaign } from '../../config/campaign-schema.js';
import { queueBanMirror, readBanMirror } from '../bans/ban-mirror.js';
import { ScangateError } from '../errors.js';
import { backlogEntries, readBacklog } from '../redis/stream-backlog.js';
import { eventStream } from '../redis/stream-discovery.js';
import { campaignKeys, type CampaignKeys } from '../redis/keys.js';
import { bucketTtlSeconds, localDay } from '../scan/campaign-params.js';
import { Outcome } from '../scan/outcomes.js';
import { reasonBits } from '../scan/reasons.js';
import { openCampaignHistory, type CampaignHistory, type Counts, type RedeemedCode } from './campaign-history.js';
import { acquireRebuildLock, type RebuildLock } from './rebuild-lock.js';
import { mirrorBatches } from './batch-mirror.js';
import { hasEpoch } from './campaign-state.js';

export interface RebuildDeps {
  readonly redis: Redis;
  readonly pool: pg.Pool;
  readonly keyPrefix: string;
}

export interface RebuildOptions {
  /** Rebuild although the epoch is present (the state is suspect): the campaign is refused meanwhile. */
  readonly force?: boolean;
  /** how long the lock lives unless extended; it is extended after every page written */
  readonly lockTtlMs?: number;
  /** how long to wait for the ingest to commit decisions still in the events stream */
  readonly drainTimeoutMs?: number;
  /** rows read from Postgres and written to Redis per step */
  readonly pageSize?: number;
  /** ms since the epoch: picks the campaign-local day whose per-day counts are rebuilt */
  readonly now?: number;
  /** Aborts the wait for the ingest (a gateway stopping); the lock then expires or is released. */
  readonly signal?: AbortSignal;
}

export type RebuildResult =
  | { readonly status: 'intact' }
  | { readonly status: 'busy' }
  | {
      readonly status: 'rebuilt';
      readonly epoch: string;
      readonly codes: number;
      readonly issued: Counts;
      readonly held: Counts;
      readonly consumers: number;
      readonly batches: number;
      /** subjects banned in the campaign */
      readonly bans: number;
    };

const packr = new Packr({ useRecords: false });
/** Fields per HSET: big enough to amortise round trips, small enough not to stall Redis. */
const FIELDS_PER_COMMAND = 500;
const DRAIN_POLL_MS = 200;

/**
 * The `codes` record the decision script reads (see redeemBatch-17.lua). A reviewed held scan
 * answers as what the review made it, as settleReview-5.lua left it: approved is a win of its
 * tier, rejected is blocked with review_rejected; `rv` keeps it from being settled again.
 */
function codeRecord(row: RedeemedCode, tierIndex: ReadonlyMap<string, number>): Buffer {
  const approved = row.review === 'approved';
  const rejected = row.review === 'rejected';
  return packr.pack({
    d: row.deviceId,
    o: approved ? Outcome.Won : rejected ? Outcome.Blocked : row.outcome,
    t: rejected || row.tierId === null ? -1 : (tierIndex.get(row.tierId) ?? -1),
    s: row.eventId,
    a: row.redeemedAtMs,
    r: rejected ? row.reasonMask | reasonBits.review_rejected : row.reasonMask,
    c: row.score,
    ...(row.review === null ? {} : { rv: row.review }),
  });
}

type HashEntry = readonly [string, string | Buffer | number];

/** HSETs of at most FIELDS_PER_COMMAND fields each, queued on one pipeline. */
function queueHashWrites(pipeline: ChainableCommander, key: string, entries: readonly HashEntry[]): void {
  for (let start = 0; start < entries.length; start += FIELDS_PER_COMMAND) {
    pipeline.hset(key, ...entries.slice(start, start + FIELDS_PER_COMMAND).flat());
  }
}

async function execOrThrow(pipeline: ChainableCommander, what: string): Promise<void> {
  const replies = await pipeline.exec();
  const failed = replies?.find(([err]) => err !== null)?.[0];
  if (!replies || failed) throw new ScangateError('GW_ERR_REDIS_UNAVAILABLE', `rebuild: writing ${what}: ${failed?.message ?? 'pipeline aborted'}`);
}

/**
 * Decisions still in the events stream are not in Postgres yet, and a state rebuilt without them
 * would let their codes be redeemed again. With the epoch gone the stream no longer grows, so
 * this waits for the ingest to commit what is there.
 */
async function waitForIngest(deps: RebuildDeps, campaignId: string, lock: RebuildLock, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const backlog = await readBacklog(deps.redis, eventStream(deps.keyPrefix, campaignId));
    const waiting = backlog === null ? 0 : backlogEntries(backlog);
    if (waiting === 0) return;
    if (Date.now() >= deadline)
      throw new ScangateError('GW_ERR_CAMPAIGN_RECOVERING', `${waiting} decisions of ${campaignId} in its events stream are not in Postgres yet; the ingest must commit them first`);
    if (!(await lock.extend())) throw lostLock(campaignId);
    await sleep(DRAIN_POLL_MS, undefined, { signal });
  }
}

const lostLock = (campaignId: string): ScangateError =>
  new ScangateError('GW_ERR_CAMPAIGN_RECOVERING', `the rebuild lock of ${campaignId} expired and another process took over`);

/** Writes each page of rows into one hash (a pipeline per page), keeping the lock between pages; returns the rows written. */
async function writePages<T>(
  deps: RebuildDeps,
  lock: RebuildLock,
  target: { campaignId: string; key: string; what: string; ttlSeconds?: number },
  pages: AsyncIterable<T[]>,
  toEntry: (row: T) => HashEntry,
): Promise<number> {
  let written = 0;
  for await (const page of pages) {
    if (!(await lock.extend())) throw lostLock(target.campaignId);
    const pipeline = deps.redis.pipeline();
    queueHashWrites(pipeline, target.key, page.map(toEntry));
    if (target.ttlSeconds !== undefined) pipeline.expire(target.key, target.ttlSeconds);
    await execOrThrow(pipeline, target.what);
    written += page.length;
  }
  return written;
}

/** Writes everything but the epoch; returns the counts written. */
async function writeState(
  deps: RebuildDeps,
  keys: CampaignKeys,
  campaign: Campaign,
  history: CampaignHistory,
  lock: RebuildLock,
  options: { pageSize: number; now: number },
): Promise<Omit<Extract<RebuildResult, { status: 'rebuilt' }>, 'status' | 'epoch'>> {
  const day = localDay(campaign.window.timeZone, options.now);
  // Whatever a lost state left behind is replaced, not merged: Postgres now holds every decision.
  await deps.redis.unlink(keys.batches, keys.codes, keys.issued, keys.held, keys.consumerTotal, keys.consumerDay(day), keys.outcomes);

  // One connection holds the snapshot, so its queries run one after the other.
  const batches = await history.batches();
  const issued = await history.issued();
  const held = await history.held();
  const outcomes = await history.outcomes();
  const bans = await readBanMirror(deps.pool, campaign.id, options.now);
  const counters = deps.redis.pipeline();
  if (batches.size > 0) mirrorBatches(counters, keys.batches, batches);
  queueBanMirror(counters, keys.bans, bans);
  queueHashWrites(counters, keys.issued, Object.entries(issued));
  queueHashWrites(counters, keys.held, Object.entries(held));
  queueHashWrites(counters, keys.outcomes, Object.entries(outcomes));
  await execOrThrow(counters, 'batches and counters');

  const campaignId = campaign.id;
  const asIs = (entry: HashEntry): HashEntry => entry;
  const consumers = await writePages(deps, lock, { campaignId, key: keys.consumerTotal, what: 'consumer totals' }, history.consumerCounts(options.pageSize), asIs);
  const today = await history.dayBounds(day, campaign.window.timeZone);
  const dayTarget = { campaignId, key: keys.consumerDay(day), what: 'per-day consumer counts', ttlSeconds: bucketTtlSeconds.day };
  await writePages(deps, lock, dayTarget, history.consumerCounts(options.pageSize, today), asIs);
  const tierIndex = new Map(campaign.tiers.map((tier, index) => [tier.id, index]));
  const codes = await writePages(deps, lock, { campaignId, key: keys.codes, what: 'redeemed codes' }, history.redeemedCodes(options.pageSize), (row) => [
    row.code,
    codeRecord(row, tierIndex),
  ]);
  return { codes, issued, held, consumers, batches: batches.size, bans: bans.size };
}

/**
 * Rebuilds one campaign's Redis state from Postgres after Redis lost it (a restart without AOF,
 * a failover to an empty replica): batch activation, every redeemed code (so none can be
 * redeemed again), issued and held prizes per tier (so budgets continue), consumer totals and
 * today's per-consumer counts, the live outcome counters, the bans in force. One process at a time (the lock);
 * others get 'busy'. The epoch is set last, by the lock holder only, so a rebuild that fails
 * half-way leaves the campaign refused, never served from half a state.
 */
export async function rebuildCampaignState(deps: RebuildDeps, campaign: Campaign, options: RebuildOptions = {}): Promise<RebuildResult> {
  const keys = campaignKeys(deps.keyPrefix, campaign.id);
  const epochPresent = () => hasEpoch(deps.redis, deps.keyPrefix, campaign.id);
  if (!options.force && (await epochPresent())) return { status: 'intact' };
  const lock = await acquireRebuildLock(deps.redis, keys, options.lockTtlMs ?? 30_000);
  if (lock === undefined) return { status: 'busy' };
  let completed = false;
  try {
    // Another process may have finished a rebuild between the check and the lock.
    if (!options.force && (await epochPresent())) return { status: 'intact' };
    if (options.force) await deps.redis.del(keys.epoch);
    await waitForIngest(deps, campaign.id, lock, options.drainTimeoutMs ?? 30_000, options.signal);
    const history = await openCampaignHistory(deps.pool, campaign.id).catch((err: unknown) => {
      throw new ScangateError('GW_ERR_DATABASE', `rebuild of ${campaign.id}: ${(err as Error).message}`, { cause: err });
    });
    let written;
    try {
      written = await writeState(deps, keys, campaign, history, lock, { pageSize: options.pageSize ?? 5000, now: options.now ?? Date.now() });
    } finally {
      await history.close();
    }
    const epoch = String(Date.now());
    completed = await lock.complete(epoch);
    if (!completed) throw lostLock(campaign.id);
    return { status: 'rebuilt', epoch, ...written };
  } finally {
    if (!completed) await lock.release().catch(() => undefined);
  }
}
