import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../db/migrate.js';
import { ensureScanEventPartitions } from '../db/partitions.js';
import { repoPath } from '../paths.js';
import { reasonBits } from '../scan/reasons.js';
import { createTestStack, type TestStack } from '../testing/test-stack.js';
import { BACKLOG_COUNT_CAP, readReviewBacklog, readReviewQueue, type QueueFilter } from './queue.js';

/**
 * The review backlog without counting every held row (migration 014): the score and reasons of a
 * held scan on its redemption (backfilled from its event), counts per campaign and tier kept by
 * triggers, checked against counts by hand after every kind of change; filtered counts capped.
 */

const now = Date.UTC(2026, 11, 1, 12);
const hour = 3_600_000;
const farm = reasonBits.ip_device_farm;
const velocity = reasonBits.device_velocity | reasonBits.ip_velocity;

let stack: TestStack;
/** whether migration 014 has run (the redemptions then carry a held row's score and reasons) */
let migrated = false;

/** `n` redemptions (and their events unless `noEvent`), serials from `first`, one a minute back from `newest` hours ago. */
async function insertRows(o: { campaign: string; tier: string | null; outcome: number; first: number; n: number; newest: number; score: number; reasons: number; noEvent?: boolean; review?: string }): Promise<void> {
  const rows = `SELECT $1::text AS campaign_id, 'C' || $1 || lpad(s::text, 8, '0') AS code, s AS serial, 'dev-' || s AS device_id, $2::text AS tier_id,
      $3::smallint AS outcome, ($4::bigint - s) || '-0' AS event_id, to_timestamp(($4::bigint - s * 60000) / 1000.0) AS at
    FROM generate_series($5::int, $5::int + $6::int - 1) s`;
  const values = [o.campaign, o.tier, o.outcome, now - o.newest * hour, o.first, o.n];
  if (!o.noEvent)
    await stack.pool.query(
      `INSERT INTO scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, ua_class, tier_id)
       SELECT at, serial, 1, $7, outcome, $8, false, true, campaign_id, event_id, code, device_id, '203.0.113.7', 'mobile', tier_id FROM (${rows}) r`,
      [...values, o.reasons, o.score],
    );
  // after migration 014, as the ingest writes them: a held row with its score and reasons
  await stack.pool.query(
    migrated
      ? `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, redeemed_at, review, score, reason_mask)
         SELECT campaign_id, code, 1, serial, device_id, tier_id, outcome, event_id, at, $7, CASE WHEN outcome = 8 THEN $8::smallint END, CASE WHEN outcome = 8 THEN $9::int END FROM (${rows}) r`
      : `INSERT INTO redemptions (campaign_id, code, batch_id, serial, device_id, tier_id, outcome, event_id, redeemed_at, review)
         SELECT campaign_id, code, 1, serial, device_id, tier_id, outcome, event_id, at, $7 FROM (${rows}) r`,
    [...values, o.review ?? null, ...(migrated ? [o.score, o.reasons] : [])],
  );
}

/** The backlog as counted by hand: every pending held row matching the filter, and the oldest. */
async function byHand(filter: QueueFilter): Promise<{ count: number; oldestAgeSeconds: number | null }> {
  const { rows } = await stack.pool.query<{ n: number; oldest: number | null }>(
    `SELECT count(*)::int AS n, floor(extract(epoch FROM min(redeemed_at)) * 1000)::float8 AS oldest FROM redemptions
     WHERE status = 'held' AND ($1::text IS NULL OR campaign_id = $1) AND ($2::text IS NULL OR tier_id = $2)
       AND ($3::int IS NULL OR reason_mask & $3 <> 0) AND ($4::int IS NULL OR score >= $4) AND ($5::int IS NULL OR score <= $5)
       AND ($6::timestamptz IS NULL OR redeemed_at <= $6)`,
    [
      filter.campaignId ?? null, filter.tierId ?? null, filter.reason === undefined ? null : reasonBits[filter.reason], filter.minScore ?? null, filter.maxScore ?? null,
      filter.minAgeSeconds === undefined ? null : new Date(now - filter.minAgeSeconds * 1000),
    ],
  );
  const oldest = rows[0]?.oldest ?? null;
  return { count: rows[0]?.n ?? 0, oldestAgeSeconds: oldest === null ? null : Math.floor((now - oldest) / 1000) };
}

