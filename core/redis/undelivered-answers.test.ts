import { Unpackr } from 'msgpackr';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { Outcome } from '../scan/outcomes.js';
import type { ScanDecision } from '../scan/types.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, FIXTURE_NOW, newDeviceId, seedCampaignState, type FixtureCode } from '../testing/decision-fixtures.js';
import { createTestRedis, type TestRedis } from '../testing/test-redis.js';
import { campaignKeys } from './keys.js';
import { ScriptCode } from './script-codes.js';
import { scriptCommands } from './scripts.js';
import { createUndeliveredAnswers, MARK_RECORDED, type UndeliveredAnswers } from './undelivered-answers.js';

const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });
const WINDOW_SECONDS = 600;
const ACTIVE_BATCH = 4;

let t: TestRedis;
let undelivered: UndeliveredAnswers;
let campaign: Campaign;
let now = FIXTURE_NOW;
const fresh = codeSource(ACTIVE_BATCH);
let campaignCount = 0;

beforeAll(async () => {
  t = await createTestRedis();
  undelivered = createUndeliveredAnswers({ scripts: scriptCommands(t.redis), keyPrefix: t.prefix, windowSeconds: WINDOW_SECONDS, clock: () => now });
});
afterEach(() => {
  now = FIXTURE_NOW;
});
afterAll(async () => {
  await t.cleanup();
});

async function newCampaign(): Promise<Campaign> {
  campaign = decisionCampaign(`redeliver${++campaignCount}`);
  await seedCampaignState(t.redis, t.prefix, campaign.id, [ACTIVE_BATCH]);
  return campaign;
}

interface Phone {
  readonly ip: string;
  readonly uaClass?: 'mobile' | 'desktop';
  readonly deviceId?: string;
}

function scan(code: FixtureCode, phone: Phone): Promise<ScanDecision> {
  const { request, assessment } = fixtureScan(campaign, code, { ip: phone.ip, deviceId: phone.deviceId ?? newDeviceId(), newDevice: phone.deviceId === undefined }, { uaClass: phone.uaClass ?? 'mobile' });
  return decideScans(t.redis, t.prefix, campaign, [{ request, assessment }], now).then(([decision]) => decision as ScanDecision);
}

/** A fresh code won by a new device from `phone`, whose answer is then marked lost. */
async function lostWin(phone: Phone): Promise<{ code: FixtureCode; first: ScanDecision; deviceId: string }> {
  const code = fresh();
  const deviceId = newDeviceId();
  const first = await scan(code, { ...phone, deviceId });
  expect(first).toMatchObject({ outcome: Outcome.Won, replay: false });
  const mark = await undelivered.record({ campaignId: campaign.id, code: code.code, scanId: first.scanId, ip: phone.ip, uaClass: phone.uaClass ?? 'mobile' });
  expect(mark).toBe(MARK_RECORDED);
  return { code, first, deviceId };
}

const codeRecord = async (code: FixtureCode) => unpackr.unpack((await t.redis.hgetBuffer(campaignKeys(t.prefix, campaign.id).codes, code.code)) as Buffer) as Record<string, unknown>;

describe('markUndelivered', () => {
  it('marks the consuming decision\'s record with the deadline, network and UA class', async () => {
    await newCampaign();
    const { code, first, deviceId } = await lostWin({ ip: '198.51.100.23' });
    expect(await codeRecord(code)).toMatchObject({ d: deviceId, s: first.scanId, ux: now + WINDOW_SECONDS * 1000, un: '198.51.100.0/24', uu: 'mobile' });
  });

  it('answers CODE_NOT_CONSUMED for a code without a record, writing nothing', async () => {
    await newCampaign();
    const code = fresh();
    const mark = await undelivered.record({ campaignId: campaign.id, code: code.code, scanId: '1-0', ip: '198.51.100.23', uaClass: 'mobile' });
    expect(mark).toBe(ScriptCode.CodeNotConsumed);
    expect(await t.redis.hexists(campaignKeys(t.prefix, campaign.id).codes, code.code)).toBe(0);
  });

  it('answers DECISION_REPLACED when the record is another decision\'s, leaving it as it was', async () => {
    await newCampaign();
    const code = fresh();
    const first = await scan(code, { ip: '198.51.100.23' });
    const before = await codeRecord(code);
    const mark = await undelivered.record({ campaignId: campaign.id, code: code.code, scanId: `${first.scanId}1`, ip: '198.51.100.23', uaClass: 'mobile' });
    expect(mark).toBe(ScriptCode.DecisionReplaced);
    expect(await codeRecord(code)).toEqual(before);
  });
});

