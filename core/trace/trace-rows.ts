import type pg from 'pg';
import { reasonsFromMask, type ReasonCode } from '../scan/reasons.js';
import { outcomeNames, type Outcome, type OutcomeName } from '../scan/outcomes.js';

/** One row of scan_events as a trace shows it. */
export interface TracedScan {
  readonly scanId: string;
  readonly campaignId: string;
  readonly code: string;
  readonly scannedAt: Date;
  readonly outcome: OutcomeName;
  readonly reasons: ReasonCode[];
  readonly score: number;
  readonly tierId: string | null;
  readonly deviceId: string;
  readonly ip: string;
  readonly uaClass: string;
  readonly region: string | null;
  readonly replay: boolean;
  readonly newDevice: boolean;
  readonly firstScanId: string | null;
}

export interface TracedRedemption {
  readonly campaignId: string;
  readonly code: string;
  readonly scanId: string;
  readonly deviceId: string;
  readonly tierId: string | null;
  /** won, no_prize, held, approved or rejected */
  readonly status: string;
  readonly redeemedAt: Date;
}

export interface TracedReview {
  readonly scanId: string | null;
  readonly decision: 'approve' | 'reject';
  readonly reviewer: string;
  readonly note: string | null;
  readonly decidedAt: Date;
}

const scanColumns = `event_id, campaign_id, code, scanned_at, outcome, reason_mask, score, tier_id, device_id, host(ip) AS ip,
  ua_class, region, replay, new_device, first_scan_id`;

interface ScanRow {
  event_id: string;
  campaign_id: string;
  code: string;
  scanned_at: Date;
  outcome: Outcome;
  reason_mask: number;
  score: number;
  tier_id: string | null;
  device_id: string;
  ip: string;
  ua_class: string;
  region: string | null;
  replay: boolean;
  new_device: boolean;
  first_scan_id: string | null;
}

const toScan = (row: ScanRow): TracedScan => ({
  scanId: row.event_id,
  campaignId: row.campaign_id,
  code: row.code,
  scannedAt: row.scanned_at,
  outcome: outcomeNames[row.outcome],
  reasons: reasonsFromMask(row.reason_mask),
  score: row.score,
  tierId: row.tier_id,
  deviceId: row.device_id,
  ip: row.ip,
  uaClass: row.ua_class,
  region: row.region,
  replay: row.replay,
  newDevice: row.new_device,
  firstScanId: row.first_scan_id || null,
});

/** At most this many scans per trace: a device or code with more is a case in itself, and the page says so. */
export const traceScanLimit = 200;

/** Every scan of one code, oldest first (index scan_events_code). */
export async function scansOfCode(pool: pg.Pool, campaignId: string, code: string): Promise<TracedScan[]> {
  const { rows } = await pool.query<ScanRow>(`SELECT ${scanColumns} FROM scan_events WHERE campaign_id = $1 AND code = $2 ORDER BY scanned_at, event_id LIMIT $3`, [
    campaignId,
    code,
    traceScanLimit,
  ]);
  return rows.map(toScan);
}

/** A device's newest scans in every campaign, newest first (index scan_events_device, migration 008). */
export async function scansOfDevice(pool: pg.Pool, deviceId: string): Promise<TracedScan[]> {
  const { rows } = await pool.query<ScanRow>(`SELECT ${scanColumns} FROM scan_events WHERE device_id = $1 ORDER BY scanned_at DESC LIMIT $2`, [deviceId, traceScanLimit]);
  return rows.map(toScan);
}

/** The campaign and code of a scan, by its id (the stream entry id; index scan_events_event, migration 008). */
export async function codeOfScan(pool: pg.Pool, scanId: string): Promise<{ campaignId: string; code: string } | null> {
  const { rows } = await pool.query<{ campaign_id: string; code: string }>(`SELECT campaign_id, code FROM scan_events WHERE event_id = $1 LIMIT 1`, [scanId]);
  const row = rows[0];
  return row ? { campaignId: row.campaign_id, code: row.code } : null;
}

const redemptionColumns = `r.campaign_id, r.code, r.event_id, r.device_id, r.tier_id, r.status, r.redeemed_at`;

interface RedemptionRow {
  campaign_id: string;
  code: string;
  event_id: string;
  device_id: string;
  tier_id: string | null;
  status: string;
  redeemed_at: Date;
}

const toRedemption = (row: RedemptionRow): TracedRedemption => ({
  campaignId: row.campaign_id,
  code: row.code,
  scanId: row.event_id,
  deviceId: row.device_id,
  tierId: row.tier_id,
  status: row.status,
  redeemedAt: row.redeemed_at,
});

export async function redemptionOfCode(pool: pg.Pool, campaignId: string, code: string): Promise<TracedRedemption | null> {
  const { rows } = await pool.query<RedemptionRow>(`SELECT ${redemptionColumns} FROM redemptions r WHERE r.campaign_id = $1 AND r.code = $2`, [campaignId, code]);
  return rows[0] ? toRedemption(rows[0]) : null;
}

/**
 * A device's redemptions, newest first. Read per campaign so that redemptions_device
 * (campaign_id, device_id) serves it: campaigns are few, redemptions are many.
 */
export async function redemptionsOfDevice(pool: pg.Pool, deviceId: string): Promise<TracedRedemption[]> {
  const { rows } = await pool.query<RedemptionRow>(
    `SELECT ${redemptionColumns} FROM campaigns c CROSS JOIN LATERAL (
       SELECT * FROM redemptions WHERE campaign_id = c.id AND device_id = $1) r
     ORDER BY r.redeemed_at DESC LIMIT $2`,
    [deviceId, traceScanLimit],
  );
  return rows.map(toRedemption);
}

export async function reviewsOfCode(pool: pg.Pool, campaignId: string, code: string): Promise<TracedReview[]> {
  const { rows } = await pool.query<{ scan_id: string | null; decision: 'approve' | 'reject'; reviewer: string; note: string | null; decided_at: Date }>(
    `SELECT scan_id, decision, reviewer, note, decided_at FROM review_decisions WHERE campaign_id = $1 AND code = $2 ORDER BY decided_at, id`,
    [campaignId, code],
  );
  return rows.map((row) => ({ scanId: row.scan_id, decision: row.decision, reviewer: row.reviewer, note: row.note, decidedAt: row.decided_at }));
}

/** When a batch was (de)activated, and by whom: its audit rows, oldest first. */
export async function batchActivations(pool: pg.Pool, batchId: number): Promise<{ at: Date; actor: string; action: string }[]> {
  const { rows } = await pool.query<{ at: Date; actor: string; action: string }>(
    `SELECT at, actor, action FROM audit_log WHERE subject = $1 AND action IN ('batch.activate', 'batch.deactivate') ORDER BY at, id`,
    [`batch:${batchId}`],
  );
  return rows;
}
