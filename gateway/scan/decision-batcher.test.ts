import { Unpackr } from 'msgpackr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { isScangateError } from '../../core/errors.js';
import { decodeScanEvent } from '../ingest/event-decoder.js';
import { campaignKeyPattern, campaignKeys } from '../../core/redis/keys.js';
import { codeSource, decisionCampaign, fixtureScan, FIXTURE_NOW, newDeviceId, seedCampaignState, type ScanFixture } from '../../core/testing/decision-fixtures.js';
import { createTestRedis, type TestRedis } from '../../core/testing/test-redis.js';
import { createDecisionBatcher, type DecisionBatcher } from './decision-batcher.js';
import { Outcome, outcomeNames } from '../../core/scan/outcomes.js';
import { reasonBits, reasonsFromMask } from '../../core/scan/reasons.js';
import type { ScanDecision } from '../../core/scan/types.js';
import { createRedisClient } from '../../core/redis/redis-client.js';

const minute = 60_000;
const day = 86_400_000;
const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });

let t: TestRedis;
const batchers: DecisionBatcher[] = [];
let campaignCount = 0;

beforeAll(async () => {
  t = await createTestRedis();
});
afterEach(async () => {
  await Promise.all(batchers.splice(0).map((batcher) => batcher.close()));
});
afterAll(() => t.cleanup());

interface Setup {
  readonly campaign: Campaign;
  readonly keys: ReturnType<typeof campaignKeys>;
  readonly batcher: DecisionBatcher;
  /** sizes of the script calls made so far */
  readonly calls: number[];
  /** the batcher's clock, ms */
  now: number;
  /** a fresh code of the campaign's active batch */
  fresh(): ReturnType<ReturnType<typeof codeSource>>;
  decide(scans: readonly ScanFixture[]): Promise<ScanDecision[]>;
}

const ACTIVE_BATCH = 7;

/** A campaign of its own (state seeded, batch ACTIVE_BATCH active) and a batcher with a movable clock. */
async function setup(changes: Record<string, unknown> = {}, batchMax = 256): Promise<Setup> {
  const campaign = decisionCampaign(`c${++campaignCount}`, changes);
  await seedCampaignState(t.redis, t.prefix, campaign.id, [ACTIVE_BATCH]);
  const calls: number[] = [];
  const fresh = codeSource(ACTIVE_BATCH);
  const state: Setup = {
    campaign,
    keys: campaignKeys(t.prefix, campaign.id),
    batcher: createDecisionBatcher({ redis: t.redis, keyPrefix: t.prefix, batchMax, clock: () => state.now, hooks: { batch: (size) => calls.push(size) } }),
    calls,
    now: FIXTURE_NOW,
    fresh,
    decide: (scans) => Promise.all(scans.map((scan) => state.batcher.submit(scan.request, scan.assessment, campaign))),
  };
  batchers.push(state.batcher);
  return state;
}

const count = (decisions: readonly ScanDecision[], outcome: Outcome) => decisions.filter((d) => d.outcome === outcome).length;

async function keysOf(prefix: string, campaignId: string): Promise<string[]> {
  return (await t.redis.keys(campaignKeyPattern(prefix, campaignId))).sort();
}

