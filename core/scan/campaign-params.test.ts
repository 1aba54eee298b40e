import { Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { fraudRuleNames, loadCampaignFile, parseCampaign } from '../../config/campaign-schema.js';
import { repoPath } from '../paths.js';
import { buildCampaignParams, HOUR_MS, localDay, MINUTE_MS, packedCampaignParams, SERIAL_WINDOW_MS, timeBuckets } from './campaign-params.js';
import { reasonBits } from './reasons.js';

const demo = loadCampaignFile(repoPath('config/campaigns/demo.json'));

describe('fraud rules of the campaign file', () => {
  it('every rule a campaign can weigh is a reason code; every reason but the review and ban marks is a rule', () => {
    expect([...fraudRuleNames].sort()).toEqual(Object.keys(reasonBits).filter((r) => r !== 'review_rejected' && r !== 'banned').sort());
  });

  it('passes the enabled counter rules as [bit, weight] and every enabled rule\'s weight by bit; a disabled rule is absent', () => {
    const campaign = parseCampaign({ ...JSON.parse(JSON.stringify(demo)), fraud: { holdAt: 50, blockAt: 80, rules: { clone: { enabled: false }, serial_run: { weight: 45 }, honeypot: { weight: 90 } } } });
    const params = buildCampaignParams(campaign);
    const rules = params.rules as Record<string, number[]>;
    expect(rules.clone).toBeUndefined();
    expect(rules.serial_run).toEqual([reasonBits.serial_run, 45]);
    const weights = params.weights as number[];
    expect(weights[Math.log2(reasonBits.honeypot)]).toBe(90);
    expect(weights[Math.log2(reasonBits.clone)]).toBe(0);
    expect(weights[Math.log2(reasonBits.serial_run)]).toBe(45);
    expect(params.serialRun).toEqual({ length: 3, gapMs: 15_000 });
  });

  it('refuses a serial run longer than the script can see', () => {
    expect(() => parseCampaign({ ...JSON.parse(JSON.stringify(demo)), fraud: { holdAt: 50, blockAt: 80, serialRun: { length: 8, gapSeconds: 120 } } })).toThrow(/gapSeconds/);
  });
});

describe('campaign params for the decision script', () => {
  it('carries the window, limits, thresholds, tiers, counter rules and outcome names', () => {
    const params = buildCampaignParams(demo);
    expect(params).toMatchObject({
      startsAt: Date.parse('2026-01-01T00:00:00+08:00'),
      endsAt: Date.parse('2027-12-31T23:59:59+08:00'),
      perDay: 5,
      perCampaign: 50,
      holdAt: 50,
      blockAt: 80,
      deviceRate: 10,
      ipRate: 120,
      consumerRate: 10,
      devicesPerIp: 20,
      tiers: [
        { id: 'grand', inventory: 3 },
        { id: 'cash-8', inventory: 200 },
        { id: 'coupon', inventory: 2000 },
        { id: 'points', inventory: 100000 },
      ],
      minuteMs: MINUTE_MS,
    });
    expect((params.rules as Record<string, number[]>).ip_device_farm?.[0]).toBe(reasonBits.ip_device_farm);
    expect(params.names).toEqual(['won', 'no_prize', 'already_redeemed', 'not_activated', 'campaign_not_started', 'campaign_ended', 'limit_reached', 'held', 'blocked']);
  });

  it('packs once per campaign version (object), as a msgpack map', () => {
    const packed = packedCampaignParams(demo);
    expect(packedCampaignParams(demo)).toBe(packed);
    expect(new Unpackr({ mapsAsObjects: true }).unpack(packed)).toEqual(buildCampaignParams(demo));
    expect(packedCampaignParams({ ...demo })).not.toBe(packed);
  });
});

describe('time buckets', () => {
  it('names the campaign-local day, rolling over at local midnight', () => {
    expect(localDay('Asia/Shanghai', Date.UTC(2026, 2, 10, 15, 59, 59, 999))).toBe('20260310');
    expect(localDay('Asia/Shanghai', Date.UTC(2026, 2, 10, 16, 0, 0))).toBe('20260311');
    expect(localDay('America/Los_Angeles', Date.UTC(2026, 0, 1, 7, 59))).toBe('20251231');
    expect(localDay('America/Los_Angeles', Date.UTC(2026, 0, 1, 8, 0))).toBe('20260101');
  });

  it('numbers minutes, hours and 10-minute serial-run windows since the epoch', () => {
    const now = Date.UTC(2026, 2, 10, 4, 30, 15);
    expect(timeBuckets('Asia/Shanghai', now)).toEqual({
      day: '20260310',
      minute: Math.floor(now / MINUTE_MS),
      hour: Math.floor(now / HOUR_MS),
      serialWindow: Math.floor(now / SERIAL_WINDOW_MS),
    });
    expect(SERIAL_WINDOW_MS).toBe(10 * MINUTE_MS);
  });
});
