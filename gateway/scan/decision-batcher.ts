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

/** The scans of one campaign waiting for the same call: packed flat, answered in order. */
interface Group {
  readonly campaign: Campaign;
  readonly scans: unknown[];
  readonly resolves: ((decision: ScanDecision) => void)[];
  readonly rejects: ((err: unknown) => void)[];
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
  const calls = new Set<Promise<void>>();
  let groups = new Map<Campaign, Group>();
  let flushScheduled = false;

  function keysAt(campaign: Campaign, now: number): string[] {
    const minute = Math.floor(now / MINUTE_MS);
    let cached = callKeys.get(campaign);
    if (cached?.minute !== minute) {
      const keys = redeemBatchKeys(campaignKeys(keyPrefix, campaign.id), timeBuckets(campaign.window.timeZone, now));
      callKeys.set(campaign, (cached = { minute, keys }));
    }
    return cached.keys;
  }

  function answer(group: Group, decisions: readonly ScanDecision[]): void {
    group.resolves.forEach((resolve, i) => resolve(decisions[i] as ScanDecision));
  }

  function fail(group: Group, err: unknown): void {
    if (isScangateError(err, 'GW_ERR_CAMPAIGN_RECOVERING')) hooks.epochMissing?.(group.campaign);
    for (const reject of group.rejects) reject(err);
  }

  /** An async function, so that nothing thrown while building the call escapes a setImmediate. */
  async function callScript(group: Group): Promise<ScanDecision[]> {
    const now = clock();
    const started = performance.now();
    const decisions = await scripts.redeemBatch({ keys: keysAt(group.campaign, now), params: packedCampaignParams(group.campaign), now, scans: packr.pack(group.scans) });
    hooks.scriptSeconds?.((performance.now() - started) / 1000);
    return decisions;
  }

  function send(group: Group): void {
    const size = group.resolves.length;
    hooks.batch?.(size);
    const call = callScript(group)
      .then(
        (decisions) => answer(group, decisions),
        (err: unknown) => fail(group, err),
      )
      .finally(() => {
        calls.delete(call);
        hooks.depth?.(-size);
      });
    calls.add(call);
  }

  function flush(): void {
    flushScheduled = false;
    const ready = groups;
    groups = new Map();
    for (const group of ready.values()) send(group);
  }

  return {
    submit(request, assessment, campaign) {
      return new Promise<ScanDecision>((resolve, reject) => {
        let group = groups.get(campaign);
        if (group === undefined) groups.set(campaign, (group = { campaign, scans: [], resolves: [], rejects: [] }));
        appendScan(group.scans, request, assessment);
        group.resolves.push(resolve);
        group.rejects.push(reject);
        hooks.depth?.(1);
        if (group.resolves.length >= batchMax) {
          groups.delete(campaign);
          send(group);
        } else if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },
    scriptsLoaded: () => scripts.loaded(),
    async close() {
      flush();
      await Promise.all(calls);
      scripts.close();
    },
  };
}
