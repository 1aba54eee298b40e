import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import type { Campaign } from '../../config/campaign-schema.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { isScangateError } from '../../core/errors.js';
import { appendScan, redeemBatchKeys } from '../../core/redis/redeem-batch.js';
import { registerScripts } from '../../core/redis/scripts.js';
import { MINUTE_MS, packedCampaignParams, timeBuckets } from '../../core/scan/campaign-params.js';
import type { ScanAssessment, ScanDecision, ScanRequest } from '../../core/scan/types.js';
import { createMicroBatcher } from './micro-batcher.js';

export interface DecisionBatcher {
  /** Decides one scan; scans of one campaign submitted in one event-loop turn share one script call. */
  submit(request: ScanRequest, assessment: ScanAssessment, campaign: Campaign): Promise<ScanDecision>;
  /** the decision script is in Redis's script cache (readiness) */
  scriptsLoaded(): boolean;
  /** Sends what is waiting and resolves once every call has answered. */
  close(): Promise<void>;
}

export interface DecisionBatcherHooks {
  /** a script call with this many scans */
  batch?(size: number): void;
  /** scans waiting for or inside a script call changed by `delta` */
  depth?(delta: number): void;
  /** a script call took this long, as seen from here */
  scriptSeconds?(seconds: number): void;
  /** the campaign's Redis state was lost (epoch missing): its scans were refused, it needs a rebuild */
  epochMissing?(campaign: Campaign): void;
}

export interface DecisionBatcherOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** most scans of one campaign per script call (config.gateway.batchMax) */
  readonly batchMax: number;
  /** ms since the epoch; tests move it */
  readonly clock?: () => number;
  readonly hooks?: DecisionBatcherHooks;
}

interface ScanToDecide {
  readonly request: ScanRequest;
  readonly assessment: ScanAssessment;
}

/** A campaign's script KEYS for one minute (the day and hour only change on minute boundaries). */
interface CampaignCallKeys {
  minute: number;
  keys: string[];
}

const packr = new Packr({ useRecords: false });

/**
 * The micro-batcher in front of the decision script: every scan of a campaign submitted in one
 * event-loop turn (flushed by setImmediate, or at once when `batchMax` are waiting) goes to
 * Redis as ONE redeemBatch call, which decides them in order, atomically. A failed call rejects
 * each scan of it (GW_ERR_REDIS_UNAVAILABLE, GW_ERR_CAMPAIGN_RECOVERING, GW_ERR_SCRIPT): the
 * script ran fully or not at all, so nothing is half-decided.
 */
export function createDecisionBatcher(options: DecisionBatcherOptions): DecisionBatcher {
  const { redis, keyPrefix, batchMax, hooks = {} } = options;
  const clock = options.clock ?? Date.now;
  const scripts = registerScripts(redis);
  const callKeys = new WeakMap<Campaign, CampaignCallKeys>();

  function keysAt(campaign: Campaign, now: number): string[] {
    const minute = Math.floor(now / MINUTE_MS);
    let cached = callKeys.get(campaign);
    if (cached?.minute !== minute) {
      const keys = redeemBatchKeys(campaignKeys(keyPrefix, campaign.id), timeBuckets(campaign.window.timeZone, now));
      callKeys.set(campaign, (cached = { minute, keys }));
    }
    return cached.keys;
  }

  async function callScript(campaign: Campaign, group: readonly ScanToDecide[]): Promise<ScanDecision[]> {
    const scans: unknown[] = [];
    for (const { request, assessment } of group) appendScan(scans, request, assessment);
    const now = clock();
    const started = performance.now();
    try {
      const decisions = await scripts.redeemBatch({ keys: keysAt(campaign, now), params: packedCampaignParams(campaign), now, scans: packr.pack(scans) });
      hooks.scriptSeconds?.((performance.now() - started) / 1000);
      return decisions;
    } catch (err) {
      if (isScangateError(err, 'GW_ERR_CAMPAIGN_RECOVERING')) hooks.epochMissing?.(campaign);
      throw err;
    }
  }

  const batcher = createMicroBatcher(callScript, batchMax, hooks);
  return {
    submit: (request, assessment, campaign) => batcher.add(campaign, { request, assessment }),
    scriptsLoaded: () => scripts.loaded(),
    async close() {
      await batcher.drain();
      scripts.close();
    },
  };
}
