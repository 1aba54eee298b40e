import type { Campaign } from '../../config/campaign-schema.js';
import { rebuildCampaignState, type RebuildDeps, type RebuildOptions, type RebuildResult } from './rebuild-campaign.js';

export interface RecoveryLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Rebuilds, one after the other, every listed campaign whose epoch is missing. A campaign that
 * another process is rebuilding ('busy') or that fails is reported and left for the next call.
 */
export async function ensureCampaignStates(
  deps: RebuildDeps,
  campaigns: readonly Campaign[],
  log: RecoveryLog,
  options: RebuildOptions = {},
): Promise<Map<string, RebuildResult | Error>> {
  const results = new Map<string, RebuildResult | Error>();
  for (const campaign of campaigns) {
    try {
      const result = await rebuildCampaignState(deps, campaign, options);
      if (result.status === 'rebuilt') log.info({ campaign: campaign.id, codes: result.codes, issued: result.issued }, 'campaign state rebuilt from Postgres');
      results.set(campaign.id, result);
    } catch (err) {
      log.warn({ campaign: campaign.id, err }, 'campaign state rebuild failed; retried later');
      results.set(campaign.id, err as Error);
    }
  }
  return results;
}

export interface StateRecovery {
  /**
   * The decision script answered EPOCH_MISSING for this campaign: rebuild it in the background.
   * Cheap to call on every refused scan: at most one rebuild per campaign runs in this process,
   * and a campaign is tried at most once per `minIntervalMs`.
   */
  epochMissing(campaign: Campaign): void;
  /** Waits for the rebuilds under way. */
  idle(): Promise<void>;
  /** Stops the rebuilds under way (one waiting for the ingest gives up) and waits for them. */
  close(): Promise<void>;
}

/** The gateway's automatic recovery: see createStateRecovery's callers in gateway/main.ts. */
export function createStateRecovery(deps: RebuildDeps, log: RecoveryLog, options: { minIntervalMs?: number; rebuild?: RebuildOptions } = {}): StateRecovery {
  const minIntervalMs = options.minIntervalMs ?? 2000;
  const lastTried = new Map<string, number>();
  const running = new Map<string, Promise<unknown>>();
  const stopping = new AbortController();
  const rebuildOptions = { ...options.rebuild, signal: stopping.signal };
  return {
    epochMissing(campaign) {
      const now = Date.now();
      if (stopping.signal.aborted || running.has(campaign.id) || now - (lastTried.get(campaign.id) ?? -Infinity) < minIntervalMs) return;
      lastTried.set(campaign.id, now);
      const run = ensureCampaignStates(deps, [campaign], log, rebuildOptions).finally(() => running.delete(campaign.id));
      running.set(campaign.id, run);
    },
    async idle() {
      await Promise.all(running.values());
    },
    async close() {
      stopping.abort();
      await Promise.all(running.values());
    },
  };
}
