import { Unpackr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuleWeights } from '../../config/campaign-schema.js';
import { Outcome } from '../scan/outcomes.js';
import { reasonBits, reasonsFromMask } from '../scan/reasons.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, FIXTURE_NOW, newDeviceId, seedCampaignState, type FixtureCode } from '../testing/decision-fixtures.js';
import { createTestRedis, type TestRedis } from '../testing/test-redis.js';
import { campaignKeys } from './keys.js';

/** redeemBatch-17.lua's counter rules on hand-made histories: farms against shared addresses, serial runs, switches and weights. */
const BATCH = 5;
const second = 1000;
const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });

let t: TestRedis;
let campaigns = 0;
beforeAll(async () => {
  t = await createTestRedis();
});
afterAll(() => t.cleanup());

async function setup(fraud: Record<string, unknown>) {
  const campaign = decisionCampaign(`rules${++campaigns}`, {
    fraud: { holdAt: 50, blockAt: 80, deviceScansPerMinute: 100_000, ipScansPerMinute: 100_000, devicesPerIp: 20, ...fraud },
  });
  const keys = campaignKeys(t.prefix, campaign.id);
  await seedCampaignState(t.redis, t.prefix, campaign.id, [BATCH]);
  const events = async () =>
    (await t.redis.xrangeBuffer(keys.events, '-', '+')).map(([, fields]) => unpackr.unpack(fields[1] as Buffer) as { rs: number; sc: number; rw?: number[] });
  return { campaign, events, fresh: codeSource(BATCH) };
}

/** A code of the batch far from every other one handed out: no serial run by accident. */
function spread(fresh: () => FixtureCode, gap = 10): () => FixtureCode {
  return () => {
    for (let i = 1; i < gap; i++) fresh();
    return fresh();
  };
}

describe('redeemBatch: ip_device_farm tells a farm from a shared address', () => {
  it('a carrier NAT with 500 quiet phones that come back with their cookies is not a farm', async () => {
    const { campaign, fresh } = await setup({ rules: { serial_run: { enabled: false } } });
    const nat = '100.64.7.1';
    const phones = Array.from({ length: 500 }, () => newDeviceId());
    // each phone's first visit (no cookie yet), then its next scans with its cookie, minutes apart
    const firsts = phones.map((deviceId) => fixtureScan(campaign, fresh(), { deviceId, ip: nat, newDevice: true }));
    const firstDecisions = await decideScans(t.redis, t.prefix, campaign, firsts.slice(0, 10));
    const returns = phones.map((deviceId) => fixtureScan(campaign, fresh(), { deviceId, ip: nat, newDevice: false }));
    const mixed = phones.slice(10).flatMap((_, i) => [firsts[i + 10], returns[i]]).filter((scan) => scan !== undefined);
    const later = await decideScans(t.redis, t.prefix, campaign, mixed, FIXTURE_NOW + 120 * second);
    const flagged = [...firstDecisions, ...later].filter((d) => (d.reasonMask & reasonBits.ip_device_farm) !== 0);
    expect(later).toHaveLength(980);
    expect(flagged).toEqual([]);
  });

  it('20 fresh cookieless devices on one address are a farm: each fresh device past the 20th scores ip_device_farm', async () => {
    const { campaign, fresh } = await setup({ rules: { ip_device_farm: { weight: 60 } } });
    const next = spread(fresh);
    const farm = Array.from({ length: 25 }, () => fixtureScan(campaign, next(), { ip: '203.0.113.50', newDevice: true }));
    const decisions = await decideScans(t.redis, t.prefix, campaign, farm);
    expect(decisions.slice(0, 20).every((d) => d.reasonMask === 0)).toBe(true);
    for (const d of decisions.slice(20)) {
      expect(reasonsFromMask(d.reasonMask)).toEqual(['ip_device_farm']);
      expect(d.score).toBe(60);
      expect(d.outcome).toBe(Outcome.Held);
    }
  });

  it('a broadband or data-centre line is a farm past devicesPerFixedIp fresh devices; a mobile carrier address keeps devicesPerIp', async () => {
    const { campaign, fresh } = await setup({ devicesPerFixedIp: 4 });
    const next = spread(fresh);
    const on = (ip: string, networkType: 'fixed' | 'hosting' | 'mobile') =>
      Array.from({ length: 6 }, () => fixtureScan(campaign, next(), { ip, newDevice: true, place: { networkType, country: 'CN', region: 'CN-SH' } }));
    const broadband = await decideScans(t.redis, t.prefix, campaign, on('116.228.1.9', 'fixed'));
    expect(broadband.map((d) => d.reasonMask)).toEqual([0, 0, 0, 0, reasonBits.ip_device_farm, reasonBits.ip_device_farm]);
    expect(broadband[4]?.outcome).toBe(Outcome.Blocked);
    const dataCentre = await decideScans(t.redis, t.prefix, campaign, on('39.96.0.9', 'hosting'));
    expect(dataCentre.filter((d) => d.reasonMask === reasonBits.ip_device_farm)).toHaveLength(2);
    const carrier = await decideScans(t.redis, t.prefix, campaign, on('117.131.0.9', 'mobile'));
    expect(carrier.every((d) => d.reasonMask === 0)).toBe(true);
  });

  it('on a farm address, a device that came back with its cookie is not scored as a farm device', async () => {
    const { campaign, fresh } = await setup({});
    const next = spread(fresh);
    const farm = Array.from({ length: 21 }, () => fixtureScan(campaign, next(), { ip: '203.0.113.51', newDevice: true }));
    const known = fixtureScan(campaign, next(), { ip: '203.0.113.51', newDevice: false });
    const decisions = await decideScans(t.redis, t.prefix, campaign, [...farm, known]);
    expect(decisions[20]?.reasonMask).toBe(reasonBits.ip_device_farm);
    expect(decisions[21]?.reasonMask).toBe(0);
  });
});

