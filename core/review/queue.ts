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

export interface QueueBacklog {
  readonly count: number;
  /** null when the queue is empty */
  readonly oldestAgeSeconds: number | null;
}

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
 * The filter as SQL over `redemptions r` joined to the held scan's event `e`; every value is a
 * parameter. The event's key includes its time (= redeemed_at), so the join reads one partition.
 */
function whereClause(filter: QueueFilter, now: number, params: unknown[]): string {
  const add = (value: unknown): string => `$${params.push(value)}`;
  const conditions = [`r.status = 'held'`];
  if (filter.campaignId !== undefined) conditions.push(`r.campaign_id = ${add(filter.campaignId)}`);
  if (filter.tierId !== undefined) conditions.push(`r.tier_id = ${add(filter.tierId)}`);
  if (filter.reason !== undefined) conditions.push(`(e.reason_mask & ${add(reasonBits[filter.reason])}::int) <> 0`);
  if (filter.minAgeSeconds !== undefined) conditions.push(`r.redeemed_at <= ${add(new Date(now - filter.minAgeSeconds * 1000))}`);
  if (filter.minScore !== undefined) conditions.push(`e.score >= ${add(filter.minScore)}`);
  if (filter.maxScore !== undefined) conditions.push(`e.score <= ${add(filter.maxScore)}`);
  return conditions.join(' AND ');
}

const fromHeld = `FROM redemptions r
  LEFT JOIN scan_events e ON e.campaign_id = r.campaign_id AND e.event_id = r.event_id AND e.scanned_at = r.redeemed_at`;

/** One page of the review queue, oldest first, keyset-paginated on (redeemed_at, campaign, code). */
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
       coalesce(e.score, 0)::int AS score, coalesce(e.reason_mask, 0) AS reason_mask
     ${fromHeld} WHERE ${where}
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

/** Whether the filter reads the held scan's event (its reasons or score), or the redemption alone answers it. */
const filtersOnEvent = (filter: QueueFilter): boolean => filter.reason !== undefined || filter.minScore !== undefined || filter.maxScore !== undefined;

/**
 * How many held scans match the filter, and how long the oldest has waited. Without a filter on
 * the event the count reads only the held rows' partial indexes: joining every held row to its
 * event made Postgres hash the whole of scan_events (2 s at 1 M events).
 */
export async function readReviewBacklog(pool: pg.Pool, filter: QueueFilter, now = Date.now()): Promise<QueueBacklog> {
  const params: unknown[] = [];
  const where = whereClause(filter, now, params);
  const { rows } = await pool.query<{ n: number; oldest_ms: number | null }>(
    `SELECT count(*)::int AS n, floor(extract(epoch FROM min(r.redeemed_at)) * 1000)::float8 AS oldest_ms ${filtersOnEvent(filter) ? fromHeld : 'FROM redemptions r'} WHERE ${where}`,
    params,
  );
  const row = rows[0];
  const oldest = row?.oldest_ms ?? null;
  return { count: row?.n ?? 0, oldestAgeSeconds: oldest === null ? null : Math.max(0, Math.floor((now - oldest) / 1000)) };
}
