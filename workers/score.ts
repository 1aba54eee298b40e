import { reasonBits, type ReasonCode } from '../core/scan/reasons.js';
import { bboxContains, isLocation, type Region } from './region.js';
import type { UaClass } from '../core/scan/ua-classes.js';

/** What the request-feature rules read about one scan, after the draw and the agent check. */
export interface ScoredScan {
  readonly honeypot: boolean;
  /** forged-code answers recently given to this IP or device */
  readonly forgedAttempts: number;
  /** NaN when the client sent no location */
  readonly lat: number;
  readonly lon: number;
  /** region the scan's batch was shipped to, if the batch has one */
  readonly batchRegion: string | null;
  readonly newDevice: boolean;
  readonly tierIndex: number;
  readonly uaClass: UaClass;
}

/** What the rules read about the campaign. */
export interface ScoringContext {
  readonly regionsByCode: ReadonlyMap<string, Region>;
  /** empty: scanning is allowed anywhere */
  readonly allowedRegions: readonly Region[];
}

interface ScoringRule {
  readonly reason: ReasonCode;
  readonly weight: number;
  fires(scan: ScoredScan, campaign: ScoringContext): boolean;
}

/** Forged-code answers to the same IP or device after which a genuine scan looks like enumeration. */
const ENUMERATION_MIN_ATTEMPTS = 3;
/** Tiers are listed best first (the decision script falls back towards the end). */
const TOP_TIER_INDEX = 0;
const MAX_SCORE = 100;

/**
 * The request-feature rules and their weights, the one place they are tuned. Rules on live
 * counters (clone, velocity, devices per IP) are scored in the decision script instead, where
 * the counters are exact. A honeypot alone reaches the maximum, so it always blocks.
 */
export const scoringRules: readonly ScoringRule[] = [
  { reason: 'honeypot', weight: MAX_SCORE, fires: (scan) => scan.honeypot },
  { reason: 'enumeration', weight: 35, fires: (scan) => scan.forgedAttempts >= ENUMERATION_MIN_ATTEMPTS },
  {
    reason: 'region_diversion',
    weight: 30,
    fires(scan, campaign) {
      const home = scan.batchRegion === null ? undefined : campaign.regionsByCode.get(scan.batchRegion);
      return home !== undefined && isLocation(scan.lat, scan.lon) && !bboxContains(home.bbox, scan.lat, scan.lon);
    },
  },
  {
    reason: 'region_not_allowed',
    weight: 50,
    fires: (scan, campaign) =>
      campaign.allowedRegions.length > 0 &&
      isLocation(scan.lat, scan.lon) &&
      !campaign.allowedRegions.some((region) => bboxContains(region.bbox, scan.lat, scan.lon)),
  },
  { reason: 'new_device_top_prize', weight: 25, fires: (scan) => scan.newDevice && scan.tierIndex === TOP_TIER_INDEX },
  // Deliberately overlapping with the next rule: automation is non-mobile too, and scores both.
  { reason: 'non_mobile_agent', weight: 20, fires: (scan) => scan.uaClass !== 'mobile' },
  { reason: 'headless_agent', weight: 60, fires: (scan) => scan.uaClass === 'headless' || scan.uaClass === 'bot' },
];

/** Sum of the weights of the rules that fire, capped at 100, and their reason bits. */
export function scoreScan(scan: ScoredScan, campaign: ScoringContext): { score: number; reasonMask: number } {
  let score = 0;
  let reasonMask = 0;
  for (const rule of scoringRules) {
    if (!rule.fires(scan, campaign)) continue;
    score += rule.weight;
    reasonMask |= reasonBits[rule.reason];
  }
  return { score: Math.min(score, MAX_SCORE), reasonMask };
}