describe('redeemBatch redelivers a lost answer', () => {
  it('once, to a new device from the same /24 and UA class, as the original device; then already_redeemed', async () => {
    await newCampaign();
    const { code, first, deviceId } = await lostWin({ ip: '198.51.100.23' });
    now += 30_000;
    const retry = await scan(code, { ip: '198.51.100.200' });
    expect(retry).toEqual({ ...first, replay: true, firstScannedAt: FIXTURE_NOW, redeliveredTo: deviceId });
    expect(await codeRecord(code)).not.toHaveProperty('ux');
    expect(await scan(code, { ip: '198.51.100.23' })).toMatchObject({ outcome: Outcome.AlreadyRedeemed, replay: false });

    const entries = await t.redis.xrangeBuffer(campaignKeys(t.prefix, campaign.id).events, '-', '+');
    // the events as the decision script wrote them (the ingest's decoding of `rd` is event-decoder.test.ts's)
    const [, redelivery, clone] = entries.map(([, fields]) => unpackr.unpack(fields[1] as Buffer) as Record<string, unknown>);
    expect(redelivery).toMatchObject({ o: Outcome.Won, rp: 1, rd: 1, dev: deviceId, first: first.scanId, t: 'grand' });
    expect(clone).toMatchObject({ o: Outcome.AlreadyRedeemed });
    expect(clone?.rd ?? 0).toBe(0);
    // a redelivery consumes nothing and is no clone
    expect(await t.redis.hget(campaignKeys(t.prefix, campaign.id).clones, code.code)).toBe('1');
    expect(await t.redis.hgetall(campaignKeys(t.prefix, campaign.id).issued)).toEqual({ grand: '1' });
  });

  it('not to another /24, another UA class, or after the window; those leave the mark for the phone', async () => {
    await newCampaign();
    const { code, first, deviceId } = await lostWin({ ip: '198.51.100.23' });
    expect(await scan(code, { ip: '198.51.101.23' })).toMatchObject({ outcome: Outcome.AlreadyRedeemed, replay: false });
    expect(await scan(code, { ip: '198.51.100.23', uaClass: 'desktop' })).toMatchObject({ outcome: Outcome.AlreadyRedeemed, replay: false });
    now += WINDOW_SECONDS * 1000 - 1;
    expect(await scan(code, { ip: '198.51.100.23' })).toEqual({ ...first, replay: true, firstScannedAt: FIXTURE_NOW, redeliveredTo: deviceId });

    const late = await lostWin({ ip: '198.51.100.23' });
    now += WINDOW_SECONDS * 1000;
    const decision = await scan(late.code, { ip: '198.51.100.23' });
    expect(decision).toMatchObject({ outcome: Outcome.AlreadyRedeemed, replay: false });
    expect(decision.redeliveredTo).toBeUndefined();
  });

  it('by IPv6 /64, and again when the redelivered answer is lost too', async () => {
    await newCampaign();
    const { code, first, deviceId } = await lostWin({ ip: '2001:db8:1:2::17' });
    expect(await scan(code, { ip: '2001:db8:1:3::17' })).toMatchObject({ outcome: Outcome.AlreadyRedeemed });
    const retry = await scan(code, { ip: '2001:db8:1:2:aaaa::1' });
    expect(retry).toMatchObject({ scanId: first.scanId, replay: true, redeliveredTo: deviceId });
    // the redelivery's answer is lost as well: its scan id is the original's, so it is marked again
    expect(await undelivered.record({ campaignId: campaign.id, code: code.code, scanId: retry.scanId, ip: '2001:db8:1:2::99', uaClass: 'mobile' })).toBe(MARK_RECORDED);
    expect(await scan(code, { ip: '2001:db8:1:2::5' })).toMatchObject({ scanId: first.scanId, replay: true, redeliveredTo: deviceId });
  });

  it('leaves a same-device replay as it is: the phone that kept its cookie gets a plain replay', async () => {
    await newCampaign();
    const { code, first, deviceId } = await lostWin({ ip: '198.51.100.23' });
    const replay = await scan(code, { ip: '198.51.100.23', deviceId });
    expect(replay).toEqual({ ...first, replay: true, firstScannedAt: FIXTURE_NOW });
    expect(await codeRecord(code)).toHaveProperty('ux');
  });
});
