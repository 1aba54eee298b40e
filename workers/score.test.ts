import { describe, expect, it } from 'vitest';
import { defaultRuleWeights, fraudRulesSchema, loadCampaignFile, type FraudRuleName } from '../config/campaign-schema.js';
import { maskFromReasons } from '../core/scan/reasons.js';
import { repoPath } from '../core/paths.js';
import type { Region } from './region.js';
import { activeScoringRules, scoreScan, type ScoredScan, type ScoringContext } from './score.js';

const shanghai: Region = { code: 'CN-SH', bbox: [120.85, 30.67, 122.2, 31.88] };
const beijing: Region = { code: 'CN-BJ', bbox: [115.42, 39.44, 117.51, 41.06] };
/** The campaign file's `fraud.rules` as the schema fills them in: every rule on, at its default weight unless `rules` says otherwise. */
const rulesOf = (rules: Record<string, unknown> = {}) => fraudRulesSchema.parse(rules);
const anywhere: ScoringContext = { regionsByCode: new Map([[shanghai.code, shanghai], [beijing.code, beijing]]), allowedRegions: [], rules: activeScoringRules(rulesOf()) };
const shanghaiOnly: ScoringContext = { ...anywhere, allowedRegions: [shanghai] };

/** A scan no rule objects to: a known phone in Shanghai, from a Shanghai batch, drawing a small prize. */
const clean: ScoredScan = {
  honeypot: false,
  forgedAttempts: 0,
  lat: 31.23,
  lon: 121.47,
  batchRegion: 'CN-SH',
  newDevice: false,
  tierIndex: 2,
  uaClass: 'mobile',
  networkType: 'mobile',
  ipCountry: 'CN',
  ipRegion: 'CN-SH',
};
/** No coordinates, on a Guangdong carrier address: the address is all the rules know of where it is. */
const guangdongAddress = { lat: NaN, lon: NaN, ipCountry: 'CN', ipRegion: 'CN-GD' };
const inBeijing = { lat: 39.9, lon: 116.4 };
const noLocation = { lat: NaN, lon: NaN };

const weightOf = (reason: FraudRuleName) => defaultRuleWeights[reason];

const cases: { reason: FraudRuleName; fires: Partial<ScoredScan>; quiet: Partial<ScoredScan>[]; context?: ScoringContext }[] = [
  { reason: 'enumeration', fires: { forgedAttempts: 3 }, quiet: [{ forgedAttempts: 2 }] },
  { reason: 'region_diversion', fires: inBeijing, quiet: [{ ...inBeijing, batchRegion: null }, { ...inBeijing, batchRegion: 'CN-GZ' }, { ...noLocation }] },
  { reason: 'region_not_allowed', fires: { ...inBeijing, batchRegion: 'CN-BJ' }, context: shanghaiOnly, quiet: [{}, noLocation] },
  { reason: 'new_device_top_prize', fires: { newDevice: true, tierIndex: 0 }, quiet: [{ newDevice: true, tierIndex: 1 }, { newDevice: true, tierIndex: -1 }, { tierIndex: 0 }] },
  { reason: 'non_mobile_agent', fires: { uaClass: 'desktop' }, quiet: [{ uaClass: 'mobile' }] },
  // Carrier NAT is full of genuine phones, whatever its type: only a data centre fires.
  { reason: 'hosting_network', fires: { networkType: 'hosting' }, quiet: [{ networkType: 'fixed' }, { networkType: 'private' }, { networkType: 'unknown' }] },
  {
    reason: 'ip_region_diversion',
    fires: guangdongAddress,
    quiet: [
      { ...guangdongAddress, ipRegion: 'CN-SH' },
      // coordinates inside the batch's region outweigh the address
      { ...guangdongAddress, lat: 31.23, lon: 121.47 },
      { ...guangdongAddress, batchRegion: null },
      // a mainland address with no province known, or no country at all: unknown is not outside
      { ...guangdongAddress, ipRegion: 'CN' },
      { ...guangdongAddress, ipCountry: '', ipRegion: '' },
    ],
  },
  {
    reason: 'ip_region_not_allowed',
    fires: { ...guangdongAddress, batchRegion: null },
    context: shanghaiOnly,
    quiet: [{ ...noLocation, batchRegion: null }, { ...guangdongAddress, batchRegion: null, ipCountry: '', ipRegion: '' }, { ...guangdongAddress, batchRegion: null, lat: 31.23, lon: 121.47 }],
  },
];

