import type { FraudRuleName, FraudRules } from '../config/campaign-schema.js';
import { reasonBits } from '../core/scan/reasons.js';
import { bboxContains, isLocation, placeOutside, type Region } from './region.js';
import type { NetworkType } from '../core/geo/geo-types.js';
import type { UaClass } from '../core/scan/ua-classes.js';

/** What the request-feature rules read about one scan, after the draw and the agent check. */
export interface ScoredScan {
  readonly honeypot: boolean;
  /** forged-code answers recently given to this device (to its address when it came without a cookie) */
  readonly forgedAttempts: number;
  /** NaN when the client sent no location */
  readonly lat: number;
  readonly lon: number;
  /** region the scan's batch was shipped to, if the batch has one */
  readonly batchRegion: string | null;
  readonly newDevice: boolean;
  readonly tierIndex: number;
  readonly uaClass: UaClass;
  /** the client address's network type, country and region (core/geo); 'unknown' and '' when not known */
  readonly networkType: NetworkType;
  readonly ipCountry: string;
  readonly ipRegion: string;
}

/** What the rules read about the campaign. */
export interface ScoringContext {
  readonly regionsByCode: ReadonlyMap<string, Region>;
  /** empty: scanning is allowed anywhere */
  readonly allowedRegions: readonly Region[];
  /** the campaign's enabled request-feature rules with its weights (`activeScoringRules`) */
  readonly rules: readonly ActiveRule[];
}

interface ScoringRule {
  readonly reason: FraudRuleName;
  fires(scan: ScoredScan, campaign: ScoringContext): boolean;
}

/** A rule as one campaign scores it: its weight from the campaign file, its reason bit. */
export interface ActiveRule {
  readonly rule: ScoringRule;
  readonly weight: number;
  readonly bit: number;
}

/** Forged-code answers to the same IP or device after which a genuine scan looks like enumeration. */
const ENUMERATION_MIN_ATTEMPTS = 3;
/** Tiers are listed best first (the decision script falls back towards the end). */
const TOP_TIER_INDEX = 0;
const MAX_SCORE = 100;

/**
 * The request-feature rules. Their weights (and whether they run at all) come from the
 * campaign's `fraud.rules`, defaults in config/campaign-schema.ts. Rules on live counters
 * (clone, velocity, devices per IP, serial runs) are scored in the decision script instead,
 * where the counters are exact. A honeypot alone reaches the maximum by default, so it blocks.
 */
export const scoringRules: readonly ScoringRule[] = [
  { reason: 'honeypot', fires: (scan) => scan.honeypot },
  // A single typo never fires: it takes several forged codes from the same device (or cookieless address).
  { reason: 'enumeration', fires: (scan) => scan.forgedAttempts >= ENUMERATION_MIN_ATTEMPTS },
  {
    reason: 'region_diversion',
    fires(scan, campaign) {
      const home = scan.batchRegion === null ? undefined : campaign.regionsByCode.get(scan.batchRegion);
      return home !== undefined && isLocation(scan.lat, scan.lon) && !bboxContains(home.bbox, scan.lat, scan.lon);
    },
  },
  {
    reason: 'region_not_allowed',
    fires: (scan, campaign) =>
      campaign.allowedRegions.length > 0 &&
      isLocation(scan.lat, scan.lon) &&
      !campaign.allowedRegions.some((region) => bboxContains(region.bbox, scan.lat, scan.lon)),
  },
  // Only a data centre says "no phones here": carrier NAT (mobile, and on IPv4 often 'fixed') is full of genuine phones.
  { reason: 'hosting_network', fires: (scan) => scan.networkType === 'hosting' },
  // The address stands in for a location only when the phone sent none: coordinates are the better evidence.
  {
    reason: 'ip_region_diversion',
    fires: (scan) => scan.batchRegion !== null && !isLocation(scan.lat, scan.lon) && placeOutside(scan.batchRegion, scan.ipCountry, scan.ipRegion),
  },
  {
    reason: 'ip_region_not_allowed',
    fires: (scan, campaign) =>
      campaign.allowedRegions.length > 0 &&
      !isLocation(scan.lat, scan.lon) &&
      campaign.allowedRegions.every((region) => placeOutside(region.code, scan.ipCountry, scan.ipRegion)),
  },
  { reason: 'new_device_top_prize', fires: (scan) => scan.newDevice && scan.tierIndex === TOP_TIER_INDEX },
  // Deliberately overlapping with the next rule: automation is non-mobile too, and scores both.
  { reason: 'non_mobile_agent', fires: (scan) => scan.uaClass !== 'mobile' },
  { reason: 'headless_agent', fires: (scan) => scan.uaClass === 'headless' || scan.uaClass === 'bot' },
];

/** The request-feature rules a campaign keeps switched on, with its weights: built once per campaign version. */
export function activeScoringRules(rules: FraudRules): ActiveRule[] {
  return scoringRules.filter((rule) => rules[rule.reason].enabled).map((rule) => ({ rule, weight: rules[rule.reason].weight, bit: reasonBits[rule.reason] }));
}

/** Sum of the weights of the campaign's rules that fire, capped at 100, and their reason bits. */
export function scoreScan(scan: ScoredScan, campaign: ScoringContext): { score: number; reasonMask: number } {
  let score = 0;
  let reasonMask = 0;
  for (const { rule, weight, bit } of campaign.rules) {
    if (!rule.fires(scan, campaign)) continue;
    score += weight;
    reasonMask |= bit;
  }
  return { score: Math.min(score, MAX_SCORE), reasonMask };
}
