import type pg from 'pg';
import { ensureScanEventPartitions } from '../../core/db/partitions.js';
import type { Outcome } from '../../core/scan/outcomes.js';

/** A scan_events row as the ingest would write it: what a console test cares about, the rest defaulted. */
export interface ScanRow {
  readonly campaignId: string;
  readonly batchId: number;
  readonly eventId: string;
  readonly code: string;
  readonly outcome: Outcome;
  readonly at: Date;
  readonly deviceId: string;
  readonly serial?: number;
  readonly ip?: string;
  readonly uaClass?: string;
  readonly reasonMask?: number;
  readonly score?: number;
  readonly tierId?: string | null;
  readonly replay?: boolean;
  readonly userAgent?: string | null;
  readonly region?: string | null;
}

/** Inserts one scan event (its day's partition created first): the console reads Postgres, the ingest is not under test. */
export async function insertScanRow(pool: pg.Pool, scan: ScanRow): Promise<void> {
  await ensureScanEventPartitions(pool, scan.at, scan.at);
  await pool.query(
    `INSERT INTO scan_events (scanned_at, serial, batch_id, reason_mask, outcome, score, replay, new_device, campaign_id, event_id, code, device_id, ip, ua_class, region, tier_id, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      scan.at,
      scan.serial ?? 1,
      scan.batchId,
      scan.reasonMask ?? 0,
      scan.outcome,
      scan.score ?? 40,
      scan.replay ?? false,
      scan.campaignId,
      scan.eventId,
      scan.code,
      scan.deviceId,
      scan.ip ?? '198.51.100.40',
      scan.uaClass ?? 'mobile',
      scan.region === undefined ? 'CN-SH' : scan.region,
      scan.tierId ?? null,
      scan.userAgent ?? null,
    ],
  );
}
