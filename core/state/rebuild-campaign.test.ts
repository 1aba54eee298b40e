import { Unpackr } from 'msgpackr';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { isScangateError } from '../errors.js';
import { campaignKeys, ingestGroup } from '../redis/keys.js';
import { localDay } from '../scan/campaign-params.js';
import { Outcome } from '../scan/outcomes.js';
import type { ScanDecision } from '../scan/types.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, FIXTURE_NOW } from '../testing/decision-fixtures.js';
import { lostCampaign, type LostCampaign } from '../testing/lost-campaign.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { type TestRedis } from '../testing/test-redis.js';
import { acquireRebuildLock } from './rebuild-lock.js';
import { rebuildCampaignState } from './rebuild-campaign.js';

const hour = 3_600_000;
const unpackr = new Unpackr({ mapsAsObjects: true });

let stack: TestStack;
let pool: pg.Pool;
let t: TestRedis;
let campaignCount = 0;

beforeAll(async () => {
  stack = await createTestStack({ poolMax: 4 });
  ({ pool, t } = stack);
});

afterAll(() => stack.stop());

interface Scenario extends LostCampaign {
  readonly keys: ReturnType<typeof campaignKeys>;
}

async function lostScenario(): Promise<Scenario> {
  const lost = await lostCampaign(pool, `rebuild-${++campaignCount}`);
  return { ...lost, keys: campaignKeys(t.prefix, lost.campaign.id) };
}

const deps = () => ({ redis: t.redis, pool, keyPrefix: t.prefix });

function decide(campaign: Campaign, scans: ReturnType<typeof fixtureScan>[]): Promise<ScanDecision[]> {
  return decideScans(t.redis, t.prefix, campaign, scans);
}

const numbers = (hash: Record<string, string>) => Object.fromEntries(Object.entries(hash).map(([key, value]) => [key, Number(value)]));