const exactFilters: QueueFilter[] = [{}, { campaignId: 'ba' }, { campaignId: 'bb' }, { tierId: 'grand' }, { campaignId: 'ba', tierId: 'points' }, { campaignId: 'none' }];

async function expectExact(): Promise<void> {
  for (const filter of exactFilters) expect(await readReviewBacklog(stack.pool, filter, now), JSON.stringify(filter)).toEqual({ ...(await byHand(filter)), capped: false });
}

beforeAll(async () => {
  stack = await createTestStack({ migrate: false });
  // the history as it stood before migration 014
  const before = mkdtempSync(path.join(os.tmpdir(), 'scangate-before-014-'));
  try {
    const directory = repoPath('core/db/migrations');
    for (const file of readdirSync(directory).filter((name) => name < '014')) cpSync(path.join(directory, file), path.join(before, file));
    await runMigrations(stack.pool, { directory: before });
  } finally {
    rmSync(before, { recursive: true, force: true });
  }
  await ensureScanEventPartitions(stack.pool, new Date(now - 10 * 86_400_000), new Date(now));
  await insertRows({ campaign: 'ba', tier: 'grand', outcome: 8, first: 1, n: 30, newest: 2, score: 65, reasons: velocity });
  await insertRows({ campaign: 'ba', tier: 'points', outcome: 8, first: 100, n: 12, newest: 40, score: 80, reasons: farm });
  await insertRows({ campaign: 'ba', tier: 'grand', outcome: 8, first: 200, n: 5, newest: 50, score: 70, reasons: farm, review: 'approved' });
  await insertRows({ campaign: 'ba', tier: 'points', outcome: 1, first: 300, n: 40, newest: 1, score: 5, reasons: 0 });
  // held, its event's partition long pruned
  await insertRows({ campaign: 'ba', tier: 'grand', outcome: 8, first: 400, n: 2, newest: 300, score: 0, reasons: 0, noEvent: true });
  await insertRows({ campaign: 'bb', tier: 'grand', outcome: 8, first: 1, n: 7, newest: 5, score: 90, reasons: velocity | farm });
  await runMigrations(stack.pool);
  migrated = true;
});

afterAll(() => stack.stop());

describe('migration 014', () => {
  it('backfills every held redemption’s score and reasons from its event, and nothing else', async () => {
    const { rows } = await stack.pool.query<{ campaign_id: string; outcome: number; review: string | null; score: number | null; reason_mask: number | null; n: number }>(
      `SELECT campaign_id, outcome, review, score, reason_mask, count(*)::int AS n FROM redemptions GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4`,
    );
    expect(rows).toEqual([
      { campaign_id: 'ba', outcome: 1, review: null, score: null, reason_mask: null, n: 40 },
      { campaign_id: 'ba', outcome: 8, review: 'approved', score: 70, reason_mask: farm, n: 5 },
      { campaign_id: 'ba', outcome: 8, review: null, score: 65, reason_mask: velocity, n: 30 },
      { campaign_id: 'ba', outcome: 8, review: null, score: 80, reason_mask: farm, n: 12 },
      { campaign_id: 'ba', outcome: 8, review: null, score: null, reason_mask: null, n: 2 },
      { campaign_id: 'bb', outcome: 8, review: null, score: 90, reason_mask: velocity | farm, n: 7 },
    ]);
  });

  it('starts the counts from the held rows there were', async () => {
    const { rows } = await stack.pool.query(`SELECT campaign_id, tier_id, kind, scans::int AS scans FROM review_backlog_counts ORDER BY 1, 2, 3`);
    expect(rows).toEqual([
      { campaign_id: 'ba', tier_id: 'grand', kind: 'held', scans: 37 },
      { campaign_id: 'ba', tier_id: 'grand', kind: 'reviewed', scans: 5 },
      { campaign_id: 'ba', tier_id: 'points', kind: 'held', scans: 12 },
      { campaign_id: 'bb', tier_id: 'grand', kind: 'held', scans: 7 },
    ]);
  });
});