describe('redeemBatch: serial_run catches a leaked printer file', () => {
  it('a serial walk across 6 addresses and rotating devices is blocked from the third consecutive code on, its codes left unconsumed', async () => {
    const { campaign, fresh } = await setup({});
    const walk = Array.from({ length: 12 }, (_, i) => fixtureScan(campaign, fresh(), { ip: `198.51.100.${i % 6}`, deviceId: newDeviceId(), newDevice: true }));
    const decisions = [];
    for (const [i, scan] of walk.entries()) decisions.push(...(await decideScans(t.redis, t.prefix, campaign, [scan], FIXTURE_NOW + i * 3 * second)));
    expect(decisions.slice(0, 2).map((d) => d.reasonMask)).toEqual([0, 0]);
    for (const d of decisions.slice(2)) {
      expect(reasonsFromMask(d.reasonMask)).toEqual(['serial_run']);
      expect(d.score).toBe(defaultRuleWeights.serial_run);
      expect(d.outcome).toBe(Outcome.Blocked);
    }
    // the walk's codes stay for their buyers: once the walk is gapSeconds past, a phone redeems one
    const buyer = await decideScans(t.redis, t.prefix, campaign, [{ ...walk[5]!, request: { ...walk[5]!.request, deviceId: newDeviceId() } }], FIXTURE_NOW + 60 * second);
    expect(buyer.map((d) => [d.outcome, d.reasonMask])).toEqual([[Outcome.Won, 0]]);
  });

  it('is not a run: one device scanning the consecutive packages of its carton, codes far apart, or neighbours redeemed long before', async () => {
    const { campaign, fresh } = await setup({});
    const family = newDeviceId();
    const carton = await decideScans(t.redis, t.prefix, campaign, Array.from({ length: 6 }, () => fixtureScan(campaign, fresh(), { deviceId: family })));
    expect(carton.map((d) => d.reasonMask)).toEqual([0, 0, 0, 0, 0, 0]);

    const next = spread(fresh, 2);
    const scattered = await decideScans(t.redis, t.prefix, campaign, Array.from({ length: 6 }, () => fixtureScan(campaign, next())), FIXTURE_NOW + 60 * second);
    expect(scattered.map((d) => d.reasonMask)).toEqual([0, 0, 0, 0, 0, 0]);

    const slow = [];
    for (let i = 0; i < 4; i++) slow.push(...(await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, fresh())], FIXTURE_NOW + (120 + i * 20) * second)));
    expect(slow.map((d) => d.reasonMask)).toEqual([0, 0, 0, 0]);
  });

  it('sees a run across the boundary of its 10-minute windows', async () => {
    const { campaign, fresh } = await setup({});
    const boundary = Math.ceil(FIXTURE_NOW / 600_000) * 600_000;
    const at = [boundary - 4 * second, boundary - 1, boundary + 3 * second];
    const decisions = [];
    for (const now of at) decisions.push(...(await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, fresh())], now)));
    expect(decisions.map((d) => d.reasonMask)).toEqual([0, 0, reasonBits.serial_run]);
  });
});

