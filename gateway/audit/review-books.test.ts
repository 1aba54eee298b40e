import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../config/campaign-schema.js';
import { applyCampaign } from '../../core/campaigns/campaign-store.js';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import { isScangateError } from '../../core/errors.js';
import { campaignKeys } from '../../core/redis/keys.js';
import { eventPayload, type StreamEntry } from '../../core/redis/stream-entry.js';
import { readReviewBacklog, readReviewQueue } from '../../core/review/queue.js';
import { settleHeldScan, type ReviewDeps } from '../../core/review/settle.js';
import { settleBulk } from '../../core/review/settle-bulk.js';
import { sweepExpiredHolds } from '../../core/review/sweep-expired.js';
import { Outcome } from '../../core/scan/outcomes.js';
import { reasonBits } from '../../core/scan/reasons.js';
import { rebuildCampaignState } from '../../core/state/rebuild-campaign.js';
import { codeSource, decideScans, decisionCampaign, fixtureScan, FIXTURE_NOW, seedCampaignState, type ScanFixture } from '../../core/testing/decision-fixtures.js';
import { decodeEvent } from '../ingest/event-decoder.js';
import { ScanEventWriter } from '../ingest/scan-event-writer.js';
import type { IngestEvent } from '../ingest/scan-event.js';
import { createIngestHarness, type IngestHarness } from '../testing/ingest-harness.js';
import { auditCampaign } from './audit-campaign.js';

const BATCH = 43;
const hour = 3_600_000;