describe('review backlog', () => {
  it('is exact by campaign and tier from the kept counts, after holds, approvals, rejections and new holds', async () => {
    expect(await readReviewBacklog(stack.pool, {}, now)).toEqual({ count: 51, capped: false, oldestAgeSeconds: 300 * 3600 + 401 * 60 });
    await expectExact();
    // reviews as the ingest applies them
    await stack.pool.query(`UPDATE redemptions SET review = 'approved' WHERE campaign_id = 'ba' AND serial IN (1, 2, 3, 100)`);
    await stack.pool.query(`UPDATE redemptions SET review = 'rejected' WHERE campaign_id = 'bb' AND serial <= 7`);
    await stack.pool.query(`UPDATE redemptions SET review = 'rejected' WHERE campaign_id = 'ba' AND serial IN (400, 401)`);
    expect(await readReviewBacklog(stack.pool, { campaignId: 'bb' }, now)).toEqual({ count: 0, capped: false, oldestAgeSeconds: null });
    expect((await readReviewBacklog(stack.pool, {}, now)).count).toBe(51 - 4 - 7 - 2);
    await expectExact();
    await insertRows({ campaign: 'bb', tier: 'points', outcome: 8, first: 50, n: 3, newest: 1, score: 60, reasons: velocity });
    await expectExact();
    expect((await readReviewBacklog(stack.pool, { tierId: 'points' }, now)).count).toBe(11 + 3);
  });

  it('counts a reason, score or age filter row by row: exact below the cap, labelled capped above it', async () => {
    const filters: QueueFilter[] = [
      { reason: 'ip_device_farm' },
      { reason: 'ip_velocity', campaignId: 'ba' },
      { minScore: 66 },
      { minScore: 60, maxScore: 65, tierId: 'grand' },
      { minAgeSeconds: 24 * 3600 },
      { reason: 'serial_run' },
    ];
    for (const filter of filters) expect(await readReviewBacklog(stack.pool, filter, now), JSON.stringify(filter)).toEqual({ ...(await byHand(filter)), capped: false });

    await insertRows({ campaign: 'bc', tier: 'grand', outcome: 8, first: 1, n: BACKLOG_COUNT_CAP + 200, newest: 30, score: 75, reasons: reasonBits.serial_run });
    const many: QueueFilter = { reason: 'serial_run' };
    expect(await readReviewBacklog(stack.pool, many, now)).toEqual({ count: BACKLOG_COUNT_CAP, capped: true, oldestAgeSeconds: (await byHand(many)).oldestAgeSeconds });
    expect((await byHand(many)).count).toBe(BACKLOG_COUNT_CAP + 200);
    // by campaign alone the same rows are exact again
    expect(await readReviewBacklog(stack.pool, { campaignId: 'bc' }, now)).toEqual({ ...(await byHand({ campaignId: 'bc' })), capped: false });
    await stack.pool.query(`UPDATE redemptions SET review = 'rejected' WHERE campaign_id = 'bc' AND serial <= 300`);
    expect(await readReviewBacklog(stack.pool, many, now)).toEqual({ count: 900, capped: false, oldestAgeSeconds: (await byHand(many)).oldestAgeSeconds });
    await expectExact();
  });

  it('pages by the held rows’ own score and reasons, oldest first', async () => {
    const page = await readReviewQueue(stack.pool, { reason: 'ip_device_farm', campaignId: 'ba' }, { limit: 5 }, now);
    expect(page.scans.map((scan) => [scan.score, scan.reasons])).toEqual(Array.from({ length: 5 }, () => [80, ['ip_device_farm']]));
    const ages = page.scans.map((scan) => scan.redeemedAtMs);
    expect(ages).toEqual([...ages].sort((a, b) => a - b));
    expect(page.next).not.toBeNull();
  });
});