describe('rebuildCampaignState', () => {
  it('restores codes, prizes, limits, batches and counters from Postgres, and sets the epoch last', async () => {
    const s = await lostScenario();
    const result = await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW });
    expect(result).toMatchObject({ status: 'rebuilt', codes: 5, consumers: 3, batches: 2, issued: { grand: 2, points: 1 }, held: { grand: 1 } });

    expect(await t.redis.exists(s.keys.epoch)).toBe(1);
    expect(await t.redis.exists(s.keys.rebuildLock)).toBe(0);
    expect(await t.redis.hgetall(s.keys.batches)).toEqual({ [s.activeBatch]: '1', [s.inactiveBatch]: '0' });
    expect(numbers(await t.redis.hgetall(s.keys.issued))).toEqual({ grand: 2, points: 1 });
    expect(numbers(await t.redis.hgetall(s.keys.held))).toEqual({ grand: 1 });
    expect(numbers(await t.redis.hgetall(s.keys.consumerTotal))).toEqual({ [s.devices.a]: 2, [s.devices.b]: 1, [s.devices.c]: 2 });
    const today = localDay(s.campaign.window.timeZone, FIXTURE_NOW);
    expect(numbers(await t.redis.hgetall(s.keys.consumerDay(today)))).toEqual({ [s.devices.a]: 1, [s.devices.b]: 1, [s.devices.c]: 2 });
    expect(await t.redis.ttl(s.keys.consumerDay(today))).toBeGreaterThan(0);
    expect(numbers(await t.redis.hgetall(s.keys.outcomes))).toEqual({ won: 1, no_prize: 1, already_redeemed: 1, held: 3 });
    const won = unpackr.unpack((await t.redis.hgetBuffer(s.keys.codes, s.past.wonCode.code)) as Buffer) as Record<string, unknown>;
    expect(won).toEqual({ d: s.devices.a, o: Outcome.Won, t: 0, s: s.past.wonEvent, a: FIXTURE_NOW - hour, r: 0, c: 0 });
  });

  it('after the rebuild no code redeemed before can be redeemed again: the redeemer replays, anyone else is told it was redeemed', async () => {
    const s = await lostScenario();
    await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW });
    const [replay, other, heldReplay, approved, rejected] = await decide(s.campaign, [
      fixtureScan(s.campaign, s.past.wonCode, { deviceId: s.devices.a }),
      fixtureScan(s.campaign, s.past.wonCode),
      fixtureScan(s.campaign, s.past.heldCode, { deviceId: s.devices.b }),
      fixtureScan(s.campaign, s.past.approvedCode, { deviceId: s.devices.c }),
      fixtureScan(s.campaign, s.past.rejectedCode, { deviceId: s.devices.c }),
    ]);
    expect(replay).toMatchObject({ outcome: Outcome.Won, tierIndex: 0, replay: true, scanId: s.past.wonEvent, firstScannedAt: FIXTURE_NOW - hour });
    expect(other).toMatchObject({ outcome: Outcome.AlreadyRedeemed, replay: false, firstScannedAt: FIXTURE_NOW - hour });
    expect(heldReplay).toMatchObject({ outcome: Outcome.Held, tierIndex: 0, replay: true, reasonMask: 4, score: 60 });
    expect(approved).toMatchObject({ outcome: Outcome.Won, tierIndex: 1, replay: true });
    expect(rejected).toMatchObject({ outcome: Outcome.Blocked, tierIndex: -1, replay: true });
  });

  it('budgets and limits continue from the rebuilt counts', async () => {
    const s = await lostScenario();
    await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW });
    // grand has 1 of 3 left: the first draw of it wins it, the next falls back to points.
    const [lastGrand, fallback] = await decide(s.campaign, [fixtureScan(s.campaign, s.fresh()), fixtureScan(s.campaign, s.fresh())]);
    expect(lastGrand).toMatchObject({ outcome: Outcome.Won, tierIndex: 0 });
    expect(fallback).toMatchObject({ outcome: Outcome.Won, tierIndex: 1 });
    // device a consumed 1 code today (limit 2) and 2 in all (limit 3); device c 2 today.
    const [aToday, aOverDay, cOverDay] = await decide(s.campaign, [
      fixtureScan(s.campaign, s.fresh(), { deviceId: s.devices.a }, { tierIndex: -1 }),
      fixtureScan(s.campaign, s.fresh(), { deviceId: s.devices.a }, { tierIndex: -1 }),
      fixtureScan(s.campaign, s.fresh(), { deviceId: s.devices.c }, { tierIndex: -1 }),
    ]);
    expect(aToday?.outcome).toBe(Outcome.NoPrize);
    expect(aOverDay?.outcome).toBe(Outcome.LimitReached);
    expect(cOverDay?.outcome).toBe(Outcome.LimitReached);
    // codes of the inactive batch stay refused
    const [inactive] = await decide(s.campaign, [fixtureScan(s.campaign, codeSource(s.inactiveBatch)())]);
    expect(inactive?.outcome).toBe(Outcome.NotActivated);
  });

  it('while the state is missing the campaign is refused; a present epoch is left alone unless forced', async () => {
    const s = await lostScenario();
    const refused = await decide(s.campaign, [fixtureScan(s.campaign, s.fresh())]).catch((err: unknown) => err);
    expect(isScangateError(refused, 'GW_ERR_CAMPAIGN_RECOVERING')).toBe(true);
    await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW });
    await t.redis.hset(s.keys.issued, 'grand', '0');
    expect(await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW })).toEqual({ status: 'intact' });
    expect(await t.redis.hget(s.keys.issued, 'grand')).toBe('0');
    expect(await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW, force: true })).toMatchObject({ status: 'rebuilt', issued: { grand: 2 } });
    expect(await t.redis.hget(s.keys.issued, 'grand')).toBe('2');
  });

  it('concurrent rebuilds: one writes, the others find it busy or done, and the state is written once', async () => {
    const s = await lostScenario();
    const results = await Promise.all(Array.from({ length: 4 }, () => rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW, pageSize: 2 })));
    expect(results.filter((r) => r.status === 'rebuilt')).toHaveLength(1);
    expect(results.every((r) => ['rebuilt', 'busy', 'intact'].includes(r.status))).toBe(true);
    expect(numbers(await t.redis.hgetall(s.keys.issued))).toEqual({ grand: 2, points: 1 });
    expect(await t.redis.hlen(s.keys.codes)).toBe(5);
  });

  it('waits for decisions still in the events stream, and refuses to finish without them', async () => {
    const s = await lostScenario();
    await t.redis.xadd(s.keys.events, '*', 'd', 'not yet in Postgres');
    await t.redis.xgroup('CREATE', s.keys.events, ingestGroup, '0');
    const failed = await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW, drainTimeoutMs: 300 }).catch((err: unknown) => err);
    expect(isScangateError(failed, 'GW_ERR_CAMPAIGN_RECOVERING')).toBe(true);
    expect(await t.redis.exists(s.keys.epoch, s.keys.rebuildLock)).toBe(0);

    const delivered = (await t.redis.xreadgroup('GROUP', ingestGroup, 'test', 'STREAMS', s.keys.events, '>')) as [string, [string, string[]][]][];
    await t.redis.xack(s.keys.events, ingestGroup, ...(delivered[0]?.[1] ?? []).map(([id]) => id));
    expect(await rebuildCampaignState(deps(), s.campaign, { now: FIXTURE_NOW })).toMatchObject({ status: 'rebuilt' });
  });
});

describe('the rebuild lock', () => {
  it('is held by one process; a holder that lost it can neither complete nor release it', async () => {
    const keys = campaignKeys(t.prefix, 'lock-test');
    const first = await acquireRebuildLock(t.redis, keys, 10_000);
    expect(first).toBeDefined();
    expect(await acquireRebuildLock(t.redis, keys, 10_000)).toBeUndefined();
    expect(await rebuildCampaignState(deps(), decisionCampaign('lock-test'))).toEqual({ status: 'busy' });

    await t.redis.set(keys.rebuildLock, 'another-holder');
    expect(await first?.extend()).toBe(false);
    expect(await first?.complete('1')).toBe(false);
    await first?.release();
    expect(await t.redis.exists(keys.epoch)).toBe(0);
    expect(await t.redis.get(keys.rebuildLock)).toBe('another-holder');
  });
});
