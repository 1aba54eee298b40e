import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { createBatch, setBatchStatus } from '../campaigns/batches.js';
import { applyCampaign } from '../campaigns/campaign-store.js';
import { isScangateError, type ErrorCode } from '../errors.js';
import { campaignKeyPattern } from '../redis/keys.js';
import { Outcome } from '../scan/outcomes.js';
import { reasonsFromMask } from '../scan/reasons.js';
import { prepareCampaignState } from '../state/campaign-state.js';
import { rebuildCampaignState } from '../state/rebuild-campaign.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, FIXTURE_NOW, newDeviceId } from '../testing/decision-fixtures.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { banSubject, liftBan, listBans, type BanDeps, type BanRequest } from './bans.js';

const hour = 3_600_000;
let stack: TestStack;
let deps: BanDeps;
let campaigns = 0;

beforeAll(async () => {
  stack = await createTestStack();
  deps = { pool: stack.pool, redis: stack.t.redis, keyPrefix: stack.t.prefix, now: () => FIXTURE_NOW };
});
afterAll(() => stack.stop());

interface TestCampaign {
  readonly campaign: Campaign;
  /** decides one scan of a fresh code (at `now`) */
  scan(request?: { deviceId?: string; ip?: string }, now?: number): Promise<{ outcome: Outcome; reasons: string[] }>;
}

/** A campaign in Postgres with an active batch, its Redis state prepared as the gateway does. */
async function newCampaign(): Promise<TestCampaign> {
  const campaign = decisionCampaign(`bans${++campaigns}`);
  await applyCampaign(stack.pool, campaign, 'test');
  const batch = await createBatch(stack.pool, { campaignId: campaign.id, printedCount: 100 });
  await setBatchStatus(stack.pool, batch.id, true);
  await prepareCampaignState(deps, campaign, FIXTURE_NOW);
  const fresh = codeSource(batch.id);
  return {
    campaign,
    async scan(request = {}, now = FIXTURE_NOW) {
      const [decision] = await decideScans(stack.t.redis, stack.t.prefix, campaign, [fixtureScan(campaign, fresh(), { receivedAt: now, ...request })], now);
      return { outcome: decision?.outcome as Outcome, reasons: reasonsFromMask(decision?.reasonMask ?? 0) };
    },
  };
}

const blocked = { outcome: Outcome.Blocked, reasons: ['banned'] };
const won = { outcome: Outcome.Won, reasons: [] };

const request = (changes: Partial<BanRequest>): BanRequest => ({
  scope: null,
  kind: 'device',
  value: newDeviceId(),
  reason: 'farm of phones',
  expiresAt: FIXTURE_NOW + hour,
  actor: 'reviewer-1',
  ...changes,
});

async function auditActions(banId: number): Promise<{ actor: string; action: string }[]> {
  const { rows } = await stack.pool.query(`SELECT actor, action FROM audit_log WHERE subject = $1 ORDER BY id`, [`ban:${banId}`]);
  return rows;
}

async function errorCode(promise: Promise<unknown>): Promise<ErrorCode | undefined> {
  const err = await promise.then(() => undefined, (thrown: unknown) => thrown);
  return isScangateError(err) ? err.code : undefined;
}

