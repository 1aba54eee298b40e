import { Packr } from 'msgpackr';
import { fraudRuleNames, type Campaign, type FraudRules } from '../../config/campaign-schema.js';
import { counterRuleNames } from './counter-rules.js';
import { Outcome, outcomeNames } from './outcomes.js';
import { reasonBits } from './reasons.js';

/**
 * What the decision script needs to know about a campaign (its ARGV[1], see
 * redeemBatch-17.lua), and the time buckets of its bucketed keys.
 */
const packr = new Packr({ useRecords: false });

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Width of a serial-run bucket: the script reads this one and the one before, so a run is seen over 10-20 minutes. */
export const SERIAL_WINDOW_MS = 600_000;

/** How long bucketed keys outlive their last write: a minute bucket is read as "previous" for one more minute. */
export const bucketTtlSeconds = { minute: 180, hour: 2 * 3600 + 60, day: 2 * 86_400, serialWindow: 2 * 600 + 60 } as const;

/** names[o - 1] is the name of outcome o: a Lua array (1-based) indexed by the outcome number. */
const scriptOutcomeNames = Array.from({ length: Outcome.Blocked }, (_, i) => outcomeNames[(i + 1) as Outcome]);

/** The enabled counter rules as the script reads them: reason -> [bit, weight]; a disabled rule is absent. */
function scriptRules(rules: FraudRules): Record<string, [number, number]> {
  return Object.fromEntries(counterRuleNames.filter((name) => rules[name].enabled).map((name) => [name, [reasonBits[name], rules[name].weight]]));
}

/**
 * weights[b + 1] is the campaign's weight of the rule with reason bit 1 << b (0 when it is off
 * or not scored): the script stores the fired reasons' weights with each decision, so a score
 * stays explainable after the campaign file changes.
 */
function weightsByBit(rules: FraudRules): number[] {
  const weights = Array.from({ length: Math.log2(Math.max(...Object.values(reasonBits))) + 1 }, () => 0);
  for (const name of fraudRuleNames) if (rules[name].enabled) weights[Math.log2(reasonBits[name])] = rules[name].weight;
  return weights;
}

export function buildCampaignParams(campaign: Campaign): Record<string, unknown> {
  const { window, limits, fraud } = campaign;
  return {
    startsAt: Date.parse(window.startsAt),
    endsAt: Date.parse(window.endsAt),
    perDay: limits.perConsumerPerDay,
    perCampaign: limits.perConsumerPerCampaign,
    holdAt: fraud.holdAt,
    blockAt: fraud.blockAt,
    deviceRate: fraud.deviceScansPerMinute,
    ipRate: fraud.ipScansPerMinute,
    consumerRate: fraud.deviceScansPerMinute,
    devicesPerIp: fraud.devicesPerIp,
    devicesPerFixedIp: fraud.devicesPerFixedIp,
    returningShare: fraud.sharedAddressReturningShare,
    serialRun: { length: fraud.serialRun.length, gapMs: fraud.serialRun.gapSeconds * 1000 },
    diversion: { minScans: fraud.diversion.minScans, share: fraud.diversion.share, offRegionBits: reasonBits.region_diversion | reasonBits.ip_region_diversion },
    tiers: campaign.tiers.map((tier) => ({ id: tier.id, inventory: tier.inventory })),
    rules: scriptRules(fraud.rules),
    weights: weightsByBit(fraud.rules),
    names: scriptOutcomeNames,
    minuteMs: MINUTE_MS,
    ttl: bucketTtlSeconds,
  };
}

/** Campaign objects are immutable, one per version, so the packed params are cached by identity. */
const packedParams = new WeakMap<Campaign, Buffer>();

export function packedCampaignParams(campaign: Campaign): Buffer {
  let packed = packedParams.get(campaign);
  if (packed === undefined) packedParams.set(campaign, (packed = packr.pack(buildCampaignParams(campaign))));
  return packed;
}

export interface TimeBuckets {
  /** yyyymmdd of the campaign-local day: "per day" limits roll over at local midnight */
  readonly day: string;
  readonly minute: number;
  readonly hour: number;
  readonly serialWindow: number;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The campaign-local calendar day of `now` as yyyymmdd. */
export function localDay(timeZone: string, now: number): string {
  let format = dayFormats.get(timeZone);
  if (format === undefined) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  let year = '';
  let month = '';
  let day = '';
  for (const part of format.formatToParts(now)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year}${month}${day}`;
}

export function timeBuckets(timeZone: string, now: number): TimeBuckets {
  return { day: localDay(timeZone, now), minute: Math.floor(now / MINUTE_MS), hour: Math.floor(now / HOUR_MS), serialWindow: Math.floor(now / SERIAL_WINDOW_MS) };
}
