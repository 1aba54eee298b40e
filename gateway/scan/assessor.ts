import type { AppConfig } from '../../config/app-config.js';
import type { Campaign } from '../../config/campaign-schema.js';
import { assessScans, prepareCampaign, readAssessments, type AssessCampaign, type PreparedCampaign, type ScanFeatures } from '../../workers/assess.js';
import { packScans } from '../../workers/assess-task.js';
import { createAssessPool } from '../../workers/pool.js';
import { ScangateError } from '../../core/errors.js';
import { campaignRegionOf } from '../../core/geo/campaign-region.js';
import type { ScanAssessment, ScanRequest } from '../../core/scan/types.js';

/** A scan on its way to the CPU stage, with what its batch says about it. */
export interface ScanToAssess {
  readonly request: ScanRequest;
  /** region the code's batch was shipped to, if it has one */
  readonly batchRegion: string | null;
  /** the code is a canary that was never printed */
  readonly honeypot: boolean;
}

/**
 * The CPU stage of the hot path: fraud score on request features and the prize draw, for every
 * scan of one campaign that arrived in one event-loop turn (the caller batches; one call sends
 * one worker task). `config.workers.mode` picks inline (on the event loop) or a piscina pool;
 * both run the same pure functions and give the same answers.
 */
export interface Assessor {
  assess(campaign: Campaign, scans: readonly ScanToAssess[]): Promise<ScanAssessment[]>;
  close(): Promise<void>;
}

/** The campaign's draw key (core/secrets.ts); it must not change while a campaign runs. */
export type DrawKeyLookup = (campaignId: string) => Buffer;

/** A campaign version as the CPU stage knows it. */
interface CampaignEntry {
  /** unique in this process, so workers can cache the campaign under it */
  readonly key: number;
  readonly campaign: AssessCampaign;
  readonly prepared: PreparedCampaign;
}

type Runner = (entry: CampaignEntry, scans: readonly ScanFeatures[]) => Int32Array | Promise<Int32Array>;

let lastCampaignKey = 0;

function featuresOf({ request, batchRegion, honeypot }: ScanToAssess): ScanFeatures {
  const place = request.place;
  return {
    code: request.code,
    userAgent: request.userAgent,
    lat: request.lat ?? NaN,
    lon: request.lon ?? NaN,
    forgedAttempts: request.forgedAttempts,
    newDevice: request.newDevice,
    honeypot,
    batchRegion,
    networkType: place?.networkType ?? 'unknown',
    ipCountry: place?.country ?? '',
    ipRegion: place?.region ?? '',
  };
}

/**
 * The region a scan's event records (`rg`, the analytics' diversion matrix): the campaign region
 * its coordinates fall in, as the CPU stage found it; for a scan without coordinates, where its
 * address is: the campaign's region for it (province first, then country), else the address's own
 * region code ("CN-GD"), so scans outside every campaign region still show where they came from.
 */
function recordedRegion(assessment: ScanAssessment, { request }: ScanToAssess, regions: Campaign['regions']): ScanAssessment {
  if (assessment.region !== null || request.lat !== undefined || request.place === undefined || request.place.country === '') return assessment;
  const index = campaignRegionOf(request.place, regions);
  return { ...assessment, region: regions[index]?.code ?? request.place.region };
}

function entryOf(campaign: Campaign, drawKey: Buffer): CampaignEntry {
  const assessCampaign: AssessCampaign = {
    // An own copy: a pooled Buffer would post its whole 8 KB slab to each worker.
    drawKey: new Uint8Array(drawKey),
    weights: [...campaign.tiers.map((tier) => tier.weight), campaign.noPrizeWeight],
    regions: campaign.regions,
    allowedRegions: campaign.allowedRegions,
    rules: campaign.fraud.rules,
  };
  return { key: ++lastCampaignKey, campaign: assessCampaign, prepared: prepareCampaign(assessCampaign) };
}

function poolRunner(threads: number): { run: Runner; close: () => Promise<void> } {
  const pool = createAssessPool(threads);
  const send = (entry: CampaignEntry, scans: readonly ScanFeatures[], withCampaign: boolean) => {
    const packed = packScans(scans);
    const task = { campaignKey: entry.key, campaign: withCampaign ? entry.campaign : null, scans: packed };
    return pool.run(task, { transferList: [packed.buffer] });
  };
  return {
    async run(entry, scans) {
      // A thread that has not seen this campaign version answers null once; it keeps it after the resend.
      const packed = (await send(entry, scans, false)) ?? (await send(entry, scans, true));
      if (packed === null) throw new ScangateError('GW_ERR_WORKER', 'worker refused the campaign it was sent');
      return packed;
    },
    close: () => pool.close(),
  };
}

const inlineRunner = { run: (entry: CampaignEntry, scans: readonly ScanFeatures[]) => assessScans(entry.prepared, scans), close: async () => {} };

export function createAssessor(config: Pick<AppConfig, 'workers'>, drawKeyFor: DrawKeyLookup): Assessor {
  const runner = config.workers.mode === 'pool' ? poolRunner(config.workers.threads) : inlineRunner;
  // Campaign objects are frozen and replaced on every new version, so the object is the version.
  const entries = new WeakMap<Campaign, CampaignEntry>();
  const entryFor = (campaign: Campaign) => {
    let entry = entries.get(campaign);
    if (entry === undefined) entries.set(campaign, (entry = entryOf(campaign, drawKeyFor(campaign.id))));
    return entry;
  };
  return {
    async assess(campaign, scans) {
      if (scans.length === 0) return [];
      const entry = entryFor(campaign);
      let packed: Int32Array;
      try {
        packed = await runner.run(entry, scans.map(featuresOf));
      } catch (err) {
        if (err instanceof ScangateError) throw err;
        throw new ScangateError('GW_ERR_WORKER', (err as Error).message, { cause: err });
      }
      return readAssessments(entry.campaign.regions, packed).map((assessment, i) => recordedRegion(assessment, scans[i] as ScanToAssess, campaign.regions));
    },
    close: () => runner.close(),
  };
}
