import type pg from 'pg';
import { reasonBits, reasonsFromMask, type ReasonCode } from '../scan/reasons.js';

/** Which held scans, unreviewed, the queue shows. Every filter is optional. */
export interface QueueFilter {
  readonly campaignId?: string;
  /** only scans held for this reason (among others) */
  readonly reason?: ReasonCode;
  readonly tierId?: string;
  /** only scans held at least this long (seconds) */
  readonly minAgeSeconds?: number;
  readonly minScore?: number;
  readonly maxScore?: number;
}

/** Where a page ends: the next page starts after this scan (oldest first). */
export interface QueueCursor {
  readonly redeemedAtMs: number;
  readonly campaignId: string;
  readonly code: string;
}

export interface HeldScan {
  readonly campaignId: string;
  readonly code: string;
  readonly scanId: string;
  readonly deviceId: string;
  readonly tierId: string | null;
  readonly redeemedAtMs: number;
  readonly score: number;
  readonly reasons: ReasonCode[];
}

export interface QueuePage {
  readonly scans: HeldScan[];
  /** null when this was the last page */
  readonly next: QueueCursor | null;
}

/** How many held scans wait (matching the filter), and since when. */
export interface QueueBacklog {
  readonly count: number;
  /**
   * false: `count` is exact. true: at least BACKLOG_COUNT_CAP scans match and `count` is that cap
   * (a filter on reason, score or age is counted row by row, and stops there).
   */
  readonly capped: boolean;
  /** null when the queue is empty */
  readonly oldestAgeSeconds: number | null;
}

/** Where a count that reads matching rows one by one stops: the page then says "1,000+". */
export const BACKLOG_COUNT_CAP = 1000;

interface QueueRow {
  campaign_id: string;
  code: string;
  event_id: string;
  device_id: string;
  tier_id: string | null;
  at_ms: number;
  score: number;
  reason_mask: number;
}

/**
 * The filter as SQL over `redemptions r`; every value is a parameter. The held scan's score and
 * reasons are on its redemption (migration 014), so no filter reads scan_events.
 */
function whereClause(filter: QueueFilter, now: number, params: unknown[]): string {
  const add = (value: unknown): string => `$${params.push(value)}`;
  const conditions = [`r.status = 'held'`];
  if (filter.campaignId !== undefined) conditions.push(`r.campaign_id = ${add(filter.campaignId)}`);
  if (filter.tierId !== undefined) conditions.push(`r.tier_id = ${add(filter.tierId)}`);
  if (filter.reason !== undefined) conditions.push(`(r.reason_mask & ${add(reasonBits[filter.reason])}::int) <> 0`);
  if (filter.minAgeSeconds !== undefined) conditions.push(`r.redeemed_at <= ${add(new Date(now - filter.minAgeSeconds * 1000))}`);
  if (filter.minScore !== undefined) conditions.push(`r.score >= ${add(filter.minScore)}`);
  if (filter.maxScore !== undefined) conditions.push(`r.score <= ${add(filter.maxScore)}`);
  return conditions.join(' AND ');
}

/**
 * One page of the review queue, oldest first, keyset-paginated on (redeemed_at, campaign, code):
 * an index-only scan of redemptions_review_order (or _queue for one campaign), stopped at the LIMIT.
 */
export async function readReviewQueue(pool: pg.Pool, filter: QueueFilter, page: { limit: number; after?: QueueCursor }, now = Date.now()): Promise<QueuePage> {
  const params: unknown[] = [];
  let where = whereClause(filter, now, params);
  if (page.after !== undefined) {
    const { redeemedAtMs, campaignId, code } = page.after;
    where += ` AND (r.redeemed_at, r.campaign_id, r.code) > ($${params.push(new Date(redeemedAtMs))}, $${params.push(campaignId)}, $${params.push(code)})`;
  }
  const limit = Math.max(1, Math.min(500, Math.floor(page.limit)));
  const { rows } = await pool.query<QueueRow>(
    `SELECT r.campaign_id, r.code, r.event_id, r.device_id, r.tier_id,
       floor(extract(epoch FROM r.redeemed_at) * 1000)::float8 AS at_ms,
       coalesce(r.score, 0)::int AS score, coalesce(r.reason_mask, 0) AS reason_mask
     FROM redemptions r WHERE ${where}
     ORDER BY r.redeemed_at, r.campaign_id, r.code LIMIT $${params.push(limit + 1)}`,
    params,
  );
  const scans = rows.slice(0, limit).map((row) => ({
    campaignId: row.campaign_id,
    code: row.code,
    scanId: row.event_id,
    deviceId: row.device_id,
    tierId: row.tier_id,
    redeemedAtMs: row.at_ms,
    score: row.score,
    reasons: reasonsFromMask(row.reason_mask),
  }));
  const last = scans[scans.length - 1];
  const next = rows.length > limit && last ? { redeemedAtMs: last.redeemedAtMs, campaignId: last.campaignId, code: last.code } : null;
  return { scans, next };
}

/** Whether the maintained counts answer the filter: they are kept per campaign and tier. */
const countedExactly = (filter: QueueFilter): boolean =>
  filter.reason === undefined && filter.minAgeSeconds === undefined && filter.minScore === undefined && filter.maxScore === undefined;

/**
 * How many held scans match the filter, and how long the oldest has waited; never a count of
 * every pending held row. By campaign and tier alone the count is exact, from
 * review_backlog_counts (kept by triggers on redemptions, migration 014); with a reason, score or
 * age filter the matching rows are counted in queue order up to BACKLOG_COUNT_CAP (`capped`
 * past it). The oldest is the first row in queue order.
 */
export async function readReviewBacklog(pool: pg.Pool, filter: QueueFilter, now = Date.now()): Promise<QueueBacklog> {
  const params: unknown[] = [];
  const where = whereClause(filter, now, params);
  const oldest = pool.query<{ at_ms: number }>(
    `SELECT floor(extract(epoch FROM r.redeemed_at) * 1000)::float8 AS at_ms FROM redemptions r WHERE ${where} ORDER BY r.redeemed_at LIMIT 1`,
    params,
  );
  const count = countedExactly(filter) ? countFromTotals(pool, filter) : countUpToCap(pool, where, params);
  const [{ rows }, counted] = await Promise.all([oldest, count]);
  const oldestMs = rows[0]?.at_ms;
  return { ...counted, oldestAgeSeconds: oldestMs === undefined ? null : Math.max(0, Math.floor((now - oldestMs) / 1000)) };
}

async function countFromTotals(pool: pg.Pool, filter: QueueFilter): Promise<{ count: number; capped: false }> {
  const { rows } = await pool.query<{ n: string | null }>(
    `SELECT sum(CASE kind WHEN 'held' THEN scans ELSE -scans END) AS n FROM review_backlog_counts
     WHERE ($1::text IS NULL OR campaign_id = $1) AND ($2::text IS NULL OR tier_id = $2)`,
    [filter.campaignId ?? null, filter.tierId ?? null],
  );
  return { count: Number(rows[0]?.n ?? 0), capped: false };
}

async function countUpToCap(pool: pg.Pool, where: string, params: unknown[]): Promise<{ count: number; capped: boolean }> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM redemptions r WHERE ${where} LIMIT ${BACKLOG_COUNT_CAP + 1}) matching`,
    params,
  );
  const n = rows[0]?.n ?? 0;
  return n > BACKLOG_COUNT_CAP ? { count: BACKLOG_COUNT_CAP, capped: true } : { count: n, capped: false };
}