describe('redeemBatch through the decision batcher', () => {
  it('200 devices scanning one code at once: exactly one redeems it, 199 are told it was redeemed', async () => {
    const s = await setup({}, 64);
    const code = s.fresh();
    const decisions = await s.decide(Array.from({ length: 200 }, () => fixtureScan(s.campaign, code)));
    expect(s.calls).toEqual([64, 64, 64, 8]);
    expect(count(decisions, Outcome.Won)).toBe(1);
    expect(count(decisions, Outcome.AlreadyRedeemed)).toBe(199);
    const winner = decisions.find((d) => d.outcome === Outcome.Won) as ScanDecision;
    for (const other of decisions.filter((d) => d !== winner)) {
      expect(other.firstScannedAt).toBe(FIXTURE_NOW);
      expect(reasonsFromMask(other.reasonMask)).toEqual(['clone']);
      expect(other.scanId).not.toBe(winner.scanId);
    }
    expect(await t.redis.hget(s.keys.clones, code.code)).toBe('199');
    expect(await t.redis.xlen(s.keys.events)).toBe(200);
    expect(await t.redis.hgetall(s.keys.outcomes)).toEqual({ won: '1', already_redeemed: '199' });
  });

  it('issues at most a tier\'s inventory and falls back to lower tiers, then to no_prize', async () => {
    const s = await setup({
      tiers: [
        { id: 'grand', kind: 'cash', value: 888, unit: 'CNY', inventory: 10, weight: 1 },
        { id: 'coupon', kind: 'coupon', value: 5, unit: 'CNY', inventory: 500, weight: 0 },
      ],
    });
    const decisions = await s.decide(Array.from({ length: 1000 }, () => fixtureScan(s.campaign, s.fresh(), {}, { tierIndex: 0 })));
    const won = decisions.filter((d) => d.outcome === Outcome.Won);
    expect(won.filter((d) => d.tierIndex === 0)).toHaveLength(10);
    expect(won.filter((d) => d.tierIndex === 1)).toHaveLength(500);
    expect(count(decisions, Outcome.NoPrize)).toBe(490);
    expect(decisions.slice(0, 10).every((d) => d.tierIndex === 0)).toBe(true);
    expect(await t.redis.hgetall(s.keys.issued)).toEqual({ grand: '10', coupon: '500' });
  });

  it('lets one consumer redeem at most perConsumerPerCampaign codes, however many arrive at once', async () => {
    const s = await setup({ limits: { perConsumerPerDay: 100, perConsumerPerCampaign: 3 } });
    const deviceId = newDeviceId();
    const decisions = await s.decide(Array.from({ length: 50 }, () => fixtureScan(s.campaign, s.fresh(), { deviceId })));
    expect(count(decisions, Outcome.Won)).toBe(3);
    expect(count(decisions, Outcome.LimitReached)).toBe(47);
    expect(await t.redis.hget(s.keys.consumerTotal, deviceId)).toBe('3');
    expect(await t.redis.hlen(s.keys.codes)).toBe(3);
  });

  it('resets the daily limit at midnight in the campaign\'s time zone', async () => {
    const s = await setup({ limits: { perConsumerPerDay: 2, perConsumerPerCampaign: 10 } });
    const deviceId = newDeviceId();
    const three = () => s.decide([1, 2, 3].map(() => fixtureScan(s.campaign, s.fresh(), { deviceId })));
    s.now = Date.UTC(2026, 2, 10, 15, 59); // 23:59 in Shanghai
    expect((await three()).map((d) => d.outcome)).toEqual([Outcome.Won, Outcome.Won, Outcome.LimitReached]);
    s.now = Date.UTC(2026, 2, 10, 16, 1); // 00:01 the next day
    expect((await three()).map((d) => d.outcome)).toEqual([Outcome.Won, Outcome.Won, Outcome.LimitReached]);
    expect(await t.redis.hget(s.keys.consumerDay('20260310'), deviceId)).toBe('2');
    expect(await t.redis.hget(s.keys.consumerDay('20260311'), deviceId)).toBe('2');
    expect(await t.redis.ttl(s.keys.consumerDay('20260311'))).toBeGreaterThan(day / 1000);
  });

  it('replays the original decision to the same device, even after the campaign ended', async () => {
    const s = await setup();
    const deviceId = newDeviceId();
    const code = s.fresh();
    const [first] = await s.decide([fixtureScan(s.campaign, code, { deviceId }, { tierIndex: 1 })]);
    s.now += 11 * day;
    const [again] = await s.decide([fixtureScan(s.campaign, code, { deviceId }, { tierIndex: 0, score: 70 })]);
    expect(first).toMatchObject({ outcome: Outcome.Won, tierIndex: 1, replay: false });
    expect(again).toEqual({ ...first, replay: true, firstScannedAt: FIXTURE_NOW });
    expect(await t.redis.hgetall(s.keys.issued)).toEqual({ points: '1' });
  });

  it('holds a suspicious scan: the prize is reserved (issued and held) and the code consumed', async () => {
    const s = await setup();
    const code = s.fresh();
    const deviceId = newDeviceId();
    const mask = reasonBits.non_mobile_agent | reasonBits.region_diversion;
    const [held] = await s.decide([fixtureScan(s.campaign, code, { deviceId }, { score: 50, reasonMask: mask })]);
    expect(held).toMatchObject({ outcome: Outcome.Held, tierIndex: 0, replay: false, score: 50, reasonMask: mask });
    expect(await t.redis.hgetall(s.keys.issued)).toEqual({ grand: '1' });
    expect(await t.redis.hgetall(s.keys.held)).toEqual({ grand: '1' });
    const [replay, other] = await s.decide([fixtureScan(s.campaign, code, { deviceId }), fixtureScan(s.campaign, code)]);
    expect(replay).toEqual({ ...held, replay: true, firstScannedAt: FIXTURE_NOW });
    expect(other?.outcome).toBe(Outcome.AlreadyRedeemed);
  });

  it('answers no_prize instead of held when a suspicious scan has no prize to reserve', async () => {
    const s = await setup();
    const [decision] = await s.decide([fixtureScan(s.campaign, s.fresh(), {}, { score: 60, tierIndex: -1 })]);
    expect(decision).toMatchObject({ outcome: Outcome.NoPrize, tierIndex: -1, score: 60 });
    expect(await t.redis.exists(s.keys.held)).toBe(0);
  });

  it('blocks a scan at blockAt without consuming the code; a honeypot (score 100) always blocks', async () => {
    const s = await setup();
    const code = s.fresh();
    const [blocked] = await s.decide([fixtureScan(s.campaign, code, {}, { score: 80, reasonMask: reasonBits.headless_agent })]);
    expect(blocked).toMatchObject({ outcome: Outcome.Blocked, tierIndex: -1, score: 80 });
    expect(await t.redis.hexists(s.keys.codes, code.code)).toBe(0);
    const [later] = await s.decide([fixtureScan(s.campaign, code)]);
    expect(later?.outcome).toBe(Outcome.Won);

    const [honeypot] = await s.decide([fixtureScan(s.campaign, s.fresh(), {}, { score: 100, reasonMask: reasonBits.honeypot })]);
    expect(honeypot).toMatchObject({ outcome: Outcome.Blocked, score: 100 });
    expect(reasonsFromMask(honeypot?.reasonMask ?? 0)).toEqual(['honeypot']);
    expect(await t.redis.hgetall(s.keys.issued)).toEqual({ grand: '1' });
  });

  it('answers not_activated for a batch that is inactive or unknown, without consuming the code', async () => {
    const s = await setup();
    await t.redis.hset(s.keys.batches, '8', '0');
    const inactive = codeSource(8)();
    const unknown = codeSource(9)();
    const decisions = await s.decide([fixtureScan(s.campaign, inactive), fixtureScan(s.campaign, unknown)]);
    expect(decisions.map((d) => d.outcome)).toEqual([Outcome.NotActivated, Outcome.NotActivated]);
    expect(await t.redis.hlen(s.keys.codes)).toBe(0);
  });

  it('answers campaign_not_started before the window and campaign_ended from its end on', async () => {
    const s = await setup();
    const startsAt = Date.parse(s.campaign.window.startsAt);
    const endsAt = Date.parse(s.campaign.window.endsAt);
    const at = async (now: number) => {
      s.now = now;
      return (await s.decide([fixtureScan(s.campaign, s.fresh())]))[0]?.outcome;
    };
    expect(await at(startsAt - 1)).toBe(Outcome.CampaignNotStarted);
    expect(await at(startsAt)).toBe(Outcome.Won);
    expect(await at(endsAt - 1)).toBe(Outcome.Won);
    expect(await at(endsAt)).toBe(Outcome.CampaignEnded);
  });

  it('refuses every scan of the call with GW_ERR_CAMPAIGN_RECOVERING when the epoch is missing, writing nothing', async () => {
    const s = await setup();
    await t.redis.del(s.keys.epoch);
    const before = await keysOf(t.prefix, s.campaign.id);
    const scans = [1, 2, 3].map(() => fixtureScan(s.campaign, s.fresh()));
    const results = await Promise.allSettled(scans.map((scan) => s.batcher.submit(scan.request, scan.assessment, s.campaign)));
    expect(s.calls).toEqual([3]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(isScangateError((result as PromiseRejectedResult).reason, 'GW_ERR_CAMPAIGN_RECOVERING')).toBe(true);
    }
    expect(await keysOf(t.prefix, s.campaign.id)).toEqual(before);
  });

  it('rejects a malformed scan with GW_ERR_SCRIPT before writing anything', async () => {
    const s = await setup();
    const before = await keysOf(t.prefix, s.campaign.id);
    const scans = [fixtureScan(s.campaign, s.fresh()), fixtureScan(s.campaign, s.fresh(), {}, { score: 101 })];
    const results = await Promise.allSettled(scans.map((scan) => s.batcher.submit(scan.request, scan.assessment, s.campaign)));
    for (const result of results) expect(isScangateError((result as PromiseRejectedResult).reason, 'GW_ERR_SCRIPT')).toBe(true);
    expect(await keysOf(t.prefix, s.campaign.id)).toEqual(before);
  });

  it('rejects every scan of a call with GW_ERR_REDIS_UNAVAILABLE when Redis is unreachable', async () => {
    const redis = createRedisClient('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const campaign = decisionCampaign('unreachable');
    const batcher = createDecisionBatcher({ redis, keyPrefix: t.prefix, batchMax: 256 });
    const scans = [1, 2].map(() => fixtureScan(campaign, codeSource(1)()));
    const results = await Promise.allSettled(scans.map((scan) => batcher.submit(scan.request, scan.assessment, campaign)));
    for (const result of results) expect(isScangateError((result as PromiseRejectedResult).reason, 'GW_ERR_REDIS_UNAVAILABLE')).toBe(true);
    expect(batcher.scriptsLoaded()).toBe(false);
    await batcher.close();
    redis.disconnect();
  });

  it('appends every decision to the events stream in the contract\'s format and counts it by outcome', async () => {
    const s = await setup({ limits: { perConsumerPerDay: 1, perConsumerPerCampaign: 5 } });
    const deviceId = newDeviceId();
    const used = s.fresh();
    const scans = [
      fixtureScan(s.campaign, used, { deviceId, lat: 31.2, lon: 121.5, newDevice: true }, { region: 'CN-SH' }),
      fixtureScan(s.campaign, used, { deviceId }),
      fixtureScan(s.campaign, used),
      fixtureScan(s.campaign, s.fresh(), { deviceId }),
      fixtureScan(s.campaign, s.fresh(), {}, { score: 90, reasonMask: reasonBits.headless_agent, uaClass: 'headless' }),
      fixtureScan(s.campaign, codeSource(3)()),
    ];
    const decisions = await s.decide(scans);
    expect(decisions.map((d) => d.outcome)).toEqual([Outcome.Won, Outcome.Won, Outcome.AlreadyRedeemed, Outcome.LimitReached, Outcome.Blocked, Outcome.NotActivated]);

    const entries = await t.redis.xrangeBuffer(s.keys.events, '-', '+');
    expect(entries).toHaveLength(scans.length);
    const events = entries.map(([id, fields]) => {
      expect(fields[0]?.toString()).toBe('d');
      return { id: id.toString(), map: unpackr.unpack(fields[1] as Buffer) as Record<string, unknown>, row: decodeScanEvent(s.campaign.id, id.toString(), fields[1] as Buffer) };
    });
    const [won, replay, clone, , blocked] = events;
    expect(won?.id).toBe(decisions[0]?.scanId);
    expect(won?.map).toEqual({
      v: 1, at: FIXTURE_NOW, code: used.code, batch: ACTIVE_BATCH, serial: used.serial, dev: deviceId, ip: '203.0.113.10',
      o: Outcome.Won, t: 'grand', rp: 0, sc: 0, rs: 0, first: '', ua: 'mobile', rg: 'CN-SH', lat: 31.2, lon: 121.5, nd: 1,
    });
    expect(replay?.row).toMatchObject({ outcome: Outcome.Won, tierId: 'grand', replay: true, firstScanId: won?.id, lat: null, lon: null, region: null });
    expect(decisions[1]?.scanId).toBe(won?.id);
    expect(clone?.row).toMatchObject({ outcome: Outcome.AlreadyRedeemed, tierId: null, replay: false, firstScanId: won?.id, reasonMask: reasonBits.clone });
    expect(decisions[2]?.scanId).toBe(clone?.id);
    // held and blocked events keep the raw User-Agent for the fraud team; the others (won above) do not carry it
    expect(blocked?.row).toMatchObject({ outcome: Outcome.Blocked, score: 90, uaClass: 'headless', userAgent: scans[4]?.request.userAgent });
    expect(clone?.row.userAgent).toBeNull();

    const tally: Record<string, string> = {};
    for (const d of decisions) tally[outcomeNames[d.outcome]] = String(Number(tally[outcomeNames[d.outcome]] ?? 0) + 1);
    expect(await t.redis.hgetall(s.keys.outcomes)).toEqual(tally);
  });
});

describe('counter rules in the decision script', () => {
  it('adds device, consumer and IP velocity over a sliding minute, with their weights and reasons', async () => {
    const s = await setup({ fraud: { holdAt: 95, blockAt: 99, deviceScansPerMinute: 3, ipScansPerMinute: 5, devicesPerIp: 100, rules: { serial_run: { enabled: false } } } });
    const deviceId = newDeviceId();
    const ip = '198.51.100.7';
    const kept = s.fresh();
    const scan = (device = deviceId) => fixtureScan(s.campaign, s.fresh(), { deviceId: device, ip });
    const first = await s.decide([fixtureScan(s.campaign, kept, { deviceId, ip }), scan(), scan()]);
    expect(first.map((d) => d.reasonMask)).toEqual([0, 0, 0]);
    const [fourth] = await s.decide([scan()]);
    expect(reasonsFromMask(fourth?.reasonMask ?? 0)).toEqual(['device_velocity', 'consumer_velocity']);
    expect(fourth?.score).toBe(60);
    const [fifth, sixth] = await s.decide([scan(newDeviceId()), scan(newDeviceId())]);
    expect(fifth?.reasonMask).toBe(0);
    expect(reasonsFromMask(sixth?.reasonMask ?? 0)).toEqual(['ip_velocity']);

    // Half-way through the next minute, half of the previous minute's 4 scans by the device still
    // count: a replay (device scan 3) and then a fresh code (device scan 4, consumer attempt 3).
    s.now = (Math.floor(FIXTURE_NOW / minute) + 1) * minute + minute / 2;
    const elsewhere = { deviceId, ip: '198.51.100.8' };
    const [replay, fresh] = await s.decide([fixtureScan(s.campaign, kept, elsewhere), fixtureScan(s.campaign, s.fresh(), elsewhere)]);
    expect(replay).toMatchObject({ replay: true, reasonMask: 0 });
    expect(reasonsFromMask(fresh?.reasonMask ?? 0)).toEqual(['device_velocity']);
    expect(await t.redis.ttl(s.keys.velocity(Math.floor(s.now / minute)))).toBeGreaterThan(120);
  });

  it('flags a fresh device on an IP behind which more than devicesPerIp devices that never came back scanned this hour, and holds at holdAt', async () => {
    const s = await setup({ fraud: { holdAt: 40, blockAt: 99, deviceScansPerMinute: 100, ipScansPerMinute: 100, devicesPerIp: 2, rules: { serial_run: { enabled: false }, ip_device_farm: { weight: 60 } } } });
    const ip = '198.51.100.9';
    const decisions = await s.decide([1, 2, 3].map(() => fixtureScan(s.campaign, s.fresh(), { ip, newDevice: true }, { score: 20, reasonMask: reasonBits.non_mobile_agent })));
    expect(decisions.map((d) => d.outcome)).toEqual([Outcome.Won, Outcome.Won, Outcome.Held]);
    expect(decisions[2]).toMatchObject({ score: 80, reasonMask: reasonBits.non_mobile_agent | reasonBits.ip_device_farm });
    expect(await t.redis.hget(s.keys.ipDevices(Math.floor(FIXTURE_NOW / 3_600_000)), `#${ip}`)).toBe('3');
  });
});
