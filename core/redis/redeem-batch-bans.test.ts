import { Unpackr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banField } from '../bans/ban-subjects.js';
import { Outcome } from '../scan/outcomes.js';
import { reasonBits, reasonsFromMask } from '../scan/reasons.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, FIXTURE_NOW, newDeviceId, seedCampaignState } from '../testing/decision-fixtures.js';
import { createTestRedis, type TestRedis } from '../testing/test-redis.js';
import { campaignKeys } from './keys.js';

/** redeemBatch-17.lua's ban branch: the `bans` hash written as core/bans/ mirrors it. */
const BATCH = 3;
const hour = 3_600_000;
const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });

let t: TestRedis;
let campaigns = 0;
beforeAll(async () => {
  t = await createTestRedis();
});
afterAll(() => t.cleanup());

async function setup(bans: Record<string, number | string>) {
  const campaign = decisionCampaign(`ban${++campaigns}`);
  const keys = campaignKeys(t.prefix, campaign.id);
  await seedCampaignState(t.redis, t.prefix, campaign.id, [BATCH]);
  if (Object.keys(bans).length > 0) await t.redis.hset(keys.bans, bans);
  const events = async () =>
    (await t.redis.xrangeBuffer(keys.events, '-', '+')).map(([, fields]) => unpackr.unpack(fields[1] as Buffer) as { o: number; rs: number; dev: string; code: string });
  return { campaign, keys, fresh: codeSource(BATCH), events };
}

const until = FIXTURE_NOW + hour;

describe('redeemBatch: bans', () => {
  it.each([
    ['device', { deviceId: 'banned-device-00000000' }, banField('device', 'banned-device-00000000')],
    ['address', { ip: '2001:db8::5' }, banField('address', '2001:db8::5')],
    ['network', { ip: '198.51.100.77' }, banField('network', '198.51.100.0/24')],
  ])('a banned %s is blocked with reason banned; its code, prize and limits stay untouched; the decision is appended', async (_kind, request, field) => {
    const { campaign, keys, fresh, events } = await setup({ [field]: until });
    const code = fresh();
    const [banned] = await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, code, request)]);
    expect(banned).toMatchObject({ outcome: Outcome.Blocked, tierIndex: -1, replay: false });
    expect(reasonsFromMask(banned?.reasonMask ?? 0)).toEqual(['banned']);
    expect(await t.redis.hlen(keys.codes)).toBe(0);
    expect(await t.redis.hlen(keys.issued)).toBe(0);
    expect(await t.redis.hlen(keys.consumerTotal)).toBe(0);
    expect(await t.redis.hget(keys.outcomes, 'blocked')).toBe('1');
    expect(await events()).toMatchObject([{ o: Outcome.Blocked, rs: reasonBits.banned, code: code.code }]);

    // The code was genuine: its buyer still wins with it.
    const [buyer] = await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, code)]);
    expect(buyer?.outcome).toBe(Outcome.Won);
  });

  it('keeps the worker\'s reasons and score and adds banned', async () => {
    const device = newDeviceId();
    const { campaign, fresh } = await setup({ [banField('device', device)]: until });
    const [banned] = await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, fresh(), { deviceId: device }, { score: 30, reasonMask: reasonBits.non_mobile_agent })]);
    expect(banned).toMatchObject({ outcome: Outcome.Blocked, score: 30, reasonMask: reasonBits.non_mobile_agent | reasonBits.banned });
  });

  it('blocks a banned device\'s replay of a code it consumed before the ban, and a consumed code scanned by a banned device is no clone', async () => {
    const { campaign, keys, fresh } = await setup({});
    const code = fresh();
    const winner = newDeviceId();
    const [won] = await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, code, { deviceId: winner })]);
    expect(won?.outcome).toBe(Outcome.Won);
    const record = await t.redis.hgetBuffer(keys.codes, code.code);

    const other = newDeviceId();
    await t.redis.hset(keys.bans, banField('device', winner), until, banField('device', other), until);
    const decisions = await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, code, { deviceId: winner }), fixtureScan(campaign, code, { deviceId: other })]);
    expect(decisions.map((decision) => [decision.outcome, decision.replay, reasonsFromMask(decision.reasonMask)])).toEqual([
      [Outcome.Blocked, false, ['banned']],
      [Outcome.Blocked, false, ['banned']],
    ]);
    expect(await t.redis.hgetBuffer(keys.codes, code.code)).toEqual(record);
    expect(await t.redis.hlen(keys.clones)).toBe(0);
  });

  it('ignores a ban that has ended (its end is now or earlier, or no number) and deletes its field; others stay', async () => {
    const device = newDeviceId();
    const live = banField('device', newDeviceId());
    const bans = { [banField('device', device)]: FIXTURE_NOW, [banField('address', '198.51.100.1')]: FIXTURE_NOW - 1, [banField('network', '198.51.100.0/24')]: 'junk', [live]: until };
    const { campaign, keys, fresh } = await setup(bans);
    const [decision] = await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, fresh(), { deviceId: device, ip: '198.51.100.1' })]);
    expect(decision?.outcome).toBe(Outcome.Won);
    expect(await t.redis.hkeys(keys.bans)).toEqual([live]);
  });

  it('decides as before when the campaign bans nobody', async () => {
    const { campaign, keys, fresh } = await setup({});
    const [decision] = await decideScans(t.redis, t.prefix, campaign, [fixtureScan(campaign, fresh())]);
    expect(decision?.outcome).toBe(Outcome.Won);
    expect(await t.redis.exists(keys.bans)).toBe(0);
  });
});