/** Review decisions end to end: settle in Redis, the ingest writes Postgres, the audit agrees, a rebuild restores them. */
describe('review decisions in the books', () => {
  let h: IngestHarness;
  let deps: ReviewDeps;
  const nextCode = codeSource(BATCH);

  beforeAll(async () => {
    h = await createIngestHarness();
    deps = { redis: h.t.redis, pool: h.pool, keyPrefix: h.t.prefix, clock: () => FIXTURE_NOW + 1000 };
  });
  afterEach(() => h.stopConsumers());
  afterAll(() => h.close());

  async function openCampaign(id: string, changes: Record<string, unknown> = {}): Promise<Campaign> {
    const campaign = decisionCampaign(id, changes);
    await applyCampaign(h.pool, campaign, 'test');
    await seedCampaignState(h.t.redis, h.t.prefix, id, [BATCH]);
    return campaign;
  }

  /** `count` scans held with the top prize reserved, decided `hoursAgo` before FIXTURE_NOW. */
  async function holdScans(campaign: Campaign, count: number, hoursAgo = 0): Promise<{ scan: ScanFixture; scanId: string }[]> {
    const scans = Array.from({ length: count }, () => fixtureScan(campaign, nextCode(), {}, { score: 60 }));
    const decisions = await decideScans(h.t.redis, h.t.prefix, campaign, scans, FIXTURE_NOW - hoursAgo * hour);
    return decisions.map((decision, i) => {
      expect(decision.outcome).toBe(Outcome.Held);
      return { scan: scans[i] as ScanFixture, scanId: decision.scanId };
    });
  }

  const ingest = async () => {
    h.consumer().start();
    await h.waitUntilDrained();
  };
  const statusOf = async (campaignId: string, code: string) =>
    (await h.pool.query<{ status: string }>('SELECT status FROM redemptions WHERE campaign_id = $1 AND code = $2', [campaignId, code])).rows[0]?.status;
  const audit = (campaign: Campaign) =>
    auditCampaign({ pool: h.pool, redis: h.t.redis, keyPrefix: h.t.prefix, campaignId: campaign.id, inventory: Object.fromEntries(campaign.tiers.map((t) => [t.id, t.inventory])) });
  const counters = async (campaignId: string) => {
    const keys = campaignKeys(h.t.prefix, campaignId);
    return { issued: await h.t.redis.hgetall(keys.issued), held: await h.t.redis.hgetall(keys.held) };
  };

  it('the queue lists held scans oldest first; approve and reject reach Postgres once, audited; re-delivery changes nothing; the audit passes', async () => {
    const campaign = await openCampaign('books');
    const held = [...(await holdScans(campaign, 2, 3)), ...(await holdScans(campaign, 2, 1))];
    await decideScans(h.t.redis, h.t.prefix, campaign, [fixtureScan(campaign, nextCode())]);
    await ingest();

    const now = FIXTURE_NOW + 1000;
    const first = await readReviewQueue(h.pool, { campaignId: 'books' }, { limit: 3 }, now);
    expect(first.scans.map((s) => s.scanId)).toEqual(held.slice(0, 3).map((s) => s.scanId));
    const second = await readReviewQueue(h.pool, { campaignId: 'books' }, { limit: 3, after: first.next ?? undefined }, now);
    expect(second).toEqual({ scans: [expect.objectContaining({ scanId: held[3]?.scanId, tierId: 'grand', score: 60 })], next: null });
    expect(await readReviewQueue(h.pool, { campaignId: 'books', minAgeSeconds: 2 * 3600 }, { limit: 10 }, now)).toMatchObject({ scans: [{}, {}] });
    expect((await readReviewQueue(h.pool, { campaignId: 'books', reason: 'clone' }, { limit: 10 }, now)).scans).toEqual([]);
    expect(await readReviewBacklog(h.pool, { campaignId: 'books' }, now)).toEqual({ count: 4, capped: false, oldestAgeSeconds: 3 * 3600 + 1 });

    const [approve, reject] = held;
    const review = (which: typeof approve, decision: 'approve' | 'reject', note: string | null) =>
      settleHeldScan(deps, { campaignId: 'books', code: which?.scan.request.code as string, scanId: which?.scanId as string, decision, reviewer: 'alice', note });
    await review(approve, 'approve', null);
    await review(reject, 'reject', 'receipt photo, "edited", twice');
    await ingest();

    expect(await statusOf('books', approve?.scan.request.code as string)).toBe('approved');
    expect(await statusOf('books', reject?.scan.request.code as string)).toBe('rejected');
    const decisions = await h.pool.query('SELECT code, scan_id, decision, reviewer, note FROM review_decisions WHERE campaign_id = $1 ORDER BY id', ['books']);
    expect(decisions.rows).toEqual([
      { code: approve?.scan.request.code, scan_id: approve?.scanId, decision: 'approve', reviewer: 'alice', note: null },
      { code: reject?.scan.request.code, scan_id: reject?.scanId, decision: 'reject', reviewer: 'alice', note: 'receipt photo, "edited", twice' },
    ]);
    const auditRows = `SELECT count(*) AS n FROM audit_log WHERE subject LIKE 'redemption:books:%' AND actor = 'alice'`;
    expect(await h.count(auditRows)).toBe(2);
    expect(await readReviewBacklog(h.pool, { campaignId: 'books' }, now)).toMatchObject({ count: 2 });

    // The whole stream written again (a lost acknowledgement): nothing changes.
    const stream = h.stream('books');
    const raw = (await h.t.redis.xrangeBuffer(stream.key, '-', '+')).map(([id, fields]): StreamEntry => ({ stream, id: id.toString(), fields, deliveries: 2 }));
    await new ScanEventWriter(h.pool, ensureScanEventPartitions).writeEvents(raw.map((e) => decodeEvent('books', e.id, eventPayload(e))));
    expect(await h.count(`SELECT count(*) AS n FROM review_decisions WHERE campaign_id = 'books'`)).toBe(2);
    expect(await h.count(auditRows)).toBe(2);

    const report = await audit(campaign);
    expect(report.ok, JSON.stringify(report)).toBe(true);
    expect(report.checks.find((c) => c.name === 'backlog_counts_match')).toMatchObject({ ok: true, mismatches: [] });
    expect(await counters('books')).toEqual({ issued: { grand: '4' }, held: { grand: '2' } }); // 1 won + 2 held + 1 approved

    // A count the queue reads that drifted from the rows (a hand edit, a dropped trigger): the audit names it.
    await h.pool.query(`UPDATE review_backlog_counts SET scans = scans + 5 WHERE campaign_id = 'books' AND tier_id = 'grand' AND kind = 'reviewed'`);
    const drifted = await audit(campaign);
    expect(drifted.ok).toBe(false);
    expect(drifted.checks.find((c) => c.name === 'backlog_counts_match')).toMatchObject({ ok: false, mismatches: [{ tier: 'grand', kind: 'reviewed', kept: 7, counted: 2 }] });
    await h.pool.query(`UPDATE review_backlog_counts SET scans = scans - 5 WHERE campaign_id = 'books' AND tier_id = 'grand' AND kind = 'reviewed'`);
  });

  it('a review committed before the batch holding its held scan is applied when that batch commits', async () => {
    const campaign = await openCampaign('reordered');
    const [held] = await holdScans(campaign, 1);
    await settleHeldScan(deps, { campaignId: 'reordered', code: held?.scan.request.code as string, scanId: held?.scanId as string, decision: 'reject', reviewer: 'bob', note: null });
    const stream = h.stream('reordered');
    const [scanEvent, reviewEvent] = (await h.t.redis.xrangeBuffer(stream.key, '-', '+')).map(([id, fields]) =>
      decodeEvent('reordered', id.toString(), eventPayload({ stream, id: id.toString(), fields, deliveries: 1 })),
    );
    const writer = new ScanEventWriter(h.pool, ensureScanEventPartitions);
    await writer.writeEvents([reviewEvent as IngestEvent]);
    expect(await h.count(`SELECT count(*) AS n FROM review_decisions WHERE campaign_id = 'reordered'`)).toBe(1);
    await writer.writeEvents([scanEvent as IngestEvent]);
    expect(await statusOf('reordered', held?.scan.request.code as string)).toBe('rejected');
  });

  it('bulk upload: each line reported settled, already settled, not found or invalid', async () => {
    const campaign = await openCampaign('bulk');
    const [a, b] = await holdScans(campaign, 2);
    await ingest();
    const csv = ['scanId,decision,note', `${a?.scanId},approve`, `${b?.scanId},REJECT,"two phones, one receipt"`, `${a?.scanId},reject`, '1-1,approve', `${b?.scanId},maybe`, 'garbage', ''].join('\n');
    const report = await settleBulk(deps, { csv, reviewer: 'carol', campaignId: 'bulk' });
    expect(report.map((r) => [r.line, r.status, r.error?.code])).toEqual([
      [2, 'settled', undefined],
      [3, 'settled', undefined],
      [4, 'already_settled', 'GW_ERR_ALREADY_SETTLED'],
      [5, 'not_found', 'GW_ERR_NOT_HELD'],
      [6, 'invalid', 'GW_ERR_REVIEW_INVALID'],
      [7, 'invalid', 'GW_ERR_REVIEW_INVALID'],
    ]);
    await ingest();
    expect(await statusOf('bulk', b?.scan.request.code as string)).toBe('rejected');
    expect((await h.pool.query(`SELECT note FROM review_decisions WHERE campaign_id = 'bulk' AND decision = 'reject'`)).rows).toEqual([{ note: 'two phones, one receipt' }]);
  });

  it('the sweeper rejects held scans older than review.expireAfterHours as system, and only those', async () => {
    const campaign = await openCampaign('sweep', { review: { expireAfterHours: 2 } });
    const old = await holdScans(campaign, 2, 3);
    const [recent] = await holdScans(campaign, 1, 1);
    await ingest();
    const report = await sweepExpiredHolds(deps, FIXTURE_NOW);
    expect(report.settled).toBe(2); // other campaigns' holds are younger than the default 72 hours
    expect(report.failed).toBe(0);
    await ingest();
    for (const held of old) expect(await statusOf('sweep', held.scan.request.code)).toBe('rejected');
    expect(await statusOf('sweep', recent?.scan.request.code as string)).toBe('held');
    expect(await h.count(`SELECT count(*) AS n FROM audit_log WHERE subject LIKE 'redemption:sweep:%' AND actor = 'system' AND action = 'review.reject'`)).toBe(2);
    expect(await counters('sweep')).toEqual({ issued: { grand: '1' }, held: { grand: '1' } });
    expect((await audit(campaign)).ok).toBe(true);
  });

  it('a rebuild from Postgres restores review state: approved stays issued, rejected stays released and blocked', async () => {
    const campaign = await openCampaign('rebuilt');
    const [approved, rejected, pending] = await holdScans(campaign, 3);
    const settle = (which: typeof approved, decision: 'approve' | 'reject') =>
      settleHeldScan(deps, { campaignId: 'rebuilt', code: which?.scan.request.code as string, scanId: which?.scanId as string, decision, reviewer: 'dave', note: null });
    await settle(approved, 'approve');
    await settle(rejected, 'reject');
    h.consumer().start();
    const before = await counters('rebuilt');
    expect(await rebuildCampaignState(deps, campaign, { force: true, now: FIXTURE_NOW })).toMatchObject({ status: 'rebuilt', issued: { grand: 2 }, held: { grand: 1 } });
    expect(await counters('rebuilt')).toEqual(before);

    const [won, blocked] = await decideScans(h.t.redis, h.t.prefix, campaign, [approved?.scan as ScanFixture, rejected?.scan as ScanFixture]);
    expect(won).toMatchObject({ outcome: Outcome.Won, tierIndex: 0, replay: true });
    expect(blocked).toMatchObject({ outcome: Outcome.Blocked, tierIndex: -1, replay: true });
    expect((blocked?.reasonMask ?? 0) & reasonBits.review_rejected).toBe(reasonBits.review_rejected);
    const again = await settle(rejected, 'approve').catch((err: unknown) => err);
    expect(isScangateError(again, 'GW_ERR_ALREADY_SETTLED')).toBe(true);
    await settle(pending, 'approve');
    await h.waitUntilDrained();
    expect((await audit(campaign)).ok).toBe(true);
  });
});