describe('scoreScan', () => {
  it('scores a clean scan 0 with no reasons', () => {
    expect(scoreScan(clean, shanghaiOnly)).toEqual({ score: 0, reasonMask: 0 });
  });

  it.each(cases)('$reason fires alone with its weight, and stays quiet otherwise', ({ reason, fires, quiet, context }) => {
    expect(scoreScan({ ...clean, ...fires }, context ?? anywhere)).toEqual({ score: weightOf(reason), reasonMask: maskFromReasons([reason]) });
    for (const variant of quiet) expect(scoreScan({ ...clean, ...variant }, context ?? anywhere)).toEqual({ score: 0, reasonMask: 0 });
  });

  it.each(['headless', 'bot'] as const)('a %s agent is automation and non-mobile', (uaClass) => {
    expect(scoreScan({ ...clean, uaClass }, anywhere).reasonMask).toBe(maskFromReasons(['non_mobile_agent', 'headless_agent']));
  });

  it('an unknown agent is non-mobile but not automation', () => {
    expect(scoreScan({ ...clean, uaClass: 'unknown' }, anywhere).reasonMask).toBe(maskFromReasons(['non_mobile_agent']));
  });

  it('a honeypot always scores 100', () => {
    expect(scoreScan({ ...clean, honeypot: true }, anywhere)).toEqual({ score: 100, reasonMask: maskFromReasons(['honeypot']) });
  });

  it('adds the weights of every rule that fires and caps at 100', () => {
    const suspicious = { ...clean, ...inBeijing, forgedAttempts: 9, newDevice: true, tierIndex: 0, uaClass: 'bot' as const };
    expect(scoreScan(suspicious, shanghaiOnly)).toEqual({
      score: 100,
      reasonMask: maskFromReasons(['enumeration', 'region_diversion', 'region_not_allowed', 'new_device_top_prize', 'non_mobile_agent', 'headless_agent']),
    });
    const twoRules = scoreScan({ ...clean, uaClass: 'desktop', forgedAttempts: 3 }, anywhere);
    expect(twoRules.score).toBe(weightOf('non_mobile_agent') + weightOf('enumeration'));
  });
});

describe('per-campaign rule settings (fraud.rules)', () => {
  const desktopAfterForgeries = { ...clean, uaClass: 'desktop' as const, forgedAttempts: 3 };

  it('a campaign weight replaces the default weight', () => {
    const context = { ...anywhere, rules: activeScoringRules(rulesOf({ enumeration: { weight: 5 }, non_mobile_agent: { weight: 7 } })) };
    expect(scoreScan(desktopAfterForgeries, context)).toEqual({ score: 12, reasonMask: maskFromReasons(['enumeration', 'non_mobile_agent']) });
  });

  it('a switched-off rule neither scores nor leaves its reason', () => {
    const context = { ...anywhere, rules: activeScoringRules(rulesOf({ enumeration: { enabled: false } })) };
    expect(scoreScan(desktopAfterForgeries, context)).toEqual({ score: weightOf('non_mobile_agent'), reasonMask: maskFromReasons(['non_mobile_agent']) });
  });

  it('the rules-off load-test campaign scores nothing, not even a honeypot drawn by a headless new device', () => {
    const off = loadCampaignFile(repoPath('config/campaigns/loadtest-rules-off.json'));
    const context = { ...shanghaiOnly, rules: activeScoringRules(off.fraud.rules) };
    const worst = { ...clean, ...inBeijing, honeypot: true, forgedAttempts: 9, newDevice: true, tierIndex: 0, uaClass: 'headless' as const, networkType: 'hosting' as const };
    expect(scoreScan(worst, context)).toEqual({ score: 0, reasonMask: 0 });
    expect(scoreScan({ ...worst, ...guangdongAddress }, context)).toEqual({ score: 0, reasonMask: 0 });
  });

  it('rejects unknown rules, weights over 100 and unknown settings', () => {
    expect(() => rulesOf({ typo_rule: { weight: 1 } })).toThrow();
    expect(() => rulesOf({ enumeration: { weight: 101 } })).toThrow();
    expect(() => rulesOf({ enumeration: { weigth: 10 } })).toThrow();
  });
});