describe('bans', () => {
  it('a campaign ban of a device, an address, a network blocks their scans there (reason banned), and only there; Postgres and the audit log record it', async () => {
    const [a, b] = [await newCampaign(), await newCampaign()];
    const device = newDeviceId();
    const ban = await banSubject(deps, request({ scope: a.campaign.id, value: device }));
    await banSubject(deps, request({ scope: a.campaign.id, kind: 'address', value: '2001:DB8::0:7' }));
    await banSubject(deps, request({ scope: a.campaign.id, kind: 'network', value: '198.51.100.9/24' }));

    expect(ban).toMatchObject({ scope: a.campaign.id, kind: 'device', value: device, reason: 'farm of phones', createdBy: 'reviewer-1', liftedAt: null });
    expect(ban.expiresAt.getTime()).toBe(FIXTURE_NOW + hour);
    expect(await auditActions(ban.id)).toEqual([{ actor: 'reviewer-1', action: 'ban.create' }]);
    expect(await a.scan({ deviceId: device })).toEqual(blocked);
    expect(await a.scan({ ip: '2001:db8::7' })).toEqual(blocked);
    expect(await a.scan({ ip: '198.51.100.201' })).toEqual(blocked);
    expect(await a.scan()).toEqual(won);
    expect(await b.scan({ deviceId: device })).toEqual(won);
  });

  it('an everywhere ban reaches every campaign, and one created later once its state is prepared', async () => {
    const [a, b] = [await newCampaign(), await newCampaign()];
    const device = newDeviceId();
    await banSubject(deps, request({ value: device }));
    expect(await a.scan({ deviceId: device })).toEqual(blocked);
    expect(await b.scan({ deviceId: device })).toEqual(blocked);
    const later = await newCampaign();
    expect(await later.scan({ deviceId: device })).toEqual(blocked);
  });

  it('a ban no longer applies once it has ended, or once it is lifted; lifting one of two bans leaves the other in force', async () => {
    const a = await newCampaign();
    const [ending, lifted, twice] = [newDeviceId(), newDeviceId(), newDeviceId()];
    await banSubject(deps, request({ scope: a.campaign.id, value: ending }));
    expect(await a.scan({ deviceId: ending }, FIXTURE_NOW + hour - 1)).toEqual(blocked);
    expect(await a.scan({ deviceId: ending }, FIXTURE_NOW + hour)).toEqual(won);

    const ban = await banSubject(deps, request({ scope: a.campaign.id, value: lifted }));
    const unbanned = await liftBan(deps, { id: ban.id, actor: 'reviewer-2' });
    expect(unbanned).toMatchObject({ id: ban.id, liftedBy: 'reviewer-2' });
    expect(unbanned.liftedAt?.getTime()).toBe(FIXTURE_NOW);
    expect(await auditActions(ban.id)).toEqual([
      { actor: 'reviewer-1', action: 'ban.create' },
      { actor: 'reviewer-2', action: 'ban.lift' },
    ]);
    expect(await a.scan({ deviceId: lifted })).toEqual(won);
    expect(await errorCode(liftBan(deps, { id: ban.id, actor: 'reviewer-2' }))).toBe('GW_ERR_BAN_UNKNOWN');

    const short = await banSubject(deps, request({ scope: a.campaign.id, value: twice }));
    const long = await banSubject(deps, request({ value: twice, expiresAt: FIXTURE_NOW + 2 * hour }));
    await liftBan(deps, { id: long.id, actor: 'reviewer-2' });
    expect(await a.scan({ deviceId: twice })).toEqual(blocked);
    await liftBan(deps, { id: short.id, actor: 'reviewer-2' });
    expect(await a.scan({ deviceId: twice })).toEqual(won);
  });

  it('a rebuild after Redis lost the campaign restores its bans, the everywhere ones included, not the lifted ones', async () => {
    const a = await newCampaign();
    const [own, everywhere, lifted] = [newDeviceId(), newDeviceId(), newDeviceId()];
    await banSubject(deps, request({ scope: a.campaign.id, value: own }));
    await banSubject(deps, request({ value: everywhere }));
    await liftBan(deps, { id: (await banSubject(deps, request({ scope: a.campaign.id, value: lifted }))).id, actor: 'reviewer-2' });

    const lost = await stack.t.redis.keys(campaignKeyPattern(stack.t.prefix, a.campaign.id));
    await stack.t.redis.unlink(...lost);
    const result = await rebuildCampaignState({ redis: stack.t.redis, pool: stack.pool, keyPrefix: stack.t.prefix }, a.campaign, { now: FIXTURE_NOW });
    // earlier tests' everywhere bans reach this campaign too: one field per subject in force
    const inForce = new Set((await listBans(deps, { campaignId: a.campaign.id, limit: 1000 })).map((ban) => `${ban.kind}:${ban.value}`));
    expect(result).toMatchObject({ status: 'rebuilt', bans: inForce.size });
    expect(await a.scan({ deviceId: own })).toEqual(blocked);
    expect(await a.scan({ deviceId: everywhere })).toEqual(blocked);
    expect(await a.scan({ deviceId: lifted })).toEqual(won);
  });

  it('lists bans newest first: those reaching a campaign, one subject in any spelling, lifted ones on request', async () => {
    const a = await newCampaign();
    const other = await newCampaign();
    const own = await banSubject(deps, request({ scope: a.campaign.id, kind: 'address', value: '2001:db8:0:0::9' }));
    const everywhere = await banSubject(deps, request({ kind: 'network', value: '203.0.113.0/24' }));
    const elsewhere = await banSubject(deps, request({ scope: other.campaign.id }));
    const lifted = await banSubject(deps, request({ scope: a.campaign.id }));
    await liftBan(deps, { id: lifted.id, actor: 'reviewer-2' });

    const ids = async (filters: Parameters<typeof listBans>[1]) => (await listBans(deps, filters)).map((ban) => ban.id);
    const reaching = await ids({ campaignId: a.campaign.id, limit: 1000 });
    expect(reaching).toContain(own.id);
    expect(reaching).toContain(everywhere.id);
    expect(reaching).not.toContain(elsewhere.id);
    expect(reaching).not.toContain(lifted.id);
    expect(reaching.indexOf(everywhere.id)).toBeLessThan(reaching.indexOf(own.id));
    expect(await ids({ campaignId: a.campaign.id, inForce: false, limit: 1000 })).toContain(lifted.id);
    expect(await ids({ kind: 'address', value: '2001:DB8::9' })).toEqual([own.id]);
  });

  it.each<[string, Partial<BanRequest>, ErrorCode, RegExp]>([
    ['a bad address', { kind: 'address', value: '999.1.1.1' }, 'GW_ERR_BAN_INVALID', /not an IP address/],
    ['a bad network', { kind: 'network', value: '10.0.0.0/8' }, 'GW_ERR_BAN_INVALID', /covers a \/24/],
    ['a bad device id', { kind: 'device', value: 'not-a-device' }, 'GW_ERR_BAN_INVALID', /base64url/],
    ['an expiry in the past', { expiresAt: FIXTURE_NOW - 1 }, 'GW_ERR_BAN_INVALID', /is not in the future/],
    ['an expiry that is now', { expiresAt: FIXTURE_NOW }, 'GW_ERR_BAN_INVALID', /is not in the future/],
    ['an expiry that is no time', { expiresAt: Number.NaN }, 'GW_ERR_BAN_INVALID', /is not a time/],
    ['an empty reason', { reason: '  ' }, 'GW_ERR_BAN_INVALID', /reason must be 1 to 500 characters/],
    ['an unknown campaign', { scope: 'no-such-campaign' }, 'GW_ERR_CAMPAIGN_UNKNOWN', /no-such-campaign/],
  ])('refuses %s, and records nothing', async (_name, changes, code, message) => {
    const before = (await stack.pool.query('SELECT count(*)::int AS n FROM bans')).rows[0].n;
    const err = await banSubject(deps, request(changes)).then(() => undefined, (thrown: unknown) => thrown);
    expect(isScangateError(err, code)).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM bans')).rows[0].n).toBe(before);
  });

  it('refuses to lift a ban that does not exist, and list filters that make no sense', async () => {
    expect(await errorCode(liftBan(deps, { id: 999_999, actor: 'reviewer-2' }))).toBe('GW_ERR_BAN_UNKNOWN');
    expect(await errorCode(listBans(deps, { value: '203.0.113.9' }))).toBe('GW_ERR_BAN_INVALID');
    expect(await errorCode(listBans(deps, { limit: 0 }))).toBe('GW_ERR_BAN_INVALID');
  });
});
