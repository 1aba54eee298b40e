import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Campaign } from '../../config/campaign-schema.js';
import { ScangateError } from '../errors.js';
import { queueBanMirror, readBanMirror } from '../bans/ban-mirror.js';
import { campaignKeys } from '../redis/keys.js';
import { mirrorBatches } from './batch-mirror.js';

/**
 * A campaign's state in Redis and its epoch marker: the epoch is present exactly when the state
 * is complete. A campaign that never decided a scan starts complete (empty); one whose Redis
 * state was lost (a restart without AOF, a failover to an empty replica) keeps no epoch, so the
 * decision script refuses it (GW_ERR_CAMPAIGN_RECOVERING) until a rebuild from Postgres sets it.
 */
export interface CampaignStateDeps {
  readonly redis: Redis;
  readonly pool: pg.Pool;
  readonly keyPrefix: string;
}

/**
 * What Postgres says a campaign's Redis state must hold. The rebuild after data loss grows this
 * with the redeemed codes, issued and held counts per tier, and consumer totals.
 */
export interface CampaignSnapshot {
  /** batch id -> active */
  readonly batches: ReadonlyMap<number, boolean>;
  /** Postgres holds decisions of this campaign: an empty Redis state would forget them */
  readonly hasDecisions: boolean;
  /** the `bans` hash: field -> end (ms) of the bans in force */
  readonly bans: ReadonlyMap<string, number>;
}

export async function readCampaignSnapshot(pool: pg.Pool, campaignId: string, now = Date.now()): Promise<CampaignSnapshot> {
  try {
    const [batches, decided, bans] = await Promise.all([
      pool.query<{ id: number; status: string }>('SELECT id, status FROM code_batches WHERE campaign_id = $1', [campaignId]),
      pool.query<{ decided: boolean }>('SELECT EXISTS (SELECT 1 FROM scan_events WHERE campaign_id = $1) AS decided', [campaignId]),
      readBanMirror(pool, campaignId, now),
    ]);
    return {
      batches: new Map(batches.rows.map((row) => [row.id, row.status === 'active'])),
      hasDecisions: decided.rows[0]?.decided === true,
      bans,
    };
  } catch (err) {
    throw new ScangateError('GW_ERR_DATABASE', `reading campaign ${campaignId}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Mirrors the batches' activation into the `batches` hash (self-healing a `batch activate` whose
 * Redis write failed), replaces the `bans` hash with the bans in force (so a new campaign gets
 * the everywhere bans, and a ban whose Redis write failed is mirrored at last) and, when Postgres holds no decision of the campaign yet, sets its epoch
 * if missing: a new campaign starts with complete, empty state. Called by the gateway for every
 * campaign version it loads; whether the campaign can be served afterwards is `hasEpoch`.
 */
export async function prepareCampaignState(deps: CampaignStateDeps, campaign: Campaign, now = Date.now()): Promise<void> {
  const snapshot = await readCampaignSnapshot(deps.pool, campaign.id, now);
  const keys = campaignKeys(deps.keyPrefix, campaign.id);
  const transaction = deps.redis.multi();
  if (snapshot.batches.size > 0) mirrorBatches(transaction, keys.batches, snapshot.batches);
  queueBanMirror(transaction, keys.bans, snapshot.bans);
  if (!snapshot.hasDecisions) transaction.set(keys.epoch, String(now), 'NX');
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await transaction.exec();
  } catch (err) {
    throw new ScangateError('GW_ERR_REDIS_UNAVAILABLE', `preparing campaign ${campaign.id}: ${(err as Error).message}`, { cause: err });
  }
  const failed = replies?.find(([err]) => err !== null)?.[0];
  if (!replies || failed) throw new ScangateError('GW_ERR_REDIS_UNAVAILABLE', `preparing campaign ${campaign.id}: ${failed?.message ?? 'transaction aborted'}`);
}

export async function hasEpoch(redis: Redis, keyPrefix: string, campaignId: string): Promise<boolean> {
  return (await redis.exists(campaignKeys(keyPrefix, campaignId).epoch)) === 1;
}
