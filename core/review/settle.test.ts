import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { applyCampaign } from '../campaigns/campaign-store.js';
import { isScangateError, type ErrorCode } from '../errors.js';
import { campaignKeys } from '../redis/keys.js';
import { duplicateRedisClient } from '../redis/redis-client.js';
import { scriptCommands } from '../redis/scripts.js';
import { packedTierIds, settleReviewKeys } from '../redis/settle-review.js';
import { Outcome } from '../scan/outcomes.js';
import { reasonBits } from '../scan/reasons.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, FIXTURE_NOW, seedCampaignState, type FixtureCode } from '../testing/decision-fixtures.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { settleHeldScan, type HeldScanReview, type ReviewDeps } from './settle.js';

const BATCH = 41;
const HOLD_SCORE = 60;

describe('settleReview-5.lua through settleHeldScan', () => {
  let s: TestStack;
  let deps: ReviewDeps;
  const nextCode = codeSource(BATCH);

  beforeAll(async () => {
    s = await createTestStack();
    deps = { redis: s.t.redis, pool: s.pool, keyPrefix: s.t.prefix, clock: () => FIXTURE_NOW + 1000 };
  });
  afterAll(() => s.stop());

  async function campaignOf(id: string, grandInventory = 1000): Promise<Campaign> {
    const base = decisionCampaign(id);
    const campaign = decisionCampaign(id, { tiers: base.tiers.map((tier, i) => (i === 0 ? { ...tier, inventory: grandInventory } : tier)) });
    await applyCampaign(s.pool, campaign, 'test');
    await seedCampaignState(s.t.redis, s.t.prefix, id, [BATCH]);
    return campaign;
  }

  /** A scan held with the top prize reserved, and the device that made it. */
  async function heldScan(campaign: Campaign, code: FixtureCode = nextCode()) {
    const scan = fixtureScan(campaign, code, {}, { score: HOLD_SCORE });
    const [decision] = await decideScans(s.t.redis, s.t.prefix, campaign, [scan]);
    expect(decision?.outcome).toBe(Outcome.Held);
    const review = (decision_: 'approve' | 'reject', reviewer = 'alice'): HeldScanReview => ({
      campaignId: campaign.id,
      code: code.code,
      scanId: decision?.scanId as string,
      decision: decision_,
      reviewer,
      note: null,
    });
    return { scan, code, review };
  }

  const counters = async (campaignId: string) => {
    const keys = campaignKeys(s.t.prefix, campaignId);
    const [issued, held] = await Promise.all([s.t.redis.hget(keys.issued, 'grand'), s.t.redis.hget(keys.held, 'grand')]);
    return { issued: Number(issued ?? 0), held: Number(held ?? 0) };
  };

  /** The error code a settle is refused with, or 'settled'. */
  const refusal = async (review: HeldScanReview): Promise<ErrorCode | 'settled'> => {
    try {
      await settleHeldScan(deps, review);
      return 'settled';
    } catch (err) {
      if (!isScangateError(err)) throw err;
      return err.code;
    }
  };

  it('SETTLED (approve): the reservation stays issued, and the same device re-scanning sees won', async () => {
    const campaign = await campaignOf('approve');
    const { scan, review } = await heldScan(campaign);
    await settleHeldScan(deps, { ...review('approve'), note: 'receipt checked, ok' });
    expect(await counters('approve')).toEqual({ issued: 1, held: 0 });
    const [again] = await decideScans(s.t.redis, s.t.prefix, campaign, [scan]);
    expect(again).toMatchObject({ outcome: Outcome.Won, tierIndex: 0, replay: true, scanId: review('approve').scanId });
    const events = await s.t.redis.xlen(campaignKeys(s.t.prefix, 'approve').events);
    expect(events).toBe(3); // held, review, replay
  });

  it('SETTLED (reject): the reservation returns to inventory, and the same device sees blocked with review_rejected', async () => {
    const campaign = await campaignOf('reject');
    const { scan, review } = await heldScan(campaign);
    await settleHeldScan(deps, review('reject'));
    expect(await counters('reject')).toEqual({ issued: 0, held: 0 });
    const [again] = await decideScans(s.t.redis, s.t.prefix, campaign, [scan]);
    expect(again).toMatchObject({ outcome: Outcome.Blocked, tierIndex: -1, replay: true });
    expect((again?.reasonMask ?? 0) & reasonBits.review_rejected).toBe(reasonBits.review_rejected);
  });

  it('a rejected reservation goes back to a tier of one, which a later scan wins', async () => {
    const campaign = await campaignOf('tier-of-one', 1);
    const { review } = await heldScan(campaign);
    const [before] = await decideScans(s.t.redis, s.t.prefix, campaign, [fixtureScan(campaign, nextCode())]);
    expect(before).toMatchObject({ outcome: Outcome.Won, tierIndex: 1 }); // the top prize is reserved: fallback
    await settleHeldScan(deps, review('reject'));
    const [after] = await decideScans(s.t.redis, s.t.prefix, campaign, [fixtureScan(campaign, nextCode())]);
    expect(after).toMatchObject({ outcome: Outcome.Won, tierIndex: 0 });
    expect(await counters('tier-of-one')).toEqual({ issued: 1, held: 0 });
  });

  it('ALREADY_SETTLED: a second settle, either way, is 409 and changes nothing', async () => {
    const campaign = await campaignOf('twice');
    const { review } = await heldScan(campaign);
    await settleHeldScan(deps, review('approve'));
    const events = await s.t.redis.xlen(campaignKeys(s.t.prefix, 'twice').events);
    expect(await refusal(review('approve', 'bob'))).toBe('GW_ERR_ALREADY_SETTLED');
    expect(await refusal(review('reject', 'bob'))).toBe('GW_ERR_ALREADY_SETTLED');
    expect(await counters('twice')).toEqual({ issued: 1, held: 0 });
    expect(await s.t.redis.xlen(campaignKeys(s.t.prefix, 'twice').events)).toBe(events);
  });

  it('NOT_HELD, CODE_NOT_CONSUMED, DECISION_REPLACED: 404, nothing written', async () => {
    const campaign = await campaignOf('not-held');
    const won = nextCode();
    const [decision] = await decideScans(s.t.redis, s.t.prefix, campaign, [fixtureScan(campaign, won)]);
    expect(decision?.outcome).toBe(Outcome.Won);
    const { review } = await heldScan(campaign);
    const events = await s.t.redis.xlen(campaignKeys(s.t.prefix, 'not-held').events);
    const base = review('approve');
    expect(await refusal({ ...base, code: won.code, scanId: decision?.scanId as string })).toBe('GW_ERR_NOT_HELD');
    expect(await refusal({ ...base, code: nextCode().code })).toBe('GW_ERR_NOT_HELD');
    expect(await refusal({ ...base, scanId: decision?.scanId as string })).toBe('GW_ERR_NOT_HELD');
    expect(await s.t.redis.xlen(campaignKeys(s.t.prefix, 'not-held').events)).toBe(events);
    expect(await counters('not-held')).toEqual({ issued: 2, held: 1 });
  });

  it('EPOCH_MISSING: a campaign being rebuilt answers 503 and keeps its hold', async () => {
    const campaign = await campaignOf('rebuilding');
    const { review } = await heldScan(campaign);
    await s.t.redis.del(campaignKeys(s.t.prefix, 'rebuilding').epoch);
    const err = await settleHeldScan(deps, review('approve')).catch((e: unknown) => e);
    expect(isScangateError(err, 'GW_ERR_CAMPAIGN_RECOVERING') && err.status).toBe(503);
    expect(await counters('rebuilding')).toEqual({ issued: 1, held: 1 });
  });

  it('REVIEW_MALFORMED: a decision the script does not know is an error reply, nothing written', async () => {
    const campaign = await campaignOf('malformed');
    const { review } = await heldScan(campaign);
    const call = { ...review('approve'), decision: 'maybe' as 'approve', keys: settleReviewKeys(campaignKeys(s.t.prefix, 'malformed')), now: FIXTURE_NOW, tierIds: packedTierIds(campaign) };
    const err = await scriptCommands(s.t.redis).settleReview(call).catch((e: unknown) => e);
    expect(isScangateError(err, 'GW_ERR_SCRIPT') && err.message).toContain('REVIEW_MALFORMED');
    expect(await counters('malformed')).toEqual({ issued: 1, held: 1 });
    expect(await refusal({ ...review('approve'), decision: 'maybe' as 'approve' })).toBe('GW_ERR_REVIEW_INVALID');
    expect(await refusal({ ...review('approve'), reviewer: '' })).toBe('GW_ERR_REVIEW_INVALID');
    expect(await refusal({ ...review('approve'), note: 'x'.repeat(1001) })).toBe('GW_ERR_REVIEW_INVALID');
  });

  it('two reviewers settling the same held scan at once, 50 times: exactly one succeeds each time, counters exact', async () => {
    const campaign = await campaignOf('race');
    const bobsRedis = duplicateRedisClient(s.t.redis);
    const bob = { ...deps, redis: bobsRedis };
    const settle = (who: ReviewDeps, review: HeldScanReview) => settleHeldScan(who, review).then(() => 'settled' as const, (err: unknown) => (isScangateError(err) ? err.code : Promise.reject(err)));
    let approved = 0;
    try {
      for (let round = 0; round < 50; round++) {
        const { review } = await heldScan(campaign);
        const alices = round % 2 === 0 ? 'approve' : 'reject';
        const bobs = round % 3 === 0 ? alices : alices === 'approve' ? 'reject' : 'approve';
        const results = await Promise.all([settle(deps, review(alices, 'alice')), settle(bob, review(bobs, 'bob'))]);
        expect(results.filter((r) => r === 'settled')).toHaveLength(1);
        expect(results.filter((r) => r === 'GW_ERR_ALREADY_SETTLED')).toHaveLength(1);
        if ((results[0] === 'settled' ? alices : bobs) === 'approve') approved += 1;
      }
    } finally {
      bobsRedis.disconnect();
    }
    expect(await counters('race')).toEqual({ issued: approved, held: 0 });
    const entries = await s.t.redis.xrange(campaignKeys(s.t.prefix, 'race').events, '-', '+');
    expect(entries).toHaveLength(100); // 50 held scans + 50 reviews
  });
});