describe('redeemBatch: the campaign switches and weighs each counter rule, and the decision keeps what each rule added', () => {
  it('a switched-off rule does not fire; a weight from the file is what the rule adds; the event carries rw', async () => {
    const { campaign, fresh, events } = await setup({ rules: { serial_run: { weight: 35 }, ip_device_farm: { enabled: false } } });
    const decisions = [];
    for (let i = 0; i < 24; i++)
      decisions.push(...(await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, fresh(), { ip: '203.0.113.52', newDevice: true }, { score: 20, reasonMask: reasonBits.non_mobile_agent })], FIXTURE_NOW + i * second)));
    const last = decisions.at(-1);
    expect(reasonsFromMask(last?.reasonMask ?? 0)).toEqual(['non_mobile_agent', 'serial_run']);
    expect(last?.score).toBe(55);
    expect((await events()).at(-1)).toMatchObject({ rs: reasonBits.serial_run | reasonBits.non_mobile_agent, sc: 55, rw: [20, 35] });
  });

  it('a clean decision carries no rw', async () => {
    const { campaign, fresh, events } = await setup({});
    await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, fresh())]);
    expect((await events())[0]?.rw).toBeUndefined();
  });
});

describe('redeemBatch: diverted_batch tells a diverted batch from travellers', () => {
  const ip = reasonBits.ip_region_diversion;
  const ipWeight = defaultRuleWeights.ip_region_diversion;
  /** A scan of the batch with a place: at home (CN-SH, no worker reason) or off-region, as the worker found it. */
  const placed = (campaign: ReturnType<typeof decisionCampaign>, code: FixtureCode, region: string, offRegion = region !== 'CN-SH') =>
    fixtureScan(campaign, code, {}, { region, reasonMask: offRegion ? ip : 0, score: offRegion ? ipWeight : 0 });

  it('travellers spread over provinces are never a flow; goods turning up in one province are, from its tenth scan and a tenth of the batch', async () => {
    const { campaign, fresh } = await setup({ rules: { serial_run: { enabled: false } }, diversion: { minScans: 10, share: 0.1 } });
    const next = spread(fresh);
    const home = Array.from({ length: 60 }, () => placed(campaign, next(), 'CN-SH'));
    const travellers = ['CN-BJ', 'CN-GD', 'CN-ZJ', 'CN-JS', 'CN-SC', 'CN-BJ'].map((region) => placed(campaign, next(), region));
    const diverted = Array.from({ length: 12 }, () => placed(campaign, next(), 'CN-GD'));
    const decisions = await decideScans(t.redis, t.prefix, campaign, [...home, ...travellers, ...diverted]);
    expect(decisions.slice(0, 66).filter((d) => (d.reasonMask & reasonBits.diverted_batch) !== 0)).toEqual([]);
    // CN-GD had one traveller: the diverted scans are its 2nd..13th; from the 10th on, the flow fires
    const flagged = decisions.slice(66).map((d) => (d.reasonMask & reasonBits.diverted_batch) !== 0);
    expect(flagged).toEqual([false, false, false, false, false, false, false, false, true, true, true, true]);
    const last = decisions.at(-1);
    expect(reasonsFromMask(last?.reasonMask ?? 0)).toEqual(['ip_region_diversion', 'diverted_batch']);
    expect(last?.score).toBe(ipWeight + defaultRuleWeights.diverted_batch);
    expect(last?.outcome).toBe(Outcome.Blocked);
  });

  it('counts the scans it blocks in the flow, so blocking a flow does not shrink it under its share', async () => {
    const { campaign, fresh } = await setup({ rules: { serial_run: { enabled: false } }, diversion: { minScans: 3, share: 0.3 } });
    const next = spread(fresh);
    const opening = [placed(campaign, next(), 'CN-SH'), ...Array.from({ length: 3 }, () => placed(campaign, next(), 'CN-GD'))];
    expect((await decideScans(t.redis, t.prefix, campaign, opening)).map((d) => d.outcome).at(-1)).toBe(Outcome.Blocked);
    // home keeps scanning while the region is blocked: the blocked scans keep the region at its share
    const later = Array.from({ length: 4 }, () => [placed(campaign, next(), 'CN-SH'), placed(campaign, next(), 'CN-GD')]).flat();
    const decisions = await decideScans(t.redis, t.prefix, campaign, later);
    expect(decisions.filter((_, i) => i % 2 === 1).map((d) => d.outcome)).toEqual([Outcome.Blocked, Outcome.Blocked, Outcome.Blocked, Outcome.Blocked]);
    expect(await t.redis.hgetall(campaignKeys(t.prefix, campaign.id).regionFlows)).toMatchObject({ [String(BATCH)]: '12', [`${BATCH}|CN-GD`]: '7' });
  });

  it('needs the share too: ten scans from one province are no flow in a batch scanned mostly at home', async () => {
    const { campaign, fresh } = await setup({ rules: { serial_run: { enabled: false } }, diversion: { minScans: 10, share: 0.2 } });
    const next = spread(fresh);
    const home = Array.from({ length: 60 }, () => placed(campaign, next(), 'CN-SH'));
    const away = Array.from({ length: 12 }, () => placed(campaign, next(), 'CN-GD'));
    const decisions = await decideScans(t.redis, t.prefix, campaign, [...home, ...away]);
    expect(decisions.filter((d) => (d.reasonMask & reasonBits.diverted_batch) !== 0)).toEqual([]);
  });

  it('counts off-region scans with no known region together, and only scans that consumed their code or that it blocked', async () => {
    const { campaign, fresh } = await setup({ rules: { serial_run: { enabled: false } }, diversion: { minScans: 3, share: 0.5 } });
    const next = spread(fresh);
    // a GPS location outside every campaign region: off-region (the worker's region_diversion), region unknown
    const nowhere = () => fixtureScan(campaign, next(), { newDevice: true }, { region: null, reasonMask: reasonBits.region_diversion, score: 25 });
    const blocked = fixtureScan(campaign, next(), { newDevice: true }, { region: null, reasonMask: reasonBits.region_diversion, score: 90 });
    const decisions = await decideScans(t.redis, t.prefix, campaign, [blocked, nowhere(), nowhere(), nowhere()]);
    expect(decisions.map((d) => d.outcome)).toEqual([Outcome.Blocked, Outcome.Won, Outcome.Won, Outcome.Blocked]);
    expect(reasonsFromMask(decisions[3]?.reasonMask ?? 0)).toEqual(['region_diversion', 'diverted_batch']);
    expect(await t.redis.hgetall(campaignKeys(t.prefix, campaign.id).regionFlows)).toEqual({ [String(BATCH)]: '3', [`${BATCH}|?`]: '3' });
  });

  it('switched off, it neither scores nor counts', async () => {
    const { campaign, fresh } = await setup({ rules: { serial_run: { enabled: false }, diverted_batch: { enabled: false } }, diversion: { minScans: 1, share: 0 } });
    const decisions = await decideScans(t.redis, t.prefix, campaign, [placed(campaign, fresh(), 'CN-GD'), placed(campaign, fresh(), 'CN-GD')]);
    expect(decisions.map((d) => d.reasonMask)).toEqual([ip, ip]);
    expect(await t.redis.exists(campaignKeys(t.prefix, campaign.id).regionFlows)).toBe(0);
  });
});
