import type { ScanAssessment } from '../core/scan/types.js';
import { drawTier } from './draw.js';
import { isLocation, regionAt, type Region } from './region.js';
import type { FraudRules } from '../config/campaign-schema.js';
import { activeScoringRules, scoreScan, type ScoredScan, type ScoringContext } from './score.js';
import type { NetworkType } from '../core/geo/geo-types.js';
import { uaClasses } from '../core/scan/ua-classes.js';
import { classifyUserAgent } from './user-agent.js';

/**
 * The CPU stage of a scan: draw the tier, classify the agent, score the request-feature rules.
 * Pure and synchronous; the same functions run inline on the event loop and inside the workers,
 * which is what makes the two modes give identical answers.
 */

/** What the CPU stage needs of a campaign version: plain data, so it can be posted to a worker. */
export interface AssessCampaign {
  readonly drawKey: Uint8Array;
  /** the tiers' weights, then the no-prize weight */
  readonly weights: readonly number[];
  readonly regions: readonly Region[];
  readonly allowedRegions: readonly string[];
  /** the campaign's `fraud.rules`: which request-feature rules run, and their weights */
  readonly rules: FraudRules;
}

/** A campaign with its lookups built, once per campaign version. */
export interface PreparedCampaign extends ScoringContext {
  readonly drawKey: Buffer;
  readonly weights: readonly number[];
  readonly regions: readonly Region[];
}

/** One scan as the CPU stage reads it. */
export interface ScanFeatures {
  readonly code: string;
  readonly userAgent: string;
  /** NaN when the client sent no location */
  readonly lat: number;
  readonly lon: number;
  readonly forgedAttempts: number;
  readonly newDevice: boolean;
  readonly honeypot: boolean;
  readonly batchRegion: string | null;
  /** the address's geolocation (ScanRequest.place): 'unknown' and '' when not known */
  readonly networkType: NetworkType;
  readonly ipCountry: string;
  readonly ipRegion: string;
}

/** Per scan in the packed result: score, reasonMask, tierIndex, region index (-1 none), uaClass index. */
const ASSESSMENT_FIELDS = 5;

export function prepareCampaign(campaign: AssessCampaign): PreparedCampaign {
  const regionsByCode = new Map(campaign.regions.map((region) => [region.code, region]));
  return {
    drawKey: Buffer.from(campaign.drawKey.buffer, campaign.drawKey.byteOffset, campaign.drawKey.byteLength),
    weights: campaign.weights,
    regions: campaign.regions,
    regionsByCode,
    allowedRegions: campaign.allowedRegions.flatMap((code) => regionsByCode.get(code) ?? []),
    rules: activeScoringRules(campaign.rules),
  };
}

/** Assessments packed as integers, so a worker can hand them back as one transferable buffer. */
export function assessScans(campaign: PreparedCampaign, scans: readonly ScanFeatures[]): Int32Array {
  const packed = new Int32Array(scans.length * ASSESSMENT_FIELDS);
  scans.forEach((scan, i) => {
    const tierIndex = drawTier(campaign.drawKey, scan.code, campaign.weights);
    const uaClass = classifyUserAgent(scan.userAgent);
    // Spelled out: an object spread here cost more than the rules themselves.
    const scored: ScoredScan = {
      honeypot: scan.honeypot,
      forgedAttempts: scan.forgedAttempts,
      lat: scan.lat,
      lon: scan.lon,
      batchRegion: scan.batchRegion,
      newDevice: scan.newDevice,
      tierIndex,
      uaClass,
      networkType: scan.networkType,
      ipCountry: scan.ipCountry,
      ipRegion: scan.ipRegion,
    };
    const { score, reasonMask } = scoreScan(scored, campaign);
    const region = isLocation(scan.lat, scan.lon) ? regionAt(campaign.regions, scan.lat, scan.lon) : -1;
    packed.set([score, reasonMask, tierIndex, region, uaClasses.indexOf(uaClass)], i * ASSESSMENT_FIELDS);
  });
  return packed;
}

export function readAssessments(regions: readonly Region[], packed: Int32Array): ScanAssessment[] {
  const assessments: ScanAssessment[] = [];
  for (let at = 0; at < packed.length; at += ASSESSMENT_FIELDS) {
    const [score = 0, reasonMask = 0, tierIndex = -1, region = -1, uaClass = 0] = packed.subarray(at, at + ASSESSMENT_FIELDS);
    assessments.push({
      score,
      reasonMask,
      tierIndex,
      region: regions[region]?.code ?? null,
      uaClass: uaClasses[uaClass] ?? 'unknown',
    });
  }
  return assessments;
}
