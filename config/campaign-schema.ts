import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatZodIssues } from './format-issues.js';

/** A campaign file: what a brand promises, validated the same way as the app config. */
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and "-", at most 40');
const regionCode = z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'ISO 3166 code such as "CN" or "CN-SH"');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const prizeKinds = ['cash', 'points', 'coupon', 'product'] as const;

export const prizeTierSchema = z
  .object({
    id: slug,
    kind: z.enum(prizeKinds),
    value: z.number().nonnegative(),
    /** ISO 4217 currency for cash, otherwise a unit such as "points" or "item". */
    unit: z.string().min(1).max(16),
    inventory: z.number().int().nonnegative(),
    weight: z.number().nonnegative(),
    claim: z.string().max(200).optional(),
  })
  .strict();

export const regionSchema = z
  .object({
    code: regionCode,
    /** [minLon, minLat, maxLon, maxLat]: coarse on purpose; it only has to catch diversion. */
    bbox: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)]),
  })
  .strict();

/**
 * Every fraud rule a campaign can weigh or switch off, with its default weight: the one place
 * the defaults are tuned. The names are the stable reason codes (core/scan/reasons.ts gives each
 * a bit; a test checks both lists agree). Request-feature rules are scored in workers/score.ts,
 * counter rules in the decision script (redeemBatch); README "Fraud rules" says what each means.
 */
export const defaultRuleWeights = {
  // counter rules (decision script)
  clone: 40,
  device_velocity: 30,
  ip_velocity: 20,
  consumer_velocity: 30,
  ip_device_farm: 80,
  serial_run: 80,
  diverted_batch: 55,
  // request-feature rules (workers)
  enumeration: 35,
  region_diversion: 25,
  region_not_allowed: 50,
  // from the client address's geolocation (core/geo, looked up by the gateway)
  hosting_network: 80,
  ip_region_diversion: 25,
  ip_region_not_allowed: 25,
  new_device_top_prize: 25,
  non_mobile_agent: 20,
  headless_agent: 60,
  honeypot: 100,
} as const;

export type FraudRuleName = keyof typeof defaultRuleWeights;
export const fraudRuleNames = Object.keys(defaultRuleWeights) as FraudRuleName[];

const ruleSettingSchema = (weight: number) =>
  z
    .object({
      enabled: z.boolean().default(true),
      /** Points added to the scan's score (capped at 100) when the rule fires. */
      weight: z.number().int().min(0).max(100).default(weight),
    })
    .strict()
    .default({});

/** `rules: { <reason>: { enabled, weight } }`; a rule left out keeps its default. */
export const fraudRulesSchema = z
  .object(Object.fromEntries(fraudRuleNames.map((name) => [name, ruleSettingSchema(defaultRuleWeights[name])])) as {
    [K in FraudRuleName]: ReturnType<typeof ruleSettingSchema>;
  })
  .strict()
  .default({});

export type FraudRules = z.infer<typeof fraudRulesSchema>;

export const campaignSchema = z
  .object({
    id: slug,
    name: z.string().min(1).max(200),
    window: z
      .object({
        startsAt: z.string().datetime({ offset: true }),
        endsAt: z.string().datetime({ offset: true }),
        /** IANA zone: "per day" limits roll over at midnight here. */
        timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone'),
      })
      .strict()
      .refine((w) => Date.parse(w.startsAt) < Date.parse(w.endsAt), 'startsAt must be before endsAt'),
    tiers: z.array(prizeTierSchema).min(1).max(16),
    noPrizeWeight: z.number().nonnegative(),
    limits: z
      .object({
        perConsumerPerDay: z.number().int().min(1),
        perConsumerPerCampaign: z.number().int().min(1),
      })
      .strict(),
    fraud: z
      .object({
        holdAt: z.number().int().min(1).max(100),
        blockAt: z.number().int().min(1).max(100),
        /** Scans per minute above which a device / IP counts as fast. */
        deviceScansPerMinute: z.number().int().min(1).default(10),
        ipScansPerMinute: z.number().int().min(1).default(120),
        /** Distinct devices seen from one IP in this campaign above which the IP looks like a farm. */
        devicesPerIp: z.number().int().min(1).default(20),
        /**
         * The same for a broadband or data-centre address (core/geo network type fixed or hosting):
         * a home or office line carries a few phones, where a mobile carrier's NAT carries thousands.
         */
        devicesPerFixedIp: z.number().int().min(1).default(4),
        /**
         * An address over devicesPerIp is a farm only while fewer than this share of its devices
         * this hour came back with their cookie: phones behind a carrier NAT or an office keep
         * their cookies and return, a farm's fresh devices never do.
         */
        sharedAddressReturningShare: z.number().min(0).max(1).default(0.2),
        /**
         * serial_run: this many consecutive serials of one batch (this code's included), each
         * redeemed at most gapSeconds after the one before it, by at least two devices: a leaked
         * printer file walked in serial order, which genuine buyers of random packages never do.
         */
        serialRun: z
          .object({
            length: z.number().int().min(2).max(8).default(3),
            gapSeconds: z.number().int().min(1).max(600).default(15),
          })
          .strict()
          .default({})
          // the decision script sees runs in its current and previous 10-minute bucket
          .refine((run) => (run.length - 1) * run.gapSeconds <= 600, '(length - 1) × gapSeconds must be at most 600'),
        /**
         * diverted_batch: an off-region scan (region_diversion, ip_region_diversion) from a region
         * that already took at least `share` of its batch's consumed scans with a place, and at
         * least `minScans` of them: the batch flows there. Travellers spread thin over many regions.
         */
        diversion: z
          .object({
            minScans: z.number().int().min(1).default(5),
            share: z.number().min(0).max(1).default(0.1),
          })
          .strict()
          .default({}),
        rules: fraudRulesSchema,
      })
      .strict()
      .refine((f) => f.holdAt < f.blockAt, 'holdAt must be below blockAt'),
    review: z
      .object({
        /** Held scans not reviewed within this many hours are rejected by the sweeper (actor `system`). */
        expireAfterHours: z.number().positive().max(8760).default(72),
      })
      .strict()
      .default({}),
    regions: z.array(regionSchema).max(256).default([]),
    /** Region codes where scanning is allowed; empty means anywhere. */
    allowedRegions: z.array(regionCode).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    c.tiers.forEach((tier, i) => {
      if (ids.has(tier.id)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'id'], message: `duplicate tier id "${tier.id}"` });
      ids.add(tier.id);
    });
    const known = new Set(c.regions.map((r) => r.code));
    c.allowedRegions.forEach((code, i) => {
      if (!known.has(code))
        ctx.addIssue({ code: 'custom', path: ['allowedRegions', i], message: `region "${code}" has no bbox in regions` });
    });
    if (c.tiers.every((t) => t.weight === 0) && c.noPrizeWeight === 0)
      ctx.addIssue({ code: 'custom', path: ['noPrizeWeight'], message: 'all weights are zero' });
  });

export type Campaign = Readonly<z.infer<typeof campaignSchema>>;
export type PrizeTier = Campaign['tiers'][number];

export class CampaignFileError extends Error {
  override readonly name = 'CampaignFileError';
}

export function parseCampaign(input: unknown, source = 'campaign'): Campaign {
  const result = campaignSchema.safeParse(input);
  if (!result.success) throw new CampaignFileError(`${source}: ${formatZodIssues(result.error)}`);
  return Object.freeze(result.data);
}

export function loadCampaignFile(file: string): Campaign {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CampaignFileError(`${file}: ${(err as Error).message}`);
  }
  return parseCampaign(parsed, file);
}
