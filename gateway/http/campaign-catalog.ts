import type pg from 'pg';
import type { Campaign } from '../../config/campaign-schema.js';
import { loadBatchIndex, type BatchIndexEntry } from '../../core/campaigns/batches.js';
import { loadCampaigns } from '../../core/campaigns/campaign-store.js';
import { ScangateError } from '../../core/errors.js';

/** A batch of a scanned code with the campaign it belongs to. */
export interface CatalogEntry {
  readonly batch: BatchIndexEntry;
  readonly campaign: Campaign;
}

export interface CampaignCatalog {
  /** The batch and campaign of a verified code, from memory. */
  find(batchId: number): CatalogEntry | undefined;
  /** For a batch not in memory (minted after the last load): reloads the batch index once, then looks again. */
  findAfterReload(batchId: number): Promise<CatalogEntry | undefined>;
  campaigns(): readonly Campaign[];
  /** the first load finished */
  loaded(): boolean;
  /** Loads campaigns and the batch index; called at start, then campaigns every `refreshMs`. */
  start(): Promise<void>;
  close(): void;
}

export interface CatalogOptions {
  readonly refreshMs: number;
  /** a campaign seen for the first time or in a new version (the gateway prepares its Redis state); retried next refresh when it fails */
  readonly onCampaign: (campaign: Campaign) => Promise<void>;
  readonly onRefreshError: (err: unknown) => void;
}

/**
 * The gateway's in-memory view of Postgres: every campaign (current version) and every batch.
 * Campaigns are reloaded periodically so a new version or a new campaign is picked up while the
 * gateway runs. Batches only ever get added (ids grow, a batch's campaign and region never
 * change), so the batch index is reloaded when a code names a batch it does not hold — once per
 * unknown batch id per refresh period, whatever the number of scans naming it.
 */
export function createCampaignCatalog(pool: pg.Pool, options: CatalogOptions): CampaignCatalog {
  let campaigns = new Map<string, Campaign>();
  let batches = new Map<number, BatchIndexEntry>();
  let isLoaded = false;
  let batchReload: Promise<void> | undefined;
  /** batch ids a reload did not find; forgotten every refresh period */
  let missing = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  const prepared = new WeakSet<Campaign>();

  function find(batchId: number): CatalogEntry | undefined {
    const batch = batches.get(batchId);
    const campaign = batch && campaigns.get(batch.campaignId);
    return batch && campaign ? { batch, campaign } : undefined;
  }

  async function loadCampaignsNow(): Promise<void> {
    const next = new Map<string, Campaign>();
    for (const loaded of await loadCampaigns(pool)) {
      const known = campaigns.get(loaded.id);
      // The object is kept while its content is the same, so per-version caches keyed by it stay warm.
      const campaign = known && JSON.stringify(known) === JSON.stringify(loaded) ? known : loaded;
      next.set(campaign.id, campaign);
      if (!prepared.has(campaign)) {
        // Not fatal (Redis may be down): the campaign is served, and preparing is tried again next refresh.
        await options.onCampaign(campaign).then(() => prepared.add(campaign), options.onRefreshError);
      }
    }
    campaigns = next;
  }

  function reloadBatches(): Promise<void> {
    batchReload ??= loadBatchIndex(pool)
      .then(async (index) => {
        batches = index;
        // A batch can arrive with a campaign this process has not loaded yet.
        if ([...index.values()].some((batch) => !campaigns.has(batch.campaignId))) await loadCampaignsNow();
      })
      .finally(() => (batchReload = undefined));
    return batchReload;
  }

  function refreshLater(): void {
    timer = setTimeout(() => {
      missing = new Set();
      loadCampaignsNow()
        .catch(options.onRefreshError)
        .finally(() => {
          if (timer !== undefined) refreshLater();
        });
    }, options.refreshMs);
    timer.unref();
  }

  return {
    find,
    async findAfterReload(batchId) {
      if (!missing.has(batchId)) {
        await reloadBatches().catch((err: unknown) => {
          throw new ScangateError('GW_ERR_DATABASE', (err as Error).message, { cause: err });
        });
        if (!batches.has(batchId)) missing.add(batchId);
      }
      return find(batchId);
    },
    campaigns: () => [...campaigns.values()],
    loaded: () => isLoaded,
    async start() {
      await loadCampaignsNow();
      await reloadBatches();
      isLoaded = true;
      refreshLater();
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
